"""The publishing pages, signed in through /login as each role (real sessions and CSRF
tokens): the queue (list and week), a post, the manual tasks, the approvals, the profiles and
the composer with its preview by server round trip; Korean and English labels; the red
"pause all" banner and the re-authorisation banner; no secret on any page; the audit entries
of changes made through the forms. And in a real browser (Debian's Chromium through
Playwright, as ``test_e2e.py``) on a phone (390 px) and a desktop (1440 px): no sideways
scrolling, no script or CSP error, the composer's live preview drawn from the preview API;
screenshots in ``$SOCIALOPS_SHOTS`` (default ``/tmp/shots``)."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from browser_checks import SHOTS, WIDTHS, check_pages, fits, need_axe, sign_in, signed_in_tab, views
from fastapi.testclient import TestClient
from sqlalchemy import text
from test_e2e import chromium  # noqa: F401  (the browser fixture)
from test_publishing_api import PASSWORD, TOKEN, PubHome, manual, png, pub_home

from platform_servers import MastodonMock
from socialops.connectors import profiles as prof
from socialops.publish import composer, media, queue
from socialops.publish.worker import run_worker
from socialops.web.app import create_app

W = "/w/main/publishing"
PAGES = ("", "?view=week", "/tasks", "/approvals", "/profiles")


def csrf_of(page: Any) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found, page.text[:500]
    return found.group(1)


def post_form(client: TestClient, page: str, action: str, **data: Any) -> Any:
    token = csrf_of(client.get(page))
    return client.post(action, data={"csrf": token, **data}, follow_redirects=False)


@pytest.fixture(scope="module")
def pub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PubHome]:
    yield from pub_home(tmp_path_factory)


@pytest.fixture(scope="module")
def browsers(pub: PubHome) -> dict[str, TestClient]:
    return {who: pub.signed_in(who) for who in ("owner", "manager", "analyst", "agent", "viewer")}


def test_every_page_in_korean_and_english(pub: PubHome, browsers: dict[str, TestClient]) -> None:
    viewer = browsers["viewer"]
    for path in PAGES:
        r = viewer.get(W + path)
        assert r.status_code == 200, (path, r.text[:300])
        assert 'id="nav-publishing"' in r.text and "게시" in r.text
    assert "게시 대기열" in viewer.get(W).text
    assert "수동 게시 할 일" in viewer.get(W + "/tasks").text
    # the composer is for those who may write posts
    assert viewer.get(W + "/compose").status_code == 403
    assert 'id="tab-compose"' not in viewer.get(W).text
    assert browsers["agent"].get(W + "/compose").status_code == 200
    pub.accounts.set_preferences(pub.users["analyst"].id, lang="en")
    try:
        analyst = pub.signed_in("analyst")
        english = analyst.get(W).text
        assert "Publish queue" in english and "게시 대기열" not in english
        assert "Compose" in analyst.get(W + "/compose").text
        assert "Send for review" in analyst.get(W + "/compose").text  # a draft-only role
        assert "Social profiles" in analyst.get(W + "/profiles").text
    finally:
        pub.accounts.set_preferences(pub.users["analyst"].id, lang="ko")
    assert pub.client.get(W, follow_redirects=False).status_code == 303  # not signed in


def test_pause_all_shows_a_red_banner_until_resumed(
    pub: PubHome, browsers: dict[str, TestClient]
) -> None:
    manager = browsers["manager"]
    done = post_form(manager, W + "/profiles", W + "/pause-all")
    assert done.status_code == 303 and "done=paused_all" in done.headers["location"]
    for path in PAGES:
        page = browsers["agent"].get(W + path).text
        assert 'id="paused-all-banner"' in page and "모든 게시 일시 중지 중" in page, path
    assert 'href="/w/main/publishing/profiles#pause-all"' in manager.get(W).text
    for other in ("/w/main", "/w/main/plans", "/w/main/topics", "/w/main/posts"):  # every page
        assert 'id="paused-all-banner"' in browsers["agent"].get(other).text, other
    assert "#pause-all" not in browsers["agent"].get(W).text  # only who may resume is sent there
    # an agent may not flip the switch (the error page, nothing changed)
    refused = post_form(browsers["agent"], W, W + "/resume-all")
    assert refused.status_code == 403 and prof.paused_all(pub.db())
    assert post_form(manager, W + "/profiles", W + "/resume-all").status_code == 303
    assert 'id="paused-all-banner"' not in browsers["agent"].get(W).text
    assert [e["email"] for e in pub.audit("publishing.resume_all")][-1] == "manager@example.com"


def test_a_profile_to_reauthorise_is_named_with_the_fix(
    pub: PubHome, browsers: dict[str, TestClient]
) -> None:
    manual(pub, "재인증블로그")
    p = prof.get_profile(pub.db(), "재인증블로그")
    prof.set_status(pub.db(), p.profile_id, "needs_reauth", "401")
    try:
        for path in PAGES:
            page = browsers["viewer"].get(W + path).text
            assert 'id="reauth-banner"' in page and "재인증블로그" in page, path
        assert "#connect" in browsers["owner"].get(W).text
    finally:
        prof.set_status(pub.db(), p.profile_id, "active")
    assert 'id="reauth-banner"' not in browsers["viewer"].get(W).text


def test_connect_form_keeps_secrets_out_of_every_page(
    pub: PubHome,
    browsers: dict[str, TestClient],
    mastodon_mock: MastodonMock,
) -> None:
    owner = browsers["owner"]
    form = {
        "name": "웹마스토돈",
        "platform": "mastodon",
        "instance": mastodon_mock.base_url,
        "secret": "wrong-token-xyz",
    }
    refused = post_form(owner, W + "/profiles", W + "/profiles", **form)
    assert refused.status_code == 400 and "wrong-token-xyz" not in refused.text
    assert mastodon_mock.base_url in refused.text  # what was typed, except the secret
    done = post_form(owner, W + "/profiles", W + "/profiles", **{**form, "secret": TOKEN})
    assert done.status_code == 303, done.text
    assert post_form(browsers["agent"], W, W + "/profiles", **form).status_code == 403
    page = owner.get(W + "/profiles?done=connected")
    assert "웹마스토돈" in page.text and "프로필을 연결했습니다." in page.text
    for who in ("owner", "viewer"):
        for path in (*PAGES, "/compose"):
            r = browsers[who].get(W + path)
            assert TOKEN not in r.text, (who, path)
    assert TOKEN not in browsers["owner"].get("/w/main/audit").text
    check = post_form(owner, W + "/profiles", W + "/profiles/웹마스토돈/check")
    assert check.status_code == 303 and "done=checked" in check.headers["location"]


def test_compose_without_script_preview_then_review_then_approve(
    pub: PubHome, browsers: dict[str, TestClient]
) -> None:
    manual(pub, "블로그")
    analyst = browsers["analyst"]
    form = {"profiles": "블로그", "text": "봄 신제품 출시 안내", "at": "2099-05-01T10:00"}
    preview = post_form(analyst, W + "/compose", W + "/compose/preview", **form)
    assert preview.status_code == 200 and "미리 보기" in preview.text
    assert "봄 신제품 출시 안내" in preview.text and "pub-length" in preview.text
    assert not [p for p in queue.list_posts(pub.db()) if p.text == "봄 신제품 출시 안내"]
    assert post_form(browsers["viewer"], W, W + "/compose", **form).status_code == 403
    sent = post_form(analyst, W + "/compose", W + "/compose", **form)
    assert sent.status_code == 303 and "done=in_review" in sent.headers["location"]
    [post] = [p for p in queue.list_posts(pub.db()) if p.text == "봄 신제품 출시 안내"]
    assert post.state == "in_review"
    review = browsers["manager"].get(W + "/approvals")
    assert f'id="group-{post.group_id}"' in review.text and "봄 신제품 출시 안내" in review.text
    own = post_form(analyst, W + "/approvals", f"{W}/approvals/{post.group_id}/approve")
    assert own.status_code == 403
    ok = post_form(
        browsers["manager"],
        W + "/approvals",
        f"{W}/approvals/{post.group_id}/approve",
        comment="좋아요",
    )
    assert ok.status_code == 303 and "done=approved" in ok.headers["location"]
    assert queue.get_post(pub.db(), post.post_id).state == "scheduled"
    page = browsers["viewer"].get(f"{W}/posts/{post.post_id}").text
    assert "예약됨" in page and "좋아요" in page  # its state and the review history
    bad = post_form(analyst, W + "/compose", W + "/compose", profiles="블로그", text="")
    assert bad.status_code == 400 and 'class="error"' in bad.text


def test_a_task_page_has_text_checklist_and_the_done_form(
    pub: PubHome, browsers: dict[str, TestClient]
) -> None:
    manual(pub, "네이버", "naver-blog")
    _g, [post] = queue.new_posts(pub.db(), profiles=["네이버"], text_="블로그 원고 전문입니다.")
    run_worker(pub.db(), until_idle=True)
    page = browsers["agent"].get(W + "/tasks").text
    assert f'id="task-{post.post_id}"' in page and "블로그 원고 전문입니다." in page
    assert "확인 목록" in page and 'name="url"' in page
    bad = post_form(browsers["agent"], W + "/tasks", f"{W}/tasks/{post.post_id}/confirm", url="x")
    assert bad.status_code == 400 and 'value="x"' in bad.text
    done = post_form(
        browsers["agent"],
        W + "/tasks",
        f"{W}/tasks/{post.post_id}/confirm",
        url="https://blog.naver.com/brand/1",
    )
    assert done.status_code == 303 and "done=confirmed" in done.headers["location"]
    shown = browsers["viewer"].get(f"{W}/posts/{post.post_id}").text
    assert "https://blog.naver.com/brand/1" in shown and "게시됨" in shown


def test_a_post_page_and_its_buttons(pub: PubHome, browsers: dict[str, TestClient]) -> None:
    manual(pub, "블로그")
    _g, [post] = queue.new_posts(
        pub.db(), profiles=["블로그"], text_="버튼 확인", at="2099-06-01T09:00"
    )
    viewer = browsers["viewer"].get(f"{W}/posts/{post.post_id}").text
    assert "버튼 확인" in viewer and 'id="publish-now-button"' not in viewer
    owner = browsers["owner"].get(f"{W}/posts/{post.post_id}").text
    assert 'id="publish-now-button"' in owner and 'id="cancel-button"' in owner
    week = browsers["viewer"].get(W + "?view=week&day=2099-06-01").text
    assert "버튼 확인" in week and "09:00" in week
    gone = post_form(
        browsers["owner"], f"{W}/posts/{post.post_id}", f"{W}/posts/{post.post_id}/cancel"
    )
    assert gone.status_code == 303
    again = post_form(browsers["owner"], W, f"{W}/posts/{post.post_id}/cancel")
    assert again.status_code == 409 and "취소됨" in again.text
    assert browsers["viewer"].get(f"{W}/posts/nope").status_code == 404


# -- in a real browser ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def served(pub: PubHome) -> Iterator[str]:
    """A real uvicorn server on the ``pub`` home, on a free loopback port."""
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(pub.root), host="127.0.0.1", port=port, log_level="warning", lifespan="on"
        )
    )
    thread = threading.Thread(target=server.run, name="uvicorn-publishing", daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.05)
    try:
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=15)


@pytest.fixture(scope="module")
def one_post(pub: PubHome) -> str:
    """Posts of every kind for the pages to show; the id of one to open."""
    db = pub.db()
    manual(pub, "블로그")
    manual(pub, "카카오", "kakaotalk")
    manual(pub, "인스타", "instagram")
    asset = media.add_media(db, "winter.png", png("orange"), alt="겨울 신메뉴 사진")
    now = datetime.now(ZoneInfo("Asia/Seoul")).replace(hour=12, minute=30, second=0)
    for i, (who, body) in enumerate(
        (
            ("owner", "겨울 신메뉴 출시! 따뜻한 국물 요리 3종을 만나 보세요 #신메뉴"),
            ("owner", "이번 주말 매장 이벤트: 음료 1+1 (토·일 오후 2시~5시)"),
            ("analyst", "고객 후기 모음: 12월 첫째 주"),
        )
    ):
        composer.compose(
            db,
            profiles=["블로그", "카카오"] if i != 2 else ["카카오"],
            text=body,
            link="https://shop.example.com/winter" if i == 0 else None,
            at=(now + timedelta(days=i)).isoformat(),
            actor=f"{who}@example.com",
            role=who,
        )
    composer.compose(
        db,
        profiles=["인스타"],
        text="인스타그램 전용 사진 게시물 ☕",
        media_ids=[asset.media_id],
        at=(now - timedelta(days=2)).isoformat(),
        actor="owner@example.com",
        role="owner",
    )
    run_worker(db, until_idle=True)  # the past one becomes a task
    return queue.list_posts(db, "scheduled")[0].post_id


def browser_pages(one: str) -> list[tuple[str, str]]:
    return [
        ("queue", W),
        ("week", W + "?view=week"),
        ("post", f"{W}/posts/{one}"),
        ("tasks", W + "/tasks"),
        ("approvals", W + "/approvals"),
        ("profiles", W + "/profiles"),
        ("compose", W + "/compose"),
    ]


def test_the_pages_in_a_browser_phone_and_desktop(
    pub: PubHome,
    served: str,
    one_post: str,
    chromium: Any,  # noqa: F811  (test_e2e.py's fixture, imported above)
) -> None:
    pages = browser_pages(one_post)
    for width in WIDTHS:
        tab = signed_in_tab(chromium, served, width, PASSWORD)
        try:
            for name, path in pages:
                fits(tab, path, f"{name}-{width}", name, width)
            # "pause all": the red banner at the top of the page
            prof.pause_all(pub.db(), True, "owner@example.com")
            try:
                tab.goto(W)
                banner = tab.page.locator("#paused-all-banner")
                assert banner.is_visible()
                color = banner.evaluate("(e) => getComputedStyle(e).backgroundColor")
                assert color == "rgb(180, 35, 24)", color  # var(--bad)
                tab.page.screenshot(path=str(SHOTS / f"paused-all-{width}.png"))
            finally:
                prof.pause_all(pub.db(), False, "owner@example.com")
            # the live preview: a profile chosen and text typed, the card comes from the API
            tab.goto(W + "/compose")
            tab.page.check("input[name=profiles][value=카카오]")
            tab.page.fill("#compose-text", "가" * 1001)
            card = tab.page.locator("#preview-cards article.pub-preview")
            card.first.wait_for()
            assert "1,001" in card.first.inner_text() or "1001" in card.first.inner_text()
            assert tab.page.locator("#preview-cards .pub-length.over").count() == 1
            tab.page.screenshot(path=str(SHOTS / f"compose-live-{width}.png"), full_page=True)
        finally:
            tab.context.close()
        assert not tab.problems, f"errors in the browser: {tab.problems} {tab.failed}"


def test_posts_due_with_no_worker_are_said_on_every_publishing_page(
    pub: PubHome, browsers: dict[str, TestClient]
) -> None:
    manual(pub, "블로그")
    with pub.db().begin() as conn:
        conn.execute(text("DELETE FROM publish_workers"))  # no worker has ever run here
    _g, [post] = queue.new_posts(pub.db(), profiles=["블로그"], text_="지금 나가야 할 글")
    for path in PAGES:
        page = browsers["viewer"].get(W + path).text
        assert 'id="watchdog-banner"' in page, path
    run_worker(pub.db(), until_idle=True)  # a manual post: now a task, nothing due
    assert queue.get_post(pub.db(), post.post_id).state == "task"
    assert 'id="watchdog-banner"' not in browsers["viewer"].get(W).text


def test_notifications_of_a_review_reach_the_reviewers_then_the_author(
    pub: PubHome, browsers: dict[str, TestClient]
) -> None:
    manual(pub, "블로그")
    manager, analyst = browsers["manager"], browsers["analyst"]
    post_form(manager, W + "/approvals", W + "/notifications/read")  # a clean slate
    post_form(analyst, W + "/approvals", W + "/notifications/read")
    form = {"profiles": "블로그", "text": "알림 확인용 글", "at": "2099-07-01T10:00"}
    assert post_form(analyst, W + "/compose", W + "/compose", **form).status_code == 303
    page = manager.get(W + "/approvals").text
    assert 'id="unread-count"' in page and 'id="notifications"' in page
    assert "/w/main/publishing/approvals#" in page  # the notice links to the review
    read = post_form(manager, W + "/approvals", W + "/notifications/read")
    assert read.status_code == 303 and "done=read" in read.headers["location"]
    assert 'id="unread-count"' not in manager.get(W + "/approvals").text
    [post] = [p for p in queue.list_posts(pub.db()) if p.text == "알림 확인용 글"]
    rejected = post_form(
        manager,
        W + "/approvals",
        f"{W}/approvals/{post.group_id}/reject",
        comment="날짜를 바꿔 주세요",
    )
    assert rejected.status_code == 303
    mine = analyst.get(W + "/approvals").text
    assert (
        'id="unread-count"' in mine
        and "날짜를 바꿔 주세요" in analyst.get(f"{W}/posts/{post.post_id}").text
    )


def test_slots_and_best_times_on_the_profiles_page(
    pub: PubHome, browsers: dict[str, TestClient]
) -> None:
    manual(pub, "슬롯카카오", "kakaotalk")
    done = post_form(
        browsers["manager"],
        W + "/profiles",
        W + "/profiles/슬롯카카오/slots",
        slots="화 12:30, 매일 09:00",
    )
    assert done.status_code == 303 and "done=slots" in done.headers["location"]
    page = browsers["viewer"].get(W + "/profiles").text
    assert "daily 09:00, tue 12:30" in page and "다음 빈 슬롯" in page
    bad = post_form(
        browsers["manager"], W + "/profiles", W + "/profiles/슬롯카카오/slots", slots="언젠가"
    )
    assert bad.status_code == 400 and 'class="error"' in bad.text


def test_the_pages_pass_axe_and_keep_korean_words_whole(
    pub: PubHome,
    served: str,
    one_post: str,
    chromium: Any,  # noqa: F811  (test_e2e.py's fixture, imported above)
) -> None:
    """test_responsive.py's checks on the publishing pages, in Korean and English: axe-core
    finds no serious or critical WCAG 2.1 A/AA violation, Korean words are kept whole, the
    folded header stays short on a phone, nothing scrolls sideways."""
    need_axe()
    problems: list[str] = []
    for lang, width, page in views(chromium, pub.accounts, pub.users["owner"].id):
        sign_in(page, served, PASSWORD)
        check_pages(page, served, browser_pages(one_post), width, lang, problems, "publishing-")
    assert not problems, "\n".join(problems)


def test_a_mastodon_post_from_the_composer_goes_out_once_and_a_revoked_token_is_said(
    pub: PubHome,
    browsers: dict[str, TestClient],
    mastodon_mock: MastodonMock,
) -> None:
    owner = browsers["owner"]
    connect = {
        "name": "민지마스토돈",
        "platform": "mastodon",
        "instance": mastodon_mock.base_url,
        "secret": mastodon_mock.tokens["minji"],
    }
    assert post_form(owner, W + "/profiles", W + "/profiles", **connect).status_code == 303
    text_ = "웹에서 쓴 마스토돈 글 #신메뉴"
    sent = post_form(owner, W + "/compose", W + "/compose", profiles="민지마스토돈", text=text_)
    assert sent.status_code == 303 and "done=composed" in sent.headers["location"]
    [post] = [p for p in queue.list_posts(pub.db()) if p.text == text_]
    run_worker(pub.db(), until_idle=True)
    run_worker(pub.db(), until_idle=True)  # a second run sends nothing again
    done = queue.get_post(pub.db(), post.post_id)
    assert done.state == "published" and done.url.startswith(mastodon_mock.base_url)
    statuses = httpx.get(
        f"{mastodon_mock.base_url}/api/v1/timelines/home",
        headers={"Authorization": f"Bearer {mastodon_mock.tokens['minji']}"},
        timeout=10,
    ).json()
    assert sum("웹에서 쓴 마스토돈 글" in s["content"] for s in statuses) == 1
    page = browsers["viewer"].get(f"{W}/posts/{post.post_id}").text
    assert done.url in page and "게시됨" in page and 'id="post-attempts"' in page
    # the instance now refuses the token: a check marks the profile, every page says so
    mastodon_mock.fault(
        {
            "match": {"path_regex": "^/api/v1/accounts"},
            "effect": {"type": "status", "status": 401, "body": {"error": "revoked"}},
        }
    )
    try:
        refused = post_form(owner, W + "/profiles", W + "/profiles/민지마스토돈/check")
        assert refused.status_code == 400
    finally:
        mastodon_mock.clear_faults()
    page = browsers["viewer"].get(W).text
    assert 'id="reauth-banner"' in page and "민지마스토돈" in page
    assert post_form(owner, W + "/profiles", W + "/profiles", **connect).status_code == 303
    assert 'id="reauth-banner"' not in browsers["viewer"].get(W).text


def test_an_image_is_served_to_its_workspace_only(
    pub: PubHome, browsers: dict[str, TestClient]
) -> None:
    theirs = media.add_media(pub.db("other"), "other.png", png("purple"), alt="다른 브랜드")
    ours = media.add_media(pub.db(), "ours.png", png("teal"), alt="우리 브랜드")
    got = browsers["viewer"].get(f"{W}/media/{ours.media_id}")
    assert got.status_code == 200 and got.headers["content-type"] == ours.mime
    assert got.content == media.media_file(pub.db(), ours.media_id).read_bytes()
    # the owner is a member of both: through main, other's image does not exist
    assert browsers["owner"].get(f"{W}/media/{theirs.media_id}").status_code == 404
    assert browsers["owner"].get(f"/w/other/publishing/media/{theirs.media_id}").status_code == 200
