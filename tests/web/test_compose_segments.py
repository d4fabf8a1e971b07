"""Saved segments in the web (issue 17 item 6): the composer's per-segment texts (form with its
preview by server round trip, the API), the segment shown in the queue and on the post page;
a plan's target segment linked to a saved segment, with its size on the plan page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from test_publishing_api import PubHome, manual, pub_home
from tests.plan.test_model import make_plan

from socialops.plan.store import PlanStore
from socialops.publish import queue
from socialops.segment.members import Member
from socialops.segment.store import save_segment

W = "/w/main/publishing"
API = "/api/v1/workspaces/main/publishing"


def csrf_of(page: Any) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found, page.text[:500]
    return found.group(1)


def post_form(client: TestClient, page: str, action: str, **data: Any) -> Any:
    token = csrf_of(client.get(page))
    return client.post(action, data={"csrf": token, **data}, follow_redirects=False)


@pytest.fixture(scope="module")
def pub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PubHome]:
    for home in pub_home(tmp_path_factory):
        db = home.db()
        save_segment(db, "cdnow/champions", [Member("c1"), Member("c2")], kind="rfm")
        save_segment(db, "cdnow/at_risk", [Member("c3")], kind="rfm")
        manual(home, "블로그")
        yield home


def test_composer_form_preview_and_queue_show_the_segments(pub: PubHome) -> None:
    owner = pub.signed_in("owner")
    page = owner.get(W + "/compose")
    assert "세그먼트별 문구" in page.text
    assert (
        'name="segvar:cdnow/champions"' in page.text and 'name="segvar:cdnow/at_risk"' in page.text
    )
    form = {
        "profiles": "블로그",
        "text": "봄 신제품 안내",
        "segvar:cdnow/champions": "늘 고마운 고객님께 먼저 알려 드려요",
        "at": "2099-05-01T10:00",
    }
    shown = post_form(owner, W + "/compose", W + "/compose/preview", **form)
    assert shown.status_code == 200
    assert "세그먼트: cdnow/champions" in shown.text and "늘 고마운 고객님께" in shown.text
    sent = post_form(owner, W + "/compose", W + "/compose", **form)
    assert sent.status_code == 303, sent.text[:500]
    [seg] = [p for p in queue.list_posts(pub.db()) if p.segment_id == "cdnow/champions"]
    assert seg.text == "늘 고마운 고객님께 먼저 알려 드려요"
    assert "세그먼트: cdnow/champions" in owner.get(W).text  # the queue
    post = owner.get(f"{W}/posts/{seg.post_id}").text
    assert "세그먼트: cdnow/champions" in post
    bad = post_form(owner, W + "/compose", W + "/compose", **{**form, "segvar:nobody": "x"})
    assert bad.status_code == 400 and "nobody&#39;가 저장되어 있지 않습니다" in bad.text


def test_api_composes_segment_variants(pub: PubHome) -> None:
    body = {
        "profiles": ["블로그"],
        "text": "API 안내",
        "segment_variants": {"cdnow/at_risk": "다시 만나요"},
        "at": "2099-05-02T10:00",
    }
    made = pub.call("owner", "POST", API + "/posts", json=body)
    assert made.status_code == 201, made.text
    posts = made.json()["posts"]
    assert sorted(p["segment_id"] for p in posts) == ["", "cdnow/at_risk"]
    body.pop("at")  # not a preview field
    shown = pub.call("owner", "POST", API + "/preview", json=body)
    assert [p["segment"] for p in shown.json()] == ["", "cdnow/at_risk"]
    wrong = pub.call(
        "owner",
        "POST",
        API + "/posts",
        json={**body, "segment_variants": {"nobody": "x"}},
    )
    assert wrong.status_code == 400 and wrong.json()["error"]["code"] == "segvar.unknown"
    assert "세그먼트 'nobody'" in wrong.json()["error"]["message"]  # the owner reads Korean


def test_plan_page_shows_the_linked_saved_segment_and_its_size(pub: PubHome) -> None:
    plan = make_plan()
    plan.plan_id = ""
    plan.kpis = [k for k in plan.kpis if k.kpi != "mentions"]
    plan.topics = []
    plan.segments[0].saved = "cdnow/champions"
    saved = PlanStore(pub.db()).create(plan, actor="owner@example.com")
    owner = pub.signed_in("owner")
    page = owner.get(f"/w/main/plans/{saved.plan_id}")
    assert page.status_code == 200
    assert "저장된 세그먼트: cdnow/champions (2명)" in page.text
    edit = owner.get(f"/w/main/plans/{saved.plan_id}/edit").text
    assert 'name="seg_saved" value="cdnow/champions"' in edit
    assert '<option value="cdnow/at_risk">' in edit  # the saved names offered
