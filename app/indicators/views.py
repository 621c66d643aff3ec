"""Indicator pages: the list with sparklines, one indicator with its chart, value entry, import."""

from __future__ import annotations

from collections import defaultdict

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import clock
from app.domain.errors import ValidationFailed
from app.domain.kpi import Unit, format_value
from app.extensions import db
from app.indicators import charts, queries, services
from app.indicators.forms import ImportForm, ValueForm
from app.indicators.parsing import month_label, month_start, previous_month
from app.models import Indicator, Plan
from app.policy import Permission, requires

bp = Blueprint("indicators", __name__)

_ENTRY_MONTHS = 24


@bp.app_template_filter("sentence")
def sentence(text: str) -> str:
    """A reason as a sentence: its first letter capital, the rest (month names too) as written."""
    return text[:1].upper() + text[1:]


@bp.app_template_global("indicator_alerts")
def indicator_alerts(plan: Plan) -> list[queries.Summary]:
    """For the plan overview's panel, so the page that includes it needs no change."""
    return queries.alerting_indicators(plan, clock.today())


def _plan_or_404(plan_id: int) -> Plan:
    plan = db.session.get(Plan, plan_id)
    if plan is None:
        abort(404)
    return plan


@bp.route("/plans/<int:plan_id>/indicators")
@requires(Permission.VIEW_PLAN)
def index(plan_id: int):
    plan = _plan_or_404(plan_id)
    summaries = queries.plan_indicators(plan, clock.today())
    sparklines = {
        s.indicator.id: charts.sparkline(
            s.indicator.code,
            [(p.period, p.value) for p in s.series[-12:]],
            s.indicator.unit_enum,
            f"spark-{s.indicator.id}",
        )
        for s in summaries
    }
    return render_template("indicators/index.html", plan=plan, summaries=summaries, sparklines=sparklines)


@bp.route("/indicators/<int:indicator_id>")
@requires(Permission.VIEW_PLAN)
def indicator(indicator_id: int):
    summary = queries.indicator_detail(indicator_id, clock.today())
    if summary is None:
        abort(404)
    indicator = summary.indicator
    per_period: dict[str, dict] = defaultdict(dict)
    single = []
    for comparator in indicator.comparators:
        if comparator.period is None:
            single.append(comparator)
        else:
            per_period[comparator.name][comparator.period] = comparator.value
    chart = charts.line_chart(charts.chart_for(summary, dict(per_period)), f"chart-{indicator.id}")
    return render_template(
        "indicators/indicator.html",
        plan=indicator.plan,
        summary=summary,
        indicator=indicator,
        chart=chart,
        comparator_series=dict(per_period),
        single_comparators=single,
        format_value=format_value,
        month_label=month_label,
        target_text=queries.target_text(indicator),
        count_unit=Unit.COUNT,
    )


def _indicator_or_404(indicator_id: int) -> Indicator:
    indicator = db.session.scalar(
        select(Indicator).where(Indicator.id == indicator_id).options(selectinload(Indicator.plan))
    )
    if indicator is None:
        abort(404)
    return indicator


@bp.route("/indicators/<int:indicator_id>/values", methods=["GET", "POST"])
@requires(Permission.ENTER_INDICATOR_VALUES)
def enter_value(indicator_id: int):
    indicator = _indicator_or_404(indicator_id)
    today = clock.today()
    form = ValueForm()
    month, choices = month_start(today), []
    for _ in range(_ENTRY_MONTHS):
        choices.append((month.strftime("%Y-%m"), month_label(month)))
        month = previous_month(month)
    form.period.choices = choices
    if not form.is_submitted():
        form.period.data = choices[1][0]  # last month: the one usually being reported
    status = 200
    if form.validate_on_submit():
        try:
            record = services.record_value(
                indicator,
                period=form.period.data,
                value=form.value.data,
                numerator=form.numerator.data,
                denominator=form.denominator.data,
                commentary=form.commentary.data,
                actor=current_user,
                today=today,
            )
        except ValidationFailed as failure:
            db.session.rollback()
            for name, message in failure.problems.items():
                getattr(form, name, form.value).errors.append(message)
            status = 400
        else:
            shown = format_value(record.value, indicator.unit_enum, empty="no data")
            db.session.commit()
            flash(f"{indicator.code} for {month_label(record.period)} saved: {shown}.", "success")
            return redirect(url_for("indicators.indicator", indicator_id=indicator.id))
    elif form.errors:
        status = 400
    return render_template("indicators/enter_value.html", plan=indicator.plan, indicator=indicator, form=form), status


@bp.route("/plans/<int:plan_id>/indicators/import", methods=["GET", "POST"])
@requires(Permission.ENTER_INDICATOR_VALUES)
def import_file(plan_id: int):
    plan = _plan_or_404(plan_id)
    form = ImportForm()
    problems: list[str] = []
    status = 200
    if form.validate_on_submit():
        upload = form.file.data
        try:
            result = services.import_file(
                plan,
                upload.filename or "upload.csv",
                # One byte over the limit is enough for the service to refuse it.
                upload.read(services.MAX_IMPORT_BYTES + 1),
                actor=current_user,
                today=clock.today(),
            )
        except ValidationFailed as failure:
            db.session.rollback()
            file_problem = failure.problems.pop("file", None)
            if file_problem:
                form.file.errors.append(file_problem)
            else:
                form.file.errors.append(
                    f"{len(failure.problems)} row{'s' if len(failure.problems) > 1 else ''} "
                    "could not be imported; nothing was changed. Correct the rows listed below and try again"
                )
            problems = list(failure.problems.values())
            status = 400
        else:
            db.session.commit()
            flash(result.describe(), "success")
            return redirect(url_for("indicators.index", plan_id=plan.id))
    elif form.errors:
        status = 400
    return render_template("indicators/import.html", plan=plan, form=form, problems=problems), status
