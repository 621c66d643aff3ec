"""Command-line interface: ``flask --app wsgi <group> <command>``.

Every command exits non-zero with one line that says what to fix.
"""

from __future__ import annotations

import click
from flask import Flask, current_app
from sqlalchemy import func, select

from app.domain.errors import ValidationFailed
from app.domain.roles import Role
from app.extensions import db
from app.models import Action, Outcome, Pillar, Plan


def fail(message: str) -> None:
    raise click.ClickException(message)


def register_cli(app: Flask) -> None:
    from app.imports.cli import register as register_import

    register_import(plan_group)
    from app.board.cli import export_command

    plan_group.add_command(export_command)
    app.cli.add_command(users_group)
    app.cli.add_command(plan_group)
    app.cli.add_command(demo_group)

    from app.indicators.cli import kpi_group

    app.cli.add_command(kpi_group)
    from app.escalations.cli import escalations_group, status_group

    app.cli.add_command(escalations_group)
    app.cli.add_command(status_group)
    from app.audit.cli import audit_group

    app.cli.add_command(audit_group)
    from app.outbox_cli import outbox_group

    app.cli.add_command(outbox_group)
    from app.backup_cli import backup_group

    app.cli.add_command(backup_group)
    from app.api.cli import tokens_group

    app.cli.add_command(tokens_group)


@click.group("users", help="Manage user accounts.")
def users_group() -> None:
    pass


@users_group.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", required=True, help=f"One of: {', '.join(r.value for r in Role)}")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_user_command(email: str, name: str, role: str, password: str) -> None:
    """Create a user who can sign in."""
    from app.auth.services import create_user

    try:
        user = create_user(email=email, name=name, role=role, password=password)
    except ValidationFailed as failure:
        db.session.rollback()
        fail("; ".join(failure.problems.values()))
    db.session.commit()
    click.echo(f"Created {user.email} ({Role(user.role).label}).")


@click.group("plan", help="Plans.")
def plan_group() -> None:
    pass


@plan_group.command("list")
def list_plans() -> None:
    """Print each plan's id, title and counts of pillars, outcomes and actions."""
    counts = {}
    for model in (Pillar, Outcome, Action):
        counts[model] = dict(
            db.session.execute(select(model.plan_id, func.count()).group_by(model.plan_id)).all()
        )
    plans = db.session.scalars(select(Plan).order_by(Plan.id)).all()
    if not plans:
        click.echo("No plans yet. Load the demo with: flask --app wsgi demo load")
        return
    click.echo(f"{'ID':>4}  {'Pillars':>7}  {'Outcomes':>8}  {'Actions':>7}  Title")
    for plan in plans:
        click.echo(
            f"{plan.id:>4}  {counts[Pillar].get(plan.id, 0):>7}  {counts[Outcome].get(plan.id, 0):>8}  "
            f"{counts[Action].get(plan.id, 0):>7}  {plan.title}"
        )


@click.group("demo", help="The demo plan.")
def demo_group() -> None:
    pass


@demo_group.command("load")
@click.option("--password", help="Password for the demo sign-ins (default: one kept in instance/).")
def load_demo_command(password: str | None) -> None:
    """Load the demo plan and one sign-in per role. Running it again changes nothing."""
    from app.demo.loader import demo_password, load_demo

    result = load_demo(password or demo_password(current_app.config["INSTANCE_DIR"]))
    db.session.commit()
    verb = "Loaded" if result.created else "Already loaded"
    click.echo(f"{verb}: {result.plan.title} (plan {result.plan.id}).")
    _print_sign_ins(result.sign_ins)


@demo_group.command("sign-ins")
def demo_sign_ins_command() -> None:
    """Print the demo's sign-ins again (the web process does so on start)."""
    from app.demo.loader import demo_password, load_demo

    result = load_demo(demo_password(current_app.config["INSTANCE_DIR"]))
    db.session.rollback()
    if result.created:
        fail("The demo plan is not loaded: run flask --app wsgi demo load")
    _print_sign_ins(result.sign_ins)


def _print_sign_ins(sign_ins) -> None:
    click.echo("")
    click.echo("Sign in at http://127.0.0.1:5000 as any of:")
    width = max(len(s.email) for s in sign_ins)
    for sign_in in sign_ins:
        click.echo(f"  {sign_in.role.label:<20} {sign_in.email:<{width}}  password: {sign_in.password}")
    click.echo("")


@demo_group.command("generate")
@click.option("--plans", type=click.IntRange(min=1), default=1, show_default=True)
@click.option("--actions", type=click.IntRange(min=1), required=True, help="Actions in all, shared between the plans.")
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--password", help="Password for the generated sign-ins (default: the demo password).")
def generate_demo_command(plans: int, actions: int, seed: int, password: str | None) -> None:
    """Generate synthetic plans in bulk, for benchmarks and load tests."""
    import time

    from app.demo.generate import generate
    from app.demo.loader import demo_password

    if actions < plans:
        fail("Give at least one action per plan: --actions must be at least --plans")
    started = time.perf_counter()
    result = generate(plans=plans, actions=actions, seed=seed,
                      password=password or demo_password(current_app.config["INSTANCE_DIR"]))
    db.session.commit()
    click.echo(f"Generated {len(result.plan_ids)} plan(s) (ids {result.plan_ids[0]}-{result.plan_ids[-1]}), "
               f"{result.actions} actions, {result.updates} updates, {result.escalations} escalations "
               f"in {time.perf_counter() - started:.1f} s.")
    click.echo(f"Busy delivery lead: {result.busy_lead_email}")
