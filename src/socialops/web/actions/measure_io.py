"""What the Measure and Segments actions share: an analysis as the pages and the API show it
(:class:`Analysis`: its JSON, tables, chart, verdict and caveats in the reader's words), its
tables as CSV (UTF-8 with a BOM, formula-guarded cells) and XLSX files, an uploaded file kept
only while it is analysed, the form values they read, and the last results kept in memory so a
page can offer their downloads without sending the file again."""

from __future__ import annotations

import contextlib
import csv
import io
import secrets
import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook

from socialops.errors import SettingsError, SocialopsError
from socialops.i18n import has, render, t
from socialops.store.exportcells import csv_cell, put_xlsx
from socialops.web.auth import WebError
from socialops.web.uploads import save_upload

__all__ = [
    "KEPT_RESULTS",
    "UPLOAD_LIMIT",
    "XLSX",
    "Analysis",
    "NotFoundError",
    "Table",
    "columns_of",
    "day_of",
    "need",
    "number_of",
    "recall",
    "remember",
    "remember_as",
    "required_day",
    "uploaded",
    "words",
]

UPLOAD_LIMIT = 50 * 2**20  # bytes of one uploaded file (as the data page's uploads)
KEPT_RESULTS = 24  # analyses kept in memory for their downloads (the oldest go first; a
# scored file keeps up to 200,000 rows)
MAX_COLUMNS = 50  # column names in one comma-separated field
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class NotFoundError(SocialopsError):
    """A segment or model that is not in this workspace (404: another workspace's is not
    revealed either)."""

    http_status = 404


@dataclass
class Table:
    """One table of an analysis: ``columns`` are catalogue keys ``mweb.col.<column>`` (or the
    file's own column names), ``rows`` plain values."""

    key: str
    columns: list[str]
    rows: list[list[Any]]
    raw: bool = False  # the file's own column names: never translated (scripts read them)

    def headers(self, lang: str) -> list[str]:
        if self.raw:
            return list(self.columns)
        return [t(f"mweb.col.{c}", lang) if has(f"mweb.col.{c}") else c for c in self.columns]


@dataclass
class Analysis:
    """An analysis's result for the pages and the API: ``data`` is the back-end's JSON
    (``to_dict()``), ``summary`` the headline figures (label, shown value), ``svg`` a chart
    from our own chart code (its texts escaped there), ``verdict`` and ``caveats`` in the
    reader's language."""

    kind: str
    data: dict[str, Any]
    tables: list[Table] = field(default_factory=list)
    summary: list[tuple[str, str]] = field(default_factory=list)
    svg: str = ""
    verdict: str = ""
    caveats: list[str] = field(default_factory=list)
    note: str = ""
    token: str = ""

    def csv(self, lang: str, which: int = 0) -> bytes:
        """Table ``which`` as CSV: UTF-8 with a BOM, every cell formula-guarded."""
        table = self.tables[which] if self.tables else Table("empty", [], [])
        buf = io.StringIO()
        out = csv.writer(buf, lineterminator="\r\n")
        out.writerow([csv_cell(h) for h in table.headers(lang)])
        for row in table.rows:
            out.writerow([csv_cell(v) for v in row])
        return ("\ufeff" + buf.getvalue()).encode("utf-8")

    def xlsx(self, lang: str) -> bytes:
        """Every table as a sheet of one workbook."""
        book = Workbook()
        first = True
        for table in self.tables or [Table("empty", [], [])]:
            sheet = book.active if first else book.create_sheet()
            first = False
            assert sheet is not None
            sheet.title = table.key[:31]
            for j, h in enumerate(table.headers(lang), 1):
                put_xlsx(sheet.cell(row=1, column=j), h)
            for i, row in enumerate(table.rows, 2):
                for j, v in enumerate(row, 1):
                    put_xlsx(sheet.cell(row=i, column=j), v)
        buf = io.BytesIO()
        book.save(buf)
        return buf.getvalue()

    def file_name(self, ext: str) -> str:
        return f"{self.kind}-{date.today().isoformat()}.{ext}"


def words(item: Any, lang: str) -> str:
    """A verdict, caveat or warning in ``lang``: ``{code, params}`` through the catalogue, a
    plain string as it is."""
    if isinstance(item, dict) and "code" in item:
        code = str(item["code"])
        params = item.get("params") or {}
        if has(code):
            return render(code, lang, params)
        return str(item.get("message") or item.get(f"text_{lang}") or code)
    if isinstance(item, dict):
        return str(item.get(f"text_{lang}") or item.get("message") or item.get("text") or item)
    return str(item)


# -- uploads -----------------------------------------------------------------------------------
@contextlib.contextmanager
def uploaded(root: Path, filename: str | None, fileobj: IO[bytes] | Any) -> Iterator[Path]:
    """The uploaded file saved privately under the workspace's ``uploads/`` while the block
    analyses it, removed after (at most :data:`UPLOAD_LIMIT` bytes: 413)."""
    if fileobj is None:
        raise SettingsError(code="mweb.need_file")

    def chunks() -> Iterator[bytes]:
        while block := fileobj.read(1 << 20):
            yield block

    try:
        path = save_upload(root / "uploads", filename or "upload", chunks(), UPLOAD_LIMIT)
    except ValueError:
        raise WebError(413, "too_large", limit=UPLOAD_LIMIT // 2**20) from None
    try:
        if path.stat().st_size == 0:
            raise SettingsError(code="mweb.need_file")
        yield path
    finally:
        path.unlink(missing_ok=True)


# -- form values -------------------------------------------------------------------------------
def day_of(value: str | None, field_name: str, *, required: bool = False) -> date | None:
    """A ``YYYY-MM-DD`` value (``None`` when empty and not required)."""
    text = (value or "").strip()
    if not text:
        if required:
            raise SettingsError(code="mweb.need_field", field=field_name)
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise SettingsError(code="mweb.bad_day", field=field_name, value=text[:20]) from None


def required_day(value: str | None, field_name: str) -> date:
    """A ``YYYY-MM-DD`` value that must be there."""
    found = day_of(value, field_name, required=True)
    assert found is not None
    return found


def number_of(value: Any, field_name: str, *, required: bool = False) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise SettingsError(code="mweb.need_field", field=field_name)
        return None
    try:
        got = float(value)
    except (TypeError, ValueError):
        raise SettingsError(
            code="mweb.bad_number", field=field_name, value=str(value)[:20]
        ) from None
    if got != got or got in (float("inf"), float("-inf")):
        raise SettingsError(code="mweb.bad_number", field=field_name, value=str(value)[:20])
    return got


def columns_of(value: str | list[str] | None) -> list[str]:
    """Column names from a comma-separated field (or a list), blanks dropped."""
    items = value if isinstance(value, list) else (value or "").split(",")
    names = [c.strip() for c in items if c and c.strip()]
    if len(names) > MAX_COLUMNS:
        raise SettingsError(code="mweb.too_many_columns", limit=MAX_COLUMNS)
    return names


def need(value: str | None, field_name: str) -> str:
    text = (value or "").strip()
    if not text:
        raise SettingsError(code="mweb.need_field", field=field_name)
    return text


# -- results kept for their downloads ------------------------------------------------------------
_kept: OrderedDict[tuple[str, int, str], Analysis] = OrderedDict()
_lock = threading.Lock()


def remember(ws: str, user_id: int, analysis: Analysis) -> Analysis:
    """Keep ``analysis`` for its downloads (only its maker, in that workspace, may fetch it);
    its ``token`` names it."""
    analysis.token = secrets.token_urlsafe(12)
    with _lock:
        _kept[(ws, user_id, analysis.token)] = analysis
        while len(_kept) > KEPT_RESULTS:
            _kept.popitem(last=False)
    return analysis


def remember_as(ws: str, user_id: int, analysis: Analysis) -> None:
    """Let ``user_id`` fetch the downloads of an analysis already kept (under its token)."""
    with _lock:
        _kept[(ws, user_id, analysis.token)] = analysis
        while len(_kept) > KEPT_RESULTS:
            _kept.popitem(last=False)


def recall(ws: str, user_id: int, token: str) -> Analysis:
    with _lock:
        found = _kept.get((ws, user_id, token))
    if found is None:
        raise NotFoundError(code="mweb.result_gone")
    return found
