"""Measure over the API (issue 17): the stored outcome series, the campaign effect (stored
outcomes as JSON, or an uploaded file), promotion and creative tests, the sample-size planner,
attribution with ROI against a plan's budget, and the channel mix.

Every analysis answers its JSON as the CLI's ``--json`` (the same keys: ``lift_abs``,
``lift_rel``, ``ci_low``, ``ci_high``, ``p_effect`` for the effect; ``groups`` and
``comparisons`` for a test…) plus ``text`` (the verdict and caveats in the caller's language);
``format=csv|xlsx`` answers its table as a file, ``format=svg`` its chart. Errors have the one
shape; an uploaded file is at most 50 MB (413), one that does not read is 400, numbers that
cannot support an estimate 422. Reading needs ``measure.view``, running ``measure.run``."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Annotated, Any, Literal

from fastapi import File, Form, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile as StarletteUpload

from socialops.web.actions import measure as actions
from socialops.web.actions.measure_io import XLSX, Analysis, day_of, required_day
from socialops.web.actions.measure_plan import plan_budget
from socialops.web.api.common import ERRORS, Day, Slug, caller, router
from socialops.web.auth import WebError, lang_of

__all__ = ["EffectIn", "PowerIn", "answer"]

TAGS: list[str | Enum] = ["measure"]
Format = Literal["json", "csv", "xlsx", "svg"]
FILE_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    200: {
        "description": "the analysis: JSON, its table as CSV or XLSX, or its chart as SVG",
        "content": {"application/json": {}, "text/csv": {}, XLSX: {}, "image/svg+xml": {}},
    },
    501: {"description": "this analysis is not installed on this server"},
}
Col = Annotated[str, Form(min_length=1, max_length=200)]
Cols = Annotated[str, Form(max_length=4000, description="column names, comma-separated")]


def answer(request: Request, analysis: Analysis, fmt: str, table: int = 0) -> Response:
    """An analysis as ``fmt``: JSON (its keys, plus ``text``), a table file, or the chart."""
    lang = lang_of(request)
    if fmt == "csv":
        return _file(
            analysis.csv(lang, min(table, max(len(analysis.tables) - 1, 0))), "csv", analysis
        )
    if fmt == "xlsx":
        return _file(analysis.xlsx(lang), "xlsx", analysis)
    if fmt == "svg":
        if not analysis.svg:  # this analysis draws no chart
            raise WebError(404, "not_found")
        return Response(analysis.svg, media_type="image/svg+xml")
    words = {"verdict": analysis.verdict, "caveats": analysis.caveats}
    return JSONResponse({**analysis.data, "text": words}, headers={"Cache-Control": "no-store"})


def _file(data: bytes, ext: str, analysis: Analysis) -> Response:
    media = "text/csv; charset=utf-8" if ext == "csv" else XLSX
    name = analysis.file_name(ext)
    return Response(
        data, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


# -- outcomes and the effect ---------------------------------------------------------------------
@router.get("/workspaces/{ws}/measure/outcomes", responses=ERRORS, tags=TAGS)
def outcomes(request: Request, ws: Slug) -> list[dict[str, Any]]:
    """The outcome series imported into the workspace: ``{metric, dimension, grain, first,
    last, days}`` each (``dimension`` ``''`` is the total; else ``region:서울`` and the like)."""
    return actions.outcomes(caller(request), ws)


class EffectIn(BaseModel):
    """The effect on a stored outcome series."""

    metric: str = Field(min_length=1, max_length=100, description="e.g. sales")
    start: date = Field(description="the campaign's first day")
    end: date = Field(description="the campaign's last day")
    dimension: str = Field("", max_length=200, description="'' the total, or e.g. region:서울")
    controls: list[Annotated[str, Field(max_length=200)]] = Field(
        default_factory=list, max_length=20, description="other dimensions as control series"
    )
    pre_start: date | None = Field(None, description="default: the series' first day")
    control_topics: list[Annotated[str, Field(max_length=200)]] = Field(
        default_factory=list,
        max_length=20,
        description="tracked topics whose daily mention volume is a control series",
    )


EFFECT_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": EffectIn.model_json_schema()},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file", "date_col", "value_col", "start", "end"],
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "date_col": {"type": "string"},
                        "value_col": {"type": "string"},
                        "control_cols": {"type": "string", "description": "comma-separated"},
                        "start": {"type": "string", "format": "date"},
                        "end": {"type": "string", "format": "date"},
                        "pre_start": {"type": "string", "format": "date"},
                    },
                }
            },
        },
    }
}


@router.post(
    "/workspaces/{ws}/measure/effect",
    response_class=Response,
    responses={**FILE_ERRORS, 200: {**FILE_ERRORS[200]}},
    tags=TAGS,
    openapi_extra=EFFECT_BODY,
)
async def effect(
    request: Request,
    ws: Slug,
    format: Format = "json",
    table: Annotated[int, Query(ge=0, le=9)] = 0,
) -> Response:
    """What the campaign did to a KPI against its counterfactual (what the pre-period and the
    control series say it would have been): pointwise, cumulative and relative lift with 95 %
    intervals, the probability of an effect, the pre-period fit, the verdict and its caveats.
    Send a JSON body (a stored outcome series, :class:`EffectIn`) or a file (multipart: the
    CLI's ``measure effect FILE --date-col --value-col [--control-col]…``)."""
    actor = caller(request)
    lang = lang_of(request)
    kind = request.headers.get("content-type", "")
    if kind.startswith("multipart/form-data"):
        actor.access(ws, "measure.run")
        form = await request.form(max_files=1, max_fields=20)
        try:
            upload = form.get("file")
            fields = {k: str(form.get(k) or "")[:4000] for k in (
                "date_col", "value_col", "control_cols", "start", "end", "pre_start")}  # fmt: skip
            result = await run_in_threadpool(
                actions.effect_upload,
                actor,
                ws,
                lang,
                upload.filename if isinstance(upload, StarletteUpload) else None,
                upload.file if isinstance(upload, StarletteUpload) else None,
                date_col=fields["date_col"],
                value_col=fields["value_col"],
                control_cols=fields["control_cols"],
                start=required_day(fields["start"], "start"),
                end=required_day(fields["end"], "end"),
                pre_start=day_of(fields["pre_start"], "pre_start"),
            )
        finally:
            await form.close()
    else:
        try:
            body = EffectIn.model_validate_json(await request.body() or b"{}")
        except ValidationError as exc:
            raise RequestValidationError(exc.errors()) from None
        result = await run_in_threadpool(
            actions.effect,
            actor,
            ws,
            lang,
            metric=body.metric,
            start=body.start,
            end=body.end,
            dimension=body.dimension,
            controls=body.controls,
            pre_start=body.pre_start,
            control_topics=body.control_topics,
        )
    return answer(request, result, format, table)


# -- tests and power -----------------------------------------------------------------------------
@router.post(
    "/workspaces/{ws}/measure/abtest", response_class=Response, responses=FILE_ERRORS, tags=TAGS
)
def abtest(
    request: Request,
    ws: Slug,
    file: Annotated[UploadFile, File(description="CSV, TSV, XLSX, JSONL or Parquet")],
    group_col: Col,
    metric_col: Col,
    kind: Annotated[Literal["", "mean", "rate"], Form()] = "",
    format: Format = "json",
    table: Annotated[int, Query(ge=0, le=9)] = 0,
) -> Response:
    """A promotion or creative test from a file with one row per user or order: each group's
    ``value`` (mean or rate) with its interval, Holm-adjusted pairwise ``comparisons`` (``diff``
    = value(a) − value(b)), the sample-ratio check, a warning when the test was peeked at, the
    verdict (the CLI's ``measure abtest FILE --group-col --metric-col [--kind]``)."""
    result = actions.abtest_upload(
        caller(request),
        ws,
        lang_of(request),
        file.filename,
        file.file,
        group_col=group_col,
        metric_col=metric_col,
        kind=kind or None,
    )
    return answer(request, result, format, table)


class PowerIn(BaseModel):
    """The planner's question; fields left out take the planner's defaults (95 % confidence,
    80 % power)."""

    baseline: float = Field(gt=0, le=1e12, description="the baseline rate (0–1) or mean")
    lift: float = Field(gt=0, le=100, description="the smallest relative lift worth finding")
    kind: Literal["rate", "mean"] = "rate"
    sd: float | None = Field(None, gt=0, le=1e12, description="the standard deviation (mean)")
    groups: int = Field(2, ge=2, le=20)
    daily: float | None = Field(None, gt=0, le=1e9, description="users per day (days needed)")
    alpha: float | None = Field(None, gt=0, lt=0.5)
    power: float | None = Field(None, gt=0.5, lt=1)


@router.post("/workspaces/{ws}/measure/power", responses={**ERRORS, 501: {}}, tags=TAGS)
def power(request: Request, ws: Slug, body: PowerIn) -> Response:
    """How many users per group (and days, given the daily traffic) a test needs to find a
    given relative lift."""
    result = actions.power(caller(request), ws, lang_of(request), **body.model_dump())
    return answer(request, result, "json")


# -- attribution and mix -------------------------------------------------------------------------
@router.get(
    "/workspaces/{ws}/measure/attribution",
    response_class=Response,
    responses=FILE_ERRORS,
    tags=TAGS,
)
def attribution(
    request: Request,
    ws: Slug,
    date_from: Annotated[Day, Query(alias="from")] = None,
    date_to: Annotated[Day, Query(alias="to")] = None,
    campaign: Annotated[str | None, Query(max_length=200)] = None,
    plan: Annotated[
        str | None, Query(max_length=80, description="compare with this plan's budget")
    ] = None,
    format: Format = "json",
    table: Annotated[int, Query(ge=0, le=9)] = 0,
) -> Response:
    """Conversions by UTM per channel and campaign (last touch: the UTM a conversion carried)
    and each channel's engagements; with ``plan``, ROAS, CPA and cost per engagement against
    the plan's budget lines (``roi``). Position-based credit needs each customer's touches:
    ``POST …/measure/attribution/touches``."""
    actor = caller(request)
    lines = plan_budget(actor, ws, plan)
    result = actions.attribution(
        actor,
        ws,
        lang_of(request),
        date_from=day_of(date_from, "from"),
        date_to=day_of(date_to, "to"),
        campaign=campaign,
        budget_lines=lines,
    )
    return answer(request, result, format, table)


@router.post(
    "/workspaces/{ws}/measure/mix", response_class=Response, responses=FILE_ERRORS, tags=TAGS
)
def mix(
    request: Request,
    ws: Slug,
    file: Annotated[UploadFile, File(description="weekly sales and spend per channel")],
    date_col: Col,
    value_col: Col,
    spend_cols: Cols,
    format: Format = "json",
    table: Annotated[int, Query(ge=0, le=9)] = 0,
) -> Response:
    """Each channel's contribution, share and ROI with 95 % intervals from weekly sales and
    spend (adstock and saturation fitted; the fit and what weekly data cannot say)."""
    result = actions.mix_upload(
        caller(request),
        ws,
        lang_of(request),
        file.filename,
        file.file,
        date_col=date_col,
        value_col=value_col,
        spend_cols=spend_cols,
    )
    return answer(request, result, format, table)
