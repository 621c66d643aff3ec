"""The escalation ladder's records: escalations and their history, the
notifications they cause, each sweep's run, and stored roll-up statuses."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.people import Person, User
from app.models.plan import Action


class Trigger(StrEnum):
    OVERDUE = "overdue"
    RED_PERIODS = "red_periods"
    MISSING_UPDATE = "missing_update"
    REFERRED = "referred"

    @property
    def label(self) -> str:
        return {
            "overdue": "Overdue",
            "red_periods": "Red in consecutive periods",
            "missing_update": "No update after the deadline",
            "referred": "Referred to the board by the director",
        }[self.value]


class EscalationState(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESPONDED = "responded"
    REFERRED = "referred"
    RESOLVED = "resolved"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Resolution(StrEnum):
    ACTION_COMPLETED = "action_completed"
    REVISED_DATE_MET = "revised_date_met"
    BY_DIRECTOR = "by_director"

    @property
    def label(self) -> str:
        return {
            "action_completed": "Action completed",
            "revised_date_met": "Revised date met",
            "by_director": "Resolved by the director",
        }[self.value]


class NotificationKind(StrEnum):
    """What an item of a digest is about."""

    REMINDER = "reminder"
    LEVEL1 = "escalation_level1"
    LEVEL2 = "escalation_level2"
    LEVEL3 = "escalation_level3"
    AWAITING_DECISION = "awaiting_decision"

    @property
    def label(self) -> str:
        return {
            "reminder": "Due soon",
            "escalation_level1": "Overdue: level 1",
            "escalation_level2": "Escalated to the director: level 2",
            "escalation_level3": "Escalated to the board: level 3",
            "awaiting_decision": "Awaiting your decision",
        }[self.value]


class SweepRun(db.Model):
    """One sweep of one plan on one date. Its first write also serialises
    sweeps on SQLite; PostgreSQL uses an advisory lock as well."""

    __tablename__ = "sweep_runs"
    __table_args__ = (Index("ix_sweep_runs_plan_date", "plan_id", "sweep_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    sweep_date: Mapped[date] = mapped_column(Date)
    started_at: Mapped[datetime] = mapped_column(server_default=func.now())
    finished_at: Mapped[datetime | None]
    reminders: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    raised_level1: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    raised_level2: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    raised_level3: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    resolved: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Escalation(db.Model):
    """An action at one level of the ladder for one due date (its cycle).

    Unique per (action, level, cycle): a second sweep inserts nothing, and an
    agreed revised date starts a new cycle if that date is missed as well.
    """

    __tablename__ = "escalations"
    __table_args__ = (
        UniqueConstraint("action_id", "level", "cycle_due_date", name="uq_escalations_action_level_cycle"),
        Index("ix_escalations_plan_state_level", "plan_id", "state", "level"),
        Index("ix_escalations_raised_on", "raised_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    # Indexed by the unique constraint, which leads with it.
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"))
    level: Mapped[int] = mapped_column(Integer)
    trigger: Mapped[str] = mapped_column(String(20))
    cycle_due_date: Mapped[date] = mapped_column(Date)
    raised_on: Mapped[date] = mapped_column(Date)
    sweep_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("sweep_runs.id", ondelete="SET NULL"), index=True
    )
    state: Mapped[str] = mapped_column(String(20), default=EscalationState.OPEN.value)
    response: Mapped[str | None] = mapped_column(Text)
    revised_due_date: Mapped[date | None] = mapped_column(Date)
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    acknowledged_at: Mapped[datetime | None]
    resolved_on: Mapped[date | None] = mapped_column(Date)
    resolution: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    action: Mapped[Action] = relationship()
    acknowledged_by: Mapped[User | None] = relationship()
    events: Mapped[list[EscalationEvent]] = relationship(
        back_populates="escalation", order_by="EscalationEvent.id", cascade="all, delete-orphan"
    )

    @property
    def state_enum(self) -> EscalationState:
        return EscalationState(self.state)

    @property
    def trigger_enum(self) -> Trigger:
        return Trigger(self.trigger)

    @property
    def is_open(self) -> bool:
        return self.state != EscalationState.RESOLVED.value

    def __repr__(self) -> str:
        return f"<Escalation {self.id} action={self.action_id} level={self.level} {self.state}>"


class EscalationEvent(db.Model):
    """The history of an escalation: raised, each decision, resolved."""

    __tablename__ = "escalation_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    escalation_id: Mapped[int] = mapped_column(ForeignKey("escalations.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    note: Mapped[str | None] = mapped_column(Text)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(server_default=func.now())

    escalation: Mapped[Escalation] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class Reminder(db.Model):
    """Delivery leads were reminded that an action is due soon: once per due date."""

    __tablename__ = "reminders"
    __table_args__ = (UniqueConstraint("action_id", "due_date", name="uq_reminders_action_due_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"))
    due_date: Mapped[date] = mapped_column(Date)
    sent_on: Mapped[date] = mapped_column(Date, index=True)

    action: Mapped[Action] = relationship()


class Notification(db.Model):
    """One person's digest for one sweep day: unique per (person, day), so a
    repeated sweep sends nothing twice. Its items are the reminders and
    escalations of that day that concern the person, found when it is sent
    or shown (see app.notifications.digest), so the sweep writes one row per
    person rather than one per item."""

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("recipient_id", "sweep_date", name="uq_notifications_recipient_sweep_date"),
        Index("ix_notifications_sweep_date_emailed_at", "sweep_date", "emailed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    sweep_date: Mapped[date] = mapped_column(Date)
    item_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    emailed_at: Mapped[datetime | None]
    read_at: Mapped[datetime | None]

    recipient: Mapped[Person] = relationship()


class StoredStatus(db.Model):
    """A rolled-up status kept with the counts that explain it."""

    __tablename__ = "stored_statuses"
    __table_args__ = (UniqueConstraint("scope", "scope_id", name="uq_stored_statuses_scope_scope_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    scope: Mapped[str] = mapped_column(String(10))  # plan, pillar or outcome
    scope_id: Mapped[int] = mapped_column(Integer)
    rag: Mapped[str | None] = mapped_column(String(20))
    red: Mapped[int] = mapped_column(Integer, default=0)
    amber: Mapped[int] = mapped_column(Integer, default=0)
    green: Mapped[int] = mapped_column(Integer, default=0)
    complete: Mapped[int] = mapped_column(Integer, default=0)
    not_started: Mapped[int] = mapped_column(Integer, default=0)
    escalated_to_board: Mapped[int] = mapped_column(Integer, default=0)
    reason: Mapped[str] = mapped_column(Text, default="")
    calculated_at: Mapped[datetime]
    # The day the counts were judged on (overdue actions count Red): a page
    # reads them only on that day. Empty for statuses stored before it was kept.
    as_of: Mapped[date | None] = mapped_column(Date)
