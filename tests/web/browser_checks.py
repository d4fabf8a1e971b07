"""What the browser tests check on a page, written once: the page opened at a width and in a
language (a fresh Chromium context, signed in through /login), nothing scrolling sideways, and
``test_responsive.py``'s layout and accessibility checks (axe-core injected from
``node_modules``, Korean words kept whole, a short folded header on a phone).

Used by ``test_responsive.py``, ``test_publishing_pages.py`` and ``test_plan_publishing.py``;
the browser itself is ``test_e2e.py``'s ``chromium`` fixture (each test module imports it).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from test_e2e import Page as E2EPage
from test_e2e import _missing

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = (390, 1440)
LANGS = ("ko", "en")
HEADER_MAX = 200  # px, at 390 px wide with the menu folded
OWNER = "owner@example.com"
SHOTS = Path(os.environ.get("SOCIALOPS_SHOTS") or "/tmp/shots")

# WCAG 2.1 A and AA (axe's tags); KWCAG 2.2 asks the same of these pages
AXE_RUN = """async () => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    resultTypes: ["violations"],
  });
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({id: v.id, impact: v.impact, help: v.help,
                  nodes: v.nodes.slice(0, 4).map((n) => n.target.join(" "))}));
}"""

LAYOUT = """() => {
  const header = document.querySelector("header.top");
  const words = [...document.querySelectorAll("main td, main th, main p, main li, main h1")]
    .filter((e) => /[가-힣]/.test(e.textContent || ""))
    .map((e) => getComputedStyle(e).wordBreak)
    .filter((w) => w !== "keep-all");
  return {
    scroll: document.documentElement.scrollWidth,
    inner: window.innerWidth,
    header: header ? header.getBoundingClientRect().height : 0,
    notKeepAll: words.length,
  };
}"""

SCROLL = "() => [document.documentElement.scrollWidth, window.innerWidth]"


def need_axe() -> None:
    """Skip (fail under CI) when axe-core is not installed."""
    if not AXE.is_file():
        _missing(f"{AXE} is missing: scripts/setup.sh runs npm ci (package.json)")


def _shots() -> Path:
    folder = Path(os.environ.get("SOCIALOPS_SHOTS") or "/tmp/socialops-responsive")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def check_page(page: Any, name: str, width: int, lang: str, problems: list[str]) -> None:
    """Screenshot ``page`` and add to ``problems`` what is wrong with its layout or to axe."""
    where = f"{name} ({lang}, {width} px)"
    page.screenshot(path=str(_shots() / f"{name}-{lang}-{width}.png"), full_page=True)
    got = page.evaluate(LAYOUT)
    if got["scroll"] > got["inner"]:
        problems.append(f"{where}: the page scrolls sideways ({got['scroll']} > {got['inner']} px)")
    if width < 500 and got["header"] > HEADER_MAX:
        problems.append(f"{where}: the header is {got['header']:.0f} px tall")
    if got["notKeepAll"]:
        problems.append(f"{where}: {got['notKeepAll']} Korean texts break inside words")
    page.add_script_tag(path=str(AXE))
    for v in page.evaluate(AXE_RUN):
        problems.append(f"{where}: axe {v['impact']} {v['id']} ({v['help']}): {v['nodes']}")


def sign_in(page: Any, url: str, password: str, email: str = OWNER) -> None:
    """Sign in through the /login form of the server at ``url``; lands on the workspace."""
    page.goto(url + "/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("#sign-in")
    page.wait_for_url(re.compile(r"/w/main$"))


def views(chromium: Any, accounts: Any, user_id: Any) -> Iterator[tuple[str, int, Any]]:
    """A fresh page for each language (the user's preference, set back to Korean after) and each
    of ``WIDTHS``: ``(lang, width, page)``, its browser context closed after each."""
    try:
        for lang in LANGS:
            accounts.set_preferences(user_id, lang=lang)
            for width in WIDTHS:
                context = chromium.new_context(
                    viewport={"width": width, "height": 860},
                    locale="ko-KR" if lang == "ko" else "en-US",
                    timezone_id="Asia/Seoul",
                    bypass_csp=True,  # axe is injected as a script of its own
                )
                context.set_default_timeout(60_000)
                try:
                    yield lang, width, context.new_page()
                finally:
                    context.close()
    finally:
        accounts.set_preferences(user_id, lang="ko")


def check_pages(
    page: Any,
    url: str,
    pages: Iterable[tuple[str, str]],
    width: int,
    lang: str,
    problems: list[str],
    prefix: str = "",
) -> None:
    """Open each ``(name, path)`` (it must answer 200 in ``lang``) and ``check_page`` it."""
    for name, path in pages:
        answer = page.goto(url + path)
        assert answer is not None and answer.status == 200, (path, answer)
        assert page.get_attribute("html", "lang") == lang
        check_page(page, prefix + name, width, lang, problems)


def signed_in_tab(chromium: Any, url: str, width: int, password: str) -> E2EPage:
    """A ``test_e2e.Page`` tab ``width`` px wide, signed in as the owner."""
    tab = E2EPage(chromium, url)
    try:
        tab.page.set_viewport_size({"width": width, "height": 900})
        tab.sign_in(OWNER, password)
        tab.page.wait_for_url(re.compile(r"/w/main$"))
    except BaseException:
        tab.context.close()
        raise
    return tab


def fits(tab: E2EPage, path: str, shot: str, *where: Any) -> None:
    """Open ``path``, screenshot it to ``SHOTS/<shot>.png``; it must not scroll sideways."""
    tab.goto(path)
    scroll = tab.page.evaluate(SCROLL)
    SHOTS.mkdir(parents=True, exist_ok=True)
    tab.page.screenshot(path=str(SHOTS / f"{shot}.png"), full_page=True)
    assert scroll[0] <= scroll[1] + 1, (*where, scroll)
