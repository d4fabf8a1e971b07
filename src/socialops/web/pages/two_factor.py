"""Two-factor sign-in on the user's own account (``/account/two-factor``) and a workspace
owner's rule that every member use it (``/w/{ws}/settings/two-factor``).

Enrolment: a new secret is shown as a QR code (segno, inline SVG: nothing fetched) and as text;
a first code from the app turns it on and shows the ten recovery codes once. Turning it off
asks for the password and a code (or a recovery code); the password check is throttled as
sign-ins are. An administrator who lost both can reset it with ``socialops user 2fa-reset``.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

import pyotp
import segno
from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup

from socialops.i18n import t
from socialops.web.auth import Principal, WebError, lang_of, principal
from socialops.web.auth import accounts_of as _accounts
from socialops.web.pages.common import Slug, form_actor, form_user, to_login
from socialops.web.pages.sign_in import count_attempt
from socialops.web.render import render

__all__ = ["qr_svg", "router"]

router = APIRouter(include_in_schema=False)
ISSUER = "socialops"  # the name the authenticator app shows


def qr_svg(uri: str) -> Markup:
    """The QR code of ``uri`` as inline SVG (no image request, nothing external)."""
    svg = segno.make(uri, error="m").svg_inline(scale=4, dark="#000", light="#fff")
    return Markup(svg)  # segno's own markup of a QR code: no user text in it


def _page(request: Request, p: Principal, status: int = 200, **ctx: Any) -> Response:
    accounts = _accounts(request)
    enabled = accounts.two_factor_enabled(p.user.id)
    ctx.setdefault("error", None)
    ctx.setdefault("codes", None)
    ctx.setdefault("secret", None)
    required = request.query_params.get("required", "")
    return render(
        request,
        "two_factor.html",
        status=status,
        enabled=enabled,
        left=accounts.recovery_codes_left(p.user.id) if enabled else 0,
        required=required if required and not enabled else "",
        active="account",
        here="/account/two-factor",
        **ctx,
    )


def _enrol_ctx(p: Principal, secret: str) -> dict[str, Any]:
    uri = pyotp.TOTP(secret).provisioning_uri(name=p.user.email, issuer_name=ISSUER)
    spaced = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    return {"secret": spaced, "qr": qr_svg(uri), "uri": uri, "uri_q": quote(uri)}


@router.get("/account/two-factor", response_class=HTMLResponse)
def two_factor_page(
    request: Request, required: Annotated[str, Query(max_length=40)] = ""
) -> Response:
    p = principal(request)
    if p is None:
        return to_login()
    pending = _accounts(request).pending_two_factor(p.user.id)
    return _page(request, p, **(_enrol_ctx(p, pending) if pending else {}))


@router.post("/account/two-factor/begin", response_class=HTMLResponse)
def begin(request: Request, csrf: Annotated[str, Form(max_length=200)] = "") -> Response:
    p = form_user(request, csrf)
    secret = _accounts(request).begin_two_factor(p.user.id)
    return _page(request, p, **_enrol_ctx(p, secret))


@router.post("/account/two-factor/confirm", response_class=HTMLResponse)
def confirm(
    request: Request,
    code: Annotated[str, Form(max_length=40)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    actor = form_actor(request, csrf)
    p = actor.principal
    accounts = actor.accounts
    attempt, forget = count_attempt(request, p.user.email)  # wrong codes count as failures
    codes = accounts.confirm_two_factor(p.user.id, code)
    if codes is None:
        pending = accounts.pending_two_factor(p.user.id)
        if pending is None:
            return RedirectResponse("/account/two-factor", status_code=303)
        error = t("signin.code_wrong", lang_of(request))
        return _page(request, p, 400, error=error, **_enrol_ctx(p, pending))
    accounts.sign_in_succeeded(attempt, forget)
    actor.audit_own("user.two_factor_on")
    return _page(request, p, codes=codes)


@router.post("/account/two-factor/recovery-codes", response_class=HTMLResponse)
def recovery_codes(
    request: Request,
    code: Annotated[str, Form(max_length=40)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """New recovery codes (the old ones stop working), for a current code."""
    actor = form_actor(request, csrf)
    p = actor.principal
    attempt, forget = count_attempt(request, p.user.email)
    if actor.accounts.check_second_factor(p.user.id, code) is None:
        actor.audit_own("user.two_factor_failed")
        return _page(request, p, 400, error=t("signin.code_wrong", lang_of(request)))
    actor.accounts.sign_in_succeeded(attempt, forget)
    codes = actor.accounts.new_recovery_codes(p.user.id)
    actor.audit_own("user.recovery_codes")
    return _page(request, p, codes=codes)


@router.post("/account/two-factor/disable", response_class=HTMLResponse)
def disable(
    request: Request,
    password: Annotated[str, Form(max_length=1024)] = "",
    code: Annotated[str, Form(max_length=40)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    actor = form_actor(request, csrf)
    p = actor.principal
    accounts = actor.accounts
    lang = lang_of(request)
    attempt, forget = count_attempt(request, p.user.email)
    if accounts.check_credentials(p.user.email, password) is None:
        actor.audit_own("user.two_factor_failed")
        return _page(request, p, 400, error=t("account.password_wrong", lang))
    if accounts.check_second_factor(p.user.id, code) is None:
        actor.audit_own("user.two_factor_failed")
        return _page(request, p, 400, error=t("signin.code_wrong", lang))
    accounts.sign_in_succeeded(attempt, forget)
    accounts.disable_two_factor(p.user.id)
    actor.audit_own("user.two_factor_off")
    return RedirectResponse("/account/two-factor", status_code=303)


@router.post("/w/{ws}/settings/two-factor", response_class=HTMLResponse)
def require_two_factor(
    request: Request,
    ws: Slug,
    required: Annotated[str, Form(max_length=5)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """The owner's rule: every member signs in with two-factor to use this workspace (an
    owner without it is sent to turn it on first, like everyone)."""
    actor = form_actor(request, csrf)
    access = actor.access(ws, "settings.edit")
    if access.role != "owner":
        raise WebError(403, "forbidden", role=access.role)
    on = required == "1"
    actor.accounts.set_require_two_factor(ws, on)
    actor.audit(access, "workspace.require_two_factor", ws, two_factor_required=on)
    return RedirectResponse(f"/w/{ws}/settings?ok=settings_saved", status_code=303)
