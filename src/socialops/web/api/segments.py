"""Segments over the API (issue 17): saved segments (list, show, delete), RFM segments from
transactions, response by attribute, the targeting model (train, score, save the high scorers),
audience files for ad platforms and the record of every export.

A segment's name may hold one ``/`` (``cdnow/champions``: the segments ``segment rfm --save``
makes): ``…/segments/cdnow/champions``. Another
workspace's segment, like one that does not exist, is 404. Reading needs ``measure.view``;
building, saving and deleting ``segments.manage``; an audience file ``audience.export`` (owners
and managers: it is made from personal data; the file holds only hashes, and the export is
recorded with who made it). Analyses answer JSON (plus ``text``: the caveats in the caller's
language) or, with ``format=csv|xlsx``, their table as a file."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any, Literal

from fastapi import File, Form, Path, Query, Request, UploadFile
from fastapi.responses import Response

from socialops.web.actions import segments as actions
from socialops.web.api.common import ERRORS, Done, Slug, caller, router
from socialops.web.api.measure import FILE_ERRORS, Format, answer
from socialops.web.auth import lang_of

__all__ = ["audience_response"]

TAGS: list[str | Enum] = ["segments"]
Name = Annotated[str, Path(min_length=1, max_length=150, description="e.g. champions")]
Group = Annotated[str, Path(min_length=1, max_length=100, description="e.g. cdnow")]
ModelName = Annotated[str, Path(min_length=1, max_length=100, pattern=r"^[^/]+$")]
TableNo = Annotated[int, Query(ge=0, le=9)]
Upload = Annotated[UploadFile, File(description="CSV, TSV, XLSX, JSONL or Parquet")]
AudienceFormat = Literal["meta", "google", "kakao-moment", "naver-gfa"]


@router.get("/workspaces/{ws}/segments", responses=ERRORS, tags=TAGS)
def segment_list(request: Request, ws: Slug) -> list[dict[str, Any]]:
    """Every saved segment: ``name``, ``kind`` (rfm, attribute, scores, manual), ``size``,
    ``definition``, who made it and when."""
    return actions.segments(caller(request), ws)


@router.post(
    "/workspaces/{ws}/segments/rfm", response_class=Response, responses=FILE_ERRORS, tags=TAGS
)
def rfm(
    request: Request,
    ws: Slug,
    file: Annotated[
        UploadFile | None, File(description="transactions; none: the imported ones")
    ] = None,
    preset: Annotated[str, Form(max_length=64, description="e.g. cdnow")] = "",
    save: Annotated[
        str, Form(max_length=150, description="save each segment as SAVE/<segment>")
    ] = "",
    format: Format = "json",
    table: TableNo = 0,
) -> Response:
    """RFM scores and named segments (champions, loyal, at_risk, hibernating…; names in Korean
    and English) from a transactions file (customer, date, amount), or from the transactions
    imported into the workspace when no file is sent; ``save`` keeps each segment (the CLI's
    ``segment rfm FILE --preset NAME --save PREFIX``). The CSV's second table (``table=1``)
    lists every customer's scores."""
    actor, lang = caller(request), lang_of(request)
    if file is None:
        result = actions.rfm_stored(actor, ws, lang, save=save)
    else:
        result = actions.rfm_upload(
            actor, ws, lang, file.filename, file.file, preset=preset or None, save=save
        )
    return answer(request, result, format, table)


@router.post(
    "/workspaces/{ws}/segments/attributes",
    response_class=Response,
    responses=FILE_ERRORS,
    tags=TAGS,
)
def attributes(
    request: Request,
    ws: Slug,
    file: Upload,
    target: Annotated[str, Form(min_length=1, max_length=200)],
    positive: Annotated[str, Form(max_length=200)] = "",
    columns: Annotated[str, Form(max_length=4000, description="comma-separated")] = "",
    format: Format = "json",
    table: TableNo = 0,
) -> Response:
    """The response rate and lift (with its interval) of each attribute band or value of a
    customer table (age band, job, region, balance…)."""
    result = actions.attributes_upload(
        caller(request),
        ws,
        lang_of(request),
        file.filename,
        file.file,
        target=target,
        positive=positive or None,
        columns=columns,
    )
    return answer(request, result, format, table)


@router.get("/workspaces/{ws}/segments/models", responses=ERRORS, tags=TAGS)
def model_list(request: Request, ws: Slug) -> list[dict[str, Any]]:
    """The targeting models trained in the workspace (name, target, held-out AUC, rows)."""
    return actions.models(caller(request), ws)


@router.post(
    "/workspaces/{ws}/segments/models", response_class=Response, responses=FILE_ERRORS, tags=TAGS
)
def train(
    request: Request,
    ws: Slug,
    file: Upload,
    target: Annotated[str, Form(min_length=1, max_length=200)],
    positive: Annotated[str, Form(max_length=200)] = "",
    name: Annotated[str, Form(max_length=100)] = "",
    format: Format = "json",
) -> Response:
    """Train a propensity model on a customer table with responses (the CLI's ``segment model
    FILE --target COL``): its ``name``, held-out ``auc``, ``top_attributes``, calibration."""
    result = actions.train_upload(
        caller(request),
        ws,
        lang_of(request),
        file.filename,
        file.file,
        target=target,
        positive=positive or None,
        name=name or None,
    )
    return answer(request, result, format)


@router.post(
    "/workspaces/{ws}/segments/models/{name}/score",
    response_class=Response,
    responses=FILE_ERRORS,
    tags=TAGS,
)
def score(
    request: Request,
    ws: Slug,
    name: ModelName,
    file: Upload,
    save_as: Annotated[str, Form(max_length=150, description="save the high scorers")] = "",
    min_score: Annotated[float, Form(ge=0, le=1)] = 0.5,
    id_col: Annotated[str, Form(max_length=200)] = "customer_id",
    format: Literal["json", "csv", "xlsx"] = "csv",
) -> Response:
    """Score a customer file with the model ``name``: the file's columns plus ``score`` (a
    calibrated probability; CSV by default, as ``segment score --out``); with ``save_as``, those
    scoring at least ``min_score`` are saved as that segment (``segment save --from-scores``)."""
    result = actions.score_upload(
        caller(request),
        ws,
        lang_of(request),
        file.filename,
        file.file,
        model=name,
        save_as=save_as,
        min_score=min_score,
        id_col=id_col,
    )
    return answer(request, result, format)


@router.get("/workspaces/{ws}/audience/exports", responses=ERRORS, tags=TAGS)
def export_list(request: Request, ws: Slug) -> list[dict[str, Any]]:
    """Every audience export: segment, format, rows, rows left out by reason, the file's
    SHA-256, who exported it and when (never the identifiers)."""
    return actions.exports(caller(request), ws)


AUDIENCE_DOC = {
    **ERRORS,
    200: {"description": "the audience file", "content": {"text/csv": {}, "text/plain": {}}},
}
Country = Annotated[str, Query(pattern=r"^[A-Z]{2}$", description="phones' country")]


def _audience(request: Request, ws: str, name: str, fmt: str, country: str) -> Response:
    data, file_name, record = actions.export(caller(request), ws, name, fmt, country=country)
    return audience_response(data, file_name, record)


@router.post(
    "/workspaces/{ws}/segments/{name}/audience",
    response_class=Response,
    responses=AUDIENCE_DOC,
    tags=TAGS,
)
def audience(
    request: Request, ws: Slug, name: Name, format: AudienceFormat, country: Country = "KR"
) -> Response:
    """The segment as an audience file for ``format`` (Meta Custom Audiences, Google Customer
    Match, Kakao Moment, Naver GFA): identifiers normalised and SHA-256 hashed as the platform
    says (phones with ``country``'s code), the raw values never. The export is recorded
    (``GET …/audience/exports``); ``X-Audience-Rows`` and ``X-Audience-Sha256`` say what went
    out."""
    return _audience(request, ws, name, format, country)


@router.post(
    "/workspaces/{ws}/segments/{group}/{name}/audience",
    response_class=Response,
    responses=AUDIENCE_DOC,
    tags=TAGS,
)
def group_audience(
    request: Request,
    ws: Slug,
    group: Group,
    name: Name,
    format: AudienceFormat,
    country: Country = "KR",
) -> Response:
    """The audience file of the segment ``group/name`` (an RFM segment saved with a prefix)."""
    return _audience(request, ws, f"{group}/{name}", format, country)


def audience_response(data: bytes, file_name: str, record: dict[str, Any]) -> Response:
    """An audience file as a download; ``X-Audience-Rows`` and ``X-Audience-Sha256`` say what
    went out (the export's record)."""
    media = "text/plain; charset=utf-8" if file_name.endswith(".txt") else "text/csv; charset=utf-8"
    return Response(
        data,
        media_type=media,
        headers={
            "Content-Disposition": f'attachment; filename="{_ascii(file_name)}"',
            "X-Audience-Rows": str(record.get("rows", "")),
            "X-Audience-Sha256": str(record.get("sha256", "")),
        },
    )


def _ascii(name: str) -> str:
    return "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in name)


def _show(request: Request, ws: str, name: str, limit: int) -> dict[str, Any]:
    info, members = actions.segment(caller(request), ws, name, limit)
    return {**info, "members": members}


Limit = Annotated[int, Query(ge=0, le=1000, description="members listed")]


@router.get("/workspaces/{ws}/segments/{name}", responses=ERRORS, tags=TAGS)
def segment_show(request: Request, ws: Slug, name: Name, limit: Limit = 50) -> dict[str, Any]:
    """A segment and its first ``limit`` members (customer id, score, attributes; never the
    identifiers)."""
    return _show(request, ws, name, limit)


@router.get("/workspaces/{ws}/segments/{group}/{name}", responses=ERRORS, tags=TAGS)
def group_segment_show(
    request: Request, ws: Slug, group: Group, name: Name, limit: Limit = 50
) -> dict[str, Any]:
    """The segment ``group/name`` (an RFM segment saved with a prefix) and its first
    members."""
    return _show(request, ws, f"{group}/{name}", limit)


@router.delete("/workspaces/{ws}/segments/{name}", responses=ERRORS, tags=TAGS)
def segment_delete(request: Request, ws: Slug, name: Name) -> Done:
    """Delete a segment and its members."""
    actions.delete(caller(request), ws, name)
    return Done()


@router.delete("/workspaces/{ws}/segments/{group}/{name}", responses=ERRORS, tags=TAGS)
def group_segment_delete(request: Request, ws: Slug, group: Group, name: Name) -> Done:
    """Delete the segment ``group/name`` and its members."""
    actions.delete(caller(request), ws, f"{group}/{name}")
    return Done()
