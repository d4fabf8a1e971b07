"""What every page module shares: the access checks of a page and of a form, the workspace
page frame (nav bar, switcher, notices), post/redirect/get, paging and the error shapes of a
query typed in a form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Path as PathParam
from fastapi import Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup

from socialops.connectors.profiles import paused_all
from socialops.errors import QueryError, SocialopsError
from socialops.i18n import t
from socialops.store.sample_progress import SampleProgress, read_progress
from socialops.web.actions.base import Actor, actor_of
from socialops.web.auth import (
    Access,
    Principal,
    WebError,
    check_csrf,
    principal,
    require,
    services_of,
)
from socialops.web.auth import accounts_of as _accounts
from socialops.web.permissions import ACTIONS, allowed
from socialops.web.render import render
from socialops.web.responses import error_text

__all__ = [
    "LOGIN_CSRF",
    "NOTICES",
    "PER_PAGE",
    "SLUG_PATTERN",
    "PageNo",
    "Slug",
    "back",
    "error_of",
    "form_access",
    "form_actor",
    "form_user",
    "pager",
    "svg",
    "to_login",
    "url",
    "view_access",
    "workspace_page",
]

LOGIN_CSRF = "socialops_login_csrf"
PER_PAGE = 20
SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,39}$"
Slug = Annotated[str, PathParam(pattern=SLUG_PATTERN)]
PageNo = Annotated[int, Query(ge=1, le=1_000_000)]
SECTIONS = {  # the page of each nav item
    "dashboard": "/w/{ws}",
    "plans": "/w/{ws}/plans",
    "publishing": "/w/{ws}/publishing",
    "inbox": "/w/{ws}/inbox",
    "posts": "/w/{ws}/posts",
    "topics": "/w/{ws}/topics",
    "data": "/w/{ws}/data",
    "reports": "/w/{ws}/reports",
    "measure": "/w/{ws}/measure",
    "segments": "/w/{ws}/segments",
    "members": "/w/{ws}/members",
    "audit": "/w/{ws}/audit",
    "settings": "/w/{ws}/settings",
}
NOTICES = frozenset(
    {
        "topic_added",
        "topic_edited",
        "topic_removed",
        "member_added",
        "member_changed",
        "member_removed",
        "report_made",
        "prefs_saved",
        "token_revoked",
        "settings_saved",
        "password_changed",
        "invitation_revoked",
        "invitation_accepted",
    }
)


# -- access ----------------------------------------------------------------------------------------
def view_access(request: Request, ws: str, action: str) -> Access | None:
    """The reader of a page (``None``: not signed in, send them to sign in)."""
    if principal(request) is None:
        return None
    return require(request, ws, action)


def form_user(request: Request, csrf: str) -> Principal:
    """The sender of a form: signed in, with the session's CSRF token."""
    p = principal(request)
    if p is None:
        raise WebError(401, "unauthenticated")
    check_csrf(request, p, csrf or None)
    return p


def form_actor(request: Request, csrf: str) -> Actor:
    """The sender of a form as the actor of the change it asks for."""
    return actor_of(request, form_user(request, csrf))


def form_access(request: Request, ws: str, action: str, csrf: str) -> Access:
    """The sender of a form: signed in, the form's CSRF token, a member allowed ``action``."""
    return form_actor(request, csrf).access(ws, action)


def to_login() -> Response:
    return RedirectResponse("/login", status_code=303)


# -- the page frame --------------------------------------------------------------------------------
def workspace_page(
    request: Request,
    access: Access,
    template: str,
    active: str,
    status: int = 200,
    **ctx: Any,
) -> HTMLResponse:
    """A workspace page: the nav bar (only what the role may use), the switcher, ``ctx``."""
    accounts = _accounts(request)
    ok = request.query_params.get("ok") if request.method == "GET" else None
    # "pause all" (a crisis) is a red banner on every page of the workspace while it is on
    ctx.setdefault(
        "pub_banner", {"paused_all": paused_all(services_of(request).workspace(access.workspace))}
    )
    if request.method != "GET":  # after a form: the language switch comes back to the page
        ctx["here"] = SECTIONS.get(active, "/w/{ws}").format(ws=access.workspace)
    return render(
        request,
        template,
        status=status,
        ws=access.workspace,
        ws_name=accounts.workspace_name(access.workspace) or access.workspace,
        role=access.role,
        workspaces=accounts.workspaces_of(access.user.id),
        can={a: allowed(access.role, a) for a in ACTIONS},
        active=active,
        notice=ok if ok in NOTICES else None,
        sample_banner=_sample_banner(request, access.workspace),
        **ctx,
    )


def _sample_banner(request: Request, ws: str) -> SampleProgress | None:
    """The sample data still being prepared (or stopped, or failed) in ``ws``: every page says
    so, and that the numbers are a sample for now."""
    progress = read_progress(services_of(request).workspace(ws).root)
    return None if progress is None or progress.finished else progress


def back(ws: str, page: str, ok: str, **params: Any) -> Response:
    """Post/redirect/get: back to the workspace's ``page`` with the notice ``ok``."""
    query = urlencode({"ok": ok, **params})
    return RedirectResponse(f"/w/{ws}/{page}?{query}".replace("/?", "?"), status_code=303)


def url(path: str, params: dict[str, Any], **changes: Any) -> str:
    """``path`` with ``params`` (and ``changes``) as its query, empty values left out."""
    merged = {**params, **changes}
    kept = {k: v for k, v in merged.items() if v not in (None, "")}
    return path + ("?" + urlencode(kept) if kept else "")


def pager(total: int, page: int, per_page: int, url: Callable[[int], str]) -> dict[str, Any]:
    pages = max(1, -(-total // per_page))
    return {
        "total": total,
        "page": page,
        "pages": pages,
        "prev": url(page - 1) if page > 1 else None,
        "next": url(page + 1) if page < pages else None,
    }


def svg(chart: str) -> Markup | None:
    """A chart from socialops.listen.charts (every label in it is escaped there)."""
    return Markup(chart) if chart else None  # the chart module escapes every text


# -- errors in forms -------------------------------------------------------------------------------
def _query_error(exc: QueryError, query: str, lang: str) -> dict[str, Any]:
    """The parser's message in the user's language, and the query split at the position."""
    if exc.position is None or "why_ko" not in exc.params:
        return {"message": error_text(exc, lang)}
    pos = max(1, min(exc.position, len(query) + 1))
    why = exc.params["why_en" if lang == "en" else "why_ko"]
    return {
        "message": t("query.error", lang, pos=pos, detail=why),
        "before": query[: pos - 1],
        "after": query[pos - 1 :],
    }


def error_of(exc: SocialopsError, query: str, lang: str, key: str) -> dict[str, Any]:
    """A form's error: a query's with its position, else the message ``key`` with the detail."""
    if isinstance(exc, QueryError):
        return _query_error(exc, query, lang)
    return {"message": error_text(exc, lang, key)}
