"""What changed between two states of a plan: pure, from two ``PlanState`` values."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from app.board.state import ActionRow, PlanState
from app.domain.rag import Rag

RAG_CHANGED = "RAG changed"
BECAME_OVERDUE = "Became overdue"
BECAME_COMPLETE = "Became complete"
NEW = "New"
REMOVED = "Removed"
KINDS = (RAG_CHANGED, BECAME_OVERDUE, BECAME_COMPLETE, NEW, REMOVED)

COMPARISON_HEADINGS = ("Change", "Reference", "Action", "Before", "After")


@dataclass(frozen=True)
class Change:
    kind: str
    reference: str
    title: str
    before: str
    after: str

    def cells(self) -> list[str]:
        return [self.kind, self.reference, self.title, self.before, self.after]


@dataclass(frozen=True)
class Comparison:
    earlier: PlanState
    later: PlanState
    changes: list[Change]

    def of_kind(self, kind: str) -> list[Change]:
        return [change for change in self.changes if change.kind == kind]


def _rag_text(row: ActionRow) -> str:
    return Rag(row.rag).label + (f" ({row.reason})" if row.reason else "")


def compare(earlier: PlanState, later: PlanState) -> Comparison:
    """Changes from ``earlier`` to ``later``, actions matched by id, in the later plan's order."""
    return Comparison(earlier, later, changes_between(earlier.actions, later.actions))


def changes_between(earlier: Sequence[ActionRow], later: Sequence[ActionRow]) -> list[Change]:
    """``compare`` for two lists of action rows (anything with the fields it reads: id,
    reference, title, rag, reason, overdue and due_date)."""
    before = {row.id: row for row in earlier}
    after_ids = {row.id for row in later}
    changes: list[Change] = []
    for row in later:
        old = before.get(row.id)
        if old is None:
            changes.append(Change(NEW, row.reference, row.title, "", _rag_text(row)))
            continue
        if old.rag != row.rag:
            changes.append(Change(RAG_CHANGED, row.reference, row.title, _rag_text(old), _rag_text(row)))
        if row.overdue and not old.overdue:
            changes.append(Change(BECAME_OVERDUE, row.reference, row.title, old.due_date or "", row.due_date or ""))
        if row.rag == Rag.COMPLETE and old.rag != Rag.COMPLETE:
            changes.append(Change(BECAME_COMPLETE, row.reference, row.title, _rag_text(old), _rag_text(row)))
    changes.extend(
        Change(REMOVED, row.reference, row.title, _rag_text(row), "")
        for row in earlier
        if row.id not in after_ids
    )
    order = {kind: index for index, kind in enumerate(KINDS)}
    changes.sort(key=lambda change: order[change.kind])  # stable: plan order within a kind
    return changes


def comparison_csv_rows(comparison: Comparison) -> Iterator[list[str]]:
    yield list(COMPARISON_HEADINGS)
    for change in comparison.changes:
        yield change.cells()
