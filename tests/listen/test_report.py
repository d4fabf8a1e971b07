"""The listening report on real data: Korean movie reviews and English airline tweets."""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from analytics_cases import AIRLINE_TZ
from socialops.errors import DataError
from socialops.i18n import has
from socialops.listen.analyses import ANALYSES
from socialops.listen.export import sheet_names, xlsx_value
from socialops.listen.report import (
    LABELS,
    REPORT_ANALYSES,
    ReportData,
    build_report,
    column_label,
    localized,
    write_report,
)
from socialops.listen.scope import Scope
from socialops.listen.topics import Topic, resolve_topics
from socialops.store.analytics import open_store
from socialops.store.workspace import Workspace

REMOTE = re.compile(r"""(?:src|href|action|xlink:href)\s*=\s*(?!["']?#)""", re.I)


def assert_self_contained(html: str) -> None:
    assert html.startswith("<!DOCTYPE html>")
    assert not REMOTE.search(html), REMOTE.search(html)
    low = html.lower()
    for bad in ("<script", "<link", "<iframe", "<img", "@import", "url("):
        assert bad not in low, bad
    # no resource URL anywhere outside escaped post text
    outside_posts = re.sub(r'<div class="post">.*?</div></div>', "", html, flags=re.S)
    outside_posts = re.sub(r"<td>.*?</td>", "", outside_posts, flags=re.S)
    assert "http://" not in outside_posts and "https://" not in outside_posts


def cell(v: object) -> object:
    """A table value as it should read back from the XLSX (text as it is: a formula-like one
    is a quote-prefixed string cell)."""
    out = xlsx_value(v)
    return None if out == "" else out


# the column names of the analyses: what a reader must never see as a heading
CODE_COLUMNS = ("mentions", "share", "net_sentiment", "pct_diff", "period", "word", "topic")


def check_exports(data: ReportData, xlsx: Path, csv_dir: Path, lang: str) -> None:
    raw = data.all_tables()
    for t in raw:  # every table's title and column in both languages from the catalogue
        assert has(f"report.table.{t.name}"), t.name
        topics = {tp.name for tp in data.topics}
        assert all(has(f"report.col.{c}") for c in t.columns if c not in topics), t.columns
    tables = [localized(t, lang) for t in raw]
    names = sheet_names(tables)
    wb = load_workbook(xlsx, read_only=True)
    assert wb.sheetnames == names
    assert all(len(n) <= 31 for n in names) and len({n.lower() for n in names}) == len(names)
    hangul = [bool(re.search("[가-힣]", n)) for n in names]
    assert all(hangul) if lang == "ko" else not any(hangul), names  # sheets in the language
    for t, name in zip(tables, names, strict=True):
        rows = list(wb[name].iter_rows(values_only=True))
        assert list(rows[0]) == [str(c) for c in t.columns]
        assert not set(CODE_COLUMNS) & set(rows[0]), (name, rows[0])
        assert len(rows) - 1 == len(t.rows), name
        for got, want in zip(rows[1:], t.rows, strict=True):
            assert list(got) == [cell(v) for v in want], name
    wb.close()
    files = sorted(p.name for p in csv_dir.glob("*.csv"))
    assert len(files) == len(tables)
    for p in csv_dir.glob("*.csv"):
        assert p.read_bytes().startswith(b"\xef\xbb\xbf"), p
    summary = list(csv.reader((csv_dir / "summary.csv").open(encoding="utf-8-sig")))
    assert summary[0][:3] == [column_label(c, lang) for c in ("topic", "kind", "mentions")]
    assert summary[0][0] == {"ko": "주제", "en": "Topic"}[lang]
    assert [r[0] for r in summary[1:]] == [t.name for t in data.topics]
    assert [int(r[2]) for r in summary[1:]] == [data.counts[t.name] for t in data.topics]


def test_korean_report_on_nsmc(nsmc_ws: Workspace, engine: str, tmp_path: Path) -> None:
    topics = resolve_topics(nsmc_ws, ["겨울왕국", "명량", "인터스텔라", "변호인"])
    with open_store(nsmc_ws, engine) as store:
        data = build_report(store, Scope(date(2013, 12, 1), date(2014, 12, 31), "week"), topics)
    out, xlsx, csv_dir = tmp_path / "r.html", tmp_path / "r.xlsx", tmp_path / "csv"
    written = write_report(data, out, lang="ko", xlsx=xlsx, csv_dir=csv_dir)
    html = out.read_text(encoding="utf-8")
    assert_self_contained(html)
    assert '<html lang="ko">' in html
    for key in ("summary", *REPORT_ANALYSES):
        assert f"<h2>{LABELS['ko'][key]}</h2>" in html, key
    assert html.count("<svg") >= 4  # volume, SOV (2), sentiment (2) at least
    # every analysis that exists ran, the others say so
    for name in REPORT_ANALYSES:
        sec = data.sections[name]
        try:
            ANALYSES[name].load()
        except ImportError:
            assert sec.unavailable and name in written["unavailable"]
            assert LABELS["ko"]["unavailable"] in html
        else:
            assert sec.result is not None and sec.tables, name
    # the summary: every movie, counts with thousands separators, SOV adds up to 100
    shares = [r["share"] for r in data.summary_rows()]
    assert abs(sum(shares) - 100) < 0.05
    total = data.sections["volume"].result["all_posts"]["total"]  # type: ignore[index]
    assert total >= 1000 and f"{total:,}" in html, (total, data.counts)
    assert all(f"{n:,}" in html for n in data.counts.values())
    # association words (연관어) with their examples, if the analysis is there
    if data.sections["assoc"].result:
        assert LABELS["ko"]["positive_words"] in html
        assert "예시 게시물" in html
    check_exports(data, xlsx, csv_dir, "ko")
    for code in CODE_COLUMNS:  # the Korean report's headings are Korean
        assert f"<th>{code}</th>" not in html, code
    assert f"<th>{column_label('net_sentiment', 'ko')}</th>" in html
    assert "<th>순감성</th>" in html and "volume spike" not in html
    # how the analyses were made, in Korean (their JSON keeps the English method)
    assert "log-likelihood" not in html and "NMF over TF-IDF" not in html
    assert "no network to rank" not in html  # an analysis's note, in Korean too
    if data.sections["assoc"].result:
        assert "로그 우도 G²" in html
    assoc_csv = csv_dir / "assoc.csv"
    if assoc_csv.exists():  # Korean words round-trip through the BOM'd CSV
        rows = list(csv.DictReader(assoc_csv.open(encoding="utf-8-sig")))
        want = [str(r[2]) for r in next(t for t in data.all_tables() if t.name == "assoc").rows]
        assert [r["단어"] for r in rows] == want
        assert any(re.search("[가-힣]", w) for w in want)


def test_english_report_on_airline_tweets(
    airline_ws: Workspace, engine: str, tmp_path: Path
) -> None:
    topics = resolve_topics(airline_ws, ["United", "American", "JetBlue", "Southwest"])
    with open_store(airline_ws, engine) as store:
        data = build_report(store, Scope(), topics, tz=ZoneInfo(AIRLINE_TZ))
        # without a zone, the report is in the zone the workspace's posts were enriched in
        assert airline_ws.zone() == AIRLINE_TZ
        assert build_report(store, Scope(), topics[:1], analyses=["volume"]).tz.key == AIRLINE_TZ
    out, xlsx, csv_dir = tmp_path / "air.html", tmp_path / "air.xlsx", tmp_path / "c"
    write_report(data, out, lang="en", xlsx=xlsx, csv_dir=csv_dir)
    html = out.read_text(encoding="utf-8")
    assert_self_contained(html)
    assert '<html lang="en">' in html
    for key in ("summary", *REPORT_ANALYSES):
        assert f"<h2>{LABELS['en'][key]}</h2>" in html, key
    assert "<svg" in html and AIRLINE_TZ in html
    assert data.scope.start == date(2015, 2, 16) and data.scope.end == date(2015, 2, 24)
    assert "2015-02-16 – 2015-02-24" in html
    sov = {r["topic"]: r["mentions"] for r in data.sections["sov"].result["results"]}  # type: ignore[index]
    assert sov == {t.name: data.counts[t.name] for t in topics}
    assert f"{data.counts['United']:,}" in html
    check_exports(data, xlsx, csv_dir, "en")
    assert "<th>Net sentiment</th>" in html and "<th>net_sentiment</th>" not in html
    headings = re.findall(r"<(?:th|h2|h3)>(.*?)</(?:th|h2|h3)>", html)
    assert headings and not [h for h in headings if re.search("[가-힣]", h)]  # none in Korean
    spikes = data.sections["spikes"]
    if spikes.result is not None:  # the cancelled-flight days are shown, coverage apart
        assert "American" in html and LABELS["en"]["coverage"] in html
        # a spike reads in words: "negative spike", not the code "negative"
        assert " · negative spike · " in html or " · volume spike · " in html


def test_report_without_data_says_so(nsmc_ws: Workspace) -> None:
    # on DuckDB only: what an empty scope says is decided above the engine, and Spark builds
    # whole reports in test_korean_report_on_nsmc and test_english_report_on_airline_tweets
    # (this one took 55 s of the suite's Spark worker)
    topics = resolve_topics(nsmc_ws, ["겨울왕국"])
    with open_store(nsmc_ws, "duckdb") as store:
        with pytest.raises(DataError, match="No posts between 1999-01-01 and 1999-12-31"):
            build_report(store, Scope(date(1999, 1, 1), date(1999, 12, 31)), topics)
        nothing = Topic("없는영화", "존재하지않는제목쿼리", "product")
        with pytest.raises(DataError, match="match topic 없는영화"):
            build_report(store, Scope(date(2014, 1, 1), date(2014, 1, 31)), [nothing])
        # one topic without matches next to one with: a report with a warning
        data = build_report(store, Scope(date(2014, 1, 1), date(2014, 1, 31)), [*topics, nothing])
    assert data.counts["없는영화"] == 0 and data.counts["겨울왕국"] > 0
    assert any("없는영화" in w for w in data.warnings)
