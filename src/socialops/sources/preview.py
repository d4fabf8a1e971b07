"""A look at a posts file before it is imported: what was detected (format, encoding,
delimiter), its columns, its first rows, and which column each post field would be read from
with a preset (and a column mapping on top of it). The data page's column-mapping form is built
from it (issue 14, item 12)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from socialops.errors import SocialopsError
from socialops.sources.presets import posts as P
from socialops.sources.readers import open_source

__all__ = ["DELIMITER_NAMES", "MAPPABLE_FIELDS", "preview_file"]

# the post fields the mapping form offers, the ones an import needs first
MAPPABLE_FIELDS: tuple[str, ...] = (
    "text",
    "created_at",
    "post_id",
    "author_handle",
    "author_id",
    "platform",
    "url",
    "language",
    "likes",
    "comments",
    "shares",
    "views",
    "author_followers",
    "parent_id",
)
DELIMITER_NAMES = {",": "comma", "\t": "tab", ";": "semicolon", "|": "pipe"}
_CELL = 160  # characters of a cell shown


def preview_file(
    path: str | Path,
    *,
    preset: str = "generic",
    mapping: Mapping[str, Any] | None = None,
    rows: int = 5,
) -> dict[str, Any]:
    """``format``, ``encoding``, ``delimiter`` (``comma``, ``tab``, …; ``None`` for a workbook
    or Parquet), ``columns``, the first ``rows`` data rows (cells as text, shortened), and
    ``fields``: post field → the column the preset (with ``mapping``) reads it from; ``problem``
    is the :class:`~socialops.errors.SocialopsError` that importing with them would meet
    (``None`` when the columns fit). A file that cannot be read at all raises its error."""
    spec = P.get_preset(preset)
    if mapping:
        spec = P.merge_mapping(spec, mapping)
    with open_source(
        path, header=spec.header, names=list(spec.names) if spec.names else None
    ) as src:
        first: list[list[str]] = []
        for batch in src.batches(rows):
            for record in batch:
                values = record.values or {}
                first.append([_cell(values.get(c)) for c in src.columns])
            break
        fields: dict[str, str] = {}
        problem: SocialopsError | None = None
        try:
            fields = dict(P.bind(spec, src.columns, str(path)).columns)
        except SocialopsError as exc:
            problem = exc
            fields = {f: c for f, c in spec.columns.items() if c in src.columns}
        delimiter = src.delimiter
        return {
            "format": src.format,
            "encoding": src.encoding,
            "delimiter": DELIMITER_NAMES.get(delimiter, delimiter) if delimiter else None,
            "columns": list(src.columns),
            "rows": first[:rows],
            "fields": fields,
            "problem": problem,
        }


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= _CELL else text[: _CELL - 1] + "…"
