"""Connecting through the platform's consent page: the consent URL (PKCE S256, state, scopes),
the code traded for tokens at the token endpoint exactly as X's reference shows (replayed with
respx), the profile connected and checked with the tokens stored encrypted, a request used once
and only within 15 minutes, and clear refusals (no app set up, a platform without this flow, a
refused code)."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
import respx
from sqlalchemy import text

from socialops.connectors.profiles import get_profile
from socialops.errors import PublishError
from socialops.publish import oauth_connect
from socialops.store.secrets import decrypt
from socialops.store.workspace import Workspace

REC = Path(__file__).resolve().parents[1] / "connectors" / "recordings"
REDIRECT = "http://127.0.0.1:8000/oauth/callback"


def _rec(platform: str, name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((REC / platform / f"{name}.json").read_text("utf-8"))
    return data["response"]


@pytest.fixture
def x_app(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOCIALOPS_OAUTH_X_CLIENT_ID", "cid-123")
    monkeypatch.setenv("SOCIALOPS_OAUTH_X_CLIENT_SECRET", "csecret-456")


def _begin(ws: Workspace) -> tuple[str, dict[str, list[str]]]:
    url = oauth_connect.begin(
        ws, slug="main", platform="x", name="브랜드 X", settings={}, redirect_uri=REDIRECT
    )
    query = parse_qs(urlparse(url).query)
    return url, query


def test_the_consent_url_carries_state_scopes_and_a_pkce_challenge(
    workspace: Workspace, x_app: None
) -> None:
    url, q = _begin(workspace)
    assert url.startswith("https://x.com/i/oauth2/authorize?")
    assert q["client_id"] == ["cid-123"] and q["redirect_uri"] == [REDIRECT]
    assert "offline.access" in q["scope"][0].split() and q["code_challenge_method"] == ["S256"]
    state = q["state"][0]
    assert oauth_connect.workspace_of_state(state) == "main"
    with workspace.connect() as conn:
        verifier = conn.execute(
            text("SELECT verifier FROM oauth_pending WHERE state = :s"), {"s": state}
        ).scalar_one()
    digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
    assert q["code_challenge"] == [digest.decode()]
    assert "csecret-456" not in url


@respx.mock
def test_the_code_becomes_a_checked_profile_with_encrypted_tokens(
    workspace: Workspace, x_app: None
) -> None:
    _url, q = _begin(workspace)
    state = q["state"][0]
    token = respx.post("https://api.x.com/2/oauth2/token").mock(
        return_value=httpx.Response(**_resp(_rec("x", "token_from_code")))
    )
    respx.get("https://api.x.com/2/users/me").mock(
        return_value=httpx.Response(**_resp(_rec("x", "users_me")))
    )
    profile = oauth_connect.complete(workspace, state=state, code="the-code")
    sent = parse_qs(token.calls.last.request.content.decode())
    assert sent["grant_type"] == ["authorization_code"] and sent["code"] == ["the-code"]
    assert sent["redirect_uri"] == [REDIRECT] and len(sent["code_verifier"][0]) >= 43
    assert token.calls.last.request.headers["authorization"].startswith("Basic ")
    assert profile.platform == "x" and profile.name == "브랜드 X" and profile.status == "active"
    assert profile.token_expires_at  # tracked, refreshed before use
    with workspace.connect() as conn:
        sealed = conn.execute(
            text("SELECT secret FROM profiles WHERE profile_id = :p"), {"p": profile.profile_id}
        ).scalar_one()
    assert "VGhpc0lzQW5BY2Nlc3NUb2tlbkZyb21Db2Rl" not in sealed
    stored = decrypt(workspace.root, sealed)
    assert stored["refresh_token"] == "VGhpc0lzQVJlZnJlc2hUb2tlbkZyb21Db2Rl"
    assert stored["client_id"] == "cid-123"
    assert "VGhpc0lz" not in json.dumps(get_profile(workspace, profile.name).to_dict())
    with pytest.raises(PublishError) as again:  # a request is used once
        oauth_connect.complete(workspace, state=state, code="the-code")
    assert again.value.code == "oauth.unknown_state"


def _resp(rec: dict[str, Any]) -> dict[str, Any]:
    return {"status_code": rec["status"], "headers": rec.get("headers", {}), "json": rec["json"]}


def test_an_old_request_is_refused(workspace: Workspace, x_app: None) -> None:
    _url, q = _begin(workspace)
    with workspace.begin() as conn:
        conn.execute(text("UPDATE oauth_pending SET created_at = '2000-01-01T00:00:00+00:00'"))
    with pytest.raises(PublishError) as old:
        oauth_connect.complete(workspace, state=q["state"][0], code="c")
    assert old.value.code == "oauth.expired"


def test_refusals_are_clear(workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOCIALOPS_OAUTH_X_CLIENT_ID", raising=False)
    with pytest.raises(PublishError) as no_app:
        oauth_connect.begin(
            workspace, slug="main", platform="x", name="n", settings={}, redirect_uri=REDIRECT
        )
    assert no_app.value.code == "oauth.no_client"
    assert "SOCIALOPS_OAUTH_X_CLIENT_ID" in no_app.value.text("en")
    with pytest.raises(PublishError) as meta:
        oauth_connect.begin(
            workspace,
            slug="main",
            platform="facebook",
            name="n",
            settings={},
            redirect_uri=REDIRECT,
        )
    assert meta.value.code == "oauth.unsupported"
    assert oauth_connect.workspace_of_state("main.short") is None


@respx.mock
def test_a_refused_code_connects_nothing(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOCIALOPS_OAUTH_NAVER_CAFE_CLIENT_ID", "naver-id")
    monkeypatch.setenv("SOCIALOPS_OAUTH_NAVER_CAFE_CLIENT_SECRET", "naver-secret")
    url = oauth_connect.begin(
        workspace,
        slug="main",
        platform="naver-cafe",
        name="카페",
        settings={"club_id": "123", "menu_id": "4"},
        redirect_uri=REDIRECT,
    )
    q = parse_qs(urlparse(url).query)
    assert url.startswith("https://nid.naver.com/oauth2.0/authorize?") and "code_challenge" not in q
    respx.post("https://nid.naver.com/oauth2.0/token").mock(
        return_value=httpx.Response(**_resp(_rec("naver-cafe", "token_from_code_error")))
    )
    with pytest.raises(PublishError) as refused:
        oauth_connect.complete(workspace, state=q["state"][0], code="bad")
    assert "no valid data in session" in refused.value.text("en")
    with workspace.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM profiles")).scalar_one() == 0
