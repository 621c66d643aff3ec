"""Long lists a page at a time: the ``?page=`` number and one rule for pages out of range.

A page number that is not a whole number from 1, or a page after the last, is
a 404 (page 1 of an empty list is an empty page, not an error), on every
paginated page alike. The pages use the GOV.UK pagination component through
templates/macros/pagination.html, with Flask-SQLAlchemy's ``Pagination`` for
the arithmetic.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, request
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, func

from app.extensions import db


def page_number() -> int:
    raw = request.args.get("page", "").strip()
    if not raw:
        return 1
    if not raw.isdigit() or int(raw) < 1:
        abort(404)
    return int(raw)


class _Fetched(Pagination):
    """A page whose rows (and, with them, the total) come from a function of (offset, limit)."""

    def _query_items(self) -> list:
        items, self._total = self._query_args["fetch"](self._query_offset, self.per_page)
        return items

    def _query_count(self) -> int:
        return self._total


def paginate_by(fetch: Callable[[int, int], tuple[list, int]], per_page: int) -> Pagination:
    """One page from ``fetch(offset, limit) -> (rows, total)``, or a 404 past the last page."""
    return _Fetched(page=page_number(), per_page=per_page, max_per_page=None, error_out=True, fetch=fetch)


def paginate(query: Select, per_page: int) -> Pagination:
    """One page of ``query``, counted in the same statement (``count(*) OVER ()``): the
    database finds the matching rows once, not once for the page and again for the total."""

    def fetch(offset: int, limit: int) -> tuple[list, int]:
        rows = db.session.execute(
            query.add_columns(func.count().over().label("total")).limit(limit).offset(offset)
        ).unique().all()
        # A page after the last has no rows to carry the total; it is a 404 whatever the total.
        return [row[0] for row in rows], (rows[0][-1] if rows else 0)

    return paginate_by(fetch, per_page)


def paginate_list(items: list, per_page: int) -> Pagination:
    """``paginate`` for a list already in memory."""
    return paginate_by(lambda offset, limit: (items[offset:offset + limit], len(items)), per_page)
