"""The daily sweep: raise, resolve and notify, set-based.

Each level's due-date cut-off is computed once in Python
(:func:`app.domain.escalation.cutoffs`); the rows are then found and written
with a fixed number of INSERT ... SELECT and UPDATE statements, whatever the
number of actions. Unique constraints make a second sweep insert nothing; a
lock stops two sweeps of one plan from interleaving. The sweep flushes; the
caller commits once per plan, so a killed worker leaves nothing half-done.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import (
    Date,
    Integer,
    String,
    and_,
    case,
    exists,
    func,
    literal,
    or_,
    select,
    text,
    tuple_,
    union_all,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from app.clock import now
from app.domain.escalation import Cutoffs, Level, cutoffs, missing_update_level2_date
from app.domain.lifecycle import CLOSED_STATES, ActionState
from app.domain.periods import Cadence, period_end, period_start, previous_period
from app.domain.rag import Rag
from app.domain.working_days import WorkingCalendar
from app.extensions import db
from app.models import (
    Action,
    Escalation,
    EscalationEvent,
    EscalationState,
    Notification,
    NotificationKind,
    Plan,
    Reminder,
    Resolution,
    SweepRun,
    Trigger,
    Update,
    action_leads,
    pillar_leads,
)
from app.plans.status import request_plan_recalculation
from app.security import security_log

log = logging.getLogger("pillar.escalations.sweep")

# Namespace for advisory locks, so they cannot collide with other features'.
_LOCK_NAMESPACE = 0x50_11_A0_00_0000

_CLOSED = [state.value for state in CLOSED_STATES]
_RESOLVED = EscalationState.RESOLVED.value


@dataclass
class SweepCounts:
    plans: int = 0
    reminders: int = 0
    raised: dict[int, int] = field(default_factory=lambda: {1: 0, 2: 0, 3: 0})
    resolved: int = 0
    notifications: int = 0
    skipped_plans: list[int] = field(default_factory=list)

    @property
    def raised_total(self) -> int:
        return sum(self.raised.values())

    def add(self, other: SweepCounts) -> None:
        self.plans += other.plans
        self.reminders += other.reminders
        for level, count in other.raised.items():
            self.raised[level] += count
        self.resolved += other.resolved
        self.notifications += other.notifications
        self.skipped_plans += other.skipped_plans

    def as_dict(self) -> dict:
        return {
            "plans": self.plans,
            "reminders": self.reminders,
            "raised": {f"level{level}": count for level, count in self.raised.items()},
            "resolved": self.resolved,
            "notifications": self.notifications,
            "skipped_plans": self.skipped_plans,
        }


def upsert_insert(table):
    """An INSERT that skips rows a unique constraint already holds."""
    dialect = db.session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    return module.insert(table)


def lock_plan(plan_id: int) -> None:
    """Serialise sweeps of one plan until the transaction ends.

    PostgreSQL: a transaction-scoped advisory lock, released by commit or by
    the connection dying. SQLite allows one writer at a time, and the sweep's
    first statement is a write, so the second sweep waits for the first.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_NAMESPACE + plan_id})


def sweep_plan(plan_id: int, today: date) -> SweepCounts:
    """Sweep one plan for ``today``. Flushes; the caller commits."""
    lock_plan(plan_id)
    run = SweepRun(plan_id=plan_id, sweep_date=today)
    db.session.add(run)
    db.session.flush()
    plan = db.session.get(Plan, plan_id)
    bounds = cutoffs(today, WorkingCalendar(plan.region), plan.escalation_rules)

    counts = SweepCounts(plans=1)
    # Highest level first, each action at the one level its due date puts
    # it at, unless it is already there or higher for this due date.
    ladder = [
        (Level.LEVEL3, bounds.level3_due_on_or_before, None),
        (Level.LEVEL2, bounds.level2_due_on_or_before, bounds.level3_due_on_or_before),
        (Level.LEVEL1, bounds.level1_due_on_or_before, bounds.level2_due_on_or_before),
    ]
    for level, on_or_before, after in ladder:
        counts.raised[int(level)] = _raise_overdue(plan_id, int(level), on_or_before, after, today, run.id)
    counts.raised[2] += _raise_red_periods(plan, today, run.id)
    counts.raised[2] += _raise_missing_update(plan, today, run.id)
    counts.resolved = _resolve_completed(plan_id, today)
    counts.reminders = _remind(plan_id, bounds, today)

    if counts.raised[3] or counts.resolved:
        # An open board escalation makes its pillar Red: the stored statuses must follow.
        request_plan_recalculation([plan_id])

    run.raised_level1, run.raised_level2, run.raised_level3 = (counts.raised[n] for n in (1, 2, 3))
    run.resolved = counts.resolved
    run.reminders = counts.reminders
    run.finished_at = now().replace(tzinfo=None)
    db.session.flush()
    log.info("swept plan %s for %s: %s", plan_id, today.isoformat(), counts.as_dict())
    return counts


def _open_actions(plan_id: int):
    return and_(Action.plan_id == plan_id, Action.state.not_in(_CLOSED), Action.due_date.is_not(None))


def _not_yet_at(rows, plan_id: int, level: int, cycle):
    """Keep the actions with no escalation at ``level`` or higher for this cycle.

    NOT IN over a subquery is planned as one hashed lookup table, built
    before the INSERT writes: NOT EXISTS against the table being written can
    be planned as a scan per action, quadratic on a plan's first sweep.
    """
    reached = select(Escalation.action_id, Escalation.cycle_due_date).where(
        Escalation.plan_id == plan_id, Escalation.level >= level
    )
    return rows.where(tuple_(Action.id, cycle).not_in(reached))


def _raise_overdue(
    plan_id: int, level: int, due_on_or_before: date, due_after: date | None, today: date, run_id: int
) -> int:
    rows = select(
        Action.plan_id,
        Action.id,
        literal(level, Integer),
        literal(Trigger.OVERDUE.value, String),
        Action.due_date,
        literal(today, Date),
        literal(run_id, Integer),
        literal(EscalationState.OPEN.value, String),
    ).where(_open_actions(plan_id), Action.due_date <= due_on_or_before)
    if due_after is not None:
        rows = rows.where(Action.due_date > due_after)
    return _insert_escalations(_not_yet_at(rows, plan_id, level, Action.due_date))


def _insert_escalations(rows) -> int:
    statement = (
        upsert_insert(Escalation.__table__)
        .from_select(
            ["plan_id", "action_id", "level", "trigger", "cycle_due_date", "raised_on", "sweep_run_id", "state"],
            rows,
        )
        .on_conflict_do_nothing()
    )
    return db.session.execute(statement.execution_options(preserve_rowcount=True)).rowcount


def _level2_rows(plan_id: int, trigger: Trigger, cycle_if_undated: date, today: date, run_id: int):
    # The cycle is the due date, so an action already at level 2 for being
    # overdue is not raised again; undated actions use the period instead.
    cycle = func.coalesce(Action.due_date, literal(cycle_if_undated, Date))
    rows = select(
        Action.plan_id,
        Action.id,
        literal(2, Integer),
        literal(trigger.value, String),
        cycle,
        literal(today, Date),
        literal(run_id, Integer),
        literal(EscalationState.OPEN.value, String),
    ).where(Action.plan_id == plan_id, Action.state.not_in(_CLOSED))
    return _not_yet_at(rows, plan_id, 2, cycle)


def _raise_red_periods(plan: Plan, today: date, run_id: int) -> int:
    """Level 2 for Red in the plan's number of consecutive periods.

    The run may end with the current period (its update already posted) or
    with the previous one (whose updates may still be arriving): one
    statement per ending, whatever the number of actions.
    """
    needed = plan.level2_consecutive_red_periods
    cadence = plan.cadence or Cadence.MONTHLY.value
    raised = 0
    latest = period_start(today, cadence)
    for last in (latest, previous_period(latest, cadence)):
        window = [last]
        while len(window) < needed:
            window.append(previous_period(window[-1], cadence))
        red_throughout = (
            select(Update.action_id)
            .where(Update.period.in_(window), Update.effective_rag == Rag.RED.value)
            .group_by(Update.action_id)
            .having(func.count() == needed)
        )
        rows = _level2_rows(plan.id, Trigger.RED_PERIODS, last, today, run_id).where(Action.id.in_(red_throughout))
        raised += _insert_escalations(rows)
    return raised


def _raise_missing_update(plan: Plan, today: date, run_id: int) -> int:
    """Level 2 when an update is still missing some working days after its deadline.

    The period checked is the latest one whose escalation date has come.
    Actions added to Pillar after the period ended, or starting after it,
    owed no update for it.
    """
    cadence = plan.cadence or Cadence.MONTHLY.value
    calendar = WorkingCalendar(plan.region)
    rules = plan.escalation_rules

    def escalates_on(start: date) -> date:
        return missing_update_level2_date(
            period_end(start, cadence), calendar, rules, plan.update_deadline_working_days
        )

    period = previous_period(period_start(today, cadence), cadence)
    if escalates_on(period) > today:
        period = previous_period(period, cadence)
    end = period_end(period, cadence)
    posted = select(Update.action_id).where(Update.period == period)
    rows = _level2_rows(plan.id, Trigger.MISSING_UPDATE, period, today, run_id).where(
        Action.created_at < end + timedelta(days=1),
        or_(Action.start_date.is_(None), Action.start_date <= end),
        Action.id.not_in(posted),
    )
    return _insert_escalations(rows)


def _resolve_completed(plan_id: int, today: date) -> int:
    """Resolve open escalations whose action is now complete or cancelled."""
    finished = select(Action.id).where(Action.plan_id == plan_id, Action.state.in_(_CLOSED))
    open_on_finished = and_(
        Escalation.plan_id == plan_id, Escalation.state != _RESOLVED, Escalation.action_id.in_(finished)
    )
    how = case(
        (Escalation.revised_due_date.is_not(None), Resolution.REVISED_DATE_MET.value),
        else_=Resolution.ACTION_COMPLETED.value,
    )
    db.session.execute(
        EscalationEvent.__table__.insert().from_select(
            ["escalation_id", "kind", "note"],
            select(Escalation.id, literal("resolved", String), how).where(open_on_finished),
        )
    )
    result = db.session.execute(
        update(Escalation)
        .where(open_on_finished)
        .values(state=_RESOLVED, resolved_on=today, resolution=how)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def _remind(plan_id: int, bounds: Cutoffs, today: date) -> int:
    """Delivery leads of actions due soon are reminded once per due date."""
    rows = select(Action.id, Action.due_date, literal(today, Date)).where(
        _open_actions(plan_id),
        Action.state != ActionState.AWAITING_SIGN_OFF.value,
        Action.due_date > bounds.reminder_due_after,
        Action.due_date <= bounds.reminder_due_on_or_before,
        exists().where(action_leads.c.action_id == Action.id),
        tuple_(Action.id, Action.due_date).not_in(select(Reminder.action_id, Reminder.due_date)),
    )
    statement = (
        upsert_insert(Reminder.__table__)
        .from_select(["action_id", "due_date", "sent_on"], rows)
        .on_conflict_do_nothing()
    )
    return db.session.execute(statement.execution_options(preserve_rowcount=True)).rowcount


def record_digests(today: date) -> int:
    """One digest per person with items today; none twice for a day."""
    items = digest_items(today).subquery()
    rows = (
        select(items.c.person_id, literal(today, Date), func.count())
        .where(items.c.person_id.is_not(None))
        .group_by(items.c.person_id)
    )
    statement = (
        upsert_insert(Notification.__table__)
        .from_select(["recipient_id", "sweep_date", "item_count"], rows)
        .on_conflict_do_nothing()
    )
    return db.session.execute(statement.execution_options(preserve_rowcount=True)).rowcount


def digest_items(day: date, person_ids: list[int] | None = None):
    """Each person's items for ``day``: (person_id, kind, action_id, escalation_id, via).

    ``via`` says why the person has the item: "lead" of the action, who acts
    on its update form, or "director" of its pillar, who acts on the escalation.

    Reminders and escalations raised that day on the actions a person leads;
    escalations at level 2 and 3 on the pillars a person is accountable for;
    and, for them, escalations still awaiting a decision from earlier days.
    A person who both leads the action and directs the pillar gets the
    escalation twice; the digest shows it once.
    """
    level_kind = case(
        (Escalation.level == 1, NotificationKind.LEVEL1.value),
        (Escalation.level == 2, NotificationKind.LEVEL2.value),
        else_=NotificationKind.LEVEL3.value,
    )
    reminders = (
        select(
            action_leads.c.person_id.label("person_id"),
            literal(NotificationKind.REMINDER.value, String).label("kind"),
            Reminder.action_id.label("action_id"),
            literal(None, Integer).label("escalation_id"),
            literal("lead", String).label("via"),
        )
        .join(action_leads, action_leads.c.action_id == Reminder.action_id)
        .where(Reminder.sent_on == day)
    )
    to_leads = (
        select(action_leads.c.person_id, level_kind, Escalation.action_id, Escalation.id, literal("lead", String))
        .join(action_leads, action_leads.c.action_id == Escalation.action_id)
        .where(Escalation.raised_on == day)
    )
    to_directors = (
        select(
            pillar_leads.c.person_id, level_kind, Escalation.action_id, Escalation.id, literal("director", String)
        )
        .join(Action, Action.id == Escalation.action_id)
        .join(pillar_leads, pillar_leads.c.pillar_id == Action.pillar_id)
        .where(Escalation.raised_on == day, Escalation.level >= 2)
    )
    awaiting = (
        select(
            pillar_leads.c.person_id,
            literal(NotificationKind.AWAITING_DECISION.value, String),
            Escalation.action_id,
            Escalation.id,
            literal("director", String),
        )
        .join(Action, Action.id == Escalation.action_id)
        .join(pillar_leads, pillar_leads.c.pillar_id == Action.pillar_id)
        .where(
            Escalation.state == EscalationState.OPEN.value,
            Escalation.level >= 2,
            Escalation.raised_on < day,
        )
    )
    parts = [reminders, to_leads, to_directors, awaiting]
    if person_ids is not None:
        parts = [
            reminders.where(action_leads.c.person_id.in_(person_ids)),
            to_leads.where(action_leads.c.person_id.in_(person_ids)),
            to_directors.where(pillar_leads.c.person_id.in_(person_ids)),
            awaiting.where(pillar_leads.c.person_id.in_(person_ids)),
        ]
    return union_all(*parts)


def run_sweep(today: date, plan_ids: list[int] | None = None, *, working_days_only: bool = False) -> SweepCounts:
    """Sweep every plan (or those given), committing once per plan.

    ``working_days_only`` skips plans for which ``today`` is a weekend or a
    bank holiday of their region: the scheduler runs Monday to Friday.
    """
    query = select(Plan.id, Plan.region).order_by(Plan.id)
    if plan_ids is not None:
        query = query.where(Plan.id.in_(plan_ids))
    plans = db.session.execute(query).all()
    db.session.commit()  # end the read, so the sweep's first statement takes the lock
    total = SweepCounts()
    for plan_id, region in plans:
        if working_days_only and not WorkingCalendar(region).is_working_day(today):
            total.skipped_plans.append(plan_id)
            continue
        try:
            total.add(sweep_plan(plan_id, today))
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
    # After the plans have committed; a sweep killed before this line leaves
    # the escalations, and the next run records the digests from them.
    try:
        total.notifications = record_digests(today)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    security_log.info("escalation sweep", extra={"event": "sweep", "outcome": "success", "day": today.isoformat(),
                                                 **total.as_dict()})
    return total
