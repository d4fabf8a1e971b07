"""Stored post metrics and conversions, read back for measurement.

The imports themselves are the ``post_metrics`` and ``conversions`` streams of the one import
path (:mod:`socialops.sources.keyed`, :mod:`socialops.sources.streams`); ``import_metrics``,
``MetricsImport`` and ``PRESETS`` stay importable from here.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from socialops.sources.keyed import MAX_REJECTS_KEPT, MetricsImport, import_metrics
from socialops.sources.presets.metrics import PRESETS
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

METRIC_STREAMS = ("post_metrics", "conversions")


# -- reading back ------------------------------------------------------------------------------


def post_rows(ws: Workspace, channels: list[str] | None = None) -> list[dict[str, Any]]:
    """Stored post-metrics rows (all, or of ``channels``), oldest first."""
    sql = "SELECT * FROM post_metrics"
    args: dict[str, Any] = {}
    if channels is not None:
        if not channels:
            return []
        sql += " WHERE channel IN (" + ", ".join(f":c{i}" for i in range(len(channels))) + ")"
        args = {f"c{i}": c for i, c in enumerate(channels)}
    with ws.connect() as conn:
        rows = conn.execute(text(sql + " ORDER BY published_at, channel, post_id"), args)
        return [dict(r) for r in rows.mappings()]


def conversion_rows(
    ws: Workspace, campaign: str | None = None, sources: list[str] | None = None
) -> list[dict[str, Any]]:
    """Stored conversion rows (of ``campaign`` and ``sources`` when given), by date."""
    sql = "SELECT * FROM conversions WHERE 1 = 1"
    args: dict[str, Any] = {}
    if campaign is not None:
        sql += " AND utm_campaign = :campaign"
        args["campaign"] = campaign.lower()
    if sources is not None:
        if not sources:
            return []
        sql += " AND utm_source IN (" + ", ".join(f":s{i}" for i in range(len(sources))) + ")"
        args.update({f"s{i}": s.lower() for i, s in enumerate(sources)})
    with ws.connect() as conn:
        rows = conn.execute(text(sql + " ORDER BY date, utm_source, utm_medium"), args)
        return [dict(r) for r in rows.mappings()]


def _rate(num: float, den: float) -> float | None:
    return round(100.0 * num / den, 4) if den else None


def channel_performance(ws: Workspace) -> dict[str, dict[str, Any]]:
    """Per channel, over every stored post: posts, reach, impressions, engagements and the
    engagement rate (engagements / reach × 100, over posts that report both)."""
    with ws.connect() as conn:
        rows = (
            conn.execute(
                text(
                    "SELECT channel, COUNT(*) AS posts, SUM(reach) AS reach, "
                    "SUM(impressions) AS impressions, SUM(engagements) AS engagements, "
                    "SUM(CASE WHEN reach IS NOT NULL THEN engagements END) AS eng_r, "
                    "SUM(CASE WHEN engagements IS NOT NULL THEN reach END) AS reach_e, "
                    "SUM(CASE WHEN date_precision = 'month' THEN 1 ELSE 0 END) AS month_dated "
                    "FROM post_metrics GROUP BY channel ORDER BY channel"
                )
            )
            .mappings()
            .all()
        )
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
    """The latest metric imports (the ledger's ``post_metrics`` and ``conversions`` imports),
    newest first (counts, no rejected rows)."""
    with ws.connect() as conn:
        return [
            dict(r)
            for r in conn.execute(
                text(
                    "SELECT import_id, source_path AS file, preset, stream AS kind, encoding, "
                    "rows_read, imported, updated, rejected, quarantined, finished_at "
                    "FROM imports WHERE stream IN ('post_metrics', 'conversions') "
                    "AND status = 'done' ORDER BY seq DESC LIMIT :limit"
                ),
                {"limit": limit},
            ).mappings()
        ]


def metrics_summary(ws: Workspace) -> dict[str, Any]:
    """What is stored: post metrics by channel, conversions by campaign, the latest imports."""
    with ws.connect() as conn:
        spans = {
            r["channel"]: (r["lo"], r["hi"])
            for r in conn.execute(
                text(
                    "SELECT channel, MIN(local_month) AS lo, MAX(local_month) AS hi "
                    "FROM post_metrics GROUP BY channel"
                )
            ).mappings()
        }
        campaigns = [
            dict(r)
            for r in conn.execute(
                text(
                    'SELECT utm_campaign AS campaign, COUNT(*) AS "rows", MIN(date) AS first, '
                    'MAX(date) AS "last", SUM(conversions) AS conversions, '
                    "SUM(revenue_krw) AS revenue_krw, SUM(cost_krw) AS cost_krw "
                    "FROM conversions GROUP BY utm_campaign ORDER BY utm_campaign"
                )
            ).mappings()
        ]
        sources: dict[str, set[str]] = {}
        for campaign, source in conn.execute(
            text("SELECT DISTINCT utm_campaign, utm_source FROM conversions")
        ):
            sources.setdefault(campaign, set()).add(source)
    imports = recent_imports(ws)
    perf = channel_performance(ws)
    for ch, d in perf.items():
        d["first_month"], d["last_month"] = spans.get(ch, (None, None))
    for c in campaigns:
        c["sources"] = sorted(s for s in sources.get(c["campaign"], ()) if s)
    return {"channels": perf, "campaigns": campaigns, "imports": imports}
