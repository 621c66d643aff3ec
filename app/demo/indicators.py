"""The demo plan's performance indicators, from ``app/demo/data/demo_indicators.json``.

Eighteen months of figures for indicators the Improvement Notice and the board
watch. Loading is idempotent: a plan that already has indicators is left alone.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select

from app.domain.kpi import Polarity, Unit, value_from_parts
from app.extensions import db
from app.indicators.parsing import parse_period
from app.models import Action, Comparator, Indicator, IndicatorTarget, IndicatorValue, Plan, Requirement

DEMO_INDICATORS_FILE = Path(__file__).parent / "data" / "demo_indicators.json"


def _number(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def load_demo_indicators(plan: Plan, data_file: Path = DEMO_INDICATORS_FILE) -> bool:
    """Add the demo indicators to the plan; False when it already has some."""
    if db.session.scalar(select(func.count()).select_from(Indicator).where(Indicator.plan_id == plan.id)):
        return False
    data = json.loads(data_file.read_text(encoding="utf-8"))
    actions = {a.reference: a for a in db.session.scalars(select(Action).where(Action.plan_id == plan.id))}
    requirements = {r.number: r for r in db.session.scalars(select(Requirement).where(Requirement.plan_id == plan.id))}
    for position, entry in enumerate(data["indicators"], start=1):
        unit = Unit(entry["unit"])
        indicator = Indicator(
            plan=plan,
            code=entry["code"],
            title=entry["title"],
            definition=entry.get("definition"),
            unit=unit.value,
            polarity=Polarity(entry["polarity"]).value,
            baseline_value=_number(entry.get("baseline_value")),
            baseline_label=entry.get("baseline_label"),
            floor=_number(entry.get("floor")),
            alert_threshold=_number(entry.get("alert_threshold")),
            tolerance=_number(entry.get("tolerance")),
            is_improvement_notice_target=entry.get("improvement_notice_target", False),
            small_numbers=entry.get("small_numbers", False),
            position=position,
            targets=[
                IndicatorTarget(
                    value=_number(t["value"]), upper=_number(t.get("upper")), due=date.fromisoformat(t["due"])
                )
                for t in entry.get("targets", [])
            ],
            actions=[actions[ref] for ref in entry.get("actions", []) if ref in actions],
            requirements=[requirements[n] for n in entry.get("requirements", []) if n in requirements],
            comparators=[
                Comparator(
                    name=c["name"],
                    period=parse_period(c["period"]) if c.get("period") else None,
                    value=_number(c["value"]),
                    label=c.get("label"),
                )
                for c in entry.get("comparators", [])
            ],
        )
        for row in entry["values"]:
            value, top, bottom = (
                _number(row.get("value")),
                _number(row.get("numerator")),
                _number(row.get("denominator")),
            )
            indicator.values.append(
                IndicatorValue(
                    period=parse_period(row["period"]),
                    value=value_from_parts(value, top, bottom, unit),
                    numerator=top,
                    denominator=bottom,
                    commentary=row.get("commentary"),
                )
            )
        db.session.add(indicator)
    db.session.flush()
    return True
