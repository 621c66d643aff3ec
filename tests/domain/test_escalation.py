from datetime import date, datetime, timedelta
from itertools import accumulate

import pytest

from app.domain.escalation import (
    Cutoffs,
    EscalationRules,
    Level,
    cutoffs,
    is_level2_by_red_periods,
    missing_update_level2_date,
    overdue_level,
    update_deadline,
)
from app.domain.rag import Rag
from app.domain.working_days import WorkingCalendar

ENGLAND_AND_WALES = WorkingCalendar()
SCOTLAND = WorkingCalendar("scotland")
DEFAULT = EscalationRules()

R, A, G, C = Rag.RED, Rag.AMBER, Rag.GREEN, Rag.COMPLETE
REMINDER, LEVEL1, LEVEL2, LEVEL3 = Level


def case(rule: str, *values: object) -> object:
    """A table row named by the rule it shows."""
    return pytest.param(*values, id=rule)


def day(text: str) -> date:
    """A date written as "Fri 25 Dec 2026"; the weekday is checked."""
    parsed = datetime.strptime(text, "%a %d %b %Y").date()
    assert parsed.strftime("%a") == text[:3], f"{text} is a {parsed:%A}"
    return parsed


# fmt: off
LADDER = [
    #     rule                                                          due                today              level
    case("due in 6 working days: nothing yet",                          "Tue 17 Mar 2026", "Mon 09 Mar 2026", None),
    case("due in 5 working days: reminder",                             "Mon 16 Mar 2026", "Mon 09 Mar 2026", REMINDER),
    case("due the sunday before the 6th working day: reminder",         "Sun 15 Mar 2026", "Mon 09 Mar 2026", REMINDER),
    case("due in 4 working days: reminder",                             "Fri 13 Mar 2026", "Mon 09 Mar 2026", REMINDER),
    case("due today: still a reminder, not yet overdue",                "Mon 09 Mar 2026", "Mon 09 Mar 2026", REMINDER),
    case("due friday, today saturday: past due, no working day lost",   "Fri 06 Mar 2026", "Sat 07 Mar 2026", None),
    case("due friday, today monday: overdue by 1 working day",          "Fri 06 Mar 2026", "Mon 09 Mar 2026", LEVEL1),
    case("due saturday, today monday: overdue by 1 working day",        "Sat 07 Mar 2026", "Mon 09 Mar 2026", LEVEL1),
    case("overdue by 4 working days: still level 1",                    "Mon 02 Mar 2026", "Fri 06 Mar 2026", LEVEL1),
    case("overdue by 5 working days: level 2",                          "Mon 02 Mar 2026", "Mon 09 Mar 2026", LEVEL2),
    case("overdue by 14 working days: still level 2",                   "Mon 16 Feb 2026", "Fri 06 Mar 2026", LEVEL2),
    case("overdue by 15 working days: level 3",                         "Mon 16 Feb 2026", "Mon 09 Mar 2026", LEVEL3),
    case("due christmas eve, today the boxing day substitute: nothing", "Thu 24 Dec 2026", "Mon 28 Dec 2026", None),
    case("due christmas eve, today tuesday 29th: level 1",              "Thu 24 Dec 2026", "Tue 29 Dec 2026", LEVEL1),
    case("due 18 december, today the 28th: 4 working days, level 1",    "Fri 18 Dec 2026", "Mon 28 Dec 2026", LEVEL1),
    case("due 18 december, today the 29th: 5 working days, level 2",    "Fri 18 Dec 2026", "Tue 29 Dec 2026", LEVEL2),
    case("due before good friday, today easter monday: nothing",        "Thu 25 Mar 2027", "Mon 29 Mar 2027", None),
    case("due before good friday, today the tuesday after: level 1",    "Thu 25 Mar 2027", "Tue 30 Mar 2027", LEVEL1),
    case("christmas eve, due 4 january, 4 working days on: reminder",   "Mon 04 Jan 2027", "Thu 24 Dec 2026", REMINDER),
]
# fmt: on


@pytest.mark.parametrize(("due", "today", "level"), LADDER)
def test_overdue_level_in_england_and_wales(due, today, level):
    assert overdue_level(day(due), day(today), ENGLAND_AND_WALES, DEFAULT) is level


# fmt: off
REGIONAL_LADDER = [
    #     rule                                       region             due                today              level
    case("england and wales: easter monday off",     ENGLAND_AND_WALES, "Thu 25 Mar 2027", "Mon 29 Mar 2027", None),
    case("scotland: easter monday is a working day", SCOTLAND,          "Thu 25 Mar 2027", "Mon 29 Mar 2027", LEVEL1),
    case("england and wales: 2 january works",       ENGLAND_AND_WALES, "Wed 31 Dec 2025", "Fri 02 Jan 2026", LEVEL1),
    case("scotland: 2 january is a holiday",         SCOTLAND,          "Wed 31 Dec 2025", "Fri 02 Jan 2026", None),
]
# fmt: on


@pytest.mark.parametrize(("calendar", "due", "today", "level"), REGIONAL_LADDER)
def test_overdue_level_follows_the_plan_region(calendar, due, today, level):
    assert overdue_level(day(due), day(today), calendar, DEFAULT) is level


# fmt: off
NEVER_ESCALATED = [
    #     rule                                    due                     complete
    case("no due date: no level",                 None,                   False),
    case("complete: no level, however late",      day("Mon 02 Feb 2026"), True),
    case("complete before the due date",          day("Tue 10 Mar 2026"), True),
]
# fmt: on


@pytest.mark.parametrize(("due", "complete"), NEVER_ESCALATED)
def test_complete_or_undated_actions_never_escalate(due, complete):
    assert overdue_level(due, day("Mon 09 Mar 2026"), ENGLAND_AND_WALES, DEFAULT, complete=complete) is None


def test_a_plan_may_change_the_ladder():
    rules = EscalationRules(reminder_days_before=0, level1_overdue_days=2, level2_overdue_days=3, level3_overdue_days=4)
    today = day("Mon 09 Mar 2026")
    dues = ["Tue 10 Mar 2026", "Mon 09 Mar 2026", "Fri 06 Mar 2026", "Thu 05 Mar 2026", "Wed 04 Mar 2026"]
    levels = [overdue_level(day(due), today, ENGLAND_AND_WALES, rules) for due in dues + ["Tue 03 Mar 2026"]]
    assert levels == [None, REMINDER, None, LEVEL1, LEVEL2, LEVEL3]


# fmt: off
CUTOFFS = [
    case("an ordinary monday", "Mon 09 Mar 2026", Cutoffs(
        reminder_due_on_or_before=day("Mon 16 Mar 2026"),
        level1_due_on_or_before=day("Sun 08 Mar 2026"),
        level2_due_on_or_before=day("Mon 02 Mar 2026"),
        level3_due_on_or_before=day("Mon 16 Feb 2026"),
        reminder_due_after=day("Sun 08 Mar 2026"),
    )),
    case("a saturday counts back from friday", "Sat 07 Mar 2026", Cutoffs(
        reminder_due_on_or_before=day("Sun 15 Mar 2026"),
        level1_due_on_or_before=day("Thu 05 Mar 2026"),
        level2_due_on_or_before=day("Sun 01 Mar 2026"),
        level3_due_on_or_before=day("Sun 15 Feb 2026"),
        reminder_due_after=day("Fri 06 Mar 2026"),
    )),
    case("the tuesday after christmas", "Tue 29 Dec 2026", Cutoffs(
        reminder_due_on_or_before=day("Wed 06 Jan 2027"),
        level1_due_on_or_before=day("Mon 28 Dec 2026"),
        level2_due_on_or_before=day("Sun 20 Dec 2026"),
        level3_due_on_or_before=day("Sun 06 Dec 2026"),
        reminder_due_after=day("Mon 28 Dec 2026"),
    )),
]
# fmt: on


@pytest.mark.parametrize(("today", "expected"), CUTOFFS)
def test_cutoffs_for_a_sweep(today, expected):
    assert cutoffs(day(today), ENGLAND_AND_WALES, DEFAULT) == expected


# Every day of 2026 and 2027 as today, against a plain day-by-day count.
FIRST, LAST = date(2025, 11, 1), date(2028, 2, 29)
DAYS = [FIRST + timedelta(days=i) for i in range((LAST - FIRST).days + 1)]
TODAYS = [d for d in DAYS if d.year in (2026, 2027)]
SHORT_LADDER = EscalationRules(
    reminder_days_before=0, level1_overdue_days=2, level2_overdue_days=2, level3_overdue_days=3
)


@pytest.mark.parametrize("rules", [DEFAULT, SHORT_LADDER], ids=["default ladder", "a short ladder"])
@pytest.mark.parametrize("calendar", [ENGLAND_AND_WALES, SCOTLAND], ids=lambda c: c.region)
def test_cutoffs_agree_with_counting_working_days_every_day(calendar, rules):
    running = list(accumulate(int(calendar.is_working_day(d)) for d in DAYS))
    index = {d: i for i, d in enumerate(DAYS)}
    for today in TODAYS:
        bounds = cutoffs(today, calendar, rules)
        ladder = [
            (bounds.level1_due_on_or_before, rules.level1_overdue_days),
            (bounds.level2_due_on_or_before, rules.level2_overdue_days),
            (bounds.level3_due_on_or_before, rules.level3_overdue_days),
        ]
        t = index[today]
        window = DAYS[t - 35 : t + 17]
        assert window[0] < bounds.level3_due_on_or_before
        assert bounds.reminder_due_on_or_before < window[-1]
        for due in window:
            counted = running[t] - running[index[due]]  # working days after due, up to today
            for on_or_before, overdue_days in ladder:
                assert (due <= on_or_before) == (counted >= overdue_days), (today, due, overdue_days)
            reminded = bounds.reminder_due_after < due <= bounds.reminder_due_on_or_before
            assert reminded == (today <= due and -counted <= rules.reminder_days_before), (today, due)
            assert overdue_level(due, today, calendar, rules) is bounds.level_for(due), (today, due)


# fmt: off
DEADLINES = [
    #     rule                                            region             period ends        updates due
    case("january ends on a saturday: friday 6 february", ENGLAND_AND_WALES, "Sat 31 Jan 2026", "Fri 06 Feb 2026"),
    case("march 2026 runs into easter",                   ENGLAND_AND_WALES, "Tue 31 Mar 2026", "Thu 09 Apr 2026"),
    case("march 2027 ends after easter",                  ENGLAND_AND_WALES, "Wed 31 Mar 2027", "Wed 07 Apr 2027"),
    case("december skips new year's day",                 ENGLAND_AND_WALES, "Thu 31 Dec 2026", "Fri 08 Jan 2027"),
    case("scotland also skips the new year holiday",      SCOTLAND,          "Thu 31 Dec 2026", "Mon 11 Jan 2027"),
]
# fmt: on


@pytest.mark.parametrize(("calendar", "period_end", "deadline"), DEADLINES)
def test_updates_are_due_5_working_days_after_the_period_ends(calendar, period_end, deadline):
    assert update_deadline(day(period_end), calendar) == day(deadline)


def test_a_plan_may_allow_longer_for_updates():
    assert update_deadline(day("Sat 31 Jan 2026"), ENGLAND_AND_WALES, 10) == day("Fri 13 Feb 2026")


# fmt: off
MISSING_UPDATES = [
    #     rule                                                  period ends        level 2 from
    case("deadline friday 6 february: level 2 from the 13th",   "Sat 31 Jan 2026", "Fri 13 Feb 2026"),
    case("deadline monday 7 december: level 2 from the 14th",   "Mon 30 Nov 2026", "Mon 14 Dec 2026"),
    case("deadline friday 8 january: level 2 from the 15th",    "Thu 31 Dec 2026", "Fri 15 Jan 2027"),
]
# fmt: on


@pytest.mark.parametrize(("period_end", "escalates_on"), MISSING_UPDATES)
def test_no_update_escalates_5_working_days_past_the_deadline(period_end, escalates_on):
    escalates = missing_update_level2_date(day(period_end), ENGLAND_AND_WALES, DEFAULT)
    assert escalates == day(escalates_on)
    deadline = update_deadline(day(period_end), ENGLAND_AND_WALES)
    assert ENGLAND_AND_WALES.working_days_overdue(deadline, escalates) == 5
    assert ENGLAND_AND_WALES.working_days_overdue(deadline, escalates - timedelta(days=1)) == 4


# fmt: off
RED_PERIODS = [
    #     rule                              periods, oldest first  needed  level 2
    case("no periods yet: no",              [],                    2,      False),
    case("one red period: no",              [R],                   2,      False),
    case("red, red: level 2",               [R, R],                2,      True),
    case("the last two red: level 2",       [G, A, R, R],          2,      True),
    case("red twice then amber: no",        [R, R, A],             2,      False),
    case("red, amber, red: no",             [R, A, R],             2,      False),
    case("red then complete: no",           [R, C],                2,      False),
    case("3 needed, 2 red: no",             [R, R],                3,      False),
    case("3 needed, 3 red: level 2",        [A, R, R, R],          3,      True),
    case("stored strings count too",        ["red", "red"],        2,      True),
]
# fmt: on


@pytest.mark.parametrize(("rags", "needed", "level2"), RED_PERIODS)
def test_red_in_consecutive_periods_escalates_to_level_2(rags, needed, level2):
    rules = EscalationRules(level2_consecutive_red_periods=needed)
    assert is_level2_by_red_periods(rags, rules) is level2


@pytest.mark.parametrize(
    ("level", "label"),
    [
        (Level.REMINDER, "Reminder"),
        (Level.LEVEL1, "Level 1: leads notified"),
        (Level.LEVEL2, "Level 2: director"),
        (Level.LEVEL3, "Level 3: board"),
    ],
)
def test_every_level_has_a_label(level, label):
    assert level.label == label


def test_levels_are_ordered_so_the_highest_wins():
    assert max(LEVEL1, LEVEL3, REMINDER) is LEVEL3


# fmt: off
BAD_LADDERS = [
    case("level 1 before the action is overdue", {"level1_overdue_days": 0},
         "level1_overdue_days must be at least 1"),
    case("a reminder after the due date",        {"reminder_days_before": -1},
         "reminder_days_before must be at least 0"),
    case("no red periods needed",                {"level2_consecutive_red_periods": 0},
         "level2_consecutive_red_periods must be at least 1"),
    case("level 2 later than level 3",           {"level2_overdue_days": 20},
         "overdue days must not decrease from level 1 to level 3"),
]
# fmt: on


@pytest.mark.parametrize(("settings", "message"), BAD_LADDERS)
def test_rules_refuse_a_ladder_that_makes_no_sense(settings, message):
    with pytest.raises(ValueError, match=message):
        EscalationRules(**settings)
