"""The team report of the customer-care inbox: how fast and how well a team answers, per agent,
team, channel and day, read with plain SQL from the inbox tables of migration w0007
(``cases``, ``conversations``, ``messages``). The web page, the API, the CSV/XLSX exports
(:mod:`socialops.measure.inbox_report_export`) and the plan's inbox KPIs
(:mod:`socialops.measure.kpi_sources.inbox`) all read these figures, so they agree.

The period is local days ``start..end`` (inclusive) in ``zone`` (default: the configured time
zone, Asia/Seoul). Definitions — a *case of the period* is a case opened in it:

- ``conversations``: distinct conversations of the period's cases; ``cases`` their number.
- ``messages_in`` / ``replies_sent``: customer messages (``direction = 'in'``) and the brand's
  replies (``'out'``: sent from the inbox or seen on the platform) dated in the period.
- ``first_response_minutes_median`` / ``_p90``: wall-clock minutes from ``cases.opened_at`` to
  ``cases.first_response_at`` over the answered cases; the median (the mean of the two middle
  values for an even count) and the 90th percentile by nearest rank (the ⌈0.9·n⌉-th smallest).
  Business-hour minutes are the SLA clock's (engage), which this layer does not import: the SLA
  figures below carry the business-hours view through the due times engage stored.
- ``response_rate``: cases with an agent response / cases with a customer message needing a
  reply (``messages.needs_reply``) × 100. A customer message belongs to the conversation's last
  case opened at or before it (live messages by when they reached us, imported and simulated
  ones by their own time; a message before every case to the first case).
- ``resolution_rate``: resolved or closed cases / cases × 100; ``resolution_minutes_median``:
  minutes from opening to ``resolved_at`` (else ``closed_at``) over those.
- ``sla_attainment``: cases whose SLA was met / cases whose SLA outcome is known × 100, over the
  cases with a due time. A case is breached when ``cases.breaches`` records one, or a response
  or resolution came after its due time, or a due time passed (as of now) without it; met when
  every due time was kept; pending (left out) while a due time is still ahead. ``breaches``
  counts the breached cases.
- ``backlog``: cases open at the end of the period (opened before it ends, not resolved or
  closed by then), whenever they were opened; per day, at the end of each day.
- ``by_category`` / ``by_sentiment``: customer messages of the period by their triage category
  and sentiment (and cases by category).

Simulated arrival times (the demo inbox, ``simulated = 1``) are never mixed into a real report:
they are left out unless ``include_simulated=True``, and ``simulated_excluded`` says how many
cases of the period were left out. Every instant is stored as UTC ISO text (sorts as text), so
the window bounds are compared as text in SQL.
"""

from __future__ import annotations

import json
import math
import statistics
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, text

from socialops import settings
from socialops.domain.instants import iso_utc
from socialops.errors import EngageError

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from socialops.store.workspace import Workspace

__all__ = [
    "METRICS",
    "CaseFact",
    "TeamReport",
    "case_facts",
    "default_period",
    "last_case_day",
    "summarize",
    "team_report",
]

METRICS: tuple[str, ...] = (
    "cases",
    "conversations",
    "messages_in",
    "replies_sent",
    "first_response_minutes_median",
    "first_response_minutes_p90",
    "response_rate",
    "resolution_rate",
    "resolution_minutes_median",
    "sla_attainment",
    "backlog",
    "breaches",
)
DONE = ("resolved", "closed")
DEFAULT_DAYS = 30
MAX_DAYS = 3_660  # ten years of days
# when a customer message reached the case: live messages when we received them; imported and
# simulated ones at their own time (received_at is the import's time)
_MSG_TIME = (
    "(CASE WHEN m.simulated = 1 OR m.source LIKE 'import:%' THEN m.created_at "
    "ELSE m.received_at END)"
)
# the message belongs to case c: no later case opened by then, and c opened by then (or c first)
_BELONGS = (
    "NOT EXISTS (SELECT 1 FROM cases n WHERE n.conversation_id = c.conversation_id "
    f"AND n.case_id > c.case_id AND n.opened_at <= {_MSG_TIME}) "
    f"AND (c.opened_at <= {_MSG_TIME} OR NOT EXISTS (SELECT 1 FROM cases p "
    "WHERE p.conversation_id = c.conversation_id AND p.case_id < c.case_id))"
)
_CASES_SQL = f"""
SELECT c.case_id, c.conversation_id, c.status, c.assignee, c.team, c.category, c.opened_at,
       c.first_response_due, c.next_response_due, c.resolution_due, c.first_response_at,
       c.last_customer_at, c.last_response_at, c.resolved_at, c.closed_at, c.breaches,
       c.simulated, v.channel,
       CASE WHEN EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.conversation_id
            AND m.direction = 'in' AND m.needs_reply = 1 AND {_BELONGS}) THEN 1 ELSE 0 END
       AS needs_reply
FROM cases c JOIN conversations v ON v.conversation_id = c.conversation_id
WHERE c.opened_at >= :lo AND c.opened_at < :hi
"""
# the case a message is counted for (agent, team): the conversation's last case opened by then
_CASE_OF_MSG = (
    "(SELECT c.{col} FROM cases c WHERE c.conversation_id = m.conversation_id "
    f"AND c.opened_at <= {_MSG_TIME} ORDER BY c.case_id DESC LIMIT 1)"
)
_MESSAGES_SQL = f"""
SELECT m.direction, m.author, m.category, m.sentiment, m.created_at, v.channel,
       COALESCE({_CASE_OF_MSG.format(col="assignee")}, v.assignee) AS assignee,
       COALESCE({_CASE_OF_MSG.format(col="team")}, v.team) AS team
FROM messages m JOIN conversations v ON v.conversation_id = m.conversation_id
WHERE m.direction IN ('in', 'out') AND m.created_at >= :lo AND m.created_at < :hi
"""
_OPEN_SQL = """
SELECT c.status, c.assignee, c.team, c.opened_at, c.resolved_at, c.closed_at, c.updated_at,
       v.channel
FROM cases c JOIN conversations v ON v.conversation_id = c.conversation_id
WHERE c.opened_at < :hi AND (c.status NOT IN ('resolved', 'closed')
      OR COALESCE(c.resolved_at, c.closed_at, c.updated_at) >= :lo)
"""


@dataclass(frozen=True)
class CaseFact:
    """One case of the period, as the report reads it."""

    case_id: int
    conversation_id: str
    agent: str
    team: str
    channel: str
    category: str
    day: date  # local day it was opened
    first_response_minutes: float | None
    resolution_minutes: float | None
    resolved: bool
    needs_reply: bool
    responded: bool
    sla: str | None  # met | breached | pending; None without a due time
    simulated: bool


def _at(value: Any) -> datetime | None:
    if value is None or value == "":
        return None
    found = datetime.fromisoformat(str(value))
    return found if found.tzinfo else found.replace(tzinfo=UTC)


def _minutes(a: datetime | None, b: datetime | None) -> float | None:
    if a is None or b is None:
        return None
    return max(0.0, (b - a).total_seconds() / 60)


def _recorded(breaches: str) -> bool:
    """Whether ``cases.breaches`` (a JSON list) records a breach."""
    try:
        return bool(json.loads(breaches))
    except ValueError:
        return False


def _sla(row: Any, now: datetime) -> str | None:
    """met | breached | pending for a case with a due time (``None`` without one)."""
    fr_due, nx_due, res_due = (_at(row.first_response_due), _at(row.next_response_due),
                               _at(row.resolution_due))  # fmt: skip
    if fr_due is None and nx_due is None and res_due is None:
        return None
    if row.breaches not in (None, "", "[]") and _recorded(row.breaches):
        return "breached"
    last_in, last_out = _at(row.last_customer_at), _at(row.last_response_at)
    next_done = last_out if last_out and (last_in is None or last_out >= last_in) else None
    resolved = _at(row.resolved_at) or (_at(row.closed_at) if row.status in DONE else None)
    pending = False
    for due, done in (
        (fr_due, _at(row.first_response_at)),
        (nx_due, next_done),
        (res_due, resolved),
    ):
        if due is None:
            continue
        if done is not None:
            if done > due:
                return "breached"
        elif due < now:
            return "breached"
        else:
            pending = True
    return "pending" if pending else "met"


def _bounds(start: date, end: date, tz: ZoneInfo) -> tuple[str, str]:
    lo = datetime.combine(start, time(), tz)
    hi = datetime.combine(end + timedelta(days=1), time(), tz)
    return iso_utc(lo), iso_utc(hi)


def _filtered(sql: str, alias: str, include_simulated: bool, channels: Sequence[str] | None) -> Any:
    if not include_simulated:
        sql += f" AND {alias}.simulated = 0"
    if channels is not None:
        sql += " AND v.channel IN :channels"
        return text(sql).bindparams(bindparam("channels", expanding=True))
    return text(sql)


def _params(lo: str, hi: str, channels: Sequence[str] | None) -> dict[str, Any]:
    out: dict[str, Any] = {"lo": lo, "hi": hi}
    if channels is not None:
        out["channels"] = list(channels) or [""]
    return out


def case_facts(
    conn: Connection,
    start: date,
    end: date,
    tz: ZoneInfo,
    *,
    include_simulated: bool = False,
    channels: Sequence[str] | None = None,
    now: datetime | None = None,
) -> list[CaseFact]:
    """The cases opened in local days ``start..end`` (real ones unless ``include_simulated``;
    of ``channels`` when given)."""
    now = now or datetime.now(UTC)
    lo, hi = _bounds(start, end, tz)
    sql = _filtered(_CASES_SQL, "c", include_simulated, channels)
    out = []
    for r in conn.execute(sql, _params(lo, hi, channels)):
        opened = _at(r.opened_at)
        assert opened is not None
        resolved = r.status in DONE
        done_at = (_at(r.resolved_at) or _at(r.closed_at)) if resolved else None
        first = _at(r.first_response_at)
        out.append(
            CaseFact(
                case_id=int(r.case_id),
                conversation_id=str(r.conversation_id),
                agent=str(r.assignee or ""),
                team=str(r.team or ""),
                channel=str(r.channel or ""),
                category=str(r.category or ""),
                day=opened.astimezone(tz).date(),
                first_response_minutes=_minutes(opened, first),
                resolution_minutes=_minutes(opened, done_at),
                resolved=resolved,
                needs_reply=bool(r.needs_reply),
                responded=first is not None,
                sla=_sla(r, now),
                simulated=bool(r.simulated),
            )
        )
    return out


def _median(values: Sequence[float]) -> float | None:
    return float(statistics.median(values)) if values else None


def _p90(values: Sequence[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return float(ordered[math.ceil(0.9 * len(ordered)) - 1])


def _rate(part: int, whole: int) -> float | None:
    return 100.0 * part / whole if whole else None


def summarize(cases: Sequence[CaseFact]) -> dict[str, Any]:
    """The case figures of :data:`METRICS` over ``cases`` (counts of messages, replies and the
    backlog are the caller's: they are not properties of the period's cases)."""
    firsts = [c.first_response_minutes for c in cases if c.first_response_minutes is not None]
    needing = [c for c in cases if c.needs_reply]
    resolved = [c for c in cases if c.resolved]
    res_minutes = [c.resolution_minutes for c in resolved if c.resolution_minutes is not None]
    known = [c for c in cases if c.sla in ("met", "breached")]
    breached = sum(c.sla == "breached" for c in cases)
    return {
        "cases": len(cases),
        "conversations": len({c.conversation_id for c in cases}),
        "first_response_minutes_median": _median(firsts),
        "first_response_minutes_p90": _p90(firsts),
        "response_rate": _rate(sum(c.responded for c in needing), len(needing)),
        "resolution_rate": _rate(len(resolved), len(cases)),
        "resolution_minutes_median": _median(res_minutes),
        "sla_attainment": _rate(len(known) - breached, len(known)),
        "breaches": breached,
    }


@dataclass
class _Group:
    cases: list[CaseFact] = field(default_factory=list)
    messages_in: int = 0
    replies_sent: int = 0
    backlog: int = 0

    def row(self, key: str, value: str) -> dict[str, Any]:
        figures = summarize(self.cases)
        figures.update(
            messages_in=self.messages_in, replies_sent=self.replies_sent, backlog=self.backlog
        )
        return {key: value, **{m: figures[m] for m in METRICS}}


@dataclass(frozen=True)
class TeamReport:
    """The team report of one period (see the module's definitions)."""

    start: date
    end: date
    zone: str
    include_simulated: bool
    totals: dict[str, Any]
    by_agent: list[dict[str, Any]]
    by_team: list[dict[str, Any]]
    by_channel: list[dict[str, Any]]
    by_day: list[dict[str, Any]]
    by_category: list[dict[str, Any]]
    by_sentiment: list[dict[str, Any]]
    simulated_excluded: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "period": {"from": self.start.isoformat(), "to": self.end.isoformat()},
            "zone": self.zone,
            "include_simulated": self.include_simulated,
            "totals": self.totals,
            "by_agent": self.by_agent,
            "by_team": self.by_team,
            "by_channel": self.by_channel,
            "by_day": self.by_day,
            "by_category": self.by_category,
            "by_sentiment": self.by_sentiment,
            "simulated_excluded": self.simulated_excluded,
        }


def default_period(tz: ZoneInfo, today: date | None = None) -> tuple[date, date]:
    """The last :data:`DEFAULT_DAYS` local days up to today."""
    end = today or datetime.now(tz).date()
    return end - timedelta(days=DEFAULT_DAYS - 1), end


def _zone(zone: str | None) -> ZoneInfo:
    return ZoneInfo(zone) if zone else settings.default_timezone()


def _done_at(row: Any) -> str | None:
    """When the case of ``row`` stopped being open (stored text; never before it opened), or
    ``None`` while it is open."""
    if row.status not in DONE:
        return None
    return str(max(row.resolved_at or row.closed_at or row.updated_at, row.opened_at))


def _open_at(row: Any, at: str) -> bool:
    """Whether the case of ``row`` was open at the instant ``at`` (stored text)."""
    done = _done_at(row)
    return bool(row.opened_at < at and (done is None or done >= at))


def _backlogs(rows: Sequence[Any], instants: Sequence[str]) -> list[int]:
    """How many of the cases of ``rows`` were open at each of ``instants``: opened before it,
    less those done before it (a done case opened before it was done)."""
    opened = sorted(str(r.opened_at) for r in rows)
    done = sorted(d for d in map(_done_at, rows) if d is not None)
    return [bisect_left(opened, at) - bisect_left(done, at) for at in instants]


def _rows(groups: dict[str, _Group], key: str) -> list[dict[str, Any]]:
    return [groups[k].row(key, k) for k in sorted(groups)]


def team_report(
    ws: Workspace,
    start: date | None = None,
    end: date | None = None,
    *,
    include_simulated: bool = False,
    zone: str | None = None,
    now: datetime | None = None,
) -> TeamReport:
    """The team report of local days ``start..end`` (default: the last 30 days) in ``zone``."""
    tz = _zone(zone)
    if end is None:
        end = default_period(tz)[1]
    if start is None:
        start = end - timedelta(days=DEFAULT_DAYS - 1)
    if end < start:
        start, end = end, start
    if (end - start).days + 1 > MAX_DAYS:  # a row a day: a period of centuries is a typo
        raise EngageError("inbox_report.too_long", days=(end - start).days + 1, limit=MAX_DAYS)
    lo, hi = _bounds(start, end, tz)
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    agents: defaultdict[str, _Group] = defaultdict(_Group)
    teams: defaultdict[str, _Group] = defaultdict(_Group)
    chans: defaultdict[str, _Group] = defaultdict(_Group)
    by_day: dict[str, _Group] = {d.isoformat(): _Group() for d in days}
    day_groups = list(by_day.values())
    # each day ends where the next begins: a stored instant falls in the day bisect finds
    day_ends = [iso_utc(datetime.combine(d + timedelta(days=1), time(), tz)) for d in days]
    cats: dict[str, dict[str, int]] = {}
    sents: dict[str, int] = {}
    total = _Group()
    with ws.connect() as conn:
        cases = case_facts(conn, start, end, tz, include_simulated=True, now=now)
        kept = [c for c in cases if include_simulated or not c.simulated]
        for c in kept:
            total.cases.append(c)
            for groups, k in ((agents, c.agent), (teams, c.team), (chans, c.channel)):
                groups[k].cases.append(c)
            by_day[c.day.isoformat()].cases.append(c)
            cats.setdefault(c.category, {"messages_in": 0, "cases": 0})["cases"] += 1
        msgs = _filtered(_MESSAGES_SQL, "m", include_simulated, None)
        for m in conn.execute(msgs, {"lo": lo, "hi": hi}):
            day = day_groups[bisect_right(day_ends, m.created_at)]
            inbound = m.direction == "in"
            agent = str(m.assignee or "") if inbound else str(m.author or "")
            team, channel = str(m.team or ""), str(m.channel or "")
            for g in (total, day, agents[agent], teams[team], chans[channel]):
                if inbound:
                    g.messages_in += 1
                else:
                    g.replies_sent += 1
            if inbound:
                cats.setdefault(str(m.category or ""), {"messages_in": 0, "cases": 0})[
                    "messages_in"
                ] += 1
                sents[str(m.sentiment or "")] = sents.get(str(m.sentiment or ""), 0) + 1
        opened = list(conn.execute(_filtered(_OPEN_SQL, "c", include_simulated, None),
                                   {"lo": lo, "hi": hi}))  # fmt: skip
    for r in opened:
        if _open_at(r, hi):
            agent, team, channel = str(r.assignee or ""), str(r.team or ""), str(r.channel or "")
            for g in (total, agents[agent], teams[team], chans[channel]):
                g.backlog += 1
    for g, n in zip(day_groups, _backlogs(opened, day_ends), strict=True):
        g.backlog = n
    totals = total.row("key", "")
    del totals["key"]
    return TeamReport(
        start=start,
        end=end,
        zone=tz.key,
        include_simulated=include_simulated,
        totals=totals,
        by_agent=_rows(agents, "agent"),
        by_team=_rows(teams, "team"),
        by_channel=_rows(chans, "channel"),
        by_day=[by_day[d.isoformat()].row("day", d.isoformat()) for d in days],
        by_category=[{"category": k, **cats[k]} for k in sorted(cats)],
        by_sentiment=[{"sentiment": k, "messages_in": sents[k]} for k in sorted(sents)],
        simulated_excluded=0 if include_simulated else len(cases) - len(kept),
    )


def last_case_day(
    ws: Workspace, before: date, tz: ZoneInfo, channels: Sequence[str] | None = None
) -> date | None:
    """The last local day up to ``before`` on which a real case was opened (baselines)."""
    _lo, hi = _bounds(before, before, tz)
    sql = (
        "SELECT MAX(c.opened_at) FROM cases c JOIN conversations v "
        "ON v.conversation_id = c.conversation_id WHERE c.opened_at < :hi AND c.simulated = 0"
    )
    stmt = text(sql)
    params: dict[str, Any] = {"hi": hi}
    if channels is not None:
        stmt = text(sql + " AND v.channel IN :channels").bindparams(
            bindparam("channels", expanding=True)
        )
        params["channels"] = list(channels) or [""]
    with ws.connect() as conn:
        found = conn.execute(stmt, params).scalar()
    at = _at(found)
    return at.astimezone(tz).date() if at else None
