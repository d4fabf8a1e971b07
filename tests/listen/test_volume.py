"""Volume, share of voice and sentiment on real data, checked against plain recounts."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from socialops.listen.scope import Scope, all_periods, resolve, scoped_posts
from socialops.listen.topics import list_topics
from socialops.listen.volume import net_sentiment, sentiment, sov, volume
from socialops.nlp import query as q
from socialops.store.analytics import fetch_arrow, open_store
from socialops.store.workspace import Workspace


def _rows(ws: Workspace, engine: str) -> list[dict[str, object]]:
    with open_store(ws, engine) as store:
        t = scoped_posts(store, resolve(store, Scope()))
        return fetch_arrow(t.select("post_id", "match_text", "sentiment", "day")).to_pylist()


def test_sov_equals_counted_mentions(airline_ws: Workspace, engine: str) -> None:
    topics = list_topics(airline_ws)
    rows = _rows(airline_ws, engine)
    assert len(rows) == 14640 - 155  # the repeated tweet ids are counted once
    counted = {
        t.name: sum(1 for r in rows if q.matches(t.tree, str(r["match_text"]))) for t in topics
    }
    with open_store(airline_ws, engine) as store:
        res = sov(store, resolve(store, Scope()), topics)
    got = {r["topic"]: r["mentions"] for r in res["results"]}
    assert got == counted
    assert res["total_mentions"] == sum(counted.values())
    shares = {r["topic"]: r["share"] for r in res["results"]}
    for name, n in counted.items():
        assert shares[name] == pytest.approx(100 * n / sum(counted.values()), abs=0.01)
    assert sum(shares.values()) == pytest.approx(100, abs=0.1)
    # American's tweets only start on 22 February (the collection's coverage)
    assert got["United"] > got["Virgin America"]
    per = next(r for r in res["results"] if r["topic"] == "American")["series"]
    assert sum(p["mentions"] for p in per) == got["American"]


def test_volume_periods_add_up(airline_ws: Workspace, engine: str) -> None:
    topics = list_topics(airline_ws)
    with open_store(airline_ws, engine) as store:
        base = resolve(store, Scope())
        by = {
            e: volume(store, Scope(base.start, base.end, e), topics)
            for e in ("hour", "day", "week")
        }
    assert by["day"]["periods"] == all_periods(base.start, base.end, "day")  # type: ignore[arg-type]
    assert len(by["hour"]["periods"]) == 24 * len(by["day"]["periods"])
    assert by["week"]["periods"][0] == "2015-02-16"  # a Monday
    for e in ("hour", "week"):
        for a, b in zip(by[e]["results"], by["day"]["results"], strict=True):
            assert a["total"] == b["total"]
        assert by[e]["all_posts"]["total"] == by["day"]["all_posts"]["total"] == 14485
    day_counts = Counter(str(r["day"]) for r in _rows(airline_ws, engine))
    assert by["day"]["all_posts"]["series"] == [day_counts[p] for p in by["day"]["periods"]]


def test_sentiment_counts_and_net(airline_ws: Workspace, engine: str) -> None:
    topics = list_topics(airline_ws)
    rows = _rows(airline_ws, engine)
    with open_store(airline_ws, engine) as store:
        scope = resolve(store, Scope(date(2015, 2, 20), date(2015, 2, 23)))
        res = sentiment(store, scope, topics)
    for item, t in zip(res["results"], topics, strict=True):
        mine = [
            r
            for r in rows
            if q.matches(t.tree, str(r["match_text"]))
            and date(2015, 2, 20) <= r["day"] <= date(2015, 2, 23)  # type: ignore[operator]
        ]
        c = Counter(r["sentiment"] for r in mine)
        assert (item["positive"], item["neutral"], item["negative"]) == (
            c["positive"],
            c["neutral"],
            c["negative"],
        )
        assert item["net_sentiment"] == net_sentiment(c["positive"], c["negative"])
        assert len(item["series"]) == 4
        assert sum(s["negative"] for s in item["series"]) == c["negative"]
    united = next(r for r in res["results"] if r["topic"] == "United")
    assert united["net_sentiment"] < 0  # complaints dominate airline tweets


def test_net_sentiment_formula() -> None:
    assert net_sentiment(3, 1) == 0.5
    assert net_sentiment(0, 0) is None
    assert net_sentiment(0, 4) == -1.0


def test_korean_query_finds_inflected_forms(nsmc_ws: Workspace, engine: str) -> None:
    """연기 (acting) finds 연기가/연기는/연기도; 지루하다 finds 지루했다/지루해서."""
    rows = _rows(nsmc_ws, engine)
    with open_store(nsmc_ws, engine) as store:
        t = scoped_posts(store, resolve(store, Scope()))
        texts = fetch_arrow(t.select("post_id", "text")).to_pylist()
    text_of = {r["post_id"]: r["text"] for r in texts}
    for query, forms in (
        ("연기", ("연기가", "연기는", "연기도")),
        ("지루하다", ("지루했", "지루해")),
    ):
        node = q.parse(query)
        hit = {r["post_id"] for r in rows if q.matches(node, str(r["match_text"]))}
        for form in forms:
            having = [pid for pid, tx in text_of.items() if form in str(tx)]
            assert len(having) >= 5, form
            found = sum(1 for pid in having if pid in hit)
            assert found / len(having) >= 0.9, (query, form, found, len(having))
