"""The one place Pillar reads the clock: today's date in Europe/London.

Tests and the command line pass a fixed date through the ``FIXED_TODAY``
setting (ISO format) instead of changing the clock.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app

LONDON = ZoneInfo("Europe/London")


def today() -> date:
    fixed = current_app.config.get("FIXED_TODAY")
    if fixed:
        return date.fromisoformat(str(fixed))
    return datetime.now(LONDON).date()


def now() -> datetime:
    return datetime.now(LONDON)
