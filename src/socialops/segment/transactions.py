"""Transactions for RFM and customer value: from a file (through the transactions stream's
presets, without a workspace) or from the workspace's imported Parquet parts.

The table every analysis reads has the columns ``customer_id`` (string), ``date`` (date32),
``amount`` (float64) and ``quantity`` (float64, null when the file has none)."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from socialops.sources.streams.transactions import SCHEMA, read_file, stored_parts
from socialops.store.workspace import Workspace

__all__ = ["SCHEMA", "as_table", "load_transactions", "read_transactions"]


def read_transactions(
    path: str | Path, preset: str | None = None, mapping: dict[str, str] | None = None
) -> pa.Table:
    """The file's transactions (rows the stream would quarantine are left out; their counts by
    reason are in the schema metadata key ``skipped``, as JSON)."""
    import json

    table, reasons = read_file(path, preset, mapping)
    meta = {b"skipped": json.dumps(reasons).encode()}
    return table.replace_schema_metadata(meta)


def load_transactions(ws: Workspace) -> pa.Table:
    """Every transaction the workspace imported (imports recorded ``done``)."""
    parts = stored_parts(ws)
    if not parts:
        return SCHEMA.empty_table()
    return pa.concat_tables(pq.read_table(p, schema=SCHEMA) for p in parts)


def as_table(source: pa.Table | str | Path, preset: str | None = None) -> pa.Table:
    """A table as given, or a file read with ``preset``."""
    if isinstance(source, pa.Table):
        return source
    return read_transactions(source, preset)


def skipped(table: pa.Table) -> dict[str, int]:
    """The rows a file read left out, by reason (from :func:`read_transactions`)."""
    import json

    meta = table.schema.metadata or {}
    raw = meta.get(b"skipped")
    return {str(k): int(v) for k, v in json.loads(raw).items()} if raw else {}
