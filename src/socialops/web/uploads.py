"""Uploaded files on the server: saved privately under the workspace's ``uploads/`` folder
(named after the server process, at most a given size), the name they were sent with, a
column mapping typed in a form, and what a server start does about a crashed server's
leftovers."""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from socialops.errors import SettingsError, SocialopsError
from socialops.store.private import private_dir
from socialops.store.workspace import Workspace, _alive
from socialops.web.accounts import Accounts

__all__ = [
    "clean_uploads",
    "parse_mapping",
    "recover_workspaces",
    "save_upload",
    "upload_name",
]


def parse_mapping(text: str | None) -> dict[str, Any] | None:
    """A column-mapping JSON object from a form field (``None`` when empty)."""
    if not text or not text.strip():
        return None
    try:
        mapped = json.loads(text)
    except ValueError:
        raise SettingsError(code="uploads.mapping_not_json") from None
    if not isinstance(mapped, dict):
        raise SettingsError(code="uploads.mapping_not_object")
    return mapped


_UPLOAD_NAME = re.compile(r"^(\d+)-[0-9a-f]{8}-")  # <server pid>-<random>-<safe name>


def save_upload(folder: Path, name: str, chunks: Iterator[bytes], limit: int) -> Path:
    """Write an upload to ``folder`` (private: 0700, the file 0600), named after this server
    process (:func:`clean_uploads` removes what a server that is gone left) and a safe form of
    ``name``; at most ``limit`` bytes (removed and :class:`ValueError` when bigger, or when
    writing fails)."""
    # the name as sent, letters of any script kept (리뷰 모음.csv stays readable on the data
    # page), anything else that could mean something to a file system or a shell replaced
    safe = re.sub(r"[^\w.() -]+", "_", Path(name).name).strip(" .")[-80:] or "upload"
    private_dir(folder)
    path = folder / f"{os.getpid()}-{secrets.token_hex(4)}-{safe}"
    size = 0
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            for chunk in chunks:
                size += len(chunk)
                if size > limit:
                    raise ValueError("too large")
                fh.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


def upload_name(stored: str) -> str:
    """The name an upload was sent with, from the name it was stored under."""
    return _UPLOAD_NAME.sub("", stored, count=1)


def clean_uploads(folder: Path) -> int:
    """Remove the uploads a server process that is gone left in ``folder`` (killed during an
    upload or its import); those of live processes stay. Returns how many it removed."""
    removed = 0
    try:
        entries = list(folder.iterdir())
    except OSError:
        return 0
    for p in entries:
        found = _UPLOAD_NAME.match(p.name)
        if found is not None and _alive(int(found.group(1))):
            continue
        with contextlib.suppress(OSError):
            if p.is_dir() and not p.is_symlink():
                shutil.rmtree(p)
            else:
                p.unlink()
            removed += 1
    return removed


def recover_workspaces(accounts: Accounts) -> dict[str, int]:
    """What a server start does for every workspace: remove the uploads a crashed server left
    and mark the imports a process that is gone left ``running`` as ``interrupted``. Returns
    ``{"uploads": n, "imports": n}``."""
    done = {"uploads": 0, "imports": 0}
    for slug in accounts.slugs():
        root = accounts.workspace_dir(slug)
        done["uploads"] += clean_uploads(root / "uploads")
        ws = Workspace(root)
        if ws.exists():  # a workspace nothing was imported into yet has no ledger to settle
            with contextlib.suppress(SocialopsError, SQLAlchemyError, OSError):
                done["imports"] += ws.settle_imports()
    return done
