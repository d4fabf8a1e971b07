"""Tracked topics: add, edit, remove (permission ``topics.edit``; the workspace's cached
analyses and pages are stale after each)."""

from __future__ import annotations

from socialops.errors import TopicError
from socialops.listen import topics
from socialops.listen.topics import Topic
from socialops.web.actions.base import Actor
from socialops.web.auth import WebError

__all__ = ["add_topic", "edit_topic", "get_topic", "remove_topic"]

EDIT = "topics.edit"


def get_topic(actor: Actor, ws: str, name: str) -> Topic:
    """The topic ``name`` of ``ws`` for a member allowed to see it, else 404."""
    actor.access(ws, "view")
    try:
        return topics.get_topic(actor.services.workspace(ws), name)
    except TopicError:
        raise WebError(404, "not_found") from None


def add_topic(actor: Actor, ws: str, name: str, query: str, kind: str) -> Topic:
    access = actor.access(ws, EDIT)
    tp = topics.add_topic(actor.services.workspace(ws), name, query, kind)
    actor.services.changed(ws)
    actor.audit(access, "topic.add", tp.name, query=tp.query, kind=tp.kind)
    return tp


def edit_topic(
    actor: Actor,
    ws: str,
    name: str,
    *,
    query: str | None = None,
    kind: str | None = None,
    new_name: str | None = None,
) -> Topic:
    """Change a topic's query, kind or name (``None``: kept)."""
    access = actor.access(ws, EDIT)
    tp = topics.edit_topic(
        actor.services.workspace(ws), name, query=query, kind=kind, new_name=new_name
    )
    changes = {"query": tp.query, "kind": tp.kind}
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
