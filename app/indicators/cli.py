"""``flask --app wsgi kpi import FILE`` and ``flask --app wsgi kpi show CODE [--period YYYY-MM]``."""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app import clock
from app.domain.errors import ValidationFailed
from app.domain.kpi import Unit, assess, format_value
from app.extensions import db
from app.indicators import parsing, queries, services
from app.models import Indicator, IndicatorValue, Plan


@click.group("kpi", help="Performance indicators.")
def kpi_group() -> None:
    pass


def _plan(plan_id: int | None) -> Plan:
    if plan_id is not None:
        plan = db.session.get(Plan, plan_id)
        if plan is None:
            raise click.ClickException(f"There is no plan {plan_id}: see `flask --app wsgi plan list`.")
        return plan
    plans = db.session.scalars(select(Plan).order_by(Plan.id).limit(2)).all()
    if not plans:
        raise click.ClickException("There is no plan yet: load one first, e.g. `flask --app wsgi demo load`.")
    if len(plans) > 1:
        raise click.ClickException("There is more than one plan: say which with --plan ID.")
    return plans[0]


@kpi_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--plan", "plan_id", type=int, help="The plan's id (needed when there is more than one).")
def import_command(file: Path, plan_id: int | None) -> None:
    """Import indicator definitions or values from a CSV or Excel file, all or nothing."""
    if not file.is_file():
        raise click.ClickException(f"{file} is not a file.")
    plan = _plan(plan_id)
    try:
        result = services.import_file(plan, file.name, file.read_bytes(), actor=None, today=clock.today())
    except ValidationFailed as failure:
        db.session.rollback()
        raise click.ClickException("Nothing imported: " + " ".join(
            message if message.endswith(".") else f"{message}." for message in failure.problems.values()
        )) from None  # fmt: skip
    db.session.commit()
    click.echo(result.describe())


@kpi_group.command("show")
@click.argument("code")
@click.option("--period", help="The month, like 2026-10 (default: the latest with a value).")
@click.option("--plan", "plan_id", type=int, help="The plan's id (needed when there is more than one).")
def show_command(code: str, period: str | None, plan_id: int | None) -> None:
    """Print an indicator's value, target in force, status, trend and the reason."""
    plan = _plan(plan_id)
    indicator = db.session.scalar(
        select(Indicator)
        .where(Indicator.plan_id == plan.id, func.lower(Indicator.code) == code.strip().lower())
        .options(selectinload(Indicator.targets), selectinload(Indicator.actions))
    )
    if indicator is None:
        raise click.ClickException(f"No indicator with the code “{code}” in {plan.title}.")
    month = None
    if period is not None:
        try:
            month = parsing.parse_period(period)
        except ValueError as error:
            raise click.ClickException(f"--period: {error}.") from None
    values = db.session.scalars(select(IndicatorValue).where(IndicatorValue.indicator_id == indicator.id)).all()
    series = queries.judge_series(indicator, values, month or clock.today())
    chosen = next((p for p in series if p.period == month), None) if month else (series[-1] if series else None)
    unit = indicator.unit_enum
    click.echo(f"{indicator.code}: {indicator.title}")
    if chosen is None:
        shown_month = month or parsing.month_start(clock.today())
        assessment = assess(indicator.rules, None, parsing.month_end(shown_month))
        click.echo(f"Period:  {parsing.month_label(shown_month)}")
        click.echo("Value:   No data")
        click.echo(f"Target:  {_target(assessment.target, unit)}")
        click.echo(f"Status:  {assessment.status.label}")
        click.echo("Trend:   No previous value")
        click.echo(f"Reason:  {assessment.reason}")
        return
    record = chosen.record
    parts = ""
    if record is not None and record.denominator is not None:
        parts = f" ({format_value(record.numerator, Unit.COUNT)} of {format_value(record.denominator, Unit.COUNT)})"
    previous = "" if chosen.previous is None else f" (previously {format_value(chosen.previous, unit)})"
    click.echo(f"Period:  {parsing.month_label(chosen.period)}")
    click.echo(f"Value:   {format_value(chosen.value, unit, empty='No data')}{parts}")
    click.echo(f"Target:  {_target(chosen.assessment.target, unit)}")
    click.echo(f"Status:  {chosen.assessment.status.label}")
    click.echo(f"Trend:   {chosen.trend.label}{previous}")
    click.echo(f"Reason:  {chosen.assessment.reason}")


def _target(target, unit: Unit) -> str:
    if target is None:
        return "No target set"
    upper = "" if target.upper is None else f" to {format_value(target.upper, unit)}"
    return f"{format_value(target.value, unit)}{upper} by {target.due.day} {target.due:%B %Y}"
