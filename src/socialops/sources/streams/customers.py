"""The ``customers`` stream: a customer table (attributes and responses) into the workspace.

Records land as ONE Parquet file, ``<workspace>/segment/customers/customers.parquet`` (written
under a temporary name and renamed when complete), keyed by ``customer_id``: a customer imported
again is updated in place (``updated``), a key repeated inside a file is quarantined
(``duplicate``), a row without an id is quarantined (``missing_customer_id``), a non-number in a
column the preset declares numeric is quarantined (``bad_number``). Every import is in the one
ledger (``rows_read = imported + updated + quarantined``).

Presets: ``bank-marketing`` (UCI Bank Marketing, ``bank.csv``: no customer id, so the data row
number — 1 for the first row under the header — becomes ``customer_id``; the same file gives the
same ids on every import) and ``customers`` (a CRM export with Korean or English headers:
고객번호/customer_id, 나이/연령/age, 성별/gender, 지역/region, 직업/job, 이메일/email,
휴대폰/전화번호/phone…; columns it does not know are kept under their own header).

Personal identifiers (PIPA): columns named like an e-mail, a phone number or a person's name are
never stored plain. Their values go, per row, into ONE ``private`` column as a Fernet token
(:func:`socialops.store.secrets.encrypt`'s format: ``decrypt(ws.root, token)`` gives back
``{"email": ..., "phone": ...}``). The detection is by header name (:func:`identifier_kind`):
``sources`` sits below ``segment``, so this stream cannot use ``segment.identifiers``.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from cryptography.fernet import Fernet

from socialops import settings
from socialops.errors import InputFileError, UnknownPresetError
from socialops.sources import ledger
from socialops.sources.presets.customers import PRESETS, CustomerPreset, identifier_kind
from socialops.sources.presets.metrics import norm_header
from socialops.sources.readers import open_source
from socialops.sources.streams import Stream, register
from socialops.store.secrets import key_for
from socialops.store.workspace import Workspace

__all__ = [
    "PRESETS",
    "STREAM",
    "CustomerPreset",
    "CustomersImport",
    "cell_text",
    "customers_path",
    "identifier_kind",
    "import_customers",
    "typed_table",
]

MAX_REJECTS_KEPT = 200


def customers_path(ws: Workspace) -> Path:
    """Where the workspace's customer table lives (may not exist yet)."""
    return ws.root / "segment" / "customers" / "customers.parquet"


@dataclass
class CustomersImport:
    import_id: str
    file: str
    sha256: str
    preset: str
    encoding: str
    delimiter: str
    rows_read: int = 0
    imported: int = 0
    updated: int = 0
    rejected: int = 0
    quarantined: int = 0
    columns: list[str] = field(default_factory=list)
    private: list[str] = field(default_factory=list)  # identifier kinds encrypted
    reasons: dict[str, int] = field(default_factory=dict)
    rejects: list[dict[str, Any]] = field(default_factory=list)
    total: int = 0  # customers in the table after the import
    started_at: str = ""
    finished_at: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


_THOUSANDS = re.compile(r"^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$")


def _number(text: str) -> float | None:
    """``text`` as a number (``1,234`` too), ``None`` when it is not one."""
    s = text.strip()
    if _THOUSANDS.match(s):
        s = s.replace(",", "")
    try:
        v = float(s)
    except ValueError:
        return None
    return v if v == v and abs(v) != float("inf") else None


def typed_table(columns: dict[str, list[str]], numeric: Iterable[str] = ()) -> pa.Table:
    """Text columns as a table: a column whose every non-empty value is a number (or that is in
    ``numeric``) becomes float64 (empty: null); others stay strings (empty: null)."""
    arrays: dict[str, pa.Array] = {}
    forced = set(numeric)
    for name, values in columns.items():
        nums = [None if v == "" else _number(v) for v in values]
        filled = sum(v != "" for v in values)
        if name in forced or (filled and sum(n is not None for n in nums) == filled):
            arrays[name] = pa.array(nums, pa.float64())
        else:
            arrays[name] = pa.array([v or None for v in values], pa.string())
    return pa.table(arrays)


def _locate(preset: CustomerPreset, header: list[str]) -> dict[str, str]:
    """Canonical name -> header, for the preset's columns found in ``header``."""
    normed = {norm_header(h): h for h in reversed(header)}
    out: dict[str, str] = {}
    for canon, aliases in preset.columns.items():
        for alias in aliases:
            if norm_header(alias) in normed:
                out[canon] = normed[norm_header(alias)]
                break
    return out


def _plan(preset: CustomerPreset, header: list[str], name: str) -> tuple[dict[str, str], dict]:
    """(stored column -> header, identifier kind -> header) for the file; refuses a file
    without the preset's id column or (``bank-marketing``) without its columns."""
    found = _locate(preset, header)
    idents: dict[str, str] = {}
    for h in header:
        kind = identifier_kind(h)
        if kind and kind not in idents:
            idents[kind] = h
    missing = [c for c in preset.columns if c not in found] if not preset.keep_unknown else []
    if not preset.id_from_row and "customer_id" not in found:
        missing = ["customer_id"]
    if missing:
        raise UnknownPresetError(
            code="targeting.customers_wrong_shape",
            file=name,
            preset=preset.name,
            missing=", ".join(missing[:8]),
            found=", ".join(header[:12]),
        )
    taken = set(found.values()) | set(idents.values())
    cols = dict(found)
    if preset.keep_unknown:
        for h in header:
            if h not in taken and h.strip() and h not in cols:
                cols[h.strip()] = h
    cols.pop("customer_id", None)
    return cols, idents


def import_customers(
    ws: Workspace, path: str | Path, preset: str = "customers", *, file_name: str | None = None
) -> CustomersImport:
    """Import a customer file with ``preset``; see the module docstring."""
    p = PRESETS.get(preset)
    if p is None:
        raise UnknownPresetError(
            code="targeting.unknown_preset", name=preset[:60], choices=", ".join(PRESETS)
        )
    path = Path(path)
    name = (file_name or path.name)[:200]
    started = ledger.now()
    with ws.lock("customers"), open_source(path) as src:
        header = list(src.columns)
        cols, idents = _plan(p, header, name)
        res = CustomersImport(
            import_id=ledger.new_import_id("c"),
            file=name,
            sha256=ledger.sha256_file(path),
            preset=p.name,
            encoding=src.encoding or src.format,
            delimiter=src.delimiter or src.format,
            columns=["customer_id", *cols],
            private=sorted(idents),
            started_at=started,
        )
        id_col = None if p.id_from_row else _locate(p, header)["customer_id"]
        values: dict[str, list[str]] = {c: [] for c in ["customer_id", *cols]}
        private: list[str] = []
        fernet = Fernet(key_for(ws.root)) if idents else None
        bad: list[ledger.QuarantineRow] = []
        seen: dict[str, int] = {}

        def reject(row: int, raw: str, reason: str, detail: str) -> None:
            bad.append((row, reason, detail, raw))
            res.reasons[reason] = res.reasons.get(reason, 0) + 1
            if len(res.rejects) < MAX_REJECTS_KEPT:
                text = ledger.detail_text(detail, "en")
                res.rejects.append({"row": row, "reason": reason, "detail": text})

        for batch in src.batches(10_000):
            for rec in batch:
                res.rows_read += 1
                if rec.values is None:
                    reject(rec.row, rec.raw_text(), rec.reason or "malformed", rec.detail or "")
                    continue
                cells = {h: cell_text(rec.values.get(h)) for h in header}
                cid = str(rec.row) if id_col is None else cells.get(id_col, "")
                if not cid:
                    reject(
                        rec.row,
                        rec.raw_text(),
                        "missing_customer_id",
                        ledger.coded_detail("customer_no_id", column=id_col or ""),
                    )
                    continue
                wrong = next(
                    (c for c in p.numeric if c in cols and cells[cols[c]] and
                     _number(cells[cols[c]]) is None),
                    None,
                )  # fmt: skip
                if wrong is not None:
                    reject(
                        rec.row,
                        rec.raw_text(),
                        "bad_number",
                        ledger.coded_detail(
                            "customer_not_number", column=cols[wrong], value=cells[cols[wrong]][:40]
                        ),
                    )
                    continue
                if cid in seen:
                    reject(
                        rec.row,
                        rec.raw_text(),
                        "duplicate",
                        ledger.coded_detail("duplicate", line=seen[cid]),
                    )
                    continue
                seen[cid] = rec.row
                values["customer_id"].append(cid)
                for c, h in cols.items():
                    values[c].append(cells[h])
                if fernet is not None:
                    secret = {k: cells[h] for k, h in idents.items() if cells[h]}
                    token = json.dumps(secret).encode("utf-8")
                    private.append(fernet.encrypt(token).decode("ascii") if secret else "")
                else:
                    private.append("")
        if res.rows_read == 0:
            raise InputFileError(code="targeting.customers_empty", file=name)
        numeric = [c for c in p.numeric if c in cols]
        table = typed_table(values, numeric).append_column("private", pa.array(private))
        table = table.set_column(0, "customer_id", pc.cast(table["customer_id"], pa.string()))
        res.rejected = res.quarantined = len(bad)
        with ws.begin() as tx:
            ledger.start(
                tx,
                import_id=res.import_id,
                stream="customers",
                source_path=name,
                sha256=res.sha256,
                preset=p.name,
                format=src.format,
                encoding=res.encoding,
                delimiter=res.delimiter,
                timezone=str(settings.get("timezone")),
                options={},
                started_at=started,
            )
            merged = _merge(customers_path(ws), table, res)
            ledger.quarantine(tx, res.sha256, res.import_id, name, bad)
            ledger.add_counts(
                tx,
                res.import_id,
                rows_read=res.rows_read,
                imported=res.imported,
                updated=res.updated,
                rejected=res.rejected,
                quarantined=res.quarantined,
            )
            res.finished_at = ledger.now()
            ledger.finish(tx, res.import_id, "done", rejects=res.rejects)
            _write(customers_path(ws), merged)
    res.total = merged.num_rows
    assert res.rows_read == res.imported + res.updated + res.rejected
    return res


def _merge(target: Path, new: pa.Table, res: CustomersImport) -> pa.Table:
    """The stored table with ``new``'s customers replacing theirs; counts imported/updated.
    A column typed differently in the two becomes text."""
    if not target.exists():
        res.imported = new.num_rows
        return new
    old = pq.read_table(target)
    known = pc.is_in(old["customer_id"], value_set=new["customer_id"])
    res.updated = int(pc.sum(known).as_py() or 0)
    res.imported = new.num_rows - res.updated
    old = old.filter(pc.invert(known))
    for name in set(old.column_names) & set(new.column_names):
        if old.schema.field(name).type != new.schema.field(name).type:
            old = old.set_column(
                old.column_names.index(name), name, pc.cast(old[name], pa.string())
            )
            new = new.set_column(
                new.column_names.index(name), name, pc.cast(new[name], pa.string())
            )
    return pa.concat_tables([old, new], promote_options="default")


def _write(target: Path, table: pa.Table) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.partial")
    try:
        pq.write_table(table, tmp, compression="zstd")
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


STREAM = register(
    Stream(
        name="customers",
        table="segment/customers/customers.parquet",
        key=("customer_id",),
        fields=("customer_id", "age", "gender", "region", "job", "private"),
        on_repeat="update",
        presets=lambda: list(PRESETS),
        time="joined_at and other dates: kept as written (no zone shift)",
        run=import_customers,
    )
)
