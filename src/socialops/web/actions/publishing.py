"""Publishing in the web: one function per change (permission check, the change, the audit
entry), called by the pages and by the API alike, and the reads both show.

Permissions (:mod:`socialops.domain.permissions`): ``profiles.manage`` connects, checks,
pauses, resumes and removes profiles and flips "pause all"; ``publish.draft`` writes and
schedules posts (a role with only that has its posts reviewed), confirms manual tasks,
comments and uploads media; ``publish.direct`` publishes at once; ``publish.approve``
approves and rejects. Secrets are handed to :func:`socialops.connectors.profiles.connect` and
nowhere else: never returned, logged or written to the audit log."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from socialops.connectors import profiles
from socialops.connectors.core import ConnectorFailure
from socialops.connectors.manual import MANUAL_PLATFORMS
from socialops.connectors.profiles import Profile
from socialops.errors import PublishError
from socialops.publish import approvals, besttime, composer, media, plan_drafts, queue
from socialops.publish.queue import QueuedPost
from socialops.store.workspace import Workspace
from socialops.web.actions.base import Actor
from socialops.web.auth import Access, WebError

__all__ = [
    "DRAFT",
    "Compose",
    "approve",
    "cancel",
    "check_profile",
    "comment",
    "compose",
    "confirm_task",
    "connect_profile",
    "drafts_from_plan",
    "find_posts",
    "get_post",
    "get_profile",
    "lateness",
    "mark_read",
    "pause_all",
    "pause_profile",
    "publish_now",
    "reject",
    "remove_profile",
    "resume_all",
    "resume_profile",
    "schedule",
    "set_alt",
    "set_slots",
    "submit",
    "upload_media",
    "workspace_of",
]

LATE_AFTER = timedelta(hours=1)  # a manual task not done an hour after its time is late
MISSED_AFTER = timedelta(hours=24)  # and a day after, missed
MANAGE, DRAFT, DIRECT, APPROVE = (
    "profiles.manage",
    "publish.draft",
    "publish.direct",
    "publish.approve",
)


def workspace_of(actor: Actor, ws: str, action: str = "view") -> tuple[Access, Workspace]:
    """The caller's access to ``ws`` for ``action`` and the workspace's database."""
    return actor.access(ws, action), actor.services.workspace(ws)


def _who(actor: Actor) -> str:
    return actor.user.email


# -- profiles ------------------------------------------------------------------------------------
def connect_profile(
    actor: Actor,
    ws: str,
    *,
    name: str,
    platform: str,
    settings: dict[str, str],
    secrets: dict[str, str],
    zone: str = "Asia/Seoul",
) -> Profile:
    """Connect (or re-connect) a profile; a manual one names its channel in
    ``settings["platform"]``. The credentials are checked with the platform first."""
    access, db = workspace_of(actor, ws, MANAGE)
    if platform == "manual" and settings.get("platform") not in MANUAL_PLATFORMS:
        raise PublishError(
            "profile.unknown_platform",
            platform=settings.get("platform", ""),
            known=sorted(MANUAL_PLATFORMS),
        )
    p = profiles.connect(
        db, name=name, platform=platform, settings=settings, secrets=secrets, zone=zone
    )
    actor.audit(access, "profile.connect", p.name, platform=p.platform, handle=p.handle)
    return p


def get_profile(actor: Actor, ws: str, name: str) -> Profile:
    _, db = workspace_of(actor, ws)
    return profiles.get_profile(db, name)


def check_profile(actor: Actor, ws: str, name: str) -> Profile:
    """Ask the platform who the credentials are: a refusal marks the profile for
    re-authorisation (and says so); an answer makes it active again."""
    access, db = workspace_of(actor, ws, MANAGE)
    p = profiles.get_profile(db, name)
    try:
        profiles.build_connector(db, p).check()
    except ConnectorFailure as exc:
        res = exc.resolution
        if res.action == "disconnect":
            profiles.set_status(db, p.profile_id, "needs_reauth", res.detail)
        actor.audit(access, "profile.check", p.name, ok=False, reason=res.code)
        raise PublishError(f"publish.reason.{res.code}", detail=res.detail) from exc
    profiles.set_status(db, p.profile_id, "active")
    actor.audit(access, "profile.check", p.name, ok=True)
    return profiles.get_profile(db, name)


def _set_paused(actor: Actor, ws: str, name: str, paused: bool) -> Profile:
    access, db = workspace_of(actor, ws, MANAGE)
    p = profiles.set_paused(db, name, paused)
    actor.audit(access, "profile.pause" if paused else "profile.resume", p.name)
    return p


def pause_profile(actor: Actor, ws: str, name: str) -> Profile:
    return _set_paused(actor, ws, name, True)


def resume_profile(actor: Actor, ws: str, name: str) -> Profile:
    return _set_paused(actor, ws, name, False)


def remove_profile(actor: Actor, ws: str, name: str) -> Profile:
    access, db = workspace_of(actor, ws, MANAGE)
    p = profiles.remove(db, name)
    actor.audit(access, "profile.remove", p.name, platform=p.platform)
    return p


def set_slots(actor: Actor, ws: str, name: str, slots: list[str]) -> Profile:
    """Replace a profile's queue slots (``tue 12:30``, ``화 12:30``, ``매일 09:00``)."""
    access, db = workspace_of(actor, ws, MANAGE)
    p = besttime.set_slots(db, name, slots)
    actor.audit(access, "profile.slots", p.name, slots=", ".join(p.slots))
    return p


def pause_all(actor: Actor, ws: str) -> None:
    """The crisis switch: nothing goes out of this workspace until it is resumed."""
    access, db = workspace_of(actor, ws, MANAGE)
    profiles.pause_all(db, True, _who(actor))
    actor.audit(access, "publishing.pause_all", ws)


def resume_all(actor: Actor, ws: str) -> None:
    access, db = workspace_of(actor, ws, MANAGE)
    profiles.pause_all(db, False, _who(actor))
    actor.audit(access, "publishing.resume_all", ws)


# -- posts ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Compose:
    """What the composer form (or the API's body) asks for."""

    profiles: list[str]
    text: str
    variants: dict[str, str] | None = None
    at: str | None = None
    media_ids: list[str] | None = None
    link: str | None = None
    plan_id: str | None = None
    plan_item_id: str | None = None
    draft: bool = False
    segment_variants: dict[str, str] | None = None  # saved segment → its own text


def compose(actor: Actor, ws: str, c: Compose) -> tuple[str, list[QueuedPost]]:
    """Queue one post per profile (a group): scheduled for a role allowed to publish directly,
    sent to review otherwise (the composer decides from the role and the plan), or kept as a
    draft."""
    access, db = workspace_of(actor, ws, DRAFT)
    group, posts = composer.compose(
        db,
        profiles=c.profiles,
        text=c.text,
        variants=c.variants or None,
        at=c.at or None,
        media_ids=c.media_ids or None,
        link=c.link or None,
        plan_id=c.plan_id or None,
        plan_item_id=c.plan_item_id or None,
        draft=c.draft,
        actor=_who(actor),
        role=access.role,
        segment_variants=c.segment_variants or None,
    )
    states = sorted({p.state for p in posts})
    actor.audit(
        access,
        "publish.compose",
        group,
        profiles=", ".join(p.profile for p in posts),
        state=states[0] if len(states) == 1 else ",".join(states),
    )
    return group, posts


def get_post(actor: Actor, ws: str, post_id: str) -> QueuedPost:
    """A post of ``ws`` (404 when ``ws`` has none of that id, whatever another workspace has)."""
    _, db = workspace_of(actor, ws)
    return queue.get_post(db, post_id)


def schedule(actor: Actor, ws: str, post_id: str, at: str | None) -> QueuedPost:
    """A draft scheduled at ``at`` (to review first when it needs approval), or a waiting
    post moved to ``at``. A role without ``publish.direct`` may only schedule what goes to
    review (its own drafts do): never send out, or move, a post nobody will review."""
    access, db = workspace_of(actor, ws, DRAFT)
    before = queue.get_post(db, post_id)
    if before.state not in ("draft", "in_review") or before.approvals_needed < 1:
        access = actor.access(ws, DIRECT)
    post: QueuedPost = queue.schedule(db, post_id, at or None)
    actor.audit(access, "publish.schedule", post_id, state=post.state, due=post.due_at)
    return post


def publish_now(actor: Actor, ws: str, post_id: str) -> QueuedPost:
    access, db = workspace_of(actor, ws, DIRECT)
    post = queue.publish_now(db, post_id)
    actor.audit(access, "publish.publish_now", post_id, profile=post.profile)
    return post


def cancel(actor: Actor, ws: str, post_id: str) -> QueuedPost:
    """Cancel a post: a draft or one in review by whoever may write posts; one that is
    scheduled (or a task) only by a role that may publish directly."""
    access, db = workspace_of(actor, ws, DRAFT)
    post = queue.get_post(db, post_id)
    if post.state not in ("draft", "in_review"):
        access = actor.access(ws, DIRECT)
    post = queue.cancel(db, post_id)
    actor.audit(access, "publish.cancel", post_id, profile=post.profile)
    return post


def confirm_task(actor: Actor, ws: str, post_id: str, url: str) -> QueuedPost:
    """A manual task done by hand: published at ``url``."""
    access, db = workspace_of(actor, ws, DRAFT)
    post = queue.confirm_task(db, post_id, url.strip())
    actor.audit(access, "publish.confirm", post_id, profile=post.profile, url=post.url)
    return post


def drafts_from_plan(
    actor: Actor, ws: str, plan_id: str, item_ids: list[str] | None = None
) -> list[QueuedPost]:
    """Draft posts for the plan's calendar items ``item_ids`` (every item when empty or
    ``None``), one per occurrence that has no post yet: the drafts made now (none when every
    occurrence has its posts already). The caller's role decides the approvals they need when
    they are scheduled (:func:`socialops.publish.plan_drafts.drafts_from_calendar`)."""
    access, db = workspace_of(actor, ws, DRAFT)
    wanted = list(dict.fromkeys(item_ids or []))
    made = plan_drafts.drafts_from_calendar(
        db, plan_id, wanted, actor=_who(actor), role=access.role
    )
    actor.audit(
        access, "publish.plan_drafts", plan_id, items=", ".join(wanted) or "*", drafts=len(made)
    )
    return made


# -- approvals -----------------------------------------------------------------------------------
def _group(db: Workspace, group_id: str) -> None:
    """404 unless ``group_id`` is a group of posts of this workspace."""
    if not any(p.group_id == group_id for p in queue.list_posts(db)):
        raise WebError(404, "not_found")


def submit(actor: Actor, ws: str, group_id: str) -> list[QueuedPost]:
    access, db = workspace_of(actor, ws, DRAFT)
    _group(db, group_id)
    posts = approvals.submit(db, group_id, actor=_who(actor))
    actor.audit(access, "publish.submit", group_id)
    return posts


def _review(
    actor: Actor, ws: str, group_id: str, comment: str, decide: Callable[..., Any], kind: str
) -> Any:
    """An approver's ``decide`` (approve or reject) on ``group_id``, audited as ``kind``."""
    access, db = workspace_of(actor, ws, APPROVE)
    _group(db, group_id)
    out = decide(db, group_id, actor=_who(actor), role=access.role, comment=comment)
    actor.audit(access, kind, group_id, note=comment[:200])
    return out


def approve(actor: Actor, ws: str, group_id: str, comment: str = "") -> Any:
    return _review(actor, ws, group_id, comment, approvals.approve, "publish.approve")


def reject(actor: Actor, ws: str, group_id: str, comment: str) -> Any:
    return _review(actor, ws, group_id, comment, approvals.reject, "publish.reject")


def comment(actor: Actor, ws: str, group_id: str, text: str) -> Any:
    access, db = workspace_of(actor, ws, DRAFT)
    _group(db, group_id)
    out = approvals.add_comment(db, group_id, actor=_who(actor), comment=text)
    actor.audit(access, "publish.comment", group_id, note=text[:200])
    return out


def mark_read(actor: Actor, ws: str, ids: list[int] | None = None) -> int:
    """Mark the caller's notifications read (``None``: every unread one). The caller's own
    reading state, not a change to the workspace: no audit entry."""
    access, db = workspace_of(actor, ws)
    if ids is None:
        found = approvals.notifications(db, user=_who(actor), role=access.role, unread_only=True)
        ids = [n.notification_id for n in found]
    return int(approvals.mark_read(db, ids, user=_who(actor)))


# -- media ---------------------------------------------------------------------------------------
def upload_media(actor: Actor, ws: str, file_name: str, data: bytes, alt: str = "") -> Any:
    """Add an image to the media library (resized, EXIF stripped)."""
    access, db = workspace_of(actor, ws, DRAFT)
    asset = media.add_media(db, file_name, data, alt=alt, actor=_who(actor))
    actor.audit(access, "publish.media_add", str(asset.media_id), name=file_name[:200])
    return asset


def set_alt(actor: Actor, ws: str, media_id: str, alt: str) -> Any:
    access, db = workspace_of(actor, ws, DRAFT)
    asset = media.set_alt(db, media_id, alt)
    actor.audit(access, "publish.media_alt", media_id)
    return asset


# -- reads ---------------------------------------------------------------------------------------
def find_posts(
    db: Workspace,
    *,
    state: str | None = None,
    profile: str | None = None,
    plan_id: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> list[QueuedPost]:
    """The posts of ``db`` in due order, filtered (:func:`socialops.publish.queue.list_posts`;
    an unknown state is refused, not an empty list). A read: the caller checked ``view``."""
    if state and state not in queue.STATES:
        raise PublishError("pubweb.bad_state", state=state, known=", ".join(queue.STATES))
    return queue.list_posts(
        db, state or None, plan_id=plan_id, profile=profile, since=since, until=until
    )


def lateness(post: QueuedPost, now: datetime | None = None) -> str:
    """``missed``, ``late`` or ``""`` for a manual task past its time."""
    if post.state != "task":
        return ""
    over = (now or datetime.now(UTC)) - datetime.fromisoformat(post.due_at)
    return "missed" if over > MISSED_AFTER else "late" if over > LATE_AFTER else ""
