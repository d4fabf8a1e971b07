"""Themes, complaint reasons and recurring issues on real data: airline complaint reasons about
cancellations/delays and bags/customer service, movie review themes, timelines that add up,
deterministic output."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from analytics_cases import REFERENCE_ENGINE
from socialops.errors import SettingsError
from socialops.listen.scope import Scope, resolve
from socialops.listen.themes import episodes, issues, issues_tables, themes, themes_tables
from socialops.listen.topics import resolve_topics
from socialops.store.analytics import open_store
from socialops.store.workspace import Workspace

DELAYS = {"cancelled", "flightled", "delayed", "delay", "late"}
BAGS_OR_SERVICE = {"bag", "baggage", "luggage", "lost", "customer", "service", "rude"}


def _run(fn: Any, ws: Workspace, engine: str, names: list[str], **kw: Any) -> dict[str, Any]:
    scope = Scope(every=kw.pop("every", "day"))
    with open_store(ws, engine) as store:
        out: dict[str, Any] = fn(store, resolve(store, scope), resolve_topics(ws, names), **kw)
    return out


@pytest.fixture(scope="module")
def air_themes(airline_ws: Workspace, engine: str) -> dict[str, Any]:
    return _run(themes, airline_ws, engine, ["United", "US Airways"])


@pytest.fixture(scope="module")
def air_issues(airline_ws: Workspace, engine: str) -> dict[str, Any]:
    return _run(issues, airline_ws, engine, ["United", "US Airways"])


def _labels(part: dict[str, Any]) -> list[set[str]]:
    return [set(th["label"].split(", ")) for th in part["themes"]]


def _check_part(part: dict[str, Any]) -> None:
    sizes = [th["size"] for th in part["themes"]]
    assert sizes == sorted(sizes, reverse=True)
    assert sum(sizes) + part["unassigned"] == part["posts"]
    assert [th["theme"] for th in part["themes"]] == list(range(1, len(sizes) + 1))
    for th in part["themes"]:
        assert 1 <= len(th["label"].split(", ")) <= 4
        s = th["sentiment"]
        assert s["positive"] + s["neutral"] + s["negative"] + s["unscored"] == th["size"]
        assert th["share"] == round(100 * th["size"] / part["posts"], 2)
        assert (th["margin"] is None) == (not part["estimated"])
        assert 1 <= len(th["examples"]) <= 3
        assert all(e["text"] for e in th["examples"])


@pytest.mark.parametrize("airline", ["United", "US Airways"])
def test_airline_complaint_reasons(air_themes: dict[str, Any], airline: str) -> None:
    r = next(x for x in air_themes["results"] if x["topic"] == airline)
    complaints = r["complaints"]
    labels = _labels(complaints)
    assert len(labels) >= 4
    delays = [k for k, lab in enumerate(labels) if lab & DELAYS]
    other = [k for k, lab in enumerate(labels) if lab & BAGS_OR_SERVICE and not lab & DELAYS]
    assert delays and other, labels
    # complaint reasons are made of negative posts only
    for th in complaints["themes"]:
        assert th["sentiment"]["negative"] == th["size"]
        assert {e["sentiment"] for e in th["examples"]} == {"negative"}
    _check_part(complaints)
    _check_part(r)
    assert complaints["posts"] < r["posts"]
    # the topic's own query words are no theme words
    assert not any("united" in th["words"] for th in r["themes"])


def test_movie_themes(nsmc_ws: Workspace, engine: str) -> None:
    result = _run(themes, nsmc_ws, engine, ["인터스텔라", "겨울왕국"])
    for r in result["results"]:
        labels = [th["label"] for th in r["themes"]]
        assert len(set(labels)) >= 2, labels
        _check_part(r)
        assert not any("인터스텔라" in th["words"] for th in r["themes"])


def test_sample_and_seed(airline_ws: Workspace, engine: str) -> None:
    a = _run(themes, airline_ws, engine, ["United"], sample=500, k=5)["results"][0]
    assert a["sampled"] == 500 and a["k"] == 5
    _check_part(a)  # every post is assigned, not only the sample
    b = _run(themes, airline_ws, engine, ["United"], sample=500, k=5, seed=7)["results"][0]
    assert b["sampled"] == 500 and a["themes"] != b["themes"]


def test_issue_timelines(air_issues: dict[str, Any], air_themes: dict[str, Any]) -> None:
    periods = air_issues["periods"]
    assert periods[0] == air_issues["scope"]["from"] and len(periods) == 9
    for r, t in zip(air_issues["results"], air_themes["results"], strict=True):
        assert r["negative_posts"] == t["complaints"]["posts"]
        sizes = [th["size"] for th in r["themes"]]
        assert sum(sizes) + r["unassigned"] == r["negative_posts"]
        labels = {th["label"] for th in r["themes"]}
        assert labels == {th["label"] for th in t["complaints"]["themes"]}
        assert r["recurring"] == sum(th["recurring"] for th in r["themes"])
        for th in r["themes"]:
            assert len(th["timeline"]) == len(periods)
            assert sum(th["timeline"]) == th["size"]
            assert th["recurring"] == (len(th["episodes"]) >= 2)
            for e in th["episodes"]:
                a, b = periods.index(e["start"]), periods.index(e["end"])
                assert e["posts"] == sum(th["timeline"][a : b + 1])


def test_hourly_issues_recur(airline_ws: Workspace, engine: str) -> None:
    """Per hour, complaint themes come and go: some return after quiet hours."""
    r = _run(issues, airline_ws, engine, ["United"], every="hour")["results"][0]
    recurring = [th for th in r["themes"] if th["recurring"]]
    assert recurring
    for th in recurring:
        assert sum(th["timeline"]) == th["size"]
        spans = th["episodes"]
        assert len(spans) >= 2
        assert all(a["end"] < b["start"] for a, b in itertools.pairwise(spans))
    assert r["themes"][0]["recurring"]  # recurring issues first


def test_episodes() -> None:
    series = [1, 1, 9, 8, 1, 1, 1, 7, 1, 0, 1, 7]  # mean 38/12: active from 6.33
    eps = episodes(series, factor=2.0, min_posts=3, gap=2)
    assert [(e["first"], e["last"], e["posts"], e["peak"]) for e in eps] == [
        (2, 3, 17, 9),
        (7, 7, 7, 7),
        (11, 11, 7, 7),
    ]
    # runs closer than the gap (three quiet periods < 4) are one episode
    eps = episodes(series, factor=2.0, min_posts=3, gap=4)
    assert [(e["first"], e["last"], e["posts"]) for e in eps] == [(2, 11, 36)]
    assert episodes(series, factor=2.0, min_posts=8, gap=2)[0]["first"] == 2
    assert episodes([0, 0, 0], factor=2.0, min_posts=1, gap=1) == []
    assert episodes([], factor=2.0, min_posts=1, gap=1) == []


def test_deterministic(airline_ws: Workspace, engine: str, air_themes: dict[str, Any]) -> None:
    assert _run(themes, airline_ws, engine, ["United", "US Airways"]) == air_themes


def test_tables(air_themes: dict[str, Any], air_issues: dict[str, Any]) -> None:
    tables = {t.name: t for t in themes_tables(air_themes)}
    assert set(tables) == {"themes", "complaints"}
    n = sum(len(r["complaints"]["themes"]) for r in air_themes["results"])
    assert len(tables["complaints"].rows) == n
    tables = {t.name: t for t in issues_tables(air_issues)}
    assert set(tables) == {"issues", "issues_timeline"}
    total = sum(th["size"] for r in air_issues["results"] for th in r["themes"])
    assert sum(row[-1] for row in tables["issues_timeline"].rows) == total


def test_bad_options(airline_ws: Workspace, engine: str) -> None:
    with pytest.raises(SettingsError, match="themes"):
        _run(themes, airline_ws, engine, ["United"], k=0)
    with open_store(airline_ws, engine) as store, pytest.raises(SettingsError, match="every"):
        tps = resolve_topics(airline_ws, ["United"])
        issues(store, resolve(store, Scope()), tps, every="month")


def test_big_topic_path(airline_ws: Workspace, engine: str) -> None:
    """A topic with more posts than the sample: fitted on the hashed sample, every post assigned
    by projection; sizes, sentiment mixes and timelines still add up."""
    r = _run(themes, airline_ws, engine, ["United"], sample=800)["results"][0]
    assert r["sampled"] == 800 < r["posts"]
    _check_part(r)
    labels = _labels(r["complaints"])
    assert any(lab & DELAYS for lab in labels), labels
    i = _run(issues, airline_ws, engine, ["United"], sample=800, every="hour")["results"][0]
    assert i["sampled"] == 800 < i["negative_posts"]
    for th in i["themes"]:
        assert sum(th["timeline"]) == th["size"]
    assert sum(th["size"] for th in i["themes"]) + i["unassigned"] == i["negative_posts"]


def test_sample_ignores_row_order(airline_ws: Workspace, engine: str) -> None:
    """The sample and the assignment depend on the posts, not on the order an engine returns
    them in; the sample hash is a function of (seed, platform, post id) alone."""
    import numpy as np

    from socialops.listen import themes as th

    with open_store(airline_ws, engine) as store:
        scope = resolve(store, Scope())
        (tp,) = resolve_topics(airline_ws, ["United"])
        rows = th._fetch(store, scope, tp)
    n = len(rows)
    shuffled = np.random.default_rng(1).permutation(n)
    other = rows.take(shuffled)
    a, b = th._fit(rows, None, 500, 0), th._fit(other, None, 500, 0)
    assert a.method == b.method == "projection"
    assert a.words == b.words
    assert (a.assign[shuffled] == b.assign).all()
    assert th._keys(rows, th._pick(rows, np.arange(n), 500, 3)) == th._keys(
        other, th._pick(other, np.arange(n), 500, 3)
    )
    h = th._sample_hash(0, rows, np.arange(n))
    assert (h[shuffled] == th._sample_hash(0, other, np.arange(n))).all()
    assert len(set(h.tolist())) == len(set(th._keys(rows, np.arange(n))))


def test_estimated_from_a_uniform_sample(airline_ws: Workspace, engine: str) -> None:
    """Above ``max_posts`` a topic is read as the posts whose sample key is below
    2^63 · max_posts / posts: sizes, sentiment mixes and timelines are scaled counts that still
    add up, shares carry a margin, and the estimate is close to the full count."""
    import pyarrow.compute as pc

    from socialops.listen.scope import topic_posts
    from socialops.store.analytics import fetch_arrow
    from socialops.store.sample_key import KEY_SPACE

    exact = _run(themes, airline_ws, engine, ["United"], sample=500)["results"][0]
    r = _run(themes, airline_ws, engine, ["United"], sample=500, max_posts=1000)["results"][0]
    assert not exact["estimated"] and exact["read"] == exact["posts"]
    assert r["estimated"] and r["posts"] == exact["posts"] > 3000
    with open_store(airline_ws, engine) as store:
        scope = resolve(store, Scope())
        (t,) = topic_posts(store, scope, resolve_topics(airline_ws, ["United"]))
        keys = fetch_arrow(t.select("sample_key", "sentiment"))
    bound = KEY_SPACE * 1000 // r["posts"]
    below = pc.less(keys["sample_key"], bound)
    assert r["read"] == pc.sum(below).as_py()  # the same posts, whatever the engine's order
    assert 800 < r["read"] < 1200  # a Bernoulli(1000 / posts) sample
    _check_part(r)
    assert all(th["margin"] > 0 for th in r["themes"])
    # negative posts: their own sample, scaled to their exact count
    neg = r["complaints"]
    assert neg["posts"] == exact["complaints"]["posts"] and neg["estimated"]
    _check_part(neg)
    # the sentiment mix of the estimated themes adds up near the true one (±5 points)
    true_neg = exact["complaints"]["posts"] / exact["posts"]
    est_neg = sum(th["sentiment"]["negative"] for th in r["themes"]) / r["posts"]
    assert abs(est_neg - true_neg) < 0.05 + r["unassigned"] / r["posts"]
    i = _run(issues, airline_ws, engine, ["United"], sample=500, max_posts=1000)["results"][0]
    assert i["estimated"] and i["negative_posts"] == neg["posts"]
    for th in i["themes"]:
        assert sum(th["timeline"]) == th["size"]
    assert sum(th["size"] for th in i["themes"]) + i["unassigned"] == i["negative_posts"]
    with pytest.raises(SettingsError, match="max_posts"):
        _run(themes, airline_ws, engine, ["United"], sample=500, max_posts=400)


def test_apportion() -> None:
    from socialops.listen.themes import apportion

    assert apportion([3, 2, 0], 5) == [3, 2, 0]  # already adding up: unchanged
    assert apportion([1, 1, 1], 10) == [4, 3, 3]  # ties: the first
    assert apportion([5, 0, 3], 80) == [50, 0, 30]
    assert sum(apportion([7, 13, 2, 9], 1003)) == 1003
    assert apportion([0, 0], 5) == [0, 0]


@pytest.mark.slow
def test_big_topic_path_same_as_reference_engine(airline_ws: Workspace, engine: str) -> None:
    """The sampled/projection path gives on this engine the themes DuckDB gives."""
    out = []
    for name in (engine, REFERENCE_ENGINE):
        with open_store(airline_ws, name) as store:
            scope = resolve(store, Scope(every="day"))
            tps = resolve_topics(airline_ws, ["United", "US Airways"])
            out.append(
                (
                    themes(store, scope, tps, sample=600),
                    issues(store, scope, tps, sample=600),
                    themes(store, scope, tps, sample=600, max_posts=1500),
                )
            )
    assert out[0] == out[1]
    assert out[0][0]["results"][0]["sampled"] == 600
    assert out[0][2]["results"][0]["estimated"]
