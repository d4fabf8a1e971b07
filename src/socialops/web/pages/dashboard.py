"""The dashboard of a workspace (``/w/{ws}``): volume, share of voice and sentiment of every
topic over a range, with the spikes marked.

Charts are the inline SVG strings of :mod:`socialops.listen.charts`, which escape every label:
they are the only markup the templates take as is (wrapped in :class:`markupsafe.Markup`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from socialops.errors import DataError, SocialopsError
from socialops.i18n import t
from socialops.listen import charts
from socialops.listen.topics import list_topics
from socialops.web.auth import lang_of, services_of
from socialops.web.pages.common import Slug, svg, to_login, view_access, workspace_page
from socialops.web.responses import error_text
from socialops.web.services import scope_of

__all__ = ["router", "scope_form", "spike_marks"]

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


def _real_spikes(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for s in result.get("results") or [] if s.get("kind") != "coverage"]


def _dashboard_data(
    tr: Callable[..., str],
    vol: dict[str, Any],
    sov: dict[str, Any],
    sent: dict[str, Any],
    spikes: dict[str, Any],
) -> dict[str, Any]:
    periods = [str(p) for p in vol.get("periods") or []]
    names = [r["topic"] for r in vol["results"]]
    real = _real_spikes(spikes)
    marks = spike_marks(real, names, periods, tr)
    volume = charts.line_chart(
        periods,
        [(r["topic"], r["series"]) for r in vol["results"]],
        title=tr("dash.volume"),
        markers=marks,
    )
    sov_total = charts.stacked_bars(
        [tr("dash.total")],
        [(r["topic"], [r["mentions"]]) for r in sov["results"]],
        title=tr("dash.sov"),
    )
    sov_period = charts.line_chart(
        periods,
        [(r["topic"], [c["share"] for c in r["series"]]) for r in sov["results"]],
        title=tr("dash.sov_period"),
        y_min=0,
        y_max=100,
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
    )
    by_sent = {r["topic"]: r for r in sent["results"]}
    rows = []
    for r in sov["results"]:
        s = by_sent.get(r["topic"], {})
        rows.append(
            {
                "topic": r["topic"],
                "kind": r.get("kind"),
                "mentions": r["mentions"],
                "share": r.get("share"),
                "positive": s.get("pct_positive"),
                "negative": s.get("pct_negative"),
                "net": s.get("net_sentiment"),
            }
        )
    return {
        "charts": {
            "volume": svg(volume),
            "sov_total": svg(sov_total),
            "sov_period": svg(sov_period),
            "sentiment": svg(shares),
            "net": svg(net),
        },
        "rows": rows,
        "spikes": real[:30],
        "all_posts": (vol.get("all_posts") or {}).get("total"),
        "scope": vol.get("scope") or {},
    }


@router.get("/w/{ws}", response_class=HTMLResponse)
def dashboard(
    request: Request,
    ws: Slug,
    date_from: Annotated[str, Query(alias="from", max_length=20)] = "",
    date_to: Annotated[str, Query(alias="to", max_length=20)] = "",
    every: Annotated[str, Query(max_length=8)] = "day",
) -> Response:
    access = view_access(request, ws, "view")
    if access is None:
        return to_login()
    lang = lang_of(request)
    svc = services_of(request)
    overview = svc.overview(ws)
    topics = list_topics(svc.workspace(ws))
    form = scope_form(date_from, date_to, every)
    ctx: dict[str, Any] = {"overview": overview, "topics": topics, "form": form, "error": None}
    status = 200
    if topics and overview["posts"]:
        try:
            scope = scope_of(form["from"] or None, form["to"] or None, form["every"])

            def build() -> dict[str, Any]:
                names = ("volume", "sov", "sentiment", "spikes")
                results = [svc.analysis(ws, name, None, scope) for name in names]
                return _dashboard_data(lambda k, **p: t(k, lang, **p), *results)

            # the charts are drawn once per data version, range and language
            ctx.update(svc.cached(["page-dashboard", ws, svc.version(ws), form, lang], build))
        except SocialopsError as exc:
            ctx["error"] = error_text(exc, lang)
            status = 200 if isinstance(exc, DataError) else 400
    return workspace_page(request, access, "dashboard.html", "dashboard", status=status, **ctx)
