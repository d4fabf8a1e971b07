"""The Threads connector against recorded Threads API answers (``recordings/threads/``, shapes
from the reference named in each file's ``_source``), replayed with respx: check, a Korean text
post with an emoji and a link, an image with alt text, reconciling a lost publish without a
second post, rate limits, server errors, the long-lived token refreshed (new secrets stored
encrypted) or refused, metrics, and Threads' own length count."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import respx
from tests.connectors.recorded import ALT, Recordings, failure_of, form

from socialops.connectors.core import (
    CanPublish,
    CanReadMetrics,
    CanRefresh,
    Media,
    OutgoingPost,
    Resolution,
    new_tid,
)
from socialops.connectors.threads import ThreadsConnector
from socialops.store.secrets import decrypt, encrypt

recorded = Recordings("threads")
T = "https://graph.threads.net/v1.0"
U = "25948311112345678"
C = "18050206876707110"
C2 = "18050206876707120"
M = "18050206876707111"
TEXT = "겨울 신메뉴 출시 ☕️ 자세히 보기 https://bomnal.example.kr/menu?utm_source=threads"
SETTINGS = {"user_id": U, "media_base_url": "https://cdn.bomnal.example.kr/media"}
SECRETS = {"access_token": "THQVJold", "expires_at": "2026-12-10T00:00:00+00:00"}


@pytest.fixture
def th() -> ThreadsConnector:
    c = ThreadsConnector(SETTINGS, SECRETS)
    c.poll_s = 0.0
    return c


def published_flow(respx_mock: respx.MockRouter) -> respx.Route:
    respx_mock.get(f"{T}/{C}").mock(return_value=recorded("container_finished"))
    respx_mock.get(f"{T}/{M}").mock(return_value=recorded("permalink"))
    return respx_mock.post(f"{T}/{U}/threads_publish").mock(
        return_value=recorded("threads_publish")
    )


def test_capabilities(th: ThreadsConnector) -> None:
    assert isinstance(th, CanPublish) and isinstance(th, CanReadMetrics)
    assert isinstance(th, CanRefresh) and th.expires_at() == SECRETS["expires_at"]


def test_check_and_the_user_id_from_me(respx_mock: respx.MockRouter) -> None:
    respx_mock.get(f"{T}/me").mock(return_value=recorded("me"))
    me = ThreadsConnector({}, SECRETS).check()
    assert (me.account_id, me.handle, me.display_name) == (U, "bomnal_cafe", "봄날 카페")


def test_publish_korean_text_with_an_emoji_and_a_link(
    th: ThreadsConnector, respx_mock: respx.MockRouter
) -> None:
    create = respx_mock.post(f"{T}/{U}/threads").mock(return_value=recorded("container_text"))
    publish = published_flow(respx_mock)
    got = th.publish(OutgoingPost(TEXT), new_tid())
    assert got.remote_id == M
    assert got.url == "https://www.threads.net/@bomnal_cafe/post/DDc1a2bC3dE"
    assert form(create) == {"media_type": "TEXT", "text": TEXT}
    assert form(publish) == {"creation_id": C}
    assert create.calls[0].request.headers["authorization"] == "Bearer THQVJold"


def test_publish_an_image_with_alt_text(th: ThreadsConnector, respx_mock: respx.MockRouter) -> None:
    alt = ALT
    create = respx_mock.post(f"{T}/{U}/threads").mock(return_value=recorded("container_image"))
    respx_mock.get(f"{T}/{C2}").mock(return_value=recorded("container_finished"))
    respx_mock.get(f"{T}/{M}").mock(return_value=recorded("permalink"))
    publish = respx_mock.post(f"{T}/{U}/threads_publish").mock(
        return_value=recorded("threads_publish")
    )
    media = (Media("/ws/media/latte.png", alt, "image/png"),)
    assert th.publish(OutgoingPost("오늘의 라떼 아트", media), "k").remote_id == M
    assert form(create) == {
        "media_type": "IMAGE",
        "image_url": "https://cdn.bomnal.example.kr/media/latte.png",
        "text": "오늘의 라떼 아트",
        "alt_text": alt,
    }
    assert form(publish) == {"creation_id": C2}


def test_a_lost_publish_answer_is_reconciled_without_a_second_post(
    th: ThreadsConnector, respx_mock: respx.MockRouter
) -> None:
    made = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
    key = new_tid(int(made.timestamp() * 1_000_000))
    create = respx_mock.post(f"{T}/{U}/threads").mock(return_value=recorded("container_text"))
    status = respx_mock.get(f"{T}/{C}").mock(
        side_effect=[recorded("container_in_progress"), recorded("container_finished")]
    )
    publish = respx_mock.post(f"{T}/{U}/threads_publish")
    publish.mock(side_effect=httpx.ReadTimeout("lost"))
    res = failure_of(lambda: th.publish(OutgoingPost(TEXT), key))
    assert (res.action, res.code) == ("retry", "network")
    status.mock(side_effect=None, return_value=recorded("container_published"))
    listing = respx_mock.get(f"{T}/{U}/threads").mock(return_value=recorded("user_threads"))
    found = th.find(key)
    assert found is not None and found.remote_id == M
    assert found.url.endswith("/post/DDc1a2bC3dE")
    assert listing.calls[0].request.url.params["since"] == str(int(made.timestamp()) - 300)
    assert publish.call_count == 1 and create.call_count == 1
    # a connector that never sent it matches by text too
    again = ThreadsConnector(SETTINGS, SECRETS)
    assert again.find(key, OutgoingPost(TEXT)) is not None
    assert again.find(key, OutgoingPost("보낸 적 없는 글")) is None


def failure(th: ThreadsConnector, respx_mock: respx.MockRouter, name: str) -> Resolution:
    respx_mock.post(f"{T}/{U}/threads").mock(return_value=recorded(name))
    return failure_of(lambda: th.publish(OutgoingPost("안녕"), new_tid()))


def test_rate_limits_server_errors_and_token_errors(
    th: ThreadsConnector, respx_mock: respx.MockRouter
) -> None:
    res = failure(th, respx_mock, "too_many_requests")
    assert (res.action, res.retry_after) == ("rate_limited", 90.0)
    res = failure(th, respx_mock, "server_error")
    assert (res.action, res.code) == ("retry", "server")
    # an expired long-lived token cannot be refreshed any more: connect again
    res = failure(th, respx_mock, "token_expired")
    assert (res.action, res.code) == ("disconnect", "token_expired")
    res = failure(th, respx_mock, "unauthorized")
    assert (res.action, res.code) == ("disconnect", "auth")
    # a 401 without Meta's error body: refresh, then try again
    respx_mock.post(f"{T}/{U}/threads").mock(return_value=httpx.Response(401))
    res = failure_of(lambda: th.publish(OutgoingPost("안녕"), new_tid()))
    assert res.action == "refresh_auth"


def test_the_token_is_refreshed_and_the_new_secrets_stored(
    th: ThreadsConnector,
    respx_mock: respx.MockRouter,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("SOCIALOPS_SECRET_KEY", raising=False)
    monkeypatch.delenv("SOCIALOPS_SECRET_KEY_FILE", raising=False)
    route = respx_mock.get("https://graph.threads.net/refresh_access_token").mock(
        return_value=recorded("token_refreshed")
    )
    before = datetime.now(UTC)
    new = th.refresh()
    params = route.calls[0].request.url.params
    assert (params["grant_type"], params["access_token"]) == ("th_refresh_token", "THQVJold")
    assert new["access_token"] == "THQVJYRmRwdTNjZAFRfbmV3TG9uZ0xpdmVk"
    days = (datetime.fromisoformat(new["expires_at"]) - before).total_seconds() / 86400
    assert 59.9 < days < 60.1
    stored = decrypt(tmp_path, encrypt(tmp_path, new))
    create = respx_mock.post(f"{T}/{U}/threads").mock(return_value=recorded("container_text"))
    published_flow(respx_mock)
    again = ThreadsConnector(SETTINGS, stored)
    again.poll_s = 0.0
    again.publish(OutgoingPost(TEXT), "k")
    assert create.calls[-1].request.headers["authorization"] == f"Bearer {new['access_token']}"


def test_a_refused_refresh_disconnects(th: ThreadsConnector, respx_mock: respx.MockRouter) -> None:
    respx_mock.get("https://graph.threads.net/refresh_access_token").mock(
        return_value=recorded("refresh_refused")
    )
    res = failure_of(lambda: th.refresh())
    assert (res.action, res.code) == ("disconnect", "auth")


def test_metrics_and_delete(th: ThreadsConnector, respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get(f"{T}/{M}/insights").mock(return_value=recorded("insights"))
    m = th.metrics([M])[M]
    assert (m.likes, m.replies, m.reposts, m.views) == (64, 11, 5 + 2, 3120)
    assert route.calls[0].request.url.params["metric"] == "views,likes,replies,reposts,quotes"
    gone = respx_mock.delete(f"{T}/{M}").mock(return_value=recorded("delete"))
    th.delete(M)
    assert gone.call_count == 1


def test_threads_counts_emoji_as_their_utf8_bytes() -> None:
    limits = ThreadsConnector.limits
    assert limits.measure("a🌸") == 1 + 4
    assert limits.measure("안녕") == 2
    assert not limits.validate(OutgoingPost("가" * 500))
    [problem] = limits.validate(OutgoingPost("가" * 497 + "🌸"))
    assert problem.code == "publish.too_long" and problem.params == {"count": 501, "limit": 500}
