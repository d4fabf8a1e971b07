"""Alerts: new volume spikes and negative surges since the last run (or since a given day).

Each run looks at the spikes (:func:`socialops.listen.spikes.spikes`) that end on or after
``since``; the baseline looks back before ``since`` (``2 × window`` periods). An alert's key is
``topic|kind|start``: a spike reported by an earlier run (table ``alert_runs`` in the workspace)
is not new, so running twice in a row reports nothing new the second time. Without ``since`` the
run looks at the last :data:`LOOKBACK_DAYS` days of data.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import text

from socialops import settings
from socialops.errors import DataError, SettingsError
from socialops.listen.scope import Scope, data_extent
from socialops.listen.spikes import DEFAULT_WINDOW, spikes

if TYPE_CHECKING:
    from socialops.listen.topics import Topic
    from socialops.store.analytics import AnalyticsStore
    from socialops.store.workspace import Workspace

__all__ = ["alert_key", "previous_keys", "run_alerts", "thresholds"]

LOOKBACK_DAYS = {"hour": 2, "day": 7}
ALERT_KINDS = ("volume", "negative")


def thresholds(z: float | None = None, min_posts: int | None = None) -> tuple[float, int]:
    """(z, min posts) from flags, else SOCIALOPS_ALERT_Z / SOCIALOPS_ALERT_MIN_POSTS."""
    raw_z = settings.get("alert_z", None if z is None else str(z))
    raw_n = settings.get("alert_min_posts", None if min_posts is None else str(min_posts))
    try:
        zv = float(raw_z)
    except ValueError:
        raise SettingsError(code="alert.z_not_number", value=raw_z) from None
    try:
        nv = int(raw_n)
    except ValueError:
        raise SettingsError(code="alert.min_posts_not_number", value=raw_n) from None
    if zv <= 0 or nv < 1:
        raise SettingsError(code="alert.thresholds_range")
    return zv, nv


def alert_key(item: dict[str, Any]) -> str:
    return f"{item['topic']}|{item['kind']}|{item['start']}"


def previous_keys(ws: Workspace) -> set[str]:
    """Every alert key an earlier run reported."""
    with ws.connect() as conn:
        rows = conn.execute(text("SELECT alerts FROM alert_runs")).all()
    out: set[str] = set()
    for r in rows:
        with contextlib.suppress(ValueError, TypeError):
            out.update(str(k) for k in json.loads(r[0]))
    return out


def _record(ws: Workspace, since: str, keys: list[str]) -> None:
    run_at = datetime.now(UTC).isoformat(timespec="microseconds")
    with ws.connect() as conn:
        conn.execute(
            text("INSERT INTO alert_runs (run_at, since, alerts) VALUES (:at, :since, :alerts)"),
            {"at": run_at, "since": since, "alerts": json.dumps(keys, ensure_ascii=False)},
        )


def run_alerts(
    ws: Workspace,
    store: AnalyticsStore,
    topics: Sequence[Topic],
    *,
    since: date | None = None,
    every: str = "day",
    z: float | None = None,
    min_posts: int | None = None,
    platforms: Sequence[str] = (),
    langs: Sequence[str] = (),
    record: bool = True,
) -> dict[str, Any]:
    """Spikes that end on or after ``since``; ``new`` counts those no earlier run reported.
    Records this run's new keys in ``alert_runs`` (unless ``record`` is false)."""
    if every not in LOOKBACK_DAYS:
        raise SettingsError(code="alert.every", every=every)
    zv, nv = thresholds(z, min_posts)
    extent = data_extent(store, Scope(platforms=tuple(platforms), langs=tuple(langs)))
    if extent is None:
        raise DataError(code="alert.no_dated_posts")
    lo, hi = extent
    since = since or max(lo, hi - timedelta(days=LOOKBACK_DAYS[every] - 1))
    if since > hi:
        raise DataError(code="alert.since_after", since=since.isoformat(), last=hi.isoformat())
    window = DEFAULT_WINDOW[every]
    back = timedelta(hours=2 * window) if every == "hour" else timedelta(days=2 * window)
    start = max(lo, since - back - timedelta(days=1))
    scope = Scope(start, hi, every, tuple(platforms), tuple(langs))
    result = spikes(store, scope, topics, z=zv, min_count=nv)
    seen = previous_keys(ws)
    since_key = since.isoformat()
    alerts: list[dict[str, Any]] = []
    coverage: list[dict[str, Any]] = []
    for item in result["results"]:
        if item["end"] <= since_key:
            continue
        item = dict(item, key=alert_key(item))
        if item["kind"] in ALERT_KINDS:
            item["new"] = item["key"] not in seen
            alerts.append(item)
        elif item["reason"] == "level_shift":
            coverage.append(item)
    new_keys = [a["key"] for a in alerts if a["new"]]
    if record:
        _record(ws, since_key, new_keys)
    return {
        "since": since_key,
        "to": hi.isoformat(),
        "every": every,
        "thresholds": {"z": zv, "min_posts": nv},
        "alerts": alerts,
        "new": len(new_keys),
        "coverage": coverage,
    }
