"""The director's inbox and decisions, the board secretary's list and the
notifications page: who may see and act, and bad input losing nothing."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.domain.roles import Role
from app.escalations.sweep import run_sweep
from app.extensions import db
from app.models import Escalation
from tests import factories
from tests.conftest import csrf_from
from tests.ladder import world

__all__ = ["world"]


@pytest.fixture
def escalated(world):
    """Action 1.1.1 at level 2 on the director's pillar; 2.1.1 on another director's."""
    world.action("1.1.1", date(2026, 11, 13))
    other_director = factories.person("Other Director")
    other_pillar = factories.pillar(world.plan, number=2, leads=[other_director])
    factories.action(factories.outcome(other_pillar, reference="2.1"), "2.1.1", due=date(2026, 11, 13))
    db.session.commit()
    run_sweep(date(2026, 11, 23))
    mine = db.session.scalar(
        select(Escalation).join(Escalation.action).where(Escalation.level == 2, Escalation.action.has(reference="1.1.1"))
    )
    theirs = db.session.scalar(
        select(Escalation).where(Escalation.level == 2, Escalation.action.has(reference="2.1.1"))
    )
    return mine.id, theirs.id


def _post(client, path: str, data: dict):
    """Post one of the page's decision forms, whose fields carry the decision as a prefix."""
    page = client.get(path.rsplit("/", 1)[0])
    decision = path.rsplit("/", 1)[1]
    fields = {f"{decision}-{name}": value for name, value in data.items()}
    return client.post(path, data={**fields, f"{decision}-csrf_token": csrf_from(page.get_data(as_text=True))})


def test_a_director_is_sent_to_an_inbox_listing_only_their_pillars_escalations(client, auth, world, escalated):
    auth.sign_in("director@example.org")

    page = client.get("/", follow_redirects=True).get_data(as_text=True)

    assert "Escalation inbox" in page
    assert "1.1.1" in page
    assert "2.1.1" not in page


def test_the_accountable_director_acknowledges_and_responds(client, auth, world, escalated):
    mine, _ = escalated
    auth.sign_in("director@example.org")

    assert _post(client, f"/escalations/{mine}/acknowledge", {}).status_code == 302
    response = _post(client, f"/escalations/{mine}/respond", {"response": "Agency staff start Monday"})

    assert response.status_code == 302
    page = client.get(f"/escalations/{mine}").get_data(as_text=True)
    assert "Agency staff start Monday" in page
    assert "Responded" in page
    db.session.expire_all()
    assert db.session.get(Escalation, mine).state == "responded"


def test_a_revised_date_without_a_reason_shows_the_error_beside_the_field_and_keeps_the_date(
    client, auth, world, escalated
):
    mine, _ = escalated
    auth.sign_in("director@example.org")

    response = _post(
        client,
        f"/escalations/{mine}/revise",
        {"revised_due_date": ["29", "1", "2027"], "reason": ""},
    )

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    assert "Enter the reason for the revised date" in page
    assert 'value="2027"' in page
    assert page.count('id="revise-revised_due_date"') == 1
    db.session.expire_all()
    assert db.session.get(Escalation, mine).action.due_date == date(2026, 11, 13)


def test_an_agreed_revised_date_shows_the_original_date_and_the_reason(client, auth, world, escalated):
    mine, _ = escalated
    auth.sign_in("director@example.org")

    response = _post(
        client,
        f"/escalations/{mine}/revise",
        {"revised_due_date": ["29", "1", "2027"], "reason": "Recruitment delayed"},
    )

    assert response.status_code == 302
    page = client.get(f"/escalations/{mine}").get_data(as_text=True)
    assert "29 January 2027" in page
    assert "Originally 13 November 2026" in page
    assert "Recruitment delayed" in page


@pytest.mark.parametrize("who", ["other director", "delivery lead", "board secretary"])
def test_only_the_accountable_director_may_decide_and_a_refusal_changes_nothing(
    client, auth, world, escalated, who
):
    _, theirs = escalated
    if who == "other director":
        auth.sign_in("director@example.org")
    elif who == "delivery lead":
        auth.sign_in("lead@example.org")
    else:
        auth.sign_in(factories.user(Role.BOARD_SECRETARY).email)
    token = csrf_from(client.get("/notifications").get_data(as_text=True))

    response = client.post(
        f"/escalations/{theirs}/resolve", data={"resolve-note": "Not mine", "resolve-csrf_token": token}
    )

    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Escalation, theirs).state == "open"


def test_a_delivery_lead_sees_their_actions_escalation_but_a_viewer_does_not(client, auth, world, escalated):
    mine, _ = escalated
    auth.sign_in("lead@example.org")
    lead_page = client.get(f"/escalations/{mine}")
    assert lead_page.status_code == 200
    assert "Your decision" not in lead_page.get_data(as_text=True)

    auth.sign_out()
    auth.sign_in(factories.user(Role.VIEWER).email)
    assert client.get(f"/escalations/{mine}").status_code == 403


def test_the_board_secretary_filters_the_plans_escalations_by_level_pillar_and_state(client, auth, world, escalated):
    auth.sign_in(factories.user(Role.BOARD_SECRETARY).email)
    plan = world.plan.id

    both = client.get(f"/plans/{plan}/escalations?level=2").get_data(as_text=True)
    assert "2 escalations" in both
    pillar_two = client.get(f"/plans/{plan}/escalations?level=2&pillar=2").get_data(as_text=True)
    assert "1 escalation<" in pillar_two
    assert "2.1.1" in pillar_two
    assert "1.1.1 " not in pillar_two
    resolved = client.get(f"/plans/{plan}/escalations?state=resolved").get_data(as_text=True)
    assert "No escalations match." in resolved


def test_a_filter_that_is_not_on_the_list_is_explained(client, auth, world, escalated):
    auth.sign_in(factories.user(Role.BOARD_SECRETARY).email)

    page = client.get(f"/plans/{world.plan.id}/escalations?level=7").get_data(as_text=True)

    assert "Choose a level from the list" in page


def test_people_see_their_own_notifications(client, auth, world, escalated):
    auth.sign_in("lead@example.org")

    page = client.get("/notifications").get_data(as_text=True)

    assert "Escalated to the director: level 2" in page
    assert "1.1.1" in page
    assert "2.1.1" not in page


def test_a_decision_is_saved_and_the_log_says_so_when_the_broker_is_down(app, client, auth, world, escalated, caplog):
    import socket

    from celery import Celery

    mine, _ = escalated
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    unreachable = Celery("unreachable", broker=f"redis://127.0.0.1:{closed_port}/0", set_as_current=False)
    unreachable.conf.task_publish_retry = False
    unreachable.conf.broker_connection_timeout = 1
    working = app.extensions["celery"]
    app.extensions["celery"] = unreachable
    try:
        auth.sign_in("director@example.org")
        response = _post(client, f"/escalations/{mine}/respond", {"response": "Agency staff start Monday"})
    finally:
        app.extensions["celery"] = working

    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Escalation, mine).response == "Agency staff start Monday"
    assert "could not enqueue workers.plans.recalculate_for_actions: the broker is unavailable" in caplog.text


def test_an_unreadable_date_and_a_missing_reason_are_both_explained_and_the_page_repeats_no_id(
    client, auth, world, escalated
):
    import re

    mine, _ = escalated
    auth.sign_in("director@example.org")

    response = _post(client, f"/escalations/{mine}/revise", {"revised_due_date": ["29", "13", "2027"], "reason": ""})

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Enter the revised due date as a real date, like 27 3 2027" in page
    assert "Enter the reason for the revised date" in page
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert sorted({i for i in ids if ids.count(i) > 1}) == []


def test_the_action_page_shows_the_original_date_beside_an_agreed_revised_date(client, auth, world, escalated):
    mine, _ = escalated
    auth.sign_in("director@example.org")
    _post(client, f"/escalations/{mine}/revise", {"revised_due_date": ["29", "1", "2027"], "reason": "Recruitment delayed"})
    action_id = db.session.get(Escalation, mine).action_id

    page = client.get(f"/actions/{action_id}").get_data(as_text=True)

    assert "29 January 2027" in page
    assert "Revised from 13 November 2026: Recruitment delayed" in page


def test_directors_and_the_board_secretary_find_their_escalation_pages_in_the_menu(client, auth, world, escalated):
    auth.sign_in("director@example.org")
    director_menu = client.get("/notifications").get_data(as_text=True)
    assert 'href="/escalations/inbox"' in director_menu

    auth.sign_out()
    auth.sign_in(factories.user(Role.BOARD_SECRETARY).email)
    secretary_menu = client.get(f"/plans/{world.plan.id}").get_data(as_text=True)
    assert f'href="/plans/{world.plan.id}/escalations"' in secretary_menu
    assert 'href="/escalations/inbox"' not in secretary_menu
