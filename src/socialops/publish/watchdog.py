"""Is anything publishing? Worker heartbeats and the watchdog over them.

Every worker (``socialops worker``, or the one :class:`~socialops.publish.background.
BackgroundPublisher` runs inside ``socialops serve``) writes a heartbeat row in
``publish_workers`` as it works and while it waits (:func:`heartbeat`). :func:`watchdog` answers
the question a person needs answered — will my scheduled posts go out? — as one status: *not
ok* when posts are due now and no worker was seen within ``2 × poll + 30`` seconds (the worker
died, or none was started). Posts never fail silently: the page and ``socialops worker status``
show it with what to do."""

from __future__ import annotations

import os
import socket
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text

from socialops.connectors.profiles import iso_utc, now_iso, paused_all
from socialops.i18n import both
from socialops.store.workspace import Workspace

__all__ = [
    "DUE_WHERE",
    "GRACE_S",
    "WatchdogStatus",
    "WorkerBeat",
    "due_waiting",
    "heartbeat",
    "watchdog",
    "workers",
]

#: seconds a worker may stay unseen on top of two polls before the watchdog says so
GRACE_S = 30.0
#: the posts a worker may claim now (``:now`` an ISO instant): due, not waiting for a retry,
#: not leased, of an active, unpaused profile that no rate limit holds
DUE_WHERE = (
    "FROM publish_posts p JOIN profiles f ON f.profile_id = p.profile_id "
    "WHERE p.state IN ('scheduled', 'publishing', 'unknown') AND p.due_at <= :now "
    "AND (p.next_try_at IS NULL OR p.next_try_at <= :now) "
    "AND (p.lease_until IS NULL OR p.lease_until < :now) "
    "AND f.paused = 0 AND f.status = 'active' "
    "AND (f.limited_until IS NULL OR f.limited_until <= :now)"
)


@dataclass(frozen=True)
class WorkerBeat:
    worker: str
    host: str
    pid: int
    mode: str  # serve | worker
    started_at: str
    seen_at: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class WatchdogStatus:
    ok: bool
    last_seen: str | None  # the latest heartbeat of any worker (UTC ISO)
    workers: list[WorkerBeat] = field(default_factory=list)
    due_waiting: int = 0  # posts due now that no worker has taken
    code: str = "watchdog.ok"  # the catalogue key that says it
    message_ko: str = ""
    message_en: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "workers": [w.to_dict() for w in self.workers]}


def heartbeat(ws: Workspace, worker: str, mode: str) -> None:
    """``worker`` is alive now (one row per worker, its ``seen_at`` moved on)."""
    now = now_iso()
    with ws.connect() as conn:
        conn.execute(
            text(
                "INSERT INTO publish_workers (worker, host, pid, mode, started_at, seen_at) "
                "VALUES (:w, :h, :pid, :m, :now, :now) "
                "ON CONFLICT (worker) DO UPDATE SET seen_at = excluded.seen_at, "
                "mode = excluded.mode"
            ),
            {"w": worker, "h": socket.gethostname(), "pid": os.getpid(), "m": mode, "now": now},
        )


def workers(ws: Workspace) -> list[WorkerBeat]:
    """Every worker that ever beat in this workspace, the latest seen first."""
    with ws.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT worker, host, pid, mode, started_at, seen_at FROM publish_workers "
                "ORDER BY seen_at DESC, worker"
            )
        ).fetchall()
    return [WorkerBeat(r[0], r[1], int(r[2]), r[3], r[4], r[5]) for r in rows]


def due_waiting(ws: Workspace, now: datetime | None = None) -> int:
    """How many posts a worker could take right now (0 while "pause all" is on)."""
    if paused_all(ws):
        return 0
    with ws.connect() as conn:
        n = conn.execute(
            text(f"SELECT COUNT(*) {DUE_WHERE}"), {"now": iso_utc(now or datetime.now(UTC))}
        ).scalar_one()
    return int(n)


def watchdog(ws: Workspace, *, poll_s: float = 5.0, now: datetime | None = None) -> WatchdogStatus:
    """Not ok when posts are due and no worker was seen in the last ``2 × poll_s + 30`` s."""
    now = now or datetime.now(UTC)
    beats = workers(ws)
    last = beats[0].seen_at if beats else None
    due = due_waiting(ws, now)
    fresh = last is not None and last >= iso_utc(now - timedelta(seconds=2 * poll_s + GRACE_S))
    if due == 0 or fresh:
        code, params = "watchdog.ok", {"due": due}
    elif last is None:
        code, params = "watchdog.never", {"due": due}
    else:
        ago = (now - datetime.fromisoformat(last)).total_seconds()
        code, params = "watchdog.stale", {"due": due, "ago": int(ago)}
    ko, en = both(code, **params)
    return WatchdogStatus(
        ok=code == "watchdog.ok",
        last_seen=last,
        workers=beats,
        due_waiting=due,
        code=code,
        message_ko=ko,
        message_en=en,
    )
