"""The demo plan's indicators: eighteen months of real-looking figures, loaded once."""

from datetime import date

from sqlalchemy import func, select

from app.demo.loader import load_demo
from app.domain.kpi import KpiStatus
from app.extensions import db
from app.indicators import queries
from app.models import Comparator, Indicator, IndicatorValue


def _counts():
    return tuple(
        db.session.scalar(select(func.count()).select_from(model)) for model in (Indicator, IndicatorValue, Comparator)
    )


def test_the_demo_has_six_or_more_indicators_with_eighteen_months_to_october_2026(app):
    plan = load_demo("demo password 123").plan
    db.session.commit()

    summaries = queries.plan_indicators(plan, date(2026, 11, 23))
    assert len(summaries) >= 6
    for summary in summaries:
        assert len(summary.series) == 18, summary.indicator.code
        assert (summary.series[0].period, summary.latest.period) == (date(2025, 5, 1), date(2026, 10, 1))
    by_code = {s.indicator.code: s for s in summaries}
    caseload = by_code["CASELOAD"].indicator
    assert caseload.polarity == "lower" and caseload.alert_threshold is not None
    assert by_code["NI 59"].indicator.floor is not None
    assert by_code["NI 59"].series[0].assessment.reason == "below the 45% floor"
    assert {s.status for s in summaries} >= {KpiStatus.OK, KpiStatus.WARNING, KpiStatus.ALERT, KpiStatus.DATA_ONLY}
    assert [s.indicator.code for s in queries.unanswered_alerts(plan, date(2026, 11, 23))] == ["RE-REF"]
    assert by_code["NI 59"].indicator.actions and by_code["NI 59"].indicator.requirements
    assert len(queries.improvement_notice_targets(plan, date(2026, 11, 23))) >= 4


def test_loading_the_demo_twice_adds_no_indicators_the_second_time(app):
    load_demo("demo password 123")
    db.session.commit()
    before = _counts()
    load_demo("demo password 123")
    db.session.commit()

    assert _counts() == before and before[0] >= 6 and before[2] > 0
