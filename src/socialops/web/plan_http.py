"""What the plan API and the plan pages share: the HTTP status of a refused plan operation and
its handler, plain JSON values, the export download (one response per registered format), the
recommendation and calendar as rows, and the metrics upload.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, BinaryIO, Literal
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import Response

from socialops.domain.channels import load_channels
from socialops.domain.plan import Plan
from socialops.measure.metrics import MetricsImport
from socialops.measure.metrics import import_metrics as run_import
from socialops.plan.calendar import calendar_warnings, occurrences, special_days
from socialops.plan.export import export_plan
from socialops.plan.formats import format_names, formats, get_format
from socialops.plan.messages import PlanError
from socialops.plan.recommend import recommend, workspace_signals
from socialops.store.workspace import Workspace
from socialops.web.auth import WebError, lang_of
from socialops.web.responses import error_response
from socialops.web.uploads import save_upload

__all__ = [
    "EXPORT_TYPES",
    "PLAN_ID_PATTERN",
    "UPLOAD_LIMIT",
    "ExportName",
    "calendar_data",
    "disposition",
    "export_response",
    "install_errors",
    "plain",
    "plan_error_status",
    "recommendation_of",
    "run_metrics_import",
]

PLAN_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"
UPLOAD_LIMIT = 50 * 2**20
# the registered export formats: the API's ?format= choices and the page's downloads
EXPORT_TYPES: dict[str, str] = {f.name: f.media_type for f in formats()}
if TYPE_CHECKING:
    ExportName = str
else:  # the registered names as a Literal: the OpenAPI enum of ?format= (422 for another name)
    ExportName = Literal[format_names()]


def plan_error_status(exc: PlanError) -> int:
    """The HTTP status of a refused plan operation: 404 unknown plan, 409 stale version or a
    state that does not allow it, 403 not the approver, else 400 (the error's own status)."""
    return exc.http_status


def install_errors(app: FastAPI) -> None:
    """Answer a :class:`PlanError` with its status, its code and its sentence in the caller's
    language (the API's error shape, or the error page); and say in the OpenAPI schema that a
    calendar item's ``start`` is a local wall time (no offset: its zone is the item's
    ``timezone``), not an RFC 3339 instant."""
    make_schema = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = make_schema()
        for name, model in schema.get("components", {}).get("schemas", {}).items():
            if name.startswith("CalendarItem") and "start" in model.get("properties", {}):
                model["properties"]["start"] = {
                    "type": "string",
                    "title": "Start",
                    "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$",
                    "description": "local wall time in the item's timezone (YYYY-MM-DDTHH:MM)",
                }
        return schema

    app.openapi = openapi  # type: ignore[method-assign]

    @app.exception_handler(PlanError)
    async def _plan_error(request: Request, exc: PlanError) -> Response:
        return error_response(request, plan_error_status(exc), exc.code, exc.text(lang_of(request)))


def plain(obj: Any) -> Any:
    """Dataclasses, dates and tuples as JSON values."""
    if is_dataclass(obj) and not isinstance(obj, type):
        return plain(asdict(obj))
    if isinstance(obj, dict):
        return {str(k): plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple | set | frozenset):
        return [plain(v) for v in obj]
    if isinstance(obj, datetime):
        return obj.isoformat(timespec="minutes")
    if isinstance(obj, date):
        return obj.isoformat()
    return obj


def disposition(name: str, plan_id: str, extension: str) -> str:
    """``attachment`` with an ASCII file name and the plan's own name as UTF-8 ``filename*``."""
    readable = re.sub(r'[\x00-\x1f\x7f/\\:*?"<>|]+', "_", name).strip(" ._")[:100] or plan_id
    ascii_name = f"plan-{plan_id}.{extension}"
    ext = quote(extension)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(readable)}.{ext}"


def export_response(ws: Any, plan: Plan, fmt: str, lang: str) -> Response:
    """The plan exported as ``fmt`` (a registered format) in ``lang``, as a download that is
    never cached; an unknown format is :class:`PlanError` ``plan.export_format``."""
    found = get_format(str(fmt))
    data = export_plan(ws, plan, found.name, lang)
    return Response(
        data,
        media_type=found.media_type,
        headers={
            "Content-Disposition": disposition(plan.name, plan.plan_id, found.extension),
            "Cache-Control": "no-store",
        },
    )


def recommendation_of(ws: Any, plan: Plan) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """The channel-mix recommendation for ``plan`` as plain rows, best first, and the notes on
    the workspace signals it used or could not use (``{"ko", "en"}``)."""
    known = load_channels(ws)
    chosen = set(plan.channel_keys())
    signals = workspace_signals(ws, plan, known)
    rows = []
    for r in recommend(plan, known, signals):
        channel = known[r.channel]
        rows.append(
            {
                "channel": r.channel,
                "name_ko": channel.name_ko,
                "name_en": channel.name_en,
                "score": float(r.score),
                "breakdown": {str(k): float(v) for k, v in r.breakdown.items()},
                "weights": {str(k): float(v) for k, v in r.weights.items()},
                "reasons": [{"ko": x["ko"], "en": x["en"]} for x in r.reasons],
                "chosen": r.channel in chosen,
            }
        )
    notes = [{"ko": n["ko"], "en": n["en"]} for n in signals.notes]
    return rows, notes


def calendar_data(ws: Any, plan: Plan) -> dict[str, Any]:
    """The plan's calendar: every occurrence (recurring items expanded), warnings, special
    days of the period."""
    occ = [{**o.to_dict(), "link": o.item.link} for o in occurrences(plan)]
    return {
        "start": plan.start.isoformat(),
        "end": plan.end.isoformat(),
        "timezone": plan.timezone,
        "occurrences": occ,
        "warnings": [w.to_dict() for w in calendar_warnings(plan, load_channels(ws))],
        "special_days": [d.to_dict() for d in special_days(plan.start, plan.end)],
    }


def run_metrics_import(
    target: Workspace, filename: str, stream: BinaryIO, preset: str, options: dict[str, Any]
) -> MetricsImport:
    """Save an uploaded metrics file (at most :data:`UPLOAD_LIMIT`), import it with ``preset``
    and ``options`` (empty values dropped), remove the file; :class:`WebError` 413 when too big,
    :class:`PlanError` when refused (nothing stored then)."""

    def chunks() -> Any:
        while block := stream.read(1 << 20):
            yield block

    try:
        path = save_upload(target.root / "uploads", filename, chunks(), UPLOAD_LIMIT)
    except ValueError:
        raise WebError(413, "too_large", limit=UPLOAD_LIMIT // 2**20) from None
    given = {k: v for k, v in options.items() if v not in (None, "")}
    try:
        return run_import(target, path, preset, file_name=filename, **given)
    finally:
        with contextlib.suppress(OSError):
            path.unlink()
