"""Writing the audit trail. Only ever inserts; the caller's transaction commits it with the change."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from app.audit.chain import seal
from app.extensions import db
from app.models import AuditEvent


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


def record(
    actor,
    entity_type: str,
    entity_id: int | None,
    event: str,
    *,
    action_id: int | None = None,
    field: str | None = None,
    before: Any = None,
    after: Any = None,
    note: str | None = None,
) -> AuditEvent:
    row = AuditEvent(
        actor_user_id=getattr(actor, "id", None),
        actor_name=getattr(actor, "name", None),
        entity_type=entity_type,
        entity_id=entity_id,
        action_id=action_id,
        event=event,
        field=field,
        before=_text(before),
        after=_text(after),
        note=note,
    )
    # Sealed before it joins the session: once flushed, the row never changes.
    seal(row)
    db.session.add(row)
    return row


def record_changes(
    actor,
    entity_type: str,
    entity_id: int | None,
    changes: Mapping[str, tuple[Any, Any]],
    *,
    event: str = "changed",
    action_id: int | None = None,
    note: str | None = None,
) -> list[AuditEvent]:
    """One event per field whose value really changed."""
    return [
        record(actor, entity_type, entity_id, event, action_id=action_id, field=name,
               before=before, after=after, note=note)
        for name, (before, after) in changes.items()
        if _text(before) != _text(after)
    ]
