"""The inbox over the API: ``/api/v1/workspaces/{ws}/conversations`` (the list, one
conversation, its ``/messages``: replies and internal notes, assignment, presence), ``/cases``,
``/replies`` (approve, reject, retry), ``/contacts`` and ``/saved-replies``. Every change is a
function of :mod:`socialops.web.actions.inbox`, which the pages call too; lists are paginated
as the rest of ``/api/v1`` (``page``, ``per_page`` → ``{total, page, per_page, pages, items}``).

Personal data is masked in every answer; ``?reveal=true`` on a conversation shows the originals
to a role allowed ``inbox.personal_data`` (else 403) and is audited. An id of another workspace
is 404, whoever asks."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any, Literal

from fastapi import Query, Request
from pydantic import BaseModel, Field

from socialops.engage import cases, contacts, conversations, presence, saved
from socialops.web.actions import inbox as actions
from socialops.web.actions.inbox import plain
from socialops.web.api.common import ERRORS, Done, Page, PageNo, RowId, Slug, caller, router

__all__ = ["detail_out"]

TAGS: list[str | Enum] = ["inbox"]
WS = "/workspaces/{ws}"
CONV = WS + "/conversations"
PerPage = Annotated[int, Query(ge=1, le=200)]
Status = Literal["new", "open", "waiting", "resolved", "closed"]


# -- models --------------------------------------------------------------------------------------
class MessageIn(BaseModel):
    text: str = Field(min_length=1, max_length=actions.MAX_TEXT)
    kind: Literal["reply", "note"] = Field("reply", description="note: internal, never sent")


class AssignIn(BaseModel):
    assignee: str | None = Field(None, max_length=320, description="an e-mail; null: nobody")
    team: str | None = Field(None, max_length=100)
    me: bool = Field(False, description="assign to the caller (what an agent may do)")


class PresenceIn(BaseModel):
    state: Literal["viewing", "typing"] = "typing"


class StatusIn(BaseModel):
    status: Status


class RejectIn(BaseModel):
    reason: str = Field("", max_length=500)


class TagsIn(BaseModel):
    tags: list[str] = Field(max_length=30)


class NoteIn(BaseModel):
    text: str = Field(min_length=1, max_length=actions.MAX_TEXT)


class MergeIn(BaseModel):
    other: str = Field(min_length=1, max_length=64, description="merged into this contact")


class SavedIn(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    lang: Literal["ko", "en"] = "ko"
    text: str = Field(min_length=1, max_length=actions.MAX_TEXT)
    category: str = Field("", max_length=100)


# -- what is shown -------------------------------------------------------------------------------
def detail_out(detail: Any, db: Any = None, user: str = "") -> dict[str, Any]:
    """A conversation as the API shows it: its row, messages, case, contact and replies (and
    who else has it open, when ``db`` is given)."""
    out: dict[str, Any] = {
        **plain(detail.row),
        "messages": plain(detail.messages),
        "case": plain(detail.case),
        "contact": plain(detail.contact),
        "replies": plain(detail.replies),
    }
    if db is not None:
        out["others"] = [
            {"user": u, "state": s}
            for u, s in presence.others(db, detail.row.conversation_id, user)
        ]
    return out


def _page(items: list[Any], total: int, page: int, per_page: int) -> Page:
    pages = max(1, -(-total // per_page))
    return Page(total=total, page=page, per_page=per_page, pages=pages, items=items)


# -- conversations -------------------------------------------------------------------------------
SEARCH_TOTAL_CAP = 1000  # a search's total counts this many matches at most


class ConversationPage(Page):
    total_capped: bool = Field(
        False,
        description=f"a search's total is counted up to {SEARCH_TOTAL_CAP}: true, there are more "
        "(present on searches only)",
    )


@router.get(
    CONV,
    response_model=ConversationPage,
    response_model_exclude_unset=True,
    responses=ERRORS,
    tags=TAGS,
)
def list_conversations(
    request: Request,
    ws: Slug,
    status: Annotated[str, Query(max_length=20)] = "",
    scope: Annotated[str, Query(max_length=20, description="all | mine | unassigned")] = "all",
    channel: Annotated[str, Query(max_length=40)] = "",
    intent: Annotated[str, Query(max_length=20)] = "",
    urgency: Annotated[str, Query(max_length=20)] = "",
    q: Annotated[str, Query(max_length=200)] = "",
    before: Annotated[
        str, Query(max_length=120, description="a row's cursor: the page after it (faster)")
    ] = "",
    page: PageNo = 1,
    per_page: PerPage = 50,
) -> Page:
    """The inbox, newest first, filtered (``scope``: the caller's own, unassigned or all;
    ``urgency``: the case's priority). ``total`` counts every match — a search (``q``) up to
    1,000, then ``total_capped`` is true; ``before`` (the last row's
    ``updated_at|conversation_id``) pages by keyset from there."""
    actor = caller(request)
    _, db = actions.workspace_of(actor, ws)
    f = actions.Filters(status, scope or "all", channel, intent, urgency, q).check()
    me = actor.user.email
    found = actions.conversations_page(db, f, me, page, per_page, before=before or None)
    items = [plain(r) for r in found]
    if not f.q:
        return _page(items, actions.count_conversations(db, f, me), page, per_page)
    total = actions.count_conversations(db, f, me, cap=SEARCH_TOTAL_CAP)
    out = _page(items, min(total, SEARCH_TOTAL_CAP), page, per_page)
    return ConversationPage(**out.model_dump(), total_capped=total > SEARCH_TOTAL_CAP)


@router.get(CONV + "/{conversation_id}", responses=ERRORS, tags=TAGS)
def get_conversation(
    request: Request,
    ws: Slug,
    conversation_id: str,
    reveal: Annotated[bool, Query(description="originals of masked data (audited)")] = False,
) -> dict[str, Any]:
    actor = caller(request)
    _, detail, private = actions.open_conversation(actor, ws, conversation_id, reveal=reveal)
    out = detail_out(detail, actor.services.workspace(ws), actor.user.email)
    if reveal:
        out["contact"] = {**out["contact"], "private": private}
    return out


@router.get(CONV + "/{conversation_id}/messages", response_model=Page, responses=ERRORS, tags=TAGS)
def list_messages(
    request: Request, ws: Slug, conversation_id: str, page: PageNo = 1, per_page: PerPage = 100
) -> Page:
    """A conversation's messages, oldest first (masked)."""
    _, db = actions.workspace_of(caller(request), ws)
    found = conversations.get_conversation(db, conversation_id).messages
    items = plain(found[(page - 1) * per_page : page * per_page])
    return _page(items, len(found), page, per_page)


@router.post(CONV + "/{conversation_id}/messages", status_code=201, responses=ERRORS, tags=TAGS)
def post_message(
    request: Request, ws: Slug, conversation_id: str, body: MessageIn
) -> dict[str, Any]:
    """A reply to the customer (queued, or waiting for approval) or an internal note."""
    actor = caller(request)
    if body.kind == "note":
        note_id = actions.add_note(actor, ws, conversation_id, body.text)
        return {"kind": "note", "message_id": note_id}
    return {"kind": "reply", **plain(actions.reply(actor, ws, conversation_id, body.text))}


@router.post(
    CONV + "/{conversation_id}/messages/{message_id}/hide",
    response_model=Done,
    responses=ERRORS,
    tags=TAGS,
)
def hide_message(request: Request, ws: Slug, conversation_id: str, message_id: str) -> Done:
    """Hide a customer's spam or abusive comment on the platform, where it allows it
    (``inbox.manage``; audited; 400 ``inbox.moderation.unsupported`` where it does not). The
    inbox keeps the message."""
    actions.hide_message(caller(request), ws, conversation_id, message_id)
    return Done(detail="hidden")


@router.post(CONV + "/{conversation_id}/assign", responses=ERRORS, tags=TAGS)
def assign(request: Request, ws: Slug, conversation_id: str, body: AssignIn) -> dict[str, Any]:
    """Assign the conversation's case (``me``: to the caller; anyone else, or a team, needs
    ``inbox.manage``; ``team`` one of the workspace's care teams, "" none, null unchanged)."""
    actor = caller(request)
    who = actor.user.email if body.me else (body.assignee or None)
    return dict(plain(actions.assign(actor, ws, conversation_id, assignee=who, team=body.team)))


@router.post(CONV + "/{conversation_id}/presence", response_model=Done, responses=ERRORS, tags=TAGS)
def touch(request: Request, ws: Slug, conversation_id: str, body: PresenceIn) -> Done:
    """The caller is viewing or typing (collision detection; not audited)."""
    actions.typing(caller(request), ws, conversation_id, body.state)
    return Done(detail=body.state)


@router.get(CONV + "/{conversation_id}/presence", responses=ERRORS, tags=TAGS)
def others(request: Request, ws: Slug, conversation_id: str) -> list[dict[str, str]]:
    """Who else has the conversation open, or is typing, in the last 30 seconds."""
    actor = caller(request)
    _, db = actions.workspace_of(actor, ws)
    conversations.get_conversation(db, conversation_id)
    return [
        {"user": u, "state": s} for u, s in presence.others(db, conversation_id, actor.user.email)
    ]


# -- cases and replies ---------------------------------------------------------------------------
@router.get(WS + "/cases/{case_id}", responses=ERRORS, tags=TAGS)
def get_case(request: Request, ws: Slug, case_id: RowId) -> dict[str, Any]:
    _, db = actions.workspace_of(caller(request), ws)
    return dict(plain(cases.get_case(db, case_id)))


@router.post(WS + "/cases/{case_id}/status", responses=ERRORS, tags=TAGS)
def set_status(request: Request, ws: Slug, case_id: RowId, body: StatusIn) -> dict[str, Any]:
    return dict(plain(actions.set_status(caller(request), ws, case_id, body.status)))


@router.post(WS + "/replies/{reply_id}/approve", responses=ERRORS, tags=TAGS)
def approve_reply(request: Request, ws: Slug, reply_id: str) -> dict[str, Any]:
    return dict(plain(actions.approve_reply(caller(request), ws, reply_id)))


@router.post(WS + "/replies/{reply_id}/reject", responses=ERRORS, tags=TAGS)
def reject_reply(request: Request, ws: Slug, reply_id: str, body: RejectIn) -> dict[str, Any]:
    return dict(plain(actions.reject_reply(caller(request), ws, reply_id, body.reason)))


@router.post(WS + "/replies/{reply_id}/retry", responses=ERRORS, tags=TAGS)
def retry_reply(request: Request, ws: Slug, reply_id: str) -> dict[str, Any]:
    """A failed send queued again (never sent twice)."""
    return dict(plain(actions.retry_reply(caller(request), ws, reply_id)))


# -- contacts ------------------------------------------------------------------------------------
@router.get(WS + "/contacts/{contact_id}", responses=ERRORS, tags=TAGS)
def get_contact(request: Request, ws: Slug, contact_id: str) -> dict[str, Any]:
    """A customer: handles, tags, notes, consent, attributes and conversations (masked)."""
    _, db = actions.workspace_of(caller(request), ws)
    return dict(plain(contacts.contact(db, contact_id)))


@router.put(WS + "/contacts/{contact_id}/tags", responses=ERRORS, tags=TAGS)
def set_tags(request: Request, ws: Slug, contact_id: str, body: TagsIn) -> Done:
    actions.set_tags(caller(request), ws, contact_id, body.tags)
    return Done(detail="tags")


@router.post(WS + "/contacts/{contact_id}/notes", status_code=201, responses=ERRORS, tags=TAGS)
def add_contact_note(request: Request, ws: Slug, contact_id: str, body: NoteIn) -> Done:
    actions.add_contact_note(caller(request), ws, contact_id, body.text)
    return Done(detail="note")


@router.post(WS + "/contacts/{contact_id}/merge", responses=ERRORS, tags=TAGS)
def merge_contacts(request: Request, ws: Slug, contact_id: str, body: MergeIn) -> Done:
    actions.merge_contacts(caller(request), ws, contact_id, body.other)
    return Done(detail="merged")


# -- saved replies -------------------------------------------------------------------------------
@router.get(WS + "/saved-replies", response_model=Page, responses=ERRORS, tags=TAGS)
def list_saved(
    request: Request,
    ws: Slug,
    lang: Literal["ko", "en"] | None = None,
    page: PageNo = 1,
    per_page: PerPage = 50,
) -> Page:
    _, db = actions.workspace_of(caller(request), ws)
    found = saved.list_saved(db, lang)
    items = plain(found[(page - 1) * per_page : page * per_page])
    return _page(items, len(found), page, per_page)


@router.post(WS + "/saved-replies", status_code=201, responses=ERRORS, tags=TAGS)
def save_saved(request: Request, ws: Slug, body: SavedIn) -> Any:
    """Add a saved reply, or replace the one of that name and language. Variables:
    ``{name}``/``{이름}``, ``{case}``/``{케이스}``, ``{agent}``/``{상담사}``."""
    found = actions.save_saved(
        caller(request), ws, name=body.name, lang=body.lang, body=body.text, category=body.category
    )
    return plain(found)


@router.delete(WS + "/saved-replies/{saved_id}", response_model=Done, responses=ERRORS, tags=TAGS)
def remove_saved(request: Request, ws: Slug, saved_id: str) -> Done:
    actions.remove_saved(caller(request), ws, saved_id)
    return Done(detail="removed")
