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
from socialops.sources.preview import DELIMITER_NAMES, MAPPABLE_FIELDS
from socialops.web.actions import data as actions
from socialops.web.actions.data import EnrichAfterImportError
from socialops.web.auth import WebError, lang_of, services_of
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
        delimiter = imp.get("delimiter")
        imp["delimiter_name"] = DELIMITER_NAMES.get(delimiter, delimiter) if delimiter else "none"
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
        "preview": None,
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
    done = done_how = None
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
            done_how = t(
                "data.detected_done",
                lang_of(request),
                name=row["file_name"],
                encoding=row.get("encoding") or row.get("format") or "",
                delimiter=t("delimiter." + row["delimiter_name"], lang_of(request)),
            )
    form = {"preset": "generic", "mapping": ""}
    return workspace_page(
        request,
        access,
        "data.html",
        "data",
        done=done,
        done_how=done_how,
        error=None,
        form=form,
        **ctx,
    )


@router.post("/w/{ws}/data/upload", response_class=HTMLResponse)
def upload(
    request: Request,
    ws: Slug,
    file: Annotated[UploadFile | None, File()] = None,
    preset: Annotated[str, Form(max_length=64)] = "generic",
    mapping: Annotated[str, Form(max_length=20000)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
    staged: Annotated[str, Form(max_length=200)] = "",
    map_field: Annotated[list[str] | None, Form(max_length=40)] = None,
    map_column: Annotated[list[str] | None, Form(max_length=500)] = None,
) -> Response:
    """Import an uploaded file (as ``POST /api/v1/workspaces/{ws}/imports`` does), enrich it,
    and show the counts; or, with ``staged``, the file the preview kept, read with the mapping
    form's choices (``map_field``/``map_column`` pairs; an empty column: as the preset reads
    it) on top of the mapping JSON."""
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

    if not staged and (file is None or not file.filename):
        return fail(t("data.no_file", lang))
    try:
        mapped = parse_mapping(mapping)
    except SocialopsError:
        return fail(t("data.bad_mapping", lang))
    chosen = {
        f: c
        for f, c in zip(map_field or [], map_column or [], strict=False)
        if f in MAPPABLE_FIELDS and c
    }
    if chosen:
        mapped = {**(mapped or {}), **chosen}
    try:
        if staged:
            out = actions.import_staged(actor, ws, staged, preset=preset, mapping=mapped)
        else:
            assert file is not None and file.filename
            out = actions.upload(actor, ws, file.filename, file.file, preset=preset, mapping=mapped)
    except WebError as exc:
        return fail(exc.message(lang), exc.status)
    except EnrichAfterImportError as exc:
        cause = exc.__cause__
        if isinstance(cause, SocialopsError):  # the enrichment's own error, in the user's words
            return fail(error_text(cause, lang, "data.enrich_failed"), 409)
        return fail(t("data.enrich_failed", lang, detail=exc.message), 409)
    except SocialopsError as exc:
        return fail(error_text(exc, lang, "data.failed"), exc.http_status)
    query = urlencode({"imported": out["import_id"], "enriched": out["enriched"]})
    return RedirectResponse(f"/w/{ws}/data?{query}", status_code=303)


@router.post("/w/{ws}/data/preview", response_class=HTMLResponse)
def preview(
    request: Request,
    ws: Slug,
    file: Annotated[UploadFile | None, File()] = None,
    preset: Annotated[str, Form(max_length=64)] = "generic",
    mapping: Annotated[str, Form(max_length=20000)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Keep an uploaded file for a moment and show what was detected in it (encoding,
    delimiter, columns, the first rows) with a column-mapping form built from its columns;
    that form imports the kept file (``POST /w/{ws}/data/upload`` with ``staged``)."""
    actor = form_actor(request, csrf)
    access = actor.access(ws, "data.import")
    lang = lang_of(request)
    form = {"preset": preset, "mapping": mapping}
    ctx = _data_ctx(request, ws, 1)
    error = None
    try:
        if file is None or not file.filename:
            raise WebError(400, "no_file")
        mapped = parse_mapping(mapping)
        ctx["preview"] = actions.stage_upload(
            actor, ws, file.filename, file.file, preset=preset, mapping=mapped
        )
        problem = ctx["preview"].pop("problem")
        if problem is not None:
            error = error_text(problem, lang, "data.failed")
    except WebError as exc:
        error = t("data.no_file", lang) if exc.code == "no_file" else exc.message(lang)
    except SocialopsError as exc:
        error = error_text(exc, lang, "data.failed")
    return workspace_page(
        request,
        access,
        "data.html",
        "data",
        status=200 if ctx["preview"] is not None else 400,
        error=error,
        done=None,
        form=form,
        fields=MAPPABLE_FIELDS,
        **ctx,
    )
