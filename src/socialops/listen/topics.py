"""Tracked topics: a brand, a competitor, a product or a campaign, each a boolean query.

A topic may belong to a *competitive set* (``competitive_set``: our brand and its competitors,
e.g. "항공사" or "영화"): share of voice is computed within each set, never across unrelated
topics; topics without a set ('') are compared with one another. A set name is matched
case-insensitively to the sets already used, so "airlines" joins "Airlines".

Topics live in the workspace database (``topics`` table, SQLite or PostgreSQL). Names are free
text (Korean welcome), unique per workspace, compared case-insensitively: every change reads,
checks and writes in one write transaction (:meth:`Workspace.begin`), serialised with every other
writer, so two processes cannot both add "United" and "united". A query is parsed when it is
saved, so a saved topic always compiles.
"""

from __future__ import annotations

import shutil
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from enum import StrEnum
from functools import cached_property
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Row, text
from sqlalchemy.exc import IntegrityError

from socialops.errors import TopicError
from socialops.nlp import query as q
from socialops.store.analytics import topic_cache_key

if TYPE_CHECKING:
    from socialops.store.workspace import Workspace

__all__ = [
    "Topic",
    "TopicKind",
    "add_topic",
    "edit_topic",
    "get_topic",
    "in_set",
    "list_topics",
    "remove_topic",
    "resolve_topics",
    "set_names",
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
    competitive_set: str = ""  # '' : in no named set

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
        raise TopicError(code="topic.kind_unknown", kind=kind, allowed=allowed) from None


def _name(name: str) -> str:
    clean = " ".join(name.split())
    if not clean:
        raise TopicError(code="topic.name_missing")
    if len(clean) > MAX_NAME or any(ord(c) < 32 for c in clean):
        raise TopicError(code="topic.name_too_long", max=MAX_NAME)
    return clean


def _set_name(conn: Connection, name: str | None) -> str:
    """``name`` cleaned ('' for none), spelled as a set already in use when one matches."""
    clean = " ".join((name or "").split())
    if len(clean) > MAX_NAME or any(ord(c) < 32 for c in clean):
        raise TopicError(code="topic.set_too_long", max=MAX_NAME)
    if not clean:
        return ""
    known = conn.execute(
        text(
            "SELECT competitive_set FROM topics WHERE lower(competitive_set) = lower(:s) "
            "ORDER BY created_at LIMIT 1"
        ),
        {"s": clean},
    ).first()
    return str(known[0]) if known else clean


_COLUMNS = "SELECT name, query, kind, created_at, updated_at, competitive_set FROM topics"


def _row(r: Row[Any]) -> Topic:
    return Topic(r.name, r.query, r.kind, r.created_at, r.updated_at, r.competitive_set or "")


def _find(conn: Connection, name: str) -> Topic | None:
    """The topic named ``name`` (case-insensitively), read on ``conn``."""
    r = conn.execute(text(f"{_COLUMNS} WHERE lower(name) = lower(:name)"), {"name": name}).first()
    return None if r is None else _row(r)


def _not_found(ws: Workspace, name: str) -> TopicError:
    known = ", ".join(t.name for t in list_topics(ws))
    if not known:
        return TopicError(code="topic.not_found_none", name=name)
    return TopicError(code="topic.not_found", name=name, known=known)


def list_topics(ws: Workspace) -> list[Topic]:
    with ws.connect() as conn:
        rows = conn.execute(text(f"{_COLUMNS} ORDER BY created_at, name")).all()
    return [_row(r) for r in rows]


def set_names(ws: Workspace) -> list[str]:
    """The competitive sets in use, in the order they were first used."""
    seen: dict[str, None] = {}
    for t in list_topics(ws):
        if t.competitive_set:
            seen.setdefault(t.competitive_set, None)
    return list(seen)


def get_topic(ws: Workspace, name: str) -> Topic:
    with ws.connect() as conn:
        found = _find(conn, _name(name))
    if found is None:
        raise _not_found(ws, name)
    return found


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
        raise TopicError(code="topic.none_yet")
    return topics


def in_set(ws: Workspace, topics: list[Topic], competitive_set: str) -> list[Topic]:
    """The topics of ``topics`` in the set named ``competitive_set`` (case-insensitively; ''
    for the topics in no set); an unknown set is an error that names the sets there are."""
    wanted = " ".join(competitive_set.split()).lower()
    mine = [t for t in topics if t.competitive_set.lower() == wanted]
    if not mine:
        known = ", ".join(set_names(ws)) or "–"
        raise TopicError(code="topic.set_unknown", set=competitive_set, known=known)
    return mine


def add_topic(
    ws: Workspace, name: str, query: str, kind: str = "brand", competitive_set: str = ""
) -> Topic:
    clean, k = _name(name), _kind(kind)
    q.parse(query)  # raises QueryError with the position
    now = _now()
    try:
        # the check and the insert in one write transaction: serialised with every other
        # writer, so two processes adding "United" and "united" at once cannot both succeed
        with ws.begin() as conn:
            exists = _find(conn, clean)
            if exists is not None:
                raise TopicError(code="topic.exists", name=exists.name)
            conn.execute(
                text(
                    "INSERT INTO topics (name, query, kind, created_at, updated_at, "
                    "competitive_set) VALUES (:name, :query, :kind, :now, :now, :set)"
                ),
                {
                    "name": clean,
                    "query": query.strip(),
                    "kind": k,
                    "now": now,
                    "set": _set_name(conn, competitive_set),
                },
            )
    except IntegrityError as exc:  # pragma: no cover - the primary key, should the check miss
        raise TopicError(code="topic.exists", name=clean) from exc
    return get_topic(ws, clean)


def edit_topic(
    ws: Workspace,
    name: str,
    *,
    query: str | None = None,
    kind: str | None = None,
    new_name: str | None = None,
    competitive_set: str | None = None,
) -> Topic:
    """Change a topic's query, kind, name or competitive set (``None``: kept; a set of '':
    out of its set)."""
    if query is not None:
        q.parse(query)
    wanted = _name(name)
    target_name = _name(new_name) if new_name else None
    new_kind = _kind(kind) if kind is not None else None
    with ws.begin() as conn:  # read, check and write as one: no edit lost to another writer
        old = _find(conn, wanted)
        if old is None:
            raise _not_found(ws, name)
        target = target_name or old.name
        if target.lower() != old.name.lower():
            clash = _find(conn, target)
            if clash is not None:
                raise TopicError(code="topic.exists", name=clash.name)
        conn.execute(
            text(
                "UPDATE topics SET name = :target, query = :query, kind = :kind, "
                "competitive_set = :set, updated_at = :now WHERE name = :old"
            ),
            {
                "target": target,
                "query": query.strip() if query is not None else old.query,
                "kind": new_kind or old.kind,
                "set": (
                    old.competitive_set
                    if competitive_set is None
                    else _set_name(conn, competitive_set)
                ),
                "now": _now(),
                "old": old.name,
            },
        )
    if query is not None:
        _prune_matches(ws, old.query)
    return get_topic(ws, target)


def remove_topic(ws: Workspace, name: str) -> Topic:
    wanted = _name(name)
    with ws.begin() as conn:
        old = _find(conn, wanted)
        if old is None:
            raise _not_found(ws, name)
        conn.execute(text("DELETE FROM topics WHERE name = :name"), {"name": old.name})
    _prune_matches(ws, old.query)
    return old


def _prune_matches(ws: Workspace, query: str) -> None:
    """Drop the cached matches of a query no topic uses any more."""
    if any(t.query.strip() == query.strip() for t in list_topics(ws)):
        return
    shutil.rmtree(ws.root / "cache" / "topics" / topic_cache_key(query), ignore_errors=True)
