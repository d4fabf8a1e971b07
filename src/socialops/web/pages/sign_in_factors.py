"""The sign-in beyond a password: the two-factor code step (``/login/code``), single sign-on
with OpenID Connect (``/login/sso`` and its callback) and the password reset by e-mail
(``/login/forgot``, ``/login/reset``).

- The code step takes the ticket cookie the password (or the provider) left
  (:func:`~.sign_in.second_step`), checks its own CSRF token, counts every try against the user
  (:data:`MAX_CODE_TRIES` in :data:`~.sign_in.WINDOW_MIN` minutes, then 429) and the address,
  and only a good code (TOTP, or a recovery code once) makes the session.
- Single sign-on: ``state`` (kept hashed, single use, and bound to this browser by a cookie),
  ``nonce`` and the PKCE verifier are made here; :mod:`socialops.web.oidc` checks the answer.
- Reset: the same answer whether the e-mail has an account or not (the e-mail goes out after
  the answer), at most :data:`RESETS_PER_EMAIL` mails an hour to one address and
  :data:`RESETS_PER_ADDRESS` requests an hour from one client; the link is good once for
  ``reset_minutes``; using it ends every session and revokes every API token of the user.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.background import BackgroundTask

from socialops import settings
from socialops.errors import PasswordError
from socialops.i18n import t
from socialops.store.mail import MailError, send_mail
from socialops.web import oidc
from socialops.web.auth import WebError, client_ip, lang_of
from socialops.web.auth import accounts_of as _accounts
from socialops.web.pages.common import LOGIN_CSRF
from socialops.web.pages.sign_in import (
    MAX_FAILURES_ADDRESS,
    TICKET,
    WINDOW_MIN,
    finish_sign_in,
    safe_next,
    second_step,
)
from socialops.web.render import render, secure_cookies

__all__ = ["router"]

log = logging.getLogger("socialops.web")
router = APIRouter(include_in_schema=False)
MAX_CODE_TRIES = 5  # wrong codes for one user in WINDOW_MIN minutes
RESETS_PER_EMAIL = 3  # reset e-mails to one address an hour
RESETS_PER_ADDRESS = 10  # reset requests from one client address an hour
SSO_STATE = "socialops_sso_state"


def _login_csrf(resp: Response, request: Request, token: str) -> Response:
    resp.set_cookie(
        LOGIN_CSRF, token, httponly=True, samesite="strict", secure=secure_cookies(request)
    )
    return resp


def _check_login_csrf(request: Request, csrf: str) -> None:
    cookie = request.cookies.get(LOGIN_CSRF, "")
    if not cookie or not hmac.compare_digest(cookie.encode(), csrf.encode()):
        raise WebError(403, "csrf")


def _base_url(request: Request) -> str:
    """Where people reach this server: setting ``public_url``, else the request's own."""
    return (settings.get("public_url").strip() or str(request.base_url)).rstrip("/")


# -- the code step ---------------------------------------------------------------------------
def _code_page(
    request: Request, csrf: str, status: int = 200, error: str | None = None
) -> Response:
    return render(request, "login_code.html", status=status, code_csrf=csrf, error=error)


@router.get("/login/code", response_class=HTMLResponse)
def code_form(request: Request) -> Response:
    ticket = _accounts(request).ticket(request.cookies.get(TICKET, ""))
    if ticket is None:
        return RedirectResponse("/login", status_code=303)
    return _code_page(request, ticket.csrf)


@router.post("/login/code", response_class=HTMLResponse)
def code_submit(
    request: Request,
    code: Annotated[str, Form(max_length=40)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    accounts = _accounts(request)
    token = request.cookies.get(TICKET, "")
    ticket = accounts.ticket(token)
    if ticket is None:
        raise WebError(401, "sign_in_again")
    if not hmac.compare_digest(csrf.encode(), ticket.csrf.encode()):
        raise WebError(403, "csrf")
    ip = client_ip(request) or "?"
    user = accounts.user(ticket.user_id)
    if user is None:
        raise WebError(401, "sign_in_again")
    key = f"2fa:{user.id}"
    attempt = accounts.begin_sign_in(
        [(key, MAX_CODE_TRIES), (f"address:{ip}", MAX_FAILURES_ADDRESS)], WINDOW_MIN
    )
    if attempt is None:
        accounts.audit("auth.code_throttled", user=user, ip=ip)
        raise WebError(429, "throttled", minutes=WINDOW_MIN)
    kind = accounts.check_second_factor(user.id, code)
    if kind is None:
        accounts.audit("auth.code_failed", user=user, ip=ip)
        lang = lang_of(request)
        return _code_page(request, ticket.csrf, 401, t("signin.code_wrong", lang))
    accounts.sign_in_succeeded(attempt, [key])
    accounts.end_ticket(token)
    if kind == "recovery":
        left = accounts.recovery_codes_left(user.id)
        accounts.audit("auth.recovery_code_used", user=user, ip=ip, detail={"codes_left": left})
    action = "auth.sso_sign_in" if ticket.via == "sso" else "auth.sign_in"
    accounts.audit(action, user=user, ip=ip, detail={"second_factor": kind})
    return finish_sign_in(request, user, ticket.next)


# -- single sign-on --------------------------------------------------------------------------
def _sso_refused(request: Request, exc: oidc.OidcError) -> Response:
    lang = lang_of(request)
    _accounts(request).audit(
        "auth.sso_failed",
        email=str(exc.params.get("email") or "") or None,
        ip=client_ip(request),
        detail={"sso_refusal": exc.reason},
    )
    token = secrets.token_urlsafe(24)
    status = 403 if exc.reason in ("domain", "unverified", "no_account") else 400
    resp = render(
        request,
        "login.html",
        status=status,
        login_csrf=token,
        error=t(f"signin.sso_{exc.reason}", lang, **exc.params),
        email="",
        next_page="",
        sso=oidc.sso_configured(),
        reset=bool(settings.get("smtp_host").strip()),
    )
    resp.delete_cookie(SSO_STATE, path="/login")
    return _login_csrf(resp, request, token)


@router.get("/login/sso")
def sso_start(
    request: Request,
    next_page: Annotated[str, Query(alias="next", max_length=2000)] = "",
) -> Response:
    """Off to the provider's sign-in page."""
    try:
        cfg = oidc.config()
        if cfg is None:
            raise WebError(404, "not_found")
        verifier, challenge = oidc.pkce_pair()
        nonce = secrets.token_urlsafe(24)
        state = _accounts(request).start_oidc(nonce, verifier, safe_next(next_page) or "")
        url = oidc.authorize_url(
            cfg,
            state=state,
            nonce=nonce,
            challenge=challenge,
            redirect_uri=f"{_base_url(request)}/login/sso/callback",
        )
    except oidc.OidcError as exc:
        return _sso_refused(request, exc)
    resp = RedirectResponse(url, status_code=303)
    resp.set_cookie(  # Lax: sent on the provider's top-level redirect back
        SSO_STATE,
        state,
        httponly=True,
        samesite="lax",
        secure=secure_cookies(request),
        max_age=600,
        path="/login",
    )
    return resp


@router.get("/login/sso/callback")
def sso_callback(
    request: Request,
    state: Annotated[str, Query(max_length=200)] = "",
    code: Annotated[str, Query(max_length=2000)] = "",
    error: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    accounts = _accounts(request)
    try:
        cfg = oidc.config()
        if cfg is None:
            raise WebError(404, "not_found")
        cookie = request.cookies.get(SSO_STATE, "")
        login = accounts.take_oidc(state)
        if login is None or not cookie or not hmac.compare_digest(cookie.encode(), state.encode()):
            raise oidc.OidcError("state")
        if error or not code:
            raise oidc.OidcError("denied")
        redirect_uri = f"{_base_url(request)}/login/sso/callback"
        id_token = oidc.exchange(cfg, code=code, verifier=login.verifier, redirect_uri=redirect_uri)
        claims = oidc.validate(cfg, id_token, nonce=login.nonce)
        found = accounts.sso_user(
            claims.issuer,
            claims.subject,
            claims.email,
            claims.name,
            create=cfg.auto_create,
            lang=lang_of(request),
        )
        if found is None:
            raise oidc.OidcError("no_account", email=claims.email)
    except oidc.OidcError as exc:
        return _sso_refused(request, exc)
    user, how = found
    ip = client_ip(request)
    if accounts.two_factor_enabled(user.id):
        resp = second_step(request, user.id, login.next, "sso")
    else:
        accounts.audit("auth.sso_sign_in", user=user, ip=ip, detail={"sso_link": how})
        resp = finish_sign_in(request, user, login.next)
    resp.delete_cookie(SSO_STATE, path="/login")
    return resp


# -- password reset --------------------------------------------------------------------------
def _mail_settings() -> dict[str, object] | None:
    host = settings.get("smtp_host").strip()
    if not host:
        return None
    return {
        "host": host,
        "port": settings.get("smtp_port"),
        "from": settings.get("smtp_from").strip(),
        "user": settings.get("smtp_user").strip(),
        "starttls": settings.get("smtp_starttls").strip().lower() in ("1", "true", "yes"),
    }


@router.get("/login/forgot", response_class=HTMLResponse)
def forgot_form(request: Request) -> Response:
    token = secrets.token_urlsafe(24)
    page = render(request, "forgot.html", login_csrf=token, sent=False, error=None, ready=_ready())
    return _login_csrf(page, request, token)


def _ready() -> bool:
    return _mail_settings() is not None


@router.post("/login/forgot", response_class=HTMLResponse)
def forgot(
    request: Request,
    email: Annotated[str, Form(max_length=320)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Send a reset link when the e-mail has an account; the same answer either way."""
    _check_login_csrf(request, csrf)
    accounts = _accounts(request)
    cfg = _mail_settings()
    if cfg is None:
        raise WebError(404, "not_found")
    ip = client_ip(request) or "?"
    email = email.strip().lower()[:320]
    if accounts.begin_sign_in([(f"reset-address:{ip}", RESETS_PER_ADDRESS)], 60) is None:
        raise WebError(429, "throttled", minutes=60)
    task = None
    # over the e-mail's limit: the same answer, no more mail (no mailbox flooded)
    if accounts.begin_sign_in([(f"reset:{email}", RESETS_PER_EMAIL)], 60) is not None:
        user = accounts.user_by_email(email)
        if user is not None:
            token = accounts.create_reset(user.id, int(settings.get("reset_minutes")))
            link = f"{_base_url(request)}/login/reset?token={token}"
            accounts.audit("auth.password_reset_sent", user=user, ip=ip)
            task = BackgroundTask(_send_reset, cfg, user.email, user.lang, link)
    page = render(request, "forgot.html", login_csrf=csrf, sent=True, error=None, ready=True)
    page.background = task
    return page


def _send_reset(cfg: dict[str, object], to: str, lang: str, link: str) -> None:
    minutes = int(settings.get("reset_minutes"))
    subject = t("signin.reset_mail_subject", lang)
    body = t("signin.reset_mail_body", lang, link=link, minutes=minutes)
    try:
        send_mail(cfg, to, subject, body)
    except MailError as exc:  # the link itself is never logged
        log.warning("password-reset e-mail not sent: %s", exc)


def _reset_page(
    request: Request, token: str, status: int = 200, error: str | None = None
) -> Response:
    csrf = secrets.token_urlsafe(24)
    page = render(request, "reset.html", status=status, login_csrf=csrf, token=token, error=error)
    return _login_csrf(page, request, csrf)


@router.get("/login/reset", response_class=HTMLResponse)
def reset_form(request: Request, token: Annotated[str, Query(max_length=200)] = "") -> Response:
    if _accounts(request).reset_user(token) is None:
        raise WebError(400, "reset_link_bad")
    return _reset_page(request, token)


@router.post("/login/reset", response_class=HTMLResponse)
def reset(
    request: Request,
    token: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    confirm: Annotated[str, Form(max_length=1024)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    _check_login_csrf(request, csrf)
    accounts = _accounts(request)
    lang = lang_of(request)
    ip = client_ip(request) or "?"
    attempt = accounts.begin_sign_in([(f"address:{ip}", MAX_FAILURES_ADDRESS)], WINDOW_MIN)
    if attempt is None:
        raise WebError(429, "throttled", minutes=WINDOW_MIN)
    if password != confirm:
        return _reset_page(request, token, 400, t("signin.reset_mismatch", lang))
    try:
        done = accounts.use_reset(token, password)
    except PasswordError as exc:
        return _reset_page(request, token, 400, exc.text(lang))
    if done is None:
        raise WebError(400, "reset_link_bad")
    user, sessions = done
    accounts.sign_in_succeeded(attempt)
    accounts.audit("auth.password_reset", user=user, ip=ip, detail={"sessions_ended": sessions})
    resp = RedirectResponse("/login?ok=password_reset", status_code=303)
    resp.delete_cookie(LOGIN_CSRF)
    return resp
