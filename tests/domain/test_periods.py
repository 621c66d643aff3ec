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
