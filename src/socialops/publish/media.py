"""The media library: images uploaded once, cleaned, and attached to posts by id.

Every image is checked before anything is kept: it must be an image Pillow can read (``verify``
on one decoder, then decoded again for real, as Pillow advises), at most :data:`MAX_BYTES` and at
most ``Image.MAX_IMAGE_PIXELS`` pixels (a decompression bomb is refused, not decoded). Then it
is turned upright by its EXIF orientation and re-encoded from its pixels alone, so nothing of the
original's metadata goes out with a post (EXIF with GPS position and camera serial, XMP, IPTC,
comments, the colour profile); the long side is at most :data:`LONG_SIDE` pixels. An image with
transparency is kept as PNG, every other one becomes JPEG (quality 85); an animated image keeps
its first frame.

The file is written under ``<workspace>/media/<media_id>.<ext>`` through a temporary file and a
rename, so a crash never leaves half a file; the same upload twice (same SHA-256) is the same
asset. Rows live in ``media_assets`` (w0005); the path is stored relative to the workspace.

Videos (for YouTube; MP4, QuickTime and WebM, told by their first bytes, not their names) are kept
as uploaded, up to :data:`MAX_VIDEO_BYTES`: they are not re-encoded here, so a video's own
metadata (e.g. a phone's recording location) goes out with it — the page says so."""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
import uuid
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import text

from socialops.connectors.profiles import now_iso
from socialops.errors import PublishError
from socialops.store.workspace import Workspace

__all__ = [
    "ALT_MAX",
    "LONG_SIDE",
    "MAX_BYTES",
    "MAX_VIDEO_BYTES",
    "MediaAsset",
    "add_media",
    "get_media",
    "list_media",
    "media_file",
    "set_alt",
]

MAX_BYTES = 20 * 1024 * 1024
MAX_VIDEO_BYTES = 512 * 1024 * 1024
LONG_SIDE = 2048
ALT_MAX = 1500  # Mastodon's limit; Bluesky takes more
JPEG_QUALITY = 85
_COLUMNS = (
    "media_id, file_name, path, mime, width, height, bytes, sha256, alt, created_by, created_at"
)


@dataclass(frozen=True)
class MediaAsset:
    media_id: str
    file_name: str
    path: str  # relative to the workspace root
    mime: str
    width: int
    height: int
    bytes: int
    sha256: str  # of the upload as received (the dedupe key)
    alt: str
    created_by: str
    created_at: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _row(r: Any) -> MediaAsset:
    return MediaAsset(
        media_id=r[0],
        file_name=r[1],
        path=r[2],
        mime=r[3],
        width=int(r[4]),
        height=int(r[5]),
        bytes=int(r[6]),
        sha256=r[7],
        alt=r[8],
        created_by=r[9],
        created_at=r[10],
    )


def _open(name: str, data: bytes) -> Image.Image:
    """The decoded image, or a coded refusal (not an image, too many pixels)."""
    limit = Image.MAX_IMAGE_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                probe.verify()
            im = Image.open(io.BytesIO(data))
            w, h = im.size
            if limit is not None and w * h > limit:
                raise PublishError("media.too_many_pixels", file=name, pixels=w * h, limit=limit)
            im.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise PublishError("media.too_many_pixels", file=name, pixels="?", limit=limit) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise PublishError("media.not_image", file=name) from exc
    return im


def _has_alpha(im: Image.Image) -> bool:
    return im.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in im.info


def _clean(im: Image.Image) -> tuple[bytes, str, str, tuple[int, int]]:
    """Upright, resized, re-encoded from its pixels only: (bytes, mime, extension, size)."""
    upright = ImageOps.exif_transpose(im) or im
    mode = "RGBA" if _has_alpha(upright) else "RGB"
    pixels = upright.convert(mode)
    pixels.thumbnail((LONG_SIDE, LONG_SIDE), Image.Resampling.LANCZOS)
    bare = Image.frombytes(mode, pixels.size, pixels.tobytes())  # no info, no EXIF, no profile
    out = io.BytesIO()
    if mode == "RGBA":
        bare.save(out, "PNG", optimize=True)
        return out.getvalue(), "image/png", "png", bare.size
    bare.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue(), "image/jpeg", "jpg", bare.size


def _write_atomic(path: Path, data: bytes) -> None:
    """``data`` at ``path`` whole or not at all (temporary file in the same folder, renamed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def video_kind(data: bytes) -> tuple[str, str] | None:
    """``(mime, extension)`` of an MP4, QuickTime or WebM video by its first bytes, else None."""
    if len(data) >= 12 and data[4:8] == b"ftyp":
        return ("video/quicktime", "mov") if data[8:12] == b"qt  " else ("video/mp4", "mp4")
    if data[:4] == b"\x1a\x45\xdf\xa3":
        return "video/webm", "webm"
    return None


def _check_alt(alt: str) -> str:
    alt = alt.strip()
    if len(alt) > ALT_MAX:
        raise PublishError("media.alt_too_long", count=len(alt), limit=ALT_MAX)
    return alt


def add_media(
    ws: Workspace, file_name: str, data: bytes, *, alt: str = "", actor: str = ""
) -> MediaAsset:
    """Check, clean and keep an uploaded image (the same bytes again: the asset already kept,
    its alt text set when one is given)."""
    name = Path(file_name.replace("\\", "/")).name.strip()
    if not name:
        raise PublishError("media.empty_name")
    video = video_kind(data)
    limit = MAX_VIDEO_BYTES if video else MAX_BYTES
    if len(data) > limit:
        raise PublishError(
            "media.too_large",
            file=name,
            size=round(len(data) / 1024 / 1024, 1),
            limit=limit // 1024 // 1024,
        )
    alt = _check_alt(alt)
    digest = hashlib.sha256(data).hexdigest()
    with ws.connect() as conn:
        known = conn.execute(
            text("SELECT media_id FROM media_assets WHERE sha256 = :h"), {"h": digest}
        ).scalar()
    if known is not None:
        return set_alt(ws, known, alt) if alt else get_media(ws, known)
    if video is not None:
        body, (mime, ext), (width, height) = data, video, (0, 0)
    else:
        with _open(name, data) as im:
            body, mime, ext, (width, height) = _clean(im)
    media_id = uuid.uuid4().hex[:12]
    rel = f"media/{media_id}.{ext}"
    target = ws.root / rel
    _write_atomic(target, body)
    try:
        with ws.begin() as conn:
            conn.execute(
                text(
                    f"INSERT INTO media_assets ({_COLUMNS}) VALUES (:id, :name, :path, :mime, "
                    ":w, :h, :n, :sha, :alt, :by, :now)"
                ),
                {
                    "id": media_id,
                    "name": name[:255],
                    "path": rel,
                    "mime": mime,
                    "w": width,
                    "h": height,
                    "n": len(body),
                    "sha": digest,
                    "alt": alt,
                    "by": actor,
                    "now": now_iso(),
                },
            )
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return get_media(ws, media_id)


def list_media(ws: Workspace) -> list[MediaAsset]:
    """The library, newest first."""
    with ws.connect() as conn:
        rows = conn.execute(
            text(f"SELECT {_COLUMNS} FROM media_assets ORDER BY created_at DESC, media_id")
        ).fetchall()
    return [_row(r) for r in rows]


def get_media(ws: Workspace, media_id: str) -> MediaAsset:
    with ws.connect() as conn:
        r = conn.execute(
            text(f"SELECT {_COLUMNS} FROM media_assets WHERE media_id = :m"), {"m": media_id}
        ).fetchone()
    if r is None:
        raise PublishError("media.unknown", media_id=media_id)
    return _row(r)


def media_file(ws: Workspace, media_id: str) -> Path:
    """Where the cleaned image lies (inside the workspace's ``media`` folder)."""
    return ws.root / get_media(ws, media_id).path


def set_alt(ws: Workspace, media_id: str, alt: str) -> MediaAsset:
    """Set an image's alt text (posts queued before keep the text they were queued with)."""
    get_media(ws, media_id)
    with ws.begin() as conn:
        conn.execute(
            text("UPDATE media_assets SET alt = :a WHERE media_id = :m"),
            {"a": _check_alt(alt), "m": media_id},
        )
    return get_media(ws, media_id)
