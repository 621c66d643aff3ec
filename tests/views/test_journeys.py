"""Role homes, the plan dashboard, search, outstanding updates and the keep-alive."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event

from app.board import services as board_services
from app.board import sources
from app.domain.roles import Role
from app.extensions import db
from app.models import BoardMeeting, Plan, Requirement, Update
from tests import factories
from tests.conftest import csrf_from


@pytest.fixture
def world(app):
    with app.app_context():
        director = factories.user(Role.DIRECTOR, name="Dana Director")
        lead_user = factories.user(Role.DELIVERY_LEAD, name="Lynn Chesterton")
        dana = factories.person("Dana Director", user=director, job_title="Executive Director")
        lynn = factories.person("Lynn Chesterton", user=lead_user, job_title="Head of Safeguarding")
        plan = factories.plan()
        first = factories.pillar(plan, 1, "Front door", leads=[dana])
        second = factories.pillar(plan, 2, "Workforce")
        outcome = factories.outcome(first, "1.1")
        other = factories.outcome(second, "2.1")
        late = factories.action(outcome, "1.1.1", title="Audit 50% of referrals", due=date(2026, 11, 2),
                                leads=[lynn], steps="Sample case files")
        soon = factories.action(outcome, "1.1.2", title="Recruit social_workers", due=date(2026, 11, 27))
        done = factories.action(other, "2.1.1", title="Train managers", state="complete", rag="complete")
        db.session.add(Requirement(plan_id=plan.id, number="IN 10", text="Reduce caseloads to a maximum of 20"))
        db.session.commit()
        ids = {"plan": plan.id, "late": late.id, "soon": soon.id, "done": done.id, "director": director.email,
               "lead": lead_user.email, "first": first.id}
        return ids


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_each_role_lands_on_the_page_that_answers_its_first_question(client, auth, app, world):
    with app.app_context():
        secretary = factories.user(Role.BOARD_SECRETARY).email
        viewer = factories.user(Role.VIEWER).email
    for email, landing in [
        (world["director"], "/director"),
        (world["lead"], "/my-actions"),
        (secretary, "/secretary"),
        (viewer, f"/plans/{world['plan']}/dashboard"),
    ]:
        auth.sign_in(email)
        assert client.get("/").location == landing
        auth.sign_out()


def test_the_director_home_shows_the_inbox_and_their_own_pillars_with_status_and_why(client, auth, world):
    auth.sign_in(world["director"])
    html = _text(client.get("/director"))
    assert "Escalated to you" in html and "Nothing needs your decision" in html
    assert "1. Front door" in html
    assert "2. Workforce" not in html  # not one of theirs
    assert "1 red" in html  # the overdue action makes the pillar Red, and the reason says so


def test_outstanding_updates_lists_open_actions_without_an_update_this_period_with_their_leads(app, world):
    with app.app_context():
        db.session.add(Update(action_id=world["soon"], period=date(2026, 11, 1), proposed_rag="green",
                              effective_rag="green", commentary="On track"))
        db.session.commit()
        plan = db.session.get(Plan, world["plan"])
        owed = sources.outstanding_updates(plan, sources.ReportingPeriod(date(2026, 10, 24), date(2026, 11, 23)))
    assert [(item.reference, item.lead_names) for item in owed] == [("1.1.1", ("Lynn Chesterton",))]


def test_the_secretary_home_shows_who_owes_an_update_and_links_the_next_meetings_pack(client, auth, app, world):
    with app.app_context():
        meeting = BoardMeeting(plan_id=world["plan"], meeting_date=date(2026, 11, 30), title="Improvement Board")
        db.session.add(meeting)
        db.session.commit()
        meeting_id = meeting.id
        secretary = factories.user(Role.BOARD_SECRETARY).email
    auth.sign_in(secretary)
    html = _text(client.get("/secretary"))
    assert "Improvement Board on 30 November 2026" in html
    assert "2 actions still owe an update" in html
    assert "Lynn Chesterton" in html
    assert f"/board/meetings/{meeting_id}" in html


def test_the_secretary_home_without_a_meeting_says_how_to_add_one(client, auth, app, world):
    with app.app_context():
        secretary = factories.user(Role.BOARD_SECRETARY).email
    auth.sign_in(secretary)
    assert "No board meeting is planned" in _text(client.get("/secretary"))


def test_the_dashboard_counts_by_rag_due_soon_and_links_what_changed_since_the_last_board(client, auth, app, world):
    with app.app_context():
        secretary = factories.user(Role.BOARD_SECRETARY)
        viewer = factories.user(Role.VIEWER).email
        meeting = BoardMeeting(plan_id=world["plan"], meeting_date=date(2026, 10, 26), title="October board")
        db.session.add(meeting)
        db.session.flush()
        plan = db.session.get(Plan, world["plan"])
        app.config["FIXED_TODAY"] = "2026-10-26"
        board_services.freeze_snapshot(plan=plan, meeting=meeting, actor=secretary)
        app.config["FIXED_TODAY"] = "2026-11-23"
        db.session.commit()
    auth.sign_in(viewer)
    html = _text(client.get(f"/plans/{world['plan']}/dashboard"))
    assert "compared with the last board’s snapshot of 26 October 2026" in html
    assert "1 due by 30 November 2026" in html  # 1.1.2 is due on the 27th
    assert "1 overdue" in html
    assert "Worse" in html and "(was Green)" in html
    assert f"/plans/{world['plan']}/dashboard/changes" in html

    changes = _text(client.get(f"/plans/{world['plan']}/dashboard/changes"))
    assert "Became overdue" in changes and "1.1.1 Audit 50% of referrals" in changes
    assert "2 November 2026" in changes  # its due date, on screen as a UK date


def test_the_dashboard_before_any_board_says_there_is_no_direction_yet(client, auth, app, world):
    with app.app_context():
        viewer = factories.user(Role.VIEWER).email
    auth.sign_in(viewer)
    html = _text(client.get(f"/plans/{world['plan']}/dashboard"))
    assert "No board snapshot has been frozen yet" in html
    assert "No earlier board" in html


@pytest.mark.parametrize(
    ("words", "found", "not_found"),
    [
        ("1.1.2", ["1.1.2 Recruit"], ["1.1.1 Audit"]),
        ("case files", ["1.1.1 Audit"], ["1.1.2 Recruit"]),
        ("chesterton", ["1.1.1 Audit", "Head of Safeguarding"], ["1.1.2 Recruit"]),
        ("50%", ["1.1.1 Audit"], ["1.1.2 Recruit", "2.1.1 Train"]),
        ("l_w", ["1.1.2 Recruit"], ["1.1.1 Audit"]),
        ("executive", ["Dana Director, Executive Director"], ["1.1.1 Audit"]),
        ("in 10", ["IN 10</a>: Reduce caseloads"], ["1.1.1 Audit"]),
        ("caseloads", ["IN 10</a>: Reduce caseloads"], ["Lynn Chesterton, Head"]),
    ],
)
def test_search_finds_actions_by_reference_words_and_lead_people_by_name_and_title_wildcards_taken_literally(
    client, auth, app, world, words, found, not_found
):
    with app.app_context():
        viewer = factories.user(Role.VIEWER).email
    auth.sign_in(viewer)
    html = _text(client.get("/search", query_string={"q": words}))
    for text in found:
        assert text in html
    for text in not_found:
        assert text not in html


def test_search_groups_results_with_counts_in_a_fixed_number_of_queries(client, auth, app, world):
    with app.app_context():
        viewer = factories.user(Role.VIEWER).email
    auth.sign_in(viewer)
    statements = []

    def count(*_args):
        statements.append(1)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        html = _text(client.get("/search?q=e"))
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert "Actions (3)" in html
    assert len(statements) <= 12  # sign-in lookup + six search statements + eager loads


def test_search_with_no_words_shows_an_error_linked_to_the_field_and_no_result_says_so(client, auth, app, world):
    with app.app_context():
        viewer = factories.user(Role.VIEWER).email
    auth.sign_in(viewer)
    empty = client.get("/search?q=+")
    assert empty.status_code == 400
    assert 'href="#q"' in _text(empty) and "Error: Search" in _text(empty)
    assert "No results for ‘zebra’" in _text(client.get("/search?q=zebra"))
    assert "There is a problem" not in _text(client.get("/search"))


def test_the_keep_alive_needs_the_csrf_token_and_a_signed_in_user(client, auth, world):
    assert client.post("/session/keep-alive").status_code in (302, 400)
    auth.sign_in(world["lead"])
    page = _text(client.get("/my-actions"))
    assert client.post("/session/keep-alive").status_code == 400
    response = client.post("/session/keep-alive", headers={"X-CSRFToken": csrf_from(page)})
    assert response.status_code == 200 and response.get_json()["idle_minutes"] > 0
