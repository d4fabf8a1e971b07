"""Format, encoding and delimiter detection; streaming readers for every format."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from socialops.errors import InputFileError, SettingsError
from socialops.sources.ledger import detail_text
from socialops.sources.readers import RawRecord, detect_encoding, open_source

KO_ROWS = [
    ["id", "text", "date"],
    ["1", "배송이 너무 늦어요", "2024-03-01 10:00"],
    ["2", "고객센터 연결이 안 됩니다, 답답하네요", "2024-03-02 11:30"],
    ["3", "좋아요 👍", "2024-03-03"],
]


def _csv(rows: list[list[str]], delim: str = ",") -> str:
    out = []
    for r in rows:
        cells = []
        for c in r:
            if delim in c or '"' in c or "\n" in c:
                c = '"' + c.replace('"', '""') + '"'
            cells.append(c)
        out.append(delim.join(cells))
    return "\r\n".join(out) + "\r\n"


def _all(path: Path, **kw: object) -> tuple[object, list[RawRecord]]:
    with open_source(path, **kw) as src:  # type: ignore[arg-type]
        recs = [r for b in src.batches(2) for r in b]
        return src, recs


@pytest.mark.parametrize(
    ("encoding", "expected"), [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("cp949", "cp949")]
)
def test_encoding_detected(tmp_path: Path, encoding: str, expected: str) -> None:
    p = tmp_path / "ko.csv"
    text = _csv(KO_ROWS).replace("👍", "") if encoding == "cp949" else _csv(KO_ROWS)
    p.write_bytes(text.encode(encoding))
    src, recs = _all(p)
    assert src.encoding == expected  # type: ignore[attr-defined]
    assert src.columns == ["id", "text", "date"]  # type: ignore[attr-defined]
    assert [r.values["text"] for r in recs if r.values] == [
        KO_ROWS[i][1].replace("👍", "") if encoding == "cp949" else KO_ROWS[i][1] for i in (1, 2, 3)
    ]
    assert [r.row for r in recs] == [1, 2, 3]


def test_euc_kr_reported_as_cp949(tmp_path: Path) -> None:
    p = tmp_path / "euckr.csv"
    rows = [["id", "text"]] + [[str(i), f"한국어 리뷰 {i}번 정말 재미있어요"] for i in range(50)]
    p.write_bytes(_csv(rows).encode("euc-kr"))
    src, recs = _all(p)
    assert src.encoding == "cp949"  # type: ignore[attr-defined]
    assert len(recs) == 50 and all(r.values for r in recs)


def test_encoding_override(tmp_path: Path) -> None:
    p = tmp_path / "ko.csv"
    p.write_bytes(_csv(KO_ROWS[:3]).encode("cp949"))
    src, recs = _all(p, encoding="euc-kr")
    assert src.encoding == "euc_kr"  # type: ignore[attr-defined]
    assert recs[0].values == {"id": "1", "text": "배송이 너무 늦어요", "date": "2024-03-01 10:00"}
    with pytest.raises(SettingsError, match="Unknown encoding"):
        open_source(p, encoding="klingon-8")


def test_broken_line_pinpointed(tmp_path: Path) -> None:
    p = tmp_path / "broken.csv"
    good = _csv(KO_ROWS).encode("utf-8")
    lines = good.split(b"\r\n")
    lines.insert(2, b"9,\xb9\xe8\xbc\xdb broken cp949 bytes,2024-03-05")
    p.write_bytes(b"\r\n".join(lines))
    src, recs = _all(p)
    assert src.encoding == "utf-8"  # type: ignore[attr-defined]
    assert [r.reason for r in recs] == [None, "encoding", None, None]
    assert recs[1].row == 2 and recs[1].values is None
    assert "Line 3" in detail_text(recs[1].detail, "en")
    assert "3번째 줄" in detail_text(recs[1].detail, "ko")  # the reader's language


@pytest.mark.parametrize(
    ("delim", "ext"), [(",", ".csv"), ("\t", ".tsv"), (";", ".csv"), ("|", ".txt"), ("\t", ".csv")]
)
def test_delimiter_detected(tmp_path: Path, delim: str, ext: str) -> None:
    p = tmp_path / f"d{ext}"
    p.write_text(_csv(KO_ROWS, delim), encoding="utf-8")
    src, recs = _all(p)
    assert src.delimiter == delim  # type: ignore[attr-defined]
    assert len(recs) == 3 and all(r.values and len(r.values) == 3 for r in recs)


def test_delimiter_override(tmp_path: Path) -> None:
    p = tmp_path / "d.csv"
    p.write_text("a;b\n1,5;2\n", encoding="utf-8")
    src, recs = _all(p, delimiter=",")
    assert src.delimiter == ","  # type: ignore[attr-defined]
    assert src.columns == ["a;b"]  # type: ignore[attr-defined]
    assert recs[0].reason == "column_count"
    src, recs = _all(p, delimiter=";")
    assert recs[0].values == {"a": "1,5", "b": "2"}


def test_gzip_and_multiline_fields(tmp_path: Path) -> None:
    p = tmp_path / "x.tsv.gz"
    rows = [["id", "text"], ["1", "첫 줄\n둘째 줄"], ["2", "plain"]]
    with gzip.open(p, "wt", encoding="utf-8", newline="") as f:
        f.write(_csv(rows, "\t"))
    src, recs = _all(p)
    assert src.format == "csv" and src.delimiter == "\t"  # type: ignore[attr-defined]
    assert recs[0].values == {"id": "1", "text": "첫 줄\n둘째 줄"}
    assert recs[1].row == 2 and recs[1].line == 4


def test_column_count_and_blank_lines(tmp_path: Path) -> None:
    p = tmp_path / "c.csv"
    p.write_text("id,text\n1,a\n\n2,b,extra\n3\n4,d\n", encoding="utf-8")
    _, recs = _all(p)
    assert [(r.row, r.reason) for r in recs] == [
        (1, None),
        (2, "column_count"),
        (3, "column_count"),
        (4, None),
    ]


def test_no_header_names(tmp_path: Path) -> None:
    p = tmp_path / "n.tsv"
    p.write_text("7\thello\t1,2\n8\tbye\t3\n", encoding="utf-8")
    src, recs = _all(p, header=False, names=["ID", "text", "labels"])
    assert src.columns == ["ID", "text", "labels"]  # type: ignore[attr-defined]
    assert recs[0].values == {"ID": "7", "text": "hello", "labels": "1,2"}
    assert len(recs) == 2


def test_blank_and_duplicate_header_names(tmp_path: Path) -> None:
    p = tmp_path / "h.csv"
    p.write_text(",text,text\n0,a,b\n", encoding="utf-8")
    src, _ = _all(p)
    assert src.columns == ["column_1", "text", "text_2"]  # type: ignore[attr-defined]


def test_xlsx(tmp_path: Path) -> None:
    from datetime import datetime

    import openpyxl

    p = tmp_path / "x.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["id", "text", "created_at", "likes"])
    ws.append([1, "엑셀 한국어", datetime(2024, 1, 2, 3, 4, 5), 10])
    ws.append([2, "second", "2024-01-03", None])
    ws.append([None, None, None, None])
    ws.append([3, "third", None, 3.0])
    wb.save(p)
    src, recs = _all(p)
    assert src.format == "xlsx" and src.encoding is None  # type: ignore[attr-defined]
    assert src.columns == ["id", "text", "created_at", "likes"]  # type: ignore[attr-defined]
    assert [r.row for r in recs] == [1, 2, 3]
    assert recs[0].values == {
        "id": 1,
        "text": "엑셀 한국어",
        "created_at": datetime(2024, 1, 2, 3, 4, 5),
        "likes": 10,
    }


def test_jsonl(tmp_path: Path) -> None:
    p = tmp_path / "x.jsonl"
    lines = [
        json.dumps({"id": "a", "text": "안녕", "meta": {"k": 1}}, ensure_ascii=False),
        "",
        "not json",
        "[1, 2]",
        json.dumps({"id": "b", "text": "two"}),
    ]
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    src, recs = _all(p)
    assert src.format == "jsonl"  # type: ignore[attr-defined]
    assert src.columns == ["id", "text", "meta"]  # type: ignore[attr-defined]
    assert [(r.row, r.reason) for r in recs] == [
        (1, None),
        (2, "bad_json"),
        (3, "bad_json"),
        (4, None),
    ]
    assert recs[0].values == {"id": "a", "text": "안녕", "meta": {"k": 1}}


def test_parquet(tmp_path: Path) -> None:
    p = tmp_path / "x.parquet"
    t = pa.table({"id": [1, 2, 3], "text": ["a", "나", None]})
    pq.write_table(t, p, row_group_size=2)
    src, recs = _all(p)
    assert src.format == "parquet"  # type: ignore[attr-defined]
    assert [r.values for r in recs] == [
        {"id": 1, "text": "a"},
        {"id": 2, "text": "나"},
        {"id": 3, "text": None},
    ]
    assert [r.row for r in recs] == [1, 2, 3]


def test_format_sniffed_without_extension(tmp_path: Path) -> None:
    p = tmp_path / "data"
    pq.write_table(pa.table({"id": [1]}), p)
    assert open_source(p).format == "parquet"
    j = tmp_path / "data2"
    j.write_text('{"id": 1}\n', encoding="utf-8")
    assert open_source(j).format == "jsonl"


def test_missing_empty_and_binary(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="No such file"):
        open_source(tmp_path / "nope.csv")
    e = tmp_path / "e.csv"
    e.write_bytes(b"")
    with pytest.raises(InputFileError, match="empty"):
        open_source(e)
    b = tmp_path / "blank.csv"
    b.write_bytes(b"\n\n  \n")
    with pytest.raises(InputFileError, match="empty"):
        open_source(b)
    with pytest.raises(InputFileError, match="folder"):
        open_source(tmp_path)
    x = tmp_path / "bad.xlsx"
    x.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(InputFileError, match="Excel"):
        open_source(x)


def test_detect_encoding_prefers_utf8() -> None:
    assert detect_encoding(b"abc,def\n") == "utf-8"
    assert detect_encoding("가나다,라마\n".encode()) == "utf-8"
    assert detect_encoding("가나다,라마\n".encode("cp949") * 20) == "cp949"
    assert detect_encoding(b"\xef\xbb\xbfid,text\n") == "utf-8-sig"


def test_binary_file_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "image.csv"
    p.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20)
    with pytest.raises(InputFileError, match="binary"):
        open_source(p)


def test_excel_unicode_text_utf16(tmp_path: Path) -> None:
    p = tmp_path / "unicode.txt"
    p.write_bytes(_csv(KO_ROWS, "\t").encode("utf-16"))  # with BOM, as Excel writes it
    src, recs = _all(p)
    assert (src.encoding, src.delimiter) == ("utf-16", "\t")  # type: ignore[attr-defined]
    assert src.columns == ["id", "text", "date"]  # type: ignore[attr-defined]
    assert [r.values["text"] for r in recs if r.values] == [r[1] for r in KO_ROWS[1:]]


def test_cr_only_line_endings(tmp_path: Path) -> None:
    p = tmp_path / "mac.csv"
    p.write_bytes(_csv(KO_ROWS).replace("\r\n", "\r").encode("utf-8"))
    _, recs = _all(p)
    assert [r.row for r in recs] == [1, 2, 3]
    assert all(r.reason is None for r in recs)
    assert recs[2].values == {"id": "3", "text": "좋아요 👍", "date": "2024-03-03"}


def test_truncated_gzip_is_an_input_error(tmp_path: Path) -> None:
    import random

    rnd = random.Random(1)
    full = tmp_path / "full.csv.gz"
    rows = [["id", "text"]] + [
        [str(i), "".join(rnd.choices("가나다라마바사 abc", k=40))] for i in range(20000)
    ]
    with gzip.open(full, "wt", encoding="utf-8", newline="") as f:
        f.write(_csv(rows))
    cut = tmp_path / "cut.csv.gz"
    cut.write_bytes(full.read_bytes()[: full.stat().st_size // 2])
    with pytest.raises(InputFileError, match="complete"), open_source(cut) as src:
        for _ in src.batches(1000):
            pass


# -- hardening (issue 12): line ends, runaway quotes, long headers and lines, deep JSON ----------
def test_mixed_line_ends_in_one_file(tmp_path: Path) -> None:
    # LF, CRLF and CR alone in one file; a CR or CRLF inside a quoted field is data
    p = tmp_path / "mixed.csv"
    p.write_bytes(
        b'id,text\n1,a\r2,b\r\n3,c\n4,"cr\rinside"\r5,"crlf\r\ninside"\n6,"lf\ninside"\r7,g'
    )
    _, recs = _all(p)
    assert [(r.row, r.reason) for r in recs] == [(i, None) for i in range(1, 8)]
    assert [r.values["text"] for r in recs if r.values] == [
        "a", "b", "c", "cr\rinside", "crlf\r\ninside", "lf\ninside", "g"
    ]  # fmt: skip
    assert [r.line for r in recs] == [2, 3, 4, 5, 7, 9, 11]


@pytest.mark.parametrize("quoted", [False, True])
def test_crlf_split_between_reads(tmp_path: Path, quoted: bool) -> None:
    # a CRLF whose CR ends one 1 MiB read and whose LF starts the next is one line end (line
    # numbers after it stay right), and inside a quoted field it stays CRLF
    out = bytearray(b"id,text\r\n")
    i = 0
    while len(out) < (1 << 20) - 100:
        i += 1
        out += f"{i},row {i}\r\n".encode()
    i += 1
    start = f'{i},"pad' if quoted else f"{i},pad"
    pad = (1 << 20) - 1 - len(out) - len(start)
    out += (start + "x" * pad).encode()
    assert len(out) == (1 << 20) - 1
    out += b'\r\nmore"\r\n' if quoted else b"\r\n"
    out += f"{i + 1},last\r\n".encode()
    p = tmp_path / "split.csv"
    p.write_bytes(bytes(out))
    _, recs = _all(p)
    assert [r.reason for r in recs] == [None] * (i + 1)
    assert [r.line for r in recs[-2:]] == [i + 1, i + 3 if quoted else i + 2]
    text = recs[-2].values["text"] if recs[-2].values else ""
    assert text.endswith("x\r\nmore" if quoted else "x")


def test_unclosed_quote_costs_one_row(tmp_path: Path) -> None:
    # the quote never closes: before, it swallowed every following row into one
    lines = ["id,text,created_at"] + [f"{i},post {i},2024-01-01" for i in range(1, 40_001)]
    lines[10] = '10,"broken,2024-01-01'
    p = tmp_path / "q.csv"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _, recs = _all(p)
    bad = [r for r in recs if r.reason]
    assert len(recs) == 40_000 and [(r.row, r.line, r.reason) for r in bad] == [
        (10, 11, "unclosed_quote")
    ]
    said = detail_text(bad[0].detail, "en")
    assert "line 11" in said and "read again as rows" in said
    assert bad[0].raw == '10,"broken,2024-01-01'
    assert recs[10].values == {"id": "11", "text": "post 11", "created_at": "2024-01-01"}
    assert recs[-1].line == 40_001


def test_unclosed_quote_closed_by_a_later_quote(tmp_path: Path) -> None:
    # the stray quote "closes" at the next quoted field: the merged row has the wrong number
    # of fields, so it is read again line by line; the quoted field later stays whole
    p = tmp_path / "q2.csv"
    p.write_text(
        'id,text,created_at\n1,"oops,2024-01-01\n2,fine,2024-01-02\n'
        '3,"quoted, with comma",2024-01-03\n4,"two\nlines",2024-01-04\n',
        encoding="utf-8",
    )
    _, recs = _all(p)
    assert [(r.row, r.reason) for r in recs] == [
        (1, "unclosed_quote"),
        (2, None),
        (3, None),
        (4, None),
    ]
    assert recs[2].values and recs[2].values["text"] == "quoted, with comma"
    assert recs[3].values and recs[3].values["text"] == "two\nlines"


def test_runaway_quote_stops_after_the_span_limit(tmp_path: Path) -> None:
    from socialops.sources.readers import MAX_SPAN_CHARS

    # a stray quote and then no quote at all for far more than the limit (and no end of file
    # in sight): resynchronised after MAX_SPAN_CHARS, not after 4 MiB or at the end
    n = 3 * MAX_SPAN_CHARS // 20
    body = "".join(f"{i},row {i:08d}\n" for i in range(2, n))
    p = tmp_path / "q3.csv"
    p.write_text(f'id,text\n1,"stray\n{body}x,"a ""quoted"" end"\n', encoding="utf-8")
    _, recs = _all(p)
    assert [(r.row, r.reason) for r in recs if r.reason] == [(1, "unclosed_quote")]
    assert "never closed" in detail_text(recs[0].detail, "en")
    assert len(recs) == n
    assert recs[-1].values == {"id": "x", "text": 'a "quoted" end'}


def test_unclosed_quote_in_the_header_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "h.csv"
    p.write_text('id,"text,created_at\n1,a,2024-01-01\n', encoding="utf-8")
    with pytest.raises(InputFileError, match=r"header.*never closed"):
        open_source(p)


def test_header_longer_than_the_sample(tmp_path: Path) -> None:
    # a 400 KiB header (more than the 256 KiB sample) is read whole
    extra = [f"column_{i:06d}_{'x' * 20}" for i in range(12_000)]
    p = tmp_path / "wide.csv"
    p.write_text(
        ",".join(["id", "text", *extra]) + "\n" + ",".join(["1", "hello", *[""] * 12_000]) + "\n",
        encoding="utf-8",
    )
    assert p.stat().st_size > 300 * 1024
    src, recs = _all(p)
    assert src.columns[:2] == ["id", "text"] and len(src.columns) == 12_002  # type: ignore[attr-defined]
    assert src.columns[-1] == extra[-1]  # type: ignore[attr-defined]
    assert [(r.row, r.reason) for r in recs] == [(1, None)]


def test_header_over_the_line_limit_is_refused(tmp_path: Path) -> None:
    from socialops.sources.readers import MAX_LINE_BYTES

    p = tmp_path / "huge.csv"
    with p.open("wb") as f:
        f.write(b"id,text,")
        f.write(b"c" * (MAX_LINE_BYTES + 10))
        f.write(b"\n1,a,b\n")
    with pytest.raises(InputFileError, match=r"header.*longer than 16 MiB"):
        open_source(p)


def test_overlong_line_is_quarantined_and_the_next_read(tmp_path: Path) -> None:
    from socialops.sources.readers import MAX_LINE_BYTES

    p = tmp_path / "long.tsv"
    with p.open("wb") as f:
        f.write(b"id\ttext\n1\tfirst\n2\t")
        f.write(b"y" * (MAX_LINE_BYTES + 5))
        f.write(b"\r3\tthird\n")
    _, recs = _all(p)
    assert [(r.row, r.line, r.reason) for r in recs] == [
        (1, 2, None),
        (2, 3, "oversized_field"),
        (3, 4, None),
    ]
    assert len(recs[1].raw or "") <= 2_001
    assert recs[2].values == {"id": "3", "text": "third"}


def test_deeply_nested_jsonl_in_the_first_lines(tmp_path: Path) -> None:
    # 100,000 levels in the first line (read to find the columns): quarantined, not a crash;
    # 500 levels (the parser copes) is refused too: later steps would not
    p = tmp_path / "deep.jsonl"
    deep = "[" * 100_000 + "]" * 100_000
    mid = '{"a": ' + "[" * 500 + "]" * 500 + "}"
    p.write_text(
        f'{{"id": "1", "text": "a", "x": {deep}}}\n{mid}\n{{"id": "2", "text": "b"}}\n',
        encoding="utf-8",
    )
    src, recs = _all(p)
    assert src.columns == ["id", "text"]  # type: ignore[attr-defined]
    assert [(r.row, r.reason) for r in recs] == [(1, "bad_json"), (2, "bad_json"), (3, None)]
    assert all("nested" in detail_text(r.detail, "en") for r in recs[:2])


def test_jsonl_columns_with_a_line_separator_in_a_string(tmp_path: Path) -> None:
    # U+2028 is valid raw inside a JSON string: it does not end the line (str.splitlines would)
    p = tmp_path / "ls.jsonl"
    p.write_text('{"id": "1", "text": "a\u2028b", "only_here": 1}\n', encoding="utf-8")
    src, recs = _all(p)
    assert src.columns == ["id", "text", "only_here"]  # type: ignore[attr-defined]
    assert recs[0].values == {"id": "1", "text": "a\u2028b", "only_here": 1}
