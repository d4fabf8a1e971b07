"""Metrics back: how the posts we published are doing, fetched from the platforms into the
measurements the plan's KPIs read.

:func:`fetch_metrics` takes every published post whose figures are older than ``older_than_s``
(or missing), asks its profile's connector (one that is :class:`~socialops.connectors.core.
CanReadMetrics`) for the figures in batches of :data:`BATCH`, and for each post:

- keeps a ``publish_metrics`` row (likes, replies, reposts, views, and the clicks counted on the
  post's own short link, ``short_links.clicks`` by ``link_code``) — the history of the post;
- writes the post into ``post_metrics`` (the table the ``post_metrics`` import stream fills and
  :mod:`socialops.measure.sources` reads): one row per post, key (channel, the platform's post
  id), updated in place on every fetch, the channel being the plan's channel key for the
  profile's platform (:func:`channel_key`), with the plan's campaign in ``extra``. So
  ``plan_vs_actual`` counts the posts that really went out (a platform export imported later
  for the same channel updates the same rows rather than counting them twice).

Posts of a platform without a metrics API (manual profiles) still get their row (the post
counted, its short-link clicks, no platform figures: ``None``, not 0). A profile whose connector
answers a rate limit is held like the worker holds it; a refused token marks it
``needs_reauth``; other failures leave the posts for the next fetch."""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, text

from socialops.connectors.core import CanReadMetrics, ConnectorFailure, PostMetrics
from socialops.connectors.profiles import (
    Profile,
    fresh_connector,
    get_profile,
    iso_utc,
    now_iso,
    set_limited,
    set_status,
)
from socialops.errors import SocialopsError
from socialops.plan.store import PlanStore
from socialops.store.workspace import Workspace

__all__ = ["BATCH", "IMPORT_ID", "channel_key", "fetch_metrics", "post_metrics"]

log = logging.getLogger(__name__)
BATCH = 50
IMPORT_ID = "publish"  # post_metrics rows written here (not by a file import)
#: a manual profile's platform → the channel key of the knowledge base (plans use these)
_MANUAL_CHANNELS = {
    "naver-blog": "naver_blog",
    "naver-cafe": "naver_cafe",
    "kakaotalk": "kakaotalk_channel",
    "instagram": "instagram",
}
_FIGURES = ("likes", "replies", "reposts", "views", "clicks")


def channel_key(profile: Profile) -> str:
    """The plan's channel key for a profile: ``bluesky``, ``mastodon``, ``youtube``, ``x``; a
    manual profile's platform (``naver-blog`` → ``naver_blog``, ``kakaotalk`` →
    ``kakaotalk_channel``)."""
    platform = profile.settings.get("platform", "") if profile.platform == "manual" else ""
    if platform:
        return _MANUAL_CHANNELS.get(platform, platform.replace("-", "_"))
    return profile.platform.replace("-", "_")


def _stale(ws: Workspace, older_than_s: float) -> list[dict[str, Any]]:
    cutoff = iso_utc(datetime.now(UTC) - timedelta(seconds=older_than_s))
    with ws.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT p.post_id, p.profile_id, p.remote_id, p.published_at, p.plan_id, "
                "p.link_code, p.url, p.media, COALESCE(l.clicks, 0) AS clicks "
                "FROM publish_posts p LEFT JOIN short_links l ON l.code = p.link_code "
                "WHERE p.state = 'published' AND p.remote_id <> '' "
                "AND p.published_at IS NOT NULL "
                "AND (p.metrics_at IS NULL OR p.metrics_at <= :cutoff) "
                "ORDER BY p.profile_id, p.published_at"
            ),
            {"cutoff": cutoff},
        ).mappings()
        return [dict(r) for r in rows]


def _campaign(ws: Workspace, plan_id: str | None, cache: dict[str, str]) -> str:
    if not plan_id:
        return ""
    if plan_id not in cache:
        try:
            cache[plan_id] = PlanStore(ws).get(plan_id).utm.campaign
        except SocialopsError:
            cache[plan_id] = ""
    return cache[plan_id]


def _figures(ws: Workspace, profile: Profile, ids: list[str]) -> dict[str, PostMetrics] | None:
    """The platform's figures by remote id; None when it cannot say now (the posts wait)."""
    try:
        conn_ = fresh_connector(ws, profile)
        if not isinstance(conn_, CanReadMetrics):
            return {}
        out: dict[str, PostMetrics] = {}
        for i in range(0, len(ids), BATCH):
            out.update(conn_.metrics(ids[i : i + BATCH]))
        return out
    except ConnectorFailure as exc:
        res = exc.resolution
        log.warning("metrics of %s: %s %s", profile.name, res.action, res.code)
        if res.action == "rate_limited":
            until = datetime.now(UTC) + timedelta(seconds=res.retry_after or 60.0)
            set_limited(ws, profile.profile_id, until, res.code)
        elif res.action == "disconnect":
            set_status(ws, profile.profile_id, "needs_reauth", res.detail)
        return None


def _store(
    conn: Connection,
    post: dict[str, Any],
    profile: Profile,
    got: PostMetrics | None,
    campaign: str,
    now: str,
) -> None:
    values = {
        "likes": got.likes if got else None,
        "replies": got.replies if got else None,
        "reposts": got.reposts if got else None,
        "views": got.views if got else None,
        "clicks": int(post["clicks"]) if post["link_code"] else None,
    }
    conn.execute(
        text(
            "INSERT INTO publish_metrics (post_id, fetched_at, likes, replies, reposts, views, "
            "clicks) VALUES (:p, :at, :likes, :replies, :reposts, :views, :clicks)"
        ),
        {"p": post["post_id"], "at": now, **values},
    )
    conn.execute(
        text("UPDATE publish_posts SET metrics_at = :at WHERE post_id = :p"),
        {"p": post["post_id"], "at": now},
    )
    engaged = [v for k, v in values.items() if k != "views" and v is not None]
    local = datetime.fromisoformat(post["published_at"]).astimezone(ZoneInfo(profile.zone))
    extra = {
        "source": "socialops.publish",
        "post": post["post_id"],
        "profile": profile.name,
        "url": post["url"],
        "plan_id": post["plan_id"] or "",
        "campaign": campaign,
    }
    conn.execute(
        text(
            "INSERT INTO post_metrics (channel, post_id, published_at, date_precision, "
            "local_day, local_month, post_type, paid, impressions, engagements, comments, "
            "likes, shares, clicks, extra, import_id) VALUES (:ch, :rid, :at, 'minute', :day, "
            ":month, :type, 0, :views, :eng, :replies, :likes, :reposts, :clicks, :extra, :imp) "
            "ON CONFLICT (channel, post_id) DO UPDATE SET impressions = excluded.impressions, "
            "engagements = excluded.engagements, comments = excluded.comments, "
            "likes = excluded.likes, shares = excluded.shares, clicks = excluded.clicks, "
            "extra = excluded.extra"
        ),
        {
            "ch": channel_key(profile),
            "rid": post["remote_id"],
            "at": post["published_at"],
            "day": local.date().isoformat(),
            "month": local.strftime("%Y-%m"),
            "type": "image" if json.loads(post["media"] or "[]") else "text",
            "views": values["views"],
            "eng": sum(engaged) if engaged else None,
            "replies": values["replies"],
            "likes": values["likes"],
            "reposts": values["reposts"],
            "clicks": values["clicks"],
            "extra": json.dumps(extra, ensure_ascii=False),
            "imp": IMPORT_ID,
        },
    )


def fetch_metrics(ws: Workspace, *, older_than_s: float = 3600) -> int:
    """Fetch the figures of published posts not fetched in the last ``older_than_s`` seconds;
    how many posts got a new row."""
    by_profile: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for post in _stale(ws, older_than_s):
        by_profile[post["profile_id"]].append(post)
    campaigns: dict[str, str] = {}
    done = 0
    for profile_id, posts in by_profile.items():
        profile = get_profile(ws, profile_id)
        if profile.status != "active" or profile.limited():
            continue
        figures = _figures(ws, profile, [p["remote_id"] for p in posts])
        if figures is None:
            continue
        named = [_campaign(ws, p["plan_id"], campaigns) for p in posts]
        now = now_iso()
        with ws.begin() as conn:
            for post, campaign in zip(posts, named, strict=True):
                _store(conn, post, profile, figures.get(post["remote_id"]), campaign, now)
                done += 1
    return done


def post_metrics(ws: Workspace, post_id: str) -> list[dict[str, Any]]:
    """Every fetch of one post's figures, oldest first."""
    with ws.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT fetched_at, likes, replies, reposts, views, clicks FROM publish_metrics "
                "WHERE post_id = :p ORDER BY fetched_at"
            ),
            {"p": post_id},
        ).fetchall()
    return [dict(zip(("fetched_at", *_FIGURES), r, strict=True)) for r in rows]
