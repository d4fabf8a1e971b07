"""The X connector against recorded X API v2 answers (``recordings/x/``, shapes from the
published reference named in each file's ``_source``), replayed with respx: check, a Korean post
with a link, an image with alt text, reconciling after an ambiguous timeout without a second
post, rate limits, server errors, an expired token refreshed (the new secrets stored encrypted),
a revoked one, metrics and X's weighted length limit."""

from __future__ import annotations

import base64
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import respx
from tests.connectors.recorded import ALT, PNG, Recordings, failure_of, form, png_file
from tests.connectors.recorded import sent_json as sent

from socialops.connectors.core import (
    CanPublish,
    CanReadMetrics,
    CanRefresh,
    ConnectorFailure,
    Media,
    OutgoingPost,
    new_tid,
)
from socialops.connectors.x import API, XConnector
from socialops.store.secrets import decrypt, encrypt

recorded = Recordings("x")
SECRETS = {
    "access_token": "old-access",
    "refresh_token": "old-refresh",
    "client_id": "Y2xpZW50LWlk",
    "expires_at": "2026-12-04T10:00:00+00:00",
}
USER = "1548829204876636160"
TEXT = "겨울 신메뉴 출시! 자세히 보기 https://bomnal.example.kr/menu?utm_source=x"


@pytest.fixture
def x() -> XConnector:
    return XConnector({}, SECRETS)


def test_capabilities() -> None:
    c = XConnector({}, SECRETS)
    assert isinstance(c, CanPublish) and isinstance(c, CanRefresh)
    assert isinstance(c, CanReadMetrics)
    assert c.expires_at() == SECRETS["expires_at"]


def test_check(x: XConnector, respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get(f"{API}/2/users/me").mock(return_value=recorded("users_me"))
    me = x.check()
    assert (me.account_id, me.handle, me.display_name) == (USER, "bomnal_cafe", "봄날 카페")
    assert route.calls[0].request.headers["authorization"] == "Bearer old-access"


def test_publish_korean_text_with_a_link(x: XConnector, respx_mock: respx.MockRouter) -> None:
    route = respx_mock.post(f"{API}/2/tweets").mock(return_value=recorded("create_post"))
    got = x.publish(OutgoingPost(TEXT), new_tid())
    assert got.remote_id == "1867095211232133531"
    assert got.url == "https://x.com/i/web/status/1867095211232133531"
    assert sent(route) == {"text": TEXT}


def test_publish_an_image_with_alt_text(
    x: XConnector, respx_mock: respx.MockRouter, tmp_path: Path
) -> None:
    image, alt = png_file(tmp_path), ALT
    upload = respx_mock.post(f"{API}/2/media/upload").mock(return_value=recorded("media_upload"))
    meta = respx_mock.post(f"{API}/2/media/metadata").mock(return_value=recorded("media_metadata"))
    post = respx_mock.post(f"{API}/2/tweets").mock(return_value=recorded("create_post_with_image"))
    got = x.publish(OutgoingPost("오늘의 라떼 아트", (Media(str(image), alt, "image/png"),)), "k1")
    assert got.remote_id == "1867095211232133599"
    body = sent(upload)
    assert base64.b64decode(body["media"]) == PNG
    assert (body["media_category"], body["media_type"]) == ("tweet_image", "image/png")
    assert sent(meta) == {"id": "1880028106020515840", "metadata": {"alt_text": {"text": alt}}}
    assert sent(post)["media"] == {"media_ids": ["1880028106020515840"]}


def test_a_timeout_is_reconciled_without_a_second_post(
    x: XConnector, respx_mock: respx.MockRouter
) -> None:
    made = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
    key = new_tid(int(made.timestamp() * 1_000_000))
    post = OutgoingPost(TEXT)
    create = respx_mock.post(f"{API}/2/tweets").mock(side_effect=httpx.ReadTimeout("lost"))
    with pytest.raises(ConnectorFailure) as failed:
        x.publish(post, key)
    assert (failed.value.resolution.action, failed.value.resolution.code) == ("retry", "network")
    assert x.resolve(failed.value).action == "retry"
    respx_mock.get(f"{API}/2/users/me").mock(return_value=recorded("users_me"))
    timeline = respx_mock.get(f"{API}/2/users/{USER}/tweets").mock(
        return_value=recorded("user_posts")
    )
    found = x.find(key, post)  # the t.co link differs from the sent URL: still the same post
    assert found is not None and found.remote_id == "1867095211232133531"
    assert timeline.calls[0].request.url.params["start_time"] == "2026-12-04T08:55:00Z"
    assert create.call_count == 1
    # without the post's text it cannot tell, and says so
    assert XConnector({}, SECRETS).find(key) is None
    assert x.find(key, OutgoingPost("한 번도 보낸 적 없는 글")) is None


def test_a_duplicate_refusal_returns_the_earlier_post(
    x: XConnector, respx_mock: respx.MockRouter
) -> None:
    respx_mock.post(f"{API}/2/tweets").mock(return_value=recorded("duplicate"))
    respx_mock.get(f"{API}/2/users/me").mock(return_value=recorded("users_me"))
    respx_mock.get(f"{API}/2/users/{USER}/tweets").mock(return_value=recorded("user_posts"))
    assert x.publish(OutgoingPost(TEXT), "k").remote_id == "1867095211232133531"
    res = failure_of(lambda: x.publish(OutgoingPost("새 글인데 중복이라고 한다"), "k2"))
    assert (res.action, res.code) == ("fail", "duplicate")


def test_rate_limits_wait_as_long_as_x_says(x: XConnector, respx_mock: respx.MockRouter) -> None:
    route = respx_mock.post(f"{API}/2/tweets")
    route.mock(return_value=recorded("too_many_requests"))
    res = failure_of(lambda: x.publish(OutgoingPost("안녕"), "k"))
    assert (res.action, res.code, res.retry_after) == ("rate_limited", "rate_limited", 120.0)
    reset = int(time.time()) + 900
    route.mock(
        return_value=recorded("too_many_requests_reset", **{"x-rate-limit-reset": str(reset)})
    )
    wait = failure_of(lambda: x.publish(OutgoingPost("안녕"), "k")).retry_after
    assert wait is not None and 890 <= wait <= 900


def test_server_errors_are_retried(x: XConnector, respx_mock: respx.MockRouter) -> None:
    respx_mock.post(f"{API}/2/tweets").mock(return_value=recorded("service_unavailable"))
    res = failure_of(lambda: x.publish(OutgoingPost("안녕"), "k"))
    assert (res.action, res.code) == ("retry", "server")


def test_an_expired_token_is_refreshed_and_the_new_secrets_stored(
    x: XConnector, respx_mock: respx.MockRouter, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOCIALOPS_SECRET_KEY", raising=False)
    monkeypatch.delenv("SOCIALOPS_SECRET_KEY_FILE", raising=False)
    create = respx_mock.post(f"{API}/2/tweets")
    create.mock(return_value=recorded("unauthorized"))
    res = failure_of(lambda: x.publish(OutgoingPost("안녕"), "k"))
    assert (res.action, res.code) == ("refresh_auth", "expired_token")
    token = respx_mock.post(f"{API}/2/oauth2/token").mock(return_value=recorded("token_refreshed"))
    before = datetime.now(UTC)
    new = x.refresh()
    assert form(token, 0) == {
        "grant_type": "refresh_token",
        "refresh_token": "old-refresh",
        "client_id": SECRETS["client_id"],
    }
    assert new["access_token"] == "bWRjZDBnUE5ld0FjY2Vzc1Rva2Vu"
    assert new["refresh_token"] == "bWRjZDBnUE5ld1JlZnJlc2hUb2tlbg"  # X rotates it
    left = (datetime.fromisoformat(new["expires_at"]) - before).total_seconds()
    assert 7190 <= left <= 7201
    assert new["client_id"] == SECRETS["client_id"]
    # stored encrypted, read back, and the next call carries the new token
    stored = encrypt(tmp_path, new)
    assert "bWRjZDBnUE5ld0FjY2Vzc1Rva2Vu" not in stored
    again = XConnector({}, decrypt(tmp_path, stored))
    create.mock(return_value=recorded("create_post"))
    again.publish(OutgoingPost(TEXT), "k")
    assert create.calls[-1].request.headers["authorization"] == f"Bearer {new['access_token']}"
    x.publish(OutgoingPost(TEXT), "k")  # the refreshed connector itself uses it too
    assert create.calls[-1].request.headers["authorization"] == f"Bearer {new['access_token']}"


def test_a_revoked_refresh_token_disconnects(x: XConnector, respx_mock: respx.MockRouter) -> None:
    respx_mock.post(f"{API}/2/oauth2/token").mock(return_value=recorded("token_revoked"))
    res = failure_of(x.refresh)
    assert (res.action, res.code) == ("disconnect", "auth")
    assert "Value passed for the token was invalid" in res.detail


def test_metrics(x: XConnector, respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get(f"{API}/2/tweets").mock(return_value=recorded("posts_metrics"))
    got = x.metrics(["1867095211232133531", "1867095211232133000"])
    assert list(got) == ["1867095211232133531"]  # the deleted one is left out
    m = got["1867095211232133531"]
    assert (m.likes, m.replies, m.reposts, m.views) == (27, 3, 4 + 1, 1534)
    assert route.calls[0].request.url.params["tweet.fields"] == "public_metrics"


def test_delete_and_an_already_deleted_post(x: XConnector, respx_mock: respx.MockRouter) -> None:
    route = respx_mock.delete(f"{API}/2/tweets/1867095211232133531")
    route.mock(return_value=recorded("delete_post"))
    x.delete("1867095211232133531")
    route.mock(return_value=httpx.Response(404, json={"title": "Not Found Error"}))
    x.delete("1867095211232133531")


def test_weighted_length_limit() -> None:
    limits = XConnector.limits
    assert not limits.validate(OutgoingPost("가" * 140))
    [problem] = limits.validate(OutgoingPost("가" * 141))
    assert problem.code == "publish.too_long" and problem.params == {"count": 282, "limit": 280}
    assert (
        limits.measure("봄 세일 https://example.kr/a/very/long/path?utm_source=x")
        == 2 + 1 + 4 + 1 + 23
    )
