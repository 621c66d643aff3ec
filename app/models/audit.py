"""The audit trail: an append-only record of every change, field by field."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.lifecycle import ActionState
from app.domain.rag import Rag
from app.extensions import db
from app.models.people import User
from app.models.timestamps import local_now


class AuditEvent(db.Model):
    """One change: who, when, to what, which field, before and after.

    Services only ever insert these rows. ``action_id`` is a plain number, not
    a foreign key, so an action's history outlives the action.
    """

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_entity", "entity_type", "entity_id"),
        Index("ix_audit_events_action_id", "action_id"),
        Index("ix_audit_events_at", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=local_now)
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Kept as written so the record still reads right if the user is renamed.
    actor_name: Mapped[str | None] = mapped_column(String(200))
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    action_id: Mapped[int | None] = mapped_column(Integer)
    # What happened: "created", "changed", "signed_off", "deleted"...
    event: Mapped[str] = mapped_column(String(40))
    field: Mapped[str | None] = mapped_column(String(80))
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    # The hash chain (app/audit/chain.py): the event before's hash, and this one's.
    prev_hash: Mapped[str] = mapped_column(String(64))
    row_hash: Mapped[str] = mapped_column(String(64), unique=True)

    actor: Mapped[User | None] = relationship()

    @property
    def before_text(self) -> str:
        return _readable(self.field, self.before)

    @property
    def after_text(self) -> str:
        return _readable(self.field, self.after)

    def __repr__(self) -> str:
        return f"<AuditEvent {self.id} {self.entity_type}:{self.entity_id} {self.event} {self.field}>"


class AuditChainHead(db.Model):
    """The one row holding the newest event's hash; appends lock it to take turns."""

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_hash: Mapped[str] = mapped_column(String(64))


_RAG_FIELDS = {"rag", "proposed_rag", "effective_rag"}


def _readable(field: str | None, value: str | None) -> str:
    """How a recorded value reads on screen: ratings and states by their labels."""
    if value is None:
        return ""
    try:
        if field in _RAG_FIELDS:
            return Rag(value).label
        if field == "state":
            return ActionState(value).label
    except ValueError:
        pass
    return value
