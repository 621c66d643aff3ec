"""A director's decisions on an escalation. Each validates everything first,
writes the history in the same place, and flushes; the caller commits and then
asks for the statuses to be recalculated."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.clock import now
from app.domain.errors import ValidationFailed
from app.extensions import db
from app.models import Escalation, EscalationEvent, EscalationState, Resolution, Trigger, User


def _refuse_if_resolved(escalation: Escalation) -> None:
    if not escalation.is_open:
        raise ValidationFailed({"escalation": "This escalation is already resolved"})


def _record(escalation: Escalation, actor: User, kind: str, note: str | None = None) -> None:
    db.session.add(EscalationEvent(escalation=escalation, actor_id=actor.id, kind=kind, note=note))


def acknowledge(escalation: Escalation, actor: User) -> None:
    """Seen: stops the daily repeat notices."""
    _refuse_if_resolved(escalation)
    if escalation.acknowledged_at is not None:
        raise ValidationFailed({"escalation": "This escalation is already acknowledged"})
    escalation.acknowledged_by_id = actor.id
    escalation.acknowledged_at = now().replace(tzinfo=None)
    if escalation.state == EscalationState.OPEN.value:
        escalation.state = EscalationState.ACKNOWLEDGED.value
    _record(escalation, actor, "acknowledged")
    db.session.flush()


def respond(escalation: Escalation, actor: User, response: str) -> None:
    """The director's mitigation, shown in the board pack at level 3."""
    _refuse_if_resolved(escalation)
    response = (response or "").strip()
    if not response:
        raise ValidationFailed({"response": "Enter your response: what is being done about it"})
    escalation.response = response
    if escalation.acknowledged_at is None:
        escalation.acknowledged_by_id = actor.id
        escalation.acknowledged_at = now().replace(tzinfo=None)
    if escalation.state in (EscalationState.OPEN.value, EscalationState.ACKNOWLEDGED.value):
        escalation.state = EscalationState.RESPONDED.value
    _record(escalation, actor, "responded", response)
    db.session.flush()


def agree_revised_date(escalation: Escalation, actor: User, new_date: date | None, reason: str, today: date) -> None:
    """Move the action's due date, keeping the original and the reason.

    The escalation stays open until the action is completed; if the new date
    is missed too, the sweep raises a new cycle against it.
    """
    _refuse_if_resolved(escalation)
    problems: dict[str, str] = {}
    action = escalation.action
    if new_date is None:
        problems["revised_due_date"] = "Enter the revised due date"
    elif new_date <= today:
        problems["revised_due_date"] = "The revised due date must be in the future"
    elif action.due_date is not None and new_date <= action.due_date:
        problems["revised_due_date"] = "The revised due date must be after the current due date"
    reason = (reason or "").strip()
    if not reason:
        problems["reason"] = "Enter the reason for the revised date"
    if problems:
        raise ValidationFailed(problems)
    if action.original_due_date is None:
        action.original_due_date = action.due_date
    old = action.due_date
    action.due_date = new_date
    action.due_date_revision_reason = reason
    escalation.revised_due_date = new_date
    if escalation.acknowledged_at is None:
        escalation.acknowledged_by_id = actor.id
        escalation.acknowledged_at = now().replace(tzinfo=None)
    if escalation.state == EscalationState.OPEN.value:
        escalation.state = EscalationState.ACKNOWLEDGED.value
    old_text = old.isoformat() if old else "none"
    _record(escalation, actor, "revised_date", f"{old_text} -> {new_date.isoformat()}: {reason}")
    db.session.flush()


def refer_to_board(escalation: Escalation, actor: User, note: str, today: date) -> Escalation:
    """Raise the action to level 3 now, listed under Escalated issues."""
    _refuse_if_resolved(escalation)
    problems: dict[str, str] = {}
    if escalation.level >= 3:
        problems["escalation"] = "This escalation is already with the board"
    elif db.session.scalar(
        select(Escalation.id).where(
            Escalation.action_id == escalation.action_id,
            Escalation.level == 3,
            Escalation.cycle_due_date == escalation.cycle_due_date,
        )
    ):
        problems["escalation"] = "This action is already with the board"
    note = (note or "").strip()
    if not note:
        problems["note"] = "Enter why the board should consider it"
    if problems:
        raise ValidationFailed(problems)
    referred = Escalation(
        plan_id=escalation.plan_id,
        action_id=escalation.action_id,
        level=3,
        trigger=Trigger.REFERRED.value,
        cycle_due_date=escalation.cycle_due_date,
        raised_on=today,
        state=EscalationState.OPEN.value,
        response=escalation.response,
    )
    db.session.add(referred)
    escalation.state = EscalationState.REFERRED.value
    if escalation.acknowledged_at is None:
        escalation.acknowledged_by_id = actor.id
        escalation.acknowledged_at = now().replace(tzinfo=None)
    _record(escalation, actor, "referred", note)
    db.session.flush()
    return referred


def resolve(escalation: Escalation, actor: User, note: str, today: date) -> None:
    _refuse_if_resolved(escalation)
    note = (note or "").strip()
    if not note:
        raise ValidationFailed({"note": "Enter how it was resolved"})
    escalation.state = EscalationState.RESOLVED.value
    escalation.resolved_on = today
    escalation.resolution = Resolution.BY_DIRECTOR.value
    _record(escalation, actor, "resolved", note)
    db.session.flush()
