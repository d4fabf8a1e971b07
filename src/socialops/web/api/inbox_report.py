"""The inbox team report over the API: ``GET /api/v1/workspaces/{ws}/inbox/report`` with
``from``/``to`` (local days, default the last 30), ``format`` (``json``: the report's
dictionary, :meth:`socialops.measure.inbox_report.TeamReport.to_dict`; ``csv``: UTF-8 with a
BOM; ``xlsx``), ``include_simulated`` (the demo's simulated arrival times, never in a real report
unless asked) and ``lang`` for the file's headers (default: the caller's language). Anyone who
may see the workspace may read it (``view``); the page's download links come here too."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Annotated, Literal

from fastapi import Query, Request
from fastapi.responses import JSONResponse, Response

from socialops.measure.inbox_report import TeamReport, team_report
from socialops.measure.inbox_report_export import csv_name, report_csv, report_xlsx, xlsx_name
from socialops.web.api.common import ERRORS, Day, Slug, router
from socialops.web.auth import Access, WebError, lang_of, require, services_of

__all__ = ["XLSX", "parse_day", "report_for"]

TAGS: list[str | Enum] = ["inbox"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def parse_day(value: str | None, field: str) -> date | None:
    """A ``YYYY-MM-DD`` query value as a date (422 for a day that does not exist)."""
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise WebError(422, "invalid", detail=f"{field}={value}") from exc


def report_for(
    request: Request,
    access: Access,
    start: date | None,
    end: date | None,
    include_simulated: bool,
) -> TeamReport:
    """The report of ``access``'s workspace in the caller's time zone."""
    db = services_of(request).workspace(access.workspace)
    zone = access.principal.user.tz or None
    return team_report(db, start, end, include_simulated=include_simulated, zone=zone)


def _download(data: bytes, media: str, name: str) -> Response:
    return Response(
        data,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get(
    "/workspaces/{ws}/inbox/report",
    response_class=Response,
    responses={
        **ERRORS,
        200: {
            "description": "the report: JSON, or the CSV or XLSX file",
            "content": {"application/json": {}, "text/csv": {}, XLSX: {}},
        },
    },
    tags=TAGS,
)
def inbox_report(
    request: Request,
    ws: Slug,
    date_from: Annotated[Day, Query(alias="from")] = None,
    date_to: Annotated[Day, Query(alias="to")] = None,
    format: Literal["json", "csv", "xlsx"] = "json",
    include_simulated: bool = False,
    lang: Literal["ko", "en"] | None = None,
) -> Response:
    """The team report: first response time, response, resolution and SLA rates, backlog,
    per agent, team, channel and day, volume by category and sentiment."""
    access = require(request, ws, "view")
    start, end = parse_day(date_from, "from"), parse_day(date_to, "to")
    report = report_for(request, access, start, end, include_simulated)
    words = lang or lang_of(request)
    if format == "csv":
        return _download(report_csv(report, words), "text/csv; charset=utf-8", csv_name(report))
    if format == "xlsx":
        return _download(report_xlsx(report, words), XLSX, xlsx_name(report))
    return JSONResponse(report.to_dict())
