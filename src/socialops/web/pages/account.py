"""The signed-in user's own account (``/account``): language and time zone, password,
personal API tokens, signing out everywhere, and their latest sign-ins and account changes."""

from __future__ import annotations

import functools
from typing import Annotated, Any
from zoneinfo import available_timezones

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from socialops.errors import AccountError, PasswordError
from socialops.i18n import LANGS, t
from socialops.web.accounts import MAIN
from socialops.web.actions import accounts as actions
from socialops.web.auth import COOKIE, Principal, lang_of, principal
from socialops.web.auth import accounts_of as _accounts
from socialops.web.pages.common import NOTICES, form_actor, to_login
from socialops.web.pages.sign_in import count_attempt, safe_next
from socialops.web.permissions import ACTIONS, allowed
from socialops.web.render import render
from socialops.web.responses import error_text

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
ACTIVITY_SHOWN = 20  # the account page's latest sign-ins and account changes


@functools.cache
def _zones() -> tuple[str, ...]:
    skip = ("Etc/", "SystemV/", "posix", "right/", "US/", "Canada/", "Brazil/", "Mexico/")
    names = {z for z in available_timezones() if "/" in z and not z.startswith(skip)}
    return tuple(sorted(names | {"UTC"}))


def _account_page(request: Request, p: Principal, status: int = 200, **ctx: Any) -> Response:
    accounts = _accounts(request)
    ok = request.query_params.get("ok") if request.method == "GET" else None
    ctx.setdefault("error", None)
    ctx.setdefault("new_token", None)
    if request.method != "GET":
        ctx["here"] = "/account"
    zones = list(_zones())
    if p.user.tz not in zones:
        zones.insert(0, p.user.tz)
    workspaces = accounts.workspaces_of(p.user.id)
    if workspaces:  # the nav bar of the user's first workspace (main when a member)
        first = next((w for w in workspaces if w["slug"] == MAIN), workspaces[0])
        ctx.setdefault("ws", first["slug"])
        ctx.setdefault("can", {a: allowed(first["role"], a) for a in ACTIONS})
    return render(
        request,
        "account.html",
        status=status,
        workspaces=workspaces,
        tokens=accounts.tokens(p.user.id),
        activity=accounts.account_activity(p.user.id, limit=ACTIVITY_SHOWN)[1],
        activity_shown=ACTIVITY_SHOWN,
        zones=zones,
        langs=LANGS,
        notice=ok if ok in NOTICES else None,
        active="account",
        **ctx,
    )


@router.get("/account", response_class=HTMLResponse)
def account_page(request: Request) -> Response:
    p = principal(request)
    if p is None:
        return to_login()
    return _account_page(request, p)


@router.post("/account/preferences", response_class=HTMLResponse)
def set_preferences(
    request: Request,
    lang: Annotated[str, Form(max_length=4)] = "",
    tz: Annotated[str, Form(max_length=64)] = "",
    next_page: Annotated[str, Form(alias="next", max_length=2000)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    actor = form_actor(request, csrf)
    try:
        actions.set_preferences(actor, lang=lang, tz=tz)
    except AccountError as exc:
        msg = error_text(exc, lang_of(request))
        return _account_page(request, actor.principal, 400, error=msg)
    target = safe_next(next_page) or "/account?ok=prefs_saved"
    return RedirectResponse(target, status_code=303)


@router.post("/account/password", response_class=HTMLResponse)
def change_password(
    request: Request,
    current: Annotated[str, Form(max_length=1024)] = "",
    new: Annotated[str, Form(max_length=1024)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """A new password: the current one is asked again (throttled as sign-ins are); other
    sessions end, this one stays; every API token is revoked."""
    actor = form_actor(request, csrf)
    p = actor.principal
    accounts = actor.accounts
    lang = lang_of(request)
    attempt, forget = count_attempt(request, p.user.email)
    if accounts.check_credentials(p.user.email, current) is None:
        actor.audit_own("user.password_failed")
        return _account_page(request, p, 400, error=t("account.password_wrong", lang))
    accounts.sign_in_succeeded(attempt, forget)
    try:
        actions.change_password(actor, new, keep_session=request.cookies.get(COOKIE, ""))
    except PasswordError as exc:
        return _account_page(request, p, 400, error=exc.text(lang))
    except AccountError as exc:
        return _account_page(request, p, 400, error=error_text(exc, lang))
    return RedirectResponse("/account?ok=password_changed", status_code=303)


@router.post("/account/tokens", response_class=HTMLResponse)
def create_token(
    request: Request,
    name: Annotated[str, Form(max_length=100)] = "api",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    actor = form_actor(request, csrf)
    token, _ = actions.create_token(actor, name or "api")
    return _account_page(request, actor.principal, new_token=token)


@router.post("/account/tokens/revoke", response_class=HTMLResponse)
def revoke_token(
    request: Request,
    token_id: Annotated[int, Form(ge=1)],
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    actions.revoke_token(form_actor(request, csrf), token_id)
    return RedirectResponse("/account?ok=token_revoked", status_code=303)


@router.post("/account/sign-out-everywhere")
def sign_out_everywhere(
    request: Request,
    csrf: Annotated[str, Form(max_length=200)] = "",
    tokens: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """End every session of the user; with ``tokens=revoke`` (the second button) revoke every
    API token too."""
    actions.sign_out_everywhere(form_actor(request, csrf), revoke_tokens=tokens == "revoke")
    resp = RedirectResponse("/login?signed_out=1", status_code=303)
    resp.delete_cookie(COOKIE)
    return resp
