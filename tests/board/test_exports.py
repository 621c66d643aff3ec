from __future__ import annotations

import csv
import io
from datetime import date, datetime

import docx
import pypdf
from openpyxl import load_workbook

from app.board import exports, pack
from app.board.services import ExportRequest, write_export
from app.board.state import build_state
from app.domain.rag import Rag

AS_AT = date(2026, 11, 23)


def _xlsx(board_world, **kwargs):
    buffer = io.BytesIO()
    write_export(ExportRequest(plan=board_world.plan, format="xlsx", **kwargs), buffer)
    buffer.seek(0)
    return load_workbook(buffer)


def test_the_excel_log_has_one_row_per_action_under_the_agreed_headings(board_world):
    sheet = _xlsx(board_world)["Action log"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "Reference", "Pillar", "Outcome", "Action", "Steps", "Timescale", "Start date", "Due date", "State",
        "RAG", "Reason", "Direction", "Delivery leads", "Targets and measures", "Workstream", "Links",
        "Commentary", "Outstanding actions", "Risks and mitigation",
    )
    assert [row[0] for row in rows[1:]] == ["1.1.1", "1.1.2", "1.1.3", "1.2.1", "2.1.1"]
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["Pillar"] == "1. Safeguarding"
    assert first["Outcome"] == "1.1 Referrals are handled on time"
    assert first["Steps"] == "Sample 50 cases\nReport to the board"
    assert first["Start date"] == datetime(2026, 9, 1)
    assert first["Due date"] == datetime(2026, 10, 31)
    assert (first["RAG"], first["Reason"]) == ("Red", "Overdue")
    assert first["Delivery leads"] == "Ann Garratt, Lynn Chesterton"
    assert first["Links"] == "IN 1"
    assert first["Commentary"] is None


def test_the_excel_log_freezes_its_header_filters_colours_rag_and_sizes_columns(board_world):
    sheet = _xlsx(board_world)["Action log"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:S6"
    assert round(sheet.column_dimensions["D"].width) == 41  # 40 characters and the cell's padding
    rag = sheet["J2"]
    assert rag.value == "Red"
    assert rag.fill.fgColor.rgb.endswith("D4351C")
    assert sheet["J3"].fill.fgColor.rgb.endswith("FFDD00")
    assert sheet["H2"].is_date and sheet["H2"].number_format == "yyyy-mm-dd"
    assert sheet["E2"].alignment.wrap_text


def test_text_that_looks_like_a_formula_stays_text_in_excel(board_world):
    sheet = _xlsx(board_world)["Action log"]
    cell = sheet["D3"]
    assert cell.value == '=HYPERLINK("http://evil")'
    assert cell.data_type == "s"


def _csv_text(board_world, **kwargs) -> bytes:
    buffer = io.BytesIO()
    write_export(ExportRequest(plan=board_world.plan, format="csv", **kwargs), buffer)
    return buffer.getvalue()


def test_the_csv_log_starts_with_a_byte_order_mark_and_has_the_same_rows(board_world):
    raw = _csv_text(board_world)
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == list(exports.HEADINGS)
    assert [row[0] for row in rows[1:]] == ["1.1.1", "1.1.2", "1.1.3", "1.2.1", "2.1.1"]
    assert rows[1][7] == "2026-10-31"
    assert rows[1][4] == "Sample 50 cases\nReport to the board"


def test_csv_cells_that_could_run_as_formulas_are_neutralised(board_world):
    rows = list(csv.reader(io.StringIO(_csv_text(board_world).decode("utf-8-sig"))))
    by_reference = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert by_reference["1.1.2"]["Action"] == "'=HYPERLINK(\"http://evil\")"
    assert by_reference["1.1.2"]["Targets and measures"] == "'-1 backlog\n@everyone"
    assert by_reference["2.1.1"]["Timescale"] == "'+ Ongoing"
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_neutralise_prefixes_only_dangerous_starts():
    assert exports.neutralise("@SUM(A1)") == "'@SUM(A1)"
    assert exports.neutralise("\t=1") == "'\t=1"
    assert exports.neutralise("Plain text = fine") == "Plain text = fine"


def test_the_log_filters_by_pillar_rag_state_lead_and_overdue(board_world):
    from app.plans.queries import ActionFilters

    state = build_state(board_world.plan, AS_AT)
    lead_b = board_world.actions["1.2.1"].delivery_leads[0].id

    def refs(**args):
        return [r.reference for r in exports.filter_rows(state.actions, ActionFilters.from_args(args))]

    assert refs(pillar="2") == ["2.1.1"]
    assert refs(rag="red") == ["1.1.1", "1.1.3"]
    assert refs(state="complete") == ["1.2.1"]
    assert refs(overdue="yes") == ["1.1.1"]
    assert refs(lead=str(lead_b)) == ["1.1.1", "1.1.3", "1.2.1"]


def _pdf_pages(state) -> list[str]:
    buffer = io.BytesIO()
    pack.write_pdf(state, buffer)
    buffer.seek(0)
    return [page.extract_text() for page in pypdf.PdfReader(buffer).pages]


def test_the_pdf_pack_follows_the_board_pack_shape_with_the_plan_and_date_on_every_page(board_world):
    state = build_state(board_world.plan, AS_AT)
    pages = _pdf_pages(state)
    assert len(pages) >= 4
    for number, text in enumerate(pages, start=1):
        assert "Children's services improvement plan – as at 23 November 2026" in text
        assert f"Page {number} of {len(pages)}" in text
    text = "\n".join(pages)
    order = ["Summary", "Improvement Notice targets", "Actions", "Escalated issues",
             "Appendix: leads and job titles", "Appendix: requirement coverage"]
    positions = [text.index(heading) for heading in order]
    assert positions == sorted(positions)
    assert "There are no escalated issues in this period." in text
    assert "How status is worked out: Complete when every action is complete" in text
    flat = " ".join(text.split())
    assert flat.index("Audit referrals") < flat.index("Review every plan") < flat.index("Recruit social workers")
    assert "Not answered by any action" in text


def test_the_pdf_pack_is_tagged_for_assistive_technology(board_world):
    buffer = io.BytesIO()
    pack.write_pdf(build_state(board_world.plan, AS_AT), buffer)
    buffer.seek(0)
    root = pypdf.PdfReader(buffer).trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert bool(root["/MarkInfo"]["/Marked"])
    metadata = root["/Metadata"].get_object().get_data()
    assert b"pdfuaid:part" in metadata
    assert root["/Lang"] == "en-GB"


def _docx(state):
    buffer = io.BytesIO()
    pack.write_docx(state, buffer)
    buffer.seek(0)
    return docx.Document(buffer)


def test_the_word_pack_has_real_headings_repeating_table_headers_and_page_numbers(board_world):
    document = _docx(build_state(board_world.plan, AS_AT))
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings[:3] == [
        ("Title", "Children's services improvement plan: board pack"),
        ("Heading 1", "Summary"),
        ("Heading 1", "Improvement Notice targets"),
    ]
    assert ("Heading 2", "1. Safeguarding") in headings
    assert ("Heading 3", "1.1 Referrals are handled on time") in headings
    for table in document.tables:
        assert table.rows[0]._tr.xpath("./w:trPr/w:tblHeader")
    section = document.sections[0]
    assert section.header.paragraphs[0].text == "Children's services improvement plan – as at 23 November 2026"
    assert "PAGE" in "".join(section.footer.paragraphs[0]._p.xpath(".//w:instrText/text()"))
    texts = [p.text for p in document.paragraphs]
    assert "There are no escalated issues in this period." in texts
    action_table = next(t for t in document.tables if t.rows[0].cells[0].text == "Reference")
    assert [c.text for c in action_table.rows[0].cells] == list(pack.ACTION_HEADINGS)
    assert [row.cells[0].text for row in action_table.rows[1:]] == ["1.1.1", "1.1.2", "1.1.3"]
    assert action_table.rows[1].cells[3].text == "Red, overdue"


def test_escalated_issues_are_listed_with_the_directors_response_when_there_are_some(board_world):
    state = build_state(board_world.plan, AS_AT)
    state.escalated_issues = [{
        "action_id": 1, "reference": "1.1.1", "action_title": "Audit referrals", "level": 3,
        "reason": "Overdue by 15 working days", "raised_on": "2026-11-20", "director": "Dana Director",
        "director_response": "Extra auditors from December", "revised_due_date": None,
    }]
    text = "\n".join(_pdf_pages(state))
    assert "There are no escalated issues in this period." not in text
    assert "Extra auditors from December" in text
    document = _docx(state)
    table = next(t for t in document.tables if t.rows[0].cells[-1].text == "Director's response")
    assert [c.text for c in table.rows[1].cells] == [
        "1.1.1", "Audit referrals", "3", "Overdue by 15 working days", "Dana Director", "Extra auditors from December"
    ]


def test_rag_fills_cover_every_rating():
    assert set(exports.RAG_FILLS) == set(Rag)


def test_the_csv_is_written_a_chunk_at_a_time_without_reading_the_whole_log_first(board_world):
    state = build_state(board_world.plan, AS_AT)
    chunk = exports.ROWS_PER_CHUNK

    def one_chunk_and_a_bit_then_fail():
        for n in range(chunk + 3):
            yield state.actions[n % len(state.actions)]
        raise AssertionError("read past the rows asked for")

    lines = exports.csv_lines(one_chunk_and_a_bit_then_fail())
    assert next(lines).startswith("\ufeffReference,")
    first_chunk = list(csv.reader(io.StringIO(next(lines))))
    assert len(first_chunk) == chunk
    assert first_chunk[0][0] == "1.1.1"
