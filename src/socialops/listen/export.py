"""Every result table to XLSX (one sheet each) or CSV (one file each, UTF-8 with BOM so Excel
opens Korean text correctly).

Writes are atomic: each file is written next to its target under a temporary name and moved into
place with :func:`os.replace`, so a failure leaves no half-written file.

Post text is untrusted: a cell that a spreadsheet would run as a formula (text starting with
``=``, ``+``, ``-``, ``@``, tab or carriage return) is written with a leading ``'``, and
characters Excel refuses (control characters) are dropped.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import re
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from socialops.errors import InputFileError
from socialops.listen.scope import ResultTable

__all__ = ["atomic_write", "cell_text", "sheet_names", "write_csv_dir", "write_xlsx"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
_FILE_BAD = re.compile(r"[^\w.-]+")


def cell_text(value: Any) -> Any:
    """A value as a spreadsheet cell: numbers stay numbers, lists and dicts become text, text
    is made safe (no formulas, no control characters)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return value
    if isinstance(value, list | tuple):
        value = ", ".join("" if v is None else str(v) for v in value)
    elif isinstance(value, dict):
        value = json.dumps(value, ensure_ascii=False, default=str)
    text = _ILLEGAL.sub("", str(value))
    if text.startswith(_FORMULA_START):
        text = "'" + text
    return text


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
    """Unique Excel sheet names (≤ 31 characters, no ``[]:*?/\\``), one per table."""
    seen: set[str] = set()
    out: list[str] = []
    for t in tables:
        base = _SHEET_BAD.sub("_", t.name).strip("'") or "table"
        name = base[:31]
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
        ws.append([cell_text(c) for c in t.columns])
        for row in t.rows:
            ws.append([cell_text(v) for v in row])
    try:
        with atomic_write(target, "wb") as fh:
            wb.save(fh)
    except OSError as exc:
        raise InputFileError(f"Cannot write {target}: {exc.strerror or exc}.") from exc
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
        raise InputFileError(f"Cannot write CSV files to {d}: {exc.strerror or exc}.") from exc
    return paths
