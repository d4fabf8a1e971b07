"""Every preset on its real file in the shared data folder."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from socialops.listen.ingest import ImportResult, import_file, list_quarantine
from socialops.store.workspace import Workspace


def _adds_up(r: ImportResult) -> None:
    assert r.rows_read == r.imported + r.duplicates + r.quarantined
    assert r.duplicates == r.duplicates_in_file + r.already_imported


def _query(ws: Workspace, sql: str) -> list[tuple[object, ...]]:
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    glob = str(ws.raw_dir / "*.parquet")
    return con.execute(sql.replace("POSTS", f"read_parquet('{glob}')")).fetchall()


def test_airline_tweets(workspace: Workspace, shared_file: Callable[[str], Path]) -> None:
    p = shared_file("airline_tweets/Tweets.csv")
    r = import_file(workspace, p, preset="airline-tweets", topics=["airlines"])
    _adds_up(r)
    assert (r.format, r.encoding, r.delimiter) == ("csv", "utf-8", ",")
    assert (r.rows_read, r.imported, r.duplicates_in_file, r.quarantined) == (14640, 14485, 155, 0)
    row = _query(
        workspace,
        "SELECT platform, kind, created_at, author_handle, shares, extra, source_row, topics "
        "FROM POSTS WHERE post_id = '570306133677760513'",
    )
    assert len(row) == 1
    platform, kind, created, handle, shares, extra, src_row, topics = row[0]
    assert (platform, kind, handle, shares, src_row) == ("twitter", "post", "cairdin", 0, 1)
    assert created == datetime(2015, 2, 24, 19, 35, 52, tzinfo=UTC)  # 11:35:52 -0800
    ex = json.loads(str(extra))
    assert ex["airline"] == "Virgin America" and ex["airline_sentiment"] == "neutral"
    assert ex["user_timezone"] == "Eastern Time (US & Canada)"
    assert topics == ["airlines"]
    (n_dated,) = _query(workspace, "SELECT count(created_at) FROM POSTS")[0]
    assert n_dated == 14485
    again = import_file(workspace, p, preset="airline-tweets")
    assert (again.imported, again.already_imported, again.duplicates_in_file) == (0, 14485, 155)


@pytest.mark.slow
def test_nsmc_reviews_full(workspace: Workspace, shared_file: Callable[[str], Path]) -> None:
    p = shared_file("nsmc/reviews.tsv.gz")
    r = import_file(workspace, p, preset="nsmc-reviews")
    _adds_up(r)
    assert (r.format, r.encoding, r.delimiter) == ("csv", "utf-8", "\t")
    assert r.rows_read == 662_404
    assert r.duplicates == 0
    assert r.quarantine_reasons == {"empty_text": r.quarantined}
    assert r.quarantined == 21 and r.imported == 662_383
    first = _query(
        workspace,
        "SELECT platform, kind, parent_id, created_at, extra FROM POSTS WHERE post_id = '10275182'",
    )
    platform, kind, parent, created, extra = first[0]
    assert (platform, kind, parent) == ("naver_movie", "review", "10001")
    # 15.08.25 is local midnight in Seoul = 15:00 UTC the day before
    assert created == datetime(2015, 8, 24, 15, 0, tzinfo=UTC)
    assert json.loads(str(extra)) == {"movie_id": 10001, "rating": 10}
    (n,) = _query(workspace, "SELECT count(*) FROM POSTS")[0]
    assert n == 662_383
    assert len(list_quarantine(workspace, limit=None)) == 21


def test_kote(workspace: Workspace, shared_file: Callable[[str], Path]) -> None:
    p = shared_file("kote/val.tsv")
    r = import_file(workspace, p, preset="kote")
    _adds_up(r)
    assert (r.rows_read, r.imported, r.duplicates, r.quarantined) == (5000, 5000, 0, 0)
    assert r.delimiter == "\t"
    sql = "SELECT extra, created_at FROM POSTS WHERE post_id = '5954'"
    extra, created = _query(workspace, sql)[0]
    assert json.loads(str(extra)) == {"labels": [0, 6, 10, 22, 23, 36]}
    assert created is None


def test_korean_sarcasm(workspace: Workspace, shared_file: Callable[[str], Path]) -> None:
    p = shared_file("korean_sarcasm/train.csv")
    r = import_file(workspace, p, preset="korean-sarcasm")
    _adds_up(r)
    assert r.rows_read == 9000
    assert r.duplicates == 0
    assert r.quarantine_reasons == {"empty_text": 1} and r.imported == 8999
    text, extra = _query(workspace, "SELECT text, extra FROM POSTS WHERE post_id = '2'")[0]
    assert text == "썰렁" and json.loads(str(extra)) == {"label": 0}


def test_facebook_metrics(workspace: Workspace, shared_file: Callable[[str], Path]) -> None:
    p = shared_file("facebook_metrics/dataset_Facebook.csv")
    r = import_file(workspace, p, preset="facebook-metrics")
    _adds_up(r)
    assert r.delimiter == ";"
    assert (r.rows_read, r.imported, r.duplicates, r.quarantined) == (500, 500, 0, 0)
    rows = _query(
        workspace,
        "SELECT post_id, likes, comments, shares, text, created_at, extra FROM POSTS "
        "WHERE source_row = 1",
    )
    pid, likes, comments, shares, text, created, extra = rows[0]
    assert (likes, comments, shares, text, created) == (79, 4, 17, None, None)
    ex = json.loads(str(extra))
    assert ex["T_Reach"] == 2752 and ex["Type"] == "Photo" and "like" not in ex
    (n_null,) = _query(workspace, "SELECT count(*) FROM POSTS WHERE shares IS NULL")[0]
    assert n_null == 4  # empty share cells stay null
    again = import_file(workspace, p, preset="facebook-metrics")
    assert again.already_imported == 500  # derived ids are stable
    assert pid.startswith("r1-")  # type: ignore[union-attr]
