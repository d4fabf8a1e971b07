"""The Instagram (professional account, Graph API) connector against recorded answers
(``recordings/instagram/``, shapes from the reference named in each file's ``_source``),
replayed with respx: check, the two-step container publish with a Korean caption, a link and
an image with alt text (at a public URL), waiting for the container, reconciling a lost
``media_publish`` without a second post, rate limits, server errors, token errors, metrics, and
the caption and hashtag limits."""

from __future__ import annotations

from datetime import UTC, datetime

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
from socialops.connectors.instagram import InstagramConnector, hashtags
from socialops.connectors.manual import MANUAL_PLATFORMS
from socialops.connectors.registry import REGISTRY

recorded = Recordings("instagram")
G = "https://graph.facebook.com/v21.0"
IG = "17841400008460056"
C = "17889455560051444"
M = "17920238422030506"
CAP = (
    "겨울 신메뉴 출시! 프로필 링크에서 자세히 https://bomnal.example.kr/menu?utm_source=instagram "
    "#겨울신메뉴 #카페"
)
SETTINGS = {"ig_user_id": IG, "media_base_url": "https://cdn.bomnal.example.kr/media/"}


def post() -> OutgoingPost:
    return OutgoingPost(CAP, (Media("/var/ws/media/latte.jpg", ALT, "image/jpeg"),))


@pytest.fixture
def ig() -> InstagramConnector:
    c = InstagramConnector(SETTINGS, {"access_token": "ig-token"})
    c.poll_s = 0.0
    return c


def test_both_the_api_connector_and_the_manual_profile_exist(ig: InstagramConnector) -> None:
    assert REGISTRY.get("instagram") is InstagramConnector
    assert "instagram" in MANUAL_PLATFORMS  # for accounts without a business account
    assert isinstance(ig, CanPublish) and isinstance(ig, CanReadMetrics)
    assert not isinstance(ig, CanRefresh)


def test_check(ig: InstagramConnector, respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get(f"{G}/{IG}").mock(return_value=recorded("user"))
    me = ig.check()
    assert (me.account_id, me.handle) == (IG, "bomnal_cafe")
    assert route.calls[0].request.headers["authorization"] == "Bearer ig-token"


def test_publish_waits_for_the_container_then_publishes_once(
    ig: InstagramConnector, respx_mock: respx.MockRouter
) -> None:
    create = respx_mock.post(f"{G}/{IG}/media").mock(return_value=recorded("container"))
    status = respx_mock.get(f"{G}/{C}").mock(
        side_effect=[recorded("container_in_progress"), recorded("container_finished")]
    )
    publish = respx_mock.post(f"{G}/{IG}/media_publish").mock(
        return_value=recorded("media_publish")
    )
    respx_mock.get(f"{G}/{M}").mock(return_value=recorded("permalink"))
    got = ig.publish(post(), new_tid())
    assert got.remote_id == M and got.url == "https://www.instagram.com/p/DDc1a2bC3dE/"
    assert form(create) == {
        "image_url": "https://cdn.bomnal.example.kr/media/latte.jpg",
        "caption": CAP,
        "alt_text": ALT,
    }
    assert status.call_count == 2
    assert form(publish) == {"creation_id": C} and publish.call_count == 1


def test_a_failed_container_and_missing_public_media(
    ig: InstagramConnector, respx_mock: respx.MockRouter
) -> None:
    respx_mock.post(f"{G}/{IG}/media").mock(return_value=recorded("container"))
    respx_mock.get(f"{G}/{C}").mock(return_value=recorded("container_error"))
    res = failure_of(lambda: ig.publish(post(), "k"))
    assert (res.action, res.code, res.detail) == ("fail", "media_failed", "Error: 2207026")
    nowhere = InstagramConnector({"ig_user_id": IG, "media_base_url": ""}, {"access_token": "t"})
    res = failure_of(lambda: nowhere.publish(post(), "k"))
    assert (res.action, res.code) == ("fail", "media_url")
    res = failure_of(lambda: ig.publish(OutgoingPost("글만 있는 게시물"), "k"))
    assert res.action == "fail"


def test_a_lost_publish_answer_is_reconciled_without_a_second_post(
    ig: InstagramConnector, respx_mock: respx.MockRouter
) -> None:
    made = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
    key = new_tid(int(made.timestamp() * 1_000_000))
    respx_mock.post(f"{G}/{IG}/media").mock(return_value=recorded("container"))
    status = respx_mock.get(f"{G}/{C}").mock(return_value=recorded("container_finished"))
    publish = respx_mock.post(f"{G}/{IG}/media_publish")
    publish.mock(side_effect=httpx.ReadTimeout("lost"))
    res = failure_of(lambda: ig.publish(post(), key))
    assert (res.action, res.code) == ("retry", "network")
    # the container says it was published; the media is found by its caption
    status.mock(return_value=recorded("container_published"))
    media = respx_mock.get(f"{G}/{IG}/media").mock(return_value=recorded("user_media"))
    found = ig.find(key)
    assert found is not None and found.remote_id == M  # not the older one with that caption
    assert found.url == "https://www.instagram.com/p/DDc1a2bC3dE/"
    assert publish.call_count == 1
    assert "caption" in media.calls[0].request.url.params["fields"]


def test_an_unpublished_container_is_reused_not_made_again(
    ig: InstagramConnector, respx_mock: respx.MockRouter
) -> None:
    key = new_tid()
    create = respx_mock.post(f"{G}/{IG}/media").mock(return_value=recorded("container"))
    respx_mock.get(f"{G}/{C}").mock(return_value=recorded("container_finished"))
    publish = respx_mock.post(f"{G}/{IG}/media_publish")
    publish.mock(return_value=recorded("media_not_ready"))
    res = failure_of(lambda: ig.publish(post(), key))
    assert (res.action, res.code) == ("retry", "media_processing")
    assert "not ready" in res.detail
    assert ig.find(key) is None  # FINISHED, never published
    publish.mock(return_value=recorded("media_publish"))
    respx_mock.get(f"{G}/{M}").mock(return_value=recorded("permalink"))
    assert ig.publish(post(), key).remote_id == M
    assert create.call_count == 1


def failure(ig: InstagramConnector, respx_mock: respx.MockRouter, name: str) -> Resolution:
    respx_mock.post(f"{G}/{IG}/media").mock(return_value=recorded(name))
    return failure_of(lambda: ig.publish(post(), new_tid()))


def test_rate_limits_server_errors_and_tokens(
    ig: InstagramConnector, respx_mock: respx.MockRouter
) -> None:
    res = failure(ig, respx_mock, "account_rate_limited")
    assert (res.action, res.retry_after) == ("rate_limited", 300.0)
    res = failure(ig, respx_mock, "too_many_requests")
    assert (res.action, res.retry_after) == ("rate_limited", 45.0)
    res = failure(ig, respx_mock, "server_error")
    assert (res.action, res.code) == ("retry", "server")
    res = failure(ig, respx_mock, "token_expired")
    assert (res.action, res.code) == ("disconnect", "token_expired")
    res = failure(ig, respx_mock, "token_revoked")
    assert (res.action, res.code) == ("disconnect", "auth")


def test_metrics(ig: InstagramConnector, respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get(f"{G}/{M}/insights").mock(return_value=recorded("insights"))
    m = ig.metrics([M])[M]
    assert (m.likes, m.replies, m.reposts, m.views) == (88, 9, 4, 2301)
    assert route.calls[0].request.url.params["metric"] == "likes,comments,shares,saved,reach,views"


def test_delete_is_not_possible_and_says_so(ig: InstagramConnector) -> None:
    res = failure_of(lambda: ig.delete(M))
    assert (res.action, res.code) == ("fail", "cannot_delete")


def test_caption_and_hashtag_limits() -> None:
    limits = InstagramConnector.limits
    image = (Media("a.jpg", "사진", "image/jpeg"),)
    assert not limits.validate(OutgoingPost(CAP, image))
    assert hashtags("#겨울신메뉴 #카페 #1 a#b #cafe_2026") == ["#겨울신메뉴", "#카페", "#cafe_2026"]
    tags = " ".join(f"#태그{i}" for i in range(31))
    [problem] = limits.validate(OutgoingPost(tags, image))
    assert problem.code == "publish.too_many_hashtags"
    assert problem.params == {"count": 31, "limit": 30}
    codes = {p.code for p in limits.validate(OutgoingPost("가" * 2201))}
    assert codes == {"publish.too_long", "publish.media_required"}
    [png] = limits.validate(OutgoingPost("a", (Media("a.png", "x", "image/png"),)))
    assert png.code == "publish.media_type"
