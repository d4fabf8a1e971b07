"""Scheduled reports in the web, shared by the page (``/w/{ws}/reports/schedules``) and the API
(``/api/v1/workspaces/{ws}/schedules``): list, add, change (timing, recipients, on/off), remove
and run now (:mod:`socialops.plan.schedules` does the work).

Reading needs ``view``; every change ``reports.schedule`` (owners, managers, analysts: those
who make reports). Recipients are chosen among the workspace's members (an address that is
not one is refused), and each gets the report in the language of their account. Another
workspace's schedule, like one that does not exist, is 404. Every change is written to the
workspace's audit log."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from socialops.errors import PlanError
from socialops.i18n import fmt_time
from socialops.listen.topics import list_topics
from socialops.plan import schedules as sched
from socialops.plan.store import PlanStore
from socialops.web.actions.base import Actor

__all__ = [
    "EDIT",
    "MAX_RECIPIENTS",
    "SCHEDULE_ID",
    "add",
    "change",
    "choices",
    "members",
    "remove",
    "run",
    "schedules",
]

EDIT = "reports.schedule"
MAX_RECIPIENTS = 50
SCHEDULE_ID = r"^s[0-9a-f]{8}$"  # plan.schedule_store: "s" + 4 random bytes in hex
_ID = re.compile(SCHEDULE_ID)


def members(actor: Actor, ws: str) -> dict[str, str]:
    """The workspace's members: e-mail (lower case) → their language (``ko``/``en``)."""
    return {m.user.email.lower(): m.user.lang for m in actor.accounts.members(ws)}


def _unknown(schedule_id: str) -> PlanError:
    return PlanError("schedule.unknown", schedule_id=schedule_id[:40])  # 404


def _get(actor: Actor, ws: str, schedule_id: str) -> sched.Schedule:
    """The schedule ``schedule_id`` of ``ws`` (each workspace has its own database, so another
    workspace's id is simply not found: 404)."""
    if not _ID.match(schedule_id or ""):
        raise _unknown(schedule_id)
    return sched.get_schedule(actor.services.workspace(ws), schedule_id)


def _out(s: sched.Schedule, lang: str) -> dict[str, Any]:
    """A schedule as the page and the API show it: its fields plus the next and last run in
    its zone's local time (``next_run_local``, ``last_run_local``) and the last state."""
    d = s.to_dict()
    d["next_run_local"] = fmt_time(s.next_run_at, s.zone, lang) if s.enabled else None
    d["last_run_local"] = fmt_time(s.last_run_at, s.zone, lang) if s.last_run_at else None
    d["last_state"] = str(s.last_status.get("state") or "") or None
    d["last_period"] = (
        {"from": s.last_status.get("from"), "to": s.last_status.get("to")}
        if s.last_status.get("to")
        else None
    )
    d.pop("last_status", None)  # per-recipient progress: the server's bookkeeping
    return d


def schedules(actor: Actor, ws: str, lang: str) -> list[dict[str, Any]]:
    """Every scheduled report of ``ws``, oldest first."""
    actor.access(ws, "view")
    return [_out(s, lang) for s in sched.list_schedules(actor.services.workspace(ws))]


def choices(actor: Actor, ws: str) -> dict[str, Any]:
    """What a new schedule can be about and sent to: ``plans`` (id, name), ``topics`` (names),
    ``members`` (e-mail, name)."""
    actor.access(ws, "view")
    db = actor.services.workspace(ws)
    plans = [
        {"id": str(p["plan_id"]), "name": str(p.get("name") or p["plan_id"])}
        for p in PlanStore(db).list()
    ]
    people = [
        {"email": m.user.email.lower(), "name": m.user.name or m.user.email}
        for m in actor.accounts.members(ws)
    ]
    return {"plans": plans, "topics": [tp.name for tp in list_topics(db)], "members": people}


def _people(recipients: Sequence[str]) -> list[str]:
    if len(recipients) > MAX_RECIPIENTS:
        raise PlanError("schedweb.too_many", max=MAX_RECIPIENTS)
    return [str(r)[:200] for r in recipients]


def add(
    actor: Actor,
    ws: str,
    lang: str,
    *,
    kind: str,
    ref: str,
    cadence: str,
    weekday: int | str,
    hour: int,
    recipients: Sequence[str],
) -> dict[str, Any]:
    """A new scheduled report (Asia/Seoul); recipients must be members of ``ws``."""
    access = actor.access(ws, EDIT)
    if kind not in sched.KINDS or not ref.strip():
        raise PlanError("schedweb.bad_ref")
    s = sched.add_schedule(
        actor.services.workspace(ws),
        kind=kind,
        ref=ref.strip()[:200],
        cadence=cadence,
        weekday=weekday,
        hour=hour,
        recipients=_people(recipients),
        members=members(actor, ws),
        created_by=actor.user.email,
    )
    actor.audit(access, "schedule.add", s.schedule_id, kind=s.kind, ref=s.ref, to=s.recipients)
    return _out(s, lang)


def change(
    actor: Actor,
    ws: str,
    schedule_id: str,
    lang: str,
    *,
    enabled: bool | None = None,
    cadence: str | None = None,
    weekday: int | str | None = None,
    hour: int | None = None,
    recipients: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Turn a schedule on or off, or change when it runs and to whom."""
    access = actor.access(ws, EDIT)
    _get(actor, ws, schedule_id)
    s = sched.update_schedule(
        actor.services.workspace(ws),
        schedule_id,
        cadence=cadence,
        weekday=weekday,
        hour=hour,
        recipients=None if recipients is None else _people(recipients),
        enabled=enabled,
        members=members(actor, ws),
    )
    detail = {"enabled": enabled, "cadence": cadence, "hour": hour, "to": recipients}
    actor.audit(
        access, "schedule.change", schedule_id, **{k: v for k, v in detail.items() if v is not None}
    )
    return _out(s, lang)


def remove(actor: Actor, ws: str, schedule_id: str) -> None:
    access = actor.access(ws, EDIT)
    _get(actor, ws, schedule_id)
    sched.remove_schedule(actor.services.workspace(ws), schedule_id)
    actor.audit(access, "schedule.remove", schedule_id)


def run(actor: Actor, ws: str, schedule_id: str) -> dict[str, Any]:
    """Run a schedule now: its report written to the reports list and e-mailed to its
    recipients who are still members. ``{schedule_id, report, state, sent_now, failed_now}``
    (``error``: the failure's code when the report could not be built)."""
    access = actor.access(ws, EDIT)
    _get(actor, ws, schedule_id)
    out = sched.run_now(actor.services.workspace(ws), schedule_id, langs=members(actor, ws))
    actor.audit(
        access, "schedule.run", schedule_id, report=out.get("report"), state=out.get("state")
    )
    return {
        "schedule_id": schedule_id,
        "report": out.get("report"),
        "state": out.get("state"),
        "sent_now": int(out.get("sent_now", 0)),
        "failed_now": int(out.get("failed_now", 0)),
        **({"error": out["error"]} if out.get("error") else {}),
    }
