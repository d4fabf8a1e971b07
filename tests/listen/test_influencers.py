"""Influential authors: engagement recounted from the Parquet, PageRank checked against a direct
linear solve, the airlines' own accounts at the centre of their mention graphs, replies and
reposts resolved to authors, Korean reviews without handles, DuckDB == Spark."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.dataset as ds
import pytest

from socialops.errors import SettingsError
from socialops.listen import query as q
from socialops.listen.influencers import (
    EMPTY_NOTE,
    influencers,
    influencers_tables,
    pagerank,
)
from socialops.listen.ingest import import_file
from socialops.listen.scope import Scope, resolve
from socialops.listen.topics import Topic, add_topic, list_topics
from socialops.nlp.runner import enrich_workspace
from socialops.store.analytics import open_store
from socialops.store.workspace import Workspace

OWN_HANDLE = {
    "United": "united",
    "American": "americanair",
    "Southwest": "southwestair",
    "US Airways": "usairways",
    "Virgin America": "virginamerica",
}


def _run(ws: Workspace, engine: str = "duckdb", **options: Any) -> dict[str, Any]:
    store = open_store(ws, engine)
    try:
        return influencers(store, resolve(store, Scope()), list_topics(ws), **options)
    finally:
        store.close()


def _posts(ws: Workspace) -> list[dict[str, Any]]:
    cols = ["author_handle", "author_id", "likes", "comments", "shares", "author_followers"]
    cols += ["mentions", "match_text", "day"]
    data = ds.dataset(ws.root / "enriched", format="parquet", partitioning="hive")
    return [r for r in data.to_table(columns=cols).to_pylist() if r["day"] is not None]


def _key(r: dict[str, Any]) -> str | None:
    if r["author_handle"]:
        return str(r["author_handle"]).lower()
    return f"id:{r['author_id']}" if r["author_id"] else None


def _dense_pagerank(n: int, edges: dict[tuple[int, int], float], d: float) -> np.ndarray:
    """PageRank by solving the linear system directly (dangling rank spread uniformly)."""
    m = np.zeros((n, n))
    for (a, b), w in edges.items():
        m[b, a] += w
    out = m.sum(axis=0)
    dangling = out == 0
    m[:, ~dangling] /= out[~dangling]
    m[:, dangling] = 1.0 / n
    g = d * m + (1 - d) / n
    r: np.ndarray = np.linalg.solve(np.eye(n) - g + np.ones((n, n)) / n, np.ones(n) / n)
    return r / r.sum()


@pytest.fixture(scope="module")
def airline_result(airline_ws: Workspace) -> dict[str, Any]:
    return _run(airline_ws, limit=25)


def test_engagement_matches_recount_from_parquet(
    airline_ws: Workspace, airline_result: dict[str, Any]
) -> None:
    posts = _posts(airline_ws)
    for topic, res in zip(list_topics(airline_ws), airline_result["results"], strict=True):
        assert res["topic"] == topic.name
        tally: dict[str, dict[str, Any]] = {}
        for r in posts:
            key = _key(r)
            if key is None or not q.matches(topic.tree, r["match_text"]):
                continue
            a = tally.setdefault(key, {"posts": 0, "engagement": 0, "reach": None})
            a["posts"] += 1
            a["engagement"] += sum(r[c] or 0 for c in ("likes", "comments", "shares"))
            if r["author_followers"] is not None:
                a["reach"] = max(a["reach"] or 0, r["author_followers"])
        expected = sorted(
            tally.items(), key=lambda kv: (-kv[1]["engagement"], -kv[1]["posts"], kv[0])
        )
        got = res["by_engagement"]
        assert res["authors"] == len(tally)
        assert [(a["author"], a["posts"], a["engagement"], a["reach"]) for a in got] == [
            (k, v["posts"], v["engagement"], v["reach"]) for k, v in expected[:25]
        ]
        assert got[0]["engagement"] > 0
        assert all(a["engagement_per_post"] == round(a["engagement"] / a["posts"], 4) for a in got)


def test_airline_accounts_rank_first_in_their_mention_graph(
    airline_result: dict[str, Any],
) -> None:
    by_topic = {r["topic"]: r for r in airline_result["results"]}
    for topic, handle in OWN_HANDLE.items():
        g = by_topic[topic]["graph"]
        assert g["note"] is None and g["converged"]
        assert g["pagerank_sum"] == pytest.approx(1.0, abs=1e-6)
        assert g["links_by_kind"]["mention"] == g["links"] > 0
        top = g["top"]
        assert top[0]["author"] == handle, (topic, top[:3])
        assert top[0]["in_degree"] == max(a["in_degree"] for a in top)
        scores = [a["pagerank"] for a in top]
        assert scores == sorted(scores, reverse=True)
    # the data set files tweets to @JetBlue under "Delta"
    assert by_topic["Delta"]["graph"]["top"][0]["author"] in ("jetblue", "delta")


def test_pagerank_equals_direct_solve_on_united_mentions(
    airline_ws: Workspace, airline_result: dict[str, Any]
) -> None:
    united = next(t for t in list_topics(airline_ws) if t.name == "United")
    weights: dict[tuple[str, str], float] = {}
    for r in _posts(airline_ws):
        key = _key(r)
        if key is None or not q.matches(united.tree, r["match_text"]):
            continue
        for m in r["mentions"] or []:
            target = m.lower().removeprefix("@")
            if target and target != key:
                weights[(key, target)] = weights.get((key, target), 0) + 1
    nodes = sorted({n for pair in weights for n in pair})
    index = {n: i for i, n in enumerate(nodes)}
    dense = _dense_pagerank(
        len(nodes), {(index[a], index[b]): w for (a, b), w in weights.items()}, 0.85
    )
    g = next(r for r in airline_result["results"] if r["topic"] == "United")["graph"]
    assert (g["nodes"], g["edges"], g["links"]) == (len(nodes), len(weights), sum(weights.values()))
    for a in g["top"]:
        assert a["pagerank"] == pytest.approx(dense[index[a["author"]]], abs=1e-7)
    expected_top = sorted(range(len(nodes)), key=lambda i: (-dense[i], nodes[i]))[:5]
    assert [a["author"] for a in g["top"][:5]] == [nodes[i] for i in expected_top]


def test_pagerank_cycle_and_dangling() -> None:
    r, _, ok = pagerank(3, [0, 1, 2], [1, 2, 0], [1.0, 1.0, 1.0])
    assert ok and np.allclose(r, 1 / 3)
    r, _, ok = pagerank(2, [0], [1], [1.0], damping=0.5)  # node 1 dangles
    assert ok and r.sum() == pytest.approx(1.0)
    assert r[1] == pytest.approx(_dense_pagerank(2, {(0, 1): 1.0}, 0.5)[1])
    assert pagerank(0, [], [], [])[0].size == 0


def _thread_ws(root: Path, shared_file: Callable[[str], Path]) -> Workspace:
    """Six real @united tweets, threaded: b replies to a, c reposts a, d replies to b's tweet,
    a replies to d; b's tweet is posted twice (a repost of a tweet outside the topic's range
    would resolve the same way)."""
    with open(shared_file("airline_tweets/Tweets.csv"), encoding="utf-8", newline="") as f:
        tweets = [r["text"] for r in csv.DictReader(f) if r["text"].startswith("@united ")][:6]
    header = ["post_id", "author", "text", "created_at", "reply_to_id", "repost_of_id"]
    header += ["likes", "author_followers"]
    rows = [
        ["1", "Alice", tweets[0], "2015-02-20T10:00:00Z", "", "", "5", "100"],
        ["2", "bob", tweets[1], "2015-02-20T11:00:00Z", "1", "", "", "40"],
        ["3", "carol", tweets[2], "2015-02-20T12:00:00Z", "", "1", "1", ""],
        ["4", "dave", tweets[3], "2015-02-20T13:00:00Z", "2", "", "2", "7"],
        ["5", "alice", tweets[4], "2015-02-20T14:00:00Z", "4", "", "", "300"],
        ["6", "bob", tweets[5], "2015-02-20T15:00:00Z", "", "", "", ""],
    ]
    path = root / "thread.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([header, *rows])
    ws = Workspace.open(root / "ws")
    import_file(ws, path, tz="UTC")
    enrich_workspace(ws, workers=1, tz="UTC")
    add_topic(ws, "United", "@united", "brand")
    return ws


def test_replies_and_reposts_resolve_to_authors(
    tmp_path: Path, shared_file: Callable[[str], Path]
) -> None:
    ws = _thread_ws(tmp_path, shared_file)
    (res,) = _run(ws)["results"]
    g = res["graph"]
    assert g["links_by_kind"]["reply"] == 3 and g["links_by_kind"]["repost"] == 1
    top = {a["author"]: a for a in g["top"]}
    assert top["alice"]["in_degree"] == 2  # bob's reply, carol's repost
    assert top["alice"]["handle"] == "Alice" and top["alice"]["posts"] == 2
    assert top["alice"]["reach"] == 300 and top["alice"]["engagement"] == 5
    assert top["bob"]["in_degree"] == 1 and top["dave"]["in_degree"] == 1
    assert top["united"]["in_links"] == 6  # every tweet mentions @united
    assert sum(a["pagerank"] for a in g["top"]) == pytest.approx(1.0, abs=1e-6)
    eng = res["by_engagement"]
    assert [a["author"] for a in eng][:3] == ["alice", "dave", "carol"]


def test_korean_reviews_give_empty_graph(nsmc_ws: Workspace) -> None:
    result = _run(nsmc_ws)
    assert len(result["results"]) == len(list_topics(nsmc_ws))
    for res in result["results"]:
        g = res["graph"]
        assert (g["nodes"], g["edges"], g["top"]) == (0, 0, [])
        assert g["note"] == EMPTY_NOTE
        assert res["by_engagement"] == [] and res["note"]
    tables = influencers_tables(result)
    assert [t.name for t in tables] == ["influencers_engagement", "influencers_network"]
    assert all(t.rows == [] for t in tables)


def test_tables_and_bad_options(airline_ws: Workspace, airline_result: dict[str, Any]) -> None:
    eng, net = influencers_tables(airline_result)
    assert len(eng.rows) == sum(len(r["by_engagement"]) for r in airline_result["results"])
    assert ["United", 1, "united"] in [row[:3] for row in net.rows]
    store = open_store(airline_ws)
    try:
        topic = Topic("United", "@united", "brand")
        with pytest.raises(SettingsError):
            influencers(store, Scope(), [topic], limit=0)
        with pytest.raises(SettingsError):
            influencers(store, Scope(), [topic], damping=1.0)
    finally:
        store.close()


@pytest.mark.spark
def test_duckdb_equals_spark(
    airline_ws: Workspace, airline_result: dict[str, Any], spark_ready: None
) -> None:
    assert _run(airline_ws, "spark", limit=25) == airline_result
