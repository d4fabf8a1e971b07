"""The public short links (``GET /l/{code}``): no sign-in, 302 to the target with its UTM
tags, the click counted (a link-preview bot's visit is logged, not counted), 404 for an
unknown or malformed code, and a code found whichever workspace made it."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from test_publishing_api import PubHome, manual, pub_home

from socialops.publish import links


@pytest.fixture(scope="module")
def pub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PubHome]:
    yield from pub_home(tmp_path_factory)


def test_a_short_link_redirects_with_utm_and_counts_the_click(pub: PubHome) -> None:
    manual(pub, "블로그")
    r = pub.call(
        "owner",
        "POST",
        "/api/v1/workspaces/main/publishing/posts",
        json={
            "profiles": ["블로그"],
            "text": "겨울 세일",
            "link": "https://shop.example.com/sale?x=1",
            "at": "2099-01-01T09:00",
        },
    )
    assert r.status_code == 201, r.text
    [post] = r.json()["posts"]
    code = post["link_code"]
    assert f"/l/{code}" in post["text"]
    with TestClient(pub.app, base_url="http://testserver") as visitor:  # no cookie, no token
        hop = visitor.get(
            f"/l/{code}",
            follow_redirects=False,
            headers={"referer": "https://m.blog.naver.com/x?y=1"},
        )
        assert hop.status_code == 302, hop.text
        target = urlsplit(hop.headers["location"])
        assert (target.netloc, target.path) == ("shop.example.com", "/sale")
        query = parse_qs(target.query)
        assert query["x"] == ["1"] and query["utm_medium"] and query["utm_source"]
        bot = visitor.get(
            f"/l/{code}", follow_redirects=False, headers={"user-agent": "facebookexternalhit/1.1"}
        )
        assert bot.status_code == 302
        assert visitor.get("/l/nope1234", follow_redirects=False).status_code == 404
        assert visitor.get("/l/bad%20code!", follow_redirects=False).status_code == 404
    [link] = [lk for lk in links.link_stats(pub.db()) if lk.code == code]
    assert link.clicks == 1  # the bot's visit is not a click
    page = pub.signed_in("viewer").get(f"/w/main/publishing/posts/{post['post_id']}").text
    assert "클릭 1회" in page and "utm_source" in page


def test_a_code_of_another_workspace_is_found_there(pub: PubHome) -> None:
    link = links.create_link(pub.db("other"), "https://other.example.com/", source="blog")
    first = pub.client.get(f"/l/{link.code}", follow_redirects=False)
    again = pub.client.get(f"/l/{link.code}", follow_redirects=False)
    assert first.status_code == again.status_code == 302
    assert first.headers["location"].startswith("https://other.example.com/")
    assert links.get_link(pub.db("other"), link.code).clicks == 2
    assert link.code not in [lk.code for lk in links.link_stats(pub.db())]
