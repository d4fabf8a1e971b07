"""XLSX: the plan document as a workbook (one sheet per section, numbers as numbers)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from socialops.plan.formats import ExportFormat, register

if TYPE_CHECKING:
    from socialops.domain.plan import Plan
    from socialops.store.workspace import Workspace


def render(ws: Workspace | None, plan: Plan, lang: str, today: date | None) -> bytes:
    # imported on first use: the CLI reads the registry at start-up (openpyxl and the
    # document take about 0.5 s to import)
    from socialops.plan.document import plan_document
    from socialops.plan.export_xlsx import render_xlsx

    return render_xlsx(plan_document(ws, plan, lang, today))


FORMAT = register(
    ExportFormat(
        name="xlsx",
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        extension="xlsx",
        label_key="plans.export.xlsx",
        render=render,
        order=40,
    )
)
