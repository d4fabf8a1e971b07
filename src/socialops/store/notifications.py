"""In-web notifications: writing one (to a person or to every member of a role), reading a
person's, and marking them read.

A notification addressed to a person is read once (``read_at``); one addressed to a role is read
or unread for each of its members on their own (the readers are kept in ``params.read_by``). The
words are not stored: ``kind`` is a catalogue key and ``params`` fill it in, so a notification
reads in whichever language its reader uses. Approvals write them; the web pages read them.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Connection, text

from socialops.domain.instants import now_iso
from socialops.i18n import t
from socialops.store.workspace import Workspace

__all__ = ["Notification", "mark_read", "notifications", "notify"]


@dataclass(frozen=True)
class Notification:
    notification_id: int
    kind: str  # a catalogue key (approvals.notice.*)
    params: dict[str, Any]
    link: str
    created_at: str
    read: bool
    text_ko: str
    text_en: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def notify(
    conn: Connection,
    kind: str,
    *,
    recipient: str = "",
    role: str = "",
    link: str = "",
    **params: Any,
) -> None:
    """Write a notification of ``kind`` to ``recipient`` (or, with none, to ``role``) inside
    the caller's transaction; it links to ``link`` (a path in the workspace), by default the
    review of ``params['group']``."""
    conn.execute(
        text(
            "INSERT INTO notifications (recipient, role, kind, params, link, created_at) "
            "VALUES (:r, :role, :k, :p, :l, :at)"
        ),
        {
            "r": recipient,
            "role": role,
            "k": kind,
            "p": json.dumps(params, ensure_ascii=False),
            "l": link or f"/publishing/approvals#{params.get('group', '')}",
            "at": now_iso(),
        },
    )


def _read_by(params: dict[str, Any]) -> list[str]:
    value = params.get("read_by", [])
    return [str(v) for v in value] if isinstance(value, list) else []


def notifications(
    ws: Workspace, *, user: str, role: str, unread_only: bool = False
) -> list[Notification]:
    """``user``'s notifications (their own and their role's), newest first. A role's
    notification is read or unread for each of its members on their own."""
    with ws.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT notification_id, recipient, kind, params, link, created_at, read_at "
                "FROM notifications WHERE recipient = :u OR (recipient = '' AND role = :r) "
                "ORDER BY notification_id DESC"
            ),
            {"u": user, "r": role},
        ).fetchall()
    out = []
    for r in rows:
        params = json.loads(r[3] or "{}")
        read = r[6] is not None if r[1] else user in _read_by(params)
        if unread_only and read:
            continue
        params.pop("read_by", None)
        out.append(
            Notification(
                notification_id=int(r[0]),
                kind=r[2],
                params=params,
                link=r[4],
                created_at=r[5],
                read=read,
                text_ko=t(r[2], "ko", **params),
                text_en=t(r[2], "en", **params),
            )
        )
    return out


def _mark_one(conn: Connection, nid: int, *, user: str, now: str) -> bool:
    """Mark notification ``nid`` read for ``user``; False when it is not theirs or was read."""
    row = conn.execute(
        text("SELECT recipient, params, read_at FROM notifications WHERE notification_id = :i"),
        {"i": nid},
    ).fetchone()
    if row is None:
        return False
    if row[0]:
        if row[0] != user or row[2] is not None:
            return False
        conn.execute(
            text("UPDATE notifications SET read_at = :now WHERE notification_id = :i"),
            {"now": now, "i": nid},
        )
        return True
    params = json.loads(row[1] or "{}")
    readers = _read_by(params)
    if user in readers:
        return False
    params["read_by"] = [*readers, user]
    conn.execute(
        text("UPDATE notifications SET params = :p WHERE notification_id = :i"),
        {"p": json.dumps(params, ensure_ascii=False), "i": nid},
    )
    return True


def mark_read(ws: Workspace, ids: list[int], *, user: str) -> int:
    """Mark ``user``'s notifications ``ids`` read; returns how many changed."""
    now = now_iso()
    with ws.begin() as conn:
        return sum(_mark_one(conn, int(nid), user=user, now=now) for nid in ids)
