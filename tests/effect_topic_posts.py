"""A small workspace for the topic-volume controls of the campaign effect (issue 17, item 2):
300 real tweets from ``airline_tweets/Tweets.csv`` (120 to @united, 180 to @SouthwestAir that do
not name United), re-dated over the 40 Seoul days 2024-01-01 .. 2024-02-09 at hours that cross
the UTC date line (15:00 UTC is the next day in Seoul), a tracked topic "United", and a daily
``sales`` outcome from 2023-12-18 (two weeks before the posts) to 2024-02-09 that follows the
United mentions, +30 % over the last 10 days. Also the expected per-Seoul-day United counts,
worked out here from the rows written, not by the code under test."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from socialops.listen.ingest import import_file
from socialops.listen.topics import add_topic
from socialops.sources.enrich import enrich_workspace
from socialops.sources.streams.outcomes import import_outcomes
from socialops.store.workspace import Workspace

SEOUL = ZoneInfo("Asia/Seoul")
POSTS_FIRST = date(2024, 1, 1)
POSTS_DAYS = 40
POSTS_LAST = POSTS_FIRST + timedelta(days=POSTS_DAYS - 1)
SALES_FIRST = date(2023, 12, 18)
CAMPAIGN_START = POSTS_LAST - timedelta(days=9)
HOURS = (1, 9, 15, 22)  # UTC hours; 15:00 and 22:00 UTC fall on the next Seoul day
QUIET = {5, 17, 29}  # post offsets (UTC day) with no United tweet


def _tweets(path: Path) -> tuple[list[str], list[str]]:
    with path.open(encoding="utf-8", newline="") as f:
        rows = [r["text"] for r in csv.DictReader(f)]
    united = [t for t in rows if t.startswith("@united ")][:120]
    others = [t for t in rows if t.startswith("@SouthwestAir ") and "united" not in t.lower()]
    return united, others[:180]


def write_posts(path: Path, shared_file: Callable[[str], Path]) -> Counter[date]:
    """The posts file; returns the United mentions per Seoul day."""
    united, others = _tweets(shared_file("airline_tweets/Tweets.csv"))
    rows = [["post_id", "author", "text", "created_at"]]
    expected: Counter[date] = Counter()
    k = 0
    for i, text in enumerate(united):
        day = k % POSTS_DAYS
        while day in QUIET:
            k += 1
            day = k % POSTS_DAYS
        k += 1
        # day offsets count from the Seoul day before POSTS_FIRST at the late hours
        at = datetime.combine(POSTS_FIRST, datetime.min.time(), UTC) + timedelta(
            days=day,
            hours=HOURS[i % 2],  # 01:00 or 09:00 UTC: the same Seoul day
        )
        rows.append([f"u{i}", f"user{i % 37}", text, at.strftime("%Y-%m-%dT%H:%M:%SZ")])
        expected[at.astimezone(SEOUL).date()] += 1
    for i, text in enumerate(others):
        day, hour = i % POSTS_DAYS, HOURS[2 + i % 2]
        # 15:00 / 22:00 UTC the day before: the Seoul day is POSTS_FIRST + day
        at = datetime.combine(POSTS_FIRST, datetime.min.time(), UTC) + timedelta(
            days=day - 1, hours=hour
        )
        rows.append([f"s{i}", f"flyer{i % 41}", text, at.strftime("%Y-%m-%dT%H:%M:%SZ")])
    # one late United tweet that is on the next Seoul day (2024-01-10 UTC 20:00 → 01-11 Seoul)
    late = datetime(2024, 1, 10, 20, 0, tzinfo=UTC)
    rows.append(["late", "night_owl", united[0], late.strftime("%Y-%m-%dT%H:%M:%SZ")])
    expected[late.astimezone(SEOUL).date()] += 1
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return expected


def sales_csv(path: Path, expected: Counter[date]) -> None:
    """Daily sales following the United mentions (0 before the posts start), +30 % in the
    campaign's last 10 days."""
    lines = ["일자,매출"]
    d, i = SALES_FIRST, 0
    while d <= POSTS_LAST:
        v = (500 + 40 * expected.get(d, 0) + 30 * (i % 7) + 7 * ((i * 37) % 5)) * (
            1.3 if d >= CAMPAIGN_START else 1.0
        )
        lines.append(f"{d.isoformat()},{v:.1f}")
        d, i = d + timedelta(days=1), i + 1
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def build(ws: Workspace, tmp: Path, shared_file: Callable[[str], Path]) -> Counter[date]:
    """Posts imported and enriched in Seoul time, the topic, the outcomes; the expected
    United mentions per Seoul day."""
    expected = write_posts(tmp / "posts.csv", shared_file)
    import_file(ws, tmp / "posts.csv", tz="UTC")
    enrich_workspace(ws, workers=1, tz="Asia/Seoul")
    add_topic(ws, "United", "@united", "brand")
    sales_csv(tmp / "sales.csv", expected)
    import_outcomes(ws, tmp / "sales.csv")
    return expected
