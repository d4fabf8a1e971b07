"""Spikes and coverage changes: the pure detector on synthetic series, and real data (airline
complaints of 21–23 Feb 2015, movie releases in nsmc)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from analytics_cases import MOVIES, REFERENCE_ENGINE
from socialops.listen.scope import Scope, resolve
from socialops.listen.spikes import detect, g2, spikes, spikes_tables
from socialops.listen.topics import list_topics
from socialops.store.analytics import open_store
from socialops.store.workspace import Workspace


# -- the detector on synthetic series ---------------------------------------------------------
def test_detect_finds_a_spike_and_merges_consecutive_periods() -> None:
    counts = [20, 22, 19, 21, 20, 23, 80, 95, 21, 20, 22]
    flags = detect([100] * len(counts), counts, every="day")
    spikes_ = [f for f in flags if f.kind == "volume"]
    assert len(spikes_) == 1
    s = spikes_[0]
    assert (s.start, s.end) == (6, 8)
    assert s.count == 175 and s.peak == 7 and s.score is not None and s.score >= 4
    assert [f for f in flags if f.kind == "coverage"] == []


def test_detect_flat_and_noisy_series_have_no_spike() -> None:
    flat = [30] * 20
    assert detect([100] * 20, flat, flat, every="day") == []
    noisy = [30, 36, 25, 31, 28, 34, 27, 33, 29, 35, 26, 32]  # Poisson-like noise around 30
    assert [f for f in detect([100] * 12, noisy, every="day") if f.kind != "coverage"] == []


def test_small_counts_need_min_count() -> None:
    counts = [0, 0, 1, 0, 0, 0, 4, 0, 0]  # z is large against a zero median, but 4 < min_count
    assert [f for f in detect([50] * 9, counts, every="day") if f.kind != "coverage"] == []
    counts[6] = 9
    assert [f.start for f in detect([50] * 9, counts, every="day") if f.kind == "volume"] == [6]


def test_gap_and_first_appearance_are_coverage_not_spikes() -> None:
    all_ = [100, 100, 100, 100, 100, 0, 0, 0, 100, 100, 100, 100]
    counts = [0, 0, 10, 11, 9, 0, 0, 0, 10, 12, 11, 10]
    flags = detect(all_, counts, every="day")
    assert [(f.kind, f.reason, f.start, f.end) for f in flags] == [
        ("coverage", "before_first", 0, 2),
        ("coverage", "gap", 5, 8),
    ]
    # the baseline skips the gap: a jump after it is scored against the periods before it
    counts[9] = 60
    vol = [f for f in detect(all_, counts, every="day") if f.kind == "volume"]
    assert [(f.start, f.end, f.baseline) for f in vol] == [(9, 10, 10.0)]


def test_level_shift_to_the_end_is_coverage() -> None:
    counts = [2, 1, 3, 2, 1, 2, 300, 320, 310, 290]
    flags = detect([1000] * 10, counts, every="day")
    assert [(f.kind, f.reason, f.start, f.end) for f in flags] == [
        ("coverage", "level_shift", 6, 10)
    ]
    # the same jump that returns to the baseline is a spike
    back = [*counts[:8], 2, 1]
    kinds = [(f.kind, f.start, f.end) for f in detect([1000] * 10, back, every="day")]
    assert kinds == [("volume", 6, 8)]


def test_g2_is_zero_without_difference_and_grows_with_it() -> None:
    assert g2(10, 10, 100, 100) == pytest.approx(0.0)
    assert 0 < g2(20, 10, 100, 100) < g2(40, 10, 100, 100)


# -- real data --------------------------------------------------------------------------------
def _run(ws: Workspace, every: str, engine: str, **kw: Any) -> dict[str, Any]:
    with open_store(ws, engine) as store:
        scope = resolve(store, Scope(every=every))
        return spikes(store, scope, list_topics(ws), **kw)


def _covers(item: dict[str, Any], day: str) -> bool:
    return bool(item["start"] <= day < item["end"])


@pytest.fixture(scope="module")
def airline_daily(airline_ws: Workspace, engine: str) -> dict[str, Any]:
    return _run(airline_ws, "day", engine)


def test_airline_cancellations_are_negative_spikes(airline_daily: dict[str, Any]) -> None:
    neg = [r for r in airline_daily["results"] if r["kind"] == "negative"]
    by = {(r["topic"], d): r for r in neg for d in ("2015-02-21", "2015-02-22") if _covers(r, d)}
    # Southwest on the 21st, US Airways and United on the 22nd
    for key in (
        ("Southwest", "2015-02-21"),
        ("US Airways", "2015-02-22"),
        ("United", "2015-02-22"),
    ):
        assert key in by, f"no negative spike for {key}: {neg}"
        item = by[key]
        assert item["score"] >= airline_daily["params"]["z"]
        assert item["count"] > item["baseline"]
        assert item["posts"] and all(p["text"] for p in item["posts"])
    # cancelled flights drove the Southwest and US Airways surges (United's negative posts on
    # the 22nd mention cancellations only a little more often than on 17-21 Feb)
    assert "cancelled" in by[("Southwest", "2015-02-21")]["words"]
    assert "cancelled" in by[("US Airways", "2015-02-22")]["words"]
    # no spike inside the first days: the baseline needs three covered days
    assert all(r["start"] >= "2015-02-20" for r in neg)


def test_american_first_appearance_is_coverage(airline_daily: dict[str, Any]) -> None:
    am = [r for r in airline_daily["results"] if r["topic"] == "American"]
    shift = [r for r in am if r["kind"] == "coverage" and r["reason"] == "level_shift"]
    assert [(r["start"], r["end"]) for r in shift] == [("2015-02-22", "2015-02-25")]
    assert shift[0]["count"] > 2000
    assert not [r for r in am if r["kind"] != "coverage" and r["end"] > "2015-02-22"]


def test_airline_results_sorted_and_tables(airline_daily: dict[str, Any]) -> None:
    topics = airline_daily["topics"]
    keys = [(topics.index(r["topic"]), r["start"]) for r in airline_daily["results"]]
    assert keys == sorted(keys)
    for r in airline_daily["results"]:
        assert r["kind"] in ("volume", "negative", "coverage")
        assert {"topic", "start", "end", "score", "count", "baseline", "words", "posts"} <= set(r)
    main, posts = spikes_tables(airline_daily)
    assert len(main.rows) == len(airline_daily["results"])
    assert posts.rows


@pytest.mark.xfail(
    strict=True,
    reason="the film topics now search the title only (issue 14, item 2): their reviews begin "
    "at release, and the trailing baseline has no history to measure a launch against, so no "
    "launch spike is found; spike detection needs a cold-start rule (open work)",
)
def test_nsmc_spikes_near_release_dates(nsmc_ws: Workspace, engine: str) -> None:
    result = _run(nsmc_ws, "week", engine)
    vol = [r for r in result["results"] if r["kind"] == "volume"]
    # 겨울왕국 built up slowly over weeks (a few reviews a week in this sample), which a trailing
    # baseline follows: it is not tested here
    # the film topics search the title only (issue 14): a film's reviews may begin with its
    # release, leaving no trailing baseline to rise above; at least two of the three spike
    missed = {}
    for movie in ("명량", "변호인", "인터스텔라"):
        release = date.fromisoformat(MOVIES[movie][1])
        starts = [date.fromisoformat(r["start"]) for r in vol if r["topic"] == movie]
        near = [s for s in starts if release - timedelta(days=7) <= s <= release + timedelta(21)]
        if not near:
            missed[movie] = (release, starts)
    assert len(missed) <= 1, f"no volume spike within 3 weeks of release: {missed}"


def test_spikes_same_as_reference_engine(
    airline_ws: Workspace, airline_daily: dict[str, Any]
) -> None:
    assert airline_daily == _run(airline_ws, "day", REFERENCE_ENGINE)
