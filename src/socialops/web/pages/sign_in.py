"""Sign-in and sign-out, the start page, the language switch of a visitor and the workspace
switcher.

Sign-in: e-mail and password, a login CSRF token (double-submit cookie), at most
:data:`MAX_FAILURES` failures per e-mail and client address in :data:`WINDOW_MIN` minutes
(then 429), a new session cookie (HttpOnly, SameSite=Lax, Secure over HTTPS) and an audit
entry either way. A user with two-factor on gets no session from the password: a ticket sends
them to the code page (:mod:`.sign_in_factors`, which also holds single sign-on and the
password reset)."""

from __future__ import annotations

import hmac
import re
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from socialops import settings
from socialops.i18n import LANGS, t
from socialops.web.accounts import MAIN, User
from socialops.web.auth import COOKIE, LANG_COOKIE, WebError, lang_of, principal
from socialops.web.auth import accounts_of as _accounts
from socialops.web.oidc import sso_configured
from socialops.web.pages.common import LOGIN_CSRF, SLUG_PATTERN
from socialops.web.render import render, secure_cookies

__all__ = ["TICKET", "count_attempt", "finish_sign_in", "router", "safe_next", "second_step"]

router = APIRouter(include_in_schema=False)
MAX_FAILURES = 5  # failed sign-ins for one e-mail from one address in WINDOW_MIN minutes
MAX_FAILURES_EMAIL = 20  # for one e-mail from any address (guesses spread over addresses)
MAX_FAILURES_ADDRESS = 50  # from one address for any e-mail (one password tried on many)
WINDOW_MIN = 15
TICKET = "socialops_sign_in_ticket"  # password right, the two-factor code to come
TICKET_S = 300


def count_attempt(request: Request, email: str) -> tuple[list[int], list[str]]:
    """Count a password check against the e-mail and the client's address before it is made
    (atomically: parallel guesses cannot all get through), else 429: ``(the attempt, the keys
    whose failures a right password forgets)``. The address is the peer's, or the one a proxy
    named in ``--forwarded-allow-ips`` forwards (never a header anyone can send)."""
    accounts = _accounts(request)
    address = request.client.host if request.client else "?"
    email = email.strip().lower()[:320]
    mine, anywhere = f"{email}|{address}", f"email:{email}"
    attempt = accounts.begin_sign_in(
        [
            (mine, MAX_FAILURES),
            (anywhere, MAX_FAILURES_EMAIL),
            (f"address:{address}", MAX_FAILURES_ADDRESS),
        ],
        WINDOW_MIN,
    )
    if attempt is None:
        accounts.audit("auth.throttled", email=email, ip=address)
        raise WebError(429, "throttled", minutes=WINDOW_MIN)
    return attempt, [mine, anywhere]


def safe_next(target: str) -> str | None:
    """A same-site path to go back to (never another host: no ``//``, backslash or control
    character; browsers drop a tab, so a slash, a tab and a slash would read as ``//``)."""
    plain = target.isprintable()
    if target.startswith("/") and not target.startswith("//") and "\\" not in target and plain:
        return target
    return None


@router.get("/login", response_class=HTMLResponse)
def login_form(
    request: Request,
    signed_out: str | None = None,
    next_page: Annotated[str, Query(alias="next", max_length=2000)] = "",
    email: Annotated[str, Query(max_length=320)] = "",
) -> Response:
    """The sign-in form; ``next`` (a path on this site, e.g. an invitation link) is where a
    successful sign-in goes, ``email`` fills the e-mail field."""
    token = secrets.token_urlsafe(24)
    resp = render(
        request,
        "login.html",
        login_csrf=token,
        error=None,
        signed_out=bool(signed_out),
        next_page=safe_next(next_page) or "",
        email=email,
        sso=sso_configured(),
        reset=bool(settings.get("smtp_host").strip()),
        notice=request.query_params.get("ok"),
    )
    resp.set_cookie(
        LOGIN_CSRF, token, httponly=True, samesite="strict", secure=secure_cookies(request)
    )
    return resp


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    email: str = Form("", max_length=320),
    password: str = Form("", max_length=1024),
    csrf: str = Form("", max_length=200),
    next_page: str = Form("", alias="next", max_length=2000),
) -> Response:
    accounts = _accounts(request)
    lang = lang_of(request)
    cookie = request.cookies.get(LOGIN_CSRF, "")
    if not cookie or not hmac.compare_digest(cookie.encode(), csrf.encode()):
        raise WebError(403, "csrf")
    ip = request.client.host if request.client else "?"
    attempt, forget = count_attempt(request, email)
    user = accounts.check_credentials(email, password)
    if user is None:
        accounts.audit("auth.sign_in_failed", email=email.strip().lower()[:320], ip=ip)
        token = secrets.token_urlsafe(24)
        resp = render(
            request,
            "login.html",
            status=401,
            login_csrf=token,
            error=t("error.bad_credentials", lang),
            email=email,
            next_page=safe_next(next_page) or "",
            sso=sso_configured(),
            reset=bool(settings.get("smtp_host").strip()),
        )
        resp.set_cookie(
            LOGIN_CSRF, token, httponly=True, samesite="strict", secure=secure_cookies(request)
        )
        return resp
    accounts.sign_in_succeeded(attempt, forget)
    if accounts.two_factor_enabled(user.id):  # the code is the second step (sign_in_factors)
        return second_step(request, user.id, safe_next(next_page) or "", "password")
    accounts.audit("auth.sign_in", user=user, ip=ip)
    return finish_sign_in(request, user, safe_next(next_page) or "")


def second_step(request: Request, user_id: int, next_page: str, via: str) -> Response:
    """On to the code page: a ticket (cookie :data:`TICKET`, its own CSRF token) that only the
    code turns into a session."""
    ticket = _accounts(request).start_ticket(user_id, next_page, via)
    resp = RedirectResponse("/login/code", status_code=303)
    resp.set_cookie(
        TICKET,
        ticket,
        httponly=True,
        samesite="lax",
        secure=secure_cookies(request),
        max_age=TICKET_S,
        path="/login",
    )
    resp.delete_cookie(LOGIN_CSRF)
    return resp


def finish_sign_in(request: Request, user: User, next_page: str) -> Response:
    """A new session for ``user`` (every check passed): its cookie, and on to ``next_page``,
    else the user's first workspace, else the account page."""
    accounts = _accounts(request)
    token, _ = accounts.start_session(user.id, float(settings.get("session_hours")))
    workspaces = accounts.workspaces_of(user.id)
    target = f"/w/{workspaces[0]['slug']}" if workspaces else "/account"
    done = RedirectResponse(safe_next(next_page) or target, status_code=303)
    done.set_cookie(
        COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=secure_cookies(request),
        max_age=int(float(settings.get("session_hours")) * 3600),
    )
    done.delete_cookie(LOGIN_CSRF)
    done.delete_cookie(TICKET, path="/login")
    return done


@router.post("/logout")
def logout(request: Request, csrf: str = Form("", max_length=200)) -> Response:
    p = principal(request)
    if p is not None and p.session is not None:
        if not hmac.compare_digest(csrf.encode(), p.session.csrf.encode()):
            raise WebError(403, "csrf")
        _accounts(request).end_session(request.cookies.get(COOKIE, ""))
        _accounts(request).audit(
            "auth.sign_out", user=p.user, ip=request.client.host if request.client else None
        )
    resp = RedirectResponse("/login?signed_out=1", status_code=303)
    resp.delete_cookie(COOKIE)
    return resp


@router.get("/")
def home(request: Request) -> Response:
    p = principal(request)
    if p is None:
        return RedirectResponse("/login", status_code=303)
    workspaces = _accounts(request).workspaces_of(p.user.id)
    if not workspaces:
        return RedirectResponse("/account", status_code=303)
    slug = MAIN if any(w["slug"] == MAIN for w in workspaces) else workspaces[0]["slug"]
    return RedirectResponse(f"/w/{slug}", status_code=303)


@router.get("/lang/{code}")
def switch_language(request: Request, code: str) -> Response:
    """Switch the UI language for a visitor who is not signed in (a signed-in user changes it
    in their account, which is kept with the user)."""
    if code not in LANGS:
        raise WebError(404, "not_found")
    target = "/account" if principal(request) is not None else "/login"
    resp = RedirectResponse(target, status_code=303)
    resp.set_cookie(LANG_COOKIE, code, samesite="lax", secure=secure_cookies(request))
    return resp


@router.get("/switch")
def switch_workspace(request: Request, ws: str = Query("", max_length=40)) -> Response:
    """The workspace switcher's target (a GET form): on to that workspace's dashboard."""
    if not re.match(SLUG_PATTERN, ws):
        raise WebError(404, "not_found")
    return RedirectResponse(f"/w/{ws}", status_code=303)
