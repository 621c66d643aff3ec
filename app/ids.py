"""Ids read from addresses and forms: plain digits, no bigger than a database integer holds.

``"²".isdigit()`` is true but ``int("²")`` fails, and a number past 2³¹ − 1 makes the database
refuse the query: either way a typed or tampered id would be a server error, not "not found".
"""

from __future__ import annotations

from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1


def parse_id(raw: object) -> int | None:
    """The id written in ``raw``, or None when it is not one."""
    text = "" if raw is None else str(raw).strip()
    if not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if value <= MAX_ID else None


class DatabaseIdConverter(IntegerConverter):
    """``<int:...>`` in a route: an id bigger than the database stores matches nothing, so 404."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)
