"""Exporting a saved segment as an audience file: the file, the record of the export, the
floor on small audiences, counted left-outs, and no raw identifier anywhere (file or tables)."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pytest
from sqlalchemy import text

from socialops.errors import DataError, SettingsError
from socialops.segment.audience import audience_exports, export_audience
from socialops.segment.store import Member, save_segment
from socialops.store.workspace import Workspace


def sha(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _raw(i: int) -> dict[str, str]:
    return {
        "email": f" Customer.{i}@Example.com ",
        "phone": f"010-2{i:03d}-{i:04d}",
        "adid": f"{i:08x}-1111-4222-8333-{i:012x}",
    }


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    ws = Workspace.open(tmp_path / "ws")
    members = [Member(f"c{i:04d}", identifiers=_raw(i)) for i in range(1, 131)]
    members += [
        Member("bad-phone", identifiers={"phone": "1588-0000"}),
        Member("bad-email", identifiers={"email": "nobody-at-example"}),
        Member("nothing"),
        Member("ad-only", identifiers={"idfa": "AECE52E7-03EE-455A-B3C4-E57283966239"}),
    ]
    save_segment(ws, "vip/2026", members, kind="manual")
    return ws


def test_google_file_and_record(ws: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "google.csv"
    got = export_audience(ws, "vip/2026", "google", out, actor="kim@example.kr")
    assert got["rows"] == 130 and got["members"] == 134
    assert got["skipped"] == {
        "invalid_email": 1,
        "invalid_phone": 1,
        "no_identifier": 1,
        "not_carried": 1,
    }
    assert got["invalid"] == {"email": 1, "phone": 1}
    body = out.read_bytes()
    assert not body.startswith(b"\xef\xbb\xbf")  # the uploader matches "Email" exactly
    assert got["sha256"] == hashlib.sha256(body).hexdigest()
    rows = list(csv.reader(body.decode().splitlines()))
    assert rows[0] == ["Email", "Phone"] and len(rows) == 131
    assert rows[1] == [sha("customer.1@example.com"), sha("+821020010001")]
    (record,) = audience_exports(ws)
    assert record["segment"] == "vip/2026" and record["format"] == "google"
    assert record["rows"] == 130 and record["exported_by"] == "kim@example.kr"
    assert record["skipped"] == got["skipped"] and record["invalid"] == got["invalid"]
    assert record["sha256"] == got["sha256"] and record["file"] == "google.csv"
    assert not list(tmp_path.glob(".google.csv.*"))  # no temporary file left


def test_meta_phone_without_plus(ws: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "meta.csv"
    export_audience(ws, "vip/2026", "meta", out)
    rows = list(csv.reader(out.read_text(encoding="utf-8").splitlines()))
    assert rows[0] == ["EMAIL", "PHONE"]
    assert rows[1] == [sha("customer.1@example.com"), sha("821020010001")]


def test_kakao_ad_ids(ws: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "kakao.txt"
    got = export_audience(ws, "vip/2026", "kakao-moment", out)
    lines = out.read_text(encoding="utf-8").splitlines()
    assert got["rows"] == 131 == len(lines)  # 130 ADIDs and the IDFA, no header
    assert lines[0] == "aece52e7-03ee-455a-b3c4-e57283966239"  # "ad-only" sorts first
    assert lines[1] == "00000001-1111-4222-8333-000000000001"
    assert got["skipped"] == {"no_identifier": 1, "not_carried": 2}


def test_no_raw_identifier_anywhere(ws: Workspace, tmp_path: Path) -> None:
    files = []
    for fmt in ("meta", "google"):
        out = tmp_path / f"{fmt}.csv"
        export_audience(ws, "vip/2026", fmt, out)
        files.append(out.read_bytes())
    with ws.connect() as conn:
        for table in ("segments", "segment_members", "audience_exports"):
            for row in conn.execute(text(f"SELECT * FROM {table}")):
                files.append("|".join(map(str, row)).encode())
    if ws.db_path.exists():
        files.extend(p.read_bytes() for p in ws.root.glob("workspace.db*"))
    blob = b"\n".join(files)
    for i in (1, 57, 130):
        raw = _raw(i)
        for value in (raw["email"].strip(), raw["email"].strip().lower(), raw["phone"]):
            assert value.encode() not in blob
        assert raw["phone"].replace("-", "").encode() not in blob
        assert f"+8210{raw['phone'][4:].replace('-', '')}".encode() not in blob
    assert b"1588-0000" not in blob and b"nobody-at-example" not in blob


def test_too_small_refused_and_nothing_written(ws: Workspace, tmp_path: Path) -> None:
    save_segment(
        ws, "tiny", [Member(f"t{i}", identifiers=_raw(i)) for i in range(1, 11)], kind="manual"
    )
    out = tmp_path / "tiny.csv"
    with pytest.raises(DataError) as err:
        export_audience(ws, "tiny", "meta", out)
    assert err.value.code == "audience.too_small"
    assert err.value.params["rows"] == 10 and err.value.params["min_rows"] == 100
    assert err.value.params["no_identifier"] == 0 and err.value.params["invalid"] == 0
    assert "no identifier 0" in err.value.text("en") and "식별자 없음 0" in err.value.text("ko")
    assert "@" not in err.value.message and "010" not in err.value.message
    assert not out.exists() and not list(tmp_path.glob(".tiny.csv.*"))
    assert audience_exports(ws) == []
    # a segment large in members but small in what the format can carry is refused too
    with pytest.raises(DataError):
        export_audience(ws, "vip/2026", "naver-gfa", tmp_path / "n.txt", min_rows=200)


def test_errors(ws: Workspace, tmp_path: Path) -> None:
    with pytest.raises(SettingsError) as fmt:
        export_audience(ws, "vip/2026", "tiktok", tmp_path / "x.csv")
    assert fmt.value.code == "audience.format_unknown"
    with pytest.raises(DataError) as missing:
        export_audience(ws, "없는세그먼트", "meta", tmp_path / "x.csv")
    assert missing.value.code == "segments.not_found"
    with pytest.raises(SettingsError) as where:
        export_audience(ws, "vip/2026", "meta", tmp_path / "no-such-dir" / "x.csv")
    assert where.value.code == "audience.bad_out"


def test_exports_listed_newest_first_and_by_segment(ws: Workspace, tmp_path: Path) -> None:
    export_audience(ws, "vip/2026", "meta", tmp_path / "a.csv", actor="a")
    export_audience(ws, "vip/2026", "google", tmp_path / "b.csv", actor="b")
    listed = audience_exports(ws)
    assert [r["format"] for r in listed] == ["google", "meta"]
    assert audience_exports(ws, segment="other") == []
    assert len(audience_exports(ws, segment="vip/2026")) == 2
