"""Reading indicators: each period's status and trend, worked out in Python from
values loaded in one query per page, never one query per indicator."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.domain.kpi import Assessment, KpiStatus, Target, Trend, assess, format_value, trend
from app.extensions import db
from app.indicators.parsing import month_end, month_label, next_month, previous_month
from app.models import Action, Indicator, IndicatorValue, Plan


@dataclass(frozen=True)
class Period:
    """One month of an indicator's series, judged."""

    period: date
    record: IndicatorValue | None
    assessment: Assessment
    trend: Trend
    previous: Decimal | None

    @property
    def value(self) -> Decimal | None:
        return None if self.record is None else self.record.value

    @property
    def period_end(self) -> date:
        return month_end(self.period)

    @property
    def no_data(self) -> bool:
        """Recorded, but with nothing to divide by: "0 of 0"."""
        return self.record is not None and self.record.value is None


@dataclass
class Summary:
    indicator: Indicator
    series: list[Period] = field(default_factory=list)
    unanswered_alert: bool = False

    @property
    def latest(self) -> Period | None:
        return self.series[-1] if self.series else None

    @property
    def status(self) -> KpiStatus:
        return self.latest.assessment.status if self.latest else KpiStatus.UNKNOWN

    @property
    def target(self) -> Target | None:
        return self.latest.assessment.target if self.latest else None

    @property
    def shown_value(self) -> str:
        latest = self.latest
        return format_value(latest.value if latest else None, self.indicator.unit_enum, empty="No data")


def judge_series(indicator: Indicator, records: Iterable[IndicatorValue], as_at: date) -> list[Period]:
    """Every month from the first recorded to the last recorded on or before `as_at`;
    a month with no figure is Unknown, and breaks the trend."""
    by_period = {r.period: r for r in records if r.period <= as_at}
    if not by_period:
        return []
    rules = indicator.rules
    series: list[Period] = []
    month, last = min(by_period), max(by_period)
    previous_value: Decimal | None = None
    while month <= last:
        record = by_period.get(month)
        value = None if record is None else record.value
        assessment = assess(rules, value, month_end(month))
        if record is not None and value is None:
            assessment = Assessment(KpiStatus.UNKNOWN, assessment.target, "no data: nothing to divide by this month")
        direction = trend(rules.polarity, previous_value, value, target=assessment.target)
        series.append(Period(month, record, assessment, direction, previous_value))
        previous_value = value
        month = next_month(month)
    return series


def _unanswered(series: list[Period], actions: Iterable[Action]) -> bool:
    """In Alert for the last two months running, with no open action linked to move it."""
    if len(series) < 2 or series[-2].period != previous_month(series[-1].period):
        return False
    if not all(p.assessment.status is KpiStatus.ALERT for p in series[-2:]):
        return False
    return not any(action.state_enum.is_open for action in actions)


def _values_by_indicator(indicator_ids: list[int]) -> dict[int, list[IndicatorValue]]:
    grouped: dict[int, list[IndicatorValue]] = defaultdict(list)
    if indicator_ids:
        rows = db.session.scalars(
            select(IndicatorValue)
            .where(IndicatorValue.indicator_id.in_(indicator_ids))
            .order_by(IndicatorValue.indicator_id, IndicatorValue.period)
        )
        for row in rows:
            grouped[row.indicator_id].append(row)
    return grouped


def summarise(indicators: list[Indicator], as_at: date) -> list[Summary]:
    values = _values_by_indicator([i.id for i in indicators])
    summaries = []
    for indicator in indicators:
        series = judge_series(indicator, values.get(indicator.id, []), as_at)
        summaries.append(Summary(indicator, series, _unanswered(series, indicator.actions)))
    return summaries


def plan_indicators(plan: Plan, as_at: date) -> list[Summary]:
    """Every indicator in the plan with its series judged as at a date."""
    indicators = db.session.scalars(
        select(Indicator)
        .where(Indicator.plan_id == plan.id)
        .options(selectinload(Indicator.targets), selectinload(Indicator.actions))
        .order_by(Indicator.position, Indicator.code)
    ).all()
    return summarise(list(indicators), as_at)


def indicator_detail(indicator_id: int, as_at: date) -> Summary | None:
    indicator = db.session.scalar(
        select(Indicator)
        .where(Indicator.id == indicator_id)
        .options(
            selectinload(Indicator.targets),
            selectinload(Indicator.actions),
            selectinload(Indicator.requirements),
            selectinload(Indicator.comparators),
            selectinload(Indicator.plan),
        )
    )
    if indicator is None:
        return None
    return summarise([indicator], as_at)[0]


def alerting_indicators(plan: Plan, today: date) -> list[Summary]:
    """Indicators whose latest figure is in Alert: the director's "at a glance"."""
    return [s for s in plan_indicators(plan, today) if s.status is KpiStatus.ALERT]


def unanswered_alerts(plan: Plan, today: date) -> list[Summary]:
    """Indicators in Alert for two months running with no open action linked to them."""
    return [s for s in plan_indicators(plan, today) if s.unanswered_alert]


@dataclass(frozen=True)
class NoticeTargetRow:
    """One row of the board pack's Improvement Notice targets table."""

    indicator: Indicator
    target: str
    status: KpiStatus
    value: str
    as_at: date | None
    previous_value: str
    trend: Trend
    commentary: str | None
    actions: list[Action]
    reason: str
    unanswered_alert: bool


def improvement_notice_targets(plan: Plan, as_at: date) -> list[NoticeTargetRow]:
    """The indicators flagged as Improvement Notice targets, as at a date: for the board pack."""
    indicators = db.session.scalars(
        select(Indicator)
        .where(Indicator.plan_id == plan.id, Indicator.is_improvement_notice_target.is_(True))
        .options(selectinload(Indicator.targets), selectinload(Indicator.actions))
        .order_by(Indicator.position, Indicator.code)
    ).all()
    # A month is reported once it has ended by the board date.
    cutoff = as_at.replace(day=1) if as_at == month_end(as_at) else previous_month(as_at.replace(day=1))
    rows = []
    for summary in summarise(list(indicators), cutoff):
        indicator, latest = summary.indicator, summary.latest
        unit = indicator.unit_enum
        rows.append(
            NoticeTargetRow(
                indicator=indicator,
                target=target_text(indicator),
                status=summary.status,
                value=summary.shown_value,
                as_at=latest.period_end if latest else None,
                previous_value=format_value(latest.previous if latest else None, unit, empty="No data"),
                trend=latest.trend if latest else Trend.UNKNOWN,
                commentary=latest.record.commentary if latest and latest.record else None,
                actions=list(indicator.actions),
                reason=latest.assessment.reason if latest else "no values yet",
                unanswered_alert=summary.unanswered_alert,
            )
        )
    return rows


def target_text(indicator: Indicator) -> str:
    """The targets as a board reads them: "NI 59 Initial assessments ...: 60% by March 2026, 64% by October 2026"."""
    unit = indicator.unit_enum
    steps = [
        (
            f"{format_value(t.value, unit)} to {format_value(t.upper, unit)}"
            if t.upper is not None
            else format_value(t.value, unit)
        )
        + f" by {month_label(t.due)}"
        for t in indicator.targets
    ]
    head = f"{indicator.code} {indicator.title}"
    return f"{head}: {', '.join(steps)}" if steps else head
