"""Influential authors: engagement recounted from the Parquet, PageRank checked against a direct
linear solve, the airlines' own accounts at the centre of their mention graphs, replies and
reposts resolved to authors, Korean reviews without handles, the monthly author rollups (whole
and partial months, filters, stale and rebuilt files) equal to aggregating every post,
DuckDB == Spark."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from analytics_cases import REFERENCE_ENGINE
from socialops.errors import SettingsError
from socialops.listen.influencers import (
    EMPTY_NOTE,
    influencers,
    influencers_tables,
    pagerank,
)
from socialops.listen.ingest import import_file
from socialops.listen.scope import Scope, resolve
from socialops.listen.topics import Topic, add_topic, list_topics
from socialops.nlp import query as q
from socialops.sources.enrich import enrich_workspace
from socialops.store.analytics import cache_file_name, open_store, topic_cache_key
from socialops.store.workspace import Workspace

OWN_HANDLE = {
    "United": "united",
    "American": "americanair",
    "Southwest": "southwestair",
    "US Airways": "usairways",
    "Virgin America": "virginamerica",
}


def _run(ws: Workspace, engine: str, scope: Scope | None = None, **options: Any) -> dict[str, Any]:
    store = open_store(ws, engine)
    try:
        return influencers(store, resolve(store, scope or Scope()), list_topics(ws), **options)
    finally:
        store.close()


def _posts(ws: Workspace) -> list[dict[str, Any]]:
    cols = ["author_handle", "author_id", "likes", "comments", "shares", "author_followers"]
    cols += ["mentions", "match_text", "day", "platform"]
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
def airline_result(airline_ws: Workspace, engine: str) -> dict[str, Any]:
    return _run(airline_ws, engine, limit=25)


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
    # the tweets to @JetBlue (which the data set files under "Delta"): JetBlue is their hub
    assert by_topic["JetBlue"]["graph"]["top"][0]["author"] == "jetblue"


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
    tmp_path: Path, shared_file: Callable[[str], Path], engine: str
) -> None:
    ws = _thread_ws(tmp_path, shared_file)
    (res,) = _run(ws, engine)["results"]
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


def test_korean_reviews_give_empty_graph(nsmc_ws: Workspace, engine: str) -> None:
    result = _run(nsmc_ws, engine)
    assert len(result["results"]) == len(list_topics(nsmc_ws))
    for res in result["results"]:
        g = res["graph"]
        assert (g["nodes"], g["edges"], g["top"]) == (0, 0, [])
        assert g["note"] == EMPTY_NOTE
        assert res["by_engagement"] == [] and res["note"]
    tables = influencers_tables(result)
    assert [t.name for t in tables] == ["influencers_engagement", "influencers_network"]
    assert all(t.rows == [] for t in tables)


def test_tables_and_bad_options(
    airline_ws: Workspace, engine: str, airline_result: dict[str, Any]
) -> None:
    eng, net = influencers_tables(airline_result)
    assert len(eng.rows) == sum(len(r["by_engagement"]) for r in airline_result["results"])
    assert ["United", 1, "united"] in [row[:3] for row in net.rows]
    store = open_store(airline_ws, engine)
    try:
        topic = Topic("United", "@united", "brand")
        with pytest.raises(SettingsError):
            influencers(store, Scope(), [topic], limit=0)
        with pytest.raises(SettingsError):
            influencers(store, Scope(), [topic], damping=1.0)
    finally:
        store.close()


# -- the monthly author rollups -----------------------------------------------------------------
def _months_ws(root: Path, shared_file: Callable[[str], Path]) -> Workspace:
    """Every 12th airline tweet (by id), spread evenly from 2015-01-05 to 2015-04-25 (UTC) over
    two platforms, with likes, comments, followers (some missing), a few authors known by id
    only, and replies and reposts that cross months."""
    with open(shared_file("airline_tweets/Tweets.csv"), encoding="utf-8", newline="") as f:
        src = sorted(csv.DictReader(f), key=lambda r: r["tweet_id"])[::12]  # airlines mixed
    header = ["post_id", "platform", "author", "author_id", "text", "created_at"]
    header += ["reply_to_id", "repost_of_id", "likes", "comments", "author_followers"]
    t0 = datetime(2015, 1, 5, 6, 0, tzinfo=UTC)
    step = timedelta(days=110) / len(src)
    rows = []
    for i, r in enumerate(src):
        rows.append(
            [
                str(i),
                "mastodon" if i % 3 == 0 else "twitter",
                "" if i % 17 == 0 else r["name"],
                f"u{len(r['name']) % 9}" if i % 17 == 0 or i % 5 == 0 else "",
                r["text"],
                (t0 + i * step).strftime("%Y-%m-%dT%H:%M:%SZ"),
                str(i - 42) if i % 11 == 0 and i >= 42 else "",
                str(i - 90) if i % 13 == 0 and i >= 90 else "",
                "" if i % 4 == 0 else str((i * 7) % 23),
                str(i % 3),
                "" if i % 6 == 0 else str((i * 37) % 1000),
            ]
        )
    path = root / "months.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([header, *rows])
    ws = Workspace.open(root / "ws")
    import_file(ws, path, tz="UTC")
    enrich_workspace(ws, workers=1, tz="UTC")
    add_topic(ws, "United", "@united OR united", "brand")
    add_topic(ws, "US Airways", '@USAirways OR "us airways" OR usairways', "brand")
    add_topic(ws, "Delta", "@JetBlue OR jetblue OR @delta OR delta", "brand")
    return ws


@pytest.fixture(scope="module")
def months_ws(
    tmp_path_factory: pytest.TempPathFactory, shared_file: Callable[[str], Path]
) -> Workspace:
    return _months_ws(tmp_path_factory.mktemp("months"), shared_file)


MONTH_SCOPES = [
    Scope(),  # the data's range: its first and last months hold no day outside it
    Scope(date(2015, 1, 20), date(2015, 3, 10)),  # partial January and March, whole February
    Scope(date(2015, 2, 3), date(2015, 2, 17)),  # inside one month
    Scope(date(2015, 1, 1), date(2015, 4, 30), platforms=("twitter",)),
    Scope(date(2015, 1, 20), date(2015, 4, 10), langs=("en",)),
    Scope(date(2015, 3, 1), date(2015, 3, 31), platforms=("mastodon",), langs=("en", "ko")),
    Scope(date(2015, 6, 1), date(2015, 6, 30)),  # no posts at all
]


def _rollup_dirs(ws: Workspace) -> list[Path]:
    return [
        ws.root / "cache" / "topics" / topic_cache_key(t.query) / "authors" for t in list_topics(ws)
    ]


def _influencers(ws: Workspace, engine: str, scope: Scope, **options: Any) -> dict[str, Any]:
    store = open_store(ws, engine)
    try:
        return influencers(store, scope, list_topics(ws), limit=500, **options)
    finally:
        store.close()


def test_rollups_equal_every_post_aggregated(months_ws: Workspace, engine: str) -> None:
    store = open_store(months_ws, engine)
    try:
        full = resolve(store, Scope())
    finally:
        store.close()
    assert (full.start, full.end) == (date(2015, 1, 5), date(2015, 4, 25))
    months = sorted(f.parent.name for f in months_ws.enriched_files())
    assert months == ["month=2015-01", "month=2015-02", "month=2015-03", "month=2015-04"]
    for scope in [full, *MONTH_SCOPES[1:]]:
        fast = _influencers(months_ws, engine, scope)
        assert fast == _influencers(months_ws, engine, scope, _exact=True), scope
    # the rollups exist, one per match file, and hold every dated topic post with an author
    posts = _posts(months_ws)
    for topic, folder in zip(list_topics(months_ws), _rollup_dirs(months_ws), strict=True):
        names = sorted(cache_file_name(months_ws, f, "tp") for f in months_ws.enriched_files())
        assert sorted(p.name for p in folder.glob("*.parquet")) == names
        rolled = pq.read_table(sorted(folder.glob("*.parquet")))
        own = rolled.filter(pc.equal(rolled["target"], " "))
        expected = [r for r in posts if _key(r) and q.matches(topic.tree, r["match_text"])]
        assert pc.sum(own["posts"]).as_py() == len(expected) > 20


def test_partial_months_recounted_from_posts(months_ws: Workspace, engine: str) -> None:
    """Engagement of a range cutting two months, and a platform filter, against a recount."""
    posts = _posts(months_ws)
    for scope in (MONTH_SCOPES[1], MONTH_SCOPES[3]):
        result = _influencers(months_ws, engine, scope)
        assert scope.start and scope.end
        for topic, res in zip(list_topics(months_ws), result["results"], strict=True):
            tally: dict[str, list[int]] = {}
            for r in posts:
                key = _key(r)
                if (
                    key is None
                    or not scope.start <= r["day"] <= scope.end
                    or (scope.platforms and r["platform"] not in scope.platforms)
                    or not q.matches(topic.tree, r["match_text"])
                ):
                    continue
                a = tally.setdefault(key, [0, 0])
                a[0] += 1
                a[1] += sum(r[c] or 0 for c in ("likes", "comments", "shares"))
            got = {a["author"]: [a["posts"], a["engagement"]] for a in res["by_engagement"]}
            assert res["authors"] == len(tally) > 5
            assert got == tally


def test_stale_rollups_removed_and_missing_rebuilt(months_ws: Workspace, engine: str) -> None:
    scope = MONTH_SCOPES[1]  # February whole (from its rollup), January and March partial
    inside = MONTH_SCOPES[2]  # inside February: from the posts
    before = _influencers(months_ws, engine, scope)
    before_inside = _influencers(months_ws, engine, inside)
    folder = _rollup_dirs(months_ws)[0]  # the first topic (Delta)
    (feb,) = [
        cache_file_name(months_ws, f, "tp")
        for f in months_ws.enriched_files()
        if f.parent.name == "month=2015-02"
    ]
    stale = folder / "tp-000000000000000000000000.parquet"
    shutil.copy(folder / feb, stale)
    # the rollup is what is read: add 1000 likes to every author's own row for February
    t = pq.read_table(folder / feb)
    likes = pc.if_else(pc.equal(t["target"], " "), pc.add(t["likes"], 1000), t["likes"])
    pq.write_table(t.set_column(t.schema.get_field_index("likes"), "likes", likes), folder / feb)
    changed = _influencers(months_ws, engine, scope)
    assert not stale.exists()
    top = changed["results"][0]["by_engagement"][0]
    assert top["likes"] >= 1000
    assert changed["results"][1:] == before["results"][1:]
    assert _influencers(months_ws, engine, inside) == before_inside  # partial: not from rollup
    (folder / feb).unlink()
    assert _influencers(months_ws, engine, scope) == before
    assert (folder / feb).exists()
    rebuilt = pq.read_table(folder / feb)
    assert pc.max(rebuilt["likes"]).as_py() < 1000
    assert rebuilt.schema.field("posts").type == pa.int64()


def _sorted(t: pa.Table) -> pa.Table:
    return t.sort_by([(c, "ascending") for c in ("month", "platform", "lang", "author", "target")])


def test_same_as_reference_engine(
    airline_ws: Workspace,
    airline_result: dict[str, Any],
    months_ws: Workspace,
    engine: str,
) -> None:
    assert airline_result == _run(airline_ws, REFERENCE_ENGINE, limit=25)
    # rollups built by this engine: the same files, the same results, whole and partial months
    expected = [_influencers(months_ws, REFERENCE_ENGINE, s) for s in MONTH_SCOPES[1:4]]
    built = {d: _sorted(pq.read_table(d)) for d in _rollup_dirs(months_ws)}
    for d in built:
        shutil.rmtree(d)
    store = open_store(months_ws, engine)
    try:
        got = [influencers(store, s, list_topics(months_ws), limit=500) for s in MONTH_SCOPES[1:4]]
    finally:
        store.close()
    assert got == expected
    for d, table in built.items():
        assert _sorted(pq.read_table(d)) == table
