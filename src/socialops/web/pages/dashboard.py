"""The dashboard of a workspace (``/w/{ws}``): volume, share of voice and sentiment of every
topic over a range, with the spikes marked.

Charts are the inline SVG strings of :mod:`socialops.listen.charts`, which escape every label:
they are the only markup the templates take as is (wrapped in :class:`markupsafe.Markup`)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from socialops.errors import DataError, SocialopsError
from socialops.i18n import t
from socialops.listen import charts
from socialops.listen.scope import DEFAULT_DAYS, Scope, default_scope
from socialops.listen.topics import list_topics
from socialops.listen.volume import kpis, undated_notes
from socialops.web.auth import lang_of, services_of
from socialops.web.pages.common import Slug, svg, to_login, view_access, workspace_page
from socialops.web.responses import error_text
from socialops.web.services import PENDING, Services, page_wait, scope_of

__all__ = [
    "FOLD",
    "kpi_tiles",
    "page_scope",
    "range_note",
    "router",
    "scope_form",
    "spike_marks",
    "undated_notes",
    "warm_dashboard",
]

FOLD = 5  # spikes shown before "show more"

router = APIRouter(include_in_schema=False)


def scope_form(date_from: str, date_to: str, every: str) -> dict[str, str]:
    return {"from": date_from.strip(), "to": date_to.strip(), "every": every or "day"}


def spike_marks(
    spikes: list[dict[str, Any]], names: list[str], periods: list[str], tr: Callable[..., str]
) -> list[tuple[int, int, str]]:
    idx = {n: i for i, n in enumerate(names)}
    pidx = {p: i for i, p in enumerate(periods)}
    marks = []
    for s in spikes:
        key = str(s.get("start"))[: len(periods[0])] if periods else ""
        if s.get("topic") in idx and key in pidx:
            tip = f"{s['topic']} · {tr('spike.' + str(s.get('kind')))} · {s.get('start')}"
            marks.append((idx[s["topic"]], pidx[key], tip))
    return marks


def page_scope(svc: Services, ws: str, form: dict[str, str], span: str = "") -> tuple[Scope, str]:
    """The scope a listening page shows and which it is: ``chosen`` (a range given: it wins),
    ``all`` (``?range=all``, or no topic mention with a date) or ``latest`` (the default: the
    topics' latest activity, :func:`socialops.listen.scope.default_scope`)."""
    scope = scope_of(form["from"] or None, form["to"] or None, form["every"])
    if scope.start or scope.end:
        return scope, "chosen"
    if span == "all":
        return scope, "all"

    def make() -> Scope:
        topics = list_topics(svc.workspace(ws))
        try:
            with svc.store(ws) as store:
                return default_scope(store, scope, topics)
        except DataError:  # no data yet: the analyses say so
            return scope

    stamp = svc.topic_stamp(list_topics(svc.workspace(ws)))
    key = ["default-range", ws, svc.data_version(ws), stamp, scope.to_dict()]
    found = svc.cached(key, make)
    return found, "latest" if found.start else "all"


def range_note(
    kind: str, shown: dict[str, Any], every: str, tr: Callable[..., str]
) -> dict[str, Any]:
    """What the page says about its range, and the link to the other one (all data, or the
    latest activity)."""
    params = {"start": shown.get("from") or "–", "end": shown.get("to") or "–"}
    if kind == "latest":
        text = tr("range.latest", days=DEFAULT_DAYS.get(every, 30), **params)
        return {"text": text, "link": f"?range=all&every={every}", "label": tr("range.show_all")}
    text = tr("range.all" if kind == "all" else "range.chosen", **params)
    return {"text": text, "link": f"?every={every}", "label": tr("range.show_latest")}


def _signed(v: float | None, digits: int, unit: str) -> str | None:
    if v is None:
        return None
    return f"{v:+,.{digits}f}{unit}"


def kpi_tiles(k: dict[str, Any], tr: Callable[..., str]) -> dict[str, Any]:
    """The dashboard's KPI tiles from :func:`socialops.listen.volume.kpis`: each figure with its
    change against the previous period of the same length."""
    cur, ch = k["current"], k["change"]
    pp = tr("kpi.pp")

    def tile(key: str, value: str, change: str | None, v: float | None) -> dict[str, Any]:
        # colour: green when the change is good news (fewer negative posts is)
        good = None if not v else (v > 0) != (key == "kpi.negative")
        trend = "flat" if good is None else ("up" if good else "down")
        return {"label": tr(key), "value": value, "change": change, "trend": trend}

    tiles = [
        tile(
            "kpi.mentions",
            f"{cur['mentions']:,}",
            _signed(ch["mentions"], 1, "%"),
            ch["mentions"],
        ),
        tile("kpi.posts", f"{cur['posts']:,}", _signed(ch["posts"], 1, "%"), ch["posts"]),
        tile(
            "kpi.net",
            "–" if cur["net_sentiment"] is None else f"{cur['net_sentiment']:+.2f}",
            _signed(ch["net_sentiment"], 2, ""),
            ch["net_sentiment"],
        ),
        tile(
            "kpi.negative",
            "–" if cur["pct_negative"] is None else f"{cur['pct_negative']:.1f}%",
            _signed(ch["pct_negative"], 1, pp),
            ch["pct_negative"],
        ),
    ]
    prev = k["previous_range"]
    if k["previous"] is None:
        versus = tr("kpi.no_prev")
    else:
        versus = tr("kpi.vs_prev", days=k["days"], start=prev["from"], end=prev["to"])
    return {"tiles": tiles, "versus": versus}


def _real_spikes(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for s in result.get("results") or [] if s.get("kind") != "coverage"]


def _dashboard_data(
    tr: Callable[..., str],
    vol: dict[str, Any],
    sov: dict[str, Any],
    sent: dict[str, Any],
    spikes: dict[str, Any],
    *,
    order: list[str] | None = None,
    lang: str = "ko",
) -> dict[str, Any]:
    periods = [str(p) for p in vol.get("periods") or []]
    names = [r["topic"] for r in vol["results"]]
    order = order or names  # a topic's colour: its place among the workspace's topics
    real = _real_spikes(spikes)
    marks = spike_marks(real, names, periods, tr)
    volume = charts.line_chart(
        periods,
        [(r["topic"], r["series"]) for r in vol["results"]],
        title=tr("dash.volume"),
        markers=marks,
        order=order,
        lang=lang,
    )
    # share of voice within each competitive set (never across sets): one bar per set, and a
    # share-by-period chart per set of two or more topics
    sets: dict[str, list[dict[str, Any]]] = {}
    for r in sov["results"]:
        sets.setdefault(str(r.get("set") or ""), []).append(r)
    labels = [tr("dash.sov_set", set=n) if n else tr("dash.sov_unset") for n in sets]
    sov_total = charts.stacked_bars(
        labels,
        [
            (r["topic"], [r["share"] or 0 if i == k else 0 for k in range(len(sets))])
            for i, members in enumerate(sets.values())
            for r in members
        ],
        title=tr("dash.sov"),
        order=order,
    )
    sov_sets = []
    for label, (name, members) in zip(labels, sets.items(), strict=True):
        chart = charts.line_chart(
            periods,
            [(r["topic"], [c["share"] for c in r["series"]]) for r in members],
            title=f"{tr('dash.sov_period')} · {label}",
            y_min=0,
            y_max=100,
            order=order,
            lang=lang,
            unit="%",
        )
        sov_sets.append(
            {
                "set": name,
                "label": label,
                "topics": [r["topic"] for r in members],
                "alone": len(members) < 2,
                "chart": svg(chart) if len(members) > 1 else None,
            }
        )
    kinds = ("positive", "neutral", "negative")
    shares = charts.stacked_bars(
        [r["topic"] for r in sent["results"]],
        [(tr(f"sentiment.{k}"), [r[k] for r in sent["results"]]) for k in kinds],
        title=tr("dash.sentiment"),
        colors=[charts.SENTIMENT_COLORS[k] for k in kinds],
    )
    net = charts.line_chart(
        periods,
        [(r["topic"], [c["net_sentiment"] for c in r["series"]]) for r in sent["results"]],
        title=tr("dash.net"),
        y_min=-1,
        y_max=1,
        order=order,
        lang=lang,
    )
    by_sent = {r["topic"]: r for r in sent["results"]}
    rows = []
    for r in sov["results"]:
        s = by_sent.get(r["topic"], {})
        rows.append(
            {
                "topic": r["topic"],
                "kind": r.get("kind"),
                "set": r.get("set") or "",
                "mentions": r["mentions"],
                # a share within a set of one topic is always 100 %: not shown
                "share": r.get("share") if len(sets.get(str(r.get("set") or ""), [])) > 1 else None,
                "positive": s.get("pct_positive"),
                "negative": s.get("pct_negative"),
                "net": s.get("net_sentiment"),
            }
        )
    return {
        "charts": {
            "volume": svg(volume),
            "sov_total": svg(sov_total),
            "sentiment": svg(shares),
            "net": svg(net),
        },
        "rows": rows,
        "sov_sets": sov_sets,
        "spikes": real[:30],
        "all_posts": (vol.get("all_posts") or {}).get("total"),
        "scope": vol.get("scope") or {},
        "undated": undated_notes(vol, tr),
    }


@router.get("/w/{ws}", response_class=HTMLResponse)
def dashboard(
    request: Request,
    ws: Slug,
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
    overview = svc.overview(ws, page_wait())
    topics = list_topics(svc.workspace(ws))
    form = scope_form(date_from, date_to, every)
    ctx: dict[str, Any] = {
        "overview": overview,
        "topics": topics,
        "form": form,
        "error": None,
        "fold": FOLD,
        "queries": {tp.name: tp.query for tp in topics},  # a spike's links to its posts
    }
    status = 200
    if topics and overview["posts"]:
        try:
            scope_of(form["from"] or None, form["to"] or None, form["every"])  # a bad form: 400

            def build() -> dict[str, Any]:
                return dashboard_view(svc, ws, form, span, lang)

            # drawn in the background once per data version, topics, form and language; the
            # page waits about a second, then shows what it has
            view = ["page-dashboard", ws, form, span, lang]
            version = [svc.data_version(ws), svc.topic_stamp(topics)]
            data, state = svc.page(view, version, build, page_wait())
            ctx["computing"] = None if state == "fresh" else state
            ctx["refresh"] = state == PENDING
            ctx.update(data or {})
        except SocialopsError as exc:
            ctx["error"] = error_text(exc, lang)
            status = 200 if isinstance(exc, DataError) else 400
    return workspace_page(request, access, "dashboard.html", "dashboard", status=status, **ctx)


def dashboard_view(
    svc: Services, ws: str, form: dict[str, str], span: str, lang: str
) -> dict[str, Any]:
    """What the dashboard shows for ``form`` in ``lang``: the charts, the summary, the spikes
    and the KPI tiles."""

    def tr(k: str, **p: Any) -> str:
        return t(k, lang, **p)

    topics = list_topics(svc.workspace(ws))
    scope, which = page_scope(svc, ws, form, span)
    names = ("volume", "sov", "sentiment", "spikes")
    results = [svc.analysis(ws, name, None, scope) for name in names]
    order = [tp.name for tp in topics]
    data = _dashboard_data(tr, *results, order=order, lang=lang)
    shown = results[0].get("scope") or {}
    data["range"] = range_note(which, shown, form["every"], tr)
    resolved = Scope.from_flags(shown.get("from"), shown.get("to"), form["every"])
    with svc.store(ws) as store:
        data["kpis"] = kpi_tiles(kpis(store, resolved, topics), tr)
    return data


def warm_dashboard(svc: Services, ws: str) -> None:
    """Build the dashboard's default view (both languages) for the warm-up."""
    topics = list_topics(svc.workspace(ws))
    if not topics:
        return
    form = scope_form("", "", "day")
    for lang in ("ko", "en"):
        view = ["page-dashboard", ws, form, "", lang]
        version = [svc.data_version(ws), svc.topic_stamp(topics)]
        svc.page(view, version, functools.partial(dashboard_view, svc, ws, form, "", lang), None)
