"""Routing: which team a message goes to, how urgent its case is, and who works it.

:func:`route` applies the running plan's operating policy (``socialops.domain.plan.Policy``) to a
triaged customer message:

- **priority** starts from triage's urgency (low, normal, high, urgent);
- **escalation rules**: a rule matches when the text contains one of its keywords (case folded)
  or when triage's intent or category is one of its categories; the first match sets the team
  and raises the priority to at least ``high``;
- **crisis levels**: a negative or complaining message counts towards the structured triggers
  (``min_mentions_per_hour``: customer messages in the hour up to this one;
  ``min_negative_share``: the share of them that were negative, over at least ten); the highest
  level met makes the case ``urgent`` and records the level;
- **banned words**: a message that contains one is flagged (a reason), nothing else.

:func:`auto_assign` picks the assignee by the workspace setting ``routing``
(``{"mode": "round_robin" | "category" | "load" | "manual"}``): round-robin over the team's
members (the settings' ``agents`` when there is no team), by category to the team whose
categories include it (round-robin within it), or by load to whoever has the fewest open cases.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, bindparam
from sqlalchemy import text as sql

from socialops.domain.instants import iso_utc
from socialops.domain.plan import Plan, Policy
from socialops.engage.settings import get_setting, put_setting
from socialops.engage.teams import get_team, list_teams
from socialops.errors import PlanError
from socialops.nlp.triage import Triage
from socialops.store.workspace import Workspace

__all__ = [
    "OPEN_STATUSES",
    "PRIORITIES",
    "ROUTING_MODES",
    "Routing",
    "auto_assign",
    "higher",
    "route",
    "running_policy",
]

PRIORITIES = ("low", "normal", "high", "urgent")
ROUTING_MODES = ("manual", "round_robin", "category", "load")
OPEN_STATUSES = ("new", "open", "waiting")
_MIN_FOR_SHARE = 10


@dataclass(frozen=True)
class Routing:
    team: str
    priority: str
    crisis_level: int | None
    escalated: bool
    reasons: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def higher(a: str, b: str) -> str:
    """The more urgent of two priorities (an unknown one counts as normal)."""
    rank = {p: i for i, p in enumerate(PRIORITIES)}
    return a if rank.get(a, 1) >= rank.get(b, 1) else b


def running_policy(conn: Connection) -> Policy | None:
    """The operating policy of the running plan (the most recently updated one when several
    run); ``None`` when no plan runs or its document cannot be read."""
    doc = conn.execute(
        sql("SELECT doc FROM plans WHERE state = 'running' ORDER BY updated_at DESC LIMIT 1")
    ).scalar_one_or_none()
    if not doc:
        return None
    try:
        return Plan.from_dict(json.loads(doc)).policy
    except (PlanError, ValueError):
        return None


def _crisis(conn: Connection, policy: Policy, at: str) -> tuple[int | None, str]:
    levels = [
        c
        for c in policy.crisis_levels
        if c.min_mentions_per_hour is not None or c.min_negative_share is not None
    ]
    if not levels:
        return None, ""
    end = datetime.fromisoformat(at)
    start = iso_utc(end - timedelta(hours=1))
    row = conn.execute(
        sql(
            "SELECT COUNT(*), SUM(CASE WHEN detail LIKE :neg THEN 1 ELSE 0 END) "
            "FROM inbox_events WHERE kind = 'message_in' AND at > :s AND at <= :e"
        ),
        {"s": start, "e": at, "neg": '%"sentiment": "negative"%'},
    ).one()
    count, negative = int(row[0] or 0) + 1, int(row[1] or 0) + 1  # with this message
    share = negative / count
    best: tuple[int | None, str] = (None, "")
    for c in sorted(levels, key=lambda c: c.level):
        by_volume = c.min_mentions_per_hour is not None and count >= c.min_mentions_per_hour
        by_share = (
            c.min_negative_share is not None
            and count >= _MIN_FOR_SHARE
            and share >= c.min_negative_share
        )
        if by_volume or by_share:
            best = (c.level, f"crisis:{c.level}:{c.name}")
    return best


def route(
    ws_or_conn: Workspace | Connection,
    text: str,
    triage: Triage,
    channel: str,
    *,
    at: str = "",
    policy: Policy | None = None,
) -> Routing:
    """Apply the running plan's policy to a customer message (see the module). ``at`` is the
    message's instant (crisis counts look at the hour before it; default: now); ``policy``
    saves reading the plan again in a batch."""
    if isinstance(ws_or_conn, Workspace):
        with ws_or_conn.connect() as conn:
            return route(conn, text, triage, channel, at=at, policy=policy)
    conn = ws_or_conn
    if policy is None:
        policy = running_policy(conn)
    priority = triage.urgency if triage.urgency in PRIORITIES else "normal"
    if policy is None:
        return Routing(team="", priority=priority, crisis_level=None, escalated=False)
    folded = text.casefold()
    reasons: list[str] = []
    team, escalated = "", False
    for rule in policy.escalation:
        word = next((k for k in rule.keywords if k and k.casefold() in folded), None)
        cat = next(
            (c for c in rule.categories if c and c in (triage.intent, triage.category)), None
        )
        if word or cat:
            team, escalated = rule.team, True
            priority = higher(priority, "high")
            reasons.append(f"escalation:{rule.team}:{word or cat}")
            break
    level: int | None = None
    if triage.sentiment == "negative" or triage.intent == "complaint":
        level, why = _crisis(conn, policy, at or iso_utc(datetime.now().astimezone()))
        if level is not None:
            priority = "urgent"
            reasons.append(why)
    banned = [w for w in policy.banned_words if w and w.casefold() in folded]
    reasons += [f"banned:{w}" for w in banned]
    return Routing(
        team=team, priority=priority, crisis_level=level, escalated=escalated, reasons=reasons
    )


# -- assignment ------------------------------------------------------------------------------


def _pool(conn: Connection, team: str) -> list[str]:
    if team:
        t = get_team(conn, team)
        return list(t.members) if t else []
    agents = get_setting(conn, "agents", [])
    if isinstance(agents, list) and agents:
        return [str(a) for a in agents]
    out: list[str] = []
    for t in list_teams(conn):
        out += [m for m in t.members if m not in out]
    return out


def _round_robin(conn: Connection, pool: list[str], key: str) -> str:
    if not pool:
        return ""
    state = get_setting(conn, "routing.cursor", {})
    state = state if isinstance(state, dict) else {}
    last = state.get(key, "")
    nxt = pool[(pool.index(last) + 1) % len(pool)] if last in pool else pool[0]
    put_setting(conn, "routing.cursor", {**state, key: nxt})
    return nxt


def _least_loaded(conn: Connection, pool: list[str]) -> str:
    if not pool:
        return ""
    rows = conn.execute(
        sql(
            "SELECT assignee, COUNT(*) FROM cases WHERE status IN ('new', 'open', 'waiting') "
            "AND assignee IN :pool GROUP BY assignee"
        ).bindparams(bindparam("pool", expanding=True)),
        {"pool": pool},
    ).fetchall()
    load = {str(r[0]): int(r[1]) for r in rows}
    return min(pool, key=lambda m: (load.get(m, 0), pool.index(m)))


def auto_assign(
    conn: Connection, conversation_id: str, category: str, *, team: str = ""
) -> tuple[str, str]:
    """(assignee, team) for a new case of ``conversation_id`` by the ``routing`` setting;
    ``team`` is the team routing already chose (an escalation), which the pick stays within.
    ("", team) in manual mode or when nobody fits."""
    cfg = get_setting(conn, "routing", {"mode": "manual"})
    mode = str(cfg.get("mode", "manual")) if isinstance(cfg, dict) else "manual"
    if mode == "category":
        if not team:
            team = next(
                (t.name for t in list_teams(conn) if category and category in t.categories), ""
            )
        if not team:
            return "", ""
        return _round_robin(conn, _pool(conn, team), f"team:{team}"), team
    if mode == "round_robin":
        return _round_robin(conn, _pool(conn, team), f"team:{team}"), team
    if mode == "load":
        return _least_loaded(conn, _pool(conn, team)), team
    return "", team
