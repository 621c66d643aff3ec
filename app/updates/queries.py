"""Reads for delivery leads and the action page: my actions, an action's history."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Select, select, tuple_
from sqlalchemy.orm import load_only, selectinload

from app.audit import queries as audit_queries
from app.domain.lifecycle import CLOSED_STATES
from app.domain.periods import period_label, reporting_period, update_deadline
from app.domain.rag import Direction, EffectiveRag
from app.domain.working_days import WorkingCalendar
from app.extensions import db
from app.models import Action, AuditEvent, Comment, Evidence, Person, Update, UpdateRevision, User, action_leads

#: How near a due date must be, in working days, to flag it.
DUE_SOON_WORKING_DAYS = 5


@dataclass(frozen=True)
class MyAction:
    action: Action
    effective: EffectiveRag
    overdue: bool
    due_soon: bool
    period_label: str
    update_owed: bool
    update_deadline: date


def lead_person_id(user: User) -> int | None:
    """The person the user signs in as, whose actions are theirs; None when not linked to one."""
    return db.session.scalar(select(Person.id).where(Person.user_id == user.id))


def my_actions_query(person_id: int, today: date, overdue_only: bool = False) -> Select:
    """The open actions the person leads, soonest due first (so overdue first), undated last."""
    query = (
        select(Action)
        .join(action_leads, action_leads.c.action_id == Action.id)
        .where(action_leads.c.person_id == person_id, Action.state.not_in([s.value for s in CLOSED_STATES]))
        .order_by(Action.due_date.is_(None), Action.due_date, Action.reference, Action.id)
        .options(
            # What the page shows, not the long texts of each action.
            load_only(Action.plan_id, Action.reference, Action.title, Action.due_date, Action.state, Action.rag,
                      Action.version),
            selectinload(Action.plan),
        )
    )
    if overdue_only:
        query = query.where(Action.overdue_sql(today))
    return query


def my_action_rows(actions: list[Action], today: date) -> list[MyAction]:
    """Due flags and this period's update for a page of actions: one statement for the updates."""
    calendars: dict[str, WorkingCalendar] = {}
    periods = {}
    for a in actions:
        calendar = calendars.setdefault(a.plan.region, WorkingCalendar(a.plan.region))
        periods[a.id] = reporting_period(today, calendar, a.plan.update_deadline_working_days, a.plan.cadence)
    posted: set[tuple[int, date]] = set()
    if actions:
        posted = {
            (action_id, period)
            for action_id, period in db.session.execute(
                select(Update.action_id, Update.period).where(tuple_(Update.action_id, Update.period).in_(list(periods.items())))
            )
        }
    rows = []
    for action in actions:
        plan = action.plan
        calendar = calendars.setdefault(plan.region, WorkingCalendar(plan.region))
        period = periods[action.id]
        due = action.due_date
        rows.append(MyAction(
            action=action,
            effective=action.effective_rag(today),
            overdue=action.is_overdue(today),
            due_soon=due is not None and due >= today
            and calendar.working_days_between(today, due) <= DUE_SOON_WORKING_DAYS,
            period_label=period_label(period, plan.cadence),
            update_owed=(action.id, period) not in posted,
            update_deadline=update_deadline(period, calendar, plan.update_deadline_working_days, plan.cadence),
        ))
    return rows


def my_actions(user: User, today: date) -> list[MyAction]:
    """Every open action the user leads, soonest due first (the page reads them a page at a time)."""
    person_id = lead_person_id(user)
    if person_id is None:
        return []
    return my_action_rows(list(db.session.scalars(my_actions_query(person_id, today)).all()), today)


@dataclass
class UpdateEntry:
    update: Update
    period_label: str
    direction: Direction
    previous_rag: str | None
    revisions: list[UpdateRevision] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class History:
    updates: list[UpdateEntry]
    evidence: list[Evidence]
    comments: list[Comment]
    events: list[AuditEvent]

    @property
    def live_evidence(self) -> list[Evidence]:
        return [e for e in self.evidence if not e.is_deleted]


def action_history(action: Action) -> History:
    updates = db.session.scalars(
        select(Update)
        .where(Update.action_id == action.id)
        .order_by(Update.period)
        .options(selectinload(Update.author), selectinload(Update.revisions).selectinload(UpdateRevision.author))
    ).all()
    evidence = db.session.scalars(
        select(Evidence)
        .where(Evidence.action_id == action.id)
        .order_by(Evidence.uploaded_at.desc(), Evidence.id.desc())
        .options(selectinload(Evidence.uploaded_by), selectinload(Evidence.deleted_by))
    ).all()
    comments = db.session.scalars(
        select(Comment).where(Comment.action_id == action.id).order_by(Comment.created_at.desc(), Comment.id.desc())
        .options(selectinload(Comment.author))
    ).all()
    by_update: dict[int, list[Evidence]] = {}
    for item in evidence:
        if item.update_id is not None:
            by_update.setdefault(item.update_id, []).append(item)
    entries = []
    previous: Update | None = None
    for update in updates:
        entries.append(UpdateEntry(
            update=update,
            period_label=period_label(update.period, action.plan.cadence),
            direction=update.direction_from(previous),
            previous_rag=previous.effective_rag if previous else None,
            revisions=sorted(update.revisions, key=lambda r: r.version, reverse=True),
            evidence=by_update.get(update.id, []),
        ))
        previous = update
    entries.reverse()
    return History(updates=entries, evidence=list(evidence), comments=list(comments),
                   events=audit_queries.for_action(action.id))
