"""Refusing files built to harm whoever opens them, and cleaning images before they are kept.

- Zip archives (Word, Excel, PowerPoint) are judged from the central directory
  alone, before any member is decompressed: too many members, too much
  declared uncompressed data or too high a compression ratio is a zip bomb.
  Python's zipfile never inflates a member beyond its declared size, so the
  declared sizes bound what is later read.
- Office files with macros are refused: a ``vbaProject.bin`` part or a
  macro-enabled content type in OOXML, a ``Macros`` / ``_VBA_PROJECT_CUR`` /
  ``VBA`` storage in legacy OLE2 files.
- ``[Content_Types].xml`` is parsed with defusedxml, which refuses DTDs,
  entity expansion and external references.
- Images over the pixel limit are refused before they are decoded; the rest are
  re-saved by Pillow without their metadata (EXIF, GPS, XMP, comments), so
  what is stored, and checksummed, is the stripped file.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from typing import BinaryIO

import defusedxml.ElementTree
from defusedxml import DefusedXmlException
from flask import current_app
from PIL import Image, ImageOps, UnidentifiedImageError

from app.evidence.filetypes import NotAccepted

_TYPES_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_MACRO_PARTS = ("vbaproject.bin", "vbadata.xml")
# Content types of .docm/.xlsm/.pptm (and their templates and add-ins) and of VBA parts.
_MACRO_TYPE_MARKS = ("macroenabled", "vbaproject", "ms-office.activex", "ms-excel.intl.macrosheet", "ms-excel.macrosheet")
_OLE_MACRO_STORAGES = {"macros", "_vba_project_cur", "vba"}

MACROS_REFUSED = "The file contains macros, which Pillar does not accept: save it without macros (as .docx, .xlsx or .pptx) and upload it again"
BOMB_REFUSED = "The file is a compressed archive that would expand to far more than its size: upload the original document"


def _limit(name: str) -> int:
    return int(current_app.config[name])


def check_zip(archive: zipfile.ZipFile) -> None:
    """Refuse a zip bomb from its central directory, reading no member."""
    members = archive.infolist()
    if len(members) > _limit("EVIDENCE_ZIP_MAX_MEMBERS"):
        raise NotAccepted(f"The file has more than {_limit('EVIDENCE_ZIP_MAX_MEMBERS')} parts: upload the original document")
    total = sum(member.file_size for member in members)
    packed = sum(member.compress_size for member in members)
    max_ratio = _limit("EVIDENCE_ZIP_MAX_RATIO")
    if total > _limit("EVIDENCE_ZIP_MAX_UNCOMPRESSED_BYTES"):
        raise NotAccepted(BOMB_REFUSED)
    if any(member.file_size > max_ratio * max(member.compress_size, 1) for member in members):
        raise NotAccepted(BOMB_REFUSED)
    if total > max_ratio * max(packed, 1):
        raise NotAccepted(BOMB_REFUSED)
    if any(member.filename.replace("\\", "/").rsplit("/", 1)[-1].lower() in _MACRO_PARTS for member in members):
        raise NotAccepted(MACROS_REFUSED)


def content_types(raw: bytes) -> set[str]:
    """Every content type ``[Content_Types].xml`` declares, lower-cased; NotAccepted for hostile XML."""
    try:
        root = defusedxml.ElementTree.fromstring(raw)
    except (DefusedXmlException, defusedxml.ElementTree.ParseError):
        raise NotAccepted("The file's internal structure is not valid: upload the original document") from None
    return {
        (element.get("ContentType") or "").lower()
        for element in root.iter()
        if element.tag in (f"{_TYPES_NS}Override", f"{_TYPES_NS}Default")
    }


def check_ooxml_types(types: set[str]) -> None:
    if any(mark in content_type for content_type in types for mark in _MACRO_TYPE_MARKS):
        raise NotAccepted(MACROS_REFUSED)


def check_ole_entries(entries: list[list[str]]) -> None:
    """Refuse an OLE2 file holding a VBA project (Word: Macros/VBA, Excel: _VBA_PROJECT_CUR/VBA)."""
    if any(part.lower() in _OLE_MACRO_STORAGES for entry in entries for part in entry):
        raise NotAccepted(MACROS_REFUSED)


# Image settings a re-save needs to draw the same picture; everything else (EXIF, XMP, comments) is dropped.
_KEEP_INFO = ("transparency", "duration", "loop", "background", "disposal")


def _open_image(stream: BinaryIO) -> Image.Image:
    limit = _limit("EVIDENCE_MAX_IMAGE_PIXELS")
    stream.seek(0)
    # Pillow closes what it is given; it gets its own copy (uploads are size-limited already).
    copy = io.BytesIO(stream.read())
    stream.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its limit and twice it; any image over ours is refused.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(copy)
            width, height = image.size
            too_large = width * height > limit
            if not too_large:
                image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        too_large = True
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise NotAccepted("The image could not be read: it may be damaged. Upload the original image") from None
    if too_large:
        raise NotAccepted(_too_many_pixels(limit))
    return image


def _too_many_pixels(limit: int) -> str:
    return f"The image is too large: it can have at most {limit:,} pixels. Upload a smaller image"


def check_image(stream: BinaryIO) -> None:
    """Refuse an image too large to decode safely, or one that does not decode."""
    _open_image(stream).close()
    stream.seek(0)


def stripped_image(stream: BinaryIO, content_type: str) -> BinaryIO:
    """The image re-saved by Pillow without its metadata, turned upright as its EXIF said."""
    image = _open_image(stream)
    image_format = image.format
    frames = getattr(image, "n_frames", 1)
    upright = ImageOps.exif_transpose(image) if frames == 1 else image
    kept = {key: image.info[key] for key in _KEEP_INFO if key in image.info}
    upright.info = dict(kept)
    out = io.BytesIO()
    options: dict = dict(kept)
    if image_format == "JPEG":
        # Keep the original quantisation when the pixels are untouched: no second generation loss.
        options["quality"] = "keep" if upright is image else 95
        if upright.mode not in ("RGB", "L", "CMYK"):
            upright = upright.convert("RGB")
    if frames > 1:
        options["save_all"] = True
    upright.save(out, format=image_format, **options)
    image.close()
    out.seek(0)
    return out


def is_image(content_type: str) -> bool:
    return content_type.startswith("image/")
