"""The dashboard and topic pages by default (issue 14, items 4 and 5): the airline workspace
plus what stretched every chart before (one upload with a 2003 date that mentions United) and
an undated upload that a new topic matches only. The pages show the topics' latest activity
(not 2003–2015), say which range it is and link to all data, have KPI tiles against the
previous period, fold the spikes, and say how many posts have no date."""

from __future__ import annotations

import html
import itertools
import os
import re
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from analytics_cases import AIRLINE_TZ
from socialops.listen.ingest import import_file
from socialops.listen.topics import add_topic
from socialops.sources.enrich import enrich_workspace
from socialops.store.workspace import Workspace


@pytest.fixture(scope="module")
def owner(web: object) -> TestClient:
    """The owner's browser on this module's copy of the airline workspace, with the two
    uploads and the new topic added."""
    ws = Workspace.open(web.accounts.workspace_dir("main"))  # type: ignore[attr-defined]
    old = ws.root.parent / "old.csv"
    old.write_text(
        "id,text,created_at\nold1,@united lost my bag in 2003,2003-05-01T10:00:00-07:00\n",
        encoding="utf-8",
    )
    undated = ws.root.parent / "undated.csv"  # the Korean sarcasm preset has no date column
    undated.write_text(
        ",tokens,label\n" + "".join(f"{i},신제품 출시 소식 {i},0\n" for i in range(3)),
        encoding="utf-8",
    )
    import_file(ws, old)
    assert import_file(ws, undated, preset="korean-sarcasm").imported == 3
    enrich_workspace(ws, workers=1, tz=AIRLINE_TZ)
    add_topic(ws, "신제품", "신제품", "product")
    time.sleep(1.2)  # the app looks at the data version again after a second
    client: TestClient = web.signed_in("owner")  # type: ignore[attr-defined]
    return client


def _tips(html: str, section: str) -> list[str]:
    part = re.search(rf'id="{section}".*?</section>', html, re.S)
    assert part is not None, section
    return re.findall(r'<rect class="hover"[^>]*><title>([^<]*)</title>', part.group(0))


def test_the_dashboard_shows_the_latest_activity_not_2003_to_2015(owner: TestClient) -> None:
    r = owner.get("/w/main")
    assert r.status_code == 200
    note = re.search(r'id="range-note">([^<]*)<', r.text)
    assert note is not None and "최근 활동 기간" in note.group(1) and "2003" not in note.group(1)
    days = _tips(r.text, "volume")
    assert 7 <= len(days) <= 30 and days[-1].startswith("2015년 2월 24일")
    assert "2003" not in "".join(days)
    # all data: the old upload stretches the axis back to 2003 (thousands of days)
    everything = owner.get("/w/main?range=all")
    assert everything.status_code == 200 and 'id="range-switch"' in everything.text
    all_days = _tips(everything.text, "volume")
    assert len(all_days) > 4000 and all_days[0].startswith("2003년 5월 1일")
    assert 'href="/w/main?range=all&amp;every=day"' in r.text  # the link to all data
    # an explicit range wins
    chosen = owner.get("/w/main?from=2015-02-20&to=2015-02-22")
    assert len(_tips(chosen.text, "volume")) == 3 and "선택한 기간" in chosen.text


def test_kpi_tiles_compare_with_the_previous_period(owner: TestClient) -> None:
    r = owner.get("/w/main?from=2015-02-21&to=2015-02-24")
    tiles = re.search(r'id="kpi-tiles".*?</section>', r.text, re.S)
    assert tiles is not None
    assert "토픽 언급량" in tiles.group(
        0
    ) and "직전 4일(2015-02-17 – 2015-02-20) 대비" in tiles.group(0)
    changes = re.findall(r'<small class="delta (?:up|down|flat)">([^<]+)<', tiles.group(0))
    assert len(changes) == 4 and all(c[0] in "+-" for c in changes)
    # nothing before 2003-05-01: no comparison, said so
    first = owner.get("/w/main?from=2003-05-01&to=2003-05-01")
    assert "직전 기간에는 데이터가 없습니다" in first.text


def test_spikes_are_folded_after_five(owner: TestClient) -> None:
    r = owner.get("/w/main?range=all")
    spikes = re.search(r'id="spikes".*?</section>', r.text, re.S)
    assert spikes is not None
    shown, _, folded = spikes.group(0).partition('<details class="more">')
    assert shown.count('<article class="spike">') == 5
    assert folded.count('<article class="spike">') >= 1 and "더 보기" in folded


def test_undated_posts_are_said_not_a_silent_zero(owner: TestClient) -> None:
    text = html.unescape(owner.get("/w/main").text)
    assert "날짜가 없는 게시물 3건" in text and "토픽별: 신제품 3" in text
    assert "'신제품'은(는) 날짜가 없는 게시물에서만 3건 언급됩니다" in text
    page = owner.get("/w/main/topics/%EC%8B%A0%EC%A0%9C%ED%92%88")
    assert page.status_code == 200
    assert "'신제품'은(는) 날짜가 없는 게시물에서만 3건 언급됩니다" in html.unescape(page.text)
    # a topic with dated mentions is not said to be undated-only
    assert "'United'" not in text


def test_the_topic_page_shows_the_same_range(owner: TestClient) -> None:
    r = owner.get("/w/main/topics/United")
    assert r.status_code == 200
    note = re.search(r'id="range-note">([^<]*)<', r.text)
    assert note is not None and "2003" not in note.group(1)
    assert 'href="/w/main/topics/United?range=all&amp;every=day"' in r.text


# -- in a real browser: the tick labels as drawn do not overlap ---------------------------------
CHROMIUM = os.environ.get("SOCIALOPS_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


def test_tick_labels_do_not_overlap_in_the_browser(live_server: Any, owner: TestClient) -> None:
    """Chromium draws the dashboard's volume chart (by day and by hour, 1440 and 390 px wide):
    the boxes of the axis labels it lays out do not overlap, and the page is of the latest
    activity. ``owner`` first: the uploads are in this module's workspace."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright is not installed (pip install -e '.[dev]')")
    if not Path(CHROMIUM).exists():
        _missing(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        try:
            for width in (1440, 390):
                ctx = browser.new_context(viewport={"width": width, "height": 900}, locale="ko-KR")
                page = ctx.new_page()
                page.goto(live_server.url + "/login")
                page.fill("input[name=email]", "owner@example.com")
                page.fill("input[name=password]", live_server.home.password)
                page.click("#sign-in")
                page.wait_for_url(re.compile(r"/w/main$"))
                for path in ("/w/main", "/w/main?every=hour"):
                    page.goto(live_server.url + path)
                    assert "2003" not in page.locator("#range-note").inner_text()
                    boxes = page.eval_on_selector_all(
                        "#volume svg text.tick",
                        "els => els.map(e => { const r = e.getBoundingClientRect();"
                        " return [r.left, r.right]; })",
                    )
                    assert len(boxes) >= 4, (width, path, boxes)
                    for (_, right), (left, _) in itertools.pairwise(sorted(boxes)):
                        assert right <= left + 0.5, (width, path, boxes)
                ctx.close()
        finally:
            browser.close()


def _missing(msg: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(msg)
    pytest.skip(msg)
