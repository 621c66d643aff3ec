"""Records that let pages read the stored roll-up instead of recounting a plan:
changes still waiting for their recalculation, and each board snapshot's pillar
statuses kept apart from its (large) frozen content."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class PendingRecalculation(db.Model):
    """A change to a plan's actions whose statuses have not been recalculated yet.

    Written in the transaction that makes the change, so a page never reads a
    stored status older than a committed change: while a row is here the page
    counts the plan live instead. The recalculation deletes the rows it can see
    before it counts, so a change committed meanwhile keeps its row until the
    next one.
    """

    __tablename__ = "pending_recalculations"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    requested_at: Mapped[datetime] = mapped_column(server_default=func.now())


class SnapshotPillarStatus(db.Model):
    """A pillar's rolled-up status in a frozen snapshot, for direction of travel
    without reading the snapshot's every action."""

    __tablename__ = "snapshot_pillar_statuses"

    snapshot_id: Mapped[int] = mapped_column(ForeignKey("snapshots.id", ondelete="CASCADE"), primary_key=True)
    pillar_number: Mapped[int] = mapped_column(Integer, primary_key=True)
    rag: Mapped[str | None] = mapped_column(String(20))
