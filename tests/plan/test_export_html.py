"""The HTML plan document: escaped untrusted text, every section, no outside URLs, ko/en."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser

from export_samples import FORMULA, LINK, NAME, SCRIPT, sample_plan

from socialops.plan.export import export_plan
from socialops.plan.labels import label
from socialops.store.workspace import Workspace

TODAY = date(2026, 3, 15)
SECTIONS = (
    "summary",
    "objectives",
    "brief",
    "segments",
    "channels",
    "budget",
    "utm",
    "kpis",
    "calendar",
    "policy",
    "history",
)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.h2: list[str] = []
        self._in_h2 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend(attrs)
        self._in_h2 = tag == "h2"

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2":
            self._in_h2 = False

    def handle_data(self, data: str) -> None:
        if self._in_h2:
            self.h2.append(data.strip())


def _html(ws: Workspace, lang: str = "ko", hostile: bool = True) -> str:
    return export_plan(ws, sample_plan(hostile=hostile), "html", lang, today=TODAY).decode()


def _parse(html: str) -> _Tags:
    p = _Tags()
    p.feed(html)
    return p


def test_hostile_text_is_escaped_not_markup(workspace: Workspace) -> None:
    html = _html(workspace)
    tags = _parse(html)
    assert "script" not in tags.tags and "b" not in tags.tags
    assert SCRIPT not in html and "<b>굵게" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html  # shown, as text
    assert "&lt;b&gt;굵게&lt;/b&gt; &amp; 특가" in html
    assert FORMULA.replace("'", "&#39;") in html
    assert not any(name.startswith("on") for name, _ in tags.attrs)  # no event handlers


def test_every_section_in_order_and_korean_by_default(workspace: Workspace) -> None:
    html = _html(workspace)
    assert html.startswith("<!DOCTYPE html>") and '<html lang="ko">' in html
    assert [h.split(". ", 1)[1] for h in _parse(html).h2] == [
        label(f"section.{s}", "ko") for s in SECTIONS
    ]
    for heading in ("개요", "목표", "브리프", "타깃 세그먼트", "채널 믹스", "예산", "UTM"):
        assert f"{heading}</h2>" in html
    assert "KPI 목표와 실적</h2>" in html and "콘텐츠 캘린더</h2>" in html
    assert "운영 정책</h2>" in html and "승인 이력</h2>" in html
    assert f"<h1>{NAME}</h1>" in html and "30,000,000원" in html


def test_english_switches_headings_and_labels(workspace: Workspace) -> None:
    en = _html(workspace, "en")
    assert '<html lang="en">' in en
    assert [h.split(". ", 1)[1] for h in _parse(en).h2] == [
        label(f"section.{s}", "en") for s in SECTIONS
    ]
    assert "Content calendar</h2>" in en and "KRW 30,000,000" in en
    assert "콘텐츠 캘린더" not in en and "Sales promotion" in en
    assert NAME in en  # the plan's own text is not translated


def test_self_contained_no_urls_but_the_plans_own_links(workspace: Workspace) -> None:
    html = _html(workspace, hostile=False)
    tags = _parse(html)
    assert "script" not in tags.tags and "link" not in tags.tags and "img" not in tags.tags
    assert "<style>" in html  # inline CSS
    urls = re.findall(r"https?://[^\s\"'<>)]+", html)
    assert urls, "the plan's tracked links are shown"
    assert all(u.startswith(LINK) for u in urls), sorted(set(urls) - {LINK})
    for name, value in tags.attrs:
        if name in ("href", "src"):
            assert value is not None and value.startswith(LINK)


def test_kpi_badges_and_calendar_rows(workspace: Workspace) -> None:
    html = _html(workspace, hostile=False)
    assert html.count('class="badge no_data"') == 6  # six KPI targets, no data yet
    assert "봄 신제품 티저 5" in html and "화이트데이" in html and "삼일절" in html
    assert "utm_content=i001" in html
