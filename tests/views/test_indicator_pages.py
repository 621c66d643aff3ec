"""Indicator pages: the list, one indicator with its chart, entering values, importing; who may do what."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.domain.kpi import Polarity, Unit
from app.domain.roles import Role
from app.extensions import db
from app.models import Indicator, IndicatorValue
from tests import factories, indicator_factories
from tests.conftest import csrf_from


@pytest.fixture
def world(app):
    plan = factories.plan()
    outcome = factories.outcome(factories.pillar(plan))
    action = factories.action(outcome, "2.1.1", title="Restore assessment timeliness")
    ni59 = indicator_factories.indicator(
        plan,
        targets=[(60, date(2026, 3, 31)), (64, date(2026, 10, 31))],
        values={"2026-08": 55, "2026-09": 58, "2026-10": 61},
        actions=[action],
        floor=Decimal(45),
    )
    reref = indicator_factories.indicator(
        plan, "RE-REF", title="Re-referrals within 12 months", polarity=Polarity.LOWER,
        targets=[(22, date(2026, 3, 31))], alert_threshold=Decimal(28), values={"2026-09": 28.6, "2026-10": 29.3},
    )  # fmt: skip
    db.session.commit()
    return {"plan": plan.id, "ni59": ni59.id, "reref": reref.id}


def _signed_in(auth, role):
    auth.sign_in(factories.user(role).email)


def test_the_list_shows_each_indicator_with_its_status_trend_and_sparkline(client, auth, world):
    _signed_in(auth, Role.VIEWER)
    body = client.get(f"/plans/{world['plan']}/indicators").get_data(as_text=True)

    assert "NI 59" in body and "61.0%" in body
    assert "Below the 64% target due October 2026; within 5 points" in body
    assert "Improving" in body and "Getting worse" in body
    assert 'class="pillar-sparkline"' in body
    assert "Alert two months running, no open action" in body
    assert "Import definitions or values" not in body  # a viewer reads only


def test_the_indicator_page_shows_value_target_reason_chart_table_and_links(client, auth, world):
    _signed_in(auth, Role.VIEWER)
    body = client.get(f"/indicators/{world['ni59']}").get_data(as_text=True)

    assert "61.0% in October 2026" in body
    assert "64.0% by 31 October 2026" in body
    assert "Below the 64% target due October 2026; within 5 points" in body
    assert "(previously 58.0%)" in body
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="pillar-chart"' in body
    assert "Values by month" in body and "August 2026" in body
    assert "2.1.1</a> Restore assessment timeliness" in body
    assert "Floor" in body and "45.0%" in body
    assert "Enter a value" not in body
    assert "no open action is linked to it" not in body


def test_an_unanswered_alert_is_flagged_on_its_page_and_on_the_plan_overview(client, auth, world):
    _signed_in(auth, Role.DIRECTOR)
    page = client.get(f"/indicators/{world['reref']}").get_data(as_text=True)
    overview = client.get(f"/plans/{world['plan']}").get_data(as_text=True)

    assert "RE-REF has been in Alert for two months running and no open action is linked to it." in page
    assert "Indicators in alert" in overview
    assert "RE-REF Re-referrals within 12 months" in overview
    assert "No open action is linked to it after two months in Alert." in overview


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.PERFORMANCE_OFFICER])
def test_administrators_and_performance_officers_enter_a_value(client, auth, world, role):
    _signed_in(auth, role)
    form = client.get(f"/indicators/{world['ni59']}/values").get_data(as_text=True)
    assert '<option value="2026-10" selected>October 2026</option>' in form  # last month by default

    response = client.post(
        f"/indicators/{world['ni59']}/values",
        data={"period": "2026-11", "numerator": "33", "denominator": "50", "commentary": "New rota",
              "csrf_token": csrf_from(form)},
        follow_redirects=True,
    )  # fmt: skip

    assert "NI 59 for November 2026 saved: 66.0%." in response.get_data(as_text=True)
    record = db.session.scalar(select(IndicatorValue).where(IndicatorValue.period == date(2026, 11, 1)))
    assert (record.value, record.commentary, record.entered_by.role) == (Decimal(66), "New rota", role.value)


def test_a_bad_value_shows_each_error_beside_its_field_and_keeps_what_was_typed(client, auth, world):
    _signed_in(auth, Role.PERFORMANCE_OFFICER)
    form = client.get(f"/indicators/{world['ni59']}/values").get_data(as_text=True)

    response = client.post(
        f"/indicators/{world['ni59']}/values",
        data={"period": "2026-10", "value": "sixty", "numerator": "7", "commentary": "Kept text",
              "csrf_token": csrf_from(form)},
    )  # fmt: skip
    body = response.get_data(as_text=True)

    assert response.status_code == 400
    assert "There is a problem" in body
    assert 'href="#value"' in body and "The value “sixty” is not a number" in body
    assert 'href="#denominator"' in body and "Enter both the numerator and the denominator, or neither" in body
    assert 'value="sixty"' in body and "Kept text" in body
    assert db.session.scalar(select(IndicatorValue.value).where(IndicatorValue.period == date(2026, 10, 1))) == 61


def test_an_import_is_uploaded_and_reported(client, auth, world):
    from io import BytesIO

    _signed_in(auth, Role.PERFORMANCE_OFFICER)
    page = client.get(f"/plans/{world['plan']}/indicators/import").get_data(as_text=True)
    response = client.post(
        f"/plans/{world['plan']}/indicators/import",
        data={"file": (BytesIO(b"code,period,value\nNI 59,2026-11,63\n"), "values.csv"), "csrf_token": csrf_from(page)},
        content_type="multipart/form-data",
        follow_redirects=True,
    )

    assert "Imported 1 values: 1 new, 0 updated." in response.get_data(as_text=True)


def test_a_bad_import_lists_every_row_to_correct_and_changes_nothing(client, auth, world):
    from io import BytesIO

    _signed_in(auth, Role.ADMINISTRATOR)
    page = client.get(f"/plans/{world['plan']}/indicators/import").get_data(as_text=True)
    response = client.post(
        f"/plans/{world['plan']}/indicators/import",
        data={"file": (BytesIO(b"code,period,value\nNI 59,2026-11,63\nNI 98,2026-11,1\nNI 59,2026-12,2\n"),
                       "values.csv"), "csrf_token": csrf_from(page)},
        content_type="multipart/form-data",
    )  # fmt: skip
    body = response.get_data(as_text=True)

    assert response.status_code == 400
    assert "2 rows could not be imported; nothing was changed" in body
    assert "Row 3: no indicator with the code “NI 98” in this plan" in body
    assert "Row 4: December 2026 is in the future" in body
    assert db.session.scalar(select(func.count()).select_from(IndicatorValue)) == 5


@pytest.mark.parametrize("role", sorted(set(Role) - {Role.ADMINISTRATOR, Role.PERFORMANCE_OFFICER}))
def test_others_are_refused_value_entry_and_import_and_nothing_changes(client, auth, world, role):
    from io import BytesIO

    _signed_in(auth, role)
    token = csrf_from(client.get(f"/plans/{world['plan']}").get_data(as_text=True))
    before = db.session.scalar(select(func.count()).select_from(IndicatorValue))

    entry = client.post(
        f"/indicators/{world['ni59']}/values", data={"period": "2026-10", "value": "99", "csrf_token": token}
    )
    upload = client.post(
        f"/plans/{world['plan']}/indicators/import",
        data={"file": (BytesIO(b"code,title,unit,polarity\nNEW,New one,count,higher\n"), "d.csv"), "csrf_token": token},
        content_type="multipart/form-data",
    )

    assert (entry.status_code, upload.status_code) == (403, 403)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(IndicatorValue)) == before
    assert db.session.scalar(select(IndicatorValue.value).where(IndicatorValue.period == date(2026, 10, 1))) == 61
    assert db.session.scalar(select(func.count()).select_from(Indicator)) == 2


def test_a_plan_without_indicators_says_so(client, auth, app):
    plan = factories.plan()
    db.session.commit()
    _signed_in(auth, Role.VIEWER)

    assert "This plan has no performance indicators yet." in client.get(f"/plans/{plan.id}/indicators").get_data(
        as_text=True
    )
    assert "No indicator is in alert." in client.get(f"/plans/{plan.id}").get_data(as_text=True)


def test_an_indicator_without_values_has_no_chart_but_says_why(client, auth, app):
    indicator = indicator_factories.indicator(factories.plan(), unit=Unit.COUNT)
    db.session.commit()
    _signed_in(auth, Role.VIEWER)

    body = client.get(f"/indicators/{indicator.id}").get_data(as_text=True)
    assert "No values have been recorded yet." in body and "pillar-chart" not in body


def test_an_indicator_of_small_numbers_says_so_beside_its_figures(client, auth, app):
    indicator = indicator_factories.indicator(factories.plan(), "CP REVIEWS", small_numbers=True)
    db.session.commit()
    _signed_in(auth, Role.VIEWER)

    assert "This indicator counts small numbers" in client.get(f"/indicators/{indicator.id}").get_data(as_text=True)
