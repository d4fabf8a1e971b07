"""A tracked topic's mention volume as a control of the campaign effect on the web and the API
(issue 17, item 2), on the small real import of tests/effect_topic_posts.py: the effect page's
stored form offers the workspace's topics, a chosen one is a control; the API's JSON body takes
``control_topics``; an unknown topic or a window beyond the posts is a 4xx in the one error
shape with the reason."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from measure_web_home import API, Home, error_of, make_home

from effect_topic_posts import CAMPAIGN_START, POSTS_FIRST, POSTS_LAST, build

BODY = {
    "metric": "sales",
    "start": CAMPAIGN_START.isoformat(),
    "end": POSTS_LAST.isoformat(),
    "pre_start": POSTS_FIRST.isoformat(),
}


@pytest.fixture(scope="module")
def home(
    tmp_path_factory: pytest.TempPathFactory, shared_file: Callable[[str], Path]
) -> Iterator[Home]:
    root = tmp_path_factory.mktemp("effect-topics-web")
    found = make_home(root / "home")
    home = next(found)
    build(home.ws(), root, shared_file)
    yield home
    next(found, None)


def test_the_api_takes_control_topics(home: Home) -> None:
    r = home.call(
        "analyst", "POST", f"{API}/measure/effect", json={**BODY, "control_topics": ["united"]}
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["model"]["controls"] == ["United"]
    assert body["ci_low"] <= 0.3 <= body["ci_high"]


def test_the_api_refuses_an_unknown_topic_and_a_window_beyond_the_posts(home: Home) -> None:
    r = home.call(
        "analyst", "POST", f"{API}/measure/effect", json={**BODY, "control_topics": ["Delta"]}
    )
    assert 400 <= r.status_code < 500
    err = error_of(r)
    assert err["code"] == "topic.not_found" and "United" in err["message"]
    wide = {k: v for k, v in BODY.items() if k != "pre_start"}
    r = home.call(
        "analyst", "POST", f"{API}/measure/effect", json={**wide, "control_topics": ["United"]}
    )
    assert 400 <= r.status_code < 500
    err = error_of(r)
    assert err["code"] == "effect_topics.not_covered" and "2024-01-01" in err["message"]
    r = home.call(
        "analyst", "POST", f"{API}/measure/effect", json={**BODY, "control_topics": "United"}
    )
    assert r.status_code == 422  # a list of names, not a string


def test_the_page_offers_the_topics_and_runs_with_one(home: Home) -> None:
    manager = home.signed_in("manager")
    page = manager.get("/w/main/measure")
    assert page.status_code == 200
    assert 'id="effect-control-topics"' in page.text and '<option value="United">' in page.text
    form = {"csrf": manager.csrf, "source": "stored", **BODY, "control_topics": ["United"]}  # type: ignore[attr-defined]
    r = manager.post("/w/main/measure/effect", data=form)
    assert r.status_code == 200, r.text[:500]
    assert 'id="result-summary"' in r.text
    assert '<option value="United" selected>' in r.text  # the choice kept on the form
    r = manager.post("/w/main/measure/effect", data={**form, "control_topics": ["Delta"]})
    assert 400 <= r.status_code < 500 and 'id="measure-error"' in r.text and "Delta" in r.text
