"""Reading the audit trail: one action's history, and the whole trail for export."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent

EXPORT_COLUMNS = ("id", "at", "actor", "entity_type", "entity_id", "action_id", "event", "field", "before", "after", "note")

# Spreadsheets run a cell that starts with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def for_action(action_id: int) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action_id == action_id).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        )
    )


def neutralise(value: object) -> str:
    """A CSV cell that a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_STARTS):
        return "'" + text
    return text


def export_rows(batch_size: int = 1000) -> Iterator[list[str]]:
    """Every event, oldest first, streamed in batches so a long trail never sits in memory."""
    yield list(EXPORT_COLUMNS)
    statement = select(AuditEvent).order_by(AuditEvent.id).execution_options(yield_per=batch_size)
    for event in db.session.scalars(statement):
        yield [
            neutralise(value)
            for value in (
                event.id, event.at.isoformat(sep=" ", timespec="seconds"), event.actor_name, event.entity_type,
                event.entity_id, event.action_id, event.event, event.field, event.before, event.after, event.note,
            )
        ]
