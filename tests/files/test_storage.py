"""The local file storage behind which exports and import uploads are kept: real files in a folder."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest

from app.files.storage import LocalFileStorage


class Breaks(io.RawIOBase):
    """A stream that fails part-way, as an upload cut off or a full disk would."""

    def __init__(self):
        self.sent = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.sent:
            raise OSError("the stream broke")
        self.sent = True
        buffer[:4] = b"half"
        return 4


def test_a_saved_file_reads_back_whole_and_is_listed_with_its_size_and_time(tmp_path):
    files = LocalFileStorage(tmp_path)

    size = files.save("exports/export-1-log.csv", io.BytesIO(b"Reference\r\n1.1.1\r\n"))

    with files.open("exports/export-1-log.csv") as stored:
        assert stored.read() == b"Reference\r\n1.1.1\r\n"
    assert size == 18
    assert files.exists("exports/export-1-log.csv")
    [item] = files.list("exports")
    assert (item.key, item.size_bytes) == ("exports/export-1-log.csv", 18)
    assert abs(item.modified - datetime.now(UTC)) < timedelta(minutes=5)
    assert (tmp_path / "exports" / "export-1-log.csv").read_bytes() == b"Reference\r\n1.1.1\r\n"


def test_saving_again_replaces_the_bytes_and_a_broken_save_leaves_the_old_ones_and_no_partial(tmp_path):
    files = LocalFileStorage(tmp_path)
    files.save("imports/tok/status.json", io.BytesIO(b'{"state": "queued"}'))
    files.save("imports/tok/status.json", io.BytesIO(b'{"state": "running"}'))

    with pytest.raises(OSError, match="the stream broke"):
        files.save("imports/tok/status.json", io.BufferedReader(Breaks()))

    with files.open("imports/tok/status.json") as stored:
        assert stored.read() == b'{"state": "running"}'
    assert [item.key for item in files.list("imports")] == ["imports/tok/status.json"]


def test_files_in_nested_folders_are_all_listed_and_an_empty_or_missing_folder_lists_nothing(tmp_path):
    files = LocalFileStorage(tmp_path)
    # Import tokens are URL-safe base64, so a name may start with "_" or "-".
    for key in ("imports/_b/upload", "imports/-a/upload", "imports/-a/upload.json", "exports/export-2-x.pdf"):
        files.save(key, io.BytesIO(b"x"))

    assert sorted(item.key for item in files.list("imports")) == [
        "imports/-a/upload", "imports/-a/upload.json", "imports/_b/upload"
    ]
    assert list(files.list("nothing-here")) == []


def test_deleting_removes_the_file_and_its_emptied_folder_but_keeps_the_top_folder_and_may_be_repeated(tmp_path):
    files = LocalFileStorage(tmp_path)
    files.save("imports/tok/upload", io.BytesIO(b"a"))
    files.save("imports/tok/upload.json", io.BytesIO(b"{}"))
    files.save("exports/export-3-log.csv", io.BytesIO(b"b"))

    files.delete("imports/tok/upload")
    assert (tmp_path / "imports" / "tok").is_dir()
    files.delete("imports/tok/upload.json")
    files.delete("imports/tok/upload.json")
    files.delete("exports/export-3-log.csv")

    assert not (tmp_path / "imports" / "tok").exists()
    assert (tmp_path / "imports").is_dir() and (tmp_path / "exports").is_dir()
    assert not files.exists("imports/tok/upload")
    with pytest.raises(FileNotFoundError):
        files.open("exports/export-3-log.csv")


@pytest.mark.parametrize("key", ["", "../secret_key", "exports/../../etc/passwd", "/etc/passwd", "exports//x",
                                 "exports/.hidden", "exports/a b.csv", "exports\\x"])
def test_a_key_that_could_reach_outside_the_folder_or_is_not_a_plain_name_is_refused(tmp_path, key):
    files = LocalFileStorage(tmp_path / "store")

    for attempt in (lambda: files.save(key, io.BytesIO(b"x")), lambda: files.open(key),
                    lambda: files.exists(key), lambda: files.delete(key)):
        with pytest.raises(ValueError, match="not a file key"):
            attempt()
    assert not (tmp_path / "store").exists()
