"""Builders for indicator test data. Each flushes; the test commits when it needs to."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from app.domain.kpi import Polarity, Unit
from app.extensions import db
from app.models import Indicator, IndicatorTarget, IndicatorValue, Plan


def indicator(
    plan: Plan,
    code: str = "NI 59",
    *,
    title: str = "% of initial assessments carried out within 7 working days of referral",
    unit: Unit = Unit.PERCENT,
    polarity: Polarity = Polarity.HIGHER,
    targets: list[tuple] = (),
    values: dict[str, object] | None = None,
    **fields,
) -> Indicator:
    """`targets` as (value, due) or (value, due, upper); `values` as {"2026-10": 61.5}."""
    made = Indicator(
        plan=plan,
        code=code,
        title=title,
        unit=unit.value,
        polarity=polarity.value,
        targets=[
            IndicatorTarget(value=Decimal(str(t[0])), due=t[1], upper=Decimal(str(t[2])) if len(t) > 2 else None)
            for t in targets
        ],
        **fields,
    )
    for period, value in (values or {}).items():
        year, month = map(int, period.split("-"))
        made.values.append(
            IndicatorValue(period=date(year, month, 1), value=None if value is None else Decimal(str(value)))
        )
    db.session.add(made)
    db.session.flush()
    return made
