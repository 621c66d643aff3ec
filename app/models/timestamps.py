"""Timestamps written by the application rather than the database."""

from __future__ import annotations

from datetime import datetime

from app.clock import LONDON


def local_now() -> datetime:
    """Wall-clock time in Europe/London, without a zone, as the rest of the schema stores it.

    Python writes these rather than the database so that history rows made
    in one transaction keep the order they were made in.
    """
    return datetime.now(LONDON).replace(tzinfo=None)
