"""The KakaoTalk skill endpoint (``/hooks/kakao/{ws}/{profile}``) through the real application:
Korean skill requests in, the v2.0 answer out, the conversation in the inbox; refusals (forged
or missing secret, malformed JSON, a 1 MB body, an unknown address, a replayed callback) are a
4xx and store nothing. One test runs a real uvicorn server on loopback with httpx."""

from __future__ import annotations

import http.server
import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text

from socialops.connectors.kakao import HOOK_HEADER, new_secret
from socialops.connectors.profiles import connect
from socialops.engage.conversations import list_conversations
from socialops.store.workspace import Workspace
from socialops.web.app import create_app


@dataclass
class Hook:
    app: FastAPI
    client: TestClient
    ws: Workspace
    url: str
    secret: str

    def post(self, body: Any, secret: str | None = None, **kw: Any) -> httpx.Response:
        headers = {HOOK_HEADER: self.secret if secret is None else secret}
        if isinstance(body, bytes):
            return self.client.post(self.url, content=body, headers=headers, **kw)
        return self.client.post(self.url, json=body, headers=headers, **kw)


def skill(utterance: str, user: str = "botuser-1", **extra: Any) -> dict[str, Any]:
    """A skill request as Kakao sends it (korean-channels.md)."""
    req: dict[str, Any] = {
        "timezone": "Asia/Seoul",
        "params": {"surface": "Kakaotalk.plusfriend"},
        "block": {"id": "blk", "name": "폴백 블록"},
        "utterance": utterance,
        "lang": "kr",
        "user": {"id": user, "type": "botUserKey", "properties": {"plusfriendUserKey": "pf"}},
        **extra,
    }
    return {
        "intent": {"id": "blk", "name": "폴백 블록"},
        "userRequest": req,
        "bot": {"id": "bot-1", "name": "상담봇"},
        "action": {"id": "a", "name": "socialops", "params": {}, "detailParams": {}},
        "contexts": [],
    }


def _count(ws: Workspace, table: str) -> int:
    with ws.connect() as conn:
        return int(conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one())


@pytest.fixture
def hook(tmp_path: Path, database: str) -> Iterator[Hook]:
    home = tmp_path / "home"
    app = create_app(home)
    ws = Workspace.open(home)
    secret = new_secret()
    p = connect(ws, name="카카오 상담", platform="kakao", settings={}, secrets={"secret": secret})
    with TestClient(app) as client:
        yield Hook(app, client, ws, f"/hooks/kakao/main/{p.profile_id}", secret)


def test_korean_message_answered_and_in_the_inbox(hook: Hook) -> None:
    r = hook.post(skill("카드를 잃어버렸어요. 분실 신고 어떻게 하나요?"))
    assert r.status_code == 200, r.text
    answer = r.json()
    assert answer["version"] == "2.0"
    outputs = answer["template"]["outputs"]
    first = outputs[0]["simpleText"]["text"]
    assert "접수" in first
    rows = list_conversations(hook.ws, channel="kakao")
    assert len(rows) == 1
    row = rows[0]
    assert row.case_id is not None and str(row.case_id) in first  # the case number is quoted
    assert "분실" in row.last_message
    labels = [q["label"] for q in answer["template"]["quickReplies"]]
    assert labels == ["답변 확인"]
    # the same user again: the same conversation, a receipt instead of the first answer
    r2 = hook.post(skill("언제 답변 받을 수 있나요?"))
    assert r2.status_code == 200
    assert "전달" in r2.json()["template"]["outputs"][0]["simpleText"]["text"]
    assert len(list_conversations(hook.ws, channel="kakao")) == 1
    assert _count(hook.ws, "messages") == 2
    # another user: another conversation
    hook.post(skill("안녕하세요", user="botuser-2"))
    assert len(list_conversations(hook.ws, channel="kakao")) == 2


def test_check_quick_reply_is_not_a_message(hook: Hook) -> None:
    hook.post(skill("환불 문의드립니다"))
    before = _count(hook.ws, "messages")
    r = hook.post(skill("답변 확인"))
    assert r.status_code == 200
    assert "아직" in r.json()["template"]["outputs"][0]["simpleText"]["text"]
    assert _count(hook.ws, "messages") == before


def test_workspace_welcome_setting(hook: Hook) -> None:
    with hook.ws.begin() as conn:
        conn.execute(
            text("INSERT INTO inbox_settings (key, value, updated_at) VALUES (:k, :v, 'now')"),
            {"k": "kakao_welcome", "v": '{"ko": "접수번호 {case}번으로 받았습니다 {괄호}"}'},
        )
    r = hook.post(skill("계좌 이체가 안 돼요"))
    text_ = r.json()["template"]["outputs"][0]["simpleText"]["text"]
    case = list_conversations(hook.ws, channel="kakao")[0].case_id
    assert text_ == f"접수번호 {case}번으로 받았습니다 {{괄호}}"


@pytest.mark.parametrize(
    ("secret", "body", "status", "code"),
    [
        ("forged-secret-" + "x" * 40, None, 401, "hook.unauthorised"),
        ("", None, 401, "hook.unauthorised"),
        (None, b'{"userRequest": {"utterance": "\xec\x95\x88', 400, "hook.malformed"),
        (None, b"not json at all", 400, "hook.malformed"),
        (None, {"userRequest": {"utterance": "안녕"}}, 400, "hook.malformed"),
        (None, [1, 2, 3], 400, "hook.malformed"),
    ],
)
def test_refusals_store_nothing(
    hook: Hook, secret: str | None, body: Any, status: int, code: str
) -> None:
    r = hook.post(skill("비밀번호를 잊었어요") if body is None else body, secret=secret)
    assert r.status_code == status, r.text
    assert r.json()["error"]["code"] == code
    assert _count(hook.ws, "messages") == 0
    assert _count(hook.ws, "conversations") == 0


def test_one_megabyte_body_refused(hook: Hook) -> None:
    big = skill("가" * 10) | {"padding": "x" * 2**20}
    r = hook.post(json.dumps(big).encode())
    assert r.status_code == 413
    assert _count(hook.ws, "messages") == 0


def test_unknown_address(hook: Hook) -> None:
    for url in ("/hooks/kakao/nope/" + hook.url.rsplit("/", 1)[1], hook.url + "0"):
        r = hook.client.post(url, json=skill("안녕"), headers={HOOK_HEADER: hook.secret})
        assert r.status_code == 404, url
    # a kakao profile's id under the web chat address is not a web chat
    r = hook.client.post(hook.url.replace("/kakao/", "/webchat/"), json={}, headers={})
    assert r.status_code == 404
    assert _count(hook.ws, "messages") == 0


def test_bot_id_setting(hook: Hook) -> None:
    secret = new_secret()
    p = connect(
        hook.ws,
        name="봇 고정",
        platform="kakao",
        settings={"bot_id": "bot-9"},
        secrets={"secret": secret},
    )
    url = f"/hooks/kakao/main/{p.profile_id}"
    r = hook.client.post(url, json=skill("안녕"), headers={HOOK_HEADER: secret})
    assert r.status_code == 401  # the request names bot-1
    body = skill("안녕")
    body["bot"]["id"] = "bot-9"
    assert hook.client.post(url, json=body, headers={HOOK_HEADER: secret}).status_code == 200


def test_callback_posts_the_template_and_a_replay_is_refused(hook: Hook) -> None:
    """callbackUrl: the answer is useCallback, the template is POSTed to the URL (a loopback
    server standing in for Kakao's), the same one-use URL again is 409 and stores nothing."""
    got: list[dict[str, Any]] = []

    class Kakao(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            size = int(self.headers["Content-Length"])
            got.append(json.loads(self.rfile.read(size)))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Kakao)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        secret = new_secret()
        p = connect(
            hook.ws,
            name="콜백",
            platform="kakao",
            settings={"callback_hosts": "127.0.0.1", "callback_wait_s": "0.5"},
            secrets={"secret": secret},
        )
        url = f"/hooks/kakao/main/{p.profile_id}"
        cb = f"http://127.0.0.1:{server.server_address[1]}/callback/one-time-1"
        body = skill("배송이 안 와요", callbackUrl=cb)
        r = hook.client.post(url, json=body, headers={HOOK_HEADER: secret})
        assert r.status_code == 200, r.text
        assert r.json()["useCallback"] is True and "접수" in r.json()["data"]["text"]
        deadline = time.monotonic() + 10
        while not got and time.monotonic() < deadline:
            time.sleep(0.05)
        assert got and got[0]["version"] == "2.0"
        assert "접수" in got[0]["template"]["outputs"][0]["simpleText"]["text"]
        again = hook.client.post(url, json=body, headers={HOOK_HEADER: secret})
        assert again.status_code == 409
        assert again.json()["error"]["code"] == "hook.replayed"
        assert _count(hook.ws, "messages") == 1
        # a callbackUrl on a host that is neither Kakao's nor allowed: answered directly
        other = skill("다시 문의", callbackUrl="http://10.0.0.1/steal")
        r = hook.client.post(url, json=other, headers={HOOK_HEADER: secret})
        assert r.status_code == 200 and "template" in r.json()
    finally:
        server.shutdown()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_real_server_with_httpx(tmp_path: Path) -> None:
    """uvicorn on a free loopback port, httpx as Kakao: answers, refusals, timing."""
    import uvicorn

    home = tmp_path / "home"
    app = create_app(home)
    ws = Workspace.open(home)
    secret = new_secret()
    p = connect(ws, name="카카오", platform="kakao", settings={}, secrets={"secret": secret})
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.05)
        url = f"http://127.0.0.1:{port}/hooks/kakao/main/{p.profile_id}"
        with httpx.Client(timeout=10) as client:
            took = []
            for i in range(20):
                t0 = time.perf_counter()
                r = client.post(
                    url,
                    json=skill(f"문의 {i}번: 적금 해지 방법", user=f"u{i % 4}"),
                    headers={HOOK_HEADER: secret},
                )
                took.append(time.perf_counter() - t0)
                assert r.status_code == 200, r.text
                assert r.json()["template"]["outputs"]
            forged = client.post(url, json=skill("x"), headers={HOOK_HEADER: "forged" * 8})
            assert forged.status_code == 401
            big = client.post(
                url,
                content=b"{" + b" " * 2**20 + b"}",
                headers={HOOK_HEADER: secret, "content-type": "application/json"},
            )
            assert big.status_code == 413
        assert len(list_conversations(ws, channel="kakao")) == 4
        assert _count(ws, "messages") == 20
        assert sorted(took)[-2] < 5.0  # Kakao's limit, with room (the bench measures p99)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
