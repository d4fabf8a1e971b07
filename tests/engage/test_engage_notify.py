"""Inbox notifications against real servers: a local SMTP server (aiosmtpd) and a local HTTP
server for the webhook; the web notification written in the same transaction; retries with
backoff until a failure is final and visible; a crashed sender's row sent again; the SMTP
password never stored. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.header import decode_header, make_header
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import text

from socialops.engage.notify import MAX_ATTEMPTS, deliver_outbound, notify_inbox, outbound_rows
from socialops.engage.settings import put_setting
from socialops.store.notifications import notifications
from socialops.store.workspace import Workspace

KEY = "inbox.alert.sla_breach.first_response"
PARAMS = {"case": 7, "due": "2026-12-07 10:00"}


class Sink:
    """aiosmtpd handler that keeps every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture()
def smtp() -> Iterator[tuple[Sink, int]]:
    sink, port = Sink(), free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


class Hook(ThreadingHTTPServer):
    received: list[dict[str, Any]]
    statuses: list[int]  # answers to give, in order; 200 once used up


class _Handler(BaseHTTPRequestHandler):
    server: Hook

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.received.append(json.loads(body))
        status = self.server.statuses.pop(0) if self.server.statuses else 200
        self.send_response(status)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture()
def hook() -> Iterator[Hook]:
    server = Hook(("127.0.0.1", 0), _Handler)
    server.received, server.statuses = [], []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture()
def ws(database: str, tmp_path: Path) -> Workspace:
    return Workspace.open(tmp_path / "ws")


def url(server: Hook) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}/hook"


def subject(envelope: Any) -> str:
    return str(make_header(decode_header(message_from_bytes(envelope.content)["Subject"])))


def body(envelope: Any) -> str:
    msg = message_from_bytes(envelope.content)
    payload = msg.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode(msg.get_content_charset() or "utf-8")


def test_web_email_and_webhook_notifications_are_delivered(
    ws: Workspace, smtp: tuple[Sink, int], hook: Hook
) -> None:
    sink, port = smtp
    put_setting(
        ws,
        "notify",
        {
            "email": {"host": "127.0.0.1", "port": port, "from": "inbox@bank.example.kr"},
            "webhook": {"url": url(hook), "format": "slack"},
            "base_url": "https://ops.example.kr/w/main",
        },
    )
    with ws.begin() as conn:
        queued = notify_inbox(
            conn,
            "sla_breach",
            users=["kim@bank.example.kr", "manager", "lee@bank.example.kr"],
            key=KEY,
            params=PARAMS,
            link="/inbox/c1",
            langs={"lee@bank.example.kr": "en"},
        )
    assert queued == 3  # two e-mails (the role has no address) and one webhook post
    mine = notifications(ws, user="kim@bank.example.kr", role="agent")
    assert [n.text_ko for n in mine] == ["케이스 #7의 첫 응답 기한(2026-12-07 10:00)을 넘겼습니다."]
    managers = notifications(ws, user="park@bank.example.kr", role="manager")
    assert len(managers) == 1 and managers[0].kind == KEY

    counts = deliver_outbound(ws)
    assert (counts.sent, counts.failed, counts.retried) == (3, 0, 0)
    by_rcpt = {e.rcpt_tos[0]: e for e in sink.messages}
    assert set(by_rcpt) == {"kim@bank.example.kr", "lee@bank.example.kr"}
    assert subject(by_rcpt["kim@bank.example.kr"]).startswith("[인박스] 케이스 #7")
    assert "https://ops.example.kr/w/main/inbox/c1" in body(by_rcpt["kim@bank.example.kr"])
    assert subject(by_rcpt["lee@bank.example.kr"]).startswith("[Inbox] Case #7")
    assert by_rcpt["kim@bank.example.kr"].mail_from == "inbox@bank.example.kr"
    assert hook.received == [
        {
            "text": "케이스 #7의 첫 응답 기한(2026-12-07 10:00)을 넘겼습니다. "
            "https://ops.example.kr/w/main/inbox/c1"
        }
    ]
    assert {r["state"] for r in outbound_rows(ws)} == {"sent"}
    assert deliver_outbound(ws).sent == 0  # nothing is sent twice


def test_kinds_filter_and_plain_json_webhook(ws: Workspace, hook: Hook) -> None:
    put_setting(
        ws, "notify", {"webhook": {"url": url(hook), "format": "json", "kinds": ["crisis"]}}
    )
    with ws.begin() as conn:
        assert notify_inbox(conn, "assigned", users=["kim@x.kr"], key=KEY, params=PARAMS) == 0
        crisis = {"level": 2, "case": 9, "channel": "kakao", "reason": "부정 급증"}
        assert notify_inbox(conn, "crisis", users=[], key="inbox.alert.crisis", params=crisis) == 1
    assert deliver_outbound(ws).sent == 1
    [posted] = hook.received
    assert posted["kind"] == "crisis" and posted["params"] == crisis
    assert posted["text"] == "위기 단계 2: 케이스 #9(kakao) — 부정 급증"
    assert posted["text_en"].startswith("Crisis level 2: case #9")


def test_failures_retry_with_backoff_then_fail_visibly(
    ws: Workspace, hook: Hook, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOCIALOPS_SMTP_PASSWORD", "s3cret-pw-never-logged")
    put_setting(
        ws,
        "notify",
        {
            # nothing listens on this port: connection refused, a passing failure
            "email": {"host": "127.0.0.1", "port": free_port(), "user": "inbox@x.kr"},
            "webhook": {"url": url(hook), "format": "kakaowork"},
        },
    )
    hook.statuses = [503] * MAX_ATTEMPTS
    with ws.begin() as conn:
        notify_inbox(conn, "sla_breach", users=["kim@x.kr"], key=KEY, params=PARAMS)
    now = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)
    counts = deliver_outbound(ws, now=now)
    assert (counts.sent, counts.failed, counts.retried) == (0, 0, 2)
    # not due again before the backoff ends
    counts = deliver_outbound(ws, now=now + timedelta(seconds=29))
    assert (counts.sent, counts.failed, counts.retried) == (0, 0, 0)
    waited = [30, 60, 120, 240]
    for attempt, wait in enumerate(waited, start=2):
        now += timedelta(seconds=wait)
        counts = deliver_outbound(ws, now=now)
        final = attempt == MAX_ATTEMPTS
        assert (counts.failed, counts.retried) == ((2, 0) if final else (0, 2)), attempt
    failed = outbound_rows(ws, state="failed")
    assert {(r["via"], r["attempts"]) for r in failed} == {("email", 5), ("webhook", 5)}
    errors = {r["via"]: r["error"] for r in failed}
    assert errors["webhook"] == "HTTP 503"
    assert "ConnectionRefusedError" in errors["email"]
    assert len(hook.received) == MAX_ATTEMPTS and hook.received[0] == {
        "text": "케이스 #7의 첫 응답 기한(2026-12-07 10:00)을 넘겼습니다."
    }
    with ws.connect() as conn:
        rows = conn.execute(text("SELECT * FROM outbound_notifications")).fetchall()
    everything = json.dumps([list(r) for r in rows], ensure_ascii=False)
    assert "s3cret" not in everything


def test_a_refused_webhook_fails_at_once_and_a_crashed_send_is_resent(
    ws: Workspace, hook: Hook
) -> None:
    put_setting(ws, "notify", {"webhook": {"url": url(hook), "format": "slack"}})
    hook.statuses = [404]
    with ws.begin() as conn:
        notify_inbox(conn, "reply_failed", users=["kim@x.kr"], key=KEY, params=PARAMS)
    counts = deliver_outbound(ws)
    assert (counts.sent, counts.failed, counts.retried) == (0, 1, 0)
    [row] = outbound_rows(ws, state="failed")
    assert (row["attempts"], row["error"]) == (1, "HTTP 404")

    # a worker claimed a row and died: after STALE_AFTER it is queued and sent
    with ws.begin() as conn:
        notify_inbox(conn, "reply_failed", users=["kim@x.kr"], key=KEY, params=PARAMS)
        conn.execute(
            text(
                "UPDATE outbound_notifications SET state = 'sending', sent_at = :at "
                "WHERE state = 'queued'"
            ),
            {"at": "2026-12-07T00:00:00.000000+00:00"},
        )
    early = datetime(2026, 12, 7, 0, 5, tzinfo=UTC)
    assert deliver_outbound(ws, now=early).sent == 0  # may still be on its way
    assert deliver_outbound(ws, now=early + timedelta(minutes=6)).sent == 1
    assert len(hook.received) == 2


def test_smtp_login_uses_the_password_from_the_environment_only(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aiosmtpd.smtp import AuthResult, LoginPassword

    logins: list[tuple[bytes, bytes]] = []

    def check(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        assert isinstance(data, LoginPassword)
        logins.append((data.login, data.password))
        return AuthResult(success=data.password == b"right-pw")

    sink, port = Sink(), free_port()
    controller = Controller(
        sink, hostname="127.0.0.1", port=port, authenticator=check, auth_require_tls=False
    )
    controller.start()
    try:
        put_setting(
            ws, "notify", {"email": {"host": "127.0.0.1", "port": port, "user": "inbox@x.kr"}}
        )
        monkeypatch.setenv("SOCIALOPS_SMTP_PASSWORD", "right-pw")
        with ws.begin() as conn:
            notify_inbox(conn, "assigned", users=["kim@x.kr"], key=KEY, params=PARAMS)
        assert deliver_outbound(ws).sent == 1
        [row] = outbound_rows(ws)
        assert row["state"] == "sent" and "right-pw" not in json.dumps(row, ensure_ascii=False)
    finally:
        controller.stop()
    assert logins == [(b"inbox@x.kr", b"right-pw")]
    assert [e.rcpt_tos for e in sink.messages] == [["kim@x.kr"]]
