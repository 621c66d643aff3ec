"""Judging a series month by month; alerts at a glance; unanswered alerts; the board pack's targets."""

from datetime import date
from decimal import Decimal

import pytest

from app.domain.kpi import KpiStatus, Polarity, Trend, Unit
from app.extensions import db
from app.indicators import queries
from app.models import IndicatorValue
from tests import factories, indicator_factories

TODAY = date(2026, 11, 23)
IMPROVING, NO_CHANGE, WORSENING, NO_PREVIOUS = Trend.IMPROVING, Trend.NO_CHANGE, Trend.WORSENING, Trend.UNKNOWN
OK, WARNING, ALERT, UNKNOWN = KpiStatus.OK, KpiStatus.WARNING, KpiStatus.ALERT, KpiStatus.UNKNOWN


@pytest.fixture
def plan(app):
    return factories.plan()


def _statuses(summary):
    return [(p.period.strftime("%Y-%m"), p.assessment.status, p.trend) for p in summary.series]


def test_each_month_is_judged_by_the_target_in_force_at_its_end(plan):
    indicator_factories.indicator(
        plan,
        targets=[(60, date(2026, 3, 31)), (64, date(2026, 10, 31))],
        values={"2026-03": 60, "2026-04": 60, "2026-10": 64, "2026-11": 64},
    )
    summary = queries.plan_indicators(plan, TODAY)[0]

    by_month = {p.period.strftime("%Y-%m"): p for p in summary.series}
    assert by_month["2026-03"].assessment.status is OK  # the March step ends with March
    assert by_month["2026-04"].assessment.status is WARNING  # April is judged by October's 64%
    assert by_month["2026-10"].assessment.status is OK
    assert by_month["2026-11"].assessment.target.value == 64  # after the last step, it stands


def test_a_missing_month_is_unknown_and_breaks_the_trend(plan):
    indicator_factories.indicator(
        plan, targets=[(64, date(2026, 10, 31))], values={"2026-07": 60, "2026-09": 62, "2026-10": 61}
    )
    summary = queries.plan_indicators(plan, TODAY)[0]

    assert _statuses(summary) == [
        ("2026-07", WARNING, NO_PREVIOUS),
        ("2026-08", UNKNOWN, NO_PREVIOUS),
        ("2026-09", WARNING, NO_PREVIOUS),
        ("2026-10", WARNING, WORSENING),
    ]
    assert summary.series[1].assessment.reason == "no value for this period"


@pytest.mark.parametrize(
    ("polarity", "values", "expected"),
    [
        (Polarity.HIGHER, [50, 55, 55, 40], [NO_PREVIOUS, IMPROVING, NO_CHANGE, WORSENING]),
        (Polarity.LOWER, [50, 55, 55, 40], [NO_PREVIOUS, WORSENING, NO_CHANGE, IMPROVING]),
        (Polarity.RANGE, [30, 22, 20, 15, 12], [NO_PREVIOUS, IMPROVING, IMPROVING, NO_CHANGE, WORSENING]),
    ],
)
def test_the_trend_of_each_month_follows_the_polarity(plan, polarity, values, expected):
    upper = (20,) if polarity is Polarity.RANGE else ()
    indicator_factories.indicator(
        plan, "X", unit=Unit.COUNT, polarity=polarity, targets=[(15, date(2026, 3, 31), *upper)],
        values={f"2026-{month:02d}": v for month, v in enumerate(values, start=1)},
    )  # fmt: skip

    assert [p.trend for p in queries.plan_indicators(plan, TODAY)[0].series] == expected


def test_values_after_the_date_asked_about_are_left_out(plan):
    indicator_factories.indicator(plan, values={"2026-09": 58, "2026-10": 61})

    assert queries.plan_indicators(plan, date(2026, 9, 30))[0].latest.value == Decimal(58)


def test_an_indicator_with_no_values_is_unknown(plan):
    indicator_factories.indicator(plan)
    summary = queries.plan_indicators(plan, TODAY)[0]

    assert (summary.series, summary.status, summary.shown_value) == ([], UNKNOWN, "No data")


def _alerting(plan, code, values, **fields):
    return indicator_factories.indicator(
        plan, code, unit=Unit.PERCENT, polarity=Polarity.LOWER, targets=[(15, date(2026, 3, 31))],
        alert_threshold=Decimal(20), values=values, **fields,
    )  # fmt: skip


def test_alerting_indicators_are_those_whose_latest_month_is_in_alert(plan):
    _alerting(plan, "TWO", {"2026-09": 25, "2026-10": 26})
    _alerting(plan, "NOW", {"2026-09": 16, "2026-10": 26})
    _alerting(plan, "WAS", {"2026-09": 26, "2026-10": 16})

    assert [s.indicator.code for s in queries.alerting_indicators(plan, TODAY)] == ["NOW", "TWO"]


@pytest.mark.parametrize(
    ("values", "action_state", "flagged"),
    [
        ({"2026-09": 25, "2026-10": 26}, None, True),  # two months in alert, nothing linked
        ({"2026-09": 25, "2026-10": 26}, "complete", True),  # only a closed action
        ({"2026-09": 25, "2026-10": 26}, "cancelled", True),
        ({"2026-09": 25, "2026-10": 26}, "in_progress", False),  # an open action answers it
        ({"2026-09": 25, "2026-10": 26}, "not_started", False),
        ({"2026-10": 26}, None, False),  # one month is not two
        ({"2026-08": 25, "2026-10": 26}, None, False),  # not consecutive: September is missing
        ({"2026-09": 16, "2026-10": 26}, None, False),
        ({"2026-09": 26, "2026-10": 19}, None, False),  # back to a warning
    ],
)
def test_an_alert_two_months_running_with_no_open_action_is_unanswered(plan, values, action_state, flagged):
    actions = []
    if action_state:
        outcome = factories.outcome(factories.pillar(plan))
        actions = [factories.action(outcome, state=action_state)]
    _alerting(plan, "RE-REF", values, actions=actions)
    db.session.commit()

    assert [s.indicator.code for s in queries.unanswered_alerts(plan, TODAY)] == (["RE-REF"] if flagged else [])
    assert queries.plan_indicators(plan, TODAY)[0].unanswered_alert is flagged


def _statements_to_list(plan) -> int:
    from sqlalchemy import event

    db.session.commit()
    db.session.expire_all()
    plan_id = plan.id
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        queries.plan_indicators(db.session.get(queries.Plan, plan_id), TODAY)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return len(statements)


def test_the_list_reads_every_indicator_with_a_fixed_number_of_queries(plan):
    outcome = factories.outcome(factories.pillar(plan))
    _alerting(plan, "K0", {"2026-09": 25, "2026-10": 26}, actions=[factories.action(outcome)])
    one = _statements_to_list(plan)
    for n in range(1, 7):
        _alerting(plan, f"K{n}", {"2026-09": 25, "2026-10": 26}, actions=[factories.action(outcome)])
    seven = _statements_to_list(plan)

    assert seven == one <= 5  # the plan, indicators, their targets, their actions, all values


def test_the_board_pack_lists_improvement_notice_targets_as_at_the_board_date(plan):
    outcome = factories.outcome(factories.pillar(plan))
    action = factories.action(outcome, "2.1.1")
    indicator = indicator_factories.indicator(
        plan,
        targets=[(60, date(2026, 3, 31)), (64, date(2026, 10, 31))],
        values={"2026-09": 58, "2026-10": 61, "2026-11": 66},
        is_improvement_notice_target=True,
        actions=[action],
    )
    db.session.get(IndicatorValue, indicator.values[1].id).commentary = "Summer leave"
    indicator_factories.indicator(plan, "OTHER", values={"2026-10": 10})
    db.session.commit()

    rows = queries.improvement_notice_targets(plan, date(2026, 11, 23))

    assert len(rows) == 1
    row = rows[0]
    assert row.target.endswith(": 60.0% by March 2026, 64.0% by October 2026")
    assert (row.status, row.value, row.as_at) == (WARNING, "61.0%", date(2026, 10, 31))
    assert (row.previous_value, row.trend, row.commentary) == ("58.0%", IMPROVING, "Summer leave")
    assert row.actions == [action]
    # November counts once it has ended.
    assert queries.improvement_notice_targets(plan, date(2026, 11, 30))[0].value == "66.0%"
