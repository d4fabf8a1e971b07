"""Campaign planning end to end in a real browser (Debian's Chromium, headless, through
Playwright, against a real uvicorn server on a loopback port), as in ``test_e2e.py``: a manager
signs in, creates a plan from the product-launch template, edits its budget, adds a calendar
item and sees it in the month view, submits the plan; another manager approves it; the plan is
started, its KPI table read, its calendar downloaded as ICS and parsed; the pages switch to
English. No console errors and no Content-Security-Policy violations on the way.

Screenshots of the Korean pages are written to ``$SOCIALOPS_SHOTS`` when it is set.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from test_e2e import Page, chromium  # noqa: F401  (the browser fixture and tab of test_e2e.py)

from socialops.web.accounts import Accounts

SHOTS = os.environ.get("SOCIALOPS_SHOTS")


@pytest.fixture(scope="module")
def second_manager(live_server: Any) -> str:
    """A second manager, who approves what the first one submits."""
    web = live_server.home
    accounts: Accounts = web.accounts
    email = "approver@example.com"
    if accounts.user_by_email(email) is None:
        accounts.add_user(email, web.password, name="Approver Park", role="manager")
    return email


def shot(page: Any, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def test_plan_from_template_to_running(
    chromium: Any,  # noqa: F811  (test_e2e.py's fixture, imported above)
    live_server: Any,
    second_manager: str,
    tmp_path: Path,
) -> None:
    import icalendar

    web = live_server.home
    tab = Page(chromium, live_server.url)
    page = tab.page
    try:
        tab.sign_in("manager@example.com", web.password)
        page.wait_for_url(re.compile(r"/w/main$"))
        page.click("#nav-plans")
        page.wait_for_url(re.compile(r"/w/main/plans$"))
        assert page.locator("h1").inner_text() == "캠페인 계획"

        # a plan from the product-launch template
        page.check("input[name=template][value=product-launch]")
        page.fill("#new-plan-form input[name=name]", "봄 신제품 출시 캠페인")
        page.fill("#new-plan-form input[name=start]", "2015-02-01")
        page.fill("#new-plan-form input[name=end]", "2015-02-28")
        page.fill("#new-plan-form input[name=budget]", "30,000,000")
        page.select_option("#new-plan-form select[name=brand]", "United")  # our brand, chosen
        shot(page, "plan_list")
        page.click("#create-plan")
        page.wait_for_url(re.compile(r"/w/main/plans/p[0-9a-f]+\?ok=created$"))
        plan_url = re.sub(r"\?.*$", "", page.url)
        assert "계획을 만들었습니다" in page.locator("#plan-done").inner_text()
        assert "초안" in page.locator("#plan-head .badge").inner_text()
        assert page.locator("#recommendation tbody tr").count() >= 8
        shot(page, "plan_overview_draft")

        # the budget: two lines that add up to the total
        page.click("#tab-edit")
        page.wait_for_url(re.compile(r"/edit$"))
        channel = page.locator("#budget-lines select[name=bud_channel] option").nth(1)
        key = channel.get_attribute("value")
        assert key
        lines = page.locator("#budget-lines tbody tr")
        n = lines.count()
        for i in range(n):  # clear what the template put there
            lines.nth(i).locator("select[name=bud_channel]").select_option("")
        lines.nth(n - 2).locator("select[name=bud_channel]").select_option(key)
        lines.nth(n - 2).locator("input[name=bud_amount]").fill("20,000,000")
        lines.nth(n - 1).locator("select[name=bud_channel]").select_option(key)
        lines.nth(n - 1).locator("select[name=bud_kind]").select_option("organic")
        lines.nth(n - 1).locator("input[name=bud_amount]").fill("10,000,000")
        shot(page, "plan_edit")
        page.click("#save-plan")
        page.wait_for_url(re.compile(r"\?ok=saved$"))
        assert page.locator("#budget-total").inner_text().replace(",", "") == "30000000"

        # a calendar item, seen in the month view
        page.click("#tab-calendar")
        page.wait_for_url(re.compile(r"/calendar"))
        page.goto(plan_url + "/calendar?view=month&date=2015-02-01")
        assert "2015년 2월" in page.locator("#cal-title").inner_text()
        assert "설날" in page.locator("#calendar td[data-day='2015-02-19']").inner_text()
        page.fill("#item input[name=title]", "신제품 티저 릴스")
        page.fill("#item input[name=date]", "2015-02-12")
        page.fill("#item input[name=time]", "19:30")
        page.fill("#item textarea[name=copy]", "봄을 여는 새 향, 2월 12일 공개")
        page.click("#save-item")
        page.wait_for_url(re.compile(r"ok=item_saved"))
        cell = page.locator("#calendar td[data-day='2015-02-12']")
        assert "신제품 티저 릴스" in cell.inner_text() and "19:30" in cell.inner_text()
        shot(page, "plan_calendar_month")
        page.click("#view-week")
        page.wait_for_url(re.compile(r"view=week"))
        assert "신제품 티저 릴스" in page.locator("#calendar").inner_text()
        shot(page, "plan_calendar_week")

        # submit for review
        page.goto(plan_url)
        page.click("#do-submit")
        page.wait_for_url(re.compile(r"\?ok=moved$"))
        assert "검토 중" in page.locator("#plan-head .badge").inner_text()
        page.click("#sign-out")
        page.wait_for_url(re.compile(r"/login"))

        # another manager approves it, then starts it
        tab.sign_in(second_manager, web.password)
        page.wait_for_url(re.compile(r"/w/main$"))
        page.goto(plan_url)
        page.fill("#transition-form input[name=note]", "예산 확인했습니다")
        page.click("#do-approve")
        page.wait_for_url(re.compile(r"\?ok=moved$"))
        assert "승인됨" in page.locator("#plan-head .badge").inner_text()
        page.click("#do-start")
        page.wait_for_url(re.compile(r"\?ok=moved$"))
        assert "진행 중" in page.locator("#plan-head .badge").inner_text()
        history = page.locator("#history").inner_text()
        assert "예산 확인했습니다" in history and second_manager in history

        # the KPI table: every target with a status in words; the listening KPIs of the topic
        # (the airline tweets of February 2015) measured, with a pacing bar
        rows = page.locator("#kpi-table tbody tr")
        assert rows.count() >= 1
        words = {"순항", "초과 달성 중", "미달 경고", "데이터 없음", "시작 전"}
        for i in range(rows.count()):
            assert rows.nth(i).locator(".badge").inner_text() in words
        measured = page.locator("#kpi-table tbody tr", has_text="United")
        assert measured.count() >= 1
        assert measured.first.locator("meter").is_visible()
        assert measured.first.locator(".badge").inner_text() != "데이터 없음"
        assert page.locator("#kpi-table abbr[title]").count() == rows.count()  # formulas
        shot(page, "plan_overview_running")

        # the calendar as ICS, parsed
        with page.expect_download() as info:
            page.click("#export-ics")
        download = info.value
        assert download.suggested_filename.endswith(".ics")
        target = tmp_path / "plan.ics"
        download.save_as(str(target))
        events = icalendar.Calendar.from_ical(target.read_bytes()).walk("VEVENT")
        ours = [e for e in events if "신제품 티저 릴스" in str(e["SUMMARY"])]
        assert len(ours) == 1 and len(events) > 1  # the template's items and ours
        assert ours[0]["DTSTART"].dt.isoformat() == "2015-02-12T19:30:00+09:00"

        # English
        page.click("#lang-switch")
        page.wait_for_load_state()
        page.goto(plan_url)
        page.locator("html[lang=en]").wait_for(state="attached")
        assert page.locator("#nav-plans").inner_text() == "Plans"
        assert "Running" in page.locator("#plan-head .badge").inner_text()
        assert "Channel recommendation" in page.locator("#mix").inner_text()
    finally:
        email = second_manager
        user = web.accounts.user_by_email(email)
        if user is not None:
            web.accounts.set_preferences(user.id, lang="ko")
        tab.context.close()
    assert not tab.problems, f"errors in the browser: {tab.problems} {tab.failed}"


def test_metrics_upload_measures_the_plan(
    chromium: Any,  # noqa: F811  (test_e2e.py's fixture, imported above)
    live_server: Any,
    shared_file: Any,
) -> None:
    """An analyst opens a 2014 plan with a Facebook reach target, uploads the real Facebook
    metrics file with the facebook-metrics preset from the plan's page and sees the counts,
    the import in the list and the target measured."""
    from datetime import date

    from socialops.domain.plan import ChannelChoice, KpiTarget
    from socialops.plan.service import create_from_template
    from socialops.plan.store import PlanStore

    web = live_server.home
    ws = web.app.state.services.workspace("main")
    plan = create_from_template(
        ws,
        "retention-loyalty",
        name="페이스북 팬 관리 2014",
        start=date(2014, 1, 1),
        end=date(2014, 12, 31),
        actor="owner@example.com",
    )
    if "facebook" not in plan.channel_keys():
        plan.channels.append(ChannelChoice("facebook", "support", override_reason="실적 비교"))
    plan.kpis = [KpiTarget("reach", 5_000_000.0, channel="facebook")]
    PlanStore(ws).save(plan, base_version=plan.version, actor="owner@example.com")
    source = shared_file("facebook_metrics/dataset_Facebook.csv")

    tab = Page(chromium, live_server.url)
    page = tab.page
    try:
        tab.sign_in("analyst@example.com", web.password)
        page.wait_for_url(re.compile(r"/w/main$"))
        page.goto(f"{live_server.url}/w/main/plans/{plan.plan_id}")
        # (the shared workspace may hold these metrics already: the import then updates them)
        page.set_input_files("#metrics-form input[name=file]", str(source))
        page.select_option("#metrics-form select[name=preset]", "facebook-metrics")
        page.click("#metrics-upload")
        page.wait_for_url(re.compile(r"ok=metrics_imported"))
        done = page.locator("#metrics-done").inner_text()
        assert done.startswith("dataset_Facebook.csv: 500행 읽음"), done
        counts = re.search(r"새로 (\d+), 갱신 (\d+), 거부 (\d+)", done)
        assert counts and sum(map(int, counts.groups())) == 500
        assert page.locator("#metric-imports tr.hl").count() == 1
        assert page.locator("#kpi-table .badge").inner_text() != "데이터 없음"
        assert page.locator("#kpi-table meter").is_visible()
        shot(page, "plan_metrics_imported")
    finally:
        tab.context.close()
    assert not tab.problems, f"errors in the browser: {tab.problems} {tab.failed}"
