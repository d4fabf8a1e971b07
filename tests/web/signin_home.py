"""A light home for the sign-in tests (issue 18 part 6): an empty socialops home (no imported
posts: sign-in needs none) with an owner and a manager of ``main``, the application on it and
helpers that sign in as a browser does."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient

from socialops.web.accounts import Accounts, User
from socialops.web.app import create_app

PASSWORD = "correct-horse-battery"


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no csrf field in the page"
    return found.group(1)


@dataclass
class SignInHome:
    root: Path
    accounts: Accounts
    app: FastAPI

    def browser(self) -> TestClient:
        return TestClient(self.app, base_url="http://testserver")

    def user(self, email: str, role: str | None = "manager", lang: str = "ko") -> User:
        return self.accounts.add_user(email, PASSWORD, role=role, lang=lang)

    def password_step(
        self, client: TestClient, email: str, password: str = PASSWORD
    ) -> httpx.Response:
        form = client.get("/login")
        return client.post(
            "/login",
            data={"email": email, "password": password, "csrf": csrf_of(form.text)},
            follow_redirects=False,
        )


def make_home(root: Path) -> SignInHome:
    root.mkdir(parents=True, exist_ok=True)
    accounts = Accounts(root)
    return SignInHome(root, accounts, create_app(root))
