"""Imports of post metrics and conversions into the workspace, and what the rest reads back.

``import_metrics(ws, path, preset, **options)`` reads a whole CSV (UTF-8, UTF-8 with BOM or
CP949; the encoding used is reported) or XLSX file, checks its shape against the preset (a
missing column fails with one line naming it and the presets), turns each row into a record or a
rejection with its reason, and writes everything in one transaction: nothing is half-written.
A row whose key is already stored is updated, not duplicated. Counts always add up:
``rows_read = imported + updated + rejected``.
"""

from __future__ import annotations

import json
import secrets
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from socialops import settings
from socialops.listen.timeparse import TimeParser
from socialops.measure.csvfile import CsvTable, read_csv
from socialops.measure.presets import PRESETS, Preset, get_preset
from socialops.measure.rows import (
    ConversionRecord,
    PostRecord,
    Reject,
    RowError,
    conversion_record,
    fb_record,
    post_record,
)
from socialops.measure.schema import ensure_tables
from socialops.plan.messages import PlanError
from socialops.store.workspace import Workspace

__all__ = [
    "MAX_REJECTS_KEPT",
    "PRESETS",
    "MetricsImport",
    "channel_performance",
    "conversion_rows",
    "import_metrics",
    "metrics_summary",
    "post_rows",
    "recent_imports",
]

MAX_REJECTS_KEPT = 200  # rejected rows kept with the import (all are counted)


@dataclass
class MetricsImport:
    import_id: str
    file: str
    sha256: str
    preset: str
    kind: str
    encoding: str
    delimiter: str
    options: dict[str, Any]
    rows_read: int = 0
    imported: int = 0
    updated: int = 0
    rejected: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    rejects: list[dict[str, Any]] = field(default_factory=list)
    month_dated: int = 0  # post rows known only to the month
    by_channel: dict[str, int] = field(default_factory=dict)  # post rows per channel
    by_campaign: dict[str, int] = field(default_factory=dict)  # conversion rows per campaign
    started_at: str = ""
    finished_at: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


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


def _check_shape(
    preset: Preset, table: CsvTable, col: dict[str, int], opts: dict[str, Any], name: str
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
            found=", ".join(table.header[:12]) + (" ..." if len(table.header) > 12 else ""),
            choices=", ".join(PRESETS),
        )


def _records(
    preset: Preset, table: CsvTable, col: dict[str, int], opts: dict[str, Any]
) -> tuple[list[PostRecord] | list[ConversionRecord], list[Reject]]:
    tz = ZoneInfo(str(opts.get("timezone") or settings.get("timezone")))
    parser = TimeParser(tz)
    width = len(table.header)
    posts: list[PostRecord] = []
    convs: list[ConversionRecord] = []
    rejects: list[Reject] = []
    seen: dict[tuple[str, ...], int] = {}
    for n, (line, fields) in enumerate(table.rows, start=1):
        if line in table.bad_lines:
            rejects.append(Reject(line, "encoding", f"not valid {table.encoding}"))
            continue
        if len(fields) != width:
            rejects.append(
                Reject(line, "column_count", f"{len(fields)} fields, the header has {width}")
            )
            continue
        try:
            rec: PostRecord | ConversionRecord
            if preset.name == "facebook-metrics":
                rec = fb_record(fields, col, n=n, year=opts["year"], tz=tz, channel=opts["channel"])
            elif preset.kind == "post_metrics":
                rec = post_record(fields, col, tz=tz, parser=parser, channel=opts.get("channel"))
            else:
                rec = conversion_record(fields, col)
        except RowError as exc:
            rejects.append(Reject(line, exc.reason, exc.detail))
            continue
        except ArithmeticError as exc:  # a value past what the checks foresaw: this row only
            rejects.append(Reject(line, "out_of_range", f"a value out of range ({exc})"[:200]))
            continue
        key = rec.key
        if key in seen:
            rejects.append(Reject(line, "duplicate", f"same key as line {seen[key]}"))
            continue
        seen[key] = line
        if isinstance(rec, PostRecord):
            posts.append(rec)
        else:
            convs.append(rec)
    return (posts if preset.kind == "post_metrics" else convs), rejects


_POST_COLS = (
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
_CONV_COLS = (
    "date",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "conversions",
    "revenue_krw",
    "cost_krw",
)


def _upsert_sql(table: str, cols: tuple[str, ...], key: tuple[str, ...]) -> str:
    names = (*cols, "import_id") + (("extra",) if table == "post_metrics" else ())
    sets = ", ".join(f"{c} = excluded.{c}" for c in names if c not in key)
    return (
        f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))}) "
        f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {sets}"
    )


def import_metrics(
    ws: Workspace, path: str | Path, preset: str, *, file_name: str | None = None, **options: Any
) -> MetricsImport:
    """Import a post-metrics or conversions CSV with ``preset``; see the module docstring.

    Options (``None`` = the preset's default): ``year`` (facebook-metrics; 2014),
    ``channel`` (post presets: the channel of every row, or of rows without a channel column),
    ``timezone`` (post presets: zone of naive times; default setting ``timezone``).
    ``file_name`` is the name recorded for the import (default: the file's own; an upload
    passes the name the user chose)."""
    p = get_preset(preset)
    opts = _options(p, options)
    started = _now()
    table = read_csv(Path(path), delimiter=p.delimiter)
    col = p.locate(table.header)
    _check_shape(p, table, col, opts, file_name or table.path.name)
    records, rejects = _records(p, table, col, opts)
    result = MetricsImport(
        import_id="m" + datetime.now(UTC).strftime("%Y%m%d%H%M%S") + secrets.token_hex(3),
        file=(file_name or table.path.name)[:200],
        sha256=table.sha256,
        preset=p.name,
        kind=p.kind,
        encoding=table.encoding,
        delimiter=table.delimiter,
        options=opts,
        rows_read=len(table.rows),
        rejected=len(rejects),
        reasons=dict(Counter(r.reason for r in rejects)),
        rejects=[r.to_dict() for r in rejects[:MAX_REJECTS_KEPT]],
        started_at=started,
    )
    with ws.connect() as conn:
        ensure_tables(conn)
        with ws.transaction(conn):
            if p.kind == "post_metrics":
                _write_posts(conn, records, result)  # type: ignore[arg-type]
            else:
                _write_conversions(conn, records, result)  # type: ignore[arg-type]
            result.finished_at = _now()
            conn.execute(
                "INSERT INTO metric_imports (import_id, file, sha256, preset, kind, encoding, "
                "delimiter, options, rows_read, imported, updated, rejected, rejects, status, "
                "started_at, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'done', "
                "?, ?)",
                (
                    result.import_id,
                    result.file,
                    result.sha256,
                    result.preset,
                    result.kind,
                    result.encoding,
                    result.delimiter,
                    json.dumps(opts, ensure_ascii=False),
                    result.rows_read,
                    result.imported,
                    result.updated,
                    result.rejected,
                    json.dumps(result.rejects, ensure_ascii=False),
                    result.started_at,
                    result.finished_at,
                ),
            )
    assert result.rows_read == result.imported + result.updated + result.rejected
    return result


def _write_posts(conn: Any, records: list[PostRecord], result: MetricsImport) -> None:
    existing = {
        (r[0], r[1])
        for ch in {x.channel for x in records}
        for r in conn.execute("SELECT channel, post_id FROM post_metrics WHERE channel = ?", (ch,))
    }
    sql = _upsert_sql("post_metrics", _POST_COLS, ("channel", "post_id"))
    rows = []
    for rec in records:
        if rec.key in existing:
            result.updated += 1
        else:
            result.imported += 1
        result.by_channel[rec.channel] = result.by_channel.get(rec.channel, 0) + 1
        result.month_dated += rec.date_precision == "month"
        values = [getattr(rec, c) for c in _POST_COLS]
        rows.append((*values, result.import_id, json.dumps(rec.extra, ensure_ascii=False)))
    conn.executemany(sql, rows)


def _write_conversions(conn: Any, records: list[ConversionRecord], result: MetricsImport) -> None:
    existing = {
        tuple(r)
        for r in conn.execute(
            "SELECT date, utm_source, utm_medium, utm_campaign FROM conversions"
        ).fetchall()
    }
    sql = _upsert_sql(
        "conversions", _CONV_COLS, ("date", "utm_source", "utm_medium", "utm_campaign")
    )
    rows = []
    for rec in records:
        if rec.key in existing:
            result.updated += 1
        else:
            result.imported += 1
        result.by_campaign[rec.utm_campaign] = result.by_campaign.get(rec.utm_campaign, 0) + 1
        rows.append((*(getattr(rec, c) for c in _CONV_COLS), result.import_id))
    conn.executemany(sql, rows)


# -- reading back ------------------------------------------------------------------------------


def post_rows(ws: Workspace, channels: list[str] | None = None) -> list[dict[str, Any]]:
    """Stored post-metrics rows (all, or of ``channels``), oldest first."""
    with ws.connect() as conn:
        ensure_tables(conn)
        sql = "SELECT * FROM post_metrics"
        args: list[Any] = []
        if channels is not None:
            if not channels:
                return []
            sql += f" WHERE channel IN ({', '.join('?' * len(channels))})"
            args = list(channels)
        rows = conn.execute(sql + " ORDER BY published_at, channel, post_id", args).fetchall()
    return [dict(r) for r in rows]


def conversion_rows(
    ws: Workspace, campaign: str | None = None, sources: list[str] | None = None
) -> list[dict[str, Any]]:
    """Stored conversion rows (of ``campaign`` and ``sources`` when given), by date."""
    with ws.connect() as conn:
        ensure_tables(conn)
        sql, args = "SELECT * FROM conversions WHERE 1 = 1", []
        if campaign is not None:
            sql += " AND utm_campaign = ?"
            args.append(campaign.lower())
        if sources is not None:
            if not sources:
                return []
            sql += f" AND utm_source IN ({', '.join('?' * len(sources))})"
            args.extend(s.lower() for s in sources)
        rows = conn.execute(sql + " ORDER BY date, utm_source, utm_medium", args).fetchall()
    return [dict(r) for r in rows]


def _rate(num: float, den: float) -> float | None:
    return round(100.0 * num / den, 4) if den else None


def channel_performance(ws: Workspace) -> dict[str, dict[str, Any]]:
    """Per channel, over every stored post: posts, reach, impressions, engagements and the
    engagement rate (engagements / reach × 100, over posts that report both)."""
    with ws.connect() as conn:
        ensure_tables(conn)
        rows = conn.execute(
            "SELECT channel, COUNT(*) AS posts, SUM(reach) AS reach, "
            "SUM(impressions) AS impressions, SUM(engagements) AS engagements, "
            "SUM(CASE WHEN reach IS NOT NULL THEN engagements END) AS eng_r, "
            "SUM(CASE WHEN engagements IS NOT NULL THEN reach END) AS reach_e, "
            "SUM(date_precision = 'month') AS month_dated "
            "FROM post_metrics GROUP BY channel ORDER BY channel"
        ).fetchall()
    return {
        r["channel"]: {
            "posts": int(r["posts"]),
            "reach": r["reach"] or 0,
            "impressions": r["impressions"] or 0,
            "engagements": r["engagements"] or 0,
            "engagement_rate": _rate(r["eng_r"] or 0, r["reach_e"] or 0),
            "month_dated": int(r["month_dated"] or 0),
        }
        for r in rows
    }


def recent_imports(ws: Workspace, limit: int = 20) -> list[dict[str, Any]]:
    """The latest metric imports, newest first (counts, no rejected rows)."""
    with ws.connect() as conn:
        ensure_tables(conn)
        return [
            dict(r)
            for r in conn.execute(
                "SELECT import_id, file, preset, kind, encoding, rows_read, imported, updated, "
                "rejected, finished_at FROM metric_imports ORDER BY rowid DESC LIMIT ?",
                (limit,),
            )
        ]


def metrics_summary(ws: Workspace) -> dict[str, Any]:
    """What is stored: post metrics by channel, conversions by campaign, the latest imports."""
    with ws.connect() as conn:
        ensure_tables(conn)
        spans = {
            r["channel"]: (r["lo"], r["hi"])
            for r in conn.execute(
                "SELECT channel, MIN(local_month) AS lo, MAX(local_month) AS hi "
                "FROM post_metrics GROUP BY channel"
            )
        }
        campaigns = [
            dict(r)
            for r in conn.execute(
                "SELECT utm_campaign AS campaign, COUNT(*) AS rows, MIN(date) AS first, "
                "MAX(date) AS last, SUM(conversions) AS conversions, "
                "SUM(revenue_krw) AS revenue_krw, SUM(cost_krw) AS cost_krw, "
                "GROUP_CONCAT(DISTINCT utm_source) AS sources "
                "FROM conversions GROUP BY utm_campaign ORDER BY utm_campaign"
            )
        ]
    imports = recent_imports(ws)
    perf = channel_performance(ws)
    for ch, d in perf.items():
        d["first_month"], d["last_month"] = spans.get(ch, (None, None))
    for c in campaigns:
        c["sources"] = sorted({s for s in (c["sources"] or "").split(",") if s})
    return {"channels": perf, "campaigns": campaigns, "imports": imports}
