"""The outbox: tasks written in the same transaction as the change that asks for them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.timestamps import local_now


class OutboxMessage(db.Model):
    """One task to send to the broker once the transaction that wrote it has committed.

    A sender first claims the message (``claimed_at``), then sends it and sets
    ``sent_at``. A failed send clears the claim, so the periodic flush retries
    until the broker takes it; a claim whose sender died before sending expires
    after ``OUTBOX_CLAIM_LEASE_SECONDS`` and the flush sends the message again.
    """

    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_sent_at", "sent_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_name: Mapped[str] = mapped_column(String(200))
    args: Mapped[list] = mapped_column(JSON, default=list)
    kwargs: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=local_now)
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.task_name} sent={self.sent_at}>"
