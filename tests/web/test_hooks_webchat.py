"""The web chat endpoint (``/hooks/webchat/{ws}/{profile}``): a visitor's Korean message stored
once per message id, the widget's key and origins (CORS), the server-to-server HMAC signature
with a one-time nonce (a replay is 409 and stores nothing), the session's messages."""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from socialops.connectors.kakao import HOOK_HEADER, new_secret
from socialops.connectors.profiles import connect
from socialops.connectors.webchat import (
    NONCE_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
)
from socialops.engage.webchat import signature
from socialops.store.workspace import Workspace
from socialops.web.app import create_app

SITE = "https://www.example.co.kr"


@dataclass
class Chat:
    client: TestClient
    ws: Workspace
    url: str
    key: str
    signing: str

    def signed(self, body: bytes, *, nonce: str | None = None, at: int | None = None) -> Any:
        stamp = str(at if at is not None else int(time.time()))
        nonce = nonce or secrets.token_urlsafe(18)
        sig = signature(self.signing.encode(), stamp, nonce, body)
        headers = {
            SIGNATURE_HEADER: sig,
            TIMESTAMP_HEADER: stamp,
            NONCE_HEADER: nonce,
            "content-type": "application/json",
        }
        return self.client.post(self.url, content=body, headers=headers)


def _count(ws: Workspace, table: str = "messages") -> int:
    with ws.connect() as conn:
        return int(conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one())


@pytest.fixture
def chat(tmp_path: Path, database: str) -> Iterator[Chat]:
    home = tmp_path / "home"
    app = create_app(home)
    ws = Workspace.open(home)
    key, signing = new_secret(), new_secret()
    p = connect(
        ws,
        name="홈페이지 상담",
        platform="webchat",
        settings={"origins": SITE},
        secrets={"secret": key, "signing_secret": signing},
    )
    with TestClient(app) as client:
        yield Chat(client, ws, f"/hooks/webchat/main/{p.profile_id}", key, signing)


def msg(mid: str, words: str = "주문한 상품이 아직 안 왔어요", **extra: str) -> dict[str, str]:
    return {"session": "sess-abc123", "message_id": mid, "text": words, **extra}


def test_widget_post_once_per_message_id(chat: Chat) -> None:
    headers = {HOOK_HEADER: chat.key, "Origin": SITE}
    r = chat.client.post(
        chat.url, json=msg("m1", name="김민수", email="minsu@example.com"), headers=headers
    )
    assert r.status_code == 201, r.text
    assert r.headers["access-control-allow-origin"] == SITE
    assert r.json()["created"] is True and r.json()["case_id"] is not None
    again = chat.client.post(chat.url, json=msg("m1"), headers=headers)
    assert again.status_code == 200 and again.json()["created"] is False
    assert _count(chat.ws) == 1
    chat.client.post(chat.url, json=msg("m2", "언제 도착하나요?"), headers=headers)
    got = chat.client.get(chat.url, params={"session": "sess-abc123"}, headers=headers)
    assert got.status_code == 200
    assert [m["id"] for m in got.json()["messages"]] == ["m1", "m2"]
    assert got.json()["messages"][0]["from"] == "visitor"
    with chat.ws.connect() as conn:  # the e-mail stays out of the message and the contact hash
        row = conn.execute(text("SELECT COUNT(*) FROM conversations WHERE channel = 'webchat'"))
        assert row.scalar_one() == 1


def test_refusals(chat: Chat) -> None:
    ok = {HOOK_HEADER: chat.key, "Origin": SITE}
    cases = [
        ({HOOK_HEADER: "forged" * 8, "Origin": SITE}, msg("a"), 401),
        ({"Origin": SITE}, msg("b"), 401),
        ({HOOK_HEADER: chat.key, "Origin": "https://evil.example"}, msg("c"), 403),
        (ok, {"session": "s-1", "text": "no id"}, 400),
        (ok, {"session": "bad session!", "message_id": "x", "text": "t"}, 400),
    ]
    for headers, body, status in cases:
        r = chat.client.post(chat.url, json=body, headers=headers)
        assert r.status_code == status, (body, r.text)
    r = chat.client.post(chat.url, content=b'{"session": ', headers=ok)
    assert r.status_code == 400
    r = chat.client.post(
        chat.url, content=json.dumps(msg("big", "가" * 2**19)).encode(), headers=ok
    )
    assert r.status_code == 413
    assert _count(chat.ws) == 0


def test_preflight(chat: Chat) -> None:
    r = chat.client.options(
        chat.url, headers={"Origin": SITE, "Access-Control-Request-Method": "POST"}
    )
    assert r.status_code == 204 and r.headers["access-control-allow-origin"] == SITE
    r = chat.client.options(chat.url, headers={"Origin": "https://evil.example"})
    assert r.status_code == 403


def test_signed_post_and_replayed_nonce(chat: Chat) -> None:
    body = json.dumps(msg("s1", "카드 결제가 두 번 됐어요"), ensure_ascii=False).encode()
    r = chat.signed(body, nonce="nonce-0000000000001")
    assert r.status_code == 201, r.text
    replay = chat.signed(
        json.dumps(msg("s2", "다른 메시지"), ensure_ascii=False).encode(),
        nonce="nonce-0000000000001",
    )
    assert replay.status_code == 409 and replay.json()["error"]["code"] == "hook.replayed"
    assert _count(chat.ws) == 1
    stale = chat.signed(body, at=int(time.time()) - 3600)
    assert stale.status_code == 401
    now = str(int(time.time()))
    tampered = chat.client.post(
        chat.url,
        content=body.replace("두 번".encode(), "세 번".encode()),
        headers={
            SIGNATURE_HEADER: signature(
                chat.signing.encode(), str(int(time.time())), "n" * 20, body
            ),
            TIMESTAMP_HEADER: now,
            NONCE_HEADER: "n" * 20,
        },
    )
    assert tampered.status_code == 401
    assert _count(chat.ws) == 1
