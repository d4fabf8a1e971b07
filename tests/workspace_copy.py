"""A consistent copy of a workspace folder for tests that change their own copy.

``shutil.copytree`` over a live SQLite database races with its ``-wal``/``-shm`` files, which
vanish when the last connection closes (a connection collected by the garbage collector in the
middle of the copy is enough). SQLite's online backup copies each database as one snapshot.
"""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

SQLITE_FILES = ("*.db", "*.db-wal", "*.db-shm", "*.db-journal")


def copy_workspace(src: Path, dest: Path, *ignore: str) -> Path:
    """Copy the folder ``src`` to ``dest`` (which must not exist), leaving out ``ignore``
    patterns; every ``*.db`` through SQLite's backup API. Returns ``dest``."""
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns(*SQLITE_FILES, *ignore))
    for db in sorted(src.rglob("*.db")):
        target = dest / db.relative_to(src)
        if not target.parent.is_dir():  # under an ignored folder
            continue
        with closing(sqlite3.connect(db)) as source, closing(sqlite3.connect(target)) as copy:
            source.backup(copy)
    return dest
