"""Evidence files: what is accepted, what is refused and why, and how they are kept."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.domain.errors import ValidationFailed
from app.evidence import services
from app.evidence.filetypes import clean_name
from app.evidence.storage import storage
from app.extensions import db
from app.models import AuditEvent, Evidence
from app.updates.errors import NotPermitted
from tests import samples, updates_world


@pytest.fixture
def world(app, tmp_path):
    app.config["EVIDENCE_DIR"] = str(tmp_path / "evidence")
    return updates_world.build()


def _upload(world, content: bytes, name: str, actor=None):
    return services.upload_evidence(world.action, actor or world.lead, io.BytesIO(content), name)


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("caseload audit.pdf", samples.PDF, "application/pdf"),
        ("chart.png", samples.png(), "image/png"),
        ("figures.csv", samples.CSV, "text/csv"),
        ("notes.txt", "Réunion notes – October\n".encode(), "text/plain"),
        ("board email.eml", samples.EML, "message/rfc822"),
        ("report.docx", samples.docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("from the director.msg", samples.ole("__properties_version1.0"), "application/vnd.ms-outlook"),
        ("minutes 2009.doc", samples.ole("WordDocument"), "application/msword"),
        ("returns.xls", samples.ole("Workbook"), "application/vnd.ms-excel"),
    ],
)
def test_each_accepted_kind_of_file_is_kept_with_its_checksum_under_a_random_name(world, app, name, content, content_type):
    evidence = _upload(world, content, name)
    db.session.commit()
    assert evidence.content_type == content_type
    assert name.split(".")[0].replace(" ", "_") not in evidence.stored_key
    with storage().open(evidence.stored_key) as stored:
        kept = stored.read()
    # Images are kept re-saved without their metadata (tests/services/test_hostile_files.py); the rest as sent.
    if not content_type.startswith("image/"):
        assert kept == content
    assert evidence.sha256 == hashlib.sha256(kept).hexdigest()
    assert evidence.size_bytes == len(kept)
    stored_path = Path(app.config["EVIDENCE_DIR"]) / evidence.stored_key[:2] / evidence.stored_key
    assert stored_path.is_file()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("minutes.pdf", samples.windows_executable(), "does not match its name: a .pdf file must be a PDF"),
        ("minutes.pdf", samples.docx(), "a .pdf file must be a PDF"),
        ("report.docx", samples.plain_zip(), "a .docx file must be a Word document"),
        ("report.docx", samples.PDF, "a .docx file must be a Word document"),
        ("message.msg", samples.PDF, "a .msg file must be a saved Outlook message"),
        ("minutes.doc", samples.ole("__properties_version1.0"), "a .doc file must be a Word 97-2003 document"),
        ("figures.csv", b"a,b\x00,c\n", "a .csv file must be a CSV"),
        ("mail.eml", b"just some words, no headers\n", "a .eml file must be a saved email"),
        ("empty.pdf", b"", "The selected file is empty"),
        ("tool.exe", samples.windows_executable(), "does not accept .exe files"),
        ("no-extension", samples.PDF, "needs an extension"),
    ],
)
def test_a_bad_file_is_refused_with_a_reason_and_nothing_is_kept(world, app, name, content, message):
    with pytest.raises(ValidationFailed) as failure:
        _upload(world, content, name)
    assert message in failure.value.problems["file"]
    assert db.session.scalar(select(func.count(Evidence.id))) == 0
    folder = Path(app.config["EVIDENCE_DIR"])
    assert not folder.exists() or not any(p.is_file() for p in folder.rglob("*"))


def test_a_file_over_the_configured_limit_is_refused_as_too_large(world, app):
    app.config["EVIDENCE_MAX_BYTES"] = 100
    with pytest.raises(services.TooLarge, match="Evidence files can be up to 100 bytes"):
        _upload(world, samples.PDF, "big.pdf")
    assert db.session.scalar(select(func.count(Evidence.id))) == 0


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\Windows\\system32\\report.pdf", "report.pdf"),
        ("/var/www/html/evil.pdf", "evil.pdf"),
        ("caseload audit (final).pdf", "caseload_audit_final.pdf"),
        ("a" * 300 + ".pdf", "a" * 196 + ".pdf"),
    ],
)
def test_file_names_lose_folders_and_unsafe_characters(raw, clean):
    assert clean_name(raw) == clean


def test_a_path_traversal_name_is_stored_inside_the_evidence_folder_under_its_clean_name(world, app, tmp_path):
    evidence = _upload(world, samples.PDF, "../../../../tmp/escape.pdf")
    db.session.commit()
    assert evidence.original_name == "escape.pdf"
    assert not Path("/tmp/escape.pdf").exists()
    folder = Path(app.config["EVIDENCE_DIR"]).resolve()
    assert all(folder in p.resolve().parents for p in folder.rglob("*") if p.is_file())


def test_only_the_actions_leads_and_administrators_upload(world):
    for who in (world.other_lead, world.director, world.viewer):
        with pytest.raises(NotPermitted):
            _upload(world, samples.PDF, "audit.pdf", actor=who)
    assert db.session.scalar(select(func.count(Evidence.id))) == 0


def test_removal_is_an_administrators_soft_delete_with_a_reason_kept_in_the_history(world):
    evidence = _upload(world, samples.PDF, "audit.pdf")
    db.session.commit()
    with pytest.raises(NotPermitted):
        services.remove_evidence(evidence, world.director, "Not needed")
    with pytest.raises(ValidationFailed):
        services.remove_evidence(evidence, world.admin, "  ")
    services.remove_evidence(evidence, world.admin, "Contains a child's name")
    db.session.commit()
    kept = db.session.get(Evidence, evidence.id)
    assert kept.is_deleted and kept.deletion_reason == "Contains a child's name"
    with storage().open(kept.stored_key) as stored:
        assert stored.read() == samples.PDF
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "evidence")).all()
    assert [(e.event, e.note) for e in events][-1] == ("removed", "Contains a child's name")
