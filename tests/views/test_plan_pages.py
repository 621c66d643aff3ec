"""What each role sees on the plan pages, with statuses computed for a fixed day."""

from datetime import date

import pytest

from app.domain.roles import Role
from app.extensions import db
from tests import factories

TODAY = date(2026, 11, 23)


@pytest.fixture
def plan_world(app, client, auth):
    app.config["FIXED_TODAY"] = TODAY.isoformat()
    director = factories.person("Dana Director", job_title="Director of Children's Services")
    lead = factories.person("Lee Lead", job_title="Head of Service")
    plan = factories.plan("Safeguarding plan", organisation="Test Council")
    one = factories.pillar(plan, 1, "Leadership", leads=[director])
    two = factories.pillar(plan, 2, "Practice")
    o11 = factories.outcome(one, "1.1", "Leaders know the front line")
    o21 = factories.outcome(two, "2.1", "Assessments are timely")
    factories.action(o11, "1.1.1", due=date(2026, 11, 20), rag="green", leads=[lead], title="Overdue but said green")
    factories.action(o11, "1.1.2", due=date(2027, 1, 31), rag="green", leads=[lead], title="On track")
    factories.action(o11, "1.1.3", due=date(2026, 3, 31), rag="complete", state="complete", title="Done")
    factories.action(o21, "2.1.1", due=date(2027, 2, 1), rag="amber", title="At risk")
    factories.action(o21, "2.1.2", due=None, rag="not_started", state="not_started", title="Not yet")
    db.session.commit()
    viewer = factories.user(Role.VIEWER)
    auth.sign_in(viewer.email)
    return plan


def test_the_overview_shows_each_pillar_with_its_status_and_why(client, plan_world):
    body = client.get(f"/plans/{plan_world.id}").get_data(as_text=True)
    assert "1. Leadership" in body and "2. Practice" in body
    # Pillar 1: one overdue (red), one green, one complete -> red is 50% of open.
    assert "1 red, 1 green, 1 complete" in body
    assert "1 amber, 1 not started" in body
    assert "Dana Director" in body
    assert "1 overdue" in body


def test_an_overdue_action_shows_red_with_the_reason_whatever_was_proposed(client, plan_world):
    from app.models import Action

    action = db.session.query(Action).filter_by(reference="1.1.1").one()
    body = client.get(f"/actions/{action.id}").get_data(as_text=True)
    assert "Red" in body and "Overdue" in body
    assert "20 November 2026" in body
    assert "Lee Lead, Head of Service" in body


def test_the_pillar_page_lists_outcomes_with_their_actions(client, plan_world):
    body = client.get(f"/plans/{plan_world.id}/pillars/1").get_data(as_text=True)
    assert "Outcome 1.1: Leaders know the front line" in body
    for reference in ("1.1.1", "1.1.2", "1.1.3"):
        assert reference in body
    assert "2.1.1" not in body


@pytest.mark.parametrize(
    ("query", "expected", "absent"),
    [
        ({"overdue": "yes"}, ["1.1.1"], ["1.1.2", "2.1.1"]),
        ({"rag": "red"}, ["1.1.1"], ["1.1.2"]),
        ({"rag": "amber"}, ["2.1.1"], ["1.1.1"]),
        ({"pillar": "2"}, ["2.1.1", "2.1.2"], ["1.1.1"]),
        ({"state": "complete"}, ["1.1.3"], ["1.1.1"]),
        ({}, ["1.1.1", "1.1.2", "1.1.3", "2.1.1", "2.1.2"], []),
    ],
    ids=["overdue", "red includes overdue", "amber", "pillar 2", "complete", "no filter"],
)
def test_the_action_list_filters_are_kept_in_the_url(client, plan_world, query, expected, absent):
    response = client.get(f"/plans/{plan_world.id}/actions", query_string=query)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    for reference in expected:
        assert f">{reference}</a>" in body
    for reference in absent:
        assert f">{reference}</a>" not in body
    assert f"{len(expected)} action" in body


def test_the_action_list_filters_by_lead(client, plan_world):
    from app.models import Person

    lead = db.session.query(Person).filter_by(name="Lee Lead").one()
    body = client.get(f"/plans/{plan_world.id}/actions", query_string={"lead": lead.id}).get_data(as_text=True)
    assert ">1.1.1</a>" in body and ">1.1.2</a>" in body and ">2.1.1</a>" not in body


def test_a_bad_filter_is_explained_not_a_crash(client, plan_world):
    response = client.get(f"/plans/{plan_world.id}/actions", query_string={"rag": "purple", "lead": "abc"})
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "&#39;purple&#39; is not a RAG status" in body
    assert "&#39;abc&#39; is not a valid lead" in body


def test_requirements_show_coverage_and_mark_the_unanswered(client, plan_world):
    from app.models import Action, Requirement

    answered = Requirement(plan_id=plan_world.id, kind="improvement_notice", number="IN 1", text="Improve assessments")
    unanswered = Requirement(plan_id=plan_world.id, kind="ofsted_recommendation", number="OR 7", text="Audit files")
    db.session.add_all([answered, unanswered])
    action = db.session.query(Action).filter_by(reference="2.1.1").one()
    action.requirements.append(answered)
    db.session.commit()
    body = client.get(f"/plans/{plan_world.id}/requirements").get_data(as_text=True)
    assert "1 requirement is answered by no action: OR 7." in body
    assert body.count("Not answered") == 1
    assert ">2.1.1</a>" in body


def test_the_people_directory_lists_leads_with_job_titles_and_how_many_actions_they_lead(client, plan_world):
    from app.models import Person

    lead = db.session.query(Person).filter_by(name="Lee Lead").one()
    body = client.get(f"/plans/{plan_world.id}/people").get_data(as_text=True)
    assert "Lee Lead" in body and "Head of Service" in body
    # Two actions, one of them overdue, each count linking to the action list filtered to them.
    assert f"lead={lead.id}\">2 actions<" in body
    assert f"lead={lead.id}&amp;overdue=yes\">1 overdue<" in body
    assert "Dana Director" in body and "Pillar 1 (accountable)" in body


def test_the_demo_plan_pages_all_render(client, app, auth):
    from app.demo.loader import load_demo
    from app.models import Action

    plan = load_demo("demo password 123").plan
    db.session.commit()
    auth.sign_in("irene.fairbrother@example.org", "demo password 123")
    paths = [f"/plans/{plan.id}", f"/plans/{plan.id}/actions", f"/plans/{plan.id}/people",
             f"/plans/{plan.id}/requirements"]
    paths += [f"/plans/{plan.id}/pillars/{n}" for n in range(1, 7)]
    paths += [f"/actions/{a.id}" for a in db.session.query(Action).limit(10)]
    for path in paths:
        assert client.get(path).status_code == 200, path
