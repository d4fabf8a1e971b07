"""Publishing pages, the shared part and the composer: the frame of every publishing page
(its tabs, the "pause all" and re-authorisation banners, the done notice), the composer
(``/w/{ws}/publishing/compose``: per-profile variants, media, a tracked link, a live preview
per profile that ``static/publishing.js`` asks the preview API for, and the same preview by a
server round trip without script) and the media library's upload and files.

The queue, a post, the tasks and the approvals are :mod:`.queue`; the profiles
:mod:`.profiles`; ``/l/{code}`` is :mod:`.short_links`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from socialops.connectors import profiles
from socialops.errors import SocialopsError
from socialops.plan.store import PlanStore
from socialops.publish import approvals, composer, media, watchdog
from socialops.segment.store import list_segments
from socialops.store.workspace import Workspace
from socialops.web.actions import publishing as actions
from socialops.web.auth import Access, WebError, lang_of, services_of
from socialops.web.pages.common import Slug, form_actor, to_login, view_access, workspace_page
from socialops.web.responses import error_text

__all__ = ["DONE", "banner", "done", "pub_page", "router"]

router = APIRouter(include_in_schema=False)
DONE = frozenset(
    {
        "connected",
        "checked",
        "paused",
        "resumed",
        "removed",
        "paused_all",
        "resumed_all",
        "composed",
        "drafted",
        "in_review",
        "scheduled",
        "published_now",
        "cancelled",
        "confirmed",
        "approved",
        "rejected",
        "commented",
        "submitted",
        "uploaded",
        "read",
        "slots",
    }
)
TABS = ("queue", "compose", "tasks", "approvals", "profiles")
MAX_MEDIA = 50 * 2**20  # what fits in an upload body (web.app.MAX_BODY)


def banner(db: Workspace, access: Access | None = None) -> dict[str, Any]:
    """What every publishing page says first: "pause all" is on, profiles to re-authorise,
    posts due that no worker takes (the watchdog: a post never waits silently); and the
    channel each profile posts to (a manual profile's own, e.g. ``naver-blog``); the reader's
    unread notifications (reviews asked of their role, decisions on their posts)."""
    found = profiles.list_profiles(db)
    status = watchdog.watchdog(db)
    return {
        "paused_all": profiles.paused_all(db),
        "watchdog": None if status.ok else status,
        "unread": approvals.notifications(
            db, user=access.user.email, role=access.role, unread_only=True
        )
        if access
        else [],
        "reauth": [p.name for p in found if p.status == "needs_reauth"],
        "channels": {
            p.name: p.settings.get("platform", "") if p.platform == "manual" else p.platform
            for p in found
        },
    }


def pub_page(
    request: Request, access: Access, template: str, tab: str, status: int = 200, **ctx: Any
) -> HTMLResponse:
    """A publishing page: the workspace frame, the publishing tabs and banners, ``ctx``."""
    db = services_of(request).workspace(access.workspace)
    shown = request.query_params.get("done") if request.method == "GET" else None
    ctx.setdefault("error", None)
    return workspace_page(
        request,
        access,
        template,
        "publishing",
        status=status,
        pub_banner=banner(db, access),
        pub_done=shown if shown in DONE else None,
        pub_tab=tab,
        pub_tabs=TABS,
        **ctx,
    )


def done(ws: str, path: str, key: str) -> Response:
    """Post/redirect/get back to a publishing page with its notice."""
    sep = "&" if "?" in path else "?"
    return RedirectResponse(f"/w/{ws}/publishing{path}{sep}done={key}", status_code=303)


# -- the composer --------------------------------------------------------------------------------
def _compose_page(request: Request, access: Access, status: int = 200, **ctx: Any) -> HTMLResponse:
    db = services_of(request).workspace(access.workspace)
    ctx.setdefault(
        "form", {"profiles": [], "text": "", "variants": {}, "at": "", "link": "", "media": []}
    )
    ctx.setdefault("previews", None)
    return pub_page(
        request,
        access,
        "compose.html",
        "compose",
        status,
        profiles=profiles.list_profiles(db),
        media=media.list_media(db),
        plans=PlanStore(db).list(),
        saved_segments=[x.name for x in list_segments(db)],
        **ctx,
    )


@router.get("/w/{ws}/publishing/compose", response_class=HTMLResponse)
def compose_page(request: Request, ws: Slug, plan_id: str = "", plan_item_id: str = "") -> Response:
    access = view_access(request, ws, actions.DRAFT)
    if access is None:
        return to_login()
    form = {
        "profiles": [],
        "text": "",
        "variants": {},
        "at": "",
        "link": "",
        "media": [],
        "plan_id": plan_id[:64],
        "plan_item_id": plan_item_id[:64],
    }
    return _compose_page(request, access, form=form)


async def _compose_form(request: Request) -> tuple[actions.Compose, dict[str, Any], str]:
    """The composer's form as a :class:`~socialops.web.actions.publishing.Compose`, as typed
    (to show again) and its CSRF token."""
    form = await request.form()

    def one(key: str, limit: int = 200) -> str:
        v = form.get(key)
        return v[:limit] if isinstance(v, str) else ""

    chosen = [v for v in form.getlist("profiles") if isinstance(v, str)][:50]
    media_ids = [v for v in form.getlist("media") if isinstance(v, str)][:20]
    variants = {}
    for name in chosen:
        v = one(f"variant:{name}", 20_000)
        if v.strip():
            variants[name] = v
    segment_variants = {}  # saved segment → its own text ("segvar:<name>" fields)
    for key in list(form.keys())[:500]:
        v = one(key, 20_000)
        if key.startswith("segvar:") and v.strip():
            segment_variants[key.removeprefix("segvar:")[:200]] = v
    c = actions.Compose(
        profiles=chosen,
        text=one("text", 20_000),
        variants=variants or None,
        at=one("at") or None,
        media_ids=media_ids or None,
        link=one("link", 2000) or None,
        plan_id=one("plan_id", 64) or None,
        plan_item_id=one("plan_item_id", 64) or None,
        draft=bool(one("draft")),
        segment_variants=segment_variants or None,
    )
    typed = {
        "profiles": chosen,
        "text": c.text,
        "variants": variants,
        "at": c.at or "",
        "link": c.link or "",
        "media": media_ids,
        "plan_id": c.plan_id or "",
        "plan_item_id": c.plan_item_id or "",
        "draft": c.draft,
        "segment_variants": segment_variants,
    }
    return c, typed, one("csrf")


def previews_of(db: Workspace, c: actions.Compose) -> list[dict[str, Any]]:
    """The composer's preview of ``c`` per profile, as plain data."""
    found = composer.preview(
        db,
        profiles=c.profiles,
        text=c.text,
        variants=c.variants,
        media_ids=c.media_ids,
        link=c.link,
        plan_id=c.plan_id,
        segment_variants=c.segment_variants,
    )
    return [p.to_dict() for p in found]


@router.post("/w/{ws}/publishing/compose", response_class=HTMLResponse)
async def compose(request: Request, ws: Slug) -> Response:
    c, typed, csrf = await _compose_form(request)
    actor = form_actor(request, csrf)
    access = actor.access(ws, actions.DRAFT)
    try:
        _group, posts = actions.compose(actor, ws, c)
    except SocialopsError as exc:
        err = {"message": error_text(exc, lang_of(request))}
        return _compose_page(request, access, 400, form=typed, error=err)
    states = {p.state for p in posts}
    key = "drafted" if states == {"draft"} else "in_review" if "in_review" in states else "composed"
    return done(ws, "", key)


@router.post("/w/{ws}/publishing/compose/preview", response_class=HTMLResponse)
async def compose_preview(request: Request, ws: Slug) -> Response:
    """The composer again, with each profile's preview (nothing is saved): the page without
    script."""
    c, typed, csrf = await _compose_form(request)
    actor = form_actor(request, csrf)
    access = actor.access(ws, actions.DRAFT)
    db = services_of(request).workspace(ws)
    try:
        found = previews_of(db, c)
    except SocialopsError as exc:
        err = {"message": error_text(exc, lang_of(request))}
        return _compose_page(request, access, 400, form=typed, error=err)
    return _compose_page(request, access, form=typed, previews=found)


# -- media ---------------------------------------------------------------------------------------
@router.post("/w/{ws}/publishing/media", response_class=HTMLResponse)
async def upload_media(
    request: Request,
    ws: Slug,
    file: Annotated[UploadFile | None, File()] = None,
    alt: Annotated[str, Form(max_length=1000)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    actor = form_actor(request, csrf)
    access = actor.access(ws, actions.DRAFT)
    try:
        if file is None or not file.filename:
            raise WebError(400, "bad_request", detail="file")
        data = await file.read(MAX_MEDIA + 1)
        if len(data) > MAX_MEDIA:
            raise WebError(413, "too_large", limit=MAX_MEDIA // 2**20)
        actions.upload_media(actor, ws, file.filename, data, alt)
    except (SocialopsError, WebError) as exc:
        lang = lang_of(request)
        message = exc.message(lang) if isinstance(exc, WebError) else error_text(exc, lang)
        status = exc.status if isinstance(exc, WebError) else exc.http_status
        return _compose_page(request, access, status, error={"message": message})
    return done(ws, "/compose", "uploaded")


@router.get("/w/{ws}/publishing/media/{media_id}")
def media_file(request: Request, ws: Slug, media_id: str) -> Response:
    """An image of the library (for the composer's thumbnails and a task's downloads)."""
    access = view_access(request, ws, "view")
    if access is None:
        return to_login()
    db = services_of(request).workspace(ws)
    try:
        asset = media.get_media(db, media_id)
        path = media.media_file(db, media_id)
    except SocialopsError:
        raise WebError(404, "not_found") from None
    return FileResponse(
        path,
        media_type=asset.mime,
        filename=asset.file_name,
        content_disposition_type="inline",
    )
