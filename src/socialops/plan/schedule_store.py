"""Report schedules (table ``report_schedules``, migration w0009): what a scheduled report is
about (a plan or a listening topic), when it runs and to whom; :func:`next_run` on the zone's
own calendar. Running them is :mod:`socialops.plan.schedules`."""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import text

from socialops.domain.instants import iso_utc
from socialops.errors import PlanError
from socialops.store.workspace import Workspace

__all__ = [
    "CADENCES",
    "COLUMNS",
    "KINDS",
    "WEEKDAYS",
    "Schedule",
    "add_schedule",
    "get_schedule",
    "list_schedules",
    "next_run",
    "period_of",
    "remove_schedule",
    "update_schedule",
]

KINDS = ("plan", "topic")
CADENCES = ("daily", "weekly")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
KOREAN_WEEKDAYS = ("월", "화", "수", "목", "금", "토", "일")
_ADDRESS = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
COLUMNS = (
    "schedule_id, kind, ref, cadence, weekday, hour, zone, recipients, enabled, next_run_at, "
    "last_run_at, last_status, last_report, lease_owner, lease_until, created_by, created_at"
)


@dataclass
class Schedule:
    schedule_id: str
    kind: str  # plan | topic
    ref: str  # the plan id or topic name
    cadence: str  # daily | weekly
    weekday: int  # 0 = Monday
    hour: int
    zone: str
    recipients: list[str]
    enabled: bool
    next_run_at: str  # UTC ISO
    last_run_at: str | None = None
    last_status: dict[str, Any] = field(default_factory=dict)
    last_report: str = ""
    created_by: str = ""
    created_at: str = ""

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["weekday"] = WEEKDAYS[self.weekday]
        return d

    @classmethod
    def of(cls, row: Mapping[Any, Any]) -> Schedule:
        try:
            status = json.loads(row["last_status"] or "{}")
        except ValueError:
            status = {"state": str(row["last_status"])}
        return cls(
            schedule_id=str(row["schedule_id"]),
            kind=str(row["kind"]),
            ref=str(row["ref"]),
            cadence=str(row["cadence"]),
            weekday=int(row["weekday"]),
            hour=int(row["hour"]),
            zone=str(row["zone"]),
            recipients=list(json.loads(row["recipients"] or "[]")),
            enabled=bool(row["enabled"]),
            next_run_at=str(row["next_run_at"]),
            last_run_at=row["last_run_at"],
            last_status=status if isinstance(status, dict) else {},
            last_report=str(row["last_report"] or ""),
            created_by=str(row["created_by"] or ""),
            created_at=str(row["created_at"] or ""),
        )


# -- time ---------------------------------------------------------------------------------------


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise PlanError("schedule.bad_zone", value=name[:60]) from None


def next_run(cadence: str, weekday: int, hour: int, zone: str, after: datetime) -> datetime:
    """The first run strictly after ``after`` (aware): ``hour`` o'clock local time in ``zone``,
    every day (``daily``) or on ``weekday`` (0 = Monday). One instant per local day, whatever
    the daylight saving rules do to that day. Returns UTC."""
    tz = _zone(zone)
    day = after.astimezone(tz).date()
    for i in range(0, 9):
        d = day + timedelta(days=i)
        if cadence == "weekly" and d.weekday() != weekday:
            continue
        # fold=0: a repeated hour runs at its first occurrence; a skipped one resolves to the
        # offset before the change, i.e. the first real instant after the gap.
        at = datetime.combine(d, time(hour), tzinfo=tz).astimezone(UTC)
        if at > after:
            return at
    raise AssertionError("unreachable: a week always holds the weekday")  # pragma: no cover


def period_of(cadence: str, due: datetime, zone: str) -> tuple[date, date]:
    """The local days a run due at ``due`` reports on: the day before (daily) or the seven
    days before (weekly), in ``zone``."""
    end = due.astimezone(_zone(zone)).date() - timedelta(days=1)
    return (end - timedelta(days=6) if cadence == "weekly" else end), end


# -- CRUD ---------------------------------------------------------------------------------------


def _weekday(value: int | str) -> int:
    if isinstance(value, int) and 0 <= value <= 6:
        return value
    raw = str(value).strip()
    if raw[:1] in KOREAN_WEEKDAYS and raw[1:] in ("", "요일"):  # 월, 월요일
        return KOREAN_WEEKDAYS.index(raw[:1])
    key = raw.lower()[:3]
    if key not in WEEKDAYS:
        raise PlanError(
            "schedule.bad_weekday",
            value=raw[:20],
            choices=", ".join(WEEKDAYS),
            choices_ko=", ".join(KOREAN_WEEKDAYS),
        )
    return WEEKDAYS.index(key)


def _recipients(values: Sequence[str], members: Mapping[str, Any] | None) -> list[str]:
    out: list[str] = []
    known = {m.lower() for m in members} if members is not None else None
    for raw in values:
        for part in str(raw).replace(";", ",").split(","):
            address = part.strip().lower()
            if not address:
                continue
            if not _ADDRESS.match(address):
                raise PlanError("schedule.bad_recipient", value=address[:80])
            if known is not None and address not in known:
                raise PlanError("schedule.not_member", value=address[:80])
            if address not in out:
                out.append(address)
    if not out:
        raise PlanError("schedule.no_recipients")
    return out


def _check(kind: str, cadence: str, hour: int, zone: str) -> None:
    if kind not in KINDS:
        raise PlanError("schedule.bad_kind")
    if cadence not in CADENCES:
        raise PlanError("schedule.bad_cadence", value=str(cadence)[:20])
    if not 0 <= int(hour) <= 23:
        raise PlanError("schedule.bad_hour", value=hour)
    _zone(zone)


def _check_ref(ws: Workspace, kind: str, ref: str) -> None:
    if kind == "plan":
        from socialops.plan.store import PlanStore

        PlanStore(ws).get(ref)  # plan.not_found
    else:
        from socialops.listen.topics import list_topics

        if ref not in {tp.name for tp in list_topics(ws)}:
            raise PlanError("schedule.unknown_topic", value=ref[:80])


def add_schedule(
    ws: Workspace,
    *,
    kind: str,
    ref: str,
    cadence: str = "weekly",
    weekday: int | str = 0,
    hour: int = 9,
    zone: str = "Asia/Seoul",
    recipients: Sequence[str],
    members: Mapping[str, Any] | None = None,
    created_by: str = "",
    now: datetime | None = None,
) -> Schedule:
    """A new schedule for the plan (``kind="plan"``, ``ref`` its id) or the topic (``ref`` its
    name). ``members``: the workspace members' e-mails (a mapping or set; when given, every
    recipient must be one)."""
    _check(kind, cadence, hour, zone)
    wd = _weekday(weekday)
    people = _recipients(recipients, members)
    _check_ref(ws, kind, ref)
    now = now or datetime.now(UTC)
    sid = "s" + secrets.token_hex(4)
    due = next_run(cadence, wd, int(hour), zone, now)
    with ws.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO report_schedules (schedule_id, kind, ref, cadence, weekday, hour, "
                "zone, recipients, enabled, next_run_at, last_status, created_by, created_at) "
                "VALUES (:id, :kind, :ref, :cad, :wd, :hour, :zone, :to, 1, :next, '', :by, :at)"
            ),
            {
                "id": sid,
                "kind": kind,
                "ref": ref,
                "cad": cadence,
                "wd": wd,
                "hour": int(hour),
                "zone": zone,
                "to": json.dumps(people),
                "next": iso_utc(due),
                "by": created_by,
                "at": iso_utc(now),
            },
        )
    return get_schedule(ws, sid)


def get_schedule(ws: Workspace, schedule_id: str) -> Schedule:
    with ws.connect() as conn:
        row = (
            conn.execute(
                text(f"SELECT {COLUMNS} FROM report_schedules WHERE schedule_id = :id"),
                {"id": schedule_id},
            )
            .mappings()
            .first()
        )
    if row is None:
        raise PlanError("schedule.unknown", schedule_id=schedule_id[:40])
    return Schedule.of(row)


def list_schedules(ws: Workspace) -> list[Schedule]:
    with ws.connect() as conn:
        rows = conn.execute(
            text(f"SELECT {COLUMNS} FROM report_schedules ORDER BY created_at, schedule_id")
        ).mappings()
        return [Schedule.of(r) for r in rows]


def update_schedule(
    ws: Workspace,
    schedule_id: str,
    *,
    cadence: str | None = None,
    weekday: int | str | None = None,
    hour: int | None = None,
    zone: str | None = None,
    recipients: Sequence[str] | None = None,
    enabled: bool | None = None,
    members: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> Schedule:
    """Change a schedule; its next run is computed again from ``now`` when its timing changed
    (or it is enabled again)."""
    cur = get_schedule(ws, schedule_id)
    cad = cadence or cur.cadence
    wd = cur.weekday if weekday is None else _weekday(weekday)
    hr = cur.hour if hour is None else int(hour)
    zn = zone or cur.zone
    _check(cur.kind, cad, hr, zn)
    people = cur.recipients if recipients is None else _recipients(recipients, members)
    on = cur.enabled if enabled is None else enabled
    timing = (cad, wd, hr, zn) != (cur.cadence, cur.weekday, cur.hour, cur.zone)
    nxt = cur.next_run_at
    if timing or (on and not cur.enabled):
        nxt = iso_utc(next_run(cad, wd, hr, zn, now or datetime.now(UTC)))
    with ws.begin() as conn:
        conn.execute(
            text(
                "UPDATE report_schedules SET cadence = :cad, weekday = :wd, hour = :hr, "
                "zone = :zn, recipients = :to, enabled = :on, next_run_at = :nxt "
                "WHERE schedule_id = :id"
            ),
            {
                "cad": cad,
                "wd": wd,
                "hr": hr,
                "zn": zn,
                "to": json.dumps(people),
                "on": 1 if on else 0,
                "nxt": nxt,
                "id": schedule_id,
            },
        )
    return get_schedule(ws, schedule_id)


def remove_schedule(ws: Workspace, schedule_id: str) -> None:
    with ws.begin() as conn:
        gone = conn.execute(
            text("DELETE FROM report_schedules WHERE schedule_id = :id"), {"id": schedule_id}
        ).rowcount
    if not gone:
        raise PlanError("schedule.unknown", schedule_id=schedule_id[:40])
