"""Fixtures of the web workspace tests: a home folder holding a copy of the airline workspace
(real tweets, imported, enriched, six airline topics) with a user of every role, an outsider
(a user with no membership) and their API tokens; the application on it with a TestClient; and
a real uvicorn server on a free loopback port for the browser and fuzz tests."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from socialops.store.workspace import Workspace
from socialops.web.accounts import Accounts, User
from socialops.web.app import create_app
from socialops.web.permissions import ROLES
from workspace_copy import copy_workspace

PASSWORD = "correct-horse-battery"
OUTSIDER = "outsider"
WHO = (*ROLES, OUTSIDER)


@dataclass
class WebHome:
    """A home folder with users of every role, their tokens, the app and a client."""

    root: Path
    accounts: Accounts
    app: FastAPI
    client: TestClient
    users: dict[str, User] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    password: str = PASSWORD

    def email(self, who: str) -> str:
        return self.users[who].email

    def auth(self, who: str) -> dict[str, str]:
        """The ``Authorization`` header of ``who`` (a role or ``outsider``)."""
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def call(self, who: str | None, method: str, url: str, **kw: Any) -> httpx.Response:
        """``method url`` as ``who`` (``None``: anonymous), with that user's token."""
        headers = {**(self.auth(who) if who else {}), **kw.pop("headers", {})}
        return self.client.request(method, url, headers=headers, **kw)

    def browser(self) -> TestClient:
        """A new client with its own cookie jar (a browser)."""
        return TestClient(self.app, base_url="http://testserver")

    def sign_in(
        self, client: TestClient, email: str, password: str = PASSWORD, **headers: str
    ) -> httpx.Response:
        """Post the /login form as a browser does (login CSRF cookie and field)."""
        form = client.get("/login", headers=headers)
        assert form.status_code == 200, form.text
        found = re.search(r'name="csrf" value="([^"]+)"', form.text)
        assert found, "the login form has no csrf field"
        return client.post(
            "/login",
            data={"email": email, "password": password, "csrf": found.group(1)},
            headers=headers,
            follow_redirects=False,
        )

    def signed_in(self, who: str) -> TestClient:
        """A browser signed in as ``who`` (session cookie; its CSRF token in ``.csrf``)."""
        client = self.browser()
        done = self.sign_in(client, self.email(who))
        assert done.status_code == 303, done.text
        return client


def make_home(src: Workspace, dest: Path) -> Path:
    """A home folder: a copy of the workspace ``src`` (the ``main`` workspace), with
    ``<role>@example.com`` of every role and ``outsider@example.com`` (no membership)."""
    copy_workspace(src.root, dest)
    accounts = Accounts(dest)
    for role in ROLES:
        accounts.add_user(f"{role}@example.com", PASSWORD, name=f"{role.title()} Kim", role=role)
    accounts.add_user(f"{OUTSIDER}@example.com", PASSWORD, name="Out Sider")
    return dest


@pytest.fixture(scope="module")
def web(airline_ws: Workspace, tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebHome]:
    """Per test module: a fresh home (changes made by one module do not leak into another)."""
    root = make_home(airline_ws, tmp_path_factory.mktemp("web") / "home")
    accounts = Accounts(root)
    app = create_app(root)
    with TestClient(app, base_url="http://testserver") as client:
        home = WebHome(root, accounts, app, client)
        for who in WHO:
            user = accounts.user_by_email(f"{who}@example.com")
            assert user is not None
            home.users[who] = user
            home.tokens[who] = accounts.create_token(user.id, "tests")
        yield home


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass(frozen=True)
class LiveServer:
    url: str
    home: WebHome


@pytest.fixture(scope="module")
def live_server(web: WebHome) -> Iterator[LiveServer]:
    """A real uvicorn server (its own app on the module's home) on a free loopback port."""
    import uvicorn

    app = create_app(web.root)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"{url}/login", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline or not thread.is_alive():
            server.should_exit = True
            pytest.fail(f"the test server on {url} did not answer within 30 s")
        time.sleep(0.05)
    try:
        yield LiveServer(url, web)
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        assert not thread.is_alive(), "the test server did not stop"
