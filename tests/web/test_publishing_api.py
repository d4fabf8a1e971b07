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

from socialops.publish import profiles as prof
from socialops.publish import queue
from socialops.publish.worker import run_worker
from socialops.store.workspace import Workspace
from socialops.web.accounts import Accounts, User
from socialops.web.app import create_app
from socialops.web.permissions import ROLES
from tests.connectors.conftest import MastodonMock, mastodon_mock  # noqa: F401  (the fixture)

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

    def call(self, who: str | None, method: str, url: str, **kw: Any) -> httpx.Response:
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


@pytest.fixture(scope="module")
def pub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PubHome]:
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
    pub: PubHome, mastodon_mock: MastodonMock
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
    assert pub.call("analyst", "POST", f"{PUB}/approvals/{group}/approve", json={}).status_code == 403
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
