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

from flask import abort, request
from flask_login import current_user

from app.domain.roles import Role

security_log = logging.getLogger("pillar.security")


class Permission(StrEnum):
    PUBLIC = "public"  # no sign-in needed
    VIEW_PLAN = "view_plan"
    MANAGE_USERS = "manage_users"
    DOWNLOAD_PACKS = "download_packs"
    MANAGE_BOARD_MEETINGS = "manage_board_meetings"
    FREEZE_SNAPSHOTS = "freeze_snapshots"


_EVERY_READER = frozenset(Role)

ROLE_PERMISSIONS: dict[Permission, frozenset[Role]] = {
    Permission.VIEW_PLAN: _EVERY_READER,
    Permission.MANAGE_USERS: frozenset({Role.ADMINISTRATOR}),
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


def deny(reason: str, status: int = 403):
    """Refuse the request, and say so in the security log."""
    security_log.warning(
        "denied",
        extra={
            "event": "access_denied",
            "path": request.path,
            "method": request.method,
            "user_id": getattr(current_user, "id", None),
            "reason": reason,
        },
    )
    abort(status)
