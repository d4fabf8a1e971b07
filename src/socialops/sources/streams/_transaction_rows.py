"""Transaction files' presets and rows: which column is the customer, the date, the amount and the
quantity, how one row becomes a record (or a quarantined row with its reason), and a reader for
whitespace-aligned text files such as CDNOW's.

Presets:

- ``cdnow``: ``CDNOW_master.txt`` (Fader & Hardie's CDNOW panel): columns aligned with runs of
  spaces (no delimiter the CSV reader knows), header ``customer_id date number_of_cds
  dollar_value``, dates ``YYYYMMDD``, amounts in US dollars.
- ``transactions``: any CSV/TSV/XLSX/JSONL/Parquet file with Korean or English headers
  (고객번호/고객ID/customer_id, 주문일/구매일/일자/date, 금액/매출/amount, 수량/quantity),
  through the one reader stack (:func:`socialops.sources.readers.open_source`).

Bad rows (reasons of the quarantine catalogue): ``missing_value`` (no customer, date or amount),
``bad_date`` (a date that is not a calendar day), ``out_of_range`` (a year outside 1900..2199, an
amount over 2^53), ``bad_number`` (an amount or quantity that is not a number), ``negative`` (a
negative amount or quantity: returns and refunds are not purchases and would bend RFM and the
repeat-purchase models; import them elsewhere), ``column_count`` (a whitespace row with more or
fewer fields than the header)."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from socialops.errors import InputFileError, UnknownPresetError
from socialops.sources.ledger import coded_detail as coded
from socialops.sources.metric_rows import RowError, parse_count
from socialops.sources.readers import RawRecord, Source, detect_encoding

__all__ = [
    "FIELDS",
    "PRESETS",
    "TxPreset",
    "TxRecord",
    "get_preset",
    "locate",
    "open_whitespace",
    "tx_record",
]

FIELDS = ("customer_id", "date", "amount", "quantity")
REQUIRED = ("customer_id", "date", "amount")
YEAR_MIN, YEAR_MAX = 1900, 2199
_EMPTY = {"", "-", "n/a", "na", "nan", "null", "none", "#n/a"}
_DAY = re.compile(r"^(\d{4})\s*[-./]\s*(\d{1,2})\s*[-./]\s*(\d{1,2})\.?(?:[ T].*)?$")
_MAX_ID = 200


@dataclass(frozen=True)
class TxPreset:
    """A transaction file's shape: its columns' names per field and how it is read."""

    name: str
    columns: dict[str, tuple[str, ...]]
    whitespace: bool = False  # columns aligned with spaces (CDNOW), read by open_whitespace
    note: str = ""


def _norm(name: str) -> str:
    return re.sub(r"[\s_\-./()]+", "", name.strip().lower())


PRESETS: dict[str, TxPreset] = {
    "cdnow": TxPreset(
        "cdnow",
        {
            "customer_id": ("customer_id",),
            "date": ("date",),
            "amount": ("dollar_value",),
            "quantity": ("number_of_cds",),
        },
        whitespace=True,
        note="CDNOW_master.txt: whitespace-aligned, YYYYMMDD dates, US dollars",
    ),
    "transactions": TxPreset(
        "transactions",
        {
            "customer_id": (
                "customer_id",
                "고객번호",
                "고객ID",
                "고객아이디",
                "고객코드",
                "회원번호",
                "회원ID",
                "customer",
                "customerid",
                "client_id",
                "user_id",
            ),
            "date": (
                "date",
                "주문일",
                "구매일",
                "일자",
                "주문일자",
                "구매일자",
                "거래일",
                "거래일자",
                "날짜",
                "order_date",
                "purchase_date",
                "invoice_date",
                "transaction_date",
            ),
            "amount": (
                "amount",
                "금액",
                "매출",
                "결제금액",
                "구매금액",
                "주문금액",
                "매출액",
                "sales",
                "revenue",
                "value",
                "dollar_value",
            ),
            "quantity": ("quantity", "수량", "구매수량", "주문수량", "qty", "number_of_cds"),
        },
        note="CSV/XLSX with Korean or English headers",
    ),
}


def get_preset(name: str | None) -> TxPreset:
    p = PRESETS.get((name or "transactions").strip().lower())
    if p is None:
        raise UnknownPresetError(
            code="segment_rfm.unknown_preset", name=str(name)[:60], choices=", ".join(PRESETS)
        )
    return p


def locate(
    preset: TxPreset, header: list[str], mapping: dict[str, str] | None = None
) -> dict[str, int]:
    """Field → column index: ``mapping`` (field → the file's column name) first, then the
    preset's names (case, spaces and underscores ignored). A required field with no column
    fails with one line naming the fields it looked for and the columns it found."""
    normed = {_norm(h): i for i, h in enumerate(header)}
    col: dict[str, int] = {}
    for name, wanted in (mapping or {}).items():
        if name not in FIELDS:
            raise InputFileError(
                code="segment_rfm.bad_mapping", field=str(name)[:40], choices=", ".join(FIELDS)
            )
        i = normed.get(_norm(wanted))
        if i is None:
            raise InputFileError(
                code="segment_rfm.no_column", column=str(wanted)[:60], found=_found(header)
            )
        col[name] = i
    for name in FIELDS:
        if name in col:
            continue
        for cand in preset.columns[name]:
            i = normed.get(_norm(cand))
            if i is not None:
                col[name] = i
                break
    missing = [f for f in REQUIRED if f not in col]
    if missing:
        raise InputFileError(
            code="segment_rfm.wrong_shape",
            preset=preset.name,
            missing=", ".join(f"{f} ({' / '.join(preset.columns[f][:3])})" for f in missing),
            found=_found(header),
        )
    return col


def _found(header: list[str]) -> str:
    return ", ".join(h[:40] for h in header[:12]) + (" ..." if len(header) > 12 else "")


@dataclass(slots=True)
class TxRecord:
    customer_id: str
    date: date
    amount: float
    quantity: float | None = field(default=None)


def _cell(fields: list[str], col: dict[str, int], name: str) -> str:
    i = col.get(name)
    return fields[i].strip() if i is not None and i < len(fields) else ""


def _day(text: str) -> date:
    s = text.strip()
    if s.lower() in _EMPTY:
        raise RowError("missing_value", coded("empty", field="date"))
    try:
        if s.isdigit() and len(s) == 8:
            y, m, d = int(s[:4]), int(s[4:6]), int(s[6:])
        else:
            mt = _DAY.match(s)
            if not mt:
                raise ValueError(s)
            y, m, d = int(mt.group(1)), int(mt.group(2)), int(mt.group(3))
        day = date(y, m, d)
    except ValueError:
        raise RowError("bad_date", coded("not_date", field="date", value=s[:40])) from None
    if not YEAR_MIN <= day.year <= YEAR_MAX:
        raise RowError(
            "out_of_range",
            coded("year_range", field="date", value=s[:40], low=YEAR_MIN, high=YEAR_MAX),
        )
    return day


def tx_record(fields: list[str], col: dict[str, int]) -> TxRecord:
    """One row → a transaction record; :class:`RowError` (reason, coded detail) when bad."""
    cid = _cell(fields, col, "customer_id")
    if cid.lower() in _EMPTY:
        raise RowError("missing_value", coded("empty", field="customer_id"))
    if cid.endswith(".0") and cid[:-2].isdigit():  # a spreadsheet's number cell
        cid = cid[:-2]
    day = _day(_cell(fields, col, "date"))
    amount = parse_count(_cell(fields, col, "amount"), "amount")
    if amount is None:
        raise RowError("missing_value", coded("empty", field="amount"))
    qty = parse_count(_cell(fields, col, "quantity"), "quantity") if "quantity" in col else None
    return TxRecord(cid[:_MAX_ID], day, float(amount), None if qty is None else float(qty))


def cell_text(value: object) -> str:
    """A reader's value as the text :func:`tx_record` reads (XLSX dates and numbers too)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, date):  # datetime is a date: its day
        return value.isoformat()[:10]
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value).strip()


# -- whitespace-aligned text (CDNOW) ----------------------------------------------------------
def open_whitespace(path: Path) -> Source:
    """A whitespace-aligned text file as a :class:`Source` (fields split on runs of spaces or
    tabs; the first non-blank line is the header). The CSV reader of
    :mod:`socialops.sources.readers` splits on one character, which reads ``a  b`` as three
    fields, so this preset has its own line reader; encoding detection is the shared one."""
    with open(path, "rb") as f:
        sample = f.read(256 * 1024)
    if not sample.strip():
        raise InputFileError(code="sources.blank", file=path.name)
    enc = detect_encoding(sample, complete=len(sample) < 256 * 1024, name=path.name)
    fh = open(path, "rb")  # noqa: SIM115 - closed by Source.close
    header: list[str] = []
    first_line = 0
    for n, raw in enumerate(fh, start=1):
        text = raw.decode(enc, errors="replace").strip().lstrip("\ufeff")
        if text:
            header, first_line = text.split(), n
            break
    state = {"done": 0}
    size = path.stat().st_size

    def batches(batch: int) -> Iterator[list[RawRecord]]:
        out: list[RawRecord] = []
        row = 0
        for n, raw in enumerate(fh, start=first_line + 1):
            state["done"] += len(raw)
            try:
                text = raw.decode(enc).rstrip("\r\n")
            except UnicodeDecodeError:
                row += 1
                out.append(
                    RawRecord(
                        row,
                        None,
                        raw.decode(enc, errors="replace")[:2000],
                        "encoding",
                        coded("bad_encoding", line=n, encoding=enc),
                        n,
                    )
                )
                continue
            parts = text.split()
            if not parts:
                continue
            row += 1
            if len(parts) != len(header):
                detail = coded("header_width", found=len(parts), width=len(header))
                out.append(RawRecord(row, None, text[:2000], "column_count", detail, n))
            else:
                out.append(RawRecord(row, dict(zip(header, parts, strict=True)), text, line=n))
            if len(out) >= batch:
                yield out
                out = []
        if out:
            yield out

    return Source(
        path=path,
        format="text",
        encoding=enc,
        delimiter="whitespace",
        columns=header,
        header=True,
        _batches=batches,
        position=lambda: (state["done"], size),
        _closers=[fh.close],
    )
