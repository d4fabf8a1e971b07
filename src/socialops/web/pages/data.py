"""A workspace's data (``/w/{ws}/data``): its imports, the quarantined rows with their
reasons, and the upload form."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from socialops.errors import SocialopsError
from socialops.i18n import fmt_number, t
from socialops.listen.ingest import list_imports, list_quarantine
from socialops.listen.presets import PRESETS
from socialops.web.actions import data as actions
from socialops.web.actions.data import EnrichAfterImportError
from socialops.web.auth import lang_of, services_of
from socialops.web.pages.common import (
    PER_PAGE,
    PageNo,
    Slug,
    form_actor,
    pager,
    to_login,
    url,
    view_access,
    workspace_page,
)
from socialops.web.responses import error_text
from socialops.web.uploads import parse_mapping, upload_name

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def _data_ctx(request: Request, ws: str, qpage: int) -> dict[str, Any]:
    target = services_of(request).workspace(ws)
    imports = list(reversed(list_imports(target)))
    for imp in imports:
        imp["file_name"] = upload_name(Path(str(imp.get("source_path") or "")).name)
    rows = list_quarantine(target, limit=None, lang=lang_of(request))
    start = (qpage - 1) * PER_PAGE
    for r in rows[start : start + PER_PAGE]:
        r["file_name"] = upload_name(Path(str(r.get("file") or "")).name)
    path = f"/w/{ws}/data"
    return {
        "imports": imports,
        "quarantine": rows[start : start + PER_PAGE],
        "qpager": pager(len(rows), qpage, PER_PAGE, lambda n: url(path, {}, qpage=n)),
        "presets": [(name, spec.description) for name, spec in PRESETS.items()],
        "limit_mb": actions.UPLOAD_LIMIT // 2**20,
    }


@router.get("/w/{ws}/data", response_class=HTMLResponse)
def data_page(
    request: Request,
    ws: Slug,
    qpage: PageNo = 1,
    imported: Annotated[str, Query(max_length=64)] = "",
    enriched: Annotated[int, Query(ge=0)] = 0,
) -> Response:
    access = view_access(request, ws, "view")
    if access is None:
        return to_login()
    ctx = _data_ctx(request, ws, qpage)
    done = None
    if imported:
        row = next((i for i in ctx["imports"] if i["import_id"] == imported), None)
        if row is not None:
            done = t(
                "data.done",
                lang_of(request),
                read=fmt_number(row["rows_read"], "ko"),
                imported=fmt_number(row["imported"], "ko"),
                dup=fmt_number(row["duplicates"], "ko"),
                q=fmt_number(row["quarantined"], "ko"),
                enriched=fmt_number(enriched, "ko"),
            )
    form = {"preset": "generic", "mapping": ""}
    return workspace_page(
        request, access, "data.html", "data", done=done, error=None, form=form, **ctx
    )


@router.post("/w/{ws}/data/upload", response_class=HTMLResponse)
def upload(
    request: Request,
    ws: Slug,
    file: Annotated[UploadFile | None, File()] = None,
    preset: Annotated[str, Form(max_length=64)] = "generic",
    mapping: Annotated[str, Form(max_length=20000)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Import an uploaded file (as ``POST /api/v1/workspaces/{ws}/imports`` does), enrich it,
    and show the counts."""
    actor = form_actor(request, csrf)
    access = actor.access(ws, "data.import")
    lang = lang_of(request)
    form = {"preset": preset, "mapping": mapping}

    def fail(message: str, status: int = 400) -> Response:
        ctx = _data_ctx(request, ws, 1)
        return workspace_page(
            request,
            access,
            "data.html",
            "data",
            status=status,
            error=message,
            done=None,
            form=form,
            **ctx,
        )

    if file is None or not file.filename:
        return fail(t("data.no_file", lang))
    try:
        mapped = parse_mapping(mapping)
    except SocialopsError:
        return fail(t("data.bad_mapping", lang))
    try:
        out = actions.upload(actor, ws, file.filename, file.file, preset=preset, mapping=mapped)
    except EnrichAfterImportError as exc:
        cause = exc.__cause__
        if isinstance(cause, SocialopsError):  # the enrichment's own error, in the user's words
            return fail(error_text(cause, lang, "data.enrich_failed"), 409)
        return fail(t("data.enrich_failed", lang, detail=exc.message), 409)
    except SocialopsError as exc:
        return fail(error_text(exc, lang, "data.failed"), exc.http_status)
    query = urlencode({"imported": out["import_id"], "enriched": out["enriched"]})
    return RedirectResponse(f"/w/{ws}/data?{query}", status_code=303)
