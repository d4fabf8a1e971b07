"""What a campaign plan's posts became, for the plan's pages: the posts of each calendar
occurrence (:func:`posts_by_occurrence`) and the plan's published posts with their latest
figures (:func:`published_for_plan`, :func:`totals`).

:func:`socialops.publish.plan_drafts.plan_publishing` groups a recurring item's posts under the
item's id; the calendar shows each occurrence (``<item id>#<n>``) on its own day, so
:func:`posts_by_occurrence` keeps the full ``plan_item_id``.

A published post's figures are its latest ``publish_metrics`` row (what
:func:`socialops.publish.metrics_back.fetch_metrics` kept: likes, replies, reposts, views;
``None`` where the platform says nothing, e.g. a manual profile). Its clicks are the live count
of its own short link when it has one (counted here as they happen, newer than the last fetch),
else the latest row's. Times stay UTC ISO strings; :meth:`PublishedRow.local` shows one in a
zone (the plan's)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text

from socialops.connectors.profiles import list_profiles
from socialops.publish.metrics_back import channel_key
from socialops.publish.queue import QueuedPost, list_posts
from socialops.store.workspace import Workspace

__all__ = ["FIGURES", "PublishedRow", "posts_by_occurrence", "published_for_plan", "totals"]

FIGURES = ("likes", "replies", "reposts", "views", "clicks")

_PUBLISHED = (
    "SELECT p.post_id, p.profile_id, f.name, f.platform, p.plan_item_id, p.published_at, p.url, "
    "p.link_code, m.fetched_at, m.likes, m.replies, m.reposts, m.views, m.clicks, l.clicks "
    "FROM publish_posts p JOIN profiles f ON f.profile_id = p.profile_id "
    "LEFT JOIN publish_metrics m ON m.post_id = p.post_id AND m.fetched_at = "
    "(SELECT MAX(x.fetched_at) FROM publish_metrics x WHERE x.post_id = p.post_id) "
    "LEFT JOIN short_links l ON p.link_code <> '' AND l.code = p.link_code "
    "WHERE p.plan_id = :plan AND p.state = 'published' "
    "ORDER BY p.published_at, p.post_id"
)


@dataclass(frozen=True)
class PublishedRow:
    """One published post of a plan and its latest figures (``None``: not known)."""

    post_id: str
    profile: str
    platform: str
    channel: str  # the plan's channel key (``naver_blog`` for a manual Naver Blog profile)
    plan_item_id: str | None
    published_at: str  # UTC ISO
    url: str
    fetched_at: str | None  # when the figures were fetched (``None``: never)
    likes: int | None
    replies: int | None
    reposts: int | None
    views: int | None
    clicks: int | None

    def local(self, zone: str = "Asia/Seoul") -> str:
        """``published_at`` in ``zone`` as ``YYYY-MM-DD HH:MM``."""
        at = datetime.fromisoformat(self.published_at).astimezone(ZoneInfo(zone))
        return at.strftime("%Y-%m-%d %H:%M")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def published_for_plan(ws: Workspace, plan_id: str) -> list[PublishedRow]:
    """The plan's published posts, first published first, each with its latest figures."""
    channels = {p.profile_id: channel_key(p) for p in list_profiles(ws)}
    with ws.connect() as conn:
        rows = conn.execute(text(_PUBLISHED), {"plan": plan_id}).fetchall()
    out = []
    for r in rows:
        live = _int(r[14]) if r[7] else None
        out.append(
            PublishedRow(
                post_id=r[0],
                profile=r[2],
                platform=r[3],
                channel=channels.get(r[1], str(r[3]).replace("-", "_")),
                plan_item_id=r[4],
                published_at=r[5] or "",
                url=r[6] or "",
                fetched_at=r[8],
                likes=_int(r[9]),
                replies=_int(r[10]),
                reposts=_int(r[11]),
                views=_int(r[12]),
                clicks=live if live is not None else _int(r[13]),
            )
        )
    return out


def totals(rows: list[PublishedRow]) -> dict[str, int | None]:
    """Each figure summed over ``rows`` (``None`` when no row knows it) and ``posts``: how many."""
    out: dict[str, int | None] = {"posts": len(rows)}
    for name in FIGURES:
        known = [v for v in (getattr(r, name) for r in rows) if v is not None]
        out[name] = sum(known) if known else None
    return out


def posts_by_occurrence(ws: Workspace, plan_id: str) -> dict[str, list[QueuedPost]]:
    """The plan's posts by ``plan_item_id`` (``<item id>`` or ``<item id>#<n>``), in due
    order; posts without a calendar item are left out."""
    out: dict[str, list[QueuedPost]] = {}
    for post in list_posts(ws, plan_id=plan_id):
        if post.plan_item_id:
            out.setdefault(post.plan_item_id, []).append(post)
    return out
