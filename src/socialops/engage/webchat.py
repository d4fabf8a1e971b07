"""A website's chat widget or contact form into the inbox: ``POST`` a message
(``{"session", "message_id", "text", "name"?, "email"?, "phone"?}``), ``GET`` the session's
messages (so the widget shows the agents' replies).

Authentication (:mod:`socialops.connectors.webchat`): the widget's shared secret header, from a
browser on one of the profile's ``origins`` (CORS: :func:`cors_headers`); or, server to server,
an HMAC-SHA256 signature with the profile's signing secret over ``timestamp.nonce.body``
(:func:`signature`): the timestamp within :data:`WINDOW_S` of ours, the nonce accepted once (the
replay guard table ``webhook_seen``). Idempotency: the client's ``message_id`` (required) — the
same id again is not stored twice."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import text

from socialops.connectors.webchat import (
    NONCE_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    WebchatConnector,
)
from socialops.domain.instants import iso_utc, now_iso
from socialops.engage.kakao import conversation_of
from socialops.engage.receive import Incoming, receive
from socialops.errors import EngageError
from socialops.store.workspace import Workspace

__all__ = [
    "NONCE_HEADER",
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
    "WINDOW_S",
    "ChatPost",
    "cors_headers",
    "parse_chat",
    "post_chat",
    "remember_nonce",
    "session_messages",
    "signature",
    "to_incoming",
    "verify_signature",
]

WINDOW_S = 300  # how far a signature's timestamp may be from our clock
MAX_TEXT = 4000
_ID = re.compile(r"^[A-Za-z0-9_.:\-]{1,128}$")
_NONCE = re.compile(r"^[A-Za-z0-9_\-]{16,128}$")


@dataclass(frozen=True)
class ChatPost:
    session: str  # the visitor's chat session (the conversation's thread key)
    message_id: str  # the client's id of this message (idempotency)
    text: str
    name: str = ""
    email: str = ""
    phone: str = ""


def _field(doc: Mapping[str, Any], key: str, *, required: bool, limit: int) -> str:
    value = doc.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or len(value) > limit or (required and not value.strip()):
        raise EngageError("hook.malformed", detail=key)
    return value.strip()


def parse_chat(doc: Any) -> ChatPost:
    """A posted JSON document → :class:`ChatPost` (``hook.malformed`` names the bad field)."""
    if not isinstance(doc, Mapping):
        raise EngageError("hook.malformed", detail="{}")
    post = ChatPost(
        session=_field(doc, "session", required=True, limit=128),
        message_id=_field(doc, "message_id", required=True, limit=128),
        text=_field(doc, "text", required=True, limit=MAX_TEXT),
        name=_field(doc, "name", required=False, limit=100),
        email=_field(doc, "email", required=False, limit=254),
        phone=_field(doc, "phone", required=False, limit=40),
    )
    for key in ("session", "message_id"):
        if not _ID.match(getattr(post, key)):
            raise EngageError("hook.malformed", detail=key)
    return post


def signature(key: bytes, timestamp: str, nonce: str, body: bytes) -> str:
    """The signature a sender puts in :data:`SIGNATURE_HEADER`."""
    mac = hmac.new(key, f"{timestamp}.{nonce}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify_signature(
    connector: WebchatConnector, headers: Mapping[str, str], body: bytes, now: datetime
) -> str:
    """Check a server-to-server post's signature and timestamp; the nonce to remember.
    ``hook.unauthorised`` (401) for a missing or wrong signature, ``hook.stale`` (401) for a
    timestamp outside the window."""
    stamp = headers.get(TIMESTAMP_HEADER.lower(), "")
    nonce = headers.get(NONCE_HEADER.lower(), "")
    given = headers.get(SIGNATURE_HEADER.lower(), "")
    if not stamp.isdigit() or not _NONCE.match(nonce):
        raise EngageError("hook.unauthorised")
    expected = signature(connector.signing_key(), stamp, nonce, body)
    if not connector.signs(expected, given):
        raise EngageError("hook.unauthorised")
    if abs(now.timestamp() - int(stamp)) > WINDOW_S:
        raise EngageError("hook.stale", window=WINDOW_S)
    return nonce


def remember_nonce(ws: Workspace, source: str, nonce: str, now: datetime) -> None:
    """Accept ``nonce`` once per profile (``hook.replayed``, 409, the second time); nonces
    older than twice the window are forgotten (their timestamps are refused anyway)."""
    with ws.begin() as conn:
        conn.execute(
            text("DELETE FROM webhook_seen WHERE source = :s AND at < :old"),
            {"s": source, "old": iso_utc(now - timedelta(seconds=2 * WINDOW_S))},
        )
        added = conn.execute(
            text(
                "INSERT INTO webhook_seen (source, nonce, at) VALUES (:s, :n, :at) "
                "ON CONFLICT (source, nonce) DO NOTHING"
            ),
            {"s": source, "n": nonce, "at": iso_utc(now)},
        ).rowcount
    if not added:
        raise EngageError("hook.replayed")


def to_incoming(source: str, post: ChatPost, arrived: str) -> Incoming:
    """One conversation per chat session; the message id is unique within its session."""
    return Incoming(
        source=source,
        channel="webchat",
        thread_key=post.session,
        remote_id=f"{post.session}:{post.message_id}",
        author_handle=post.session,
        author_label=post.name,
        text=post.text,
        created_at=arrived,
        email=post.email,
        phone=post.phone,
    )


def post_chat(ws: Workspace, source: str, post: ChatPost) -> dict[str, Any]:
    """Receive a visitor's message: what the widget needs to show its receipt."""
    got = receive(ws, to_incoming(source, post, now_iso()))
    return {
        "conversation_id": got.conversation_id,
        "case_id": got.case_id,
        "message_id": post.message_id,
        "created": got.created,
    }


def session_messages(ws: Workspace, source: str, session: str, after: str = "") -> dict[str, Any]:
    """The session's messages for the widget (the visitor's and the agents', oldest first;
    ``after``: only those later than that instant); an agent's reply in its own words (the
    inbox keeps it masked)."""
    if not _ID.match(session):
        raise EngageError("hook.malformed", detail="session")
    found = conversation_of(ws, source, session)
    if found is None:
        return {"session": session, "case_id": None, "messages": []}
    with ws.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT m.remote_id, m.direction, COALESCE(r.text, m.text), m.created_at "
                "FROM messages m LEFT JOIN inbox_replies r ON r.message_id = m.message_id "
                "WHERE m.conversation_id = :c AND m.direction IN ('in', 'out') "
                "AND m.created_at > :a ORDER BY m.created_at, m.message_id"
            ),
            {"c": found[0], "a": after},
        ).fetchall()
    prefix = f"{session}:"
    return {
        "session": session,
        "case_id": found[1],
        "messages": [
            {
                "id": str(r[0])[len(prefix) :] if str(r[0]).startswith(prefix) else str(r[0]),
                "from": "visitor" if r[1] == "in" else "agent",
                "text": r[2],
                "at": r[3],
            }
            for r in rows
        ],
    }


def cors_headers(origin: str | None, allowed: list[str]) -> dict[str, str]:
    """The CORS headers for a browser on ``origin`` (none when it is not allowed)."""
    if not origin or origin.rstrip("/") not in allowed:
        return {}
    return {
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
        "Access-Control-Allow-Headers": "Content-Type, X-Socialops-Secret",
        "Access-Control-Max-Age": "600",
        "Vary": "Origin",
    }
