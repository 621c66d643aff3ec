from sqlalchemy import select

from app.extensions import db
from app.models import User


def test_users_create_makes_a_user_who_can_sign_in(app, auth):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "--email", "Lead@Example.org", "--name", "Lee Lead", "--role", "delivery_lead",
              "--password", "a long passphrase"]
    )
    assert result.exit_code == 0, result.output
    assert "Created lead@example.org (Delivery lead)." in result.output
    assert auth.sign_in("lead@example.org", "a long passphrase").status_code == 302


def test_users_create_prompts_for_the_password_when_not_given(app):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "--email", "p@example.org", "--name", "P", "--role", "viewer"],
        input="a long passphrase\na long passphrase\n",
    )
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User).where(User.email == "p@example.org")) is not None


def test_users_create_exits_non_zero_with_one_line_saying_what_to_fix(app):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "--email", "x@example.org", "--name", "X", "--role", "wizard", "--password", "a long passphrase"]
    )
    assert result.exit_code != 0
    assert "'wizard' is not a role: choose one of administrator" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert db.session.scalar(select(User).where(User.email == "x@example.org")) is None


def test_plan_list_prints_each_plan_with_its_counts(app):
    from app.demo.loader import load_demo

    empty = app.test_cli_runner().invoke(args=["plan", "list"])
    assert "No plans yet" in empty.output
    plan = load_demo("demo password 123").plan
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["plan", "list"])
    assert result.exit_code == 0
    line = next(line for line in result.output.splitlines() if plan.title in line)
    assert line.split()[:4] == [str(plan.id), "6", str(len({o.id for p in plan.pillars for o in p.outcomes})), str(
        sum(len(o.actions) for p in plan.pillars for o in p.outcomes))]
