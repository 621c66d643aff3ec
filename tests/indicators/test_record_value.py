"""Recording one month's figures: worked out from parts, validated all at once, corrected in place."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.domain.errors import ValidationFailed
from app.domain.kpi import KpiStatus, Unit
from app.extensions import db
from app.indicators.queries import indicator_detail
from app.indicators.services import record_value
from app.models import IndicatorValue
from tests import factories, indicator_factories

TODAY = date(2026, 11, 23)


@pytest.fixture
def indicator(app):
    plan = factories.plan()
    made = indicator_factories.indicator(plan, targets=[(64, date(2026, 10, 31))])
    db.session.commit()
    return made


def test_a_value_is_recorded_for_the_month_with_who_entered_it(indicator):
    officer = factories.user("performance_officer")
    record = record_value(
        indicator, period="2026-10", value="61.5%", commentary=" Two late ", actor=officer, today=TODAY
    )
    db.session.commit()

    assert (record.period, record.value, record.commentary) == (date(2026, 10, 1), Decimal("61.5"), "Two late")
    assert record.entered_by == officer


def test_a_rate_is_worked_out_from_its_numerator_and_denominator(indicator):
    record = record_value(indicator, period="October 2026", numerator="16", denominator="25", actor=None, today=TODAY)

    assert record.value == Decimal(64)
    assert (record.numerator, record.denominator) == (Decimal(16), Decimal(25))


def test_a_zero_denominator_is_recorded_as_no_data_rather_than_an_error(indicator):
    record_value(indicator, period="2026-10", numerator=0, denominator=0, actor=None, today=TODAY)
    db.session.commit()

    latest = indicator_detail(indicator.id, TODAY).latest
    assert latest.value is None and latest.no_data
    assert latest.assessment.status is KpiStatus.UNKNOWN
    assert latest.assessment.reason == "no data: nothing to divide by this month"


def test_recording_a_month_again_corrects_it_rather_than_adding_another(indicator):
    record_value(indicator, period="2026-10", value=50, actor=None, today=TODAY)
    record_value(indicator, period="2026-10-15", value=60, actor=None, today=TODAY)
    db.session.commit()

    values = db.session.scalars(select(IndicatorValue.value)).all()
    assert values == [Decimal(60)]


@pytest.mark.parametrize(
    ("fields", "problems"),
    [
        ({"period": "2026-12", "value": 5}, {"period": "December 2026 is in the future"}),
        ({"period": "", "value": 5}, {"period": "Enter the month, like 2026-10"}),
        ({"period": "Octobre 2026", "value": 5},
         {"period": "“Octobre 2026” is not a month: write it like 2026-10 or October 2026"}),
        ({"period": "2026-10"}, {"value": "Enter the value, or the numerator and the denominator"}),
        ({"period": "2026-10", "value": "sixty"}, {"value": "The value “sixty” is not a number"}),
        ({"period": "2026-10", "value": "-1"}, {"value": "The value cannot be negative"}),
        ({"period": "2026-10", "numerator": 5}, {"denominator": "Enter both the numerator and the denominator, or neither"}),
        ({"period": "2026-10", "denominator": 5}, {"numerator": "Enter both the numerator and the denominator, or neither"}),
        ({"period": "2026-10", "numerator": 6, "denominator": 5},
         {"numerator": "The numerator cannot be more than the denominator for a percentage"}),
        ({"period": "2027-01", "value": "x", "numerator": "-2", "denominator": "y"},
         {"period": "January 2027 is in the future", "value": "The value “x” is not a number",
          "numerator": "The numerator cannot be negative", "denominator": "The denominator “y” is not a number"}),
    ],
)  # fmt: skip
def test_bad_figures_are_refused_with_every_problem_and_nothing_is_saved(indicator, fields, problems):
    with pytest.raises(ValidationFailed) as refused:
        record_value(indicator, actor=None, today=TODAY, **fields)

    assert refused.value.problems == problems
    assert db.session.scalar(select(func.count()).select_from(IndicatorValue)) == 0


def test_a_count_needs_its_value_as_it_is_not_worked_out_from_parts(app):
    counted = indicator_factories.indicator(factories.plan(), "CASES", unit=Unit.COUNT)

    with pytest.raises(ValidationFailed) as refused:
        record_value(counted, period="2026-10", numerator=3, denominator=4, actor=None, today=TODAY)

    assert refused.value.problems == {"value": "Enter the value: a count is not worked out from parts"}


def test_money_may_be_negative(app):
    spend = indicator_factories.indicator(factories.plan(), "OVERSPEND", unit=Unit.POUNDS)

    assert record_value(spend, period="2026-10", value="-£1,200", actor=None, today=TODAY).value == Decimal(-1200)
