"""The publish worker: sends what is due, exactly once.

Each round claims one due post in a write transaction (serialised with every other writer:
SQLite ``BEGIN IMMEDIATE``, PostgreSQL an advisory lock), moves it to ``publishing`` with a lease
(``lease_s``) and counts the attempt; only then does it talk to the platform.

- The platform accepts: the remote id is stored at once (``published``).
- A post claimed again (its last attempt ended ambiguously — a timeout, a crash, a lease that ran
  out — or any earlier attempt) is first *reconciled*: the connector looks for it by its
  idempotency key, and a post found there is ``published`` without being sent again. Never a
  blind retry.
- Any other answer is the connector's :class:`~socialops.connectors.core.Resolution`: ``retry`` and
  ``rate_limited`` wait (``next_try_at``); ``refresh_auth`` signs in again and retries once;
  ``disconnect`` marks the profile ``needs_reauth`` (its posts wait, visibly); ``fail`` ends the
  post ``failed`` with the reason. An exception nobody classified leaves the post ``unknown``: it
  is reconciled before anything else is tried.
- A due post of a manual profile becomes a ``task``.

Every attempt is logged in ``publish_attempts`` (what was tried, what the platform said)."""

from __future__ import annotations

import os
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from socialops.connectors.core import CanPublish, Connector, ConnectorFailure, Resolution
from socialops.publish.profiles import build_connector, get_profile, now_iso, paused_all, set_status
from socialops.publish.queue import QueuedPost, get_post
from socialops.store.workspace import Workspace

__all__ = ["RunResult", "run_worker"]

LEASE_S = 120.0


@dataclass
class RunResult:
    published: int = 0
    reconciled: int = 0
    tasks: int = 0
    waiting: int = 0
    failed: int = 0
    unknown: int = 0
    rounds: int = 0
    paused: bool = False
    posts: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {k: v for k, v in self.__dict__.items() if k != "posts"}


def _iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat(timespec="microseconds")


def _claim(ws: Workspace, worker: str, lease_s: float) -> tuple[QueuedPost, str] | None:
    """The next due post, leased to ``worker``; with the state it was claimed from."""
    now = datetime.now(UTC)
    with ws.begin() as conn:
        row = conn.execute(
            text(
                "SELECT p.post_id, p.state FROM publish_posts p JOIN profiles f "
                "ON f.profile_id = p.profile_id "
                "WHERE p.state IN ('scheduled', 'publishing', 'unknown') AND p.due_at <= :now "
                "AND (p.next_try_at IS NULL OR p.next_try_at <= :now) "
                "AND (p.lease_until IS NULL OR p.lease_until < :now) "
                "AND f.paused = 0 AND f.status = 'active' "
                "ORDER BY p.due_at, p.post_id LIMIT 1"
            ),
            {"now": _iso(now)},
        ).fetchone()
        if row is None:
            return None
        conn.execute(
            text(
                "UPDATE publish_posts SET state = 'publishing', lease_owner = :w, "
                "lease_until = :until, attempts = attempts + 1, updated_at = :now "
                "WHERE post_id = :id"
            ),
            {
                "w": worker,
                "until": _iso(now + timedelta(seconds=lease_s)),
                "now": _iso(now),
                "id": row[0],
            },
        )
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


def _finish(ws: Workspace, post: QueuedPost, worker: str, sets: str, **params: object) -> None:
    """Update a post this worker holds (its lease): a post another worker took over after the
    lease ran out is left to that worker."""
    with ws.begin() as conn:
        conn.execute(
            text(
                f"UPDATE publish_posts SET {sets}, lease_owner = '', lease_until = NULL, "
                "updated_at = :now WHERE post_id = :id AND lease_owner = :w"
            ),
            {"id": post.post_id, "w": worker, "now": now_iso(), **params},
        )


def _published(ws: Workspace, post: QueuedPost, worker: str, remote_id: str, url: str) -> None:
    _finish(
        ws,
        post,
        worker,
        "state = 'published', remote_id = :r, url = :u, published_at = :at, reason_code = '', "
        "reason_detail = ''",
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
        t=_iso(after),
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
            _log(ws, post.post_id, "reconciled", "found", found.remote_id, worker)
            _published(ws, post, worker, found.remote_id, found.url)
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
    _log(ws, post.post_id, "published", "ok", done.remote_id, worker)
    _published(ws, post, worker, done.remote_id, done.url)
    out.published += 1


def _round(
    ws: Workspace, worker: str, lease_s: float, cache: dict[str, Connector], out: RunResult
) -> bool:
    """Claim and handle one due post; False when nothing is due."""
    claimed = _claim(ws, worker, lease_s)
    if claimed is None:
        return False
    post, prior = claimed
    out.rounds += 1
    out.posts.append(post.post_id)
    profile = get_profile(ws, post.profile_id)
    try:
        conn_ = cache.get(profile.profile_id) or build_connector(ws, profile)
        cache[profile.profile_id] = conn_
        if not isinstance(conn_, CanPublish):
            _log(ws, post.post_id, "task", "manual", "", worker)
            _finish(ws, post, worker, "state = 'task'")
            out.tasks += 1
            return True
        try:
            _send(ws, post, prior, conn_, worker, out)
        except ConnectorFailure as exc:
            if exc.resolution.action != "refresh_auth":
                raise
            cache.pop(profile.profile_id, None)  # sign in again, once
            conn_ = build_connector(ws, profile)
            cache[profile.profile_id] = conn_
            _send(ws, post, "unknown", conn_, worker, out)
    except ConnectorFailure as exc:
        res = exc.resolution
        _log(ws, post.post_id, res.action, res.code, res.detail, worker)
        if res.action in ("retry", "rate_limited", "refresh_auth"):
            _wait(
                ws,
                post,
                worker,
                res,
                "unknown" if res.code in ("network", "unexpected") else "scheduled",
            )
            out.waiting += 1
        elif res.action == "disconnect":
            set_status(ws, profile.profile_id, "needs_reauth", res.detail)
            cache.pop(profile.profile_id, None)
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
    except Exception as exc:
        _log(ws, post.post_id, "unknown", "unexpected", type(exc).__name__, worker)
        _wait(
            ws, post, worker, Resolution("retry", "unexpected", 30.0, type(exc).__name__), "unknown"
        )
        out.unknown += 1
    return True


def run_worker(
    ws: Workspace,
    *,
    until_idle: bool = False,
    poll_s: float = 5.0,
    lease_s: float = LEASE_S,
    stop: Callable[[], bool] | None = None,
) -> RunResult:
    """Publish what is due. ``until_idle``: stop when nothing is due now (later posts and posts
    waiting for a retry time do not keep it running). Stops at once while "pause all" is on."""
    worker = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
    out = RunResult()
    cache: dict[str, Connector] = {}
    while True:
        if paused_all(ws):
            out.paused = True
            if until_idle:
                return out
            time.sleep(poll_s)
            continue
        if _round(ws, worker, lease_s, cache, out):
            continue
        if until_idle or (stop is not None and stop()):
            return out
        time.sleep(poll_s)
