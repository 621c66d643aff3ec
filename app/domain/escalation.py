"""The overdue escalation ladder, counted in working days."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date, timedelta
from enum import IntEnum

from app.domain.rag import Rag
from app.domain.working_days import WorkingCalendar

__all__ = [
    "Cutoffs",
    "EscalationRules",
    "Level",
    "cutoffs",
    "is_level2_by_red_periods",
    "missing_update_level2_date",
    "overdue_level",
    "update_deadline",
]

_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class EscalationRules:
    """A plan's escalation settings, in working days unless named otherwise."""

    reminder_days_before: int = 5
    level1_overdue_days: int = 1
    level2_overdue_days: int = 5
    level2_consecutive_red_periods: int = 2
    level2_missing_update_days: int = 5
    level3_overdue_days: int = 15

    def __post_init__(self) -> None:
        problems = [
            f"{f.name} must be at least {_minimum(f.name)}"
            for f in fields(self)
            if getattr(self, f.name) < _minimum(f.name)
        ]
        # Otherwise an action could be at level 2 before it reached level 1.
        levels = [self.level1_overdue_days, self.level2_overdue_days, self.level3_overdue_days]
        if levels != sorted(levels):
            problems.append("overdue days must not decrease from level 1 to level 3")
        if problems:
            raise ValueError("; ".join(problems))


def _minimum(setting: str) -> int:
    # A reminder on the due date itself is sensible; an escalation after
    # 0 working days would catch actions that are not yet overdue.
    return 0 if setting == "reminder_days_before" else 1


class Level(IntEnum):
    REMINDER = 0
    LEVEL1 = 1
    LEVEL2 = 2
    LEVEL3 = 3

    @property
    def label(self) -> str:
        return _LEVEL_LABELS[self]


_LEVEL_LABELS = {
    Level.REMINDER: "Reminder",
    Level.LEVEL1: "Level 1: leads notified",
    Level.LEVEL2: "Level 2: director",
    Level.LEVEL3: "Level 3: board",
}


@dataclass(frozen=True)
class Cutoffs:
    """Due-date bounds for one sweep, so it can select actions in SQL.

    An open action with ``due_date <= levelN_due_on_or_before`` is at least
    at level N. The reminder goes to open actions with
    ``reminder_due_after < due_date <= reminder_due_on_or_before``: due
    today or later (not yet overdue), within the reminder window.
    """

    reminder_due_on_or_before: date
    level1_due_on_or_before: date
    level2_due_on_or_before: date
    level3_due_on_or_before: date
    reminder_due_after: date

    def level_for(self, due_date: date) -> Level | None:
        """The due-date level of an open action due on ``due_date``."""
        for level, bound in (
            (Level.LEVEL3, self.level3_due_on_or_before),
            (Level.LEVEL2, self.level2_due_on_or_before),
            (Level.LEVEL1, self.level1_due_on_or_before),
        ):
            if due_date <= bound:
                return level
        if self.reminder_due_after < due_date <= self.reminder_due_on_or_before:
            return Level.REMINDER
        return None


def cutoffs(today: date, calendar: WorkingCalendar, rules: EscalationRules) -> Cutoffs:
    """The sweep's due-date bounds for ``today``.

    ``d <= levelN_due_on_or_before`` exactly when
    ``calendar.working_days_overdue(d, today) >= levelN_overdue_days``,
    including on weekends and bank holidays.
    """
    # Overdue by k working days means k working days lie after the due date
    # up to today: the due date is before the k-th most recent working day.
    latest = today
    if not calendar.is_working_day(today):
        latest = calendar.previous_working_day(today)

    def due_on_or_before(overdue_days: int) -> date:
        return calendar.add_working_days(latest, -(overdue_days - 1)) - _ONE_DAY

    return Cutoffs(
        # Due within N working days: before the (N + 1)-th working day ahead.
        reminder_due_on_or_before=calendar.add_working_days(today, rules.reminder_days_before + 1) - _ONE_DAY,
        level1_due_on_or_before=due_on_or_before(rules.level1_overdue_days),
        level2_due_on_or_before=due_on_or_before(rules.level2_overdue_days),
        level3_due_on_or_before=due_on_or_before(rules.level3_overdue_days),
        reminder_due_after=today - _ONE_DAY,
    )


def overdue_level(
    due_date: date | None,
    today: date,
    calendar: WorkingCalendar,
    rules: EscalationRules,
    complete: bool = False,
) -> Level | None:
    """The level an action's due date alone puts it at, for display.

    REMINDER when due within ``reminder_days_before`` working days and not
    yet overdue; None when complete, undated or not yet in any window.
    Level 2 for red periods or missing updates, and referral to the board,
    are decided elsewhere; this agrees with :func:`cutoffs` on due dates.
    """
    if complete or due_date is None:
        return None
    overdue = calendar.working_days_overdue(due_date, today)
    for level, days in (
        (Level.LEVEL3, rules.level3_overdue_days),
        (Level.LEVEL2, rules.level2_overdue_days),
        (Level.LEVEL1, rules.level1_overdue_days),
    ):
        if overdue >= days:
            return level
    if today <= due_date and calendar.working_days_between(today, due_date) <= rules.reminder_days_before:
        return Level.REMINDER
    return None


def update_deadline(period_end: date, calendar: WorkingCalendar, working_days_after: int = 5) -> date:
    """When updates for a period are due: N working days after it ends."""
    return calendar.add_working_days(period_end, working_days_after)


def missing_update_level2_date(
    period_end: date,
    calendar: WorkingCalendar,
    rules: EscalationRules,
    working_days_after: int = 5,
) -> date:
    """The first day on which a missing update escalates to level 2.

    That is the day the update becomes ``level2_missing_update_days``
    working days late, counted as for a due date.
    """
    deadline = update_deadline(period_end, calendar, working_days_after)
    return calendar.add_working_days(deadline, rules.level2_missing_update_days)


def is_level2_by_red_periods(recent_rags: Sequence[Rag], rules: EscalationRules) -> bool:
    """True when the latest periods, oldest first, end in enough Reds in a row."""
    needed = rules.level2_consecutive_red_periods
    latest = recent_rags[-needed:]
    return len(latest) == needed and all(rag == Rag.RED for rag in latest)
