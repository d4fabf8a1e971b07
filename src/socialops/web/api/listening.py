"""Listening analyses and the posts explorer (``/api/v1/workspaces/{ws}/listen/…`` and
``…/posts``)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Query, Request

from socialops.web.api.common import ERRORS, Analysis, Day, Every, Page, PageNo, Slug, router
from socialops.web.auth import WebError, lang_of, require
from socialops.web.auth import services_of as _services
from socialops.web.explorer import POST_SORTS, PostQuery
from socialops.web.services import scope_of

__all__: list[str] = []  # the routes are on socialops.web.api.common.router


@router.get("/workspaces/{ws}/listen/{analysis}", responses=ERRORS, tags=["listening"])
def listen(
    request: Request,
    ws: Slug,
    analysis: Analysis,
    topic: Annotated[list[str] | None, Query(max_length=20)] = None,
    date_from: Annotated[Day, Query(alias="from")] = None,
    date_to: Annotated[Day, Query(alias="to")] = None,
    every: Every = "day",
    platform: Annotated[str | None, Query(max_length=64)] = None,
    lang: Literal["ko", "en", "other"] | None = None,
) -> dict[str, Any]:
    """One listening analysis (the JSON of ``socialops listen ANALYSIS --json``)."""
    require(request, ws, "view")
    scope = scope_of(date_from, date_to, every, platform, lang)
    return _services(request).analysis(ws, analysis, topic, scope, lang=lang_of(request))


@router.get("/workspaces/{ws}/posts", response_model=Page, responses=ERRORS, tags=["posts"])
def posts(
    request: Request,
    ws: Slug,
    q: Annotated[str, Query(max_length=1000, description="boolean query, topic syntax")] = "",
    platform: Annotated[str | None, Query(max_length=64)] = None,
    lang: Literal["ko", "en", "other"] | None = None,
    sentiment: Literal["positive", "neutral", "negative"] | None = None,
    date_from: Annotated[Day, Query(alias="from")] = None,
    date_to: Annotated[Day, Query(alias="to")] = None,
    sort: Literal["newest", "oldest", "engagement"] = "newest",
    page: PageNo = 1,
    per_page: Annotated[int, Query(ge=1, le=100)] = 20,
) -> dict[str, Any]:
    assert sort in POST_SORTS
    require(request, ws, "view")
    pq = PostQuery(q, platform, lang, sentiment, date_from, date_to, sort, page, per_page)
    return _services(request).posts(ws, pq)


@router.get("/workspaces/{ws}/posts/{platform}/{post_id}", responses=ERRORS, tags=["posts"])
def post(request: Request, ws: Slug, platform: str, post_id: str) -> dict[str, Any]:
    """One post with its enrichment (tokens, lemmas, keywords, sentiment, …)."""
    require(request, ws, "view")
    found = _services(request).post(ws, platform, post_id)
    if found is None:
        raise WebError(404, "not_found")
    return found
