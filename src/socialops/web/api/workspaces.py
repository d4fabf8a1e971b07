"""Workspaces: list, create, look at, delete (``/api/v1/workspaces``)."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from pydantic import BaseModel, Field

from socialops.web.actions import workspaces as actions
from socialops.web.api.common import ERRORS, Done, Slug, WorkspaceOut, caller, router
from socialops.web.auth import accounts_of as _accounts
from socialops.web.auth import require, require_user
from socialops.web.auth import services_of as _services

__all__: list[str] = []  # the routes are on socialops.web.api.common.router


@router.get("/workspaces", response_model=list[WorkspaceOut], responses=ERRORS, tags=["workspaces"])
def workspaces(request: Request) -> list[dict[str, str]]:
    p = require_user(request)
    return _accounts(request).workspaces_of(p.user.id)


class WorkspaceIn(BaseModel):
    slug: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$", description="workspace id")
    name: str = Field(min_length=1, max_length=100)


@router.post(
    "/workspaces",
    response_model=WorkspaceOut,
    status_code=201,
    responses=ERRORS,
    tags=["workspaces"],
)
def create_workspace(request: Request, body: WorkspaceIn) -> dict[str, str]:
    """A new workspace (one per brand or client); the caller becomes its owner. Owners of the
    main workspace may create workspaces."""
    actions.create_workspace(caller(request), body.slug, body.name)
    return {"slug": body.slug, "name": body.name.strip(), "role": "owner"}


@router.delete("/workspaces/{ws}", response_model=Done, responses=ERRORS, tags=["workspaces"])
def delete_workspace(request: Request, ws: Slug) -> Done:
    """Delete a workspace with its data (not ``main``)."""
    actions.delete_workspace(caller(request), ws)
    return Done()


@router.get("/workspaces/{ws}", responses=ERRORS, tags=["workspaces"])
def workspace(request: Request, ws: Slug) -> dict[str, Any]:
    access = require(request, ws, "view")
    return {
        "slug": ws,
        "name": _accounts(request).workspace_name(ws),
        "role": access.role,
        "zone": _services(request).workspace(ws).zone(),
        **_services(request).overview(ws),
    }
