"""Replies from the inbox before they go out: drafted, checked, approved when the operating
policy asks for it, retried; and internal notes. The sending itself (claim, deliver, settle,
crash recovery) is :mod:`socialops.engage.sending`.

A reply is a row of ``inbox_replies`` with an idempotency key (a TID, :func:`new_tid`) made when
it is drafted. Its states, and who moves it:

=================  ==============================================================================
pending_approval   the running plan's approval rules cover replies and the author's role may not
                   send alone (agents): managers are notified; :func:`approve_reply` → queued,
                   :func:`reject_reply` → rejected (the author is notified)
queued             due for :func:`~socialops.engage.sending.send_due` (``updated_at`` is the
                   earliest time it may go: a retry or a rate limit holds it there)
sending            claimed by ``send_due`` and COMMITTED before the platform is called
sent               the platform accepted it (or the channel stores it for the customer to pull)
failed             the platform refused it for good (the reason shown; :func:`retry_reply`)
unknown            sending stopped half-way and the platform cannot say whether it went out
                   (a person decides: :func:`retry_reply`)
=================  ==============================================================================

``transport`` says how a reply reaches the customer (:func:`transport_of`: ``platform``,
``pull`` or ``record``)."""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Connection, text

from socialops.connectors.core import CanReply, new_tid
from socialops.connectors.registry import REGISTRY
from socialops.domain.instants import now_iso
from socialops.domain.permissions import allowed
from socialops.engage.events import emit
from socialops.engage.moderation import check_reply_text, needs_approval
from socialops.engage.notify import notify_inbox
from socialops.errors import EngageError
from socialops.i18n import has, t
from socialops.nlp.pii import mask_pii
from socialops.store.secrets import encrypt
from socialops.store.workspace import Workspace

__all__ = [
    "REPLY_STATES",
    "Reply",
    "add_note",
    "approve_reply",
    "draft_reply",
    "get_reply",
    "list_replies",
    "preview",
    "reject_reply",
    "retry_reply",
    "tell",
    "transport_of",
]

REPLY_STATES = ("pending_approval", "queued", "sending", "sent", "failed", "unknown", "rejected")
_COLS = (
    "r.reply_id, r.conversation_id, r.case_id, r.text, r.key, r.state, r.author, r.approver, "
    "r.parent_remote_id, r.remote_id, r.url, r.message_id, r.error, r.attempts, r.created_at, "
    "r.updated_at, r.sent_at, c.source, c.channel, p.platform"
)
_FROM = (
    "FROM inbox_replies r JOIN conversations c ON c.conversation_id = r.conversation_id "
    "LEFT JOIN profiles p ON p.profile_id = c.source"
)


@dataclass(frozen=True)
class Reply:
    reply_id: str
    conversation_id: str
    case_id: int | None
    text: str
    key: str
    state: str
    author: str
    approver: str
    parent_remote_id: str | None
    remote_id: str | None
    url: str
    message_id: str | None
    error: str  # "<code>: <platform's words>" (a failure, a rejection's reason)
    attempts: int
    created_at: str
    updated_at: str
    sent_at: str | None
    source: str
    channel: str
    transport: str  # platform | pull | record

    @property
    def error_code(self) -> str:
        return self.error.split(": ", 1)[0] if self.error else ""

    def error_text(self, lang: str) -> str:
        """Why it failed (or was rejected), in ``lang``."""
        if not self.error:
            return ""
        code, _, detail = self.error.partition(": ")
        for key in (f"inbox.reply.reason.{code}", f"publish.reason.{code}"):
            if has(key):
                return t(key, lang, detail=detail or "-")
        return self.error

    def to_dict(self, lang: str = "ko") -> dict[str, Any]:
        out = asdict(self)
        out["error_code"] = self.error_code
        out["error_text"] = self.error_text(lang)
        out["transport_text"] = t(f"inbox.reply.transport.{self.transport}", lang)
        return out


def transport_of(source_platform: str | None) -> str:
    """How a reply reaches the customer: ``platform`` (the connector replies), ``pull`` (a
    profile without a push API: the customer's channel picks it up) or ``record`` (no profile:
    an imported or demo conversation)."""
    if not source_platform:
        return "record"
    cls = REGISTRY.get(source_platform)
    return "platform" if cls is not None and issubclass(cls, CanReply) else "pull"


def _row(r: Any) -> Reply:
    return Reply(
        reply_id=r[0],
        conversation_id=r[1],
        case_id=r[2],
        text=r[3],
        key=r[4],
        state=r[5],
        author=r[6],
        approver=r[7],
        parent_remote_id=r[8],
        remote_id=r[9],
        url=r[10] or "",
        message_id=r[11],
        error=r[12] or "",
        attempts=int(r[13] or 0),
        created_at=r[14],
        updated_at=r[15],
        sent_at=r[16],
        source=r[17],
        channel=r[18],
        transport=transport_of(r[19]),
    )


def _get(conn: Connection, reply_id: str) -> Reply:
    r = conn.execute(text(f"SELECT {_COLS} {_FROM} WHERE r.reply_id = :id"), {"id": reply_id})
    row = r.fetchone()
    if row is None:
        raise EngageError("inbox.unknown_reply", reply=reply_id[:40])
    return _row(row)


def get_reply(ws: Workspace, reply_id: str) -> Reply:
    with ws.connect() as conn:
        return _get(conn, reply_id)


def list_replies(
    ws: Workspace, *, conversation_id: str | None = None, state: str | None = None
) -> list[Reply]:
    """Replies of a conversation (or all), oldest first, optionally in one ``state``."""
    where, params = [], {}
    if conversation_id is not None:
        where.append("r.conversation_id = :c")
        params["c"] = conversation_id
    if state is not None:
        where.append("r.state = :s")
        params["s"] = state
    sql = f"SELECT {_COLS} {_FROM}"
    if where:
        sql += " WHERE " + " AND ".join(where)
    with ws.connect() as conn:
        rows = conn.execute(text(sql + " ORDER BY r.created_at, r.reply_id"), params).fetchall()
    return [_row(r) for r in rows]


# -- moves -------------------------------------------------------------------------------------
def _conversation(conn: Connection, conversation_id: str) -> Any:
    row = conn.execute(
        text(
            "SELECT c.conversation_id, c.source, c.channel, c.case_id, p.platform, p.settings "
            "FROM conversations c LEFT JOIN profiles p ON p.profile_id = c.source "
            "WHERE c.conversation_id = :c"
        ),
        {"c": conversation_id},
    ).fetchone()
    if row is None:
        raise EngageError("inbox.unknown_conversation", conversation_id=conversation_id[:40])
    return row


def _may(role: str, action: str) -> None:
    if not allowed(role, action):
        raise EngageError("inbox.reply.forbidden", role=role or "-")


def preview(body: str) -> str:
    """A reply's first words for a notification: personal data masked, one line, ≤ 40 chars."""
    one = " ".join(mask_pii(body)[0].split())
    return one if len(one) <= 40 else one[:39] + "…"


def tell(
    conn: Connection,
    kind: str,
    key: str,
    *,
    users: list[str],
    conversation_id: str,
    **params: Any,
) -> None:
    """A notification (web, and e-mail/webhook when the workspace set them up) through the
    inbox's notifier: ``users`` are e-mails or role names (``manager``); it links to the
    conversation's page (a path in the workspace: ``/w/{ws}`` is the web's to add)."""
    notify_inbox(
        conn,
        kind,
        users=users,
        key=key,
        params=params,
        link=f"/inbox/c/{conversation_id}",
    )


def draft_reply(
    ws: Workspace, conversation_id: str, text_: str, *, author: str, role: str
) -> Reply:
    """A reply to the conversation's latest customer message, checked (the channel's length,
    the policy's banned words) and ``queued`` — or ``pending_approval`` when the policy wants a
    manager to see it first (managers are notified). Raises :class:`EngageError`."""
    _may(role, "inbox.work")
    body = (text_ or "").strip()
    if not body:
        raise EngageError("inbox.reply.empty")
    now = now_iso()
    reply_id = uuid.uuid4().hex[:16]
    with ws.begin() as conn:
        conv = _conversation(conn, conversation_id)
        check_reply_text(
            conn,
            body,
            platform=conv.platform,
            channel=conv.channel,
            settings=json.loads(conv.settings or "{}"),
        )
        parent = conn.execute(
            text(
                "SELECT remote_id FROM messages WHERE conversation_id = :c AND direction = 'in' "
                "ORDER BY created_at DESC, received_at DESC LIMIT 1"
            ),
            {"c": conversation_id},
        ).scalar()
        if parent is None and transport_of(conv.platform) == "platform":
            raise EngageError("inbox.reply.no_parent")
        waiting = needs_approval(conn, role)
        state = "pending_approval" if waiting else "queued"
        conn.execute(
            text(
                "INSERT INTO inbox_replies (reply_id, conversation_id, case_id, text, key, state, "
                "author, parent_remote_id, created_at, updated_at) VALUES (:id, :c, :case, :t, "
                ":k, :s, :a, :p, :now, :now)"
            ),
            {
                "id": reply_id,
                "c": conversation_id,
                "case": conv.case_id,
                "t": body,
                "k": new_tid(),
                "s": state,
                "a": author,
                "p": parent,
                "now": now,
            },
        )
        emit(
            conn,
            "reply_queued",
            conversation_id=conversation_id,
            case_id=conv.case_id,
            user=author,
            reply_id=reply_id,
            approval=waiting,
        )
        if waiting:
            tell(
                conn,
                "approval_waiting",
                "inbox.notice.reply_waiting",
                users=["manager", "owner"],
                conversation_id=conversation_id,
                author=author,
                preview=preview(body),
                reply=reply_id,
            )
        return _get(conn, reply_id)


def _move(
    conn: Connection, reply: Reply, wanted: tuple[str, ...], sets: str, **params: Any
) -> None:
    """A guarded state move: only from ``wanted`` (two people at once: one wins)."""
    states = ", ".join(f"'{s}'" for s in wanted)
    done = conn.execute(
        text(
            f"UPDATE inbox_replies SET {sets}, updated_at = :now WHERE reply_id = :id AND "
            f"state IN ({states})"
        ),
        {"id": reply.reply_id, "now": now_iso(), **params},
    )
    if done.rowcount != 1:
        raise EngageError("inbox.reply.state", state=reply.state, wanted=", ".join(wanted))


def approve_reply(ws: Workspace, reply_id: str, *, approver: str, role: str = "manager") -> Reply:
    """A manager lets a waiting reply go (never its own author): ``queued``."""
    _may(role, "inbox.manage")
    with ws.begin() as conn:
        reply = _get(conn, reply_id)
        if reply.author == approver:
            raise EngageError("inbox.reply.own")
        _move(conn, reply, ("pending_approval",), "state = 'queued', approver = :a", a=approver)
        emit(
            conn,
            "reply_approved",
            conversation_id=reply.conversation_id,
            case_id=reply.case_id,
            user=approver,
            reply_id=reply_id,
        )
        return _get(conn, reply_id)


def reject_reply(
    ws: Workspace, reply_id: str, *, approver: str, reason: str = "", role: str = "manager"
) -> Reply:
    """A manager sends a waiting reply back (``rejected``, with the reason; the author is
    notified and writes a new one)."""
    _may(role, "inbox.manage")
    reason = " ".join((reason or "").split())[:500]
    with ws.begin() as conn:
        reply = _get(conn, reply_id)
        _move(
            conn,
            reply,
            ("pending_approval",),
            "state = 'rejected', approver = :a, error = :e",
            a=approver,
            e=f"rejected: {reason}" if reason else "rejected",
        )
        emit(
            conn,
            "reply_rejected",
            conversation_id=reply.conversation_id,
            case_id=reply.case_id,
            user=approver,
            reply_id=reply_id,
            reason=reason,
        )
        tell(
            conn,
            "reply_rejected",
            "inbox.notice.reply_rejected",
            users=[reply.author],
            conversation_id=reply.conversation_id,
            approver=approver,
            preview=preview(reply.text),
            reason=reason,
            reply=reply_id,
        )
        return _get(conn, reply_id)


def retry_reply(ws: Workspace, reply_id: str, *, user: str, role: str = "agent") -> Reply:
    """A failed (or unknown) reply is queued again, under the same key: the send looks for it
    on the platform first, so a reply that did go out is not sent twice."""
    _may(role, "inbox.work")
    with ws.begin() as conn:
        reply = _get(conn, reply_id)
        _move(conn, reply, ("failed", "unknown"), "state = 'queued', error = ''")
        emit(
            conn,
            "reply_queued",
            conversation_id=reply.conversation_id,
            case_id=reply.case_id,
            user=user,
            reply_id=reply_id,
            retry=True,
        )
        return _get(conn, reply_id)


def add_note(ws: Workspace, conversation_id: str, text_: str, *, author: str) -> str:
    """An internal note on the conversation (never sent; a ``note`` message agents see, personal
    data masked like every message); its message id."""
    body = (text_ or "").strip()
    if not body:
        raise EngageError("inbox.note.empty")
    masked, kinds = mask_pii(body)
    message_id = uuid.uuid4().hex[:16]
    now = now_iso()
    with ws.begin() as conn:
        conv = _conversation(conn, conversation_id)
        conn.execute(
            text(
                "INSERT INTO messages (message_id, conversation_id, source, remote_id, direction, "
                "author, text, private, pii, created_at, received_at) VALUES (:m, :c, :s, :r, "
                "'note', :a, :t, :p, :pii, :now, :now)"
            ),
            {
                "m": message_id,
                "c": conversation_id,
                "s": conv.source,
                "r": f"note:{message_id}",
                "a": author,
                "t": masked,
                "p": encrypt(ws.root, {"text": body}) if kinds else "",
                "pii": json.dumps(kinds),
                "now": now,
            },
        )
        emit(
            conn,
            "note",
            conversation_id=conversation_id,
            case_id=conv.case_id,
            user=author,
            message_id=message_id,
        )
    return message_id
