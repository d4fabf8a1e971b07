"""The one way a message enters the inbox: :func:`receive` (one) and :func:`receive_many` (an
import or a fetch, in batches).

For each message: its personal data masked (the original encrypted in ``messages.private``),
triaged (intent, speech act, urgency, category of the workspace's taxonomy, sentiment — on the
masked text, so the words that decided never hold personal data), its contact found or made, its
conversation found by the platform's reply chain or (source, thread key) — another customer in
the same public thread gets a conversation of their own —, the message stored, the case opened,
reopened or started anew, routed by the running plan's policy, auto-assigned, its SLA dues set,
and an ``inbox_events`` row written.

Idempotent on (source, remote_id): a message already stored changes nothing and comes back
``created=False``. One transaction per message (:func:`receive`) or per batch
(:func:`receive_many`): a process killed mid-import loses nothing it committed and a rerun
completes the rest without duplicates."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, bindparam
from sqlalchemy import text as sql

from socialops.domain.instants import iso_utc, now_iso
from socialops.domain.plan import Policy
from socialops.engage.cases import current_case, on_brand_message, on_customer_message, open_case
from socialops.engage.contacts import find_or_create
from socialops.engage.events import emit
from socialops.engage.routing import route, running_policy
from socialops.engage.settings import get_setting
from socialops.engage.sla import SlaPolicy, sla_policy
from socialops.errors import EngageError
from socialops.nlp.pii import mask_pii
from socialops.nlp.triage import Triage, triage_texts
from socialops.store.secrets import encrypt
from socialops.store.workspace import Workspace

__all__ = ["Incoming", "ReceiveCounts", "Received", "receive", "receive_many"]

_DIRECTIONS = ("in", "out")
MAX_TEXT = 20_000


@dataclass(frozen=True)
class Incoming:
    source: str  # a profile_id, or "import:<preset>" / "demo"
    channel: str  # bluesky | mastodon | kakao | webchat | twitter | ...
    thread_key: str  # the platform thread's root id, or the user key (kakao)
    remote_id: str  # the platform's message id: unique per source (idempotency)
    author_handle: str  # the platform's stable user id
    author_label: str = ""  # the name people read
    text: str = ""
    created_at: str = ""  # ISO instant; "" = now
    direction: str = "in"  # "in" customer; "out" the brand's own reply
    parent_remote_id: str | None = None
    url: str = ""
    simulated: bool = False  # demo arrival time (never in real reports)
    sample: bool = False
    email: str = ""  # when the channel gives one: contacts merge on it
    phone: str = ""
    lang: str = "auto"


@dataclass(frozen=True)
class Received:
    message_id: str
    conversation_id: str
    case_id: int | None
    created: bool  # False: already stored (same source + remote_id): nothing changed
    reopened: bool


@dataclass
class ReceiveCounts:
    received: int = 0
    duplicates: int = 0
    conversations: int = 0  # new conversations
    cases: int = 0  # new cases
    reopened: int = 0

    def to_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass
class _Batch:
    """What one transaction reads once: the plan's policy and the SLA policy."""

    conn: Connection
    root: Path
    policy: Policy
    sla: SlaPolicy
    counts: ReceiveCounts = field(default_factory=ReceiveCounts)


def _instant(value: str) -> str:
    if not value:
        return now_iso()
    try:
        dt = datetime.fromisoformat(value.strip())
    except ValueError:
        raise EngageError("inbox.bad_time", value=value[:40]) from None
    return iso_utc(dt if dt.tzinfo else dt.replace(tzinfo=UTC))


def _check(msg: Incoming) -> None:
    if msg.direction not in _DIRECTIONS:
        raise EngageError("inbox.bad_direction", direction=msg.direction)
    if not (msg.source and msg.thread_key and msg.remote_id):
        raise EngageError("inbox.bad_message", remote_id=msg.remote_id[:80])
    if len(msg.text) > MAX_TEXT:
        raise EngageError("inbox.too_long", limit=MAX_TEXT)


def _taxonomy(ws: Workspace, taxonomy: str | None) -> str:
    return taxonomy or str(get_setting(ws, "taxonomy", "general") or "general")


def _existing(ws: Workspace, msgs: Sequence[Incoming]) -> set[tuple[str, str]]:
    """Which of ``msgs`` are stored already (read before triage, so a rerun skips the work)."""
    by_source: dict[str, list[str]] = {}
    for m in msgs:
        by_source.setdefault(m.source, []).append(m.remote_id)
    q = sql("SELECT remote_id FROM messages WHERE source = :s AND remote_id IN :ids").bindparams(
        bindparam("ids", expanding=True)
    )
    out: set[tuple[str, str]] = set()
    with ws.connect() as conn:
        for source, ids in by_source.items():
            out |= {(source, str(r[0])) for r in conn.execute(q, {"s": source, "ids": ids})}
    return out


def _triage(msgs: Sequence[Incoming], masked: Sequence[str], taxonomy: str) -> list[Triage | None]:
    """Triage of the customer messages (``None`` for the brand's own), one batch per language."""
    out: list[Triage | None] = [None] * len(msgs)
    groups: dict[str, list[int]] = {}
    for i, m in enumerate(msgs):
        if m.direction == "in":
            groups.setdefault(m.lang or "auto", []).append(i)
    for lang, idx in groups.items():
        for i, t in zip(idx, triage_texts([masked[i] for i in idx], lang, taxonomy), strict=True):
            out[i] = t
    return out


def _conversation(b: _Batch, msg: Incoming, contact_id: str, at: str) -> tuple[str, str, bool]:
    """(conversation_id, its contact, made now): by the parent message, else by (source,
    thread key); another customer in the same thread gets the key ``<thread>/<handle>``."""
    conn = b.conn

    def fits(contact: str) -> bool:
        return msg.direction == "out" or not contact or contact == contact_id

    if msg.parent_remote_id:
        row = conn.execute(
            sql(
                "SELECT c.conversation_id, c.contact_id FROM messages m JOIN conversations c "
                "ON c.conversation_id = m.conversation_id WHERE m.source = :s AND "
                "m.remote_id = :r"
            ),
            {"s": msg.source, "r": msg.parent_remote_id},
        ).first()
        if row is not None and fits(row[1]):
            return row[0], row[1], False
    key = msg.thread_key
    for _ in range(2):
        row = conn.execute(
            sql(
                "SELECT conversation_id, contact_id FROM conversations WHERE source = :s AND "
                "thread_key = :k"
            ),
            {"s": msg.source, "k": key},
        ).first()
        if row is None:
            break
        if fits(row[1]):
            return row[0], row[1], False
        key = f"{msg.thread_key}/{msg.author_handle}"
    conv_id = "v" + uuid.uuid4().hex[:19]
    conn.execute(
        sql(
            "INSERT INTO conversations (conversation_id, source, channel, thread_key, "
            "contact_id, simulated, sample, created_at, updated_at) VALUES (:i, :s, :ch, :k, "
            ":c, :sim, :sample, :at, :at)"
        ),
        {
            "i": conv_id,
            "s": msg.source,
            "ch": msg.channel,
            "k": key,
            "c": contact_id,
            "sim": int(msg.simulated),
            "sample": int(msg.sample),
            "at": at,
        },
    )
    b.counts.conversations += 1
    return conv_id, contact_id, True


def _store(b: _Batch, msg: Incoming, masked: str, kinds: list[str], tri: Triage | None) -> Received:
    conn = b.conn
    dup = _duplicate(b, msg)
    if dup is not None:
        b.counts.duplicates += 1
        return dup
    at = _instant(msg.created_at)
    contact_id = ""
    if msg.direction == "in":
        contact_id = find_or_create(
            conn,
            b.root,
            channel=msg.channel,
            handle=msg.author_handle,
            label=msg.author_label,
            email=msg.email,
            phone=msg.phone,
            sample=msg.sample,
        )
    conv_id, conv_contact, _made = _conversation(b, msg, contact_id, at)
    message_id = "m" + uuid.uuid4().hex[:19]
    t: dict[str, Any] = {}
    if tri is not None:
        t = {
            "lang": tri.lang,
            "intent": tri.intent,
            "speech_act": tri.speech_act,
            "needs_reply": int(tri.needs_reply),
            "urgency": tri.urgency,
            "category": tri.category,
            "sentiment": tri.sentiment,
            "sentiment_score": float(tri.sentiment_score),
            "explain": tri.explain,
        }
    conn.execute(
        sql(
            "INSERT INTO messages (message_id, conversation_id, source, remote_id, direction, "
            "author, text, private, pii, url, parent_remote_id, lang, intent, speech_act, "
            "needs_reply, urgency, category, sentiment, sentiment_score, explain, created_at, "
            "received_at, simulated) VALUES (:i, :c, :s, :r, :d, :a, :t, :p, :pii, :u, :pr, "
            ":lang, :intent, :sa, :nr, :urg, :cat, :sen, :score, :ex, :at, :now, :sim) "
            "ON CONFLICT (source, remote_id) DO NOTHING"
        ),
        {
            "i": message_id,
            "c": conv_id,
            "s": msg.source,
            "r": msg.remote_id,
            "d": msg.direction,
            "a": msg.author_handle,
            "t": masked,
            "p": encrypt(b.root, {"text": msg.text}) if kinds else "",
            "pii": json.dumps(kinds),
            "u": msg.url,
            "pr": msg.parent_remote_id,
            "lang": t.get("lang", ""),
            "intent": t.get("intent", ""),
            "sa": t.get("speech_act", ""),
            "nr": t.get("needs_reply", 0),
            "urg": t.get("urgency", ""),
            "cat": t.get("category", ""),
            "sen": t.get("sentiment", ""),
            "score": t.get("sentiment_score", 0.0),
            "ex": json.dumps(t.get("explain", {}), ensure_ascii=False),
            "at": at,
            "now": now_iso(),
            "sim": int(msg.simulated),
        },
    )
    conv = conn.execute(
        sql("SELECT updated_at FROM conversations WHERE conversation_id = :c"), {"c": conv_id}
    ).one()
    sets = {
        "lm": masked[:200],
        "ld": msg.direction,
        "up": max(str(conv[0]), at),
        "c": conv_id,
    }
    extra = ""
    if tri is not None:
        extra = ", intent = :intent, category = :cat, sentiment = :sen"
        sets |= {"intent": tri.intent, "cat": tri.category, "sen": tri.sentiment}
        if not conv_contact:
            extra += ", contact_id = :contact"
            sets["contact"] = contact_id
    conn.execute(
        sql(
            "UPDATE conversations SET last_message = :lm, last_direction = :ld, "
            f"message_count = message_count + 1, updated_at = :up{extra} "
            "WHERE conversation_id = :c"
        ),
        sets,
    )
    ev: dict[str, Any] = {"conversation_id": conv_id, "simulated": msg.simulated, "at": at}
    case = current_case(conn, conv_id)
    reopened = False
    if tri is not None:
        routing = route(conn, masked, tri, msg.channel, at=at, policy=b.policy)
        emit(
            conn,
            "message_in",
            **ev,
            case_id=case.case_id if case and case.status != "closed" else None,
            message_id=message_id,
            channel=msg.channel,
            intent=tri.intent,
            sentiment=tri.sentiment,
            urgency=tri.urgency,
            category=tri.category,
            needs_reply=tri.needs_reply,
        )
        if case is None or case.status == "closed":
            case = open_case(
                conn,
                conversation_id=conv_id,
                channel=msg.channel,
                opened_at=at,
                routing=routing,
                category=tri.category,
                simulated=msg.simulated,
                policy=b.sla,
            )
            b.counts.cases += 1
        else:
            case, reopened = on_customer_message(
                conn,
                case,
                channel=msg.channel,
                at=at,
                routing=routing,
                category=tri.category,
                simulated=msg.simulated,
                policy=b.sla,
            )
            b.counts.reopened += int(reopened)
    else:
        emit(
            conn,
            "message_out",
            **ev,
            case_id=case.case_id if case else None,
            message_id=message_id,
            channel=msg.channel,
            author=msg.author_handle,
        )
        if case is not None and case.status != "closed":
            case = on_brand_message(conn, case, at=at)
    b.counts.received += 1
    return Received(message_id, conv_id, case.case_id if case else None, True, reopened)


def _batch(ws: Workspace, conn: Connection) -> _Batch:
    return _Batch(conn, ws.root, running_policy(conn) or Policy(), sla_policy(conn))


def _duplicate(b: _Batch, msg: Incoming) -> Received | None:
    row = b.conn.execute(
        sql(
            "SELECT m.message_id, m.conversation_id, c.case_id FROM messages m JOIN "
            "conversations c ON c.conversation_id = m.conversation_id "
            "WHERE m.source = :s AND m.remote_id = :r"
        ),
        {"s": msg.source, "r": msg.remote_id},
    ).first()
    if row is None:
        return None
    return Received(row[0], row[1], None if row[2] is None else int(row[2]), False, False)


def receive(ws: Workspace, msg: Incoming, *, taxonomy: str | None = None) -> Received:
    """Store one message (see the module) in one transaction."""
    _check(msg)
    masked, kinds = mask_pii(msg.text)
    stored = (msg.source, msg.remote_id) in _existing(ws, [msg])
    tri = None if stored else _triage([msg], [masked], _taxonomy(ws, taxonomy))[0]
    with ws.begin() as conn:
        b = _batch(ws, conn)
        dup = _duplicate(b, msg)
        if dup is not None:
            return dup
        if stored and msg.direction == "in":  # gone since the check: triage it after all
            tri = _triage([msg], [masked], _taxonomy(ws, taxonomy))[0]
        return _store(b, msg, masked, kinds, tri)


def _chunks(msgs: Iterable[Incoming], size: int) -> Iterator[list[Incoming]]:
    it = iter(msgs)
    while chunk := list(islice(it, size)):
        yield chunk


def receive_many(
    ws: Workspace, msgs: Iterable[Incoming], *, taxonomy: str | None = None, batch: int = 500
) -> ReceiveCounts:
    """Store many messages, ``batch`` to a transaction (triaged together); messages already
    stored are counted as duplicates and skipped before triage."""
    tax = _taxonomy(ws, taxonomy)
    total = ReceiveCounts()
    for chunk in _chunks(msgs, max(1, batch)):
        for m in chunk:
            _check(m)
        seen = _existing(ws, chunk)
        fresh = [m for m in chunk if (m.source, m.remote_id) not in seen]
        total.duplicates += len(chunk) - len(fresh)
        masked = [mask_pii(m.text) for m in fresh]
        tris = _triage(fresh, [t for t, _ in masked], tax)
        with ws.begin() as conn:
            b = _batch(ws, conn)
            for m, (text_, kinds), tri in zip(fresh, masked, tris, strict=True):
                _store(b, m, text_, kinds, tri)
        for k, v in b.counts.to_dict().items():
            setattr(total, k, getattr(total, k) + v)
    return total
