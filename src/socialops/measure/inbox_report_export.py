"""The inbox team report as files: CSV (UTF-8 with a BOM, so Excel opens Korean text; one long
table, a section column first) and XLSX (a summary sheet and one sheet per breakdown). Headers,
section and sheet names come from the catalogue in the reader's language (Korean by default).

Agent names, teams and categories are typed by people or come from a platform: every cell goes
through :mod:`socialops.store.exportcells` (never a formula). Rates and minutes are rounded to
one decimal; an empty value (no case to measure) is an empty cell, not a zero.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from socialops.i18n import t
from socialops.measure.inbox_report import METRICS, TeamReport
from socialops.store.exportcells import csv_cell, put_xlsx

__all__ = ["BREAKDOWNS", "csv_name", "label", "report_csv", "report_xlsx", "xlsx_name"]

# (section / sheet, the report's attribute, its key column)
BREAKDOWNS: tuple[tuple[str, str, str], ...] = (
    ("agent", "by_agent", "agent"),
    ("team", "by_team", "team"),
    ("channel", "by_channel", "channel"),
    ("day", "by_day", "day"),
)
_COUNTS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("category", "by_category", "category", ("messages_in", "cases")),
    ("sentiment", "by_sentiment", "sentiment", ("messages_in",)),
)
_BOLD = Font(bold=True)


def _num(value: Any) -> Any:
    return round(value, 1) if isinstance(value, float) else value


def label(kind: str, value: str, lang: str) -> str:
    """The key of a row as people read it: an empty one named, sentiments translated."""
    if not value:
        return t(f"inbox_report.none.{kind}", lang)
    if kind == "sentiment" and value in ("negative", "neutral", "positive"):
        return t(f"inbox_report.sentiment.{value}", lang)
    return value


def _heads(lang: str) -> list[str]:
    return [t(f"inbox_report.m.{m}", lang) for m in METRICS]


def csv_name(report: TeamReport) -> str:
    return f"inbox-report-{report.start.isoformat()}-{report.end.isoformat()}.csv"


def xlsx_name(report: TeamReport) -> str:
    return csv_name(report)[:-4] + ".xlsx"


def report_csv(report: TeamReport, lang: str = "ko") -> bytes:
    """One table: section, item, then every figure of :data:`METRICS` (category and sentiment
    rows fill the counts they have)."""
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\r\n")
    out.writerow(
        [t("inbox_report.col.section", lang), t("inbox_report.col.item", lang), *_heads(lang)]
    )
    period = f"{report.start.isoformat()}~{report.end.isoformat()}"
    total = [report.totals[m] for m in METRICS]
    out.writerow(
        [t("inbox_report.section.totals", lang), period, *(csv_cell(_num(v)) for v in total)]
    )
    for kind, attr, key in BREAKDOWNS:
        section = t(f"inbox_report.section.{kind}", lang)
        for row in getattr(report, attr):
            values = [_num(row[m]) for m in METRICS]
            out.writerow([csv_cell(v) for v in (section, label(kind, row[key], lang), *values)])
    for kind, attr, key, fields in _COUNTS:
        section = t(f"inbox_report.section.{kind}", lang)
        for row in getattr(report, attr):
            values = [row.get(m, "") if m in fields else "" for m in METRICS]
            out.writerow([csv_cell(v) for v in (section, label(kind, row[key], lang), *values)])
    return b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8")


def _sheet(book: Workbook, title: str, heads: list[str], rows: list[list[Any]]) -> None:
    sheet = book.create_sheet(title[:31])
    for col, head in enumerate(heads, start=1):
        put_xlsx(sheet.cell(1, col), head).font = _BOLD
        sheet.column_dimensions[get_column_letter(col)].width = 16 if col > 1 else 24
    for r, values in enumerate(rows, start=2):
        for col, value in enumerate(values, start=1):
            put_xlsx(sheet.cell(r, col), _num(value))
    sheet.freeze_panes = "B2"


def report_xlsx(report: TeamReport, lang: str = "ko") -> bytes:
    """A summary sheet (period, zone, what was left out, every total), then a sheet per
    agent, team, channel, day, category and sentiment."""
    book = Workbook()
    book.remove(book.worksheets[0])
    summary: list[list[Any]] = [
        [t("inbox_report.period", lang), f"{report.start.isoformat()} ~ {report.end.isoformat()}"],
        [t("inbox_report.zone", lang), report.zone],
        [t("inbox_report.simulated_count", lang), report.simulated_excluded],
        *[[t(f"inbox_report.m.{m}", lang), report.totals[m]] for m in METRICS],
    ]
    heads = [t("inbox_report.col.item", lang), t("inbox_report.col.value", lang)]
    _sheet(book, t("inbox_report.sheet.summary", lang), heads, summary)
    for kind, attr, key in BREAKDOWNS:
        rows = [
            [label(kind, row[key], lang), *(row[m] for m in METRICS)]
            for row in getattr(report, attr)
        ]
        heads = [t(f"inbox_report.section.{kind}", lang), *_heads(lang)]
        _sheet(book, t(f"inbox_report.sheet.{kind}", lang), heads, rows)
    for kind, attr, key, fields in _COUNTS:
        rows = [
            [label(kind, row[key], lang), *(row[f] for f in fields)]
            for row in getattr(report, attr)
        ]
        heads = [
            t(f"inbox_report.section.{kind}", lang),
            *(t(f"inbox_report.m.{f}", lang) for f in fields),
        ]
        _sheet(book, t(f"inbox_report.sheet.{kind}", lang), heads, rows)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()
