"""Evidence files attached to actions (and optionally to one update)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.people import User
from app.models.timestamps import local_now


class Evidence(db.Model):
    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    update_id: Mapped[int | None] = mapped_column(ForeignKey("updates.id", ondelete="SET NULL"), index=True)
    # The uploader's file name, sanitised; shown and used for downloads only.
    original_name: Mapped[str] = mapped_column(String(255))
    # Where the storage keeps the bytes: random, never derived from the name.
    stored_key: Mapped[str] = mapped_column(String(128), unique=True)
    content_type: Mapped[str] = mapped_column(String(150))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(default=local_now)
    # Removal is a soft delete: the file stays stored and listed in the history.
    deleted_at: Mapped[datetime | None]
    deleted_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    deletion_reason: Mapped[str | None] = mapped_column(Text)

    uploaded_by: Mapped[User | None] = relationship(foreign_keys=[uploaded_by_user_id])
    deleted_by: Mapped[User | None] = relationship(foreign_keys=[deleted_by_user_id])

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def __repr__(self) -> str:
        return f"<Evidence {self.id} {self.original_name}>"
