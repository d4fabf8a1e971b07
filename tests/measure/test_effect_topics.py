"""A tracked topic's mention volume as a control of the campaign effect (issue 17, item 2:
"competitors' listening volume"), on a small real import (tests/effect_topic_posts.py: 300 real
tweets re-dated over 40 Seoul days, a "United" topic, a stored daily sales series).

The control's values are the topic's mentions per Seoul day, counted here from the rows written
(a tweet at 20:00 UTC counts on the next Seoul day; a day without a United tweet is 0); weekly
series sum seven days; a window reaching before the posts is refused, never zero-filled; an
unknown topic is the listening layer's topic error."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from effect_topic_posts import (
    CAMPAIGN_START,
    POSTS_DAYS,
    POSTS_FIRST,
    POSTS_LAST,
    QUIET,
    SALES_FIRST,
    build,
)
from socialops.errors import DataError, TopicError
from socialops.i18n import render
from socialops.measure.effect import effect_file, effect_from_outcomes
from socialops.measure.effect_topics import topic_controls
from socialops.store.workspace import Workspace


@pytest.fixture(scope="module")
def built(
    tmp_path_factory: pytest.TempPathFactory, shared_file: Callable[[str], Path]
) -> Iterator[tuple[Workspace, Counter[date], Path]]:
    root = tmp_path_factory.mktemp("effect-topics")
    ws = Workspace.open(root / "ws")
    yield ws, build(ws, root, shared_file), root


def test_the_control_is_the_topics_mentions_per_seoul_day(
    built: tuple[Workspace, Counter[date], Path],
) -> None:
    ws, expected, _ = built
    days = [POSTS_FIRST + timedelta(days=i) for i in range(POSTS_DAYS)]
    controls, caveats = topic_controls(ws, ["united"], days, "day", window=(days[0], days[-1]))
    assert list(controls) == ["United"]  # the topic's own name, whatever the case asked
    assert controls["United"] == [float(expected.get(d, 0)) for d in days]
    assert caveats == []  # every day has posts: no hole in the collection
    zeros = [d for d in days if expected.get(d, 0) == 0]
    assert zeros and all(controls["United"][days.index(d)] == 0 for d in zeros)
    assert len(zeros) == len(QUIET)
    # the late tweet (2024-01-10 20:00 UTC) is on 2024-01-11 in Seoul
    assert expected[date(2024, 1, 11)] >= 1
    # dates outside the window are left empty, not zero
    wider = [POSTS_FIRST - timedelta(days=2), POSTS_FIRST - timedelta(days=1), *days]
    found, _ = topic_controls(ws, ["United"], wider, "day", window=(days[0], days[-1]))
    assert found["United"][:2] == [None, None]


def test_a_weekly_series_sums_seven_days(built: tuple[Workspace, Counter[date], Path]) -> None:
    ws, expected, _ = built
    weeks = [POSTS_FIRST + timedelta(days=7 * k) for k in range(5)]
    found, _ = topic_controls(ws, ["United"], weeks, "week", window=(weeks[0], weeks[-1]))
    want = [float(sum(expected.get(w + timedelta(days=i), 0) for i in range(7))) for w in weeks]
    assert found["United"] == want and sum(want) > 0


def test_the_effect_with_a_topic_control(built: tuple[Workspace, Counter[date], Path]) -> None:
    ws, _, _ = built
    res = effect_from_outcomes(
        ws,
        "sales",
        start=CAMPAIGN_START,
        end=POSTS_LAST,
        pre_start=POSTS_FIRST,
        control_topics=["United"],
    )
    assert res.model["controls"] == ["United"]
    assert res.pre_start == POSTS_FIRST.isoformat()
    assert res.ci_low is not None and res.ci_high is not None
    assert res.ci_low <= 0.3 <= res.ci_high  # the +30 % put into the sales


def test_a_window_beyond_the_posts_is_refused(
    built: tuple[Workspace, Counter[date], Path],
) -> None:
    ws, _, _ = built
    # the sales start two weeks before the posts: the default pre-period reaches there
    with pytest.raises(DataError) as info:
        effect_from_outcomes(
            ws, "sales", start=CAMPAIGN_START, end=POSTS_LAST, control_topics=["United"]
        )
    assert info.value.code == "effect_topics.not_covered"
    assert info.value.params["first"] == SALES_FIRST.isoformat()
    assert info.value.params["lo"] == POSTS_FIRST.isoformat()
    assert "2023-12-18" in render("effect_topics.not_covered", "en", info.value.params)
    # without the topic the same estimate runs on the longer pre-period
    res = effect_from_outcomes(ws, "sales", start=CAMPAIGN_START, end=POSTS_LAST)
    assert res.pre_start == SALES_FIRST.isoformat() and res.model["controls"] == []


def test_an_unknown_topic_is_the_topic_error(
    built: tuple[Workspace, Counter[date], Path],
) -> None:
    ws, _, _ = built
    with pytest.raises(TopicError) as info:
        effect_from_outcomes(
            ws,
            "sales",
            start=CAMPAIGN_START,
            end=POSTS_LAST,
            pre_start=POSTS_FIRST,
            control_topics=["Delta"],
        )
    assert info.value.code == "topic.not_found" and "United" in str(info.value)


def test_a_files_dates_take_the_topic_too(
    built: tuple[Workspace, Counter[date], Path],
) -> None:
    ws, _, root = built
    res = effect_file(
        root / "sales.csv",
        date_col="일자",
        value_col="매출",
        start=CAMPAIGN_START,
        end=POSTS_LAST,
        pre_start=POSTS_FIRST,
        control_topics=["United"],
        ws=ws,
    )
    assert res.model["controls"] == ["United"]


def test_a_hole_in_the_collection_is_a_caveat(tmp_path: Path) -> None:
    """Days inside the posts' range without any post: stated, since 0 mentions there may be
    a collection gap (a workspace of its own: two posts ten days apart)."""
    from socialops.listen.ingest import import_file
    from socialops.listen.topics import add_topic
    from socialops.sources.enrich import enrich_workspace

    f = tmp_path / "two.csv"
    f.write_text(
        "post_id,author,text,created_at\n"
        "1,a,@united thanks for the upgrade,2024-03-01T03:00:00Z\n"
        "2,b,@united lost my bag,2024-03-11T03:00:00Z\n",
        encoding="utf-8",
    )
    ws = Workspace.open(tmp_path / "ws")
    import_file(ws, f, tz="UTC")
    enrich_workspace(ws, workers=1, tz="Asia/Seoul")
    add_topic(ws, "United", "@united", "brand")
    days = [date(2024, 3, 1) + timedelta(days=i) for i in range(11)]
    found, caveats = topic_controls(ws, ["United"], days, "day", window=(days[0], days[-1]))
    assert found["United"] == [1.0] + [0.0] * 9 + [1.0]
    assert caveats == [
        {"code": "topic_collection_gaps", "params": {"days": 9, "first": "2024-03-02"}}
    ]
