"""The sign-in throttle against a real ``socialops serve`` (a subprocess on a loopback port):
attempts are counted before the slow password check, atomically (40 parallel guesses get 5
checks), and the address counted is the peer's — ``X-Forwarded-For`` is believed only from the
proxies named in ``--forwarded-allow-ips`` (uvicorn believes it from loopback by default)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from served import Served
from sqlalchemy import text

from socialops.web.accounts import Accounts

PASSWORD = "correct-horse-battery"
WRONG = "wrong-horse-battery"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("throttle") / "home"


def _user(home: Path) -> str:
    email = f"t-{uuid.uuid4().hex[:8]}@example.com"
    Accounts(home).add_user(email, PASSWORD, role="viewer")
    return email


@pytest.fixture(scope="module")
def served(home: Path) -> Iterator[Served]:
    Accounts(home).add_user("owner@example.com", PASSWORD, role="owner")
    server = Served(home)
    try:
        yield server
    finally:
        server.stop()


def audit_of(accounts: Accounts, email: str) -> list[dict[str, Any]]:
    """The audit entries recorded for an e-mail, newest first (read from the table)."""
    with accounts.connect() as con:
        rows = (
            con.execute(
                text("SELECT action, ip, detail FROM audit WHERE email = :e ORDER BY id DESC"),
                {"e": email},
            )
            .mappings()
            .all()
        )
    return [
        {"action": r["action"], "ip": r["ip"], "detail": json.loads(r["detail"] or "null")}
        for r in rows
    ]


def _actions(home: Path, email: str) -> Counter[str]:
    return Counter(e["action"] for e in audit_of(Accounts(home), email))


def test_parallel_wrong_passwords_get_five_checks(served: Served) -> None:
    """40 wrong passwords at once: 5 are checked (401), 35 refused before any check (429);
    counted after the check, all 40 were checked. Then the right password is refused too."""
    email = _user(served.home)
    clients = [httpx.Client(base_url=served.url, timeout=120) for _ in range(40)]
    forms = []
    for client in clients:  # every browser has its login form first
        found = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text)
        assert found is not None
        forms.append(found.group(1))
    start = threading.Barrier(len(clients))
    answers: list[int] = []

    def guess(client: httpx.Client, csrf: str) -> None:
        start.wait(timeout=60)
        r = client.post(
            "/login",
            data={"email": email, "password": WRONG, "csrf": csrf},
            follow_redirects=False,
        )
        answers.append(r.status_code)

    threads = [
        threading.Thread(target=guess, args=pair) for pair in zip(clients, forms, strict=True)
    ]
    t0 = time.monotonic()
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=180)
    for client in clients:
        client.close()
    assert not any(th.is_alive() for th in threads), "the server did not answer in time"
    assert time.monotonic() - t0 < 180
    counts = Counter(answers)
    assert counts == {401: 5, 429: 35}, counts
    assert served.sign_in(email, PASSWORD).status_code == 429
    actions = _actions(served.home, email)
    assert actions["auth.sign_in_failed"] == 5 and actions["auth.sign_in"] == 0
    assert actions["auth.throttled"] == 36


def test_a_right_password_resets_the_count(served: Served) -> None:
    email = _user(served.home)
    for _ in range(4):
        assert served.sign_in(email, WRONG).status_code == 401
    assert served.sign_in(email, PASSWORD).status_code == 303
    for _ in range(5):
        assert served.sign_in(email, WRONG).status_code == 401
    assert served.sign_in(email, WRONG).status_code == 429


def test_forwarded_for_is_not_believed_by_default(served: Served) -> None:
    """Rotating X-Forwarded-For does not reset the limit: the address is the peer's."""
    email = _user(served.home)
    for i in range(5):
        r = served.sign_in(email, WRONG, **{"X-Forwarded-For": f"203.0.113.{i + 1}"})
        assert r.status_code == 401, (i, r.status_code)
    sixth = served.sign_in(email, WRONG, **{"X-Forwarded-For": "203.0.113.99"})
    assert sixth.status_code == 429
    right = served.sign_in(email, PASSWORD, **{"X-Forwarded-For": "198.51.100.7"})
    assert right.status_code == 429
    ips = {e["ip"] for e in audit_of(Accounts(served.home), email)}
    assert ips == {"127.0.0.1"}, ips


def test_forwarded_for_is_believed_from_named_proxies(home: Path) -> None:
    """``--forwarded-allow-ips 127.0.0.1``: the proxy's X-Forwarded-For is the client address
    (recorded, and throttled per address)."""
    email = _user(home)
    server = Served(home, "--forwarded-allow-ips", "127.0.0.1")
    try:
        client_a = {"X-Forwarded-For": "203.0.113.10"}
        for _ in range(5):
            assert server.sign_in(email, WRONG, **client_a).status_code == 401
        assert server.sign_in(email, PASSWORD, **client_a).status_code == 429
        # another client behind the proxy is another address
        client_b = {"X-Forwarded-For": "203.0.113.11"}
        assert server.sign_in(email, PASSWORD, **client_b).status_code == 303
    finally:
        server.stop()
    ips = {e["ip"] for e in audit_of(Accounts(home), email)}
    assert ips == {"203.0.113.10", "203.0.113.11"}, ips


def test_a_bad_forwarded_allow_ips_is_one_line(home: Path) -> None:
    p = subprocess.run(
        [sys.executable, "-m", "socialops", "serve", "--forwarded-allow-ips", "proxy.local"],
        env={**os.environ, "SOCIALOPS_HOME": str(home), "COLUMNS": "200"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert p.returncode == 2, p.stderr
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and "proxy.local" in lines[0] and "10.0.0.0/8" in lines[0]
