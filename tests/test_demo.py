"""The demo plan: realistic, complete, and loading it twice changes nothing."""

from sqlalchemy import func, select

from app.demo.loader import load_demo
from app.domain.roles import Role
from app.extensions import db
from app.models import Action, Outcome, Person, Pillar, Plan, Requirement, User, action_requirements


def _counts() -> dict[str, int]:
    return {
        model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
        for model in (Plan, Pillar, Outcome, Action, Person, Requirement, User)
    } | {"links": db.session.scalar(select(func.count()).select_from(action_requirements))}


def test_the_demo_holds_the_six_pillars_and_at_least_forty_real_actions(app):
    result = load_demo("demo password 123")
    db.session.commit()
    counts = _counts()
    assert counts["pillars"] == 6
    assert counts["actions"] >= 40
    assert counts["requirements"] >= 30
    assert counts["links"] >= 40
    titles = db.session.scalars(select(Pillar.title).order_by(Pillar.number)).all()
    assert len(set(titles)) == 6
    action = db.session.scalar(select(Action).where(Action.plan_id == result.plan.id, Action.reference == "1.1.2"))
    assert action is not None and action.delivery_leads and action.timescale
    kinds = set(db.session.scalars(select(Requirement.kind)))
    assert kinds == {"improvement_notice", "ofsted_recommendation"}


def test_the_demo_has_a_sign_in_for_every_role_but_the_performance_officer(app):
    result = load_demo("demo password 123")
    db.session.commit()
    roles = {sign_in.role for sign_in in result.sign_ins}
    assert roles >= {Role.ADMINISTRATOR, Role.DIRECTOR, Role.DELIVERY_LEAD, Role.BOARD_SECRETARY, Role.VIEWER}
    lead = next(s for s in result.sign_ins if s.role is Role.DELIVERY_LEAD)
    person = db.session.scalar(select(Person).where(Person.email == lead.email))
    assert person.user is not None and person.led_actions


def test_the_demo_uses_fictional_names_not_the_real_officers(app):
    load_demo("demo password 123")
    db.session.commit()
    names = set(db.session.scalars(select(Person.name)))
    for real in ("Malcolm Newsam", "Dana Reid", "Priya Shah", "Tom Okafor", "Jane Held"):
        assert real not in names


def test_loading_the_demo_twice_changes_nothing(app):
    first = load_demo("demo password 123")
    db.session.commit()
    before = _counts()
    second = load_demo("demo password 123")
    db.session.commit()
    assert first.created and not second.created
    assert _counts() == before
    assert [s.email for s in first.sign_ins] == [s.email for s in second.sign_ins]


def test_the_demo_loads_through_the_command_line_and_prints_a_sign_in_per_role(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "load", "--password", "demo password 123"])
    assert result.exit_code == 0, result.output
    assert "Loaded: " in result.output
    for label in ("Administrator", "Director", "Delivery lead", "Board secretary", "Viewer"):
        assert label in result.output
    again = runner.invoke(args=["demo", "load", "--password", "demo password 123"])
    assert again.exit_code == 0
    assert "Already loaded" in again.output


def test_the_demo_has_three_months_of_updates_from_its_leads_and_loading_again_adds_none(app):
    from datetime import date

    from app.models import Update

    load_demo("demo password 123", today=date(2026, 11, 23))
    db.session.commit()
    periods = set(db.session.scalars(select(Update.period)))
    assert periods == {date(2026, 8, 1), date(2026, 9, 1), date(2026, 10, 1)}
    count = db.session.scalar(select(func.count(Update.id)))
    assert count >= 40
    assert db.session.scalar(select(func.count(Update.id)).where(Update.author_user_id.is_not(None))) > 0
    load_demo("demo password 123", today=date(2026, 11, 23))
    db.session.commit()
    assert db.session.scalar(select(func.count(Update.id))) == count
