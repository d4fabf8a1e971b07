"""Scheduled reports over the API (issue 17 item 8), with personal tokens: add, list, change,
run now (the report in the reports list, e-mailed through a local SMTP server to each member in
their language), remove; who may do what; refusals in the one error shape, in Korean and
English; another workspace's schedule and a malformed id are 404/422, never a 500."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from schedules_home import PLAN_ID, PLAN_NAME, TOPIC, Home, schedules_home

from socialops.web.pages.reports import _reports

API = "/api/v1/workspaces/main/schedules"


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Home]:
    yield from schedules_home(tmp_path_factory.mktemp("sched-api") / "home")


def _add(home: Home, who: str = "manager", **body: object) -> dict[str, object]:
    payload = {"kind": "plan", "ref": PLAN_ID, "cadence": "weekly", "weekday": "tue", "hour": 8,
               "recipients": ["owner@example.com", "analyst@example.com"], **body}  # fmt: skip
    r = home.api(who, "POST", API, json=payload)
    assert r.status_code == 201, r.text
    out = r.json()
    assert isinstance(out, dict)
    return out


def test_add_list_change_remove(home: Home) -> None:
    s = _add(home)
    sid = str(s["schedule_id"])
    assert s["kind"] == "plan" and s["ref"] == PLAN_ID and s["weekday"] == "tue"
    assert s["zone"] == "Asia/Seoul" and s["enabled"] is True
    # the next run is a Tuesday at 08:00 Seoul time (23:00 UTC on Monday)
    assert str(s["next_run_at"]).endswith("T23:00:00.000000+00:00"), s["next_run_at"]
    listed = home.api("viewer", "GET", API)
    assert listed.status_code == 200
    assert [x["schedule_id"] for x in listed.json()] == [sid]
    off = home.api("analyst", "PATCH", f"{API}/{sid}", json={"enabled": False, "hour": 7})
    assert off.status_code == 200, off.text
    assert off.json()["enabled"] is False and off.json()["hour"] == 7
    assert off.json()["next_run_local"] is None
    gone = home.api("manager", "DELETE", f"{API}/{sid}")
    assert gone.status_code == 200 and gone.json()["ok"] is True
    assert home.api("manager", "DELETE", f"{API}/{sid}").status_code == 404
    assert home.api("viewer", "GET", API).json() == []


def test_run_now_writes_the_report_and_mails_each_member_in_their_language(home: Home) -> None:
    s = _add(home)
    sid = str(s["schedule_id"])
    before = len(home.sink.messages)
    r = home.api("owner", "POST", f"{API}/{sid}/run")
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["state"] == "sent" and out["sent_now"] == 2 and out["failed_now"] == 0, out
    rid = out["report"]
    folder = home.app.state.services.workspace("main").root / "reports" / "web"
    assert rid in [m["id"] for m in _reports(folder)]
    assert (folder / f"{rid}.html").is_file()
    mails = home.sink.messages[before:]
    assert len(mails) == 2
    ko = home.sink.to("owner@example.com")[-1]
    en = home.sink.to("analyst@example.com")[-1]
    assert "주간 보고서" in str(ko["Subject"]) and PLAN_NAME in str(ko["Subject"])
    assert " report (" in str(en["Subject"]) and "보고서" not in str(en["Subject"])
    listed = {x["schedule_id"]: x for x in home.api("owner", "GET", API).json()}
    assert listed[sid]["last_report"] == rid and listed[sid]["last_state"] == "sent"
    # the regular runs go on: the next one is still in the future
    assert listed[sid]["next_run_local"]
    home.api("owner", "DELETE", f"{API}/{sid}")


def test_run_now_of_a_report_that_cannot_be_made_says_so(home: Home) -> None:
    """A topic with no posts yet: no report, no e-mail, the failure recorded."""
    sid = str(_add(home, kind="topic", ref=TOPIC, cadence="daily")["schedule_id"])
    before = len(home.sink.messages)
    out = home.api("owner", "POST", f"{API}/{sid}/run").json()
    assert out["state"] == "failed" and out["error"] and out["report"] is None, out
    assert len(home.sink.messages) == before
    listed = {x["schedule_id"]: x for x in home.api("owner", "GET", API).json()}
    assert listed[sid]["last_state"] == "failed" and listed[sid]["last_report"] == ""
    home.api("owner", "DELETE", f"{API}/{sid}")


@pytest.mark.parametrize(
    ("who", "method", "suffix", "want"),
    [
        ("viewer", "POST", "", 403),
        ("agent", "POST", "", 403),
        ("viewer", "PATCH", "/{sid}", 403),
        ("viewer", "DELETE", "/{sid}", 403),
        ("viewer", "POST", "/{sid}/run", 403),
        ("outsider", "GET", "", 404),
        (None, "GET", "", 401),
    ],
)
def test_who_may(home: Home, who: str | None, method: str, suffix: str, want: int) -> None:
    sid = str(_add(home)["schedule_id"])
    body = {"kind": "plan", "ref": PLAN_ID, "recipients": ["owner@example.com"]}
    kw = {"json": body if method == "POST" and not suffix else {"enabled": False}}
    r = home.api(who, method, API + suffix.format(sid=sid), **(kw if method != "GET" else {}))
    assert r.status_code == want, r.text
    assert set(r.json()["error"]) == {"status", "code", "message"}
    home.api("owner", "DELETE", f"{API}/{sid}")


@pytest.mark.parametrize(
    ("body", "code", "ko", "en"),
    [
        ({"recipients": ["stranger@example.com"]}, "schedule.not_member", "멤버", "member"),
        ({"ref": "p-none"}, "plan.not_found", "계획", "plan"),
        ({"kind": "topic", "ref": "없는토픽"}, "schedule.unknown_topic", "토픽", "topic"),
    ],
)
def test_refusals_in_both_languages(
    home: Home, body: dict[str, object], code: str, ko: str, en: str
) -> None:
    payload = {"kind": "plan", "ref": PLAN_ID, "recipients": ["owner@example.com"], **body}
    said = {}
    for who in ("owner", "analyst"):  # Korean, English
        r = home.api(who, "POST", API, json=payload)
        assert r.status_code in (400, 404), r.text
        err = r.json()["error"]
        assert err["code"] == code
        said[who] = err["message"]
    assert ko in said["owner"] and en in said["analyst"].lower(), said
    assert home.api("owner", "GET", API).json() == []


def test_ids_are_bounded_and_another_workspaces_is_404(home: Home) -> None:
    assert home.api("owner", "POST", f"{API}/s00000000/run").status_code == 404
    assert home.api("owner", "PATCH", f"{API}/{'s' * 500}", json={}).status_code == 422
    assert home.api("owner", "DELETE", f"{API}/..%2Fx").status_code in (404, 422)
    too_many = [f"u{i}@example.com" for i in range(51)]
    r = home.api(
        "owner", "POST", API, json={"kind": "plan", "ref": PLAN_ID, "recipients": too_many}
    )
    assert r.status_code == 422
    # a schedule of "main" asked for through another workspace the caller belongs to
    home.accounts.add_workspace("other", "Other", home.users["owner"].id)
    sid = str(_add(home)["schedule_id"])
    other = f"/api/v1/workspaces/other/schedules/{sid}"
    assert home.api("owner", "POST", other + "/run").status_code == 404
    assert home.api("owner", "DELETE", other).status_code == 404
    assert home.api("owner", "GET", "/api/v1/workspaces/other/schedules").json() == []
    home.api("owner", "DELETE", f"{API}/{sid}")
