"""What kind of file an upload really is, judged from its bytes as well as its name.

The name's extension says what the uploader claims; libmagic, a zip's
``[Content_Types].xml`` or an OLE2 compound file's streams must agree, or the
file is refused. The content type stored and served is ours, never the
browser's.
"""

from __future__ import annotations

import email.parser
import email.policy
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import BinaryIO

import magic
import olefile
from werkzeug.utils import secure_filename

_HEAD_BYTES = 64 * 1024
_MAX_NAME = 200


@dataclass(frozen=True)
class Kind:
    label: str
    content_type: str
    family: str  # how the bytes are checked
    detail: str = ""  # a zip's main part, or a required OLE stream


_OOXML = "application/vnd.openxmlformats-officedocument"
KINDS: dict[str, Kind] = {
    "pdf": Kind("PDF", "application/pdf", "magic", "application/pdf"),
    "png": Kind("PNG image", "image/png", "magic", "image/png"),
    "jpg": Kind("JPEG image", "image/jpeg", "magic", "image/jpeg"),
    "jpeg": Kind("JPEG image", "image/jpeg", "magic", "image/jpeg"),
    "gif": Kind("GIF image", "image/gif", "magic", "image/gif"),
    "docx": Kind("Word document", f"{_OOXML}.wordprocessingml.document", "ooxml",
                 f"{_OOXML}.wordprocessingml.document.main+xml"),
    "xlsx": Kind("Excel workbook", f"{_OOXML}.spreadsheetml.sheet", "ooxml",
                 f"{_OOXML}.spreadsheetml.sheet.main+xml"),
    "pptx": Kind("PowerPoint presentation", f"{_OOXML}.presentationml.presentation", "ooxml",
                 f"{_OOXML}.presentationml.presentation.main+xml"),
    "doc": Kind("Word 97-2003 document", "application/msword", "ole", "worddocument"),
    "xls": Kind("Excel 97-2003 workbook", "application/vnd.ms-excel", "ole", "workbook|book"),
    "ppt": Kind("PowerPoint 97-2003 presentation", "application/vnd.ms-powerpoint", "ole", "powerpoint document"),
    "msg": Kind("saved Outlook message", "application/vnd.ms-outlook", "ole", "__properties_version1.0"),
    "csv": Kind("CSV", "text/csv", "text"),
    "txt": Kind("text file", "text/plain", "text"),
    "eml": Kind("saved email", "message/rfc822", "email"),
}

ACCEPTED_EXTENSIONS = tuple(sorted(KINDS))
ACCEPTED_HINT = "PDF, Word, Excel, PowerPoint, CSV, text, PNG, JPEG or GIF image, or a saved email (.eml or .msg)"
# The `accept` attribute of file inputs: a hint to the browser, never trusted.
ACCEPT_ATTRIBUTE = ",".join(f".{ext}" for ext in ACCEPTED_EXTENSIONS)


class NotAccepted(ValueError):
    """The file is not one Pillar accepts as evidence; the message says why, for the uploader."""


def clean_name(raw: str | None) -> str:
    """A file name safe to show and to offer as a download name: no folders, no control characters."""
    name = unicodedata.normalize("NFKC", raw or "")
    # Browsers on Windows send the whole path; only its last part is the name.
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = secure_filename(name)
    if len(name) > _MAX_NAME:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: _MAX_NAME - len(ext) - 1] + dot + ext) if dot else name[:_MAX_NAME]
    return name


def extension_of(name: str) -> str:
    stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot and stem else ""


def identify(stream: BinaryIO, name: str) -> Kind:
    """The kind of file, when the bytes agree with the name; else NotAccepted saying why."""
    ext = extension_of(name)
    kind = KINDS.get(ext)
    if kind is None:
        raise NotAccepted(f"Pillar does not accept .{ext or '(no extension)'} files: upload a {ACCEPTED_HINT}")
    stream.seek(0)
    head = stream.read(_HEAD_BYTES)
    stream.seek(0)
    if not head:
        raise NotAccepted("The selected file is empty")
    if not _matches(kind, stream, head):
        raise NotAccepted(
            f"The file's content does not match its name: a .{ext} file must be a {kind.label}. "
            "Upload the original file, not a renamed one"
        )
    stream.seek(0)
    return kind


def _matches(kind: Kind, stream: BinaryIO, head: bytes) -> bool:
    detected = magic.from_buffer(head, mime=True)
    if kind.family == "magic":
        return detected == kind.detail
    if kind.family == "ooxml":
        return _is_ooxml(stream, kind.detail)
    if kind.family == "ole":
        return _is_ole_with(stream, kind.detail.split("|"))
    if kind.family == "text":
        return detected.startswith("text/") and _is_text(head)
    if kind.family == "email":
        return detected in {"message/rfc822", "text/plain"} and _is_text(head) and _looks_like_email(head)
    return False


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # The head may cut a character in two; anything earlier is a real error.
        if error.start < len(head) - 4:
            try:
                head.decode("cp1252")
            except UnicodeDecodeError:
                return False
    return True


def _looks_like_email(head: bytes) -> bool:
    message = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(head)
    return bool(message.get("From") and (message.get("Date") or message.get("Subject")))


def _is_ooxml(stream: BinaryIO, main_part: str) -> bool:
    from app.evidence import hostile

    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            # Sizes, ratio and macro parts are judged before any member is read.
            hostile.check_zip(archive)
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > 1024 * 1024:
                return False
            raw_types = archive.read(info)
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, NotImplementedError):
        return False
    types = hostile.content_types(raw_types)
    hostile.check_ooxml_types(types)
    return main_part.lower() in types


def _is_ole_with(stream: BinaryIO, wanted: list[str]) -> bool:
    stream.seek(0)
    if not olefile.isOleFile(stream):
        return False
    stream.seek(0)
    try:
        with olefile.OleFileIO(stream) as ole:
            entries = ole.listdir(streams=True, storages=True)
    except (OSError, ValueError, RuntimeError, IndexError):
        return False
    from app.evidence import hostile

    hostile.check_ole_entries(entries)
    names = {"/".join(entry).lower() for entry in entries}
    return any(name in names for name in wanted)
