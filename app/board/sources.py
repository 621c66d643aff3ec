"""Sections of the pack and the log that other features fill in.

Each provider takes the plan and the as-at date and returns plain values
(dataclasses of str/int/None), never ORM objects, so the snapshot can hold
them as JSON and the pack renders them without a database. Until the feature
that owns a section is merged, its provider returns an empty result and the
pack says so ("There are no escalated issues in this period.") or leaves the
cells empty.

Contract for every provider:
- read with a fixed number of queries (set-based), whatever the plan's size;
- return only what was true on or before ``as_at``;
- strings are plain text (no HTML); dates are ISO strings ("2026-11-23") or None.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import selectinload

from app.domain.lifecycle import CLOSED_STATES
from app.domain.periods import period_start
from app.domain.rag import Direction, Rag, direction_of_travel
from app.extensions import db
from app.models import Action, Escalation, Person, Pillar, Plan, Update, User, action_leads
from app.models.escalations import Trigger
from app.tasks import enqueue

_TRIGGERS = {trigger.value for trigger in Trigger}


def reference_sort_key(reference: str) -> tuple:
    """Orders references as people read them: 1.2 before 1.10."""
    return tuple(int(part) if part.isdigit() else 0 for part in reference.split(".")) + (reference,)


@dataclass(frozen=True)
class ReportingPeriod:
    """The days a board meeting reports on: ``start`` to ``end`` inclusive."""

    start: date
    end: date


@dataclass(frozen=True)
class Commentary:
    """The latest update of an action in the period (filled by the updates feature).

    ``proposed_rag`` is an ``app.domain.rag.Rag`` value or None; ``direction``
    an ``app.domain.rag.Direction`` value (this period's RAG against the last).
    """

    commentary: str = ""
    outstanding: str = ""
    risks: str = ""
    proposed_rag: str | None = None
    direction: str = "none"


@dataclass(frozen=True)
class EscalatedIssue:
    """A level 3 (board) escalation open on ``as_at`` (filled by the workers feature)."""

    action_id: int
    reference: str
    action_title: str
    level: int
    reason: str
    raised_on: str | None = None
    director: str = ""
    director_response: str = ""
    revised_due_date: str | None = None


@dataclass(frozen=True)
class TargetRow:
    """An Improvement Notice target with its latest value (filled by the kpi feature).

    ``status`` is an ``app.domain.kpi`` status label ("OK", "Warning", "Alert",
    "Data only", "Unknown").
    """

    target: str
    status: str = "Unknown"
    value: str = ""
    value_as_at: str | None = None
    direction: str = ""
    previous_value: str = ""
    commentary: str = ""
    actions: str = ""
    additional_information: str = ""


@dataclass(frozen=True)
class OutstandingUpdate:
    """An open action whose leads have not yet posted this period's update."""

    action_id: int
    reference: str
    action_title: str
    lead_names: tuple[str, ...] = ()
    lead_emails: tuple[str, ...] = ()


def period_commentary(
    plan: Plan, as_at: date, action_ids: Collection[int] | None = None
) -> dict[int, Commentary]:
    """Each action's latest update posted on or before ``as_at``, by action id.

    ``action_ids`` limits the answer to those actions (the CSV export asks in
    batches so its memory stays flat). Direction of travel compares the
    latest update's effective RAG with the one before it.
    """
    recent = (
        select(
            Update.action_id,
            Update.effective_rag,
            Update.proposed_rag,
            Update.commentary,
            Update.outstanding_actions,
            Update.risks,
            func.row_number().over(partition_by=Update.action_id, order_by=Update.period.desc()).label("age"),
        )
        .join(Action, Action.id == Update.action_id)
        .where(
            Action.plan_id == plan.id,
            Update.period <= as_at,
            Update.created_at < datetime.combine(as_at + timedelta(days=1), time.min),
        )
    )
    if action_ids is not None:
        recent = recent.where(Update.action_id.in_(list(action_ids)))
    recent = recent.subquery()
    rows = db.session.execute(select(recent).where(recent.c.age <= 2).order_by(recent.c.action_id, recent.c.age))
    latest: dict[int, Commentary] = {}
    latest_rag: dict[int, str] = {}
    for row in rows:
        if row.age == 1:
            latest_rag[row.action_id] = row.effective_rag
            latest[row.action_id] = Commentary(
                commentary=row.commentary or "",
                outstanding=row.outstanding_actions or "",
                risks=row.risks or "",
                proposed_rag=row.proposed_rag,
                direction=Direction.NONE.value,
            )
        else:
            current = latest[row.action_id]
            direction = direction_of_travel(Rag(row.effective_rag), Rag(latest_rag[row.action_id]))
            latest[row.action_id] = replace(current, direction=direction.value)
    return latest


def escalated_issues(plan: Plan, as_at: date) -> list[EscalatedIssue]:
    """Level 3 (board) escalations open on ``as_at``, ordered by action reference."""
    escalations = db.session.scalars(
        select(Escalation)
        .join(Action, Action.id == Escalation.action_id)
        .where(
            Escalation.plan_id == plan.id,
            Escalation.level >= 3,
            Escalation.raised_on <= as_at,
            or_(Escalation.resolved_on.is_(None), Escalation.resolved_on > as_at),
        )
        .options(selectinload(Escalation.action).selectinload(Action.pillar).selectinload(Pillar.accountable_leads))
    ).all()
    issues = [
        EscalatedIssue(
            action_id=escalation.action_id,
            reference=escalation.action.reference,
            action_title=escalation.action.title,
            level=escalation.level,
            reason=Trigger(escalation.trigger).label if escalation.trigger in _TRIGGERS else escalation.trigger,
            raised_on=escalation.raised_on.isoformat(),
            director=", ".join(lead.name for lead in escalation.action.pillar.accountable_leads),
            director_response=escalation.response or "",
            revised_due_date=escalation.revised_due_date.isoformat() if escalation.revised_due_date else None,
        )
        for escalation in escalations
    ]
    return sorted(issues, key=lambda issue: reference_sort_key(issue.reference))


def improvement_notice_targets(plan: Plan, as_at: date) -> list[TargetRow]:
    """The Improvement Notice targets with their latest values as at ``as_at``."""
    from app.indicators.queries import improvement_notice_targets as indicator_rows

    rows = []
    for row in indicator_rows(plan, as_at):
        additional = row.reason
        if row.unanswered_alert:
            additional += "; in alert for two months with no open action linked"
        rows.append(
            TargetRow(
                target=row.target,
                status=row.status.label,
                value=row.value,
                value_as_at=row.as_at.isoformat() if row.as_at else None,
                direction=f"{row.trend.arrow} {row.trend.label}".strip(),
                previous_value=row.previous_value,
                commentary=row.commentary or "",
                actions=", ".join(action.reference for action in row.actions),
                additional_information=additional,
            )
        )
    return rows


def outstanding_updates(plan: Plan, period: ReportingPeriod) -> list[OutstandingUpdate]:
    """Open actions with no update posted for ``period``, ordered by reference.

    An update counts when its reporting period overlaps the board's period.
    Two statements: the actions, then their leads.
    """
    first_period = period_start(period.start, plan.cadence)
    posted = exists().where(
        Update.action_id == Action.id, Update.period >= first_period, Update.period <= period.end
    )
    actions = db.session.scalars(
        select(Action)
        .where(Action.plan_id == plan.id, Action.state.not_in([s.value for s in CLOSED_STATES]), ~posted)
        .options(selectinload(Action.delivery_leads))
    ).all()
    return [
        OutstandingUpdate(
            action_id=action.id,
            reference=action.reference,
            action_title=action.title,
            lead_names=tuple(person.name for person in action.delivery_leads),
            lead_emails=tuple(person.email for person in action.delivery_leads if person.email),
        )
        for action in sorted(actions, key=lambda a: reference_sort_key(a.reference))
    ]


def send_update_reminders(plan: Plan, period: ReportingPeriod, action_ids: Collection[int]) -> int:
    """Remind the delivery leads of exactly these actions; return how many leads are reminded.

    The emails are sent by a worker once the caller's transaction commits.
    """
    ids = sorted(set(action_ids))
    if not ids:
        return 0
    leads = db.session.execute(
        select(Person.id, func.coalesce(Person.email, User.email))
        .join(action_leads, action_leads.c.person_id == Person.id)
        .outerjoin(User, User.id == Person.user_id)
        .where(action_leads.c.action_id.in_(ids))
        .distinct()
    ).all()
    reachable = sorted({person_id for person_id, email in leads if email})
    if not reachable:
        return 0
    # An outbox row in the caller's transaction: the emails go once the view commits.
    enqueue(current_app._get_current_object(), "workers.notifications.send_update_reminders", plan.id, ids,
            period.end.isoformat())
    return len(reachable)
