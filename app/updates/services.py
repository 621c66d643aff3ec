"""Named state changes for progress updates, comments and an action's lifecycle.

Each validates everything first, raises one ValidationFailed listing every
problem, writes its audit events in the same session, and flushes; the view
commits once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from app import clock
from app.audit import services as audit
from app.domain.errors import ValidationFailed
from app.domain.lifecycle import ActionState
from app.domain.periods import period_label, reporting_period
from app.domain.rag import Rag, effective_rag
from app.domain.working_days import WorkingCalendar
from app.extensions import db
from app.models import Action, Comment, Evidence, Update, UpdateRevision, User
from app.policy import can_comment, can_post_update, can_sign_off
from app.updates.errors import EditConflict, NotPermitted

#: The ratings a lead may propose in an update. Complete comes from sign-off, not a proposal.
PROPOSABLE = (Rag.GREEN, Rag.AMBER, Rag.RED, Rag.NOT_STARTED)

_TEXT_LIMIT = 10_000

# Where each lifecycle change may start from.
_CLAIMABLE = {ActionState.NOT_STARTED, ActionState.IN_PROGRESS, ActionState.COMPLETE_MONITORING}
_REOPENABLE = {ActionState.COMPLETE, ActionState.COMPLETE_MONITORING, ActionState.CANCELLED}
_CANCELLABLE = {ActionState.NOT_STARTED, ActionState.IN_PROGRESS, ActionState.AWAITING_SIGN_OFF,
                ActionState.COMPLETE_MONITORING}


@dataclass(frozen=True)
class UpdateInput:
    proposed_rag: str
    commentary: str
    outstanding_actions: str = ""
    risks: str = ""


def _now():
    return clock.now().replace(tzinfo=None)


def _clean(text: str | None) -> str:
    # Browsers send CRLF; store one kind of line break.
    return (text or "").replace("\r\n", "\n").strip()


def current_period(action: Action, today: date) -> date:
    """The period an update posted today reports on (see ``reporting_period``)."""
    plan = action.plan
    return reporting_period(today, WorkingCalendar(plan.region), plan.update_deadline_working_days, plan.cadence)


def update_for(action_id: int, period: date) -> Update | None:
    return db.session.scalar(select(Update).where(Update.action_id == action_id, Update.period == period))


def _check_action_version(action: Action, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != action.version:
        raise EditConflict(action, "Someone else changed this action while you were working on it")


def post_update(
    action: Action,
    actor: User,
    data: UpdateInput,
    *,
    expected_version: int,
    today: date,
) -> Update:
    """Post this period's update, or revise it when one was already posted.

    ``expected_version`` is the version of the period's update the form was
    based on (0 when there was none). Revising keeps the earlier text as an
    UpdateRevision.
    """
    if not can_post_update(actor, action):
        raise NotPermitted("Only the action's delivery leads and administrators post updates")
    problems: dict[str, str] = {}
    try:
        proposed = Rag(data.proposed_rag)
        if proposed not in PROPOSABLE:
            raise ValueError
    except ValueError:
        proposed = None
        problems["proposed_rag"] = "Choose the RAG rating you propose for this period"
    commentary, outstanding, risks = _clean(data.commentary), _clean(data.outstanding_actions), _clean(data.risks)
    if not commentary:
        problems["commentary"] = "Enter the key activity in the period"
    for name, text in (("commentary", commentary), ("outstanding_actions", outstanding), ("risks", risks)):
        if len(text) > _TEXT_LIMIT and name not in problems:
            problems[name] = f"Keep this to {_TEXT_LIMIT:,} characters or fewer; it has {len(text):,}"
    if not action.state_enum.is_open or action.state_enum is ActionState.AWAITING_SIGN_OFF:
        problems[""] = f"Updates cannot be posted while the action is {action.state_enum.label.lower()}"
    if problems:
        raise ValidationFailed(problems)
    assert proposed is not None

    period = current_period(action, today)
    existing = update_for(action.id, period)
    if (existing.version if existing else 0) != expected_version:
        raise EditConflict(existing, "Someone else saved this period's update while you were writing yours")

    shown = effective_rag(proposed, action.due_date, today)
    if existing is None:
        update = Update(action_id=action.id, period=period, author_user_id=actor.id)
        db.session.add(update)
        before = {"proposed_rag": None, "commentary": None, "outstanding_actions": None, "risks": None}
    else:
        update = existing
        before = {"proposed_rag": update.proposed_rag, "commentary": update.commentary,
                  "outstanding_actions": update.outstanding_actions, "risks": update.risks}
        db.session.add(UpdateRevision(
            update=update, version=update.version, proposed_rag=update.proposed_rag, commentary=update.commentary,
            outstanding_actions=update.outstanding_actions, risks=update.risks,
            author_user_id=update.author_user_id, written_at=update.updated_at, replaced_by_user_id=actor.id,
        ))
        update.author_user_id = actor.id
    update.proposed_rag = proposed.value
    update.effective_rag = shown.rag.value
    update.effective_rag_reason = shown.reason
    update.commentary = commentary
    update.outstanding_actions = outstanding or None
    update.risks = risks or None
    db.session.flush()

    audit.record(actor, "update", update.id, "posted" if existing is None else "revised", action_id=action.id,
                 note=f"Update for {period_label(period, action.plan.cadence)}")
    audit.record_changes(actor, "update", update.id, {
        name: (before[name], getattr(update, name)) for name in before
    }, action_id=action.id)

    action_changes = {"rag": (action.rag, proposed.value)}
    action.rag = proposed.value
    if action.state_enum is ActionState.NOT_STARTED and proposed is not Rag.NOT_STARTED:
        action_changes["state"] = (action.state, ActionState.IN_PROGRESS.value)
        action.state = ActionState.IN_PROGRESS.value
    db.session.flush()
    audit.record_changes(actor, "action", action.id, action_changes, action_id=action.id)
    return update


def _live_evidence_count(action: Action) -> int:
    return db.session.scalar(
        select(func.count(Evidence.id)).where(Evidence.action_id == action.id, Evidence.deleted_at.is_(None))
    ) or 0


def _set_state(action: Action, actor: User, new_state: ActionState, *, reason: str | None = None,
               extra: dict | None = None) -> None:
    changes = {"state": (action.state, new_state.value)}
    for name, value in (extra or {}).items():
        changes[name] = (getattr(action, name), value)
        setattr(action, name, value)
    action.state = new_state.value
    action.state_reason = reason
    db.session.flush()
    audit.record_changes(actor, "action", action.id, changes, action_id=action.id, note=reason)


def _reason(reason: str | None, what: str) -> str:
    cleaned = _clean(reason)
    if not cleaned:
        raise ValidationFailed({"reason": f"Enter the reason for {what}"})
    return cleaned


def claim_completion(action: Action, actor: User, note: str, *, expected_version: int | None) -> Action:
    """A lead says the action is done: it waits for the director's sign-off."""
    if not can_post_update(actor, action):
        raise NotPermitted("Only the action's delivery leads and administrators claim completion")
    problems = {}
    note = _clean(note)
    if not note:
        problems["note"] = "Enter a completion note saying what was delivered"
    if _live_evidence_count(action) == 0:
        problems["evidence"] = "Upload at least one evidence file before claiming completion"
    if action.state_enum not in _CLAIMABLE:
        problems[""] = f"An action that is {action.state_enum.label.lower()} cannot be claimed complete"
    if problems:
        raise ValidationFailed(problems)
    _check_action_version(action, expected_version)
    _set_state(action, actor, ActionState.AWAITING_SIGN_OFF, extra={
        "completion_note": note, "completion_claimed_by_user_id": actor.id, "completion_claimed_at": _now(),
        "signed_off_by_user_id": None, "signed_off_at": None,
    })
    return action


def sign_off(action: Action, actor: User, *, monitoring: bool = False, expected_version: int | None) -> Action:
    """The pillar's director accepts the completion; only now does the action count as Complete."""
    if not can_sign_off(actor, action):
        raise NotPermitted("Only the pillar's directors and administrators sign off actions")
    if action.state_enum is not ActionState.AWAITING_SIGN_OFF:
        raise ValidationFailed({"": "Only an action awaiting sign-off can be signed off"})
    _check_action_version(action, expected_version)
    new_state = ActionState.COMPLETE_MONITORING if monitoring else ActionState.COMPLETE
    extra = {"signed_off_by_user_id": actor.id, "signed_off_at": _now()}
    if not monitoring:
        extra["rag"] = Rag.COMPLETE.value
    _set_state(action, actor, new_state, extra=extra)
    return action


def send_back(action: Action, actor: User, reason: str, *, expected_version: int | None) -> Action:
    """The director wants more work before signing off."""
    if not can_sign_off(actor, action):
        raise NotPermitted("Only the pillar's directors and administrators send actions back")
    reason = _reason(reason, "sending the action back")
    if action.state_enum is not ActionState.AWAITING_SIGN_OFF:
        raise ValidationFailed({"": "Only an action awaiting sign-off can be sent back"})
    _check_action_version(action, expected_version)
    _set_state(action, actor, ActionState.IN_PROGRESS, reason=reason)
    return action


def reopen(action: Action, actor: User, reason: str, *, expected_version: int | None) -> Action:
    """Open a completed or cancelled action again."""
    if not can_sign_off(actor, action):
        raise NotPermitted("Only the pillar's directors and administrators reopen actions")
    reason = _reason(reason, "reopening the action")
    if action.state_enum not in _REOPENABLE:
        raise ValidationFailed({"": "Only a completed or cancelled action can be reopened"})
    _check_action_version(action, expected_version)
    extra = {"signed_off_by_user_id": None, "signed_off_at": None}
    if action.rag == Rag.COMPLETE.value:
        extra["rag"] = _latest_proposed(action) or Rag.GREEN.value
    _set_state(action, actor, ActionState.IN_PROGRESS, reason=reason, extra=extra)
    return action


def cancel(action: Action, actor: User, reason: str, *, expected_version: int | None) -> Action:
    if not can_sign_off(actor, action):
        raise NotPermitted("Only the pillar's directors and administrators cancel actions")
    reason = _reason(reason, "cancelling the action")
    if action.state_enum not in _CANCELLABLE:
        raise ValidationFailed({"": f"An action that is {action.state_enum.label.lower()} cannot be cancelled"})
    _check_action_version(action, expected_version)
    _set_state(action, actor, ActionState.CANCELLED, reason=reason)
    return action


def _latest_proposed(action: Action) -> str | None:
    return db.session.scalar(
        select(Update.proposed_rag).where(Update.action_id == action.id).order_by(Update.period.desc()).limit(1)
    )


def add_comment(action: Action, actor: User, body: str) -> Comment:
    if not can_comment(actor, action):
        raise NotPermitted("Only directors and administrators comment on actions")
    body = _clean(body)
    if not body:
        raise ValidationFailed({"body": "Enter your comment"})
    if len(body) > _TEXT_LIMIT:
        raise ValidationFailed({"body": f"Keep your comment to {_TEXT_LIMIT:,} characters or fewer"})
    comment = Comment(action_id=action.id, author_user_id=actor.id, body=body)
    db.session.add(comment)
    db.session.flush()
    audit.record(actor, "comment", comment.id, "commented", action_id=action.id, field="body", after=body)
    return comment
