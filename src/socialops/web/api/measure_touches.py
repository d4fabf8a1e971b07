"""Attribution from a touches file over the API (issue 17 item 4):
``POST /api/v1/workspaces/{ws}/measure/attribution/touches`` (multipart: ``file`` and ``model``
``last`` | ``position``). The JSON is the CLI's touches keys (``model``, ``conversions``,
``value``, ``unattributed``, ``by_channel``, ``by_campaign``; ``last_touch`` beside a
position-based answer) plus ``text``; ``format=csv|xlsx`` answers the tables. The file is at most
50 MB (413); one that does not read is 400; needs ``measure.run``."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import File, Form, Query, Request, UploadFile
from fastapi.responses import Response

from socialops.web.actions import measure_touches as actions
from socialops.web.api.common import Slug, caller, router
from socialops.web.api.measure import FILE_ERRORS, TAGS, Format, answer
from socialops.web.auth import lang_of

__all__: list[str] = []


@router.post(
    "/workspaces/{ws}/measure/attribution/touches",
    response_class=Response,
    responses=FILE_ERRORS,
    tags=TAGS,
)
def attribution_touches(
    request: Request,
    ws: Slug,
    file: Annotated[
        UploadFile,
        File(description="one row per touch or conversion: customer, time, channel, event/value"),
    ],
    model: Annotated[Literal["last", "position"], Form()] = "position",
    format: Format = "json",
    table: Annotated[int, Query(ge=0, le=9)] = 0,
) -> Response:
    """Each customer's conversions credited to their touches in the 30 days before (after
    their previous conversion): ``last`` all to the last touch, ``position`` 40 % first, 40 %
    last, 20 % shared between; per channel and per (channel, campaign), with last touch's
    figures beside the position-based ones (the CLI's ``measure attribution --touches FILE
    --model``)."""
    result = actions.touches_upload(
        caller(request), ws, lang_of(request), file.filename, file.file, model=model
    )
    return answer(request, result, format, table)
