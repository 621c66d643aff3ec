"""Reading what people type or import: numbers, months, dates, units, polarities, targets.

Each reader raises ValueError with a message fit to show beside the field.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from app.domain.kpi import Polarity, Unit

_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
_MONTHS |= {name.lower(): number for number, name in enumerate(calendar.month_abbr) if name}
_MONTHS["sept"] = 9

#: Numeric(12, 4) holds up to 99,999,999.9999.
LARGEST = Decimal("99999999")


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def previous_month(period: date) -> date:
    return date(period.year - 1, 12, 1) if period.month == 1 else date(period.year, period.month - 1, 1)


def next_month(period: date) -> date:
    return date(period.year + 1, 1, 1) if period.month == 12 else date(period.year, period.month + 1, 1)


def month_label(period: date) -> str:
    return f"{period:%B %Y}"


def short_month_label(period: date) -> str:
    return f"{period:%b %Y}"


def parse_number(raw: object, *, allow_negative: bool = False) -> Decimal | None:
    """A number as people write it: "64.2", "64.2%", "1,200", "£1,200"; blank is None."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise ValueError("must be a number")
    if isinstance(raw, int | float | Decimal):
        text = str(raw)
    else:
        text = str(raw).strip().replace(",", "").replace("£", "").removesuffix("%").strip()
        if not text:
            return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"“{raw}” is not a number") from None
    if not number.is_finite():
        raise ValueError(f"“{raw}” is not a number")
    if number < 0 and not allow_negative:
        raise ValueError("cannot be negative")
    if abs(number) > LARGEST:
        raise ValueError("is too large")
    return number


def _month_year(text: str) -> tuple[int, int] | None:
    if match := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
        return int(match[1]), int(match[2])
    if match := re.fullmatch(r"(\d{1,2})/(\d{4})", text):
        return int(match[2]), int(match[1])
    if match := re.fullmatch(r"([A-Za-z]+)\.?\s+(\d{4})", text):
        month = _MONTHS.get(match[1].lower())
        if month is not None:
            return int(match[2]), month
    return None


def _full_date(text: str) -> date | None:
    if match := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text):
        return date(int(match[1]), int(match[2]), int(match[3]))
    if match := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text):
        return date(int(match[3]), int(match[2]), int(match[1]))
    if match := re.fullmatch(r"(\d{1,2})\s+([A-Za-z]+)\s+(\d{4})", text):
        month = _MONTHS.get(match[2].lower())
        if month is not None:
            return date(int(match[3]), month, int(match[1]))
    return None


def parse_period(raw: object) -> date:
    """The month a value covers, as its first day: "2026-10", "October 2026", "10/2026", a date."""
    if isinstance(raw, datetime):
        return month_start(raw.date())
    if isinstance(raw, date):
        return month_start(raw)
    text = str(raw or "").strip()
    if not text:
        raise ValueError("Enter the month, like 2026-10")
    try:
        if (parts := _month_year(text)) is not None:
            return date(parts[0], parts[1], 1)
        if (day := _full_date(text)) is not None:
            return month_start(day)
    except ValueError:
        pass
    raise ValueError(f"“{text}” is not a month: write it like 2026-10 or October 2026")


def parse_due(raw: object) -> date:
    """A target's date; a month alone means its last day ("March 2027" is 31 March 2027)."""
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = str(raw or "").strip()
    try:
        if (day := _full_date(text)) is not None:
            return day
        if (parts := _month_year(text)) is not None:
            return month_end(date(parts[0], parts[1], 1))
    except ValueError:
        pass
    raise ValueError(f"“{text}” is not a date: write it like 2027-03-31 or March 2027")


_UNIT_WORDS = {
    "%": Unit.PERCENT, "percent": Unit.PERCENT, "percentage": Unit.PERCENT,
    "count": Unit.COUNT, "number": Unit.COUNT,
    "fte": Unit.FTE, "full-time equivalent": Unit.FTE,
    "£": Unit.POUNDS, "pounds": Unit.POUNDS, "gbp": Unit.POUNDS,
    "days": Unit.DAYS, "day": Unit.DAYS,
    "rate": Unit.RATE,
}  # fmt: skip

_POLARITY_WORDS = {
    "higher": Polarity.HIGHER, "higher is better": Polarity.HIGHER, "high": Polarity.HIGHER,
    "lower": Polarity.LOWER, "lower is better": Polarity.LOWER, "low": Polarity.LOWER,
    "range": Polarity.RANGE, "within a range": Polarity.RANGE, "within a range is best": Polarity.RANGE,
}  # fmt: skip


def parse_unit(raw: object) -> Unit:
    text = str(raw or "").strip().lower()
    if text in _UNIT_WORDS:
        return _UNIT_WORDS[text]
    raise ValueError(f"unit “{raw or ''}” is not one of %, count, FTE, £, days, rate")


def parse_polarity(raw: object) -> Polarity:
    text = str(raw or "").strip().lower()
    if text in _POLARITY_WORDS:
        return _POLARITY_WORDS[text]
    raise ValueError(f"polarity “{raw or ''}” is not one of higher, lower, range")


def parse_targets(raw: object) -> list[tuple[Decimal, Decimal | None, date]]:
    """Stepped targets as `value by date` pairs separated by semicolons:
    "60 by 2026-03-31; 64 by October 2026". A range is "15 to 20 by 2026-03"."""
    text = str(raw or "").strip()
    if not text:
        return []
    targets = []
    for part in re.split(r"[;\n]+", text):
        part = part.strip()
        if not part:
            continue
        match = re.fullmatch(r"(.+?)\s+by\s+(.+)", part, flags=re.IGNORECASE)
        if match is None:
            raise ValueError(f"target “{part}” should read like “64 by 2026-10-31”")
        amount, due = match[1].strip(), parse_due(match[2])
        bounds = re.fullmatch(r"(.+?)\s+to\s+(.+)", amount, flags=re.IGNORECASE)
        try:
            if bounds:
                lower, upper = parse_number(bounds[1]), parse_number(bounds[2])
            else:
                lower, upper = parse_number(amount), None
        except ValueError as error:
            raise ValueError(f"target “{part}”: the value {error}") from None
        if lower is None:
            raise ValueError(f"target “{part}” has no value")
        targets.append((lower, upper, due))
    return targets


def parse_yes_no(raw: object) -> bool:
    text = str(raw or "").strip().lower()
    if text in ("", "no", "n", "false", "0"):
        return False
    if text in ("yes", "y", "true", "1"):
        return True
    raise ValueError(f"“{raw}” should be yes or no")
