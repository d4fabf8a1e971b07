"""The cells of every CSV and XLSX file socialops writes: listening report tables
(:mod:`socialops.listen.export`), plan workbooks (:mod:`socialops.plan.export_xlsx`) and
``socialops sentiment`` (:mod:`socialops.listen.sentiment_file`) all go through this module.

Text in them is untrusted (posts, author names, a user's own file): a spreadsheet runs a cell
that starts with ``=``, ``+``, ``-``, ``@``, tab or carriage return as a formula (CSV/formula
injection, e.g. ``=HYPERLINK(...)`` or ``@SUM(1)+cmd|...``). So:

- **CSV** (:func:`csv_cell`): such text is written with a leading ``'``, which spreadsheets show
  and never evaluate. A text that is exactly a decimal number (``-3``, ``+1.5``, ``-2e3``) is
  left alone: a spreadsheet reads it as that number, never as a formula, and a numeric column
  (a negative count, a sentiment score) stays numeric.
- **XLSX** (:func:`put_xlsx`): text is always stored as a string cell, never a formula, and one
  that starts with those characters also gets Excel's quote prefix (the cell shows the text as
  it is and stays text when edited).

Numbers (``int``, ``float``) stay numbers in both; lists and dicts become text. Characters that
XML 1.0 and Excel refuse (control characters other than tab, line feed and carriage return)
are dropped from text.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell

__all__ = [
    "FORMULA_PREFIXES",
    "as_text",
    "cell_value",
    "csv_cell",
    "csv_text",
    "is_number",
    "put_xlsx",
    "set_xlsx_text",
]

FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def is_number(value: Any) -> bool:
    """An ``int`` or ``float`` (not a boolean): written as a number, never neutralised."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def as_text(value: Any) -> str:
    """Any value as cell text: booleans ``true``/``false``, lists joined with ``, ``, dicts as
    JSON, control characters dropped (not yet neutralised)."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list | tuple):
        value = ", ".join("" if v is None else str(v) for v in value)
    elif isinstance(value, dict):
        value = json.dumps(value, ensure_ascii=False, default=str)
    return _ILLEGAL.sub("", str(value))


def csv_text(text: str) -> str:
    """``text`` safe as a CSV cell: a leading ``'`` when a spreadsheet would run it as a
    formula (a text that is exactly a decimal number is not one)."""
    text = _ILLEGAL.sub("", text)
    if text.startswith(FORMULA_PREFIXES) and _NUMBER.fullmatch(text) is None:
        return "'" + text
    return text


def cell_value(value: Any) -> Any:
    """A value for a CSV writer: ``None`` stays ``None``, booleans are ``true``/``false``,
    numbers stay numbers, everything else is safe text (:func:`csv_text`)."""
    if value is None or is_number(value):
        return value
    return csv_text(as_text(value))


def csv_cell(value: Any) -> Any:
    """:func:`cell_value` with ``None`` as an empty cell."""
    out = cell_value(value)
    return "" if out is None else out


def set_xlsx_text(cell: Cell, value: str) -> None:
    """Store ``value`` in ``cell`` as a string, never a formula, whatever it starts with."""
    value = _ILLEGAL.sub("", value)
    cell.value = value
    cell.data_type = "s"
    if value.startswith(FORMULA_PREFIXES):
        cell.quotePrefix = True


def put_xlsx(cell: Cell, value: Any) -> Cell:
    """Store any value in ``cell``: numbers, booleans, dates and times as themselves (Excel
    types), ``None`` empty, anything else as safe text (:func:`set_xlsx_text`)."""
    if value is None or isinstance(value, bool | int | float | datetime | date | time):
        cell.value = value
    else:
        set_xlsx_text(cell, value if isinstance(value, str) else as_text(value))
    return cell
