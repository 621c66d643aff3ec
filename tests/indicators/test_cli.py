"""`flask kpi import FILE` and `flask kpi show CODE`: one line to fix when anything is wrong."""

from datetime import date

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Indicator, IndicatorValue
from tests import factories, indicator_factories


@pytest.fixture
def plan(app):
    made = factories.plan()
    db.session.commit()
    return made


def _run(app, *args):
    return app.test_cli_runner().invoke(args=["kpi", *args])


def test_definitions_then_values_are_imported_from_files_told_apart_by_their_headings(app, plan, tmp_path):
    definitions = tmp_path / "defs.csv"
    definitions.write_text("code,title,unit,polarity,targets\nNI 59,Initial assessments,%,higher,64 by 2026-10-31\n")
    values = tmp_path / "values.csv"
    values.write_text(
        "code,period,value,numerator,denominator,commentary\nNI 59,2026-09,,29,50,\nNI 59,2026-10,61,,,\n"
    )

    first = _run(app, "import", str(definitions))
    second = _run(app, "import", str(values))

    assert first.exit_code == 0 and first.output == "Imported 1 indicator definitions: 1 new, 0 updated.\n"
    assert second.exit_code == 0 and second.output == "Imported 2 values: 2 new, 0 updated.\n"
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(IndicatorValue)) == 2


def test_a_bad_import_exits_non_zero_with_one_line_and_changes_nothing(app, plan, tmp_path):
    values = tmp_path / "values.csv"
    values.write_text("code,period,value\nNI 59,2026-10,61\nNI 60,2026-10,x\n")

    result = _run(app, "import", str(values))

    assert result.exit_code == 1
    assert result.output.count("\n") == 1
    assert result.output == (
        "Error: Nothing imported: Row 2: no indicator with the code “NI 59” in this plan. "
        "Row 3: no indicator with the code “NI 60” in this plan; The value “x” is not a number.\n"
    )
    assert db.session.scalar(select(func.count()).select_from(Indicator)) == 0


def test_import_of_a_missing_file_says_so(app, plan, tmp_path):
    result = _run(app, "import", str(tmp_path / "nope.csv"))

    assert result.exit_code == 1 and result.output == f"Error: {tmp_path / 'nope.csv'} is not a file.\n"


@pytest.fixture
def ni59(plan):
    made = indicator_factories.indicator(
        plan, targets=[(60, date(2026, 3, 31)), (64, date(2026, 10, 31))], values={"2026-09": 58, "2026-10": 61}
    )
    db.session.commit()
    return made


def test_show_prints_the_latest_value_target_status_trend_and_reason(app, ni59):
    result = _run(app, "show", "ni 59")

    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "NI 59: % of initial assessments carried out within 7 working days of referral",
        "Period:  October 2026",
        "Value:   61.0%",
        "Target:  64.0% by 31 October 2026",
        "Status:  Warning",
        "Trend:   Improving (previously 58.0%)",
        "Reason:  below the 64% target due October 2026; within 5 points",
    ]


def test_show_prints_a_month_asked_for_and_unknown_when_it_has_no_value(app, ni59):
    september = _run(app, "show", "NI 59", "--period", "2026-09")
    march = _run(app, "show", "NI 59", "--period", "2026-03")

    assert "Status:  Alert" in september.output and "Trend:   No previous value" in september.output
    assert march.exit_code == 0
    assert march.output.splitlines()[1:] == [
        "Period:  March 2026",
        "Value:   No data",
        "Target:  60.0% by 31 March 2026",
        "Status:  Unknown",
        "Trend:   No previous value",
        "Reason:  no value for this period",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["show", "NI 99"], "Error: No indicator with the code “NI 99” in Test improvement plan.\n"),
        (["show", "NI 59", "--period", "13/2026"],
         "Error: --period: “13/2026” is not a month: write it like 2026-10 or October 2026.\n"),
        (["show", "NI 59", "--plan", "999"], "Error: There is no plan 999: see `flask --app wsgi plan list`.\n"),
    ],
)  # fmt: skip
def test_show_exits_non_zero_with_one_line_saying_what_to_fix(app, ni59, args, message):
    result = _run(app, *args)

    assert (result.exit_code, result.output) == (1, message)


def test_with_two_plans_the_plan_must_be_named(app, ni59):
    factories.plan("Another plan")
    db.session.commit()

    result = _run(app, "show", "NI 59")

    assert (result.exit_code, result.output) == (1, "Error: There is more than one plan: say which with --plan ID.\n")
    assert _run(app, "show", "NI 59", "--plan", str(ni59.plan_id)).exit_code == 0
