"""The publish queue in the web: the list with its filters and a week calendar
(``/w/{ws}/publishing``), a post (``/w/{ws}/publishing/posts/{id}``: its state, why it waits
or failed, every attempt, the remote URL, metrics, its plan) with schedule / publish now /
cancel, the manual publish tasks (``/w/{ws}/publishing/tasks``: copy-ready text, images, the
tracked link, a checklist and the "done, here is the URL" form; late and missed tasks
flagged) and the posts waiting for review (``/w/{ws}/publishing/approvals``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from socialops.errors import SocialopsError
from socialops.publish import approvals, links, metrics_back, queue
from socialops.store.workspace import Workspace
from socialops.web.actions import publishing as actions
from socialops.web.actions.base import Actor
from socialops.web.auth import Access, WebError, lang_of, services_of
from socialops.web.pages.common import (
    PER_PAGE,
    PageNo,
    Slug,
    form_actor,
    pager,
    to_login,
    url,
    view_access,
)
from socialops.web.pages.publishing import done, pub_page
from socialops.web.responses import error_text

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form(max_length=2000)]
Csrf = Annotated[str, Form(max_length=200)]


def _db(request: Request, access: Access) -> Workspace:
    found: Workspace = services_of(request).workspace(access.workspace)
    return found


def _zone(access: Access) -> ZoneInfo:
    return ZoneInfo(access.user.tz or "Asia/Seoul")


# -- the queue -----------------------------------------------------------------------------------
@router.get("/w/{ws}/publishing", response_class=HTMLResponse)
def queue_page(
    request: Request,
    ws: Slug,
    state: Annotated[str, Query(max_length=20)] = "",
    profile: Annotated[str, Query(max_length=100)] = "",
    view: Annotated[str, Query(pattern="^(list|week)$")] = "list",
    day: Annotated[str, Query(pattern=r"^(\d{4}-\d{2}-\d{2})?$")] = "",
    page: PageNo = 1,
) -> Response:
    access = view_access(request, ws, "view")
    if access is None:
        return to_login()
    db = _db(request, access)
    zone = _zone(access)
    params = {"state": state, "profile": profile, "view": view}
    ctx: dict[str, Any] = {"filters": params, "states": queue.STATES, "view": view}
    try:
        found = actions.find_posts(db, state=state or None, profile=profile or None)
    except SocialopsError as exc:
        found = []
        ctx["error"] = {"message": error_text(exc, lang_of(request))}
    here = f"/w/{ws}/publishing"
    if view == "week":
        start = date.fromisoformat(day) if day else datetime.now(zone).date()
        start -= timedelta(days=start.weekday())
        week: list[dict[str, Any]] = [
            {"day": start + timedelta(days=i), "posts": []} for i in range(7)
        ]
        for p in found:
            local = datetime.fromisoformat(p.due_at).astimezone(zone)
            offset = (local.date() - start).days
            if 0 <= offset < 7:
                week[offset]["posts"].append({"post": p, "time": local.strftime("%H:%M")})
        ctx.update(
            week=week,
            today=datetime.now(zone).date(),
            prev_week=url(here, params, day=str(start - timedelta(days=7))),
            next_week=url(here, params, day=str(start + timedelta(days=7))),
        )
    else:
        ctx["posts"] = found[(page - 1) * PER_PAGE : page * PER_PAGE]
        ctx["paging"] = pager(len(found), page, PER_PAGE, lambda n: url(here, params, page=n))
    ctx["list_url"] = url(here, params, view="list")
    ctx["week_url"] = url(here, params, view="week")
    names = sorted({p.name for p in actions.profiles.list_profiles(db)})
    return pub_page(request, access, "queue.html", "queue", profile_names=names, **ctx)


# -- a post --------------------------------------------------------------------------------------
def _post_page(
    request: Request, access: Access, post_id: str, status: int = 200, **ctx: Any
) -> Response:
    db = _db(request, access)
    post = queue.get_post(db, post_id)  # another workspace's id: 404 (publish.unknown_post)
    return pub_page(
        request,
        access,
        "publish_post.html",
        "queue",
        status,
        post=post,
        attempts=queue.attempts(db, post_id),
        metrics=metrics_back.post_metrics(db, post_id),
        history=approvals.history(db, post.group_id),
        late=actions.lateness(post),
        short_url=links.short_url(post.link_code) if post.link_code else "",
        link=_link(db, post.link_code),
        **ctx,
    )


def _link(db: Workspace, code: str) -> links.ShortLink | None:
    """A post's short link (its target with the UTM tags, and the clicks so far)."""
    if not code:
        return None
    try:
        return links.get_link(db, code)
    except SocialopsError:  # the link is gone: the post still shows
        return None


@router.get("/w/{ws}/publishing/posts/{post_id}", response_class=HTMLResponse)
def post_page(request: Request, ws: Slug, post_id: str) -> Response:
    access = view_access(request, ws, "view")
    if access is None:
        return to_login()
    return _post_page(request, access, post_id)


def _post_change(
    request: Request, ws: str, post_id: str, csrf: str, change: Callable[[Actor], str]
) -> Response:
    """A change to a post from its page (``change`` answers the notice's key): back to the
    post with the notice, or its page with the error (a refused role gets the error page)."""
    actor = form_actor(request, csrf)
    access = actor.access(ws, "view")
    try:
        key = change(actor)
    except SocialopsError as exc:
        err = {"message": error_text(exc, lang_of(request))}
        return _post_page(request, access, post_id, exc.http_status, error=err)
    return done(ws, f"/posts/{post_id}", key)


@router.post("/w/{ws}/publishing/posts/{post_id}/schedule", response_class=HTMLResponse)
def schedule(
    request: Request,
    ws: Slug,
    post_id: str,
    at: Annotated[str, Form(max_length=40)] = "",
    csrf: Csrf = "",
) -> Response:
    def change(actor: Actor) -> str:
        post = actions.schedule(actor, ws, post_id, at or None)
        return "in_review" if post.state == "in_review" else "scheduled"

    return _post_change(request, ws, post_id, csrf, change)


@router.post("/w/{ws}/publishing/posts/{post_id}/publish-now", response_class=HTMLResponse)
def publish_now(request: Request, ws: Slug, post_id: str, csrf: Csrf = "") -> Response:
    def change(actor: Actor) -> str:
        actions.publish_now(actor, ws, post_id)
        return "published_now"

    return _post_change(request, ws, post_id, csrf, change)


@router.post("/w/{ws}/publishing/posts/{post_id}/cancel", response_class=HTMLResponse)
def cancel(request: Request, ws: Slug, post_id: str, csrf: Csrf = "") -> Response:
    def change(actor: Actor) -> str:
        actions.cancel(actor, ws, post_id)
        return "cancelled"

    return _post_change(request, ws, post_id, csrf, change)


# -- manual tasks --------------------------------------------------------------------------------
def _tasks_page(request: Request, access: Access, status: int = 200, **ctx: Any) -> Response:
    db = _db(request, access)
    tasks = [
        {
            "post": p,
            "late": actions.lateness(p),
            "link": links.short_url(p.link_code) if p.link_code else "",
        }
        for p in actions.find_posts(db, state="task")
    ]
    return pub_page(request, access, "tasks.html", "tasks", status, tasks=tasks, **ctx)


@router.get("/w/{ws}/publishing/tasks", response_class=HTMLResponse)
def tasks_page(request: Request, ws: Slug) -> Response:
    access = view_access(request, ws, "view")
    if access is None:
        return to_login()
    return _tasks_page(request, access)


@router.post("/w/{ws}/publishing/tasks/{post_id}/confirm", response_class=HTMLResponse)
def confirm_task(
    request: Request,
    ws: Slug,
    post_id: str,
    link: Annotated[str, Form(alias="url", max_length=2000)] = "",
    csrf: Csrf = "",
) -> Response:
    actor = form_actor(request, csrf)
    access = actor.access(ws, actions.DRAFT)
    try:
        actions.confirm_task(actor, ws, post_id, link)
    except SocialopsError as exc:
        err = {"message": error_text(exc, lang_of(request)), "post_id": post_id, "url": link}
        return _tasks_page(request, access, exc.http_status, error=err)
    return done(ws, "/tasks", "confirmed")


# -- approvals -----------------------------------------------------------------------------------
def _approvals_page(request: Request, access: Access, status: int = 200, **ctx: Any) -> Response:
    db = _db(request, access)
    groups = [
        {"item": item, "history": approvals.history(db, item.group_id)}
        for item in approvals.pending(db)
    ]
    return pub_page(request, access, "approvals.html", "approvals", status, groups=groups, **ctx)


@router.post("/w/{ws}/publishing/notifications/read", response_class=HTMLResponse)
def mark_read(request: Request, ws: Slug, csrf: Csrf = "") -> Response:
    """Every unread notification of the reader, read."""
    actions.mark_read(form_actor(request, csrf), ws)
    return done(ws, "/approvals", "read")


@router.get("/w/{ws}/publishing/approvals", response_class=HTMLResponse)
def approvals_page(request: Request, ws: Slug) -> Response:
    access = view_access(request, ws, "view")
    if access is None:
        return to_login()
    return _approvals_page(request, access)


@router.post("/w/{ws}/publishing/approvals/{group_id}/{decision}", response_class=HTMLResponse)
def decide(
    request: Request,
    ws: Slug,
    group_id: str,
    decision: str,
    comment: Text = "",
    csrf: Csrf = "",
) -> Response:
    """Approve, reject (with a reason) or comment on a group waiting for review."""
    changes: dict[str, tuple[Callable[[Actor], Any], str]] = {
        "approve": (lambda a: actions.approve(a, ws, group_id, comment), "approved"),
        "reject": (lambda a: actions.reject(a, ws, group_id, comment), "rejected"),
        "comment": (lambda a: actions.comment(a, ws, group_id, comment), "commented"),
        "submit": (lambda a: actions.submit(a, ws, group_id), "submitted"),
    }
    if decision not in changes:
        raise WebError(404, "not_found")
    actor = form_actor(request, csrf)
    access = actor.access(ws, "view")
    change, key = changes[decision]
    try:
        change(actor)
    except SocialopsError as exc:
        err = {"message": error_text(exc, lang_of(request)), "group_id": group_id}
        return _approvals_page(request, access, exc.http_status, error=err)
    return done(ws, "/approvals", key)
