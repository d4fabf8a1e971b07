"""A home folder for the Measure and Segments web tests: a fresh workspace ``main`` with a user of
every role (the analyst reads English, the others Korean), an outsider, their API tokens, the
application and a client, and a second workspace ``other`` the outsider owns. Real sessions sign
in through /login; nothing is mocked."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient

from socialops.store.workspace import Workspace
from socialops.web.accounts import Accounts, User
from socialops.web.app import create_app
from socialops.web.permissions import ROLES

PASSWORD = "correct-horse-battery"
API = "/api/v1/workspaces/main"


@dataclass
class Home:
    root: Path
    accounts: Accounts
    app: FastAPI
    client: TestClient
    users: dict[str, User] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    def ws(self, slug: str = "main") -> Workspace:
        found: Workspace = self.app.state.services.workspace(slug)
        return found

    def call(self, who: str | None, method: str, path: str, **kw: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.tokens[who]}"} if who else {}
        return self.client.request(method, path, headers=headers, **kw)

    def signed_in(self, who: str) -> TestClient:
        """A browser signed in as ``who``; its CSRF token in ``.csrf`` (from a page)."""
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
        page = client.get("/account")
        found = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert found, page.text[:500]
        client.csrf = found.group(1)  # type: ignore[attr-defined]
        return client


def make_home(root: Path) -> Iterator[Home]:
    """The home (a generator for a module-scoped fixture)."""
    accounts = Accounts(root)
    users = {
        role: accounts.add_user(
            f"{role}@example.com", PASSWORD, name=f"{role.title()} Kim", role=role
        )
        for role in ROLES
    }
    users["outsider"] = accounts.add_user("outsider@example.com", PASSWORD, name="Out Sider")
    accounts.set_preferences(users["analyst"].id, lang="en")
    accounts.add_workspace("other", "Other client", users["outsider"].id)
    app = create_app(root)
    with TestClient(app, base_url="http://testserver") as client:
        home = Home(root, accounts, app, client, users)
        for who, user in users.items():
            home.tokens[who] = accounts.create_token(user.id, "tests")
        yield home


def error_of(r: httpx.Response) -> dict[str, Any]:
    """The one error shape's body (fails when the answer is not one)."""
    body = r.json()
    assert set(body) == {"error"}, body
    err: dict[str, Any] = body["error"]
    assert set(err) == {"status", "code", "message"} and err["status"] == r.status_code, err
    return err
