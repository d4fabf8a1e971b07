"""The publish queue: one row of ``publish_posts`` per (post, profile), a state machine.

``draft`` → ``in_review`` → ``scheduled`` → ``publishing`` → ``published`` | ``failed`` |
``unknown``, or ``cancelled``; a post for a profile without a posting API (a *manual* profile)
becomes a ``task`` at its time and is ``published`` when its owner confirms it with the URL.
Every post has an idempotency key made when it is queued (on Bluesky, the record key), so a
platform can never be asked twice to create the same post under two names.

A post may carry its own text per profile (a *variant*), images of the media library, the calendar
item of a plan it realises (``plan_item_id``), the short link in its text (``link_code``) and the
number of approvals it needs (``approvals_needed``, decided by ``publish.approvals`` and passed
in): a post that needs approval starts ``in_review``, a draft starts ``draft``. A draft is not
checked against the platforms' limits until it is scheduled (:func:`schedule`)."""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text

from socialops.connectors.core import Media, OutgoingPost, new_tid
from socialops.connectors.profiles import Profile, chosen_profiles, get_profile, iso_utc, now_iso
from socialops.connectors.registry import REGISTRY
from socialops.errors import PublishError
from socialops.settings import get as setting
from socialops.store.workspace import Workspace

__all__ = [
    "STATES",
    "QueuedPost",
    "attempts",
    "cancel",
    "confirm_task",
    "get_post",
    "list_posts",
    "new_posts",
    "parse_when",
    "publish_now",
    "schedule",
]

STATES = (
    "draft",
    "in_review",
    "scheduled",
    "publishing",
    "published",
    "failed",
    "unknown",
    "cancelled",
    "task",
)
WAITING = ("draft", "in_review", "scheduled", "publishing", "unknown", "task")
_COLUMNS = (
    "p.post_id, p.group_id, p.profile_id, f.name, f.platform, p.plan_id, p.text, p.media, "
    "p.state, p.due_at, p.idem_key, p.remote_id, p.url, p.attempts, p.next_try_at, "
    "p.reason_code, p.reason_detail, p.created_at, p.updated_at, p.published_at, "
    "p.plan_item_id, p.link_code, p.approvals_needed, p.segment_id"
)


@dataclass(frozen=True)
class QueuedPost:
    post_id: str
    group_id: str
    profile_id: str
    profile: str
    platform: str
    plan_id: str | None
    text: str
    media: list[dict[str, str]]
    state: str
    due_at: str
    idem_key: str
    remote_id: str
    url: str
    attempts: int
    next_try_at: str | None
    reason_code: str
    reason_detail: str
    created_at: str
    updated_at: str
    published_at: str | None
    plan_item_id: str | None
    link_code: str
    approvals_needed: int
    segment_id: str = ""  # a saved segment this post's text was written for ('' = everyone)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def outgoing(self) -> OutgoingPost:
        return OutgoingPost(
            text=self.text,
            media=tuple(
                Media(m["path"], m.get("alt", ""), m.get("mime", "image/jpeg")) for m in self.media
            ),
        )


def _row(r: Any) -> QueuedPost:
    return QueuedPost(
        post_id=r[0],
        group_id=r[1],
        profile_id=r[2],
        profile=r[3],
        platform=r[4],
        plan_id=r[5],
        text=r[6],
        media=json.loads(r[7] or "[]"),
        state=r[8],
        due_at=r[9],
        idem_key=r[10],
        remote_id=r[11],
        url=r[12],
        attempts=int(r[13]),
        next_try_at=r[14],
        reason_code=r[15],
        reason_detail=r[16],
        created_at=r[17],
        updated_at=r[18],
        published_at=r[19],
        plan_item_id=r[20],
        link_code=r[21] or "",
        approvals_needed=int(r[22] or 0),
        segment_id=r[23] or "",
    )


def parse_when(value: str | None, zone: str) -> datetime:
    """``--at``: an ISO date-time; without an offset it is in ``zone``; ``None`` → now."""
    if value is None or not value.strip():
        return datetime.now(UTC)
    try:
        dt = datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise PublishError("publish.bad_time", value=value) from exc
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=ZoneInfo(zone))
    return dt.astimezone(UTC)


def _library(ws: Workspace, media_ids: list[str]) -> list[tuple[Media, str]]:
    """Images of the media library (``publish.media``) as a post's media, in the order given,
    each with its media id."""
    out: list[tuple[Media, str]] = []
    with ws.connect() as conn:
        for mid in media_ids:
            r = conn.execute(
                text("SELECT path, alt, mime FROM media_assets WHERE media_id = :m"), {"m": mid}
            ).fetchone()
            if r is None:
                raise PublishError("media.unknown", media_id=mid)
            out.append((Media(str(ws.root / r[0]), r[1], r[2]), mid))
    return out


def _check(profile: Profile, post: OutgoingPost) -> None:
    """Refuse ``post`` for ``profile`` when it breaks one of the profile's limits."""
    cls = REGISTRY.get(profile.platform)
    if cls is None:
        raise PublishError(
            "profile.unknown_platform", platform=profile.platform, known=REGISTRY.platforms()
        )
    problems = cls.limits_for(profile.settings).validate(post)
    if problems:
        first = problems[0]
        raise PublishError(first.code, profile=profile.name, **dict(first.params))


def _variant(variants: dict[str, str], p: Profile, default: str) -> str:
    return variants.get(p.name, variants.get(p.profile_id, default))


def new_posts(
    ws: Workspace,
    *,
    profiles: list[str],
    text_: str,
    at: str | None = None,
    media: list[Media] | None = None,
    plan_id: str | None = None,
    actor: str = "",
    variants: dict[str, str] | None = None,
    draft: bool = False,
    plan_item_id: str | None = None,
    link_code: str = "",
    approvals_needed: int = 0,
    media_ids: list[str] | None = None,
    link_codes: dict[str, str] | None = None,
    group_id: str | None = None,
) -> tuple[str, list[QueuedPost]]:
    """Queue one post per profile (a group), due at ``at`` (each profile's zone when it has no
    offset; now without it). Each profile gets its variant's text (``variants``: profile name or
    id → text) or ``text_``; ``media`` and the library's ``media_ids`` go with every one. A text
    over a profile's limit refuses the whole group, except for a draft (checked when scheduled).
    The posts start ``draft`` (``draft``), ``in_review`` (``approvals_needed`` > 0) or
    ``scheduled``. ``link_codes`` (profile name or id → short-link code) overrides
    ``link_code`` per profile; ``group_id`` names the group (a fresh one without it)."""
    chosen = chosen_profiles(ws, profiles)
    attached = [*((m, "") for m in media or []), *_library(ws, list(media_ids or []))]
    files = [m for m, _ in attached]
    stored = json.dumps(
        [asdict(m) | ({"media_id": mid} if mid else {}) for m, mid in attached],
        ensure_ascii=False,
    )
    texts = dict(variants or {})
    codes = dict(link_codes or {})
    rows = []
    for p in chosen:
        body = _variant(texts, p, text_)
        if not draft:
            _check(p, OutgoingPost(text=body, media=tuple(files)))
        rows.append((p, body, parse_when(at, p.zone), _variant(codes, p, link_code)))
    state = "draft" if draft else "in_review" if approvals_needed > 0 else "scheduled"
    group = group_id or uuid.uuid4().hex[:12]
    now = now_iso()
    ids = []
    with ws.begin() as conn:
        for p, body, due, code in rows:
            pid = uuid.uuid4().hex[:12]
            ids.append(pid)
            conn.execute(
                text(
                    "INSERT INTO publish_posts (post_id, group_id, profile_id, plan_id, text, "
                    "media, state, due_at, idem_key, created_by, created_at, updated_at, "
                    "plan_item_id, link_code, approvals_needed) VALUES "
                    "(:id, :g, :p, :plan, :t, :m, :state, :due, :key, :by, :now, :now, "
                    ":item, :link, :need)"
                ),
                {
                    "id": pid,
                    "g": group,
                    "p": p.profile_id,
                    "plan": plan_id,
                    "t": body,
                    "m": stored,
                    "state": state,
                    "due": iso_utc(due),
                    "key": new_tid(),
                    "by": actor,
                    "now": now,
                    "item": plan_item_id,
                    "link": code,
                    "need": max(0, int(approvals_needed)),
                },
            )
    return group, [get_post(ws, i) for i in ids]


def _bound(value: str | datetime | None) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        dt = value if value.tzinfo else value.replace(tzinfo=ZoneInfo(setting("timezone")))
        return iso_utc(dt)
    return iso_utc(parse_when(value, setting("timezone")))


def list_posts(
    ws: Workspace,
    state: str | None = None,
    *,
    plan_id: str | None = None,
    profile: str | None = None,
    since: str | datetime | None = None,
    until: str | datetime | None = None,
) -> list[QueuedPost]:
    """The queue in due order, filtered by state, plan, profile (name or id) and due time
    (``since`` inclusive, ``until`` exclusive; a time without an offset is in the workspace's
    zone, Asia/Seoul by default)."""
    sql = f"SELECT {_COLUMNS} FROM publish_posts p JOIN profiles f ON f.profile_id = p.profile_id"
    where: list[str] = []
    params: dict[str, Any] = {}
    if state:
        where.append("p.state = :s")
        params["s"] = state
    if plan_id:
        where.append("p.plan_id = :plan")
        params["plan"] = plan_id
    if profile:
        where.append("(f.name = :prof OR f.profile_id = :prof)")
        params["prof"] = profile
    low, high = _bound(since), _bound(until)
    if low is not None:
        where.append("p.due_at >= :since")
        params["since"] = low
    if high is not None:
        where.append("p.due_at < :until")
        params["until"] = high
    if where:
        sql += " WHERE " + " AND ".join(where)
    with ws.connect() as conn:
        rows = conn.execute(text(sql + " ORDER BY p.due_at, p.post_id"), params).fetchall()
    return [_row(r) for r in rows]


def get_post(ws: Workspace, post_id: str) -> QueuedPost:
    with ws.connect() as conn:
        r = conn.execute(
            text(
                f"SELECT {_COLUMNS} FROM publish_posts p JOIN profiles f "
                "ON f.profile_id = p.profile_id WHERE p.post_id = :id"
            ),
            {"id": post_id},
        ).fetchone()
    if r is None:
        raise PublishError("publish.unknown_post", post_id=post_id)
    return _row(r)


def attempts(ws: Workspace, post_id: str) -> list[dict[str, Any]]:
    """Every attempt at ``post_id``: when, what the platform said, which worker."""
    with ws.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT at, action, code, detail, worker FROM publish_attempts "
                "WHERE post_id = :id ORDER BY attempt_id"
            ),
            {"id": post_id},
        ).fetchall()
    return [dict(zip(("at", "action", "code", "detail", "worker"), r, strict=True)) for r in rows]


def _move(
    ws: Workspace, post_id: str, allowed: tuple[str, ...], sets: str, **params: Any
) -> QueuedPost:
    get_post(ws, post_id)  # an unknown post is publish.unknown_post, not a bad state
    with ws.begin() as conn:
        n = conn.execute(
            text(
                f"UPDATE publish_posts SET {sets}, updated_at = :now WHERE post_id = :id "
                f"AND state IN ({', '.join(repr(s) for s in allowed)}) "
                "AND (lease_until IS NULL OR lease_until < :now)"
            ),
            {"id": post_id, "now": now_iso(), **params},
        ).rowcount
    if not n:
        raise PublishError("publish.bad_state", post_id=post_id, state=get_post(ws, post_id).state)
    return get_post(ws, post_id)


def cancel(ws: Workspace, post_id: str) -> QueuedPost:
    """Cancel a post that has not gone out (not while a worker is sending it)."""
    return _move(
        ws, post_id, ("draft", "in_review", "scheduled", "failed", "task"), "state = 'cancelled'"
    )


def _ready(ws: Workspace, post: QueuedPost) -> None:
    """A post leaving ``draft`` must meet its profile's limits."""
    _check(get_profile(ws, post.profile_id), post.outgoing())


def schedule(ws: Workspace, post_id: str, at: str | None = None) -> QueuedPost:
    """Give a post its time: a draft becomes ``scheduled`` (``in_review`` when it needs
    approval); a scheduled, in-review or failed post moves to the new time. ``at`` as for
    :func:`new_posts` (the profile's zone without an offset); ``None`` keeps the time it has."""
    post = get_post(ws, post_id)
    if post.state not in ("draft", "in_review", "scheduled", "failed"):
        raise PublishError("publish.bad_state", post_id=post_id, state=post.state)
    _ready(ws, post)
    due = post.due_at
    if at is not None:
        due = iso_utc(parse_when(at, get_profile(ws, post.profile_id).zone))
    return _move(
        ws,
        post_id,
        ("draft", "in_review", "scheduled", "failed"),
        "state = CASE WHEN state IN ('draft', 'in_review') AND approvals_needed > 0 "
        "THEN 'in_review' ELSE 'scheduled' END, due_at = :due, next_try_at = NULL, "
        "reason_code = '', reason_detail = ''",
        due=due,
    )


def publish_now(ws: Workspace, post_id: str) -> QueuedPost:
    """Make a scheduled (or failed, or draft) post due now; the worker sends it. A draft that
    needs approval goes to review instead."""
    post = get_post(ws, post_id)
    if post.state == "draft":
        _ready(ws, post)
    return _move(
        ws,
        post_id,
        ("draft", "scheduled", "failed"),
        "state = CASE WHEN state = 'draft' AND approvals_needed > 0 THEN 'in_review' "
        "ELSE 'scheduled' END, due_at = :due, next_try_at = NULL, reason_code = '', "
        "reason_detail = ''",
        due=now_iso(),
    )


def confirm_task(ws: Workspace, post_id: str, url: str) -> QueuedPost:
    """A manual task done by hand: the post is published at ``url``."""
    if not url.startswith(("http://", "https://")):
        raise PublishError("publish.bad_url", url=url)
    return _move(
        ws,
        post_id,
        ("task",),
        "state = 'published', url = :url, remote_id = :url, published_at = :now",
        url=url,
    )
