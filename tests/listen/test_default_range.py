"""The range a dashboard, topic page or report shows when none is given (the topics' latest
activity, issue 14 item 4), the previous-period KPIs, and posts without a date counted, never
a silent zero (item 5). One small hand-made workspace: an old upload (2003), a month of
activity in 2015, a mistyped future date, and posts without a date."""

from __future__ import annotations

from datetime import date

import pytest

from socialops.listen.ingest import import_file
from socialops.listen.scope import Scope, default_scope, latest_activity, resolve, undated_counts
from socialops.listen.topics import add_topic, list_topics
from socialops.listen.volume import kpis, volume
from socialops.sources.enrich import enrich_workspace
from socialops.store.analytics import open_store
from socialops.store.workspace import Workspace


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    root = tmp_path_factory.mktemp("ranges")
    rows = ["id,text,created_at"]
    rows.append("old1,대한항공 예전 후기입니다,2003-05-01T10:00:00+09:00")
    rows.append("old2,아시아나 오래된 글,2003-05-02T10:00:00+09:00")
    for d in range(1, 25):  # February 2015: one 대한항공 post a day, two on and after the 20th
        rows.append(f"k{d},대한항공 서비스 좋아요,2015-02-{d:02d}T12:00:00+09:00")
        if d >= 20:
            rows.append(f"k{d}b,대한항공 배송 너무 늦어요,2015-02-{d:02d}T13:00:00+09:00")
    rows.append("a1,아시아나 기내식,2015-01-10T09:00:00+09:00")
    rows.append("future,대한항공 날짜 오타,2099-01-01T09:00:00+09:00")
    src = root / "posts.csv"
    src.write_text("\n".join(rows) + "\n", encoding="utf-8")
    # an undated upload (the Korean sarcasm preset has no date): the new topic is only here
    undated = [
        ",tokens,label",
        *(f"{i},신제품 출시 소식 {i},0" for i in range(3)),
        "9,대한항공 글,0",
    ]
    (root / "undated.csv").write_text("\n".join(undated) + "\n", encoding="utf-8")
    ws = Workspace.open(root / "ws")
    import_file(ws, src)
    assert import_file(ws, root / "undated.csv", preset="korean-sarcasm").imported == 4
    enrich_workspace(ws, workers=1, tz="Asia/Seoul")
    add_topic(ws, "대한항공", "대한항공", "brand")
    add_topic(ws, "아시아나", "아시아나", "competitor")
    add_topic(ws, "신제품", "신제품", "product")
    return ws


def test_the_default_range_is_the_topics_latest_activity(ws: Workspace) -> None:
    topics = list_topics(ws)
    with open_store(ws, "duckdb") as store:
        # the data runs 2003 … 2099; the topics' latest activity ends on 2015-02-24 (the 2099
        # typo is after tomorrow, and is not taken as the last day)
        assert resolve(store, Scope()).start == date(2003, 5, 1)
        # by day: at most 30 days (from 2015-01-26), from the first mention in them (02-01)
        assert latest_activity(store, Scope(), topics) == (date(2015, 2, 1), date(2015, 2, 24))
        hourly = default_scope(store, Scope(every="hour"), topics)
        assert (hourly.start, hourly.end) == (date(2015, 2, 18), date(2015, 2, 24))
        weekly = default_scope(store, Scope(every="week"), topics)  # 84 days: 아시아나's 01-10
        assert (weekly.start, weekly.end) == (date(2015, 1, 10), date(2015, 2, 24))
        # a topic mentioned on one day only (within 30 days): at least 7 days are shown
        old = [t for t in topics if t.name == "아시아나"]
        assert latest_activity(store, Scope(), old) == (date(2015, 1, 4), date(2015, 1, 10))
        # an explicit range (either end) wins
        given = Scope(start=date(2003, 1, 1))
        assert default_scope(store, given, topics) == given
        # topics with no dated match: no default, the data's extent
        new = [t for t in topics if t.name == "신제품"]
        assert latest_activity(store, Scope(), new) is None
        assert default_scope(store, Scope(), new) == Scope()


def test_kpis_compare_with_the_previous_period_of_the_same_length(ws: Workspace) -> None:
    topics = [t for t in list_topics(ws) if t.name == "대한항공"]
    with open_store(ws, "duckdb") as store:
        k = kpis(store, Scope(date(2015, 2, 19), date(2015, 2, 24)), topics)
        assert k["days"] == 6
        assert k["previous_range"] == {"from": "2015-02-13", "to": "2015-02-18"}
        # 6 days: 6 + 5 second posts (20th … 24th) against 6 the six days before
        assert k["current"]["mentions"] == 11 and k["previous"]["mentions"] == 6
        assert k["change"]["mentions"] == pytest.approx(83.3)
        # nothing in the six days before 2003-05-01: no comparison, not a +∞ %
        old = kpis(store, Scope(date(2003, 5, 1), date(2003, 5, 2)), topics)
        assert old["previous"] is None and old["change"]["mentions"] is None


def test_undated_posts_are_counted_not_a_silent_zero(ws: Workspace) -> None:
    topics = list_topics(ws)
    with open_store(ws, "duckdb") as store:
        counts = undated_counts(store, Scope(), topics)
        assert counts["all"] == 4
        assert counts["topics"] == {"대한항공": 1, "아시아나": 0, "신제품": 3}
        sc = resolve(store, default_scope(store, Scope(), topics))
        out = volume(store, sc, topics)
    by = {r["topic"]: r for r in out["results"]}
    assert by["신제품"]["total"] == 0  # by period: none …
    assert out["undated"]["topics"]["신제품"] == 3  # … and the three said beside it


def test_the_report_shows_the_latest_activity_folds_long_tables_and_counts_undated(
    ws: Workspace,
) -> None:
    from socialops.listen.report import build_report, render_html

    topics = list_topics(ws)
    with open_store(ws, "duckdb") as store:
        data = build_report(store, Scope(), topics, analyses=["volume", "sov", "sentiment"])
        chosen = build_report(store, Scope(date(2003, 5, 1), date(2015, 2, 24)), topics[:1])
    assert (data.scope.start, data.scope.end) == (date(2015, 2, 1), date(2015, 2, 24))
    assert chosen.scope.start == date(2003, 5, 1)  # an explicit range wins
    assert data.latest and not chosen.latest
    page = render_html(data, "ko")
    assert "최근 활동 기간 (토픽이 마지막으로 언급된 날까지 최대 30일)" in page
    assert "최근 활동 기간" not in render_html(chosen, "ko")
    assert "날짜가 없는 게시물 4건" in page and "신제품" in page
    # the 24 days of the volume table: 10 rows shown, the other 14 under "show more"
    assert "나머지 14행 보기" in page and '<details class="more">' in page
    # a section's first table shown, its other tables (sentiment by period) folded
    assert "표 1개 더 보기" in page
    # a topic's colour is its place among the workspace's topics (in the order they were
    # added), as on the dashboard, whatever subset the report covers
    assert data.order == chosen.order == [t.name for t in topics]
