"""The scheduled reports page (``/w/{ws}/reports/schedules``, issue 17 item 8), signed in
through /login: reached from the reports page, in Korean and English; the form offers the plan
and the topic and the members as recipients (no free text); add, turn off and on, run now (the
report appears in the reports list and goes to the recipients by e-mail), remove; a viewer sees
the list without the form and is refused a change (403); refusals keep the form as typed."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from schedules_home import PLAN_ID, PLAN_NAME, TOPIC, Home, schedules_home

PAGE = "/w/main/reports/schedules"


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Home]:
    yield from schedules_home(tmp_path_factory.mktemp("sched-web") / "home")


def csrf_of(text: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', text)
    assert found, text[:500]
    return found.group(1)


def post(client: TestClient, action: str, **data: Any) -> Any:
    token = csrf_of(client.get(PAGE).text)
    return client.post(action, data={"csrf": token, **data}, follow_redirects=False)


def ids_on(page: str) -> list[str]:
    return re.findall(r'<tr id="schedule-(s[0-9a-f]{8})"', page)


def test_the_page_in_korean_and_english(home: Home) -> None:
    owner, analyst = home.signed_in("owner"), home.signed_in("analyst")  # ko, en
    reports = owner.get("/w/main/reports")
    assert 'href="/w/main/reports/schedules"' in reports.text and "정기 보고서 관리" in reports.text
    ko, en = owner.get(PAGE), analyst.get(PAGE)
    assert ko.status_code == en.status_code == 200
    assert "<h1>정기 보고서</h1>" in ko.text and "받는 사람 (워크스페이스 멤버)" in ko.text
    assert "<h1>Scheduled reports</h1>" in en.text and "Recipients (workspace members)" in en.text
    assert "월요일" in ko.text and "Monday" in en.text and "정기 보고서가 없습니다" in ko.text
    # what a report can be about, and members (not a text box) as recipients
    assert f'value="plan:{PLAN_ID}"' in ko.text and PLAN_NAME in ko.text
    assert f'value="topic:{TOPIC}"' in ko.text
    boxes = re.findall(r'name="recipients" value="([^"]+)"', ko.text)
    assert "viewer@example.com" in boxes and "outsider@example.com" not in boxes
    free_text = r'<(input|textarea)[^>]*name="recipients"[^>]*type="(text|email)"'
    assert not re.search(free_text, ko.text)


def test_add_switch_run_now_remove(home: Home) -> None:
    owner = home.signed_in("owner")
    before = len(home.sink.messages)
    done = post(owner, PAGE, about=f"plan:{PLAN_ID}", cadence="weekly", weekday="wed", hour="10",
                recipients=["owner@example.com", "analyst@example.com"])  # fmt: skip
    assert done.status_code == 303 and done.headers["location"].endswith("?done=added")
    page = owner.get(done.headers["location"]).text
    assert "정기 보고서를 추가했습니다." in page
    (sid,) = ids_on(page)
    row = page.split(f'id="schedule-{sid}"')[1].split("</tr>")[0]
    assert "매주 수요일 10시" in row and "analyst@example.com" in row and "계획: " + PLAN_ID in row
    assert re.search(r"2\d{3}년 \d+월 \d+일 10:00", row), row  # the next run, Korea time
    # off, then on again
    off = post(owner, f"{PAGE}/{sid}/enabled", enabled="0")
    assert off.status_code == 303
    row = owner.get(PAGE).text.split(f'id="schedule-{sid}"')[1].split("</tr>")[0]
    assert "꺼짐" in row and "켜기" in row
    assert post(owner, f"{PAGE}/{sid}/enabled", enabled="1").status_code == 303
    row = owner.get(PAGE).text.split(f'id="schedule-{sid}"')[1].split("</tr>")[0]
    assert "끄기" in row
    # run now: the report is written and listed, each recipient gets it
    ran = post(owner, f"{PAGE}/{sid}/run")
    assert ran.status_code == 303 and "done=ran" in ran.headers["location"]
    page = owner.get(ran.headers["location"]).text
    assert "보고서를 만들었습니다 (보낸 메일 2통, 실패 0통)." in page
    rid = re.search(r'href="/w/main/reports/(\d{8}T\d{6}Z-[0-9a-f]{8})\.html"', page)
    assert rid, page
    reports = owner.get("/w/main/reports").text
    assert f"/w/main/reports/{rid.group(1)}.html" in reports and PLAN_NAME in reports
    opened = owner.get(f"/w/main/reports/{rid.group(1)}.html")
    assert opened.status_code == 200 and PLAN_NAME in opened.text
    assert len(home.sink.messages) == before + 2
    assert "보냄" in page.split(f'id="schedule-{sid}"')[1].split("</tr>")[0]
    # remove
    gone = post(owner, f"{PAGE}/{sid}/remove")
    assert gone.status_code == 303
    assert ids_on(owner.get(PAGE).text) == []


def test_a_viewer_sees_the_list_but_may_not_change_it(home: Home) -> None:
    owner, viewer = home.signed_in("owner"), home.signed_in("viewer")
    post(owner, PAGE, about=f"topic:{TOPIC}", cadence="daily", hour="7",
         recipients=["viewer@example.com"])  # fmt: skip
    page = viewer.get(PAGE)
    assert page.status_code == 200
    (sid,) = ids_on(page.text)
    assert 'id="new-schedule"' not in page.text and "지금 실행" not in page.text
    assert "매일 7시" in page.text
    token = csrf_of(page.text)
    for action, data in [
        (PAGE, {"about": f"topic:{TOPIC}", "recipients": "viewer@example.com"}),
        (f"{PAGE}/{sid}/run", {}),
        (f"{PAGE}/{sid}/remove", {}),
        (f"{PAGE}/{sid}/enabled", {"enabled": "0"}),
    ]:
        r = viewer.post(action, data={"csrf": token, **data}, follow_redirects=False)
        assert r.status_code == 403, (action, r.status_code)
    assert ids_on(viewer.get(PAGE).text) == [sid]
    post(owner, f"{PAGE}/{sid}/remove")


def test_refusals_keep_the_form(home: Home) -> None:
    owner, analyst = home.signed_in("owner"), home.signed_in("analyst")
    none = post(owner, PAGE, about=f"plan:{PLAN_ID}", cadence="weekly", weekday="fri", hour="18")
    assert none.status_code == 400
    alert = re.search(r'<p class="error" role="alert" id="schedule-error">([^<]+)</p>', none.text)
    assert alert and "받는 사람" in alert.group(1), none.text[:2000]
    assert '<option value="fri" selected>' in none.text
    assert '<option value="18" selected>' in none.text
    stranger = post(analyst, PAGE, about=f"plan:{PLAN_ID}", recipients="stranger@example.com")
    alert = re.search(r'role="alert" id="schedule-error">([^<]+)</p>', stranger.text)
    assert stranger.status_code == 400 and alert and "member" in alert.group(1), stranger.text
    assert post(owner, f"{PAGE}/s00000000/run").status_code == 404
    assert post(owner, f"{PAGE}/{'x' * 300}/remove").status_code == 404
    assert ids_on(owner.get(PAGE).text) == []
