"""The ``posts`` stream: a file of posts into the workspace, streaming, idempotent, crash-safe.

For each batch of rows (default 50,000): rows are mapped to the canonical record
(socialops.domain.post.POST_SCHEMA); bad rows go to the quarantine; keys already in the ledger
(``post_keys``, key = platform + post_id) or repeated in the file are counted as duplicates; the
new rows are written as a Parquet part under ``tmp/``, renamed into ``raw/``, and only then
recorded in ONE write transaction with their keys, the ``raw_parts`` row, the quarantine rows
and the import's counters. An interrupted import leaves committed parts only; running it again
finishes the job without duplicates. Every run holds the workspace writer lock.

``rows_read = imported + duplicates + quarantined`` always. A key imported before is a
duplicate: the first record of a key stays (``on_repeat="duplicate"``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import Connection, text

from socialops import settings
from socialops.domain.post import POST_SCHEMA, PostKind
from socialops.errors import InputFileError, UnknownPresetError
from socialops.sources import ledger
from socialops.sources.presets import posts as P
from socialops.sources.readers import MAX_FIELD_CHARS, RawRecord, open_source
from socialops.sources.streams import Stream, register
from socialops.sources.timeparse import TimeParser
from socialops.store.workspace import Workspace

__all__ = [
    "QUARANTINE_REASONS",
    "STREAM",
    "ImportResult",
    "import_file",
    "list_imports",
    "list_quarantine",
    "workspace_lock",
]

coded = ledger.coded_detail  # a detail each reader sees in their language

QUARANTINE_REASONS: dict[str, str] = {
    "encoding": "a line that is not valid in the file's encoding (Parquet: binary text that is "
    "not UTF-8)",
    "column_count": "a row with more or fewer fields than the header",
    "malformed": "a row the CSV parser cannot read (a field over 4 MiB within one line)",
    "unclosed_quote": "a line whose quote never closes (only that line: the lines it swallowed "
    "are read again as rows)",
    "bad_json": "a JSONL line that is not a JSON object, or nested more than 100 levels deep",
    "oversized_field": f"a field longer than {MAX_FIELD_CHARS:,} characters",
    "missing_id": "no post id (empty id cell)",
    "empty_text": "empty or blank text where text is required",
    "missing_date": "no date where the preset requires one",
    "bad_date": "a date/time that cannot be read",
    "bad_number": "a count (likes, comments, shares, views, followers) that is not a number",
    "out_of_range": "a count that is negative or too large (over 2^63 - 1), or a date outside "
    "1900-01-01 .. 2199-12-31",
    "bad_value": "a platform or kind that is empty or unknown",
}
_KINDS = frozenset(k.value for k in PostKind)
_INT_RE = re.compile(r"^[+-]?\d{1,15}$")
COUNT_MAX = 2**63 - 1  # int64, the type of every count in POST_SCHEMA
# instants (us since the epoch, UTC) a post may have: enrichment turns them into local days and
# months (1 and 9999 overflow there), and a social post is not older than 1900
TS_MIN = -2_208_988_800_000_000  # 1900-01-01T00:00:00Z
TS_MAX = 7_258_118_400_000_000  # 2200-01-01T00:00:00Z (exclusive)
_FLOAT_RE = re.compile(r"^[+-]?\d{1,15}\.\d+$")


@dataclass
class ImportResult:
    import_id: str
    source_file: str
    source_sha256: str
    preset: str
    format: str
    encoding: str | None
    delimiter: str | None
    timezone: str
    topics: list[str]
    rows_read: int = 0
    imported: int = 0
    duplicates: int = 0
    duplicates_in_file: int = 0
    already_imported: int = 0
    quarantined: int = 0
    quarantine_reasons: dict[str, int] = field(default_factory=dict)
    parts: list[str] = field(default_factory=list)
    status: str = "running"
    elapsed_s: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["elapsed_s"] = round(self.elapsed_s, 3)
        return d

    @property
    def delimiter_name(self) -> str:
        return {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe"}.get(
            self.delimiter or "", repr(self.delimiter)
        )

    def summary(self) -> str:
        return (
            f"rows read {self.rows_read:,} = imported {self.imported:,} + duplicates "
            f"{self.duplicates:,} + quarantined {self.quarantined:,}"
        )


@contextlib.contextmanager
def workspace_lock(ws: Workspace, what: str = "the import") -> Iterator[None]:
    """The workspace's writer lock (shared with enrichment); WorkspaceError when busy."""
    with ws.lock(what):
        yield


# -- value helpers -------------------------------------------------------------------------------
def _str(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, str):
        s = v.strip()
        return s or None
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, float):
        if v != v:
            return None
        if v.is_integer():
            return str(int(v))
        return repr(v)
    if isinstance(v, dict | list):
        return json.dumps(v, ensure_ascii=False, default=str)
    return str(v)


def _text(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, str):
        return v if v.strip() else None
    return _str(v)


def _int(v: Any) -> int | None:
    if v is None:
        return None
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        if v != v:
            return None
        if v.is_integer():
            return int(v)
        raise ValueError(repr(v))
    s = str(v).strip().replace(",", "").replace("_", "")
    if not s:
        return None
    try:
        return int(s)
    except ValueError:
        f = float(s)  # ValueError propagates
        if not f.is_integer():
            raise ValueError(s) from None
        return int(f)


def _infinite(v: Any) -> bool:
    """An infinite count (``inf``, ``1e999``): out of range rather than not a number."""
    try:
        f = float(str(v).strip().replace(",", "").replace("_", ""))
    except (ValueError, OverflowError):
        return False
    return f in (float("inf"), float("-inf"))


def _shown(v: Any) -> str:
    return repr(str(v)[:40])


_JSON = json.JSONEncoder(ensure_ascii=False, default=str)
_encode_str: Callable[[str], str] = getattr(json.encoder, "c_encode_basestring", None) or (
    json.encoder.py_encode_basestring
)


def _json_value(v: Any) -> str:
    """JSON text of one extra value (same output as json.dumps(..., ensure_ascii=False))."""
    if isinstance(v, str):
        return _encode_str(v)
    if isinstance(v, bool) or v is None:
        return _JSON.encode(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return repr(v) if v == v and v not in (float("inf"), float("-inf")) else "null"
    return _JSON.encode(v)


_EXTRA_CACHE: dict[tuple[str, bool], Any] = {}
_FRAG_CACHE: dict[tuple[str, bool], str] = {}  # short extra value -> its JSON text


def _extra_value(v: Any, as_list: bool) -> Any:
    if isinstance(v, str) and len(v) <= 24:
        key = (v, as_list)
        hit = _EXTRA_CACHE.get(key, _EXTRA_CACHE)
        if hit is not _EXTRA_CACHE:
            return hit
        out = _extra_value_uncached(v, as_list)
        if len(_EXTRA_CACHE) > 100_000:
            _EXTRA_CACHE.clear()
        _EXTRA_CACHE[key] = out
        return out
    return _extra_value_uncached(v, as_list)


def _extra_value_uncached(v: Any, as_list: bool) -> Any:
    if isinstance(v, str):
        s = v.strip()
        if as_list:
            parts = [x.strip() for x in s.split(",") if x.strip()]
            return [int(x) if _INT_RE.match(x) else x for x in parts]
        if _INT_RE.match(s) and not (len(s.lstrip("+-")) > 1 and s.lstrip("+-")[0] == "0"):
            return int(s)
        if _FLOAT_RE.match(s):
            return float(s)
        return v
    if isinstance(v, float) and v != v:
        return None
    return v


# -- conversion ----------------------------------------------------------------------------------
@dataclass
class _Batch:
    cols: dict[str, list[Any]]
    keys: list[tuple[str, str]]
    quarantine: list[tuple[int, str, str, str]]  # row, reason, detail, raw


def _derived_id(rec: RawRecord) -> str:
    vals = rec.values or {}
    payload = "\x1f".join(_str(v) or "" for v in vals.values())
    h = hashlib.sha1(f"{rec.row}\x1e{payload}".encode(), usedforsecurity=False).hexdigest()
    return f"r{rec.row}-{h[:12]}"


def _convert(
    records: list[RawRecord], b: P.Bound, tp: TimeParser, dynamic_extra: bool = False
) -> _Batch:
    """Map raw rows to canonical columns; ``dynamic_extra``: rows may hold keys beyond the
    columns seen when the file was opened (JSONL), keep every unmapped one in extra."""
    names = [f.name for f in POST_SCHEMA]
    cols: dict[str, list[Any]] = {n: [] for n in names}
    keys: list[tuple[str, str]] = []
    quar: list[tuple[int, str, str, str]] = []
    c = b.columns
    c_id = c.get("post_id")
    c_text = c.get("text")
    c_date = c.get("created_at")
    c_platform = c.get("platform")
    c_kind = c.get("kind")
    k_platform = b.consts.get("platform", "unknown")
    k_kind = b.consts.get("kind", "post")
    req = b.required
    text_req = "text" in req
    date_req = "created_at" in req
    str_cols = [(f, c[f]) for f in P.STR_FIELDS if f in c]
    int_cols = [(f, c[f]) for f in P.INT_FIELDS if f in c]
    fixed: dict[str, Any] = {}
    for f in P.STR_FIELDS:
        if f not in c and f in b.consts:
            fixed[f] = _str(b.consts[f])
    for f in P.INT_FIELDS:
        if f not in c and f in b.consts:
            try:
                fixed[f] = _int(b.consts[f])
            except ValueError:
                raise UnknownPresetError(
                    code="sources.constant_number", field=f, value=str(b.consts[f])[:40]
                ) from None
    unmapped = [f for f in (*P.STR_FIELDS, *P.INT_FIELDS) if f not in c]
    extra_cols = [(x, x in b.spec.list_columns, _encode_str(x) + ": ") for x in b.extra]
    mapped = set(c.values())
    frag_cache = _FRAG_CACHE
    date_cache = tp._cache
    derive = b.derive_id
    col_id, col_text, col_date = cols["post_id"], cols["text"], cols["created_at"]
    col_platform, col_kind, col_row = cols["platform"], cols["kind"], cols["source_row"]
    col_extra = cols["extra"]

    def bad(rec: RawRecord, reason: str, detail: str) -> None:
        quar.append((rec.row, reason, detail, rec.raw_text()))

    for rec in records:
        v = rec.values
        if v is None:
            quar.append((rec.row, rec.reason or "malformed", rec.detail or "", rec.raw_text()))
            continue
        # platform and kind
        if c_platform is not None:
            platform = _str(v.get(c_platform))
            if platform is None:
                bad(rec, "bad_value", coded("empty_platform", column=c_platform))
                continue
            platform = platform.lower()
        else:
            platform = k_platform
        if c_kind is not None:
            kind = (_str(v.get(c_kind)) or "").lower()
            if kind not in _KINDS:
                kinds = ", ".join(f"'{k}'" for k in sorted(_KINDS))
                bad(rec, "bad_value", coded("bad_kind", value=kind[:40], kinds=kinds))
                continue
        else:
            kind = k_kind
        # id
        if c_id is not None:
            pid = v.get(c_id)
            pid = (pid.strip() or None) if pid.__class__ is str else _str(pid)
            if pid is None:
                if derive:
                    pid = _derived_id(rec)
                else:
                    bad(rec, "missing_id", coded("missing_id", column=c_id))
                    continue
        else:
            pid = _derived_id(rec)
        # text
        text = _text(v.get(c_text)) if c_text is not None else None
        if text is None:
            if text_req:
                bad(rec, "empty_text", coded("empty_text", column=c_text))
                continue
        elif len(text) > MAX_FIELD_CHARS:
            bad(
                rec,
                "oversized_field",
                coded("long_text", n=f"{len(text):,}", limit=f"{MAX_FIELD_CHARS:,}"),
            )
            continue
        # date
        if c_date is not None:
            raw_date = v.get(c_date)
            try:
                ts = date_cache.get(raw_date) if raw_date.__class__ is str else None
                if ts is None:
                    ts = tp.to_us(raw_date)
            except ValueError:
                bad(rec, "bad_date", coded("bad_date", column=c_date, value=str(raw_date)[:80]))
                continue
        else:
            ts = None
        if ts is None and date_req:
            bad(rec, "missing_date", coded("missing_date", column=c_date))
            continue
        if ts is not None and not TS_MIN <= ts < TS_MAX:
            bad(
                rec,
                "out_of_range",
                coded("date_range", column=c_date, value=str(raw_date)[:40]),
            )
            continue
        # counts
        ints: list[int | None] = []
        failed = False
        for f, col in int_cols:
            try:
                count = _int(v.get(col))
            except (ValueError, OverflowError):
                raw_n = v.get(col)
                if _infinite(raw_n):
                    bad(
                        rec,
                        "out_of_range",
                        coded("count_infinite", field=f, column=col, value=_shown(raw_n)),
                    )
                else:
                    bad(
                        rec,
                        "bad_number",
                        coded("count_not_number", field=f, column=col, value=_shown(raw_n)),
                    )
                failed = True
                break
            if count is not None and not 0 <= count <= COUNT_MAX:
                shown = _shown(v.get(col))
                bad(
                    rec,
                    "out_of_range",
                    coded("count_negative", field=f, column=col, value=shown)
                    if count < 0
                    else coded(
                        "count_too_large", field=f, column=col, value=shown, limit=f"{COUNT_MAX:,}"
                    ),
                )
                failed = True
                break
            ints.append(count)
        if failed:
            continue
        # accepted
        col_platform.append(platform)
        col_id.append(pid)
        col_kind.append(kind)
        col_text.append(text)
        col_date.append(ts)
        col_row.append(rec.row)
        for (f, _col), n in zip(int_cols, ints, strict=True):
            cols[f].append(n)
        for f, col in str_cols:
            cols[f].append(_str(v.get(col)))
        if dynamic_extra:
            parts = [
                _encode_str(x) + ": " + _json_value(_extra_value(val, False))
                for x, val in v.items()
                if x not in mapped
                and val is not None
                and not (isinstance(val, str) and not val.strip())
            ]
            col_extra.append("{" + ", ".join(parts) + "}" if parts else None)
        elif extra_cols:
            parts = []
            for x, as_list, key_json in extra_cols:
                val = v.get(x)
                if val is None:
                    continue
                if val.__class__ is str and len(val) <= 24:
                    frag = frag_cache.get((val, as_list))
                    if frag is None:
                        frag = "" if not val.strip() else _json_value(_extra_value(val, as_list))
                        if len(frag_cache) > 100_000:
                            frag_cache.clear()
                        frag_cache[(val, as_list)] = frag
                    if frag:
                        parts.append(key_json + frag)
                    continue
                if isinstance(val, str) and not val.strip():
                    continue
                parts.append(key_json + _json_value(_extra_value(val, as_list)))
            col_extra.append("{" + ", ".join(parts) + "}" if parts else None)
        else:
            col_extra.append(None)
        keys.append((platform, pid))
    n = len(keys)
    for f in unmapped:
        cols[f] = [fixed.get(f)] * n
    return _Batch(cols, keys, quar)


_CONST_COLUMNS = ("source_file", "topics", "import_id")
_VALUE_FIELDS = [f for f in POST_SCHEMA if f.name not in _CONST_COLUMNS]
_ARROW_ERRORS = (pa.ArrowException, OverflowError, TypeError, ValueError, UnicodeError)


def _arrays(b: _Batch, records: list[RawRecord]) -> dict[str, pa.Array]:
    """The batch's columns as Arrow arrays, built once. A value Arrow cannot store that row
    validation let through (say a string with a lone surrogate from JSON) sends its row to the
    quarantine, and the rest of the batch is kept: a batch never fails on one row."""
    try:
        return {f.name: pa.array(b.cols[f.name], type=f.type) for f in _VALUE_FIELDS}
    except _ARROW_ERRORS:
        pass
    bad: dict[int, tuple[str, str]] = {}
    for f in _VALUE_FIELDS:
        vals = b.cols[f.name]
        try:
            pa.array(vals, type=f.type)
            continue
        except _ARROW_ERRORS:
            pass
        for i, v in enumerate(vals):
            try:
                pa.array([v], type=f.type)
            except _ARROW_ERRORS as exc:
                textual = pa.types.is_string(f.type) or pa.types.is_list(f.type)
                reason = "encoding" if textual else "out_of_range"
                detail = f"{f.name} {str(v)[:40]!r} cannot be stored: {str(exc)[:120]}"
                bad.setdefault(i, (reason, detail))
    by_row = {r.row: r for r in records}
    rows = b.cols["source_row"]
    for i in sorted(bad):
        reason, detail = bad[i]
        rec = by_row.get(rows[i])
        b.quarantine.append((rows[i], reason, detail, rec.raw_text() if rec else ""))
    keep = [i for i in range(len(b.keys)) if i not in bad]
    b.cols = {k: [vals[i] for i in keep] if vals else vals for k, vals in b.cols.items()}
    b.keys = [b.keys[i] for i in keep]
    return {f.name: pa.array(b.cols[f.name], type=f.type) for f in _VALUE_FIELDS}


def _table(
    arrays: dict[str, pa.Array],
    keep: list[int],
    total: int,
    source_file: str,
    topics: list[str],
    import_id: str,
) -> pa.Table:
    """The rows ``keep`` (indexes into arrays of length ``total``) as a POST_SCHEMA table."""
    n = len(keep)
    idx = None if n == total else pa.array(keep, type=pa.int64())
    out = []
    for f in POST_SCHEMA:
        if f.name == "source_file":
            out.append(pa.array([source_file] * n, type=f.type))
        elif f.name == "topics":
            out.append(pa.array([topics] * n, type=f.type))
        elif f.name == "import_id":
            out.append(pa.array([import_id] * n, type=f.type))
        else:
            a = arrays[f.name]
            out.append(a if idx is None else a.take(idx))
    return pa.Table.from_arrays(out, schema=POST_SCHEMA)


def _existing(
    conn: Connection, keys: list[tuple[str, str]], table: str = "post_keys"
) -> dict[tuple[str, str], str]:
    """{key: part} for the keys already in the ledger (one query per platform in the batch:
    the ids travel as one JSON array on SQLite, one array parameter on PostgreSQL)."""
    by_platform: dict[str, list[str]] = {}
    for pl, pid in keys:
        by_platform.setdefault(pl, []).append(pid)
    out: dict[tuple[str, str], str] = {}
    part = "part" if table == "post_keys" else "''"
    if conn.dialect.name == "sqlite":
        sql = text(
            f"SELECT post_id, {part} FROM {table} WHERE platform = :pl "
            "AND post_id IN (SELECT value FROM json_each(:ids))"
        )
    else:
        sql = text(
            f"SELECT post_id, {part} FROM {table} WHERE platform = :pl AND post_id = ANY(:ids)"
        )
    for pl, ids in by_platform.items():
        # PostgreSQL keeps a NUL as U+FFFD (ledger.no_nul): ask for that, answer the original
        stored = {ledger.no_nul(i): i for i in ids}
        arg: Any = json.dumps(ids) if conn.dialect.name == "sqlite" else list(stored)
        for pid, part in conn.execute(sql, {"pl": ledger.no_nul(pl), "ids": arg}):
            out[(pl, pid if conn.dialect.name == "sqlite" else stored.get(pid, pid))] = part
    return out


# -- the import ----------------------------------------------------------------------------------
def import_file(
    ws: Workspace,
    path: str | Path,
    *,
    preset: str = "generic",
    mapping: Mapping[str, Any] | None = None,
    topics: Sequence[str] = (),
    tz: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    batch_size: int = 50_000,
) -> ImportResult:
    """Import ``path`` into ``ws``; see the module docstring. Returns the counts and detections.

    ``mapping`` is a mapping-file object (see socialops.listen.presets) merged onto ``preset``.
    ``progress(done, total)`` is called after each committed batch (position in the file, in
    bytes of the file for text, rows for XLSX/Parquet).
    """
    t0 = time.perf_counter()
    zone = settings.default_timezone(tz)
    spec = P.get_preset(preset)
    if mapping:
        if "preset" in mapping and isinstance(mapping["preset"], str):
            spec = P.get_preset(mapping["preset"]) if preset == "generic" else spec
        spec = P.merge_mapping(spec, mapping)
    p = Path(path)
    source_file = os.path.abspath(p)
    topic_list = [t.strip() for t in topics if t and t.strip()]

    src = open_source(
        p,
        encoding=encoding,
        delimiter=delimiter,
        header=spec.header,
        names=list(spec.names) if spec.names else None,
    )
    with src:
        bound = P.bind(spec, src.columns, str(p))
        sha = ledger.sha256_file(p)
        tp = TimeParser(zone, spec.date_format)
        import_id = ledger.new_import_id()
        res = ImportResult(
            import_id=import_id,
            source_file=source_file,
            source_sha256=sha,
            preset=spec.name,
            format=src.format,
            encoding=src.encoding,
            delimiter=src.delimiter,
            timezone=str(zone.key),
            topics=topic_list,
        )
        reasons: Counter[str] = Counter()
        with workspace_lock(ws, "the import"):
            ws.recover()
            with ws.begin() as tx:
                ledger.start(
                    tx,
                    import_id=import_id,
                    stream=STREAM.name,
                    source_path=source_file,
                    sha256=sha,
                    preset=spec.name,
                    format=src.format,
                    encoding=src.encoding,
                    delimiter=src.delimiter,
                    timezone=res.timezone,
                    topics=topic_list,
                )
            try:
                with ws.connect() as conn:
                    _run(ws, conn, src, bound, tp, res, reasons, progress, batch_size)
            except BaseException as exc:
                status = "failed" if isinstance(exc, Exception) else "interrupted"
                with contextlib.suppress(Exception), ws.connect() as conn:
                    ledger.finish(conn, import_id, status)
                raise
            if res.rows_read == 0:
                # a header and nothing else: not an import (nothing was written but the
                # import's own row, taken back here), a bad input like an empty file
                with ws.begin() as tx:
                    ledger.forget(tx, import_id)
                raise InputFileError(code="sources.no_rows", file=p.name)
            res.status = "done"
            with ws.begin() as tx:
                ledger.finish(tx, import_id, "done")
    res.quarantine_reasons = dict(sorted(reasons.items()))
    res.elapsed_s = time.perf_counter() - t0
    assert res.rows_read == res.imported + res.duplicates + res.quarantined
    assert res.duplicates == res.duplicates_in_file + res.already_imported
    return res


def _run(
    ws: Workspace,
    conn: Connection,
    src: Any,
    bound: P.Bound,
    tp: TimeParser,
    res: ImportResult,
    reasons: Counter[str],
    progress: Callable[[int, int], None] | None,
    batch_size: int,
) -> None:
    my_parts: set[str] = set()
    seq = 0
    dynamic = src.format == "jsonl" and bound.spec.extra == "*"
    # the keys of earlier imports this run has met (a temporary table: no key set in memory)
    conn.execute(text("DROP TABLE IF EXISTS _seen_old"))
    conn.execute(
        text(
            "CREATE TEMPORARY TABLE _seen_old (platform TEXT NOT NULL, post_id TEXT NOT NULL, "
            "PRIMARY KEY (platform, post_id))"
        )
    )
    try:
        for records in src.batches(batch_size):
            seq = _batch(ws, conn, src, records, bound, tp, dynamic, res, reasons, my_parts, seq)
            if progress is not None:
                done, total = src.position()
                progress(done, total)
    finally:
        with contextlib.suppress(Exception):
            conn.execute(text("DROP TABLE IF EXISTS _seen_old"))


def _batch(
    ws: Workspace,
    conn: Connection,
    src: Any,
    records: list[RawRecord],
    bound: P.Bound,
    tp: TimeParser,
    dynamic: bool,
    res: ImportResult,
    reasons: Counter[str],
    my_parts: set[str],
    seq: int,
) -> int:
    """One batch: convert, find duplicates, write the part, commit it with its keys, the
    quarantined rows and the counters. Returns the next part number."""
    batch = _convert(records, bound, tp, dynamic)
    arrays = _arrays(batch, records)
    # duplicates: inside this batch, earlier in this file, or from earlier imports
    existing = _existing(conn, list(dict.fromkeys(batch.keys)))
    keep: list[int] = []
    seen: set[tuple[str, str]] = set()
    old_keys: list[tuple[str, str]] = []
    in_file = already = 0
    for i, k in enumerate(batch.keys):
        if k in seen:
            in_file += 1
            continue
        seen.add(k)
        part = existing.get(k)
        if part is None:
            keep.append(i)
        elif part in my_parts:
            in_file += 1
        else:
            old_keys.append(k)
    if old_keys:
        # imported before this run: the first time this run meets such a key it is
        # "already imported", a repeat inside the file is a duplicate in the file
        met = _existing(conn, old_keys, table="_seen_old")
        fresh = sorted(k for k in old_keys if k not in met)
        if fresh:
            ledger.insert_many(conn, "_seen_old", ("platform", "post_id"), fresh)
        already += len(fresh)
        in_file += len(old_keys) - len(fresh)
    part_name = f"{res.import_id}-{seq:05d}"
    new_keys = [batch.keys[i] for i in keep]
    if keep:
        table = _table(arrays, keep, len(batch.keys), res.source_file, res.topics, res.import_id)
        tmp = ws.tmp_path(f"{part_name}.parquet")
        pq.write_table(table, tmp, compression="zstd")
        os.replace(tmp, ws.raw_path(part_name))
    n_q = len(batch.quarantine)
    with ws.begin() as tx:
        if keep:
            ledger.insert_many(
                tx,
                "post_keys",
                ("platform", "post_id", "part"),
                [(pl, pid, part_name) for pl, pid in sorted(new_keys)],
            )
            tx.execute(
                text(
                    "INSERT INTO raw_parts (part, import_id, seq, rows, created_at) "
                    "VALUES (:part, :id, :seq, :rows, :at)"
                ),
                {
                    "part": part_name,
                    "id": res.import_id,
                    "seq": seq,
                    "rows": len(keep),
                    "at": ledger.now(),
                },
            )
        ledger.quarantine(tx, res.source_sha256, res.import_id, res.source_file, batch.quarantine)
        ledger.add_counts(
            tx,
            res.import_id,
            rows_read=len(records),
            imported=len(keep),
            duplicates=in_file + already,
            quarantined=n_q,
        )
    if keep:
        my_parts.add(part_name)
        res.parts.append(part_name)
        seq += 1
    res.rows_read += len(records)
    res.imported += len(keep)
    res.duplicates_in_file += in_file
    res.already_imported += already
    res.duplicates += in_file + already
    res.quarantined += n_q
    reasons.update(r for _, r, _, _ in batch.quarantine)
    assert res.rows_read == res.imported + res.duplicates + res.quarantined
    return seq


def list_imports(ws: Workspace, stream: str | None = None) -> list[dict[str, Any]]:
    """The imports ledger (every stream, oldest first; see socialops.sources.ledger)."""
    return ledger.list_imports(ws, stream)


list_quarantine = ledger.list_quarantine


STREAM = register(
    Stream(
        name="posts",
        table="raw",
        key=("platform", "post_id"),
        fields=tuple(f.name for f in POST_SCHEMA),
        on_repeat="duplicate",
        presets=lambda: list(P.PRESETS),
        time="created_at: an instant; a time without an offset is read in the import zone "
        "(--tz, default setting timezone); kept as UTC microseconds",
        run=import_file,
    )
)
