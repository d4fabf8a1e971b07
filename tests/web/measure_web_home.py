"""A home folder for the Measure and Segments web tests: a fresh workspace ``main`` with a user of
every role (the analyst reads English, the others Korean), an outsider, their API tokens, the
application and a client, and a second workspace ``other`` the outsider owns. Real sessions sign
in through /login; nothing is mocked. :func:`seed_outcomes` writes an outcome series with plain
SQL into the w0009 table: 140 days of sales with a weekly pattern, +30 % over the last 21 days
(the campaign), and a region without the lift."""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text

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


FIRST = date(2026, 1, 1)
DAYS = 140
START = FIRST + timedelta(days=DAYS - 21)  # the campaign's first day
END = FIRST + timedelta(days=DAYS - 1)


def sales(i: int, lift: bool = True) -> float:
    """A day's sales: level 1000, a weekly pattern, a deterministic wiggle; +30 % in the
    campaign."""
    base = 1000 + 120 * math.sin(2 * math.pi * i / 7) + 25 * math.sin(i * 1.7) + i
    return base * (1.3 if lift and FIRST + timedelta(days=i) >= START else 1.0)


def seed_outcomes(ws: Workspace) -> None:
    now = datetime.now(UTC).isoformat()
    rows = [
        {"m": "sales", "d": dim, "t": (FIRST + timedelta(days=i)).isoformat(), "v": v, "u": now}
        for i in range(DAYS)
        for dim, v in (("", sales(i)), ("region:부산", sales(i, lift=False) / 3))
    ]
    with ws.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO outcomes (metric, dimension, date, grain, value, import_id, "
                "updated_at) VALUES (:m, :d, :t, 'day', :v, 'test', :u)"
            ),
            rows,
        )


def series_csv() -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["일자", "매출", "부산"])
    for i in range(DAYS):
        day = FIRST + timedelta(days=i)
        w.writerow([day.isoformat(), f"{sales(i):.2f}", f"{sales(i, lift=False) / 3:.2f}"])
    return buf.getvalue().encode("cp949")


def error_of(r: httpx.Response) -> dict[str, Any]:
    """The one error shape's body (fails when the answer is not one)."""
    body = r.json()
    assert set(body) == {"error"}, body
    err: dict[str, Any] = body["error"]
    assert set(err) == {"status", "code", "message"} and err["status"] == r.status_code, err
    return err
