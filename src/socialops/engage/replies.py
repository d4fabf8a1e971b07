"""Replies from the inbox: drafted, approved when the operating policy asks for it, and sent
through the conversation's connector exactly once; and internal notes.

A reply is a row of ``inbox_replies`` with an idempotency key (a TID, :func:`new_tid`) made when
it is drafted. Its states, and who moves it:

=================  ==============================================================================
pending_approval   the running plan's approval rules cover replies and the author's role may not
                   send alone (agents): managers are notified; :func:`approve_reply` → queued,
                   :func:`reject_reply` → rejected (the author is notified)
queued             due for :func:`send_due` (``updated_at`` is the earliest time it may go: a
                   retry or a rate limit holds it there)
sending            claimed by :func:`send_due` and COMMITTED before the platform is called
sent               the platform accepted it: remote id, the out message, the case's response
                   times and the ``reply_sent`` event in one transaction
failed             the platform refused it for good (the reason shown; :func:`retry_reply`)
unknown            sending stopped half-way and the platform cannot say whether it went out
                   (a person decides: :func:`retry_reply`)
=================  ==============================================================================

A ``sending`` row older than ``lease_s`` was left by a process that died: the next
:func:`send_due` takes it over and first asks the platform for the key
(:meth:`CanPublish.find`): found → sent, not found → sent now (the connectors' replies are
idempotent by the key too), a platform that cannot look → ``unknown``. Never a blind resend.

Channels the customer pulls answers from (KakaoTalk skill, web chat: no push API) are ``sent``
when stored: the hook hands them over. Conversations with no profile (imports, the demo) record
the reply in the inbox only. ``transport`` says which (``platform``, ``pull``, ``record``)."""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, text

from socialops.connectors.core import (
    CanPublish,
    CanReply,
    ConnectorFailure,
    OutgoingPost,
    Resolution,
    new_tid,
)
from socialops.connectors.profiles import (
    Profile,
    fresh_connector,
    get_profile,
    set_limited,
    set_status,
)
from socialops.connectors.registry import REGISTRY
from socialops.domain.instants import iso_utc, now_iso
from socialops.domain.permissions import allowed
from socialops.engage.cases import load_case, on_brand_message
from socialops.engage.events import emit
from socialops.engage.moderation import check_reply_text, langs_of, needs_approval
from socialops.engage.notify import notify_inbox
from socialops.errors import EngageError, PublishError
from socialops.i18n import has, t
from socialops.nlp.pii import mask_pii
from socialops.store.secrets import encrypt
from socialops.store.workspace import Workspace

__all__ = [
    "LEASE_S",
    "REPLY_STATES",
    "Reply",
    "SendCounts",
    "add_note",
    "approve_reply",
    "draft_reply",
    "get_reply",
    "list_replies",
    "reject_reply",
    "retry_reply",
    "send_due",
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
    one = " ".join(mask_pii(body)[0].split())
    return one if len(one) <= 40 else one[:39] + "…"


def _tell(
    conn: Connection,
    kind: str,
    key: str,
    *,
    users: list[str],
    conversation_id: str,
    **params: Any,
) -> None:
    """A notification (web, and e-mail/webhook when the workspace set them up) through the
    inbox's notifier: ``users`` are e-mails or role names (``manager``)."""
    notify_inbox(
        conn,
        kind,
        users=users,
        key=key,
        params=params,
        link=f"/inbox/{conversation_id}",
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
            _tell(
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
        _tell(
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


# -- sending -----------------------------------------------------------------------------------
#: a ``sending`` row untouched this long was left by a process that died: it is taken over
LEASE_S = 120.0
#: attempts before a reply that keeps failing to go out waits for a person (``unknown``)
MAX_ATTEMPTS = 8


@dataclass
class SendCounts:
    sent: int = 0
    reconciled: int = 0  # found on the platform after a crash: not sent again
    pulled: int = 0  # stored for a channel the customer pulls from (or recorded only)
    waiting: int = 0  # held by a retry or a rate limit
    failed: int = 0
    unknown: int = 0
    replies: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, int]:
        return {k: v for k, v in asdict(self).items() if k != "replies"}


def _claim(ws: Workspace, lease_s: float) -> tuple[str, str, int] | None:
    """The next due reply (queued and not held, or ``sending`` past its lease), moved to
    ``sending`` and committed: its id, the state it was claimed from and its attempt number.
    PostgreSQL: a row lock skipped by other workers; SQLite: one writer at a time."""
    now = datetime.now(UTC)
    params = {"now": iso_utc(now), "stale": iso_utc(now - timedelta(seconds=lease_s))}
    where = (
        "FROM inbox_replies WHERE (state = 'queued' AND updated_at <= :now) OR "
        "(state = 'sending' AND updated_at < :stale) ORDER BY created_at, reply_id LIMIT 1"
    )
    db = ws.db
    with ws.begin() as conn:
        lock = " FOR UPDATE SKIP LOCKED" if db.schema is not None else ""
        row = conn.execute(text(f"SELECT reply_id, state, attempts {where}{lock}"), params).first()
        if row is None:
            return None
        conn.execute(
            text(
                "UPDATE inbox_replies SET state = 'sending', attempts = attempts + 1, "
                "updated_at = :now WHERE reply_id = :id"
            ),
            {"now": params["now"], "id": row[0]},
        )
    return str(row[0]), str(row[1]), int(row[2]) + 1


def _settle(ws: Workspace, reply: Reply, sets: str, **params: Any) -> bool:
    """Move a reply this sender holds (still ``sending``) on; False when someone else did."""
    with ws.begin() as conn:
        done = conn.execute(
            text(f"UPDATE inbox_replies SET {sets} WHERE reply_id = :id AND state = 'sending'"),
            {"id": reply.reply_id, "now": now_iso(), **params},
        )
        if done.rowcount == 1 and params.get("s") == "failed":
            emit(
                conn,
                "reply_failed",
                conversation_id=reply.conversation_id,
                case_id=reply.case_id,
                user=reply.author,
                reply_id=reply.reply_id,
                error=str(params.get("e", "")),
            )
            _tell(
                conn,
                "reply_failed",
                "inbox.notice.reply_failed",
                users=[reply.author, "manager"],
                conversation_id=reply.conversation_id,
                preview=preview(reply.text),
                reply=reply.reply_id,
            )
        return bool(done.rowcount == 1)


def _hold(ws: Workspace, reply: Reply, res: Resolution, state: str = "queued") -> None:
    until = datetime.now(UTC) + timedelta(seconds=res.retry_after or 60.0)
    _settle(
        ws,
        reply,
        "state = :s, updated_at = :u, error = :e",
        s=state,
        u=iso_utc(until),
        e=f"{res.code}: {res.detail}"[:500],
    )


def _fail(ws: Workspace, reply: Reply, code: str, detail: str = "") -> None:
    _settle(
        ws,
        reply,
        "state = :s, updated_at = :now, error = :e",
        s="failed",
        e=f"{code}: {detail}"[:500] if detail else code,
    )


def _sent(ws: Workspace, reply: Reply, remote_id: str, url: str, how: str) -> bool:
    """The platform has it (or the channel stores it): in ONE transaction the reply is
    ``sent`` with its remote id, the out message is stored (masked), the case's first and
    last response times and the conversation's last message are set and ``reply_sent`` is
    written. False when another sender settled it first."""
    now = now_iso()
    masked, kinds = mask_pii(reply.text)
    with ws.begin() as conn:
        done = conn.execute(
            text(
                "UPDATE inbox_replies SET state = 'sent', remote_id = :r, url = :u, "
                "sent_at = :now, error = '', updated_at = :now "
                "WHERE reply_id = :id AND state = 'sending'"
            ),
            {"r": remote_id, "u": url, "now": now, "id": reply.reply_id},
        )
        if done.rowcount != 1:
            return False
        message_id = uuid.uuid4().hex[:16]
        conn.execute(
            text(
                "INSERT INTO messages (message_id, conversation_id, source, remote_id, direction, "
                "author, text, private, pii, url, parent_remote_id, lang, created_at, "
                "received_at) VALUES (:m, :c, :s, :r, 'out', :a, :t, :p, :pii, :u, :parent, "
                ":lang, :now, :now) ON CONFLICT (source, remote_id) DO NOTHING"
            ),
            {
                "m": message_id,
                "c": reply.conversation_id,
                "s": reply.source,
                "r": remote_id,
                "a": reply.author,
                "t": masked,
                "p": encrypt(ws.root, {"text": reply.text}) if kinds else "",
                "pii": json.dumps(kinds),
                "u": url,
                "parent": reply.parent_remote_id,
                "lang": langs_of(reply.text)[0],
                "now": now,
            },
        )
        message_id = conn.execute(
            text("SELECT message_id FROM messages WHERE source = :s AND remote_id = :r"),
            {"s": reply.source, "r": remote_id},
        ).scalar_one()
        conn.execute(
            text("UPDATE inbox_replies SET message_id = :m WHERE reply_id = :id"),
            {"m": message_id, "id": reply.reply_id},
        )
        case = load_case(conn, reply.case_id) if reply.case_id is not None else None
        if case is not None:
            on_brand_message(conn, case, at=now, user=reply.author)
        conn.execute(
            text(
                "UPDATE conversations SET last_message = :t, last_direction = 'out', "
                "message_count = message_count + 1, updated_at = :now WHERE conversation_id = :c"
            ),
            {"t": masked[:200], "now": now, "c": reply.conversation_id},
        )
        emit(
            conn,
            "reply_sent",
            conversation_id=reply.conversation_id,
            case_id=reply.case_id,
            user=reply.author,
            reply_id=reply.reply_id,
            message_id=message_id,
            remote_id=remote_id,
            transport=reply.transport,
            how=how,
        )
    return True


def _profile(ws: Workspace, source: str) -> Profile | None:
    try:
        return get_profile(ws, source)
    except PublishError:
        return None


def _deliver(ws: Workspace, reply: Reply, prior: str, attempt: int, out: SendCounts) -> None:
    """Send one claimed reply through its conversation's connector (see the module doc)."""
    if reply.transport != "platform":
        if _sent(ws, reply, f"reply:{reply.key}", "", reply.transport):
            out.pulled += 1
        return
    profile = _profile(ws, reply.source)
    if profile is None:
        _fail(ws, reply, "profile_gone")
        out.failed += 1
        return
    if profile.status != "active":
        _fail(ws, reply, "needs_reauth", profile.check_error)
        out.failed += 1
        return
    if profile.paused or profile.limited():
        until = profile.limited_until if profile.limited() else None
        wait = 60.0
        if until:
            wait = max(1.0, (datetime.fromisoformat(until) - datetime.now(UTC)).total_seconds())
        _hold(ws, reply, Resolution("rate_limited", profile.limited_reason or "paused", wait))
        out.waiting += 1
        return
    post = OutgoingPost(reply.text, langs=langs_of(reply.text))
    connector = fresh_connector(ws, profile)
    if attempt > 1 or prior == "sending":  # an attempt before this one: look before sending
        if not isinstance(connector, CanPublish):
            if prior == "sending":
                _settle(ws, reply, "state = 'unknown', updated_at = :now, error = 'cannot_tell'")
                out.unknown += 1
                return
        else:
            found = connector.find(reply.key, post)
            if found is not None:
                if _sent(ws, reply, found.remote_id, found.url, "reconciled"):
                    out.reconciled += 1
                return
    assert isinstance(connector, CanReply)
    if not reply.parent_remote_id:
        _fail(ws, reply, "reply_parent_missing")
        out.failed += 1
        return
    try:
        done = connector.reply(reply.parent_remote_id, post, reply.key)
    except ConnectorFailure as exc:
        if exc.resolution.action != "refresh_auth":
            raise
        connector = fresh_connector(ws, profile, force=True)
        assert isinstance(connector, CanReply)
        done = connector.reply(reply.parent_remote_id, post, reply.key)
    if _sent(ws, reply, done.remote_id, done.url, "sent"):
        out.sent += 1


def _answer(ws: Workspace, reply: Reply, res: Resolution, out: SendCounts) -> None:
    """Act on a platform's answer that did not send the reply."""
    if res.action == "rate_limited":
        until = datetime.now(UTC) + timedelta(seconds=res.retry_after or 60.0)
        set_limited(ws, reply.source, until, res.code)
    if res.action in ("retry", "rate_limited", "ok"):
        _hold(ws, reply, res)
        out.waiting += 1
    elif res.action in ("disconnect", "refresh_auth"):
        set_status(ws, reply.source, "needs_reauth", res.detail)
        _fail(ws, reply, "needs_reauth", res.detail)
        out.failed += 1
    else:
        _fail(ws, reply, res.code, res.detail)
        out.failed += 1


def send_due(ws: Workspace, *, limit: int = 50, lease_s: float = LEASE_S) -> SendCounts:
    """Send up to ``limit`` due replies, each exactly once (crash-safe: see the module doc)."""
    out = SendCounts()
    for _ in range(max(0, limit)):
        claimed = _claim(ws, lease_s)
        if claimed is None:
            break
        reply_id, prior, attempt = claimed
        reply = get_reply(ws, reply_id)
        out.replies.append(reply_id)
        if attempt > MAX_ATTEMPTS:
            _settle(ws, reply, "state = 'unknown', updated_at = :now, error = 'too_many_attempts'")
            out.unknown += 1
            continue
        try:
            _deliver(ws, reply, prior, attempt, out)
        except ConnectorFailure as exc:
            _answer(ws, reply, exc.resolution, out)
        except Exception as exc:  # nobody classified it: it may have gone out; look next time
            _hold(ws, reply, Resolution("retry", "unexpected", 30.0, type(exc).__name__), "sending")
            out.waiting += 1
    return out
