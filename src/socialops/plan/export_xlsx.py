"""The plan as an XLSX workbook (openpyxl): plan, calendar, KPI, budget and policy sheets.

Sheet names and headings are in the document's language. Dates are Excel dates, times Excel
times and amounts numbers, so the sheets sort, filter and add up. Text from the plan is
untrusted: every text cell is stored as a string, and one that starts with ``=``, ``+``, ``-``,
``@``, tab or carriage return (a formula to a spreadsheet) is also marked with Excel's quote
prefix, so it shows and stays as text when it is edited (CSV/formula injection): the cells of
every CSV and XLSX file socialops writes go through :mod:`socialops.store.exportcells`. The
budget sheet's total is a ``SUM`` formula over the amount cells, next to the plan's total and a
check of the two.
"""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from socialops.store.exportcells import FORMULA_PREFIXES, put_xlsx, set_xlsx_text

__all__ = ["FORMULA_PREFIXES", "render_xlsx", "set_text"]

_HEAD_FONT = Font(bold=True, color="FFFFFF")
_HEAD_FILL = PatternFill("solid", fgColor="1A5FB4")
_TOTAL_FONT = Font(bold=True)
_TOTAL_FILL = PatternFill("solid", fgColor="E9EEF4")
_WRAP = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")
_STATUS_FILL = {
    "on_track": PatternFill("solid", fgColor="DAFBE1"),
    "ahead": PatternFill("solid", fgColor="DAFBE1"),
    "off_track": PatternFill("solid", fgColor="FFEBE9"),
}
_DATE = "yyyy-mm-dd"
_TIME = "hh:mm"
_KRW = "#,##0"
_SHARE = "0.0%"


def set_text(cell: Cell, value: str) -> None:
    """Store ``value`` as a string, never a formula, whatever it starts with."""
    set_xlsx_text(cell, value)


def _put(ws: Worksheet, row: int, col: int, value: Any, fmt: str | None = None) -> Cell:
    cell = put_xlsx(ws.cell(row=row, column=col), value)
    if fmt:
        cell.number_format = fmt
    return cell


def _sheet(
    wb: Workbook,
    title: str,
    headings: list[str],
    widths: list[int],
) -> Worksheet:
    ws = wb.create_sheet(title[:31])
    for col, (text, width) in enumerate(zip(headings, widths, strict=True), start=1):
        cell = _put(ws, 1, col, text)
        cell.font = _HEAD_FONT
        cell.fill = _HEAD_FILL
        cell.alignment = _WRAP
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "A2"
    return ws


def _rows(ws: Worksheet, rows: list[list[Any]], formats: dict[int, str], start: int = 2) -> int:
    """Write ``rows`` from row ``start``; returns the next free row."""
    r = start
    for values in rows:
        for col, value in enumerate(values, start=1):
            cell = _put(ws, r, col, value, formats.get(col))
            cell.alignment = _WRAP if isinstance(value, str) else _TOP
        r += 1
    return r


def render_xlsx(doc: dict[str, Any]) -> bytes:
    """The document of :func:`socialops.plan.export.plan_document` as XLSX bytes."""
    L: dict[str, str] = doc["L"]
    wb = Workbook()
    wb.remove(wb.active)
    _plan_sheet(wb, doc, L)
    _calendar_sheet(wb, doc, L)
    _kpi_sheet(wb, doc, L)
    _budget_sheet(wb, doc, L)
    _policy_sheet(wb, doc, L)
    wb.properties.title = doc["plan"]["name"][:200]
    wb.properties.creator = "socialops"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _plan_sheet(wb: Workbook, doc: dict[str, Any], L: dict[str, str]) -> None:
    p = doc["plan"]
    ws = _sheet(wb, L["sheet.plan"], [L["field.field"], L["field.value"]], [30, 90])
    rows: list[tuple[str, Any, str | None]] = [
        (L["field.plan_id"], p["plan_id"], None),
        (L["field.name"], p["name"], None),
        (L["field.start"], p["start"], _DATE),
        (L["field.end"], p["end"], _DATE),
        (L["field.days"], p["days"], None),
        (L["field.timezone"], p["timezone"], None),
        (L["field.state"], p["state_label"], None),
        (L["field.objectives"], ", ".join(o["label"] for o in doc["objectives"]), None),
        (L["field.budget_total"], p["budget_total"], _KRW),
        (L["field.template"], p["template"], None),
        (L["field.owner"], p["owner"], None),
        (L["field.approvers"], ", ".join(p["approvers"]), None),
        (L["field.approvals"], ", ".join(p["approvals"]), None),
        (L["field.topics"], ", ".join(doc["topics"]), None),
        (L["field.message"], doc["brief"]["message"], None),
        (L["field.offer"], doc["brief"]["offer"], None),
        (L["field.visual"], doc["brief"]["visual"], None),
        (L["field.version"], p["version"], None),
        (L["field.updated_at"], p["updated_at"], None),
        (L["field.generated"], doc["as_of"], _DATE),
    ]
    for s in doc["segments"]:
        parts = (
            s["age_bands"],
            s["genders"],
            s["regions"],
            s["interests"],
            s["customer"],
            s["purchase_history"],
            s["size_text"],
        )
        rows.append((f"{L['field.segment']}: {s['name']}", " / ".join(x for x in parts if x), None))
    for c in doc["channels"]["rows"]:
        reasons = "; ".join(c["reasons"])
        if c["override_reason"]:
            reasons += f" ({L['field.override_reason']}: {c['override_reason']})"
        rows.append((f"{L['field.channel']}: {c['name']} · {c['role']}", reasons, None))
    rows.append((L["field.campaign"], doc["utm"]["campaign"], None))
    for u in doc["utm"]["rows"]:
        rows.append((f"UTM: {u['name']}", u["example"], None))
    for h in doc["history"]:
        note = f" — {h['note']}" if h["note"] else ""
        rows.append(
            (f"{L['section.history']}: {h['at']}", f"{h['actor']} {h['action']}{note}", None)
        )
    for r, (name, value, fmt) in enumerate(rows, start=2):
        _put(ws, r, 1, name).font = _TOTAL_FONT
        cell = _put(ws, r, 2, value, fmt)
        cell.alignment = _WRAP if isinstance(value, str) else _TOP


def _calendar_sheet(wb: Workbook, doc: dict[str, Any], L: dict[str, str]) -> None:
    headings = [
        L["field.date"],
        L["field.time"],
        L["field.zone"],
        L["field.channel"],
        L["field.format"],
        L["field.pillar"],
        L["field.segment"],
        L["field.title"],
        L["field.copy"],
        L["field.owner"],
        L["field.item_status"],
        L["field.tracked_link"],
        L["field.warnings"],
        L["field.special_day"],
    ]
    widths = [12, 8, 12, 14, 12, 14, 14, 30, 60, 12, 10, 50, 40, 16]
    ws = _sheet(wb, L["sheet.calendar"], headings, widths)
    rows = [
        [
            r["date"],
            r["time"],
            r["zone"],
            r["channel_name"],
            r["format"],
            r["pillar"],
            r["segment"],
            r["title"],
            r["copy"],
            r["owner"],
            r["status_label"],
            r["tracked_link"],
            "\n".join(r["warnings"]),
            ", ".join(r["special"]),
        ]
        for r in doc["calendar"]["rows"]
    ]
    _rows(ws, rows, {1: _DATE, 2: _TIME})
    if rows:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(headings))}{len(rows) + 1}"


def _kpi_sheet(wb: Workbook, doc: dict[str, Any], L: dict[str, str]) -> None:
    headings = [
        L["field.kpi"],
        L["field.formula"],
        L["field.channel"],
        L["field.topic"],
        L["field.baseline"],
        L["field.target"],
        L["field.actual"],
        L["field.expected"],
        L["field.pacing"],
        L["field.status"],
        L["field.note"],
    ]
    ws = _sheet(wb, L["sheet.kpi"], headings, [20, 50, 14, 14, 12, 12, 12, 14, 10, 14, 40])
    k = doc["kpis"]
    rows = [
        [
            r["name"],
            r["formula"],
            r["channel_name"],
            r["topic"],
            r["baseline"],
            r["target"],
            r["actual"],
            r["expected"],
            r["pacing"],
            r["status_label"],
            r["note"],
        ]
        for r in k["rows"]
    ]
    _rows(ws, rows, {5: "#,##0.##", 6: "#,##0.##", 7: "#,##0.##", 8: "#,##0.##", 9: _SHARE})
    for i, r in enumerate(k["rows"], start=2):
        fill = _STATUS_FILL.get(r["status"])
        if fill is not None:
            ws.cell(row=i, column=10).fill = fill
    note = len(rows) + 3
    _put(ws, note, 1, L["field.generated"]).font = _TOTAL_FONT
    _put(ws, note, 2, k["as_of"], _DATE)
    if k["elapsed"] is not None:
        _put(ws, note + 1, 1, L["field.elapsed"]).font = _TOTAL_FONT
        _put(ws, note + 1, 2, k["elapsed"], _SHARE)
    if not k["measured"]:
        _put(ws, note + 1, 1, L["field.no_actuals"])


def _budget_sheet(wb: Workbook, doc: dict[str, Any], L: dict[str, str]) -> None:
    """One row per budget line; then the SUM row, the plan's total and their check."""
    b = doc["budget"]
    headings = [
        L["field.channel"],
        L["field.kind"],
        L["field.amount"],
        L["field.share"],
        L["field.note"],
    ]
    ws = _sheet(wb, L["sheet.budget"], headings, [22, 12, 18, 10, 40])
    rows = [[r["name"], r["kind_label"], r["amount"], None, r["note"]] for r in b["rows"]]
    end = _rows(ws, rows, {3: _KRW})
    total_row = end
    first, last = 2, max(end - 1, 2)
    for r in range(first, end):  # shares as formulas on the total, so they follow edits
        cell = ws.cell(row=r, column=4, value=f"=IF($C${total_row}=0,0,C{r}/$C${total_row})")
        cell.number_format = _SHARE
    _put(ws, total_row, 1, L["field.total"])
    ws.cell(row=total_row, column=3, value=f"=SUM(C{first}:C{last})").number_format = _KRW
    ws.cell(row=total_row, column=4, value=f"=SUM(D{first}:D{last})").number_format = _SHARE
    _put(ws, total_row, 5, b["total"], _KRW)  # the sum as computed here, for readers of values
    plan_row = total_row + 1
    _put(ws, plan_row, 1, L["field.plan_total"])
    _put(ws, plan_row, 3, b["plan_total"], _KRW)
    check_row = plan_row + 1
    _put(ws, check_row, 1, L["field.check"])
    ws.cell(row=check_row, column=3, value=f'=IF(C{total_row}=C{plan_row},"OK","≠")')
    _put(ws, check_row, 5, "OK" if b["matches"] else "≠")
    for r in (total_row, plan_row, check_row):
        for c in range(1, 6):
            ws.cell(row=r, column=c).font = _TOTAL_FONT
            ws.cell(row=r, column=c).fill = _TOTAL_FILL
    # paid / organic by channel, beside the lines
    _put(ws, 1, 7, L["field.channel"])
    _put(ws, 1, 8, L["budget.paid"])
    _put(ws, 1, 9, L["budget.organic"])
    _put(ws, 1, 10, L["field.total"])
    for c in range(7, 11):
        ws.cell(row=1, column=c).font = _HEAD_FONT
        ws.cell(row=1, column=c).fill = _HEAD_FILL
        ws.column_dimensions[get_column_letter(c)].width = 16
    by = [[r["name"], r["paid"], r["organic"], r["total"]] for r in b["by_channel"]]
    for i, values in enumerate(by, start=2):
        for j, value in enumerate(values, start=7):
            _put(ws, i, j, value, _KRW if j > 7 else None)


def _policy_sheet(wb: Workbook, doc: dict[str, Any], L: dict[str, str]) -> None:
    p = doc["policy"]
    ws = _sheet(
        wb,
        L["sheet.policy"],
        [L["field.field"], L["field.value"], L["field.detail"], L["field.minutes"]],
        [30, 60, 40, 12],
    )
    rows: list[list[Any]] = [
        [L["field.tone"], p["tone"], None, None],
        [L["field.business_hours"], p["business_hours"], None, None],
        [L["field.banned_words"], ", ".join(p["banned_words"]), None, None],
        [L["field.notes"], p["notes"], None, None],
    ]
    for rule in p["approval_rules"]:
        rows.append([L["field.approval_rules"], rule, None, None])
    for r in p["response"]:
        rows.append([L["field.response_minutes"], r["name"], None, r["minutes"]])
    for e in p["escalation"]:
        rows.append(
            [
                f"{L['field.escalation']}: {e['team']}",
                e["keywords"],
                e["categories"],
                e["within_minutes"],
            ]
        )
    for c in p["crisis_levels"]:
        trigger = c["trigger"] + (f" ({c['structured_text']})" if c["structured_text"] else "")
        rows.append(
            [f"{L['field.level']} {c['level']}: {c['name']}", trigger, c["actions_text"], None]
        )
    end = _rows(ws, rows, {})
    for r in range(2, end):
        ws.cell(row=r, column=1).font = _TOTAL_FONT
