"""A segment's member as the segment layer passes it around, and members made from the rows of
a table (identifier columns found by name, kept apart from the plain attributes)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from socialops.errors import InputFileError
from socialops.segment.identifiers import detect_columns

__all__ = ["Member", "members_from_table"]


@dataclass(frozen=True)
class Member:
    """One customer of a segment. ``identifiers`` holds raw personal identifiers by kind
    (``email``, ``phone``, ``maid``…): kept out of ``repr`` and encrypted at rest."""

    customer_id: str
    score: float | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    identifiers: dict[str, str] = field(default_factory=dict, repr=False)


def members_from_table(
    rows: Iterable[Mapping[str, Any]],
    *,
    id_col: str,
    identifier_cols: Mapping[str, str] | None = None,
    score_col: str | None = "score",
) -> Iterator[Member]:
    """Members from rows of a table (dicts; a ``pyarrow.Table`` works through ``to_pylist``).
    ``identifier_cols`` maps a column to its identifier kind (``email``, ``phone``…); ``None``
    detects them by name (:func:`socialops.segment.identifiers.detect_columns`) from the first
    row. Identifier columns go to ``identifiers`` (encrypted when saved), never to attributes."""
    to_pylist = getattr(rows, "to_pylist", None)
    if callable(to_pylist):
        rows = to_pylist()
    ids = dict(identifier_cols) if identifier_cols is not None else None
    for row in rows:
        if ids is None:
            ids = detect_columns(list(row))
        if id_col not in row:
            raise InputFileError(
                code="segments.id_col_missing", column=id_col, columns=", ".join(map(str, row))
            )
        identifiers: dict[str, str] = {}
        attributes: dict[str, Any] = {}
        for col, value in row.items():
            if col in (id_col, score_col):
                continue
            kind = ids.get(col)
            if kind is not None:
                if value is not None and str(value).strip() and kind not in identifiers:
                    identifiers[kind] = str(value)
            else:
                attributes[col] = value
        yield Member(
            customer_id=str(row[id_col] if row[id_col] is not None else "").strip(),
            score=_score(row.get(score_col)) if score_col else None,
            attributes=attributes,
            identifiers=identifiers,
        )


def _score(value: Any) -> float | None:
    if value is None or value == "":
        return None
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return out if math.isfinite(out) else None
