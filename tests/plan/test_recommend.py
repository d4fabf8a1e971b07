"""Channel-mix recommendation: the rules hold, the breakdown adds up, workspace data counts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socialops.domain.channels import load_channels
from socialops.domain.plan import OBJECTIVES, BudgetLine, ChannelChoice, Plan, Segment
from socialops.listen.analyses import match_counts
from socialops.listen.scope import Scope
from socialops.listen.topics import resolve_topics
from socialops.plan.recommend import (
    INTEREST_BONUS,
    MIN_POSTS,
    WEIGHTS,
    Recommendation,
    WorkspaceSignals,
    recommend,
    workspace_signals,
)
from socialops.store.analytics import open_store
from socialops.store.workspace import Workspace

CHANNELS = load_channels()


def plan(
    objectives: list[str],
    bands: list[str] | None = None,
    *,
    budget: int = 10_000_000,
    interests: list[str] | None = None,
    customer: str = "any",
    lines: list[BudgetLine] | None = None,
    topics: list[str] | None = None,
) -> Plan:
    segments = (
        []
        if bands is None
        else [Segment("타깃", age_bands=bands, interests=interests or [], customer=customer)]
    )
    return Plan(
        plan_id="",
        name="테스트",
        start=date(2026, 3, 1),
        end=date(2026, 3, 31),
        objectives=objectives,
        segments=segments,
        budget_total_krw=budget,
        budget=lines or [],
        topics=topics or [],
    )


def ranked(recs: list[Recommendation]) -> list[str]:
    return [r.channel for r in recs]


def by_key(recs: list[Recommendation]) -> dict[str, Recommendation]:
    return {r.channel: r for r in recs}


# -- the rules -----------------------------------------------------------------------------------


def test_public_policy_for_people_in_their_50s_and_60s() -> None:
    order = ranked(recommend(plan(["public_policy"], ["50-59", "60-69"]), CHANNELS))
    assert order[0] == "kakaotalk_channel"
    for key in ("kakaotalk_channel", "naver_blog", "naver_band", "youtube"):
        assert order.index(key) < order.index("tiktok"), key
        assert order.index(key) < order.index("threads"), key


def test_customer_service_favours_channels_with_care() -> None:
    recs = recommend(plan(["customer_service"], ["30-39", "40-49"]), CHANNELS)
    care = {k for k, c in CHANNELS.items() if c.care}
    assert set(ranked(recs)[:3]) <= care
    assert ranked(recs)[0] == "kakaotalk_channel"
    recs_k = by_key(recs)
    # the care rule halves the objective fit of channels without 1:1 messages
    for key, c in CHANNELS.items():
        expected = c.objectives["customer_service"] / 5 * (1 if c.care else 0.5)
        assert recs_k[key].components["objective"] == pytest.approx(expected, abs=1e-4)
    assert any("1:1" in r["ko"] for r in recs_k["naver_blog"].reasons)


def test_teenagers_favour_tiktok_youtube_instagram() -> None:
    teens = recommend(plan(["sales_promotion", "new_customers"], ["10-19"]), CHANNELS)
    assert set(ranked(teens)[:3]) == {"tiktok", "youtube", "instagram"}
    seniors = recommend(plan(["sales_promotion", "new_customers"], ["60-69"]), CHANNELS)
    t, s = by_key(teens), by_key(seniors)
    assert t["tiktok"].score > s["tiktok"].score
    assert t["tiktok"].components["audience"] > s["tiktok"].components["audience"]
    assert s["naver_band"].components["audience"] > t["naver_band"].components["audience"]


def test_retention_of_existing_customers_favours_community() -> None:
    recs = by_key(recommend(plan(["retention"], ["30-39"], customer="existing"), CHANNELS))
    assert recs["naver_cafe"].components["traits"] > recs["tiktok"].components["traits"]
    assert recs["kakaotalk_channel"].score > recs["linkedin"].score


def test_small_budgets_favour_organic_and_paid_needs_ads() -> None:
    organic = by_key(recommend(plan(["new_customers"], ["20-29"], budget=0), CHANNELS))
    assert organic["naver_blog"].components["budget"] > organic["facebook"].components["budget"]
    paid_lines = [
        BudgetLine("facebook", "paid", 90_000_000),
        BudgetLine("naver_blog", "organic", 10_000_000),
    ]
    paid = by_key(
        recommend(
            plan(["new_customers"], ["20-29"], budget=100_000_000, lines=paid_lines), CHANNELS
        )
    )
    assert paid["facebook"].components["budget"] > paid["naver_blog"].components["budget"]
    assert any("광고 상품이 없습니다" in r["ko"] for r in paid["naver_blog"].reasons)
    assert any("no ad product" in r["en"] for r in paid["naver_blog"].reasons)


def test_interests_favour_interest_based_sns() -> None:
    plain = by_key(recommend(plan(["new_customers"], ["30-39"]), CHANNELS))
    keen = by_key(recommend(plan(["new_customers"], ["30-39"], interests=["캠핑"]), CHANNELS))
    for key, c in CHANNELS.items():
        diff = keen[key].components["audience"] - plain[key].components["audience"]
        if c.relationship == "interest":
            assert diff == pytest.approx(
                min(INTEREST_BONUS, 1 - plain[key].components["audience"]), abs=1e-4
            )
        else:
            assert diff == 0


def test_odd_age_bands_take_overlapping_decades() -> None:
    odd = by_key(recommend(plan(["new_customers"], ["25-34"]), CHANNELS))
    ig = CHANNELS["instagram"].audience
    assert odd["instagram"].components["audience"] == pytest.approx(
        (ig["20-29"] + ig["30-39"]) / 2, abs=1e-4
    )
    old = by_key(recommend(plan(["new_customers"], ["70-79"]), CHANNELS))
    assert old["instagram"].components["audience"] == pytest.approx(ig["60-69"], abs=1e-4)


def test_no_segments_is_neutral_and_said() -> None:
    recs = recommend(plan(["company_news"]), CHANNELS)
    for r in recs:
        assert r.components["audience"] == 0.5
        assert any("연령대" in x["ko"] for x in r.reasons)


def test_listening_raises_the_channel_people_talk_on() -> None:
    p = plan(["sales_promotion"], ["30-39"])
    before = by_key(recommend(p, CHANNELS))
    signals = WorkspaceSignals(mentions={"naver_cafe": 300, "x": 30})
    after_list = recommend(p, CHANNELS, signals)
    after = by_key(after_list)
    assert after["naver_cafe"].score > before["naver_cafe"].score
    assert after["naver_cafe"].rank < before["naver_cafe"].rank
    assert after["naver_cafe"].components["listening"] == 1.0
    assert after["x"].components["listening"] == pytest.approx(0.1)
    assert after["tiktok"].components["listening"] == 0.0
    assert any("300" in r["ko"] for r in after["naver_cafe"].reasons)
    assert set(after["naver_cafe"].weights) == {*WEIGHTS} - {"performance"}


def test_own_performance_counts_with_enough_posts() -> None:
    p = plan(["sales_promotion"], ["30-39"])
    perf = {
        "facebook": {"posts": 500, "engagement_rate": 6.0},
        "x": {"posts": 40, "engagement_rate": 1.5},
        "threads": {"posts": MIN_POSTS - 1, "engagement_rate": 30.0},  # too few posts
    }
    recs = by_key(recommend(p, CHANNELS, WorkspaceSignals(performance=perf)))
    assert recs["facebook"].components["performance"] == 1.0
    assert recs["x"].components["performance"] == pytest.approx(0.25)
    assert recs["threads"].components["performance"] == 0.5
    assert recs["youtube"].components["performance"] == 0.5
    before = by_key(recommend(p, CHANNELS))
    assert recs["facebook"].score > before["facebook"].score


def test_missing_signals_share_out_their_weight() -> None:
    r = recommend(plan(["retention"], ["40-49"]), CHANNELS, WorkspaceSignals())[0]
    assert set(r.weights) == {"objective", "audience", "traits", "budget"}
    assert sum(r.weights.values()) == pytest.approx(1.0)
    assert r.weights["objective"] == pytest.approx(0.3 / 0.8, abs=1e-4)


def test_reasons_are_korean_and_english_and_say_manual_publishing() -> None:
    recs = by_key(recommend(plan(["public_policy"], ["50-59"]), CHANNELS))
    for r in recs.values():
        assert r.reasons
        assert all(set(x) == {"ko", "en"} and x["ko"] and x["en"] for x in r.reasons)
    assert any("수동 발행" in x["ko"] and "2020" in x["ko"] for x in recs["naver_blog"].reasons)
    assert not any("수동 발행" in x["ko"] for x in recs["instagram"].reasons)
    assert any("정책 홍보" in x["ko"] for x in recs["kakaotalk_channel"].reasons)


def test_a_workspace_channel_file_is_ranked_too() -> None:
    extra = dict(CHANNELS)
    extra["zz_test"] = CHANNELS["x"]
    assert "zz_test" not in ranked(recommend(plan(["company_news"]), CHANNELS))
    order = ranked(recommend(plan(["company_news"]), extra))
    # same data as x: equal score, tie broken by key
    assert order.index("x") + 1 == order.index("zz_test")


_bands = st.sampled_from(["10-19", "20-29", "30-39", "40-49", "50-59", "60-69", "25-34", "18-24"])


@settings(max_examples=60, deadline=None)
@given(
    objectives=st.lists(st.sampled_from(OBJECTIVES), min_size=1, max_size=4, unique=True),
    bands=st.lists(_bands, max_size=3, unique=True),
    budget=st.integers(min_value=0, max_value=500_000_000),
    customer=st.sampled_from(["any", "new", "existing"]),
    mentions=st.dictionaries(st.sampled_from(sorted(CHANNELS)), st.integers(0, 10_000)),
    perf=st.dictionaries(
        st.sampled_from(sorted(CHANNELS)),
        st.fixed_dictionaries(
            {"posts": st.integers(0, 100), "engagement_rate": st.floats(0, 50) | st.none()}
        ),
    ),
)
def test_breakdown_adds_up_to_the_score(
    objectives: list[str],
    bands: list[str],
    budget: int,
    customer: str,
    mentions: dict[str, int],
    perf: dict[str, dict[str, float | None]],
) -> None:
    p = plan(objectives, bands, budget=budget, customer=customer)
    recs = recommend(p, CHANNELS, WorkspaceSignals(mentions=mentions, performance=perf))
    assert sorted(r.channel for r in recs) == sorted(CHANNELS)
    assert [r.rank for r in recs] == list(range(1, len(CHANNELS) + 1))
    assert recs == sorted(recs, key=lambda r: (-r.score, r.channel))
    for r in recs:
        assert 0 <= r.score <= 100
        assert round(sum(r.breakdown.values()), 2) == r.score
        assert set(r.breakdown) == set(r.weights) == set(r.components)
        assert sum(r.weights.values()) == pytest.approx(1.0, abs=1e-3)
        assert all(0 <= v <= 1 for v in r.components.values())
    again = recommend(p, CHANNELS, WorkspaceSignals(mentions=mentions, performance=perf))
    assert [(r.channel, r.score) for r in again] == [(r.channel, r.score) for r in recs]


# -- signals from a real workspace ---------------------------------------------------------------


def test_workspace_signals_count_mentions_by_channel(airline_ws: Workspace) -> None:
    p = plan(["customer_service"], ["20-29"], topics=["United", "JetBlue", "없는 토픽"])
    signals = workspace_signals(airline_ws, p)
    topics = resolve_topics(airline_ws, ["United", "JetBlue"])
    with open_store(airline_ws) as store:
        counts = match_counts(store, Scope(), topics)
    assert signals.mentions == {"x": counts["United"] + counts["JetBlue"]}
    assert signals.mentions["x"] > 1000
    assert signals.unmapped == {}
    assert signals.topics == ["United", "JetBlue"]
    assert any("없는 토픽" in n["ko"] for n in signals.notes)
    recs = by_key(recommend(p, CHANNELS, signals))
    assert recs["x"].components["listening"] == 1.0
    assert recs["x"].score > by_key(recommend(p, CHANNELS))["x"].score


def test_workspace_signals_without_data(workspace: Workspace) -> None:
    signals = workspace_signals(workspace, plan(["retention"], ["30-39"]))
    assert signals.mentions == {} and signals.performance == {}
    assert any("토픽" in n["ko"] for n in signals.notes)
    assert any("성과" in n["ko"] for n in signals.notes)
    recs = recommend(plan(["retention"], ["30-39"]), CHANNELS, signals)
    assert set(recs[0].weights) == {"objective", "audience", "traits", "budget"}


def test_workspace_signals_read_own_post_metrics(
    workspace: Workspace, shared_file: Callable[[str], Path]
) -> None:
    from socialops.measure.metrics import import_metrics

    import_metrics(
        workspace, shared_file("facebook_metrics/dataset_Facebook.csv"), "facebook-metrics"
    )
    signals = workspace_signals(workspace, plan(["sales_promotion"], ["30-39"]))
    assert set(signals.performance) == {"facebook"}
    fb = signals.performance["facebook"]
    assert fb["posts"] == 500 and fb["engagement_rate"] > 0
    recs = by_key(recommend(plan(["sales_promotion"], ["30-39"]), CHANNELS, signals))
    assert recs["facebook"].components["performance"] == 1.0
    assert any("참여율" in r["ko"] for r in recs["facebook"].reasons)
    assert "performance" in recs["youtube"].breakdown


def test_channel_choice_records_the_score() -> None:
    """The plan keeps the score a channel had when chosen, and why the user overrode it."""
    recs = by_key(recommend(plan(["public_policy"], ["60-69"]), CHANNELS))
    choice = ChannelChoice(
        "tiktok",
        role="support",
        score=recs["tiktok"].score,
        reasons=[r["ko"] for r in recs["tiktok"].reasons],
        override_reason="청년 정책 홍보용으로 추가",
    )
    assert choice.score == recs["tiktok"].score and choice.reasons
