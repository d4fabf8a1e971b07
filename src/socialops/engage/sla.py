"""Service levels of the inbox: how soon a case must get its first response, a response to the
customer's next message, and its resolution, per channel and priority, counted in business
minutes (:mod:`socialops.engage.hours`); and the check that warns before a due time and records
a breach after it.

Where the targets come from, first found wins:

1. the workspace's own settings: ``inbox_settings`` key ``sla`` (JSON, below) and key ``hours``
   (a :meth:`BusinessHours.parse` spec);
2. the running plan's operating policy: ``business_hours`` (Monday to Friday, the plan's zone)
   and ``response_minutes`` (channel → first response, the target of a normal message);
3. built-in defaults (:data:`DEFAULT_TARGETS`, 09:00-18:00 on Korean working days).

``sla`` settings::

    {"targets": {"urgent": {"first": 30, "next": 30, "resolution": 240}, ...},
     "channels": {"kakao": {"all": {"first": 10}, "urgent": {"first": 5}}},
     "warn_ratio": 0.2, "warn_minutes": 15}

A channel's ``all`` target is the promise for a normal message: urgent and high messages never
get a later one than their own default, low ones never an earlier one. 0 or null: no target.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, text

from socialops.domain.instants import iso_utc
from socialops.engage.events import emit
from socialops.engage.hours import BusinessHours
from socialops.engage.notify import notify_inbox
from socialops.errors import EngageError
from socialops.i18n import t
from socialops.store.workspace import Workspace

__all__ = [
    "DEFAULT_HOURS",
    "DEFAULT_TARGETS",
    "KINDS",
    "OPEN_STATUSES",
    "PRIORITIES",
    "Dues",
    "SlaCheck",
    "SlaPolicy",
    "Targets",
    "check_sla",
    "dues_for",
    "sla_policy",
    "sla_state",
]

PRIORITIES = ("urgent", "high", "normal", "low")
OPEN_STATUSES = ("new", "open", "reopened", "waiting")  # cases whose clock runs (waiting: in part)
_TARGET_OF = {"first_response": "first", "next_response": "next", "resolution": "resolution"}
KINDS = ("first", "next", "resolution")  # the targets; Dues fields: first_response ...
DEFAULT_HOURS = "09:00-18:00"
# the inbox's channel names → the plan's channel keys (domain/channels)
_PLAN_CHANNEL = {"kakao": "kakaotalk_channel", "twitter": "x", "naver": "naver_blog"}


@dataclass(frozen=True)
class Targets:
    """Business minutes to each service level (None: no target)."""

    first: int | None
    next: int | None
    resolution: int | None

    def get(self, kind: str) -> int | None:
        value: int | None = getattr(self, kind)
        return value

    def to_dict(self) -> dict[str, int | None]:
        return {"first": self.first, "next": self.next, "resolution": self.resolution}


# a working day is 9 hours (09:00-18:00): resolution 480 = a working day, 2400 = a week
DEFAULT_TARGETS: dict[str, Targets] = {
    "urgent": Targets(30, 30, 240),
    "high": Targets(60, 60, 480),
    "normal": Targets(120, 240, 1080),
    "low": Targets(480, 480, 2400),
}


@dataclass(frozen=True)
class Dues:
    """Due instants (ISO, UTC) a case gets; None: no target of that kind (or, for a ``next``
    or ``reopen`` computation, a due time the caller leaves as it is)."""

    first_response: str | None
    next_response: str | None
    resolution: str | None

    def to_dict(self) -> dict[str, str | None]:
        return {
            "first_response": self.first_response,
            "next_response": self.next_response,
            "resolution": self.resolution,
        }


def _minutes(value: Any, where: str) -> int | None:
    if value is None or value == 0 or value == "":
        return None
    try:
        minutes = int(value)
    except (TypeError, ValueError):
        raise EngageError("inbox.sla_bad", field=where, value=str(value)[:20]) from None
    if minutes < 0 or minutes != float(value):
        raise EngageError("inbox.sla_bad", field=where, value=str(value)[:20])
    return minutes


def _targets(d: Mapping[str, Any], base: Targets | None, where: str) -> Targets:
    if not isinstance(d, Mapping):
        raise EngageError("inbox.sla_bad", field=where, value=str(d)[:20])
    values: dict[str, int | None] = (
        base.to_dict() if base else {"first": None, "next": None, "resolution": None}
    )
    for key, value in d.items():
        if key not in KINDS:
            raise EngageError("inbox.sla_bad_kind", kind=str(key)[:20])
        values[key] = _minutes(value, f"{where}.{key}")
    return Targets(**values)


def _priority(p: str) -> str:
    if p not in PRIORITIES:
        raise EngageError("inbox.sla_bad_priority", priority=str(p)[:20])
    return p


@dataclass(frozen=True)
class SlaPolicy:
    """Business hours plus targets per priority and channel overrides."""

    hours: BusinessHours
    targets: Mapping[str, Targets] = field(default_factory=lambda: dict(DEFAULT_TARGETS))
    # channel → {"all" | priority → Targets (None fields: not overridden)}
    channels: Mapping[str, Mapping[str, Mapping[str, int | None]]] = field(default_factory=dict)
    warn_ratio: float = 0.2
    warn_minutes: int = 15
    source: str = "default"  # settings | plan | default: where the targets came from

    def target(self, channel: str, priority: str, kind: str) -> int | None:
        """Business minutes to ``kind`` (first, next, resolution) for a message of
        ``priority`` on ``channel``."""
        if kind not in KINDS:
            raise EngageError("inbox.sla_bad_kind", kind=str(kind)[:20])
        own = self.targets.get(_priority(priority), DEFAULT_TARGETS[priority]).get(kind)
        overrides = self.channels.get(channel, {})
        if kind in overrides.get(priority, {}):
            return overrides[priority][kind]
        if kind not in overrides.get("all", {}):
            return own
        common = overrides["all"][kind]
        if common is None or own is None:
            return common
        if priority in ("urgent", "high"):
            return min(own, common)
        return max(own, common) if priority == "low" else common

    def warn_margin(self, target: int) -> float:
        """Business minutes before a due time when the warning goes out: ``warn_ratio`` of the
        target, at least ``warn_minutes``, never more than the target itself."""
        return float(min(target, max(self.warn_minutes, self.warn_ratio * target)))

    def dues(self, channel: str, priority: str, opened_at: datetime, kind: str = "first") -> Dues:
        """Due instants counted from ``opened_at``. ``first``: a new case (first response and
        resolution); ``next``: the customer wrote again after a response (next response only);
        ``reopen``: a resolved case reopened (next response and resolution)."""
        if kind not in ("first", "next", "reopen"):
            raise EngageError("inbox.sla_bad_kind", kind=str(kind)[:20])

        def due(k: str) -> str | None:
            minutes = self.target(channel, priority, k)
            return None if minutes is None else iso_utc(self.hours.add(opened_at, minutes))

        if kind == "first":
            return Dues(due("first"), None, due("resolution"))
        if kind == "next":
            return Dues(None, due("next"), None)
        return Dues(None, due("next"), due("resolution"))

    def to_dict(self) -> dict[str, Any]:
        return {
            "targets": {p: t.to_dict() for p, t in self.targets.items()},
            "channels": {c: {k: dict(v) for k, v in o.items()} for c, o in self.channels.items()},
            "warn_ratio": self.warn_ratio,
            "warn_minutes": self.warn_minutes,
            "hours": self.hours.to_dict(),
            "source": self.source,
        }


@lru_cache(maxsize=64)
def _hours(spec_json: str, zone: str) -> BusinessHours:
    spec = json.loads(spec_json)
    return BusinessHours.parse(spec, zone=zone)


@lru_cache(maxsize=64)
def _policy(sla_json: str, hours_json: str, plan_json: str) -> SlaPolicy:
    sla: dict[str, Any] = json.loads(sla_json) if sla_json else {}
    plan: dict[str, Any] = json.loads(plan_json) if plan_json else {}
    policy = plan.get("policy") or {}
    zone = str(plan.get("timezone") or "Asia/Seoul")
    if hours_json:
        hours = _hours(hours_json, zone)
    else:
        hours = _hours(json.dumps(policy.get("business_hours") or DEFAULT_HOURS), zone)
    targets = dict(DEFAULT_TARGETS)
    for p, d in (sla.get("targets") or {}).items():
        targets[p] = _targets(d, DEFAULT_TARGETS[_priority(p)], f"targets.{p}")
    channels: dict[str, dict[str, dict[str, int | None]]] = {}
    for channel, minutes in (policy.get("response_minutes") or {}).items():
        inbox = {v: k for k, v in _PLAN_CHANNEL.items()}.get(channel, channel)
        channels.setdefault(inbox, {})["all"] = {"first": _minutes(minutes, channel)}
    for channel, by_priority in (sla.get("channels") or {}).items():
        for p, d in (by_priority or {}).items():
            if p != "all":
                _priority(p)
            t = _targets(d, None, f"channels.{channel}.{p}").to_dict()
            channels.setdefault(channel, {})[p] = {k: t[k] for k in d}
    ratio = float(sla.get("warn_ratio", 0.2))
    if not 0 <= ratio <= 1:
        raise EngageError("inbox.sla_bad", field="warn_ratio", value=str(ratio)[:20])
    source = "settings" if sla_json or hours_json else "plan" if plan_json else "default"
    return SlaPolicy(
        hours=hours,
        targets=targets,
        channels=channels,
        warn_ratio=ratio,
        warn_minutes=_minutes(sla.get("warn_minutes", 15), "warn_minutes") or 0,
        source=source,
    )


def _setting(conn: Connection, key: str) -> str:
    value = conn.execute(
        text("SELECT value FROM inbox_settings WHERE key = :k"), {"k": key}
    ).scalar_one_or_none()
    return str(value) if value not in (None, "", "null", "{}") else ""


def running_plan_policy(conn: Connection) -> str:
    """The running plan's ``{"policy": ..., "timezone": ...}`` as JSON ("" when no plan runs;
    the most recently updated one when several do)."""
    doc = conn.execute(
        text("SELECT doc FROM plans WHERE state = 'running' ORDER BY updated_at DESC LIMIT 1")
    ).scalar_one_or_none()
    if not doc:
        return ""
    d = json.loads(doc)
    return json.dumps(
        {"policy": d.get("policy") or {}, "timezone": d.get("timezone") or "Asia/Seoul"},
        sort_keys=True,
        ensure_ascii=False,
    )


def sla_policy(conn_or_ws: Connection | Workspace) -> SlaPolicy:
    """The workspace's SLA policy now (settings, else the running plan's, else defaults)."""
    if isinstance(conn_or_ws, Workspace):
        with conn_or_ws.connect() as conn:
            return sla_policy(conn)
    conn = conn_or_ws
    return _policy(_setting(conn, "sla"), _setting(conn, "hours"), running_plan_policy(conn))


def dues_for(
    conn: Connection,
    *,
    channel: str,
    priority: str,
    opened_at: datetime,
    kind: str = "first",
    policy: SlaPolicy | None = None,
) -> Dues:
    """Due instants for a case on ``channel`` of ``priority`` counted from ``opened_at`` (see
    :meth:`SlaPolicy.dues` for ``kind``); ``policy`` saves reading the settings again when a
    caller computes many (a batch of messages)."""
    if opened_at.tzinfo is None:
        opened_at = opened_at.replace(tzinfo=UTC)
    pol = policy or sla_policy(conn)
    return pol.dues(channel, priority if priority in PRIORITIES else "normal", opened_at, kind)


# -- the check -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SlaCheck:
    checked: int  # open cases looked at
    warnings: int  # warnings given now
    breaches: int  # breaches recorded now


_CASE_COLUMNS = (
    "k.case_id, k.conversation_id, k.status, k.priority, k.assignee, k.team, "
    "k.first_response_due, k.next_response_due, k.resolution_due, k.first_response_at, "
    "k.last_customer_at, k.last_response_at, k.resolved_at, k.warned, k.breaches, "
    "k.simulated, k.opened_at, c.channel"
)


def _outstanding(case: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The service levels still owed on ``case``: ``(kind, due)``, kind a :class:`Dues`
    field. Waiting on the customer pauses the response clocks (not the resolution's)."""
    out: list[tuple[str, str]] = []
    status = str(case.get("status") or "")
    if status not in OPEN_STATUSES:
        return out
    waiting = status == "waiting"
    if case.get("first_response_due") and not case.get("first_response_at") and not waiting:
        out.append(("first_response", str(case["first_response_due"])))
    last_in, last_out = case.get("last_customer_at"), case.get("last_response_at")
    answered = bool(last_out) and (not last_in or str(last_out) >= str(last_in))
    if (
        case.get("next_response_due")
        and case.get("first_response_at")
        and not answered
        and not waiting
    ):
        out.append(("next_response", str(case["next_response_due"])))
    if case.get("resolution_due") and not case.get("resolved_at"):
        out.append(("resolution", str(case["resolution_due"])))
    return out


def _instant(value: str) -> datetime:
    dt = datetime.fromisoformat(value)
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def _who(conn: Connection, case: Mapping[str, Any], breach: bool) -> list[str]:
    """Who hears about it: the assignee (and, on a breach, the managers); unassigned, the
    team's members, else the managers."""
    if case.get("assignee"):
        return [str(case["assignee"])] + (["role:manager"] if breach else [])
    members: list[str] = []
    if case.get("team"):
        raw = conn.execute(
            text("SELECT members FROM inbox_teams WHERE name = :n"), {"n": case["team"]}
        ).scalar_one_or_none()
        members = [str(m) for m in json.loads(raw or "[]")]
    return members + (["role:manager"] if breach or not members else [])


def _due_soon(kind: str, owed: str) -> str:
    """SQL: the ``kind`` due of a case is owed (``owed``), inside the horizon, not recorded as
    breached, and not warned about unless it has passed."""
    due = f"k.{kind}_due"
    breached = f"""k.breaches LIKE '%"kind": "{kind}", "due": "' || {due} || '"%'"""
    warned = f"k.warned LIKE '%{kind}@' || {due} || '%'"
    return (
        f"({due} IS NOT NULL AND {owed} AND {due} <= :horizon AND NOT ({breached}) "
        f"AND ({due} <= :now OR NOT ({warned})))"
    )


_DUE_SOON = " OR ".join(
    (
        _due_soon("first_response", "k.first_response_at IS NULL"),
        _due_soon("next_response", "k.first_response_at IS NOT NULL"),
        _due_soon("resolution", "k.resolved_at IS NULL"),
    )
)


def _widest_margin(policy: SlaPolicy) -> float:
    """The widest warning window of any target (business minutes)."""
    targets: list[int] = [
        t for kinds in policy.targets.values() for t in asdict(kinds).values() if t
    ]
    for per_priority in policy.channels.values():
        for kinds in per_priority.values():
            targets += [int(t) for t in kinds.values() if t]
    return max((policy.warn_margin(t) for t in targets), default=float(policy.warn_minutes))


def check_sla(ws: Workspace, now: datetime | None = None) -> SlaCheck:
    """Look at every open case (demo cases with simulated times left out): warn once when a
    due time is within the policy's warning margin (business minutes), record a breach once
    when it has passed (``cases.breaches``), write the ``sla_warning`` / ``sla_breach`` events
    and notify. Safe to run from several processes: a case's change is conditional on what was
    read, so a warning or breach is told once."""
    now = now or datetime.now(UTC)
    stamp = iso_utc(now)
    policy = sla_policy(ws)
    zone = policy.hours.tz
    sql = (
        f"SELECT {_CASE_COLUMNS} FROM cases k "
        "JOIN conversations c ON c.conversation_id = k.conversation_id "
        "WHERE k.status IN ('new', 'open', 'reopened', 'waiting') AND k.simulated = 0 "
        f"AND ({_DUE_SOON}) ORDER BY k.case_id"
    )
    # only the cases with something to tell: a due time inside the widest warning window,
    # neither breached (recorded) nor warned yet — the database skips the rest (a round over a
    # large inbox reads a handful of rows, not every open case)
    horizon = iso_utc(policy.hours.add(now, math.ceil(_widest_margin(policy))))
    with ws.connect() as conn:
        found = conn.execute(text(sql), {"horizon": horizon, "now": stamp}).mappings()
        rows = [dict(r) for r in found]
    warnings = breaches = 0
    for case in rows:
        warned: list[str] = json.loads(case["warned"] or "[]")
        recorded: list[dict[str, Any]] = json.loads(case["breaches"] or "[]")
        told: list[tuple[str, str, str, float]] = []  # (event, kind, due, minutes)
        for kind, due in _outstanding(case):
            due_at = _instant(due)
            if any(b.get("kind") == kind and b.get("due") == due for b in recorded):
                continue
            if due_at <= now:
                recorded.append({"kind": kind, "due": due, "at": stamp})
                told.append(("sla_breach", kind, due, 0.0))
                continue
            target = policy.target(str(case["channel"]), _norm(case["priority"]), _TARGET_OF[kind])
            mark = f"{kind}@{due}"
            if target is None or mark in warned:
                continue
            left = policy.hours.minutes_between(now, due_at)
            if left <= policy.warn_margin(target):
                warned.append(mark)
                told.append(("sla_warning", kind, due, left))
        if not told:
            continue
        with ws.begin() as conn:
            changed = conn.execute(
                text(
                    "UPDATE cases SET warned = :w, breaches = :b WHERE case_id = :id "
                    "AND warned = :old_w AND breaches = :old_b"
                ),
                {
                    "w": json.dumps(warned),
                    "b": json.dumps(recorded),
                    "id": case["case_id"],
                    "old_w": case["warned"],
                    "old_b": case["breaches"],
                },
            ).rowcount
            if not changed:  # another checker got there first
                continue
            for event, kind, due, left in told:
                local = _instant(due).astimezone(zone).strftime("%Y-%m-%d %H:%M")
                minutes = max(1, round(left)) if event == "sla_warning" else 0
                emit(
                    conn,
                    event,
                    conversation_id=str(case["conversation_id"]),
                    case_id=int(case["case_id"]),
                    sla=kind,
                    due=due,
                    minutes=minutes,
                )
                params: dict[str, Any] = {"case": int(case["case_id"]), "due": local}
                if event == "sla_warning":
                    params["minutes"] = minutes
                notify_inbox(
                    conn,
                    event,
                    users=_who(conn, case, event == "sla_breach"),
                    key=f"inbox.alert.{event}.{kind}",
                    params=params,
                    link=f"/inbox/c/{case['conversation_id']}",
                )
                warnings += event == "sla_warning"
                breaches += event == "sla_breach"
    return SlaCheck(checked=len(rows), warnings=warnings, breaches=breaches)


def _norm(priority: Any) -> str:
    return str(priority) if priority in PRIORITIES else "normal"


# -- for the UI ------------------------------------------------------------------------------


def sla_state(
    case_row: Mapping[str, Any],
    now: datetime | None = None,
    *,
    zone: str = "Asia/Seoul",
    lang: str = "ko",
) -> dict[str, Any]:
    """Each service level of a case for the UI: ``{kind: {"due", "due_local", "state",
    "minutes", "label", "text"}}`` — state ``pending`` (``minutes`` left, wall-clock),
    ``overdue`` (``minutes`` past), ``paused`` (waiting on the customer), ``met`` or
    ``missed`` (answered after the due time); kinds without a due time are left out."""
    now = now or datetime.now(UTC)
    tz = ZoneInfo(zone)
    owed = dict(_outstanding(case_row))
    waiting = str(case_row.get("status") or "") == "waiting"
    done_at = {
        "first_response": case_row.get("first_response_at"),
        "next_response": case_row.get("last_response_at"),
        "resolution": case_row.get("resolved_at"),
    }
    out: dict[str, Any] = {}
    for kind in ("first_response", "next_response", "resolution"):
        due = case_row.get(f"{kind}_due")
        if not due:
            continue
        due_at = _instant(str(due))
        entry: dict[str, Any] = {
            "due": str(due),
            "due_local": due_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
            "label": t(f"inbox.sla.{kind}", lang),
            "minutes": 0,
        }
        if kind in owed:
            delta = round((due_at - now).total_seconds() / 60)
            entry["state"] = "pending" if delta > 0 else "overdue"
            entry["minutes"] = abs(delta)
            key = "inbox.sla.due_in" if delta > 0 else "inbox.sla.overdue"
            entry["text"] = t(key, lang, minutes=abs(delta))
        elif waiting and kind != "resolution":
            entry["state"], entry["text"] = "paused", t("inbox.sla.paused", lang)
        else:
            at = done_at[kind]
            late = bool(at) and _instant(str(at)) > due_at
            entry["state"] = "missed" if late else "met"
            entry["text"] = t(f"inbox.sla.{entry['state']}", lang)
        out[kind] = entry
    return out
