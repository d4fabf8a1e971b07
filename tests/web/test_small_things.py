"""Issue 14, item 12 (the small things a Korean marketer met in the first hour): "remove from
the workspace" is not called 내보내기 (export); the posts explorer marks the query's words in the
posts it found, escaping the post first."""

from __future__ import annotations

import re
from typing import Any

from socialops.web.highlight import highlight, query_marks


def test_marks_are_escaped_then_marked() -> None:
    marks = query_marks("(배송 OR 택배) AND (늦다 OR 지연) NOT 환불")
    shown = str(highlight('배송이 너무 늦었어요 <script>alert("x")</script> 환불 <mark>', marks))
    assert shown.startswith("<mark>배송</mark>이 너무 <mark>늦</mark>었어요 &lt;script&gt;")
    assert "<script>" not in shown and shown.count("<mark>") == 2  # the post's own <mark> too
    assert "환불" in shown and "<mark>환불" not in shown  # a NOT term is not marked
    # English: case-insensitive, where a word starts; handles and hashtags as written
    marks = query_marks("@united AND (delayed OR cancelled)")
    shown = str(highlight("@United flight Delayed & cancelled, reunited", marks))
    assert shown == (
        "<mark>@United</mark> flight <mark>Delayed</mark> &amp; <mark>cancelled</mark>, reunited"
    )
    # a query term that looks like HTML is text, too
    shown = str(highlight("a <b>bold</b> claim", query_marks('"<b>bold</b>"')))
    assert "<b>" not in shown and "&lt;b&gt;" in shown
    # nothing to mark: an empty query or one that does not parse
    assert query_marks("") is None and query_marks("united AND") is None
    assert str(highlight("<i>x</i>", None)) == "&lt;i&gt;x&lt;/i&gt;"


def test_the_explorer_marks_what_it_found(web: Any) -> None:
    viewer = web.signed_in("viewer")
    page = viewer.get("/w/main/posts", params={"q": "delayed AND united"})
    assert page.status_code == 200
    cells = re.findall(r'<td class="text"><a [^>]*>(.*?)</a></td>', page.text, re.S)
    assert cells, page.text[:2000]
    for cell in cells:
        found = [m.lower() for m in re.findall(r"<mark>(.*?)</mark>", cell)]
        assert "delayed" in found and any("united" in m for m in found), cell
        assert "<script" not in cell.lower()
    # without a query nothing is marked
    assert "<mark>" not in viewer.get("/w/main/posts").text


def test_removing_a_member_is_not_called_export(web: Any) -> None:
    owner = web.signed_in("owner")
    page = owner.get("/w/main/members")
    assert page.status_code == 200
    assert "워크스페이스에서 제외" in page.text and "내보내기" not in page.text


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no csrf field"
    return found.group(1)


def _korean_cp949_file(shared_file: Any, tmp_path: Any) -> tuple[Any, list[list[str]]]:
    """A Windows-Korean (cp949) file with a Korean name, semicolons and Korean column names
    that no preset knows, from real NSMC reviews."""
    import csv
    import gzip
    import io

    rows: list[list[str]] = []
    with gzip.open(shared_file("nsmc/reviews.tsv.gz"), "rt", encoding="utf-8") as fh:
        reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(reader)
        for r in reader:
            if len(r) == 5 and r[4].strip() and "cp949" not in r[4]:
                try:
                    r[4].encode("cp949")
                except UnicodeEncodeError:
                    continue
                rows.append(
                    [f"h3-{r[0]}", r[4], "20" + r[2].replace(".", "-") + " 12:00", "리뷰어"]
                )
            if len(rows) == 8:
                break
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";")
    w.writerow(["번호", "내용", "작성일", "작성자"])
    w.writerows(rows)
    path = tmp_path / "리뷰 모음.csv"
    path.write_bytes(buf.getvalue().encode("cp949"))
    return path, rows


def test_upload_preview_and_column_mapping(web: Any, shared_file: Any, tmp_path: Any) -> None:
    path, rows = _korean_cp949_file(shared_file, tmp_path)
    analyst = web.signed_in("analyst")
    token = _csrf(analyst.get("/w/main/data").text)
    with path.open("rb") as fh:
        shown = analyst.post(
            "/w/main/data/preview",
            data={"csrf": token, "preset": "generic"},
            files={"file": ("리뷰 모음.csv", fh, "text/csv")},
        )
    assert shown.status_code == 200, shown.text[:3000]
    html = shown.text
    # the user's file name and what was detected, not a storage name
    assert "미리 보기: 리뷰 모음.csv" in html
    detected = re.search(r'<p id="detected">(.*?)</p>', html, re.S)
    assert detected is not None
    assert "cp949" in detected.group(1).lower() and "세미콜론" in detected.group(1)
    # the first rows, decoded; the form offers the file's own columns
    assert rows[0][1].replace("&", "&amp;")[:20] in html
    select = re.search(r'<select name="map_column" data-field="text">(.*?)</select>', html, re.S)
    assert select is not None
    assert re.findall(r'<option value="([^"]*)"', select.group(1)) == [
        "",
        *"번호 내용 작성일 작성자".split(),
    ]
    staged = re.search(r'name="staged" value="([^"]+)"', html)
    assert staged is not None
    # import the kept file with the form's choices
    chosen = {
        "text": "내용",
        "created_at": "작성일",
        "post_id": "번호",
        "author_handle": "작성자",
        "likes": "",  # as the preset reads it
    }
    fields: dict[str, Any] = {
        "csrf": token,
        "staged": staged.group(1),
        "preset": "generic",
        "mapping": "",
        "map_field": list(chosen),
        "map_column": list(chosen.values()),
    }
    done = analyst.post("/w/main/data/upload", data=fields, follow_redirects=False)
    assert done.status_code == 303, done.text[:3000]
    page = analyst.get(done.headers["location"]).text
    said = re.search(r'id="import-done">(.*?)</p>', page, re.S)
    assert said is not None and re.findall(r"\d+", said.group(1))[:2] == [str(len(rows))] * 2
    how = re.search(r'id="import-detected">(.*?)</p>', page, re.S)
    assert how is not None and "리뷰 모음.csv" in how.group(1) and "세미콜론" in how.group(1)
    row = re.search(r"<tr>\s*<td[^>]*>[^<]*</td>\s*<td>리뷰 모음\.csv<br>.*?</tr>", page, re.S)
    assert row is not None and "cp949" in row.group(0).lower(), page[:4000]
    post = analyst.get(f"/w/main/posts/unknown/{rows[0][0]}")
    assert post.status_code == 200 and rows[0][1][:15] in post.text.replace("&#39;", "'")
    # the kept file went with its import: a second import of it is refused in words
    again = analyst.post("/w/main/data/upload", data=fields, follow_redirects=False)
    assert again.status_code == 400 and "다시 올려 주세요" in again.text


def test_preview_shows_hostile_headers_as_text_and_keeps_nothing_it_cannot_read(
    web: Any, tmp_path: Any
) -> None:
    analyst = web.signed_in("analyst")
    token = _csrf(analyst.get("/w/main/data").text)
    uploads = web.app.state.services.workspace("main").root / "uploads"
    hostile = (
        '"<script>alert(1)</script>",text,created_at\n1,"<img src=x onerror=alert(1)>",2015-02-24\n'
    )
    shown = analyst.post(
        "/w/main/data/preview",
        data={"csrf": token, "preset": "generic"},
        files={"file": ("<b>x</b>.csv", hostile.encode(), "text/csv")},
    )
    assert shown.status_code == 200, shown.text[:2000]
    assert "<script>alert" not in shown.text and "<img src=x" not in shown.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown.text
    assert "<b>x</b>" not in shown.text
    kept = sorted(uploads.iterdir())
    assert kept  # the previewed file waits for its import
    # a file that is not a table: the reason in words, nothing more kept
    refused = analyst.post(
        "/w/main/data/preview",
        data={"csrf": token, "preset": "generic"},
        files={"file": ("photo.csv", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40, "text/csv")},
    )
    assert refused.status_code == 400 and 'role="alert"' in refused.text
    assert sorted(uploads.iterdir()) == kept
    # without the right to import: refused
    viewer = web.signed_in("viewer")
    no = viewer.post(
        "/w/main/data/preview",
        data={"csrf": _csrf(viewer.get("/w/main/data").text), "preset": "generic"},
        files={"file": ("a.csv", b"text\nhello\n", "text/csv")},
    )
    assert no.status_code == 403


def test_the_api_previews_then_imports_with_a_mapping(
    web: Any, shared_file: Any, tmp_path: Any
) -> None:
    _, rows = _korean_cp949_file(shared_file, tmp_path)
    rows = [[f"api-{r[0]}", *r[1:]] for r in rows]  # other post ids than the page's test
    import csv
    import io

    buf = io.StringIO()
    csv.writer(buf, delimiter=";").writerows([["번호", "내용", "작성일", "작성자"], *rows])
    data = buf.getvalue().encode("cp949")
    uploads = web.app.state.services.workspace("main").root / "uploads"
    before = sorted(uploads.iterdir()) if uploads.exists() else []
    url = "/api/v1/workspaces/main/imports"
    seen = web.call(
        "analyst", "POST", url + "/preview", files={"file": ("리뷰.csv", data, "text/csv")}
    )
    assert seen.status_code == 200, seen.text
    got = seen.json()
    assert got["file_name"] == "리뷰.csv" and got["delimiter"] == "semicolon"
    assert got["encoding"].lower().replace("-", "") in ("cp949", "euckr", "uhc")
    assert got["columns"] == ["번호", "내용", "작성일", "작성자"]
    assert got["rows"][0][1] == rows[0][1] and len(got["rows"]) == 5
    assert got["problem"]  # the generic preset finds no text column among Korean names
    assert "staged" not in got and sorted(uploads.iterdir()) == before  # nothing kept
    mapping = (
        '{"text": "내용", "created_at": "작성일", "post_id": "번호", "author_handle": "작성자"}'
    )
    done = web.call(
        "analyst",
        "POST",
        url,
        files={"file": ("리뷰.csv", data, "text/csv")},
        data={"preset": "generic", "mapping": mapping},
    )
    assert done.status_code == 201, done.text
    assert done.json()["imported"] == len(rows)
    assert (
        web.call("viewer", "POST", url + "/preview", files={"file": ("a.csv", data)}).status_code
        == 403
    )
