"""Scheduled reports (issue 17 item 8): a daily or weekly report per plan or listening topic,
written to the workspace's reports list and e-mailed to chosen members in their language.

A schedule (table ``report_schedules``, migration w0009) runs at a local ``hour`` in its
``zone`` (Asia/Seoul by default), every day or on one ``weekday``. :func:`next_run` finds the
next such instant on the zone's own calendar — one run per local day even across a daylight
saving change (a skipped hour runs at the first real instant after it; a repeated hour runs
once, at its first occurrence).

:func:`run_due` is what ``socialops serve``'s background loop and ``socialops schedule run-due``
call. The schedules themselves (what, when, to whom; :func:`next_run`) are
:mod:`socialops.plan.schedule_store`, re-exported here. A due schedule is *claimed* first (one
``UPDATE … WHERE lease is free``, atomic on SQLite and PostgreSQL): two workers never run one
schedule at once. The period a run covers is fixed by its due instant (daily: the local day
before; weekly: the seven days before), and its progress is kept in ``last_status`` (JSON: the
period, the report's id, the recipients sent, failed and being sent): a worker that dies mid-run
leaves the lease to expire (:data:`LEASE`), and the next one resumes the same period — the
report file is the same (its id comes from the schedule and the period), and each recipient is
marked *before* the message goes out, so nobody gets two e-mails for one period (at most once: a
crash between the mark and the send is recorded as ``unknown``, never sent twice). A temporary
SMTP failure is tried again (:data:`RETRIES` times, :data:`RETRY_AFTER` apart) within the same
period.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import socket
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from time import monotonic
from typing import Any

from sqlalchemy import Connection, text

from socialops.domain.instants import iso_utc
from socialops.errors import PlanError
from socialops.plan.schedule_store import (
    CADENCES,
    COLUMNS,
    KINDS,
    WEEKDAYS,
    Schedule,
    add_schedule,
    get_schedule,
    list_schedules,
    next_run,
    period_of,
    remove_schedule,
    update_schedule,
)
from socialops.plan.scheduled_report import build_scheduled_report, write_to_reports
from socialops.store.mail import MailError, scrub, send_mail
from socialops.store.polling import WorkspaceLoop
from socialops.store.workspace import Workspace

__all__ = [
    "CADENCES",
    "KINDS",
    "LEASE",
    "RETRIES",
    "RETRY_AFTER",
    "WEEKDAYS",
    "BackgroundSchedules",
    "RunSummary",
    "Schedule",
    "add_schedule",
    "get_schedule",
    "list_schedules",
    "next_run",
    "period_of",
    "remove_schedule",
    "run_due",
    "run_now",
    "update_schedule",
]

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=15)  # a run that takes longer is taken over by another worker
RETRIES = 3  # tries per period for a temporary SMTP failure
RETRY_AFTER = timedelta(minutes=5)


# -- running ------------------------------------------------------------------------------------


@dataclass
class RunSummary:
    """What one :func:`run_due` did."""

    claimed: int = 0
    reports: int = 0
    sent: int = 0
    failed: int = 0
    runs: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


def _smtp(conn: Connection) -> dict[str, Any]:
    """The workspace's SMTP settings (the inbox's ``notify`` settings, ``email`` part)."""
    raw = conn.execute(
        text("SELECT value FROM inbox_settings WHERE key = 'notify'")
    ).scalar_one_or_none()
    try:
        cfg = json.loads(str(raw)) if raw else {}
    except ValueError:
        cfg = {}
    email = cfg.get("email") if isinstance(cfg, dict) else None
    return dict(email) if isinstance(email, dict) else {}


def _claim(ws: Workspace, s: Schedule, owner: str, now: datetime) -> bool:
    with ws.begin() as conn:
        return bool(
            conn.execute(
                text(
                    "UPDATE report_schedules SET lease_owner = :me, lease_until = :until "
                    "WHERE schedule_id = :id AND enabled = 1 AND next_run_at = :due "
                    "AND (lease_until IS NULL OR lease_until <= :now)"
                ),
                {
                    "me": owner,
                    "until": iso_utc(now + LEASE),
                    "id": s.schedule_id,
                    "due": s.next_run_at,
                    "now": iso_utc(now),
                },
            ).rowcount
        )


def _save(ws: Workspace, sid: str, owner: str, status: dict[str, Any], **cols: Any) -> bool:
    """Record ``status`` (and ``cols``) while ``owner`` still holds the lease; False when the
    lease was lost (another worker took the run over)."""
    sets = ", ".join(f"{k} = :{k}" for k in cols)
    sql = "UPDATE report_schedules SET last_status = :st" + (", " + sets if sets else "")
    args = {"st": json.dumps(status, ensure_ascii=False), "id": sid, "me": owner, **cols}
    with ws.begin() as conn:
        done = conn.execute(
            text(sql + " WHERE schedule_id = :id AND lease_owner = :me"), args
        ).rowcount
    return bool(done)


def run_due(
    ws: Workspace,
    now: datetime | None = None,
    *,
    langs: Mapping[str, str] | None = None,
    owner: str | None = None,
    send: Callable[..., None] = send_mail,
) -> RunSummary:
    """Run every enabled schedule that is due at ``now``: claim, build and write the report,
    e-mail each recipient in their language (``langs``: the workspace's members, e-mail →
    ``ko``/``en``, from the accounts; when given, a recipient no longer a member gets nothing;
    empty on an install without accounts: everyone, in Korean), record the outcome, move to the
    next run."""
    now = now or datetime.now(UTC)
    owner = owner or _worker()
    langs = {k.lower(): v for k, v in (langs or {}).items()}
    summary = RunSummary()
    with ws.connect() as conn:
        rows = conn.execute(
            text(
                f"SELECT {COLUMNS} FROM report_schedules WHERE enabled = 1 AND next_run_at <= :now "
                "AND (lease_until IS NULL OR lease_until <= :now) ORDER BY next_run_at"
            ),
            {"now": iso_utc(now)},
        ).mappings()
        due = [Schedule.of(r) for r in rows]
        smtp = _smtp(conn)
    for s in due:
        if not _claim(ws, s, owner, now):
            continue  # another worker has it
        summary.claimed += 1
        try:
            run = _run_one(
                ws, s, owner, now, langs, smtp, send, build_scheduled_report, write_to_reports
            )
        except Exception as exc:  # a report that cannot be built: recorded, period moves on
            log.exception("scheduled report %s failed in %s", s.schedule_id, ws.root)
            code = getattr(exc, "code", type(exc).__name__)
            status = {"period": s.next_run_at, "state": "failed", "error": str(code)}
            _finish(ws, s, owner, status, now)
            run = status
        summary.runs.append({"schedule_id": s.schedule_id, **run})
        summary.reports += 1 if run.get("report") and run.get("new_report") else 0
        summary.sent += int(run.get("sent_now", 0))
        summary.failed += int(run.get("failed_now", 0))
    return summary


def run_now(
    ws: Workspace,
    schedule_id: str,
    now: datetime | None = None,
    *,
    langs: Mapping[str, str] | None = None,
    owner: str | None = None,
    send: Callable[..., None] = send_mail,
) -> dict[str, Any]:
    """Run one schedule at once (the web's "run now"), enabled or not: the report over the
    period a run due ``now`` covers (daily: yesterday; weekly: the seven days before), written
    to the reports list and e-mailed as :func:`run_due` does; the regular runs go on after it.
    ``PlanError("schedule.busy")`` while a run of it is under way (or waits to retry)."""
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    owner = owner or _worker()
    langs = {k.lower(): v for k, v in (langs or {}).items()}
    s = get_schedule(ws, schedule_id)
    s.next_run_at = iso_utc(now)  # this run's period key
    with ws.begin() as conn:
        smtp = _smtp(conn)
        took = conn.execute(
            text(
                "UPDATE report_schedules SET lease_owner = :me, lease_until = :until, "
                "next_run_at = :due WHERE schedule_id = :id "
                "AND (lease_until IS NULL OR lease_until <= :now)"
            ),
            {
                "me": owner,
                "until": iso_utc(now + LEASE),
                "due": s.next_run_at,
                "id": schedule_id,
                "now": iso_utc(now),
            },
        ).rowcount
    if not took:
        raise PlanError("schedule.busy", schedule_id=schedule_id[:40])
    try:
        run = _run_one(
            ws, s, owner, now, langs, smtp, send, build_scheduled_report, write_to_reports
        )
    except Exception as exc:  # as run_due: recorded, the next run computed
        log.exception("scheduled report %s failed in %s", s.schedule_id, ws.root)
        code = getattr(exc, "code", type(exc).__name__)
        run = {"period": s.next_run_at, "state": "failed", "error": str(code)}
        _finish(ws, s, owner, run, now)
    return {"schedule_id": schedule_id, **run}


def _finish(ws: Workspace, s: Schedule, owner: str, status: dict[str, Any], now: datetime) -> None:
    due = datetime.fromisoformat(s.next_run_at.replace("Z", "+00:00"))
    nxt = next_run(s.cadence, s.weekday, s.hour, s.zone, max(due, now))  # missed runs: skipped
    _save(
        ws,
        s.schedule_id,
        owner,
        status,
        next_run_at=iso_utc(nxt),
        last_run_at=iso_utc(now),
        lease_owner="",
        lease_until=None,
    )


def _run_one(
    ws: Workspace,
    s: Schedule,
    owner: str,
    now: datetime,
    langs: Mapping[str, str],
    smtp: Mapping[str, Any],
    send: Callable[..., None],
    build: Callable[..., Any],
    write: Callable[..., tuple[str, bool]],
) -> dict[str, Any]:
    t0 = monotonic()
    due = datetime.fromisoformat(s.next_run_at.replace("Z", "+00:00"))
    start, end = period_of(s.cadence, due, s.zone)
    prev = s.last_status if s.last_status.get("period") == s.next_run_at else {}
    status: dict[str, Any] = {
        "period": s.next_run_at,
        "from": start.isoformat(),
        "to": end.isoformat(),
        "state": "running",
        "sent": list(prev.get("sent", [])),
        "failed": dict(prev.get("failed", {})),
        "unknown": list(prev.get("unknown", [])),
        "tries": int(prev.get("tries", 0)) + 1,
    }
    # a recipient marked "sending" by a worker that died: never sent twice
    for address in prev.get("sending", []):
        if address not in status["unknown"]:
            status["unknown"].append(address)
    reports: dict[str, Any] = {}
    cache: dict[str, Any] = {}

    def report(lang: str) -> Any:
        if lang not in reports:
            reports[lang] = build(ws, s, start, end, lang, cache)
        return reports[lang]

    people = [p.lower() for p in s.recipients]
    main_lang = langs.get(people[0], "ko") if people else "ko"
    rid, new = write(ws, s, report(main_lang), due)
    status["report"] = rid
    out: dict[str, Any] = {"report": rid, "new_report": new, "sent_now": 0, "failed_now": 0}
    retry = False
    temporary: dict[str, str] = {}
    for address in people:
        done = set(status["sent"]) | set(status["failed"]) | set(status["unknown"])
        if address in done:
            continue
        if langs and address not in langs:  # no longer a member: nothing goes out
            status["failed"][address] = "not a member of the workspace"
            out["failed_now"] += 1
            continue
        status["sending"] = [address]
        # the lease renewed for as long as the run has taken (a slow report keeps it)
        until = iso_utc(now + timedelta(seconds=monotonic() - t0) + LEASE)
        if not _save(ws, s.schedule_id, owner, status, lease_until=until):
            return {**out, "state": "lost_lease"}
        lang = langs.get(address, "ko")
        r = report(lang)
        try:
            send(smtp, address, r.subject, r.text, html=r.html)
        except MailError as exc:
            if exc.permanent:
                status["failed"][address] = scrub(str(exc))
                out["failed_now"] += 1
            else:
                temporary[address] = scrub(str(exc))
        else:
            status["sent"].append(address)
            out["sent_now"] += 1
        status["sending"] = []
    status.pop("sending", None)
    if temporary and status["tries"] < RETRIES:
        retry = True
        status["retry"] = temporary
        status["state"] = "retrying"
    else:
        for address, error in temporary.items():
            status["failed"][address] = error
            out["failed_now"] += 1
        status.pop("retry", None)
        ok = len(status["sent"])
        status["state"] = "sent" if ok == len(people) else ("partial" if ok else "failed")
    out["state"] = status["state"]
    if retry:  # same period again after a pause: the lease doubles as "not before"
        _save(
            ws,
            s.schedule_id,
            owner,
            status,
            last_report=rid,
            lease_owner="",
            lease_until=iso_utc(now + RETRY_AFTER),
        )
    else:
        _save(ws, s.schedule_id, owner, status, last_report=rid)
        _finish(ws, s, owner, status, now)
    return out


class BackgroundSchedules(WorkspaceLoop):
    """Runs :func:`run_due` for every workspace ``roots()`` returns, every ``poll_s`` seconds
    (``socialops serve``); ``langs(ws)`` says each member's language."""

    name = "socialops-schedules"

    def __init__(
        self,
        roots: Callable[[], list[Workspace]],
        poll_s: float = 60.0,
        *,
        langs: Callable[[Workspace], Mapping[str, str]] | None = None,
    ) -> None:
        super().__init__(roots, poll_s)
        self.langs = langs
        self.owner = _worker()

    def one(self, ws: Workspace) -> None:
        langs = self.langs(ws) if self.langs else {}
        run_due(ws, langs=langs, owner=self.owner)
