"""Drafts from a plan's content calendar, and what became of them.

:func:`drafts_from_calendar` turns calendar items into draft posts in one call: each occurrence
(a recurring item expanded the way the plan's calendar shows it,
:func:`socialops.plan.calendar.occurrences`) becomes one draft group, due at the item's start in
the item's time zone, with the item's copy (its title when it has none yet), its landing link as
a tracked short link, no media, and ``plan_id``/``plan_item_id`` set. ``plan_item_id`` is the
item's id, and ``<item id>#<n>`` for the n-th occurrence of a recurring item, so every
occurrence is its own draft and a second call skips what has posts already (in any state: a
cancelled post is a decision, not a gap).

Profiles are chosen by the item's channel: ``profiles_by_channel`` when it names the channel,
else every active profile that posts to that channel, else a manual profile for the channel
(``manual-<channel>``, made when missing), whose posts become tasks for a person.

:func:`plan_publishing` gives the plan's calendar what was published, failed or waits in review,
by calendar item id."""

from __future__ import annotations

from socialops.connectors.manual import MANUAL_PLATFORMS
from socialops.connectors.profiles import Profile, connect, get_profile, list_profiles
from socialops.domain.plan import CalendarItem
from socialops.errors import PublishError
from socialops.plan.calendar import Occurrence, occurrences
from socialops.plan.store import PlanStore
from socialops.publish.composer import channel_of, compose
from socialops.publish.queue import QueuedPost, list_posts
from socialops.store.workspace import Workspace

__all__ = ["drafts_from_calendar", "item_key", "manual_profile", "plan_publishing"]

#: a plan channel → the platform a manual profile for it stands for
_MANUAL_FOR = {
    "naver_blog": "naver-blog",
    "naver_cafe": "naver-cafe",
    "kakaotalk_channel": "kakaotalk",
    "instagram": "instagram",
}


def item_key(occ: Occurrence) -> str:
    """``plan_item_id`` of an occurrence: the item id, ``<id>#<n>`` when the item recurs."""
    item = occ.item
    return f"{item.item_id}#{occ.n}" if item.recurrence.strip() else item.item_id


def manual_profile(ws: Workspace, channel: str, zone: str = "Asia/Seoul") -> Profile:
    """The manual profile for ``channel`` (``manual-<channel>``), made when missing."""
    name = f"manual-{channel}"
    try:
        return get_profile(ws, name)
    except PublishError as exc:
        if exc.code != "profile.unknown":
            raise
    platform = _MANUAL_FOR.get(channel, "community")
    assert platform in MANUAL_PLATFORMS
    return connect(
        ws, name=name, platform="manual", settings={"platform": platform}, secrets={}, zone=zone
    )


def _profiles_for(
    ws: Workspace, item: CalendarItem, chosen: dict[str, list[str]], every: list[Profile]
) -> list[str]:
    if item.channel in chosen:
        ids = []
        for name in chosen[item.channel]:
            try:
                ids.append(get_profile(ws, name).profile_id)
            except PublishError as exc:
                if exc.code != "profile.unknown":
                    raise
                raise PublishError(
                    "plan_drafts.no_profile", channel=item.channel, name=name
                ) from exc
        return ids
    matching = [
        p.profile_id
        for p in every
        if p.status == "active" and not p.paused and channel_of(ws, p) == item.channel
    ]
    return matching or [manual_profile(ws, item.channel, item.timezone).profile_id]


def _taken(ws: Workspace, plan_id: str) -> set[str]:
    return {p.plan_item_id for p in list_posts(ws, plan_id=plan_id) if p.plan_item_id}


def drafts_from_calendar(
    ws: Workspace,
    plan_id: str,
    item_ids: list[str],
    profiles_by_channel: dict[str, list[str]] | None = None,
    actor: str = "",
    *,
    role: str = "owner",
) -> list[QueuedPost]:
    """Draft posts for the calendar items ``item_ids`` (every item when empty) of the plan; the
    drafts made now (items that have posts already are skipped). ``role``: the author's role,
    which decides the approvals the drafts need when they are scheduled."""
    plan = PlanStore(ws).get(plan_id)
    known = {i.item_id for i in plan.calendar}
    for item_id in item_ids:
        if item_id not in known:
            raise PublishError("plan_drafts.unknown_item", plan_id=plan_id, item_id=item_id)
    wanted = set(item_ids) or known
    chosen = dict(profiles_by_channel or {})
    every = list_profiles(ws)
    taken = _taken(ws, plan_id)
    made: list[QueuedPost] = []
    for occ in occurrences(plan):
        item = occ.item
        key = item_key(occ)
        if item.item_id not in wanted or key in taken:
            continue
        _group, posts = compose(
            ws,
            profiles=_profiles_for(ws, item, chosen, every),
            text=item.copy or item.title,
            at=occ.start_utc.isoformat(),
            link=item.link or None,
            plan_id=plan_id,
            plan_item_id=key,
            draft=True,
            actor=actor,
            role=role,
        )
        taken.add(key)
        made.extend(posts)
    return made


def plan_publishing(ws: Workspace, plan_id: str) -> dict[str, list[QueuedPost]]:
    """The plan's posts by calendar item id (every occurrence of a recurring item under the
    item's id), in due order; posts of the plan without a calendar item are left out."""
    out: dict[str, list[QueuedPost]] = {}
    for post in list_posts(ws, plan_id=plan_id):
        if post.plan_item_id:
            out.setdefault(post.plan_item_id.split("#", 1)[0], []).append(post)
    return out
