"""Reads for the escalation pages. Each is one query with eager loading."""

from __future__ import annotations

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload, selectinload

from app.domain.roles import Role
from app.extensions import db
from app.models import Action, Escalation, EscalationState, Notification, Pillar, User, pillar_leads

_LOAD = (
    joinedload(Escalation.action).joinedload(Action.pillar),
    joinedload(Escalation.action).selectinload(Action.delivery_leads),
)


def inbox_query(user: User) -> Select:
    """Open escalations at level 2 or 3 on the pillars the user is accountable for (every
    pillar for an administrator): board escalations first, then the longest waiting."""
    query = (
        select(Escalation)
        .join(Action, Action.id == Escalation.action_id)
        .where(Escalation.state != EscalationState.RESOLVED.value, Escalation.level >= 2)
        # What the inbox's table shows: the action's reference and title and its pillar.
        .options(joinedload(Escalation.action).load_only(Action.reference, Action.title, Action.pillar_id)
                 .joinedload(Action.pillar))
        .order_by(Escalation.level.desc(), Escalation.raised_on, Escalation.id)
    )
    if user.role != Role.ADMINISTRATOR.value:
        person_id = user.person.id if user.person else -1
        query = query.join(pillar_leads, pillar_leads.c.pillar_id == Action.pillar_id).where(
            pillar_leads.c.person_id == person_id
        )
    return query


def inbox_first(user: User, limit: int) -> tuple[list[Escalation], int]:
    """The first ``limit`` escalations of the user's inbox, and how many it holds."""
    rows = db.session.execute(
        inbox_query(user).add_columns(func.count().over().label("total")).limit(limit)
    ).unique().all()
    return [row[0] for row in rows], (rows[0][-1] if rows else 0)


def escalation(escalation_id: int) -> Escalation | None:
    return db.session.scalar(
        select(Escalation)
        .where(Escalation.id == escalation_id)
        .options(
            *_LOAD,
            joinedload(Escalation.action).joinedload(Action.pillar).selectinload(Pillar.accountable_leads),
            selectinload(Escalation.events),
        )
    )


def plan_escalations(plan_id: int, level: int | None, pillar_number: int | None, state: str | None) -> list[Escalation]:
    query = (
        select(Escalation)
        .join(Action, Action.id == Escalation.action_id)
        .join(Pillar, Pillar.id == Action.pillar_id)
        .where(Escalation.plan_id == plan_id)
        .options(*_LOAD)
        .order_by(Escalation.raised_on.desc(), Escalation.level.desc(), Escalation.id)
    )
    if level is not None:
        query = query.where(Escalation.level == level)
    if pillar_number is not None:
        query = query.where(Pillar.number == pillar_number)
    if state == "open":
        query = query.where(Escalation.state != EscalationState.RESOLVED.value)
    elif state:
        query = query.where(Escalation.state == state)
    return list(db.session.scalars(query).unique())


def digests_for(user: User, limit: int = 30) -> list[Notification]:
    """The user's daily digests, newest first."""
    if user.person is None:
        return []
    return list(
        db.session.scalars(
            select(Notification)
            .where(Notification.recipient_id == user.person.id)
            .order_by(Notification.sweep_date.desc())
            .limit(limit)
        )
    )
