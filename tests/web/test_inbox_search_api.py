"""The inbox API's search (issue 16): ``q`` finds conversations through w0008's index, and a
search's ``total`` is counted up to a cap, which the page says (``total_capped``); a list
without ``q`` keeps the plain page shape."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from inbox_web_helpers import seed
from test_publishing_api import PubHome, pub_home

from socialops.web.api import inbox as api

URL = "/api/v1/workspaces/main/conversations"


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PubHome]:
    for h in pub_home(tmp_path_factory):
        db = h.db()
        for i in range(5):
            seed(db, f"s-{i}", f"환불 문의드립니다 {i}번 주문", label=f"손님{i}")
        seed(db, "s-en", 'My "order" never ARRIVED', label="Jane Roe")
        yield h


def test_a_search_finds_and_counts_its_matches(home: PubHome) -> None:
    found = home.call("viewer", "GET", URL, params={"q": "문의드립"}).json()
    assert found["total"] == 5 and found["total_capped"] is False
    assert {i["customer"] for i in found["items"]} == {f"손님{i}" for i in range(5)}
    one = home.call("viewer", "GET", URL, params={"q": '"order" never arr'}).json()
    assert [i["customer"] for i in one["items"]] == ["Jane Roe"] and one["total"] == 1
    short = home.call("viewer", "GET", URL, params={"q": "환불"}).json()  # the recent window
    assert short["total"] == 5 and len(short["items"]) == 5
    plain = home.call("viewer", "GET", URL).json()
    assert plain["total"] == 6 and set(plain) == {"total", "page", "per_page", "pages", "items"}


def test_a_search_total_past_the_cap_says_so(
    home: PubHome, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(api, "SEARCH_TOTAL_CAP", 3)
    capped = home.call("viewer", "GET", URL, params={"q": "번 주문", "per_page": 2}).json()
    assert capped["total"] == 3 and capped["total_capped"] is True and capped["pages"] == 2
    assert len(capped["items"]) == 2
    exact = home.call("viewer", "GET", URL, params={"q": "3번 주문"}).json()
    assert exact["total"] == 1 and exact["total_capped"] is False
