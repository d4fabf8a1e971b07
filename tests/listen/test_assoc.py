"""Association words on real data: a movie's words a Korean reader recognises, airline complaint
words, G² against SciPy, rollup reference counts equal to a direct count, DuckDB == Spark."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from scipy.stats import chi2_contingency

from analytics_cases import REFERENCE_ENGINE
from socialops.listen.assoc import MIN_G2, assoc, assoc_tables, g2, is_query_word, query_words
from socialops.listen.scope import Scope, resolve, scoped_posts, topic_filter
from socialops.listen.themes import themes
from socialops.listen.topics import Topic, resolve_topics
from socialops.store.analytics import fetch_arrow, open_store
from socialops.store.workspace import Workspace

FROZEN_WORDS = {
    "안나",
    "디즈니",
    "애니",
    "애니메이션",
    "노래",
    "음악",
    "ost",
    "렛잇고",
    "라푼젤",
    "더빙",
    "성우",
    "캐릭터",
    "겨울",
}
PRAISE = {"감동", "최고", "명작", "사랑", "재미", "대박", "훌륭", "완벽", "걸작"}
FLIGHT_PROBLEMS = {"cancelled", "delayed", "delay", "late", "bag", "hold", "lost", "stuck"}


def _run(
    ws: Workspace, engine: str, names: list[str], scope: Scope | None = None, **kw: Any
) -> dict[str, Any]:
    with open_store(ws, engine) as store:
        sc = resolve(store, scope or Scope())
        return assoc(store, sc, resolve_topics(ws, names), **kw)


@pytest.fixture(scope="module")
def frozen(nsmc_ws: Workspace, engine: str) -> dict[str, Any]:
    return _run(nsmc_ws, engine, ["겨울왕국"])["results"][0]


@pytest.fixture(scope="module")
def airlines(airline_ws: Workspace, engine: str) -> dict[str, Any]:
    return _run(airline_ws, engine, ["United", "US Airways"])


def test_g2_matches_scipy() -> None:
    for a, b, n1, n2 in [(20, 30, 200, 5000), (5, 0, 40, 900), (1, 99, 10, 1000), (7, 3, 7, 10)]:
        table = [[a, n1 - a], [b, n2 - b]]
        ref = chi2_contingency(table, correction=False, lambda_="log-likelihood")[0]
        assert g2(a, b, n1, n2) == pytest.approx(ref, rel=1e-9)
    assert g2(0, 0, 10, 10) == 0.0


def test_query_words_are_the_topics_own() -> None:
    qw = query_words(Topic("겨울왕국", "겨울왕국 OR 엘사 OR 렛잇고 OR disney*", "product"))
    for word in (
        "겨울왕국",
        "겨울 왕국",
        "왕국",
        "엘사",
        "렛잇고",
        "#엘사",
        "disneyland",
        "엘사 노래",
    ):
        assert is_query_word(word, qw), word
    for word in ("안나", "노래", "디즈니", "pixar"):
        assert not is_query_word(word, qw), word


def _check_list(items: list[dict[str, Any]], n1: int, n2: int, min_count: int = 5) -> None:
    scores = [x["g2"] for x in items]
    assert scores == sorted(scores, reverse=True)
    for x in items:
        assert x["count"] >= min_count
        assert x["g2"] >= MIN_G2
        assert x["count"] * n2 > x["rest_count"] * n1  # over-represented
        assert x["g2"] == round(g2(x["count"], x["rest_count"], n1, n2), 3)


def test_frozen_association_words(frozen: dict[str, Any]) -> None:
    words = [x["word"] for x in frozen["words"]]
    assert len(words) >= 10
    # words a Korean reader recognises as about Frozen: Disney, animation, songs, dubbing...
    assert len(FROZEN_WORDS & set(words)) >= 5, words
    # the query's own words are not association words
    qw = query_words(Topic("겨울왕국", "겨울왕국 OR 엘사 OR 올라프 OR 렛잇고", "product"))
    assert not any(is_query_word(w, qw) for w in words)
    assert "겨울왕국" in frozen["excluded"]
    _check_list(frozen["words"], frozen["posts"], frozen["rest_posts"])
    for x in frozen["words"]:
        assert 1 <= len(x["examples"]) <= 2


def test_frozen_sentiment_words(frozen: dict[str, Any]) -> None:
    pos = [x["word"] for x in frozen["positive"]]
    neg = [x["word"] for x in frozen["negative"]]
    assert PRAISE & set(pos), pos
    assert neg and not set(neg) & set(pos)
    npos, nneg, n = frozen["positive_posts"], frozen["negative_posts"], frozen["posts"]
    _check_list(frozen["positive"], npos, n - npos)
    _check_list(frozen["negative"], nneg, n - nneg)
    for x in frozen["positive"]:
        assert x["examples"] and {e["sentiment"] for e in x["examples"]} == {"positive"}
    for x in frozen["negative"]:
        assert x["examples"] and {e["sentiment"] for e in x["examples"]} == {"negative"}


def test_airline_negative_words(airlines: dict[str, Any]) -> None:
    by = {r["topic"]: r for r in airlines["results"]}
    united = by["United"]
    neg = {x["word"] for x in united["negative"]}
    assert len(FLIGHT_PROBLEMS & neg) >= 4, neg
    assert "thank" in {x["word"] for x in united["positive"]}
    assert "united" in united["excluded"]
    assert "united" not in {x["word"] for x in united["words"]}
    assert "hold" in {x["word"] for x in by["US Airways"]["negative"]}
    for x in united["negative"][:5]:  # examples are the topic's negative posts with the word
        for e in x["examples"]:
            assert e["sentiment"] == "negative"
            assert x["word"] in e["text"].lower()
    _check_list(united["words"], united["posts"], united["rest_posts"])


def test_reference_counts_equal_direct_counts(nsmc_ws: Workspace, engine: str) -> None:
    """Whole months from the rollup, partial months unnested or subtracted: the same as
    unnesting every post, and count + rest_count equals a direct count of posts listing the
    word."""
    # from the 3rd (most of the month: rollup minus the days outside) to the 10th (unnested)
    scope = Scope(date(2013, 11, 3), date(2014, 8, 10))
    fast = _run(nsmc_ws, engine, ["겨울왕국", "명량"], scope)
    assert fast == _run(nsmc_ws, engine, ["겨울왕국", "명량"], scope, _exact=True)
    words = [x for r in fast["results"] for x in r["words"][:5]]
    assert words
    with open_store(nsmc_ws, engine) as store:
        t = scoped_posts(store, scope)
        for x in words:
            f = t.filter(t.keywords.contains(x["word"]))
            assert (
                x["count"] + x["rest_count"] == fetch_arrow(f.aggregate(n=f.count()))[0][0].as_py()
            )
        topic = resolve_topics(nsmc_ws, ["명량"])[0]
        f = t.filter(topic_filter(t, topic))
        n_topic = fetch_arrow(f.aggregate(n=f.count()))[0][0].as_py()
    assert fast["results"][1]["posts"] == n_topic


def test_example_pools_from_file_pools(
    nsmc_ws: Workspace, engine: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a pool smaller than the topics, the pool taken from each month file's own most
    engaging posts (whole months) and the posts of partial months gives the same examples as
    the pool taken from every post in scope."""
    from socialops.listen import assoc as mod

    monkeypatch.setattr(mod, "EXAMPLE_POOL", 30)
    scope = Scope(date(2013, 11, 3), date(2014, 8, 10))
    fast = _run(nsmc_ws, engine, ["겨울왕국", "명량"], scope)
    assert fast == _run(nsmc_ws, engine, ["겨울왕국", "명량"], scope, _exact=True)
    assert any(list(nsmc_ws.root.glob("cache/topics/*/top-30/*.parquet")))
    # title-only film topics (issue 14): fewer matches in this slice than the old queries had
    assert sum(len(x["examples"]) for r in fast["results"] for x in r["words"]) > 10


def test_filters_and_options(nsmc_ws: Workspace, engine: str) -> None:
    result = _run(nsmc_ws, engine, ["명량"], Scope(langs=("ko",)), limit=5, min_count=8, examples=1)
    r = result["results"][0]
    assert 0 < len(r["words"]) <= 5
    assert all(x["count"] >= 8 and len(x["examples"]) == 1 for x in r["words"])
    assert result["method"]["min_count"] == 8


def test_tables(airlines: dict[str, Any]) -> None:
    tables = {t.name: t for t in assoc_tables(airlines)}
    assert set(tables) == {"assoc", "assoc_positive", "assoc_negative"}
    rows = tables["assoc_negative"].rows
    assert rows[0][:3] == ["United", 1, airlines["results"][0]["negative"][0]["word"]]
    assert len(rows) == sum(len(r["negative"]) for r in airlines["results"])


def test_deterministic(airline_ws: Workspace, engine: str, airlines: dict[str, Any]) -> None:
    assert _run(airline_ws, engine, ["United", "US Airways"]) == airlines


def test_same_as_reference_engine(airline_ws: Workspace, engine: str) -> None:
    """Association words and themes on this engine equal DuckDB's."""
    names = ["United", "Virgin America"]
    got, ref = (_assoc_and_themes(airline_ws, name, names) for name in (engine, REFERENCE_ENGINE))
    assert got[0] == ref[0]
    assert got[1] == ref[1]


def _assoc_and_themes(ws: Workspace, engine: str, names: list[str]) -> tuple[Any, Any]:
    with open_store(ws, engine) as store:
        sc = resolve(store, Scope())
        tps = resolve_topics(ws, names)
        return assoc(store, sc, tps), themes(store, sc, tps)


def test_examples_beyond_the_pool(
    airline_ws: Workspace, engine: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a pool smaller than the topic, the words and statistics are unchanged, every word
    that has examples keeps some, and each example lists its word with the right sentiment."""
    from socialops.listen import assoc as mod

    with open_store(airline_ws, engine) as store:
        scope = resolve(store, Scope())
        topics = resolve_topics(airline_ws, ["United", "Virgin America"])
        full = mod.assoc(store, scope, topics, examples=2)
        monkeypatch.setattr(mod, "EXAMPLE_POOL", 40)
        pooled = mod.assoc(store, scope, topics, examples=2)
        t = scoped_posts(store, scope)
        kws = {
            r["post_id"]: set(r["keywords"] or [])
            for r in fetch_arrow(t.select("post_id", "keywords")).to_pylist()
        }

    def strip(res: dict[str, Any]) -> Any:
        return [
            {k: [{**x, "examples": None} for x in r[k]] for k in ("words", "positive", "negative")}
            for r in res["results"]
        ]

    assert strip(pooled) == strip(full)
    checked = 0
    for rf, rp in zip(full["results"], pooled["results"], strict=True):
        for key, sent in (("words", None), ("positive", "positive"), ("negative", "negative")):
            for xf, xp in zip(rf[key], rp[key], strict=True):
                assert bool(xf["examples"]) == bool(xp["examples"]), xf["word"]
                for e in xp["examples"]:
                    assert xf["word"] in kws[e["post_id"]]
                    assert sent is None or e["sentiment"] == sent
                    checked += 1
    assert checked > 50
