"""Tracked topics of a workspace (``/api/v1/workspaces/{ws}/topics``)."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from socialops.listen.topics import list_topics
from socialops.web.actions import topics as actions
from socialops.web.api.common import (
    ERRORS,
    Done,
    PreviewIn,
    PreviewOut,
    Slug,
    TopicEdit,
    TopicIn,
    TopicOut,
    caller,
    router,
)
from socialops.web.auth import lang_of, require
from socialops.web.auth import services_of as _services

__all__: list[str] = []  # the routes are on socialops.web.api.common.router


@router.get(
    "/workspaces/{ws}/topics", response_model=list[TopicOut], responses=ERRORS, tags=["topics"]
)
def topics(request: Request, ws: Slug) -> list[dict[str, str]]:
    require(request, ws, "view")
    return [tp.to_dict() for tp in list_topics(_services(request).workspace(ws))]


@router.post(
    "/workspaces/{ws}/topics",
    response_model=TopicOut,
    status_code=201,
    responses=ERRORS,
    tags=["topics"],
)
def add_topic(request: Request, ws: Slug, body: TopicIn) -> dict[str, str]:
    tp = actions.add_topic(
        caller(request), ws, body.name, body.query, body.kind, body.competitive_set
    )
    return tp.to_dict()


@router.post(
    "/workspaces/{ws}/topics/preview",
    response_model=PreviewOut,
    responses=ERRORS,
    tags=["topics"],
)
def preview_topic(request: Request, ws: Slug, body: PreviewIn) -> dict[str, Any]:
    """What a query would match, before a topic is saved: matches, dates, sample posts, the
    most frequent matched words and warnings for ambiguous Korean words."""
    return actions.preview(caller(request), ws, body.query, lang_of(request))


@router.get(
    "/workspaces/{ws}/topics/{name}", response_model=TopicOut, responses=ERRORS, tags=["topics"]
)
def topic(request: Request, ws: Slug, name: str) -> dict[str, str]:
    return actions.get_topic(caller(request), ws, name).to_dict()


@router.patch(
    "/workspaces/{ws}/topics/{name}", response_model=TopicOut, responses=ERRORS, tags=["topics"]
)
def edit_topic(request: Request, ws: Slug, name: str, body: TopicEdit) -> dict[str, str]:
    actor = caller(request)
    actor.access(ws, actions.EDIT)  # not allowed (403) before not found (404)
    actions.get_topic(actor, ws, name)
    tp = actions.edit_topic(
        actor, ws, name, query=body.query, kind=body.kind, competitive_set=body.competitive_set
    )
    return tp.to_dict()


@router.delete(
    "/workspaces/{ws}/topics/{name}", response_model=Done, responses=ERRORS, tags=["topics"]
)
def remove_topic(request: Request, ws: Slug, name: str) -> Done:
    actor = caller(request)
    actor.access(ws, actions.EDIT)  # not allowed (403) before not found (404)
    actions.get_topic(actor, ws, name)
    actions.remove_topic(actor, ws, name)
    return Done()
