"""The long pages a page at a time: the next rows on page 2, filters kept in the page links,
a page number out of range is a 404, and who may see what is unchanged."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest

from app.domain.roles import Role
from app.escalations.sweep import run_sweep
from app.extensions import db
from app.models import Action
from tests import factories

TODAY = date(2026, 11, 23)


@pytest.fixture
def paged(app, client, auth):
    """Pillar 1 (Dana's): outcome 1.1 with three actions, 1.2 with two, and one action with no
    outcome; pillar 2 (Otto's) with one. Lee leads five open actions of pillar 1 and a complete one."""
    app.config["FIXED_TODAY"] = TODAY.isoformat()
    for name in ("PILLAR_ACTIONS_PER_PAGE", "MY_ACTIONS_PER_PAGE", "ESCALATIONS_PER_PAGE", "PEOPLE_PER_PAGE",
                 "CHANGES_PER_PAGE"):
        app.config[name] = 2
    director_user = factories.user(Role.DIRECTOR, email="dana@example.org")
    other_user = factories.user(Role.DIRECTOR, email="otto@example.org")
    lead_user = factories.user(Role.DELIVERY_LEAD, email="lee@example.org")
    dana = factories.person("Dana Director", user=director_user)
    otto = factories.person("Otto Other", user=other_user)
    lee = factories.person("Lee Lead", user=lead_user)
    olu = factories.person("Olu Other")
    plan = factories.plan()
    one = factories.pillar(plan, 1, "Leadership", leads=[dana])
    two = factories.pillar(plan, 2, "Practice", leads=[otto])
    o11 = factories.outcome(one, "1.1", "Leaders know the front line")
    o12 = factories.outcome(one, "1.2", "Managers audit casework")
    o21 = factories.outcome(two, "2.1")
    # Added after the day the tests sweep on, so they owe no earlier update (see tests/ladder.py).
    added = {"created_at": datetime(2027, 6, 1)}
    factories.action(o11, "1.1.1", due=date(2026, 10, 1), leads=[lee], position=1, **added)  # overdue
    factories.action(o11, "1.1.2", due=date(2027, 3, 1), leads=[lee], position=2, **added)
    factories.action(o11, "1.1.3", due=date(2026, 11, 2), leads=[lee], position=3, **added)  # overdue
    factories.action(o12, "1.2.1", due=date(2027, 1, 1), leads=[lee], position=4, **added)
    factories.action(o12, "1.2.2", due=date(2027, 2, 1), leads=[lee], position=5, **added)
    factories.action(o12, "1.2.3", due=date(2026, 9, 1), leads=[lee], state="complete", rag="complete",
                     position=6, **added)
    db.session.add(Action(plan_id=plan.id, pillar=one, outcome=None, reference="1.9.9", title="Loose end",
                          due_date=date(2027, 5, 1), rag="amber", state="in_progress", position=0,
                          delivery_leads=[olu], **added))
    factories.action(o21, "2.1.1", due=date(2026, 10, 1), leads=[olu], **added)
    db.session.commit()
    return {"plan": plan.id, "director": director_user.email, "other_director": other_user.email,
            "lead": lead_user.email}


def _refs(body: str) -> list[str]:
    """Action references linked on the page, in order."""
    return re.findall(r'href="/actions/\d+">(\d+\.\d+\.\d+)</a>', body)


def _my_refs(body: str) -> list[str]:
    """The references of the actions listed on My actions, in order."""
    return re.findall(r'href="/actions/\d+">(\d+\.\d+\.\d+) ', body)


def _next_link(body: str) -> str:
    """Where the GOV.UK pagination's "Next" link goes."""
    found = re.search(r'<div class="govuk-pagination__next">\s*<a class="[^"]*" href="([^"]+)"', body)
    assert found, "no Next link"
    return found.group(1).replace("&amp;", "&")


def _get(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def test_the_pillar_page_shows_its_outcomes_then_a_page_of_actions_outcome_by_outcome(client, auth, paged):
    auth.sign_in(factories.user(Role.VIEWER).email)
    base = f"/plans/{paged['plan']}/pillars/1"
    first, second, third = (_get(client, f"{base}?page={n}") for n in (1, 2, 3))

    assert _refs(first) == ["1.1.1", "1.1.2"]
    assert _refs(second) == ["1.1.3", "1.2.1"]
    assert _refs(third) == ["1.2.2", "1.2.3"]
    assert _refs(_get(client, f"{base}?page=4")) == ["1.9.9"]
    # Each page heads its runs with their outcome; the outcome table is on every page.
    assert '<h3 class="govuk-heading-s">Outcome 1.1: Leaders know the front line</h3>' in second
    assert '<h3 class="govuk-heading-s">Outcome 1.2: Managers audit casework</h3>' in second
    for body in (first, second, third):
        assert "Showing" in body and "of 7 actions" in body
        assert "Actions with no outcome" in body  # in the outcome table, with its status
    # The action with no outcome has a row of its own, rolled up on its own.
    assert re.search(r"Actions with no outcome</a></th>\s*<td[^>]*>.*?1 amber</span>", first, re.S)
    assert _next_link(first) == f"{base}?page=2#actions"  # the GOV.UK pagination, back to the list


def test_an_outcome_chosen_stays_in_the_page_links_and_page_two_shows_its_next_actions(client, auth, paged):
    auth.sign_in(factories.user(Role.VIEWER).email)
    base = f"/plans/{paged['plan']}/pillars/1"
    first = _get(client, f"{base}?outcome=1.1")
    assert _refs(first) == ["1.1.1", "1.1.2"]
    assert "Actions for outcome 1.1" in first
    following = _next_link(first)
    assert "outcome=1.1" in following and "page=2" in following and following.endswith("#actions")
    assert _refs(_get(client, following)) == ["1.1.3"]
    assert _refs(_get(client, f"{base}?outcome=none")) == ["1.9.9"]


def test_my_actions_are_overdue_first_and_the_overdue_filter_stays_in_the_page_links(client, auth, paged):
    auth.sign_in(paged["lead"])
    pages = [_my_refs(_get(client, f"/my-actions?page={n}")) for n in (1, 2, 3)]
    # Soonest due first, so the overdue ones lead; the complete one and Olu's are on no page.
    assert pages == [["1.1.1", "1.1.3"], ["1.2.1", "1.2.2"], ["1.1.2"]]
    assert client.get("/my-actions?page=4").status_code == 404

    overdue = _get(client, "/my-actions?overdue=yes")
    assert _my_refs(overdue) == ["1.1.1", "1.1.3"]
    assert 'id="filter-overdue" name="overdue" type="checkbox" value="yes" checked' in overdue
    client.application.config["MY_ACTIONS_PER_PAGE"] = 1
    following = _next_link(_get(client, "/my-actions?overdue=yes"))
    assert "overdue=yes" in following and "page=2" in following
    assert _my_refs(_get(client, following)) == ["1.1.3"]


@pytest.fixture
def escalated(paged):
    """Level 2 escalations (overdue 5 to 14 working days) on three of Dana's actions and one of Otto's."""
    plan_id = paged["plan"]
    outcome = db.session.scalar(db.select(Action).where(Action.reference == "1.2.1")).outcome
    for n in (1, 2, 3):
        factories.action(outcome, f"1.2.{n + 10}", due=date(2026, 11, 10 + n), title=f"Late {n}",
                         created_at=datetime(2027, 6, 1))
    db.session.scalar(db.select(Action).where(Action.reference == "2.1.1")).due_date = date(2026, 11, 12)
    db.session.scalar(db.select(Action).where(Action.reference == "1.1.1")).due_date = date(2027, 1, 1)
    db.session.scalar(db.select(Action).where(Action.reference == "1.1.3")).due_date = date(2027, 1, 1)
    db.session.commit()
    run_sweep(TODAY, [plan_id])
    return paged


def test_the_inbox_shows_the_next_escalations_on_page_two_and_never_another_directors(client, auth, escalated):
    auth.sign_in(escalated["director"])
    first, second = _get(client, "/escalations/inbox"), _get(client, "/escalations/inbox?page=2")
    assert "3 escalations on your pillars" in first and "showing 1 to 2" in first
    # The longest waiting first: 1.2.11 was due first.
    assert "1.2.11 Late 1" in first and "1.2.12 Late 2" in first and "Late 3" not in first
    assert "1.2.13 Late 3" in second and "Late 1" not in second
    assert "2.1.1" not in first + second
    assert client.get("/escalations/inbox?page=3").status_code == 404

    auth.sign_out()
    auth.sign_in(escalated["other_director"])
    assert "2.1.1" in _get(client, "/escalations/inbox") and "Late" not in _get(client, "/escalations/inbox")


def test_a_lead_or_viewer_asking_for_a_later_page_of_the_inbox_is_refused(client, auth, escalated):
    auth.sign_in(escalated["lead"])
    assert client.get("/escalations/inbox?page=2").status_code == 403
    auth.sign_out()
    auth.sign_in(factories.user(Role.VIEWER).email)
    assert client.get("/escalations/inbox?page=2").status_code == 403


def test_the_directors_home_shows_their_first_escalations_and_links_the_inbox_for_the_rest(
    client, auth, app, escalated
):
    app.config["DIRECTOR_HOME_ESCALATIONS"] = 2
    auth.sign_in(escalated["director"])
    html = _get(client, "/director")
    assert "3 escalations on your pillars" in html
    assert "The first 2 open escalations" in html and "Late 3" not in html
    assert 'href="/escalations/inbox">See all 3 escalations in your inbox' in html


def test_the_people_page_shows_the_next_people_by_name_on_page_two(client, auth, paged):
    auth.sign_in(factories.user(Role.VIEWER).email)
    base = f"/plans/{paged['plan']}/people"
    first, second = _get(client, base), _get(client, f"{base}?page=2")
    names = re.compile(r'<th scope="row" class="govuk-table__header">([^<]+)</th>')
    assert names.findall(first) == ["Dana Director", "Lee Lead"]
    assert names.findall(second) == ["Olu Other", "Otto Other"]
    assert "Showing 1 to 2 of 4 people" in first
    # Lee leads six actions of the plan, two of them overdue; Olu two, one overdue.
    assert ">6 actions<" in first and ">2 overdue<" in first
    assert ">2 actions<" in second and ">1 overdue<" in second
    assert "Pillar 2 (accountable)" in second


def test_what_changed_since_the_last_board_shows_the_next_changes_on_page_two(client, auth, app, paged):
    from app.board import services as board_services
    from app.models import BoardMeeting, Plan

    plan = db.session.get(Plan, paged["plan"])
    meeting = BoardMeeting(plan_id=plan.id, meeting_date=date(2026, 9, 28), title="September board")
    db.session.add(meeting)
    db.session.flush()
    app.config["FIXED_TODAY"] = "2026-09-28"
    board_services.freeze_snapshot(plan=plan, meeting=meeting, actor=factories.user(Role.BOARD_SECRETARY))
    app.config["FIXED_TODAY"] = TODAY.isoformat()
    db.session.commit()
    auth.sign_in(factories.user(Role.VIEWER).email)
    base = f"/plans/{paged['plan']}/dashboard/changes"
    first, second = _get(client, base), _get(client, f"{base}?page=2")
    # Since 28 September: 1.1.1, 1.1.3 and 2.1.1 became overdue (Red, and overdue), 1.2.3 was already complete.
    assert "Showing 1 to 2 of 6 changes" in first
    rows = re.compile(r'<td class="govuk-table__cell">(RAG changed|Became overdue)</td>')
    assert rows.findall(first) == ["RAG changed", "RAG changed"]
    assert rows.findall(second) == ["RAG changed", "Became overdue"]
    assert "1 October 2026" in _get(client, f"{base}?page=3")  # a due date on screen, in UK form
    assert client.get(f"{base}?page=4").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/plans/{plan}/pillars/1?page=5",
        "/plans/{plan}/pillars/1?page=0",
        "/plans/{plan}/pillars/1?page=two",
        "/plans/{plan}/pillars/1?outcome=7.7",
        "/plans/{plan}/pillars/1?outcome=1.1&page=3",
        "/plans/{plan}/people?page=3",
        "/my-actions?page=-1",
        "/escalations/inbox?page=2",
        "/plans/{plan}/dashboard/changes?page=2",
    ],
)
def test_a_page_number_out_of_range_or_an_unknown_outcome_is_a_404(client, auth, paged, path):
    auth.sign_in(factories.user(Role.ADMINISTRATOR).email)
    response = client.get(path.format(plan=paged["plan"]))
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_page_one_of_an_empty_list_is_an_empty_page_not_an_error(client, auth, paged):
    auth.sign_in(factories.user(Role.ADMINISTRATOR).email)
    assert "Nothing needs your decision" in _get(client, "/escalations/inbox")
    assert "Changes appear here once" in _get(client, f"/plans/{paged['plan']}/dashboard/changes")
