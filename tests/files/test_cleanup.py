"""Worker-made exports and import uploads live in the shared file storage, and old ones are removed nightly."""

from __future__ import annotations

import io
import os
import time
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app import clock
from app.board import services as board_services
from app.domain.roles import Role
from app.extensions import db
from app.files.storage import LocalFileStorage
from app.imports import jobs
from app.models import ExportJob
from tests import factories
from workers import board as board_tasks
from workers.schedule import BEAT_SCHEDULE

DAY = 86400


@pytest.fixture
def shared(app, tmp_path) -> Path:
    """A folder of its own standing for the volume every machine mounts, apart from the instance folder."""
    folder = tmp_path / "shared-files"
    app.config["FILES_DIR"] = str(folder)
    return folder


def _age(path: Path, days: float) -> None:
    then = time.time() - days * DAY
    os.utime(path, (then, then))


def _job(plan, user, *, days_old: float, filename: str | None) -> ExportJob:
    job = board_services.queue_export(board_services.parse_request(plan, "csv", None), user)
    job.created_at = (clock.now() - timedelta(days=days_old)).replace(tzinfo=None)
    job.status, job.filename = ("done", filename) if filename else ("failed", None)
    return job


@pytest.fixture
def kept_files(app, shared):
    """Exports and uploads of several ages, each a real file in the shared folder."""
    plan = factories.plan()
    secretary = factories.user(Role.BOARD_SECRETARY)
    exports = shared / "exports"
    exports.mkdir(parents=True)
    for name, days in [("export-101-old.csv", 8), ("export-102-recent.csv", 1), ("orphan-old.csv", 9),
                       ("orphan-recent.csv", 2), ("export-9-log.xlsx.partial-0a1b2c3d", 10)]:
        (exports / name).write_bytes(b"Reference\r\n")
        _age(exports / name, days)
    old = _job(plan, secretary, days_old=8, filename="export-101-old.csv")
    failed = _job(plan, secretary, days_old=30, filename=None)
    recent = _job(plan, secretary, days_old=1, filename="export-102-recent.csv")
    db.session.commit()

    uploads = {}
    for label, days, status_days in [("old", 8, 8), ("recent", 1, None), ("old-but-running", 9, 0.5)]:
        token = jobs.save_upload(b"Reference,Action\n1.1.1,Audit the files\n", f"{label}.csv").token
        if status_days is not None:
            jobs.write_status(token, jobs.RunStatus(jobs.RUNNING, 1, 2))
        for path in (shared / "imports" / token).iterdir():
            _age(path, status_days if path.name == "status.json" else days)
        uploads[label] = token
    return {"old": old.id, "failed": failed.id, "recent": recent.id, "plan": plan.id, "uploads": uploads,
            "secretary": secretary}


def _names(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def test_the_nightly_task_removes_old_exports_with_their_records_old_leftovers_and_old_uploads(app, shared,
                                                                                               kept_files):
    result = board_tasks.remove_old_files()

    uploads = kept_files["uploads"]
    assert result == {"export_records": 2, "export_files": 3, "import_uploads": 1, "import_files": 3}
    assert _names(shared / "exports") == ["export-102-recent.csv", "orphan-recent.csv"]
    assert db.session.scalars(select(ExportJob.id)).all() == [kept_files["recent"]]
    assert _names(shared / "imports") == sorted([uploads["recent"], uploads["old-but-running"]])
    assert jobs.load_upload(uploads["old"]) is None
    assert jobs.load_upload(uploads["recent"]).filename == "recent.csv"
    assert jobs.read_status(uploads["old-but-running"]).state == jobs.RUNNING


def test_running_the_removal_again_removes_nothing_more(app, shared, kept_files):
    board_tasks.remove_old_files()
    before = (_names(shared / "exports"), _names(shared / "imports"),
              db.session.scalar(select(func.count()).select_from(ExportJob)))

    again = board_tasks.remove_old_files()

    assert again == {"export_records": 0, "export_files": 0, "import_uploads": 0, "import_files": 0}
    assert (_names(shared / "exports"), _names(shared / "imports"),
            db.session.scalar(select(func.count()).select_from(ExportJob))) == before


def test_the_age_is_a_setting(app, shared, kept_files):
    app.config["FILES_KEEP_DAYS"] = 60

    result = board_tasks.remove_old_files()

    assert result == {"export_records": 0, "export_files": 0, "import_uploads": 0, "import_files": 0}
    assert len(_names(shared / "exports")) == 5
    assert db.session.scalar(select(func.count()).select_from(ExportJob)) == 3


def test_a_removed_export_is_answered_404_and_a_kept_one_still_downloads(app, client, auth, shared, kept_files):
    board_tasks.remove_old_files()
    auth.sign_in(kept_files["secretary"].email)
    base = f"/plans/{kept_files['plan']}/exports"

    assert client.get(f"{base}/{kept_files['old']}").status_code == 404
    assert client.get(f"{base}/{kept_files['old']}/file").status_code == 404
    kept = client.get(f"{base}/{kept_files['recent']}/file")
    data = kept.data
    kept.close()
    assert (kept.status_code, data) == (200, b"Reference\r\n")


def test_the_removal_is_scheduled_nightly():
    entry = BEAT_SCHEDULE["old-files-removal"]

    assert entry["task"] == board_tasks.remove_old_files.name
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({2}, {15})


def test_a_worker_made_export_is_kept_in_the_configured_storage_not_the_instance_folder(app, client, auth, shared,
                                                                                         tmp_path):
    app.config["INSTANCE_DIR"] = str(tmp_path / "instance")
    plan = factories.plan()
    outcome = factories.outcome(factories.pillar(plan, number=1), "1.1")
    factories.action(outcome, "1.1.1", title="Audit referrals")
    secretary = factories.user(Role.BOARD_SECRETARY)
    job = board_services.queue_export(board_services.parse_request(plan, "xlsx", None), secretary)
    db.session.commit()

    board_services.run_export_job(job.id)

    stored = _names(shared / "exports")
    assert stored == [job.filename]
    assert not (tmp_path / "instance").exists()
    auth.sign_in(secretary.email)
    download = client.get(f"/plans/{plan.id}/exports/{job.id}/file")
    data = download.data
    download.close()
    sheet = load_workbook(io.BytesIO(data))["Action log"]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["1.1.1"]


def test_another_storage_set_on_the_app_receives_exports_and_uploads(app, tmp_path):
    other = LocalFileStorage(tmp_path / "object-store")
    app.extensions["pillar_file_storage"] = other
    try:
        token = jobs.save_upload(b"Reference,Action\n1.1.1,Audit\n", "plan.csv").token
        jobs.write_status(token, jobs.RunStatus(jobs.DONE, 1, 1))
        plan = factories.plan()
        job = board_services.queue_export(board_services.parse_request(plan, "csv", None), factories.user())
        db.session.commit()
        board_services.run_export_job(job.id)

        assert sorted(item.key for item in other.list("imports")) == [
            f"imports/{token}/status.json", f"imports/{token}/upload", f"imports/{token}/upload.json"
        ]
        assert [item.key for item in other.list("exports")] == [f"exports/{job.filename}"]
        assert jobs.read_status(token).state == jobs.DONE
        assert jobs.read_table(jobs.load_upload(token)).rows[1][:2] == ("1.1.1", "Audit")
    finally:
        del app.extensions["pillar_file_storage"]
