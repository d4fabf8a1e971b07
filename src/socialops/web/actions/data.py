"""Uploads: a file imported into a workspace and enriched (permission ``data.import``)."""

from __future__ import annotations

from typing import IO, Any

from socialops.web.actions.base import Actor
from socialops.web.auth import WebError
from socialops.web.services import EnrichAfterImportError, UploadTooLarge, import_upload

__all__ = ["UPLOAD_LIMIT", "upload"]

UPLOAD_LIMIT = 50 * 2**20  # bytes of one uploaded file (the pages and the API alike)


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
    :class:`~socialops.web.services.EnrichAfterImportError` raised. The workspace's caches are
    invalidated either way (by :func:`~socialops.web.services.import_upload`)."""
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
        actor.audit(
            access,
            "data.import",
            filename,
            preset=preset,
            imported=exc.counts.get("imported"),
            quarantined=exc.counts.get("quarantined"),
            enrich_error=exc.message,
        )
        raise
    actor.audit(
        access,
        "data.import",
        filename,
        preset=preset,
        imported=out.get("imported"),
        quarantined=out.get("quarantined"),
    )
    return out
