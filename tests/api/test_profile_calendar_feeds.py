"""The profile page's tokens and calendar addresses, the calendar feeds, the data feeds, the OpenAPI
description and the tokens command."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import icalendar
import pytest
from sqlalchemy import func, select

from app.api.tokens import create_token
from app.domain.roles import Role
from app.extensions import db
from app.models import ApiToken, Update
from tests import factories
from tests.conftest import csrf_from


def _new_token(client, name: str):
    page = client.get("/profile").get_data(as_text=True)
    return client.post("/profile/tokens", data={"name": name, "csrf_token": csrf_from(page)})


def test_a_user_creates_a_token_on_their_profile_sees_it_once_and_it_works(client, auth, app):
    user = factories.user(Role.VIEWER)
    auth.sign_in(user.email)
    response = _new_token(client, "Power BI report")
    assert response.status_code == 200
    secret = re.search(r'<code id="new-token">([^<]+)</code>', response.get_data(as_text=True)).group(1)
    assert client.get("/api/v1/plans", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    again = client.get("/profile").get_data(as_text=True)
    assert "Power BI report" in again and secret not in again


def test_a_token_without_a_name_is_refused_next_to_the_field(client, auth, app):
    user = factories.user(Role.VIEWER)
    auth.sign_in(user.email)
    response = _new_token(client, "")
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "govuk-error-summary" in body and "Enter a name for the token" in body
    assert db.session.scalar(select(func.count()).select_from(ApiToken)) == 0


def test_a_user_revokes_their_own_token(client, auth, app):
    user = factories.user(Role.VIEWER)
    token, secret = create_token(user, "old")
    db.session.commit()
    auth.sign_in(user.email)
    page = client.get("/profile").get_data(as_text=True)
    response = client.post(f"/profile/tokens/{token.id}/revoke", data={"csrf_token": csrf_from(page)})
    assert response.status_code == 302
    assert client.get("/api/v1/plans", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_nobody_revokes_another_users_token(client, auth, app):
    owner, other = factories.user(Role.VIEWER), factories.user(Role.ADMINISTRATOR)
    token, secret = create_token(owner, "mine")
    db.session.commit()
    auth.sign_in(other.email)
    page = client.get("/profile").get_data(as_text=True)
    response = client.post(f"/profile/tokens/{token.id}/revoke", data={"csrf_token": csrf_from(page)})
    assert response.status_code == 404
    assert client.get("/api/v1/plans", headers={"Authorization": f"Bearer {secret}"}).status_code == 200


@pytest.fixture
def calendar_world(app):
    app.config["FIXED_TODAY"] = "2026-11-20"
    user = factories.user(Role.DELIVERY_LEAD)
    lead = factories.person("Lynn Chesterton", user=user)
    plan = factories.plan()
    outcome = factories.outcome(factories.pillar(plan, number=1), "1.1")
    factories.action(outcome, "1.1.1", due=date(2026, 12, 15), leads=[lead], title="Audit the case files")
    factories.action(outcome, "1.1.2", due=date(2027, 1, 31), title="Someone else's action")
    factories.action(outcome, "1.1.3", due=date(2026, 10, 1), leads=[lead], state="complete", rag="complete")
    from app.board.services import add_board_meeting

    add_board_meeting(plan=plan, meeting_date=date(2026, 11, 23), title="Improvement Board")
    db.session.commit()
    return user


def _calendar_addresses(client) -> tuple[str, str]:
    page = client.get("/profile").get_data(as_text=True)
    body = client.post("/profile/calendar", data={"csrf_token": csrf_from(page)}).get_data(as_text=True)
    person = re.search(r'<code id="calendar-person">http://localhost([^<]+)</code>', body).group(1)
    plan = re.search(r'<code id="calendar-plan">http://localhost([^<]+)</code>', body).group(1)
    return person, plan


def _events(client, path: str) -> dict[str, icalendar.Event]:
    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(response.data)
    assert str(calendar["X-WR-TIMEZONE"]) == "Europe/London"
    return {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}


def test_the_personal_calendar_has_the_leads_open_deadlines_and_board_meetings_as_all_day_events(
    client, auth, calendar_world
):
    auth.sign_in(calendar_world.email)
    person_path, _ = _calendar_addresses(client)
    auth.sign_out()  # a calendar program has no session
    events = _events(client, person_path)
    assert set(events) == {"Due: 1.1.1 Audit the case files", "Improvement Board"}
    due = events["Due: 1.1.1 Audit the case files"]
    assert due.decoded("DTSTART") == date(2026, 12, 15)
    assert due.decoded("DTEND") == date(2026, 12, 16)
    assert due["DTSTART"].params.get("VALUE") == "DATE"
    assert events["Improvement Board"].decoded("DTSTART") == date(2026, 11, 23)
    uids = {str(event["UID"]) for event in events.values()}
    assert uids == {str(event["UID"]) for event in _events(client, person_path).values()}


def test_the_plan_calendar_has_every_open_deadline(client, auth, calendar_world):
    auth.sign_in(calendar_world.email)
    _, plan_path = _calendar_addresses(client)
    events = _events(client, plan_path)
    assert {"Due: 1.1.1 Audit the case files", "Due: 1.1.2 Someone else's action", "Improvement Board"} == set(events)


def test_resetting_the_calendar_address_stops_the_old_one(client, auth, calendar_world):
    auth.sign_in(calendar_world.email)
    old_person, old_plan = _calendar_addresses(client)
    new_person, _ = _calendar_addresses(client)
    assert new_person != old_person
    assert client.get(old_person).status_code == 404
    assert client.get(old_plan).status_code == 404
    assert client.get(new_person).status_code == 200
    assert client.get("/calendar/not-a-secret.ics").status_code == 404


@pytest.fixture
def feed_world(app):
    app.config["FIXED_TODAY"] = "2026-11-20"
    lead = factories.person("Ann Garratt")
    plan = factories.plan()
    outcome = factories.outcome(factories.pillar(plan, number=1), "1.1")
    action = factories.action(outcome, "1.1.1", due=date(2026, 11, 2), leads=[lead], title="=HYPERLINK(1)")
    db.session.add(Update(action_id=action.id, period=date(2026, 10, 1), proposed_rag="amber", effective_rag="amber",
                          commentary="Half done"))
    from tests import indicator_factories

    indicator_factories.indicator(plan, values={"2026-09": 58, "2026-10": 61.5})
    user = factories.user(Role.VIEWER)
    _, secret = create_token(user, "feed")
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def test_the_actions_feed_as_json_has_typed_values(client, feed_world):
    rows = client.get("/api/v1/feeds/actions.json", headers=feed_world, buffered=True).json
    assert len(rows) == 1
    row = rows[0]
    assert (row["reference"], row["due_date"], row["overdue"], row["effective_rag"]) == ("1.1.1", "2026-11-02", True,
                                                                                          "red")
    assert row["delivery_leads"] == "Ann Garratt"
    assert isinstance(row["version"], int)


def test_the_actions_feed_as_csv_has_a_bom_and_no_formulas(client, feed_world):
    response = client.get("/api/v1/feeds/actions.csv", headers=feed_world, buffered=True)
    assert response.mimetype == "text/csv"
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 1
    assert rows[0]["title"] == "'=HYPERLINK(1)"
    assert rows[0]["overdue"] == "true"


def test_the_updates_and_indicator_value_feeds_give_numbers_as_numbers(client, feed_world):
    updates = client.get("/api/v1/feeds/updates.json", headers=feed_world, buffered=True).json
    assert [(u["action_reference"], u["period"], u["commentary"]) for u in updates] == [
        ("1.1.1", "2026-10-01", "Half done")
    ]
    values = client.get("/api/v1/feeds/indicator-values.json", headers=feed_world, buffered=True).json
    assert [(v["period"], v["value"]) for v in values] == [("2026-09-01", 58), ("2026-10-01", 61.5)]
    escalations = client.get("/api/v1/feeds/escalations.csv", headers=feed_world, buffered=True)
    assert escalations.status_code == 200
    assert escalations.data.decode("utf-8").lstrip("\ufeff").startswith("id,action_id,action_reference,level")


def test_a_feed_without_a_token_is_refused(client, feed_world):
    assert client.get("/api/v1/feeds/actions.csv").status_code == 401


def test_the_openapi_description_covers_every_api_route_and_is_built_from_the_schemas(app, client):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.")
    described = {(method.upper(), path) for path, methods in spec["paths"].items() for method in methods}
    served = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api.") and rule.endpoint not in {"api.openapi_json", "api.docs"}:
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
            served |= {(method, path) for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert described == served
    assert "ActionOut" in spec["components"]["schemas"]
    assert spec["paths"]["/api/v1/actions/{action_id}/updates"]["post"]["responses"]["409"]


def test_the_api_documentation_page_lists_the_operations(client):
    body = client.get("/api/v1/docs").get_data(as_text=True)
    assert "<code>/api/v1/plans/{plan_id}/actions</code>" in body
    assert "<code>/api/v1/actions/{action_id}/updates</code>" in body


def test_tokens_create_prints_a_token_that_works(app, client):
    user = factories.user(Role.PERFORMANCE_OFFICER)
    result = app.test_cli_runner().invoke(args=["tokens", "create", "--email", user.email, "--name", "nightly"])
    assert result.exit_code == 0
    secret = result.output.strip()
    assert client.get("/api/v1/plans", headers={"Authorization": f"Bearer {secret}"}).status_code == 200


def test_tokens_create_for_an_unknown_email_exits_non_zero_with_one_line(app):
    result = app.test_cli_runner().invoke(args=["tokens", "create", "--email", "nobody@example.org", "--name", "x"])
    assert result.exit_code != 0
    assert result.output.strip().splitlines() == ["Error: No user has the email nobody@example.org: check it, or "
                                                  "create the user first"]
