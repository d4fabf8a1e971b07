"""Tracked topics: a brand, a competitor, a product or a campaign, each a boolean query.

Topics live in the workspace ledger (``topics`` table). Names are free text (Korean welcome),
unique per workspace, compared case-insensitively. A query is parsed when it is saved, so a
saved topic always compiles.
"""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from enum import StrEnum
from functools import cached_property
from typing import TYPE_CHECKING

from socialops.errors import TopicError
from socialops.listen import query as q

if TYPE_CHECKING:
    from socialops.store.workspace import Workspace

__all__ = [
    "Topic",
    "TopicKind",
    "add_topic",
    "edit_topic",
    "get_topic",
    "list_topics",
    "remove_topic",
    "resolve_topics",
]

MAX_NAME = 80


class TopicKind(StrEnum):
    BRAND = "brand"
    COMPETITOR = "competitor"
    PRODUCT = "product"
    CAMPAIGN = "campaign"


@dataclass(frozen=True)
class Topic:
    name: str
    query: str
    kind: str
    created_at: str = ""
    updated_at: str = ""

    @cached_property
    def tree(self) -> q.Node:
        return q.parse(self.query)

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _kind(kind: str) -> str:
    try:
        return TopicKind(kind.strip().lower()).value
    except ValueError:
        allowed = ", ".join(k.value for k in TopicKind)
        raise TopicError(f"Unknown topic kind {kind!r}: use one of {allowed}.") from None


def _name(name: str) -> str:
    clean = " ".join(name.split())
    if not clean:
        raise TopicError("A topic needs a name, e.g. `socialops topic add 대한항공 --query ...`.")
    if len(clean) > MAX_NAME or any(ord(c) < 32 for c in clean):
        raise TopicError(f"Topic names are at most {MAX_NAME} printable characters.")
    return clean


def _row(r: sqlite3.Row | tuple[str, str, str, str, str]) -> Topic:
    return Topic(*r)


def list_topics(ws: Workspace) -> list[Topic]:
    with ws.connect() as conn:
        rows = conn.execute(
            "SELECT name, query, kind, created_at, updated_at FROM topics ORDER BY created_at, name"
        ).fetchall()
    return [_row(r) for r in rows]


def get_topic(ws: Workspace, name: str) -> Topic:
    with ws.connect() as conn:
        r = conn.execute(
            "SELECT name, query, kind, created_at, updated_at FROM topics "
            "WHERE lower(name) = lower(?)",
            (_name(name),),
        ).fetchone()
    if r is None:
        known = ", ".join(t.name for t in list_topics(ws)) or "none yet"
        raise TopicError(
            f"No topic named {name!r} (topics: {known}); add it with "
            "`socialops topic add NAME --query '...'`."
        )
    return _row(r)


def resolve_topics(ws: Workspace, names: list[str] | None) -> list[Topic]:
    """The named topics in the order given, or every topic when ``names`` is empty."""
    if names:
        seen: dict[str, Topic] = {}
        for n in names:
            t = get_topic(ws, n)
            seen.setdefault(t.name, t)
        return list(seen.values())
    topics = list_topics(ws)
    if not topics:
        raise TopicError(
            "This workspace has no topics yet: add one with "
            "`socialops topic add NAME --query '...' --kind brand`."
        )
    return topics


def add_topic(ws: Workspace, name: str, query: str, kind: str = "brand") -> Topic:
    clean, k = _name(name), _kind(kind)
    q.parse(query)  # raises QueryError with the position
    now = _now()
    try:
        with ws.connect() as conn, ws.transaction(conn):
            exists = conn.execute(
                "SELECT name FROM topics WHERE lower(name) = lower(?)", (clean,)
            ).fetchone()
            if exists:
                raise TopicError(
                    f"A topic named {exists[0]!r} exists: change it with "
                    "`socialops topic edit`, or choose another name."
                )
            conn.execute(
                "INSERT INTO topics (name, query, kind, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (clean, query.strip(), k, now, now),
            )
    except sqlite3.IntegrityError as exc:  # pragma: no cover - a race with another writer
        raise TopicError(f"A topic named {clean!r} exists.") from exc
    return get_topic(ws, clean)


def edit_topic(
    ws: Workspace,
    name: str,
    *,
    query: str | None = None,
    kind: str | None = None,
    new_name: str | None = None,
) -> Topic:
    old = get_topic(ws, name)
    if query is not None:
        q.parse(query)
    target = _name(new_name) if new_name else old.name
    with ws.connect() as conn, ws.transaction(conn):
        if target.lower() != old.name.lower():
            clash = conn.execute(
                "SELECT name FROM topics WHERE lower(name) = lower(?)", (target,)
            ).fetchone()
            if clash:
                raise TopicError(f"A topic named {clash[0]!r} exists: choose another name.")
        conn.execute(
            "UPDATE topics SET name = ?, query = ?, kind = ?, updated_at = ? WHERE name = ?",
            (
                target,
                query.strip() if query is not None else old.query,
                _kind(kind) if kind is not None else old.kind,
                _now(),
                old.name,
            ),
        )
    if query is not None:
        _prune_matches(ws, old.query)
    return get_topic(ws, target)


def remove_topic(ws: Workspace, name: str) -> Topic:
    old = get_topic(ws, name)
    with ws.connect() as conn, ws.transaction(conn):
        conn.execute("DELETE FROM topics WHERE name = ?", (old.name,))
    _prune_matches(ws, old.query)
    return old


def _prune_matches(ws: Workspace, query: str) -> None:
    """Drop the cached matches of a query no topic uses any more."""
    import shutil

    from socialops.store.analytics import topic_cache_key

    if any(t.query.strip() == query.strip() for t in list_topics(ws)):
        return
    shutil.rmtree(ws.root / "cache" / "topics" / topic_cache_key(query), ignore_errors=True)
