"""The publish worker: sends what is due, exactly once.

Each round claims one due post and moves it to ``publishing`` with a lease (``lease_s``),
counting the attempt; only then does it talk to the platform. The claim on SQLite is a write
transaction serialised with every other writer (``BEGIN IMMEDIATE``); on PostgreSQL it is a row
lease: ``SELECT … FOR UPDATE SKIP LOCKED`` in a transaction of its own, so workers racing on one
database each take a different post and never wait for one another (no global lock).

- The platform accepts: the remote id is stored at once (``published``).
- A post claimed again (its last attempt ended ambiguously — a timeout, a crash, a lease that ran
  out — or any earlier attempt) is first *reconciled*: the connector looks for it by its
  idempotency key, and a post found there is ``published`` without being sent again. Never a
  blind retry.
- Any other answer is the connector's :class:`~socialops.connectors.core.Resolution`: ``retry``
  waits (``next_try_at``); ``rate_limited`` (a rate limit or a daily quota) holds the whole
  *profile* until the platform's reset (``profiles.limited_until``, persisted: every post of it
  waits, across restarts and for every worker); ``refresh_auth`` refreshes the token (stored
  encrypted first) and retries once; ``disconnect`` marks the profile ``needs_reauth`` (its posts
  wait, visibly); ``fail`` ends the post ``failed`` with the reason. An exception nobody
  classified leaves the post ``unknown``: it is reconciled before anything else is tried.
- An OAuth token that expires within five minutes is refreshed before it is used
  (:func:`socialops.connectors.profiles.fresh_connector`).
- A due post of a manual profile becomes a ``task``.

Every attempt is logged in ``publish_attempts``; every worker writes a heartbeat
(:mod:`socialops.publish.watchdog`) as it goes and while it waits."""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, text

from socialops.connectors.core import CanPublish, Connector, ConnectorFailure, Resolution
from socialops.connectors.profiles import (
    Profile,
    fresh_connector,
    get_profile,
    iso_utc,
    now_iso,
    paused_all,
    set_limited,
    set_status,
)
from socialops.publish.queue import QueuedPost, get_post
from socialops.publish.watchdog import DUE_WHERE, heartbeat
from socialops.store.db_errors import database_unavailable
from socialops.store.workspace import Workspace

log = logging.getLogger("socialops.publish")

__all__ = ["LEASE_S", "RunResult", "run_worker", "worker_name"]

LEASE_S = 120.0
HEARTBEAT_S = 2.0  # at most one heartbeat write per this many seconds while busy


@dataclass
class RunResult:
    published: int = 0
    reconciled: int = 0
    tasks: int = 0
    waiting: int = 0
    failed: int = 0
    unknown: int = 0
    refreshed: int = 0
    rounds: int = 0
    paused: bool = False
    posts: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {k: v for k, v in self.__dict__.items() if k != "posts"}


def worker_name() -> str:
    """A worker's id: host, process and a random part (two workers of one process differ)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def _lease(conn: Connection, post_id: str, worker: str, now: datetime, lease_s: float) -> None:
    conn.execute(
        text(
            "UPDATE publish_posts SET state = 'publishing', lease_owner = :w, "
            "lease_until = :until, attempts = attempts + 1, updated_at = :now "
            "WHERE post_id = :id"
        ),
        {
            "w": worker,
            "until": iso_utc(now + timedelta(seconds=lease_s)),
            "now": iso_utc(now),
            "id": post_id,
        },
    )


def _claim(ws: Workspace, worker: str, lease_s: float) -> tuple[QueuedPost, str] | None:
    """The next due post, leased to ``worker``; with the state it was claimed from."""
    now = datetime.now(UTC)
    row: Any
    db = ws.db
    if db.schema is not None:  # PostgreSQL: a row lease, no global lock
        with db.engine.connect() as conn, conn.begin():
            conn.exec_driver_sql(f'SET LOCAL search_path TO "{db.schema}"')
            row = conn.execute(
                text(
                    f"SELECT p.post_id, p.state {DUE_WHERE} ORDER BY p.due_at, p.post_id "
                    "LIMIT 1 FOR UPDATE OF p SKIP LOCKED"
                ),
                {"now": iso_utc(now)},
            ).fetchone()
            if row is not None:
                _lease(conn, row[0], worker, now, lease_s)
    else:  # SQLite: one writer at a time (BEGIN IMMEDIATE)
        with ws.begin() as conn:
            row = conn.execute(
                text(f"SELECT p.post_id, p.state {DUE_WHERE} ORDER BY p.due_at, p.post_id LIMIT 1"),
                {"now": iso_utc(now)},
            ).fetchone()
            if row is not None:
                _lease(conn, row[0], worker, now, lease_s)
    if row is None:
        return None
    return get_post(ws, row[0]), str(row[1])


def _log(ws: Workspace, post_id: str, action: str, code: str, detail: str, worker: str) -> None:
    with ws.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO publish_attempts (post_id, at, action, code, detail, worker) "
                "VALUES (:p, :at, :a, :c, :d, :w)"
            ),
            {"p": post_id, "at": now_iso(), "a": action, "c": code, "d": detail[:500], "w": worker},
        )


def _finish(
    ws: Workspace,
    post: QueuedPost,
    worker: str,
    sets: str,
    *,
    log: tuple[str, str, str] | None = None,
    **params: object,
) -> None:
    """Update a post this worker holds (its lease): a post another worker took over after the
    lease ran out is left to that worker. ``log``: the attempt's ``(action, code, detail)``,
    written in the same transaction (one commit a post on the happy path)."""
    with ws.begin() as conn:
        if log is not None:
            conn.execute(
                text(
                    "INSERT INTO publish_attempts (post_id, at, action, code, detail, worker) "
                    "VALUES (:p, :at, :a, :c, :d, :w)"
                ),
                {
                    "p": post.post_id,
                    "at": now_iso(),
                    "a": log[0],
                    "c": log[1],
                    "d": log[2][:500],
                    "w": worker,
                },
            )
        conn.execute(
            text(
                f"UPDATE publish_posts SET {sets}, lease_owner = '', lease_until = NULL, "
                "updated_at = :now WHERE post_id = :id AND lease_owner = :w"
            ),
            {"id": post.post_id, "w": worker, "now": now_iso(), **params},
        )


def _published(
    ws: Workspace,
    post: QueuedPost,
    worker: str,
    remote_id: str,
    url: str,
    log: tuple[str, str, str] | None = None,
) -> None:
    _finish(
        ws,
        post,
        worker,
        "state = 'published', remote_id = :r, url = :u, published_at = :at, reason_code = '', "
        "reason_detail = ''",
        log=log,
        r=remote_id,
        u=url,
        at=now_iso(),
    )


def _wait(
    ws: Workspace, post: QueuedPost, worker: str, res: Resolution, state: str = "scheduled"
) -> None:
    after = datetime.now(UTC) + timedelta(seconds=res.retry_after or 60.0)
    _finish(
        ws,
        post,
        worker,
        "state = :s, next_try_at = :t, reason_code = :c, reason_detail = :d",
        s=state,
        t=iso_utc(after),
        c=res.code,
        d=res.detail[:500],
    )


def _send(
    ws: Workspace, post: QueuedPost, prior: str, conn_: Connector, worker: str, out: RunResult
) -> None:
    assert isinstance(conn_, CanPublish)
    if post.attempts > 1 or prior in ("publishing", "unknown"):
        found = conn_.find(post.idem_key, post.outgoing())
        if found is not None:
            log = ("reconciled", "found", found.remote_id)
            _published(ws, post, worker, found.remote_id, found.url, log)
            out.reconciled += 1
            return
    try:
        done = conn_.publish(post.outgoing(), post.idem_key)
    except ConnectorFailure as exc:
        res = exc.resolution
        if res.action == "ok":  # "already exists": look it up
            found = conn_.find(post.idem_key, post.outgoing())
            if found is not None:
                _published(ws, post, worker, found.remote_id, found.url)
                out.reconciled += 1
                return
        raise
    _published(ws, post, worker, done.remote_id, done.url, ("published", "ok", done.remote_id))
    out.published += 1


Cache = dict[tuple[str, str | None, str | None], Connector]


def _connector(ws: Workspace, profile: Profile, cache: Cache, out: RunResult) -> Connector:
    """The profile's connector, kept between rounds while its credentials are the same (a
    refresh by any worker, or connecting the profile again, changes the key)."""
    key = (profile.profile_id, profile.token_expires_at, profile.checked_at)
    cached = cache.get(key)
    if cached is not None and not _expiring(profile):
        return cached
    for old in [k for k in cache if k[0] == profile.profile_id]:
        cache.pop(old)
    conn_ = fresh_connector(ws, profile)
    after = get_profile(ws, profile.profile_id)
    if after.token_expires_at != profile.token_expires_at:
        out.refreshed += 1
    cache[(after.profile_id, after.token_expires_at, after.checked_at)] = conn_
    return conn_


def _expiring(profile: Profile) -> bool:
    if profile.token_expires_at is None:
        return False
    return profile.token_expires_at <= iso_utc(datetime.now(UTC) + timedelta(seconds=300))


def _handle(
    ws: Workspace, post: QueuedPost, profile: Profile, res: Resolution, worker: str, out: RunResult
) -> None:
    """Act on a platform's answer that did not publish the post."""
    _log(ws, post.post_id, res.action, res.code, res.detail, worker)
    if res.action == "rate_limited":  # the whole profile waits for the reset
        until = datetime.now(UTC) + timedelta(seconds=res.retry_after or 60.0)
        set_limited(ws, profile.profile_id, until, res.code)
    if res.action in ("retry", "rate_limited", "refresh_auth"):
        state = "unknown" if res.code in ("network", "unexpected") else "scheduled"
        _wait(ws, post, worker, res, state)
        out.waiting += 1
    elif res.action == "disconnect":
        set_status(ws, profile.profile_id, "needs_reauth", res.detail)
        _wait(ws, post, worker, Resolution("disconnect", "needs_reauth", 0.0, res.detail))
        out.waiting += 1
    else:
        _finish(
            ws,
            post,
            worker,
            "state = 'failed', reason_code = :c, reason_detail = :d",
            c=res.code,
            d=res.detail[:500],
        )
        out.failed += 1


def _round(ws: Workspace, worker: str, lease_s: float, cache: Cache, out: RunResult) -> bool:
    """Claim and handle one due post; False when nothing is due."""
    claimed = _claim(ws, worker, lease_s)
    if claimed is None:
        return False
    post, prior = claimed
    out.rounds += 1
    out.posts.append(post.post_id)
    profile = get_profile(ws, post.profile_id)
    try:
        conn_ = _connector(ws, profile, cache, out)
        if not isinstance(conn_, CanPublish):
            _finish(ws, post, worker, "state = 'task'", log=("task", "manual", ""))
            out.tasks += 1
            return True
        try:
            _send(ws, post, prior, conn_, worker, out)
        except ConnectorFailure as exc:
            if exc.resolution.action != "refresh_auth":
                raise
            cache.clear()  # refresh (or sign in again), once
            conn_ = fresh_connector(ws, profile, force=True)
            out.refreshed += 1
            _send(ws, post, "unknown", conn_, worker, out)
        if profile.limited_until is not None:  # the platform took it: no limit holds now
            set_limited(ws, profile.profile_id, None)
    except ConnectorFailure as exc:
        if exc.resolution.action == "disconnect":
            cache.clear()
        _handle(ws, post, profile, exc.resolution, worker, out)
    except Exception as exc:
        _log(ws, post.post_id, "unknown", "unexpected", type(exc).__name__, worker)
        _wait(
            ws, post, worker, Resolution("retry", "unexpected", 30.0, type(exc).__name__), "unknown"
        )
        out.unknown += 1
    return True


DB_RETRY_S = 2.0  # seconds between tries while the database cannot be reached


def run_worker(
    ws: Workspace,
    *,
    until_idle: bool = False,
    poll_s: float = 5.0,
    lease_s: float = LEASE_S,
    stop: Callable[[], bool] | None = None,
    mode: str = "worker",
    worker: str | None = None,
) -> RunResult:
    """Publish what is due. ``until_idle``: stop when nothing is due now (later posts and posts
    waiting for a retry time do not keep it running). Stops at once while "pause all" is on
    (``until_idle``) and between rounds when ``stop()`` says so. ``mode`` (``worker`` or
    ``serve``) is what the heartbeat says this worker is."""
    worker = worker or worker_name()
    out = RunResult()
    cache: Cache = {}
    beat = 0.0
    while True:
        try:
            if time.monotonic() - beat >= HEARTBEAT_S:
                heartbeat(ws, worker, mode)
                beat = time.monotonic()
            if stop is not None and stop():
                return out
            if paused_all(ws):
                out.paused = True
                if until_idle:
                    return out
                time.sleep(poll_s)
                continue
            if _round(ws, worker, lease_s, cache, out):
                continue
            if until_idle:
                return out
            heartbeat(ws, worker, mode)
            beat = time.monotonic()
            time.sleep(poll_s)
        except Exception as exc:
            # the database away for a moment (PostgreSQL restarted: bench/soak.py): wait and go
            # on; a post claimed meanwhile keeps its lease and is reconciled, never sent twice
            if until_idle or not database_unavailable(exc):
                raise
            log.warning("publish worker %s: database unreachable, trying again", worker)
            time.sleep(max(poll_s, DB_RETRY_S))
