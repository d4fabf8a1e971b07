"""Batch sentiment scoring of a user's file: ``socialops sentiment FILE ...``.

Reads any format the importer reads (encoding and delimiter detected), keeps every input column
and adds ``sentiment`` (negative | neutral | positive) and ``sentiment_score`` (-1 … 1). The
output is CSV in UTF-8 with BOM, so Excel opens Korean text correctly. One output row per input
row, in order: a row that cannot be read, or has no text, or is in another language (with
``--lang auto``), gets empty sentiment cells and is counted in the summary, never dropped. The
file is written under a temporary name and renamed when complete. Its cells go through
:mod:`socialops.store.exportcells`, as in every CSV and XLSX file socialops writes: a text that a
spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab, CR first) gets a leading
``'``; numbers (``sentiment_score``, a column of counts) stay as they are. The scores are
:func:`socialops.nlp.batch.score_texts` (pure); this module is the file job around them, above
the readers and the store.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from socialops.errors import InputFileError
from socialops.nlp.batch import score_texts
from socialops.sources.readers import open_source
from socialops.store.exportcells import csv_cell

__all__ = ["score_file"]


def _cell(v: Any) -> str:
    return "" if v is None else str(v)


def score_file(
    path: Path,
    *,
    text_column: str,
    out: Path,
    lang: str = "auto",
    encoding: str | None = None,
    delimiter: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    batch_rows: int = 2000,
) -> dict[str, Any]:
    counts = {"negative": 0, "neutral": 0, "positive": 0, "none": 0}
    unreadable = 0
    rows = 0
    out = Path(out)
    if out.exists() and out.is_dir():
        raise InputFileError(code="cli.out_is_folder", path=out)
    if not out.parent.exists():
        raise InputFileError(code="cli.out_no_folder", path=out.parent)
    tmp = out.with_name(f".{out.name}.partial")
    with open_source(path, encoding=encoding, delimiter=delimiter) as src:
        if text_column not in src.columns:
            raise InputFileError(
                code="cli.no_text_column",
                column=text_column,
                file=path,
                columns=list(src.columns[:30]),
            )
        header = [*src.columns, "sentiment", "sentiment_score"]
        try:
            with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
                w = csv.writer(fh)
                w.writerow([csv_cell(c) for c in header])
                for records in src.batches(batch_rows):
                    texts = [_cell((r.values or {}).get(text_column)) for r in records]
                    scored = score_texts(texts, lang)
                    for r, (lab, sc) in zip(records, scored, strict=True):
                        vals = r.values or {}
                        if r.values is None:
                            unreadable += 1
                        counts[lab or "none"] += 1
                        w.writerow(
                            [*(csv_cell(vals.get(c)) for c in src.columns), lab or "", csv_cell(sc)]
                        )
                    rows += len(records)
                    if progress:
                        done, total = src.position()
                        progress(done, total)
            os.replace(tmp, out)
        finally:
            tmp.unlink(missing_ok=True)
    assert rows == sum(counts.values())
    return {
        "file": str(path),
        "out": str(out),
        "rows": rows,
        "unreadable": unreadable,
        "counts": counts,
        "encoding": src.encoding,
        "delimiter": src.delimiter,
        "format": src.format,
    }
