"""Listening reports of a workspace (``/w/{ws}/reports``): the form that makes one, the list
and the downloads (HTML and XLSX)."""

from __future__ import annotations

import contextlib
import json
import re
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from socialops.errors import SocialopsError
from socialops.listen.topics import list_topics
from socialops.web.actions import reports as actions
from socialops.web.actions.reports import reports_dir
from socialops.web.auth import Access, WebError, lang_of, services_of
from socialops.web.pages.common import (
    Slug,
    back,
    form_actor,
    to_login,
    view_access,
    workspace_page,
)
from socialops.web.responses import error_text

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
EVERY = ("day", "hour", "week")
REPORT_FILE = re.compile(r"^(\d{8}T\d{6}Z-[0-9a-f]{8})\.(html|xlsx)$")
# the reports `socialops demo` (and the first start's sample data) write into <ws>/reports/
DEMO_FILE = re.compile(r"^([a-z][a-z0-9_-]{0,40})\.(html|xlsx)$")


def _metas(folder: Path, pattern: re.Pattern[str]) -> list[dict[str, Any]]:
    out = []
    if folder.is_dir():
        for p in folder.glob("*.json"):
            with contextlib.suppress(OSError, ValueError):
                meta = json.loads(p.read_text(encoding="utf-8"))
                if isinstance(meta, dict) and pattern.match(f"{meta.get('id')}.html"):
                    out.append(meta)
    return out


def _reports(folder: Path) -> list[dict[str, Any]]:
    """The reports made in the web (``folder``), newest first, then those of the sample data
    (``folder``'s parent, described by a JSON file beside each)."""
    made = sorted(_metas(folder, REPORT_FILE), key=lambda m: str(m.get("id")), reverse=True)
    demo = sorted(_metas(folder.parent, DEMO_FILE), key=lambda m: str(m.get("id")))
    return made + demo


def _reports_page(request: Request, access: Access, status: int = 200, **ctx: Any) -> Response:
    ctx.setdefault("error", None)
    ctx.setdefault(
        "form",
        {"topic": "", "vs": [], "from": "", "to": "", "every": "day", "lang": lang_of(request)},
    )
    return workspace_page(
        request,
        access,
        "reports.html",
        "reports",
        status=status,
        topics=list_topics(services_of(request).workspace(access.workspace)),
        reports=_reports(reports_dir(services_of(request), access.workspace)),
        every_options=EVERY,
        **ctx,
    )


@router.get("/w/{ws}/reports", response_class=HTMLResponse)
def reports_page(request: Request, ws: Slug) -> Response:
    access = view_access(request, ws, "view")
    if access is None:
        return to_login()
    return _reports_page(request, access)


@router.post("/w/{ws}/reports", response_class=HTMLResponse)
def create_report(
    request: Request,
    ws: Slug,
    topic: Annotated[str, Form(max_length=100)] = "",
    vs: Annotated[list[str] | None, Form(max_length=50)] = None,
    date_from: Annotated[str, Form(alias="from", max_length=20)] = "",
    date_to: Annotated[str, Form(alias="to", max_length=20)] = "",
    every: Annotated[str, Form(max_length=8)] = "day",
    report_lang: Annotated[str, Form(alias="lang", max_length=4)] = "ko",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Run every listening analysis for ``topic`` against ``vs`` and write the HTML report
    and its XLSX under ``<workspace>/reports/web/``."""
    actor = form_actor(request, csrf)
    access = actor.access(ws, "reports.create")
    lang = lang_of(request)
    others = [v for v in (vs or []) if v and v != topic]
    form = {
        "topic": topic,
        "vs": others,
        "from": date_from,
        "to": date_to,
        "every": every,
        "lang": report_lang,
    }
    try:
        meta = actions.create_report(
            actor,
            ws,
            topic,
            others,
            date_from=date_from.strip() or None,
            date_to=date_to.strip() or None,
            every=every,
            lang=report_lang,
        )
    except SocialopsError as exc:
        msg = error_text(exc, lang, "reports.failed")
        return _reports_page(request, access, 400, error=msg, form=form)
    return back(ws, "reports", "report_made", new=meta["id"])


@router.get("/w/{ws}/reports/{file}")
def download_report(request: Request, ws: Slug, file: str) -> Response:
    access = view_access(request, ws, "view")
    if access is None:
        return to_login()
    m = REPORT_FILE.match(file)
    path = reports_dir(services_of(request), ws) / file
    if m is None:  # a report of the sample data, one folder up
        m = DEMO_FILE.match(file)
        path = path.parent.parent / file
    if m is None or not path.is_file():
        raise WebError(404, "not_found")
    media = {
        "html": "text/html; charset=utf-8",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }[m.group(2)]
    return FileResponse(path, media_type=media, filename=f"socialops-report-{file}")
