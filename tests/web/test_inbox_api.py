"""The inbox over the REST API with personal tokens, on conversations received through the
real engage path: the list paginated as the rest of /api/v1 and filtered, one conversation
(masked; ``reveal`` only for ``inbox.personal_data``, audited), its messages, replies and
notes, assignment, presence, a case's status, contacts, saved replies; 403 for a viewer
changing anything, 400/422 for bad input, 404 for another workspace's ids."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from inbox_web_helpers import seed
from test_publishing_api import PubHome, pub_home

WS = "/api/v1/workspaces/main"


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PubHome]:
    for h in pub_home(tmp_path_factory):
        db = h.db()
        for i in range(7):
            seed(db, f"api-{i}", f"배송이 언제 오나요 {i}번 주문", label=f"고객{i}")
        seed(db, "api-pii", "제 전화번호는 010-2222-3333 입니다 환불해 주세요", label="전화고객")
        seed(h.db("other"), "api-other", "다른 곳의 문의", label="남의고객")
        yield h


def _one(home: PubHome, q: str, ws: str = "main") -> dict:
    found = home.call("owner", "GET", f"/api/v1/workspaces/{ws}/conversations", params={"q": q})
    assert found.status_code == 200, found.text
    assert found.json()["total"] == 1, found.json()
    return found.json()["items"][0]


def test_the_list_paginates_and_filters(home: PubHome) -> None:
    first = home.call("viewer", "GET", f"{WS}/conversations", params={"per_page": 3})
    body = first.json()
    assert first.status_code == 200 and body["total"] == 8 and body["pages"] == 3
    assert len(body["items"]) == 3 and set(body) == {"total", "page", "per_page", "pages", "items"}
    last = home.call("viewer", "GET", f"{WS}/conversations", params={"per_page": 3, "page": 3})
    ids = {i["conversation_id"] for i in body["items"]}
    assert len(last.json()["items"]) == 2 and not ids & {
        i["conversation_id"] for i in last.json()["items"]
    }
    assert "남의고객" not in str(body)
    mine = home.call("agent", "GET", f"{WS}/conversations", params={"scope": "mine"})
    assert mine.json()["total"] == 0
    bad = home.call("viewer", "GET", f"{WS}/conversations", params={"status": "nope"})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "inboxweb.bad_filter"


def test_a_conversation_masked_and_revealed_only_to_the_owner(home: PubHome) -> None:
    cid = _one(home, "전화고객")["conversation_id"]
    got = home.call("agent", "GET", f"{WS}/conversations/{cid}")
    assert got.status_code == 200 and "010-2222-3333" not in got.text
    assert got.json()["messages"][0]["pii"] == ["phone"]
    assert home.call("manager", "GET", f"{WS}/conversations/{cid}?reveal=true").status_code == 403
    shown = home.call("owner", "GET", f"{WS}/conversations/{cid}?reveal=true")
    assert shown.status_code == 200 and "010-2222-3333" in shown.text
    assert [a["target"] for a in home.audit("inbox.reveal")] == [cid]
    msgs = home.call("viewer", "GET", f"{WS}/conversations/{cid}/messages")
    assert msgs.json()["total"] == 1 and "010-2222-3333" not in msgs.text


def test_changes_by_role_and_their_audit(home: PubHome) -> None:
    cid = _one(home, "고객3")["conversation_id"]
    url = f"{WS}/conversations/{cid}"
    assert home.call("viewer", "POST", url + "/messages", json={"text": "안녕"}).status_code == 403
    assert home.call("viewer", "POST", url + "/assign", json={"me": True}).status_code == 403
    sent = home.call("agent", "POST", url + "/messages", json={"text": "확인해 볼게요"})
    assert sent.status_code == 201 and sent.json()["state"] == "queued"
    note = home.call("agent", "POST", url + "/messages", json={"text": "메모", "kind": "note"})
    assert note.status_code == 201 and note.json()["kind"] == "note"
    assert home.call("agent", "POST", url + "/messages", json={"text": ""}).status_code == 422
    assert home.call("agent", "POST", url + "/assign", json={"me": True}).json()["assignee"] == (
        "agent@example.com"
    )
    other = {"assignee": "manager@example.com"}
    assert home.call("agent", "POST", url + "/assign", json=other).status_code == 403
    assert home.call("manager", "POST", url + "/assign", json=other).status_code == 200
    case_id = home.call("viewer", "GET", url).json()["case"]["case_id"]
    done = home.call("agent", "POST", f"{WS}/cases/{case_id}/status", json={"status": "waiting"})
    assert done.status_code == 200 and done.json()["status"] == "waiting"
    assert (
        home.call("agent", "POST", url + "/presence", json={"state": "typing"}).status_code == 200
    )
    others = home.call("manager", "GET", url + "/presence").json()
    assert {"user": "agent@example.com", "state": "typing"} in others
    mine = home.call("agent", "GET", f"{WS}/conversations", params={"scope": "mine"}).json()
    assert mine["total"] == 0  # now the manager's
    for action in ("inbox.reply", "inbox.note", "inbox.assign", "inbox.status"):
        assert home.audit(action), action


def test_contacts_and_saved_replies(home: PubHome) -> None:
    row = _one(home, "고객5")
    contact = f"{WS}/contacts/{row['contact_id']}"
    assert home.call("agent", "PUT", contact + "/tags", json={"tags": ["VIP"]}).status_code == 200
    assert home.call("viewer", "PUT", contact + "/tags", json={"tags": ["x"]}).status_code == 403
    assert home.call("agent", "POST", contact + "/notes", json={"text": "단골"}).status_code == 201
    got = home.call("viewer", "GET", contact).json()
    assert got["tags"] == ["VIP"] and got["notes"][0]["text"] == "단골"
    body = {"name": "배송", "lang": "ko", "text": "{이름}님, 케이스 {케이스} 확인 중입니다."}
    assert home.call("agent", "POST", f"{WS}/saved-replies", json=body).status_code == 403
    made = home.call("manager", "POST", f"{WS}/saved-replies", json=body)
    assert made.status_code == 201, made.text
    listed = home.call("agent", "GET", f"{WS}/saved-replies", params={"lang": "ko"}).json()
    assert listed["total"] == 1 and listed["items"][0]["name"] == "배송"
    sid = listed["items"][0]["saved_id"]
    assert home.call("manager", "DELETE", f"{WS}/saved-replies/{sid}").status_code == 200
    assert home.call("viewer", "GET", f"{WS}/saved-replies").json()["total"] == 0


def test_another_workspaces_ids_are_404(home: PubHome) -> None:
    theirs = _one(home, "남의고객", "other")
    assert (
        home.call("owner", "GET", f"{WS}/conversations/{theirs['conversation_id']}").status_code
        == 404
    )
    assert home.call("owner", "GET", f"{WS}/contacts/{theirs['contact_id']}").status_code == 404
    post = home.call(
        "owner",
        "POST",
        f"{WS}/conversations/{theirs['conversation_id']}/messages",
        json={"text": "안녕"},
    )
    assert post.status_code == 404
    assert home.call("agent", "GET", "/api/v1/workspaces/other/conversations").status_code == 404
    assert home.call("outsider", "GET", f"{WS}/conversations").status_code == 404
