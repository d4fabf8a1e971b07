"""Keyed streams (``post_metrics``, ``conversions``): a file of records that are updated in
place when their key is imported again.

``import_metrics(ws, path, preset, **options)`` opens the file through the one reader stack
(:func:`socialops.sources.readers.open_source`: any encoding it detects — UTF-8, BOM, UTF-16,
CP949/EUC-KR —, any delimiter, gzip, XLSX through the safe opener; streamed in batches, an
unclosed quote costs its own line only), checks the header against the preset (a missing column
fails with one line naming it and the presets), turns each row into a record or a quarantined
row with its reason, and writes everything in ONE write transaction: nothing is half-written.
A key already stored is updated, not duplicated; a key repeated in the file is quarantined
(``duplicate``). Counts always add up: ``rows_read = imported + updated + rejected``, and every
rejected row is in the quarantine (``quarantined == rejected``).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Connection, text

from socialops import settings
from socialops.errors import InputFileError, PlanError, SettingsError, SocialopsError
from socialops.sources import ledger
from socialops.sources.metric_rows import (
    ConversionRecord,
    PostRecord,
    RowError,
    conversion_record,
    fb_record,
    post_record,
)
from socialops.sources.presets.metrics import PRESETS, Preset, get_preset
from socialops.sources.readers import RawRecord, Source, open_source
from socialops.sources.timeparse import TimeParser
from socialops.store.workspace import Workspace

__all__ = [
    "CONVERSION_FIELDS",
    "KEYS",
    "MAX_REJECTS_KEPT",
    "POST_METRIC_FIELDS",
    "MetricsImport",
    "import_metrics",
]

MAX_REJECTS_KEPT = 200  # rejected rows listed with the import (all are in the quarantine)
BATCH_ROWS = 10_000

Record = PostRecord | ConversionRecord


@dataclass
class MetricsImport:
    import_id: str
    file: str
    sha256: str
    preset: str
    kind: str  # the stream: post_metrics | conversions
    encoding: str
    delimiter: str
    options: dict[str, Any]
    rows_read: int = 0
    imported: int = 0
    updated: int = 0
    rejected: int = 0
    quarantined: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    rejects: list[dict[str, Any]] = field(default_factory=list)
    month_dated: int = 0  # post rows known only to the month
    by_channel: dict[str, int] = field(default_factory=dict)  # post rows per channel
    by_campaign: dict[str, int] = field(default_factory=dict)  # conversion rows per campaign
    started_at: str = ""
    finished_at: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _options(preset: Preset, given: dict[str, Any]) -> dict[str, Any]:
    opts = dict(preset.options)
    for key, value in given.items():
        if value is None:
            continue
        if key not in preset.options:
            raise PlanError(
                "metrics.bad_option",
                preset=preset.name,
                option=key,
                value=str(value)[:40],
                hint=f" ({', '.join(preset.options) or '-'})",
            )
        opts[key] = value
    if "year" in opts:
        try:
            year = int(opts["year"])
        except (TypeError, ValueError):
            year = 0
        if not 1990 <= year <= 2100:
            raise PlanError(
                "metrics.bad_option",
                preset=preset.name,
                option="year",
                value=str(opts["year"])[:20],
                hint=" (1990-2100)",
            )
        opts["year"] = year
    zone = opts.get("timezone") or settings.get("timezone")
    try:
        ZoneInfo(str(zone))
    except (ZoneInfoNotFoundError, ValueError):
        raise PlanError(
            "metrics.bad_option",
            preset=preset.name,
            option="timezone",
            value=str(zone)[:40],
            hint=" (e.g. Asia/Seoul)",
        ) from None
    if "timezone" in preset.options:
        opts["timezone"] = str(zone)
    return opts


_EMPTY_CODES = frozenset(
    {
        "sources.empty",
        "sources.blank",
        "sources.no_rows",
        "sources.no_sheet_rows",
        "sources.no_worksheet",
    }
)


def _detail(exc: SocialopsError) -> str:
    """What the reader said, for ``metrics.file``'s detail (an unsafe file: the limit)."""
    reason = getattr(exc, "reason", None)
    return str(reason or exc.message).rstrip(".")[:300]


def _open(path: Path, preset: Preset, name: str) -> Source:
    """The file through the one reader stack; its errors as the metrics codes (one line)."""
    if not path.is_file():
        raise PlanError("metrics.file", file=name, detail="no such file")
    if path.stat().st_size == 0:
        raise PlanError("metrics.empty", file=name)
    try:
        return open_source(path, delimiter=preset.delimiter)
    except SettingsError:
        raise
    except InputFileError as exc:
        if exc.code in _EMPTY_CODES:
            raise PlanError("metrics.empty", file=name) from None
        raise PlanError("metrics.file", file=name, detail=_detail(exc)) from None


def _check_shape(
    preset: Preset, header: list[str], col: dict[str, int], opts: dict[str, Any], name: str
) -> None:
    need = [f for f in preset.required if f not in col]
    if "channel" in need and opts.get("channel"):
        need.remove("channel")
    if need:
        missing = ", ".join(f"{f} ({' / '.join(preset.columns[f][:3])})" for f in need)
        raise PlanError(
            "metrics.wrong_shape",
            file=name,
            preset=preset.name,
            missing=missing,
            found=", ".join(header[:12]) + (" ..." if len(header) > 12 else ""),
            choices=", ".join(PRESETS),
        )


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _record_fn(
    preset: Preset, col: dict[str, int], opts: dict[str, Any]
) -> Callable[[list[str], int], Record]:
    tz = ZoneInfo(str(opts.get("timezone") or settings.get("timezone")))
    parser = TimeParser(tz)
    if preset.name == "facebook-metrics":
        return lambda fields, n: fb_record(
            fields, col, n=n, year=opts["year"], tz=tz, channel=opts["channel"]
        )
    if preset.kind == "post_metrics":
        return lambda fields, _n: post_record(
            fields, col, tz=tz, parser=parser, channel=opts.get("channel")
        )
    return lambda fields, _n: conversion_record(fields, col)


POST_METRIC_FIELDS = (
    "channel",
    "post_id",
    "published_at",
    "date_precision",
    "local_day",
    "local_month",
    "post_type",
    "paid",
    "reach",
    "impressions",
    "engagements",
    "comments",
    "likes",
    "shares",
    "clicks",
    "followers",
)
CONVERSION_FIELDS = (
    "date",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "conversions",
    "revenue_krw",
    "cost_krw",
)
KEYS = {
    "post_metrics": ("channel", "post_id"),
    "conversions": ("date", "utm_source", "utm_medium", "utm_campaign"),
}


def _upsert_sql(table: str, cols: tuple[str, ...], key: tuple[str, ...]) -> Any:
    names = (*cols, "import_id") + (("extra",) if table == "post_metrics" else ())
    sets = ", ".join(f"{c} = excluded.{c}" for c in names if c not in key)
    return text(
        f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join(':' + c for c in names)}) "
        f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {sets}"
    )


def _stored_keys(conn: Connection, kind: str) -> set[tuple[Any, ...]]:
    cols = ", ".join(KEYS[kind])
    return {tuple(r) for r in conn.execute(text(f"SELECT {cols} FROM {kind}"))}


def _write(
    conn: Connection, kind: str, records: list[Record], stored: set[Any], res: MetricsImport
) -> None:
    if not records:
        return
    rows: list[dict[str, Any]] = []
    for rec in records:
        if rec.key in stored:
            res.updated += 1
        else:
            res.imported += 1
            stored.add(rec.key)
        if isinstance(rec, PostRecord):
            res.by_channel[rec.channel] = res.by_channel.get(rec.channel, 0) + 1
            res.month_dated += rec.date_precision == "month"
            row = {c: getattr(rec, c) for c in POST_METRIC_FIELDS}
            row["extra"] = json.dumps(rec.extra, ensure_ascii=False)
        else:
            res.by_campaign[rec.utm_campaign] = res.by_campaign.get(rec.utm_campaign, 0) + 1
            row = {c: getattr(rec, c) for c in CONVERSION_FIELDS}
        row["import_id"] = res.import_id
        rows.append(row)
    cols = POST_METRIC_FIELDS if kind == "post_metrics" else CONVERSION_FIELDS
    conn.execute(_upsert_sql(kind, cols, KEYS[kind]), rows)


def _line(rec: RawRecord) -> int:
    return rec.line if rec.line is not None else rec.row + 1


def import_metrics(
    ws: Workspace, path: str | Path, preset: str, *, file_name: str | None = None, **options: Any
) -> MetricsImport:
    """Import a post-metrics or conversions file with ``preset``; see the module docstring.

    Options (``None`` = the preset's default): ``year`` (facebook-metrics; 2014),
    ``channel`` (post presets: the channel of every row, or of rows without a channel column),
    ``timezone`` (post presets: zone of naive times; default setting ``timezone``).
    ``file_name`` is the name recorded for the import (default: the file's own; an upload
    passes the name the user chose)."""
    p = get_preset(preset)
    opts = _options(p, options)
    started = ledger.now()
    path = Path(path)
    name = (file_name or path.name)[:200]
    with _open(path, p, name) as src:
        header = list(src.columns)
        col = p.locate(header)
        _check_shape(p, header, col, opts, name)
        make = _record_fn(p, col, opts)
        res = MetricsImport(
            import_id=ledger.new_import_id("m"),
            file=name,
            sha256=ledger.sha256_file(path),
            preset=p.name,
            kind=p.kind,
            encoding=src.encoding or src.format,
            delimiter=src.delimiter or src.format,
            options=opts,
            started_at=started,
        )
        reasons: Counter[str] = Counter()
        seen: dict[tuple[Any, ...], int] = {}
        width = len(header)
        with ws.begin() as tx:
            ledger.start(
                tx,
                import_id=res.import_id,
                stream=p.kind,
                source_path=name,
                sha256=res.sha256,
                preset=p.name,
                format=src.format,
                encoding=res.encoding,
                delimiter=res.delimiter,
                timezone=str(opts.get("timezone") or settings.get("timezone")),
                options=opts,
                started_at=started,
            )
            stored = _stored_keys(tx, p.kind)
            try:
                for records, quarantined in _batches(src, make, width, seen, res, reasons):
                    _write(tx, p.kind, records, stored, res)
                    ledger.quarantine(tx, res.sha256, res.import_id, name, quarantined)
            except InputFileError as exc:  # the file broke off mid-way (nothing is kept)
                raise PlanError("metrics.file", file=name, detail=_detail(exc)) from None
            if res.rows_read == 0:  # a header and nothing else: nothing is recorded
                raise PlanError("metrics.empty", file=name)
            res.quarantined = res.rejected
            res.reasons = dict(reasons)
            ledger.add_counts(
                tx,
                res.import_id,
                rows_read=res.rows_read,
                imported=res.imported,
                updated=res.updated,
                rejected=res.rejected,
                quarantined=res.quarantined,
            )
            res.finished_at = ledger.now()
            ledger.finish(tx, res.import_id, "done", rejects=res.rejects)
    assert res.rows_read == res.imported + res.updated + res.rejected
    return res


def _batches(
    src: Source,
    make: Callable[[list[str], int], Record],
    width: int,
    seen: dict[tuple[Any, ...], int],
    res: MetricsImport,
    reasons: Counter[str],
) -> Any:
    """(records, quarantined rows) per batch of the file; counts ``rows_read``, ``rejected``
    and the first rejected rows on ``res``."""
    header = list(src.columns)
    for batch in src.batches(BATCH_ROWS):
        records: list[Record] = []
        bad: list[ledger.QuarantineRow] = []

        def reject(rec: RawRecord, reason: str, detail: str, bad: list[Any] = bad) -> None:
            bad.append((rec.row, reason, detail, rec.raw_text()))
            reasons[reason] += 1
            res.rejected += 1
            if len(res.rejects) < MAX_REJECTS_KEPT:
                # the import's own list keeps the detail in English (the quarantine: coded)
                text = ledger.detail_text(detail, "en")
                res.rejects.append({"line": _line(rec), "reason": reason, "detail": text})

        for rec in batch:
            res.rows_read += 1
            if rec.values is None:
                reject(rec, rec.reason or "malformed", rec.detail or "")
                continue
            fields = [_cell_text(rec.values.get(h)) for h in header]
            if len(fields) != width:
                reject(
                    rec,
                    "column_count",
                    ledger.coded_detail("header_width", found=len(fields), width=width),
                )
                continue
            try:
                record = make(fields, rec.row)
            except RowError as exc:
                reject(rec, exc.reason, exc.detail)
                continue
            except ArithmeticError as exc:  # a value past what the checks foresaw: this row
                reject(
                    rec, "out_of_range", ledger.coded_detail("value_range", error=str(exc)[:160])
                )
                continue
            first = seen.get(record.key)
            if first is not None:
                reject(rec, "duplicate", ledger.coded_detail("duplicate", line=first))
                continue
            seen[record.key] = _line(rec)
            records.append(record)
        yield records, bad
