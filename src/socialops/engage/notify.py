"""Inbox notifications: an assignment, a reply waiting for approval, an SLA warning or breach, a
failed send, a crisis — told in the web (``store.notifications``), by e-mail (SMTP) and by an
outgoing webhook (Slack, KakaoWork or plain JSON).

:func:`notify_inbox` runs inside the caller's transaction: the web notification and the
outgoing rows (``outbound_notifications``, state ``queued``) are written with the change that
caused them, or not at all. :func:`deliver_outbound` sends the queued rows later, outside any
transaction: a row is claimed (``sending``) before it is sent, so two workers never send it
twice; a failure is retried with backoff (30 s, 1, 2, 4 min) up to :data:`MAX_ATTEMPTS`, then
the row is ``failed`` with its error — visible, never silently dropped. A row left ``sending``
by a crashed worker is queued again after :data:`STALE_AFTER` (at least once: a notification
may, rarely, come twice; it is never lost).

Settings (``inbox_settings`` key ``notify``)::

    {"email": {"host": "smtp.example.kr", "port": 587, "from": "inbox@example.kr",
               "to": ["care-leads@example.kr"], "starttls": true, "user": "inbox@example.kr",
               "kinds": ["sla_breach", "crisis"]},
     "webhook": {"url": "https://hooks.slack.com/...", "format": "slack", "lang": "ko",
                 "kinds": [...]},
     "base_url": "https://socialops.example.kr/w/main"}

E-mail goes to each user whose id is an address, and to ``to``; the SMTP password comes only
from the environment (``SOCIALOPS_SMTP_PASSWORD``) and is never stored or logged. The text is
the catalogue's, in Korean unless the caller knows a user reads English (``langs``).
"""

from __future__ import annotations

import json
import re
import smtplib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import Connection, text

from socialops.domain.instants import iso_utc
from socialops.domain.permissions import ROLES
from socialops.engage.settings import get_setting
from socialops.i18n import t
from socialops.store.mail import (
    PermanentMailError,
    TemporaryMailError,
    scrub,
    send_mail,
)
from socialops.store.notifications import notify
from socialops.store.workspace import Workspace

__all__ = [
    "KINDS",
    "MAX_ATTEMPTS",
    "STALE_AFTER",
    "DeliveryCounts",
    "deliver_outbound",
    "notify_inbox",
    "outbound_rows",
]

KINDS = ("assigned", "approval_waiting", "sla_warning", "sla_breach", "reply_failed", "crisis")
MAX_ATTEMPTS = 5
BACKOFF_S = (30, 60, 120, 240)  # after the 1st, 2nd, 3rd, 4th failed attempt
STALE_AFTER = timedelta(minutes=10)
WEBHOOK_TIMEOUT_S = 5.0
FORMATS = ("slack", "kakaowork", "json")
_ADDRESS = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class DeliveryCounts:
    sent: int
    failed: int  # given up on (permanent error, or the last attempt)
    retried: int  # failed this time, tried again later


def _wants(cfg: Mapping[str, Any], kind: str) -> bool:
    kinds = cfg.get("kinds")
    return not kinds or kind in kinds


def _recipient(user: str) -> tuple[str, str]:
    """``(recipient, role)`` for :func:`notify`: ``role:manager`` or a bare role name is a
    role, anything else a person."""
    name = user.removeprefix("role:")
    return ("", name) if user.startswith("role:") or name in ROLES else (user, "")


def notify_inbox(
    conn: Connection,
    kind: str,
    *,
    users: list[str],
    key: str,
    params: dict[str, Any],
    link: str = "",
    langs: Mapping[str, str] | None = None,
) -> int:
    """Tell ``users`` (e-mails, or roles: ``manager`` / ``role:manager``) the catalogue message
    ``key`` with ``params``, in the caller's transaction: a web notification each, an e-mail
    each (users that are addresses, plus the settings' ``to``) and one webhook post, as the
    workspace's ``notify`` settings ask. ``kind`` (see :data:`KINDS`) lets the settings choose
    what goes out. Returns the number of outgoing rows queued."""
    people = [u for u in dict.fromkeys(users) if u]
    for user in people:
        recipient, role = _recipient(user)
        notify(conn, key, recipient=recipient, role=role, link=link, **params)
    cfg = get_setting(conn, "notify", {}) or {}
    base = str(cfg.get("base_url") or "").rstrip("/")
    url = f"{base}{link}" if base and link.startswith("/") else link
    langs = langs or {}
    now = iso_utc(datetime.now(UTC))
    rows: list[tuple[str, str, dict[str, Any]]] = []
    email = cfg.get("email") or {}
    if email.get("host") and _wants(email, kind):
        extra = email.get("to") or []
        to = [extra] if isinstance(extra, str) else list(extra)
        addresses = [u for u in people if _ADDRESS.match(u)] + [a for a in to if a not in people]
        for address in dict.fromkeys(addresses):
            lang = langs.get(address, "ko")
            body = t(key, lang, **params)
            subject = t("inbox.alert.subject", lang, title=_title(body))
            payload = {"kind": kind, "key": key, "lang": lang, "subject": subject}
            payload["text"] = f"{body}\n\n{url}" if url else body
            rows.append(("email", address, payload))
    hook = cfg.get("webhook") or {}
    if hook.get("url") and _wants(hook, kind):
        fmt = str(hook.get("format") or "json")
        lang = str(hook.get("lang") or "ko")
        body = t(key, lang, **params)
        line = f"{body} {url}".strip() if url else body
        data: dict[str, Any]
        if fmt in ("slack", "kakaowork"):
            data = {"text": line}
        else:
            data = {"kind": kind, "key": key, "params": params, "text": body}
            data.update(text_en=t(key, "en", **params), link=url, users=people, at=now)
        rows.append(("webhook", str(hook["url"]), {"kind": kind, "format": fmt, "body": data}))
    for via, target, payload in rows:
        payload["next_at"] = ""
        conn.execute(
            text(
                "INSERT INTO outbound_notifications (via, target, payload, state, created_at) "
                "VALUES (:v, :t, :p, 'queued', :at)"
            ),
            {"v": via, "t": target, "p": json.dumps(payload, ensure_ascii=False), "at": now},
        )
    return len(rows)


def _title(body: str) -> str:
    one = " ".join(body.split())
    return one if len(one) <= 60 else one[:59] + "…"


_Permanent = PermanentMailError  # a failure that another attempt will not fix
_Passing = TemporaryMailError  # a failure that may pass: try again later


def _send_email(cfg: Mapping[str, Any], target: str, payload: Mapping[str, Any]) -> None:
    subject = str(payload.get("subject") or "socialops")
    send_mail(cfg, target, subject, str(payload.get("text") or ""))


def _send_webhook(target: str, payload: Mapping[str, Any]) -> None:
    response = httpx.post(target, json=payload.get("body") or {}, timeout=WEBHOOK_TIMEOUT_S)
    if response.status_code < 300:
        return
    detail = f"HTTP {response.status_code}"
    if 400 <= response.status_code < 500 and response.status_code not in (408, 425, 429):
        raise _Permanent(detail)
    raise _Passing(detail)


def _scrub(message: str) -> str:
    return scrub(message)


def outbound_rows(ws: Workspace, *, state: str | None = None) -> list[dict[str, Any]]:
    """The outgoing notifications (newest first), for the settings page and tests."""
    sql = "SELECT outbound_id, via, target, payload, state, attempts, error, created_at, sent_at "
    sql += "FROM outbound_notifications"
    args: dict[str, Any] = {}
    if state:
        sql += " WHERE state = :s"
        args["s"] = state
    with ws.connect() as conn:
        rows = conn.execute(text(sql + " ORDER BY outbound_id DESC"), args).mappings().all()
    return [{**dict(r), "payload": json.loads(r["payload"] or "{}")} for r in rows]


def deliver_outbound(
    ws: Workspace, *, limit: int = 50, now: datetime | None = None
) -> DeliveryCounts:
    """Send up to ``limit`` queued notifications that are due (``now``: for tests and
    catch-up runs), each claimed first; returns what happened."""
    now = now or datetime.now(UTC)
    stamp = iso_utc(now)
    with ws.begin() as conn:
        conn.execute(
            text(
                "UPDATE outbound_notifications SET state = 'queued' "
                "WHERE state = 'sending' AND sent_at < :stale"
            ),
            {"stale": iso_utc(now - STALE_AFTER)},
        )
        cfg = get_setting(conn, "notify", {}) or {}
        rows = conn.execute(
            text(
                "SELECT outbound_id, via, target, payload, attempts FROM outbound_notifications "
                "WHERE state = 'queued' ORDER BY outbound_id LIMIT 1000"
            )
        ).fetchall()
    due = [r for r in rows if str(json.loads(r[3] or "{}").get("next_at") or "") <= stamp]
    sent = failed = retried = 0
    for oid, via, target, raw, attempts in due[: max(0, limit)]:
        with ws.begin() as conn:
            claimed = conn.execute(
                text(
                    "UPDATE outbound_notifications SET state = 'sending', sent_at = :now "
                    "WHERE outbound_id = :id AND state = 'queued'"
                ),
                {"now": stamp, "id": oid},
            ).rowcount
        if not claimed:  # another worker has it
            continue
        payload = json.loads(raw or "{}")
        error, permanent = "", False
        try:
            if via == "email":
                _send_email(cfg.get("email") or {}, target, payload)
            else:
                _send_webhook(target, payload)
        except _Permanent as exc:
            error, permanent = _scrub(str(exc)), True
        except _Passing as exc:
            error = _scrub(str(exc))
        except (OSError, smtplib.SMTPException, httpx.HTTPError) as exc:
            error = _scrub(f"{type(exc).__name__}: {exc}")
        tries = int(attempts) + 1
        if not error:
            state, sent = "sent", sent + 1
        elif permanent or tries >= MAX_ATTEMPTS:
            state, failed = "failed", failed + 1
        else:
            state, retried = "queued", retried + 1
            wait = BACKOFF_S[min(tries, len(BACKOFF_S)) - 1]
            payload["next_at"] = iso_utc(now + timedelta(seconds=wait))
        with ws.begin() as conn:
            conn.execute(
                text(
                    "UPDATE outbound_notifications SET state = :s, attempts = :a, error = :e, "
                    "payload = :p, sent_at = :sent WHERE outbound_id = :id"
                ),
                {
                    "s": state,
                    "a": tries,
                    "e": error,
                    "p": json.dumps(payload, ensure_ascii=False),
                    "sent": iso_utc(datetime.now(UTC)) if state == "sent" else None,
                    "id": oid,
                },
            )
    return DeliveryCounts(sent=sent, failed=failed, retried=retried)
