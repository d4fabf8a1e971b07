"""JSON: the plan document as data — ``plan.to_dict()`` with its actuals and calendar warnings
(as ``socialops plan show --json``)."""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING

from socialops.plan.formats import ExportFormat, register

if TYPE_CHECKING:
    from socialops.domain.plan import Plan
    from socialops.store.workspace import Workspace


def render(ws: Workspace | None, plan: Plan, lang: str, today: date | None) -> bytes:
    # imported on first use: the CLI reads the registry at start-up (the summary pulls in the
    # measurer and the recommendation)
    from socialops.domain.channels import load_channels
    from socialops.plan.calendar import calendar_warnings
    from socialops.plan.service import plan_summary

    if ws is not None:
        body = plan_summary(ws, plan, today=today)
    else:
        body = plan.to_dict()
        body["actuals"] = None
        body["warnings"] = [
            {
                "kind": w.kind,
                "item_id": w.item_id,
                "day": w.day.isoformat() if w.day else None,
                "ko": w.ko,
                "en": w.en,
            }
            for w in calendar_warnings(plan, load_channels(None))
        ]
    return (json.dumps(body, ensure_ascii=False, indent=2, default=str) + "\n").encode("utf-8")


FORMAT = register(
    ExportFormat(
        name="json",
        media_type="application/json",
        extension="json",
        label_key="plans.export.json",
        render=render,
        order=50,
    )
)
