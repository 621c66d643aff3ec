"""Named state changes to a plan's structure. Services flush; the caller commits."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.audit import services as audit
from app.domain.errors import ValidationFailed
from app.domain.lifecycle import ActionState
from app.domain.rag import Rag
from app.extensions import db
from app.models import Action, Outcome, Person, Pillar, Plan
from app.plans.status import request_recalculation


def add_action(
    *,
    plan: Plan,
    pillar: Pillar,
    reference: str,
    title: str,
    outcome: Outcome | None = None,
    due_date: date | None = None,
    timescale: str | None = None,
    rag: str = Rag.NOT_STARTED.value,
    state: str = ActionState.NOT_STARTED.value,
    leads: list[Person] | None = None,
    actor=None,
    **fields,
) -> Action:
    """Add an action, refusing a reference already used in the plan."""
    problems: dict[str, str] = {}
    reference = reference.strip()
    if not reference:
        problems["reference"] = "Enter a reference, like 1.2.3"
    elif db.session.scalar(select(Action.id).where(Action.plan_id == plan.id, Action.reference == reference)):
        problems["reference"] = f"Reference {reference} is already used by another action in this plan"
    if not title.strip():
        problems["title"] = "Enter what the action will do"
    if pillar.plan_id != plan.id:
        problems["pillar"] = "The pillar belongs to another plan"
    if outcome is not None and outcome.pillar_id != pillar.id:
        problems["outcome"] = "The outcome belongs to another pillar"
    try:
        Rag(rag)
    except ValueError:
        problems["rag"] = f"'{rag}' is not a RAG status"
    try:
        ActionState(state)
    except ValueError:
        problems["state"] = f"'{state}' is not an action state"
    if problems:
        raise ValidationFailed(problems)
    action = Action(
        plan_id=plan.id,
        pillar=pillar,
        outcome=outcome,
        reference=reference,
        title=title.strip(),
        due_date=due_date,
        timescale=timescale,
        rag=rag,
        state=state,
        delivery_leads=leads or [],
        **fields,
    )
    db.session.add(action)
    db.session.flush()
    audit.record(actor, "action", action.id, "created", action_id=action.id, note=f"{action.reference} {action.title}")
    request_recalculation([action.id])  # its outcome's, pillar's and plan's statuses, once this commits
    return action
