"""Uploads: a file imported into a workspace and enriched (permission ``data.import``)."""

from __future__ import annotations

import contextlib
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from socialops.errors import SocialopsError
from socialops.redact import without_paths
from socialops.sources.enrich import enrich_workspace
from socialops.sources.preview import preview_file
from socialops.sources.streams.posts import import_file
from socialops.web.actions.base import Actor
from socialops.web.auth import Access, WebError
from socialops.web.ops.memory import IMPORTS
from socialops.web.services import Services
from socialops.web.uploads import save_upload, upload_name

__all__ = [
    "UPLOAD_LIMIT",
    "EnrichAfterImportError",
    "import_staged",
    "import_upload",
    "preview_upload",
    "stage_upload",
    "upload",
]

UPLOAD_LIMIT = 50 * 2**20  # bytes of one uploaded file (the pages and the API alike)


class UploadTooLarge(ValueError):
    """An upload over the size limit (nothing was kept)."""


class EnrichAfterImportError(Exception):
    """The import was kept but enriching it failed: ``counts`` of the import, ``message``."""

    def __init__(self, message: str, counts: dict[str, Any]) -> None:
        super().__init__(message)
        self.message = message
        self.counts = counts


_STAGED = re.compile(r"^\d+-[0-9a-f]{8}-[^/\\\x00]{1,80}$")  # a name save_upload gave
STAGED_FOR = 3600  # seconds a previewed upload waits for its import


def stage_upload(
    actor: Actor,
    ws: str,
    filename: str,
    fileobj: IO[bytes] | Any,
    *,
    preset: str,
    mapping: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Keep an uploaded file on the server (privately, for :data:`STAGED_FOR` seconds) and
    preview it (:func:`socialops.sources.preview.preview_file`): what the data page's
    column-mapping form is built from. ``staged`` names the kept file for
    :func:`import_staged`; ``file_name`` is the name it was sent with. A file that cannot be read
    raises its error (nothing kept); over :data:`UPLOAD_LIMIT` bytes: 413."""
    actor.access(ws, "data.import")
    folder = actor.services.workspace(ws).root / "uploads"
    _drop_stale(folder)

    def chunks() -> Iterator[bytes]:
        while True:
            block = fileobj.read(1 << 20)
            if not block:
                return
            yield block

    try:
        path = save_upload(folder, filename or "upload", chunks(), UPLOAD_LIMIT)
    except ValueError:
        raise WebError(413, "too_large", limit=UPLOAD_LIMIT // 2**20) from None
    try:
        seen = preview_file(path, preset=preset, mapping=mapping)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return {**seen, "staged": path.name, "file_name": upload_name(path.name)}


def preview_upload(
    actor: Actor,
    ws: str,
    filename: str,
    fileobj: IO[bytes] | Any,
    *,
    preset: str,
    mapping: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """What :func:`stage_upload` shows of a file, the file not kept (the API's preview: its
    caller then imports the file with a mapping JSON); ``problem`` in the caller's words is left
    to the caller."""
    seen = stage_upload(actor, ws, filename, fileobj, preset=preset, mapping=mapping)
    folder = actor.services.workspace(ws).root / "uploads"
    (folder / seen.pop("staged")).unlink(missing_ok=True)
    return seen


def import_staged(
    actor: Actor,
    ws: str,
    staged: str,
    *,
    preset: str,
    mapping: dict[str, Any] | None,
) -> dict[str, Any]:
    """Import and enrich a file :func:`stage_upload` kept (as :func:`upload` does); the kept
    file is removed. An unknown or expired ``staged``: 400 ``data.staged_gone``."""
    access = actor.access(ws, "data.import")
    folder = actor.services.workspace(ws).root / "uploads"
    path = folder / staged
    if not _STAGED.match(staged) or path.is_symlink() or not path.is_file():
        raise WebError(400, "staged_gone")
    name = upload_name(staged)
    try:
        out = _import_saved(actor.services, ws, path, name, preset=preset, mapping=mapping)
    except EnrichAfterImportError as exc:
        _audit_import(actor, access, name, preset, exc.counts, exc.message)
        raise
    _audit_import(actor, access, name, preset, out)
    return out


def _audit_import(
    actor: Actor,
    access: Access,
    name: str,
    preset: str,
    counts: dict[str, Any],
    enrich_error: str | None = None,
) -> None:
    """The audit entry of an upload's import (with the enrichment's error when it failed)."""
    extra = {} if enrich_error is None else {"enrich_error": enrich_error}
    actor.audit(
        access,
        "data.import",
        name,
        preset=preset,
        imported=counts.get("imported"),
        quarantined=counts.get("quarantined"),
        **extra,
    )


def _drop_stale(folder: Path) -> None:
    """Remove the uploads this server process kept longer than :data:`STAGED_FOR` seconds."""
    mine = f"{os.getpid()}-"
    cutoff = time.time() - STAGED_FOR
    with contextlib.suppress(OSError):
        for p in folder.iterdir():
            if p.name.startswith(mine) and p.stat().st_mtime < cutoff:
                p.unlink(missing_ok=True)


def upload(
    actor: Actor,
    ws: str,
    filename: str,
    fileobj: IO[bytes] | Any,
    *,
    preset: str,
    mapping: dict[str, Any] | None,
) -> dict[str, Any]:
    """Import an uploaded file with ``preset`` (and ``mapping``) and enrich its posts: the
    import's counts and ``enriched``. Over :data:`UPLOAD_LIMIT` bytes: 413, nothing kept. A file
    that cannot be read raises its :class:`~socialops.errors.SocialopsError` (nothing kept);
    when enriching fails the import is kept, audited with the error, and
    :class:`EnrichAfterImportError` raised. The workspace's caches are
    invalidated either way (by :func:`import_upload`)."""
    access = actor.access(ws, "data.import")
    try:
        out = import_upload(
            actor.services,
            ws,
            filename,
            fileobj,
            preset=preset,
            mapping=mapping,
            limit=UPLOAD_LIMIT,
        )
    except UploadTooLarge:
        raise WebError(413, "too_large", limit=UPLOAD_LIMIT // 2**20) from None
    except EnrichAfterImportError as exc:
        _audit_import(actor, access, filename, preset, exc.counts, exc.message)
        raise
    _audit_import(actor, access, filename, preset, out)
    return out


def import_upload(
    services: Services,
    slug: str,
    filename: str,
    fileobj: Any,
    *,
    preset: str,
    mapping: dict[str, Any] | None,
    limit: int,
) -> dict[str, Any]:
    """An uploaded file into a workspace, as the data page and the API do it: saved (at most
    ``limit`` bytes, else :class:`UploadTooLarge`), imported with ``preset``/``mapping`` (a
    :class:`~socialops.errors.SocialopsError` when the file cannot be read: nothing kept),
    enriched (:class:`EnrichAfterImportError` when that fails: the import is kept), the file
    removed. Returns the import's counts and ``enriched``."""
    target = services.workspace(slug)

    def chunks() -> Iterator[bytes]:
        while True:
            block = fileobj.read(1 << 20)
            if not block:
                return
            yield block

    try:  # not under tmp/: an import starts by clearing what an interrupted run left there
        path = save_upload(target.root / "uploads", filename or "upload", chunks(), limit)
    except ValueError:
        raise UploadTooLarge(filename) from None
    return _import_saved(services, slug, path, filename, preset=preset, mapping=mapping)


def _import_saved(
    services: Services,
    slug: str,
    path: Path,
    filename: str,
    *,
    preset: str,
    mapping: dict[str, Any] | None,
) -> dict[str, Any]:
    """A saved upload imported, enriched and removed (see :func:`import_upload`), on one of
    the process's import threads (:data:`~socialops.web.ops.memory.IMPORTS`: the native
    libraries' memory for each thread that imports stays bounded)."""
    target = services.workspace(slug)

    def work() -> tuple[dict[str, Any], int]:
        counts = import_file(target, path, preset=preset, mapping=mapping).to_dict()
        try:
            return counts, enrich_workspace(target, workers=1).rows
        except SocialopsError as exc:
            raise EnrichAfterImportError(without_paths(exc.message), counts) from exc

    try:
        counts, enriched = IMPORTS.run(work)
    finally:
        with contextlib.suppress(OSError):
            path.unlink()
        services.changed(slug)
    # the name the file was sent with, not where it lay on the server
    return {**counts, "source_file": Path(filename or "upload").name, "enriched": enriched}
