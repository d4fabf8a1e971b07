"""Listening fixtures: real data imported, enriched and tracked once per test session.

- ``airline_ws``: ``airline_tweets/Tweets.csv`` (14,640 rows, 155 repeated tweet ids) with the six
  airlines as brand topics. Days are bucketed in the data's own zone (US Pacific, the offset the
  tweets carry), as a US analyst would set ``SOCIALOPS_TZ``. The data set files the tweets to
  @JetBlue under "Delta", so the Delta topic looks for both.
- ``nsmc_ws``: a slice of ``nsmc/reviews.tsv.gz``: every review that names one of a few popular
  movies, plus every 40th other review as background, with the movies as product topics.
"""

from __future__ import annotations

import csv
import gzip
from collections.abc import Callable
from pathlib import Path

import pytest

from socialops.listen.ingest import import_file
from socialops.listen.topics import add_topic
from socialops.nlp.runner import enrich_workspace
from socialops.store.workspace import Workspace

AIRLINE_TZ = "America/Los_Angeles"
AIRLINES: dict[str, str] = {
    "United": "@united OR united",
    "American": '@AmericanAir OR "american air" OR "american airlines"',
    "Delta": "@JetBlue OR jetblue OR @delta OR delta",
    "Southwest": "@SouthwestAir OR southwest",
    "US Airways": '@USAirways OR "us airways" OR usairways',
    "Virgin America": '@VirginAmerica OR "virgin america"',
}

# movie → (query, release day in Korea)
MOVIES: dict[str, tuple[str, str]] = {
    "겨울왕국": ("겨울왕국 OR 엘사 OR 올라프 OR 렛잇고", "2014-01-16"),
    "명량": ("명량 OR 이순신", "2014-07-30"),
    "인터스텔라": ("인터스텔라 OR 놀란", "2014-11-06"),
    "변호인": ("변호인 OR 송강호", "2013-12-18"),
}
_MOVIE_WORDS = ("겨울왕국", "엘사", "올라프", "렛잇고", "명량", "이순신", "인터스텔라", "놀란")
_MOVIE_WORDS += ("변호인", "송강호")


@pytest.fixture(scope="session")
def airline_ws(
    tmp_path_factory: pytest.TempPathFactory, shared_file: Callable[[str], Path]
) -> Workspace:
    ws = Workspace.open(tmp_path_factory.mktemp("airline") / "ws")
    import_file(ws, shared_file("airline_tweets/Tweets.csv"), preset="airline-tweets")
    enrich_workspace(ws, workers=1, tz=AIRLINE_TZ)
    for name, query in AIRLINES.items():
        add_topic(ws, name, query, "brand")
    return ws


@pytest.fixture(scope="session")
def nsmc_ws(
    tmp_path_factory: pytest.TempPathFactory, shared_file: Callable[[str], Path]
) -> Workspace:
    root = tmp_path_factory.mktemp("nsmc")
    sample = root / "reviews_sample.tsv.gz"
    with (
        gzip.open(shared_file("nsmc/reviews.tsv.gz"), "rt", encoding="utf-8", newline="") as src,
        gzip.open(sample, "wt", encoding="utf-8", newline="") as dst,
    ):
        reader = csv.reader(src, delimiter="\t", quoting=csv.QUOTE_NONE)
        writer = csv.writer(dst, delimiter="\t", quoting=csv.QUOTE_NONE, escapechar="\\")
        writer.writerow(next(reader))
        for i, row in enumerate(reader):
            text = row[4] if len(row) > 4 else ""
            if i % 40 == 0 or any(w in text for w in _MOVIE_WORDS):
                writer.writerow(row)
    ws = Workspace.open(root / "ws")
    import_file(ws, sample, preset="nsmc-reviews")
    enrich_workspace(ws, workers=1)
    for name, (query, _) in MOVIES.items():
        add_topic(ws, name, query, "product")
    return ws
