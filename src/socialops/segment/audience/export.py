"""Writing a segment's audience file and the record of who exported what.

The file is written under a temporary name beside ``out`` and renamed when complete; a file
with fewer rows than the format's floor is refused (platforms do not serve tiny audiences) and
nothing is left behind. Identifiers are decrypted member by member only while the file is
written; the record (table ``audience_exports``) keeps the segment, the format, the number of
rows, the members left out by reason, the file's name and SHA-256 and who exported it — never
an identifier.

Audience files are written in UTF-8 **without** a byte-order mark: they are read by the
platforms' uploaders, whose header match is exact (Google asks for ``Email``, not
``\\ufeffEmail``), not opened in a spreadsheet; their cells are hex digests and UUIDs, which no
spreadsheet reads as a formula (still passed through :func:`csv_cell`)."""

from __future__ import annotations

import contextlib
import csv
import hashlib
import json
import os
import uuid
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import text

from socialops.domain.instants import now_iso
from socialops.errors import DataError, SettingsError
from socialops.segment.audience.base import AudienceFormat, get_format
from socialops.segment.identifiers import ID_KINDS, column_kind, normalize
from socialops.segment.store import get_segment, segment_members
from socialops.store.exportcells import csv_cell

if TYPE_CHECKING:
    from socialops.store.workspace import Workspace

__all__ = ["audience_exports", "export_audience", "member_row"]

_INVALID_REASON = {"email": "invalid_email", "phone": "invalid_phone"}


def member_row(
    spec: AudienceFormat, identifiers: dict[str, str], country: str = "KR"
) -> tuple[list[str] | None, str, Counter[str]]:
    """(the row's cells or ``None``, why it was left out, identifiers that did not parse by
    kind). A member is left out for ``no_identifier`` (none at all), ``not_carried`` (only
    identifiers this format cannot carry) or ``invalid_<kind>`` (what it could carry did not
    parse: ``invalid_email``, ``invalid_phone``, ``invalid_ad_id``)."""
    ids: dict[str, str] = {}
    for key, value in identifiers.items():
        kind = key if key in ID_KINDS else column_kind(key)
        if kind and value and str(value).strip() and kind not in ids:
            ids[kind] = str(value)
    invalid: Counter[str] = Counter()
    cells: list[str] = []
    for col in spec.columns:
        cell = ""
        for kind in col.kinds:
            if kind not in ids:
                continue
            norm = normalize(kind, ids[kind], country)
            if norm is None:
                invalid[kind] += 1
                continue
            cell = col.cell(norm)
            break
        cells.append(cell)
    if any(cells):
        return cells, "", invalid
    if not ids:
        return None, "no_identifier", invalid
    if invalid:
        first = next(iter(invalid))
        return None, _INVALID_REASON.get(first, "invalid_ad_id"), invalid
    return None, "not_carried", invalid


def export_audience(
    ws: Workspace,
    segment: str,
    fmt: str,
    out: str | Path,
    *,
    actor: str = "",
    country: str = "KR",
    min_rows: int | None = None,
) -> dict[str, Any]:
    """Write ``segment`` as ``fmt``'s customer file at ``out`` and record the export. Returns
    ``{export_id, segment, format, file, rows, members, skipped, invalid, sha256, min_rows,
    exported_by, exported_at}``; fewer rows than ``min_rows`` (default: the format's floor) is
    a coded error and writes nothing."""
    spec = get_format(fmt)
    info = get_segment(ws, segment)
    floor = spec.min_rows if min_rows is None else int(min_rows)
    target = Path(out)
    if target.is_dir() or not target.parent.is_dir():
        raise SettingsError(code="audience.bad_out", file=str(target))
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.tmp")
    rows = members = 0
    skipped: Counter[str] = Counter()
    invalid: Counter[str] = Counter()
    digest = hashlib.sha256()
    try:
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            if spec.header:
                writer.writerow([c.header for c in spec.columns])
            for member in segment_members(ws, info.name, with_identifiers=True):
                members += 1
                cells, reason, bad = member_row(spec, member.identifiers, country)
                invalid.update(bad)
                if cells is None:
                    skipped[reason] += 1
                    continue
                writer.writerow([csv_cell(c) for c in cells])
                rows += 1
        if rows < floor:
            raise DataError(
                code="audience.too_small",
                segment=info.name,
                format=spec.name,
                rows=rows,
                members=members,
                min_rows=floor,
                no_identifier=skipped["no_identifier"],
                not_carried=skipped["not_carried"],
                invalid=sum(v for k, v in skipped.items() if k.startswith("invalid_")),
            )
        with open(tmp, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
        os.replace(tmp, target)
    except OSError as exc:
        raise SettingsError(
            code="audience.cannot_write", file=str(target), detail=exc.strerror or str(exc)
        ) from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    record = {
        "segment": info.name,
        "format": spec.name,
        "file": target.name,
        "rows": rows,
        "members": members,
        "skipped": dict(sorted(skipped.items())),
        "invalid": dict(sorted(invalid.items())),
        "sha256": digest.hexdigest(),
        "min_rows": floor,
        "exported_by": actor,
        "exported_at": now_iso(),
    }
    with ws.begin() as conn:
        export_id = conn.execute(
            text(
                "INSERT INTO audience_exports (segment_id, format, rows, skipped, file_name, "
                "sha256, exported_by, exported_at) VALUES (:s, :f, :r, :k, :n, :h, :b, :t) "
                "RETURNING export_id"
            ),
            {
                "s": info.name,
                "f": spec.name,
                "r": rows,
                "k": json.dumps(
                    {**skipped, **{f"invalid_values.{k}": v for k, v in invalid.items()}},
                    sort_keys=True,
                ),
                "n": target.name,
                "h": record["sha256"],
                "b": actor,
                "t": record["exported_at"],
            },
        ).scalar_one()
    return {"export_id": int(export_id), **record}


def audience_exports(ws: Workspace, segment: str | None = None) -> list[dict[str, Any]]:
    """The record of audience exports, newest first (of one segment when given)."""
    sql = (
        "SELECT export_id, segment_id, format, rows, skipped, file_name, sha256, exported_by, "
        "exported_at FROM audience_exports"
    )
    params: dict[str, Any] = {}
    if segment is not None:
        sql += " WHERE segment_id = :s"
        params["s"] = segment.strip()
    sql += " ORDER BY exported_at DESC, export_id DESC"
    with ws.connect() as conn:
        rows = conn.execute(text(sql), params).all()
    out: list[dict[str, Any]] = []
    for r in rows:
        try:
            reasons = json.loads(r.skipped or "{}")
        except ValueError:
            reasons = {}
        out.append(
            {
                "export_id": int(r.export_id),
                "segment": str(r.segment_id),
                "format": str(r.format),
                "rows": int(r.rows),
                "skipped": {k: v for k, v in reasons.items() if "." not in k},
                "invalid": {
                    k.split(".", 1)[1]: v
                    for k, v in reasons.items()
                    if k.startswith("invalid_values.")
                },
                "file": str(r.file_name),
                "sha256": str(r.sha256),
                "exported_by": str(r.exported_by),
                "exported_at": str(r.exported_at),
            }
        )
    return out
