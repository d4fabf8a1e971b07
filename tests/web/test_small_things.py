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
