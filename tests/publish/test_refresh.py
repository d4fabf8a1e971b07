"""Token refresh before use, through the real worker, profiles and encrypted secrets, with a small
OAuth-like connector registered under a test platform name (its "server" is a class-level
token table): a token about to expire is refreshed and the new secrets are stored encrypted
BEFORE the connector uses them; a call answered ``refresh_auth`` refreshes and retries once; a
refused refresh token marks the profile ``needs_reauth`` and its posts wait."""

from __future__ import annotations

import secrets as pysecrets
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import ClassVar

import pytest
from sqlalchemy import text

from socialops.connectors import profiles as prof
from socialops.connectors.core import (
    Connector,
    ConnectorFailure,
    Identity,
    OutgoingPost,
    PlatformLimits,
    Published,
    Resolution,
)
from socialops.connectors.registry import REGISTRY
from socialops.publish import queue
from socialops.publish.worker import run_worker
from socialops.store.secrets import decrypt
from socialops.store.workspace import Workspace


def _in(seconds: float) -> str:
    return (datetime.now(UTC) + timedelta(seconds=seconds)).isoformat()


class OAuthPlatform(Connector):
    """Access tokens that the "server" accepts (``valid``), refresh tokens it honours
    (``refreshable``); every refresh rotates both. ``stored_at_use`` records, at each publish,
    whether the token in use is the one stored in the workspace (set ``ws``)."""

    platform: ClassVar[str] = "test-oauth"
    limits: ClassVar[PlatformLimits] = PlatformLimits(max_chars=300)
    valid: ClassVar[set[str]] = set()
    refreshable: ClassVar[set[str]] = set()
    refreshes: ClassVar[list[str]] = []
    sent: ClassVar[dict[str, str]] = {}
    stored_at_use: ClassVar[list[bool]] = []
    ws: ClassVar[Workspace | None] = None

    def __init__(self, settings: Mapping[str, str], secrets: Mapping[str, str]) -> None:
        super().__init__(settings, secrets)

    def check(self) -> Identity:
        return Identity(account_id="oauth-1", handle="brand")

    def expires_at(self) -> str | None:
        return self._secrets.get("expires_at")

    def refresh(self) -> dict[str, str]:
        old = self._secrets.get("refresh_token", "")
        if old not in self.refreshable:
            raise ConnectorFailure(Resolution("disconnect", "auth", detail="invalid_grant"))
        self.refreshable.discard(old)
        new = {
            "access_token": "at-" + pysecrets.token_hex(4),
            "refresh_token": "rt-" + pysecrets.token_hex(4),
            "expires_at": _in(3600),
        }
        self.valid.add(new["access_token"])
        self.refreshable.add(new["refresh_token"])
        self.refreshes.append(new["access_token"])
        return new

    def publish(self, post: OutgoingPost, key: str) -> Published:
        token = self._secrets.get("access_token", "")
        if token not in self.valid:
            raise ConnectorFailure(Resolution("refresh_auth", "expired_token"))
        assert self.ws is not None
        with self.ws.connect() as conn:
            sealed = conn.execute(text("SELECT secret FROM profiles")).scalar_one()
        self.stored_at_use.append(decrypt(self.ws.root, sealed)["access_token"] == token)
        self.sent.setdefault(key, post.text)
        return Published(remote_id=key, url=f"https://oauth.test/{key}")

    def find(self, key: str, post: OutgoingPost | None = None) -> Published | None:
        return Published(key, f"https://oauth.test/{key}") if key in self.sent else None

    def delete(self, remote_id: str) -> None:
        self.sent.pop(remote_id, None)


REGISTRY.add(OAuthPlatform)


@pytest.fixture
def brand(workspace: Workspace) -> prof.Profile:
    for table in (OAuthPlatform.valid, OAuthPlatform.refreshable, OAuthPlatform.sent):
        table.clear()
    OAuthPlatform.refreshes.clear()
    OAuthPlatform.stored_at_use.clear()
    OAuthPlatform.ws = workspace
    OAuthPlatform.valid.add("at-0")
    OAuthPlatform.refreshable.add("rt-0")
    return prof.connect(
        workspace,
        name="brand",
        platform="test-oauth",
        settings={},
        secrets={"access_token": "at-0", "refresh_token": "rt-0", "expires_at": _in(120)},
    )


def _stored(ws: Workspace) -> dict[str, str]:
    with ws.connect() as conn:
        return decrypt(ws.root, conn.execute(text("SELECT secret FROM profiles")).scalar_one())


def test_a_token_about_to_expire_is_refreshed_and_stored_before_use(
    workspace: Workspace, brand: prof.Profile
) -> None:
    assert brand.token_expires_at is not None  # connect stored the expiry
    queue.new_posts(workspace, profiles=["brand"], text_="만료 2분 전")
    queue.new_posts(workspace, profiles=["brand"], text_="같은 토큰으로 둘째")
    result = run_worker(workspace, until_idle=True)
    assert (result.published, result.refreshed) == (2, 1)
    [new_token] = OAuthPlatform.refreshes
    stored = _stored(workspace)
    assert stored["access_token"] == new_token and stored["refresh_token"] != "rt-0"
    assert OAuthPlatform.stored_at_use == [True, True]  # used only once stored
    after = prof.get_profile(workspace, "brand")
    assert after.token_expires_at is not None
    left = (datetime.fromisoformat(after.token_expires_at) - datetime.now(UTC)).total_seconds()
    assert 3500 < left <= 3600
    with workspace.connect() as conn:  # encrypted at rest
        assert new_token not in conn.execute(text("SELECT secret FROM profiles")).scalar_one()


def test_a_token_with_time_left_is_not_refreshed(workspace: Workspace, brand: prof.Profile) -> None:
    prof.save_secrets(
        workspace,
        brand.profile_id,
        {"access_token": "at-0", "refresh_token": "rt-0", "expires_at": _in(7200)},
    )
    queue.new_posts(workspace, profiles=["brand"], text_="아직 여유 있음")
    result = run_worker(workspace, until_idle=True)
    assert (result.published, result.refreshed) == (1, 0)
    assert OAuthPlatform.refreshes == []


def test_a_call_answered_refresh_auth_refreshes_and_retries_once(
    workspace: Workspace, brand: prof.Profile
) -> None:
    prof.save_secrets(
        workspace,
        brand.profile_id,
        {"access_token": "at-0", "refresh_token": "rt-0", "expires_at": _in(7200)},
    )
    OAuthPlatform.valid.discard("at-0")  # revoked early by the platform
    [post] = queue.new_posts(workspace, profiles=["brand"], text_="토큰이 일찍 끊김")[1]
    result = run_worker(workspace, until_idle=True)
    assert result.published + result.reconciled == 1 and result.refreshed == 1
    assert len(OAuthPlatform.refreshes) == 1
    assert list(OAuthPlatform.sent.values()) == ["토큰이 일찍 끊김"]
    assert queue.get_post(workspace, post.post_id).state == "published"


def test_a_refused_refresh_marks_the_profile_for_reauthorisation_and_posts_wait(
    workspace: Workspace, brand: prof.Profile
) -> None:
    OAuthPlatform.refreshable.clear()  # the user revoked the app
    [post] = queue.new_posts(workspace, profiles=["brand"], text_="갱신 거부")[1]
    queue.new_posts(workspace, profiles=["brand"], text_="뒤따르는 글")
    result = run_worker(workspace, until_idle=True)
    assert (result.published, result.waiting, result.rounds) == (0, 1, 1)
    profile = prof.get_profile(workspace, "brand")
    assert (profile.status, profile.check_error) == ("needs_reauth", "invalid_grant")
    waiting = queue.get_post(workspace, post.post_id)
    assert (waiting.state, waiting.reason_code) == ("scheduled", "needs_reauth")
    assert run_worker(workspace, until_idle=True).rounds == 0
    assert OAuthPlatform.sent == {}
    # connecting again (new grant) lets both go out, once each
    OAuthPlatform.valid.add("at-9")
    prof.connect(
        workspace,
        name="brand",
        platform="test-oauth",
        settings={},
        secrets={"access_token": "at-9", "refresh_token": "rt-9", "expires_at": _in(3600)},
    )
    with workspace.begin() as conn:
        conn.execute(text("UPDATE publish_posts SET next_try_at = NULL"))
    assert run_worker(workspace, until_idle=True).published == 2
    assert sorted(OAuthPlatform.sent.values()) == ["갱신 거부", "뒤따르는 글"]
