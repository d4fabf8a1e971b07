"""The KakaoTalk channel chatbot skill (Kakao i Open Builder, skill v2.0): a skill request in, the
customer's message into the inbox (:func:`socialops.engage.receive.receive`), the automatic first
answer out — within Kakao's 5-second limit.

What Kakao gives for idempotency, and what it does not: a skill request carries the user's
``botUserKey`` (stable per user and bot: the conversation's thread key), the utterance, block and
bot ids — but **no message id and no timestamp**. Kakao does not re-send a skill call on its own
(after 5 s the user sees an error and types again), so each arrival is a message: the remote id
is a hash of (user key, utterance, the request's ``callbackUrl`` when the callback feature is on —
unique per request and valid once —, else the arrival instant to the microsecond). A request
replayed with the same ``callbackUrl`` is recognised and refused; one without it cannot be told
from the user typing the same words again, which is why the shared-secret header is required.

An agent's reply reaches the user on their next skill call (the quick reply :func:`check_label`
asks for it without adding a message to the case) or, when the request has a ``callbackUrl``,
through the callback: the answer is ``{"version": "2.0", "useCallback": true, ...}`` and the
template is POSTed to the URL within the minute it is valid (the agent's reply if one is
approved in time, else the first answer)."""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
from sqlalchemy import Connection, text

from socialops.domain.instants import now_iso
from socialops.engage.receive import Incoming, Received, receive
from socialops.errors import EngageError
from socialops.i18n import render
from socialops.store.workspace import Workspace

__all__ = [
    "CALLBACK_WAIT_S",
    "KAKAO_HOSTS",
    "SkillRequest",
    "answer_skill",
    "callback_allowed",
    "check_label",
    "conversation_of",
    "parse_skill",
    "remote_id_for",
    "skill_answer",
    "take_replies",
    "to_incoming",
]

log = logging.getLogger(__name__)

VERSION = "2.0"
MAX_TEXT = 1000  # simpleText's limit
MAX_UTTERANCE = 4000
#: seconds a callback waits for an agent's reply before it sends the first answer (Kakao keeps a
#: callbackUrl valid for 60 s)
CALLBACK_WAIT_S = 45.0
#: a callbackUrl must point to one of these hosts (or a subdomain), or to a profile's
#: ``callback_hosts``: the hook never POSTs where a forged request tells it to
KAKAO_HOSTS = ("kakao.com", "kakaoenterprise.com", "kakaoi.ai")
_callbacks = ThreadPoolExecutor(max_workers=8, thread_name_prefix="kakao-callback")


@dataclass(frozen=True)
class SkillRequest:
    """What the hook uses of a skill request (``userRequest``, ``bot``)."""

    user_key: str  # userRequest.user.id (botUserKey)
    utterance: str
    callback_url: str = ""
    lang: str = "ko"  # ko | en (Kakao says "kr" for Korean)
    bot_id: str = ""
    block: str = ""
    plusfriend_key: str = ""  # userRequest.user.properties.plusfriendUserKey


def _str(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise EngageError("hook.malformed", detail=where)
    return value


def _obj(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise EngageError("hook.malformed", detail=where)
    return value


def parse_skill(doc: Any) -> SkillRequest:
    """A skill request's JSON document → :class:`SkillRequest`; a document that is not one is
    ``hook.malformed`` naming the first field that is missing or of the wrong type."""
    body = _obj(doc, "{}")
    req = _obj(body.get("userRequest"), "userRequest")
    user = _obj(req.get("user"), "userRequest.user")
    key = _str(user.get("id"), "userRequest.user.id").strip()
    if not key or len(key) > 200:
        raise EngageError("hook.malformed", detail="userRequest.user.id")
    utterance = _str(req.get("utterance"), "userRequest.utterance").strip()
    if len(utterance) > MAX_UTTERANCE:
        raise EngageError("hook.malformed", detail="userRequest.utterance")
    props = user.get("properties") or {}
    bot = body.get("bot") or {}
    block = req.get("block") or {}
    callback = req.get("callbackUrl") or ""
    return SkillRequest(
        user_key=key,
        utterance=utterance,
        callback_url=_str(callback, "userRequest.callbackUrl"),
        lang="en" if str(req.get("lang") or "").lower().startswith("en") else "ko",
        bot_id=str(bot.get("id") or "") if isinstance(bot, Mapping) else "",
        block=str(block.get("name") or "") if isinstance(block, Mapping) else "",
        plusfriend_key=str(props.get("plusfriendUserKey") or "")
        if isinstance(props, Mapping)
        else "",
    )


def remote_id_for(req: SkillRequest, arrived: str) -> str:
    """The message's remote id (module docstring: what makes it unique)."""
    basis = "\n".join((req.user_key, req.utterance, req.callback_url or arrived))
    return "kakao:" + hashlib.sha256(basis.encode()).hexdigest()[:32]


def to_incoming(source: str, req: SkillRequest, arrived: str) -> Incoming:
    """The inbox's view of a skill request: one conversation per user key and channel."""
    return Incoming(
        source=source,
        channel="kakao",
        thread_key=req.user_key,
        remote_id=remote_id_for(req, arrived),
        author_handle=req.user_key,
        # Kakao gives no name without the user's consent: the channel's name and the key's end,
        # so agents can tell customers apart (the raw key stays the contact's handle)
        author_label=f"카카오톡 {req.user_key[-6:]}",
        text=req.utterance,
        created_at=arrived,
        lang="ko" if req.lang == "ko" else "auto",
    )


def check_label(lang: str) -> str:
    return render("hook.kakao.check", lang, {})


def _is_check(utterance: str) -> bool:
    return utterance in (check_label("ko"), check_label("en"))


def _cut(words: str) -> str:
    return words if len(words) <= MAX_TEXT else words[: MAX_TEXT - 1] + "…"


def skill_answer(texts: list[str], lang: str) -> dict[str, Any]:
    """The v2.0 answer: each text a ``simpleText`` (at most 3 outputs, 1,000 characters each),
    with the quick reply that asks for an agent's answer."""
    outputs = [{"simpleText": {"text": _cut(w)}} for w in texts if w.strip()][:3]
    label = check_label(lang)
    return {
        "version": VERSION,
        "template": {
            "outputs": outputs,
            "quickReplies": [{"action": "message", "label": label, "messageText": label}],
        },
    }


def _setting(conn: Connection, key: str) -> Any:
    raw = conn.execute(text("SELECT value FROM inbox_settings WHERE key = :k"), {"k": key}).scalar()
    if raw is None:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return None


def _fill(template: str, case: str, hours: str) -> str:
    """A workspace's own wording with its placeholders ({case}/{케이스}, {hours}/{상담시간});
    replaced literally, so any other brace in the text stays as written."""
    for name in ("{case}", "{케이스}"):
        template = template.replace(name, case)
    for name in ("{hours}", "{상담시간}"):
        template = template.replace(name, hours)
    return template


def first_answer(conn: Connection, case_id: int | None, lang: str) -> str:
    """The automatic first answer: the inbox setting ``kakao_welcome`` (a text, or
    ``{"ko": ..., "en": ...}``) or the catalogue's, with the case number and business hours
    (setting ``hours`` when it is a text such as ``"09:00-12:00,13:00-18:00"``)."""
    case = str(case_id or "")
    hours = _setting(conn, "hours")
    shown = hours if isinstance(hours, str) and hours.strip() else None
    if shown is None:
        shown = render("hook.kakao.hours_default", lang, {})
    own = _setting(conn, "kakao_welcome")
    if isinstance(own, Mapping):
        own = own.get(lang) or own.get("ko")
    if isinstance(own, str) and own.strip():
        return _fill(own, case, shown)
    return render("hook.kakao.welcome", lang, {"case": case, "hours": shown})


def _is_first(conn: Connection, got: Received) -> bool:
    """Whether this message opened (or reopened) its case: the first answer is due."""
    if got.reopened:
        return True
    if got.case_id is None:
        return False
    n = conn.execute(
        text(
            "SELECT COUNT(*) FROM messages m JOIN cases c ON c.case_id = :k "
            "WHERE m.conversation_id = :c AND m.direction = 'in' AND m.created_at >= c.opened_at"
        ),
        {"k": got.case_id, "c": got.conversation_id},
    ).scalar_one()
    return int(n) <= 1


def callback_allowed(url: str, extra_hosts: str = "") -> bool:
    """Whether the hook may POST to ``url``: https on Kakao's hosts, or a host the profile's
    ``callback_hosts`` setting names (any scheme: a test server on loopback)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    host = (parts.hostname or "").lower()
    extra = {h.strip().lower() for h in extra_hosts.split(",") if h.strip()}
    if host and host in extra and parts.scheme in ("http", "https"):
        return True
    return parts.scheme == "https" and any(host == h or host.endswith("." + h) for h in KAKAO_HOSTS)


def answer_skill(
    ws: Workspace,
    source: str,
    req: SkillRequest,
    arrived: str,
    *,
    callback_hosts: str = "",
    wait_s: float = CALLBACK_WAIT_S,
) -> dict[str, Any]:
    """Receive the message and make the answer Kakao shows: the agents' replies waiting for
    this user (if any), then the first answer (a new or reopened case) or a short receipt."""
    lang = req.lang
    if _is_check(req.utterance):
        return _answer_check(ws, source, req)
    got = receive(ws, to_incoming(source, req, arrived))
    if not got.created and req.callback_url:
        raise EngageError("hook.replayed")  # the same one-use callbackUrl again
    with ws.connect() as conn:
        first = _is_first(conn, got)
        words = (
            first_answer(conn, got.case_id, lang)
            if first
            else render("hook.kakao.ack", lang, {"case": got.case_id or ""})
        )
    use_callback = bool(req.callback_url) and callback_allowed(req.callback_url, callback_hosts)
    if use_callback:
        _callbacks.submit(
            _deliver_later, ws, got.conversation_id, req.callback_url, words, lang, wait_s
        )
        return {"version": VERSION, "useCallback": True, "data": {"text": _cut(words)}}
    replies = take_replies(ws, got.conversation_id)
    texts = ["\n\n".join(replies)] if replies else []
    return skill_answer([*texts, words], lang)


def _answer_check(ws: Workspace, source: str, req: SkillRequest) -> dict[str, Any]:
    """The user asked for an answer: the agents' replies waiting, else "none yet" (the check
    itself is not a message of the case)."""
    found = conversation_of(ws, source, req.user_key)
    replies = take_replies(ws, found[0]) if found else []
    if replies:
        return skill_answer(["\n\n".join(replies)], req.lang)
    case = found[1] if found else None
    return skill_answer([render("hook.kakao.none_yet", req.lang, {"case": case or ""})], req.lang)


def _deliver_later(
    ws: Workspace, conversation_id: str, url: str, fallback: str, lang: str, wait_s: float
) -> None:
    """POST the callback template within the callbackUrl's minute: the agents' replies when one
    is approved in time, else the first answer."""
    deadline = time.monotonic() + wait_s
    try:
        while True:
            replies = take_replies(ws, conversation_id, deliver=lambda t: _post(url, t, lang))
            if replies:
                return
            if time.monotonic() >= deadline:
                break
            time.sleep(1.0)
        _post(url, [fallback], lang)
    except Exception:  # a background thread: log, never raise into the pool
        log.exception("Kakao callback for %s failed", conversation_id)


def _post(url: str, texts: list[str], lang: str) -> bool:
    try:
        r = httpx.post(url, json=skill_answer(["\n\n".join(texts)], lang), timeout=5.0)
    except httpx.HTTPError:
        return False
    return r.status_code < 300


# -- agents' replies on channels the business cannot post to --------------------------------------
def conversation_of(ws: Workspace, source: str, thread_key: str) -> tuple[str, int | None] | None:
    """The conversation of ``thread_key`` on ``source``: (its id, its current case number)."""
    with ws.connect() as conn:
        row = conn.execute(
            text(
                "SELECT conversation_id, case_id FROM conversations "
                "WHERE source = :s AND thread_key = :t"
            ),
            {"s": source, "t": thread_key},
        ).fetchone()
    return None if row is None else (str(row[0]), row[1])


def take_replies(
    ws: Workspace,
    conversation_id: str,
    *,
    deliver: Callable[[list[str]], bool] | None = None,
) -> list[str]:
    """The brand's messages in ``conversation_id`` not yet handed to the customer, each handed
    over once. Kakao has no API to post to (nor has a web chat): :mod:`socialops.engage.replies`
    records a reply to such a channel as sent when it is stored (transport ``pull``), and the
    customer's next call is when it can reach them. Where the handing-over stands is a
    ``fetch_cursors`` row (``deliver:<conversation>``: the last one's instant), moved forward
    only from where it was read — two calls at once: one hands them over. ``deliver`` (the
    callback's POST) is called first and the cursor moves only when it succeeded; without it the
    caller's answer carries them. The text is the agent's own (the inbox shows it masked)."""
    key = f"deliver:{conversation_id}"
    with ws.connect() as conn:
        cursor = conn.execute(
            text("SELECT cursor FROM fetch_cursors WHERE source = :k"), {"k": key}
        ).scalar()
        rows = conn.execute(
            text(
                "SELECT m.created_at, COALESCE(r.text, m.text) FROM messages m "
                "LEFT JOIN inbox_replies r ON r.message_id = m.message_id "
                "WHERE m.conversation_id = :c AND m.direction = 'out' AND m.created_at > :cur "
                "ORDER BY m.created_at, m.message_id"
            ),
            {"c": conversation_id, "cur": cursor or ""},
        ).fetchall()
    if not rows:
        return []
    texts = [str(r[1]) for r in rows]
    if deliver is not None and not deliver(texts):
        return []
    params = {"k": key, "new": str(rows[-1][0]), "old": cursor, "now": now_iso()}
    with ws.begin() as conn:
        if cursor is None:
            moved = conn.execute(
                text(
                    "INSERT INTO fetch_cursors (source, cursor, updated_at) "
                    "VALUES (:k, :new, :now) ON CONFLICT (source) DO NOTHING"
                ),
                params,
            ).rowcount
        else:
            moved = conn.execute(
                text(
                    "UPDATE fetch_cursors SET cursor = :new, updated_at = :now "
                    "WHERE source = :k AND cursor = :old"
                ),
                params,
            ).rowcount
    return texts if moved or deliver is not None else []
