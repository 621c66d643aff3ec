"""The synthetic data generator behind ``flask demo generate`` and bench/."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from app.demo.generate import generate
from app.extensions import db
from app.models import Action, Person, Plan, action_leads
from app.models.escalations import Escalation
from app.models.updates import Update

TODAY = date(2026, 11, 23)


def test_generate_shares_the_actions_between_the_plans_with_leads_updates_and_escalations(app):
    made = generate(plans=3, actions=200, seed=5, password="correct horse battery staple", today=TODAY)
    db.session.commit()
    assert len(made.plan_ids) == 3
    per_plan = dict(db.session.execute(select(Action.plan_id, func.count()).group_by(Action.plan_id)).all())
    assert sorted(per_plan.values()) == [66, 67, 67]
    assert db.session.scalar(select(func.count()).select_from(Update)) == made.updates > 200
    assert db.session.scalar(select(func.count()).select_from(Escalation)) == made.escalations > 0
    overdue = db.session.scalar(select(func.count()).select_from(Action).where(Action.overdue_sql(TODAY)))
    assert 20 <= overdue <= 80  # about a fifth
    leads_per_action = db.session.scalar(select(func.count()).select_from(action_leads)) / 200
    assert leads_per_action > 1.2


def test_generate_twice_adds_a_second_set_of_plans_beside_the_first(app):
    generate(plans=1, actions=10, seed=1, password="correct horse battery staple", today=TODAY)
    generate(plans=1, actions=10, seed=1, password="correct horse battery staple", today=TODAY)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Plan)) == 2
    assert db.session.scalar(select(func.count()).select_from(Action)) == 20
    assert db.session.scalar(select(func.count()).select_from(Person)) == 40


def test_demo_generate_reports_what_it_made_and_the_busy_lead_can_sign_in(app, auth):
    result = app.test_cli_runner().invoke(
        args=["demo", "generate", "--actions", "30", "--password", "correct horse battery staple"]
    )
    assert result.exit_code == 0, result.output
    assert "30 actions" in result.output
    email = result.output.split("Busy delivery lead: ")[1].strip()
    assert auth.sign_in(email).status_code == 302


def test_demo_generate_exits_non_zero_with_one_line_when_there_are_fewer_actions_than_plans(app):
    result = app.test_cli_runner().invoke(args=["demo", "generate", "--plans", "5", "--actions", "3"])
    assert result.exit_code != 0
    assert result.output.strip().splitlines() == [
        "Error: Give at least one action per plan: --actions must be at least --plans"
    ]
    assert db.session.scalar(select(func.count()).select_from(Action)) == 0
