"""Reading the timescale a plan's author wrote in an action's cell.

Councils write timescales by hand: ``31.03.12``, ``03.01.12 – 31.03.12``,
``End July 2012``, ``Monthly review``, ``Completed subject to monitoring``.
:func:`parse_timescale` reads them into a :class:`Timescale` without ever
guessing: a date that does not exist, or has no year, gives no due date and a
warning someone can act on. The text is always kept exactly as written.

Dates are always read day first (UK); two-digit years are 20YY.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

__all__ = [
    "Timescale",
    "TimescaleKind",
    "parse_timescale",
]


class TimescaleKind(StrEnum):
    """The shape of a timescale, whether or not its dates could be read."""

    DATE = "date"  # one day: 31.03.12
    RANGE = "range"  # a start and a due date: 03.01.12 – 31.03.12
    MONTH = "month"  # a month, due on its last day: End July 2012
    FROM = "from"  # a start and no due date: 28.02.12 onwards
    ONGOING = "ongoing"
    RECURRING = "recurring"  # Monthly review, Quarterly, Termly
    TBA = "tba"
    COMPLETED = "completed"
    MILESTONES = "milestones"  # several dates in one cell; due on the last
    UNREADABLE = "unreadable"
    EMPTY = "empty"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]


_KIND_LABELS = {
    TimescaleKind.DATE: "Date",
    TimescaleKind.RANGE: "Date range",
    TimescaleKind.MONTH: "Month",
    TimescaleKind.FROM: "From a date",
    TimescaleKind.ONGOING: "Ongoing",
    TimescaleKind.RECURRING: "Recurring",
    TimescaleKind.TBA: "To be agreed",
    TimescaleKind.COMPLETED: "Completed",
    TimescaleKind.MILESTONES: "Milestones",
    TimescaleKind.UNREADABLE: "Unreadable",
    TimescaleKind.EMPTY: "Empty",
}


@dataclass(frozen=True)
class Timescale:
    """A timescale as written, and what could be read from it."""

    text: str
    kind: TimescaleKind
    start_date: date | None = None
    due_date: date | None = None
    milestones: tuple[date, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def needs_attention(self) -> bool:
        """True when a person should read the cell again."""
        return bool(self.warnings)


# --- the pieces of a date -------------------------------------------------

_MONTHS = {
    "jan": 1, "january": 1,
    "feb": 2, "february": 2,
    "mar": 3, "march": 3,
    "apr": 4, "april": 4,
    "may": 5,
    "jun": 6, "june": 6,
    "jul": 7, "july": 7,
    "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9,
    "oct": 10, "october": 10,
    "nov": 11, "november": 11,
    "dec": 12, "december": 12,
}  # fmt: skip

# Longest names first so "september" is not read as "sep" plus "tember".
_MONTH = r"(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?(?![a-z])"
_ORDINAL = r"(?:st|nd|rd|th)?"
_YEAR = r"(?:\d{4}|\d{2})(?!\d)"
# Early, mid and late all give the month end: a due date is the last day the
# work can be done in, and "mid July" promises nothing firmer than July.
_QUALIFIER = r"(?:(?:the\s+)?(?:end|beginning|start)\s+(?:of\s+)?|early\s+|mid[\s-]+|late\s+)"

# Each way of writing one point in time. A form is only ever matched whole
# (or, in free text, between word boundaries), so the order matters only
# where one form is a prefix of another.
_POINT_FORMS: tuple[tuple[str, str], ...] = (
    # Financial years run April to March; Q1 is April to June.
    ("quarter", r"q(?P<q>[1-4])\s*(?:fy\s*)?(?P<fy1>\d{4})[/-](?P<fy2>\d{4}|\d{2})(?!\d)"),
    ("financial_year", r"(?:fy\s*)?(?P<fy1>\d{4})[/-](?P<fy2>\d{4}|\d{2})(?!\d)"),
    ("numeric", r"(?P<d>\d{1,2})[./-](?P<m>\d{1,2})[./-](?P<y>" + _YEAR + r")"),
    ("numeric_no_year", r"(?P<d>\d{1,2})[./](?P<m>\d{1,2})(?![./\d])"),
    # A two-digit year only in the spreadsheet form "31-Mar-12": with spaces,
    # "30 Nov 31 Dec 2012" would read as 30 November 2031.
    (
        "day_month_year",
        r"(?P<d>\d{1,2})" + _ORDINAL + r"(?:\s+of)?\s+(?P<mon>" + _MONTH + r"),?\s+"
        r"(?P<y4>\d{4})(?!\d)"
        r"|(?P<d2>\d{1,2})-(?P<mon2>" + _MONTH + r")-(?P<y>" + _YEAR + r")",
    ),
    ("day_month", r"(?P<d>\d{1,2})" + _ORDINAL + r"(?:\s+of)?[\s-]+(?P<mon>" + _MONTH + r")"),
    # "Mar-12" is how spreadsheets show a month; "March 12" could be the 12th
    # of March, so only the hyphenated or the four-digit form is read.
    (
        "month_year",
        _QUALIFIER + r"?(?P<mon>" + _MONTH + r")"
        r"(?:,?\s+(?P<y4>\d{4})(?!\d)|-(?P<y>" + _YEAR + r"))",
    ),
    ("month", _QUALIFIER + r"?(?P<mon>" + _MONTH + r")"),
)
_POINT_RES = tuple((name, re.compile(pattern)) for name, pattern in _POINT_FORMS)


def _unnamed(pattern: str) -> str:
    return re.sub(r"\(\?P<\w+>", "(?:", pattern)


_POINT = "(?:" + "|".join(_unnamed(p) for _, p in _POINT_FORMS) + ")"
# A bare month name is never looked for among other words, or "staff may
# attend" would read as May; nor is it a milestone.
_DATED_POINT = "(?:" + "|".join(_unnamed(p) for n, p in _POINT_FORMS if n != "month") + ")"

# A dash of any width, "to" or "until" joins the two ends of a range. The
# hyphens inside "31-03-2012" belong to the date: the date forms need them.
_TO = r"\s*(?:-|–|—|‒|―|\bto\b|\buntil\b|\btill\b|\bthrough\b)\s*"
_RANGE_RE = re.compile(
    r"(?:from\s+)?(?P<a>" + _POINT + r")" + _TO + r"(?P<b>" + _POINT + r")"
    r"|between\s+(?P<a2>" + _POINT + r")\s+and\s+(?P<b2>" + _POINT + r")"
)
_MILESTONES_RE = re.compile(r"(?:" + _DATED_POINT + r"(?:\s*[,;&]\s*|\s+and\s+|\s+))+" + _DATED_POINT + r"[,;]?")
_DUE_BY_RE = re.compile(
    r"(?:(?:due|deadline)(?:\s+(?:by|date))?\s*:?\s+|by\s+|before\s+|no\s+later\s+than\s+)"
    r"(?P<point>" + _POINT + r")"
)
_FROM_RE = re.compile(
    r"(?:on[\s-]?going\s+)?(?:from|starting|commencing|since)\s+(?:on\s+)?"
    r"(?P<point>" + _POINT + r")(?:\s+onwards)?"
    r"|(?P<point2>" + _POINT + r")\s*(?:and\s+)?onwards"
)

# Notes authors add after the dates that change none of them: "(review)",
# "and review", "Review regularly thereafter", "and ongoing".
# Each stretch of spaces can be read only one way, or a long run of notes
# that fails to end the cell would take exponential time to reject.
_NOTE_RE = re.compile(
    r"(?:(?:\s*[,;:(–—-]\s*|\s+)(?:(?:and|then|with)\s+)?"
    r"(?:review(?:ed)?|ongoing|monitoring|monitored)"
    r"(?:\s+(?:regularly|monthly|quarterly|termly|annually))?"
    r"(?:\s+thereafter)?\)?)+\s*$"
)

_EMPTY_RE = re.compile(r"|[-–—]+|n/?a|none")
_TBA_RE = re.compile(r"(?:tba|tbc|tbd|to\s+be\s+(?:agreed|confirmed|determined|decided|set))\??")
_ONGOING_RE = re.compile(
    r"(?:on[\s-]?going|continuous|continuing)(?:\s+(?:review|monitoring|basis))?"
    r"|rolling(?:\s+programme)?"
)
_FREQUENCY = (
    r"(?:weekly|fortnightly|monthly|bi-?monthly|quarterly|termly|six[\s-]monthly"
    r"|half[\s-]yearly|annually|annual|yearly)"
)
_RECURRING_RE = re.compile(
    r"(?:(?:reviewed|reported|monitored)\s+)?"
    + _FREQUENCY
    + r"(?:\s+(?:reviews?|reporting|reports?|monitoring|meetings?|audits?|thereafter))?"
    r"|(?:every|each)\s+(?:month|quarter|term|year)"
)
_RECURRING_FROM_RE = re.compile(
    r"(?P<recurring>.+?),?\s+(?:from|starting|commencing|beginning)\s+(?P<point>" + _POINT + r")"
)
_COMPLETED_RE = re.compile(
    r"(?:completed?|done|achieved)"
    r"(?:\s+(?:on\s+|in\s+)?(?P<point>" + _POINT + r"))?"
    r"(?:\s*[-–—,;:(]?\s*(?:but\s+|and\s+)?(?:subject\s+to|pending|with|under)\s+"
    r"(?:ongoing\s+|further\s+|continued\s+)?monitoring\)?)?"
)

_FOUND_RE = re.compile(r"(?<![\w./-])(?P<point>" + _DATED_POINT + r")(?![\w/])")
_BY_AT_END_RE = re.compile(r"\bby\s+(?P<point>" + _DATED_POINT + r")$")
_STARTS_BEFORE_RE = re.compile(r"\b(?:from|starting|commencing|since)\s+(?:on\s+)?$")
_STARTS_AFTER_RE = re.compile(r"\s*(?:and\s+)?onwards\b")


@dataclass(frozen=True)
class _Point:
    """One point as written: a day, a month, or a quarter or year of months."""

    written: str
    first: date | None  # the first day it covers; None when unreadable
    last: date | None  # the last day it covers
    months: bool = False  # a month or longer, rather than one day
    problem: str | None = None  # why it gives no date
    # Kept for a point with no year, which may borrow the end of its range's.
    day: int | None = None
    month: int | None = None
    no_year: bool = False
    period: bool = False  # several months: a quarter or a financial year


def _year(text: str) -> int:
    value = int(text)
    return 2000 + value if len(text) == 2 else value


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


# "31 March 12" read alone is plainly 2012; it is not looked for among other
# dates, where "30 Nov 31 Dec 2012" would give 30 November 2031.
_SPACED_SHORT_YEAR_RE = re.compile(
    r"(?P<d>\d{1,2})" + _ORDINAL + r"(?:\s+of)?\s+(?P<mon>" + _MONTH + r"),?\s+(?P<y>\d{2})"
)


def _read_point(written: str, norm: str) -> _Point | None:
    if match := _SPACED_SHORT_YEAR_RE.fullmatch(norm):
        month = _MONTHS[match["mon"].rstrip(".")]
        return _day(written, int(match["d"]), month, _year(match["y"]))
    for name, pattern in _POINT_RES:
        match = pattern.fullmatch(norm)
        if match is None:
            continue
        g = {key: value for key, value in match.groupdict().items() if value is not None}
        if name in ("quarter", "financial_year"):
            return _financial(written, g)
        month = int(g["m"]) if "m" in g else _MONTHS[(g.get("mon") or g["mon2"]).rstrip(".")]
        year = _year(g["y"]) if "y" in g else _year(g["y4"]) if "y4" in g else None
        if name in ("month_year", "month"):
            if year is None:
                return _Point(written, None, None, True, f"{written} has no year", month=month, no_year=True)
            return _month(written, year, month)
        day = int(g.get("d") or g["d2"])
        if year is None:
            return _Point(written, None, None, problem=f"{written} has no year", day=day, month=month, no_year=True)
        return _day(written, day, month, year)
    return None


def _day(written: str, day: int, month: int, year: int) -> _Point:
    try:
        when = date(year, month, day)
    except ValueError:
        return _Point(written, None, None, problem=f"{written} is not a real date")
    return _Point(written, when, when)


def _month(written: str, year: int, month: int) -> _Point:
    if not date.min.year <= year <= date.max.year:
        return _Point(written, None, None, True, f"{written} is not a real date")
    return _Point(written, date(year, month, 1), _month_end(year, month), True)


def _financial(written: str, g: dict[str, str]) -> _Point:
    start = int(g["fy1"])
    end = int(g["fy2"]) if len(g["fy2"]) == 4 else start // 100 * 100 + int(g["fy2"])
    if end != start + 1 or not date.min.year <= start < date.max.year:
        return _Point(written, None, None, True, f"{written} is not a financial year", period=True)
    if "q" not in g:
        return _Point(written, date(start, 4, 1), date(end, 3, 31), True, period=True)
    first_month = 4 + 3 * (int(g["q"]) - 1)  # 4, 7, 10 or 13
    year = start if first_month <= 12 else end
    first_month = (first_month - 1) % 12 + 1
    return _Point(written, date(year, first_month, 1), _month_end(year, first_month + 2), True, period=True)


def _borrow_year(start: _Point, end: _Point) -> _Point:
    """Give "April – June 2012" the year written once for both ends.

    A start later in the year than the end belongs to the year before
    ("November – February 2013"): that is reading the range, not guessing.
    """
    if not start.no_year or end.first is None or start.month is None:
        return start
    year = end.first.year
    if (start.month, start.day or 1) > (end.first.month, end.first.day):
        year -= 1
    if start.day is None:
        return _month(start.written, year, start.month)
    return _day(start.written, start.day, start.month, year)


# --- parsing --------------------------------------------------------------


def parse_timescale(text: str) -> Timescale:
    """Read a timescale cell. Never raises; problems come back as warnings."""
    written = (text or "").strip()
    tidy = " ".join(written.replace("\u00a0", " ").split()).rstrip(".")
    # Matched in lower case, sliced from `tidy` so warnings quote the author's
    # own spelling: both must keep the same length for the spans to line up.
    norm = "".join(c.lower() if len(c.lower()) == 1 else c for c in tidy)

    if _EMPTY_RE.fullmatch(norm):
        return Timescale(written, TimescaleKind.EMPTY)
    if kind := _known_words(norm):
        return Timescale(written, kind)
    if match := _COMPLETED_RE.fullmatch(norm):
        return _build(written, TimescaleKind.COMPLETED, due=_point_at(tidy, match, "point"))
    if match := _RECURRING_FROM_RE.fullmatch(norm):
        if _RECURRING_RE.fullmatch(match["recurring"]):
            return _build(written, TimescaleKind.RECURRING, start=_point_at(tidy, match, "point"))

    if note := _NOTE_RE.search(norm):
        if note.start() > 0:
            tidy, norm = tidy[: note.start()], norm[: note.start()]
            if kind := _known_words(norm):
                return Timescale(written, kind)

    if match := _FROM_RE.fullmatch(norm):
        group = "point" if match["point"] else "point2"
        return _build(written, TimescaleKind.FROM, start=_point_at(tidy, match, group))
    if match := _DUE_BY_RE.fullmatch(norm):
        return _single(written, _point_at(tidy, match, "point"))
    if point := _read_point(tidy, norm):
        return _single(written, point)
    if match := _RANGE_RE.fullmatch(norm):
        a, b = ("a", "b") if match["a"] else ("a2", "b2")
        return _range(written, _point_at(tidy, match, a), _point_at(tidy, match, b))
    if _MILESTONES_RE.fullmatch(norm):
        return _milestones(written, [p for p, _, _ in _found(tidy, norm)])
    return _free_text(written, tidy, norm)


def _known_words(norm: str) -> TimescaleKind | None:
    if _TBA_RE.fullmatch(norm):
        return TimescaleKind.TBA
    if _ONGOING_RE.fullmatch(norm):
        return TimescaleKind.ONGOING
    if _RECURRING_RE.fullmatch(norm):
        return TimescaleKind.RECURRING
    return None


def _point_at(tidy: str, match: re.Match[str], group: str) -> _Point | None:
    if match[group] is None:
        return None
    start, end = match.span(group)
    return _read_point(tidy[start:end], match[group])


def _build(
    written: str,
    kind: TimescaleKind,
    *,
    start: _Point | None = None,
    due: _Point | None = None,
    extra: tuple[str, ...] = (),
) -> Timescale:
    # A quarter is both the start and the due date: one problem, told once.
    problems = tuple(dict.fromkeys(p.problem for p in (start, due) if p is not None and p.problem))
    return Timescale(
        written,
        kind,
        start_date=start.first if start else None,
        due_date=due.last if due else None,
        warnings=problems + extra,
    )


def _single(written: str, point: _Point | None, extra: tuple[str, ...] = ()) -> Timescale:
    if point is None:
        return _build(written, TimescaleKind.UNREADABLE, extra=extra)
    if point.period:
        # A quarter or a financial year starts as well as ends.
        return _build(written, TimescaleKind.RANGE, start=point, due=point, extra=extra)
    kind = TimescaleKind.MONTH if point.months else TimescaleKind.DATE
    return _build(written, kind, due=point, extra=extra)


def _range(written: str, start: _Point | None, end: _Point | None) -> Timescale:
    if start is None or end is None:
        return _build(written, TimescaleKind.UNREADABLE, start=start, due=end)
    start = _borrow_year(start, end)
    if start.first is not None and end.last is not None and end.last < start.first:
        # One end is mistyped and nothing says which, so neither is used.
        return Timescale(written, TimescaleKind.RANGE, warnings=(f"{written} ends before it starts",))
    return _build(written, TimescaleKind.RANGE, start=start, due=end)


def _found(tidy: str, norm: str) -> list[tuple[_Point, bool, int]]:
    """Each dated point in the text, whether the words make it a start, and where it is."""
    found = []
    for match in _FOUND_RE.finditer(norm):
        point = _point_at(tidy, match, "point")
        if point is None:
            continue
        is_start = bool(_STARTS_BEFORE_RE.search(norm, 0, match.start()) or _STARTS_AFTER_RE.match(norm, match.end()))
        found.append((point, is_start, match.start()))
    return found


def _milestones(written: str, points: list[_Point], extra: tuple[str, ...] = ()) -> Timescale:
    dates = sorted({p.last for p in points if p.last is not None})
    problems = tuple(dict.fromkeys(p.problem for p in points if p.problem))
    # With one milestone unreadable the last of the others may not be last.
    due = dates[-1] if dates and not problems else None
    return Timescale(
        written,
        TimescaleKind.MILESTONES,
        due_date=due,
        milestones=tuple(dates),
        warnings=problems + extra,
    )


def _free_text(written: str, tidy: str, norm: str) -> Timescale:
    """Dates among other words: read them, and ask a person to check."""
    found = _found(tidy, norm)
    if not found:
        return Timescale(
            written,
            TimescaleKind.UNREADABLE,
            warnings=(f"could not read a date in '{written}'",),
        )
    if len(found) > 1:
        check = f"read {len(found)} dates from the words of '{written}'; check them"
        return _milestones(written, [p for p, _, _ in found], (check,))
    point, is_start, where = found[0]
    # "Rolling programme to be drawn up by 31 January 2012" says plainly what
    # is due when; any other wording is read but left for a person to check.
    by = _BY_AT_END_RE.search(norm)
    if by is not None and by.start("point") == where:
        return _single(written, point)
    check = (f"read {point.written} from the words of '{written}'; check it",)
    if is_start:
        return _build(written, TimescaleKind.FROM, start=point, extra=check)
    return _single(written, point, check)
