"""The inbox's background work: read the platforms' mentions, send the replies that are due,
check the SLA clocks and deliver the outgoing notifications — one step
(:func:`run_inbox_once`) and a daemon thread that runs it for every workspace inside
``socialops serve`` (:class:`BackgroundInbox`, like the publisher beside it).

Running two of them (two ``serve`` on one PostgreSQL database, or a step run by hand) is safe:
replies are claimed under a row lock or SQLite's single writer and sent under their idempotency
key, and mentions enter through ``receive``, idempotent on the platform's id. A failing part is
logged and reported in the step's result; the others still run."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import asdict, is_dataclass
from datetime import datetime
from typing import Any

from socialops.engage.crisis import check_listening_due
from socialops.engage.fetch import fetch_mentions
from socialops.engage.notify import deliver_outbound
from socialops.engage.periodic import record_turn, take_turn
from socialops.engage.retention import apply_due as apply_retention_due
from socialops.engage.sending import LEASE_S, send_due
from socialops.engage.sla import check_sla
from socialops.store import compact as store_compact
from socialops.store.polling import WorkspaceLoop
from socialops.store.workspace import Workspace

__all__ = ["COMPACT_EVERY_S", "FETCH_EVERY_S", "BackgroundInbox", "compact_due", "run_inbox_once"]

log = logging.getLogger(__name__)
#: how often the platforms are asked for new mentions (a Bluesky read listens ~1 s)
FETCH_EVERY_S = 30.0
#: how often the store's small files are looked at (:func:`compact_due`), over all processes
COMPACT_EVERY_S = 120.0
COMPACT_SETTING = "store_compaction"


def _plain(value: Any) -> Any:
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    return value


def run_inbox_once(
    ws: Workspace,
    *,
    fetch: bool = True,
    send: bool = True,
    now: datetime | None = None,
    lease_s: float = LEASE_S,
) -> dict[str, Any]:
    """One round: fetch (``fetch``), send (``send``), SLA check, listening's crisis check (at
    most every 15 minutes: ``None`` when not due), outgoing notifications. The result has one
    entry per part (its counts, or ``{"error": name}``)."""
    parts: list[tuple[str, Callable[[], Any]]] = []
    if fetch:
        parts.append(("fetch", lambda: fetch_mentions(ws)))
    if send:
        parts.append(("send", lambda: send_due(ws, lease_s=lease_s)))
    parts.append(("sla", lambda: check_sla(ws, now)))
    # listening's negative spikes → crisis cases (throttled: at most every 15 minutes)
    parts.append(("listening", lambda: check_listening_due(ws, now)))
    parts.append(("notify", lambda: deliver_outbound(ws)))
    # the workspace's retention rules (throttled: at most hourly; None when not due)
    parts.append(("retention", lambda: apply_retention_due(ws, now)))
    # the analytics store's small files merged (throttled: at most every 2 minutes)
    parts.append(("store", lambda: compact_due(ws)))
    out: dict[str, Any] = {}
    for name, part in parts:
        try:
            out[name] = _plain(part())
        except Exception as exc:
            log.exception("the inbox's %s failed in %s", name, ws.root)
            out[name] = {"error": type(exc).__name__}
    return out


def compact_due(ws: Workspace, *, every_s: float = COMPACT_EVERY_S) -> dict[str, Any] | None:
    """Store compaction (:func:`socialops.store.compact.compact`, in a child process: its
    memory is not the server's) when the last one over every process of the workspace is at
    least ``every_s`` seconds old and the ``compact_min_files`` setting is not 0; ``None``
    when not due."""
    least = store_compact.min_files()
    if least == 0:
        return None
    wall = take_turn(ws, COMPACT_SETTING, every_s)
    if wall is None:
        return None
    result = store_compact.compact(ws, min_files=least, isolate=True).to_dict()
    record_turn(ws, COMPACT_SETTING, wall, result)
    if result["merged"]:
        log.info(
            "store compacted: %d files merged into %d (%d rows) in %.1f s",
            result["merged"], result["written"], result["rows"], result["elapsed_s"],
        )  # fmt: skip
    return result


class BackgroundInbox(WorkspaceLoop):
    """Runs :func:`run_inbox_once` for every workspace ``roots()`` returns, every ``poll_s``
    seconds (fetching every ``fetch_every_s``)."""

    name = "socialops-inbox"

    def __init__(
        self,
        roots: Callable[[], list[Workspace]],
        poll_s: float = 5.0,
        *,
        fetch_every_s: float = FETCH_EVERY_S,
    ) -> None:
        super().__init__(roots, poll_s)
        self.fetch_every_s = fetch_every_s
        self.last: dict[str, dict[str, Any]] = {}  # workspace root → its last round's result
        self._fetched_at: dict[str, float] = {}

    def one(self, ws: Workspace) -> None:
        key = str(ws.root)
        due = time.monotonic() - self._fetched_at.get(key, -1e18) >= self.fetch_every_s
        if due:
            self._fetched_at[key] = time.monotonic()
        self.last[key] = run_inbox_once(ws, fetch=due)
