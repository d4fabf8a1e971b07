"""Cases: the unit of work of the inbox, one at a time per conversation.

``new`` (nobody has it yet) → ``open`` (assigned, or answered) → ``waiting`` (the agent waits on
the customer) → ``resolved`` → ``closed``. A customer writing again reopens a resolved case
(``reopened`` + 1, a new next-response and resolution due) and starts a new case after a closed
one; writing to a waiting case makes it open again. The current case's status, assignee, team
and priority are mirrored onto its conversation in the same transaction (the inbox list reads
the conversation only), and every change writes an ``inbox_events`` row.

SLA due instants come from :func:`socialops.engage.sla.dues_for`: first response and resolution
when a case opens, next response and resolution when it reopens, next response when the
customer writes after a response (cleared by the next response)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection
from sqlalchemy import text as sql

from socialops.domain.instants import now_iso
from socialops.engage.events import emit
from socialops.engage.notify import notify_inbox
from socialops.engage.routing import Routing, auto_assign, higher
from socialops.engage.sla import SlaPolicy, dues_for
from socialops.errors import EngageError
from socialops.store.workspace import Workspace

__all__ = [
    "CASE_STATUSES",
    "Case",
    "assign",
    "current_case",
    "get_case",
    "load_case",
    "on_brand_message",
    "on_customer_message",
    "open_case",
    "set_status",
]

CASE_STATUSES = ("new", "open", "waiting", "resolved", "closed")
_MOVES: dict[str, frozenset[str]] = {
    "new": frozenset({"open", "waiting", "resolved", "closed"}),
    "open": frozenset({"waiting", "resolved", "closed"}),
    "waiting": frozenset({"open", "resolved", "closed"}),
    "resolved": frozenset({"open", "closed"}),
    "closed": frozenset(),
}
_COLS = (
    "case_id, conversation_id, status, priority, category, assignee, team, crisis_level, "
    "opened_at, first_response_due, next_response_due, resolution_due, first_response_at, "
    "last_customer_at, last_response_at, resolved_at, closed_at, reopened, breaches, warned, "
    "simulated, updated_at"
)


@dataclass(frozen=True)
class Case:
    case_id: int
    conversation_id: str
    status: str
    priority: str
    category: str
    assignee: str
    team: str
    crisis_level: int | None
    opened_at: str
    first_response_due: str | None
    next_response_due: str | None
    resolution_due: str | None
    first_response_at: str | None
    last_customer_at: str | None
    last_response_at: str | None
    resolved_at: str | None
    closed_at: str | None
    reopened: int
    breaches: list[dict[str, Any]]
    warned: list[str]
    simulated: bool
    updated_at: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _case(r: Any) -> Case:
    return Case(
        case_id=int(r[0]),
        conversation_id=r[1],
        status=r[2],
        priority=r[3],
        category=r[4],
        assignee=r[5],
        team=r[6],
        crisis_level=None if r[7] is None else int(r[7]),
        opened_at=r[8],
        first_response_due=r[9],
        next_response_due=r[10],
        resolution_due=r[11],
        first_response_at=r[12],
        last_customer_at=r[13],
        last_response_at=r[14],
        resolved_at=r[15],
        closed_at=r[16],
        reopened=int(r[17]),
        breaches=json.loads(r[18] or "[]"),
        warned=json.loads(r[19] or "[]"),
        simulated=bool(r[20]),
        updated_at=r[21],
    )


def load_case(conn: Connection, case_id: int) -> Case | None:
    row = conn.execute(sql(f"SELECT {_COLS} FROM cases WHERE case_id = :i"), {"i": case_id}).first()
    return _case(row) if row else None


def get_case(ws: Workspace, case_id: int) -> Case:
    """The case numbered ``case_id``."""
    with ws.connect() as conn:
        case = load_case(conn, case_id)
    if case is None:
        raise EngageError("inbox.unknown_case", case_id=case_id)
    return case


def current_case(conn: Connection, conversation_id: str) -> Case | None:
    """The conversation's current case (``None`` before its first customer message)."""
    cid = conn.execute(
        sql("SELECT case_id FROM conversations WHERE conversation_id = :c"),
        {"c": conversation_id},
    ).first()
    if cid is None:
        raise EngageError("inbox.unknown_conversation", conversation_id=conversation_id)
    return None if cid[0] is None else load_case(conn, int(cid[0]))


_WRITABLE = (
    "status",
    "priority",
    "category",
    "assignee",
    "team",
    "crisis_level",
    "first_response_due",
    "next_response_due",
    "resolution_due",
    "first_response_at",
    "last_customer_at",
    "last_response_at",
    "resolved_at",
    "closed_at",
    "reopened",
)


def _save(conn: Connection, before: Case, after: Case) -> Case:
    """Write what changed from ``before`` to ``after`` and mirror it onto the conversation."""
    changed = {k: getattr(after, k) for k in _WRITABLE if getattr(after, k) != getattr(before, k)}
    if not changed:
        return before
    after = replace(after, updated_at=now_iso())
    sets = ", ".join(f"{k} = :{k}" for k in changed)
    conn.execute(
        sql(f"UPDATE cases SET {sets}, updated_at = :updated_at WHERE case_id = :case_id"),
        {**changed, "updated_at": after.updated_at, "case_id": after.case_id},
    )
    _mirror(conn, after)
    return after


def _mirror(conn: Connection, case: Case) -> None:
    conn.execute(
        sql(
            "UPDATE conversations SET case_id = :i, status = :s, assignee = :a, team = :t, "
            "priority = :p WHERE conversation_id = :c"
        ),
        {
            "i": case.case_id,
            "s": case.status,
            "a": case.assignee,
            "t": case.team,
            "p": case.priority,
            "c": case.conversation_id,
        },
    )


def _tell_assignee(conn: Connection, case: Case, by: str) -> None:
    """Notify the new assignee (web, and e-mail/webhook as the ``notify`` settings ask)."""
    if not case.assignee or case.assignee == by:
        return
    row = conn.execute(
        sql(
            "SELECT v.channel, COALESCE(k.display_name, '') FROM conversations v LEFT JOIN "
            "contacts k ON k.contact_id = v.contact_id WHERE v.conversation_id = :c"
        ),
        {"c": case.conversation_id},
    ).one()
    notify_inbox(
        conn,
        "assigned",
        users=[case.assignee],
        key="inbox.alert.assigned",
        params={
            "case": case.case_id,
            "customer": row[1],
            "channel": row[0],
            "assignee": case.assignee,
            "team": case.team,
            "by": by,
        },
        link=f"/inbox/c/{case.conversation_id}",
    )


def _dt(at: str) -> datetime:
    return datetime.fromisoformat(at)


def open_case(
    conn: Connection,
    *,
    conversation_id: str,
    channel: str,
    opened_at: str,
    routing: Routing,
    category: str,
    simulated: bool = False,
    policy: SlaPolicy | None = None,
) -> Case:
    """Open a new case for the conversation (its customer just wrote at ``opened_at``): routed,
    auto-assigned by the ``routing`` setting, its SLA dues set; mirrored and logged."""
    assignee, team = auto_assign(conn, conversation_id, category, team=routing.team)
    dues = dues_for(
        conn, channel=channel, priority=routing.priority, opened_at=_dt(opened_at), policy=policy
    )
    status = "open" if assignee else "new"
    row = conn.execute(
        sql(
            "INSERT INTO cases (conversation_id, status, priority, category, assignee, team, "
            "crisis_level, opened_at, first_response_due, resolution_due, last_customer_at, "
            "simulated, updated_at) VALUES (:c, :s, :p, :cat, :a, :t, :cl, :o, :fd, :rd, :o, "
            ":sim, :now) RETURNING case_id"
        ),
        {
            "c": conversation_id,
            "s": status,
            "p": routing.priority,
            "cat": category,
            "a": assignee,
            "t": team,
            "cl": routing.crisis_level,
            "o": opened_at,
            "fd": dues.first_response,
            "rd": dues.resolution,
            "sim": int(simulated),
            "now": now_iso(),
        },
    ).one()
    case = load_case(conn, int(row[0]))
    assert case is not None
    _mirror(conn, case)
    ev: dict[str, Any] = {
        "conversation_id": conversation_id,
        "case_id": case.case_id,
        "simulated": simulated,
    }
    emit(conn, "status", **ev, at=opened_at, status=status, previous="", reasons=routing.reasons)
    if assignee or team:
        emit(conn, "assigned", **ev, at=opened_at, assignee=assignee, team=team, auto=True)
        _tell_assignee(conn, case, "")
    if routing.crisis_level is not None:
        emit(conn, "crisis", **ev, at=opened_at, level=routing.crisis_level)
    return case


def on_customer_message(
    conn: Connection,
    case: Case,
    *,
    channel: str,
    at: str,
    routing: Routing,
    category: str,
    simulated: bool = False,
    policy: SlaPolicy | None = None,
) -> tuple[Case, bool]:
    """The customer wrote again to the conversation of the (not closed) ``case``: a resolved
    case reopens, a waiting one opens, a due for the next response starts when the last word was
    ours; an escalation or crisis raises the case. Returns (case, reopened)."""
    new = replace(case, last_customer_at=at, priority=higher(case.priority, routing.priority))
    if routing.escalated and routing.team and not case.team:
        new = replace(new, team=routing.team)
    if routing.crisis_level is not None and (case.crisis_level or 0) < routing.crisis_level:
        new = replace(new, crisis_level=routing.crisis_level)
    reopened = case.status == "resolved"
    if reopened:
        dues = dues_for(
            conn,
            channel=channel,
            priority=new.priority,
            opened_at=_dt(at),
            kind="reopen",
            policy=policy,
        )
        new = replace(
            new,
            status="open",
            reopened=case.reopened + 1,
            resolved_at=None,
            next_response_due=dues.next_response,
            resolution_due=dues.resolution,
        )
    elif case.status == "waiting":
        new = replace(new, status="open")
    answered = case.last_response_at is not None and (
        case.last_customer_at is None or case.last_response_at >= case.last_customer_at
    )
    if not reopened and answered and case.next_response_due is None:
        dues = dues_for(
            conn,
            channel=channel,
            priority=new.priority,
            opened_at=_dt(at),
            kind="next",
            policy=policy,
        )
        new = replace(new, next_response_due=dues.next_response)
    saved = _save(conn, case, new)
    ev: dict[str, Any] = {
        "conversation_id": case.conversation_id,
        "case_id": case.case_id,
        "simulated": simulated,
    }
    if saved.status != case.status:
        emit(
            conn,
            "status",
            **ev,
            at=at,
            status=saved.status,
            previous=case.status,
            reopened=reopened,
        )
    if saved.team != case.team:
        emit(conn, "assigned", **ev, at=at, assignee=saved.assignee, team=saved.team, auto=True)
    if saved.crisis_level != case.crisis_level:
        emit(conn, "crisis", **ev, at=at, level=saved.crisis_level)
    return saved, reopened


def on_brand_message(conn: Connection, case: Case, *, at: str, user: str = "") -> Case:
    """A response went out (or an import/platform shows one): first and last response are
    recorded, the next-response due is met, and a new case becomes open."""
    new = replace(
        case,
        first_response_at=case.first_response_at or at,
        last_response_at=at if (case.last_response_at or "") < at else case.last_response_at,
        next_response_due=None,
        status="open" if case.status == "new" else case.status,
    )
    saved = _save(conn, case, new)
    if saved.status != case.status:
        emit(
            conn,
            "status",
            conversation_id=case.conversation_id,
            case_id=case.case_id,
            simulated=case.simulated,
            at=at,
            user=user,
            status=saved.status,
            previous=case.status,
        )
    return saved


def set_status(ws: Workspace, case_id: int, status: str, *, user: str) -> Case:
    """Move the case to ``status`` (see the module for the moves allowed; a closed case stays
    closed: the customer's next message opens a new one)."""
    if status not in CASE_STATUSES:
        raise EngageError("inbox.bad_status", status=status)
    with ws.begin() as conn:
        case = load_case(conn, case_id)
        if case is None:
            raise EngageError("inbox.unknown_case", case_id=case_id)
        if status == case.status:
            return case
        if status not in _MOVES[case.status]:
            raise EngageError("inbox.bad_state", case_id=case_id, status=case.status, to=status)
        now = now_iso()
        new = replace(case, status=status)
        if status == "open" and case.status == "resolved":
            new = replace(new, reopened=case.reopened + 1, resolved_at=None)
        if status in ("waiting", "resolved", "closed"):
            new = replace(new, next_response_due=None)
        if status == "resolved":
            new = replace(new, resolved_at=now)
        if status == "closed":
            new = replace(new, closed_at=now, resolved_at=case.resolved_at or now)
        saved = _save(conn, case, new)
        emit(
            conn,
            "status",
            conversation_id=case.conversation_id,
            case_id=case_id,
            user=user,
            simulated=case.simulated,
            status=status,
            previous=case.status,
        )
        return saved


def assign(
    ws: Workspace, conversation_id: str, *, assignee: str | None, team: str | None, by: str
) -> Case:
    """Give the conversation's current case to ``assignee`` and/or ``team`` (``None`` keeps
    what it has, "" clears it). A new case becomes open when someone has it; the assignee is
    notified (unless they assigned it to themselves)."""
    with ws.begin() as conn:
        case = current_case(conn, conversation_id)
        if case is None or case.status == "closed":
            raise EngageError("inbox.no_open_case", conversation_id=conversation_id)
        new = replace(
            case,
            assignee=case.assignee if assignee is None else assignee.strip(),
            team=case.team if team is None else team.strip(),
        )
        if new.assignee and case.status == "new":
            new = replace(new, status="open")
        saved = _save(conn, case, new)
        if saved is case:
            return case
        emit(
            conn,
            "assigned",
            conversation_id=conversation_id,
            case_id=case.case_id,
            user=by,
            simulated=case.simulated,
            assignee=saved.assignee,
            team=saved.team,
            previous=case.assignee,
            auto=False,
        )
        if saved.status != case.status:
            emit(
                conn,
                "status",
                conversation_id=conversation_id,
                case_id=case.case_id,
                user=by,
                simulated=case.simulated,
                status=saved.status,
                previous=case.status,
            )
        if saved.assignee != case.assignee:
            _tell_assignee(conn, saved, by)
        return saved
