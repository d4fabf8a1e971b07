"""Import into a workspace: counts, idempotence, duplicates, quarantine, time zones, crashes."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from socialops.domain.post import POST_SCHEMA
from socialops.errors import (
    InputFileError,
    SocialopsError,
    UnknownPresetError,
    WorkspaceError,
)
from socialops.listen.ingest import ImportResult, import_file, list_imports, list_quarantine
from socialops.store.workspace import Workspace


def _write(p: Path, text: str, encoding: str = "utf-8") -> Path:
    p.write_bytes(text.encode(encoding))
    return p


def _posts(ws: Workspace) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for part in ws.committed_raw_parts():
        t = pq.read_table(ws.raw_path(part))
        assert t.schema.equals(POST_SCHEMA)
        rows.extend(t.to_pylist())
    return rows


def _adds_up(r: ImportResult) -> None:
    assert r.rows_read == r.imported + r.duplicates + r.quarantined
    assert r.duplicates == r.duplicates_in_file + r.already_imported


BASIC = (
    "id,text,created_at,likes,author\n"
    "1,first post,2024-03-01T10:00:00+09:00,5,kim\n"
    "2,second post,2024-03-01 10:00:00,,lee\n"
    "3,third,1709254800,1,park\n"
    "2,second again,2024-03-02,3,lee\n"
)


def test_counts_and_record(workspace: Workspace, tmp_path: Path) -> None:
    p = _write(tmp_path / "basic.csv", BASIC)
    r = import_file(workspace, p, topics=["brand", "launch"], mapping={"platform": "x"})
    _adds_up(r)
    assert (r.rows_read, r.imported, r.duplicates_in_file, r.quarantined) == (4, 3, 1, 0)
    assert (r.format, r.encoding, r.delimiter) == ("csv", "utf-8", ",")
    d = r.to_dict()
    for k in (
        "format",
        "encoding",
        "delimiter",
        "import_id",
        "elapsed_s",
        "duplicates_in_file",
        "already_imported",
    ):
        assert k in d
    posts = sorted(_posts(workspace), key=lambda x: int(str(x["post_id"])))
    assert [x["post_id"] for x in posts] == ["1", "2", "3"]
    first = posts[0]
    assert first["platform"] == "x" and first["kind"] == "post"
    assert first["author_handle"] == "kim" and first["likes"] == 5
    assert first["source_file"] == str(p.absolute()) and first["source_row"] == 1
    assert first["topics"] == ["brand", "launch"] and first["import_id"] == r.import_id
    assert first["created_at"] == datetime(2024, 3, 1, 1, 0, tzinfo=UTC)
    assert posts[1]["likes"] is None and posts[1]["text"] == "second post"
    assert posts[2]["created_at"] == datetime.fromtimestamp(1709254800, UTC)
    imports = list_imports(workspace)
    assert imports[-1]["status"] == "done" and imports[-1]["rows_read"] == 4


def test_reimport_adds_nothing(workspace: Workspace, tmp_path: Path) -> None:
    p = _write(tmp_path / "basic.csv", BASIC + "4,,2024-01-01,1,x\n")
    r1 = import_file(workspace, p)
    r2 = import_file(workspace, p)
    _adds_up(r2)
    assert r1.imported == 3 and r2.imported == 0
    assert r2.already_imported == 3 and r2.duplicates_in_file == 1 and r2.quarantined == 1
    assert len(_posts(workspace)) == 3
    assert len(list_quarantine(workspace, limit=None)) == 1  # not stored twice
    # an extended file: only the new rows are added
    p2 = _write(tmp_path / "more.csv", BASIC + "5,new one,2024-03-05,0,choi\n")
    r3 = import_file(workspace, p2)
    assert (r3.imported, r3.already_imported, r3.duplicates_in_file) == (1, 3, 1)
    assert len(_posts(workspace)) == 4


def test_naive_vs_offset_timestamps(workspace: Workspace, tmp_path: Path) -> None:
    p = _write(
        tmp_path / "t.csv",
        "id,text,date\n"
        "a,x,2015-02-24 11:35:52 -0800\n"
        "b,x,2015-02-24 11:35:52\n"
        "c,x,15.08.25\n"
        "d,x,1424806552000\n"
        "e,x,Tue Feb 24 19:35:52 +0000 2015\n",
    )
    import_file(workspace, p, tz="America/New_York", mapping={"date_format": "%y.%m.%d"})
    got = {x["post_id"]: x["created_at"] for x in _posts(workspace)}
    assert got["a"] == datetime(2015, 2, 24, 19, 35, 52, tzinfo=UTC)  # offset kept
    assert got["b"] == datetime(2015, 2, 24, 16, 35, 52, tzinfo=UTC)  # naive in New York
    assert got["c"] == datetime(2015, 8, 25, 4, 0, tzinfo=UTC)  # local midnight (EDT)
    assert got["d"] == datetime(2015, 2, 24, 19, 35, 52, tzinfo=UTC)  # epoch ms
    assert got["e"] == datetime(2015, 2, 24, 19, 35, 52, tzinfo=UTC)


def test_default_zone_is_seoul(workspace: Workspace, tmp_path: Path) -> None:
    p = _write(tmp_path / "t.csv", "id,text,date\na,x,2024-01-01 09:00\n")
    import_file(workspace, p)
    assert _posts(workspace)[0]["created_at"] == datetime(2024, 1, 1, 0, 0, tzinfo=UTC)


def test_each_quarantine_reason(workspace: Workspace, tmp_path: Path) -> None:
    big = "x" * 70_000
    body = (
        "id,text,created_at,likes\n"
        "1,좋아요,2024-01-01,1\n"  # 1 ok
        ",no id,2024-01-01,1\n"  # 2 missing_id
        "3,,2024-01-01,1\n"  # 3 empty_text
        "4,bad date,not a date,1\n"  # 4 bad_date
        "5,no date,,1\n"  # 5 missing_date
        "6,bad count,2024-01-01,many\n"  # 6 bad_number
        f"7,{big},2024-01-01,1\n"  # 7 oversized_field
        "8,too,many,fields,here\n"  # 8 column_count
    ).encode()
    body += "9,\xb9\xe8\xbc\xdb,2024-01-01,1\n".encode("latin-1")  # 9 encoding (not utf-8)
    p = tmp_path / "q.csv"
    p.write_bytes(body)
    r = import_file(workspace, p)
    _adds_up(r)
    assert r.imported == 1 and r.quarantined == 8
    q = {x["row"]: x for x in list_quarantine(workspace, limit=None)}
    assert {k: v["reason"] for k, v in q.items()} == {
        2: "missing_id",
        3: "empty_text",
        4: "bad_date",
        5: "missing_date",
        6: "bad_number",
        7: "oversized_field",
        8: "column_count",
        9: "encoding",
    }
    assert all(v["file"] == str(p.absolute()) and v["detail"] for v in q.values())
    assert q[8]["raw"] == "8,too,many,fields,here"
    assert len(q[7]["raw"]) < 2_100  # truncated
    assert r.quarantine_reasons["bad_date"] == 1
    assert list_quarantine(workspace, limit=2, import_id=r.import_id)[0]["row"] == 2
    assert list_quarantine(workspace, import_id="nope") == []


def test_jsonl_bad_json_and_kind_column(workspace: Workspace, tmp_path: Path) -> None:
    p = tmp_path / "x.jsonl"
    lines = [
        {"id": 1, "text": "a", "date": "2024-01-01", "kind": "comment", "tags": ["x"]},
        {"id": 2, "text": "b", "date": "2024-01-01", "kind": "story"},
    ]
    p.write_text("\n".join(json.dumps(x) for x in lines) + "\n{broken\n", encoding="utf-8")
    r = import_file(workspace, p)
    _adds_up(r)
    assert (r.imported, r.quarantined) == (1, 2)
    assert r.quarantine_reasons == {"bad_json": 1, "bad_value": 1}
    post = _posts(workspace)[0]
    assert post["kind"] == "comment" and json.loads(str(post["extra"])) == {"tags": ["x"]}


def test_mapping_flags_and_errors(workspace: Workspace, tmp_path: Path) -> None:
    p = _write(tmp_path / "m.csv", "Body;When;Author\nhello;2024-01-01;kim\nbye;2024-01-02;lee\n")
    with pytest.raises(UnknownPresetError, match="post_id"):
        import_file(workspace, p)
    r = import_file(
        workspace,
        p,
        mapping={"post_id": "", "text": "Body", "created_at": "When", "platform": "blog"},
    )
    assert r.imported == 2 and r.delimiter == ";"
    ids = {x["post_id"] for x in _posts(workspace)}
    assert len(ids) == 2 and all(str(i).startswith("r") for i in ids)
    assert {x["author_handle"] for x in _posts(workspace)} == {"kim", "lee"}  # generic alias
    r2 = import_file(
        workspace,
        p,
        mapping={"post_id": "", "text": "Body", "created_at": "When", "platform": "blog"},
    )
    assert r2.already_imported == 2  # derived ids are stable
    with pytest.raises(UnknownPresetError, match="No column 'Nope'"):
        import_file(workspace, p, mapping={"text": "Nope", "post_id": ""})
    with pytest.raises(UnknownPresetError, match="Known presets"):
        import_file(workspace, p, preset="nope")
    with pytest.raises(UnknownPresetError, match="Unknown field"):
        import_file(workspace, p, mapping={"txt": "Body"})
    with pytest.raises(InputFileError, match="No such file"):
        import_file(workspace, tmp_path / "missing.csv")
    e = _write(tmp_path / "empty.csv", "")
    with pytest.raises(InputFileError, match="empty"):
        import_file(workspace, e)


def test_cp949_file_imports(workspace: Workspace, tmp_path: Path) -> None:
    p = _write(
        tmp_path / "ko.csv",
        "아이디,내용\n1,배송이 늦어요\n2,환불 문의드립니다\n",
        "cp949",
    )
    r = import_file(workspace, p, mapping={"post_id": "아이디", "text": "내용", "created_at": ""})
    assert r.encoding == "cp949" and r.imported == 2
    assert {x["text"] for x in _posts(workspace)} == {"배송이 늦어요", "환불 문의드립니다"}


def test_crash_then_rerun(workspace: Workspace, tmp_path: Path) -> None:
    n = 1000
    rows = "".join(f"{i},text {i},2024-01-01\n" for i in range(n))
    p = _write(tmp_path / "big.csv", "id,text,date\n" + rows + "5,dup,2024-01-01\n")
    calls = {"n": 0}

    def boom(done: int, total: int) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt

    # leave an orphan file as a crash between rename and commit would
    with pytest.raises(KeyboardInterrupt):
        import_file(workspace, p, progress=boom, batch_size=100)
    orphan = workspace.raw_path("orphan-00000")
    orphan.write_bytes(b"junk")
    assert len(_posts(workspace)) == 300  # three committed parts
    status = [x["status"] for x in list_imports(workspace)]
    assert status == ["interrupted"]
    r = import_file(workspace, p, batch_size=100)
    _adds_up(r)
    assert not orphan.exists()
    assert r.already_imported == 300 and r.imported == n - 300 and r.duplicates_in_file == 1
    ids = [x["post_id"] for x in _posts(workspace)]
    assert len(ids) == len(set(ids)) == n


def test_lock_refuses_second_writer(workspace: Workspace, tmp_path: Path) -> None:
    p = _write(tmp_path / "a.csv", BASIC)
    started, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def hold() -> None:
        try:
            with workspace.lock("test"):
                started.set()
                release.wait(10)
        except BaseException as exc:  # pragma: no cover
            errors.append(exc)

    import fcntl  # noqa: F401  (flock is per open file: a second open in-process conflicts)

    t = threading.Thread(target=hold)
    t.start()
    started.wait(5)
    try:
        with pytest.raises(WorkspaceError, match="busy"):
            import_file(workspace, p)
    finally:
        release.set()
        t.join()
    assert not errors
    assert import_file(workspace, p).imported == 3


def _gzip_cut(p: Path) -> bytes:
    import gzip

    data = gzip.compress(("id,text,created_at\n" + "1,abc,2024-01-01\n" * 20_000).encode())
    return data[: len(data) // 2]


@pytest.mark.parametrize(
    ("name", "content", "needle"),
    [
        ("garbage.csv", bytes(range(256)) * 40, "Cannot tell the text encoding"),
        ("nul.csv", b"id,text\n" + b"\x00" * 4000, "looks binary"),
        ("empty.csv", b"", "is empty"),
        ("blank.csv", b"\n\r\n  \n", "only blank lines"),
        ("header.csv", b"id,text,created_at\r\n", "has no rows"),
        ("cut.csv.gz", b"", "complete"),
        ("header.csv", b'id,"text,created_at\n1,a,2024-01-01\n', "never closed"),
    ],
)
def test_errors_are_socialops_errors(
    workspace: Workspace, tmp_path: Path, name: str, content: bytes, needle: str
) -> None:
    # a file that cannot be imported is one InputFileError (exit status 2 in the CLI) that
    # says why, never another exception; and nothing is recorded (no import, no rows)
    p = tmp_path / name
    p.write_bytes(content or (_gzip_cut(p) if name.endswith(".gz") else b""))
    with pytest.raises(SocialopsError) as caught:
        import_file(workspace, p, mapping={"post_id": "", "created_at": ""})
    assert type(caught.value) is InputFileError and caught.value.exit_code == 2
    assert needle in caught.value.message
    assert list_imports(workspace) == []
    assert list_quarantine(workspace) == [] and not workspace.committed_raw_parts()


def test_header_only_file_is_no_import(workspace: Workspace, tmp_path: Path) -> None:
    # a header and no rows said "rows read 0" and recorded an import as done
    p = _write(tmp_path / "h.csv", "id,text,created_at\n\n")
    with pytest.raises(InputFileError, match="has no rows, only a header"):
        import_file(workspace, p)
    assert list_imports(workspace) == []


def test_mapping_file_constants_and_cli(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    data = _write(
        tmp_path / "in.tsv",
        "cid\tbody\tposted\thearts\n"
        "c1\t배송 문의\t24/03/2024 10:00\t3\n"
        "c2\t\t24/03/2024 11:00\t1\n",
        "cp949",
    )
    m = tmp_path / "map.json"
    m.write_text(
        json.dumps(
            {
                "platform": "instagram",
                "kind": "comment",
                "post_id": "cid",
                "text": "body",
                "created_at": "posted",
                "likes": {"column": "hearts"},
                "language": {"value": "ko"},
                "date_format": "%d/%m/%Y %H:%M",
                "names": None,
            }
        ),
        encoding="utf-8",
    )
    home = tmp_path / "ws"
    env = {**os.environ, "SOCIALOPS_HOME": str(home), "COLUMNS": "200"}

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "socialops", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    p = cli("import", str(data), "--mapping", str(m), "--topic", "cs", "--tz", "UTC")
    assert p.returncode == 0, p.stderr
    assert "encoding cp949" in p.stdout and "delimiter tab" in p.stdout
    assert "rows read 2 = imported 1 + duplicates 0 + quarantined 1" in p.stdout
    p = cli("import", str(data), "--mapping", str(m), "--json")
    r = json.loads(p.stdout)
    assert (r["imported"], r["already_imported"], r["quarantined"]) == (0, 1, 1)
    assert r["encoding"] == "cp949" and r["delimiter"] == "\t"
    ws = Workspace.open(home)
    post = _posts(ws)[0]
    assert (post["platform"], post["kind"], post["language"], post["likes"]) == (
        "instagram",
        "comment",
        "ko",
        3,
    )
    assert post["created_at"] == datetime(2024, 3, 24, 10, 0, tzinfo=UTC)
    p = cli("quarantine")
    # the reason in words in the CLI's language; --json keeps the code beside them
    assert p.returncode == 0 and "No text" in p.stdout and "in.tsv" in p.stdout
    q = json.loads(cli("quarantine", "--json").stdout)
    assert [x["row"] for x in q] == [2]
    assert q[0]["reason"] == "empty_text" and q[0]["reason_text"] == "No text"
    imports = json.loads(cli("imports", "--json").stdout)
    assert [x["imported"] for x in imports] == [1, 0]
    # --map on top of the file; a bad column is one clear line
    p = cli("import", str(data), "--mapping", str(m), "--map", "text=nope")
    assert p.returncode == 2
    lines = [ln for ln in p.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "nope" in lines[0] and "Traceback" not in p.stderr


def test_jsonl_keys_beyond_the_sample_go_to_extra(workspace: Workspace, tmp_path: Path) -> None:
    p = tmp_path / "late.jsonl"
    rows = [{"id": i, "text": "t", "date": "2024-01-01"} for i in range(1200)]
    rows[-1]["late_key"] = "kept"
    p.write_text("\n".join(json.dumps(x) for x in rows) + "\n", encoding="utf-8")
    r = import_file(workspace, p)
    assert r.imported == 1200
    extras = [x["extra"] for x in _posts(workspace) if x["extra"]]
    assert extras == ['{"late_key": "kept"}']


def test_xlsx_and_parquet_import(workspace: Workspace, tmp_path: Path) -> None:
    import openpyxl
    import pyarrow as pa

    x = tmp_path / "posts.xlsx"
    wb = openpyxl.Workbook()
    sheet = wb.active
    sheet.append(["ID", "Message", "Date", "Likes", "Channel"])
    sheet.append([101, "엑셀 게시물", datetime(2024, 5, 1, 9, 0), 7.0, "블로그"])
    sheet.append([102.0, "second", "2024-05-02 09:00", None, None])
    wb.save(x)
    r = import_file(workspace, x, mapping={"platform": "naver_blog"})
    _adds_up(r)
    assert (r.format, r.encoding, r.delimiter, r.imported) == ("xlsx", None, None, 2)
    posts = {p["post_id"]: p for p in _posts(workspace)}
    assert set(posts) == {"101", "102"}
    assert posts["101"]["created_at"] == datetime(2024, 5, 1, 0, 0, tzinfo=UTC)  # Seoul
    assert posts["101"]["likes"] == 7 and json.loads(str(posts["101"]["extra"])) == {
        "Channel": "블로그"
    }

    pqf = tmp_path / "posts.parquet"
    ts = pa.array([datetime(2024, 5, 3, 12, 0, tzinfo=UTC), None], type=pa.timestamp("ms", "UTC"))
    pq.write_table(
        pa.table({"id": ["p1", "p2"], "text": ["parquet one", "two"], "created_at": ts}), pqf
    )
    r2 = import_file(workspace, pqf, mapping={"platform": "naver_blog"})
    _adds_up(r2)
    assert (r2.format, r2.imported, r2.quarantine_reasons) == ("parquet", 1, {"missing_date": 1})
    p1 = next(p for p in _posts(workspace) if p["post_id"] == "p1")
    assert p1["created_at"] == datetime(2024, 5, 3, 12, 0, tzinfo=UTC)


def test_several_date_formats(workspace: Workspace, tmp_path: Path) -> None:
    p = _write(tmp_path / "d.csv", "id,text,when\n1,a,4/24/2018 3:13\n2,b,04-11-2018 04:53\n")
    fmts = ["%m/%d/%Y %H:%M", "%m-%d-%Y %H:%M"]
    r = import_file(workspace, p, tz="UTC", mapping={"created_at": "when", "date_format": fmts})
    assert r.imported == 2
    got = {x["post_id"]: x["created_at"] for x in _posts(workspace)}
    assert got["1"] == datetime(2018, 4, 24, 3, 13, tzinfo=UTC)
    assert got["2"] == datetime(2018, 4, 11, 4, 53, tzinfo=UTC)
