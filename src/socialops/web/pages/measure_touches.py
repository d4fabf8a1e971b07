"""The attribution tab's touches upload (``POST /w/{ws}/measure/attribution/touches``, issue 17
item 4): a customers' touches file credited under the chosen model beside last touch, shown on
the attribution tab with its CSV/XLSX downloads (:mod:`socialops.web.actions.measure_touches`;
the API's function too). Needs ``measure.run``; a file that cannot be read shows the form
again with the one-line reason and the error's status."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from socialops.web.actions import measure_touches as actions
from socialops.web.auth import lang_of
from socialops.web.pages.common import Slug, form_access
from socialops.web.pages.measure import _actor_of, _run

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@router.post("/w/{ws}/measure/attribution/touches", response_class=HTMLResponse)
def run_touches(
    request: Request,
    ws: Slug,
    csrf: Annotated[str, Form(max_length=200)] = "",
    model: Annotated[Literal["last", "position"], Form()] = "position",
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    access = form_access(request, ws, "measure.run", csrf)
    actor, lang = _actor_of(request), lang_of(request)
    return _run(
        request,
        access,
        "attribution",
        {"touch_model": model},
        lambda: actions.touches_upload(
            actor,
            ws,
            lang,
            file.filename if file else None,
            file.file if file else None,
            model=model,
        ),
    )
