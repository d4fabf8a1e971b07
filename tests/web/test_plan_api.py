"""The campaign-plan API (/api/v1) on a copy of the airline workspace: templates, channels, plans
created from a template and from a document, replaced with optimistic versions, moved through
review by role, plan vs actual, the recommendation, the calendar, exports read back by their own
readers, and a post-metrics import (the real UCI Facebook metrics file) that the plan is then
measured against. Refusals come in the one error shape with the PlanError code and a sentence
in the caller's language, and leave the stored plan as it was."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest

WS = "/api/v1/workspaces/main"
MARCH = {"start": "2026-03-01", "end": "2026-03-31"}


def error_of(r: httpx.Response, status: int, code: str) -> str:
    """``r`` is the one error shape with ``status`` and ``code``; its message."""
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"error"} and set(body["error"]) == {"status", "code", "message"}, body
    assert body["error"]["status"] == status and body["error"]["code"] == code, body
    message = str(body["error"]["message"])
    assert message.strip() and "\n" not in message and "Traceback" not in message
    return message


def hangul(s: str) -> bool:
    return any("\uac00" <= ch <= "\ud7a3" for ch in s)


@contextmanager
def english(web: Any, who: str) -> Iterator[None]:
    """``who`` reads in English for a while."""
    web.accounts.set_preferences(web.users[who].id, lang="en")
    try:
        yield
    finally:
        web.accounts.set_preferences(web.users[who].id, lang="ko")


def new_plan(web: Any, who: str = "manager", **body: Any) -> dict[str, Any]:
    payload = {"template": "product-launch", "name": "봄 신제품 출시", **MARCH, **body}
    r = web.call(who, "POST", f"{WS}/plans", json=payload)
    assert r.status_code == 201, r.text
    plan: dict[str, Any] = r.json()
    return plan


def get_plan(web: Any, plan_id: str) -> dict[str, Any]:
    r = web.call("viewer", "GET", f"{WS}/plans/{plan_id}")
    assert r.status_code == 200, r.text
    plan: dict[str, Any] = r.json()
    return plan


def put(web: Any, doc: dict[str, Any], who: str = "manager") -> httpx.Response:
    r: httpx.Response = web.call(who, "PUT", f"{WS}/plans/{doc['plan_id']}", json=doc)
    return r


def move(web: Any, who: str, plan_id: str, action: str, **body: Any) -> httpx.Response:
    r: httpx.Response = web.call(
        who, "POST", f"{WS}/plans/{plan_id}/transitions", json={"action": action, **body}
    )
    return r


# -- templates and channels ---------------------------------------------------------------------
def test_templates_in_korean_and_english(web: Any) -> None:
    r = web.call("viewer", "GET", "/api/v1/plan-templates")
    assert r.status_code == 200, r.text
    ko = {t["name"]: t for t in r.json()}
    assert {"product-launch", "bank-customer-care", "public-policy-pr"} <= set(ko)
    assert all(hangul(t["title"]) and t["description"] for t in ko.values())
    en = {t["name"]: t for t in web.call("viewer", "GET", "/api/v1/plan-templates?lang=en").json()}
    assert set(en) == set(ko)
    assert not hangul(en["product-launch"]["title"])
    assert web.call(None, "GET", "/api/v1/plan-templates").status_code == 401


def test_channels_with_sources(web: Any) -> None:
    r = web.call("agent", "GET", f"{WS}/channels")
    assert r.status_code == 200, r.text
    channels = r.json()
    assert {"instagram", "youtube", "naver_blog"} <= set(channels)
    assert channels["naver_blog"]["write_api"] is False
    for c in channels.values():
        assert c["name_ko"] and c["name_en"]
        assert all(s.get("source") and s.get("year") for s in c["sources"]), c["key"]


# -- create, read, replace, delete --------------------------------------------------------------
def test_create_from_template_then_read(web: Any) -> None:
    before = len(web.call("viewer", "GET", f"{WS}/plans").json())
    made = new_plan(web, budget_krw=30_000_000, topics=["United", "JetBlue"])
    assert made["state"] == "draft" and made["version"] == 1 and made["plan_id"]
    assert made["template"] == "product-launch" and made["owner"] == "manager@example.com"
    assert made["budget_total_krw"] == 30_000_000
    assert sum(b["amount_krw"] for b in made["budget"]) in (0, 30_000_000)
    assert made["topics"] == ["United", "JetBlue"]
    assert "sales_promotion" in made["objectives"] and made["channels"] and made["kpis"]
    listed = web.call("viewer", "GET", f"{WS}/plans").json()
    assert len(listed) == before + 1
    assert listed[0]["plan_id"] == made["plan_id"] and listed[0]["state"] == "draft"
    assert get_plan(web, made["plan_id"]) == made


def test_create_refusals_in_both_languages(web: Any) -> None:
    before = len(web.call("viewer", "GET", f"{WS}/plans").json())
    body = {
        "template": "product-launch",
        "name": "거꾸로",
        "start": "2026-03-31",
        "end": "2026-03-01",
    }
    msg = error_of(web.call("manager", "POST", f"{WS}/plans", json=body), 400, "plan.dates_order")
    assert hangul(msg) and "2026-03-01" in msg and "2026-03-31" in msg
    with english(web, "manager"):
        r = web.call("manager", "POST", f"{WS}/plans", json=body)
        msg = error_of(r, 400, "plan.dates_order")
        assert "before the start date" in msg and not hangul(msg)
    bad_day = {**body, "start": "2026-02-30", "end": "2026-03-31"}
    r = web.call("manager", "POST", f"{WS}/plans", json=bad_day)
    assert "2026-02-30" in error_of(r, 400, "plan.bad_date")
    unknown = {**body, "template": "no-such", **MARCH}
    error_of(web.call("manager", "POST", f"{WS}/plans", json=unknown), 400, "plan.unknown_template")
    error_of(
        web.call("manager", "POST", f"{WS}/plans", json={"template": "product-launch", **MARCH}),
        400,
        "plan.required",
    )
    assert len(web.call("viewer", "GET", f"{WS}/plans").json()) == before  # nothing saved


def test_create_from_a_document(web: Any) -> None:
    src = new_plan(web)
    doc = {**src, "name": "복제된 계획", "state": "running", "approvals": ["x@example.com"]}
    r = web.call("owner", "POST", f"{WS}/plans", json={"plan": doc})
    assert r.status_code == 201, r.text
    copy = r.json()
    assert copy["plan_id"] != src["plan_id"] and copy["name"] == "복제된 계획"
    assert copy["state"] == "draft" and copy["approvals"] == [] and copy["version"] == 1
    assert copy["channels"] == src["channels"] and copy["kpis"] == src["kpis"]
    bad = {**src, "colour": "blue"}
    msg = error_of(
        web.call("owner", "POST", f"{WS}/plans", json={"plan": bad}), 400, "plan.unknown_field"
    )
    assert "colour" in msg


def test_replace_with_versions(web: Any) -> None:
    doc = new_plan(web)
    doc["brief_offer"] = "사전 예약 20% 할인"
    r = put(web, doc)
    assert r.status_code == 200, r.text
    saved = r.json()
    assert saved["version"] == 2 and saved["brief_offer"] == "사전 예약 20% 할인"
    assert saved["history"][-1]["action"] == "edit"
    assert saved["history"][-1]["actor"] == "manager@example.com"
    # the same document again is stale now (someone saved since version 1): 409, nothing saved
    doc["brief_offer"] = "덮어쓰기"
    msg = error_of(put(web, doc), 409, "plan.stale")
    assert "2" in msg and hangul(msg)
    assert get_plan(web, doc["plan_id"])["brief_offer"] == "사전 예약 20% 할인"
    # the workflow's fields are the workflow's
    saved["state"] = "approved"
    saved["approvals"] = ["manager@example.com"]
    again = put(web, saved).json()
    assert again["state"] == "draft" and again["approvals"] == [] and again["version"] == 3


@pytest.mark.parametrize(
    ("change", "code", "ko_word", "en_word"),
    [
        ("budget", "plan.budget_sum", "총예산", "add up"),
        ("utm", "plan.bad_utm", "소문자", "lowercase"),
        ("outside", "plan.item_outside", "기간", "outside the plan period"),
        ("dates", "plan.dates_order", "종료일", "before the start"),
        ("kpi", "plan.unknown_kpi", "KPI", "KPI library"),
    ],
)
def test_replace_refusals_save_nothing(
    web: Any, change: str, code: str, ko_word: str, en_word: str
) -> None:
    doc = new_plan(web, budget_krw=10_000_000)
    stored = get_plan(web, doc["plan_id"])
    channel = doc["channels"][0]["channel"]
    if change == "budget":
        doc["budget"] = [{"channel": channel, "kind": "paid", "amount_krw": 9_000_000, "note": ""}]
    elif change == "utm":
        doc["utm"]["campaign"] = "Spring Sale 2026"
    elif change == "outside":
        doc["calendar"].append(
            {
                "item_id": "late",
                "title": "late post",
                "start": "2026-04-02T10:00",
                "channel": channel,
            }
        )
    elif change == "dates":
        doc["end"] = "2026-02-01"
    else:
        doc["kpis"].append({"kpi": "happiness", "target": 1.0})
    msg = error_of(put(web, doc), 400, code)
    assert ko_word in msg and hangul(msg)
    with english(web, "manager"):
        msg = error_of(put(web, doc), 400, code)
        assert en_word in msg and not hangul(msg)
    assert get_plan(web, doc["plan_id"]) == stored  # nothing half-saved


def test_delete_only_drafts_and_done(web: Any) -> None:
    doc = new_plan(web)
    assert move(web, "manager", doc["plan_id"], "submit").status_code == 200
    r = web.call("manager", "DELETE", f"{WS}/plans/{doc['plan_id']}")
    error_of(r, 409, "plan.locked")
    assert move(web, "manager", doc["plan_id"], "withdraw").status_code == 200
    assert web.call("viewer", "DELETE", f"{WS}/plans/{doc['plan_id']}").status_code == 403
    assert web.call("manager", "DELETE", f"{WS}/plans/{doc['plan_id']}").status_code == 200
    error_of(web.call("viewer", "GET", f"{WS}/plans/{doc['plan_id']}"), 404, "plan.not_found")


# -- review workflow ----------------------------------------------------------------------------
def test_review_by_role(web: Any) -> None:
    plan_id = new_plan(web, "owner")["plan_id"]
    assert (
        web.call(
            "viewer", "POST", f"{WS}/plans/{plan_id}/transitions", json={"action": "submit"}
        ).status_code
        == 403
    )
    error_of(move(web, "analyst", plan_id, "submit"), 403, "forbidden")
    r = move(web, "owner", plan_id, "submit")
    assert r.status_code == 200 and r.json()["state"] == "in_review", r.text
    error_of(move(web, "agent", plan_id, "approve"), 403, "forbidden")
    msg = error_of(move(web, "manager", plan_id, "reject"), 400, "plan.required")
    assert "note" in msg
    error_of(move(web, "manager", plan_id, "start"), 409, "plan.bad_transition")
    r = move(web, "manager", plan_id, "approve", note="좋습니다")
    assert r.status_code == 200 and r.json()["state"] == "approved", r.text
    assert r.json()["approvals"] == ["manager@example.com"]
    r = move(web, "owner", plan_id, "start")
    assert r.status_code == 200 and r.json()["state"] == "running"
    actions = [h["action"] for h in r.json()["history"]]
    assert actions == ["create", "submit", "approve", "start"]
    # a running plan changes only in its calendar
    doc = r.json()
    doc["name"] = "이름 바꾸기"
    error_of(put(web, doc, "owner"), 409, "plan.locked")
    doc["name"] = get_plan(web, plan_id)["name"]
    channel = doc["channels"][0]["channel"]
    doc["calendar"].append(
        {
            "item_id": "extra",
            "title": "추가 게시물",
            "start": "2026-03-20T12:00",
            "channel": channel,
        }
    )
    assert put(web, doc, "owner").status_code == 200
    # stale: the version the caller acted on is not the plan's
    error_of(move(web, "owner", plan_id, "finish", version=1), 409, "plan.stale")
    assert move(web, "owner", plan_id, "finish").json()["state"] == "done"


def test_named_approvers(web: Any) -> None:
    doc = new_plan(web, "owner")
    doc["approvers"] = ["manager@example.com", "owner@example.com"]
    doc = put(web, doc, "owner").json()
    move(web, "owner", doc["plan_id"], "submit")
    r = move(web, "manager", doc["plan_id"], "approve")
    assert r.json()["state"] == "in_review" and r.json()["approvals"] == ["manager@example.com"]
    error_of(move(web, "manager", doc["plan_id"], "approve"), 409, "plan.already_approved")
    assert move(web, "owner", doc["plan_id"], "approve").json()["state"] == "approved"


# -- what the plan page reads -------------------------------------------------------------------
def test_recommendation_and_calendar(web: Any) -> None:
    doc = new_plan(web, topics=["United"])
    rec = web.call("viewer", "GET", f"{WS}/plans/{doc['plan_id']}/recommendation").json()
    scores = [r["score"] for r in rec]
    assert len(rec) >= 8 and scores == sorted(scores, reverse=True)
    assert all(0 <= s <= 100 for s in scores)
    assert all(r["breakdown"] and r["reasons"] and r["reasons"][0]["ko"] for r in rec)
    chosen = {c["channel"] for c in doc["channels"]}
    assert {r["channel"] for r in rec if r["chosen"]} == chosen
    channel = doc["channels"][0]["channel"]
    doc["calendar"] = [
        {
            "item_id": "a",
            "title": "주간 팁",
            "start": "2026-03-03T10:00",
            "channel": channel,
            "recurrence": "FREQ=WEEKLY;COUNT=10",
        },
        {"item_id": "b", "title": "겹치는 글", "start": "2026-03-10T10:30", "channel": channel},
    ]
    assert put(web, doc).status_code == 200
    cal = web.call("viewer", "GET", f"{WS}/plans/{doc['plan_id']}/calendar").json()
    weekly = [o for o in cal["occurrences"] if o["item_id"] == "a"]
    assert [o["day"] for o in weekly] == [
        "2026-03-03",
        "2026-03-10",
        "2026-03-17",
        "2026-03-24",
        "2026-03-31",
    ]
    assert weekly[0]["start_utc"].startswith("2026-03-03T01:00")  # 10:00 KST
    assert any(w["kind"] == "clash" and w["day"] == "2026-03-10" for w in cal["warnings"])
    holiday = [d for d in cal["special_days"] if d["kind"] == "holiday"]
    assert any(d["day"] == "2026-03-01" for d in holiday)  # 삼일절


def test_exports_read_back(web: Any) -> None:
    import icalendar
    import openpyxl

    doc = new_plan(web, name="봄/신제품: 출시")
    channel = doc["channels"][0]["channel"]
    doc["calendar"] = [
        {"item_id": "x1", "title": "티저", "start": "2026-03-05T19:00", "channel": channel}
    ]
    assert put(web, doc).status_code == 200
    url = f"{WS}/plans/{doc['plan_id']}/export"
    r = web.call("viewer", "GET", url, params={"format": "ics"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/calendar")
    assert r.headers["cache-control"] == "no-store"
    cd = r.headers["content-disposition"]
    assert cd.startswith("attachment;") and f'filename="plan-{doc["plan_id"]}.ics"' in cd
    assert "filename*=UTF-8''" in cd and "/" not in cd.split("filename*=")[1]
    cal = icalendar.Calendar.from_ical(r.content)
    (event,) = cal.walk("VEVENT")
    assert "티저" in str(event["SUMMARY"])
    r = web.call("viewer", "GET", url, params={"format": "xlsx", "lang": "en"})
    book = openpyxl.load_workbook(io.BytesIO(r.content))
    assert len(book.sheetnames) >= 4
    r = web.call("viewer", "GET", url, params={"format": "json"})
    assert json.loads(r.content)["plan_id"] == doc["plan_id"]
    r = web.call("viewer", "GET", url, params={"format": "html"})
    assert r.headers["content-type"].startswith("text/html") and "티저".encode() in r.content
    r = web.call("viewer", "GET", url, params={"format": "pdf"})
    assert r.content[:5] == b"%PDF-" and r.headers["content-type"] == "application/pdf"
    assert web.call("viewer", "GET", url, params={"format": "doc"}).status_code == 422


def test_metrics_import_then_plan_vs_actual(web: Any, shared_file: Any) -> None:
    data = shared_file("facebook_metrics/dataset_Facebook.csv").read_bytes()
    files = {"file": ("dataset_Facebook.csv", data, "text/csv")}
    form = {"preset": "facebook-metrics"}
    assert (
        web.call("manager", "POST", f"{WS}/metrics/imports", files=files, data=form).status_code
        == 403
    )
    r = web.call("analyst", "POST", f"{WS}/metrics/imports", files=files, data=form)
    assert r.status_code == 201, r.text
    done = r.json()
    assert done["rows_read"] == 500 and done["imported"] + done["rejected"] == 500
    assert done["imported"] > 400
    bad = web.call("analyst", "POST", f"{WS}/metrics/imports", files=files, data={"preset": "nope"})
    assert bad.status_code == 400, bad.text

    # a 2014 plan on Facebook, measured against the imported posts
    doc = new_plan(web, start="2014-01-01", end="2014-12-31")
    if "facebook" not in {c["channel"] for c in doc["channels"]}:
        doc["channels"].append(
            {"channel": "facebook", "role": "support", "override_reason": "데이터"}
        )
    doc["kpis"] = [
        {"kpi": "reach", "target": 1_000_000.0, "channel": "facebook"},
        {"kpi": "engagement_rate", "target": 5.0, "channel": "facebook"},
    ]
    r = put(web, doc)
    assert r.status_code == 200, r.text
    r = web.call(
        "viewer", "GET", f"{WS}/plans/{doc['plan_id']}/actuals", params={"today": "2015-01-10"}
    )
    assert r.status_code == 200, r.text
    rows = r.json()["rows"]
    assert [row["kpi"] for row in rows] == ["reach", "engagement_rate"]
    reach = rows[0]
    assert reach["actual"] is not None and reach["actual"] > 1_000_000
    assert reach["status"] in ("on_track", "ahead")
    assert rows[1]["actual"] is not None and rows[1]["status"] in ("on_track", "ahead", "off_track")
