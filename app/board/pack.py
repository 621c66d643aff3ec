"""The board pack, in DOMAIN.md's shape, as a tagged PDF (PDF/UA-1) and as Word.

Both render from ``PlanState`` alone and share the cell texts below, so the
PDF and the Word file say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import IO

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from flask import render_template

from app.board.state import ActionRow, PillarRow, PlanState
from app.domain.rag import Direction, Rag
from app.formatting import uk_date

NO_ESCALATIONS = "There are no escalated issues in this period."
NO_TARGETS = "There are no Improvement Notice targets recorded for this plan."
NOT_ANSWERED = "Not answered by any action"

ACTION_HEADINGS = (
    "Reference",
    "Action",
    "Timescale",
    "RAG and direction",
    "Delivery lead",
    "Targets and measures",
    "Commentary for the period",
    "Outstanding actions required",
    "Risks, issues and mitigation",
)
SUMMARY_HEADINGS = ("Pillar", "Accountable", "Status", "Why", "Direction of travel", "Overdue")
TARGET_HEADINGS = (
    "Target", "Current performance", "Direction of travel", "Commentary", "Actions", "Additional information",
)
ESCALATION_HEADINGS = ("Reference", "Action", "Level", "Reason", "Director", "Director's response")
PEOPLE_HEADINGS = ("Name", "Job title", "Organisation")
COVERAGE_HEADINGS = ("Requirement", "Kind", "Text", "Answered by")


def _uk(iso: str | None, empty: str = "") -> str:
    return uk_date(date.fromisoformat(iso)) if iso else empty


def _direction_text(value: str, previous: str | None = None) -> str:
    direction = Direction(value)
    if direction is Direction.NONE:
        return "No previous rating"
    text = f"{direction.arrow} {direction.label}"
    if previous:
        text += f" (was {Rag(previous).label})"
    return text


def header_text(state: PlanState) -> str:
    return f"{state.plan_title} – as at {_uk(state.as_at)}"


def period_text(state: PlanState) -> str:
    if state.period_start:
        return f"{_uk(state.period_start)} to {_uk(state.period_end)}"
    return f"Up to {_uk(state.period_end)}"


def cover_lines(state: PlanState) -> list[tuple[str, str]]:
    lines = [("Plan", state.plan_title)]
    if state.organisation:
        lines.append(("Organisation", state.organisation))
    if state.board_name:
        lines.append(("Board", state.board_name))
    if state.meeting_title:
        lines.append(("Meeting", state.meeting_title))
    lines.append(("Meeting date" if state.meeting_title else "As at", _uk(state.as_at)))
    lines.append(("Period covered", period_text(state)))
    return lines


def summary_cells(pillar: PillarRow) -> list[str]:
    return [
        pillar.label,
        ", ".join(pillar.accountable_leads),
        pillar.status.label,
        pillar.status.reason,
        _direction_text(pillar.direction, pillar.previous_rag),
        str(pillar.overdue),
    ]


def counts_text(state: PlanState) -> str:
    return f"{state.status.reason}; {state.overdue} overdue"


def action_cells(row: ActionRow) -> list[str]:
    action = row.title + (f"\n{row.steps}" if row.steps else "")
    timescale = row.timescale
    if row.due_date:
        due = f"Due {_uk(row.due_date)}"
        timescale = f"{timescale}\n{due}" if timescale else due
    rag = Rag(row.rag).label + (f", {row.reason}" if row.reason else "")
    direction = Direction(row.direction)
    if direction is not Direction.NONE:
        rag += f"\n{direction.arrow} {direction.label}"
    return [
        row.reference,
        action,
        timescale,
        rag,
        ", ".join(row.delivery_leads),
        row.targets_and_measures,
        row.commentary,
        row.outstanding,
        row.risks,
    ]


def target_cells(target) -> list[str]:
    performance = ", ".join(p for p in (target.status, target.value, _uk(target.value_as_at)) if p)
    direction = target.direction + (f" (previously {target.previous_value})" if target.previous_value else "")
    return [target.target, performance, direction, target.commentary, target.actions, target.additional_information]


def escalation_cells(issue) -> list[str]:
    return [
        issue.reference,
        issue.action_title,
        str(issue.level),
        issue.reason,
        issue.director,
        issue.director_response,
    ]


@dataclass
class OutcomeSection:
    heading: str
    rows: list[ActionRow]


@dataclass
class PillarSection:
    heading: str
    status: str
    outcomes: list[OutcomeSection]


def action_sections(state: PlanState, actions: list[ActionRow] | None = None) -> list[PillarSection]:
    """Actions grouped by pillar and outcome, in plan order."""
    rows = state.actions if actions is None else actions
    by_outcome: dict[tuple[int, str], list[ActionRow]] = {}
    for row in rows:
        by_outcome.setdefault((row.pillar_number, row.outcome_reference), []).append(row)
    sections = []
    for pillar in state.pillars:
        outcomes = []
        for outcome in pillar.outcomes:
            items = by_outcome.get((pillar.number, outcome.reference), [])
            if items:
                heading = f"{outcome.reference} {outcome.statement}".strip()
                outcomes.append(OutcomeSection(heading, items))
        if outcomes:
            sections.append(PillarSection(pillar.label, f"{pillar.status.label}: {pillar.status.reason}", outcomes))
    return sections


def coverage_cells(requirement) -> list[str]:
    return [
        requirement.number,
        requirement.kind,
        requirement.text,
        ", ".join(requirement.actions) if requirement.actions else NOT_ANSWERED,
    ]


def _css_string(text: str) -> str:
    """Text as a CSS string literal (for the running header)."""
    escaped = "".join(ch if ch.isalnum() or ch in " .,:;()–-/'" else f"\\{ord(ch):x} " for ch in text)
    return f'"{escaped}"'


def render_html(state: PlanState) -> str:
    return render_template(
        "board/pack.html",
        state=state,
        title=f"{state.plan_title}: board pack as at {_uk(state.as_at)}",
        header_css=_css_string(header_text(state)),
        cover=cover_lines(state),
        pillars=[summary_cells(p) for p in state.pillars],
        counts=counts_text(state),
        targets=[target_cells(t) for t in state.target_rows()],
        sections=action_sections(state),
        escalations=[escalation_cells(i) for i in state.escalated()],
        people=[[p.name, p.job_title, p.organisation] for p in state.people],
        coverage=[coverage_cells(r) for r in state.requirements],
        headings={
            "summary": SUMMARY_HEADINGS, "targets": TARGET_HEADINGS, "actions": ACTION_HEADINGS,
            "escalations": ESCALATION_HEADINGS, "people": PEOPLE_HEADINGS, "coverage": COVERAGE_HEADINGS,
        },
        action_cells=action_cells,
        NO_ESCALATIONS=NO_ESCALATIONS,
        NO_TARGETS=NO_TARGETS,
    )


def write_pdf(state: PlanState, target: IO[bytes] | str) -> None:
    from weasyprint import HTML

    HTML(string=render_html(state)).write_pdf(
        target,
        pdf_variant="pdf/ua-1",
        pdf_identifier=f"pillar-{state.plan_id}-{state.as_at}".encode(),
        # The same snapshot gives the same file: no creation time in the metadata.
        custom_metadata=False,
    )


# --- Word --------------------------------------------------------------------


def _repeat_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    properties.append(flag)


def _cell_text(cell, text: str, bold: bool = False) -> None:
    lines = text.split("\n") if text else [""]
    paragraph = cell.paragraphs[0]
    for index, line in enumerate(lines):
        if index:
            paragraph = cell.add_paragraph()
        run = paragraph.add_run(line)
        run.bold = bold


def _table(document, headings, rows, widths: list[float] | None = None) -> None:
    table = document.add_table(rows=1, cols=len(headings))
    table.style = "Table Grid"
    header = table.rows[0]
    _repeat_header(header)
    for cell, heading in zip(header.cells, headings, strict=True):
        _cell_text(cell, heading, bold=True)
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            _cell_text(cell, value)
    if widths:
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = Cm(width)


def _field(paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word fills in as it lays out pages."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = f" {instruction} "
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    placeholder = OxmlElement("w:t")
    placeholder.text = "1"
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, code, separate, placeholder, end):
        run._r.append(element)


def write_docx(state: PlanState, target: IO[bytes] | str) -> None:
    document = Document()
    document.core_properties.title = f"{state.plan_title}: board pack as at {_uk(state.as_at)}"
    document.core_properties.language = "en-GB"
    # The as-at date, not the clock, so the same snapshot gives the same file.
    stamp = datetime.combine(state.as_at_date, time())
    document.core_properties.created = stamp
    document.core_properties.modified = stamp
    document.core_properties.last_modified_by = "Pillar"
    document.core_properties.author = "Pillar"
    document.styles["Normal"].font.size = Pt(9)

    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.5))
    section.header.paragraphs[0].text = header_text(state)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("Page ")
    _field(footer, "PAGE")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES")

    document.add_heading(f"{state.plan_title}: board pack", level=0)
    for label, value in cover_lines(state):
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(value)

    document.add_heading("Summary", level=1)
    document.add_paragraph(f"Plan status: {state.status.label}. {counts_text(state)}.")
    _table(document, SUMMARY_HEADINGS, [summary_cells(p) for p in state.pillars])
    document.add_paragraph(f"How status is worked out: {state.rollup_rule}")

    document.add_heading("Improvement Notice targets", level=1)
    targets = state.target_rows()
    if targets:
        _table(document, TARGET_HEADINGS, [target_cells(t) for t in targets])
    else:
        document.add_paragraph(NO_TARGETS)

    document.add_heading("Actions", level=1)
    widths = [1.6, 5.0, 2.6, 2.2, 2.6, 3.6, 3.6, 2.8, 2.7]
    for pillar in action_sections(state):
        document.add_heading(pillar.heading, level=2)
        document.add_paragraph(f"Status: {pillar.status}")
        for outcome in pillar.outcomes:
            document.add_heading(outcome.heading, level=3)
            _table(document, ACTION_HEADINGS, [action_cells(r) for r in outcome.rows], widths)

    document.add_heading("Escalated issues", level=1)
    issues = state.escalated()
    if issues:
        _table(document, ESCALATION_HEADINGS, [escalation_cells(i) for i in issues])
    else:
        document.add_paragraph(NO_ESCALATIONS)

    document.add_heading("Appendix: leads and job titles", level=1)
    _table(document, PEOPLE_HEADINGS, [[p.name, p.job_title, p.organisation] for p in state.people])
    document.add_heading("Appendix: requirement coverage", level=1)
    _table(document, COVERAGE_HEADINGS, [coverage_cells(r) for r in state.requirements])
    document.save(target)
