"""The inbox event log (``inbox_events``): every change to a conversation or case writes one
row — the web's live updates read it after the last id they saw, and the team report counts it.

Kinds: message_in, message_out, note, assigned, status, reply_queued, reply_approved,
reply_rejected, reply_sent, reply_failed, sla_warning, sla_breach, crisis (and ``contact`` for
changes to a contact). ``simulated`` marks events of demo messages whose arrival times are made
up: reports leave them out."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Connection, text

from socialops.domain.instants import now_iso
from socialops.store.bus import after_commit, conn_key
from socialops.store.workspace import Workspace

__all__ = ["EVENT_KINDS", "TOPIC", "Event", "emit", "events_since", "last_event_id"]

TOPIC = "inbox"  # the signal (socialops.store.bus) a new event sends, keyed by its workspace

EVENT_KINDS = (
    "message_in",
    "message_out",
    "note",
    "assigned",
    "status",
    "reply_queued",
    "reply_approved",
    "reply_rejected",
    "reply_sent",
    "reply_failed",
    "sla_warning",
    "sla_breach",
    "crisis",
    "contact",
)


@dataclass(frozen=True)
class Event:
    event_id: int
    at: str
    kind: str
    conversation_id: str
    case_id: int | None
    user: str
    detail: dict[str, Any]
    simulated: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def emit(
    conn: Connection,
    kind: str,
    *,
    conversation_id: str = "",
    case_id: int | None = None,
    user: str = "",
    simulated: bool = False,
    at: str = "",
    **detail: Any,
) -> int:
    """Write one event in the caller's transaction and return its id. ``at`` defaults to now
    (a message's event is stamped with the message's own time)."""
    row = conn.execute(
        text(
            'INSERT INTO inbox_events (at, kind, conversation_id, case_id, "user", detail, '
            "simulated) VALUES (:at, :k, :c, :case, :u, :d, :s) RETURNING event_id"
        ),
        {
            "at": at or now_iso(),
            "k": kind,
            "c": conversation_id,
            "case": case_id,
            "u": user,
            "d": json.dumps(detail, ensure_ascii=False, sort_keys=True),
            "s": int(simulated),
        },
    ).one()
    # the live inbox streams of every process look now, once this transaction has committed
    after_commit(conn, TOPIC, conn_key(conn))
    return int(row[0])


def events_since(ws: Workspace, after_id: int, limit: int = 200) -> list[Event]:
    """The events after ``after_id``, oldest first, at most ``limit``."""
    with ws.connect() as conn:
        rows = conn.execute(
            text(
                'SELECT event_id, at, kind, conversation_id, case_id, "user", detail, simulated '
                "FROM inbox_events WHERE event_id > :a ORDER BY event_id LIMIT :n"
            ),
            {"a": int(after_id), "n": max(1, min(int(limit), 1000))},
        ).fetchall()
    return [
        Event(
            event_id=int(r[0]),
            at=r[1],
            kind=r[2],
            conversation_id=r[3],
            case_id=None if r[4] is None else int(r[4]),
            user=r[5],
            detail=json.loads(r[6] or "{}"),
            simulated=bool(r[7]),
        )
        for r in rows
    ]


def last_event_id(ws: Workspace) -> int:
    """The newest event's id (0 when there is none): where a live view starts."""
    with ws.connect() as conn:
        value = conn.execute(text("SELECT MAX(event_id) FROM inbox_events")).scalar()
    return int(value or 0)
