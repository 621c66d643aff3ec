"""RAG ratings, the effective RAG of an action and direction of travel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

__all__ = [
    "OVERDUE",
    "Direction",
    "EffectiveRag",
    "Rag",
    "direction_of_travel",
    "effective_rag",
    "is_overdue",
]

#: The reason shown beside an effective RAG that was forced to Red.
OVERDUE = "overdue"


class Rag(StrEnum):
    """A RAG rating, as proposed by a delivery lead or derived by the rules."""

    NOT_STARTED = "not_started"
    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    COMPLETE = "complete"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def code(self) -> str:
        return _CODES[self]

    @classmethod
    def parse(cls, text: str) -> Rag:
        """Read a RAG from a value, label or code, ignoring case.

        Also accepts the words plans use in the wild: "TBA" for Not started,
        "Blue" and "Completed" for Complete.
        """
        key = _normalise(text)
        try:
            return _PARSE[key]
        except KeyError:
            accepted = ", ".join(f"{r.label} ({r.code})" for r in cls)
            raise ValueError(f"{text!r} is not a RAG rating; use one of {accepted}") from None


_LABELS = {
    Rag.NOT_STARTED: "Not started",
    Rag.GREEN: "Green",
    Rag.AMBER: "Amber",
    Rag.RED: "Red",
    Rag.COMPLETE: "Complete",
}

_CODES = {
    Rag.NOT_STARTED: "NS",
    Rag.GREEN: "G",
    Rag.AMBER: "A",
    Rag.RED: "R",
    Rag.COMPLETE: "C",
}


def _normalise(text: str) -> str:
    # Spreadsheets and PDFs give "Not Started", "not-started", " NS " alike.
    words = str(text).replace("_", " ").replace("-", " ").split()
    return " ".join(words).casefold()


_PARSE: dict[str, Rag] = {}
for _rag in Rag:
    for _word in (_rag.value, _rag.label, _rag.code):
        _PARSE[_normalise(_word)] = _rag
_PARSE |= {
    "tba": Rag.NOT_STARTED,
    "blue": Rag.COMPLETE,
    "completed": Rag.COMPLETE,
}
del _rag, _word


class Direction(StrEnum):
    """Direction of travel between last period's RAG and this period's."""

    IMPROVED = "improved"
    SAME = "same"
    WORSE = "worse"
    NONE = "none"

    @property
    def arrow(self) -> str:
        return _ARROWS[self]

    @property
    def label(self) -> str:
        return _DIRECTION_LABELS[self]


_ARROWS = {
    Direction.IMPROVED: "↑",
    Direction.SAME: "→",
    Direction.WORSE: "↓",
    Direction.NONE: "",
}

_DIRECTION_LABELS = {
    Direction.IMPROVED: "Improved",
    Direction.SAME: "No change",
    Direction.WORSE: "Worse",
    Direction.NONE: "No previous rating",
}


@dataclass(frozen=True)
class EffectiveRag:
    """The RAG the product shows, with the reason when the rules overrode it."""

    rag: Rag
    reason: str | None = None

    @property
    def is_overdue(self) -> bool:
        return self.reason == OVERDUE


def is_overdue(due_date: date | None, today: date, complete: bool = False) -> bool:
    """True when the due date has passed and the action is not complete.

    An action due today is not overdue until tomorrow. Calendar days count
    here; the escalation ladder counts working days instead.
    """
    return due_date is not None and not complete and due_date < today


def effective_rag(
    proposed: Rag | None,
    due_date: date | None,
    today: date,
    complete: bool = False,
) -> EffectiveRag:
    """The RAG to show for an action.

    ``complete`` (evidence accepted) is what makes an action Complete, not
    the proposed rating: a proposed Complete on an open action shows Green,
    as "Completed subject to monitoring" does in real plans, until it is
    signed off. An overdue action is Red whatever was proposed.
    """
    if complete:
        return EffectiveRag(Rag.COMPLETE)
    if is_overdue(due_date, today, complete):
        return EffectiveRag(Rag.RED, OVERDUE)
    if proposed is None:
        return EffectiveRag(Rag.NOT_STARTED)
    if proposed == Rag.COMPLETE:
        return EffectiveRag(Rag.GREEN)
    return EffectiveRag(proposed)


# Not started has no place on the scale: it cannot be better or worse.
_SCALE = {Rag.RED: 0, Rag.AMBER: 1, Rag.GREEN: 2, Rag.COMPLETE: 3}


def direction_of_travel(previous: Rag | None, current: Rag | None) -> Direction:
    """Compare this period's RAG with last period's, on the scale Red < Amber < Green < Complete.

    NONE when either side has no rating (None or Not started), including a
    first rating after Not started and a rating withdrawn back to Not started.
    """
    if previous not in _SCALE or current not in _SCALE:
        return Direction.NONE
    before, now = _SCALE[previous], _SCALE[current]
    if now > before:
        return Direction.IMPROVED
    if now < before:
        return Direction.WORSE
    return Direction.SAME
