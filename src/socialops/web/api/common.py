"""What every API module shares: the path and query types, the models, the one error shape
(:data:`ERRORS` for the OpenAPI description) and the caller as an actor."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, Field

from socialops.web.actions.base import Actor, actor_of
from socialops.web.auth import require_user
from socialops.web.permissions import ROLES

__all__ = [
    "ERRORS",
    "Analysis",
    "Day",
    "Done",
    "ErrorBody",
    "ErrorResponse",
    "Every",
    "InvitationCreated",
    "InvitationOut",
    "Kind",
    "MeOut",
    "MemberIn",
    "MemberOut",
    "Page",
    "PageNo",
    "Preferences",
    "Role",
    "RoleIn",
    "RowId",
    "SignOutIn",
    "Slug",
    "TokenCreated",
    "TokenIn",
    "TokenOut",
    "TopicEdit",
    "TopicIn",
    "TopicOut",
    "UserOut",
    "WorkspaceOut",
    "caller",
    "router",
]

# every API module adds its routes here, in the order socialops.web.api imports them (one flat
# list of routes: what the OpenAPI description, the authorisation matrix test and the fuzzer
# walk)
router = APIRouter(prefix="/api/v1")

Slug = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$", description="workspace id")]
# a database row id: at most SQLite's largest INTEGER (a bigger one would be a server error)
RowId = Annotated[int, Path(ge=1, le=2**63 - 1)]
Role = Literal["owner", "manager", "agent", "analyst", "viewer"]
Kind = Literal["brand", "competitor", "product", "campaign"]
Every = Literal["hour", "day", "week"]
Analysis = Literal[
    "volume", "sov", "sentiment", "assoc", "spikes", "issues", "influencers", "themes"
]
PageNo = Annotated[int, Query(ge=1, le=1_000_000, description="page, from 1")]
Day = Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}-\d{2}$", description="YYYY-MM-DD")]
assert ROLES == ("owner", "manager", "agent", "analyst", "viewer")


def caller(request: Request) -> Actor:
    """The signed-in caller (401 otherwise; a session-authenticated change needs its CSRF
    header) as the actor of what it asks for."""
    return actor_of(request, require_user(request))


# -- models ------------------------------------------------------------------------------------
class ErrorBody(BaseModel):
    status: int
    code: str
    message: str


class ErrorResponse(BaseModel):
    error: ErrorBody


ERRORS: dict[int | str, dict[str, Any]] = {
    s: {"model": ErrorResponse} for s in (400, 401, 403, 404, 409, 413, 422)
}


class WorkspaceOut(BaseModel):
    slug: str
    name: str
    role: Role


class UserOut(BaseModel):
    id: int
    email: str
    name: str
    lang: Literal["ko", "en"]
    tz: str


class MeOut(UserOut):
    workspaces: list[WorkspaceOut]


class Preferences(BaseModel):
    lang: Literal["ko", "en"] | None = None
    tz: str | None = Field(None, min_length=1, max_length=64)


class SignOutIn(BaseModel):
    revoke_tokens: bool = Field(
        False, description="also revoke every personal API token (sessions end either way)"
    )


class TokenIn(BaseModel):
    name: str = Field("api", min_length=1, max_length=100)


class TokenCreated(BaseModel):
    id: int
    name: str
    token: str = Field(description="shown once: keep it secret")


class TokenOut(BaseModel):
    id: int
    name: str
    created_at: str
    last_used: str | None


class TopicIn(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    query: str = Field(min_length=1, max_length=1000)
    kind: Kind = "brand"
    competitive_set: str = Field("", max_length=100)


class TopicEdit(BaseModel):
    query: str | None = Field(None, min_length=1, max_length=1000)
    kind: Kind | None = None
    competitive_set: str | None = Field(None, max_length=100)  # '': out of its set


class TopicOut(BaseModel):
    name: str
    query: str
    kind: str
    created_at: str
    updated_at: str
    competitive_set: str = ""


class PreviewIn(BaseModel):
    query: str = Field(min_length=1, max_length=1000)


class PreviewOut(BaseModel):
    query: str
    matches: int
    all_posts: int
    undated: int
    first_day: str | None
    last_day: str | None
    samples: list[dict[str, Any]]
    forms: list[dict[str, Any]]
    warnings: list[dict[str, Any]]
    form_sample: int = 0


class MemberIn(BaseModel):
    email: str = Field(min_length=3, max_length=320)
    role: Role


class RoleIn(BaseModel):
    role: Role


class MemberOut(BaseModel):
    user: UserOut
    role: Role


class InvitationOut(BaseModel):
    id: int
    workspace: str
    workspace_name: str
    email: str
    role: Role
    invited_by: str | None
    created_at: str
    expires_at: str
    state: Literal["pending", "accepted", "revoked", "expired"]


class InvitationCreated(InvitationOut):
    token: str = Field(description="the one-time token: shown once, stored only as a hash")
    url: str = Field(description="the one-time link to send the invitee yourself: shown once")


class Page(BaseModel):
    total: int
    page: int
    per_page: int
    pages: int
    items: list[dict[str, Any]]


class Done(BaseModel):
    ok: bool = True
    detail: str | None = None
