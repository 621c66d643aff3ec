"""Named state changes for evidence. Services flush; the caller commits."""

from __future__ import annotations

from typing import BinaryIO

from flask import current_app

from app import clock
from app.audit import services as audit
from app.domain.errors import ValidationFailed
from app.evidence import filetypes, hostile
from app.evidence.storage import storage
from app.extensions import db
from app.models import Action, Evidence, Update, User
from app.policy import can_post_update, can_remove_evidence
from app.updates.errors import NotPermitted


class TooLarge(Exception):
    """The file is over the configured size limit."""

    def __init__(self, limit_bytes: int):
        self.limit_bytes = limit_bytes
        super().__init__(f"Evidence files can be up to {describe_size(limit_bytes)}")


def describe_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):g} MB"
    if size >= 1024:
        return f"{size / 1024:g} KB"
    return f"{size} bytes"


def _size_of(stream: BinaryIO) -> int:
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    return size


def check_file(stream: BinaryIO | None, raw_name: str | None, field: str = "file") -> tuple[str, filetypes.Kind]:
    """The clean name and kind of an upload, or ValidationFailed / TooLarge. Stores nothing."""
    if stream is None or not (raw_name or "").strip():
        raise ValidationFailed({field: "Select a file"})
    limit = current_app.config["EVIDENCE_MAX_BYTES"]
    if _size_of(stream) > limit:
        raise TooLarge(limit)
    name = filetypes.clean_name(raw_name)
    if not filetypes.extension_of(name):
        raise ValidationFailed({field: f"The file name needs an extension such as .pdf: upload a {filetypes.ACCEPTED_HINT}"})
    try:
        kind = filetypes.identify(stream, name)
        if hostile.is_image(kind.content_type):
            hostile.check_image(stream)
    except filetypes.NotAccepted as refusal:
        raise ValidationFailed({field: str(refusal)}) from None
    return name, kind


def upload_evidence(
    action: Action,
    actor: User,
    stream: BinaryIO | None,
    raw_name: str | None,
    *,
    update: Update | None = None,
    checked: tuple[str, filetypes.Kind] | None = None,
) -> Evidence:
    """Keep an evidence file for the action; its bytes go to storage, its record and audit to the session."""
    if not can_post_update(actor, action):
        raise NotPermitted("Only the action's delivery leads and administrators upload evidence")
    name, kind = checked or check_file(stream, raw_name)
    if hostile.is_image(kind.content_type):
        # What is kept (and checksummed) is the image without its metadata: no GPS, no camera details.
        try:
            stream = hostile.stripped_image(stream, kind.content_type)
        except filetypes.NotAccepted as refusal:
            raise ValidationFailed({"file": str(refusal)}) from None
    stored = storage().put(stream)
    evidence = Evidence(
        action_id=action.id,
        update_id=update.id if update is not None else None,
        original_name=name,
        stored_key=stored.key,
        content_type=kind.content_type,
        size_bytes=stored.size_bytes,
        sha256=stored.sha256,
        uploaded_by_user_id=actor.id,
    )
    db.session.add(evidence)
    db.session.flush()
    audit.record(actor, "evidence", evidence.id, "uploaded", action_id=action.id, field="file", after=name,
                 note=f"{kind.label}, {describe_size(stored.size_bytes)}, SHA-256 {stored.sha256}")
    return evidence


def remove_evidence(evidence: Evidence, actor: User, reason: str) -> Evidence:
    """An administrator's soft delete: the file and its record stay, marked removed with the reason."""
    if not can_remove_evidence(actor):
        raise NotPermitted("Only administrators remove evidence")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": "Enter why the file is being removed"})
    if evidence.is_deleted:
        raise ValidationFailed({"reason": "This file has already been removed"})
    evidence.deleted_at = clock.now().replace(tzinfo=None)
    evidence.deleted_by_user_id = actor.id
    evidence.deletion_reason = reason
    db.session.flush()
    audit.record(actor, "evidence", evidence.id, "removed", action_id=evidence.action_id, field="file",
                 before=evidence.original_name, note=reason)
    return evidence
