"""Who is asking: a session cookie (pages) or a personal API token (scripts), and the checks
every request goes through — signed in, member of the workspace, allowed the action, and for a
cookie-authenticated change, the CSRF token."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fastapi import Request

from socialops.web.accounts import Accounts, Session, User

if TYPE_CHECKING:
    from socialops.web.services import Services
from socialops.i18n import pick_lang, t
from socialops.web.permissions import allowed

__all__ = [
    "COOKIE",
    "Access",
    "Principal",
    "WebError",
    "check_csrf",
    "check_two_factor",
    "lang_of",
    "principal",
    "require",
    "require_user",
]

COOKIE = "socialops_session"
LANG_COOKIE = "socialops_lang"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class WebError(Exception):
    """An error answered as the one JSON error shape (API) or an error page (pages), in the
    user's language."""

    def __init__(self, status: int, code: str, **params: Any) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.params = params

    def message(self, lang: str) -> str:
        return t(f"error.{self.code}", lang, **self.params)


@dataclass(frozen=True)
class Principal:
    user: User
    via: str  # "session" | "token"
    session: Session | None = None
    scope: str | None = None  # a token's scope (None: all the user's rights; "metrics")


@dataclass(frozen=True)
class Access:
    principal: Principal
    workspace: str
    role: str

    @property
    def user(self) -> User:
        return self.principal.user


def accounts_of(request: Request) -> Accounts:
    accounts: Accounts = request.app.state.accounts
    return accounts


def services_of(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


def audit_change(request: Request, access: Access, action: str, target: str, **detail: Any) -> None:
    """Record a change made in a workspace: who (the caller), what, where from."""
    accounts_of(request).audit(
        action,
        user=access.user,
        workspace=access.workspace,
        target=target,
        detail=detail or None,
        ip=client_ip(request),
    )


def principal(request: Request) -> Principal | None:
    """The signed-in user, by ``Authorization: Bearer <token>`` or the session cookie."""
    if hasattr(request.state, "principal"):
        cached: Principal | None = request.state.principal
        return cached
    accounts = accounts_of(request)
    found: Principal | None = None
    auth = request.headers.get("authorization", "")
    if auth[:7].lower() == "bearer ":
        access = accounts.token_access(auth[7:].strip())
        found = Principal(access[0], "token", scope=access[1]) if access else None
    else:
        session = accounts.session(request.cookies.get(COOKIE, ""))
        found = Principal(session.user, "session", session) if session else None
    request.state.principal = found
    return found


def lang_of(request: Request) -> str:
    p = principal(request)
    if p is not None:
        return p.user.lang
    return pick_lang(request.headers.get("accept-language"), request.cookies.get(LANG_COOKIE))


def require_user(request: Request) -> Principal:
    p = principal(request)
    if p is None:
        raise WebError(401, "unauthenticated")
    check_csrf(request, p)
    return p


def require(request: Request, workspace: str, action: str) -> Access:
    """The caller, a member of ``workspace`` allowed ``action`` — else 401, 404 (not a member:
    the workspace is not revealed) or 403."""
    p = require_user(request)
    role = accounts_of(request).role_of(p.user.id, workspace)
    if role is None:
        raise WebError(404, "unknown_workspace", workspace=workspace)
    check_two_factor(request, p, workspace)
    if not allowed(role, action):
        raise WebError(403, "forbidden", role=role)
    return Access(p, workspace, role)


def check_two_factor(request: Request, p: Principal, workspace: str) -> None:
    """A member signed in by session without two-factor, in a workspace whose owner requires
    it: 403 ``two_factor_required`` (a page sends them to turn it on). API tokens are not
    asked: a token is made by a signed-in user and revoked by the owner as any other."""
    if p.via == "session" and accounts_of(request).two_factor_missing(p.user.id, workspace):
        raise WebError(403, "two_factor_required", workspace=workspace)


def check_csrf(request: Request, p: Principal, form_token: str | None = None) -> None:
    """A change made with the session cookie must carry the session's CSRF token (form field
    ``csrf`` or header ``X-CSRF-Token``); token-authenticated API calls carry no cookie."""
    if request.method in SAFE_METHODS or p.via != "session" or p.session is None:
        return
    given = form_token or request.headers.get(CSRF_HEADER) or ""
    if not hmac.compare_digest(given.encode(), p.session.csrf.encode()):
        raise WebError(403, "csrf")
