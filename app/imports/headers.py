"""Finding the header row and what each column holds."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "ACTION_LOG_COLUMNS",
    "Field",
    "Mapping",
    "find_header_row",
    "guess_mapping",
]


class Field(StrEnum):
    """What a column can hold. The values are what the mapping form posts."""

    REFERENCE = "reference"
    PILLAR = "pillar"
    OUTCOME = "outcome"
    TITLE = "title"
    STEPS = "steps"
    TIMESCALE = "timescale"
    START_DATE = "start_date"
    DUE_DATE = "due_date"
    STATE = "state"
    RAG = "rag"
    LEADS = "leads"
    MEASURES = "measures"
    BASELINE = "baseline"
    LINKS = "links"
    WORKSTREAM = "workstream"
    COMMENTARY = "commentary"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Field.REFERENCE: "Reference",
    Field.PILLAR: "Pillar",
    Field.OUTCOME: "Outcome",
    Field.TITLE: "Action",
    Field.STEPS: "Steps",
    Field.TIMESCALE: "Timescale",
    Field.START_DATE: "Start date",
    Field.DUE_DATE: "Due date",
    Field.STATE: "State",
    Field.RAG: "RAG",
    Field.LEADS: "Delivery leads",
    Field.MEASURES: "Targets and measures",
    Field.BASELINE: "Baseline",
    Field.LINKS: "Links to requirements",
    Field.WORKSTREAM: "Workstream",
    Field.COMMENTARY: "Commentary",
}

#: The columns of Pillar's action log export, in order. The exporter writes
#: these headings and the importer reads them back: a Pillar cell is
#: "<number>. <title>", an Outcome cell "<reference> <statement>", dates are
#: Excel dates (or ISO text), Delivery leads and Links are separated by "; ".
ACTION_LOG_COLUMNS: tuple[tuple[str, Field], ...] = (
    ("Reference", Field.REFERENCE),
    ("Pillar", Field.PILLAR),
    ("Outcome", Field.OUTCOME),
    ("Action", Field.TITLE),
    ("Steps", Field.STEPS),
    ("Timescale", Field.TIMESCALE),
    ("Start date", Field.START_DATE),
    ("Due date", Field.DUE_DATE),
    ("State", Field.STATE),
    ("RAG", Field.RAG),
    ("Delivery leads", Field.LEADS),
    ("Targets and measures", Field.MEASURES),
    ("Workstream", Field.WORKSTREAM),
    ("Links", Field.LINKS),
)

_SYNONYMS: dict[Field, tuple[str, ...]] = {
    Field.REFERENCE: ("reference", "ref", "ref no", "reference number", "action reference", "action ref", "no", "number", "id"),
    Field.PILLAR: ("pillar", "theme", "priority", "priority area"),
    Field.OUTCOME: ("outcome", "outcomes", "objective", "expected outcome"),
    Field.TITLE: (
        "action", "actions", "key action", "key actions", "action required", "actions required",
        "what will be done", "description", "action description", "task",
    ),
    Field.STEPS: ("steps", "key steps", "sub actions"),
    Field.TIMESCALE: ("timescale", "timescales", "target date", "target dates", "deadline", "by when", "timeframe", "completion date"),
    Field.START_DATE: ("start date", "start"),
    Field.DUE_DATE: ("due date", "due"),
    Field.STATE: ("state", "action state"),
    Field.RAG: ("rag", "rag status", "rag rating", "status", "progress rag", "current rag"),
    Field.LEADS: (
        "delivery lead", "delivery leads", "lead", "leads", "lead officer", "lead officers", "responsible officer",
        "responsible", "owner", "action owner", "lead person",
    ),
    Field.MEASURES: (
        "targets and measures", "target and measures", "measures", "success measures", "measures of success",
        "success criteria", "targets", "outcome measures", "evidence of success",
    ),
    Field.BASELINE: ("baseline", "baseline position"),
    Field.LINKS: ("links", "links to", "linked requirements", "requirements", "link to requirements"),
    Field.WORKSTREAM: ("workstream", "work stream"),
    Field.COMMENTARY: ("commentary", "comments", "progress update", "progress", "update", "notes"),
}  # fmt: skip

_HEADING_TO_FIELD = {heading: field for field, headings in _SYNONYMS.items() for heading in headings}


def normalise_heading(text: str) -> str:
    text = text.casefold().replace("(s)", "s").replace("&", " and ")
    text = re.sub(r"[^\w\s]", " ", text)
    return " ".join(text.split())


def field_for_heading(text: str) -> Field | None:
    return _HEADING_TO_FIELD.get(normalise_heading(text))


HEADER_SEARCH_ROWS = 30


def find_header_row(rows: tuple[tuple[str, ...], ...]) -> int | None:
    """The index of the first row, within the first 30, naming at least two known columns."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        fields = {field_for_heading(cell) for cell in row if cell}
        fields.discard(None)
        if len(fields) >= 2:
            return index
    return None


@dataclass(frozen=True)
class Mapping:
    """Which field each column holds: ``fields[i]`` for column ``i``, None to ignore it."""

    headings: tuple[str, ...]
    fields: tuple[Field | None, ...]

    def column(self, field: Field) -> int | None:
        try:
            return self.fields.index(field)
        except ValueError:
            return None

    def as_form(self) -> dict[str, str]:
        return {f"column_{i}": (field.value if field else "") for i, field in enumerate(self.fields)}


def guess_mapping(header: tuple[str, ...], width: int, overrides: dict[int, Field | None] | None = None) -> Mapping:
    """Map each column by its heading; the first column with a heading wins a field.

    ``overrides`` (column index -> field, or None to ignore) is the user's
    correction and wins over the headings; a field chosen for one column is
    taken away from any other.
    """
    headings = tuple(header) + ("",) * (width - len(header))
    guessed: list[Field | None] = []
    for heading in headings:
        field = field_for_heading(heading) if heading else None
        guessed.append(field if field not in guessed else None)
    if overrides:
        chosen = {field for field in overrides.values() if field is not None}
        guessed = [None if field in chosen else field for field in guessed]
        for index, field in overrides.items():
            if 0 <= index < width:
                guessed[index] = field
    return Mapping(headings, tuple(guessed))
