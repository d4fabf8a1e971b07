"""``disk_full_error``: a write refused for lack of space becomes one DiskFullError, whichever
writer met it (real refusals: /dev/full answers every write with ENOSPC; SQLite's page limit
gives its own "database or disk is full")."""

from __future__ import annotations

import errno
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from socialops.errors import DiskFullError, InputFileError, disk_full_error

needs_dev_full = pytest.mark.skipif(
    not (os.path.exists("/dev/full") and stat.S_ISCHR(os.stat("/dev/full").st_mode))
    and os.environ.get("CI") != "true",  # CI's Debian has it: there the test must run
    reason="no /dev/full device",
)


@needs_dev_full
def test_enospc_from_the_os_and_from_arrow(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    fd = os.open("/dev/full", os.O_WRONLY)
    try:
        with pytest.raises(OSError) as raw:
            os.write(fd, b"x" * 4096)
    finally:
        os.close(fd)
    full = disk_full_error(raw.value, tmp_path)
    assert isinstance(full, DiskFullError) and full.exit_code == 74
    assert full.message.startswith("Disk full: no space left writing to " + str(tmp_path))
    assert "free there" in full.message and "run the same command again" in full.message

    # Arrow's error names no file: the folder is said (an open stream, not the path: on
    # failure write_table removes the file at a path, even /dev/full)
    with pytest.raises(OSError) as arrow, pa.OSFile("/dev/full", "wb") as sink:
        pq.write_table(pa.table({"a": list(range(100_000))}), sink)
    full = disk_full_error(arrow.value, tmp_path / "ws")
    assert full is not None and str(tmp_path / "ws") in full.message


def test_sqlite_database_or_disk_is_full(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "small.db")
    conn.execute("PRAGMA max_page_count = 3")
    conn.execute("CREATE TABLE t (x TEXT)")
    with pytest.raises(sqlite3.OperationalError) as caught:
        conn.executemany("INSERT INTO t VALUES (?)", [("x" * 1000,)] * 100)
    conn.close()
    full = disk_full_error(caught.value, tmp_path)
    assert full is not None and "Disk full: no space left" in full.message


def test_wrapped_quota_and_file_size_limit(tmp_path: Path) -> None:
    try:
        try:
            raise OSError(errno.EDQUOT, os.strerror(errno.EDQUOT), str(tmp_path / "a.parquet"))
        except OSError as inner:
            raise InputFileError("could not finish") from inner
    except InputFileError as outer:
        full = disk_full_error(outer)
    assert full is not None and "quota" in full.message and "a.parquet" in full.message
    big = disk_full_error(OSError(errno.EFBIG, os.strerror(errno.EFBIG)), tmp_path)
    assert big is not None and "ulimit -f" in big.message


def test_other_errors_are_left_alone(tmp_path: Path) -> None:
    assert disk_full_error(PermissionError(errno.EACCES, "denied", str(tmp_path))) is None
    assert disk_full_error(ValueError("No space left on device")) is None  # text from a user
    assert disk_full_error(InputFileError("No space left on device")) is None
    assert disk_full_error(FileNotFoundError(errno.ENOENT, "missing")) is None
