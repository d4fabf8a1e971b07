"""The inbound-only connectors (kakao, webchat): registered, check() local and strict about the
secret, the secret compared exactly, stored encrypted with the profile."""

from __future__ import annotations

import pytest

from socialops.connectors.core import CanPublish, CanReply, ConnectorFailure
from socialops.connectors.kakao import MIN_SECRET, KakaoConnector, new_secret
from socialops.connectors.profiles import build_connector, connect, get_profile
from socialops.connectors.registry import REGISTRY
from socialops.connectors.webchat import WebchatConnector
from socialops.errors import PublishError
from socialops.store.workspace import Workspace


def test_registered_and_inbound_only() -> None:
    assert REGISTRY.get("kakao") is KakaoConnector
    assert REGISTRY.get("webchat") is WebchatConnector
    k = KakaoConnector({}, {"secret": new_secret()})
    assert not isinstance(k, CanPublish) and not isinstance(k, CanReply)


def test_check_is_local_and_wants_a_long_secret() -> None:
    good = new_secret()
    assert len(good) >= MIN_SECRET
    assert KakaoConnector({}, {"secret": good}).check().handle == "kakao"
    for bad in ({}, {"secret": ""}, {"secret": "short-secret"}):
        with pytest.raises(ConnectorFailure) as exc:
            KakaoConnector({}, bad).check()
        assert exc.value.resolution.code == "hook_secret"
    with pytest.raises(ConnectorFailure):  # a web chat needs its signing secret too
        WebchatConnector({}, {"secret": good}).check()
    WebchatConnector({}, {"secret": good, "signing_secret": new_secret()}).check()


def test_accepts_only_the_exact_secret() -> None:
    secret = new_secret()
    k = KakaoConnector({}, {"secret": secret})
    assert k.accepts(secret)
    assert not k.accepts(secret[:-1])
    assert not k.accepts(secret + "x")
    assert not k.accepts("")
    assert not k.accepts(None)
    # a profile with no usable secret accepts nothing, not even an empty header
    assert not KakaoConnector({}, {"secret": ""}).accepts("")


def test_origins_setting() -> None:
    w = WebchatConnector({"origins": "https://a.example.kr/, https://b.example.kr"}, {})
    assert w.origins() == ["https://a.example.kr", "https://b.example.kr"]
    assert WebchatConnector({}, {}).origins() == []


def test_connect_stores_the_secret_encrypted(workspace: Workspace) -> None:
    secret = new_secret()
    p = connect(
        workspace, name="카카오 채널", platform="kakao", settings={}, secrets={"secret": secret}
    )
    assert get_profile(workspace, p.profile_id).platform == "kakao"
    with workspace.connect() as conn:
        from sqlalchemy import text

        stored = conn.execute(
            text("SELECT secret FROM profiles WHERE profile_id = :p"), {"p": p.profile_id}
        ).scalar_one()
    assert secret not in stored
    conn_ = build_connector(workspace, p)
    assert isinstance(conn_, KakaoConnector) and conn_.accepts(secret)
    with pytest.raises(PublishError):  # a short secret is refused before anything is saved
        connect(workspace, name="k2", platform="kakao", settings={}, secrets={"secret": "x"})
