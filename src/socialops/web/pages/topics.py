"""Tracked topics: the list with its add, edit and remove forms (``/w/{ws}/topics``), and a
topic's page (``/w/{ws}/topics/{name}``: spikes, association and sentiment words, themes,
influencers and the most engaging posts)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from socialops.errors import SocialopsError, TopicError
from socialops.i18n import t
from socialops.listen import charts
from socialops.listen.topics import Topic, get_topic, list_topics
from socialops.web.actions import topics as actions
from socialops.web.auth import Access, WebError, lang_of, services_of
from socialops.web.explorer import PostQuery
from socialops.web.pages.common import (
    Slug,
    back,
    error_of,
    form_actor,
    svg,
    to_login,
    view_access,
    workspace_page,
)
from socialops.web.pages.dashboard import (
    page_scope,
    range_note,
    scope_form,
    spike_marks,
    undated_notes,
)
from socialops.web.responses import error_text
from socialops.web.services import PENDING, Services, page_wait, scope_of

__all__ = ["router", "topic_view", "warm_topics"]

router = APIRouter(include_in_schema=False)
TOPIC_KINDS = ("brand", "competitor", "product", "campaign")


def _for_topic(result: dict[str, Any], name: str) -> dict[str, Any] | None:
    for r in result.get("results") or []:
        if isinstance(r, dict) and r.get("topic") == name:
            return r
    return None


def _words_chart(words: list[dict[str, Any]], title: str, color: str) -> Markup | None:
    bars = [(str(w["word"]), float(w["g2"])) for w in words[:15] if w.get("g2") is not None]
    return svg(charts.hbar_chart(bars, title=title, color=color, value_label="G²"))


@router.get("/w/{ws}/topics/{name:path}", response_class=HTMLResponse)
def topic_page(
    request: Request,
    ws: Slug,
    name: str,
    date_from: Annotated[str, Query(alias="from", max_length=20)] = "",
    date_to: Annotated[str, Query(alias="to", max_length=20)] = "",
    every: Annotated[str, Query(max_length=8)] = "day",
    span: Annotated[str, Query(alias="range", max_length=8)] = "",
) -> Response:
    access = view_access(request, ws, "view")
    if access is None:
        return to_login()
    lang = lang_of(request)
    svc = services_of(request)
    try:
        topic = get_topic(svc.workspace(ws), name)
    except TopicError:
        raise WebError(404, "not_found") from None
    form = scope_form(date_from, date_to, every)
    try:
        scope_of(form["from"] or None, form["to"] or None, form["every"])  # a bad form: 400
    except SocialopsError as exc:
        return workspace_page(
            request,
            access,
            "topic.html",
            "topics",
            status=400,
            topic=topic,
            form=form,
            error=error_text(exc, lang),
            sections={},
        )
    # built in the background once per data version, topics, topic, form and language (the
    # default range follows every topic's latest activity); the page waits about a second
    topics = list_topics(svc.workspace(ws))
    view = ["page-topic", ws, topic.name, form, span, lang]
    version = [svc.data_version(ws), svc.topic_stamp(topics)]
    sections, state = svc.page(
        view, version, lambda: topic_view(svc, ws, topic, form, span, lang), page_wait()
    )
    return workspace_page(
        request,
        access,
        "topic.html",
        "topics",
        topic=topic,
        form=form,
        error=None,
        sections=sections or {},
        computing=None if state == "fresh" else state,
        refresh=state == PENDING,
    )


def topic_view(
    svc: Services, ws: str, topic: Topic, form: dict[str, str], span: str, lang: str
) -> dict[str, Any]:
    """The sections of a topic's page for ``form`` in ``lang``: its spikes, association and
    sentiment words, themes, influencers and most engaging posts, from analyses of this topic
    alone (another topic's change leaves them cached)."""
    scope, which = page_scope(svc, ws, form, span)
    only = [topic.name]
    sections: dict[str, Any] = {}

    def section(key: str, make: Callable[[], Any]) -> None:
        try:
            sections[key] = {"data": make(), "error": None}
        except SocialopsError as exc:
            sections[key] = {"data": None, "error": error_text(exc, lang, "common.failed")}

    def assoc() -> dict[str, Any] | None:
        item = _for_topic(svc.analysis(ws, "assoc", only, scope), topic.name)
        if item is None:
            return None
        return {
            **item,
            "chart": _words_chart(
                item.get("words") or [], t("topic.assoc", lang), charts.PALETTE[0]
            ),
            "chart_pos": _words_chart(
                item.get("positive") or [],
                t("topic.positive_words", lang),
                charts.SENTIMENT_COLORS["positive"],
            ),
            "chart_neg": _words_chart(
                item.get("negative") or [],
                t("topic.negative_words", lang),
                charts.SENTIMENT_COLORS["negative"],
            ),
        }

    def spikes() -> dict[str, Any]:
        # this topic's zeros and undated posts are said, not an error
        vol = svc.analysis(ws, "volume", only, scope, allow_empty=True)
        res = svc.analysis(ws, "spikes", only, scope, allow_empty=True)
        mine = [s for s in res.get("results") or [] if s.get("topic") == topic.name]
        real = [s for s in mine if s.get("kind") != "coverage"]
        periods = [str(p) for p in vol.get("periods") or []]
        item = _for_topic(vol, topic.name)
        series = [(topic.name, item["series"])] if item else []

        def tr(k: str, **p: Any) -> str:
            return t(k, lang, **p)

        marks = spike_marks(real, [topic.name], periods, tr)
        line = charts.line_chart(
            periods,
            series,
            title=t("topic.volume", lang),
            markers=marks,
            order=[tp.name for tp in list_topics(svc.workspace(ws))],
            lang=lang,
        )
        undated = (vol.get("undated") or {}).get("topics") or {}
        mine_vol = {**vol, "results": [item] if item else []}
        mine_vol["undated"] = {
            "all": undated.get(topic.name, 0),
            "topics": {topic.name: undated.get(topic.name, 0)},
        }
        shown = vol.get("scope") or {}
        return {
            "real": real,
            "coverage": [s for s in mine if s.get("kind") == "coverage"],
            "chart": svg(line),
            "total": item["total"] if item else 0,
            "scope": shown,
            "range": range_note(which, shown, form["every"], tr),
            "undated": undated_notes(mine_vol, tr),
        }

    def top_posts() -> dict[str, Any]:
        return svc.posts(
            ws,
            PostQuery(
                topic.query,
                date_from=scope.start.isoformat() if scope.start else None,
                date_to=scope.end.isoformat() if scope.end else None,
                sort="engagement",
                per_page=10,
            ),
        )

    section("spikes", spikes)
    section("assoc", assoc)
    section("themes", lambda: _for_topic(svc.analysis(ws, "themes", only, scope), topic.name))
    section(
        "influencers",
        lambda: _for_topic(svc.analysis(ws, "influencers", only, scope), topic.name),
    )
    section("top_posts", top_posts)
    return sections


def warm_topics(svc: Services, ws: str) -> None:
    """Build every topic page's default view (both languages) for the warm-up."""
    topics = list_topics(svc.workspace(ws))
    form = scope_form("", "", "day")
    version = [svc.data_version(ws), svc.topic_stamp(topics)]
    for topic in topics:
        for lang in ("ko", "en"):
            if svc.stopping.is_set():
                return
            view = ["page-topic", ws, topic.name, form, "", lang]
            build = functools.partial(topic_view, svc, ws, topic, form, "", lang)
            svc.page(view, version, build, None)


def _topics_page(request: Request, access: Access, status: int = 200, **ctx: Any) -> Response:
    ctx.setdefault("error", None)
    ctx.setdefault("form", {"name": "", "query": "", "kind": "brand", "competitive_set": ""})
    ctx.setdefault("edit_error", None)
    ctx.setdefault("preview", None)
    topics = list_topics(services_of(request).workspace(access.workspace))
    ctx["sets"] = list(dict.fromkeys(tp.competitive_set for tp in topics if tp.competitive_set))
    return workspace_page(
        request,
        access,
        "topics.html",
        "topics",
        status=status,
        topics=topics,
        kinds=TOPIC_KINDS,
        **ctx,
    )


@router.get("/w/{ws}/topics", response_class=HTMLResponse)
def topics_page(request: Request, ws: Slug) -> Response:
    access = view_access(request, ws, "view")
    if access is None:
        return to_login()
    return _topics_page(request, access)


@router.post("/w/{ws}/topics", response_class=HTMLResponse)
def add_topic(
    request: Request,
    ws: Slug,
    name: Annotated[str, Form(max_length=100)] = "",
    query: Annotated[str, Form(max_length=1000)] = "",
    kind: Annotated[str, Form(max_length=20)] = "brand",
    competitive_set: Annotated[str, Form(max_length=100)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    actor = form_actor(request, csrf)
    access = actor.access(ws, "topics.edit")
    try:
        actions.add_topic(actor, ws, name, query, kind, competitive_set)
    except SocialopsError as exc:
        err = error_of(exc, query, lang_of(request), "topics.failed")
        form = {"name": name, "query": query, "kind": kind, "competitive_set": competitive_set}
        return _topics_page(request, access, 400, error=err, form=form)
    return back(ws, "topics", "topic_added")


@router.post("/w/{ws}/topics/preview", response_class=HTMLResponse)
def preview_topic(
    request: Request,
    ws: Slug,
    name: Annotated[str, Form(max_length=100)] = "",
    query: Annotated[str, Form(max_length=1000)] = "",
    kind: Annotated[str, Form(max_length=20)] = "brand",
    competitive_set: Annotated[str, Form(max_length=100)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """The add form again, with what its query would match (nothing is saved)."""
    actor = form_actor(request, csrf)
    access = actor.access(ws, "topics.edit")
    form = {"name": name, "query": query, "kind": kind, "competitive_set": competitive_set}
    lang = lang_of(request)
    try:
        found = actions.preview(actor, ws, query, lang)
    except SocialopsError as exc:
        err = error_of(exc, query, lang, "topics.failed")
        return _topics_page(request, access, 400, error=err, form=form)
    return _topics_page(request, access, form=form, preview=found)


@router.post("/w/{ws}/topics/edit", response_class=HTMLResponse)
def edit_topic(
    request: Request,
    ws: Slug,
    name: Annotated[str, Form(max_length=100)] = "",
    new_name: Annotated[str, Form(max_length=100)] = "",
    query: Annotated[str, Form(max_length=1000)] = "",
    kind: Annotated[str, Form(max_length=20)] = "",
    competitive_set: Annotated[str, Form(max_length=100)] = "",
    set_field: Annotated[str, Form(max_length=4)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    actor = form_actor(request, csrf)
    access = actor.access(ws, "topics.edit")
    try:
        actions.edit_topic(
            actor,
            ws,
            name,
            query=query if query.strip() else None,
            kind=kind or None,
            new_name=new_name if new_name.strip() else None,
            # the form has the field (an empty one takes the topic out of its set)
            competitive_set=competitive_set if set_field else None,
        )
    except SocialopsError as exc:
        err = error_of(exc, query, lang_of(request), "topics.failed")
        return _topics_page(request, access, 400, edit_error={**err, "name": name, "query": query})
    return back(ws, "topics", "topic_edited")


@router.post("/w/{ws}/topics/remove", response_class=HTMLResponse)
def remove_topic(
    request: Request,
    ws: Slug,
    name: Annotated[str, Form(max_length=100)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    actor = form_actor(request, csrf)
    access = actor.access(ws, "topics.edit")
    try:
        actions.remove_topic(actor, ws, name)
    except TopicError as exc:
        err = {"message": error_text(exc, lang_of(request), "topics.failed")}
        return _topics_page(request, access, 404, error=err)
    return back(ws, "topics", "topic_removed")
