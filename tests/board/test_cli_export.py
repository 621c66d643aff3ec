from __future__ import annotations

import csv
from datetime import date

import docx
from openpyxl import load_workbook

from app.board import services
from app.domain.roles import Role
from app.extensions import db
from tests import factories


def _run(app, *args):
    return app.test_cli_runner().invoke(args=["plan", "export", *map(str, args)])


def test_plan_export_writes_each_format_to_the_file_named(app, board_world, tmp_path):
    plan_id = board_world.plan.id
    for fmt in ("xlsx", "csv", "pdf", "docx"):
        out = tmp_path / f"out.{fmt}"
        result = _run(app, plan_id, "--format", fmt, "--out", out)
        assert result.exit_code == 0, result.output
        assert f"Wrote {out}" in result.output
    assert load_workbook(tmp_path / "out.xlsx")["Action log"]["A2"].value == "1.1.1"
    with open(tmp_path / "out.csv", encoding="utf-8-sig", newline="") as handle:
        assert [row[0] for row in csv.reader(handle)][1:] == ["1.1.1", "1.1.2", "1.1.3", "1.2.1", "2.1.1"]
    assert (tmp_path / "out.pdf").read_bytes().startswith(b"%PDF-")
    assert "There are no escalated issues in this period." in [
        p.text for p in docx.Document(tmp_path / "out.docx").paragraphs
    ]


def test_plan_export_of_a_snapshot_writes_the_frozen_state(app, board_world, tmp_path):
    meeting = services.add_board_meeting(plan=board_world.plan, meeting_date=date(2026, 11, 23), title="Board")
    snapshot = services.freeze_snapshot(plan=board_world.plan, meeting=meeting,
                                        actor=factories.user(Role.BOARD_SECRETARY))
    board_world.actions["1.1.1"].title = "Changed after the board"
    db.session.commit()
    out = tmp_path / "frozen.xlsx"
    result = _run(app, board_world.plan.id, "--format", "xlsx", "--out", out, "--snapshot", snapshot.id)
    assert result.exit_code == 0, result.output
    assert load_workbook(out)["Action log"]["D2"].value == "Audit referrals"


def test_plan_export_exits_non_zero_with_one_line_saying_what_to_fix(app, board_world, tmp_path):
    cases = [
        ((999, "--format", "csv", "--out", tmp_path / "x.csv"), "There is no plan 999"),
        ((board_world.plan.id, "--format", "csv", "--out", tmp_path / "x.csv", "--snapshot", 42),
         f"Plan {board_world.plan.id} has no snapshot 42"),
        ((board_world.plan.id, "--format", "csv", "--out", tmp_path / "missing" / "x.csv"), "does not exist"),
        ((board_world.plan.id, "--format", "txt", "--out", tmp_path / "x.txt"), "'txt' is not an export format; use one of xlsx, csv, pdf, docx"),
    ]
    for args, message in cases:
        result = _run(app, *args)
        assert result.exit_code != 0
        assert message in result.output
        assert len(result.output.strip().splitlines()) == 1, result.output
    assert not (tmp_path / "x.csv").exists()
