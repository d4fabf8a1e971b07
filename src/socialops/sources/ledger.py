"""The one imports ledger of every stream (table ``imports``) and the quarantine of bad rows.

An import is recorded ``running`` when it starts, its counters grow as its batches commit, and
it ends ``done``, ``failed`` or ``interrupted``. Whatever the stream, a bad row is kept in
``quarantine`` with its file, row, reason and raw text (a row is recorded once per file content,
under the import that first met it), and the counts add up:
``rows_read = imported + duplicates + updated + quarantined`` (a stream that updates re-imported
keys counts them as ``updated``; one that skips them as ``duplicates``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import secrets
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, text

from socialops import i18n
from socialops.errors import InputFileError
from socialops.store.workspace import Workspace

__all__ = [
    "QuarantineRow",
    "add_counts",
    "coded_detail",
    "detail_text",
    "finish",
    "forget",
    "insert_many",
    "list_imports",
    "list_quarantine",
    "new_import_id",
    "no_nul",
    "now",
    "quarantine",
    "reason_text",
    "sha256_file",
    "start",
]

QuarantineRow = tuple[int, str, str, str]  # row, reason, detail, raw text


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def new_import_id(prefix: str = "") -> str:
    return prefix + datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    try:
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
    except OSError as exc:
        raise InputFileError(
            code="sources.unreadable", file=path.name, detail=exc.strerror or str(exc)
        ) from exc
    return h.hexdigest()


def no_nul(value: Any) -> Any:
    """``value`` with NUL characters replaced by U+FFFD when it is text: PostgreSQL's text
    cannot hold NUL (SQLite's can), and a file may carry them (untrusted input)."""
    return value.replace("\x00", "\ufffd") if isinstance(value, str) else value


def insert_many(
    conn: Connection, table: str, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """Insert many rows straight through the driver's ``executemany`` (the keys of a large
    import: SQLAlchemy's per-row parameter processing would cost more than the inserts); on
    PostgreSQL through ``COPY``. The rows must be new (no conflict handling).
    ``table`` and ``columns`` are the caller's own names, never user input."""
    if not rows:
        return
    if conn.dialect.name == "postgresql":  # COPY: the bulk path of PostgreSQL
        dbapi: Any = conn.connection.dbapi_connection  # psycopg's Connection
        with (
            dbapi.cursor() as cur,
            cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(tuple(no_nul(v) for v in row))
        return
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    conn.exec_driver_sql(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join([mark] * len(columns))})",
        list(rows),
    )


def start(
    conn: Connection,
    *,
    import_id: str,
    stream: str,
    source_path: str,
    sha256: str,
    preset: str,
    format: str,
    encoding: str | None,
    delimiter: str | None,
    timezone: str,
    topics: Sequence[str] = (),
    options: dict[str, Any] | None = None,
    started_at: str | None = None,
) -> None:
    """Record an import as running (inside the caller's write transaction)."""
    conn.execute(
        text(
            "INSERT INTO imports (import_id, stream, source_path, source_sha256, preset, format, "
            "encoding, delimiter, timezone, topics, options, started_at, status, seq) VALUES "
            "(:id, :stream, :path, :sha, :preset, :format, :encoding, :delimiter, :tz, :topics, "
            ":options, :started, 'running', "
            "(SELECT COALESCE(MAX(seq), 0) + 1 FROM imports))"
        ),
        {
            "id": import_id,
            "stream": stream,
            "path": source_path,
            "sha": sha256,
            "preset": preset,
            "format": format,
            "encoding": encoding,
            "delimiter": delimiter,
            "tz": timezone,
            "topics": json.dumps(list(topics), ensure_ascii=False),
            "options": json.dumps(options or {}, ensure_ascii=False),
            "started": started_at or now(),
        },
    )


def add_counts(conn: Connection, import_id: str, **counts: int) -> None:
    """Add to the import's counters (``rows_read``, ``imported``, ``duplicates``, ``updated``,
    ``rejected``, ``quarantined``)."""
    allowed = ("rows_read", "imported", "duplicates", "updated", "rejected", "quarantined")
    sets = ", ".join(f"{k} = {k} + :{k}" for k in counts if k in allowed)
    if sets:
        conn.execute(
            text(f"UPDATE imports SET {sets} WHERE import_id = :id"), {**counts, "id": import_id}
        )


def finish(
    conn: Connection, import_id: str, status: str, *, rejects: list[dict[str, Any]] | None = None
) -> None:
    params: dict[str, Any] = {"status": status, "at": now(), "id": import_id}
    extra = ""
    if rejects is not None:
        extra = ", rejects = :rejects"
        params["rejects"] = json.dumps(rejects, ensure_ascii=False)
    conn.execute(
        text(
            f"UPDATE imports SET status = :status, finished_at = :at{extra} WHERE import_id = :id"
        ),
        params,
    )


def forget(conn: Connection, import_id: str) -> None:
    """Take back an import that recorded nothing (a file with a header and no rows)."""
    conn.execute(text("DELETE FROM imports WHERE import_id = :id"), {"id": import_id})


def quarantine(
    conn: Connection, sha256: str, import_id: str, source_file: str, rows: list[QuarantineRow]
) -> None:
    """Keep bad rows (a row already kept for this file content stays as first recorded)."""
    if not rows:
        return
    conn.execute(
        text(
            "INSERT INTO quarantine (source_sha256, source_row, import_id, source_file, reason, "
            "detail, raw) VALUES (:sha, :row, :id, :file, :reason, :detail, :raw) "
            "ON CONFLICT (source_sha256, source_row) DO NOTHING"
        ),
        [
            {
                "sha": sha256,
                "row": row,
                "id": import_id,
                "file": no_nul(source_file),
                "reason": reason,
                "detail": no_nul(detail),
                "raw": no_nul(raw),
            }
            for row, reason, detail, raw in rows
        ],
    )


_CODED = '{"code": '


def coded_detail(code: str, **params: Any) -> str:
    """A quarantine detail recorded as a catalogue code (``quarantine.detail.<code>``) and its
    values, so that each reader sees it in their language (:func:`detail_text`)."""
    assert i18n.has(f"quarantine.detail.{code}"), code
    return json.dumps({"code": code, "params": params}, ensure_ascii=False, default=str)


def detail_text(detail: str | None, lang: str) -> str:
    """A recorded detail in ``lang``: a coded one (:func:`coded_detail`) from the catalogue, an
    older plain one as it was recorded."""
    if not detail:
        return ""
    if detail.startswith(_CODED):
        try:
            obj = json.loads(detail)
            key = f"quarantine.detail.{obj['code']}"
            if i18n.has(key) and isinstance(obj.get("params"), dict):
                return i18n.t(key, lang, **obj["params"])
        except (ValueError, KeyError, TypeError):
            pass
    return detail


def reason_text(reason: str, lang: str) -> str:
    """Why a row was quarantined, in words (``quarantine.reason.<reason>``); a reason the
    catalogue does not know is shown as recorded."""
    key = f"quarantine.reason.{reason}"
    return i18n.t(key, lang) if i18n.has(key) else reason


def list_quarantine(
    ws: Workspace,
    limit: int | None = 100,
    import_id: str | None = None,
    lang: str | None = None,
) -> list[dict[str, Any]]:
    """Quarantined rows of every stream (a row is recorded once, under the import that first
    met it). ``reason`` is the machine code and ``detail`` the detail in English; with
    ``lang``, ``reason_text`` and ``detail_text`` say both in that language for a person."""
    sql = (
        "SELECT source_file, source_row, reason, detail, raw, import_id, source_sha256 "
        "FROM quarantine"
    )
    args: dict[str, Any] = {}
    if import_id:
        sql += " WHERE import_id = :id"
        args["id"] = import_id
    sql += " ORDER BY source_file, source_row"
    if limit is not None and limit >= 0:
        sql += " LIMIT :limit"
        args["limit"] = limit
    with ws.connect() as conn:
        rows = [
            {
                "file": r[0],
                "row": r[1],
                "reason": r[2],
                "detail": detail_text(r[3], "en"),
                "raw": r[4],
                "import_id": r[5],
                "source_sha256": r[6],
                **(
                    {"reason_text": reason_text(r[2], lang), "detail_text": detail_text(r[3], lang)}
                    if lang
                    else {}
                ),
            }
            for r in conn.execute(text(sql), args)
        ]
    return rows


def list_imports(ws: Workspace, stream: str | Sequence[str] | None = None) -> list[dict[str, Any]]:
    """The imports of every stream (or of ``stream``), oldest first; ``topics``, ``options``
    and ``rejects`` as JSON values."""
    ws.settle_imports()  # one a killed process left running reads as interrupted
    sql, args = "SELECT * FROM imports", {}
    if stream is not None:
        names = [stream] if isinstance(stream, str) else list(stream)
        sql += " WHERE stream IN (" + ", ".join(f":s{i}" for i in range(len(names))) + ")"
        args = {f"s{i}": n for i, n in enumerate(names)}
    with ws.connect() as conn:
        rows = conn.execute(text(sql + " ORDER BY seq, started_at"), args).mappings().all()
    out = []
    for r in rows:
        d = dict(r)
        for key in ("topics", "options", "rejects"):
            with contextlib.suppress(ValueError, TypeError, KeyError):
                d[key] = json.loads(d[key])
        out.append(d)
    return out
