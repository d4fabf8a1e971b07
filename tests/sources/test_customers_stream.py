"""The ``customers`` stream on both databases: the real bank.csv through the ``bank-marketing``
preset (row numbers as stable ids, an import again updates in place), a Korean CP949 CRM export
through the ``customers`` preset with its identifiers encrypted (never plain in the Parquet),
bad rows quarantined with counts that add up, and a file of the wrong shape refused."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from socialops.errors import InputFileError, UnknownPresetError
from socialops.sources import ledger, streams
from socialops.sources.streams.customers import customers_path, identifier_kind, import_customers
from socialops.store.secrets import decrypt
from socialops.store.workspace import Workspace


@pytest.fixture
def ws(database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Workspace]:
    root = tmp_path / "ws"
    monkeypatch.setenv("SOCIALOPS_HOME", str(root))
    monkeypatch.delenv("SOCIALOPS_SECRET_KEY", raising=False)
    yield Workspace.open(root)


def test_the_stream_is_registered_with_its_presets() -> None:
    s = streams.get("customers")
    assert s.key == ("customer_id",) and s.on_repeat == "update"
    assert set(s.presets()) == {"bank-marketing", "customers"}


def test_bank_csv_row_numbers_are_stable_ids(
    ws: Workspace, shared_file: Callable[[str], Path]
) -> None:
    bank = shared_file("bank_marketing/bank.csv")
    first = import_customers(ws, bank, "bank-marketing")
    assert (first.rows_read, first.imported, first.updated, first.rejected) == (11162, 11162, 0, 0)
    table = pq.read_table(customers_path(ws))
    assert table.num_rows == 11162
    ids = table["customer_id"].to_pylist()
    assert ids[:3] == ["1", "2", "3"] and ids[-1] == "11162"
    row = table.slice(0, 1).to_pylist()[0]  # 59,admin.,married,...,1042,...,yes
    assert row["age"] == 59.0 and row["job"] == "admin." and row["duration"] == 1042.0
    assert row["deposit"] == "yes" and row["private"] == ""
    assert str(table.schema.field("balance").type) == "double"
    again = import_customers(ws, bank, "bank-marketing")
    assert (again.imported, again.updated, again.total) == (0, 11162, 11162)
    assert pq.read_table(customers_path(ws))["customer_id"].to_pylist()[:3] == ["1", "2", "3"]
    rows = {r["import_id"]: r for r in ledger.list_imports(ws, "customers")}
    assert rows[again.import_id]["updated"] == 11162 and rows[again.import_id]["rows_read"] == 11162


CRM = (
    "고객번호,나이,성별,지역,이메일,휴대폰,구매여부,메모\n"
    "C1,34,여,서울,kim@example.com,010-1234-5678,예,단골\n"
    "C2,51,남,부산,lee@example.com,010-2222-3333,아니오,\n"
    ",40,남,대구,nobody@example.com,010-9999-0000,예,ID 없음\n"
    "C3,마흔,여,광주,park@example.com,,아니오,나이가 글자\n"
    "C1,35,여,서울,kim2@example.com,,예,같은 ID 두 번\n"
    "C4,,남,인천,,,아니오,\n"
)


def test_a_korean_crm_export_keeps_identifiers_encrypted(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "고객.csv"
    path.write_bytes(CRM.encode("cp949"))
    res = import_customers(ws, path, "customers")
    assert (res.rows_read, res.imported, res.rejected) == (6, 3, 3)
    assert res.reasons == {"missing_customer_id": 1, "bad_number": 1, "duplicate": 1}
    assert res.private == ["email", "phone"]
    quarantined = {q["row"]: q["reason"] for q in ledger.list_quarantine(ws, None, res.import_id)}
    assert quarantined == {3: "missing_customer_id", 4: "bad_number", 5: "duplicate"}
    table = pq.read_table(customers_path(ws))
    assert set(table.column_names) == {
        "customer_id", "age", "gender", "region", "response", "메모", "private",
    }  # fmt: skip
    cells = [str(v) for col in table.columns for v in col.to_pylist()]
    assert not any("@" in c or "010-" in c for c in cells)  # nothing plain, anywhere
    rows = {r["customer_id"]: r for r in table.to_pylist()}
    assert rows["C1"]["age"] == 34.0 and rows["C1"]["region"] == "서울"
    assert decrypt(ws.root, rows["C1"]["private"]) == {
        "email": "kim@example.com",
        "phone": "010-1234-5678",
    }
    assert rows["C4"]["private"] == "" and rows["C4"]["age"] is None


def test_a_file_without_its_id_column_or_rows_is_refused(ws: Workspace, tmp_path: Path) -> None:
    no_id = tmp_path / "no_id.csv"
    no_id.write_text("나이,성별\n30,여\n", encoding="utf-8")
    with pytest.raises(UnknownPresetError) as info:
        import_customers(ws, no_id, "customers")
    assert info.value.code == "targeting.customers_wrong_shape"
    assert "customer_id" in info.value.text("en")
    with pytest.raises(UnknownPresetError) as info:
        import_customers(ws, no_id, "bank-marketing")
    assert "age, job" in info.value.text("ko")
    header_only = tmp_path / "empty.csv"
    header_only.write_text("고객번호,나이\n", encoding="utf-8")
    with pytest.raises(InputFileError):
        import_customers(ws, header_only, "customers")
    with pytest.raises(UnknownPresetError):
        import_customers(ws, no_id, "crm")
    assert not customers_path(ws).exists()


def test_identifier_headers_in_korean_and_english() -> None:
    assert identifier_kind("E-Mail") == "email" and identifier_kind("이메일 주소") == "email"
    assert identifier_kind("휴대폰 번호") == "phone" and identifier_kind("연락처") == "phone"
    assert identifier_kind("성명") == "name" and identifier_kind("IDFA") == "idfa"
    assert identifier_kind("job") is None and identifier_kind("지역") is None
