"""Every result table to XLSX (one sheet each) or CSV (one file each, UTF-8 with BOM so Excel
opens Korean text correctly).

Writes are atomic: each file is written next to its target under a temporary name and moved into
place with :func:`os.replace`, so a failure leaves no half-written file.

Post text is untrusted: every cell goes through :mod:`socialops.store.exportcells`, as in
every CSV and XLSX file socialops writes. Text a spreadsheet would run as a formula (starting with
``=``, ``+``, ``-``, ``@``, tab or carriage return) gets a leading ``'`` in CSV, and is a string
cell with Excel's quote prefix in XLSX (never a formula); numbers stay numbers; characters Excel
refuses (control characters) are dropped.
"""

from __future__ import annotations

import contextlib
import csv
import os
import re
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from socialops.errors import InputFileError
from socialops.listen.scope import ResultTable
from socialops.store.exportcells import as_text, cell_value, is_number, put_xlsx

__all__ = ["atomic_write", "cell_text", "sheet_names", "write_csv_dir", "write_xlsx", "xlsx_value"]

_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
_FILE_BAD = re.compile(r"[^\w.-]+")


def cell_text(value: Any) -> Any:
    """A value as a CSV cell (:func:`socialops.store.exportcells.cell_value`): numbers stay
    numbers, lists and dicts become text, text is made safe (no formulas, no control
    characters)."""
    return cell_value(value)


def xlsx_value(value: Any) -> Any:
    """A table value as :func:`write_xlsx` stores it: ``None`` and numbers as they are, any
    other value as its text (a string cell, quote-prefixed when it looks like a formula)."""
    return value if value is None or is_number(value) else as_text(value)


@contextlib.contextmanager
def atomic_write(path: Path, mode: str = "w", **kwargs: Any) -> Iterator[IO[Any]]:
    """Open a temporary file next to ``path``; on success it replaces ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, mode, **kwargs) as fh:
            yield fh
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # as a plain open() would, not mkstemp's 0600
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def sheet_names(tables: Sequence[ResultTable]) -> list[str]:
    """Unique Excel sheet names (≤ 31 characters, no ``[]:*?/\\``), one per table: its title
    (in the report's language when the tables are :func:`socialops.listen.report.localized`),
    else its name."""
    seen: set[str] = set()
    out: list[str] = []
    for t in tables:
        base = _SHEET_BAD.sub("_", t.title or t.name).strip("'").strip() or "table"
        name = base[:31].rstrip()
        k = 2
        while name.lower() in seen:
            suffix = f"_{k}"
            name = base[: 31 - len(suffix)] + suffix
            k += 1
        seen.add(name.lower())
        out.append(name)
    return out


def _file_names(tables: Sequence[ResultTable]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for t in tables:
        base = _FILE_BAD.sub("_", t.name).strip("._") or "table"
        name, k = base, 2
        while name.lower() in seen:
            name, k = f"{base}_{k}", k + 1
        seen.add(name.lower())
        out.append(f"{name}.csv")
    return out


def write_xlsx(tables: Sequence[ResultTable], path: str | Path) -> list[str]:
    """One sheet per table (header row, then the rows); returns the sheet names."""
    from openpyxl import Workbook

    target = Path(path)
    wb = Workbook()
    wb.remove(wb.active)
    names = sheet_names(tables)
    for t, name in zip(tables, names, strict=True):
        ws = wb.create_sheet(name)
        for r, values in enumerate([t.columns, *t.rows], start=1):
            for c, v in enumerate(values, start=1):
                put_xlsx(ws.cell(row=r, column=c), xlsx_value(v))
    try:
        with atomic_write(target, "wb") as fh:
            wb.save(fh)
    except OSError as exc:
        raise InputFileError(
            code="report.write_failed", path=target, detail=exc.strerror or str(exc)
        ) from exc
    return names


def write_csv_dir(tables: Sequence[ResultTable], directory: str | Path) -> list[Path]:
    """One ``<table name>.csv`` per table in ``directory`` (UTF-8 with BOM); returns the
    paths."""
    d = Path(directory)
    paths: list[Path] = []
    try:
        d.mkdir(parents=True, exist_ok=True)
        for t, name in zip(tables, _file_names(tables), strict=True):
            p = d / name
            with atomic_write(p, "w", encoding="utf-8-sig", newline="") as fh:
                w = csv.writer(fh)
                w.writerow([cell_text(c) for c in t.columns])
                for row in t.rows:
                    w.writerow(["" if v is None else cell_text(v) for v in row])
            paths.append(p)
    except OSError as exc:
        raise InputFileError(
            code="report.csv_failed", path=d, detail=exc.strerror or str(exc)
        ) from exc
    return paths
