"""Tracked topics: add, edit, remove (permission ``topics.edit``; the workspace's cached
analyses and pages are stale after each), and the preview of a query before it is saved
(permission ``view``: it changes nothing)."""

from __future__ import annotations

from typing import Any

from socialops.errors import TopicError
from socialops.i18n import t
from socialops.listen import topics
from socialops.listen.preview import preview_query
from socialops.listen.topics import Topic
from socialops.store.analytics import open_store
from socialops.web.actions.base import Actor
from socialops.web.auth import WebError

__all__ = ["add_topic", "edit_topic", "get_topic", "preview", "remove_topic"]

EDIT = "topics.edit"


def get_topic(actor: Actor, ws: str, name: str) -> Topic:
    """The topic ``name`` of ``ws`` for a member allowed to see it, else 404."""
    actor.access(ws, "view")
    try:
        return topics.get_topic(actor.services.workspace(ws), name)
    except TopicError:
        raise WebError(404, "not_found") from None


def add_topic(
    actor: Actor, ws: str, name: str, query: str, kind: str, competitive_set: str = ""
) -> Topic:
    access = actor.access(ws, EDIT)
    tp = topics.add_topic(actor.services.workspace(ws), name, query, kind, competitive_set)
    actor.services.changed(ws)
    detail = {"query": tp.query, "kind": tp.kind}
    if tp.competitive_set:
        detail["set"] = tp.competitive_set
    actor.audit(access, "topic.add", tp.name, **detail)
    return tp


def preview(actor: Actor, ws: str, query: str, lang: str) -> dict[str, Any]:
    """What ``query`` would match (:func:`socialops.listen.preview.preview_query`), each
    warning with its ``message`` in ``lang``; cached per data version and query."""
    actor.access(ws, "view")
    svc = actor.services

    def make() -> dict[str, Any]:
        # a store of its own: the workspace's shared one may be held for minutes by the
        # analyses warming up after a change, and a preview is a person waiting at a form
        with open_store(svc.workspace(ws), "duckdb") as store:
            return preview_query(store, query)

    out = dict(svc.cached(["topic-preview", ws, svc.data_version(ws), query.strip()], make))
    out["warnings"] = [
        {**w, "message": t(f"preview.warn.{w['why']}", lang, **w)} for w in out["warnings"]
    ]
    return out


def edit_topic(
    actor: Actor,
    ws: str,
    name: str,
    *,
    query: str | None = None,
    kind: str | None = None,
    new_name: str | None = None,
    competitive_set: str | None = None,
) -> Topic:
    """Change a topic's query, kind, name or competitive set (``None``: kept)."""
    access = actor.access(ws, EDIT)
    tp = topics.edit_topic(
        actor.services.workspace(ws),
        name,
        query=query,
        kind=kind,
        new_name=new_name,
        competitive_set=competitive_set,
    )
    changes = {"query": tp.query, "kind": tp.kind}
    if competitive_set is not None:  # the set was given: said, '' when taken out of it
        changes["set"] = tp.competitive_set
    if tp.name != name:
        changes["renamed_from"] = name
    actor.services.changed(ws)
    actor.audit(access, "topic.edit", tp.name, **changes)
    return tp


def remove_topic(actor: Actor, ws: str, name: str) -> Topic:
    access = actor.access(ws, EDIT)
    tp = topics.remove_topic(actor.services.workspace(ws), name)
    actor.services.changed(ws)
    actor.audit(access, "topic.remove", tp.name, query=tp.query)
    return tp
