"""A workspace's data: its imports, the quarantined rows and uploads
(``/api/v1/workspaces/{ws}/imports`` and ``…/quarantine``)."""

from __future__ import annotations

from pathlib import PurePath
from typing import Annotated, Any

from fastapi import File, Form, Query, Request, UploadFile

from socialops.errors import SocialopsError
from socialops.listen.ingest import list_imports, list_quarantine
from socialops.store.sample_progress import read_progress
from socialops.web.actions import data as actions
from socialops.web.actions.data import EnrichAfterImportError
from socialops.web.api.common import ERRORS, Page, PageNo, Slug, caller, router
from socialops.web.auth import WebError, lang_of, require
from socialops.web.auth import services_of as _services
from socialops.web.explorer import paged
from socialops.web.uploads import parse_mapping, upload_name

__all__: list[str] = []  # the routes are on socialops.web.api.common.router


@router.get(
    "/workspaces/{ws}/imports", response_model=list[dict[str, Any]], responses=ERRORS, tags=["data"]
)
def imports(request: Request, ws: Slug) -> list[dict[str, Any]]:
    require(request, ws, "view")
    rows = list_imports(_services(request).workspace(ws))
    for r in rows:  # the file's name, not where it lay on the server
        r["source_path"] = upload_name(PurePath(str(r.get("source_path") or "")).name)
    return rows


@router.get(
    "/workspaces/{ws}/sample-data",
    response_model=dict[str, Any] | None,
    responses=ERRORS,
    tags=["data"],
)
def sample_data(request: Request, ws: Slug) -> dict[str, Any] | None:
    """The sample data being prepared at first start: its stages, the one running, how far
    it has come and whether the workspace is usable yet (``null``: none here)."""
    require(request, ws, "view")
    progress = read_progress(_services(request).workspace(ws).root)
    return None if progress is None else progress.to_dict()


@router.get("/workspaces/{ws}/quarantine", response_model=Page, responses=ERRORS, tags=["data"])
def quarantine(
    request: Request,
    ws: Slug,
    page: PageNo = 1,
    per_page: Annotated[int, Query(ge=1, le=100)] = 20,
) -> dict[str, Any]:
    require(request, ws, "view")
    # reason and detail as recorded (codes, English), reason_text and detail_text for a person
    rows = list_quarantine(_services(request).workspace(ws), limit=None, lang=lang_of(request))
    for r in rows:  # the file's name, not where it lay on the server
        r["file"] = upload_name(PurePath(str(r.get("file") or "")).name)
    start = (page - 1) * per_page
    return paged(rows[start : start + per_page], len(rows), page, per_page)


@router.post("/workspaces/{ws}/imports/preview", responses=ERRORS, tags=["data"])
def preview(
    request: Request,
    ws: Slug,
    file: Annotated[UploadFile, File(description="CSV, TSV, XLSX, JSONL or Parquet")],
    preset: Annotated[str, Form(max_length=64)] = "generic",
    mapping: Annotated[str | None, Form(max_length=20000, description="mapping JSON")] = None,
) -> dict[str, Any]:
    """What importing the file would read, nothing imported or kept: its detected ``format``,
    ``encoding`` and ``delimiter``, its ``columns``, the first ``rows``, ``fields`` (post field
    → the column the preset, with ``mapping``, reads it from) and ``problem`` (what importing it
    so would meet, in words; ``null`` when the columns fit). Import it with
    ``POST …/imports`` and a ``mapping`` JSON such as ``{"text": "내용"}``."""
    actor = caller(request)
    actor.access(ws, "data.import")
    mapped = parse_mapping(mapping)
    seen = actions.preview_upload(
        actor, ws, file.filename or "upload", file.file, preset=preset, mapping=mapped
    )
    problem = seen.pop("problem")
    seen["problem"] = None if problem is None else problem.text(lang_of(request))
    return seen


@router.post("/workspaces/{ws}/imports", status_code=201, responses=ERRORS, tags=["data"])
def upload(
    request: Request,
    ws: Slug,
    file: Annotated[UploadFile, File(description="CSV, TSV, XLSX, JSONL or Parquet")],
    preset: Annotated[str, Form(max_length=64)] = "generic",
    mapping: Annotated[str | None, Form(max_length=20000, description="mapping JSON")] = None,
) -> dict[str, Any]:
    """Import an uploaded file with a preset (and optional column mapping); its posts are
    enriched right after (``enriched`` says how many)."""
    actor = caller(request)
    actor.access(ws, "data.import")  # not allowed (403) before a bad mapping (400)
    mapped = parse_mapping(mapping)
    try:
        return actions.upload(
            actor, ws, file.filename or "upload", file.file, preset=preset, mapping=mapped
        )
    except EnrichAfterImportError as exc:
        cause = exc.__cause__
        if isinstance(cause, SocialopsError):  # the enrichment's own error, in the user's words
            raise WebError(409, "bad_request", detail=cause.text(lang_of(request))) from None
        raise WebError(409, "bad_request", detail=exc.message) from None
