"""Progress updates: one per action per reporting period, its earlier texts, and comments."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.rag import Direction, Rag, direction_of_travel
from app.extensions import db
from app.models.people import User
from app.models.timestamps import local_now


class Update(db.Model):
    """A delivery lead's update for one action in one reporting period.

    A second update in the same period revises this row; the text it
    replaces is kept as an ``UpdateRevision``.
    """

    __tablename__ = "updates"
    __table_args__ = (
        UniqueConstraint("action_id", "period", name="uq_updates_action_period"),
        Index("ix_updates_period", "period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"))
    # The first day of the reporting period.
    period: Mapped[date] = mapped_column(Date)
    proposed_rag: Mapped[str] = mapped_column(String(20))
    # The RAG shown for the period when the update was posted: Red when the
    # action was overdue then, whatever was proposed. Direction of travel
    # compares these between periods.
    effective_rag: Mapped[str] = mapped_column(String(20))
    effective_rag_reason: Mapped[str | None] = mapped_column(String(40))
    commentary: Mapped[str] = mapped_column(Text)
    outstanding_actions: Mapped[str | None] = mapped_column(Text)
    risks: Mapped[str | None] = mapped_column(Text)
    author_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=local_now)
    updated_at: Mapped[datetime] = mapped_column(default=local_now, onupdate=local_now)
    version: Mapped[int] = mapped_column(Integer, default=1)

    author: Mapped[User | None] = relationship()
    revisions: Mapped[list[UpdateRevision]] = relationship(
        back_populates="update", order_by="UpdateRevision.version", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def proposed_rag_enum(self) -> Rag:
        return Rag(self.proposed_rag)

    @property
    def effective_rag_enum(self) -> Rag:
        return Rag(self.effective_rag)

    def direction_from(self, previous: Update | None) -> Direction:
        return direction_of_travel(previous.effective_rag_enum if previous else None, self.effective_rag_enum)

    def __repr__(self) -> str:
        return f"<Update {self.id} action={self.action_id} period={self.period}>"


class UpdateRevision(db.Model):
    """The text of an update as it stood before it was revised in the same period."""

    __tablename__ = "update_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    update_id: Mapped[int] = mapped_column(ForeignKey("updates.id", ondelete="CASCADE"), index=True)
    # The update's version this text was.
    version: Mapped[int] = mapped_column(Integer)
    proposed_rag: Mapped[str] = mapped_column(String(20))
    commentary: Mapped[str] = mapped_column(Text)
    outstanding_actions: Mapped[str | None] = mapped_column(Text)
    risks: Mapped[str | None] = mapped_column(Text)
    author_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    written_at: Mapped[datetime]
    replaced_at: Mapped[datetime] = mapped_column(default=local_now)
    replaced_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    update: Mapped[Update] = relationship(back_populates="revisions")
    author: Mapped[User | None] = relationship(foreign_keys=[author_user_id])

    @property
    def proposed_rag_label(self) -> str:
        return Rag(self.proposed_rag).label


class Comment(db.Model):
    """A director's (or administrator's) comment on an action."""

    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    update_id: Mapped[int | None] = mapped_column(ForeignKey("updates.id", ondelete="SET NULL"), index=True)
    author_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=local_now)

    author: Mapped[User | None] = relationship()
