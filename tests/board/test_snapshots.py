from __future__ import annotations

import csv
import io
from datetime import date

import docx
import pypdf
import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.board import services
from app.board.compare import BECAME_COMPLETE, BECAME_OVERDUE, NEW, RAG_CHANGED, REMOVED, compare
from app.board.state import snapshot_state
from app.domain.errors import ValidationFailed
from app.domain.roles import Role
from app.extensions import db
from app.models import Snapshot
from app.models.board import SnapshotIsFrozen
from tests import factories


def _freeze(world, meeting_date=date(2026, 11, 23), title="Improvement board"):
    secretary = factories.user(Role.BOARD_SECRETARY)
    meeting = services.add_board_meeting(plan=world.plan, meeting_date=meeting_date, title=title)
    snapshot = services.freeze_snapshot(plan=world.plan, meeting=meeting, actor=secretary)
    db.session.commit()
    return snapshot


def _export(world, snapshot, fmt) -> bytes:
    buffer = io.BytesIO()
    services.write_export(services.parse_request(world.plan, fmt, snapshot.id), buffer)
    return buffer.getvalue()


def _cells(data: bytes) -> list[list[tuple]]:
    workbook = load_workbook(io.BytesIO(data))
    return [[tuple(row) for row in sheet.iter_rows(values_only=True)] for sheet in workbook.worksheets]


def _pdf_lines(data: bytes) -> list[str]:
    return [line for page in pypdf.PdfReader(io.BytesIO(data)).pages for line in page.extract_text().splitlines()]


def _docx_text(data: bytes) -> list[str]:
    document = docx.Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        lines.extend(cell.text for row in table.rows for cell in row.cells)
    return lines


def _change_the_live_plan(world):
    world.actions["1.1.1"].title = "Something else entirely"
    world.actions["1.1.2"].rag = "red"
    world.actions["2.1.1"].state = "complete"
    factories.action(world.actions["1.1.1"].outcome, "1.1.9", title="A brand new action", due=date(2026, 12, 1))
    world.plan.title = "Renamed plan"
    db.session.commit()


def test_a_snapshots_exports_are_the_same_after_the_live_plan_changes(board_world):
    snapshot = _freeze(board_world)
    before = {fmt: _export(board_world, snapshot, fmt) for fmt in services.FORMATS}
    _change_the_live_plan(board_world)
    db.session.expire_all()
    after = {fmt: _export(board_world, snapshot, fmt) for fmt in services.FORMATS}

    assert _cells(after["xlsx"]) == _cells(before["xlsx"])
    assert after["csv"] == before["csv"]
    assert _pdf_lines(after["pdf"]) == _pdf_lines(before["pdf"])
    assert _docx_text(after["docx"]) == _docx_text(before["docx"])
    assert "Children's services improvement plan – as at 23 November 2026" in _pdf_lines(after["pdf"])
    assert "Audit referrals" in after["csv"].decode("utf-8-sig")
    live = io.BytesIO()
    services.write_export(services.parse_request(board_world.plan, "csv", None), live)
    assert "Something else entirely" in live.getvalue().decode("utf-8-sig")


def test_freezing_records_who_and_when_and_a_fingerprint_of_the_content(board_world):
    snapshot = _freeze(board_world)
    assert snapshot.frozen_by.role == "board_secretary"
    assert snapshot.as_at == date(2026, 11, 23)
    assert snapshot.content_sha256 == services.canonical_sha256(snapshot.content)
    assert snapshot_state(snapshot).meeting_title == "Improvement board"


def test_a_meeting_is_frozen_once_only(board_world):
    snapshot = _freeze(board_world)
    secretary = factories.user(Role.BOARD_SECRETARY)
    with pytest.raises(ValidationFailed) as failure:
        services.freeze_snapshot(plan=board_world.plan, meeting=snapshot.board_meeting, actor=secretary)
    assert "already frozen" in failure.value.problems["meeting"]
    assert db.session.scalar(select(func.count()).select_from(Snapshot)) == 1


def test_a_frozen_snapshot_can_be_neither_changed_nor_deleted(board_world):
    snapshot = _freeze(board_world)
    snapshot.content = {"tampered": True}
    with pytest.raises(SnapshotIsFrozen):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(Snapshot, snapshot.id))
    with pytest.raises(SnapshotIsFrozen):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(Snapshot, snapshot.id).content["plan_title"] == "Children's services improvement plan"


def test_a_board_meeting_needs_a_date_and_a_title_and_one_meeting_a_day(board_world):
    with pytest.raises(ValidationFailed) as failure:
        services.add_board_meeting(plan=board_world.plan, meeting_date=None, title=" ")
    assert set(failure.value.problems) == {"meeting_date", "title"}
    services.add_board_meeting(plan=board_world.plan, meeting_date=date(2026, 12, 14), title="Board")
    with pytest.raises(ValidationFailed) as failure:
        services.add_board_meeting(plan=board_world.plan, meeting_date=date(2026, 12, 14), title="Again")
    assert failure.value.problems == {"meeting_date": "This plan already has a board meeting on that date"}


def test_the_next_packs_pillar_direction_compares_with_the_last_board(board_world):
    first = _freeze(board_world, date(2026, 10, 26), "October board")
    assert [p.direction for p in snapshot_state(first).pillars] == ["none", "none"]
    board_world.actions["1.1.3"].rag = "green"
    board_world.actions["1.1.1"].state = "complete"
    db.session.commit()
    second = _freeze(board_world, date(2026, 11, 23), "November board")
    state = snapshot_state(second)
    assert state.previous_as_at == "2026-10-26"
    assert state.period_start == "2026-10-27"
    assert (state.pillars[0].previous_rag, state.pillars[0].status.rag, state.pillars[0].direction) == (
        "red", "amber", "improved"
    )


def test_comparing_two_snapshots_lists_rag_changes_overdue_complete_new_and_removed(board_world):
    first = _freeze(board_world, date(2026, 10, 26), "October board")
    board_world.actions["1.1.2"].rag = "red"
    board_world.actions["1.2.1"].state = "in_progress"
    board_world.actions["2.1.1"].state = "complete"
    factories.action(board_world.actions["1.1.1"].outcome, "1.1.9", title="A brand new action")
    db.session.delete(board_world.actions["1.1.3"])
    db.session.commit()
    second = _freeze(board_world, date(2026, 11, 23), "November board")
    comparison = compare(snapshot_state(first), snapshot_state(second))
    found = [(c.kind, c.reference) for c in comparison.changes]
    assert found == [
        (RAG_CHANGED, "1.1.1"),
        (RAG_CHANGED, "1.1.2"),
        (RAG_CHANGED, "1.2.1"),
        (RAG_CHANGED, "2.1.1"),
        (BECAME_OVERDUE, "1.1.1"),
        (BECAME_COMPLETE, "2.1.1"),
        (NEW, "1.1.9"),
        (REMOVED, "1.1.3"),
    ]
    change = comparison.of_kind(RAG_CHANGED)[0]
    assert (change.before, change.after) == ("Green", "Red (overdue)")


def test_a_snapshots_csv_rows_match_its_excel_rows(board_world):
    snapshot = _freeze(board_world)
    rows = list(csv.reader(io.StringIO(_export(board_world, snapshot, "csv").decode("utf-8-sig"))))
    sheet = _cells(_export(board_world, snapshot, "xlsx"))[0]
    assert [r[0] for r in rows] == [r[0] for r in sheet]
