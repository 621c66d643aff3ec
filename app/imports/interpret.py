"""Pillar's reading of a table: the pillars, outcomes, actions and people in it,
and every row it could not read, and why. Pure: no database, no Flask.

Rules, in the order they apply to each row below the header:
- a blank row, or a repeat of the header row, is skipped;
- a row whose text is a section heading ("Pillar Two: …", "2.1 Outcome – …",
  "Key Objectives: …", "Accountable Leads: …") sets the pillar or outcome the
  rows after it belong to;
- a row with neither reference nor action text continues the action above
  (a merged action cell over several rows, each with its own date or lead);
- any other row is an action. Its reference places it (``2.4.1`` is in
  pillar 2, outcome 2.4); a row without one is given the next free number
  under the outcome or pillar it sits in, and the report says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from app.domain.lifecycle import ActionState
from app.domain.plan_cells import (
    Section,
    parent_references,
    read_links,
    read_rag,
    read_section,
    split_leads,
    split_reference,
)
from app.domain.rag import Direction, Rag
from app.domain.timescale import Timescale, TimescaleKind, parse_timescale
from app.imports.headers import Field, Mapping, find_header_row, guess_mapping
from app.imports.reader import Table

__all__ = ["ActionReading", "PlanReading", "RowIssue", "interpret"]

ERROR = "error"
WARNING = "warning"

TITLE_LIMIT = 500
TIMESCALE_LIMIT = 300
WORKSTREAM_LIMIT = 200


@dataclass(frozen=True)
class RowIssue:
    row: int | None  # the sheet's row number; None for the file as a whole
    level: str  # "error" stops the import; "warning" does not (unless strict)
    field: str
    message: str

    def __str__(self) -> str:
        where = f"Row {self.row}" if self.row else "File"
        return f"{where}: {self.message}"


@dataclass
class PillarReading:
    number: int
    title: str = ""
    key_objectives: str | None = None
    leads: list[str] = field(default_factory=list)
    row: int | None = None
    named: bool = True  # False when the file gave no title and one was made up


@dataclass
class OutcomeReading:
    reference: str
    pillar: int
    statement: str = ""
    row: int | None = None
    named: bool = True


@dataclass
class ActionReading:
    row: int
    reference: str | None
    pillar: int
    outcome: str | None
    title: str
    steps: str | None = None
    timescale: Timescale | None = None
    start_date: date | None = None
    due_date: date | None = None
    state: ActionState | None = None  # None: derived on creation, kept on update
    rag: Rag | None = None
    direction: Direction | None = None
    leads: list[str] = field(default_factory=list)
    measures: str | None = None
    workstream: str | None = None
    links: list[str] = field(default_factory=list)
    commentary: str | None = None
    given_reference: bool = False

    @property
    def derived_state(self) -> ActionState:
        if self.state is not None:
            return self.state
        if self.timescale is not None and self.timescale.kind is TimescaleKind.COMPLETED:
            if "monitor" in self.timescale.text.lower():
                return ActionState.COMPLETE_MONITORING
            return ActionState.COMPLETE
        if self.rag is Rag.COMPLETE:
            return ActionState.COMPLETE
        if self.rag in (None, Rag.NOT_STARTED):
            return ActionState.NOT_STARTED
        return ActionState.IN_PROGRESS


@dataclass
class PlanReading:
    table: Table
    header_row: int | None = None  # the sheet's row number
    mapping: Mapping | None = None
    title: str | None = None  # from the title rows above the header
    pillars: dict[int, PillarReading] = field(default_factory=dict)
    outcomes: dict[str, OutcomeReading] = field(default_factory=dict)
    actions: list[ActionReading] = field(default_factory=list)
    issues: list[RowIssue] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[RowIssue]:
        return [issue for issue in self.issues if issue.level == ERROR]

    @property
    def warnings(self) -> list[RowIssue]:
        return [issue for issue in self.issues if issue.level == WARNING]

    def can_import(self, strict: bool = False) -> bool:
        return not self.errors and not (strict and self.warnings)

    @property
    def people(self) -> list[str]:
        """Everyone the plan names, once each, in the order first named."""
        names: dict[str, str] = {}
        for pillar in self.pillars.values():
            for name in pillar.leads:
                names.setdefault(name.casefold(), name)
        for action in self.actions:
            for name in action.leads:
                names.setdefault(name.casefold(), name)
        return list(names.values())

    @property
    def requirements(self) -> list[str]:
        found: dict[str, None] = {}
        for action in self.actions:
            for number in action.links:
                found.setdefault(number, None)
        return list(found)

    def _issue(self, row: int | None, level: str, field: str, message: str) -> None:
        self.issues.append(RowIssue(row, level, field, message))


def interpret(
    table: Table,
    *,
    overrides: dict[int, Field | None] | None = None,
    known_people: frozenset[str] | set[str] = frozenset(),
) -> PlanReading:
    """Read a table into a :class:`PlanReading`. Never raises for bad content."""
    reading = PlanReading(table)
    header_index = find_header_row(table.rows)
    if header_index is None:
        reading._issue(
            None,
            ERROR,
            "",
            "No header row found in the first 30 rows: add a row naming the columns, "
            "such as Reference, Action, Timescale, RAG, Delivery lead",
        )
        return reading
    reading.header_row = header_index + 1
    header = table.rows[header_index]
    mapping = guess_mapping(header, max(table.width, len(header)), overrides)
    reading.mapping = mapping
    above = [[cell for cell in row if cell] for row in table.rows[:header_index]]
    reading.title = next((filled[0] for filled in above if filled and read_section(filled[0]) is None), None)
    if mapping.column(Field.TITLE) is None:
        reading._issue(
            reading.header_row,
            ERROR,
            "title",
            "No column for the action text: name one Action, Actions or Key action, or choose it in the mapping",
        )
        return reading
    interpreter = _Interpreter(reading, mapping, header, known_people)
    # Word tables often put the first pillar's heading above the column headings.
    for number, filled in enumerate(above, start=1):
        if len(filled) == 1 and read_section(filled[0]) is not None:
            interpreter.section((), filled, number)
    interpreter.run(table.rows[header_index + 1 :], header_index + 2)
    return reading


_NOTE_RE = re.compile(r"(?:please\s+)?(?:notes?|nb|n\.b\.)\b", re.IGNORECASE)
_BULLET_RE = re.compile(r"^\s*(?:[-•*▪◦●–]|\d+[.)])\s+")


def split_title(text: str) -> tuple[str, str | None]:
    """An action's title is its first line; the whole cell is kept as its steps.

    A single line that fits is the title alone. A title longer than the
    column allows is cut at a word and ends with an ellipsis.
    """
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return "", None
    first = _BULLET_RE.sub("", lines[0])
    if len(first) > TITLE_LIMIT:
        first = first[: TITLE_LIMIT - 1].rsplit(" ", 1)[0] + "…"
    steps = "\n".join(lines)
    return first, (steps if steps != first else None)


class _Interpreter:
    def __init__(self, reading: PlanReading, mapping: Mapping, header: tuple[str, ...], known: frozenset[str] | set[str]):
        self.reading = reading
        self.mapping = mapping
        self.header = tuple(cell.casefold() for cell in header)
        self.known = set(known)
        self.pillar: int | None = None
        self.outcome: str | None = None
        self.last: ActionReading | None = None
        self.seen: dict[str, int] = {}

    def cell(self, row: tuple[str, ...], field: Field) -> str:
        index = self.mapping.column(field)
        if index is None or index >= len(row):
            return ""
        return row[index]

    def issue(self, row: int, level: str, field: str, message: str) -> None:
        self.reading._issue(row, level, field, message)

    def run(self, rows: tuple[tuple[str, ...], ...], first_number: int) -> None:
        for offset, row in enumerate(rows):
            number = first_number + offset
            filled = [cell for cell in row if cell]
            if not filled:
                continue
            if tuple(cell.casefold() for cell in row) == self.header[: len(row)]:
                continue  # the header repeated on each printed page
            if self.section(row, filled, number):
                continue
            reference_cell = self.cell(row, Field.REFERENCE)
            title_cell = self.cell(row, Field.TITLE)
            if not title_cell and not split_reference(reference_cell)[0]:
                self.continue_last(row, number)
                continue
            self.action(row, number)
        self.finish()

    # --- sections ---------------------------------------------------------

    def section(self, row: tuple[str, ...], filled: list[str], number: int) -> bool:
        if self.cell(row, Field.TITLE) and len(filled) > 1:
            return False
        found = read_section(filled[0])
        if found is None and len(filled) == 1 and not self.cell(row, Field.TITLE):
            # "2.1 Deliver a robust programme" alone in the reference column heads an outcome.
            reference, statement = split_reference(self.cell(row, Field.REFERENCE))
            if reference and reference.count(".") == 1 and statement:
                found = Section("outcome", statement, reference=reference)
        if found is None and len(filled) == 1 and _NOTE_RE.match(filled[0]):
            self.issue(number, WARNING, "", f"Not read: '{_short(filled[0])}' is a note, not an action")
            return True
        if found is None:
            if len(filled) == 1 and not self.cell(row, Field.TITLE) and not split_reference(self.cell(row, Field.REFERENCE))[0]:
                self.issue(number, WARNING, "", f"Not read: '{_short(filled[0])}' is not an action or a section heading")
                return True
            return False
        pillars = self.reading.pillars
        if found.kind == "pillar":
            self.pillar, self.outcome = found.number, None
            pillar = pillars.setdefault(found.number, PillarReading(found.number))
            pillar.title, pillar.row = found.text or pillar.title, number
        elif found.kind == "outcome":
            pillar_number, _ = parent_references(found.reference + ".0")
            self.pillar, self.outcome = pillar_number, found.reference
            pillars.setdefault(pillar_number, PillarReading(pillar_number, row=number))
            self.reading.outcomes[found.reference] = OutcomeReading(found.reference, pillar_number, found.text, number)
        elif self.pillar is None:
            self.issue(number, WARNING, "", f"Not read: '{_short(filled[0])}' comes before any pillar heading")
        elif found.kind == "key_objectives":
            pillars[self.pillar].key_objectives = found.text
        else:
            leads = split_leads(found.text, self.known)
            pillars[self.pillar].leads = list(leads.names)
            for problem in leads.problems:
                self.issue(number, WARNING, "leads", problem)
        return True

    # --- actions ----------------------------------------------------------

    def action(self, row: tuple[str, ...], number: int) -> None:
        reference, rest = split_reference(self.cell(row, Field.REFERENCE))
        links_text = " ".join(filter(None, [rest, self.cell(row, Field.LINKS)]))
        if self.cell(row, Field.REFERENCE) and reference is None:
            self.issue(number, WARNING, "reference", f"'{_short(self.cell(row, Field.REFERENCE))}' is not a reference like 1.2.3; given a new one")
        pillar, outcome = self.place(row, reference, number)
        title_cell = self.cell(row, Field.TITLE)
        steps_cell = self.cell(row, Field.STEPS)
        if steps_cell or self.mapping.column(Field.STEPS) is not None:
            title, steps = title_cell.strip(), steps_cell or None
            if len(title) > TITLE_LIMIT:
                title = title[: TITLE_LIMIT - 1].rsplit(" ", 1)[0] + "…"
        else:
            title, steps = split_title(title_cell)
        if not title:
            self.issue(number, WARNING, "title", f"Action {reference} has no action text")
            title = f"Action {reference}" if reference else "Action"
        action = ActionReading(row=number, reference=reference, pillar=pillar, outcome=outcome, title=title, steps=steps)
        action.links = read_links(links_text)
        self.read_fields(action, row, number)
        self.reading.actions.append(action)
        self.last = action
        if reference is not None:
            if reference in self.seen:
                self.issue(
                    number, ERROR, "reference",
                    f"Reference {reference} is used twice (rows {self.seen[reference]} and {number}): give each action its own",
                )
            else:
                self.seen[reference] = number

    def place(self, row: tuple[str, ...], reference: str | None, number: int) -> tuple[int, str | None]:
        pillar_cell, outcome_cell = self.cell(row, Field.PILLAR), self.cell(row, Field.OUTCOME)
        pillars = self.reading.pillars
        if pillar_cell:
            match = re.match(r"\s*(?:pillar\s+)?(\d{1,3})[.:)]?\s*(.*)", pillar_cell, re.IGNORECASE | re.DOTALL)
            if match:
                pillar = pillars.setdefault(int(match[1]), PillarReading(int(match[1]), row=number))
                pillar.title = pillar.title or match[2].strip()
                self.pillar = pillar.number
        if outcome_cell:
            ref, statement = split_reference(outcome_cell)
            if ref and "." in ref:
                if ref not in self.reading.outcomes:
                    self.reading.outcomes[ref] = OutcomeReading(ref, int(ref.split(".")[0]), statement, number)
                self.outcome = ref
        if reference is not None:
            pillar_number, outcome = parent_references(reference)
            if outcome is None and "." not in reference:
                # "7" names the action, not its pillar.
                pillar_number = self.pillar if self.pillar is not None else self.default_pillar(number)
            pillars.setdefault(pillar_number, PillarReading(pillar_number, row=number))
            if outcome is not None and outcome not in self.reading.outcomes:
                self.reading.outcomes[outcome] = OutcomeReading(outcome, pillar_number, "", number)
            self.pillar = pillar_number
            self.outcome = outcome
            return pillar_number, outcome
        pillar_number = self.pillar if self.pillar is not None else self.default_pillar(number)
        return pillar_number, self.outcome

    def default_pillar(self, number: int) -> int:
        if 1 not in self.reading.pillars:
            self.reading.pillars[1] = PillarReading(1, "Actions", row=number)
            self.reading.notes.append("The file names no pillars: every action goes in one pillar, 'Actions'")
        self.pillar = 1
        return 1

    def read_fields(self, action: ActionReading, row: tuple[str, ...], number: int) -> None:
        label = action.reference or f"on row {number}"
        timescale_text = self.cell(row, Field.TIMESCALE)
        if timescale_text:
            self.set_timescale(action, timescale_text)
        for field_, attribute in ((Field.START_DATE, "start_date"), (Field.DUE_DATE, "due_date")):
            text = self.cell(row, field_)
            if not text:
                continue
            when = _read_date(text)
            if when is None:
                self.issue(number, WARNING, attribute, f"{field_.label} '{text}' of {label} is not a date; left empty")
            setattr(action, attribute, when)
        rag_text = self.cell(row, Field.RAG)
        if rag_text:
            rag = read_rag(rag_text)
            action.rag, action.direction = rag.rag, rag.direction
            if rag.problem:
                self.issue(number, WARNING, "rag", f"{label}: {rag.problem}")
        state_text = self.cell(row, Field.STATE)
        if state_text:
            action.state = _read_state(state_text)
            if action.state is None:
                self.issue(number, WARNING, "state", f"{label}: '{state_text}' is not an action state; left as it is")
        leads_text = self.cell(row, Field.LEADS)
        if leads_text:
            leads = split_leads(leads_text, self.known)
            action.leads = list(leads.names)
            for problem in leads.problems:
                self.issue(number, WARNING, "leads", f"{label}: {problem}")
        measures = self.cell(row, Field.MEASURES)
        baseline = self.cell(row, Field.BASELINE)
        parts = [measures] if measures else []
        if baseline:
            parts.append(f"Baseline: {baseline}")
        action.measures = "\n".join(parts) or None
        workstream = self.cell(row, Field.WORKSTREAM)
        if len(workstream) > WORKSTREAM_LIMIT:
            self.issue(number, ERROR, "workstream", f"The workstream of {label} is longer than {WORKSTREAM_LIMIT} characters")
        action.workstream = workstream or None
        action.commentary = self.cell(row, Field.COMMENTARY) or None

    def set_timescale(self, action: ActionReading, text: str) -> None:
        timescale = parse_timescale(text)
        action.timescale = timescale
        # Dates given in their own columns (Pillar's own export) are the truth.
        if self.mapping.column(Field.DUE_DATE) is None:
            action.due_date = timescale.due_date
        if self.mapping.column(Field.START_DATE) is None:
            action.start_date = timescale.start_date

    def timescale_issues(self, action: ActionReading) -> None:
        timescale = action.timescale
        if timescale is None:
            return
        if self.mapping.column(Field.DUE_DATE) is not None and action.due_date is not None:
            return  # the due date was settled in its own column
        label = action.reference or f"on row {action.row}"
        if len(timescale.text) > TIMESCALE_LIMIT:
            self.issue(action.row, ERROR, "timescale", f"The timescale of {label} is longer than {TIMESCALE_LIMIT} characters")
        for warning in timescale.warnings:
            if timescale.due_date is None:
                self.issue(action.row, WARNING, "timescale", f"{label} has no due date: {warning}")
            else:
                self.issue(action.row, WARNING, "timescale", f"{label}: {warning}")

    def continue_last(self, row: tuple[str, ...], number: int) -> None:
        if self.last is None:
            text = next(cell for cell in row if cell)
            self.issue(number, WARNING, "", f"Not read: '{_short(text)}' comes before the first action")
            return
        action = self.last
        if text := self.cell(row, Field.TIMESCALE):
            self.set_timescale(action, "\n".join(filter(None, [action.timescale.text if action.timescale else "", text])))
        if text := self.cell(row, Field.LEADS):
            for name in split_leads(text, self.known).names:
                if name.casefold() not in {lead.casefold() for lead in action.leads}:
                    action.leads.append(name)
        if text := self.cell(row, Field.MEASURES):
            action.measures = "\n".join(filter(None, [action.measures, text]))
        if text := self.cell(row, Field.LINKS):
            action.links += [n for n in read_links(text) if n not in action.links]

    def finish(self) -> None:
        reading = self.reading
        if not reading.actions and not reading.errors:
            reading._issue(None, ERROR, "", "No actions found below the header row")
        used = {action.reference for action in reading.actions if action.reference}
        for action in reading.actions:
            if action.reference is not None:
                continue
            parent = action.outcome or str(action.pillar)
            n = 1
            while f"{parent}.{n}" in used:
                n += 1
            action.reference = f"{parent}.{n}"
            action.given_reference = True
            used.add(action.reference)
            reading._issue(action.row, WARNING, "reference", f"No reference: given {action.reference}")
        for action in reading.actions:
            self.timescale_issues(action)
        reading.issues.sort(key=lambda issue: issue.row or 0)
        for outcome in reading.outcomes.values():
            if not outcome.statement:
                outcome.statement, outcome.named = f"Outcome {outcome.reference}", False
                reading.notes.append(f"Outcome {outcome.reference} has no heading row in the file: called 'Outcome {outcome.reference}'")
        for pillar in reading.pillars.values():
            if not pillar.title:
                pillar.title, pillar.named = f"Pillar {pillar.number}", False
                reading.notes.append(f"Pillar {pillar.number} has no heading row in the file: called 'Pillar {pillar.number}'")
        if self.mapping.column(Field.COMMENTARY) is not None:
            reading.notes.append("Commentary is shown here but not imported: post it as each action's first update")
        if any(action.direction for action in reading.actions):
            reading.notes.append("Arrows beside a RAG are read as direction of travel and shown here; Pillar works out direction from updates")


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


_ISO_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ T].*)?")


def _read_date(text: str) -> date | None:
    if match := _ISO_RE.fullmatch(text.strip()):
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return None
    timescale = parse_timescale(text)
    if timescale.kind is TimescaleKind.DATE and not timescale.warnings:
        return timescale.due_date
    return None


def _read_state(text: str) -> ActionState | None:
    key = " ".join(text.replace("_", " ").replace("–", "-").split()).casefold()
    for state in ActionState:
        if key in (state.value.replace("_", " "), state.label.casefold(), state.label.replace("–", "-").casefold()):
            return state
    return None
