"""Score a customer file with a stored targeting model: the file's own columns, as written,
plus ``score`` (a calibrated probability of responding), as CSV for the user (UTF-8 with BOM,
every cell through :func:`socialops.store.exportcells.csv_cell`, written under a temporary
name and renamed when complete). A ``score`` column already in the file is replaced."""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import Any

import numpy as np

from socialops.errors import InputFileError
from socialops.segment.customers import read_customer_text
from socialops.segment.targeting_features import score_frame
from socialops.segment.targeting_store import get_model
from socialops.sources.streams.customers import typed_table
from socialops.store.exportcells import csv_cell
from socialops.store.workspace import Workspace

__all__ = ["score_file"]


def score_file(ws: Workspace, path: str | Path, *, model: str, out: str | Path) -> dict[str, Any]:
    """Write ``path``'s rows with their ``score`` under ``model`` to ``out``; returns
    ``{model, file, out, rows, mean_score, auc}``."""
    body = get_model(ws, model)
    out = Path(out)
    if out.is_dir():
        raise InputFileError(code="cli.out_is_folder", path=out)
    if not out.parent.exists():
        raise InputFileError(code="cli.out_no_folder", path=out.parent)
    header, cols = read_customer_text(path)
    scores = score_frame(body, typed_table(cols).to_pandas())
    keep = [h for h in header if h != "score"]
    tmp = out.with_name(f".{out.name}.partial")
    try:
        with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow([csv_cell(h) for h in [*keep, "score"]])
            for i, s in enumerate(scores):
                w.writerow([csv_cell(cols[h][i]) for h in keep] + [f"{s:.6f}"])
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return {
        "model": model,
        "file": str(path),
        "out": str(out),
        "rows": len(scores),
        "mean_score": float(np.mean(scores)) if len(scores) else None,
        "auc": body["metrics"]["auc"],
    }
