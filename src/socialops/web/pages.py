"""The pages of the web workspace (server-rendered Jinja2, every value autoescaped; no inline
scripts or styles: the CSP forbids them), sign-in and sign-out.

Sign-in: e-mail and password, a login CSRF token (double-submit cookie), at most
:data:`MAX_FAILURES` failures per e-mail and client address in :data:`WINDOW_MIN` minutes
(then 429), a new session cookie (HttpOnly, SameSite=Lax, Secure over HTTPS) and an audit
entry either way.
"""

from __future__ import annotations

import hmac
import secrets
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, select_autoescape

from socialops import settings
from socialops.web.accounts import MAIN, Accounts
from socialops.web.auth import COOKIE, LANG_COOKIE, WebError, lang_of, principal
from socialops.web.i18n import LANGS, fmt_number, fmt_time, t

__all__ = ["error_page", "mount_static", "render", "router"]

router = APIRouter(include_in_schema=False)
LOGIN_CSRF = "socialops_login_csrf"
MAX_FAILURES = 5
WINDOW_MIN = 15
_env = Environment(
    loader=PackageLoader("socialops.web", "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def mount_static(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")


def render(request: Request, template: str, status: int = 200, **ctx: Any) -> HTMLResponse:
    lang = lang_of(request)
    p = principal(request)
    tz = p.user.tz if p else settings.default_timezone().key

    def tr(key: str, **params: Any) -> str:
        return t(key, lang, **params)

    body = _env.get_template(template).render(
        t=tr,
        lang=lang,
        user=p.user if p else None,
        csrf=p.session.csrf if p and p.session else "",
        num=lambda v, d=0: fmt_number(v, lang, d),
        when=lambda v: fmt_time(v, tz, lang),
        **ctx,
    )
    return HTMLResponse(body, status_code=status)


def error_page(request: Request, status: int, message: str) -> Response:
    return render(request, "error.html", status=status, status_code=status, message=message)


def _accounts(request: Request) -> Accounts:
    a: Accounts = request.app.state.accounts
    return a


def _secure(request: Request) -> bool:
    mode = settings.get("cookie_secure").lower()
    if mode in ("1", "true", "yes"):
        return True
    if mode in ("0", "false", "no"):
        return False
    return request.url.scheme == "https"


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, error: str | None = None) -> Response:
    token = secrets.token_urlsafe(24)
    resp = render(request, "login.html", login_csrf=token, error=None)
    resp.set_cookie(LOGIN_CSRF, token, httponly=True, samesite="strict", secure=_secure(request))
    return resp


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    email: str = Form("", max_length=320),
    password: str = Form("", max_length=1024),
    csrf: str = Form("", max_length=200),
) -> Response:
    accounts = _accounts(request)
    lang = lang_of(request)
    cookie = request.cookies.get(LOGIN_CSRF, "")
    if not cookie or not hmac.compare_digest(cookie.encode(), csrf.encode()):
        raise WebError(403, "csrf")
    ip = request.client.host if request.client else "?"
    key = f"{email.strip().lower()}|{ip}"
    if accounts.recent_failures(key, WINDOW_MIN) >= MAX_FAILURES:
        accounts.audit("auth.throttled", email=email.strip().lower()[:320], ip=ip)
        raise WebError(429, "throttled", minutes=WINDOW_MIN)
    user = accounts.check_credentials(email, password)
    if user is None:
        accounts.note_failure(key)
        accounts.audit("auth.sign_in_failed", email=email.strip().lower()[:320], ip=ip)
        token = secrets.token_urlsafe(24)
        resp = render(
            request,
            "login.html",
            status=401,
            login_csrf=token,
            error=t("error.bad_credentials", lang),
            email=email,
        )
        resp.set_cookie(
            LOGIN_CSRF, token, httponly=True, samesite="strict", secure=_secure(request)
        )
        return resp
    accounts.clear_failures(key)
    token, _ = accounts.start_session(user.id, float(settings.get("session_hours")))
    accounts.audit("auth.sign_in", user=user, ip=ip)
    workspaces = accounts.workspaces_of(user.id)
    target = f"/w/{workspaces[0]['slug']}" if workspaces else "/account"
    done = RedirectResponse(target, status_code=303)
    done.set_cookie(
        COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        max_age=int(float(settings.get("session_hours")) * 3600),
    )
    done.delete_cookie(LOGIN_CSRF)
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
    slug = workspaces[0]["slug"] if workspaces else MAIN
    return RedirectResponse(f"/w/{slug}", status_code=303)


@router.get("/lang/{code}")
def switch_language(request: Request, code: str) -> Response:
    """Switch the UI language for a visitor who is not signed in (a signed-in user changes it
    in their account, which is kept with the user)."""
    if code not in LANGS:
        raise WebError(404, "not_found")
    resp = RedirectResponse("/login", status_code=303)
    resp.set_cookie(LANG_COOKIE, code, samesite="lax", secure=_secure(request))
    return resp
