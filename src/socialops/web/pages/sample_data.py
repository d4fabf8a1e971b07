"""The sample data being prepared at first start (``/w/{ws}/sample-data``): each stage, how far
it has come, and what is usable already; it refreshes itself while the preparation runs."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from socialops.store.sample_progress import read_progress
from socialops.web.auth import services_of
from socialops.web.pages.common import Slug, to_login, view_access, workspace_page

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@router.get("/w/{ws}/sample-data", response_class=HTMLResponse)
def sample_data(request: Request, ws: Slug) -> Response:
    access = view_access(request, ws, "view")
    if access is None:
        return to_login()
    progress = read_progress(services_of(request).workspace(ws).root)
    running = progress is not None and not progress.finished and not progress.stopped
    return workspace_page(
        request, access, "sample_data.html", "dashboard", progress=progress, refresh=running
    )
