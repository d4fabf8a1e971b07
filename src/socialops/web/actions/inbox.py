"""The inbox in the web: one function per change (permission check, the change through
:mod:`socialops.engage`, the audit entry), called by the pages and by the API alike, and the
reads both show.

Permissions (:mod:`socialops.domain.permissions`): ``view`` reads conversations, cases,
contacts and saved replies (masked); ``inbox.work`` (agents, managers, owners) replies, writes
internal notes, changes a case's status, takes a conversation ("assign to me"), retries a failed
send and tags contacts; ``inbox.manage`` (managers, owners) assigns to others, approves or
rejects replies, merges contacts and edits saved replies; ``inbox.personal_data`` (owners)
reveals the original of masked personal data, and every reveal is audited.

Tenant isolation comes from the store: each workspace has its own database, so an id of
another workspace is simply unknown here (the engage functions raise ``inbox.unknown_*``,
answered 404)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypedDict

from sqlalchemy import text

from socialops.connectors.registry import load_builtin
from socialops.engage import (
    cases,
    contacts,
    conversations,
    moderation,
    presence,
    replies,
    saved,
    teams,
)
from socialops.engage.conversations import ConversationRow
from socialops.errors import EngageError
from socialops.store.workspace import Workspace
from socialops.web.actions.base import Actor
from socialops.web.auth import Access
from socialops.web.permissions import allowed

__all__ = [
    "MANAGE",
    "PERSONAL",
    "SCOPES",
    "STATUSES",
    "URGENCIES",
    "WORK",
    "Filters",
    "add_contact_note",
    "add_note",
    "approve_reply",
    "assign",
    "can_hide",
    "case_history",
    "conversation_channel",
    "conversation_source",
    "conversations_page",
    "count_conversations",
    "find_conversations",
    "hide_message",
    "length_rule",
    "merge_candidates",
    "merge_contacts",
    "open_conversation",
    "plain",
    "reject_reply",
    "remove_saved",
    "reply",
    "retry_reply",
    "save_saved",
    "set_status",
    "set_tags",
    "team_names",
    "typing",
    "workspace_of",
]

WORK, MANAGE, PERSONAL = "inbox.work", "inbox.manage", "inbox.personal_data"
STATUSES = ("new", "open", "waiting", "resolved", "closed")
SCOPES = ("all", "mine", "unassigned")
URGENCIES = ("low", "normal", "high", "urgent")
INTENTS = ("inquiry", "complaint", "praise", "suggestion", "spam", "other")
MAX_TEXT = 5000  # a reply or a note


def workspace_of(actor: Actor, ws: str, action: str = "view") -> tuple[Access, Workspace]:
    """The caller's access to ``ws`` for ``action`` and the workspace's database."""
    return actor.access(ws, action), actor.services.workspace(ws)


def _who(actor: Actor) -> str:
    return actor.user.email


def _text(value: str, field: str) -> str:
    """A reply's or note's text: not empty, not longer than :data:`MAX_TEXT`."""
    value = value.strip()
    if not value:
        raise EngageError("inboxweb.empty", field=field)
    if len(value) > MAX_TEXT:
        raise EngageError("inboxweb.too_long", count=len(value), limit=MAX_TEXT)
    return value


# -- reads ---------------------------------------------------------------------------------------
def plain(item: Any) -> Any:
    """An engage value as JSON-ready data (its ``to_dict`` where it has one)."""
    if item is None or isinstance(item, str | int | float | bool):
        return item
    if hasattr(item, "to_dict"):
        return item.to_dict()
    if dataclasses.is_dataclass(item) and not isinstance(item, type):
        return dataclasses.asdict(item)
    if isinstance(item, dict):
        return {k: plain(v) for k, v in item.items()}
    if isinstance(item, list | tuple):
        return [plain(v) for v in item]
    return item


@dataclass(frozen=True)
class Filters:
    """The inbox list's filters as the page's form and the API's query give them."""

    status: str = ""
    scope: str = "all"  # all | mine | unassigned
    channel: str = ""
    intent: str = ""
    urgency: str = ""
    q: str = ""

    def check(self) -> Filters:
        """The filters, or a catalogue error naming the value that is not one of the known."""
        for field, value, known in (
            ("status", self.status, STATUSES),
            ("scope", self.scope, SCOPES),
            ("intent", self.intent, INTENTS),
            ("urgency", self.urgency, URGENCIES),
        ):
            if value and value not in known:
                raise EngageError(
                    "inboxweb.bad_filter", field=field, value=value, known=", ".join(known)
                )
        return self

    def params(self) -> dict[str, str]:
        return {k: v for k, v in self.__dict__.items() if v and not (k == "scope" and v == "all")}


def _assignee(f: Filters, me: str) -> str | None:
    return me if f.scope == "mine" else "" if f.scope == "unassigned" else None


class _EngageFilters(TypedDict):
    status: str | None
    assignee: str | None
    channel: str | None
    intent: str | None
    urgency: str | None
    q: str | None


def _engage_filters(f: Filters, me: str) -> _EngageFilters:
    """``f`` as the keyword arguments of the engage list and count."""
    return {
        "status": f.status or None,
        "assignee": _assignee(f, me),
        "channel": f.channel or None,
        "intent": f.intent or None,
        "urgency": f.urgency or None,
        "q": f.q.strip() or None,
    }


def find_conversations(
    db: Workspace, f: Filters, me: str, *, before: str | None = None, limit: int = 50
) -> list[ConversationRow]:
    """The conversations of ``db`` matching ``f`` (newest first, at most ``limit``, older than
    ``before``)."""
    f.check()
    return conversations.list_conversations(
        db, **_engage_filters(f, me), before=before or None, limit=limit
    )


def conversations_page(
    db: Workspace, f: Filters, me: str, page: int, per_page: int, *, before: str | None = None
) -> list[ConversationRow]:
    """Page ``page`` (from 1) of ``per_page`` conversations matching ``f``: the earlier pages
    are walked by keyset (at most 200 rows a query, each on the ``updated_at`` index), so a
    deep page never asks the database for more than one window at a time."""
    skip = (max(1, page) - 1) * per_page
    cursor = before or None
    if not f.q and per_page <= conversations.MAX_LIMIT:  # numbered pages: one index walk
        return conversations.list_conversations(
            db, **_engage_filters(f, me), before=cursor, limit=per_page, offset=skip
        )
    while skip > 0:
        step = conversations.list_conversations(
            db, **_engage_filters(f, me), before=cursor, limit=min(skip, conversations.MAX_LIMIT)
        )
        if not step:
            return []
        skip -= len(step)
        cursor = step[-1].cursor
    out: list[ConversationRow] = []
    while len(out) < per_page:
        want = min(per_page - len(out), conversations.MAX_LIMIT)
        step = conversations.list_conversations(
            db, **_engage_filters(f, me), before=cursor, limit=want
        )
        out += step
        if len(step) < want:
            break
        cursor = step[-1].cursor
    return out


def count_conversations(db: Workspace, f: Filters, me: str, *, cap: int | None = None) -> int:
    """How many conversations match ``f`` (the API's ``total``); with ``cap``, at most
    ``cap + 1`` (more than ``cap``)."""
    f.check()
    return conversations.count_conversations(db, **_engage_filters(f, me), cap=cap)


def open_conversation(
    actor: Actor, ws: str, conversation_id: str, *, reveal: bool = False
) -> tuple[Access, Any, dict[str, str]]:
    """A conversation with its messages, case, contact and replies; the reader is marked as
    viewing it (when they may work it: collision detection). ``reveal`` shows the originals of
    masked personal data and the contact's e-mail and phone (the third value) — only to a role
    allowed ``inbox.personal_data``, audited."""
    access, db = workspace_of(actor, ws, PERSONAL if reveal else "view")
    detail = conversations.get_conversation(db, conversation_id, reveal=reveal)
    private: dict[str, str] = {}
    if reveal:
        private = contacts.reveal_contact(db, detail.row.contact_id)
        actor.audit(access, "inbox.reveal", conversation_id, contact=detail.row.contact_id)
    if allowed(access.role, WORK):
        presence.touch(db, conversation_id, _who(actor), "viewing")
    return access, detail, private


def typing(actor: Actor, ws: str, conversation_id: str, state: str = "typing") -> None:
    """The caller is viewing or typing in ``conversation_id`` (collision detection: presence,
    not a change to the workspace, so no audit entry)."""
    _, db = workspace_of(actor, ws, WORK)
    if state not in ("viewing", "typing"):
        raise EngageError(
            "inboxweb.bad_filter", field="state", value=state, known="viewing, typing"
        )
    conversations.get_conversation(db, conversation_id)  # 404 for an unknown id
    presence.touch(db, conversation_id, _who(actor), state)


def length_rule(channel: str) -> tuple[int | None, str]:
    """The reply box's limit for ``channel``: (most characters or ``None``, how counted) — the
    limits :func:`socialops.engage.replies.draft_reply` checks."""
    load_builtin()
    limits = moderation.channel_limits(None, channel, {})
    return limits.max_chars, limits.count


# -- cases ---------------------------------------------------------------------------------------
def assign(
    actor: Actor, ws: str, conversation_id: str, *, assignee: str | None, team: str | None = None
) -> Any:
    """Assign a conversation's case: to oneself (``inbox.work``: "assign to me") or to someone
    else, a team, or nobody (``inbox.manage``)."""
    me = _who(actor)
    need = WORK if assignee == me and not team else MANAGE
    access, db = workspace_of(actor, ws, need)
    if team and team.strip() not in team_names(db):
        raise EngageError("inbox.unknown_team", name=team.strip()[:100])
    case = cases.assign(db, conversation_id, assignee=assignee, team=team, by=me)
    actor.audit(access, "inbox.assign", conversation_id, assignee=assignee or "", team=team or "")
    return case


def set_status(actor: Actor, ws: str, case_id: int, status: str) -> Any:
    access, db = workspace_of(actor, ws, WORK)
    if status not in STATUSES:
        raise EngageError(
            "inboxweb.bad_filter", field="status", value=status, known=", ".join(STATUSES)
        )
    case = cases.set_status(db, case_id, status, user=_who(actor))
    actor.audit(access, "inbox.status", str(case_id), status=status)
    return case


def team_names(db: Workspace) -> list[str]:
    """The care teams a case may be given to (:func:`socialops.engage.teams.list_teams`)."""
    return [t.name for t in teams.list_teams(db)]


# -- replies and notes ---------------------------------------------------------------------------
def reply(actor: Actor, ws: str, conversation_id: str, body: str) -> Any:
    """A reply to the customer: queued to send, or waiting for approval when the caller's role
    (or the running plan's policy) needs it."""
    access, db = workspace_of(actor, ws, WORK)
    r = replies.draft_reply(
        db, conversation_id, _text(body, "reply"), author=_who(actor), role=access.role
    )
    actor.audit(access, "inbox.reply", conversation_id, state=r.state)
    return r


def approve_reply(actor: Actor, ws: str, reply_id: str) -> Any:
    access, db = workspace_of(actor, ws, MANAGE)
    r = replies.approve_reply(db, reply_id, approver=_who(actor), role=access.role)
    actor.audit(access, "inbox.reply_approve", reply_id)
    return r


def reject_reply(actor: Actor, ws: str, reply_id: str, reason: str = "") -> Any:
    access, db = workspace_of(actor, ws, MANAGE)
    r = replies.reject_reply(
        db, reply_id, approver=_who(actor), reason=reason[:500], role=access.role
    )
    actor.audit(access, "inbox.reply_reject", reply_id, note=reason[:200])
    return r


def retry_reply(actor: Actor, ws: str, reply_id: str) -> Any:
    """A failed send tried again (the send stays idempotent: never sent twice)."""
    access, db = workspace_of(actor, ws, WORK)
    r = replies.retry_reply(db, reply_id, user=_who(actor), role=access.role)
    actor.audit(access, "inbox.reply_retry", reply_id)
    return r


def add_note(actor: Actor, ws: str, conversation_id: str, body: str) -> str:
    """An internal note on the conversation (never sent to the customer)."""
    access, db = workspace_of(actor, ws, WORK)
    note_id = replies.add_note(db, conversation_id, _text(body, "note"), author=_who(actor))
    actor.audit(access, "inbox.note", conversation_id)
    return note_id


# -- hiding a comment ----------------------------------------------------------------------------
def _conversation_column(db: Workspace, conversation_id: str, column: str) -> str:
    with db.connect() as conn:
        found = conn.execute(
            text(f"SELECT {column} FROM conversations WHERE conversation_id = :c"),
            {"c": conversation_id},
        ).scalar_one_or_none()
    if found is None:
        raise EngageError("inbox.unknown_conversation", conversation_id=conversation_id)
    return str(found)


def conversation_source(db: Workspace, conversation_id: str) -> str:
    """Where a conversation comes from: a profile id, ``import:<preset>`` or ``demo``."""
    return _conversation_column(db, conversation_id, "source")


def conversation_channel(db: Workspace, conversation_id: str) -> str:
    """A conversation's channel (bluesky, kakao, twitter, ...)."""
    return _conversation_column(db, conversation_id, "channel")


def can_hide(db: Workspace, source: str) -> bool:
    """Whether the platform behind ``source`` lets the account hide a customer's comment."""
    return moderation.can_hide(db, source)


def hide_message(actor: Actor, ws: str, conversation_id: str, message_id: str) -> None:
    """Hide a spam or abusive comment on the platform, where it allows it (``inbox.manage``;
    audited). The inbox keeps the message."""
    access, db = workspace_of(actor, ws, MANAGE)
    with db.connect() as conn:
        owner = conn.execute(
            text("SELECT conversation_id FROM messages WHERE message_id = :m"),
            {"m": message_id},
        ).scalar_one_or_none()
    if owner != conversation_id:  # unknown here, or a message of another conversation
        conversations.get_conversation(db, conversation_id)
        raise EngageError("inbox.moderation.unknown_message", message=message_id[:40])
    moderation.hide_message(db, message_id, user=_who(actor), role=access.role)
    actor.audit(access, "inbox.hide", conversation_id, message=message_id)


# -- contacts ------------------------------------------------------------------------------------
def set_tags(actor: Actor, ws: str, contact_id: str, tags: Sequence[str]) -> Any:
    access, db = workspace_of(actor, ws, WORK)
    clean = list(dict.fromkeys(t.strip()[:50] for t in tags if t.strip()))[:30]
    found = contacts.set_tags(db, contact_id, clean, _who(actor))
    actor.audit(access, "inbox.contact_tags", contact_id, tags=", ".join(clean))
    return found


def add_contact_note(actor: Actor, ws: str, contact_id: str, body: str) -> Any:
    access, db = workspace_of(actor, ws, WORK)
    found = contacts.add_note(db, contact_id, _text(body, "note"), _who(actor))
    actor.audit(access, "inbox.contact_note", contact_id)
    return found


def merge_contacts(actor: Actor, ws: str, keep: str, other: str) -> Any:
    """Two contacts found to be one person: ``other``'s handles and conversations move to
    ``keep``."""
    access, db = workspace_of(actor, ws, MANAGE)
    found = contacts.merge_contacts(db, keep, other, _who(actor))
    actor.audit(access, "inbox.contact_merge", keep, other=other)
    return found


def merge_candidates(
    db: Workspace, contact: dict[str, Any], limit: int = 10
) -> list[dict[str, Any]]:
    """Contacts that may be the same person as ``contact`` (the same name, not merged away),
    for the profile column's merge form: ``{contact_id, display_name, handles}``."""
    name = str(contact.get("display_name") or "").strip()
    cid = str(contact.get("contact_id") or "")
    if not name or not cid:
        return []
    with db.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT k.contact_id, k.display_name, h.channel, h.label, h.handle FROM contacts k "
                "LEFT JOIN contact_handles h ON h.contact_id = k.contact_id "
                "WHERE k.display_name = :n AND k.contact_id <> :c AND k.merged_into IS NULL "
                "ORDER BY k.contact_id LIMIT :lim"
            ),
            {"n": name, "c": cid, "lim": int(limit) * 3},
        ).fetchall()
    found: dict[str, dict[str, Any]] = {}
    for r in rows:
        item = found.setdefault(r[0], {"contact_id": r[0], "display_name": r[1], "handles": []})
        if r[2]:
            item["handles"].append(f"{r[2]}: {r[3] or r[4]}")
    return list(found.values())[:limit]


# -- saved replies -------------------------------------------------------------------------------
def save_saved(
    actor: Actor, ws: str, *, name: str, lang: str, body: str, category: str = ""
) -> Any:
    access, db = workspace_of(actor, ws, MANAGE)
    name = name.strip()[:100]
    if not name:
        raise EngageError("inboxweb.empty", field="name")
    if lang not in ("ko", "en"):
        raise EngageError("inboxweb.bad_filter", field="lang", value=lang, known="ko, en")
    found = saved.save_saved(
        db, name, lang, _text(body, "text"), category.strip()[:100], _who(actor)
    )
    actor.audit(access, "inbox.saved_save", name, lang=lang)
    return found


def remove_saved(actor: Actor, ws: str, saved_id: str) -> None:
    access, db = workspace_of(actor, ws, MANAGE)
    saved.remove_saved(db, saved_id)
    actor.audit(access, "inbox.saved_remove", saved_id)


def case_history(db: Workspace, case_id: int, limit: int = 200) -> list[dict[str, Any]]:
    """The inbox events of one case, oldest first (the case page's history)."""
    with db.connect() as conn:
        rows = conn.execute(
            text(
                'SELECT event_id, at, kind, "user", detail FROM inbox_events WHERE case_id = :c '
                "ORDER BY event_id LIMIT :n"
            ),
            {"c": int(case_id), "n": int(limit)},
        ).fetchall()
    return [
        {"event_id": int(r[0]), "at": r[1], "kind": r[2], "user": r[3], "detail": r[4]}
        for r in rows
    ]
