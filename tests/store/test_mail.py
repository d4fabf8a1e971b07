"""The SMTP sender against a real local server (aiosmtpd): plain text with an HTML alternative,
a login with the password from the environment only, and every failure sorted into temporary
(try again) or permanent, its text free of the password."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from socialops.store.mail import (
    PASSWORD_ENV,
    PermanentMailError,
    TemporaryMailError,
    scrub,
    send_mail,
)


class Server:
    """Keeps what it accepts; refuses ``bad@`` recipients (550) and, when ``busy``, answers
    DATA with a temporary 451."""

    def __init__(self) -> None:
        self.messages: list[Any] = []
        self.busy = False

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address.startswith("bad@"):
            return "550 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.busy:
            return "451 try again later"
        self.messages.append(envelope)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture()
def server() -> Iterator[tuple[Server, dict[str, Any]]]:
    logins: list[tuple[bytes, bytes]] = []

    def check(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        assert isinstance(data, LoginPassword)
        logins.append((data.login, data.password))
        return AuthResult(success=data.password == b"s3cret-pw")

    handler, port = Server(), free_port()
    controller = Controller(
        handler, hostname="127.0.0.1", port=port, authenticator=check, auth_require_tls=False
    )
    controller.start()
    try:
        yield handler, {"host": "127.0.0.1", "port": port, "from": "report@so.kr", "logins": logins}
    finally:
        controller.stop()


def test_text_and_html_are_delivered(server: tuple[Server, dict[str, Any]]) -> None:
    handler, cfg = server
    send_mail(cfg, "kim@example.kr", "주간 보고서", "본문입니다", html="<p>본문 <b>HTML</b></p>")
    [env] = handler.messages
    assert env.rcpt_tos == ["kim@example.kr"] and env.mail_from == "report@so.kr"
    msg = message_from_bytes(env.content, policy=policy.default)
    assert msg["Subject"] == "주간 보고서" and msg["Message-ID"]
    plain, rich = msg.get_body(("plain",)), msg.get_body(("html",))
    assert plain is not None and rich is not None
    assert plain.get_content().strip() == "본문입니다"
    assert "<b>HTML</b>" in rich.get_content()


def test_login_uses_the_password_from_the_environment(
    server: tuple[Server, dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    handler, cfg = server
    cfg = {**cfg, "user": "report@so.kr"}
    monkeypatch.setenv(PASSWORD_ENV, "s3cret-pw")
    send_mail(cfg, "kim@example.kr", "s", "b")
    assert cfg["logins"] == [(b"report@so.kr", b"s3cret-pw")] and len(handler.messages) == 1
    monkeypatch.delenv(PASSWORD_ENV)  # no password: no login is tried (none stored anywhere)
    send_mail(cfg, "lee@example.kr", "s", "b")
    assert len(cfg["logins"]) == 1 and len(handler.messages) == 2


def test_failures_are_temporary_or_permanent(server: tuple[Server, dict[str, Any]]) -> None:
    handler, cfg = server
    with pytest.raises(PermanentMailError, match="recipient refused"):
        send_mail(cfg, "bad@example.kr", "s", "b")
    handler.busy = True
    with pytest.raises(TemporaryMailError, match="451"):
        send_mail(cfg, "kim@example.kr", "s", "b")
    with pytest.raises(PermanentMailError, match="not set up"):
        send_mail({}, "kim@example.kr", "s", "b")
    with pytest.raises(TemporaryMailError, match="ConnectionRefusedError") as err:
        send_mail({"host": "127.0.0.1", "port": free_port()}, "kim@example.kr", "s", "b")
    assert not err.value.permanent
    assert handler.messages == []


def test_scrub_hides_the_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_ENV, "hunter22")
    assert scrub("login hunter22 refused" + "x" * 400) == "login *** refused" + "x" * 283
