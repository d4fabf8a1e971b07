"""The ``transactions`` stream: the CDNOW file (whitespace-aligned) and Korean/English CSVs into
Parquet under ``<workspace>/segment/transactions/``; counts that add up in the result and the
ledger; bad rows quarantined with their reason; a file imported again writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from socialops.errors import InputFileError, UnknownPresetError
from socialops.segment.transactions import load_transactions, read_transactions, skipped
from socialops.sources import ledger
from socialops.sources.streams import get
from socialops.sources.streams.transactions import (
    import_transactions,
    stored_parts,
    transactions_dir,
)
from socialops.store.workspace import Workspace

KOREAN = (
    "고객번호,주문일,금액,수량\n"
    "A1,2024-01-05,12000,1\n"
    "A1,2024.02.10,8000,2\n"
    'B2,20240301,"15,000원",1\n'
    "C3,2024-02-30,5000,1\n"  # no such day
    "C3,2024-03-01,-5000,1\n"  # a refund
    "D4,2024-03-02,많음,1\n"  # not a number
    ",2024-03-03,1000,1\n"  # no customer
    "E5,1850-01-01,1000,1\n"  # outside the years the product handles
)


def test_registered() -> None:
    s = get("transactions")
    assert s.on_repeat == "duplicate"
    assert set(s.presets()) == {"cdnow", "transactions"}
    assert s.fields == ("customer_id", "date", "amount", "quantity")


def test_cdnow_import_adds_up(workspace: Workspace, shared_file: Callable[[str], Path]) -> None:
    path = shared_file("cdnow/CDNOW_master.txt")
    res = import_transactions(workspace, path, "cdnow")
    assert res.rows_read == 69_659 == res.imported + res.duplicates + res.quarantined
    assert res.quarantined == 0 and res.customers == 23_570
    assert (res.first_date, res.last_date) == ("1997-01-01", "1998-06-30")
    (part,) = stored_parts(workspace)
    assert part.parent == transactions_dir(workspace)
    t = load_transactions(workspace)
    assert t.num_rows == 69_659
    first = t.slice(0, 3).to_pylist()
    assert first[0] == {
        "customer_id": "00001",
        "date": date(1997, 1, 1),
        "amount": 11.77,
        "quantity": 1.0,
    }
    assert first[2]["amount"] == 77.0 and first[2]["quantity"] == 5.0
    (row,) = ledger.list_imports(workspace, "transactions")
    assert (row["rows_read"], row["imported"], row["quarantined"]) == (69_659, 69_659, 0)
    # the same file again: every row a duplicate, nothing written
    again = import_transactions(workspace, path, "cdnow")
    assert (again.imported, again.duplicates) == (0, 69_659)
    assert len(stored_parts(workspace)) == 1
    assert load_transactions(workspace).num_rows == 69_659


def test_korean_csv_quarantines_bad_rows(workspace: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "거래.csv"
    path.write_bytes(KOREAN.encode("cp949"))
    res = import_transactions(workspace, path, "transactions")
    assert res.rows_read == 8 and res.imported == 3 and res.quarantined == 5
    assert res.reasons == {
        "bad_date": 1,
        "negative": 1,
        "bad_number": 1,
        "missing_value": 1,
        "out_of_range": 1,
    }
    q = ledger.list_quarantine(workspace, None, res.import_id)
    assert sorted(r["row"] for r in q) == [4, 5, 6, 7, 8]
    t = load_transactions(workspace)
    assert t.column("customer_id").to_pylist() == ["A1", "A1", "B2"]
    assert t.column("amount").to_pylist() == [12000.0, 8000.0, 15000.0]
    assert t.column("date").to_pylist()[1] == date(2024, 2, 10)
    # the file read without a workspace: the same rows, the skipped ones counted by reason
    direct = read_transactions(path)
    assert direct.num_rows == 3 and sum(skipped(direct).values()) == 5


def test_whitespace_row_with_a_missing_field(workspace: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "cd.txt"
    path.write_text(
        " customer_id  date number_of_cds  dollar_value\r\n"
        " 00001 19970101  1   11.77\r\n"
        " 00002 19970112  1\r\n"
        "\r\n"
        " 00003 19971332  1   5.00\r\n"
    )
    res = import_transactions(workspace, path, "cdnow")
    assert (res.rows_read, res.imported, res.quarantined) == (3, 1, 2)
    assert res.reasons == {"column_count": 1, "bad_date": 1}
    assert [r["line"] for r in res.rejects] == [3, 5]


def test_mapping_and_errors(workspace: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_text("member,when,paid\nm1,2024-01-01,10\nm2,2024-01-02,20\n")
    with pytest.raises(InputFileError) as exc:
        read_transactions(path)
    assert exc.value.code == "segment_rfm.wrong_shape"
    t = read_transactions(path, mapping={"customer_id": "member", "date": "when", "amount": "paid"})
    assert t.column("amount").to_pylist() == [10.0, 20.0]
    with pytest.raises(UnknownPresetError):
        import_transactions(workspace, path, "nope")
    with pytest.raises(InputFileError) as exc2:
        read_transactions(path, mapping={"customer_id": "nobody"})
    assert exc2.value.code == "segment_rfm.no_column"
    # a failed import leaves no part and no ledger row
    assert not stored_parts(workspace)
    assert not ledger.list_imports(workspace, "transactions")
    assert not list(transactions_dir(workspace).glob("*.parquet"))


def test_xlsx_with_dates_and_number_cells(tmp_path: Path) -> None:
    import datetime as dt

    import openpyxl

    wb = openpyxl.Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.append(["고객ID", "구매일", "매출", "수량"])
    sheet.append([1001, dt.datetime(2024, 1, 5, 13, 0), 12000, 2])
    sheet.append(["A-2", dt.date(2024, 2, 1), 1500.5, None])
    sheet.append(["A-3", "2024/03/01", "₩3,000", 1])
    path = tmp_path / "tx.xlsx"
    wb.save(path)
    t = read_transactions(path)
    assert t.column("customer_id").to_pylist() == ["1001", "A-2", "A-3"]
    assert t.column("date").to_pylist() == [date(2024, 1, 5), date(2024, 2, 1), date(2024, 3, 1)]
    assert t.column("amount").to_pylist() == [12000.0, 1500.5, 3000.0]
    assert t.column("quantity").to_pylist() == [2.0, None, 1.0]
