"""Sending inbox replies: the crash-safe protocol that takes ``queued`` replies (drafted and
approved in :mod:`socialops.engage.replies`) to the customer exactly once.

:func:`send_due` claims one due reply at a time — ``queued`` and not held, or ``sending`` past
its lease — moves it to ``sending`` and COMMITS before the platform is called. What the platform
answers settles it: ``sent`` (remote id, the out message, the case's response times and the
``reply_sent`` event in one transaction), held ``queued`` (a retry or a rate limit: its
``updated_at`` is the earliest time it may go), ``failed`` (refused for good; the author and
managers are notified) or ``unknown`` (a person decides).

A ``sending`` row older than ``lease_s`` was left by a process that died: the next
:func:`send_due` takes it over and first asks the platform for the key
(:meth:`CanPublish.find`): found → sent, not found → sent now (the connectors' replies are
idempotent by the key too), a platform that cannot look → ``unknown``. Never a blind resend.

Channels the customer pulls answers from (KakaoTalk skill, web chat: no push API) are ``sent``
when stored: the hook hands them over. Conversations with no profile (imports, the demo) record
the reply in the inbox only (see :func:`socialops.engage.replies.transport_of`)."""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text

from socialops.connectors.core import (
    CanPublish,
    CanReply,
    ConnectorFailure,
    OutgoingPost,
    Resolution,
)
from socialops.connectors.profiles import (
    Profile,
    fresh_connector,
    get_profile,
    set_limited,
    set_status,
)
from socialops.domain.instants import iso_utc, now_iso
from socialops.engage.cases import load_case, on_brand_message
from socialops.engage.events import emit
from socialops.engage.moderation import langs_of
from socialops.engage.replies import Reply, get_reply, preview, tell
from socialops.errors import PublishError
from socialops.nlp.pii import mask_pii
from socialops.store.secrets import encrypt
from socialops.store.workspace import Workspace

__all__ = ["LEASE_S", "MAX_ATTEMPTS", "SendCounts", "send_due"]

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
            tell(
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
