"""Reading the inbox: the conversation list (filters, keyset pages, text search) and one
conversation with its messages, case, contact and replies.

The list reads ``conversations`` alone (the current case is mirrored onto it) plus one primary-key
join each for the customer's name and the profile's name: no count over everything and no query
per row. Pages are keyed by ``updated_at`` (then the id), newest first — ``before`` is the last
row's ``cursor`` — so each page walks the ``updated_at`` / ``(status, updated_at)`` /
``(assignee, updated_at)`` indexes whatever the inbox's size.

The search (``q``) is a case-insensitive substring of the customer's name or of the last message
(as ``LIKE`` was), found on w0008's index: an FTS5 trigram table on SQLite, ``pg_trgm`` GIN
indexes on PostgreSQL. Both need 3 characters; a shorter search looks through the
:data:`SHORT_WINDOW` most recent conversations (from the cursor) instead of scanning them all.
:func:`count_conversations` takes a ``cap``: a common word then counts a thousand rows, not every
match."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import text as sql
from sqlalchemy.engine import Connection

from socialops.engage.cases import Case, load_case
from socialops.engage.contacts import contact_dict
from socialops.errors import EngageError
from socialops.store.secrets import decrypt
from socialops.store.workspace import Workspace

__all__ = [
    "MAX_LIMIT",
    "SHORT_WINDOW",
    "ConversationDetail",
    "ConversationRow",
    "count_conversations",
    "get_conversation",
    "list_conversations",
    "search_is_windowed",
    "search_needle",
]

MAX_LIMIT = 200
MIN_INDEXED = 3  # the trigram index finds substrings of 3 characters or more
SHORT_WINDOW = 10_000  # the recent conversations a shorter search looks through
PROBE = 2_000  # the recent conversations a search on FTS5 tries before the index
_JOIN_CONTACT = "LEFT JOIN contacts k ON k.contact_id = v.contact_id"
_LIKE = "(LOWER(v.last_message) LIKE :q OR LOWER(k.display_name) LIKE :q)"
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
) -> tuple[list[str], dict[str, Any]]:
    """The conditions of the list's filters over ``conversations v``, with their parameters
    (``q`` is :mod:`socialops.engage.search`'s). ``urgency`` is the current case's priority
    mirrored onto the conversation."""
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
    return where, params


def search_needle(q: str | None) -> str:
    """The text ``q`` looks for, as matched: lower-cased, without ``LIKE``'s wildcards."""
    return (q or "").lower().replace("%", "").replace("_", "")


def search_is_windowed(q: str | None) -> bool:
    """Whether ``q`` is too short for the trigram index (under 3 characters): it then looks
    through the :data:`SHORT_WINDOW` most recently active conversations only (from the page's
    cursor on), and its count is bounded by the same window."""
    needle = search_needle(q)
    return 0 < len(needle) < MIN_INDEXED


def _fts(conn: Connection) -> bool:
    """Whether the search has w0008's FTS5 table (SQLite)."""
    if conn.dialect.name != "sqlite":
        return False
    found = conn.execute(
        sql("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'conversations_fts'")
    )
    return found.first() is not None


def _recent(
    conn: Connection, where: list[str], params: dict[str, Any], needle: str, rows: int
) -> list[str]:
    """``where`` narrowed to the ``rows`` most recently active conversations it matches and to
    those containing ``needle`` (``LIKE``, over ``conversations v`` and ``contacts k``): the
    oldest ``updated_at`` in reach is found first by an index walk, so the search then walks
    the same index from the top and stops at its page or at that floor, never further."""
    cond = f"WHERE {' AND '.join(where)} " if where else ""
    floor = conn.execute(
        sql(
            f"SELECT v.updated_at FROM conversations v {cond}ORDER BY v.updated_at DESC "
            "LIMIT 1 OFFSET :skip"
        ),
        {**params, "skip": rows - 1},
    ).scalar()
    params["q"] = f"%{needle}%"
    out = [*where, _LIKE]
    if floor is not None:
        out.append("v.updated_at >= :floor")
        params["floor"] = floor
    return out


def _branches(conn: Connection, needle: str, params: dict[str, Any]) -> list[tuple[str, str]]:
    """How to find the conversations whose last message or customer's name contains
    ``needle`` (3 characters or more): ``(join, condition)`` over ``conversations v``, one per
    branch of a ``UNION``. SQLite: one, the FTS5 trigram table. PostgreSQL: two, each on its
    ``pg_trgm`` GIN index (w0008) — or, for a common word, on the ``updated_at`` index, as
    the planner finds cheaper: one ``OR`` across the two tables would allow neither. The same
    substring match either way."""
    params["q"] = f"%{needle}%"
    if _fts(conn):
        params["fq"] = '"' + needle.replace('"', '""') + '"'  # one phrase: user text, quoted
        return [
            (
                "",
                "v.conversation_id IN (SELECT s.conversation_id FROM conversations_fts "
                "JOIN conversation_search s ON s.doc = conversations_fts.rowid "
                "WHERE conversations_fts MATCH :fq)",
            )
        ]
    return [
        ("", "LOWER(v.last_message) LIKE :q"),
        (" JOIN contacts k2 ON k2.contact_id = v.contact_id", "LOWER(k2.display_name) LIKE :q"),
    ]


def _union(parts: list[str]) -> str:
    """``parts`` (queries) as one ``UNION`` that SQLite and PostgreSQL both read."""
    return " UNION ".join(f"SELECT * FROM ({part}) u{i}" for i, part in enumerate(parts))


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
    offset: int = 0,
) -> list[ConversationRow]:
    """Conversations, most recently active first, filtered; ``before`` a row's ``cursor`` (or
    an ``updated_at``) for the next page; ``offset`` rows skipped first (without a search only:
    an index walk, for the API's numbered pages). ``assignee=""`` lists the unassigned ones; ``q``
    looks for a substring of the customer's name or of the last message (case aside; under 3
    characters only in the recent window, :func:`search_is_windowed`); ``urgency`` is the
    case's priority (low, normal, high, urgent)."""
    where, params = _where(
        status=status,
        assignee=assignee,
        team=team,
        channel=channel,
        intent=intent,
        urgency=urgency,
    )
    params["n"] = max(1, min(int(limit), MAX_LIMIT))
    if before:
        at, _, cid = before.partition("|")
        if cid:  # the range on updated_at first: an index walk from the cursor on
            where.append("v.updated_at <= :b AND (v.updated_at < :b OR v.conversation_id < :bid)")
            params["bid"] = cid
        else:
            where.append("v.updated_at < :b")
        params["b"] = at
    needle = search_needle(q)
    if needle and offset:
        raise ValueError("offset is for lists without a search: walk a search by its cursor")
    params["off"] = max(0, int(offset))
    order = "ORDER BY v.updated_at DESC, v.conversation_id DESC"
    with ws.connect() as conn:
        if needle and (search_is_windowed(q) or _fts(conn)):
            # under 3 characters: the recent window; on FTS5 (SQLite) first the recent
            # conversations, where a common word fills the page: n found there are the n newest
            rows = SHORT_WINDOW if search_is_windowed(q) else PROBE
            cond = " AND ".join(_recent(conn, where, params, needle, rows))
            query = f"SELECT {_COLS} {_FROM} WHERE {cond} {order} LIMIT :n"
            found = conn.execute(sql(query), params).fetchall()
            if search_is_windowed(q) or len(found) == params["n"]:
                return [_row(r) for r in found]
        pages = []  # the page first, then its names: the joins touch 50 rows, not every match
        for join, match in _branches(conn, needle, params) if needle else [("", "")]:
            cond = " AND ".join([*where, match] if match else where)
            cond = f"WHERE {cond} " if cond else ""
            skip = "" if needle else " OFFSET :off"
            pages.append(f"SELECT v.* FROM conversations v{join} {cond}{order} LIMIT :n{skip}")
        page = pages[0] if len(pages) == 1 else f"SELECT * FROM ({_union(pages)}) v {order}"
        page = f"({page}{' LIMIT :n' if len(pages) > 1 else ''}) v"
        query = f"SELECT {_COLS} {_FROM.replace('conversations v', page, 1)} {order}"
        rows_found = conn.execute(sql(query), params).fetchall()
    return [_row(r) for r in rows_found]


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
    cap: int | None = None,
) -> int:
    """How many conversations :func:`list_conversations` would list with the same filters
    (all pages): one ``COUNT(*)`` over ``conversations`` alone, walking the indexes a filter
    has. With ``cap`` it counts at most ``cap + 1`` rows: a result over ``cap`` means "more
    than ``cap``" (a common search word would otherwise count every match on every page)."""
    where, params = _where(
        status=status,
        assignee=assignee,
        team=team,
        channel=channel,
        intent=intent,
        urgency=urgency,
    )
    needle = search_needle(q)
    with ws.connect() as conn:
        if search_is_windowed(q):
            cond = " AND ".join(_recent(conn, where, params, needle, SHORT_WINDOW))
            rows = f"SELECT 1 FROM conversations v {_JOIN_CONTACT} WHERE {cond}"
        else:  # a branch capped at cap + 1 rows still tells "more than cap" in the union
            limit = "" if cap is None else " LIMIT :cap"
            parts = []
            for join, match in _branches(conn, needle, params) if needle else [("", "")]:
                cond = " AND ".join([*where, match] if match else where)
                cond = f" WHERE {cond}" if cond else ""
                parts.append(f"SELECT v.conversation_id FROM conversations v{join}{cond}{limit}")
            rows = parts[0] if len(parts) == 1 else _union(parts)
        if cap is not None:
            rows = f"SELECT 1 FROM ({rows}) c LIMIT :cap"
            params["cap"] = max(0, int(cap)) + 1
        found = conn.execute(sql(f"SELECT COUNT(*) FROM ({rows}) t"), params)
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
