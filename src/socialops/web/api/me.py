"""The caller's own account: ``/api/v1/me`` (preferences, tokens, signing out everywhere,
activity)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, Request

from socialops.web.actions import accounts as actions
from socialops.web.api.common import (
    ERRORS,
    Done,
    MeOut,
    Page,
    PageNo,
    Preferences,
    RowId,
    SignOutIn,
    TokenCreated,
    TokenIn,
    TokenOut,
    caller,
    router,
)
from socialops.web.auth import accounts_of as _accounts
from socialops.web.auth import require_user
from socialops.web.explorer import paged

__all__: list[str] = []  # the routes are on socialops.web.api.common.router


@router.get("/me", response_model=MeOut, responses=ERRORS, tags=["me"])
def me(request: Request) -> dict[str, Any]:
    p = require_user(request)
    return {**p.user.public(), "workspaces": _accounts(request).workspaces_of(p.user.id)}


@router.patch("/me", response_model=MeOut, responses=ERRORS, tags=["me"])
def set_preferences(request: Request, body: Preferences) -> dict[str, Any]:
    user = actions.set_preferences(caller(request), lang=body.lang, tz=body.tz)
    return {**user.public(), "workspaces": _accounts(request).workspaces_of(user.id)}


@router.post("/me/sign-out-everywhere", response_model=Done, responses=ERRORS, tags=["me"])
def sign_out_everywhere(request: Request, body: SignOutIn | None = None) -> Done:
    """End every sign-in session of the caller; with ``{"revoke_tokens": true}`` also revoke
    every personal API token (the one making this call included)."""
    revoke = body is not None and body.revoke_tokens
    n, m = actions.sign_out_everywhere(caller(request), revoke_tokens=revoke)
    return Done(detail=f"{n} sessions ended" + (f", {m} API tokens revoked" if revoke else ""))


@router.get("/me/tokens", response_model=list[TokenOut], responses=ERRORS, tags=["me"])
def tokens(request: Request) -> list[dict[str, Any]]:
    p = require_user(request)
    return _accounts(request).tokens(p.user.id)


@router.post(
    "/me/tokens", response_model=TokenCreated, status_code=201, responses=ERRORS, tags=["me"]
)
def create_token(request: Request, body: TokenIn) -> dict[str, Any]:
    token, made = actions.create_token(caller(request), body.name)
    return {"id": made["id"], "name": made["name"], "token": token}


@router.delete("/me/tokens/{token_id}", response_model=Done, responses=ERRORS, tags=["me"])
def revoke_token(request: Request, token_id: RowId) -> Done:
    actions.revoke_token(caller(request), token_id)
    return Done()


@router.get("/me/activity", response_model=Page, responses=ERRORS, tags=["me"])
def activity(
    request: Request,
    page: PageNo = 1,
    per_page: Annotated[int, Query(ge=1, le=100)] = 50,
) -> dict[str, Any]:
    """The caller's own account activity, in no workspace: sign-ins (and failed ones, with
    the address they came from), sign-outs, tokens, password and preference changes. Only the
    user sees these; a workspace's audit log holds what was done in that workspace."""
    p = require_user(request)
    total, items = _accounts(request).account_activity(
        p.user.id, limit=per_page, offset=(page - 1) * per_page
    )
    return paged(items, total, page, per_page)
