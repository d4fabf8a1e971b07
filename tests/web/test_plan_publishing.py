"""A plan's publishing on its pages, signed in through /login as each role (real sessions, CSRF
tokens, the forms as the page renders them): the calendar shows each occurrence's posts as
badges in Korean and English (a published one with its URL, a failed one with its reason), the
"make drafts" buttons make drafts once (a second click makes none), a viewer is refused, an
analyst's drafts go to review when scheduled, the API route does the same, and the overview's
table of published posts shows their latest figures with totals. In a real browser (Chromium
through Playwright, as ``test_e2e.py``) the calendar fits a phone (390 px) and a desktop
(1440 px) and passes ``test_responsive.py``'s checks (axe-core, Korean words kept whole);
screenshots in ``$SOCIALOPS_SHOTS`` (default ``/tmp/shots``)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from browser_checks import SHOTS, WIDTHS, check_pages, fits, need_axe, sign_in, signed_in_tab, views
from fastapi.testclient import TestClient
from sqlalchemy import text
from test_e2e import chromium  # noqa: F401  (the browser fixture)
from test_plan_pages import form_of, post
from test_publishing_api import PASSWORD, PubHome, manual, pub_home
from test_publishing_pages import served  # noqa: F401  (the server fixture)

from socialops.domain.plan import CalendarItem, ChannelChoice, Plan, UtmScheme
from socialops.plan.store import PlanStore
from socialops.publish import queue
from socialops.publish.plan_drafts import drafts_from_calendar
from socialops.publish.worker import run_worker

API = "/api/v1/workspaces/main/plans"


@pytest.fixture(scope="module")
def pub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PubHome]:
    yield from pub_home(tmp_path_factory)


@pytest.fixture(scope="module")
def browsers(pub: PubHome) -> dict[str, TestClient]:
    manual(pub, "블로그")
    return {who: pub.signed_in(who) for who in ("owner", "manager", "analyst", "viewer")}


def new_plan(pub: PubHome, name: str = "봄 신제품 출시") -> str:
    """A March 2027 plan on Naver Blog: a single item and one repeating twice."""
    plan = Plan(
        plan_id="",
        name=name,
        start=date(2027, 3, 1),
        end=date(2027, 3, 31),
        objectives=["sales_promotion"],
        channels=[ChannelChoice("naver_blog")],
        utm=UtmScheme(campaign="spring-2027", sources={"naver_blog": "naver"}),
        calendar=[
            CalendarItem(
                "i1",
                "신제품 소개 글",
                datetime(2027, 3, 2, 19, 0),
                "naver_blog",
                copy="봄 신제품을 소개합니다",
                link="https://example.kr/spring",
            ),
            CalendarItem(
                "i2",
                "주간 연재",
                datetime(2027, 3, 9, 9, 30),
                "naver_blog",
                recurrence="FREQ=WEEKLY;COUNT=2",
            ),
        ],
    )
    return PlanStore(pub.db()).create(plan, actor="owner@example.com").plan_id


def calendar(plan_id: str) -> str:
    return f"/w/main/plans/{plan_id}/calendar?view=month&date=2027-03-01"


def click(client: TestClient, plan_id: str, form_id: str) -> Any:
    """Press a "make drafts" button of the calendar page as the browser would."""
    page = client.get(calendar(plan_id))
    assert page.status_code == 200, page.text[:300]
    return post(client, f"/w/main/plans/{plan_id}/drafts", form_of(page.text, form_id))


def made(answer: Any) -> int:
    assert answer.status_code == 303, answer.text[:500]
    found = re.search(r"drafts=(\d+)", answer.headers["location"])
    assert found, answer.headers["location"]
    return int(found.group(1))


def publish_by_hand(pub: PubHome, post_id: str, url: str) -> None:
    queue.publish_now(pub.db(), post_id)
    run_worker(pub.db(), until_idle=True)  # a manual profile's post: a task
    queue.confirm_task(pub.db(), post_id, url)


def fail(pub: PubHome, post_id: str) -> None:
    """The state a platform's refusal leaves (the worker's ``failed`` with its reason)."""
    with pub.db().begin() as conn:
        conn.execute(
            text(
                "UPDATE publish_posts SET state = 'failed', reason_code = 'rejected', "
                "reason_detail = '본문이 너무 깁니다' WHERE post_id = :p"
            ),
            {"p": post_id},
        )


def test_drafts_once_then_none_and_the_badges_in_korean_and_english(
    pub: PubHome, browsers: dict[str, TestClient]
) -> None:
    plan_id = new_plan(pub)
    owner = browsers["owner"]
    page = owner.get(calendar(plan_id)).text
    assert "게시물 초안 만들기" in page and "모든 항목의 게시물 초안 만들기" in page
    assert 'class="pub-badge-link"' not in page and "게시물 없음" in page
    fields = form_of(page, "drafts-i1")
    answer = post(owner, f"/w/main/plans/{plan_id}/drafts", fields)
    assert made(answer) == 1
    shown = owner.get(answer.headers["location"]).text
    assert 'id="drafts-done"' in shown and "게시물 초안 1개를 만들었습니다" in shown
    assert 'id="drafts-i1"' not in shown and 'id="drafts-i2"' in shown  # i1 has its post
    # the same button again (a double click, a page left open): nothing more
    assert made(post(owner, f"/w/main/plans/{plan_id}/drafts", fields)) == 0
    again = owner.get(f"{calendar(plan_id)}&drafts=0").text
    assert "새로 만든 초안이 없습니다" in again
    assert made(click(owner, plan_id, "drafts-all")) == 2  # i2's two dates; i1 skipped
    assert made(click(owner, plan_id, "drafts-all")) == 0
    posts = {p.plan_item_id: p for p in queue.list_posts(pub.db(), plan_id=plan_id)}
    assert sorted(posts) == ["i1", "i2#1", "i2#2"]
    assert {p.state for p in posts.values()} == {"draft"}
    entries = [e for e in pub.audit("publish.plan_drafts") if e["target"] == plan_id]
    assert [e["email"] for e in entries] == ["owner@example.com"] * 4
    # what became of each: published (its URL), failed (why), a draft
    publish_by_hand(pub, posts["i1"].post_id, "https://blog.naver.com/brand/101")
    fail(pub, posts["i2#1"].post_id)
    page = browsers["viewer"].get(calendar(plan_id)).text
    for p in posts.values():
        assert f'href="/w/main/publishing/posts/{p.post_id}"' in page
    assert 'href="https://blog.naver.com/brand/101"' in page
    assert ">게시됨<" in page and ">실패<" in page and ">초안<" in page
    assert "플랫폼이 게시를 거부했습니다" in page or "본문이 너무 깁니다" in page
    assert "게시물 초안 만들기" not in page  # a viewer may not write posts
    # each occurrence shows its own post: i2's second date still a draft
    week2 = re.search(r'data-day="2027-03-16".*?</td>', page, re.S)
    assert week2 and ">초안<" in week2.group(0) and ">실패<" not in week2.group(0)
    pub.accounts.set_preferences(pub.users["viewer"].id, lang="en")
    try:
        english = pub.signed_in("viewer").get(calendar(plan_id)).text
        assert ">published<" in english and ">failed<" in english and ">draft<" in english
        assert "Posts" in english and "게시됨" not in english
    finally:
        pub.accounts.set_preferences(pub.users["viewer"].id, lang="ko")
    pub.accounts.set_preferences(pub.users["manager"].id, lang="en")
    try:
        english = pub.signed_in("manager").get(calendar(plan_id)).text
        assert "Make drafts" in english and "Make drafts for every item" in english
        assert made(click(pub.signed_in("manager"), plan_id, "drafts-all")) == 0
        done = pub.signed_in("manager").get(f"{calendar(plan_id)}&drafts=0").text
        assert "No new drafts: every date has its posts already." in done
    finally:
        pub.accounts.set_preferences(pub.users["manager"].id, lang="ko")


def test_a_viewer_is_refused_and_an_unknown_item_is_said(
    pub: PubHome, browsers: dict[str, TestClient]
) -> None:
    plan_id = new_plan(pub, "뷰어 거절")
    viewer = browsers["viewer"]
    page = viewer.get(calendar(plan_id))
    assert page.status_code == 200 and 'id="drafts-all"' not in page.text
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token
    refused = post(viewer, f"/w/main/plans/{plan_id}/drafts", [("csrf", token.group(1))])
    assert refused.status_code == 403
    assert queue.list_posts(pub.db(), plan_id=plan_id) == []
    # a form without its CSRF token is refused too, whoever sends it
    owner = browsers["owner"]
    assert post(owner, f"/w/main/plans/{plan_id}/drafts", [("csrf", "x")]).status_code == 403
    fields = [
        (k, "nope" if k == "item_id" else v)
        for k, v in form_of(owner.get(calendar(plan_id)).text, "drafts-i1")
    ]
    unknown = post(owner, f"/w/main/plans/{plan_id}/drafts", fields)
    assert unknown.status_code == 404 and 'role="alert"' in unknown.text and "nope" in unknown.text
    assert queue.list_posts(pub.db(), plan_id=plan_id) == []
    missing = post(owner, "/w/main/plans/no-such-plan/drafts", fields)
    assert missing.status_code == 404


def test_an_analysts_drafts_go_to_review_when_scheduled(
    pub: PubHome, browsers: dict[str, TestClient]
) -> None:
    plan_id = new_plan(pub, "분석가 초안")
    assert made(click(browsers["analyst"], plan_id, "drafts-i1")) == 1
    [mine] = queue.list_posts(pub.db(), plan_id=plan_id)
    assert mine.state == "draft" and mine.approvals_needed == 1
    page = browsers["analyst"].get(f"/w/main/publishing/posts/{mine.post_id}")
    fields = form_of(page.text, action=f"/posts/{mine.post_id}/schedule")
    scheduled = post(
        browsers["analyst"], f"/w/main/publishing/posts/{mine.post_id}/schedule", fields
    )
    assert scheduled.status_code == 303, scheduled.text[:300]
    assert queue.get_post(pub.db(), mine.post_id).state == "in_review"
    # the owner's drafts of the same plan need nobody
    assert made(click(browsers["owner"], plan_id, "drafts-i2")) == 2
    owners = [p for p in queue.list_posts(pub.db(), plan_id=plan_id) if p.plan_item_id != "i1"]
    assert {p.approvals_needed for p in owners} == {0}
    assert queue.schedule(pub.db(), owners[0].post_id, None).state == "scheduled"
    badges = browsers["viewer"].get(calendar(plan_id)).text
    assert ">검토 중<" in badges and ">예약됨<" in badges


def test_the_api_route_makes_drafts_once(pub: PubHome) -> None:
    manual(pub, "블로그")
    plan_id = new_plan(pub, "API 초안")
    url = f"{API}/{plan_id}/drafts"
    r = pub.call("viewer", "POST", url)
    assert (r.status_code, r.json()["error"]["code"]) == (403, "forbidden")
    r = pub.call("owner", "POST", url, json={"item_ids": ["nope"]})
    assert (r.status_code, r.json()["error"]["code"]) == (404, "plan_drafts.unknown_item")
    r = pub.call("owner", "POST", url, json={"item_ids": ["i1"]})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["made"] == 1 and [p["plan_item_id"] for p in body["posts"]] == ["i1"]
    assert body["posts"][0]["state"] == "draft" and "path" not in str(body["posts"][0]["media"])
    r = pub.call("analyst", "POST", url)  # no body: every item
    assert r.status_code == 200 and r.json()["made"] == 2
    assert {p["approvals_needed"] for p in r.json()["posts"]} == {1}
    assert pub.call("owner", "POST", url).json() == {"made": 0, "posts": []}
    r = pub.call("owner", "POST", f"{API}/no-such-plan/drafts")
    assert r.status_code == 404
    r = pub.call("outsider", "POST", url)
    assert (r.status_code, r.json()["error"]["code"]) == (404, "unknown_workspace")
    # a page session needs its CSRF header, as every change
    assert pub.signed_in("owner").post(url, json={}).status_code == 403
    who = [e["email"] for e in pub.audit("publish.plan_drafts") if e["target"] == plan_id]
    assert who == ["owner@example.com", "analyst@example.com", "owner@example.com"]


def _metrics(pub: PubHome, post_id: str, at: str, **figures: int) -> None:
    row = {k: figures.get(k) for k in ("likes", "replies", "reposts", "views", "clicks")}
    with pub.db().begin() as conn:
        conn.execute(
            text(
                "INSERT INTO publish_metrics (post_id, fetched_at, likes, replies, reposts, "
                "views, clicks) VALUES (:p, :at, :likes, :replies, :reposts, :views, :clicks)"
            ),
            {"p": post_id, "at": at, **row},
        )


def test_the_overview_lists_published_posts_with_figures_and_totals(
    pub: PubHome, browsers: dict[str, TestClient]
) -> None:
    plan_id = new_plan(pub, "게시 결과")
    overview = f"/w/main/plans/{plan_id}"
    empty = browsers["viewer"].get(overview).text
    assert 'id="published-none"' in empty and "아직 게시된 글이 없습니다" in empty
    assert made(click(browsers["owner"], plan_id, "drafts-all")) == 3
    posts = {p.plan_item_id: p for p in queue.list_posts(pub.db(), plan_id=plan_id)}
    publish_by_hand(pub, posts["i1"].post_id, "https://blog.naver.com/brand/201")
    publish_by_hand(pub, posts["i2#1"].post_id, "https://blog.naver.com/brand/202")
    _metrics(pub, posts["i1"].post_id, "2027-03-03T00:00:00+00:00", likes=1, views=10)
    _metrics(pub, posts["i1"].post_id, "2027-03-04T00:00:00+00:00", likes=12, views=340)
    _metrics(pub, posts["i2#1"].post_id, "2027-03-10T00:00:00+00:00", likes=3, replies=4)
    page = browsers["viewer"].get(overview).text
    table = re.search(r'<table class="compact" id="published-table">.*?</table>', page, re.S)
    assert table, page[-3000:]
    html = table.group(0)
    assert "게시 시각 (Asia/Seoul)" in html and "좋아요" in html and "클릭" in html
    assert html.count("<tr data-post=") == 2  # the draft left is not published
    assert 'href="https://blog.naver.com/brand/201"' in html
    assert f'href="/w/main/publishing/posts/{posts["i1"].post_id}"' in html
    assert "신제품 소개 글" in html and "주간 연재" in html and "#1" in html
    published = queue.get_post(pub.db(), posts["i1"].post_id).published_at
    assert published
    local = datetime.fromisoformat(published).astimezone(ZoneInfo("Asia/Seoul"))
    assert local.strftime("%Y-%m-%d %H:%M") in html
    row = re.search(rf'<tr data-post="{posts["i1"].post_id}">.*?</tr>', html, re.S)
    assert row and ">12<" in row.group(0) and ">340<" in row.group(0) and ">1<" not in row.group(0)
    total = re.search(r'<tr id="published-total">.*?</tr>', html, re.S)
    assert total and "합계 (2건)" in total.group(0)
    cells = re.findall(r'<td class="n"><b>([^<]*)</b></td>', total.group(0))
    # likes, replies, reposts (no platform said), views, clicks (i1 short link: live, none yet)
    assert cells == ["15", "4", "–", "340", "0"]
    # the post's page names its plan, as a link back
    post_page = browsers["viewer"].get(f"/w/main/publishing/posts/{posts['i1'].post_id}").text
    assert f'href="/w/main/plans/{plan_id}" id="post-plan"' in post_page
    pub.accounts.set_preferences(pub.users["viewer"].id, lang="en")
    try:
        english = pub.signed_in("viewer").get(overview).text
        assert "Published posts" in english and "Total (2 published)" in english
        assert "Published (Asia/Seoul)" in english and "Likes" in english
    finally:
        pub.accounts.set_preferences(pub.users["viewer"].id, lang="ko")


def test_the_calendar_in_a_browser_phone_and_desktop(
    pub: PubHome,
    served: str,  # noqa: F811  (test_publishing_pages.py's fixture, imported above)
    chromium: Any,  # noqa: F811  (test_e2e.py's fixture, imported above)
) -> None:
    manual(pub, "블로그")
    plan_id = new_plan(pub, "브라우저 캘린더")
    found = {p.plan_item_id: p for p in drafts_from_calendar(pub.db(), plan_id, [])}
    publish_by_hand(pub, found["i1"].post_id, "https://blog.naver.com/brand/301")
    fail(pub, found["i2#1"].post_id)
    for width in WIDTHS:
        tab = signed_in_tab(chromium, served, width, PASSWORD)
        try:
            for view in ("month", "week"):
                path = f"/w/main/plans/{plan_id}/calendar?view={view}&date=2027-03-02"
                fits(tab, path, f"plan-calendar-{view}-{width}", view, width)
            badge = tab.page.locator("#calendar .pub-badge-link").first
            assert badge.is_visible()
            # one click: drafts for every item (none left to make), the notice says so
            tab.page.click("#drafts-all button")
            tab.page.wait_for_url(re.compile(r"drafts=0"))
            assert tab.page.locator("#drafts-done").is_visible()
            tab.page.screenshot(path=str(SHOTS / f"plan-calendar-done-{width}.png"), full_page=True)
            fits(tab, f"/w/main/plans/{plan_id}", f"plan-overview-{width}", "overview", width)
        finally:
            tab.context.close()
        assert not tab.problems, f"errors in the browser: {tab.problems} {tab.failed}"


def test_the_calendar_and_overview_pass_axe_in_korean_and_english(
    pub: PubHome,
    served: str,  # noqa: F811  (test_publishing_pages.py's fixture, imported above)
    chromium: Any,  # noqa: F811  (test_e2e.py's fixture, imported above)
) -> None:
    need_axe()
    manual(pub, "블로그")
    plan_id = new_plan(pub, "접근성 캘린더")
    found = {p.plan_item_id: p for p in drafts_from_calendar(pub.db(), plan_id, [])}
    publish_by_hand(pub, found["i1"].post_id, "https://blog.naver.com/brand/401")
    fail(pub, found["i2#1"].post_id)
    problems: list[str] = []
    pages = (
        ("calendar", f"/w/main/plans/{plan_id}/calendar?date=2027-03-02"),
        ("overview", f"/w/main/plans/{plan_id}"),
    )
    for lang, width, page in views(chromium, pub.accounts, pub.users["owner"].id):
        sign_in(page, served, PASSWORD)
        check_pages(page, served, pages, width, lang, problems, "plan-publishing-")
    assert not problems, "\n".join(problems)
