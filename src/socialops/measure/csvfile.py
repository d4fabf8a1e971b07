"""Read a small delimited text file (a metrics or conversions export) whole: encoding
(UTF-8, UTF-8 with BOM, CP949 — :func:`socialops.listen.readers.detect_encoding`), delimiter,
header and rows with their line numbers. An Excel workbook (``.xlsx``; its first sheet) is read
into the same shape, cells as text (encoding ``xlsx``).

Metric exports are small (thousands of rows), so the file is read in one go; a file over
:data:`MAX_BYTES` is refused rather than half-read.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from socialops.errors import SocialopsError, UnsafeFileError
from socialops.listen.readers import detect_delimiter, detect_encoding
from socialops.listen.xlsxsafe import XlsxLimits, iter_sheet_rows, open_workbook
from socialops.plan.messages import PlanError

__all__ = ["MAX_BYTES", "CsvTable", "norm_header", "read_csv"]

MAX_BYTES = 50 * 1024 * 1024
# metric exports are small and read whole: fewer rows and cells than for posts
_XLSX_LIMITS = XlsxLimits(max_rows=200_000, max_cells=5_000_000)
_SEP = re.compile(r"[\s_\-/().:]+")


def norm_header(name: str) -> str:
    """A header reduced for matching: lowercase, no BOM, spaces, ``_ - / ( ) . :``."""
    return _SEP.sub("", name.replace("\ufeff", "").strip().lower())


@dataclass
class CsvTable:
    path: Path
    sha256: str
    encoding: str
    delimiter: str
    header: list[str]
    # (line number in the file, fields); blank lines are left out
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    bad_lines: set[int] = field(default_factory=set)  # lines that did not decode


def read_csv(path: Path, delimiter: str | None = None) -> CsvTable:
    """The whole file; :class:`PlanError` ``metrics.file`` when it cannot be read as text."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise PlanError(
                "metrics.file", file=path.name, detail=f"larger than {MAX_BYTES // 2**20} MB"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise PlanError("metrics.file", file=path.name, detail=exc.strerror or str(exc)) from None
    digest = hashlib.sha256(data).hexdigest()
    if data[:4] == b"PK\x03\x04":  # a zip: an Excel workbook
        return _read_xlsx(path, digest)
    try:
        encoding = detect_encoding(data, complete=True)
    except SocialopsError:
        raise PlanError("metrics.file", file=path.name, detail="not a text file") from None
    codec = "utf-8" if encoding == "utf-8-sig" else encoding
    if encoding == "utf-8-sig":
        data = data[3:]
    text = data.decode(codec, errors="replace")
    if not text.strip():
        raise PlanError("metrics.empty", file=path.name)
    delim = delimiter or detect_delimiter(text[:65536], hint_ext=path.suffix.lower())
    table = CsvTable(path, digest, encoding, delim, [])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    try:
        header: list[str] | None = None
        start = 1
        for fields in reader:
            line = start
            start = reader.line_num + 1
            if not any(f.strip() for f in fields):
                continue
            if header is None:
                header = [f.replace("\ufeff", "").strip() for f in fields]
                continue
            if any("\ufffd" in f for f in fields):
                table.bad_lines.add(line)
            table.rows.append((line, fields))
    except csv.Error as exc:
        raise PlanError("metrics.file", file=path.name, detail=f"line {start}: {exc}") from None
    if header is None:
        raise PlanError("metrics.empty", file=path.name)
    table.header = header
    return table


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(path: Path, digest: str) -> CsvTable:
    """The first sheet, opened and read within the limits of socialops.listen.xlsxsafe (the
    same as the post importer's): a decompression bomb is refused before it is parsed."""
    try:
        wb = open_workbook(path, _XLSX_LIMITS)
    except UnsafeFileError as exc:
        raise PlanError("metrics.file", file=path.name, detail=exc.reason) from None
    except SocialopsError as exc:
        raise PlanError(
            "metrics.file", file=path.name, detail=f"not a readable .xlsx workbook ({exc})"
        ) from None
    table = CsvTable(path, digest, "xlsx", "xlsx", [])
    try:
        header: list[str] | None = None
        rows = iter_sheet_rows(wb.worksheets[0], path, _XLSX_LIMITS)
        for line, values in enumerate(rows, start=1):
            fields = [_cell_text(v).strip() for v in values]
            if not any(fields):
                continue
            if header is None:
                while fields and not fields[-1]:
                    fields.pop()
                header = fields
                continue
            width = len(header)
            if any(fields[width:]):
                table.rows.append((line, fields))  # the importer rejects it (column_count)
            else:
                table.rows.append((line, (fields + [""] * width)[:width]))
    except UnsafeFileError as exc:
        raise PlanError("metrics.file", file=path.name, detail=exc.reason) from None
    except (PlanError, MemoryError):
        raise
    except Exception as exc:  # openpyxl raises many kinds for a damaged sheet
        raise PlanError(
            "metrics.file", file=path.name, detail=f"not a readable .xlsx workbook ({exc})"
        ) from None
    finally:
        wb.close()
    if header is None:
        raise PlanError("metrics.empty", file=path.name)
    table.header = header
    return table
