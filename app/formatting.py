"""How dates and values read on screen: UK day-month-year."""

from __future__ import annotations

from datetime import date, datetime

from app.clock import LONDON


def uk_date(value: date | None, empty: str = "Not set") -> str:
    if value is None:
        return empty
    return f"{value.day} {value:%B %Y}"


def uk_datetime(value: datetime | None, empty: str = "") -> str:
    if value is None:
        return empty
    if value.tzinfo is not None:
        value = value.astimezone(LONDON)
    return f"{value.day} {value:%B %Y at %H:%M}"
