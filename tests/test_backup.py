"""Backups of the database and evidence files, restored on both backends; a damaged backup is refused."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from app.evidence.storage import storage
from app.extensions import db
from app.models import Plan
from tests import factories


@pytest.fixture
def evidence_dir(app, tmp_path) -> Path:
    folder = tmp_path / "instance-evidence"
    app.config["EVIDENCE_DIR"] = str(folder)
    return folder


def _cli(app, *args):
    return app.test_cli_runner().invoke(args=[str(a) for a in args])


def test_a_backup_brings_back_the_data_and_evidence_files_as_they_were(app, evidence_dir, tmp_path):
    factories.plan(title="Before the backup")
    db.session.commit()
    kept = storage().put(io.BytesIO(b"minutes of the October board"))
    target = tmp_path / "backup"

    created = _cli(app, "backup", "create", target)
    assert created.exit_code == 0, created.output
    manifest = json.loads((target / "manifest.json").read_text())
    assert f"evidence/{kept.key[:2]}/{kept.key}" in manifest["files"]

    db.session.execute(Plan.__table__.update().values(title="Changed after the backup"))
    factories.plan(title="Added after the backup")
    db.session.commit()
    storage().discard(kept.key)
    later = storage().put(io.BytesIO(b"a file added later"))

    restored = _cli(app, "backup", "restore", target)

    assert restored.exit_code == 0, restored.output
    assert db.session.scalars(select(Plan.title)).all() == ["Before the backup"]
    with storage().open(kept.key) as handle:
        assert handle.read() == b"minutes of the October board"
    assert not (evidence_dir / later.key[:2] / later.key).exists()


@pytest.mark.parametrize("damage", ["database", "evidence"])
def test_a_tampered_backup_is_refused_in_one_line_naming_the_file_and_nothing_is_restored(
    app, evidence_dir, tmp_path, damage
):
    factories.plan(title="Before the backup")
    db.session.commit()
    kept = storage().put(io.BytesIO(b"original evidence"))
    target = tmp_path / "backup"
    assert _cli(app, "backup", "create", target).exit_code == 0
    manifest = json.loads((target / "manifest.json").read_text())
    name = manifest["database_file"] if damage == "database" else f"evidence/{kept.key[:2]}/{kept.key}"
    with open(target / name, "r+b") as handle:
        handle.seek(0, 2)
        handle.write(b"tampered")
    factories.plan(title="Made after the backup")
    db.session.commit()

    result = _cli(app, "backup", "restore", target)

    assert result.exit_code != 0
    assert result.output.strip().splitlines() == [
        f"Error: Backup file {name} does not match its checksum in manifest.json: nothing was restored"
    ]
    assert sorted(db.session.scalars(select(Plan.title))) == ["Before the backup", "Made after the backup"]


def test_a_file_slipped_into_the_backup_is_refused(app, evidence_dir, tmp_path):
    target = tmp_path / "backup"
    assert _cli(app, "backup", "create", target).exit_code == 0
    (target / "evidence" / "ab").mkdir(parents=True, exist_ok=True)
    (target / "evidence" / "ab" / "abcdef0123456789").write_bytes(b"planted")
    result = _cli(app, "backup", "restore", target)
    assert result.exit_code != 0
    assert "Backup file evidence/ab/abcdef0123456789 is not in manifest.json" in result.output


def test_a_backup_is_never_written_over_another(app, evidence_dir, tmp_path):
    target = tmp_path / "backup"
    target.mkdir()
    (target / "something.txt").write_text("keep me")
    result = _cli(app, "backup", "create", target)
    assert result.exit_code != 0
    assert "is not empty: choose a new folder" in result.output
    assert (target / "something.txt").read_text() == "keep me"


def test_a_folder_without_a_manifest_is_not_restored(app, evidence_dir, tmp_path):
    (tmp_path / "random").mkdir()
    result = _cli(app, "backup", "restore", tmp_path / "random")
    assert result.exit_code != 0
    assert "manifest.json is missing or unreadable: this is not a Pillar backup" in result.output
