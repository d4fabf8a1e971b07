"""One conformance suite every registered connector passes (DESIGN.md example 11): identity,
limits as data counted in a known unit, declared settings and secrets, ``resolve()`` turning
any exception into a :class:`Resolution` whose reason the catalogue can say, and capabilities
that are all-or-nothing (a class never has half of a protocol)."""

from __future__ import annotations

import httpx
import pytest

from socialops.connectors import oauth
from socialops.connectors.core import (
    CanPublish,
    CanReadMetrics,
    CanRefresh,
    Connector,
    ConnectorFailure,
    OutgoingPost,
    PlatformLimits,
    Resolution,
)
from socialops.connectors.registry import REGISTRY
from socialops.domain.text_length import UNITS
from socialops.i18n import has, t

ACTIONS = {"ok", "retry", "rate_limited", "refresh_auth", "disconnect", "fail"}
CAPABILITIES: dict[type, tuple[str, ...]] = {
    CanPublish: ("publish", "find", "delete"),
    CanRefresh: ("expires_at", "refresh"),
    CanReadMetrics: ("metrics",),
}
PLATFORMS = REGISTRY.platforms()


def connector(platform: str) -> Connector:
    cls = REGISTRY.get(platform)
    assert cls is not None
    settings = {k: "https://example.test" for k in cls.settings_keys}
    return cls(settings, {k: "x" for k in cls.secret_keys})


def test_the_platforms_of_this_issue_are_registered() -> None:
    assert {"x", "facebook", "instagram", "threads", "mastodon", "bluesky", "manual"} <= set(
        PLATFORMS
    )


@pytest.mark.parametrize("platform", PLATFORMS)
def test_identity_limits_and_keys(platform: str) -> None:
    cls = REGISTRY.get(platform)
    assert cls is not None and issubclass(cls, Connector)
    assert cls.platform == platform
    assert isinstance(cls.limits, PlatformLimits)
    unit = "x_weighted" if cls.limits.count == "weighted" else cls.limits.count
    assert unit in UNITS
    assert cls.limits.measure("안녕 https://example.kr/a") > 0
    assert cls.limits.max_chars is None or cls.limits.max_chars > 0
    for keys in (cls.secret_keys, cls.settings_keys):
        assert all(isinstance(k, str) and k for k in keys)
        assert len(set(keys)) == len(keys)
    assert isinstance(cls.limits_for({}), PlatformLimits)


@pytest.mark.parametrize("platform", PLATFORMS)
def test_resolve_gives_a_resolution_the_catalogue_can_say(platform: str) -> None:
    c = connector(platform)
    for exc in (Exception("boom"), RuntimeError("x"), ValueError("y")):
        res = c.resolve(exc)
        assert isinstance(res, Resolution) and res.action in ACTIONS
        assert has(f"publish.reason.{res.code}"), res.code
    if isinstance(c, CanPublish):
        mine = Resolution("rate_limited", "rate_limited", 42.0, "told")
        assert c.resolve(ConnectorFailure(mine)) == mine


@pytest.mark.parametrize("platform", PLATFORMS)
def test_capabilities_are_all_or_nothing(platform: str) -> None:
    c = connector(platform)
    for protocol, methods in CAPABILITIES.items():
        present = [m for m in methods if callable(getattr(c, m, None))]
        assert present in ([], list(methods)), (protocol.__name__, present)
        assert isinstance(c, protocol) == bool(present)
    if isinstance(c, CanPublish):
        assert c.limits_for(c.settings).validate(OutgoingPost("")) != []  # empty is refused


def test_every_reason_of_the_shared_http_translation_is_in_the_catalogue() -> None:
    answers = [
        httpx.Response(429, headers={"retry-after": "5"}),
        httpx.Response(500),
        httpx.Response(408),
        httpx.Response(401),
        httpx.Response(403, json={"detail": "duplicate content"}),
        httpx.Response(403, json={"detail": "missing scope"}),
        httpx.Response(400, json={"error": "invalid_grant"}),
        httpx.Response(400, json={"error": "invalid_token"}),
        httpx.Response(422, json={"detail": "bad"}),
    ]
    for code, sub in ((190, 463), (190, None), (10, None), (4, None), (1, None), (368, None)):
        answers.append(httpx.Response(400, json={"error": {"code": code, "error_subcode": sub}}))
    answers.append(httpx.Response(400, json={"error": {"code": 506}}))
    answers.append(httpx.Response(400, json={"error": {"code": 9007, "error_subcode": 2207027}}))
    codes = {oauth.resolve_response(a, can_refresh=r).code for a in answers for r in (True, False)}
    codes |= {oauth.resolve_http(e).code for e in (httpx.ReadTimeout("t"), KeyError("k"))}
    codes |= {"media_failed", "media_processing", "media_url", "cannot_delete"}
    missing = sorted(c for c in codes if not has(f"publish.reason.{c}"))
    assert not missing
    for c in codes:
        for lang in ("ko", "en"):
            assert "{" not in t(f"publish.reason.{c}", lang, detail="d")
