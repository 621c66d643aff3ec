"""Importing definitions and values from CSV or Excel: all or nothing, every problem by row."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from app.domain.errors import ValidationFailed
from app.extensions import db
from app.indicators.services import import_file
from app.models import Indicator, IndicatorTarget, IndicatorValue
from tests import factories, indicator_factories

TODAY = date(2026, 11, 23)

DEFINITIONS = (
    "code,title,unit,polarity,baseline,targets,floor,alert threshold,tolerance\n"
    "NI 59,Initial assessments within 7 working days,%,higher,37.5,60 by 2026-03-31; 64 by October 2026,45,,\n"
    "CASELOAD,Average caseload per social worker,count,lower is better,31,20 by 2026-06,,25,\n"
    "AGENCY,Agency share of social workers,%,range,,5 to 10 by 2026-03-31,,,2\n"
)


def _counts():
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Indicator, IndicatorTarget, IndicatorValue)
    )


def _xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def plan(app):
    made = factories.plan()
    db.session.commit()
    return made


def test_definitions_are_imported_with_their_stepped_targets(plan):
    result = import_file(plan, "defs.csv", DEFINITIONS.encode(), actor=None, today=TODAY)
    db.session.commit()

    assert (result.kind, result.created, result.updated) == ("definitions", 3, 0)
    ni59 = db.session.scalar(select(Indicator).where(Indicator.code == "NI 59"))
    assert (ni59.unit, ni59.polarity, ni59.baseline_value, ni59.floor) == ("percent", "higher", Decimal("37.5"), 45)
    assert [(t.value, t.due) for t in ni59.targets] == [(60, date(2026, 3, 31)), (64, date(2026, 10, 31))]
    caseload = db.session.scalar(select(Indicator).where(Indicator.code == "CASELOAD"))
    assert (caseload.polarity, caseload.alert_threshold, caseload.targets[0].due) == ("lower", 25, date(2026, 6, 30))
    agency = db.session.scalar(select(Indicator).where(Indicator.code == "AGENCY"))
    assert (agency.targets[0].value, agency.targets[0].upper, agency.tolerance) == (5, 10, 2)


def test_importing_definitions_again_updates_them_and_replaces_their_targets(plan):
    import_file(plan, "defs.csv", DEFINITIONS.encode(), actor=None, today=TODAY)
    again = "code,title,unit,polarity,targets\nNI 59,Renamed,%,higher,64 by 2026-03-31\n"
    result = import_file(plan, "defs.csv", again.encode(), actor=None, today=TODAY)
    db.session.commit()

    assert (result.created, result.updated) == (0, 1)
    ni59 = db.session.scalar(select(Indicator).where(Indicator.code == "NI 59"))
    assert ni59.title == "Renamed"
    assert [(t.value, t.due) for t in ni59.targets] == [(64, date(2026, 3, 31))]


def test_values_are_imported_from_excel_and_worked_out_from_parts(plan):
    indicator_factories.indicator(plan, "NI 59")
    content = _xlsx([
        ["Code", "Period", "Value", "Numerator", "Denominator", "Commentary"],
        ["NI 59", "2026-09", 58.5, None, None, None],
        ["ni 59", date(2026, 10, 1), None, 16, 25, "Back on track"],
        [None, None, None, None, None, None],
        ["NI 59", "August 2026", None, 0, 0, "No assessments"],
    ])  # fmt: skip

    result = import_file(plan, "values.xlsx", content, actor=None, today=TODAY)
    db.session.commit()

    assert (result.kind, result.created) == ("values", 3)
    rows = db.session.execute(
        select(IndicatorValue.period, IndicatorValue.value, IndicatorValue.commentary).order_by(IndicatorValue.period)
    ).all()
    assert rows == [
        (date(2026, 8, 1), None, "No assessments"),
        (date(2026, 9, 1), Decimal("58.5"), None),
        (date(2026, 10, 1), Decimal(64), "Back on track"),
    ]


@pytest.mark.parametrize(
    "encoded",
    [
        "code,period,value,commentary\nNI 59,2026-10,61,Café closed – staff moved\n".encode("utf-8-sig"),
        "code,period,value,commentary\nNI 59,2026-10,61,Café closed – staff moved\n".encode("cp1252"),
    ],
    ids=["utf-8 with BOM", "windows-1252"],
)
def test_csv_is_read_as_utf_8_or_windows_1252(plan, encoded):
    indicator_factories.indicator(plan, "NI 59")
    import_file(plan, "values.csv", encoded, actor=None, today=TODAY)

    assert db.session.scalar(select(IndicatorValue.commentary)) == "Café closed – staff moved"


def test_one_bad_row_imports_nothing_and_every_problem_is_reported_by_row(plan):
    indicator_factories.indicator(plan, "NI 59", values={"2026-07": 50})
    db.session.commit()
    before = _counts()
    content = (
        "code,period,value,numerator,denominator,commentary\n"
        "NI 59,2026-08,61,,,fine\n"
        "NI 99,2026-09,61,,,\n"
        "NI 59,2026-13,lots,,,\n"
        "NI 59,2026-08,62,,,\n"
        "NI 59,2026-10,,5,,\n"
        "NI 59,2027-01,50,,,\n"
    )
    with pytest.raises(ValidationFailed) as refused:
        import_file(plan, "values.csv", content.encode(), actor=None, today=TODAY)
    db.session.rollback()

    assert refused.value.problems == {
        "row 3": "Row 3: no indicator with the code “NI 99” in this plan",
        "row 4": "Row 4: “2026-13” is not a month: write it like 2026-10 or October 2026; "
        "The value “lots” is not a number",
        "row 5": "Row 5: NI 59 August 2026 is already in row 2",
        "row 6": "Row 6: Enter both the numerator and the denominator, or neither",
        "row 7": "Row 7: January 2027 is in the future",
    }
    assert _counts() == before


def test_bad_definitions_are_reported_by_row_and_nothing_is_imported(plan):
    content = (
        "code,title,unit,polarity,targets,floor\n"
        ",No code,%,higher,,\n"
        "A,Unit unknown,percentage points,sideways,,\n"
        "B,Range without upper,count,range,15 by 2026-03-31,\n"
        "C,Bad target,%,higher,64 in October,\n"
        "D,Fine,%,higher,60 by 2026-03-31,abc\n"
    )
    with pytest.raises(ValidationFailed) as refused:
        import_file(plan, "defs.csv", content.encode(), actor=None, today=TODAY)

    assert refused.value.problems == {
        "row 2": "Row 2: enter the indicator's code",
        "row 3": "Row 3: unit “percentage points” is not one of %, count, FTE, £, days, rate; "
        "polarity “sideways” is not one of higher, lower, range",
        "row 4": "Row 4: the target due March 2026 needs an upper bound",
        "row 5": "Row 5: target “64 in October” should read like “64 by 2026-10-31”",
        "row 6": "Row 6: the floor “abc” is not a number",
    }
    assert _counts() == (0, 0, 0)


@pytest.mark.parametrize(
    ("filename", "content", "problem"),
    [
        ("x.csv", b"", "x.csv is empty"),
        (
            "big.csv",
            b"code,period,value\n" + b"A,2026-10,1\n" * 500_000,
            "big.csv is larger than 5 MB: split it into smaller files",
        ),
        ("x.pdf", b"%PDF", "Choose a CSV file or an Excel workbook (.xlsx)"),
        ("x.xlsx", b"not a workbook", "x.xlsx is not an Excel workbook Pillar can read"),
        ("x.csv", b"code,period,value\n", "x.csv has headings but no rows"),
        (
            "x.csv",
            b"code,period,colour\nA,2026-10,red\n",
            "Remove or rename the unknown column colour: the headings may be code, period, value, numerator, "
            "denominator, commentary",
        ),
        ("x.csv", b"period,value\n2026-10,5\n", "Add the column code to the headings"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_with_one_clear_problem(plan, filename, content, problem):
    with pytest.raises(ValidationFailed) as refused:
        import_file(plan, filename, content, actor=None, today=TODAY)

    assert refused.value.problems == {"file": problem}


def test_a_file_whose_headings_are_neither_kind_is_refused(plan):
    with pytest.raises(ValidationFailed) as refused:
        import_file(plan, "x.csv", b"name,age\nA,3\n", actor=None, today=TODAY)

    assert refused.value.problems["file"].startswith("The first row must be headings: code, period, value")


def test_definitions_link_the_actions_and_requirements_named_in_the_row(plan):
    from app.models import Requirement

    outcome = factories.outcome(factories.pillar(plan))
    first, second = factories.action(outcome, "2.1.1"), factories.action(outcome, "3.1.7")
    notice = Requirement(plan=plan, number="IN 1", text="Timely assessments")
    db.session.add(notice)
    content = "code,title,unit,polarity,actions,requirements\nNI 59,Initial assessments,%,higher,2.1.1; 3.1.7,in 1\n"
    import_file(plan, "defs.csv", content.encode(), actor=None, today=TODAY)
    db.session.commit()

    indicator = db.session.scalar(select(Indicator))
    assert (indicator.actions, indicator.requirements) == ([first, second], [notice])

    # A file without the columns keeps the links; one naming unknown references is refused.
    import_file(plan, "defs.csv", b"code,title,unit,polarity\nNI 59,Renamed,%,higher\n", actor=None, today=TODAY)
    assert len(indicator.actions) == 2
    with pytest.raises(ValidationFailed) as refused:
        import_file(plan, "d.csv", b"code,title,unit,polarity,actions\nNI 59,T,%,higher,9.9.9; 2.1.1\n",
                    actor=None, today=TODAY)  # fmt: skip
    assert refused.value.problems == {"row 2": "Row 2: no action 9.9.9 in this plan"}
