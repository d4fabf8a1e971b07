"""The server the scheduled-report tests share (``test_schedules_web.py``,
``test_schedules_api.py``): one account per role in workspace ``main`` (the analyst reads
English), a plan and a listening topic to report on, and a local SMTP server (aiosmtpd) the
workspace's e-mail settings point at, which keeps every message it is given."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
from aiosmtpd.controller import Controller
from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.plan.test_model import make_plan

from socialops.engage.settings import put_setting
from socialops.listen.topics import add_topic
from socialops.plan.store import PlanStore
from socialops.web.accounts import Accounts, User
from socialops.web.app import create_app
from socialops.web.permissions import ROLES

PASSWORD = "correct-horse-battery"
PLAN_ID = "p-sched-web"
PLAN_NAME = "봄 신제품 출시"
TOPIC = "브랜드"


class Sink:
    """An SMTP server's inbox."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        msg = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(msg, EmailMessage)
        self.messages.append(msg)
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


@dataclass
class Home:
    root: Path
    accounts: Accounts
    app: FastAPI
    client: TestClient
    sink: Sink
    users: dict[str, User] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    def api(self, who: str | None, method: str, path: str, **kw: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.tokens[who]}"} if who else {}
        return self.client.request(method, path, headers=headers, **kw)

    def signed_in(self, who: str) -> TestClient:
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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def schedules_home(root: Path) -> Iterator[Home]:
    """A server in ``root`` with its SMTP server running."""
    accounts = Accounts(root)
    users = {
        role: accounts.add_user(
            f"{role}@example.com", PASSWORD, name=f"{role.title()} Kim", role=role
        )
        for role in ROLES
    }
    users["outsider"] = accounts.add_user("outsider@example.com", PASSWORD, name="Out Sider")
    accounts.set_preferences(users["analyst"].id, lang="en")
    sink, port = Sink(), _free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        app = create_app(root)
        with TestClient(app, base_url="http://testserver") as client:
            home = Home(root, accounts, app, client, sink, users)
            for who, user in users.items():
                home.tokens[who] = accounts.create_token(user.id, "tests")
            ws = app.state.services.workspace("main")
            plan = make_plan()
            plan.plan_id, plan.name = PLAN_ID, PLAN_NAME
            plan.kpis = [k for k in plan.kpis if k.kpi != "mentions"]
            plan.topics, plan.calendar = [], []
            PlanStore(ws).create(plan, actor="owner@example.com")
            add_topic(ws, TOPIC, "브랜드")
            put_setting(
                ws, "notify", {"email": {"host": "127.0.0.1", "port": port, "from": "r@so.kr"}}
            )
            yield home
    finally:
        controller.stop()
