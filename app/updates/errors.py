"""Errors the update and lifecycle services raise besides ValidationFailed."""

from __future__ import annotations


class NotPermitted(Exception):
    """The actor may not make this change; views answer 403 and nothing is written."""


class EditConflict(Exception):
    """Someone else saved first: the change was based on an older version.

    ``current`` is the row as it now stands, so the page can show what changed.
    """

    def __init__(self, current, message: str):
        self.current = current
        super().__init__(message)
