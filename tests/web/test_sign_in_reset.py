"""Password reset by e-mail (issue 18 part 6) through a real local SMTP server (aiosmtpd): the
same answer whether the e-mail has an account or not, a single-use link good for
``reset_minutes`` and kept hashed, the new password checked by the policy, every session ended
and API token revoked by the reset, requests throttled, audit entries."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient
from oidc_provider import free_port
from schedules_home import Sink  # the SMTP server's inbox
from signin_home import PASSWORD, SignInHome, csrf_of, make_home
from sqlalchemy import text

from socialops.web.accounts.model import digest

pytestmark = pytest.mark.xdist_group("test_sign_in_reset")  # one module-scoped home per run

NEW_PASSWORD = "vivid-orchard-lantern-42"


@pytest.fixture(scope="module")
def mail_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SignInHome, Sink]]:
    sink, port = Sink(), free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    env = {
        "SOCIALOPS_SMTP_HOST": "127.0.0.1",
        "SOCIALOPS_SMTP_PORT": str(port),
        "SOCIALOPS_SMTP_FROM": "no-reply@socialops.example.kr",
        "SOCIALOPS_SMTP_STARTTLS": "0",
        "SOCIALOPS_PUBLIC_URL": "https://social.example.kr",
    }
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        home = make_home(tmp_path_factory.mktemp("reset") / "home")
        with TestClient(home.app):
            yield home, sink
    finally:
        controller.stop()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _ask(home: SignInHome, email: str, client: TestClient | None = None) -> Any:
    c = client or home.browser()
    page = c.get("/login/forgot")
    return c.post("/login/forgot", data={"email": email, "csrf": csrf_of(page.text)})


def _wait_for(sink: Sink, n: int) -> None:
    deadline = time.monotonic() + 10
    while len(sink.messages) < n and time.monotonic() < deadline:
        time.sleep(0.05)


def _link(msg: EmailMessage) -> str:
    body = msg.get_body(("plain",))
    assert body is not None
    found = re.search(r"https://social\.example\.kr/login/reset\?token=(\S+)", body.get_content())
    assert found, body.get_content()
    return found.group(1)


def _reset(home: SignInHome, token: str, password: str, confirm: str | None = None) -> Any:
    c = home.browser()
    page = c.get(f"/login/reset?token={token}")
    if page.status_code != 200:
        return page
    return c.post(
        "/login/reset",
        data={
            "token": token,
            "password": password,
            "confirm": confirm if confirm is not None else password,
            "csrf": csrf_of(page.text),
        },
        follow_redirects=False,
    )


def test_reset_by_e_mail(mail_home: tuple[SignInHome, Sink]) -> None:
    home, sink = mail_home
    email = "yuna.choi@example.kr"
    user = home.user(email)
    token_api = home.accounts.create_token(user.id, "script")
    signed_in = home.browser()
    assert home.password_step(signed_in, email).status_code == 303
    assert "비밀번호를 잊으셨나요?" in home.browser().get("/login").text
    before = len(sink.messages)
    known = _ask(home, email.upper())
    unknown = _ask(home, "nobody@example.kr")
    # the same answer either way
    assert known.status_code == unknown.status_code == 200
    strip = re.compile(r'value="[^"]*"')
    assert strip.sub("", known.text) == strip.sub("", unknown.text)
    assert "재설정 링크를 보냈습니다" in known.text
    _wait_for(sink, before + 1)
    time.sleep(0.3)
    assert len(sink.messages) == before + 1  # one e-mail: the unknown address got none
    msg = sink.messages[-1]
    assert msg["To"] == email and msg["Subject"] == "[socialops] 비밀번호 재설정"
    token = _link(msg)
    assert "30분" in str(msg.get_body(("plain",)).get_content())  # type: ignore[union-attr]
    # kept hashed
    with home.accounts.connect() as conn:
        stored = [h for (h,) in conn.execute(text("SELECT token_hash FROM password_resets"))]
    assert token not in stored and digest(token) in stored
    # the policy still applies; a mismatch is said
    r = _reset(home, token, NEW_PASSWORD, "something-else-entirely")
    assert r.status_code == 400 and "두 비밀번호가 다릅니다" in r.text
    r = _reset(home, token, "password123")
    assert r.status_code == 400 and home.accounts.reset_user(token) is not None
    r = _reset(home, token, NEW_PASSWORD)
    assert r.status_code == 303 and r.headers["location"] == "/login?ok=password_reset"
    # every session ended, every API token revoked, the new password works, the old does not
    assert signed_in.get("/account", follow_redirects=False).status_code == 303
    assert (
        home.browser()
        .get("/api/v1/me", headers={"Authorization": f"Bearer {token_api}"})
        .status_code
        == 401
    )
    assert home.accounts.check_credentials(email, NEW_PASSWORD) is not None
    assert home.accounts.check_credentials(email, PASSWORD) is None
    # single use
    r = _reset(home, token, "another-good-passphrase-7")
    assert r.status_code == 400 and "이미 쓰였거나" in r.text
    with home.accounts.connect() as conn:
        actions = [
            a
            for (a,) in conn.execute(
                text("SELECT action FROM audit WHERE email = :e"), {"e": email}
            )
        ]
    assert "auth.password_reset_sent" in actions and "auth.password_reset" in actions


def test_expired_link_and_throttling(mail_home: tuple[SignInHome, Sink]) -> None:
    home, sink = mail_home
    email = "expired.link@example.kr"
    user = home.user(email)
    token = home.accounts.create_reset(user.id, minutes=0)  # expired at once
    time.sleep(1.1)
    r = home.browser().get(f"/login/reset?token={token}")
    assert r.status_code == 400 and "만료되었습니다" in r.text
    # at most 3 e-mails an hour to one address: the 4th request answers the same, sends none
    before = len(sink.messages)
    answers = [_ask(home, email).status_code for _ in range(4)]
    assert answers == [200] * 4
    _wait_for(sink, before + 3)
    time.sleep(0.3)
    assert len(sink.messages) == before + 3
    # one client address: 10 requests an hour, then 429
    statuses = [_ask(home, f"p{i}@example.kr").status_code for i in range(8)]
    assert statuses[-1] == 429 and "로그인 시도가 너무 많습니다" in _ask(home, "x@example.kr").text
