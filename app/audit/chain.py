"""The audit trail as a hash chain: each event seals the one before it.

Every event stores the previous event's hash and its own, a sha256 over a
canonical serialisation of its fields plus that previous hash. Editing,
removing or reordering any event breaks the chain from that event on, and
``flask --app wsgi audit verify`` names the first event that no longer fits.

Appends are serialised through a one-row chain head, locked with
``SELECT ... FOR UPDATE`` on PostgreSQL, so two transactions appending at once
cannot both link to the same predecessor. SQLite serialises writers itself.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from app.extensions import db
from app.models.audit import AuditChainHead, AuditEvent

GENESIS = "0" * 64
HEAD_ID = 1

# actor_user_id is left out on purpose: the foreign key nulls it when a user is
# deleted, the one change the database allows; actor_name keeps who it was.
HASHED_FIELDS = (
    "at", "actor_name", "entity_type", "entity_id", "action_id", "event", "field", "before", "after", "note",
)


def _canonical(value):
    if isinstance(value, datetime):
        return value.isoformat(timespec="microseconds")
    return value


def event_hash(fields: dict, prev_hash: str) -> str:
    """sha256 of the event's fields (sorted keys, compact JSON) and the previous hash."""
    payload = {name: _canonical(fields.get(name)) for name in HASHED_FIELDS}
    payload["prev_hash"] = prev_hash
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _lock_head() -> AuditChainHead:
    """The chain head, locked for the rest of this transaction; made on first use."""
    session = db.session
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    session.execute(
        insert(AuditChainHead).values(id=HEAD_ID, last_hash=GENESIS).on_conflict_do_nothing(index_elements=["id"])
    )
    return session.scalars(
        select(AuditChainHead).where(AuditChainHead.id == HEAD_ID).with_for_update()
    ).one()


def seal(row: AuditEvent) -> None:
    """Link a new, not yet flushed event to the chain and move the head on."""
    head = _lock_head()
    if row.at is None:
        from app.models.timestamps import local_now

        row.at = local_now()
    # Stored values come back truncated to microseconds; hash what will be read.
    row.at = row.at.replace(tzinfo=None)
    row.prev_hash = head.last_hash
    row.row_hash = event_hash({name: getattr(row, name) for name in HASHED_FIELDS}, head.last_hash)
    head.last_hash = row.row_hash


@dataclass(frozen=True)
class Break:
    event_id: int
    reason: str


def verify(batch_size: int = 1000) -> tuple[int, Break | None]:
    """Walk every event oldest first, a batch at a time; the count checked and the first break."""
    expected_prev = GENESIS
    checked = 0
    last_id = 0
    columns = [AuditEvent.id, AuditEvent.prev_hash, AuditEvent.row_hash] + [
        getattr(AuditEvent, name) for name in HASHED_FIELDS
    ]
    while True:
        rows = db.session.execute(
            select(*columns).where(AuditEvent.id > last_id).order_by(AuditEvent.id).limit(batch_size)
        ).all()
        if not rows:
            break
        for row in rows:
            fields = row._mapping
            if fields["prev_hash"] != expected_prev:
                return checked, Break(fields["id"], "does not follow the event before it (removed or reordered)")
            if fields["row_hash"] != event_hash(dict(fields), fields["prev_hash"]):
                return checked, Break(fields["id"], "its contents have changed since it was written")
            expected_prev = fields["row_hash"]
            checked += 1
            last_id = fields["id"]
        db.session.expunge_all()
    head = db.session.get(AuditChainHead, HEAD_ID)
    if checked and head is not None and head.last_hash != expected_prev:
        return checked, Break(last_id, "is not the last event written (later events were removed)")
    return checked, None



# The database itself refuses to change or remove an event (PostgreSQL). The one
# update let through is the foreign key nulling actor_user_id when a user is
# deleted; everything else in the row must stay as it was.
PG_TRIGGER_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.actor_user_id IS NULL
       AND (to_jsonb(NEW) - 'actor_user_id') = (to_jsonb(OLD) - 'actor_user_id') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql
"""
PG_TRIGGER = """
CREATE TRIGGER audit_events_append_only
BEFORE UPDATE OR DELETE ON audit_events
FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()
"""
PG_DROP_TRIGGER = "DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events"
PG_DROP_FUNCTION = "DROP FUNCTION IF EXISTS audit_events_append_only()"
