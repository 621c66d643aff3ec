"""Stored roll-up statuses of outcomes, pillars and plans, with their counts.

One grouped query counts every action by (pillar, outcome, effective RAG,
escalated to the board); Python adds those counts up the hierarchy and applies
the plan's rule; the statuses are replaced in two statements. The number of
statements does not depend on the number of actions.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from flask import current_app
from sqlalchemy import delete, exists, select, text

from app.clock import now
from app.domain.lifecycle import ActionState
from app.domain.rag import Rag
from app.domain.rollup import RagCounts, RollupRule, roll_up_counts
from app.extensions import db
from app.models import Action, Escalation, EscalationState, Outcome, Pillar, Plan, StoredStatus

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
    return enqueue(current_app._get_current_object(), RECALCULATE_TASK, ids)


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

    pillars = db.session.execute(select(Pillar.id, Pillar.plan_id).where(Pillar.plan_id.in_(plans))).all()
    outcomes = db.session.execute(select(Outcome.id, Outcome.plan_id).where(Outcome.plan_id.in_(plans))).all()

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
        .where(Action.plan_id.in_(plans), Action.state != ActionState.CANCELLED.value)
        .subquery()
    )
    grouped = db.session.execute(
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

    tallies: dict[tuple[str, int], dict[str, int]] = defaultdict(lambda: dict.fromkeys(_FIELDS, 0))
    for plan_id, pillar_id, outcome_id, rag, at_board_flag, count in grouped:
        field = _FIELD_FOR_RAG.get(rag, "not_started")
        above = [("plan", plan_id), ("pillar", pillar_id)]
        if outcome_id is not None:
            above.append(("outcome", outcome_id))
        for scope in above:
            tally = tallies[scope]
            tally[field] += count
            if at_board_flag and rag != Rag.COMPLETE.value:
                tally["escalated_to_board"] += count

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
                **{name: getattr(counts, name) for name in _FIELDS},
            }
        )
    db.session.execute(delete(StoredStatus).where(StoredStatus.plan_id.in_(plans)))
    db.session.execute(StoredStatus.__table__.insert(), rows)
    db.session.flush()
    result = {"plans": len(plans), "pillars": len(pillars), "outcomes": len(outcomes)}
    log.info("recalculated statuses for %s", result)
    return result


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
