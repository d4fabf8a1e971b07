"""Best times to post and the next free queue slot of a profile.

*Best times* rank weekday × hour (in the profile's zone) by engagement per post (likes +
replies + reposts). The source is the profile's own published posts (``publish_metrics``, the
latest fetch of each post) when it has at least :data:`MIN_OWN_POSTS` of them; with fewer it
falls back to the imported post metrics of the profile's channel (``post_metrics``, posts
dated to the minute; likes + comments + shares, or the export's engagements), and says which it
used. A slot's mean is shrunk toward the overall mean by a prior worth :data:`PRIOR_POSTS`
posts (empirical Bayes: ``(sum + k·mean) / (n + k)``), so one lucky post does not make an hour
the best.

*Queue slots* are the profile's weekly times (``profiles.slots``: ``"tue 12:30"``,
``"화 12:30"``, ``"daily 09:00"`` / ``"매일 09:00"``), in its zone; :func:`next_slot` is the
first one after a time that no post of the profile waiting to go out already holds.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text

from socialops.connectors.profiles import Profile, get_profile
from socialops.errors import PublishError
from socialops.i18n import t
from socialops.measure.metrics import post_rows
from socialops.store.workspace import Workspace

__all__ = [
    "MIN_OWN_POSTS",
    "PRIOR_POSTS",
    "BestTime",
    "BestTimes",
    "Slot",
    "best_times",
    "best_times_detail",
    "channel_of",
    "next_slot",
    "normalize_slots",
    "parse_slot",
    "set_slots",
]

MIN_OWN_POSTS = 10  # fewer of the profile's own published posts: imported metrics are used
PRIOR_POSTS = 5.0  # the shrinkage prior's weight, in posts
HORIZON_DAYS = 366  # how far ahead next_slot looks for a free slot
TAKEN_STATES = ("scheduled", "in_review", "publishing")

_DAYS_EN = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAYS_KO = ("월", "화", "수", "목", "금", "토", "일")
_FULL_EN = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_EVERY = {"daily", "everyday", "매일", "*"}
_DAY_OF: dict[str, int] = {
    **{d: i for i, d in enumerate(_DAYS_EN)},
    **{d: i for i, d in enumerate(_FULL_EN)},
    **{d: i for i, d in enumerate(_DAYS_KO)},
    **{d + "요일": i for i, d in enumerate(_DAYS_KO)},
}
_SLOT = re.compile(r"^\s*(\S+)\s+([01]?\d|2[0-3]):([0-5]\d)\s*$")
# a manual profile's platform -> the channel knowledge base's key (post_metrics.channel)
_CHANNELS = {
    "naver-blog": "naver_blog",
    "naver-cafe": "naver_cafe",
    "kakaotalk": "kakaotalk_channel",
}


@dataclass(frozen=True)
class Slot:
    """A weekly time: ``weekday`` 0 = Monday (``None``: every day), in the profile's zone."""

    weekday: int | None
    hour: int
    minute: int

    def __str__(self) -> str:
        day = "daily" if self.weekday is None else _DAYS_EN[self.weekday]
        return f"{day} {self.hour:02d}:{self.minute:02d}"


@dataclass(frozen=True)
class BestTime:
    weekday: int  # 0 = Monday
    hour: int  # 0-23, in the profile's zone
    score: float  # shrunk engagement per post
    posts: int  # posts in this weekday × hour
    source: str = "own"  # own | imported

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class BestTimes:
    """The ranking and where it came from (``source``: own | imported | none)."""

    profile: str
    zone: str
    source: str
    channel: str
    own_posts: int
    posts: int
    times: list[BestTime]
    note_ko: str
    note_en: str
    method_ko: str
    method_en: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# -- slots -----------------------------------------------------------------------------------------
def parse_slot(value: str) -> Slot:
    """``"tue 12:30"``, ``"Tuesday 12:30"``, ``"화 12:30"``, ``"화요일 12:30"``, ``"daily 09:00"``
    or ``"매일 09:00"``; anything else is ``besttime.bad_slot``."""
    m = _SLOT.match(value or "")
    day = m.group(1).lower() if m else ""
    if m is None or (day not in _DAY_OF and day not in _EVERY):
        raise PublishError("besttime.bad_slot", value=(value or "")[:40])
    return Slot(_DAY_OF.get(day), int(m.group(2)), int(m.group(3)))


def normalize_slots(values: Iterable[str]) -> list[str]:
    """Slots as ``"tue 12:30"`` strings, each once, in week order (the first bad one raises)."""
    slots = {parse_slot(v) for v in values if v.strip()}
    return [
        str(s)
        for s in sorted(
            slots, key=lambda s: (-1 if s.weekday is None else s.weekday, s.hour, s.minute)
        )
    ]


def set_slots(ws: Workspace, profile: str, slots: Iterable[str]) -> Profile:
    """Replace a profile's queue slots (validated and normalised; ``[]`` clears them)."""
    found = get_profile(ws, profile)
    clean = normalize_slots(slots)
    with ws.begin() as conn:
        conn.execute(
            text("UPDATE profiles SET slots = :s, updated_at = :now WHERE profile_id = :p"),
            {
                "s": json.dumps(clean),
                "now": datetime.now(UTC).isoformat(timespec="microseconds"),
                "p": found.profile_id,
            },
        )
    return get_profile(ws, found.profile_id)


def _taken(ws: Workspace, profile: Profile) -> set[datetime]:
    with ws.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT due_at FROM publish_posts WHERE profile_id = :p AND state IN "
                "(" + ", ".join(f"'{s}'" for s in TAKEN_STATES) + ")"
            ),
            {"p": profile.profile_id},
        ).scalars()
        return {
            datetime.fromisoformat(r).astimezone(UTC).replace(second=0, microsecond=0) for r in rows
        }


def next_slot(ws: Workspace, profile: str, after: datetime | None = None) -> datetime | None:
    """The profile's first queue slot after ``after`` (now by default; a naive time is in the
    profile's zone) that no waiting post of the profile holds; in the profile's zone. ``None``:
    the profile has no slots, or every one in the next year is taken."""
    p = get_profile(ws, profile)
    slots = [parse_slot(s) for s in p.slots]
    if not slots:
        return None
    zone = ZoneInfo(p.zone)
    start = after or datetime.now(UTC)
    if start.tzinfo is None:
        start = start.replace(tzinfo=zone)
    start = start.astimezone(zone)
    taken = _taken(ws, p)
    for offset in range(HORIZON_DAYS + 1):
        day = (start + timedelta(days=offset)).date()
        times = sorted(
            (s.hour, s.minute) for s in slots if s.weekday is None or s.weekday == day.weekday()
        )
        for hour, minute in dict.fromkeys(times):
            local = datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)
            if local > start and local.astimezone(UTC) not in taken:
                return local
    return None


# -- best times ------------------------------------------------------------------------------------
def channel_of(profile: Profile) -> str:
    """The channel (``post_metrics.channel``) whose imported metrics stand for ``profile``:
    its ``channel`` setting, else its platform (a manual profile's platform setting)."""
    if profile.settings.get("channel"):
        return profile.settings["channel"]
    platform = profile.settings.get("platform", "") if profile.platform == "manual" else ""
    platform = platform or profile.platform
    return _CHANNELS.get(platform, platform.replace("-", "_"))


def _own(ws: Workspace, profile: Profile) -> list[tuple[datetime, float]]:
    """(published at, engagement) of the profile's published posts with metrics."""
    with ws.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT p.post_id, p.published_at, m.fetched_at, m.likes, m.replies, m.reposts "
                "FROM publish_posts p JOIN publish_metrics m ON m.post_id = p.post_id "
                "WHERE p.profile_id = :p AND p.state = 'published' "
                "AND p.published_at IS NOT NULL ORDER BY p.post_id, m.fetched_at"
            ),
            {"p": profile.profile_id},
        ).fetchall()
    latest: dict[str, tuple[datetime, float]] = {}
    for r in rows:  # the last fetch of each post wins
        counts = [v for v in (r[3], r[4], r[5]) if v is not None]
        if counts:
            latest[r[0]] = (datetime.fromisoformat(r[1]), float(sum(counts)))
    return list(latest.values())


def _imported(ws: Workspace, channel: str) -> list[tuple[datetime, float]]:
    """(published at, engagement) of the channel's imported posts dated to the minute."""
    out = []
    for r in post_rows(ws, [channel]):
        if r["date_precision"] != "minute":
            continue
        parts = [r[k] for k in ("likes", "comments", "shares") if r.get(k) is not None]
        value = sum(parts) if parts else r.get("engagements")
        if value is None:
            continue
        out.append((datetime.fromisoformat(r["published_at"]), float(value)))
    return out


def _rank(
    posts: list[tuple[datetime, float]], zone: ZoneInfo, top: int, source: str
) -> list[BestTime]:
    if not posts:
        return []
    mean = sum(v for _, v in posts) / len(posts)
    cells: dict[tuple[int, int], list[float]] = defaultdict(list)
    for at, value in posts:
        local = at.astimezone(zone) if at.tzinfo else at.replace(tzinfo=UTC).astimezone(zone)
        cells[(local.weekday(), local.hour)].append(value)
    ranked = [
        BestTime(
            weekday=wd,
            hour=hour,
            score=round((sum(vals) + PRIOR_POSTS * mean) / (len(vals) + PRIOR_POSTS), 2),
            posts=len(vals),
            source=source,
        )
        for (wd, hour), vals in cells.items()
    ]
    ranked.sort(key=lambda b: (-b.score, -b.posts, b.weekday, b.hour))
    return ranked[: max(0, top)]


def best_times_detail(ws: Workspace, profile: str, *, top: int = 3) -> BestTimes:
    """The ``top`` weekday × hour cells for ``profile`` and which data they come from."""
    p = get_profile(ws, profile)
    zone = ZoneInfo(p.zone)
    own = _own(ws, p)
    channel = channel_of(p)
    posts, source = own, "own"
    if len(own) < MIN_OWN_POSTS:
        imported = _imported(ws, channel)
        if imported:
            posts, source = imported, "imported"
        elif not own:
            source = "none"
    note = f"besttime.source.{source}"
    params = {"posts": len(posts), "own": len(own), "channel": channel}
    return BestTimes(
        profile=p.name,
        zone=p.zone,
        source=source,
        channel=channel,
        own_posts=len(own),
        posts=len(posts),
        times=_rank(posts, zone, top, source),
        note_ko=t(note, "ko", **params),
        note_en=t(note, "en", **params),
        method_ko=t("besttime.method", "ko"),
        method_en=t("besttime.method", "en"),
    )


def best_times(ws: Workspace, profile: str, *, top: int = 3) -> list[BestTime]:
    """The ``top`` weekday × hour cells for ``profile`` (each says its ``source``)."""
    return best_times_detail(ws, profile, top=top).times
