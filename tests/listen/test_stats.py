"""The stats queries, on DuckDB, local Spark and a Spark standalone cluster (the session's:
tests/spark_cluster.py): the engines must agree with each other and with a plain-Python
computation over the same rows (a small hand-made store and the real airline tweets).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from analytics_cases import REFERENCE_ENGINE, WITH_CLUSTER
from enriched_ledger import commit_enriched
from socialops.domain.post import ENRICHED_SCHEMA
from socialops.listen import stats
from socialops.store.analytics import open_store
from socialops.store.workspace import Workspace

FILE_SCHEMA = pa.schema([f for f in ENRICHED_SCHEMA if f.name != "month"])
SEOUL = ZoneInfo("Asia/Seoul")
UTC = dt.UTC
# the shared engine suite: on the third engine too
pytestmark = pytest.mark.parametrize("engine", WITH_CLUSTER, indirect=True)


# -- writing an enriched store the way enrichment does ----------------------------------------
def _month(day: dt.date | None) -> str:
    return day.strftime("%Y-%m") if day else "undated"


def write_enriched(ws: Workspace, rows: list[dict[str, Any]], per_file: int = 0) -> None:
    """Write ``rows`` as ``enriched/month=M/part-N.parquet`` (``month`` only in the folder name)."""
    months: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        months.setdefault(_month(r.get("day")), []).append(r)
    for month, group in months.items():
        folder = ws.enriched_dir / f"month={month}"
        folder.mkdir(parents=True, exist_ok=True)
        step = per_file or len(group)
        for i in range(0, len(group), step):
            table = pa.Table.from_pylist(group[i : i + step], schema=FILE_SCHEMA)
            pq.write_table(table, folder / f"part-{i // step:04d}.parquet")
    commit_enriched(ws)


def _row(**kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "kind": "post",
        "source_file": "test.csv",
        "source_row": 1,
        "import_id": "imp-1",
    }
    base.update(kw)
    created = base.get("created_at")
    base.setdefault("day", created.astimezone(SEOUL).date() if created else None)
    return base


def small_rows() -> list[dict[str, Any]]:
    """Korean and English posts over several months, some undated, empty and odd keyword lists.

    Keyword lists hold no repeats, as enrichment writes them (socialops.nlp.keywords)."""
    t0 = dt.datetime(2024, 1, 30, 16, 30, tzinfo=UTC)  # 2024-01-31 01:30 in Seoul
    specs = [
        # platform, author, lang, hours after t0 (None: undated), sentiment, score, keywords
        ("twitter", "a1", "ko", 0, "positive", 0.8, ["배송", "만족"]),
        ("twitter", "a1", "ko", 7, "negative", -0.6, ["배송", "지연"]),
        ("twitter", "a2", "en", 8, "neutral", 0.0, ["delivery", "late"]),
        ("naver_movie", "m1", "ko", 24 * 3, "positive", 0.9, ["연기", "최고"]),
        ("naver_movie", "m2", "ko", 24 * 3 + 2, "negative", -0.75, ["연기", "지루"]),
        ("naver_movie", None, "ko", None, "positive", 0.5, []),
        ("youtube", "y1", "en", 24 * 40, "positive", 0.6666666, ["great", "delivery"]),
        ("youtube", "y1", "other", 24 * 40 + 1, None, None, None),
        ("youtube", "y2", None, None, "neutral", 0.1, ["late", "", "Late"]),
        ("twitter", "a3", "en", 24 * 70, "negative", -0.3333333, ["late", "delivery", "refund"]),
        ("twitter", "a2", "en", 24 * 70 + 20, "negative", -0.5, ["refund"]),
        ("facebook", "f1", "ko", 24 * 71, "neutral", 0.05, ["배송", "refund"]),
        ("facebook", "f1", "ko", None, "positive", 0.25, ["만족"]),
        ("twitter", None, "en", 24 * 100, "positive", 0.4, ["great"]),
    ]
    rows = []
    for i, (platform, author, lang, hours, sent, score, kws) in enumerate(specs):
        created = None if hours is None else t0 + dt.timedelta(hours=hours)
        rows.append(
            _row(
                platform=platform,
                post_id=f"p{i}",
                author_id=author,
                lang=lang,
                created_at=created,
                sentiment=sent,
                sentiment_score=score,
                keywords=kws,
                text=" ".join(kws or []),
                source_row=i + 1,
            )
        )
    return rows


def airline_rows(path: Path) -> list[dict[str, Any]]:
    """The airline tweets shaped as enriched posts, with placeholder enrichment."""
    import pandas as pd

    df = pd.read_csv(path, dtype={"tweet_id": str})
    created = pd.to_datetime(df["tweet_created"], format="%Y-%m-%d %H:%M:%S %z", utc=True)
    scores = {"negative": -1.0, "neutral": 0.0, "positive": 1.0}
    rows = []
    for i, (tid, name, text, sent, ts) in enumerate(
        zip(df["tweet_id"], df["name"], df["text"], df["airline_sentiment"], created, strict=True)
    ):
        text = text if isinstance(text, str) else ""
        when = ts.to_pydatetime()
        rows.append(
            _row(
                platform="twitter",
                post_id=tid,
                author_id=name if isinstance(name, str) else None,
                text=text,
                created_at=when,
                lang="en",
                sentiment=sent,
                sentiment_score=scores.get(sent),
                # like socialops.nlp.keywords: no repeats within a post
                keywords=list(
                    dict.fromkeys(w for w in re.findall(r"\w+", text.lower()) if len(w) > 3)
                ),
                source_row=i + 1,
            )
        )
    return rows


# -- the same statistics in plain Python ------------------------------------------------------
def _ratio(a: float, b: float) -> float | None:
    return None if not b else round(a / b, stats.DIGITS)


def _sent(rows: list[dict[str, Any]]) -> dict[str, Any]:
    c = Counter(r["sentiment"] for r in rows if r["sentiment"] is not None)
    scored = sum(c.values())
    pos, neg = c["positive"], c["negative"]
    scores = [r["sentiment_score"] for r in rows if r["sentiment_score"] is not None]
    return {
        "posts": len(rows),
        "scored": scored,
        **{k: c[k] for k in stats.LABELS},
        "shares": {k: _ratio(c[k], scored) for k in stats.LABELS},
        "net": _ratio(pos - neg, pos + neg),
        "net_share": _ratio(pos - neg, scored),
        "mean_score": round(sum(scores) / len(scores), stats.DIGITS) if scores else None,
    }


def _ranked(counter: Counter[str], name: str) -> list[dict[str, Any]]:
    return [
        {name: k, "posts": v} for k, v in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


def expected_summary(rows: list[dict[str, Any]], top: int) -> dict[str, Any]:
    days = [r["day"] for r in rows if r["day"] is not None]
    lang = [r["lang"] or "unknown" for r in rows]
    by_lang: dict[str, list[dict[str, Any]]] = {}
    for r, lg in zip(rows, lang, strict=True):
        by_lang.setdefault(lg, []).append(r)
    kw: Counter[str] = Counter()
    for r in rows:
        kw.update({k for k in (r["keywords"] or []) if k})
    return {
        "totals": {
            "posts": len(rows),
            "authors": len({(r["platform"], r["author_id"]) for r in rows if r["author_id"]}),
            "dated": len(days),
            "undated": len(rows) - len(days),
            "first_day": min(days).isoformat() if days else None,
            "last_day": max(days).isoformat() if days else None,
        },
        "platforms": _ranked(Counter(r["platform"] for r in rows), "platform"),
        "languages": _ranked(Counter(lang), "lang"),
        "days": [{"day": d.isoformat(), "posts": n} for d, n in sorted(Counter(days).items())],
        "sentiment": _sent(rows),
        "sentiment_by_lang": [
            {"lang": e["lang"], **_sent(by_lang[e["lang"]])} for e in _ranked(Counter(lang), "lang")
        ],
        "top_keywords": _ranked(kw, "keyword")[:top],
    }


# -- fixtures ---------------------------------------------------------------------------------
def _summary(ws: Workspace, engine: str, top: int) -> dict[str, Any]:
    with open_store(ws, engine) as store:
        t = store.posts()
        return {
            "summary": stats.summary(t, top=top),
            "top3": stats.top_keywords(t, 3),
            "top0": stats.top_keywords(t, 0),
            "top_rollup": stats.top_keywords(t, top, store.keyword_counts()),
        }


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Workspace, list[dict[str, Any]]]:
    ws = Workspace.open(tmp_path_factory.mktemp("small") / "ws")
    rows = small_rows()
    write_enriched(ws, rows, per_file=2)
    return ws, rows


@pytest.fixture(scope="module")
def airline(
    tmp_path_factory: pytest.TempPathFactory, shared_file: Callable[[str], Path]
) -> tuple[Workspace, list[dict[str, Any]]]:
    ws = Workspace.open(tmp_path_factory.mktemp("airline") / "ws")
    rows = airline_rows(shared_file("airline_tweets/Tweets.csv"))
    write_enriched(ws, rows)
    return ws, rows


# each dataset's summary once per engine (Spark queries cost seconds)
@pytest.fixture(scope="module")
def small_summary(small: tuple[Workspace, list[dict[str, Any]]], engine: str) -> dict[str, Any]:
    return _summary(small[0], engine, top=20)


@pytest.fixture(scope="module")
def airline_summary(airline: tuple[Workspace, list[dict[str, Any]]], engine: str) -> dict[str, Any]:
    return _summary(airline[0], engine, top=25)


# -- tests ------------------------------------------------------------------------------------
def test_small_store_matches_python(
    small: tuple[Workspace, list[dict[str, Any]]], small_summary: dict[str, Any]
) -> None:
    _, rows = small
    got = small_summary
    want = expected_summary(rows, top=20)
    for key in want:
        assert got["summary"][key] == want[key], key
    assert got["top3"] == want["top_keywords"][:3]
    assert got["top0"] == []
    assert got["top_rollup"] == want["top_keywords"]


def test_small_store_known_values(
    small: tuple[Workspace, list[dict[str, Any]]], engine: str
) -> None:
    """A few figures worked out by hand, so the reference itself is checked."""
    ws, _ = small
    with open_store(ws, engine) as store:
        t = store.posts()
        tot = stats.totals(t)
        assert tot == {
            "posts": 14,
            "authors": 8,
            "dated": 11,
            "undated": 3,
            "first_day": "2024-01-31",
            "last_day": "2024-05-10",
        }
        # keywords repeated in one post count once; empty strings never count; case kept
        top = stats.top_keywords(t, 4)
        assert top == [{"keyword": k, "posts": 3} for k in ("delivery", "late", "refund", "배송")]
        s = stats.sentiment(t)
        assert (s["positive"], s["negative"], s["neutral"], s["scored"]) == (6, 4, 3, 13)
        assert s["net"] == 0.2
        assert stats.by_lang(t)[-1] == {"lang": "unknown", "posts": 1}


def test_engines_agree_on_small_store(
    small: tuple[Workspace, list[dict[str, Any]]], small_summary: dict[str, Any]
) -> None:
    assert small_summary == _summary(small[0], REFERENCE_ENGINE, 20)


@pytest.mark.slow
def test_airline_tweets_match_python(
    airline: tuple[Workspace, list[dict[str, Any]]], airline_summary: dict[str, Any]
) -> None:
    _, rows = airline
    got = airline_summary
    want = expected_summary(rows, top=25)
    assert got["summary"]["totals"]["posts"] == 14640
    for key in want:
        assert got["summary"][key] == want[key], key
    assert got["top_rollup"] == want["top_keywords"]


@pytest.mark.slow
def test_engines_agree_on_airline_tweets(
    airline: tuple[Workspace, list[dict[str, Any]]], airline_summary: dict[str, Any]
) -> None:
    ref = _summary(airline[0], REFERENCE_ENGINE, 25)
    for key in ref["summary"]:
        assert airline_summary["summary"][key] == ref["summary"][key], key
    assert airline_summary == ref
