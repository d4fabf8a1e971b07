"""Publishing over the REST API (``/api/v1/workspaces/{ws}/profiles`` and ``/publishing/...``),
on a real application over a real workspace database: manual profiles and a Mastodon profile
connected to a real local Mastodon API (mastodon-mock). Roles decide (a viewer cannot compose,
an analyst's post goes to review, a manager approves it), another workspace's ids are 404,
no answer holds a secret, and every change leaves its audit entry.

The fixture ``pub`` (also used by ``test_publishing_pages.py`` and ``test_short_links.py``) is a
home folder of its own with an empty ``main`` workspace, a user of every role, an outsider and a
second workspace ``other`` that the owner is also a member of (for the tenant checks): the
airline data of the ``web`` fixture is not needed here."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from PIL import Image

from platform_servers import MastodonMock
from socialops.connectors import profiles as prof
from socialops.publish import queue
from socialops.publish.worker import run_worker
from socialops.store.workspace import Workspace
from socialops.web.accounts import Accounts, User
from socialops.web.app import create_app
from socialops.web.permissions import ROLES

PASSWORD = "correct-horse-battery"
WS = "/api/v1/workspaces/main"
PUB = f"{WS}/publishing"
TOKEN = "sora_token"  # mastodon-mock's seeded account: must never come back


@dataclass
class PubHome:
    """A home with users of every role, their tokens, the app and a client."""

    root: Path
    accounts: Accounts
    app: FastAPI
    client: TestClient
    users: dict[str, User] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    def call(self, who: str | None, method: str, url: str, **kw: Any) -> Any:
        headers = {**({"Authorization": f"Bearer {self.tokens[who]}"} if who else {})}
        return self.client.request(method, url, headers=headers | kw.pop("headers", {}), **kw)

    def db(self, slug: str = "main") -> Workspace:
        found: Workspace = self.app.state.services.workspace(slug)
        return found

    def signed_in(self, who: str) -> TestClient:
        """A browser (its own cookie jar) signed in as ``who`` through the /login form."""
        client = TestClient(self.app, base_url="http://testserver")
        form = client.get("/login")
        csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
        assert csrf, form.text
        done = client.post(
            "/login",
            data={"email": f"{who}@example.com", "password": PASSWORD, "csrf": csrf.group(1)},
            follow_redirects=False,
        )
        assert done.status_code == 303, done.text
        return client

    def audit(self, action: str, slug: str = "main") -> list[dict[str, Any]]:
        _total, items = self.accounts.audit_log(slug, limit=500, offset=0)
        return [dict(i) for i in items if i["action"] == action]


def pub_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PubHome]:
    """The home of the ``pub`` fixture (each test module declares its own, from this)."""
    root = tmp_path_factory.mktemp("pub") / "home"
    accounts = Accounts(root)
    users = {}
    for role in ROLES:
        users[role] = accounts.add_user(
            f"{role}@example.com", PASSWORD, name=f"{role.title()} Kim", role=role
        )
    users["outsider"] = accounts.add_user("outsider@example.com", PASSWORD, name="Out Sider")
    accounts.add_workspace("other", "Other brand", users["owner"].id)
    app = create_app(root)
    with TestClient(app, base_url="http://testserver") as client:
        home = PubHome(root, accounts, app, client, users)
        for who, user in users.items():
            home.tokens[who] = accounts.create_token(user.id, "tests")
        yield home


@pytest.fixture(scope="module")
def pub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PubHome]:
    yield from pub_home(tmp_path_factory)


def manual(home: PubHome, name: str, channel: str = "naver-blog", slug: str = "main") -> None:
    """A manual profile made straight in the workspace (no web call)."""
    db = home.db(slug)
    names = {p.name for p in prof.list_profiles(db)}
    if name not in names:
        prof.connect(db, name=name, platform="manual", settings={"platform": channel}, secrets={})


def png(color: str = "red") -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(buf, "PNG")
    return buf.getvalue()


def no_secret(answer: httpx.Response | str) -> None:
    body = answer if isinstance(answer, str) else answer.text
    assert TOKEN not in body and "secret" not in body.lower().replace("secret_help", "")


# -- profiles ------------------------------------------------------------------------------------
def test_profiles_need_profiles_manage_and_never_return_secrets(
    pub: PubHome,
    mastodon_mock: MastodonMock,
) -> None:
    body = {
        "name": "마스토돈",
        "platform": "mastodon",
        "settings": {"instance": mastodon_mock.base_url},
        "secrets": {"access_token": TOKEN},
    }
    for who in ("analyst", "agent", "viewer"):
        r = pub.call(who, "POST", f"{WS}/profiles", json=body)
        assert (r.status_code, r.json()["error"]["code"]) == (403, "forbidden"), r.text
    r = pub.call("outsider", "POST", f"{WS}/profiles", json=body)
    assert (r.status_code, r.json()["error"]["code"]) == (404, "unknown_workspace")
    r = pub.call("manager", "POST", f"{WS}/profiles", json=body)
    assert r.status_code == 201, r.text
    no_secret(r)
    made = r.json()
    assert (made["platform"], made["handle"], made["status"]) == ("mastodon", "sora", "active")
    assert made["settings"] == {"instance": mastodon_mock.base_url}
    for url in (f"{WS}/profiles", f"{WS}/profiles/마스토돈"):
        r = pub.call("viewer", "GET", url)
        assert r.status_code == 200, r.text
        no_secret(r)
    r = pub.call("owner", "POST", f"{WS}/profiles/마스토돈/check")
    assert r.status_code == 200 and r.json()["status"] == "active"
    no_secret(r)
    # a refused token: 400 with the platform's reason, nothing saved
    bad = {**body, "name": "틀린토큰", "secrets": {"access_token": "not-a-token"}}
    r = pub.call("owner", "POST", f"{WS}/profiles", json=bad)
    assert r.status_code == 400 and r.json()["error"]["code"].startswith("publish.reason.")
    assert "not-a-token" not in r.text
    assert "틀린토큰" not in [p["name"] for p in pub.call("owner", "GET", f"{WS}/profiles").json()]
    [entry] = pub.audit("profile.connect")
    assert entry["target"] == "마스토돈" and entry["email"] == "manager@example.com"
    no_secret(json.dumps(pub.accounts.audit_log("main", limit=500, offset=0)[1], default=str))


def test_manual_profiles_pause_resume_remove(pub: PubHome) -> None:
    body = {"name": "네이버블로그", "platform": "manual", "settings": {"platform": "naver-blog"}}
    r = pub.call("owner", "POST", f"{WS}/profiles", json=body)
    assert r.status_code == 201, r.text
    bad = {"name": "x", "platform": "manual", "settings": {"platform": "myspace"}}
    r = pub.call("owner", "POST", f"{WS}/profiles", json=bad)
    assert (r.status_code, r.json()["error"]["code"]) == (400, "profile.unknown_platform")
    assert pub.call("agent", "POST", f"{WS}/profiles/네이버블로그/pause").status_code == 403
    r = pub.call("manager", "POST", f"{WS}/profiles/네이버블로그/pause")
    assert r.status_code == 200 and r.json()["paused"] is True
    r = pub.call("manager", "POST", f"{WS}/profiles/네이버블로그/resume")
    assert r.json()["paused"] is False
    r = pub.call("owner", "GET", f"{WS}/profiles/없는프로필")
    assert (r.status_code, r.json()["error"]["code"]) == (404, "profile.unknown")
    assert pub.call("owner", "DELETE", f"{WS}/profiles/네이버블로그").status_code == 200
    assert [e["target"] for e in pub.audit("profile.pause")] == ["네이버블로그"]
    assert len(pub.audit("profile.remove")) == 1


def test_pause_all_and_resume_all(pub: PubHome) -> None:
    assert pub.call("agent", "POST", f"{PUB}/pause-all").status_code == 403
    assert pub.call("manager", "POST", f"{PUB}/pause-all").json()["detail"] == "paused_all"
    assert prof.paused_all(pub.db())
    assert not prof.paused_all(pub.db("other"))  # one workspace's switch
    assert pub.call("owner", "POST", f"{PUB}/resume-all").status_code == 200
    assert not prof.paused_all(pub.db())
    assert [e["action"] for e in pub.audit("publishing.pause_all")] == ["publishing.pause_all"]


# -- posts ---------------------------------------------------------------------------------------
def test_roles_decide_scheduled_review_or_refused(pub: PubHome) -> None:
    manual(pub, "블로그")
    post = {"profiles": ["블로그"], "text": "겨울 신메뉴 출시 #신메뉴", "at": "2099-01-05T09:00"}
    r = pub.call("viewer", "POST", f"{PUB}/posts", json=post)
    assert (r.status_code, r.json()["error"]["code"]) == (403, "forbidden")
    r = pub.call("owner", "POST", f"{PUB}/posts", json=post)
    assert r.status_code == 201, r.text
    assert [p["state"] for p in r.json()["posts"]] == ["scheduled"]
    # 09:00 without an offset is the profile's zone (Asia/Seoul): midnight UTC
    assert r.json()["posts"][0]["due_at"].startswith("2099-01-05T00:00:00")
    r = pub.call("analyst", "POST", f"{PUB}/posts", json=post)
    assert r.status_code == 201, r.text
    group = r.json()["group_id"]
    assert [p["state"] for p in r.json()["posts"]] == ["in_review"]
    pending = pub.call("viewer", "GET", f"{PUB}/approvals").json()
    assert [g["group_id"] for g in pending] == [group]
    assert (
        pub.call("analyst", "POST", f"{PUB}/approvals/{group}/approve", json={}).status_code == 403
    )
    r = pub.call("agent", "POST", f"{PUB}/approvals/{group}/comment", json={"comment": "좋아요"})
    assert r.status_code == 200, r.text
    r = pub.call("manager", "POST", f"{PUB}/approvals/{group}/approve", json={"comment": "OK"})
    assert r.status_code == 200, r.text
    items = pub.call("owner", "GET", f"{PUB}/posts").json()["items"]
    assert {p["group_id"]: p["state"] for p in items}[group] == "scheduled"
    assert [e["target"] for e in pub.audit("publish.approve")] == [group]
    assert {e["email"] for e in pub.audit("publish.compose")} == {
        "owner@example.com",
        "analyst@example.com",
    }


def test_another_workspaces_post_is_404_never_its_data(pub: PubHome) -> None:
    manual(pub, "다른블로그", slug="other")
    _group, [theirs] = queue.new_posts(
        pub.db("other"),
        profiles=["다른블로그"],
        text_="다른 브랜드의 비밀 글",
        at="2099-02-01T09:00",
    )
    # the owner is a member of both: through main, other's post does not exist
    for method, url in (
        ("GET", f"{PUB}/posts/{theirs.post_id}"),
        ("POST", f"{PUB}/posts/{theirs.post_id}/publish-now"),
        ("POST", f"{PUB}/posts/{theirs.post_id}/cancel"),
        ("POST", f"{PUB}/tasks/{theirs.post_id}/confirm"),
        ("POST", f"{PUB}/approvals/{theirs.group_id}/approve"),
    ):
        body = {"url": "https://blog.naver.com/x/1"} if "confirm" in url else {}
        r = pub.call("owner", method, url, json=body)
        assert r.status_code == 404, (url, r.text)
        assert "비밀" not in r.text
    listed = pub.call("owner", "GET", f"{PUB}/posts").json()["items"]
    assert theirs.post_id not in [p["post_id"] for p in listed]
    assert queue.get_post(pub.db("other"), theirs.post_id).state == "scheduled"  # untouched
    r = pub.call("owner", "GET", f"/api/v1/workspaces/other/publishing/posts/{theirs.post_id}")
    assert r.status_code == 200 and r.json()["text"] == "다른 브랜드의 비밀 글"
    # a member of main only does not learn that other exists
    r = pub.call("manager", "GET", f"/api/v1/workspaces/other/publishing/posts/{theirs.post_id}")
    assert (r.status_code, r.json()["error"]["code"]) == (404, "unknown_workspace")


def test_list_pages_filters_and_the_error_shape(pub: PubHome) -> None:
    manual(pub, "카카오", "kakaotalk")
    for i in range(5):
        r = pub.call(
            "owner",
            "POST",
            f"{PUB}/posts",
            json={"profiles": ["카카오"], "text": f"공지 {i}", "at": f"2098-03-0{i + 1}T10:00"},
        )
        assert r.status_code == 201, r.text
    page = pub.call(
        "viewer", "GET", f"{PUB}/posts", params={"profile": "카카오", "per_page": 2, "page": 2}
    ).json()
    assert {k: page[k] for k in ("total", "page", "per_page", "pages")} == {
        "total": 5,
        "page": 2,
        "per_page": 2,
        "pages": 3,
    }
    assert [p["text"] for p in page["items"]] == ["공지 2", "공지 3"]
    window = pub.call(
        "viewer",
        "GET",
        f"{PUB}/posts",
        params={"profile": "카카오", "since": "2098-03-02", "until": "2098-03-04"},
    ).json()
    assert [p["text"] for p in window["items"]] == ["공지 1", "공지 2"]
    r = pub.call("viewer", "GET", f"{PUB}/posts", params={"state": "lost"})
    assert r.status_code == 400
    assert r.json() == {
        "error": {
            "status": 400,
            "code": "pubweb.bad_state",
            "message": r.json()["error"]["message"],
        }
    }
    assert "draft" in r.json()["error"]["message"]
    r = pub.call("viewer", "GET", f"{PUB}/posts/nope")
    assert (r.status_code, r.json()["error"]["code"]) == (404, "publish.unknown_post")


def test_drafts_schedule_and_cancel_by_role(pub: PubHome) -> None:
    manual(pub, "블로그")
    r = pub.call(
        "agent",
        "POST",
        f"{PUB}/posts",
        json={"profiles": ["블로그"], "text": "초안", "draft": True},
    )
    [mine] = r.json()["posts"]
    assert mine["state"] == "draft" and mine["approvals_needed"] >= 1
    r = pub.call(
        "agent", "POST", f"{PUB}/posts/{mine['post_id']}/schedule", json={"at": "2099-04-01T12:00"}
    )
    assert r.status_code == 200 and r.json()["state"] == "in_review"
    # the owner's draft needs nobody's review: an agent may not send it out
    r = pub.call(
        "owner",
        "POST",
        f"{PUB}/posts",
        json={"profiles": ["블로그"], "text": "사장 초안", "draft": True},
    )
    [owners] = r.json()["posts"]
    r = pub.call("agent", "POST", f"{PUB}/posts/{owners['post_id']}/schedule", json={})
    assert (r.status_code, r.json()["error"]["code"]) == (403, "forbidden")
    assert (
        pub.call("agent", "POST", f"{PUB}/posts/{owners['post_id']}/publish-now").status_code == 403
    )
    r = pub.call(
        "manager",
        "POST",
        f"{PUB}/posts/{owners['post_id']}/schedule",
        json={"at": "2099-04-02T12:00"},
    )
    assert r.json()["state"] == "scheduled"
    # cancelling what is scheduled takes publish.direct; a draft or a post in review does not
    assert pub.call("agent", "POST", f"{PUB}/posts/{owners['post_id']}/cancel").status_code == 403
    assert pub.call("agent", "POST", f"{PUB}/posts/{mine['post_id']}/cancel").json()["state"] == (
        "cancelled"
    )
    r = pub.call("manager", "POST", f"{PUB}/posts/{mine['post_id']}/cancel")
    assert (r.status_code, r.json()["error"]["code"]) == (409, "publish.bad_state")
    assert len(pub.audit("publish.schedule")) == 2 and len(pub.audit("publish.cancel")) == 1


def test_a_manual_task_is_listed_late_and_confirmed_with_its_url(pub: PubHome) -> None:
    manual(pub, "인스타", "instagram")
    media = pub.call(
        "agent",
        "POST",
        f"{PUB}/media",
        files={"file": ("menu.png", png("blue"), "image/png")},
        data={"alt": "겨울 신메뉴 사진"},
    )
    assert media.status_code == 201, media.text
    asset = media.json()
    assert "path" not in asset and asset["alt"] == "겨울 신메뉴 사진"
    assert (
        pub.call(
            "viewer", "POST", f"{PUB}/media", files={"file": ("a.png", png(), "image/png")}
        ).status_code
        == 403
    )
    assert asset["media_id"] in [
        m["media_id"] for m in pub.call("viewer", "GET", f"{PUB}/media").json()
    ]
    body = {
        "profiles": ["인스타"],
        "text": "겨울 신메뉴 🍲",
        "media_ids": [asset["media_id"]],
        "link": "https://shop.example.com/winter",
        "at": "2020-01-01T09:00",  # long past: the task is missed
    }
    r = pub.call("owner", "POST", f"{PUB}/posts", json=body)
    assert r.status_code == 201, r.text
    [post] = r.json()["posts"]
    assert post["link_code"] and post["media"][0]["media_id"] == asset["media_id"]
    assert "/" not in post["media"][0]["file_name"]  # never where it lies on the server
    run_worker(pub.db(), until_idle=True)
    tasks = pub.call("viewer", "GET", f"{PUB}/tasks").json()
    [task] = [t for t in tasks if t["post_id"] == post["post_id"]]
    assert (task["state"], task["late"]) == ("task", "missed")
    r = pub.call(
        "agent", "POST", f"{PUB}/tasks/{post['post_id']}/confirm", json={"url": "not a url"}
    )
    assert (r.status_code, r.json()["error"]["code"]) == (400, "publish.bad_url")
    assert (
        pub.call(
            "viewer",
            "POST",
            f"{PUB}/tasks/{post['post_id']}/confirm",
            json={"url": "https://instagram.com/p/1"},
        ).status_code
        == 403
    )
    r = pub.call(
        "agent",
        "POST",
        f"{PUB}/tasks/{post['post_id']}/confirm",
        json={"url": "https://instagram.com/p/1"},
    )
    assert r.status_code == 200 and (r.json()["state"], r.json()["url"]) == (
        "published",
        "https://instagram.com/p/1",
    )
    [entry] = pub.audit("publish.confirm")
    assert entry["detail"]["url"] == "https://instagram.com/p/1"
    detail = pub.call("viewer", "GET", f"{PUB}/posts/{post['post_id']}").json()
    assert [a["action"] for a in detail["attempts_log"]] == ["task"]


def test_preview_counts_the_platforms_way_and_the_watchdog_answers(pub: PubHome) -> None:
    manual(pub, "카카오", "kakaotalk")
    body = {"profiles": ["카카오"], "text": "가" * 1001, "link": "https://shop.example.com/a"}
    assert pub.call("viewer", "POST", f"{PUB}/preview", json=body).status_code == 403
    r = pub.call("agent", "POST", f"{PUB}/preview", json=body)
    assert r.status_code == 200, r.text
    [pv] = r.json()
    assert pv["limit"] == 1000 and pv["length"] > 1000
    assert [p["code"] for p in pv["problems"]] == ["publish.too_long"]
    assert pv["short_url"] and pv["short_url"] in pv["final_text"]
    # a preview saves nothing: no post, no link
    assert "가" * 1001 not in pub.call("owner", "GET", f"{PUB}/posts").text
    r = pub.call("viewer", "GET", f"{PUB}/watchdog")
    assert r.status_code == 200 and set(r.json()) >= {"ok", "workers"}


def test_queue_slots_and_best_times(pub: PubHome) -> None:
    manual(pub, "슬롯블로그")
    url = f"{WS}/profiles/슬롯블로그"
    assert pub.call("agent", "PUT", f"{url}/slots", json={"slots": ["화 12:30"]}).status_code == 403
    r = pub.call("manager", "PUT", f"{url}/slots", json={"slots": ["목 18:00", "tue 12:30"]})
    assert r.status_code == 200 and r.json()["slots"] == ["tue 12:30", "thu 18:00"]
    r = pub.call("manager", "PUT", f"{url}/slots", json={"slots": ["someday"]})
    assert (r.status_code, r.json()["error"]["code"]) == (400, "besttime.bad_slot")
    best = pub.call("viewer", "GET", f"{url}/best-times").json()
    assert best["profile"] == "슬롯블로그" and best["source"] == "none" and best["times"] == []
    assert best["next_slot"] and best["next_slot"][11:16] in ("12:30", "18:00")
    [entry] = pub.audit("profile.slots")
    assert entry["detail"] == {"slots": "tue 12:30, thu 18:00"}
