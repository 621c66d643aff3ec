"""Reporting periods: which period a date falls in, its end, and when its updates are due.

A plan reports monthly by default; quarterly plans report on calendar
quarters. A period is named by its first day.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

from app.domain.escalation import update_deadline as _update_deadline
from app.domain.working_days import WorkingCalendar

__all__ = [
    "Cadence", "period_end", "period_label", "period_start", "previous_period", "reporting_period", "update_deadline",
]


class Cadence(StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"

    @classmethod
    def parse(cls, text: str | None) -> Cadence:
        try:
            return cls((text or cls.MONTHLY).strip().lower())
        except ValueError:
            choices = ", ".join(c.value for c in cls)
            raise ValueError(f"'{text}' is not a reporting cadence: use one of {choices}") from None

    @property
    def months(self) -> int:
        return 3 if self is Cadence.QUARTERLY else 1


def period_start(day: date, cadence: Cadence | str = Cadence.MONTHLY) -> date:
    """The first day of the period containing ``day``."""
    months = Cadence.parse(cadence).months
    month = ((day.month - 1) // months) * months + 1
    return date(day.year, month, 1)


def _add_months(first_of_month: date, months: int) -> date:
    index = first_of_month.year * 12 + first_of_month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def previous_period(start: date, cadence: Cadence | str = Cadence.MONTHLY) -> date:
    """The first day of the period before the one starting (or containing) ``start``."""
    cadence = Cadence.parse(cadence)
    return _add_months(period_start(start, cadence), -cadence.months)


def period_end(start: date, cadence: Cadence | str = Cadence.MONTHLY) -> date:
    """The last day of the period containing ``start``."""
    cadence = Cadence.parse(cadence)
    return _add_months(period_start(start, cadence), cadence.months) - timedelta(days=1)


def update_deadline(
    start: date, calendar: WorkingCalendar, working_days_after: int = 5, cadence: Cadence | str = Cadence.MONTHLY
) -> date:
    """The last day to post the period's update: N working days after the period ends."""
    return _update_deadline(period_end(start, cadence), calendar, working_days_after)


def reporting_period(
    today: date, calendar: WorkingCalendar, working_days_after: int = 5, cadence: Cadence | str = Cadence.MONTHLY
) -> date:
    """The period an update posted today reports on.

    Leads report on a period after living through it: until the update deadline
    of the period that has just ended (N working days after its end), updates
    are for that period; after the deadline, for the period in progress.
    """
    previous = previous_period(today, cadence)
    if today <= update_deadline(previous, calendar, working_days_after, cadence):
        return previous
    return period_start(today, cadence)


def period_label(start: date, cadence: Cadence | str = Cadence.MONTHLY) -> str:
    """How a period reads on screen: "November 2026", or "October to December 2026"."""
    cadence = Cadence.parse(cadence)
    start = period_start(start, cadence)
    if cadence is Cadence.MONTHLY:
        return f"{start:%B %Y}"
    end = period_end(start, cadence)
    return f"{start:%B} to {end:%B %Y}"
