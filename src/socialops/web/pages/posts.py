"""The posts explorer (``/w/{ws}/posts``: a boolean query, filters, sort and pages) and one
post with its enrichment."""

from __future__ import annotations

import functools
import re
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from socialops.errors import SocialopsError
from socialops.web.auth import WebError, lang_of, services_of
from socialops.web.explorer import POST_SORTS, SENTIMENTS, PostQuery
from socialops.web.highlight import highlight, query_marks
from socialops.web.pages.common import (
    PER_PAGE,
    PageNo,
    Slug,
    error_of,
    pager,
    to_login,
    url,
    view_access,
    workspace_page,
)
from socialops.web.services import FRESH, PENDING, page_wait

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
POST_LANGS = ("ko", "en", "other")


@router.get("/w/{ws}/posts", response_class=HTMLResponse)
def posts_page(
    request: Request,
    ws: Slug,
    q: Annotated[str, Query(max_length=1000)] = "",
    platform: Annotated[str, Query(max_length=64)] = "",
    lang: Annotated[str, Query(max_length=8)] = "",
    sentiment: Annotated[str, Query(max_length=10)] = "",
    date_from: Annotated[str, Query(alias="from", max_length=20)] = "",
    date_to: Annotated[str, Query(alias="to", max_length=20)] = "",
    sort: Annotated[str, Query(max_length=12)] = "newest",
    page: PageNo = 1,
) -> Response:
    access = view_access(request, ws, "view")
    if access is None:
        return to_login()
    ui = lang_of(request)
    svc = services_of(request)
    params = {
        "q": q,
        "platform": platform.strip(),
        "lang": lang.strip(),
        "sentiment": sentiment.strip(),
        "from": date_from.strip(),
        "to": date_to.strip(),
        "sort": sort or "newest",
    }
    error: dict[str, Any] | None = None
    result: dict[str, Any] | None = None
    state = FRESH
    try:
        if params["lang"] and params["lang"] not in POST_LANGS:
            raise WebError(400, "bad_request", detail=f"lang: {', '.join(POST_LANGS)}")
        pq = PostQuery(
            q,
            params["platform"] or None,
            params["lang"] or None,
            params["sentiment"] or None,
            params["from"] or None,
            params["to"] or None,
            params["sort"],
            page,
            PER_PAGE,
        )
        # built in the background per query and data version: after an upload the explorer's
        # index is rebuilt, and the page waits about a second, then shows the last result of
        # the same query (or says it is being computed and reloads itself)
        view = ["page-posts", ws, params, page]
        result, state = svc.page(
            view, [svc.data_version(ws)], functools.partial(svc.posts, ws, pq), page_wait()
        )
    except SocialopsError as exc:
        error = error_of(exc, q, ui, "posts.error")
    except WebError as exc:
        error = {"message": exc.message(ui)}
    path = f"/w/{ws}/posts"
    pages = (
        pager(result["total"], page, PER_PAGE, lambda n: url(path, params, page=n))
        if result
        else None
    )
    return workspace_page(
        request,
        access,
        "posts.html",
        "posts",
        status=400 if error else 200,
        form=params,
        result=result,
        marks=query_marks(q) if result else None,
        mark=highlight,
        pager=pages,
        error=error,
        computing=None if error or state == FRESH else state,
        refresh=state == PENDING and not error,
        platforms=[p["platform"] for p in svc.overview(ws, page_wait())["platforms"]],
        sorts=POST_SORTS,
        sentiments=SENTIMENTS,
        post_langs=POST_LANGS,
        back=url(path, params, page=page if page > 1 else None),
    )


@router.get("/w/{ws}/posts/{platform}/{post_id:path}", response_class=HTMLResponse)
def post_page(request: Request, ws: Slug, platform: str, post_id: str) -> Response:
    access = view_access(request, ws, "view")
    if access is None:
        return to_login()
    found = services_of(request).post(ws, platform, post_id)
    if found is None:
        raise WebError(404, "not_found")
    link = found.get("url")
    safe_url = link if isinstance(link, str) and re.match(r"^https?://", link, re.I) else None
    return workspace_page(request, access, "post.html", "posts", post=found, safe_url=safe_url)
