"""Who may do what: the one module that decides every permission.

Each view names the permission it needs with ``@requires``; a view without one
is refused, so a forgotten check fails closed. Object rules (may this user
post on this action?) are functions here too, called by views and services.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from enum import StrEnum

from flask import abort, g, has_request_context, request

from app.domain.roles import Role

security_log = logging.getLogger("pillar.security")


class Permission(StrEnum):
    PUBLIC = "public"  # no sign-in needed
    VIEW_PLAN = "view_plan"
    MANAGE_USERS = "manage_users"
    IMPORT_PLANS = "import_plans"
    ENTER_INDICATOR_VALUES = "enter_indicator_values"
    POST_UPDATE = "post_update"  # and upload evidence; the object rule narrows it to the action's leads
    SIGN_OFF = "sign_off"  # sign off, send back, reopen, cancel; narrowed to the pillar's directors
    COMMENT = "comment"
    REMOVE_EVIDENCE = "remove_evidence"
    EXPORT_AUDIT = "export_audit"
    ESCALATION_INBOX = "escalation_inbox"
    LIST_ESCALATIONS = "list_escalations"
    DOWNLOAD_PACKS = "download_packs"
    MANAGE_BOARD_MEETINGS = "manage_board_meetings"
    FREEZE_SNAPSHOTS = "freeze_snapshots"


_EVERY_READER = frozenset(Role)

ROLE_PERMISSIONS: dict[Permission, frozenset[Role]] = {
    Permission.VIEW_PLAN: _EVERY_READER,
    Permission.MANAGE_USERS: frozenset({Role.ADMINISTRATOR}),
    Permission.IMPORT_PLANS: frozenset({Role.ADMINISTRATOR}),
    Permission.ENTER_INDICATOR_VALUES: frozenset({Role.ADMINISTRATOR, Role.PERFORMANCE_OFFICER}),
    Permission.POST_UPDATE: frozenset({Role.DELIVERY_LEAD, Role.ADMINISTRATOR}),
    Permission.SIGN_OFF: frozenset({Role.DIRECTOR, Role.ADMINISTRATOR}),
    Permission.COMMENT: frozenset({Role.DIRECTOR, Role.ADMINISTRATOR}),
    Permission.REMOVE_EVIDENCE: frozenset({Role.ADMINISTRATOR}),
    Permission.EXPORT_AUDIT: frozenset({Role.ADMINISTRATOR}),
    # Directors decide on escalations; the object rule below narrows it to their pillars.
    Permission.ESCALATION_INBOX: frozenset({Role.DIRECTOR, Role.ADMINISTRATOR}),
    Permission.LIST_ESCALATIONS: frozenset({Role.BOARD_SECRETARY, Role.ADMINISTRATOR}),
    Permission.DOWNLOAD_PACKS: _EVERY_READER,
    Permission.MANAGE_BOARD_MEETINGS: frozenset({Role.BOARD_SECRETARY, Role.ADMINISTRATOR}),
    Permission.FREEZE_SNAPSHOTS: frozenset({Role.BOARD_SECRETARY, Role.ADMINISTRATOR}),
}


def allowed(user, permission: Permission) -> bool:
    if permission is Permission.PUBLIC:
        return True
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return Role(user.role) in ROLE_PERMISSIONS[permission]


def _signed_in(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def _is_admin(user) -> bool:
    return _signed_in(user) and user.role == Role.ADMINISTRATOR


def _person_id(user) -> int | None:
    person = getattr(user, "person", None)
    return person.id if person is not None else None


def can_post_update(user, action) -> bool:
    """The action's delivery leads post its updates and evidence; administrators may too."""
    if _is_admin(user):
        return True
    if not allowed(user, Permission.POST_UPDATE):
        return False
    person_id = _person_id(user)
    return person_id is not None and any(lead.id == person_id for lead in action.delivery_leads)


def can_sign_off(user, action) -> bool:
    """The pillar's accountable directors sign off, send back, reopen and cancel; administrators may too."""
    if _is_admin(user):
        return True
    if not allowed(user, Permission.SIGN_OFF):
        return False
    person_id = _person_id(user)
    return person_id is not None and any(lead.id == person_id for lead in action.pillar.accountable_leads)


def can_comment(user, action) -> bool:
    """Directors and administrators comment on any action they can see."""
    return allowed(user, Permission.COMMENT)


def can_remove_evidence(user) -> bool:
    return allowed(user, Permission.REMOVE_EVIDENCE)


def is_accountable_director(user, pillar) -> bool:
    """The user signs in as one of the pillar's accountable leads."""
    person_id = _person_id(user)
    return person_id is not None and any(lead.id == person_id for lead in pillar.accountable_leads)


def may_act_on_escalation(user, escalation) -> bool:
    """Only the pillar's accountable director, or an administrator, decides."""
    if not allowed(user, Permission.ESCALATION_INBOX):
        return False
    if Role(user.role) is Role.ADMINISTRATOR:
        return True
    return is_accountable_director(user, escalation.action.pillar)


def may_see_escalation(user, escalation) -> bool:
    """Those who decide, the board secretary, and the action's delivery leads."""
    if may_act_on_escalation(user, escalation) or allowed(user, Permission.LIST_ESCALATIONS):
        return True
    person_id = _person_id(user)
    return person_id is not None and any(lead.id == person_id for lead in escalation.action.delivery_leads)


def visible_escalations(user):
    """``may_see_escalation`` as a WHERE clause on Escalation, so lists and exports filter in the database."""
    from sqlalchemy import false, or_, select, true

    from app.models import Action, Escalation, action_leads, pillar_leads

    if allowed(user, Permission.LIST_ESCALATIONS) or _is_admin(user):
        return true()
    person_id = _person_id(user)
    if not _signed_in(user) or person_id is None:
        return false()
    leads = Escalation.action_id.in_(select(action_leads.c.action_id).where(action_leads.c.person_id == person_id))
    if not allowed(user, Permission.ESCALATION_INBOX):
        return leads
    directs = Escalation.action_id.in_(
        select(Action.id).join(pillar_leads, pillar_leads.c.pillar_id == Action.pillar_id)
        .where(pillar_leads.c.person_id == person_id)
    )
    return or_(leads, directs)


def may_see_export(user, job) -> bool:
    """An export job's file is for the person who asked for it, and administrators."""
    if user is None or not user.is_authenticated:
        return False
    return job.requested_by_id == user.id or Role(user.role) is Role.ADMINISTRATOR


def requires(permission: Permission) -> Callable:
    """Mark a view with the permission it needs; enforced before every request."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            return view(*args, **kwargs)

        wrapped.required_permission = permission  # type: ignore[attr-defined]
        return wrapped

    return decorate


def permission_for(view: Callable | None) -> Permission | None:
    return getattr(view, "required_permission", None)


def log_refusal(reason: str, *, status: int, outcome: str = "denied", user_id: int | None = None) -> None:
    """One line in the security log for every refusal, whatever answers it (a page, JSON, a redirect).

    ``outcome`` says how: "denied" (a signed-in user or a token may not), "sign_in_required" (a change
    tried without signing in), "unauthorised" (no valid token or calendar address).
    """
    if user_id is None and has_request_context():
        # The user already loaded for this request, never a fresh load: loading may itself log.
        user_id = getattr(g.get("_login_user"), "id", None)
    security_log.warning(
        "denied",
        extra={
            "event": "access_denied",
            "outcome": outcome,
            "status": status,
            "path": request.path if has_request_context() else None,
            "method": request.method if has_request_context() else None,
            "user_id": user_id,
            "reason": reason,
        },
    )


def deny(reason: str, status: int = 403):
    """Refuse the request, and say so in the security log."""
    log_refusal(reason, status=status)
    abort(status)
