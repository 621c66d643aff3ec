"""Roll-up of actions' effective RAG into outcome, pillar and plan status."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from enum import StrEnum
from fractions import Fraction

from app.domain.rag import Rag

__all__ = [
    "DEFAULT_RULE",
    "ChildStatus",
    "RagCounts",
    "RollupMethod",
    "RollupRule",
    "RollupStatus",
    "roll_up",
    "roll_up_counts",
]


class RollupMethod(StrEnum):
    THRESHOLD = "threshold"
    WORST_OF = "worst_of"


@dataclass(frozen=True)
class RollupRule:
    """A plan's roll-up rule; the default is DOMAIN.md's threshold rule."""

    method: RollupMethod = RollupMethod.THRESHOLD
    red_threshold: float = 0.25

    def __post_init__(self) -> None:
        # Settings arrive as strings and Decimals from forms and the database.
        object.__setattr__(self, "method", RollupMethod(self.method))
        object.__setattr__(self, "red_threshold", float(self.red_threshold))
        if not 0 < self.red_threshold <= 1:
            raise ValueError(f"red threshold must be more than 0 and at most 1, not {self.red_threshold!r}")

    def describe(self) -> str:
        """The rule as a sentence, for the board pack."""
        if self.method is RollupMethod.WORST_OF:
            middle = "Red when any open action is red or escalated to the board; Amber when any open action is amber; "
        else:
            percent = format(self.red_threshold * 100, ".4g")
            middle = (
                f"Red when red actions are at least {percent}% of open actions "
                "or any open action is escalated to the board; "
                "Amber when any open action is red or amber; "
            )
        return (
            f"Complete when every action is complete; {middle}Green otherwise. Not rated when no action has a rating."
        )


DEFAULT_RULE = RollupRule()


@dataclass(frozen=True)
class ChildStatus:
    """One action as the roll-up sees it: its effective RAG."""

    rag: Rag
    escalated_to_board: bool = False


@dataclass(frozen=True)
class RagCounts:
    """Actions counted by effective RAG.

    ``escalated_to_board`` counts open actions only (an escalation on a
    completed action no longer matters), so it can never exceed ``open``.
    """

    red: int = 0
    amber: int = 0
    green: int = 0
    complete: int = 0
    not_started: int = 0
    escalated_to_board: int = 0

    def __post_init__(self) -> None:
        for field in fields(self):
            if getattr(self, field.name) < 0:
                raise ValueError(f"{field.name} count cannot be negative")
        if self.escalated_to_board > self.open:
            raise ValueError(
                f"{self.escalated_to_board} escalated to the board but only "
                f"{self.open} open actions; count open actions only"
            )

    @classmethod
    def of(cls, children: Iterable[ChildStatus]) -> RagCounts:
        tally = dict.fromkeys(Rag, 0)
        escalated = 0
        for child in children:
            tally[child.rag] += 1
            if child.escalated_to_board and child.rag != Rag.COMPLETE:
                escalated += 1
        return cls(
            red=tally[Rag.RED],
            amber=tally[Rag.AMBER],
            green=tally[Rag.GREEN],
            complete=tally[Rag.COMPLETE],
            not_started=tally[Rag.NOT_STARTED],
            escalated_to_board=escalated,
        )

    @property
    def total(self) -> int:
        return self.red + self.amber + self.green + self.complete + self.not_started

    @property
    def open(self) -> int:
        return self.total - self.complete

    @property
    def rated(self) -> int:
        """Actions with a rating: everything but Not started."""
        return self.total - self.not_started

    def add(self, other: RagCounts) -> RagCounts:
        return RagCounts(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)})

    def describe(self) -> str:
        """For example "3 red, 5 amber, 4 complete; 1 escalated to the board"."""
        if self.total == 0:
            return "no actions"
        parts = [
            f"{count} {word}"
            for count, word in (
                (self.red, "red"),
                (self.amber, "amber"),
                (self.green, "green"),
                (self.complete, "complete"),
                (self.not_started, "not started"),
            )
            if count
        ]
        text = ", ".join(parts)
        if self.escalated_to_board:
            # Escalated actions are already counted by RAG, so not in the list.
            text += f"; {self.escalated_to_board} escalated to the board"
        return text


@dataclass(frozen=True)
class RollupStatus:
    """A rolled-up status and why. ``rag`` None means Not rated."""

    rag: Rag | None
    counts: RagCounts
    reason: str

    @property
    def label(self) -> str:
        return "Not rated" if self.rag is None else self.rag.label


def roll_up(children: Iterable[ChildStatus], rule: RollupRule = DEFAULT_RULE) -> RollupStatus:
    """Roll up actions' effective RAG. See :func:`roll_up_counts`."""
    return roll_up_counts(RagCounts.of(children), rule)


def roll_up_counts(counts: RagCounts, rule: RollupRule = DEFAULT_RULE) -> RollupStatus:
    """Apply the roll-up rule to counts of actions by effective RAG.

    In order: Complete when there is at least one action and all are
    complete; Red by the rule's red test; Not rated when no action has a
    rating; Amber when any open action is Red or Amber (threshold) or Amber
    (worst of); Green otherwise.

    Two choices DOMAIN.md leaves open:
    - Not rated only when no action at all has a rating. Some complete
      actions with the rest not started is Green: nothing is at risk, and
      an open action overdue would already be Red.
    - An open action escalated to the board makes the status Red under
      "worst of" too, so "worst of" is never milder than the threshold rule.
      The red test comes before Not rated for the same reason: a board
      escalation is never hidden.
    """
    return RollupStatus(_rag_for(counts, rule), counts, counts.describe())


def _rag_for(counts: RagCounts, rule: RollupRule) -> Rag | None:
    if counts.total == 0:
        return None
    if counts.complete == counts.total:
        return Rag.COMPLETE
    if counts.escalated_to_board or _red_by_rule(counts, rule):
        return Rag.RED
    if counts.rated == 0:
        return None
    if counts.red or counts.amber:
        return Rag.AMBER
    return Rag.GREEN


def _red_by_rule(counts: RagCounts, rule: RollupRule) -> bool:
    if rule.method is RollupMethod.WORST_OF:
        return counts.red > 0
    # Fraction of the decimal text, so that 3 of 30 meets a 0.1 threshold
    # exactly rather than missing it by a float rounding error.
    return Fraction(counts.red, counts.open) >= Fraction(str(rule.red_threshold))
