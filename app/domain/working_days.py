"""Working days: weekdays that are not bank holidays in the plan's region."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping
from datetime import date, timedelta
from types import MappingProxyType
from typing import NamedTuple

import holidays

__all__ = ["REGIONS", "WorkingCalendar"]

#: Plan regions and the `holidays` subdivision whose bank holidays they keep.
#: England and Wales share their bank holidays.
REGIONS: Mapping[str, str] = MappingProxyType(
    {
        "england-and-wales": "ENG",
        "scotland": "SCT",
        "northern-ireland": "NIR",
    }
)

_ONE_DAY = timedelta(days=1)


class _Year(NamedTuple):
    names: dict[date, str]
    weekday_holidays: tuple[date, ...]  # sorted, for counting by bisection


class WorkingCalendar:
    """Working days for one region.

    Bank holidays come from the `holidays` package, a year at a time as they
    are first needed, then cached. ``extra_holidays`` adds local closure days
    (a council's Christmas shutdown, say) as ``{date: name}``.
    """

    def __init__(
        self,
        region: str = "england-and-wales",
        *,
        extra_holidays: Mapping[date, str] | None = None,
    ) -> None:
        key = "-".join(region.replace("_", " ").split()).casefold()
        if key not in REGIONS:
            raise ValueError(f"unknown region {region!r}; use one of {', '.join(REGIONS)}")
        self._region = key
        self._subdiv = REGIONS[key]
        self._extra = dict(extra_holidays or {})
        self._years: dict[int, _Year] = {}

    @property
    def region(self) -> str:
        return self._region

    def __repr__(self) -> str:
        return f"WorkingCalendar({self._region!r})"

    def _year(self, year: int) -> _Year:
        try:
            return self._years[year]
        except KeyError:
            pass
        names = dict(holidays.country_holidays("GB", subdiv=self._subdiv, years=year))
        for day, name in self._extra.items():
            if day.year == year:
                names[day] = f"{names[day]}; {name}" if day in names else name
        weekdays = tuple(sorted(day for day in names if day.weekday() < 5))
        self._years[year] = found = _Year(names, weekdays)
        return found

    def holiday_name(self, d: date) -> str | None:
        """The bank holiday on ``d``, or None. Weekend holidays count too."""
        return self._year(d.year).names.get(d)

    def is_working_day(self, d: date) -> bool:
        return d.weekday() < 5 and d not in self._year(d.year).names

    def next_working_day(self, d: date) -> date:
        """The first working day after ``d`` (never ``d`` itself)."""
        return self.add_working_days(d, 1)

    def previous_working_day(self, d: date) -> date:
        """The last working day before ``d`` (never ``d`` itself)."""
        return self.add_working_days(d, -1)

    def add_working_days(self, d: date, n: int) -> date:
        """The ``n``-th working day after ``d``, or before it when ``n`` < 0.

        ``n`` = 0 gives ``d`` even when it is not a working day. From a
        working day, ``working_days_between(d, add_working_days(d, n)) == n``
        for every ``n``; from a weekend or holiday that holds for ``n`` >= 0.
        """
        step = _ONE_DAY if n > 0 else -_ONE_DAY
        remaining = abs(n)
        while remaining:
            d += step
            if self.is_working_day(d):
                remaining -= 1
        return d

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end``.

        Due on a Friday and looked at on the Monday is 1. Negative when
        ``end`` is before ``start``: ``between(a, b) == -between(b, a)``.
        """
        if end < start:
            return -self.working_days_between(end, start)
        # Weekdays by arithmetic, less the bank holidays that fall on them,
        # so long spans cost one lookup per year rather than one per day.
        count = _weekdays_through(end) - _weekdays_through(start)
        for year in range(start.year, end.year + 1):
            dates = self._year(year).weekday_holidays
            count -= bisect_right(dates, end) - bisect_right(dates, start)
        return count

    def working_days_overdue(self, due_date: date, today: date) -> int:
        """Working days since ``due_date``; 0 when not yet due."""
        return max(0, self.working_days_between(due_date, today))


def _weekdays_through(d: date) -> int:
    # Weekdays from 1 January of year 1 (a Monday, ordinal 1) up to ``d``.
    weeks, rest = divmod(d.toordinal(), 7)
    return weeks * 5 + min(rest, 5)
