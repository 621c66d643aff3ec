"""Hostile evidence files, generated here, are refused; images are kept without their metadata."""

from __future__ import annotations

import hashlib
import io
import struct
import tracemalloc
import zipfile

import pytest
from PIL import Image
from sqlalchemy import func, select

from app.domain.errors import ValidationFailed
from app.evidence import services
from app.evidence.storage import storage
from app.extensions import db
from app.models import Evidence
from tests import samples, updates_world

_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
_DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


@pytest.fixture
def world(app, tmp_path):
    app.config["EVIDENCE_DIR"] = str(tmp_path / "evidence")
    return updates_world.build()


def _refusal(world, content: bytes, name: str) -> str:
    with pytest.raises(ValidationFailed) as refused:
        services.upload_evidence(world.action, world.lead, io.BytesIO(content), name)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Evidence)) == 0
    return refused.value.problems["file"]


def _kept(world, content: bytes, name: str) -> tuple[Evidence, bytes]:
    evidence = services.upload_evidence(world.action, world.lead, io.BytesIO(content), name)
    db.session.commit()
    with storage().open(evidence.stored_key) as stored:
        return evidence, stored.read()


def _office_zip(types_xml: str | None = None, extra: dict[str, bytes] | None = None,
                compression: int = zipfile.ZIP_STORED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        archive.writestr("[Content_Types].xml", types_xml or (
            f'<?xml version="1.0"?><Types xmlns="{_TYPES}">'
            f'<Override PartName="/word/document.xml" ContentType="{_DOCX_MAIN}"/></Types>'))
        archive.writestr("word/document.xml", "<w:document/>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


# Macros ---------------------------------------------------------------------------------------

def test_a_word_document_carrying_a_vba_project_is_refused(world):
    content = _office_zip(extra={"word/vbaProject.bin": b"\xcc\x61" + b"\x00" * 64})
    assert "contains macros" in _refusal(world, content, "report.docx")


@pytest.mark.parametrize(("name", "main_type"), [
    ("report.docx", "application/vnd.ms-word.document.macroEnabled.main+xml"),
    ("figures.xlsx", "application/vnd.ms-excel.sheet.macroEnabled.main+xml"),
    ("slides.pptx", "application/vnd.ms-powerpoint.slideshow.macroEnabled.main+xml"),
])
def test_a_macro_enabled_file_renamed_to_a_plain_office_extension_is_refused(world, name, main_type):
    types = (f'<?xml version="1.0"?><Types xmlns="{_TYPES}">'
             f'<Override PartName="/word/document.xml" ContentType="{main_type}"/>'
             f'<Override PartName="/word/document2.xml" ContentType="{_DOCX_MAIN}"/></Types>')
    assert "contains macros" in _refusal(world, _office_zip(types), name)


def _ole_with_storages(stream_name: str, storages: list[str]) -> bytes:
    """An OLE2 compound file holding one stream and a chain of nested storages (Macros/VBA)."""
    end_of_chain, free, none = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFF
    header = bytearray(512)
    header[0:8] = bytes.fromhex("D0CF11E0A1B11AE1")
    struct.pack_into("<HHHHH", header, 24, 0x003E, 0x0003, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 40, 0, 1, 1, 0, 0x1000, end_of_chain, 0, end_of_chain, 0)
    struct.pack_into("<I", header, 76, 0)
    for slot in range(1, 109):
        struct.pack_into("<I", header, 76 + slot * 4, free)
    fat = struct.pack("<II", 0xFFFFFFFD, end_of_chain) + struct.pack("<I", free) * 126

    def entry(name: str, kind: int, right: int, child: int) -> bytes:
        raw = bytearray(128)
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        raw[0:len(encoded)] = encoded
        struct.pack_into("<HBB", raw, 64, len(encoded), kind, 1)
        struct.pack_into("<III", raw, 68, none, right, child)
        struct.pack_into("<II", raw, 116, end_of_chain, 0)
        return bytes(raw)

    entries = [entry("Root Entry", 5, none, 1), entry(stream_name, 2, 2 if storages else none, none)]
    for index, storage_name in enumerate(storages):
        child = 3 + index if index + 1 < len(storages) else none
        entries.append(entry(storage_name, 1, none, child))
    unused = bytearray(128)
    struct.pack_into("<III", unused, 68, none, none, none)
    entries += [bytes(unused)] * (4 - len(entries))
    return bytes(header) + fat + b"".join(entries)


@pytest.mark.parametrize(("name", "stream", "storages"), [
    ("minutes.doc", "WordDocument", ["Macros", "VBA"]),
    ("returns.xls", "Workbook", ["_VBA_PROJECT_CUR", "VBA"]),
])
def test_a_legacy_office_file_with_a_vba_storage_is_refused(world, name, stream, storages):
    assert "contains macros" in _refusal(world, _ole_with_storages(stream, storages), name)


def test_a_legacy_office_file_without_macros_is_still_accepted(world):
    evidence, _ = _kept(world, _ole_with_storages("WordDocument", ["ObjectPool"]), "minutes.doc")
    assert evidence.content_type == "application/msword"


# Zip bombs ------------------------------------------------------------------------------------

def test_a_document_hiding_a_highly_compressed_part_is_refused_as_a_zip_bomb(world):
    content = _office_zip(extra={"word/media/filler.bin": b"\x00" * (8 * 1024 * 1024)},
                          compression=zipfile.ZIP_DEFLATED)
    assert len(content) < 64 * 1024
    assert "would expand to far more than its size" in _refusal(world, content, "report.docx")


def _declaring(content: bytes, member: str, size: int) -> bytes:
    """The archive with the central directory claiming ``size`` uncompressed bytes for one member."""
    raw = bytearray(content)
    name = member.encode()
    at = 0
    while True:
        at = raw.index(b"PK\x01\x02", at)
        (length,) = struct.unpack_from("<H", raw, at + 28)
        if raw[at + 46:at + 46 + length] == name:
            struct.pack_into("<I", raw, at + 24, size)
            return bytes(raw)
        at += 4


def test_a_bomb_declaring_gigabytes_is_refused_from_its_directory_without_inflating_anything(world):
    content = _declaring(_office_zip(extra={"word/media/big.bin": b"\x00" * 1000},
                                     compression=zipfile.ZIP_DEFLATED), "word/media/big.bin", 4_000_000_000)
    tracemalloc.start()
    try:
        message = _refusal(world, content, "report.docx")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "would expand to far more than its size" in message
    assert peak < 8 * 1024 * 1024


def test_an_archive_whose_total_uncompressed_size_is_over_the_limit_is_refused(world, app):
    app.config["EVIDENCE_ZIP_MAX_UNCOMPRESSED_BYTES"] = 4096
    content = _office_zip(extra={"word/media/photo.bin": bytes(range(256)) * 20})
    assert "would expand to far more than its size" in _refusal(world, content, "report.docx")


def test_an_archive_with_too_many_parts_is_refused(world, app):
    app.config["EVIDENCE_ZIP_MAX_MEMBERS"] = 50
    content = _office_zip(extra={f"word/part{n}.xml": b"<p/>" for n in range(60)})
    assert "more than 50 parts" in _refusal(world, content, "report.docx")


def test_content_types_with_entity_expansion_are_refused_by_the_xml_parser(world):
    laughs = ('<?xml version="1.0"?><!DOCTYPE Types [<!ENTITY lol "lol">'
              '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
              f'<Types xmlns="{_TYPES}"><Override PartName="/word/document.xml" ContentType="{_DOCX_MAIN}&lol2;"/>'
              '</Types>')
    assert "internal structure is not valid" in _refusal(world, _office_zip(laughs), "report.docx")


def test_an_ordinary_word_document_is_still_accepted(world):
    evidence, kept = _kept(world, samples.docx(), "report.docx")
    assert kept == samples.docx()
    assert evidence.sha256 == hashlib.sha256(kept).hexdigest()


# Images ---------------------------------------------------------------------------------------

def _png_claiming(width: int, height: int) -> bytes:
    """A small PNG whose header claims a huge canvas: decoding it would take gigabytes."""
    import zlib

    original = samples.png()
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = struct.pack(">I", 13) + b"IHDR" + header + struct.pack(">I", zlib.crc32(b"IHDR" + header) & 0xFFFFFFFF)
    return original[:8] + chunk + original[8 + 25:]


def test_an_image_claiming_billions_of_pixels_is_refused_before_decoding(world):
    message = _refusal(world, _png_claiming(100_000, 100_000), "chart.png")
    assert "The image is too large: it can have at most 50,000,000 pixels" in message


def test_an_image_over_the_configured_pixel_limit_is_refused(world, app):
    app.config["EVIDENCE_MAX_IMAGE_PIXELS"] = 10_000
    buffer = io.BytesIO()
    Image.new("RGB", (200, 200), "white").save(buffer, "PNG")
    assert "at most 10,000 pixels" in _refusal(world, buffer.getvalue(), "chart.png")


def _photo_with_location() -> bytes:
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"  # Make
    exif[0x0110] = "Phone model 7"  # Model
    gps = {1: "N", 2: (52.0, 34.0, 20.5), 3: "W", 4: (0.0, 14.0, 40.1)}
    exif[0x8825] = gps  # GPSInfo
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, comment=b"taken at the family's home")
    return buffer.getvalue()


def test_a_photo_is_kept_without_its_gps_location_or_camera_details_and_the_checksum_is_of_the_kept_file(world):
    original = _photo_with_location()
    with Image.open(io.BytesIO(original)) as before:
        assert before.getexif().get_ifd(0x8825)  # the sample really carries a location
    evidence, kept = _kept(world, original, "site visit.jpg")
    assert kept != original
    with Image.open(io.BytesIO(kept)) as after:
        assert after.size == (64, 48)
        assert dict(after.getexif()) == {}
        assert "exif" not in after.info and "comment" not in after.info
    assert b"Phone model 7" not in kept and b"family's home" not in kept
    assert evidence.sha256 == hashlib.sha256(kept).hexdigest()
    assert evidence.size_bytes == len(kept)


def test_a_png_is_kept_without_its_text_chunks(world):
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Author", "Named social worker")
    info.add_text("Location", "52.57N 0.24W")
    buffer = io.BytesIO()
    Image.new("RGBA", (10, 10), (0, 0, 0, 0)).save(buffer, "PNG", pnginfo=info)
    _, kept = _kept(world, buffer.getvalue(), "chart.png")
    assert b"Named social worker" not in kept and b"52.57N" not in kept
    with Image.open(io.BytesIO(kept)) as after:
        assert after.size == (10, 10) and after.mode == "RGBA"
