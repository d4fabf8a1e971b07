"""The pages of connecting a profile through the platform's consent page: the profiles page's
form posts here and is sent on to the platform; the platform sends the person back to
``/oauth/callback`` (one address for the whole server: the request's ``state`` names the
workspace), which connects the profile and goes back to the profiles page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from socialops.errors import SocialopsError
from socialops.web.actions import oauth_connect as actions
from socialops.web.actions import publishing
from socialops.web.actions.base import actor_of
from socialops.web.auth import WebError, lang_of, principal
from socialops.web.pages.common import Slug, form_actor, to_login
from socialops.web.render import error_page
from socialops.web.responses import error_text

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def _settings(lines: str, *, secret: bool = False) -> dict[str, str]:
    """``KEY=VALUE`` lines of the form (a line without ``=`` is refused, never guessed; a
    secret line is named by its number, never shown)."""
    out: dict[str, str] = {}
    for n, line in enumerate(lines.splitlines(), 1):
        if not line.strip():
            continue
        key, sep, value = line.partition("=")
        if not sep or not key.strip():
            raise WebError(400, "invalid", detail=f"#{n}" if secret else line.strip()[:40])
        out[key.strip()] = value.strip()
    return out


def _refused(request: Request, exc: SocialopsError | WebError) -> Response:
    """The error page for a request that could not be carried out, in the reader's language."""
    lang = lang_of(request)
    if isinstance(exc, WebError):
        return error_page(request, exc.status, exc.message(lang))
    return error_page(request, exc.http_status, error_text(exc, lang))


@router.post("/w/{ws}/publishing/profiles/oauth")
def begin(
    request: Request,
    ws: Slug,
    platform: Annotated[str, Form(max_length=20)] = "",
    name: Annotated[str, Form(max_length=100)] = "",
    settings: Annotated[str, Form(max_length=2000)] = "",
    zone: Annotated[str, Form(max_length=64)] = "Asia/Seoul",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    actor = form_actor(request, csrf)
    actor.access(ws, "profiles.manage")  # who may, before anything sent is read
    try:
        url = actions.begin(
            actor, ws, platform=platform, name=name, settings=_settings(settings), zone=zone
        )
    except (SocialopsError, WebError) as exc:
        return _refused(request, exc)
    return RedirectResponse(url, status_code=303)


@router.post("/w/{ws}/publishing/profiles/tokens")
def connect_with_tokens(
    request: Request,
    ws: Slug,
    platform: Annotated[str, Form(max_length=20)] = "",
    name: Annotated[str, Form(max_length=100)] = "",
    settings: Annotated[str, Form(max_length=2000)] = "",
    secrets: Annotated[str, Form(max_length=8000)] = "",
    zone: Annotated[str, Form(max_length=64)] = "Asia/Seoul",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """A profile of an OAuth platform connected with tokens made elsewhere (Meta's Page and
    long-lived tokens, or any platform's): checked with the platform, stored encrypted."""
    actor = form_actor(request, csrf)
    actor.access(ws, "profiles.manage")  # who may, before anything sent is read
    try:
        publishing.connect_profile(
            actor,
            ws,
            name=name,
            platform=platform,
            settings=_settings(settings),
            secrets=_settings(secrets, secret=True),
            zone=zone.strip() or "Asia/Seoul",
        )
    except (SocialopsError, WebError) as exc:
        return _refused(request, exc)
    return RedirectResponse(f"/w/{ws}/publishing/profiles?done=connected", status_code=303)


@router.get(actions.CALLBACK)
def callback(
    request: Request,
    state: Annotated[str, Query(max_length=300)] = "",
    code: Annotated[str, Query(max_length=2000)] = "",
    error: Annotated[str, Query(max_length=300)] = "",
) -> Response:
    p = principal(request)
    if p is None:
        return to_login()
    try:
        ws, _profile = actions.complete(actor_of(request, p), state=state, code=code, error=error)
    except SocialopsError as exc:
        return _refused(request, exc)
    return RedirectResponse(f"/w/{ws}/publishing/profiles?done=connected", status_code=303)
