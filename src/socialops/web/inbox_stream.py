"""Live inbox updates: ``GET /w/{ws}/inbox/events``, a server-sent event stream
(``text/event-stream``) of the workspace's inbox events (:func:`socialops.engage.events.
events_since`: new messages, replies, assignments, status changes, SLA warnings) and, for the
conversation the page shows (``?c=ID``), who else is viewing or typing in it.

The server reads the event log when a signal (:mod:`socialops.store.bus`) says the workspace
has new events — from this process, or from any process of a team server through Redis — and
otherwise every :data:`POLL_S` seconds (:data:`POLL_SIGNALLED_S` while Redis carries the other
processes' signals), each read a short one in a worker thread (no database connection is held
between reads, so a hundred open inboxes cost no connections while idle), sends a comment line
every :data:`HEARTBEAT_S` seconds so proxies keep the connection, and stops when the client
goes away or after ``wait`` seconds (the browser's ``EventSource`` reconnects by itself,
sending ``Last-Event-ID``: nothing is missed)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import RedirectResponse, Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from socialops.engage import events, presence
from socialops.store.bus import RESYNC, bus, database_key
from socialops.web.auth import principal, require, services_of

__all__ = ["HEARTBEAT_S", "POLL_S", "POLL_SIGNALLED_S", "router", "sse"]

router = APIRouter(include_in_schema=False)
POLL_S = 0.3
POLL_SIGNALLED_S = 3.0  # with Redis: a read now and then all the same (a signal may be lost)
HEARTBEAT_S = 15.0
PRESENCE_S = 2.0
BATCH = 200
# the workspace id of a page path (as socialops.web.pages.common.Slug: this module sits beside
# the pages, which include its router, so it does not import them)
Slug = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")]


def sse(event: str, data: Any, event_id: int | None = None) -> str:
    """One server-sent event (``data`` as one line of JSON)."""
    head = f"id: {event_id}\n" if event_id is not None else ""
    return f"{head}event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def _event_out(e: Any) -> dict[str, Any]:
    return {
        "event_id": e.event_id,
        "at": e.at,
        "kind": e.kind,
        "conversation_id": e.conversation_id,
        "case_id": e.case_id,
        "user": e.user,
        "detail": e.detail,
    }


def _start_after(request: Request, after: int | None) -> int:
    """Where the stream starts: the browser's ``Last-Event-ID`` on a reconnect, else
    ``after``, else the newest event now (only what happens from here on)."""
    last = request.headers.get("last-event-id", "")
    if last.isdigit():
        return int(last)
    return after if after is not None else -1


@router.get("/w/{ws}/inbox/events")
async def inbox_events(
    request: Request,
    ws: Slug,
    after: Annotated[int | None, Query(ge=0, le=2**63 - 1)] = None,
    c: Annotated[str, Query(max_length=64)] = "",
    wait: Annotated[float, Query(ge=0.5, le=600)] = 300,
) -> Response:
    if await run_in_threadpool(principal, request) is None:
        return RedirectResponse("/login", status_code=303)
    access = await run_in_threadpool(require, request, ws, "view")
    db = services_of(request).workspace(ws)
    me = access.user.email
    start = _start_after(request, after)
    if start < 0:  # from now on: the newest event's id
        start = await run_in_threadpool(events.last_event_id, db)

    key = database_key(db.db)
    signals = bus()
    loop = asyncio.get_running_loop()
    woken = asyncio.Event()

    def signalled(k: str, _local: bool) -> None:
        if k in (key, "*"):
            loop.call_soon_threadsafe(woken.set)

    async def stream() -> AsyncIterator[str]:
        stop = [signals.subscribe(events.TOPIC, signalled), signals.subscribe(RESYNC, signalled)]
        try:
            async for chunk in _stream():
                yield chunk
        finally:
            for unsubscribe in stop:
                unsubscribe()

    async def _stream() -> AsyncIterator[str]:
        last_id = start
        deadline = time.monotonic() + wait
        beat = presence_at = 0.0
        seen: list[tuple[str, str]] | None = None
        yield "retry: 2000\n\n"
        yield sse("hello", {"after": last_id})
        while time.monotonic() < deadline:
            if await request.is_disconnected():
                return
            found = await run_in_threadpool(events.events_since, db, last_id, BATCH)
            for e in found:
                last_id = max(last_id, int(e.event_id))
                yield sse(e.kind, _event_out(e), e.event_id)
            now = time.monotonic()
            if c and now - presence_at >= PRESENCE_S:
                presence_at = now
                who = await run_in_threadpool(presence.others, db, c, me)
                current = sorted((u, s) for u, s in who)
                if current != seen:
                    seen = current
                    yield sse("presence", {"conversation_id": c, "others": current})
            if now - beat >= HEARTBEAT_S:
                beat = now
                yield ": ping\n\n"
            if not found or len(found) < BATCH:
                pause = POLL_SIGNALLED_S if signals.remote else POLL_S
                if c:  # the presence of the others is read every PRESENCE_S
                    pause = min(pause, PRESENCE_S)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(woken.wait(), pause)
                woken.clear()

    return StreamingResponse(
        stream(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
