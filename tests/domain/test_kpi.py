"""Indicator status and trend, one table per rule."""

from datetime import date
from decimal import Decimal

import pytest

from app.domain.kpi import (
    Assessment,
    IndicatorRules,
    KpiStatus,
    Polarity,
    Target,
    Trend,
    Unit,
    assess,
    format_value,
    rate,
    target_in_force,
    trend,
    value_from_parts,
)

OK, WARNING, ALERT = KpiStatus.OK, KpiStatus.WARNING, KpiStatus.ALERT
DATA_ONLY, UNKNOWN = KpiStatus.DATA_ONLY, KpiStatus.UNKNOWN
IMPROVING, NO_CHANGE, WORSENING = Trend.IMPROVING, Trend.NO_CHANGE, Trend.WORSENING

MARCH_26, OCTOBER_26, MARCH_27 = date(2026, 3, 31), date(2026, 10, 31), date(2027, 3, 31)

# NI 59 style: initial assessments within timescale, 60% by March, 64% by
# October, 66% by the next March.
STEPS = (Target(60, MARCH_26), Target(64, OCTOBER_26), Target(66, MARCH_27))
ASSESSMENTS = IndicatorRules(Polarity.HIGHER, Unit.PERCENT, STEPS)
WITH_FLOOR = IndicatorRules(Polarity.HIGHER, Unit.PERCENT, (Target(50, MARCH_26),), floor=46)
# Re-referrals: lower is better, red only above 20%.
RE_REFERRALS = IndicatorRules(Polarity.LOWER, Unit.PERCENT, (Target(15, MARCH_26),), alert_threshold=20)
TIMELY_VISITS = IndicatorRules(Polarity.HIGHER, Unit.PERCENT, (Target(70, MARCH_26),), alert_threshold=60)
# Children on a plan for 18 months or more: a count, with a ceiling.
LONG_PLANS = IndicatorRules(Polarity.LOWER, Unit.COUNT, (Target(20, MARCH_26),), floor=25)
NONE_WAITING = IndicatorRules(Polarity.LOWER, Unit.COUNT, (Target(0, MARCH_26),))
SAVINGS = IndicatorRules(Polarity.HIGHER, Unit.POUNDS, (Target(1200, MARCH_26),))
# Caseloads: 15 to 20 per social worker is best.
CASELOADS = IndicatorRules(Polarity.RANGE, Unit.COUNT, (Target(15, MARCH_26, upper=20),))
AGENCY_SHARE = IndicatorRules(Polarity.RANGE, Unit.PERCENT, (Target(5, MARCH_26, upper=10),))
TIGHT = IndicatorRules(Polarity.HIGHER, Unit.PERCENT, (Target(64, OCTOBER_26),), tolerance=2)
MID_MONTH = IndicatorRules(Polarity.HIGHER, Unit.PERCENT, (Target(64, date(2026, 10, 15)),))
NO_TARGETS = IndicatorRules(Polarity.HIGHER, Unit.PERCENT)
NO_TARGETS_FLOOR = IndicatorRules(Polarity.HIGHER, Unit.PERCENT, floor=45)
NO_TARGETS_THRESHOLD = IndicatorRules(Polarity.LOWER, Unit.PERCENT, alert_threshold=20)
# Vacancy rate: lower is better, judged by the default tolerance of 5 points.
VACANCIES = IndicatorRules(Polarity.LOWER, Unit.PERCENT, (Target(15, MARCH_26), Target(10, OCTOBER_26)))
NO_RANGE = IndicatorRules(Polarity.RANGE, Unit.COUNT)


@pytest.mark.parametrize(
    ("period_end", "expected"),
    [
        (date(2025, 6, 30), 60),  # before the first step
        (date(2026, 3, 30), 60),
        (MARCH_26, 60),  # a period ending on a target date is judged by it
        (date(2026, 4, 1), 64),  # the day after, by the next
        (date(2026, 4, 30), 64),
        (OCTOBER_26, 64),
        (date(2026, 11, 1), 66),
        (date(2026, 11, 30), 66),
        (MARCH_27, 66),
        (date(2027, 4, 1), 66),  # after the last step, the last target stands
        (date(2030, 12, 31), 66),
    ],
)
def test_the_target_in_force_is_the_next_one_due(period_end, expected):
    assert target_in_force(STEPS, period_end).value == expected
    assert target_in_force(reversed(STEPS), period_end).value == expected


def test_there_is_no_target_in_force_without_targets():
    assert target_in_force((), MARCH_26) is None


@pytest.mark.parametrize(
    ("rules", "value", "period_end", "status", "reason"),
    [
        # Higher is better, default tolerance of 5 percentage points.
        (ASSESSMENTS, 64, OCTOBER_26, OK, "meets the 64% target due October 2026"),
        (ASSESSMENTS, 71.5, OCTOBER_26, OK, "meets the 64% target due October 2026"),
        (ASSESSMENTS, 63.95, OCTOBER_26, OK, "meets the 64% target due October 2026"),
        (ASSESSMENTS, 63.94, OCTOBER_26, WARNING, "below the 64% target due October 2026; within 5 points"),
        (ASSESSMENTS, 59, OCTOBER_26, WARNING, "below the 64% target due October 2026; within 5 points"),
        (
            ASSESSMENTS,
            58.9,
            OCTOBER_26,
            ALERT,
            "below the 64% target due October 2026 by 5.1 points, more than the 5 points allowed",
        ),
        # The step changes the day after a target date.
        (ASSESSMENTS, 60, MARCH_26, OK, "meets the 60% target due March 2026"),
        (ASSESSMENTS, 60, date(2026, 4, 1), WARNING, "below the 64% target due October 2026; within 5 points"),
        (ASSESSMENTS, 65, date(2026, 11, 1), WARNING, "below the 66% target due March 2027; within 5 points"),
        (ASSESSMENTS, 66, date(2027, 6, 30), OK, "meets the 66% target due March 2027"),
        # A floor is an alert whatever the tolerance says.
        (WITH_FLOOR, 45.9, MARCH_26, ALERT, "below the 46% floor"),
        (WITH_FLOOR, 46, MARCH_26, WARNING, "below the 50% target due March 2026; within 5 points"),
        # For lower is better the floor is a ceiling.
        (LONG_PLANS, 25.1, MARCH_26, ALERT, "above the 25 ceiling"),
        (LONG_PLANS, 25, MARCH_26, ALERT, "above the 20 target due March 2026 by 5, more than the 1 allowed"),
        (LONG_PLANS, 20, MARCH_26, OK, "meets the 20 target due March 2026"),
        (LONG_PLANS, 3, MARCH_26, OK, "meets the 20 target due March 2026"),
        # Not a percentage: the tolerance is 5% of the target.
        (LONG_PLANS, 21, MARCH_26, WARNING, "above the 20 target due March 2026; within 1"),
        (LONG_PLANS, 21.1, MARCH_26, ALERT, "above the 20 target due March 2026 by 1.1, more than the 1 allowed"),
        (SAVINGS, 1140, MARCH_26, WARNING, "below the £1,200 target due March 2026; within £60"),
        (SAVINGS, 1139, MARCH_26, ALERT, "below the £1,200 target due March 2026 by £61, more than the £60 allowed"),
        (NONE_WAITING, 0, MARCH_26, OK, "meets the 0 target due March 2026"),
        (NONE_WAITING, 1, MARCH_26, ALERT, "above the 0 target due March 2026 by 1, more than the 0 allowed"),
        # An alert threshold, not the tolerance, separates Warning from Alert.
        (RE_REFERRALS, 15, MARCH_26, OK, "meets the 15% target due March 2026"),
        (
            RE_REFERRALS,
            20,
            MARCH_26,
            WARNING,
            "above the 15% target due March 2026; not past the 20% alert threshold",
        ),
        (RE_REFERRALS, 20.1, MARCH_26, ALERT, "above the 20% alert threshold"),
        (
            TIMELY_VISITS,
            60,
            MARCH_26,
            WARNING,
            "below the 70% target due March 2026; not past the 60% alert threshold",
        ),
        (TIMELY_VISITS, 59.9, MARCH_26, ALERT, "below the 60% alert threshold"),
        # An explicit tolerance, in points for a percentage.
        (TIGHT, 62, OCTOBER_26, WARNING, "below the 64% target due October 2026; within 2 points"),
        (
            TIGHT,
            61.9,
            OCTOBER_26,
            ALERT,
            "below the 64% target due October 2026 by 2.1 points, more than the 2 points allowed",
        ),
        (MID_MONTH, 64, OCTOBER_26, OK, "meets the 64% target due 15 October 2026"),
        # Within a range is best; distance is measured to the nearer bound.
        (CASELOADS, 15, MARCH_26, OK, "within the 15 to 20 target range due March 2026"),
        (CASELOADS, 20, MARCH_26, OK, "within the 15 to 20 target range due March 2026"),
        (CASELOADS, 14.3, MARCH_26, WARNING, "below the 15 to 20 target range due March 2026; within 0.8"),
        (
            CASELOADS,
            14,
            MARCH_26,
            ALERT,
            "below the 15 to 20 target range due March 2026 by 1, more than the 0.8 allowed",
        ),
        (CASELOADS, 21, MARCH_26, WARNING, "above the 15 to 20 target range due March 2026; within 1"),
        (
            CASELOADS,
            21.1,
            MARCH_26,
            ALERT,
            "above the 15 to 20 target range due March 2026 by 1.1, more than the 1 allowed",
        ),
        (AGENCY_SHARE, 0, MARCH_26, WARNING, "below the 5% to 10% target range due March 2026; within 5 points"),
        (AGENCY_SHARE, 15, MARCH_26, WARNING, "above the 5% to 10% target range due March 2026; within 5 points"),
        (
            AGENCY_SHARE,
            15.1,
            MARCH_26,
            ALERT,
            "above the 5% to 10% target range due March 2026 by 5.1 points, more than the 5 points allowed",
        ),
        # Lower is better with the default tolerance, stepping at the month's end.
        (VACANCIES, 15, MARCH_26, OK, "meets the 15% target due March 2026"),
        (VACANCIES, 15, date(2026, 4, 30), WARNING, "above the 10% target due October 2026; within 5 points"),
        (VACANCIES, 8.3, OCTOBER_26, OK, "meets the 10% target due October 2026"),
        (VACANCIES, 15, OCTOBER_26, WARNING, "above the 10% target due October 2026; within 5 points"),
        (
            VACANCIES,
            15.1,
            OCTOBER_26,
            ALERT,
            "above the 10% target due October 2026 by 5.1 points, more than the 5 points allowed",
        ),
        (NO_RANGE, 17, MARCH_26, DATA_ONLY, "no target set"),
        (NO_RANGE, None, MARCH_26, UNKNOWN, "no value for this period"),
        (CASELOADS, None, MARCH_26, UNKNOWN, "no value for this period"),
        (RE_REFERRALS, None, MARCH_26, UNKNOWN, "no value for this period"),
        # No target, no value.
        (NO_TARGETS, 64, MARCH_26, DATA_ONLY, "no target set"),
        (NO_TARGETS_FLOOR, 45, MARCH_26, DATA_ONLY, "no target set"),
        (NO_TARGETS_FLOOR, 44.9, MARCH_26, ALERT, "below the 45% floor"),
        (NO_TARGETS_THRESHOLD, 20, MARCH_26, DATA_ONLY, "no target set"),
        (NO_TARGETS_THRESHOLD, 20.1, MARCH_26, ALERT, "above the 20% alert threshold"),
        (ASSESSMENTS, None, MARCH_26, UNKNOWN, "no value for this period"),
        (NO_TARGETS, None, MARCH_26, UNKNOWN, "no value for this period"),
        (WITH_FLOOR, None, MARCH_26, UNKNOWN, "no value for this period"),
    ],
)
def test_a_value_is_judged_against_the_target_in_force(rules, value, period_end, status, reason):
    assessment = assess(rules, value, period_end)

    assert (assessment.status, assessment.reason) == (status, reason)
    assert assessment.target == target_in_force(rules.targets, period_end)


@pytest.mark.parametrize("value", [63, 63.0, Decimal("63.0"), Decimal("63")])
def test_ints_floats_and_decimals_are_judged_alike(value):
    assert assess(ASSESSMENTS, value, OCTOBER_26) == Assessment(
        WARNING, Target(64, OCTOBER_26), "below the 64% target due October 2026; within 5 points"
    )


@pytest.mark.parametrize(
    ("polarity", "previous", "current", "expected"),
    [
        (Polarity.HIGHER, 60, 64, IMPROVING),
        (Polarity.HIGHER, 64, 60, WORSENING),
        (Polarity.HIGHER, 64, 64, NO_CHANGE),
        (Polarity.HIGHER, 64.01, 64.04, NO_CHANGE),  # the same once shown to 1 dp
        (Polarity.HIGHER, 64.04, 64.05, IMPROVING),
        (Polarity.LOWER, 20, 15, IMPROVING),
        (Polarity.LOWER, 15, 20, WORSENING),
        (Polarity.LOWER, Decimal("15.0"), 15, NO_CHANGE),
        (Polarity.HIGHER, None, 64, Trend.UNKNOWN),
        (Polarity.LOWER, 15, None, Trend.UNKNOWN),
        (Polarity.RANGE, None, 17, Trend.UNKNOWN),
    ],
)
def test_the_trend_follows_the_polarity(polarity, previous, current, expected):
    assert trend(polarity, previous, current) == expected


@pytest.mark.parametrize(
    ("previous", "current", "expected"),
    [
        (25, 22, IMPROVING),  # above the range, coming down
        (10, 13, IMPROVING),  # below the range, coming up
        (14, 17, IMPROVING),  # into the range
        (16, 19, NO_CHANGE),  # anywhere inside is as good as anywhere else
        (15, 20, NO_CHANGE),
        (19, 21, WORSENING),  # out of the range
        (14, 26, WORSENING),  # to the far side, further away
        (12, 23, NO_CHANGE),  # to the far side, as far away
        (22, 25, WORSENING),
    ],
)
def test_for_a_range_closer_to_the_range_is_improving(previous, current, expected):
    assert trend(Polarity.RANGE, previous, current, target=Target(15, MARCH_26, upper=20)) == expected


def test_a_range_trend_without_a_target_is_unknown():
    assert trend(Polarity.RANGE, 25, 22) == Trend.UNKNOWN


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [
        (3, 4, Decimal("0.75")),
        (0, 5, Decimal(0)),
        (Decimal("1"), 3, Decimal(1) / Decimal(3)),
        (5, 0, None),  # no cases this month: no data, not an error
        (0, 0, None),
        (5, Decimal("0.0"), None),
        (None, 5, None),
        (5, None, None),
    ],
)
def test_a_rate_is_none_when_there_is_nothing_to_divide_by(numerator, denominator, expected):
    assert rate(numerator, denominator) == expected


@pytest.mark.parametrize(
    ("value", "numerator", "denominator", "unit", "expected"),
    [
        (Decimal("64.2"), 16, 25, Unit.PERCENT, Decimal("64.2")),  # as published
        (None, 16, 25, Unit.PERCENT, Decimal(64)),
        (None, 0, 0, Unit.PERCENT, None),
        (None, 3, 4, Unit.RATE, Decimal("0.75")),
        (None, 3, 4, Unit.COUNT, None),
        (None, None, None, Unit.COUNT, None),
        (12, None, None, Unit.COUNT, Decimal(12)),
        (3.5, None, None, Unit.FTE, Decimal("3.5")),
    ],
)
def test_a_value_comes_as_recorded_or_from_its_parts(value, numerator, denominator, unit, expected):
    assert value_from_parts(value, numerator, denominator, unit) == expected


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        (64, Unit.PERCENT, "64.0%"),
        (63.96, Unit.PERCENT, "64.0%"),
        (Decimal("2.25"), Unit.PERCENT, "2.3%"),  # half up, as people round
        (Decimal(200) / 3, Unit.PERCENT, "66.7%"),
        (1200, Unit.POUNDS, "£1,200"),
        (1200.5, Unit.POUNDS, "£1,200.50"),
        (-300, Unit.POUNDS, "-£300"),
        (20, Unit.COUNT, "20"),
        (19.5, Unit.COUNT, "19.5"),
        (1234567, Unit.COUNT, "1,234,567"),
        (3.5, Unit.FTE, "3.5 FTE"),
        (12, Unit.FTE, "12.0 FTE"),
        (1, Unit.DAYS, "1 day"),
        (12, Unit.DAYS, "12 days"),
        (2.5, Unit.DAYS, "2.5 days"),
        (80.84, Unit.RATE, "80.8"),
        (None, Unit.PERCENT, "No value"),
    ],
)
def test_a_value_is_shown_in_its_unit(value, unit, shown):
    assert format_value(value, unit) == shown


def test_a_missing_value_can_be_shown_as_any_text():
    assert format_value(None, Unit.COUNT, empty="–") == "–"


@pytest.mark.parametrize(
    ("value", "error"),
    [(True, TypeError), ("64", TypeError), (float("nan"), ValueError), (Decimal("Infinity"), ValueError)],
)
def test_only_finite_numbers_are_values(value, error):
    with pytest.raises(error):
        assess(ASSESSMENTS, value, MARCH_26)


@pytest.mark.parametrize(
    ("status", "label", "rag"),
    [
        (OK, "OK", "green"),
        (WARNING, "Warning", "amber"),
        (ALERT, "Alert", "red"),
        (DATA_ONLY, "Data only", None),
        (UNKNOWN, "Unknown", None),
    ],
)
def test_each_status_has_a_label_and_a_colour(status, label, rag):
    assert (status.label, status.rag) == (label, rag)


@pytest.mark.parametrize(
    ("direction", "label"),
    [
        (IMPROVING, "Improving"),
        (NO_CHANGE, "No change"),
        (WORSENING, "Getting worse"),
        (Trend.UNKNOWN, "No previous value"),
    ],
)
def test_each_trend_has_a_label(direction, label):
    assert direction.label == label


@pytest.mark.parametrize(
    ("polarity", "name"),
    [(Polarity.HIGHER, "floor"), (Polarity.LOWER, "ceiling")],
)
def test_the_floor_is_named_for_the_polarity(polarity, name):
    assert IndicatorRules(polarity, Unit.PERCENT, floor=45).floor_name == name


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        (
            dict(polarity=Polarity.RANGE, unit=Unit.COUNT, targets=(Target(15, MARCH_26),)),
            "the target due March 2026 needs an upper bound",
        ),
        (
            dict(polarity=Polarity.HIGHER, unit=Unit.COUNT, targets=(Target(15, MARCH_26, upper=20),)),
            "the target due March 2026 has an upper bound, but only a range indicator uses one",
        ),
        (
            dict(polarity=Polarity.HIGHER, unit=Unit.COUNT, targets=(Target(15, MARCH_26), Target(16, MARCH_26))),
            "more than one target is due March 2026",
        ),
        (
            dict(polarity=Polarity.RANGE, unit=Unit.COUNT, floor=10, alert_threshold=30),
            "a range indicator has no floor; its range and tolerance judge it; "
            "a range indicator has no alert threshold; set a tolerance instead",
        ),
        (
            dict(polarity=Polarity.HIGHER, unit=Unit.PERCENT, tolerance=-1),
            "the tolerance cannot be negative",
        ),
    ],
)
def test_rules_that_cannot_be_applied_are_refused_with_every_problem(rules, message):
    with pytest.raises(ValueError) as refused:
        IndicatorRules(**rules)

    assert str(refused.value) == message


def test_a_range_target_cannot_end_below_where_it_starts():
    with pytest.raises(ValueError, match="upper bound 10 below its lower bound 15"):
        Target(15, MARCH_26, upper=10)


def test_targets_given_as_a_list_are_kept_as_a_tuple():
    rules = IndicatorRules(Polarity.HIGHER, Unit.PERCENT, [Target(60, MARCH_26)])  # type: ignore[arg-type]

    assert rules.targets == (Target(60, MARCH_26),)


@pytest.mark.parametrize("field", ["floor", "alert_threshold", "tolerance"])
def test_a_rule_that_is_not_a_number_is_refused_when_the_rules_are_made(field):
    with pytest.raises(TypeError):
        IndicatorRules(Polarity.HIGHER, Unit.PERCENT, **{field: "45"})
