"""The REST API, ``/api/v1``: everything the pages do, for scripts. Authenticate with a personal
token (``Authorization: Bearer sot_…``, from ``socialops token create EMAIL`` or
``POST /api/v1/me/tokens``) or the page session (changes then need ``X-CSRF-Token``). Errors have
one shape: ``{"error": {"status", "code", "message"}}``. Lists are paginated with ``page`` and
``per_page`` and answer ``{total, page, per_page, pages, items}``. Every endpoint names the
action it needs (socialops.web.permissions)."""

from __future__ import annotations

from pathlib import PurePath
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Path, Query, Request, UploadFile
from pydantic import BaseModel, Field

from socialops.errors import TopicError
from socialops.web.accounts import MAIN, Invitation, InvitationError, User
from socialops.web.auth import WebError, require, require_user
from socialops.web.auth import accounts_of as _accounts
from socialops.web.auth import audit_change as _audit
from socialops.web.auth import client_ip as _ip
from socialops.web.auth import services_of as _services
from socialops.web.permissions import ROLES
from socialops.web.services import POST_SORTS, PostQuery, paged, scope_of, upload_name

__all__ = ["router"]

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
UPLOAD_LIMIT = 50 * 2**20
assert ROLES == ("owner", "manager", "agent", "analyst", "viewer")


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


class TopicEdit(BaseModel):
    query: str | None = Field(None, min_length=1, max_length=1000)
    kind: Kind | None = None


class TopicOut(BaseModel):
    name: str
    query: str
    kind: str
    created_at: str
    updated_at: str


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


# -- me ----------------------------------------------------------------------------------------
@router.get("/me", response_model=MeOut, responses=ERRORS, tags=["me"])
def me(request: Request) -> dict[str, Any]:
    p = require_user(request)
    return {**p.user.public(), "workspaces": _accounts(request).workspaces_of(p.user.id)}


@router.patch("/me", response_model=MeOut, responses=ERRORS, tags=["me"])
def set_preferences(request: Request, body: Preferences) -> dict[str, Any]:
    p = require_user(request)
    user = _accounts(request).set_preferences(p.user.id, lang=body.lang, tz=body.tz)
    _accounts(request).audit(
        "user.preferences", user=user, detail=body.model_dump(exclude_none=True), ip=_ip(request)
    )
    return {**user.public(), "workspaces": _accounts(request).workspaces_of(user.id)}


@router.post("/me/sign-out-everywhere", response_model=Done, responses=ERRORS, tags=["me"])
def sign_out_everywhere(request: Request, body: SignOutIn | None = None) -> Done:
    """End every sign-in session of the caller; with ``{"revoke_tokens": true}`` also revoke
    every personal API token (the one making this call included)."""
    p = require_user(request)
    revoke = body is not None and body.revoke_tokens
    n, m = _accounts(request).sign_out_everywhere(p.user.id, revoke_tokens=revoke)
    detail = {"sessions": n, **({"tokens": m} if revoke else {})}
    _accounts(request).audit(
        "auth.sign_out_everywhere", user=p.user, detail=detail, ip=_ip(request)
    )
    return Done(detail=f"{n} sessions ended" + (f", {m} API tokens revoked" if revoke else ""))


@router.get("/me/tokens", response_model=list[TokenOut], responses=ERRORS, tags=["me"])
def tokens(request: Request) -> list[dict[str, Any]]:
    p = require_user(request)
    return _accounts(request).tokens(p.user.id)


@router.post(
    "/me/tokens", response_model=TokenCreated, status_code=201, responses=ERRORS, tags=["me"]
)
def create_token(request: Request, body: TokenIn) -> dict[str, Any]:
    p = require_user(request)
    token = _accounts(request).create_token(p.user.id, body.name)
    made = _accounts(request).tokens(p.user.id)[-1]
    _accounts(request).audit("token.create", user=p.user, target=str(made["id"]), ip=_ip(request))
    return {"id": made["id"], "name": made["name"], "token": token}


@router.delete("/me/tokens/{token_id}", response_model=Done, responses=ERRORS, tags=["me"])
def revoke_token(request: Request, token_id: RowId) -> Done:
    p = require_user(request)
    if not _accounts(request).revoke_token(p.user.id, token_id):
        raise WebError(404, "not_found")
    _accounts(request).audit("token.revoke", user=p.user, target=str(token_id), ip=_ip(request))
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


# -- workspaces --------------------------------------------------------------------------------
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
    from socialops.store.workspace import Workspace

    access = require(request, MAIN, "members.manage")
    _accounts(request).add_workspace(body.slug, body.name, access.user.id)
    Workspace.open(_accounts(request).workspace_dir(body.slug))
    _accounts(request).audit(
        "workspace.create",
        user=access.user,
        workspace=body.slug,
        target=body.slug,
        detail={"name": body.name},
        ip=_ip(request),
    )
    return {"slug": body.slug, "name": body.name.strip(), "role": "owner"}


@router.delete("/workspaces/{ws}", response_model=Done, responses=ERRORS, tags=["workspaces"])
def delete_workspace(request: Request, ws: Slug) -> Done:
    """Delete a workspace with its data (not ``main``)."""
    access = require(request, ws, "workspace.delete")
    _services(request).forget(ws)
    _accounts(request).remove_workspace(ws)
    _accounts(request).audit(
        "workspace.delete", user=access.user, workspace=ws, target=ws, ip=_ip(request)
    )
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


# -- topics ------------------------------------------------------------------------------------
@router.get(
    "/workspaces/{ws}/topics", response_model=list[TopicOut], responses=ERRORS, tags=["topics"]
)
def topics(request: Request, ws: Slug) -> list[dict[str, str]]:
    from socialops.listen.topics import list_topics

    require(request, ws, "view")
    return [tp.to_dict() for tp in list_topics(_services(request).workspace(ws))]


@router.post(
    "/workspaces/{ws}/topics",
    response_model=TopicOut,
    status_code=201,
    responses=ERRORS,
    tags=["topics"],
)
def add_topic(request: Request, ws: Slug, body: TopicIn) -> dict[str, str]:
    from socialops.listen.topics import add_topic as add

    access = require(request, ws, "topics.edit")
    tp = add(_services(request).workspace(ws), body.name, body.query, body.kind)
    _services(request).changed(ws)
    _audit(request, access, "topic.add", tp.name, query=tp.query, kind=tp.kind)
    return tp.to_dict()


def _topic(request: Request, ws: str, name: str) -> Any:
    from socialops.listen.topics import get_topic

    try:
        return get_topic(_services(request).workspace(ws), name)
    except TopicError:
        raise WebError(404, "not_found") from None


@router.get(
    "/workspaces/{ws}/topics/{name}", response_model=TopicOut, responses=ERRORS, tags=["topics"]
)
def topic(request: Request, ws: Slug, name: str) -> dict[str, str]:
    require(request, ws, "view")
    out: dict[str, str] = _topic(request, ws, name).to_dict()
    return out


@router.patch(
    "/workspaces/{ws}/topics/{name}", response_model=TopicOut, responses=ERRORS, tags=["topics"]
)
def edit_topic(request: Request, ws: Slug, name: str, body: TopicEdit) -> dict[str, str]:
    from socialops.listen.topics import edit_topic as edit

    access = require(request, ws, "topics.edit")
    _topic(request, ws, name)
    tp = edit(_services(request).workspace(ws), name, query=body.query, kind=body.kind)
    _services(request).changed(ws)
    _audit(request, access, "topic.edit", tp.name, **body.model_dump(exclude_none=True))
    return tp.to_dict()


@router.delete(
    "/workspaces/{ws}/topics/{name}", response_model=Done, responses=ERRORS, tags=["topics"]
)
def remove_topic(request: Request, ws: Slug, name: str) -> Done:
    from socialops.listen.topics import remove_topic as remove

    access = require(request, ws, "topics.edit")
    _topic(request, ws, name)
    tp = remove(_services(request).workspace(ws), name)
    _services(request).changed(ws)
    _audit(request, access, "topic.remove", tp.name, query=tp.query)
    return Done()


# -- listening ---------------------------------------------------------------------------------
@router.get("/workspaces/{ws}/listen/{analysis}", responses=ERRORS, tags=["listening"])
def listen(
    request: Request,
    ws: Slug,
    analysis: Analysis,
    topic: Annotated[list[str] | None, Query(max_length=20)] = None,
    date_from: Annotated[Day, Query(alias="from")] = None,
    date_to: Annotated[Day, Query(alias="to")] = None,
    every: Every = "day",
    platform: Annotated[str | None, Query(max_length=64)] = None,
    lang: Literal["ko", "en", "other"] | None = None,
) -> dict[str, Any]:
    """One listening analysis (the JSON of ``socialops listen ANALYSIS --json``)."""
    require(request, ws, "view")
    scope = scope_of(date_from, date_to, every, platform, lang)
    return _services(request).analysis(ws, analysis, topic, scope)


# -- posts -------------------------------------------------------------------------------------
@router.get("/workspaces/{ws}/posts", response_model=Page, responses=ERRORS, tags=["posts"])
def posts(
    request: Request,
    ws: Slug,
    q: Annotated[str, Query(max_length=1000, description="boolean query, topic syntax")] = "",
    platform: Annotated[str | None, Query(max_length=64)] = None,
    lang: Literal["ko", "en", "other"] | None = None,
    sentiment: Literal["positive", "neutral", "negative"] | None = None,
    date_from: Annotated[Day, Query(alias="from")] = None,
    date_to: Annotated[Day, Query(alias="to")] = None,
    sort: Literal["newest", "oldest", "engagement"] = "newest",
    page: PageNo = 1,
    per_page: Annotated[int, Query(ge=1, le=100)] = 20,
) -> dict[str, Any]:
    assert sort in POST_SORTS
    require(request, ws, "view")
    pq = PostQuery(q, platform, lang, sentiment, date_from, date_to, sort, page, per_page)
    return _services(request).posts(ws, pq)


@router.get("/workspaces/{ws}/posts/{platform}/{post_id}", responses=ERRORS, tags=["posts"])
def post(request: Request, ws: Slug, platform: str, post_id: str) -> dict[str, Any]:
    """One post with its enrichment (tokens, lemmas, keywords, sentiment, …)."""
    require(request, ws, "view")
    found = _services(request).post(ws, platform, post_id)
    if found is None:
        raise WebError(404, "not_found")
    return found


# -- data --------------------------------------------------------------------------------------
@router.get(
    "/workspaces/{ws}/imports", response_model=list[dict[str, Any]], responses=ERRORS, tags=["data"]
)
def imports(request: Request, ws: Slug) -> list[dict[str, Any]]:
    from socialops.listen.ingest import list_imports

    require(request, ws, "view")
    rows = list_imports(_services(request).workspace(ws))
    for r in rows:  # the file's name, not where it lay on the server
        r["source_path"] = upload_name(PurePath(str(r.get("source_path") or "")).name)
    return rows


@router.get("/workspaces/{ws}/quarantine", response_model=Page, responses=ERRORS, tags=["data"])
def quarantine(
    request: Request,
    ws: Slug,
    page: PageNo = 1,
    per_page: Annotated[int, Query(ge=1, le=100)] = 20,
) -> dict[str, Any]:
    from socialops.listen.ingest import list_quarantine

    require(request, ws, "view")
    rows = list_quarantine(_services(request).workspace(ws), limit=None)
    for r in rows:  # the file's name, not where it lay on the server
        r["file"] = upload_name(PurePath(str(r.get("file") or "")).name)
    start = (page - 1) * per_page
    return paged(rows[start : start + per_page], len(rows), page, per_page)


@router.post("/workspaces/{ws}/imports", status_code=201, responses=ERRORS, tags=["data"])
def upload(
    request: Request,
    ws: Slug,
    file: Annotated[UploadFile, File(description="CSV, TSV, XLSX, JSONL or Parquet")],
    preset: Annotated[str, Form(max_length=64)] = "generic",
    mapping: Annotated[str | None, Form(max_length=20000, description="mapping JSON")] = None,
) -> dict[str, Any]:
    """Import an uploaded file with a preset (and optional column mapping); its posts are
    enriched right after (``enriched`` says how many)."""
    from socialops.web.services import (
        EnrichAfterImportError,
        UploadTooLarge,
        import_upload,
        parse_mapping,
    )

    access = require(request, ws, "data.import")
    mapped = parse_mapping(mapping)
    try:
        out = import_upload(
            _services(request),
            ws,
            file.filename or "upload",
            file.file,
            preset=preset,
            mapping=mapped,
            limit=UPLOAD_LIMIT,
        )
    except UploadTooLarge:
        raise WebError(413, "too_large", limit=UPLOAD_LIMIT // 2**20) from None
    except EnrichAfterImportError as exc:
        _audit(
            request,
            access,
            "data.import",
            file.filename or "upload",
            preset=preset,
            imported=exc.counts.get("imported"),
            enrich_error=exc.message,
        )
        raise WebError(409, "bad_request", detail=exc.message) from None
    _audit(
        request,
        access,
        "data.import",
        file.filename or "upload",
        preset=preset,
        imported=out.get("imported"),
        quarantined=out.get("quarantined"),
    )
    return out


# -- members and audit -------------------------------------------------------------------------
@router.get(
    "/workspaces/{ws}/members", response_model=list[MemberOut], responses=ERRORS, tags=["members"]
)
def members(request: Request, ws: Slug) -> list[dict[str, Any]]:
    require(request, ws, "view")
    return [{"user": m.user.public(), "role": m.role} for m in _accounts(request).members(ws)]


def _invite(request: Request, ws: str, body: MemberIn) -> dict[str, Any]:
    """An invitation of ``body.email``: the same answer whether that e-mail has an account or
    not (nobody joins until they accept the link)."""
    access = require(request, ws, "members.manage")
    try:
        token, inv = _accounts(request).invite(ws, body.email, body.role, access.user.id)
    except InvitationError as exc:
        raise WebError(409, f"invitation_{exc.code}", **exc.params) from None
    _audit(request, access, "invitation.create", inv.email, role=inv.role, invitation=inv.id)
    return {**inv.public(), "token": token, "url": invite_url(request, token)}


def invite_url(request: Request, token: str) -> str:
    """The link of an invitation, on the address the inviter used."""
    return f"{str(request.base_url).rstrip('/')}/invite/{token}"


@router.post(
    "/workspaces/{ws}/members",
    response_model=InvitationCreated,
    status_code=202,
    responses=ERRORS,
    tags=["members"],
)
def add_member(request: Request, ws: Slug, body: MemberIn) -> dict[str, Any]:
    """Invite someone by e-mail (no one is added without their consent): the answer is the
    invitation and its one-time link, shown once, for the inviter to send; it is the same
    whether the e-mail has an account or not. The invitee joins when they accept it."""
    return _invite(request, ws, body)


@router.get(
    "/workspaces/{ws}/invitations",
    response_model=list[InvitationOut],
    responses=ERRORS,
    tags=["members"],
)
def invitations(request: Request, ws: Slug) -> list[dict[str, Any]]:
    """The pending invitations (not accepted, revoked or expired), newest first."""
    require(request, ws, "members.manage")
    return [inv.public() for inv in _accounts(request).invitations(ws)]


@router.post(
    "/workspaces/{ws}/invitations",
    response_model=InvitationCreated,
    status_code=201,
    responses=ERRORS,
    tags=["members"],
)
def create_invitation(request: Request, ws: Slug, body: MemberIn) -> dict[str, Any]:
    """Invite someone by e-mail (as ``POST …/members``)."""
    return _invite(request, ws, body)


@router.delete(
    "/workspaces/{ws}/invitations/{invitation_id}",
    response_model=Done,
    responses=ERRORS,
    tags=["members"],
)
def revoke_invitation(request: Request, ws: Slug, invitation_id: RowId) -> Done:
    """Withdraw a pending invitation: its link no longer works."""
    access = require(request, ws, "members.manage")
    inv = _accounts(request).revoke_invitation(ws, invitation_id)
    if inv is None:
        raise WebError(404, "not_found")
    _audit(request, access, "invitation.revoke", inv.email, role=inv.role, invitation=inv.id)
    return Done()


InviteToken = Annotated[str, Path(min_length=1, max_length=200, description="the link's token")]


@router.get("/invitations/{token}", response_model=InvitationOut, responses=ERRORS, tags=["me"])
def invitation(request: Request, token: InviteToken) -> dict[str, Any]:
    """What an invitation link offers (workspace, role, who invited), for a signed-in caller."""
    require_user(request)
    inv = _accounts(request).invitation(token)
    if inv is None:
        raise WebError(404, "invitation_unknown")
    return inv.public()


@router.post(
    "/invitations/{token}/accept", response_model=WorkspaceOut, responses=ERRORS, tags=["me"]
)
def accept_invitation(request: Request, token: InviteToken) -> dict[str, Any]:
    """Accept an invitation addressed to the caller's e-mail: the caller joins the workspace.
    Refused when the link is unknown (404), used, revoked or expired (410), or for another
    e-mail (403)."""
    p = require_user(request)
    try:
        inv = _accounts(request).accept_invitation(token, p.user.id)
    except InvitationError as exc:
        raise WebError(
            invitation_status(exc.code), f"invitation_{exc.code}", **exc.params
        ) from None
    audit_acceptance(request, p.user, inv)
    role = _accounts(request).role_of(p.user.id, inv.workspace) or inv.role
    return {"slug": inv.workspace, "name": inv.workspace_name, "role": role}


def invitation_status(code: str) -> int:
    """The HTTP status of an invitation that cannot be used."""
    return {"unknown": 404, "email": 403, "exists": 409, "member": 409}.get(code, 410)


def audit_acceptance(request: Request, user: User, inv: Invitation) -> None:
    _accounts(request).audit(
        "invitation.accept",
        user=user,
        workspace=inv.workspace,
        target=inv.email,
        detail={"role": inv.role, "invitation": inv.id, "invited_by": inv.invited_by},
        ip=_ip(request),
    )


@router.patch(
    "/workspaces/{ws}/members/{user_id}",
    response_model=MemberOut,
    responses=ERRORS,
    tags=["members"],
)
def set_role(request: Request, ws: Slug, user_id: RowId, body: RoleIn) -> dict[str, Any]:
    access = require(request, ws, "members.manage")
    user = _accounts(request).user(user_id)
    if user is None or _accounts(request).role_of(user_id, ws) is None:
        raise WebError(404, "not_found")
    _accounts(request).set_member(ws, user_id, body.role)
    _audit(request, access, "member.set", user.email, role=body.role)
    return {"user": user.public(), "role": body.role}


@router.delete(
    "/workspaces/{ws}/members/{user_id}", response_model=Done, responses=ERRORS, tags=["members"]
)
def remove_member(request: Request, ws: Slug, user_id: RowId) -> Done:
    access = require(request, ws, "members.manage")
    user = _accounts(request).user(user_id)
    if user is None or _accounts(request).role_of(user_id, ws) is None:
        raise WebError(404, "not_found")
    _accounts(request).remove_member(ws, user_id)
    _audit(request, access, "member.remove", user.email)
    return Done()


@router.get("/workspaces/{ws}/audit", response_model=Page, responses=ERRORS, tags=["members"])
def audit(
    request: Request,
    ws: Slug,
    page: PageNo = 1,
    per_page: Annotated[int, Query(ge=1, le=100)] = 50,
) -> dict[str, Any]:
    require(request, ws, "audit.view")
    total, items = _accounts(request).audit_log(ws, limit=per_page, offset=(page - 1) * per_page)
    return paged(items, total, page, per_page)
