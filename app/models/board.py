"""Board meetings, frozen snapshots of a plan, and export jobs."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, event, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.people import User
from app.models.plan import Plan


class BoardMeeting(db.Model):
    __tablename__ = "board_meetings"
    __table_args__ = (UniqueConstraint("plan_id", "meeting_date", name="uq_board_meetings_plan_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The unique (plan_id, meeting_date) index serves lookups by plan.
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    meeting_date: Mapped[date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    plan: Mapped[Plan] = relationship()
    snapshot: Mapped[Snapshot | None] = relationship(back_populates="board_meeting", uselist=False)


class Snapshot(db.Model):
    """The plan frozen as at a date: everything the pack and the log show.

    Never changed after it is written; ``content_sha256`` lets anyone check.
    """

    __tablename__ = "snapshots"
    __table_args__ = (
        UniqueConstraint("plan_id", "board_meeting_id", name="uq_snapshots_plan_meeting"),
        Index("ix_snapshots_plan_as_at", "plan_id", "as_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    board_meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("board_meetings.id", ondelete="RESTRICT"), index=True
    )
    as_at: Mapped[date] = mapped_column(Date)
    frozen_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    frozen_at: Mapped[datetime] = mapped_column(server_default=func.now())
    content: Mapped[dict] = mapped_column(JSON)
    content_sha256: Mapped[str] = mapped_column(String(64))

    plan: Mapped[Plan] = relationship()
    board_meeting: Mapped[BoardMeeting | None] = relationship(back_populates="snapshot")
    frozen_by: Mapped[User | None] = relationship()

    @property
    def label(self) -> str:
        if self.board_meeting is not None:
            return f"{self.board_meeting.title} ({self.as_at.isoformat()})"
        return f"Snapshot as at {self.as_at.isoformat()}"


class SnapshotIsFrozen(Exception):
    """Raised on any attempt to change or delete a frozen snapshot."""


@event.listens_for(Snapshot, "before_update")
@event.listens_for(Snapshot, "before_delete")
def _refuse_change(mapper, connection, target: Snapshot) -> None:
    raise SnapshotIsFrozen(f"snapshot {target.id} is frozen: it can be neither changed nor deleted")


class ExportJob(db.Model):
    """A large export made by a worker; the page polls its progress."""

    __tablename__ = "export_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    snapshot_id: Mapped[int | None] = mapped_column(ForeignKey("snapshots.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    format: Mapped[str] = mapped_column(String(10))
    filters: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default="queued")
    progress: Mapped[int] = mapped_column(Integer, default=0)
    filename: Mapped[str | None] = mapped_column(String(300))
    # How many actions the file holds: the audit trail records it when the file is downloaded.
    row_count: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    finished_at: Mapped[datetime | None]
