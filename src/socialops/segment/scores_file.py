"""The customers of a ``segment score`` output (its input columns plus ``score``, a calibrated
probability) at or above a threshold, as segment members: read through the one reader stack
(:func:`socialops.sources.readers.open_source`: CSV in UTF-8 or CP949, XLSX, JSONL, Parquet),
identifier columns picked by name or by their values (:mod:`socialops.segment.identifiers`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from socialops.errors import InputFileError
from socialops.segment.identifiers import detect_columns
from socialops.segment.members import Member, members_from_table
from socialops.sources.readers import open_source

__all__ = ["scored_members"]

SCORE_COL = "score"
ID_COL = "customer_id"
SAMPLE = 200


def scored_members(
    path: Path, *, min_score: float, id_col: str = "customer_id"
) -> tuple[list[Member], dict[str, Any]]:
    """(members with ``score >= min_score``, figures): ``rows`` read, ``kept``,
    ``unreadable`` rows, ``no_score`` (a score that is not a number), the identifier kinds
    found (``identifiers``) and ``id_from_row``. A file without ``score``, or without an
    ``id_col`` named other than ``customer_id``, is a coded error; a file without
    ``customer_id`` (``bank.csv`` has none) takes the data row number (1 for the first row
    under the header) as the id, as the ``bank-marketing`` import preset does, so that the
    ids match the imported customer table."""
    kept: list[dict[str, Any]] = []
    rows = unreadable = no_score = 0
    with open_source(path) as src:
        id_from_row = id_col == ID_COL and id_col not in src.columns
        if id_col not in src.columns and not id_from_row:
            raise InputFileError(
                code="segments.id_col_missing", column=id_col, columns=", ".join(src.columns)
            )
        if SCORE_COL not in src.columns:
            raise InputFileError(code="segments.score_col_missing", file=str(path))
        sample: list[dict[str, Any]] = []
        for batch in src.batches():
            for rec in batch:
                rows += 1
                if rec.values is None:
                    unreadable += 1
                    continue
                if id_from_row:
                    rec.values[id_col] = str(rec.row)
                if len(sample) < SAMPLE:
                    sample.append(rec.values)
                try:
                    score = float(rec.values.get(SCORE_COL))  # type: ignore[arg-type]
                except (TypeError, ValueError):
                    no_score += 1
                    continue
                if score != score:  # NaN
                    no_score += 1
                elif score >= min_score:
                    kept.append(rec.values)
        ids = detect_columns(src.columns, sample)
    members = list(members_from_table(kept, id_col=id_col, identifier_cols=ids))
    stats = {
        "rows": rows,
        "kept": len(members),
        "unreadable": unreadable,
        "no_score": no_score,
        "identifiers": sorted(set(ids.values())),
        "id_from_row": id_from_row,
    }
    return members, stats
