"""Publishing over the API: profiles (``/api/v1/workspaces/{ws}/profiles``) and the publish
queue, composer, approvals, manual tasks, media library and worker watchdog
(``/api/v1/workspaces/{ws}/publishing/...``). Every change is a function of
:mod:`socialops.web.actions.publishing`, which the pages call too.

What is returned never holds a secret (profiles carry their settings, never their
credentials) nor where a file lies on the server (a post's images are named by their media id
and file name). An id of another workspace is 404 here, whoever asks."""

from __future__ import annotations

from enum import Enum
from pathlib import PurePath
from typing import Annotated, Any, Literal

from fastapi import File, Form, Query, Request, UploadFile
from pydantic import BaseModel, Field

from socialops.connectors import profiles
from socialops.connectors.profiles import Profile
from socialops.publish import approvals, besttime, composer, media, queue, watchdog
from socialops.publish.queue import QueuedPost
from socialops.web.actions import publishing as actions
from socialops.web.api.common import ERRORS, Done, Page, PageNo, Slug, caller, router
from socialops.web.auth import WebError

__all__ = ["post_out", "profile_out"]

TAGS: list[str | Enum] = ["publishing"]
PROFILES = "/workspaces/{ws}/profiles"
PUB = "/workspaces/{ws}/publishing"
MAX_MEDIA = 50 * 2**20  # what fits in an upload body (web.app.MAX_BODY)
Platform = Literal["manual", "mastodon", "bluesky"]


# -- models --------------------------------------------------------------------------------------
class ProfileIn(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    platform: Platform
    settings: dict[str, str] = Field(
        default_factory=dict,
        description="manual: {platform}; mastodon: {instance}; bluesky: {service, handle}",
    )
    secrets: dict[str, str] = Field(
        default_factory=dict,
        description="mastodon: {access_token}; bluesky: {app_password}. Stored encrypted, "
        "never returned",
    )
    zone: str = Field("Asia/Seoul", max_length=64)


class SlotsIn(BaseModel):
    slots: list[str] = Field(
        max_length=100, description='e.g. ["tue 12:30", "화 18:00", "daily 09:00"]'
    )


class ComposeIn(BaseModel):
    profiles: list[str] = Field(min_length=1, max_length=50)
    text: str = Field("", max_length=20_000)
    variants: dict[str, str] | None = None
    at: str | None = Field(None, max_length=40, description="ISO time; no offset: the profile's")
    media_ids: list[str] | None = Field(None, max_length=20)
    link: str | None = Field(None, max_length=2000)
    plan_id: str | None = Field(None, max_length=64)
    plan_item_id: str | None = Field(None, max_length=64)
    draft: bool = False
    segment_variants: dict[str, str] | None = Field(
        None, max_length=50, description="saved segment → its own text (one more post each)"
    )


class PreviewIn(BaseModel):
    profiles: list[str] = Field(max_length=50)
    text: str = Field("", max_length=20_000)
    variants: dict[str, str] | None = None
    media_ids: list[str] | None = Field(None, max_length=20)
    link: str | None = Field(None, max_length=2000)
    plan_id: str | None = Field(None, max_length=64)
    segment_variants: dict[str, str] | None = Field(None, max_length=50)


class ScheduleIn(BaseModel):
    at: str | None = Field(None, max_length=40)


class CommentIn(BaseModel):
    comment: str = Field("", max_length=2000)


class ConfirmIn(BaseModel):
    url: str = Field(min_length=1, max_length=2000)


class Composed(BaseModel):
    group_id: str
    posts: list[dict[str, Any]]


# -- what is shown -------------------------------------------------------------------------------
def profile_out(p: Profile) -> dict[str, Any]:
    """A profile as the API shows it: never its credentials."""
    return {**p.to_dict(), "needs_reauth": p.status == "needs_reauth"}


def post_out(p: QueuedPost) -> dict[str, Any]:
    """A post as the API shows it: its images by media id and file name, not by path."""
    d = p.to_dict()
    d["media"] = [
        {
            "media_id": m.get("media_id", ""),
            "file_name": PurePath(m.get("path", "")).name,
            "alt": m.get("alt", ""),
            "mime": m.get("mime", ""),
        }
        for m in p.media
    ]
    return d


def _plain(item: Any) -> dict[str, Any]:
    found: dict[str, Any] = item.to_dict() if hasattr(item, "to_dict") else dict(item)
    found.pop("path", None)  # a media asset's place on the server
    return found


# -- profiles ------------------------------------------------------------------------------------
@router.get(PROFILES, responses=ERRORS, tags=TAGS)
def list_profiles(request: Request, ws: Slug) -> list[dict[str, Any]]:
    _, db = actions.workspace_of(caller(request), ws)
    return [profile_out(p) for p in profiles.list_profiles(db)]


@router.post(PROFILES, status_code=201, responses=ERRORS, tags=TAGS)
def connect_profile(request: Request, ws: Slug, body: ProfileIn) -> dict[str, Any]:
    """Connect a profile: the credentials are checked with the platform, then stored
    encrypted (connecting a name again replaces them)."""
    p = actions.connect_profile(
        caller(request),
        ws,
        name=body.name,
        platform=body.platform,
        settings=body.settings,
        secrets=body.secrets,
        zone=body.zone,
    )
    return profile_out(p)


@router.get(PROFILES + "/{name}", responses=ERRORS, tags=TAGS)
def get_profile(request: Request, ws: Slug, name: str) -> dict[str, Any]:
    return profile_out(actions.get_profile(caller(request), ws, name))


@router.delete(PROFILES + "/{name}", responses=ERRORS, tags=TAGS)
def remove_profile(request: Request, ws: Slug, name: str) -> dict[str, Any]:
    return profile_out(actions.remove_profile(caller(request), ws, name))


@router.post(PROFILES + "/{name}/{op}", responses=ERRORS, tags=TAGS)
def profile_op(
    request: Request, ws: Slug, name: str, op: Literal["check", "pause", "resume"]
) -> dict[str, Any]:
    """Check a profile's credentials with the platform, pause it or resume it."""
    fn = {
        "check": actions.check_profile,
        "pause": actions.pause_profile,
        "resume": actions.resume_profile,
    }[op]
    return profile_out(fn(caller(request), ws, name))


@router.put(PROFILES + "/{name}/slots", responses=ERRORS, tags=TAGS)
def set_slots(request: Request, ws: Slug, name: str, body: SlotsIn) -> dict[str, Any]:
    """Replace a profile's queue slots (in the profile's time zone)."""
    return profile_out(actions.set_slots(caller(request), ws, name, body.slots))


@router.get(PROFILES + "/{name}/best-times", responses=ERRORS, tags=TAGS)
def best_times(
    request: Request, ws: Slug, name: str, top: Annotated[int, Query(ge=1, le=24)] = 3
) -> dict[str, Any]:
    """The profile's best weekday × hour cells from its own published posts (or the channel's
    imported metrics while it has few), what they come from, and its next free queue slot."""
    _, db = actions.workspace_of(caller(request), ws)
    found = besttime.best_times_detail(db, name, top=top)
    slot = besttime.next_slot(db, name)
    return {**found.to_dict(), "next_slot": slot.isoformat() if slot else None}


@router.post(PUB + "/pause-all", response_model=Done, responses=ERRORS, tags=TAGS)
def pause_all(request: Request, ws: Slug) -> Done:
    """The crisis switch: nothing goes out of the workspace until resume-all."""
    actions.pause_all(caller(request), ws)
    return Done(detail="paused_all")


@router.post(PUB + "/resume-all", response_model=Done, responses=ERRORS, tags=TAGS)
def resume_all(request: Request, ws: Slug) -> Done:
    actions.resume_all(caller(request), ws)
    return Done(detail="resumed_all")


# -- posts ---------------------------------------------------------------------------------------
@router.get(PUB + "/posts", response_model=Page, responses=ERRORS, tags=TAGS)
def list_posts(
    request: Request,
    ws: Slug,
    state: Annotated[str | None, Query(max_length=20)] = None,
    profile: Annotated[str | None, Query(max_length=100)] = None,
    plan_id: Annotated[str | None, Query(max_length=64)] = None,
    since: Annotated[str | None, Query(max_length=40, description="due at or after")] = None,
    until: Annotated[str | None, Query(max_length=40, description="due before")] = None,
    page: PageNo = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page:
    """The queue, in due order; times without an offset are in the workspace's time zone."""
    actor = caller(request)
    _, db = actions.workspace_of(actor, ws)
    found = actions.find_posts(
        db,
        state=state,
        profile=profile,
        plan_id=plan_id,
        since=since,
        until=until,
    )
    items = [post_out(p) for p in found[(page - 1) * per_page : page * per_page]]
    pages = max(1, -(-len(found) // per_page))
    return Page(total=len(found), page=page, per_page=per_page, pages=pages, items=items)


@router.post(PUB + "/posts", response_model=Composed, status_code=201, responses=ERRORS, tags=TAGS)
def compose(request: Request, ws: Slug, body: ComposeIn) -> Composed:
    """Write a post for one or more profiles: scheduled (a role allowed ``publish.direct``),
    sent to review (a role with ``publish.draft`` only, or a plan that asks for approval) or
    kept as drafts (``draft``)."""
    c = actions.Compose(**body.model_dump())
    group, posts = actions.compose(caller(request), ws, c)
    return Composed(group_id=group, posts=[post_out(p) for p in posts])


@router.post(PUB + "/preview", responses=ERRORS, tags=TAGS)
def preview(request: Request, ws: Slug, body: PreviewIn) -> list[dict[str, Any]]:
    """Each profile's final text, its length counted the platform's way against its limit,
    problems, banned words, tone and short link (nothing is saved)."""
    _, db = actions.workspace_of(caller(request), ws, actions.DRAFT)
    found = composer.preview(db, **body.model_dump())
    return [p.to_dict() for p in found]


@router.get(PUB + "/posts/{post_id}", responses=ERRORS, tags=TAGS)
def get_post(request: Request, ws: Slug, post_id: str) -> dict[str, Any]:
    """A post with every attempt at it."""
    actor = caller(request)
    post = actions.get_post(actor, ws, post_id)
    _, db = actions.workspace_of(actor, ws)
    return {**post_out(post), "attempts_log": queue.attempts(db, post_id)}


@router.post(PUB + "/posts/{post_id}/schedule", responses=ERRORS, tags=TAGS)
def schedule(request: Request, ws: Slug, post_id: str, body: ScheduleIn) -> dict[str, Any]:
    return post_out(actions.schedule(caller(request), ws, post_id, body.at))


@router.post(PUB + "/posts/{post_id}/publish-now", responses=ERRORS, tags=TAGS)
def publish_now(request: Request, ws: Slug, post_id: str) -> dict[str, Any]:
    return post_out(actions.publish_now(caller(request), ws, post_id))


@router.post(PUB + "/posts/{post_id}/cancel", responses=ERRORS, tags=TAGS)
def cancel(request: Request, ws: Slug, post_id: str) -> dict[str, Any]:
    return post_out(actions.cancel(caller(request), ws, post_id))


# -- approvals and tasks -------------------------------------------------------------------------
@router.get(PUB + "/approvals", responses=ERRORS, tags=TAGS)
def pending_reviews(request: Request, ws: Slug) -> list[dict[str, Any]]:
    """The groups of posts waiting for review."""
    _, db = actions.workspace_of(caller(request), ws)
    return [_plain(item) for item in approvals.pending(db)]


@router.post(PUB + "/approvals/{group_id}/{decision}", responses=ERRORS, tags=TAGS)
def decide(
    request: Request,
    ws: Slug,
    group_id: str,
    decision: Literal["approve", "reject", "comment"],
    body: CommentIn,
) -> Done:
    actor = caller(request)
    if decision == "approve":
        actions.approve(actor, ws, group_id, body.comment)
    elif decision == "reject":
        actions.reject(actor, ws, group_id, body.comment)
    else:
        actions.comment(actor, ws, group_id, body.comment)
    return Done(detail=decision)


@router.get(PUB + "/tasks", responses=ERRORS, tags=TAGS)
def tasks(request: Request, ws: Slug) -> list[dict[str, Any]]:
    """Manual publish tasks (posts for channels without a posting API), late ones flagged."""
    _, db = actions.workspace_of(caller(request), ws)
    return [
        {**post_out(p), "late": actions.lateness(p)} for p in actions.find_posts(db, state="task")
    ]


@router.post(PUB + "/tasks/{post_id}/confirm", responses=ERRORS, tags=TAGS)
def confirm(request: Request, ws: Slug, post_id: str, body: ConfirmIn) -> dict[str, Any]:
    return post_out(actions.confirm_task(caller(request), ws, post_id, body.url))


# -- media and the watchdog ----------------------------------------------------------------------
@router.post(PUB + "/media", status_code=201, responses=ERRORS, tags=TAGS)
async def upload_media(
    request: Request,
    ws: Slug,
    file: Annotated[UploadFile, File()],
    alt: Annotated[str, Form(max_length=1000)] = "",
) -> dict[str, Any]:
    """Add an image to the media library (resized, EXIF stripped)."""
    actor = caller(request)
    actor.access(ws, actions.DRAFT)  # not allowed (403) before the body is read
    data = await file.read(MAX_MEDIA + 1)
    if len(data) > MAX_MEDIA:
        raise WebError(413, "too_large", limit=MAX_MEDIA // 2**20)
    asset = actions.upload_media(actor, ws, file.filename or "image", data, alt)
    return _plain(asset)


@router.get(PUB + "/media", responses=ERRORS, tags=TAGS)
def list_media(request: Request, ws: Slug) -> list[dict[str, Any]]:
    _, db = actions.workspace_of(caller(request), ws)
    return [_plain(m) for m in media.list_media(db)]


@router.get(PUB + "/watchdog", responses=ERRORS, tags=TAGS)
def worker_watchdog(request: Request, ws: Slug) -> dict[str, Any]:
    """Whether a publishing worker is alive: ``ok``, when one was last seen, and each."""
    _, db = actions.workspace_of(caller(request), ws)
    return _plain(watchdog.watchdog(db))
