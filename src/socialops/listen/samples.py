"""Tracked topics for the sample data in ``../shared/data``: the six US airlines of the airline
tweets and four films of the Naver movie reviews. One definition for the demo, the benchmarks
and the tests.

The airline data set files the tweets to @JetBlue under "Delta", so the Delta topic looks for
both. Film names rarely appear in reviews written on the film's own page, so each film topic
adds its best-known character or director.
"""

from __future__ import annotations

__all__ = ["AIRLINE_TOPICS", "FILM_TOPICS"]

# name → query; the first is the report's topic in the demo
AIRLINE_TOPICS: dict[str, str] = {
    "United": "@united OR united",
    "American": '@AmericanAir OR "american air" OR "american airlines"',
    "Delta": "@JetBlue OR jetblue OR @delta OR delta",
    "Southwest": "@SouthwestAir OR southwest",
    "US Airways": '@USAirways OR "us airways" OR usairways',
    "Virgin America": '@VirginAmerica OR "virgin america"',
}
FILM_TOPICS: dict[str, str] = {
    "명량": "명량 OR 이순신",
    "겨울왕국": "겨울왕국 OR 엘사 OR 올라프 OR 렛잇고",
    "인터스텔라": "인터스텔라 OR 놀란",
    "변호인": "변호인 OR 송강호",
}
