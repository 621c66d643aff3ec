"""``flask --app wsgi plan import FILE``: exit status, report, and nothing changed when refused."""

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Action, Plan
from tests import factories
from tests.imports import workbooks as wb
from tests.imports.test_apply import counts
from tests.imports.test_reader import PNG


def _run(app, *args):
    return app.test_cli_runner().invoke(args=["plan", "import", *map(str, args)])


def test_importing_the_sample_plan_exits_zero_with_a_summary(app, tmp_path):
    path = tmp_path / "peterborough.xlsx"
    path.write_bytes(wb.peterborough_workbook())
    result = _run(app, path, "--plan-title", "Safeguarding Improvement Plan")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "Warning: Row 12: 1.1.1 has no due date: 31.02.12 is not a real date" in lines
    assert lines[-4:-2] == [
        f"Created plan {db.session.scalar(select(Plan.id))}: Safeguarding Improvement Plan",
        "Actions: 17 added, 0 updated; 2 pillars and 7 outcomes added",
    ]
    assert lines[-2].startswith("People added (9): Malcolm Newsam, Sue Westcott")
    assert lines[-1].startswith("Requirements added without their wording (13): IN 10, IN 12, OR 1")


def test_a_dry_run_shows_the_report_and_changes_nothing(app, tmp_path):
    path = tmp_path / "cqc.xlsx"
    path.write_bytes(wb.nhs_tracker())
    result = _run(app, path, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "  Key action -> Action" in result.output
    assert "Found 2 pillars, 0 outcomes, 5 actions, 4 people" in result.output
    assert result.output.splitlines()[-1] == "Dry run: nothing changed. Would import into 'Northshire NHS Foundation Trust'."
    assert counts() == dict.fromkeys(counts(), 0)


def test_the_sheet_option_reads_the_named_sheet(app, tmp_path):
    path = tmp_path / "peterborough.xlsx"
    path.write_bytes(wb.peterborough_workbook())
    result = _run(app, path, "--sheet", "Leads and job titles", "--dry-run")
    assert result.exit_code != 0
    assert result.output.splitlines()[-1] == "Error: Not imported: 1 errors above; fix the file and import it again"


def test_strict_refuses_warnings(app, tmp_path):
    path = tmp_path / "cqc.xlsx"
    path.write_bytes(wb.nhs_tracker())
    result = _run(app, path, "--strict")
    assert result.exit_code != 0
    assert "Warning: Row 9: 2.1 has no due date: 30th Nov has no year" in result.output
    assert result.output.splitlines()[-1] == "Error: Not imported: 2 warnings (--strict) above; fix the file and import it again"
    assert db.session.scalar(select(Action.id)) is None


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("plan.xlsx", PNG, "Error: plan.xlsx is not an Excel workbook Pillar can read (BadZipFile)"),
        ("plan.xlsx", b"", "Error: plan.xlsx is empty"),
        ("plan.csv", b"Our plan\nDo things, soon\n", "Error: File: No header row found in the first 30 rows"),
        ("dup.xlsx", None, "Error: Row 18: Reference 1.2.1 is used twice (rows 17 and 18): give each action its own"),
    ],
    ids=["not a spreadsheet", "empty", "no header", "duplicate references"],
)
def test_malformed_files_exit_non_zero_with_the_report_and_leave_the_database_untouched(app, tmp_path, name, data, says):
    plan = factories.plan("Peterborough City Council Safeguarding Improvement Plan")
    factories.action(factories.outcome(factories.pillar(plan, 1), "1.2"), "1.2.1")
    db.session.commit()
    before = counts()
    path = tmp_path / name
    path.write_bytes(data if data is not None else wb.peterborough_workbook(second_1_2_1="1.2.1"))
    result = _run(app, path)
    assert result.exit_code != 0
    assert says in result.output
    db.session.expire_all()
    assert counts() == before


def test_a_missing_file_is_one_line_saying_what_to_give(app, tmp_path):
    result = _run(app, tmp_path / "nope.xlsx")
    assert result.exit_code != 0
    assert result.output.strip() == f"Error: {tmp_path / 'nope.xlsx'} does not exist: give the path to an .xlsx or .csv file"


def test_plan_id_updates_that_plan_and_a_missing_one_is_one_line(app, tmp_path):
    plan = factories.plan("Westbury children's plan")
    db.session.commit()
    path = tmp_path / "westbury.csv"
    path.write_bytes(wb.westbury_csv())
    missing = _run(app, path, "--plan-id", plan.id + 1)
    assert missing.exit_code != 0
    assert missing.output.splitlines()[-1] == (
        f"Error: There is no plan {plan.id + 1}: see the ids with flask --app wsgi plan list"
    )
    result = _run(app, path, "--plan-id", plan.id)
    assert result.exit_code == 0, result.output
    assert f"Updated plan {plan.id}: Westbury children's plan" in result.output
    assert db.session.scalar(select(func.count()).select_from(Action).where(Action.plan_id == plan.id)) == 4
