"""The one error a service raises when input is wrong: every problem at once."""

from __future__ import annotations


class ValidationFailed(Exception):
    """Carries every problem found, keyed by the field it belongs to ('' for none)."""

    def __init__(self, problems: dict[str, str]):
        self.problems = dict(problems)
        super().__init__("; ".join(self.problems.values()))
