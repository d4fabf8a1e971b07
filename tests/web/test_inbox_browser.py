"""The inbox in a real browser (Debian's Chromium through Playwright, as ``test_e2e.py``),
signed in through /login on a real uvicorn server: on a phone (390 px) and a desktop
(1440 px), in Korean and English, nothing scrolls sideways and axe-core finds no serious or
critical WCAG 2.1 A/AA violation (``browser_checks``); a message received while the page is
open appears in the list without a reload (server-sent events); the keyboard shortcuts
(``?`` help, ``j`` next conversation, ``r`` the reply box) work; the reply counter counts.
Screenshots in ``$SOCIALOPS_SHOTS`` (default ``/tmp/socialops-responsive``)."""

from __future__ import annotations

import contextlib
import re
from typing import Any

from browser_checks import check_pages, need_axe, sign_in, views
from inbox_web_helpers import seed
from test_e2e import chromium  # noqa: F401  (the browser fixture)
from test_inbox_sse import served  # noqa: F401  (a real server on a home of its own)
from test_publishing_api import PASSWORD, PubHome

from socialops.engage import conversations, teams

W = "/w/main/inbox"


def _seeded(home: PubHome) -> str:
    db = home.db()
    teams.save_team(db, "카드·여신팀", ["card"], ["agent@example.com"])
    seed(db, "b-0", "카드 재발급 문의합니다", label="한지민", channel="twitter")  # a namesake
    seed(db, "b-1", "카드 결제가 안 되는데 왜 이런가요? 010-5555-6666", label="정은지")
    seed(
        db, "b-2", "The app keeps crashing when I pay, please help", label="Alex", channel="twitter"
    )
    return seed(db, "b-3", "상담 감사합니다 친절하셨어요", label="한지민")


def test_the_inbox_phone_and_desktop_korean_and_english(
    served: tuple[str, PubHome],  # noqa: F811
    chromium: Any,  # noqa: F811
) -> None:
    need_axe()
    url, home = served
    cid = _seeded(home)
    case_id = conversations.get_conversation(home.db(), cid).row.case_id
    problems: list[str] = []
    pages = [
        ("inbox", W),
        ("inbox-conversation", f"{W}/c/{cid}"),  # the owner's: team picker and merge form too
        ("inbox-case", f"{W}/cases/{case_id}"),
        ("inbox-saved", f"{W}/saved"),
    ]
    for lang, width, page in views(chromium, home.accounts, home.users["owner"].id):
        sign_in(page, url, PASSWORD)
        check_pages(page, url, pages, width, lang, problems)
    assert not problems, "\n".join(problems)


def test_live_updates_and_keyboard(
    served: tuple[str, PubHome],  # noqa: F811
    chromium: Any,  # noqa: F811
) -> None:
    url, home = served
    cid = _seeded(home)
    context = chromium.new_context(viewport={"width": 1440, "height": 900}, locale="ko-KR")
    context.set_default_timeout(30_000)
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        sign_in(page, url, PASSWORD)
        page.goto(url + f"{W}/c/{cid}")
        page.wait_for_function("document.getElementById('inbox').dataset.live === '1'")
        page.wait_for_timeout(500)  # the stream is open
        seed(home.db(), "b-live", "실시간으로 보이나요?", label="실시간고객")
        page.locator("#inbox-list").get_by_text("실시간고객").wait_for(timeout=5000)
        assert page.url.endswith(f"{W}/c/{cid}")  # no reload, no navigation
        page.keyboard.press("?")
        assert page.locator("#shortcuts").is_visible()
        page.keyboard.press("r")
        assert page.evaluate("document.activeElement.id") == "reply-text"
        page.keyboard.type("안녕하세요")
        assert page.locator("#reply-count").inner_text() == "5"
        page.keyboard.press("Escape")
        page.keyboard.press("j")
        page.wait_for_url(re.compile(r"/w/main/inbox/c/"))
        assert not errors, errors
    finally:
        # leave the page first: closing a context whose page still holds the live stream (an
        # EventSource to the in-process server) once hung the run for good
        for open_page in context.pages:
            with contextlib.suppress(Exception):
                open_page.goto("about:blank", timeout=10_000)
        context.close()
