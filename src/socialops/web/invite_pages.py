"""The invitation link, ``/invite/{token}``: how someone joins a workspace, only by accepting.

An owner invites an e-mail (the users page or ``POST /api/v1/workspaces/{ws}/invitations``) and
sends the one-time link themselves (there is no mail server). The link's page shows the
workspace, the role and who invited. A signed-in user whose e-mail is the invited one accepts
with a CSRF-protected POST; a signed-in user with another e-mail is told whose invitation it is;
a signed-out visitor may sign in (and come back to the link) or, having no account, choose a
password there: the account is made and joins the workspace in one transaction. The page reads
the same whether the invited e-mail has an account or not. A link works once, for
:data:`socialops.web.accounts.INVITE_DAYS` days, unless the workspace withdraws it.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from socialops import settings
from socialops.errors import AccountError, PasswordError
from socialops.i18n import t
from socialops.web.accounts import Invitation, InvitationError
from socialops.web.actions import members as actions
from socialops.web.actions.base import actor_of
from socialops.web.auth import COOKIE, WebError, check_csrf, lang_of, principal
from socialops.web.auth import accounts_of as _accounts
from socialops.web.auth import client_ip as _ip
from socialops.web.pages.common import LOGIN_CSRF
from socialops.web.render import render, secure_cookies
from socialops.web.responses import error_text

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
Token = Annotated[str, PathParam(min_length=1, max_length=200)]


def _usable(request: Request, token: str) -> Invitation:
    """The pending invitation of ``token``, else the error page saying why it cannot be used."""
    inv = _accounts(request).invitation(token)
    if inv is None:
        raise WebError(404, "invitation_unknown")
    inviter = inv.invited_by or t("invite.someone", lang_of(request))
    if inv.state != "pending":
        code = "used" if inv.state == "accepted" else inv.state
        raise WebError(410, f"invitation_{code}", inviter=inviter)
    return inv


def _invite_page(
    request: Request, token: str, inv: Invitation, status: int = 200, **ctx: Any
) -> Response:
    lang = lang_of(request)
    p = principal(request)
    login_csrf = secrets.token_urlsafe(24) if p is None else ""
    ctx.setdefault("error", None)
    ctx.setdefault("name", "")
    resp = render(
        request,
        "invite.html",
        status=status,
        inv=inv,
        token=token,
        inviter=inv.inviter_name or inv.invited_by or t("invite.someone", lang),
        role_name=t(f"role.{inv.role}", lang),
        mine=p is not None and p.user.email == inv.email,
        login_csrf=login_csrf,
        sign_in_url="/login?" + urlencode({"next": f"/invite/{token}", "email": inv.email}),
        **ctx,
    )
    if login_csrf:  # the sign-up form's CSRF token: a double-submit cookie, as the sign-in's
        resp.set_cookie(
            LOGIN_CSRF, login_csrf, httponly=True, samesite="strict", secure=secure_cookies(request)
        )
    return resp


@router.get("/invite/{token}", response_class=HTMLResponse)
def invite_page(request: Request, token: Token) -> Response:
    return _invite_page(request, token, _usable(request, token))


@router.post("/invite/{token}/accept")
def accept(
    request: Request, token: Token, csrf: Annotated[str, Form(max_length=200)] = ""
) -> Response:
    """A signed-in user with the invited e-mail joins the workspace."""
    p = principal(request)
    if p is None:
        raise WebError(401, "unauthenticated")
    check_csrf(request, p, csrf or None)
    inv = actions.accept_invitation(actor_of(request, p), token)
    return RedirectResponse(f"/w/{inv.workspace}?ok=invitation_accepted", status_code=303)


@router.post("/invite/{token}/register", response_class=HTMLResponse)
def register(
    request: Request,
    token: Token,
    name: Annotated[str, Form(max_length=100)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Someone without an account accepts: their account (the invited e-mail, the password
    they chose, the password policy applies) is made, joins the workspace and is signed in."""
    accounts = _accounts(request)
    lang = lang_of(request)
    cookie = request.cookies.get(LOGIN_CSRF, "")
    if not cookie or not hmac.compare_digest(cookie.encode(), csrf.encode()):
        raise WebError(403, "csrf")
    if principal(request) is not None:  # signed in: accept as that user instead
        return RedirectResponse(f"/invite/{token}", status_code=303)
    try:
        user, inv = actions.join_as_new_user(
            accounts, token, password, name=name, lang=lang, ip=_ip(request)
        )
    except InvitationError as exc:
        if exc.reason != "exists":
            raise actions.invitation_refusal(exc) from None
        inv = _usable(request, token)
        msg = t("error.invitation_exists", lang, **exc.params)
        return _invite_page(request, token, inv, 409, error=msg, name=name)
    except PasswordError as exc:
        inv = _usable(request, token)
        return _invite_page(request, token, inv, 400, error=exc.text(lang), name=name)
    except AccountError as exc:
        inv = _usable(request, token)
        msg = error_text(exc, lang)
        return _invite_page(request, token, inv, 400, error=msg, name=name)
    ip = _ip(request)
    hours = float(settings.get("session_hours"))
    session, _ = accounts.start_session(user.id, hours)
    accounts.audit("auth.sign_in", user=user, detail={"via": "invitation"}, ip=ip)
    done = RedirectResponse(f"/w/{inv.workspace}?ok=invitation_accepted", status_code=303)
    done.set_cookie(
        COOKIE,
        session,
        httponly=True,
        samesite="lax",
        secure=secure_cookies(request),
        max_age=int(hours * 3600),
    )
    done.delete_cookie(LOGIN_CSRF)
    return done
