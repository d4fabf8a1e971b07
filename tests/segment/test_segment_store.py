"""Saved segments: save, replace, list, read back lazily, delete; identifiers encrypted at rest
and never plain in any table; names validated; ``save_from_scores`` from a scores file."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from socialops.errors import DataError, InputFileError, SettingsError
from socialops.segment.store import (
    Member,
    delete_segment,
    get_segment,
    list_segments,
    members_from_table,
    save_from_scores,
    save_segment,
    segment_members,
    valid_name,
)
from socialops.store.workspace import Workspace

EMAIL = "Kim.Minsu@Example.co.kr"
PHONE = "010-9876-5432"


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return Workspace.open(tmp_path / "ws")


def _members(n: int, start: int = 0) -> list[Member]:
    return [
        Member(
            customer_id=f"c{i:05d}",
            score=i / 1000,
            attributes={"age": 30 + i % 40, "지역": "서울"},
            identifiers={"email": f"user{i}@example.com", "phone": f"010-1234-{i:04d}"},
        )
        for i in range(start, start + n)
    ]


def _all_text(ws: Workspace) -> str:
    """Every cell of the tables a segment touches, as one text (to look for plain values)."""
    out: list[str] = []
    with ws.connect() as conn:
        for table in ("segments", "segment_members", "audience_exports"):
            for row in conn.execute(text(f"SELECT * FROM {table}")):
                out.extend(str(v) for v in row)
    return "\n".join(out)


def test_save_list_get_and_read_back(ws: Workspace) -> None:
    info = save_segment(
        ws, "캠페인/vip-2026.q1", _members(2500), kind="manual", description="VIP", created_by="u"
    )
    assert info.size == 2500 and info.name == "캠페인/vip-2026.q1"
    assert [s.name for s in list_segments(ws)] == ["캠페인/vip-2026.q1"]
    got = get_segment(ws, "캠페인/vip-2026.q1")
    assert got.size == 2500 and got.description == "VIP" and got.created_by == "u"
    assert got.to_dict()["kind"] == "manual"
    members = list(segment_members(ws, "캠페인/vip-2026.q1"))
    assert len(members) == 2500  # more than two pages of 1000
    assert [m.customer_id for m in members] == sorted(m.customer_id for m in members)
    first = members[0]
    assert first.attributes == {"age": 30, "지역": "서울"} and first.score == 0.0
    assert first.identifiers == {}  # not decrypted unless asked
    with_ids = next(iter(segment_members(ws, "캠페인/vip-2026.q1", with_identifiers=True)))
    assert with_ids.identifiers == {"email": "user0@example.com", "phone": "010-1234-0000"}
    assert "user0@example.com" not in repr(with_ids)


def test_identifiers_are_never_plain_in_the_tables(ws: Workspace) -> None:
    save_segment(
        ws,
        "secret",
        [Member("a1", identifiers={"email": EMAIL, "phone": PHONE})],
        kind="manual",
    )
    dump = _all_text(ws)
    assert "a1" in dump  # the dump does read the rows
    for raw in (EMAIL, PHONE, EMAIL.lower(), "01098765432", "9876"):
        assert raw not in dump
    if ws.db_path.exists():  # SQLite: the bytes of the file itself (and its journal)
        blob = b"".join(p.read_bytes() for p in ws.root.glob("workspace.db*"))
        assert EMAIL.encode() not in blob and PHONE.encode() not in blob


def test_save_replaces_atomically_and_keeps_created_at(ws: Workspace) -> None:
    first = save_segment(ws, "s", _members(10), kind="manual")
    second = save_segment(ws, "s", _members(3, start=100), kind="scores", source="f.csv")
    assert second.created_at == first.created_at and second.updated_at >= first.updated_at
    ids = [m.customer_id for m in segment_members(ws, "s")]
    assert ids == ["c00100", "c00101", "c00102"]
    assert get_segment(ws, "s").kind == "scores"


def test_a_failed_save_leaves_the_old_segment(ws: Workspace) -> None:
    save_segment(ws, "s", _members(5), kind="manual")

    def bad() -> list[Member]:
        return [*_members(1500, start=10), Member("")]  # fails after a full batch was written

    with pytest.raises(DataError) as err:
        save_segment(ws, "s", bad(), kind="manual")
    assert err.value.code == "segments.member_no_id"
    assert get_segment(ws, "s").size == 5
    assert len(list(segment_members(ws, "s"))) == 5


def test_readers_never_see_a_half_saved_segment(ws: Workspace) -> None:
    save_segment(ws, "s", _members(3000), kind="manual")
    seen: list[int] = []
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            seen.append(get_segment(ws, "s").size)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        save_segment(ws, "s", _members(2000, start=5000), kind="manual")
    finally:
        stop.set()
        reader.join()
    assert set(seen) <= {3000, 2000}
    assert len(list(segment_members(ws, "s"))) == 2000


def test_duplicates_kept_once_and_counted(ws: Workspace) -> None:
    info = save_segment(ws, "d", [Member("a"), Member("b"), Member("a", score=0.9)], kind="manual")
    assert info.size == 2 and info.definition["duplicates"] == 1
    assert next(iter(segment_members(ws, "d"))).score is None  # the first "a" was kept


def test_missing_segment_and_delete(ws: Workspace) -> None:
    with pytest.raises(DataError) as err:
        get_segment(ws, "없음")
    assert err.value.code == "segments.not_found"
    with pytest.raises(DataError):
        segment_members(ws, "없음")
    save_segment(ws, "x", _members(3), kind="manual")
    delete_segment(ws, "x")
    assert list_segments(ws) == []
    with ws.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM segment_members")).scalar() == 0
    with pytest.raises(DataError):
        delete_segment(ws, "x")


@pytest.mark.parametrize(
    "name", ["", "a//b", "/a", "a/", "../x", "a b", "a;drop", "x" * 121, "a/./b", "이름?"]
)
def test_bad_names_refused(name: str) -> None:
    with pytest.raises(SettingsError):
        valid_name(name)


@pytest.mark.parametrize("name", ["cdnow/champions", "봄_캠페인-1.2", "A/B/C", "x" * 120])
def test_good_names(name: str) -> None:
    assert valid_name(f" {name} ") == name


def test_unknown_kind(ws: Workspace) -> None:
    with pytest.raises(SettingsError):
        save_segment(ws, "k", [], kind="magic")


def test_members_from_table_detects_identifier_columns() -> None:
    rows = [
        {
            "고객번호": "1",
            "이메일": EMAIL,
            "휴대폰 번호": PHONE,
            "성명": "김민수",
            "age": 41,
            "score": "0.8",
        },
        {"고객번호": "2", "이메일": "", "휴대폰 번호": None, "성명": "", "age": 35, "score": "x"},
    ]
    ms = list(members_from_table(rows, id_col="고객번호"))
    assert ms[0].identifiers == {"email": EMAIL, "phone": PHONE, "name": "김민수"}
    assert ms[0].attributes == {"age": 41} and ms[0].score == 0.8
    assert ms[1].identifiers == {} and ms[1].score is None
    with pytest.raises(InputFileError):
        list(members_from_table(rows, id_col="customer_id"))


def _scores_csv(path: Path, encoding: str = "utf-8") -> Path:
    lines = ["customer_id,연락처,contact,age,score"]
    for i in range(20):
        lines.append(f"c{i},010-5555-{i:04d},p{i}@mail.example.com,{20 + i},{i / 20}")
    lines.append("c99,,,50,not-a-number")
    path.write_text("\n".join(lines) + "\n", encoding=encoding)
    return path


def test_save_from_scores(ws: Workspace, tmp_path: Path) -> None:
    path = _scores_csv(tmp_path / "scores.csv", encoding="cp949")
    info = save_from_scores(ws, "model/top", path, min_score=0.5, created_by="kim")
    assert info.kind == "scores" and info.size == 10 and info.source == "scores.csv"
    assert info.definition["rows"] == 21 and info.definition["no_score"] == 1
    assert info.definition["identifiers"] == ["email", "phone"]  # "contact" by its values
    m = next(iter(segment_members(ws, "model/top", with_identifiers=True)))
    assert m.customer_id == "c10" and m.score == 0.5
    assert m.identifiers == {"phone": "010-5555-0010", "email": "p10@mail.example.com"}
    assert m.attributes == {"age": "30"}
    assert "p10@mail.example.com" not in _all_text(ws)


def test_save_from_scores_errors(ws: Workspace, tmp_path: Path) -> None:
    path = _scores_csv(tmp_path / "scores.csv")
    with pytest.raises(DataError) as err:
        save_from_scores(ws, "none", path, min_score=0.99)
    assert err.value.code == "segments.none_above"
    with pytest.raises(SettingsError):
        save_from_scores(ws, "x", path, min_score=1.5)
    with pytest.raises(InputFileError) as bad:
        save_from_scores(ws, "x", path, min_score=0.5, id_col="cust")
    assert bad.value.code == "segments.id_col_missing"
    no_score = tmp_path / "plain.csv"
    no_score.write_text("customer_id,age\n1,2\n", encoding="utf-8")
    with pytest.raises(InputFileError) as miss:
        save_from_scores(ws, "x", no_score, min_score=0.5)
    assert miss.value.code == "segments.score_col_missing"
    assert list_segments(ws) == []


def test_scores_without_customer_id_take_row_numbers(ws: Workspace, tmp_path: Path) -> None:
    """``bank.csv`` has no customer id: as its import preset does, the data row number (1 for
    the first row under the header) becomes the id; a named id column that is missing is an
    error all the same."""
    path = tmp_path / "bank_scores.csv"
    path.write_text("age,job,score\n30,admin.,0.9\n40,blue-collar,0.1\n50,retired,0.8\n")
    info = save_from_scores(ws, "bank/likely", path, min_score=0.5)
    assert info.size == 2 and info.definition["id_from_row"] is True
    assert [m.customer_id for m in segment_members(ws, "bank/likely")] == ["1", "3"]
    with pytest.raises(InputFileError):
        save_from_scores(ws, "bank/x", path, min_score=0.5, id_col="고객번호")


def test_scores_take_identifiers_of_imported_customers(ws: Workspace, tmp_path: Path) -> None:
    """A scores file without e-mail or phone: the members get those the workspace's customer
    table keeps (encrypted) for the same ids; a row's own identifiers win. The same for any
    saved segment (an RFM one has no identifiers of its own)."""
    from socialops.sources.streams.customers import import_customers

    customers = tmp_path / "customers.csv"
    customers.write_text(
        "고객번호,나이,이메일,휴대폰\nk1,30,k1@example.kr,010-1111-2222\n"
        "k2,40,k2@example.kr,\nk3,50,,\n",
        encoding="utf-8",
    )
    import_customers(ws, customers)
    scores = tmp_path / "scores.csv"
    scores.write_text(
        "customer_id,age,email,score\nk1,30,,0.9\nk2,40,own@example.kr,0.8\nk3,50,,0.7\n"
        "k9,60,,0.95\n",
        encoding="utf-8",
    )
    info = save_from_scores(ws, "k", scores, min_score=0.5)
    assert info.definition["identifiers_from_customers"] == 1  # k1 (k2 has its own, k3 none)
    got = {m.customer_id: m.identifiers for m in segment_members(ws, "k", with_identifiers=True)}
    assert got == {
        "k1": {"email": "k1@example.kr", "phone": "010-1111-2222"},
        "k2": {"email": "own@example.kr"},
        "k3": {},
        "k9": {},
    }
    assert "k1@example.kr" not in _all_text(ws)


def test_any_segment_takes_customer_identifiers(ws: Workspace, tmp_path: Path) -> None:
    from socialops.sources.streams.customers import import_customers

    customers = tmp_path / "customers.csv"
    customers.write_text("customer_id,email\n7,seven@example.kr\n", encoding="utf-8")
    import_customers(ws, customers)
    info = save_segment(ws, "rfm/x", [Member("7", 12.0), Member("8", 3.0)], kind="rfm")
    assert info.definition == {"identifiers_from_customers": 1}
    got = [m.identifiers for m in segment_members(ws, "rfm/x", with_identifiers=True)]
    assert got == [{"email": "seven@example.kr"}, {}]
