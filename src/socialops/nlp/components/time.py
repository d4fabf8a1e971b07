"""``time``: the local day, hour and month (``YYYY-MM``, ``undated`` without a date) of
``created_at`` in the workspace's zone."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from socialops.nlp.registry import REGISTRY, Component, Work

__all__ = ["COMPONENT", "VERSION"]

VERSION = "2"


def run(work: Work) -> dict[str, Any]:
    local = pc.local_timestamp(work.arrow("created_at").cast(pa.timestamp("us", tz=work.tz)))
    return {
        "day": local.cast(pa.date32()),
        "hour": pc.hour(local).cast(pa.int8()),
        "month": pc.fill_null(pc.strftime(local, format="%Y-%m"), "undated"),
    }


COMPONENT = REGISTRY.add(
    Component("time", VERSION, requires=("created_at",), assigns=("day", "hour", "month"), run=run)
)
