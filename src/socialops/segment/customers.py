"""A customer table as a pandas DataFrame: from any file a user gives (CSV in any encoding the
readers detect, XLSX, JSONL, Parquet: :func:`socialops.sources.readers.open_source`) or from the
workspace's imported table (:mod:`socialops.sources.streams.customers`).

Columns are typed the same way in both: a column whose every non-empty value is a number is
numeric (float64, empty → NaN), anything else is text (empty → missing). The workspace table's
``private`` column (encrypted identifiers) is never loaded here: attributes and models do not
need who the customer is."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from socialops.errors import DataError, InputFileError
from socialops.sources.readers import open_source
from socialops.sources.streams.customers import cell_text, customers_path, typed_table
from socialops.store.workspace import Workspace

__all__ = [
    "MAX_ROWS",
    "customer_frame",
    "load_customers",
    "read_customer_file",
    "read_customer_text",
]

MAX_ROWS = 2_000_000  # more customers than this: sample them first (memory on 2 cores)


def read_customer_text(path: str | Path) -> tuple[list[str], dict[str, list[str]]]:
    """(header, every readable row's cells as text per column) of ``path``: what a scored
    file writes back unchanged. Unreadable rows are skipped (an analysis read: the import path
    quarantines them); a file with no rows is refused."""
    p = Path(path)
    with open_source(p) as src:
        header = list(src.columns)
        cols: dict[str, list[str]] = {h: [] for h in header}
        n = 0
        for batch in src.batches(20_000):
            for rec in batch:
                if rec.values is None:
                    continue
                vals = rec.values
                for h in header:
                    cols[h].append(cell_text(vals.get(h)))
                n += 1
            if n > MAX_ROWS:
                raise DataError(code="targeting.too_many_rows", limit=MAX_ROWS, file=p.name)
    if n == 0:
        raise InputFileError(code="targeting.customers_empty", file=p.name)
    return header, cols


def read_customer_file(path: str | Path) -> pd.DataFrame:
    """Every readable row of ``path`` as a typed DataFrame (see the module docstring)."""
    _, cols = read_customer_text(path)
    return typed_table(cols).to_pandas()


def load_customers(ws: Workspace) -> pd.DataFrame:
    """The workspace's imported customers (without the encrypted ``private`` column)."""
    path = customers_path(ws)
    if not path.exists():
        raise DataError(code="targeting.no_customers")
    table: pa.Table = pq.read_table(path)
    if "private" in table.column_names:
        table = table.drop_columns(["private"])
    return table.to_pandas()


def customer_frame(data: str | Path | pd.DataFrame | pa.Table) -> pd.DataFrame:
    """A DataFrame from a path, a pyarrow table or a DataFrame (returned as is)."""
    if isinstance(data, pd.DataFrame):
        return data
    if isinstance(data, pa.Table):
        return data.to_pandas()
    return read_customer_file(data)
