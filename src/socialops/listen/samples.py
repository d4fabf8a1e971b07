"""Tracked topics for the sample data in ``../shared/data``: the six US airlines of the airline
tweets and four films of the Naver movie reviews, each group a competitive set (share of voice
is computed within a set: airlines are never compared with films). One definition for the demo,
the benchmarks and the tests.

How each query was checked on the real files (``docs/listening.md``, "The sample topics", has
the figures and the commands):

- **JetBlue, not "Delta"**: the airline data set's ``airline`` column files the 2,222 tweets
  to @JetBlue under "Delta" (2,218 of the 2,234 tweets naming @JetBlue). The topic is called
  what its posts are about; Delta itself is named in only 99 distinct tweets, nearly all filed
  under the other airlines (a competitor mentioned in their complaints).
- **Films**: the reviews are written on each film's own page and rarely name it, so a topic
  finds the reviews that *mention* the film (comparisons, recommendations). Only the titles are
  searched: the former extra words matched other things — 놀란 is read as the verb 놀라다
  ("surprised": 1,710 of the reviews, back to 2004), 이순신 the TV drama 불멸의 이순신 and other
  films, 송강호 his other films (261 reviews from 2005), 렛잇고 also Let It Be (렛잇비) and
  올라프 other characters. 엘사 stays: 16 reviews, all but one (a character of another film)
  about Frozen.
"""

from __future__ import annotations

__all__ = ["AIRLINE_SET", "AIRLINE_TOPICS", "FILM_SET", "FILM_TOPICS", "SAMPLE_SETS"]

AIRLINE_SET = "항공사"
FILM_SET = "영화"

# name → query; the first is the report's topic (our brand) in the demo, the others competitors
AIRLINE_TOPICS: dict[str, str] = {
    "United": "@united OR united",
    "American": '@AmericanAir OR "american air" OR "american airlines"',
    "JetBlue": "@JetBlue OR jetblue",
    "Southwest": "@SouthwestAir OR southwest",
    "US Airways": '@USAirways OR "us airways" OR usairways',
    "Virgin America": '@VirginAmerica OR "virgin america"',
}
FILM_TOPICS: dict[str, str] = {
    "명량": "명량",
    "겨울왕국": "겨울왕국 OR 엘사",
    "인터스텔라": "인터스텔라",
    "변호인": "변호인",
}
# competitive set → its topics (the first of each is our brand)
SAMPLE_SETS: dict[str, dict[str, str]] = {AIRLINE_SET: AIRLINE_TOPICS, FILM_SET: FILM_TOPICS}
