"""Reading the inbox: the conversation list (filters, keyset pages) and one conversation with
its messages, case, contact and replies.

The list reads ``conversations`` alone (the current case is mirrored onto it) plus one primary-key
join each for the customer's name and the profile's name: no count over everything and no query
per row. Pages are keyed by ``updated_at`` (then the id), newest first — ``before`` is the last
row's ``cursor`` — so each page walks the ``updated_at`` / ``(status, updated_at)`` indexes of
w0007 whatever the inbox's size."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import text as sql

from socialops.engage.cases import Case, load_case
from socialops.engage.contacts import contact_dict
from socialops.errors import EngageError
from socialops.store.secrets import decrypt
from socialops.store.workspace import Workspace

__all__ = [
    "ConversationDetail",
    "ConversationRow",
    "count_conversations",
    "get_conversation",
    "list_conversations",
]

MAX_LIMIT = 200
_COLS = (
    "v.conversation_id, v.source, COALESCE(p.name, ''), v.channel, COALESCE(k.display_name, ''), "
    "v.contact_id, v.status, v.intent, v.priority, v.category, v.sentiment, v.last_message, "
    "v.last_direction, v.updated_at, v.assignee, v.team, v.case_id, v.message_count, v.simulated"
)
_FROM = (
    "FROM conversations v LEFT JOIN profiles p ON p.profile_id = v.source "
    "LEFT JOIN contacts k ON k.contact_id = v.contact_id"
)


@dataclass(frozen=True)
class ConversationRow:
    conversation_id: str
    profile: str
    channel: str
    customer: str
    contact_id: str
    status: str
    intent: str
    urgency: str
    category: str
    sentiment: str
    last_message: str
    last_direction: str
    updated_at: str
    assignee: str
    team: str
    case_id: int | None
    message_count: int
    simulated: bool

    @property
    def cursor(self) -> str:
        """What ``before`` takes to list the conversations after this one."""
        return f"{self.updated_at}|{self.conversation_id}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ConversationDetail:
    row: ConversationRow
    messages: list[dict[str, Any]]
    case: Case | None
    contact: dict[str, Any]
    replies: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "conversation": self.row.to_dict(),
            "messages": self.messages,
            "case": self.case.to_dict() if self.case else None,
            "contact": self.contact,
            "replies": self.replies,
        }


def _profile(source: str, name: str) -> str:
    if name:
        return name
    return source.split(":", 1)[1] if source.startswith("import:") else source


def _row(r: Any) -> ConversationRow:
    return ConversationRow(
        conversation_id=r[0],
        profile=_profile(r[1], r[2]),
        channel=r[3],
        customer=r[4],
        contact_id=r[5],
        status=r[6],
        intent=r[7],
        urgency=r[8],
        category=r[9],
        sentiment=r[10],
        last_message=r[11],
        last_direction=r[12],
        updated_at=r[13],
        assignee=r[14],
        team=r[15],
        case_id=None if r[16] is None else int(r[16]),
        message_count=int(r[17]),
        simulated=bool(r[18]),
    )


def _where(
    *,
    status: str | None,
    assignee: str | None,
    team: str | None,
    channel: str | None,
    intent: str | None,
    urgency: str | None,
    q: str | None,
) -> tuple[list[str], dict[str, Any]]:
    """The conditions of the list's filters over ``conversations v`` (and ``contacts k`` for
    ``q``), with their parameters. ``urgency`` is the current case's priority mirrored onto
    the conversation."""
    where: list[str] = []
    params: dict[str, Any] = {}
    for col, value in (
        ("status", status),
        ("assignee", assignee),
        ("team", team),
        ("channel", channel),
        ("intent", intent),
        ("priority", urgency),
    ):
        if value is not None:
            where.append(f"v.{col} = :{col}")
            params[col] = value
    if q:
        where.append("(LOWER(v.last_message) LIKE :q OR LOWER(k.display_name) LIKE :q)")
        params["q"] = "%" + q.lower().replace("%", "").replace("_", "") + "%"
    return where, params


def list_conversations(
    ws: Workspace,
    *,
    status: str | None = None,
    assignee: str | None = None,
    team: str | None = None,
    channel: str | None = None,
    intent: str | None = None,
    urgency: str | None = None,
    q: str | None = None,
    before: str | None = None,
    limit: int = 50,
) -> list[ConversationRow]:
    """Conversations, most recently active first, filtered; ``before`` a row's ``cursor`` (or
    an ``updated_at``) for the next page. ``assignee=""`` lists the unassigned ones; ``q``
    looks in the customer's name and the last message; ``urgency`` is the case's priority
    (low, normal, high, urgent)."""
    where, params = _where(
        status=status,
        assignee=assignee,
        team=team,
        channel=channel,
        intent=intent,
        urgency=urgency,
        q=q,
    )
    params["n"] = max(1, min(int(limit), MAX_LIMIT))
    if before:
        at, _, cid = before.partition("|")
        if cid:
            where.append("(v.updated_at < :b OR (v.updated_at = :b AND v.conversation_id < :bid))")
            params["bid"] = cid
        else:
            where.append("v.updated_at < :b")
        params["b"] = at
    cond = f"WHERE {' AND '.join(where)} " if where else ""
    order = "ORDER BY v.updated_at DESC, v.conversation_id DESC"
    if q:  # the customer's name is in the filter: join first
        query = f"SELECT {_COLS} {_FROM} {cond}{order} LIMIT :n"
    else:  # the page first, then its names: the joins touch 50 rows, not every match
        page = f"(SELECT * FROM conversations v {cond}{order} LIMIT :n) v"
        query = f"SELECT {_COLS} {_FROM.replace('conversations v', page, 1)} {order}"
    with ws.connect() as conn:
        rows = conn.execute(sql(query), params).fetchall()
    return [_row(r) for r in rows]


def count_conversations(
    ws: Workspace,
    *,
    status: str | None = None,
    assignee: str | None = None,
    team: str | None = None,
    channel: str | None = None,
    intent: str | None = None,
    urgency: str | None = None,
    q: str | None = None,
) -> int:
    """How many conversations :func:`list_conversations` would list with the same filters
    (all pages): one ``COUNT(*)`` over ``conversations`` alone — the customers' names are
    joined only when ``q`` looks in them — walking the status/assignee indexes where a filter
    has one."""
    where, params = _where(
        status=status,
        assignee=assignee,
        team=team,
        channel=channel,
        intent=intent,
        urgency=urgency,
        q=q,
    )
    cond = f" WHERE {' AND '.join(where)}" if where else ""
    join = " LEFT JOIN contacts k ON k.contact_id = v.contact_id" if q else ""
    with ws.connect() as conn:
        found = conn.execute(sql(f"SELECT COUNT(*) FROM conversations v{join}{cond}"), params)
        return int(found.scalar_one())


def get_conversation(
    ws: Workspace, conversation_id: str, *, reveal: bool = False
) -> ConversationDetail:
    """One conversation with everything an agent needs beside it. ``reveal=True`` shows the
    originals of masked messages (the caller checks ``inbox.personal_data`` and audits)."""
    with ws.connect() as conn:
        r = conn.execute(
            sql(f"SELECT {_COLS} {_FROM} WHERE v.conversation_id = :c"), {"c": conversation_id}
        ).first()
        if r is None:
            raise EngageError("inbox.unknown_conversation", conversation_id=conversation_id)
        row = _row(r)
        msgs = conn.execute(
            sql(
                "SELECT message_id, direction, author, text, private, created_at, intent, "
                "sentiment, urgency, category, explain, pii, simulated, url, speech_act, "
                "needs_reply, lang FROM messages WHERE conversation_id = :c "
                "ORDER BY created_at, received_at, message_id"
            ),
            {"c": conversation_id},
        ).fetchall()
        replies = (
            conn.execute(
                sql(
                    "SELECT reply_id, case_id, text, state, author, approver, remote_id, url, "
                    "message_id, error, attempts, created_at, updated_at, sent_at "
                    "FROM inbox_replies WHERE conversation_id = :c ORDER BY created_at, reply_id"
                ),
                {"c": conversation_id},
            )
            .mappings()
            .fetchall()
        )
        case = load_case(conn, row.case_id) if row.case_id is not None else None
        contact = contact_dict(conn, row.contact_id) if row.contact_id else {}
    messages = []
    for m in msgs:
        text = m[3]
        if reveal and m[4]:
            text = decrypt(ws.root, m[4]).get("text", text)
        messages.append(
            {
                "message_id": m[0],
                "direction": m[1],
                "author": m[2],
                "text": text,
                "created_at": m[5],
                "intent": m[6],
                "sentiment": m[7],
                "urgency": m[8],
                "category": m[9],
                "explain": json.loads(m[10] or "{}"),
                "pii": json.loads(m[11] or "[]"),
                "simulated": bool(m[12]),
                "url": m[13],
                "speech_act": m[14],
                "needs_reply": bool(m[15]),
                "lang": m[16],
                "masked": bool(m[4]) and not reveal,
            }
        )
    return ConversationDetail(
        row=row,
        messages=messages,
        case=case,
        contact=contact,
        replies=[dict(x) for x in replies],
    )
