"""The plan hierarchy: plan, pillar, outcome, action; and the requirements it answers."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Column,
    ColumnElement,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    case,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.escalation import EscalationRules
from app.domain.lifecycle import CLOSED_STATES, ActionState
from app.domain.rag import EffectiveRag, Rag, effective_rag
from app.domain.requirements import RequirementKind
from app.domain.rollup import RollupMethod, RollupRule
from app.extensions import db
from app.models.people import Person, User

pillar_leads = Table(
    "pillar_leads",
    db.metadata,
    Column("pillar_id", ForeignKey("pillars.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), primary_key=True, index=True),
)

action_leads = Table(
    "action_leads",
    db.metadata,
    Column("action_id", ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), primary_key=True, index=True),
    # A lead's actions (My actions, the people page) from the index alone.
    Index("ix_action_leads_person_action", "person_id", "action_id"),
)

action_requirements = Table(
    "action_requirements",
    db.metadata,
    Column("action_id", ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "requirement_id", ForeignKey("requirements.id", ondelete="CASCADE"), primary_key=True, index=True
    ),
)


class Plan(db.Model):
    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    organisation: Mapped[str | None] = mapped_column(String(200))
    board_name: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    start_date: Mapped[date | None] = mapped_column(Date)
    review_date: Mapped[date | None] = mapped_column(Date)
    cadence: Mapped[str] = mapped_column(String(20), default="monthly")
    region: Mapped[str] = mapped_column(String(40), default="england-and-wales")
    update_deadline_working_days: Mapped[int] = mapped_column(Integer, default=5)
    rollup_method: Mapped[str] = mapped_column(String(20), default=RollupMethod.THRESHOLD.value)
    rollup_red_threshold: Mapped[float] = mapped_column(Float, default=0.25)
    # The escalation ladder's settings (EscalationRules), in working days.
    reminder_days_before: Mapped[int] = mapped_column(Integer, default=5, server_default="5")
    level1_overdue_days: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    level2_overdue_days: Mapped[int] = mapped_column(Integer, default=5, server_default="5")
    level2_consecutive_red_periods: Mapped[int] = mapped_column(Integer, default=2, server_default="2")
    level2_missing_update_days: Mapped[int] = mapped_column(Integer, default=5, server_default="5")
    level3_overdue_days: Mapped[int] = mapped_column(Integer, default=15, server_default="15")
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    pillars: Mapped[list[Pillar]] = relationship(
        back_populates="plan", order_by="Pillar.number", cascade="all, delete-orphan"
    )
    requirements: Mapped[list[Requirement]] = relationship(
        back_populates="plan", cascade="all, delete-orphan"
    )

    @property
    def rollup_rule(self) -> RollupRule:
        return RollupRule(method=RollupMethod(self.rollup_method), red_threshold=self.rollup_red_threshold)

    @property
    def escalation_rules(self) -> EscalationRules:
        return EscalationRules(
            reminder_days_before=self.reminder_days_before,
            level1_overdue_days=self.level1_overdue_days,
            level2_overdue_days=self.level2_overdue_days,
            level2_consecutive_red_periods=self.level2_consecutive_red_periods,
            level2_missing_update_days=self.level2_missing_update_days,
            level3_overdue_days=self.level3_overdue_days,
        )

    def __repr__(self) -> str:
        return f"<Plan {self.id} {self.title}>"


class Pillar(db.Model):
    __tablename__ = "pillars"
    __table_args__ = (UniqueConstraint("plan_id", "number", name="uq_pillars_plan_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(300))
    key_objectives: Mapped[str | None] = mapped_column(Text)

    plan: Mapped[Plan] = relationship(back_populates="pillars")
    outcomes: Mapped[list[Outcome]] = relationship(
        back_populates="pillar", order_by="Outcome.position", cascade="all, delete-orphan"
    )
    accountable_leads: Mapped[list[Person]] = relationship(secondary=pillar_leads, order_by="Person.name")

    @property
    def label(self) -> str:
        return f"{self.number}. {self.title}"


class Outcome(db.Model):
    __tablename__ = "outcomes"
    __table_args__ = (UniqueConstraint("plan_id", "reference", name="uq_outcomes_plan_reference"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    pillar_id: Mapped[int] = mapped_column(ForeignKey("pillars.id", ondelete="CASCADE"), index=True)
    reference: Mapped[str] = mapped_column(String(40))
    statement: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)

    pillar: Mapped[Pillar] = relationship(back_populates="outcomes")
    actions: Mapped[list[Action]] = relationship(back_populates="outcome", order_by="Action.position")


class Action(db.Model):
    __tablename__ = "actions"
    __table_args__ = (
        UniqueConstraint("plan_id", "reference", name="uq_actions_plan_reference"),
        # The action list's order (due date, position, id) within a plan: API cursors read it in order.
        Index("ix_actions_plan_due_order", "plan_id", "due_date", "position", "id"),
        Index("ix_actions_plan_state", "plan_id", "state"),
        Index("ix_actions_plan_rag", "plan_id", "rag"),
        # The pillar page: its actions counted by outcome from the index alone, each
        # outcome's (or those with no outcome) read a page at a time in order; and a
        # pillar's action ids without the table (the escalation inbox's join).
        Index("ix_actions_pillar_outcome_position", "pillar_id", "outcome_id", "position", "id"),
        # Overdue and due-soon counts: open actions by due date, answered from the index.
        Index("ix_actions_plan_due_state_pillar", "plan_id", "due_date", "state", "pillar_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    pillar_id: Mapped[int] = mapped_column(ForeignKey("pillars.id", ondelete="CASCADE"), index=True)
    outcome_id: Mapped[int | None] = mapped_column(ForeignKey("outcomes.id", ondelete="SET NULL"), index=True)
    reference: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(500))
    steps: Mapped[str | None] = mapped_column(Text)
    timescale: Mapped[str | None] = mapped_column(String(300))
    start_date: Mapped[date | None] = mapped_column(Date)
    due_date: Mapped[date | None] = mapped_column(Date)
    # Kept when a director agrees a revised due date, and shown beside it.
    original_due_date: Mapped[date | None] = mapped_column(Date)
    due_date_revision_reason: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(32), default=ActionState.NOT_STARTED.value)
    rag: Mapped[str] = mapped_column(String(20), default=Rag.NOT_STARTED.value)
    targets_and_measures: Mapped[str | None] = mapped_column(Text)
    workstream: Mapped[str | None] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())
    # Completion: claimed by a delivery lead, then signed off by the pillar's director.
    completion_note: Mapped[str | None] = mapped_column(Text)
    completion_claimed_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    completion_claimed_at: Mapped[datetime | None]
    signed_off_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    signed_off_at: Mapped[datetime | None]
    # Why the action was last cancelled, sent back or reopened; every reason stays in the audit trail.
    state_reason: Mapped[str | None] = mapped_column(Text)

    plan: Mapped[Plan] = relationship()
    pillar: Mapped[Pillar] = relationship()
    outcome: Mapped[Outcome | None] = relationship(back_populates="actions")
    delivery_leads: Mapped[list[Person]] = relationship(secondary=action_leads, order_by="Person.name")
    requirements: Mapped[list[Requirement]] = relationship(
        secondary=action_requirements, back_populates="actions", order_by="Requirement.id"
    )
    completion_claimed_by: Mapped[User | None] = relationship(foreign_keys=[completion_claimed_by_user_id])
    signed_off_by: Mapped[User | None] = relationship(foreign_keys=[signed_off_by_user_id])

    __mapper_args__ = {"version_id_col": version}

    @property
    def state_enum(self) -> ActionState:
        return ActionState(self.state)

    def effective_rag(self, today: date) -> EffectiveRag:
        state = self.state_enum
        proposed = Rag(self.rag)
        if proposed is Rag.COMPLETE and not state.counts_as_complete:
            # Claimed but not signed off: on track, not yet Complete.
            proposed = Rag.GREEN
        return effective_rag(
            proposed,
            self.due_date if state.is_open else None,
            today,
            complete=state.counts_as_complete,
        )

    def is_overdue(self, today: date) -> bool:
        return self.state_enum.is_open and self.due_date is not None and self.due_date < today

    @classmethod
    def effective_rag_sql(cls, today: date) -> ColumnElement[str]:
        """The same rule as ``effective_rag``, as SQL, for grouped counts and filters."""
        return case(
            (cls.state == ActionState.COMPLETE.value, Rag.COMPLETE.value),
            (cls.state == ActionState.CANCELLED.value, cls.rag),
            (and_(cls.due_date.is_not(None), cls.due_date < today), Rag.RED.value),
            (cls.rag == Rag.COMPLETE.value, Rag.GREEN.value),
            else_=cls.rag,
        )

    @classmethod
    def overdue_sql(cls, today: date) -> ColumnElement[bool]:
        return and_(
            cls.state.not_in([s.value for s in CLOSED_STATES]),
            cls.due_date.is_not(None),
            cls.due_date < today,
        )

    def __repr__(self) -> str:
        return f"<Action {self.id} {self.reference}>"


class Requirement(db.Model):
    __tablename__ = "requirements"
    __table_args__ = (UniqueConstraint("plan_id", "number", name="uq_requirements_plan_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40), default=RequirementKind.OTHER.value)
    number: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    urgency: Mapped[str | None] = mapped_column(String(60))
    due_date: Mapped[date | None] = mapped_column(Date)

    plan: Mapped[Plan] = relationship(back_populates="requirements")
    actions: Mapped[list[Action]] = relationship(
        secondary=action_requirements, back_populates="requirements", order_by="Action.position"
    )

    @property
    def kind_enum(self) -> RequirementKind:
        return RequirementKind(self.kind)
