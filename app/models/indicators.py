"""Performance indicators: definitions, stepped targets, monthly values and comparators."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.kpi import IndicatorRules, Polarity, Target, Unit
from app.extensions import db
from app.models.people import User
from app.models.plan import Action, Plan, Requirement

NUMBER = Numeric(12, 4)

indicator_actions = Table(
    "indicator_actions",
    db.metadata,
    Column("indicator_id", ForeignKey("indicators.id", ondelete="CASCADE"), primary_key=True),
    Column("action_id", ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True, index=True),
)

indicator_requirements = Table(
    "indicator_requirements",
    db.metadata,
    Column("indicator_id", ForeignKey("indicators.id", ondelete="CASCADE"), primary_key=True),
    Column("requirement_id", ForeignKey("requirements.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Indicator(db.Model):
    __tablename__ = "indicators"
    __table_args__ = (UniqueConstraint("plan_id", "code", name="uq_indicators_plan_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    definition: Mapped[str | None] = mapped_column(Text)
    unit: Mapped[str] = mapped_column(String(20), default=Unit.PERCENT.value)
    polarity: Mapped[str] = mapped_column(String(20), default=Polarity.HIGHER.value)
    frequency: Mapped[str] = mapped_column(String(20), default="monthly", server_default="monthly")
    baseline_value: Mapped[Decimal | None] = mapped_column(NUMBER)
    baseline_label: Mapped[str | None] = mapped_column(String(100))
    floor: Mapped[Decimal | None] = mapped_column(NUMBER)
    alert_threshold: Mapped[Decimal | None] = mapped_column(NUMBER)
    tolerance: Mapped[Decimal | None] = mapped_column(NUMBER)
    is_improvement_notice_target: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    small_numbers: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    plan: Mapped[Plan] = relationship()
    targets: Mapped[list[IndicatorTarget]] = relationship(
        back_populates="indicator", order_by="IndicatorTarget.due", cascade="all, delete-orphan"
    )
    values: Mapped[list[IndicatorValue]] = relationship(
        back_populates="indicator", order_by="IndicatorValue.period", cascade="all, delete-orphan"
    )
    comparators: Mapped[list[Comparator]] = relationship(
        back_populates="indicator", order_by=lambda: [Comparator.name, Comparator.period], cascade="all, delete-orphan"
    )
    actions: Mapped[list[Action]] = relationship(secondary=indicator_actions, order_by="Action.position")
    requirements: Mapped[list[Requirement]] = relationship(secondary=indicator_requirements, order_by="Requirement.id")

    @property
    def unit_enum(self) -> Unit:
        return Unit(self.unit)

    @property
    def polarity_enum(self) -> Polarity:
        return Polarity(self.polarity)

    @property
    def rules(self) -> IndicatorRules:
        return IndicatorRules(
            polarity=self.polarity_enum,
            unit=self.unit_enum,
            targets=tuple(Target(t.value, t.due, t.upper) for t in self.targets),
            floor=self.floor,
            alert_threshold=self.alert_threshold,
            tolerance=self.tolerance,
        )

    def __repr__(self) -> str:
        return f"<Indicator {self.id} {self.code}>"


class IndicatorTarget(db.Model):
    __tablename__ = "indicator_targets"
    __table_args__ = (UniqueConstraint("indicator_id", "due", name="uq_indicator_targets_indicator_due"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"))
    value: Mapped[Decimal] = mapped_column(NUMBER)
    upper: Mapped[Decimal | None] = mapped_column(NUMBER)
    due: Mapped[date] = mapped_column(Date)

    indicator: Mapped[Indicator] = relationship(back_populates="targets")


class IndicatorValue(db.Model):
    """One period's figure. `period` is the first day of the month it covers;
    `value` is as published, or worked out from numerator and denominator."""

    __tablename__ = "indicator_values"
    __table_args__ = (UniqueConstraint("indicator_id", "period", name="uq_indicator_values_indicator_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"))
    period: Mapped[date] = mapped_column(Date)
    value: Mapped[Decimal | None] = mapped_column(NUMBER)
    numerator: Mapped[Decimal | None] = mapped_column(NUMBER)
    denominator: Mapped[Decimal | None] = mapped_column(NUMBER)
    commentary: Mapped[str | None] = mapped_column(Text)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    entered_at: Mapped[datetime] = mapped_column(server_default=func.now())

    indicator: Mapped[Indicator] = relationship(back_populates="values")
    entered_by: Mapped[User | None] = relationship()


class Comparator(db.Model):
    """A named series to compare with ("Statistical neighbours", "England"):
    one value per period, or a single value with no period."""

    __tablename__ = "indicator_comparators"
    __table_args__ = (
        UniqueConstraint("indicator_id", "name", "period", name="uq_indicator_comparators_indicator_name_period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    period: Mapped[date | None] = mapped_column(Date)
    value: Mapped[Decimal] = mapped_column(NUMBER)
    label: Mapped[str | None] = mapped_column(String(100))

    indicator: Mapped[Indicator] = relationship(back_populates="comparators")
