"""The inbox page's manager tools, through real sessions and forms: the team picker beside the
member picker (assignment through :func:`socialops.engage.cases.assign`, an unknown team
refused), hiding a spam comment only where the conversation's platform allows it and only for
``inbox.manage`` (audited when done; a platform that refuses leaves no audit entry), merging two
customers from the profile column (candidates of the same name offered, a mistyped id told in
words), SLA due times and warnings as :func:`socialops.engage.sla.sla_state` and the SLA
policy's warning margin give them, and customer messages signed with the customer's name (the
raw handle in a tooltip)."""

from __future__ import annotations

import html
import json
import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from inbox_web_helpers import post_form, seed
from sqlalchemy import text
from test_publishing_api import PubHome, pub_home

from socialops.domain.instants import iso_utc, now_iso
from socialops.engage import cases, contacts, conversations, teams
from socialops.engage.receive import Incoming, receive
from socialops.store.secrets import encrypt
from socialops.web.pages.inbox import sla_of

W = "/w/main/inbox"


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PubHome]:
    for h in pub_home(tmp_path_factory):
        teams.save_team(h.db(), "카드팀", ["card"], ["agent@example.com"])
        yield h


@pytest.fixture(scope="module")
def browsers(home: PubHome) -> dict[str, TestClient]:
    return {who: home.signed_in(who) for who in ("owner", "manager", "agent", "viewer")}


def _bluesky_profile(home: PubHome) -> str:
    """A Bluesky profile written straight into the workspace (its server unreachable: a hide
    gets as far as the platform call)."""
    db, pid = home.db(), uuid.uuid4().hex[:12]
    settings = {"service": "http://127.0.0.1:9", "handle": "brand.test"}
    with db.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO profiles (profile_id, name, platform, settings, secret, status, "
                "paused, account_id, handle, zone, slots, checked_at, check_error, created_at, "
                "updated_at) VALUES (:p, :n, 'bluesky', :s, :x, 'active', 0, 'did:plc:brand', "
                "'brand.test', 'Asia/Seoul', '[]', :at, '', :at, :at)"
            ),
            {
                "p": pid,
                "n": f"bsky-{pid[:4]}",
                "s": json.dumps(settings),
                "x": encrypt(db.root, {"app_password": "x"}),
                "at": now_iso(),
            },
        )
    return pid


def test_team_picker_assigns_to_a_team(home: PubHome, browsers: dict[str, TestClient]) -> None:
    cid = seed(home.db(), "t-team", "카드가 정지됐어요 확인해 주세요", label="정팀원")
    page = f"{W}/c/{cid}"
    shown = browsers["manager"].get(page).text
    assert 'id="assign-team"' in shown and '<option value="카드팀">카드팀</option>' in shown
    assert 'id="assign-member"' in shown
    assert 'id="assign-team"' not in browsers["agent"].get(page).text  # agents take, not give
    done = post_form(browsers["manager"], page, f"{page}/assign", assignee="", team="카드팀")
    assert done.status_code == 303 and "done=assigned" in done.headers["location"]
    case = conversations.get_conversation(home.db(), cid).case
    assert case is not None and (case.team, case.assignee) == ("카드팀", "")
    assert conversations.list_conversations(home.db(), team="카드팀")[0].conversation_id == cid
    assert any(a["target"] == cid for a in home.audit("inbox.assign"))
    refused = post_form(browsers["agent"], page, f"{page}/assign", assignee="", team="카드팀")
    assert refused.status_code == 403
    unknown = post_form(browsers["manager"], page, f"{page}/assign", assignee="", team="없는팀")
    assert unknown.status_code == 404
    case = conversations.get_conversation(home.db(), cid).case
    assert case is not None and case.team == "카드팀"  # unchanged


def test_hide_only_where_the_platform_allows_and_only_for_managers(
    home: PubHome, browsers: dict[str, TestClient]
) -> None:
    pid = _bluesky_profile(home)
    got = receive(
        home.db(),
        Incoming(
            source=pid,
            channel="bluesky",
            thread_key="at://did:plc:brand/app.bsky.feed.post/root1",
            remote_id="at://did:plc:spam/app.bsky.feed.post/s1",
            author_handle="did:plc:spam",
            author_label="광고봇",
            text="무료 코인 지금 받으세요 링크 클릭",
        ),
    )
    page = f"{W}/c/{got.conversation_id}"
    button = f'id="hide-{got.message_id}"'
    assert button in browsers["manager"].get(page).text
    assert button not in browsers["agent"].get(page).text
    imported = seed(home.db(), "t-nohide", "광고 광고 광고", label="스팸같은고객")
    assert 'class="danger small" id="hide-' not in browsers["owner"].get(f"{W}/c/{imported}").text
    action = f"{page}/messages/{got.message_id}/hide"
    assert post_form(browsers["agent"], page, action).status_code == 403
    # the platform cannot be reached: told in words, nothing recorded as hidden
    failed = post_form(browsers["manager"], page, action)
    assert failed.status_code == 400 and "플랫폼이 숨기기를 거절했습니다" in failed.text
    assert not home.audit("inbox.hide")
    # a message of another conversation is not this conversation's
    other = post_form(browsers["manager"], page, f"{W}/c/{imported}/messages/{got.message_id}/hide")
    assert other.status_code == 400 and "찾을 수 없습니다" in other.text


def test_merge_two_customers_from_the_profile_column(
    home: PubHome, browsers: dict[str, TestClient]
) -> None:
    db = home.db()
    first = seed(db, "t-merge-1", "카드 재발급 문의합니다", label="홍길동")
    second = seed(db, "t-merge-2", "앱 로그인이 안 돼요", label="홍길동", channel="twitter")
    keep = conversations.get_conversation(db, first).row.contact_id
    other = conversations.get_conversation(db, second).row.contact_id
    assert keep != other
    page = f"{W}/c/{first}"
    shown = browsers["manager"].get(page).text
    assert 'id="merge-form"' in shown and f'<option value="{other}">' in shown
    assert 'id="merge-form"' not in browsers["agent"].get(page).text
    action = f"{W}/contacts/{keep}/merge"
    assert post_form(browsers["agent"], page, action, other=other, c=first).status_code == 403
    typo = post_form(browsers["manager"], page, action, other="nobody-here", c=first)
    assert typo.status_code == 400 and "nobody-here" in html.unescape(typo.text)
    done = post_form(browsers["manager"], page, action, other=other, c=first)
    assert done.status_code == 303 and "done=merged" in done.headers["location"]
    merged = contacts.contact(db, keep)
    assert {h["channel"] for h in merged["handles"]} == {"kakao", "twitter"}
    assert {c["conversation_id"] for c in merged["conversations"]} >= {first, second}
    assert any(a["target"] == keep for a in home.audit("inbox.contact_merge"))


def test_customer_messages_are_signed_with_the_customers_name(
    home: PubHome, browsers: dict[str, TestClient]
) -> None:
    cid = seed(home.db(), "handle-8812", "주문한 상품이 아직 안 왔어요", label="배송고객")
    shown = browsers["viewer"].get(f"{W}/c/{cid}").text
    found = re.search(r'<span class="author" title="([^"]*)">([^<]*)</span>', shown)
    assert found, shown[:2000]
    assert found.groups() == ("handle-8812", "배송고객")


def _case_with_dues(home: PubHome, label: str, **dues: str) -> tuple[str, int]:
    cid = seed(home.db(), f"t-sla-{label}", "송금이 안 됐어요 급합니다", label=label)
    case = conversations.get_conversation(home.db(), cid).case
    assert case is not None
    sets = ", ".join(f"{k} = :{k}" for k in dues)
    with home.db().begin() as conn:
        conn.execute(
            text(f"UPDATE cases SET {sets} WHERE case_id = :i"), {**dues, "i": case.case_id}
        )
    return cid, case.case_id


def test_sla_due_times_and_warnings_come_from_the_sla_module(
    home: PubHome, browsers: dict[str, TestClient]
) -> None:
    now = datetime.now(UTC)
    cid, case_id = _case_with_dues(
        home,
        "기한고객",
        first_response_due=iso_utc(now - timedelta(minutes=42)),
        resolution_due=iso_utc(now + timedelta(minutes=5)),
    )
    shown = browsers["agent"].get(f"{W}/c/{cid}").text
    assert 'data-kind="first_response" data-state="overdue"' in shown
    assert re.search(r"4[23]분 지남", shown)
    assert 'data-kind="resolution" data-state="warning"' in shown and "기한 임박" in shown
    case_page = browsers["viewer"].get(f"{W}/cases/{case_id}").text
    assert 'data-state="overdue"' in case_page and 'data-state="warning"' in case_page
    # far off: pending, not a warning; answered in time: met (the case page only)
    case = cases.get_case(home.db(), case_id).to_dict()
    far = {**case, "first_response_due": iso_utc(now + timedelta(days=30))}
    far["resolution_due"] = None
    [entry] = sla_of(home.db(), far, "kakao", "en", now=now)
    assert (entry["kind"], entry["state"]) == ("first_response", "pending")
    done = {**far, "first_response_at": iso_utc(now), "resolution_due": None}
    assert sla_of(home.db(), done, "kakao", "en", now=now) == []
    [met] = sla_of(home.db(), done, "kakao", "en", now=now, owed_only=False)
    assert (met["state"], met["text"]) == ("met", "met")
    # waiting on the customer pauses the response clock
    paused = {**far, "status": "waiting"}
    assert [e["state"] for e in sla_of(home.db(), paused, "kakao", "ko", now=now)] == ["paused"]
    # already warned by the SLA check: a warning even when the margin says not yet
    warned = {**far, "warned": [f"first_response@{far['first_response_due']}"]}
    assert [e["state"] for e in sla_of(home.db(), warned, "kakao", "ko", now=now)] == ["warning"]
