from datetime import date

import pytest

from app.domain.periods import Cadence, period_end, period_label, period_start, previous_period, update_deadline
from app.domain.working_days import WorkingCalendar


@pytest.mark.parametrize(
    ("day", "cadence", "start"),
    [
        (date(2026, 11, 23), "monthly", date(2026, 11, 1)),
        (date(2026, 11, 1), "monthly", date(2026, 11, 1)),
        (date(2026, 12, 31), "monthly", date(2026, 12, 1)),
        (date(2026, 11, 23), "quarterly", date(2026, 10, 1)),
        (date(2027, 3, 31), "quarterly", date(2027, 1, 1)),
    ],
)
def test_a_date_falls_in_the_period_that_starts_on_the_first_of_its_month_or_quarter(day, cadence, start):
    assert period_start(day, cadence) == start


@pytest.mark.parametrize(
    ("start", "cadence", "previous", "end"),
    [
        (date(2026, 11, 1), "monthly", date(2026, 10, 1), date(2026, 11, 30)),
        (date(2026, 1, 1), "monthly", date(2025, 12, 1), date(2026, 1, 31)),
        (date(2028, 2, 1), "monthly", date(2028, 1, 1), date(2028, 2, 29)),
        (date(2026, 1, 1), "quarterly", date(2025, 10, 1), date(2026, 3, 31)),
    ],
)
def test_the_previous_period_and_the_period_end_follow_the_calendar(start, cadence, previous, end):
    assert previous_period(start, cadence) == previous
    assert period_end(start, cadence) == end


def test_the_update_deadline_counts_working_days_after_the_period_ends_skipping_christmas():
    calendar = WorkingCalendar("england-and-wales")
    # December 2026 ends on a Thursday; 1 January is a bank holiday, then a weekend.
    assert update_deadline(date(2026, 12, 1), calendar, 5) == date(2027, 1, 8)
    assert update_deadline(date(2026, 11, 1), calendar, 5) == date(2026, 12, 7)


def test_periods_read_as_month_names():
    assert period_label(date(2026, 11, 1)) == "November 2026"
    assert period_label(date(2026, 10, 1), Cadence.QUARTERLY) == "October to December 2026"


def test_an_unknown_cadence_is_refused_with_the_choices():
    with pytest.raises(ValueError, match="use one of monthly, quarterly"):
        period_start(date(2026, 11, 1), "fortnightly")


# The England and Wales deadline for October 2026 is five working days after
# Sat 31 Oct: Fri 6 Nov. November's is Mon 7 Dec.
@pytest.mark.parametrize(
    ("today", "reports_on"),
    [
        (date(2026, 11, 2), date(2026, 10, 1)),   # Mon 2 Nov: October's update is still being written
        (date(2026, 11, 6), date(2026, 10, 1)),   # Fri 6 Nov: the deadline day itself
        (date(2026, 11, 9), date(2026, 11, 1)),   # Mon 9 Nov: October is closed, November is reported
        (date(2026, 11, 30), date(2026, 11, 1)),
        (date(2026, 12, 7), date(2026, 11, 1)),   # Mon 7 Dec: November's deadline
        (date(2026, 12, 8), date(2026, 12, 1)),
        (date(2027, 1, 8), date(2026, 12, 1)),    # bank holidays push December's deadline to Fri 8 Jan
        (date(2027, 1, 11), date(2027, 1, 1)),
    ],
    ids=lambda value: value.isoformat(),
)
def test_an_update_reports_on_the_period_just_ended_until_its_deadline(today, reports_on):
    from app.domain.periods import reporting_period
    from app.domain.working_days import WorkingCalendar

    assert reporting_period(today, WorkingCalendar(), 5) == reports_on
