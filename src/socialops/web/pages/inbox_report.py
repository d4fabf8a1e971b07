"""The inbox team report in the web (``/w/{ws}/inbox/report``): a period filter, tiles with the
change against the previous period of the same length, tables per agent, team, channel and day,
volume by category and sentiment, downloads (CSV, XLSX: the API's), and a switch to include the
demo's simulated arrival times (off by default; the page says how many cases it left out).

The figures are :func:`socialops.measure.inbox_report.team_report`'s, in the reader's time zone;
this module only formats them. Anyone who may see the workspace may read it (``view``)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from socialops.i18n import t
from socialops.measure.inbox_report import METRICS, TeamReport
from socialops.measure.inbox_report_export import BREAKDOWNS, label
from socialops.web.api.inbox_report import parse_day, report_for
from socialops.web.auth import WebError, lang_of
from socialops.web.pages.common import Slug, to_login, url, view_access, workspace_page

__all__ = ["TILES", "router"]

router = APIRouter(include_in_schema=False)
DayQ = Annotated[str, Query(max_length=10, pattern=r"^(\d{4}-\d{2}-\d{2})?$")]
TILES: tuple[str, ...] = (
    "cases",
    "messages_in",
    "replies_sent",
    "first_response_minutes_median",
    "first_response_minutes_p90",
    "response_rate",
    "resolution_rate",
    "resolution_minutes_median",
    "sla_attainment",
    "backlog",
    "breaches",
)
# figures where less is better (a drop is shown as good news)
LOWER_IS_BETTER = frozenset(
    {
        "first_response_minutes_median",
        "first_response_minutes_p90",
        "resolution_minutes_median",
        "backlog",
        "breaches",
    }
)
PERCENT = frozenset({"response_rate", "resolution_rate", "sla_attainment"})


def fmt(metric: str, value: Any) -> str:
    """A figure as the page shows it: counts with separators, minutes and rates to a tenth."""
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.1f}" + ("%" if metric in PERCENT else "")
    return f"{value:,}"


def _tile(metric: str, now: Any, before: Any, lang: str) -> dict[str, Any]:
    tile = {"metric": metric, "label": t(f"inbox_report.m.{metric}", lang)}
    tile.update(value=fmt(metric, now), change="", trend="")
    if now is None or before is None:
        return tile
    delta = float(now) - float(before)
    if abs(delta) < 0.05:
        tile["change"] = t("inbox_report.no_change", lang)
        return tile
    sign = "▲" if delta > 0 else "▼"
    shown = fmt(metric, abs(delta) if isinstance(now, float) else int(abs(delta)))
    tile["change"] = f"{sign} {shown}"
    good = (delta < 0) if metric in LOWER_IS_BETTER else (delta > 0)
    tile["trend"] = "up" if good else "down"
    return tile


def _tables(report: TeamReport, lang: str) -> list[dict[str, Any]]:
    out = []
    for kind, attr, key in BREAKDOWNS:
        rows = [
            {"key": label(kind, r[key], lang), "cells": [fmt(m, r[m]) for m in METRICS]}
            for r in getattr(report, attr)
        ]
        out.append({"id": f"by-{kind}", "kind": kind, "rows": rows})
    return out


@router.get("/w/{ws}/inbox/report", response_class=HTMLResponse)
def inbox_report_page(
    request: Request,
    ws: Slug,
    date_from: Annotated[str, Query(alias="from", max_length=10)] = "",
    date_to: Annotated[str, Query(alias="to", max_length=10)] = "",
    simulated: Annotated[str, Query(max_length=3)] = "",
) -> Response:
    access = view_access(request, ws, "view")
    if access is None:
        return to_login()
    lang = lang_of(request)
    include = simulated in ("1", "on", "yes", "true")
    error = None
    try:
        start, end = parse_day(date_from, "from"), parse_day(date_to, "to")
    except WebError:
        error, start, end = t("inbox_report.bad_period", lang), None, None
    report = report_for(request, access, start, end, include)
    days = (report.end - report.start).days + 1
    prev_end = report.start - timedelta(days=1)
    before = report_for(request, access, prev_end - timedelta(days=days - 1), prev_end, include)
    here = f"/w/{ws}/inbox/report"
    params = {"from": report.start.isoformat(), "to": report.end.isoformat()}
    if include:
        params["simulated"] = "1"
    api = f"/api/v1/workspaces/{ws}/inbox/report"
    api_params = {k: v for k, v in params.items() if k != "simulated"}
    if include:
        api_params["include_simulated"] = "true"
    return workspace_page(
        request,
        access,
        "inbox_report.html",
        "inbox",
        status=400 if error else 200,
        error=error,
        report=report,
        form={**params, "simulated": include},
        tiles=[_tile(m, report.totals[m], before.totals[m], lang) for m in TILES],
        versus=t(
            "inbox_report.previous",
            lang,
            start=before.start.isoformat(),
            end=before.end.isoformat(),
        ),
        metrics=METRICS,
        tables=_tables(report, lang),
        categories=[
            {**r, "label": label("category", r["category"], lang)} for r in report.by_category
        ],
        sentiments=[
            {**r, "label": label("sentiment", r["sentiment"], lang)} for r in report.by_sentiment
        ],
        downloads={f: url(api, api_params, format=f, lang=lang) for f in ("csv", "xlsx")},
        here=url(here, params),
    )
