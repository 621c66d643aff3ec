from datetime import date, datetime, timedelta
from itertools import accumulate

import pytest

from app.domain.working_days import WorkingCalendar

ENGLAND_AND_WALES = WorkingCalendar()
SCOTLAND = WorkingCalendar("scotland")
NORTHERN_IRELAND = WorkingCalendar("northern-ireland")


def case(rule: str, *values: object) -> object:
    """A table row named by the rule it shows."""
    return pytest.param(*values, id=rule)


def day(text: str) -> date:
    """A date written as "Fri 25 Dec 2026"; the weekday is checked."""
    parsed = datetime.strptime(text, "%a %d %b %Y").date()
    assert parsed.strftime("%a") == text[:3], f"{text} is a {parsed:%A}"
    return parsed


# fmt: off
ENGLAND_AND_WALES_DAYS = [
    #     rule                                         day                working
    case("christmas eve is a working day",             "Thu 24 Dec 2026", True),
    case("christmas day",                              "Fri 25 Dec 2026", False),
    case("boxing day on a saturday",                   "Sat 26 Dec 2026", False),
    case("boxing day substitute on the monday",        "Mon 28 Dec 2026", False),
    case("the tuesday after christmas works",          "Tue 29 Dec 2026", True),
    case("new year's day 2027",                        "Fri 01 Jan 2027", False),
    case("first monday of 2027 works",                 "Mon 04 Jan 2027", True),
    case("good friday 2027",                           "Fri 26 Mar 2027", False),
    case("easter monday 2027",                         "Mon 29 Mar 2027", False),
    case("early may bank holiday 2026",                "Mon 04 May 2026", False),
    case("early may bank holiday 2027",                "Mon 03 May 2027", False),
    case("spring bank holiday",                        "Mon 25 May 2026", False),
    case("summer bank holiday",                        "Mon 31 Aug 2026", False),
    case("saturday",                                   "Sat 07 Mar 2026", False),
    case("sunday",                                     "Sun 08 Mar 2026", False),
    case("an ordinary monday",                         "Mon 09 Mar 2026", True),
    case("2 january works in england and wales",       "Fri 02 Jan 2026", True),
    case("st andrew's day works in england and wales", "Mon 30 Nov 2026", True),
]
# fmt: on


@pytest.mark.parametrize(("text", "working"), ENGLAND_AND_WALES_DAYS)
def test_working_days_in_england_and_wales(text, working):
    assert ENGLAND_AND_WALES.is_working_day(day(text)) is working


# fmt: off
REGIONAL_DAYS = [
    #     rule                                                 region             day                working
    case("scotland: 2 january",                                SCOTLAND,          "Fri 02 Jan 2026", False),
    case("scotland: 2 january 2027 is a saturday, monday off", SCOTLAND,          "Mon 04 Jan 2027", False),
    case("scotland: st andrew's day",                          SCOTLAND,          "Mon 30 Nov 2026", False),
    case("scotland: easter monday is a working day",           SCOTLAND,          "Mon 29 Mar 2027", True),
    case("scotland: summer holiday early in august",           SCOTLAND,          "Mon 03 Aug 2026", False),
    case("scotland: late august is a working day",             SCOTLAND,          "Mon 31 Aug 2026", True),
    case("northern ireland: st patrick's day",                 NORTHERN_IRELAND,  "Tue 17 Mar 2026", False),
    case("northern ireland: battle of the boyne substitute",   NORTHERN_IRELAND,  "Mon 13 Jul 2026", False),
    case("northern ireland: easter monday",                    NORTHERN_IRELAND,  "Mon 29 Mar 2027", False),
    case("england and wales: st patrick's day works",          ENGLAND_AND_WALES, "Tue 17 Mar 2026", True),
]
# fmt: on


@pytest.mark.parametrize(("calendar", "text", "working"), REGIONAL_DAYS)
def test_regions_keep_their_own_bank_holidays(calendar, text, working):
    assert calendar.is_working_day(day(text)) is working


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Fri 25 Dec 2026", "Christmas Day"),
        ("Sat 26 Dec 2026", "Boxing Day"),
        ("Mon 28 Dec 2026", "Boxing Day (observed)"),
        ("Fri 26 Mar 2027", "Good Friday"),
        ("Mon 29 Mar 2027", "Easter Monday"),
        ("Thu 24 Dec 2026", None),
        ("Sat 07 Mar 2026", None),
    ],
)
def test_holiday_name(text, name):
    assert ENGLAND_AND_WALES.holiday_name(day(text)) == name


# fmt: off
ADDITIONS = [
    #     rule                                                  from               n    gives
    case("0 days is the same day",                              "Mon 09 Mar 2026",  0, "Mon 09 Mar 2026"),
    case("0 days from a saturday is still saturday",            "Sat 07 Mar 2026",  0, "Sat 07 Mar 2026"),
    case("monday plus 1 is tuesday",                            "Mon 09 Mar 2026",  1, "Tue 10 Mar 2026"),
    case("friday plus 1 is monday",                             "Fri 06 Mar 2026",  1, "Mon 09 Mar 2026"),
    case("saturday plus 1 is monday",                           "Sat 07 Mar 2026",  1, "Mon 09 Mar 2026"),
    case("5 working days is a week",                            "Mon 09 Mar 2026",  5, "Mon 16 Mar 2026"),
    case("christmas eve plus 1 skips christmas and boxing day", "Thu 24 Dec 2026",  1, "Tue 29 Dec 2026"),
    case("christmas eve plus 3 is new year's eve",              "Thu 24 Dec 2026",  3, "Thu 31 Dec 2026"),
    case("christmas eve plus 4 skips new year's day",           "Thu 24 Dec 2026",  4, "Mon 04 Jan 2027"),
    case("across easter 2027",                                  "Thu 25 Mar 2027",  1, "Tue 30 Mar 2027"),
    case("across the early may bank holiday",                   "Fri 01 May 2026",  1, "Tue 05 May 2026"),
    case("back across easter 2027",                             "Tue 30 Mar 2027", -1, "Thu 25 Mar 2027"),
    case("monday minus 1 is friday",                            "Mon 09 Mar 2026", -1, "Fri 06 Mar 2026"),
    case("sunday minus 1 is friday",                            "Sun 08 Mar 2026", -1, "Fri 06 Mar 2026"),
    case("back across christmas and new year",                  "Mon 04 Jan 2027", -4, "Thu 24 Dec 2026"),
]
# fmt: on


@pytest.mark.parametrize(("start", "n", "expected"), ADDITIONS)
def test_add_working_days(start, n, expected):
    assert ENGLAND_AND_WALES.add_working_days(day(start), n) == day(expected)


# fmt: off
BETWEEN = [
    #     rule                                             start              end                count
    case("due friday, today monday: 1 working day",        "Fri 06 Mar 2026", "Mon 09 Mar 2026",   1),
    case("due friday, today saturday: 0 working days",     "Fri 06 Mar 2026", "Sat 07 Mar 2026",   0),
    case("the same day: 0",                                "Fri 06 Mar 2026", "Fri 06 Mar 2026",   0),
    case("due saturday, today monday: 1 working day",      "Sat 07 Mar 2026", "Mon 09 Mar 2026",   1),
    case("a week is 5",                                    "Mon 09 Mar 2026", "Mon 16 Mar 2026",   5),
    case("christmas eve to the tuesday after: 1",          "Thu 24 Dec 2026", "Tue 29 Dec 2026",   1),
    case("over christmas and new year: 5",                 "Wed 23 Dec 2026", "Mon 04 Jan 2027",   5),
    case("over easter 2027: 1",                            "Thu 25 Mar 2027", "Tue 30 Mar 2027",   1),
    case("2026: 261 weekdays less 8 bank holidays",        "Thu 01 Jan 2026", "Thu 31 Dec 2026", 253),
    case("backwards: negative",                            "Mon 09 Mar 2026", "Fri 06 Mar 2026",  -1),
    case("backwards over christmas: -1",                   "Tue 29 Dec 2026", "Thu 24 Dec 2026",  -1),
]
# fmt: on


@pytest.mark.parametrize(("start", "end", "count"), BETWEEN)
def test_working_days_between_counts_after_start_up_to_end(start, end, count):
    assert ENGLAND_AND_WALES.working_days_between(day(start), day(end)) == count


# fmt: off
REGIONAL_BETWEEN = [
    #     rule                                       region             start              end                count
    case("england and wales over easter 2027: 1",    ENGLAND_AND_WALES, "Thu 25 Mar 2027", "Tue 30 Mar 2027", 1),
    case("scotland works easter monday: 2",          SCOTLAND,          "Thu 25 Mar 2027", "Tue 30 Mar 2027", 2),
    case("england and wales into 2026: 2",           ENGLAND_AND_WALES, "Wed 31 Dec 2025", "Mon 05 Jan 2026", 2),
    case("scotland has 2 january off: 1",            SCOTLAND,          "Wed 31 Dec 2025", "Mon 05 Jan 2026", 1),
]
# fmt: on


@pytest.mark.parametrize(("calendar", "start", "end", "count"), REGIONAL_BETWEEN)
def test_working_days_between_depends_on_the_region(calendar, start, end, count):
    assert calendar.working_days_between(day(start), day(end)) == count


# fmt: off
OVERDUE = [
    #     rule                                                         due                today              overdue
    case("due friday, today monday: overdue by 1 working day",         "Fri 06 Mar 2026", "Mon 09 Mar 2026", 1),
    case("due friday, today sunday: no working day overdue yet",       "Fri 06 Mar 2026", "Sun 08 Mar 2026", 0),
    case("due today: 0",                                               "Mon 09 Mar 2026", "Mon 09 Mar 2026", 0),
    case("due next week: 0, never negative",                           "Fri 13 Mar 2026", "Mon 09 Mar 2026", 0),
    case("due christmas eve, today 4 january: 4",                      "Thu 24 Dec 2026", "Mon 04 Jan 2027", 4),
]
# fmt: on


@pytest.mark.parametrize(("due", "today", "overdue"), OVERDUE)
def test_working_days_overdue(due, today, overdue):
    assert ENGLAND_AND_WALES.working_days_overdue(day(due), day(today)) == overdue


# fmt: off
NEXT_AND_PREVIOUS = [
    #     rule                                  from               next               previous
    case("around christmas eve",                "Thu 24 Dec 2026", "Tue 29 Dec 2026", "Wed 23 Dec 2026"),
    case("from christmas day",                  "Fri 25 Dec 2026", "Tue 29 Dec 2026", "Thu 24 Dec 2026"),
    case("around easter 2027",                  "Mon 29 Mar 2027", "Tue 30 Mar 2027", "Thu 25 Mar 2027"),
    case("from a sunday",                       "Sun 08 Mar 2026", "Mon 09 Mar 2026", "Fri 06 Mar 2026"),
    case("never the working day itself",        "Wed 11 Mar 2026", "Thu 12 Mar 2026", "Tue 10 Mar 2026"),
]
# fmt: on


@pytest.mark.parametrize(("start", "following", "preceding"), NEXT_AND_PREVIOUS)
def test_next_and_previous_working_day(start, following, preceding):
    assert ENGLAND_AND_WALES.next_working_day(day(start)) == day(following)
    assert ENGLAND_AND_WALES.previous_working_day(day(start)) == day(preceding)


@pytest.mark.parametrize(
    ("region", "expected"),
    [
        ("england-and-wales", "england-and-wales"),
        ("England and Wales", "england-and-wales"),
        ("northern_ireland", "northern-ireland"),
        ("Scotland", "scotland"),
    ],
)
def test_region_names_are_forgiving(region, expected):
    assert WorkingCalendar(region).region == expected


def test_unknown_region_is_refused_with_the_choices():
    with pytest.raises(ValueError, match="unknown region 'wales'; use one of england-and-wales"):
        WorkingCalendar("wales")


def test_local_closure_days_are_not_working_days():
    calendar = WorkingCalendar(extra_holidays={day("Thu 24 Dec 2026"): "Council closure"})
    assert not calendar.is_working_day(day("Thu 24 Dec 2026"))
    assert calendar.holiday_name(day("Thu 24 Dec 2026")) == "Council closure"
    assert calendar.working_days_between(day("Wed 23 Dec 2026"), day("Tue 29 Dec 2026")) == 1


# Properties, checked against a plain day-by-day count over 2025 to 2028.
FIRST, LAST = date(2025, 1, 1), date(2028, 12, 31)
DAYS = [FIRST + timedelta(days=i) for i in range((LAST - FIRST).days + 1)]


@pytest.mark.parametrize("calendar", [ENGLAND_AND_WALES, SCOTLAND, NORTHERN_IRELAND], ids=lambda c: c.region)
def test_working_days_between_matches_counting_day_by_day(calendar):
    # running[j] - running[i] = working days in (DAYS[i], DAYS[j]]
    running = list(accumulate(int(calendar.is_working_day(d)) for d in DAYS))
    for i, start in enumerate(DAYS):
        for gap in (0, 1, 2, 3, 4, 7, 11, 30, 100, 400):
            j = i + gap
            if j < len(DAYS):
                expected = running[j] - running[i]
                assert calendar.working_days_between(start, DAYS[j]) == expected
                assert calendar.working_days_between(DAYS[j], start) == -expected


@pytest.mark.parametrize("n", [1, 2, 5, 15, -1, -5, -15])
def test_counting_the_working_days_added_gives_them_back(n):
    calendar = ENGLAND_AND_WALES
    for start in DAYS[365:-365]:
        later = calendar.add_working_days(start, n)
        assert calendar.is_working_day(later)
        # Stepping back from a weekend lands on Friday, which is 0 back, not -1.
        if calendar.is_working_day(start) or n > 0:
            assert calendar.working_days_between(start, later) == n
