"""Best times from a profile's own published posts (shrunk toward the mean), the fall-back to the
channel's imported post metrics through the real import path, and queue slots: parsing in
English and Korean, the next free one in the profile's zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from socialops.connectors import profiles as prof
from socialops.errors import PublishError
from socialops.measure.metrics import import_metrics
from socialops.publish import besttime as bt
from socialops.publish import queue
from socialops.store.workspace import Workspace

SEOUL = ZoneInfo("Asia/Seoul")


def _manual(ws: Workspace, name: str, platform: str, slots: list[str] | None = None) -> None:
    prof.connect(
        ws, name=name, platform="manual", settings={"platform": platform}, secrets={}, slots=slots
    )


def _published(ws: Workspace, profile: str, local: datetime, likes: int, replies: int = 0) -> str:
    """A post of ``profile`` published at ``local`` (Seoul) with one metrics fetch."""
    _g, [post] = queue.new_posts(
        ws, profiles=[profile], text_="글", at="2099-01-01T00:00", draft=True
    )
    at = local.replace(tzinfo=SEOUL).astimezone(UTC).isoformat()
    with ws.begin() as conn:
        conn.execute(
            text(
                "UPDATE publish_posts SET state = 'published', published_at = :at "
                "WHERE post_id = :p"
            ),
            {"at": at, "p": post.post_id},
        )
        for fetched, factor in (("2026-01-01T00:00:00+00:00", 0), ("2026-02-01T00:00:00+00:00", 1)):
            conn.execute(
                text(
                    "INSERT INTO publish_metrics (post_id, fetched_at, likes, replies, reposts) "
                    "VALUES (:p, :f, :l, :r, NULL)"
                ),
                {"p": post.post_id, "f": fetched, "l": likes * factor, "r": replies * factor},
            )
    return post.post_id


def test_slots_parse_in_english_and_korean() -> None:
    assert bt.parse_slot("tue 12:30") == bt.Slot(1, 12, 30)
    assert bt.parse_slot("Tuesday 9:05") == bt.Slot(1, 9, 5)
    assert bt.parse_slot("화 12:30") == bt.parse_slot("화요일 12:30") == bt.Slot(1, 12, 30)
    assert bt.parse_slot("매일 09:00") == bt.parse_slot("daily 09:00") == bt.Slot(None, 9, 0)
    assert str(bt.parse_slot("일 23:59")) == "sun 23:59"
    assert bt.normalize_slots(["화 12:30", "tue 12:30", "월 9:00", "", "매일 08:00"]) == [
        "daily 08:00",
        "mon 09:00",
        "tue 12:30",
    ]
    for bad in ("tue 24:00", "tue 12:60", "tues 12:30", "12:30", "화", "someday 09:00", ""):
        with pytest.raises(PublishError) as err:
            bt.parse_slot(bad)
        assert err.value.code == "besttime.bad_slot"
        assert "화 12:30" in err.value.text("ko") and "tue 12:30" in err.value.text("en")


def test_next_slot_is_the_first_free_one_in_the_profiles_zone(workspace: Workspace) -> None:
    _manual(workspace, "블로그", "naver-blog", ["화 12:30", "thu 09:00"])
    monday = datetime(2099, 1, 5, 10, 0, tzinfo=SEOUL)  # a Monday, 10:00 in Seoul
    first = bt.next_slot(workspace, "블로그", monday)
    assert first == datetime(2099, 1, 6, 12, 30, tzinfo=SEOUL)
    assert first is not None and first.utcoffset() == timedelta(hours=9)
    # a naive time is in the profile's zone; a slot exactly at `after` is not after it
    assert bt.next_slot(workspace, "블로그", datetime(2099, 1, 6, 12, 30)) == datetime(
        2099, 1, 8, 9, 0, tzinfo=SEOUL
    )
    # a post waiting at Tuesday 12:30 takes that slot; a cancelled one does not
    _g, [held] = queue.new_posts(workspace, profiles=["블로그"], text_="a", at="2099-01-06T12:30")
    assert bt.next_slot(workspace, "블로그", monday) == datetime(2099, 1, 8, 9, 0, tzinfo=SEOUL)
    queue.cancel(workspace, held.post_id)
    assert bt.next_slot(workspace, "블로그", monday) == datetime(2099, 1, 6, 12, 30, tzinfo=SEOUL)


def test_no_slots_means_no_next_slot(workspace: Workspace) -> None:
    _manual(workspace, "카톡", "kakaotalk")
    assert bt.next_slot(workspace, "카톡") is None


def test_best_times_from_own_posts_shrink_a_single_lucky_post(workspace: Workspace) -> None:
    _manual(workspace, "블로그", "naver-blog")
    # Tuesday 12h: 6 posts at 70 engagements; Friday 20h: one post at 100; others 10
    for week in range(6):
        _published(
            workspace, "블로그", datetime(2026, 3, 3, 12, 15) + timedelta(weeks=week), 60, 10
        )
    _published(workspace, "블로그", datetime(2026, 3, 6, 20, 0), 100)
    for week in range(4):
        _published(workspace, "블로그", datetime(2026, 3, 4, 9, 0) + timedelta(weeks=week), 10)
    detail = bt.best_times_detail(workspace, "블로그", top=3)
    assert (detail.source, detail.own_posts, detail.posts) == ("own", 11, 11)
    assert "11" in detail.note_ko and "5" in detail.method_en
    best = detail.times
    mean = (6 * 70 + 100 + 4 * 10) / 11
    # Tuesday 12 ranks first although Friday 20 had the single highest post
    assert [(b.weekday, b.hour, b.posts) for b in best] == [(1, 12, 6), (4, 20, 1), (2, 9, 4)]
    assert best[0].score == round((420 + 5 * mean) / 11, 2)
    assert best[1].score == round((100 + 5 * mean) / 6, 2)
    assert best[0].source == "own" and best[0].to_dict()["hour"] == 12
    assert bt.best_times(workspace, "블로그", top=1) == best[:1]


def test_few_own_posts_fall_back_to_imported_channel_metrics(
    workspace: Workspace, tmp_path: Path
) -> None:
    _manual(workspace, "인스타", "instagram")
    _published(workspace, "인스타", datetime(2026, 3, 3, 12, 0), 5)
    csv = tmp_path / "insta.csv"
    lines = ["channel,post_id,published_at,likes,comments,shares"]
    for i in range(8):  # Saturdays 19:00 KST do best; Mondays 08:00 less
        lines.append(f"instagram,s{i},2026-02-{7 + (i % 3) * 7:02d} 19:00,{50 + i},5,1")
        lines.append(f"instagram,m{i},2026-02-{2 + (i % 3) * 7:02d} 08:00,{10 + i},1,0")
    lines.append("naver_blog,b1,2026-02-03 03:00,999,0,0")  # another channel: not used
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = import_metrics(workspace, csv, "post-metrics", timezone="Asia/Seoul")
    assert result.imported == 17
    assert bt.channel_of(prof.get_profile(workspace, "인스타")) == "instagram"
    detail = bt.best_times_detail(workspace, "인스타", top=2)
    assert (detail.source, detail.channel, detail.own_posts, detail.posts) == (
        "imported",
        "instagram",
        1,
        16,
    )
    assert [(b.weekday, b.hour, b.source) for b in detail.times] == [
        (5, 19, "imported"),
        (0, 8, "imported"),
    ]
    assert "instagram" in detail.note_ko and "only 1 published" in detail.note_en


def test_nothing_to_rank_says_so(workspace: Workspace) -> None:
    _manual(workspace, "카페", "naver-cafe")
    detail = bt.best_times_detail(workspace, "카페")
    assert detail.source == "none" and detail.times == [] and detail.channel == "naver_cafe"
    assert "지표" in detail.note_ko
    assert bt.best_times(workspace, "카페") == []
