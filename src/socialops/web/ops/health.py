"""``/healthz`` and ``/readyz``: for a process supervisor, a load balancer and an alert.

- ``GET /healthz``: the process is up and answers (touches nothing else): ``200 {"status":
  "ok"}``.
- ``GET /readyz``: the server can do its work: ``200 {"status": "ready", ...}`` or
  ``503 {"status": "not_ready", "failed": [...]}``, each check with a short code:

  - ``database``: the accounts database and every workspace's database answer a query;
  - ``store``: every workspace's analytics store is readable (``enriched/``, ``raw/``) and
    writable (a small file written, read back and removed under ``tmp/``, where every store
    write starts: a full disk fails here);
  - ``worker``: a publish worker (``socialops worker``, or the publisher inside ``serve``)
    beat in some workspace within setting ``ready_worker_s`` seconds
    (:mod:`socialops.publish.watchdog` keeps the heartbeats);
  - ``connectors``: profiles that need a new sign-in, are paused or held by a rate limit —
    reported, never a reason to take the server out of rotation (a customer's expired token
    is not the server's fault; the metrics and the pages say it).

  ``?only=database,store`` runs just those checks (e.g. a load balancer that must not drop
  every web process because the worker stopped). No authentication: the answer holds codes,
  counts and ages only — no workspace names, paths, versions or error texts (those go to the
  log, with the request id). Each process reuses its last answer for one second.
"""

from __future__ import annotations

import logging
import os
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from socialops import settings
from socialops.domain.instants import iso_utc
from socialops.store.workspace import Workspace
from socialops.web.auth import WebError
from socialops.web.ops.workspaces import served_workspaces
from socialops.web.services import Services

__all__ = ["CHECKS", "Readiness", "readiness", "router"]

log = logging.getLogger("socialops.health")
router = APIRouter(include_in_schema=False)
CHECKS = ("database", "store", "worker", "connectors")
FATAL = frozenset({"database", "store", "worker"})
REUSE_S = 1.0
NO_STORE = {"Cache-Control": "no-store"}


@router.get("/healthz")
def healthz() -> JSONResponse:
    return JSONResponse({"status": "ok"}, headers=NO_STORE)


@dataclass
class Readiness:
    checks: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def failed(self) -> list[str]:
        return [k for k, v in self.checks.items() if not v["ok"] and k in FATAL]

    def to_dict(self) -> dict[str, Any]:
        failed = self.failed
        return {
            "status": "not_ready" if failed else "ready",
            "failed": failed,
            "checks": self.checks,
        }


def _database(services: Services, spaces: list[tuple[str, Workspace]]) -> dict[str, Any]:
    with services.accounts.connect() as conn:
        conn.execute(text("SELECT 1")).scalar()
    for _slug, ws in spaces:
        with ws.connect() as conn:
            conn.execute(text("SELECT COUNT(*) FROM publish_workers")).scalar()
    return {"ok": True, "workspaces": len(spaces)}


def _store(spaces: list[tuple[str, Workspace]]) -> dict[str, Any]:
    for _slug, ws in spaces:
        for folder in (ws.raw_dir, ws.enriched_dir):
            with os.scandir(folder) as entries:
                next(entries, None)
        probe = ws.tmp_dir / f".ready-{os.getpid()}-{secrets.token_hex(4)}"
        payload = secrets.token_bytes(16)
        try:
            probe.write_bytes(payload)
            if probe.read_bytes() != payload:
                return {"ok": False, "code": "not_readable"}
        finally:
            probe.unlink(missing_ok=True)
    return {"ok": True}


def _worker(spaces: list[tuple[str, Workspace]], now: datetime) -> dict[str, Any]:
    raw = settings.get("ready_worker_s")
    try:
        limit = float(raw)
    except ValueError:
        log.warning("ready_worker_s is not a number (%s): 120 s used", raw)
        limit = 120.0
    latest: str | None = None
    for _slug, ws in spaces:
        with ws.connect() as conn:
            seen = conn.execute(text("SELECT MAX(seen_at) FROM publish_workers")).scalar()
        if seen and (latest is None or seen > latest):
            latest = seen
    if latest is None:
        return {"ok": False, "code": "never", "limit_s": limit}
    age = max(0.0, (now - datetime.fromisoformat(latest)).total_seconds())
    ok = age <= limit
    return {"ok": ok, "age_s": round(age, 1), "limit_s": limit, **({} if ok else {"code": "stale"})}


def _connectors(spaces: list[tuple[str, Workspace]], now: datetime) -> dict[str, Any]:
    counts = {"needs_reauth": 0, "paused": 0, "rate_limited": 0}
    stamp = iso_utc(now)
    for _slug, ws in spaces:
        with ws.connect() as conn:
            row = conn.execute(
                text(
                    "SELECT SUM(CASE WHEN status <> 'active' THEN 1 ELSE 0 END), "
                    "SUM(CASE WHEN paused <> 0 THEN 1 ELSE 0 END), "
                    "SUM(CASE WHEN limited_until > :now THEN 1 ELSE 0 END) FROM profiles"
                ),
                {"now": stamp},
            ).one()
        for key, value in zip(counts, row, strict=True):
            counts[key] += int(value or 0)
    return {"ok": counts["needs_reauth"] == 0, **counts}


def readiness(services: Services, only: tuple[str, ...] = CHECKS) -> Readiness:
    """Run the checks ``only`` (a failing one says why in a code; the detail goes to the log)."""
    now = datetime.now(UTC)
    out = Readiness()
    try:
        spaces = served_workspaces(services)
    except Exception:
        log.exception("readiness: the accounts database could not be read")
        out.checks = {name: {"ok": False, "code": "unreachable"} for name in only}
        return out
    for name in only:
        try:
            if name == "database":
                result = _database(services, spaces)
            elif name == "store":
                result = _store(spaces)
            elif name == "worker":
                result = _worker(spaces, now)
            else:
                result = _connectors(spaces, now)
        except OSError as exc:
            log.warning("readiness: %s failed: %s", name, exc)
            result = {"ok": False, "code": "not_writable" if name == "store" else "unreachable"}
        except Exception:
            log.exception("readiness: %s failed", name)
            result = {"ok": False, "code": "unreachable"}
        out.checks[name] = result
    return out


_last: dict[tuple[int, tuple[str, ...]], tuple[float, Readiness]] = {}
_last_lock = threading.Lock()


@router.get("/readyz")
def readyz(request: Request, only: str = "") -> JSONResponse:
    wanted = tuple(x.strip() for x in only.split(",") if x.strip()) or CHECKS
    unknown = [x for x in wanted if x not in CHECKS]
    if unknown:
        raise WebError(400, "bad_request", detail=f"only: {', '.join(CHECKS)}")
    services: Services = request.app.state.services
    key = (id(services), wanted)
    with _last_lock:
        cached = _last.get(key)
    if cached is not None and time.monotonic() - cached[0] < REUSE_S:
        result = cached[1]
    else:
        result = readiness(services, wanted)
        with _last_lock:
            _last[key] = (time.monotonic(), result)
    body = result.to_dict()
    return JSONResponse(body, status_code=503 if body["failed"] else 200, headers=NO_STORE)
