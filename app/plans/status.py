"""Stored roll-up statuses of outcomes, pillars and plans, with their counts.

One grouped query counts every action by (pillar, outcome, effective RAG,
escalated to the board); Python adds those counts up the hierarchy and applies
the plan's rule; the statuses are replaced in two statements. The number of
statements does not depend on the number of actions.

Pages read the stored statuses (``current_statuses``) when they are as of
today and no change to the plan is waiting for its recalculation (a
``PendingRecalculation`` row, written with the change); otherwise they count
live with the same grouped query, so they never show a stale status.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import and_, case, delete, exists, func, insert, or_, select, text

from app.clock import now
from app.domain.lifecycle import CLOSED_STATES, ActionState
from app.domain.rag import Rag
from app.domain.rollup import RagCounts, RollupRule, RollupStatus, roll_up_counts
from app.extensions import db
from app.models import (
    Action,
    Escalation,
    EscalationState,
    Outcome,
    PendingRecalculation,
    Pillar,
    Plan,
    SnapshotPillarStatus,
    StoredStatus,
)

log = logging.getLogger("pillar.plans.status")

RECALCULATE_TASK = "workers.plans.recalculate_for_actions"


def request_recalculation(action_ids: Iterable[int]) -> bool:
    """Ask a worker to recalculate the statuses above these actions.

    Call in the transaction that changed them, before its commit: the request
    is an outbox row sent once that commit succeeds (app/outbox.py), and kept
    until the broker takes it.
    """
    from app.tasks import enqueue

    ids = sorted({int(action_id) for action_id in action_ids})
    if not ids:
        return False
    db.session.execute(
        insert(PendingRecalculation).from_select(
            ["plan_id"], select(Action.plan_id).where(Action.id.in_(ids)).distinct()
        )
    )
    return enqueue(current_app._get_current_object(), RECALCULATE_TASK, ids)


def request_plan_recalculation(plan_ids: Iterable[int]) -> bool:
    """``request_recalculation`` for changes to whole plans (an import, the sweep)."""
    from app.tasks import enqueue

    ids = sorted({int(plan_id) for plan_id in plan_ids})
    if not ids:
        return False
    db.session.execute(insert(PendingRecalculation), [{"plan_id": plan_id} for plan_id in ids])
    # The worker's task recalculates the plans of the actions it is given: one action stands for each plan.
    # A plan with no actions yet keeps its pending row until the nightly recalculation; its pages count live.
    standing_for = sorted(
        db.session.scalars(select(func.min(Action.id)).where(Action.plan_id.in_(ids)).group_by(Action.plan_id))
    )
    if not standing_for:
        return False
    return enqueue(current_app._get_current_object(), RECALCULATE_TASK, standing_for)


def plans_of_actions(action_ids: Iterable[int]) -> list[int]:
    ids = list(action_ids)
    if not ids:
        return []
    return list(db.session.scalars(select(Action.plan_id).where(Action.id.in_(ids)).distinct()))


# An advisory lock key of its own, apart from the sweep's per-plan keys.
_RECALCULATION_LOCK = 0x50494C4C5253


def recalculate(today: date, plan_ids: list[int] | None = None) -> dict[str, int]:
    """Recalculate and store the statuses of the given plans (all by default).

    Flushes; the caller commits.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        # Two workers recalculating at once would both delete and then insert the same
        # statuses: serialise them until the transaction ends (SQLite has one writer anyway).
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _RECALCULATION_LOCK})
    plan_query = select(Plan.id, Plan.rollup_method, Plan.rollup_red_threshold)
    if plan_ids is not None:
        plan_query = plan_query.where(Plan.id.in_(plan_ids))
    plans = {row.id: row for row in db.session.execute(plan_query)}
    if not plans:
        return {"plans": 0, "pillars": 0, "outcomes": 0}
    rules = {
        plan_id: RollupRule(method=row.rollup_method, red_threshold=row.rollup_red_threshold)
        for plan_id, row in plans.items()
    }

    # Before counting, and in a statement of its own: a change committed after this
    # keeps its pending row, so pages go on counting live until the next recalculation.
    db.session.execute(delete(PendingRecalculation).where(PendingRecalculation.plan_id.in_(plans)))
    pillars = db.session.execute(select(Pillar.id, Pillar.plan_id).where(Pillar.plan_id.in_(plans))).all()
    outcomes = db.session.execute(select(Outcome.id, Outcome.plan_id).where(Outcome.plan_id.in_(plans))).all()

    tallies = _tallies(_grouped_counts(today, Action.plan_id.in_(plans)))

    calculated_at = now().replace(tzinfo=None)
    rows = []
    scopes = (
        [(("plan", plan_id), plan_id) for plan_id in plans]
        + [(("pillar", pillar_id), plan_id) for pillar_id, plan_id in pillars]
        + [(("outcome", outcome_id), plan_id) for outcome_id, plan_id in outcomes]
    )
    for scope, plan_of in scopes:
        counts = RagCounts(**tallies[scope]) if scope in tallies else RagCounts()
        status = roll_up_counts(counts, rules[plan_of])
        rows.append(
            {
                "plan_id": plan_of,
                "scope": scope[0],
                "scope_id": scope[1],
                "rag": status.rag.value if status.rag else None,
                "reason": status.reason,
                "calculated_at": calculated_at,
                "as_of": today,
                **{name: getattr(counts, name) for name in _FIELDS},
            }
        )
    db.session.execute(delete(StoredStatus).where(StoredStatus.plan_id.in_(plans)))
    db.session.execute(StoredStatus.__table__.insert(), rows)
    db.session.flush()
    result = {"plans": len(plans), "pillars": len(pillars), "outcomes": len(outcomes)}
    log.info("recalculated statuses for %s", result)
    return result


def _grouped_counts(today: date, *where) -> list:
    """Actions counted by (plan, pillar, outcome, effective RAG, escalated to the board): one statement."""
    at_board = exists().where(
        Escalation.action_id == Action.id,
        Escalation.level == 3,
        Escalation.state != EscalationState.RESOLVED.value,
    )
    per_action = (
        select(
            Action.plan_id.label("plan_id"),
            Action.pillar_id.label("pillar_id"),
            Action.outcome_id.label("outcome_id"),
            Action.effective_rag_sql(today).label("rag"),
            at_board.label("at_board"),
        )
        # Cancelled actions count for nothing, as on the plan pages.
        .where(*where, Action.state != ActionState.CANCELLED.value)
        .subquery()
    )
    return db.session.execute(
        select(
            per_action.c.plan_id,
            per_action.c.pillar_id,
            per_action.c.outcome_id,
            per_action.c.rag,
            per_action.c.at_board,
            db.func.count(),
        ).group_by(
            per_action.c.plan_id, per_action.c.pillar_id, per_action.c.outcome_id, per_action.c.rag, per_action.c.at_board
        )
    ).all()


def _tallies(grouped) -> dict[tuple[str, int | None], dict[str, int]]:
    """Counts by scope: ("plan", id), ("pillar", id), ("outcome", id), and ("no outcome", pillar id)."""
    tallies: dict[tuple[str, int | None], dict[str, int]] = defaultdict(lambda: dict.fromkeys(_FIELDS, 0))
    for plan_id, pillar_id, outcome_id, rag, at_board_flag, count in grouped:
        field = _FIELD_FOR_RAG.get(rag, "not_started")
        above = [("plan", plan_id), ("pillar", pillar_id)]
        above.append(("outcome", outcome_id) if outcome_id is not None else (NO_OUTCOME, pillar_id))
        for scope in above:
            tally = tallies[scope]
            tally[field] += count
            if at_board_flag and rag != Rag.COMPLETE.value:
                tally["escalated_to_board"] += count
    return tallies


NO_OUTCOME = "no outcome"
_FIELDS = ("red", "amber", "green", "complete", "not_started", "escalated_to_board")
_FIELD_FOR_RAG = {
    Rag.RED.value: "red",
    Rag.AMBER.value: "amber",
    Rag.GREEN.value: "green",
    Rag.COMPLETE.value: "complete",
    Rag.NOT_STARTED.value: "not_started",
}


def stored_statuses(scope: str, ids: Iterable[int]) -> dict[int, StoredStatus]:
    """Stored statuses by id, for pages; missing ids have not been calculated yet."""
    ids = list(ids)
    if not ids:
        return {}
    found = db.session.scalars(select(StoredStatus).where(StoredStatus.scope == scope, StoredStatus.scope_id.in_(ids)))
    return {status.scope_id: status for status in found}


# --- Reading statuses for pages -------------------------------------------------


@dataclass(frozen=True)
class Statuses:
    """Rolled-up statuses for a page. ``plan`` is None when the page did not ask for it;
    ``no_outcome`` holds, per pillar asked for, the status of its actions with no outcome
    when it has any. ``stored`` says whether they came from the stored roll-up."""

    plan: RollupStatus | None
    pillars: dict[int, RollupStatus]
    outcomes: dict[int, RollupStatus]
    no_outcome: dict[int, RollupStatus]
    stored: bool


def current_statuses(
    plan: Plan,
    today: date,
    *,
    pillar_ids: Sequence[int],
    outcome_ids: Sequence[int] = (),
    whole_plan: bool = True,
    with_no_outcome: bool = False,
) -> Statuses:
    """The statuses of the plan (when ``whole_plan``), these pillars and these outcomes, as of today.

    Two statements whatever the plan's size when the stored roll-up is fresh: as of
    today, with no change waiting for its recalculation, and holding every scope asked
    for; otherwise the same grouped count the recalculation makes, for the whole plan
    or only these pillars. The "no outcome" groups, when asked for, are counted live
    by an indexed query of their own: the roll-up does not store them.
    """
    rule = plan.rollup_rule
    if not pillar_ids and not whole_plan:
        return Statuses(plan=None, pillars={}, outcomes={}, no_outcome={}, stored=True)
    wanted = [("pillar", pillar_id) for pillar_id in pillar_ids] + [("outcome", o) for o in outcome_ids]
    if whole_plan:
        wanted.append(("plan", plan.id))
    scopes = [and_(StoredStatus.scope == "plan", StoredStatus.scope_id == plan.id)] if whole_plan else []
    if pillar_ids:
        scopes.append(and_(StoredStatus.scope == "pillar", StoredStatus.scope_id.in_(list(pillar_ids))))
    if outcome_ids:
        scopes.append(and_(StoredStatus.scope == "outcome", StoredStatus.scope_id.in_(list(outcome_ids))))
    found = db.session.execute(
        select(StoredStatus.scope, StoredStatus.scope_id, *(getattr(StoredStatus, name) for name in _FIELDS))
        .where(
            StoredStatus.plan_id == plan.id,
            StoredStatus.as_of == today,
            or_(*scopes),
            ~exists().where(PendingRecalculation.plan_id == plan.id),
        )
    ).all()
    counts: dict[tuple[str, int | None], dict[str, int]] = {
        (row[0], row[1]): dict(zip(_FIELDS, row[2:], strict=True)) for row in found
    }
    stored = len(counts) == len(set(wanted))
    if not stored:
        where = [Action.plan_id == plan.id] if whole_plan else [Action.pillar_id.in_(list(pillar_ids))]
        counts = _tallies(_grouped_counts(today, *where))
    no_outcome = _tallies(
        _grouped_counts(today, Action.pillar_id.in_(list(pillar_ids)), Action.outcome_id.is_(None))
    ) if pillar_ids and with_no_outcome else {}

    def status(scope: tuple[str, int | None], source) -> RollupStatus:
        return roll_up_counts(RagCounts(**source.get(scope, {})), rule)

    return Statuses(
        plan=status(("plan", plan.id), counts) if whole_plan else None,
        pillars={pillar_id: status(("pillar", pillar_id), counts) for pillar_id in pillar_ids},
        outcomes={outcome_id: status(("outcome", outcome_id), counts) for outcome_id in outcome_ids},
        no_outcome={
            pillar_id: status((NO_OUTCOME, pillar_id), no_outcome)
            for pillar_id in pillar_ids
            if (NO_OUTCOME, pillar_id) in no_outcome
        },
        stored=stored,
    )


@dataclass(frozen=True)
class DueCounts:
    overdue: int = 0
    due_soon: int = 0


def due_counts(plan: Plan, today: date, due_soon_until: date | None = None) -> dict[int, DueCounts]:
    """Open actions overdue today (and due from today to ``due_soon_until``), by pillar.

    Live, as they change with the date: one statement over the plan's open actions
    due by then, read through the (plan, due date) index.
    """
    last = due_soon_until or today
    overdue = func.sum(case((Action.due_date < today, 1), else_=0))
    soon = func.sum(case((and_(Action.due_date >= today, Action.due_date <= last), 1), else_=0))
    rows = db.session.execute(
        select(Action.pillar_id, overdue, soon)
        .where(
            Action.plan_id == plan.id,
            Action.due_date.is_not(None),
            Action.due_date <= last,
            Action.state.not_in([s.value for s in CLOSED_STATES]),
        )
        .group_by(Action.pillar_id)
    ).all()
    return {
        pillar_id: DueCounts(int(late or 0), int(coming or 0) if due_soon_until is not None else 0)
        for pillar_id, late, coming in rows
    }


def record_snapshot_pillars(snapshot_id: int, pillars: Iterable[tuple[int, str | None]]) -> None:
    """Keep a frozen snapshot's pillar statuses (number, RAG) beside it, for direction of
    travel on the dashboard without reading the snapshot's every action. Flushes."""
    rows = [{"snapshot_id": snapshot_id, "pillar_number": number, "rag": rag} for number, rag in pillars]
    if rows:
        db.session.execute(insert(SnapshotPillarStatus), rows)


def snapshot_pillars(snapshot_id: int) -> dict[int, str | None]:
    """A snapshot's pillar statuses by pillar number."""
    return dict(
        db.session.execute(
            select(SnapshotPillarStatus.pillar_number, SnapshotPillarStatus.rag).where(
                SnapshotPillarStatus.snapshot_id == snapshot_id
            )
        ).all()
    )
