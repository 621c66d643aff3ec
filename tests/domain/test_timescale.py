"""Reading timescale cells as councils write them (most from the Peterborough plan)."""

from datetime import date

import pytest

from app.domain.timescale import Timescale, TimescaleKind, parse_timescale

K = TimescaleKind
D = date

CELLS = [
    # (cell as written, kind, start date, due date, warned?)
    # Single dates, always day first, two-digit years in this century.
    ("31.03.12", K.DATE, None, D(2012, 3, 31), False),
    ("29.02.12", K.DATE, None, D(2012, 2, 29), False),
    ("31.3.12", K.DATE, None, D(2012, 3, 31), False),
    ("03/04/12", K.DATE, None, D(2012, 4, 3), False),
    ("31/03/2012", K.DATE, None, D(2012, 3, 31), False),
    ("31-03-2012", K.DATE, None, D(2012, 3, 31), False),
    ("31 March 2012", K.DATE, None, D(2012, 3, 31), False),
    ("31st March 2012", K.DATE, None, D(2012, 3, 31), False),
    ("1st of March, 2012", K.DATE, None, D(2012, 3, 1), False),
    ("31 March 12", K.DATE, None, D(2012, 3, 31), False),
    ("31-Mar-12", K.DATE, None, D(2012, 3, 31), False),
    ("by 31.03.12", K.DATE, None, D(2012, 3, 31), False),
    ("Due: 30.06.12", K.DATE, None, D(2012, 6, 30), False),
    ("  31.03.12  ", K.DATE, None, D(2012, 3, 31), False),
    # A month is due on its last day, whatever word qualifies it.
    ("June 2012", K.MONTH, None, D(2012, 6, 30), False),
    ("March 2011", K.MONTH, None, D(2011, 3, 31), False),
    ("Mar 2012", K.MONTH, None, D(2012, 3, 31), False),
    ("Sept 2012", K.MONTH, None, D(2012, 9, 30), False),
    ("Feb-12", K.MONTH, None, D(2012, 2, 29), False),
    ("End July 2012", K.MONTH, None, D(2012, 7, 31), False),
    ("end of July 2012", K.MONTH, None, D(2012, 7, 31), False),
    ("By end of March 2012", K.MONTH, None, D(2012, 3, 31), False),
    ("Early July 2012", K.MONTH, None, D(2012, 7, 31), False),
    ("Mid-July 2012", K.MONTH, None, D(2012, 7, 31), False),
    ("Late July 2012", K.MONTH, None, D(2012, 7, 31), False),
    # Ranges: any dash, "to", and notes about reviewing that change no date.
    ("03.01.12 – 31.03.12", K.RANGE, D(2012, 1, 3), D(2012, 3, 31), False),
    ("03.01.12 - 31.03.12", K.RANGE, D(2012, 1, 3), D(2012, 3, 31), False),
    ("03.01.12-31.03.12", K.RANGE, D(2012, 1, 3), D(2012, 3, 31), False),
    ("03.01.12 — 31.03.12", K.RANGE, D(2012, 1, 3), D(2012, 3, 31), False),
    ("03.01.12 to 31.03.12", K.RANGE, D(2012, 1, 3), D(2012, 3, 31), False),
    ("From 03.01.12 until 31.03.12", K.RANGE, D(2012, 1, 3), D(2012, 3, 31), False),
    ("between 03.01.12 and 31.03.12", K.RANGE, D(2012, 1, 3), D(2012, 3, 31), False),
    ("31-03-2012 - 30-04-2012", K.RANGE, D(2012, 3, 31), D(2012, 4, 30), False),
    ("03.01.12 – 31.03.13", K.RANGE, D(2012, 1, 3), D(2013, 3, 31), False),
    ("12.12.11 – 31.03.12 (review)", K.RANGE, D(2011, 12, 12), D(2012, 3, 31), False),
    ("03.01.12 – 31.03.12 and review", K.RANGE, D(2012, 1, 3), D(2012, 3, 31), False),
    ("03.01.12 – 31.03.12 Review", K.RANGE, D(2012, 1, 3), D(2012, 3, 31), False),
    (
        "28.02.12 – 31.07.12 Review regularly thereafter",
        K.RANGE,
        D(2012, 2, 28),
        D(2012, 7, 31),
        False,
    ),
    ("April 2012 – March 2013", K.RANGE, D(2012, 4, 1), D(2013, 3, 31), False),
    ("April – June 2012", K.RANGE, D(2012, 4, 1), D(2012, 6, 30), False),
    ("November – February 2013", K.RANGE, D(2012, 11, 1), D(2013, 2, 28), False),
    ("2012/13", K.RANGE, D(2012, 4, 1), D(2013, 3, 31), False),
    ("Q1 2012/13", K.RANGE, D(2012, 4, 1), D(2012, 6, 30), False),
    ("Q4 2012/13", K.RANGE, D(2013, 1, 1), D(2013, 3, 31), False),
    # A start and no end.
    ("28.02.12 onwards", K.FROM, D(2012, 2, 28), None, False),
    ("From January 2012", K.FROM, D(2012, 1, 1), None, False),
    ("Ongoing from 28.02.12", K.FROM, D(2012, 2, 28), None, False),
    # Several dates in one cell: due on the latest, whatever the order.
    ("31.03.12 30.12.11", K.MILESTONES, None, D(2012, 3, 31), False),
    ("31.01.12 29.02.12 31.01.12", K.MILESTONES, None, D(2012, 2, 29), False),
    ("31.01.12, 29.02.12 and 31.03.12", K.MILESTONES, None, D(2012, 3, 31), False),
    # Words with no date.
    ("Ongoing", K.ONGOING, None, None, False),
    ("On-going", K.ONGOING, None, None, False),
    ("Monthly review", K.RECURRING, None, None, False),
    ("Quarterly", K.RECURRING, None, None, False),
    ("Termly", K.RECURRING, None, None, False),
    ("Annually", K.RECURRING, None, None, False),
    ("Monthly review and ongoing", K.RECURRING, None, None, False),
    ("Monthly from April 2012", K.RECURRING, D(2012, 4, 1), None, False),
    ("TBA", K.TBA, None, None, False),
    ("TBC", K.TBA, None, None, False),
    ("To be agreed", K.TBA, None, None, False),
    ("Completed", K.COMPLETED, None, None, False),
    ("Completed subject to monitoring", K.COMPLETED, None, None, False),
    ("Completed 15.01.12", K.COMPLETED, None, D(2012, 1, 15), False),
    ("", K.EMPTY, None, None, False),
    ("   ", K.EMPTY, None, None, False),
    ("-", K.EMPTY, None, None, False),
    ("N/A", K.EMPTY, None, None, False),
    # Never guessed: the cell is kept and a person is told why there is no date.
    ("31.02.12", K.DATE, None, None, True),
    ("29.02.13", K.DATE, None, None, True),
    ("30th Nov", K.DATE, None, None, True),
    ("30/11", K.DATE, None, None, True),
    ("November", K.MONTH, None, None, True),
    ("31.02.12 – 31.03.12", K.RANGE, None, D(2012, 3, 31), True),
    ("03.01.12 – 31.03.03", K.RANGE, None, None, True),
    ("01.01.12 – 31.03.11", K.RANGE, None, None, True),
    ("April 2012 – June", K.RANGE, D(2012, 4, 1), None, True),
    ("31.02.12 31.03.12", K.MILESTONES, None, None, True),
    ("Summer 2012", K.UNREADABLE, None, None, True),
    ("Immediately", K.UNREADABLE, None, None, True),
    ("Within six months", K.UNREADABLE, None, None, True),
    ("March 12", K.UNREADABLE, None, None, True),
    # Dates among other words are read, and flagged unless "by <date>" ends them.
    (
        "Rolling programme to be drawn up by 31 January 2012",
        K.DATE,
        None,
        D(2012, 1, 31),
        False,
    ),
    ("Review 31.03.12", K.DATE, None, D(2012, 3, 31), True),
    ("Pilot starting 01.04.12", K.FROM, D(2012, 4, 1), None, True),
    (
        "Phase 1 by 31.03.12, phase 2 by 30.06.12",
        K.MILESTONES,
        None,
        D(2012, 6, 30),
        True,
    ),
]


@pytest.mark.parametrize(("cell", "kind", "start", "due", "warned"), CELLS)
def test_a_cell_reads_as_its_kind_with_its_dates(cell, kind, start, due, warned):
    timescale = parse_timescale(cell)

    assert (timescale.kind, timescale.start_date, timescale.due_date) == (kind, start, due)
    assert bool(timescale.warnings) is warned, timescale.warnings
    assert timescale.needs_attention is warned


@pytest.mark.parametrize("cell", [row[0] for row in CELLS])
def test_the_text_is_kept_exactly_as_written_apart_from_outer_spaces(cell):
    assert parse_timescale(cell).text == cell.strip()


@pytest.mark.parametrize(
    ("cell", "warning"),
    [
        ("31.02.12", "31.02.12 is not a real date"),
        ("30th Nov", "30th Nov has no year"),
        ("End of November", "End of November has no year"),
        ("03.01.12 – 31.03.03", "03.01.12 – 31.03.03 ends before it starts"),
        ("Summer 2012", "could not read a date in 'Summer 2012'"),
        ("Review 31.03.12", "read 31.03.12 from the words of 'Review 31.03.12'; check it"),
        # "by" ends the cell, but it is not the date that was read.
        ("Mar-12 by March", "read Mar-12 from the words of 'Mar-12 by March'; check it"),
        # A quarter is both start and end: its problem is told once.
        ("Q2 2012/14", "Q2 2012/14 is not a financial year"),
        ("31.02.12 31.02.12", "31.02.12 is not a real date"),
    ],
)
def test_a_warning_quotes_the_cell_as_the_author_wrote_it(cell, warning):
    assert parse_timescale(cell).warnings == (warning,)


@pytest.mark.parametrize(
    ("cell", "milestones"),
    [
        ("31.03.12 30.12.11", (date(2011, 12, 30), date(2012, 3, 31))),
        (
            "30.04.12   31.01.12   31.03.12   31.03.12",
            (date(2012, 1, 31), date(2012, 3, 31), date(2012, 4, 30)),
        ),
        ("31.02.12 31.03.12", (date(2012, 3, 31),)),
        ("31.03.12", ()),
    ],
)
def test_milestones_are_the_readable_dates_in_order_without_repeats(cell, milestones):
    assert parse_timescale(cell).milestones == milestones


@pytest.mark.parametrize("cell", ["03/04/12", "12/01/2012", "01.12.12"])
def test_numeric_dates_are_never_read_month_first(cell):
    timescale = parse_timescale(cell)
    day, month, _ = (int(part) for part in cell.replace(".", "/").split("/"))

    assert (timescale.due_date.day, timescale.due_date.month) == (day, month)


@pytest.mark.parametrize(
    "cell",
    [
        "??",
        "31.13.12",
        "00.00.00",
        "01.01.0000",
        "March 0000",
        "0000/01",
        "Q5",
        "2012/14",
        "Mayday",
        "12345678",
        "31..03..12",
    ],
)
def test_nonsense_gives_warnings_not_errors_and_no_due_date(cell):
    timescale = parse_timescale(cell)

    assert timescale.due_date is None
    assert timescale.warnings


def test_a_timescale_is_a_frozen_value():
    timescale = parse_timescale("31.03.12")

    assert timescale == Timescale("31.03.12", TimescaleKind.DATE, None, date(2012, 3, 31))
    with pytest.raises(AttributeError):
        timescale.due_date = date(2012, 4, 1)  # type: ignore[misc]


def test_every_date_in_the_sample_plan_column_reads_without_a_false_alarm():
    # The timescale column of the Peterborough plan, one cell per entry; only
    # the impossible 31.02.12 and the two backwards ranges should be flagged.
    column = [
        "31.02.12", "31.03.12", "01.06.12", "19.09.12", "End July 2012",
        "31.01.12 – 31.03.12", "28.02.12", "28.02.12 – 31.07.12 Review regularly thereafter",
        "18.02.12 – 31.03.12", "28.02.12 onwards", "30.12.11", "31.03.12 30.12.11",
        "30.04.12 31.01.12 31.03.12 31.03.12", "31.12.12", "30.01.12",
        "01.01.12 – 31.03.11", "Monthly review", "31.01.12 01.01.12 29.02.12",
        "03.01.12 – 31.03.12", "Completed subject to monitoring",
        "03.01.12 – 31.03.03", "12.12.11 – 31.03.12 (review)", "June 2012",
        "03.01.12 – 31.03.12 Review", "03.01.12 – 03.03.12 and review",
        "03.01.12 – 30.09.12 and review", "03.01.12 – 30.06.12", "03.01.12 – 29.02.12",
        "03.01.12 – 31.03.13", "Rolling programme to be drawn up by 31 January 2012",
        "30.01.12 28.02.12", "31.05.12", "30.03.12",
    ]  # fmt: skip
    flagged = {cell for cell in column if parse_timescale(cell).warnings}

    assert flagged == {"31.02.12", "01.01.12 – 31.03.11", "03.01.12 – 31.03.03"}
