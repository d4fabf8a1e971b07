"""The Segments pages (issue 17, item 8), signed in through /login: the saved list with size and
kind in Korean and English, a segment's page (its first customers, never their identifiers; the
audience form only for owners and managers), an audience file through the page (hashed, the
export in the history with who made it), deleting a segment, RFM on CDNOW transactions saved as
``PREFIX/<segment>`` with its chart-less summary and downloads, and refusals (a viewer's
upload, a junk file)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from measure_web_home import Home, make_home

from socialops.segment.store import Member, list_segments, save_segment


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Home]:
    found = make_home(tmp_path_factory.mktemp("segments-pages") / "home")
    home = next(found)
    members = [
        Member(f"k{i:03d}", None, {}, {"email": f"member{i}@example.com"}) for i in range(150)
    ]
    save_segment(home.ws(), "newsletter/서울", members, kind="manual", description="뉴스레터 구독")
    save_segment(home.ws(), "to-delete", members[:2], kind="scores")
    yield home
    next(found, None)


def test_the_saved_list_in_both_languages(home: Home) -> None:
    page = home.signed_in("viewer").get("/w/main/segments")
    assert page.status_code == 200, page.text[:300]
    assert 'aria-current="page">고객 세그먼트<' in page.text
    row = re.search(r"newsletter/서울</a>.*?</tr>", page.text, re.S)
    assert row and "직접 지정" in row.group(0) and ">150<" in row.group(0)
    assert "뉴스레터 구독" in page.text
    assert "/segments/delete" not in page.text  # a viewer deletes nothing
    page = home.signed_in("analyst").get("/w/main/segments")
    assert ">Customer segments<" in page.text and "Model scores" in page.text
    assert "/segments/delete" in page.text


def test_a_segments_page_and_who_may_export(home: Home) -> None:
    url = "/w/main/segments/view?name=newsletter%2F%EC%84%9C%EC%9A%B8"
    page = home.signed_in("analyst").get(url)
    assert page.status_code == 200, page.text[:300]
    assert "k000" in page.text and "member0@" not in page.text
    assert 'id="audience-not-allowed"' in page.text and 'id="audience-form"' not in page.text
    page = home.signed_in("manager").get(url)
    assert 'id="audience-form"' in page.text and "카카오모먼트" in page.text
    missing = home.signed_in("manager").get("/w/main/segments/view?name=nope")
    assert missing.status_code == 404


def test_an_audience_file_through_the_page(home: Home) -> None:
    owner = home.signed_in("owner")
    form = {"csrf": owner.csrf, "name": "newsletter/서울", "format": "meta"}  # type: ignore[attr-defined]
    r = owner.post("/w/main/segments/audience", data=form)
    assert r.status_code == 200, r.text[:300]
    assert "attachment" in r.headers["content-disposition"]
    text = r.content.decode("utf-8")
    assert "member0@" not in text
    assert hashlib.sha256(b"member0@example.com").hexdigest() in text
    history = owner.get("/w/main/segments/exports")
    assert history.status_code == 200 and "owner@example.com" in history.text
    assert "Meta 맞춤 타겟" in history.text and ">150<" in history.text
    # an analyst may not, even posting the form by hand
    analyst = home.signed_in("analyst")
    form["csrf"] = analyst.csrf  # type: ignore[attr-defined]
    assert analyst.post("/w/main/segments/audience", data=form).status_code == 403


def test_delete_through_the_page(home: Home) -> None:
    analyst = home.signed_in("analyst")
    form = {"csrf": analyst.csrf, "name": "to-delete"}  # type: ignore[attr-defined]
    r = analyst.post("/w/main/segments/delete", data=form, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/w/main/segments?done=deleted"
    assert "to-delete" not in [s.name for s in list_segments(home.ws())]
    page = analyst.get(r.headers["location"])
    assert 'id="segments-done"' in page.text and "The segment was deleted." in page.text
    viewer = home.signed_in("viewer")
    form = {"csrf": viewer.csrf, "name": "newsletter/서울"}  # type: ignore[attr-defined]
    assert viewer.post("/w/main/segments/delete", data=form).status_code == 403


def test_rfm_through_the_page(home: Home, shared_file: Callable[[str], Path]) -> None:
    with shared_file("cdnow/CDNOW_master.txt").open("rb") as fh:
        data = b"".join(fh.readline() for _ in range(3000))
    manager = home.signed_in("manager")
    form = {"csrf": manager.csrf, "source": "file", "preset": "cdnow", "save": "cd"}  # type: ignore[attr-defined]
    r = manager.post(
        "/w/main/segments/rfm", data=form, files={"file": ("CDNOW_master.txt", data, "text/plain")}
    )
    assert r.status_code == 200, r.text[:500]
    assert 'id="table-summary"' in r.text and "최우수 고객" in r.text and "Champions" not in r.text
    assert 'id="download-csv-0"' in r.text and 'id="download-xlsx"' in r.text
    assert "cd/champions" in [s.name for s in list_segments(home.ws())]
    # junk: the form again with the reason
    r = manager.post(
        "/w/main/segments/rfm",
        data=form,
        files={"file": ("x.txt", b"\x00\x01\x02" * 500, "text/plain")},
    )
    assert 400 <= r.status_code < 500 and 'id="segments-error"' in r.text


def test_the_other_tabs_render(home: Home) -> None:
    analyst = home.signed_in("analyst")
    for tab, marker in (("attributes", "attributes-form"), ("model", "train-form")):
        page = analyst.get(f"/w/main/segments/{tab}")
        assert page.status_code == 200 and f'id="{marker}"' in page.text, tab
    assert 'id="models-none"' in analyst.get("/w/main/segments/model").text
    viewer = home.signed_in("viewer")
    assert 'id="train-form"' not in viewer.get("/w/main/segments/model").text
    r = viewer.post(
        "/w/main/segments/rfm",
        data={"csrf": viewer.csrf},  # type: ignore[attr-defined]
        files={"file": ("a.csv", b"a\n1\n", "text/csv")},
    )
    assert r.status_code == 403
