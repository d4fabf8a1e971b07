"""Reading a test's rows from a file, fast: a group column, a metric column, maybe a time column.

The file is opened by the one reader stack (:func:`socialops.sources.readers.open_source`: it
finds the format, the encoding — UTF-8, BOM, CP949 … — and the delimiter, and the columns).
CSV/TSV and Parquet are then read column-wise by pyarrow, only the needed columns, so a million
rows take well under a second instead of a million row dicts; a CSV pyarrow cannot parse (a
broken row) and XLSX/JSONL files go through the reader's row batches. Metric cells that are
yes/no words (예/아니오, 전환/미전환, true/false) become 0/1; an empty or unreadable metric cell
becomes NaN (left out and counted by :func:`socialops.measure.abtest.ab_test`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from socialops.errors import DataError, InputFileError
from socialops.sources.readers import open_source

__all__ = ["read_groups"]

_UTF8 = {"utf-8", "utf_8", "utf8", "utf-8-sig", "utf_8_sig", "ascii", "us-ascii"}


def read_groups(
    path: str | Path,
    *,
    group_col: str,
    metric_col: str,
    time_col: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray] | None]:
    """``({group: metric values}, {group: day ordinals} or None)``, groups sorted by name."""
    wanted = [group_col, metric_col] + ([time_col] if time_col else [])
    with open_source(path, encoding=encoding, delimiter=delimiter) as src:
        for col in wanted:
            if col not in src.columns:
                raise InputFileError(
                    code="abtest.no_column", column=col, columns=", ".join(src.columns[:30])
                )
        table = None
        if src.format == "parquet":
            import pyarrow.parquet as pq

            table = pq.read_table(src.path, columns=wanted)
        elif src.format == "csv" and src.header:
            table = _arrow_csv(src.path, src.encoding, src.delimiter, wanted)
        if table is None:
            table = _from_rows(src, wanted)
    return _split(table, group_col, metric_col, time_col)


def _arrow_csv(path: Path, encoding: str | None, delimiter: str | None, cols: list[str]) -> Any:
    import pyarrow.csv as pacsv

    enc = "utf8" if (encoding or "utf-8").lower() in _UTF8 else encoding
    try:
        return pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(encoding=enc or "utf8", block_size=8 << 20),
            parse_options=pacsv.ParseOptions(delimiter=delimiter or ","),
            convert_options=pacsv.ConvertOptions(
                include_columns=cols,
                column_types={cols[0]: pa.string()},
                strings_can_be_null=True,
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError, LookupError):
        return None  # a broken row: the row reader below reads round it


def _from_rows(src: Any, cols: list[str]) -> Any:
    data: dict[str, list[Any]] = {c: [] for c in cols}
    for batch in src.batches():
        for rec in batch:
            if rec.values is None:
                continue
            for c in cols:
                data[c].append(rec.values.get(c))
    return pa.table({c: pa.array([_cell(v) for v in vals]) for c, vals in data.items()})


def _cell(v: Any) -> str | None:
    if v is None:
        return None
    s = str(v).strip()
    return s or None


_YES = ["1", "yes", "y", "true", "t", "전환", "예", "네", "o", "converted", "성공"]
_NO = ["0", "no", "n", "false", "f", "미전환", "비전환", "아니오", "아니요", "x", "실패"]


def _metric(col: Any) -> np.ndarray:
    """The metric as float64 (NaN where empty); yes/no words as 0/1."""
    if pa.types.is_boolean(col.type) or pa.types.is_integer(col.type):
        return pc.cast(col, pa.float64()).to_numpy(zero_copy_only=False)
    if pa.types.is_floating(col.type):
        return col.to_numpy(zero_copy_only=False).astype(float, copy=False)
    s = pc.utf8_lower(pc.utf8_trim_whitespace(pc.cast(col, pa.string())))
    s = pc.if_else(pc.equal(s, ""), pa.scalar(None, pa.string()), s)
    nums = _try_float(s)
    if nums is not None:
        return nums
    present = pc.drop_null(s)
    words = set(pc.unique(present).to_pylist())
    if words <= set(_YES) | set(_NO):
        ones = pc.if_else(pc.is_valid(s), pc.is_in(s, value_set=pa.array(_YES)), None)
        out = pc.cast(ones, pa.float64()).to_numpy(zero_copy_only=False)
        return np.asarray(out, dtype=float)
    raise DataError(code="abtest.not_numeric", kind="mean")


def _try_float(s: Any) -> np.ndarray | None:
    try:
        cleaned = pc.replace_substring(s, ",", "")
        return pc.cast(cleaned, pa.float64()).to_numpy(zero_copy_only=False)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None


def _days(col: Any, name: str) -> np.ndarray:
    """Day ordinals (days since 1970-01-01) of a date or timestamp column; a row without a
    time counts on the last day (it is in the final result, not in an earlier look)."""
    days = _day_numbers(col, name)
    if days.dtype.kind == "f":
        last = np.nanmax(days) if np.isfinite(days).any() else 0
        days = np.where(np.isnan(days), last, days)
    return days.astype(np.int64)


def _day_numbers(col: Any, name: str) -> np.ndarray:
    if pa.types.is_timestamp(col.type) or pa.types.is_date(col.type):
        d = pc.cast(col, pa.date32()) if pa.types.is_timestamp(col.type) else col
        return pc.cast(d, pa.int32()).to_numpy(zero_copy_only=False)
    # parse each distinct value once (a test has a few hundred days, not a million)
    enc = pc.dictionary_encode(pc.cast(col, pa.string())).combine_chunks()
    s = pc.utf8_slice_codeunits(pc.utf8_trim_whitespace(enc.dictionary), 0, 10)
    s = pc.replace_substring_regex(s, r"[./]", "-")
    try:
        d = pc.cast(s, pa.date32())
    except pa.ArrowInvalid:
        bad = next((v for v in s.to_pylist() if v and not _is_date(v)), "")
        raise InputFileError(code="abtest.bad_time", column=name, value=str(bad)[:40]) from None
    table = pc.cast(d, pa.int32()).to_numpy(zero_copy_only=False).astype(float)
    idx = enc.indices.to_numpy(zero_copy_only=False)
    if enc.indices.null_count:
        idx = np.where(np.isnan(idx), -1, idx).astype(np.int64)
        return np.where(idx < 0, np.nan, table[np.maximum(idx, 0)])
    return table[idx]


def _is_date(v: str) -> bool:
    try:
        pa.scalar(v).cast(pa.date32())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return False
    return True


def _split(
    table: Any, group_col: str, metric_col: str, time_col: str | None
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray] | None]:
    table = table.combine_chunks()
    groups = pc.cast(table.column(group_col), pa.string())
    groups = pc.utf8_trim_whitespace(groups)
    keep = pc.and_(pc.is_valid(groups), pc.not_equal(groups, ""))
    table = table.filter(keep)
    groups = pc.utf8_trim_whitespace(pc.cast(table.column(group_col), pa.string()))
    values = _metric(table.column(metric_col))
    days = _days(table.column(time_col), time_col) if time_col else None
    enc = pc.dictionary_encode(groups).combine_chunks()
    codes = enc.indices.to_numpy(zero_copy_only=False)
    names = [str(x) for x in enc.dictionary.to_pylist()]
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(names) + 1))
    out: dict[str, np.ndarray] = {}
    out_days: dict[str, np.ndarray] = {}
    for i in sorted(range(len(names)), key=lambda i: names[i]):
        idx = order[bounds[i] : bounds[i + 1]]
        out[names[i]] = values[idx]
        if days is not None:
            out_days[names[i]] = days[idx]
    return out, (out_days if days is not None else None)
