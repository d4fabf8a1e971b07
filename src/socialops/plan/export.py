"""Export a campaign plan: a document (HTML, PDF), a calendar (ICS), a workbook (XLSX) or JSON.

The formats are the entries of the registry :mod:`socialops.plan.formats` (one module each);
the documents are laid out from :func:`socialops.plan.document.plan_document`.

:func:`export_plan` renders one format and, given ``out``, writes the file atomically (a
temporary file in the same folder, then a rename): a failed export leaves no partial file and
an older file of the same name untouched.
"""

from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path

from socialops.domain.plan import Plan
from socialops.plan.document import check_lang
from socialops.plan.formats import format_names, formats, get_format
from socialops.store.workspace import Workspace

__all__ = ["FORMATS", "MEDIA_TYPES", "export_plan", "write_atomic"]

FORMATS: tuple[str, ...] = format_names()
MEDIA_TYPES: dict[str, str] = {f.name: f.media_type for f in formats()}


def export_plan(
    ws: Workspace | None,
    plan: Plan,
    fmt: str,
    lang: str,
    out: Path | None = None,
    today: date | None = None,
) -> bytes:
    """The plan as ``fmt`` (a registered format: html, pdf, ics, xlsx, json) in ``lang`` (ko,
    en).

    With ``out`` the bytes are also written there atomically. Unknown format or language:
    :class:`PlanError`, before anything is written.
    """
    found = get_format(fmt)
    check_lang(lang)
    data = found.render(ws, plan, lang, today)
    if out is not None:
        write_atomic(Path(out), data)
    return data


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
