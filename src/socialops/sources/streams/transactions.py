"""The ``transactions`` stream: purchases (customer, date, amount, quantity) into the workspace as
Parquet under ``<workspace>/segment/transactions/``, for RFM and customer value.

An import reads the file through its preset (``cdnow``: the whitespace-aligned CDNOW file;
``transactions``: any CSV/TSV/XLSX/JSONL/Parquet with Korean or English headers, through the one
reader stack), quarantines bad rows with their reason (see
:mod:`socialops.sources.streams._transaction_rows`), writes the good rows to ONE Parquet part
under a temporary name, renames it to ``<import_id>.parquet`` and records the import in the
ledger, all under the workspace writer lock. A part counts only once its import is recorded
``done`` (:func:`stored_parts`), so a crash leaves nothing half-imported.

Transactions have no key of their own (two identical purchases on one day are two purchases):
what repeats is a file. A file whose content (SHA-256) was imported before counts every good row
as a duplicate and writes nothing (``on_repeat="duplicate"``, key ``(source_sha256, row)``).
``rows_read = imported + duplicates + quarantined`` always."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from sqlalchemy import text

from socialops import settings
from socialops.errors import InputFileError
from socialops.sources import ledger
from socialops.sources.metric_rows import RowError
from socialops.sources.readers import RawRecord, Source, open_source
from socialops.sources.streams import Stream, register
from socialops.sources.streams._transaction_rows import (
    FIELDS,
    PRESETS,
    TxPreset,
    TxRecord,
    cell_text,
    get_preset,
    locate,
    open_whitespace,
    tx_record,
)
from socialops.store.workspace import Workspace

__all__ = [
    "SCHEMA",
    "STREAM",
    "TransactionsImport",
    "import_transactions",
    "read_file",
    "stored_parts",
    "transactions_dir",
]

SCHEMA = pa.schema(
    [
        ("customer_id", pa.string()),
        ("date", pa.date32()),
        ("amount", pa.float64()),
        ("quantity", pa.float64()),
    ]
)
BATCH_ROWS = 50_000
MAX_REJECTS_KEPT = 200


def transactions_dir(ws: Workspace) -> Path:
    return ws.root / "segment" / "transactions"


@dataclass
class TransactionsImport:
    import_id: str
    file: str
    sha256: str
    preset: str
    encoding: str
    rows_read: int = 0
    imported: int = 0
    duplicates: int = 0
    quarantined: int = 0
    customers: int = 0
    first_date: str | None = None
    last_date: str | None = None
    reasons: dict[str, int] = field(default_factory=dict)
    rejects: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _open(path: Path, preset: TxPreset) -> Source:
    if not path.is_file():
        raise InputFileError(code="sources.missing", file=path.name)
    if path.stat().st_size == 0:
        raise InputFileError(code="sources.empty", file=path.name)
    return open_whitespace(path) if preset.whitespace else open_source(path)


def _table(records: list[TxRecord]) -> pa.Table:
    return pa.table(
        {
            "customer_id": pa.array([r.customer_id for r in records], pa.string()),
            "date": pa.array([r.date for r in records], pa.date32()),
            "amount": pa.array([r.amount for r in records], pa.float64()),
            "quantity": pa.array([r.quantity for r in records], pa.float64()),
        },
        schema=SCHEMA,
    )


Rejected = tuple[RawRecord, str, str]  # the row, reason, coded detail


def _rows(src: Source, col: dict[str, int]) -> Iterator[tuple[pa.Table, list[Rejected]]]:
    """(good rows as a table, rejected rows) per batch of the file."""
    header = list(src.columns)
    for batch in src.batches(BATCH_ROWS):
        good: list[TxRecord] = []
        bad: list[Rejected] = []
        for rec in batch:
            if rec.values is None:
                bad.append((rec, rec.reason or "malformed", rec.detail or ""))
                continue
            fields = [cell_text(rec.values.get(h)) for h in header]
            try:
                good.append(tx_record(fields, col))
            except RowError as exc:
                bad.append((rec, exc.reason, exc.detail))
        yield _table(good), bad


def read_file(
    path: str | Path, preset: str | None = None, mapping: dict[str, str] | None = None
) -> tuple[pa.Table, dict[str, int]]:
    """The file's good rows as one table (``SCHEMA``) and the rejected rows' counts by reason,
    without a workspace (the ``segment rfm FILE`` path)."""
    p = get_preset(preset)
    with _open(Path(path), p) as src:
        col = locate(p, list(src.columns), mapping)
        parts: list[pa.Table] = []
        reasons: Counter[str] = Counter()
        for table, bad in _rows(src, col):
            parts.append(table)
            reasons.update(reason for _, reason, _ in bad)
    return pa.concat_tables(parts) if parts else SCHEMA.empty_table(), dict(reasons)


def stored_parts(ws: Workspace) -> list[Path]:
    """The Parquet parts of the workspace's transactions whose import is recorded ``done``."""
    with ws.connect() as conn:
        ids = [
            r[0]
            for r in conn.execute(
                text(
                    "SELECT import_id FROM imports WHERE stream = 'transactions' "
                    "AND status = 'done' ORDER BY seq"
                )
            )
        ]
    base = transactions_dir(ws)
    return [p for p in (base / f"{i}.parquet" for i in ids) if p.is_file()]


def _seen_before(ws: Workspace, sha: str) -> bool:
    with ws.connect() as conn:
        row = conn.execute(
            text(
                "SELECT 1 FROM imports WHERE stream = 'transactions' AND status = 'done' "
                "AND source_sha256 = :sha AND imported > 0"
            ),
            {"sha": sha},
        ).first()
    return row is not None


def import_transactions(
    ws: Workspace,
    path: str | Path,
    preset: str | None = "transactions",
    *,
    mapping: dict[str, str] | None = None,
    file_name: str | None = None,
) -> TransactionsImport:
    """Import a transactions file with ``preset`` (see the module docstring)."""
    p = get_preset(preset)
    path = Path(path)
    name = (file_name or path.name)[:200]
    started = ledger.now()
    with ws.lock("the import"), _open(path, p) as src:
        col = locate(p, list(src.columns), mapping)
        res = TransactionsImport(
            import_id=ledger.new_import_id("t"),
            file=name,
            sha256=ledger.sha256_file(path),
            preset=p.name,
            encoding=src.encoding or src.format,
        )
        repeat = _seen_before(ws, res.sha256)
        base = transactions_dir(ws)
        base.mkdir(parents=True, exist_ok=True)
        tmp = base / f".{res.import_id}.{os.getpid()}.tmp"
        final = base / f"{res.import_id}.parquet"
        reasons: Counter[str] = Counter()
        quarantined: list[ledger.QuarantineRow] = []
        customers: set[str] = set()
        lo: Any = None
        hi: Any = None
        writer: pq.ParquetWriter | None = None
        try:
            for table, bad in _rows(src, col):
                res.rows_read += table.num_rows + len(bad)
                for rec, reason, detail in bad:
                    reasons[reason] += 1
                    quarantined.append((rec.row, reason, detail, rec.raw_text()))
                    if len(res.rejects) < MAX_REJECTS_KEPT:
                        line = rec.line if rec.line is not None else rec.row + 1
                        res.rejects.append(
                            {
                                "line": line,
                                "reason": reason,
                                "detail": ledger.detail_text(detail, "en"),
                            }
                        )
                if repeat or table.num_rows == 0:
                    res.duplicates += table.num_rows if repeat else 0
                    continue
                if writer is None:
                    writer = pq.ParquetWriter(tmp, SCHEMA)
                writer.write_table(table)
                res.imported += table.num_rows
                customers.update(table.column("customer_id").to_pylist())
                days = table.column("date")
                b_lo, b_hi = pc.min(days).as_py(), pc.max(days).as_py()
                lo = b_lo if lo is None else min(lo, b_lo)
                hi = b_hi if hi is None else max(hi, b_hi)
            if writer is not None:
                writer.close()
                writer = None
            if res.rows_read == 0:
                raise InputFileError(code="sources.no_rows", file=name)
            res.quarantined = len(quarantined)
            res.reasons = dict(reasons)
            res.customers = len(customers)
            res.first_date = lo.isoformat() if lo else None
            res.last_date = hi.isoformat() if hi else None
            if tmp.exists():
                os.replace(tmp, final)
            with ws.begin() as tx:
                ledger.start(
                    tx,
                    import_id=res.import_id,
                    stream="transactions",
                    source_path=name,
                    sha256=res.sha256,
                    preset=p.name,
                    format=src.format,
                    encoding=res.encoding,
                    delimiter=src.delimiter,
                    timezone=str(settings.get("timezone")),
                    options={"mapping": mapping or {}},
                    started_at=started,
                )
                ledger.quarantine(tx, res.sha256, res.import_id, name, quarantined)
                ledger.add_counts(
                    tx,
                    res.import_id,
                    rows_read=res.rows_read,
                    imported=res.imported,
                    duplicates=res.duplicates,
                    rejected=res.quarantined,
                    quarantined=res.quarantined,
                )
                ledger.finish(tx, res.import_id, "done", rejects=res.rejects)
        except BaseException:
            if writer is not None:
                writer.close()
            tmp.unlink(missing_ok=True)
            if final.exists() and not _recorded(ws, res.import_id):
                final.unlink(missing_ok=True)
            raise
    assert res.rows_read == res.imported + res.duplicates + res.quarantined
    return res


def _recorded(ws: Workspace, import_id: str) -> bool:
    with ws.connect() as conn:
        return (
            conn.execute(
                text("SELECT 1 FROM imports WHERE import_id = :id"), {"id": import_id}
            ).first()
            is not None
        )


STREAM = register(
    Stream(
        name="transactions",
        table="segment/transactions",
        key=("source_sha256", "row"),
        fields=FIELDS,
        on_repeat="duplicate",
        presets=lambda: list(PRESETS),
        time="date: a calendar day as written (no time zone shift)",
        run=import_transactions,
    )
)
