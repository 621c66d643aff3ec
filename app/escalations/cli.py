"""``flask --app wsgi escalations sweep`` and ``flask --app wsgi status recalc``."""

from __future__ import annotations

from datetime import date

import click
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import Plan


def _parse_day(value: str | None) -> date:
    if value is None:
        return clock.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.ClickException(f"--today must be a date like 2026-11-23, not {value!r}") from None


@click.group("escalations", help="The overdue escalation ladder.")
def escalations_group() -> None:
    pass


@escalations_group.command("sweep")
@click.option("--today", "today", help="Sweep as on this date (YYYY-MM-DD); default today in London.")
@click.option("--no-email", is_flag=True, help="Record notifications but send no digests.")
def sweep_command(today: str | None, no_email: bool) -> None:
    """Run the sweep now, for every plan, and print what it did."""
    from app.escalations.sweep import run_sweep
    from app.notifications.digest import send_digests

    day = _parse_day(today)
    counts = run_sweep(day)
    click.echo(f"Swept {counts.plans} plan{'s' if counts.plans != 1 else ''} for {day.isoformat()}.")
    click.echo(f"Raised {counts.raised_total} escalations: " + ", ".join(
        f"level {level}: {count}" for level, count in sorted(counts.raised.items())))
    click.echo(f"Resolved {counts.resolved}. Reminders {counts.reminders}. Notifications {counts.notifications}.")
    if not no_email:
        sent = send_digests(day)
        click.echo(f"Sent {sent['digests']} digests listing {sent['items']} items.")


_RULE_OPTIONS = {
    "reminder_days_before": "Remind leads this many working days before the due date.",
    "level1_overdue_days": "Level 1 when overdue by this many working days.",
    "level2_overdue_days": "Level 2 when overdue by this many working days.",
    "level2_consecutive_red_periods": "Level 2 when Red in this many periods in a row.",
    "level2_missing_update_days": "Level 2 when an update is this many working days past its deadline.",
    "level3_overdue_days": "Level 3 when overdue by this many working days.",
}


@escalations_group.command("rules")
@click.option("--plan", "plan_id", type=int, required=True, help="The plan's id.")
@click.option("--region", help="Whose bank holidays count: england-and-wales, scotland or northern-ireland.")
@click.option("--reminder-days-before", type=int, help=_RULE_OPTIONS["reminder_days_before"])
@click.option("--level1-overdue-days", type=int, help=_RULE_OPTIONS["level1_overdue_days"])
@click.option("--level2-overdue-days", type=int, help=_RULE_OPTIONS["level2_overdue_days"])
@click.option("--level2-consecutive-red-periods", type=int, help=_RULE_OPTIONS["level2_consecutive_red_periods"])
@click.option("--level2-missing-update-days", type=int, help=_RULE_OPTIONS["level2_missing_update_days"])
@click.option("--level3-overdue-days", type=int, help=_RULE_OPTIONS["level3_overdue_days"])
def rules_command(plan_id: int, region: str | None, **changes: int | None) -> None:
    """Show a plan's escalation ladder, or change it."""
    from dataclasses import asdict, replace

    from app.domain.working_days import WorkingCalendar

    plan = db.session.get(Plan, plan_id)
    if plan is None:
        raise click.ClickException(f"There is no plan {plan_id}: see `flask --app wsgi plan list`.")
    wanted = {name: value for name, value in changes.items() if value is not None}
    try:
        rules = replace(plan.escalation_rules, **wanted)
        if region is not None:
            plan.region = WorkingCalendar(region).region
    except ValueError as problem:
        raise click.ClickException(f"{problem}.") from None
    for name, value in asdict(rules).items():
        setattr(plan, name, value)
    db.session.commit()
    click.echo(f"Plan {plan.id}: bank holidays of {plan.region}.")
    for name, value in asdict(rules).items():
        click.echo(f"  {name.replace('_', ' ')}: {value}")


@click.group("status", help="Outcome, pillar and plan status.")
def status_group() -> None:
    pass


@status_group.command("recalc")
@click.option("--plan", "plan_id", type=int, help="Only this plan (its id).")
def recalc_command(plan_id: int | None) -> None:
    """Recalculate the stored statuses now."""
    from app.plans.status import recalculate

    if plan_id is not None and db.session.scalar(select(Plan.id).where(Plan.id == plan_id)) is None:
        raise click.ClickException(f"There is no plan {plan_id}: see `flask --app wsgi plan list`.")
    result = recalculate(clock.today(), [plan_id] if plan_id is not None else None)
    db.session.commit()
    click.echo(
        f"Recalculated {result['plans']} plans, {result['pillars']} pillars and {result['outcomes']} outcomes."
    )
