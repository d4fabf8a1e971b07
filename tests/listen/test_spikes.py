"""Spikes and coverage changes: the pure detector on synthetic series (with the cold start of a
launch), and real data (airline complaints of 21–23 Feb 2015, a film's launch in nsmc)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from analytics_cases import MOVIES, REFERENCE_ENGINE
from socialops.listen.report import cell_label
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


# -- the cold start: a topic that first appears after periods collected without it ----------
_BEFORE = [0] * 6  # six collected days without the topic


def _launch_flags(counts: list[int], negative: list[int] | None = None) -> list[Any]:
    return detect([100] * len(counts), counts, negative, every="day")


def test_a_launch_surge_that_decays_is_a_spike_at_the_start() -> None:
    later = [10, 9, 11, 10, 12, 10, 9, 11]
    counts = [*_BEFORE, 40, 25, 12, *later]
    flags = _launch_flags(counts)
    assert [(f.kind, f.reason, f.start, f.end) for f in flags] == [
        ("coverage", "before_first", 0, 6),
        ("volume", "launch", 6, 8),
    ]
    spike = flags[1]
    # scored against the level after the opening days (6-8): the next covered days, median 10
    assert spike.reference == tuple(range(9, 17))
    assert spike.count == 65 and spike.baseline == 20.0 and spike.peak == 6
    assert spike.score is not None and spike.score >= 4
    # the negative series gets the same cold start
    neg = [*_BEFORE, 20, 6, 3, *[3, 2, 3, 4, 3, 2, 3, 3]]
    kinds = [
        (f.kind, f.reason, f.start) for f in _launch_flags(counts, neg) if f.kind != "coverage"
    ]
    assert kinds == [("volume", "launch", 6), ("negative", "launch", 6)]
    # the reason reaches readers (the spikes table's reason column) in words from the catalogue
    assert cell_label("spikes", "reason", "launch", "ko") == "첫 등장 직후 급증 (이후 수준 대비)"
    assert cell_label("spikes", "reason", "launch", "en").startswith("launch surge")


def test_a_level_start_is_not_a_spike() -> None:
    for level in ([10, 11, 9, 10, 12, 10, 9, 11, 10, 10], [300, 290, 310, 305, 295, 300, 310, 290]):
        flags = _launch_flags([*_BEFORE, *level])
        assert [(f.kind, f.reason) for f in flags] == [("coverage", "before_first")], level
    # a slow build-up (lower at the start than later) is no spike either
    build = [*_BEFORE, 2, 3, 5, 8, 10, 12, 11, 12, 10, 11]
    assert [f.kind for f in _launch_flags(build)] == ["coverage"]


def test_a_start_with_too_few_later_periods_makes_no_claim() -> None:
    counts = [*_BEFORE, 40, 25, 12, 10, 9]  # two days after the opening three: level unknown
    assert [(f.kind, f.reason) for f in _launch_flags(counts)] == [("coverage", "before_first")]
    # a third later day is enough (max(3, window / 4) for 14 days)
    flags = _launch_flags([*counts, 11])
    assert [(f.kind, f.reason, f.start) for f in flags if f.kind != "coverage"] == [
        ("volume", "launch", 6)
    ]


def test_no_launch_claim_without_collected_periods_before_the_topic() -> None:
    surge = [40, 25, 12, 10, 9, 11, 10, 12, 10, 9, 11]
    # the topic is there from the start of the data: its opening may be the tail of a surge
    assert _launch_flags(surge) == []
    # nor when the only period before it was partly collected (collection started there)
    all_ = [5] + [100] * len(surge)
    flags = detect(all_, [0, *surge], every="day")
    assert [(f.kind, f.reason) for f in flags] == [("coverage", "before_first")]
    # a full day collected without it: a launch
    flags = detect([100, *all_[1:]], [0, *surge], every="day")
    assert [(f.kind, f.reason, f.start) for f in flags if f.kind != "coverage"] == [
        ("volume", "launch", 1)
    ]


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


def test_nsmc_launch_spike_of_a_film_whose_reviews_start_at_release(
    nsmc_ws: Workspace, engine: str
) -> None:
    """The film topics search the title only (issue 14): a film's reviews begin at its release,
    with no trailing baseline; the cold-start rule scores the opening weeks against the weeks
    after them.

    Weekly reviews in the sample from the first one (all reviews naming the title):
    명량 2, 10, 7 | later 3, 3, 5, 0, 2, 1, 3, 1 (median 2.5): z = 4.7, a launch spike;
    인터스텔라 1, 5, 5 | later 6, 4, 1, 3, 3, 2, 1, 3 (median 3): a level start, no spike;
    변호인 1, 3, 5 | later 2, 0, 1, 0, 3, 1, 2, 1 (median 1, MAD 1): z = 2.7, below 4;
    겨울왕국 1, 0, 0, then a slow build-up over six weeks: lower than later, no spike."""
    result = _run(nsmc_ws, "week", engine)
    z = result["params"]["z"]
    spikes_ = [r for r in result["results"] if r["kind"] != "coverage"]
    launches = [r for r in spikes_ if r["reason"] == "launch"]
    assert [(r["topic"], r["kind"], r["start"]) for r in launches] == [
        ("명량", "volume", "2014-08-04")
    ], launches
    item = launches[0]
    release = date.fromisoformat(MOVIES["명량"][1])
    assert release <= date.fromisoformat(item["start"]) <= release + timedelta(days=21)
    assert item["score"] >= z and item["count"] >= 10 > item["baseline"]
    # its later weeks hold fewer than 30 reviews: words against all the topic's other reviews
    assert item["word_reference"] == "rest_of_scope"
    assert item["posts"] and all("명량" in p["text"] for p in item["posts"])
    # no spike of any film in its opening weeks other than 명량's
    for movie in ("변호인", "인터스텔라", "겨울왕국"):
        first = min(r["end"] for r in result["results"] if r["topic"] == movie)  # before_first
        opening_end = (date.fromisoformat(first) + timedelta(weeks=3)).isoformat()
        assert not [r for r in spikes_ if r["topic"] == movie and r["start"] < opening_end]


def test_spikes_same_as_reference_engine(
    airline_ws: Workspace, airline_daily: dict[str, Any]
) -> None:
    assert airline_daily == _run(airline_ws, "day", REFERENCE_ENGINE)
