"""PDF: the plan document laid out for print (fpdf2, with a Korean font embedded)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from socialops.plan.formats import ExportFormat, register

if TYPE_CHECKING:
    from socialops.domain.plan import Plan
    from socialops.store.workspace import Workspace


def render(ws: Workspace | None, plan: Plan, lang: str, today: date | None) -> bytes:
    # imported on first use: the CLI reads the registry at start-up (fpdf2 and the document
    # take about 1 s to import)
    from socialops.plan.document import plan_document
    from socialops.plan.export_pdf import render_pdf

    return render_pdf(plan_document(ws, plan, lang, today))


FORMAT = register(
    ExportFormat(
        name="pdf",
        media_type="application/pdf",
        extension="pdf",
        label_key="plans.export.pdf",
        render=render,
        order=20,
    )
)
