"""Workspace files are private to the account that runs socialops: every folder socialops keeps
data in (the home folder, each workspace, ``raw/``, ``enriched/``, ``tmp/``, ``uploads/``,
``cache/``) is made ``0700`` and every database ``0600`` (SQLite gives its ``-wal`` and ``-shm``
files the database's mode), whatever the umask. Posts, accounts (password hashes, session and
token digests, the audit log with sign-in addresses) and uploads are not for the other users of
the machine.

    private_dir(root / "uploads")      # made (with missing parents) 0700, or tightened to it
    private_file(root / "notes.json")  # made empty 0600, or tightened to it
    private_db(root / "accounts.db")   # the same for a database and its -wal and -shm files
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

__all__ = ["PRIVATE_DIR", "PRIVATE_FILE", "private_db", "private_dir", "private_file"]

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def _tighten(path: Path, mode: int) -> None:
    """Take the group's and others' permissions away (a folder or file not ours is left)."""
    with contextlib.suppress(OSError):
        st = path.stat()
        if stat.S_IMODE(st.st_mode) & 0o077:
            os.chmod(path, stat.S_IMODE(st.st_mode) & ~0o077 | (mode & 0o700))


def private_dir(path: Path) -> Path:
    """The folder ``path``, made with its missing parents as ``0700`` (an existing one loses
    its group and other permissions). Raises :class:`OSError` when it cannot be made."""
    missing: list[Path] = []
    p = path
    while not p.exists() and p != p.parent:
        missing.append(p)
        p = p.parent
    for d in reversed(missing):
        with contextlib.suppress(FileExistsError):
            d.mkdir(mode=PRIVATE_DIR)
        with contextlib.suppress(OSError):
            os.chmod(d, PRIVATE_DIR)  # mkdir's mode is cut by the umask; this is exact
    if not missing:
        if not path.is_dir():
            raise NotADirectoryError(f"{path} is not a folder")
        _tighten(path, PRIVATE_DIR)
    return path


def private_file(path: Path) -> Path:
    """The file ``path``, made empty as ``0600`` when missing (an existing one loses its group
    and other permissions): call it before SQLite creates a database."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    except FileExistsError:
        _tighten(path, PRIVATE_FILE)
    else:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.chmod(path, PRIVATE_FILE)
    return path


def private_db(path: Path) -> Path:
    """The SQLite database ``path`` made or tightened as :func:`private_file`, with its ``-wal``
    and ``-shm`` files (made before this rule, with the mode they had)."""
    private_file(path)
    for suffix in ("-wal", "-shm", "-journal"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            _tighten(side, PRIVATE_FILE)
    return path
