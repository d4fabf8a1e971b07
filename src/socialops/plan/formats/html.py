"""HTML: the plan document as one self-contained page (no scripts, no outside assets)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from socialops.plan.formats import ExportFormat, register

if TYPE_CHECKING:
    from socialops.domain.plan import Plan
    from socialops.store.workspace import Workspace


def render(ws: Workspace | None, plan: Plan, lang: str, today: date | None) -> bytes:
    # imported on first use: the CLI reads the registry at start-up (the document pulls in
    # the calendar, the measurer and the recommendation: about 0.3 s)
    from socialops.plan.document import plan_document
    from socialops.plan.export_html import render_html

    return render_html(plan_document(ws, plan, lang, today)).encode("utf-8")


FORMAT = register(
    ExportFormat(
        name="html",
        media_type="text/html; charset=utf-8",
        extension="html",
        label_key="plans.export.html",
        render=render,
        order=10,
    )
)
