"""The Facebook Page connector against recorded Graph API answers (``recordings/facebook/``,
shapes from the reference named in each file's ``_source``), replayed with respx: check with
permissions, a Korean post with a link, a photo with alt text, reconciling after a timeout
without a second post, Meta's rate-limit codes and usage headers, server errors, token errors
(Meta tokens cannot be refreshed: disconnect), a policy block and metrics."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from tests.connectors.recorded import ALT, PNG, Recordings, failure_of, form, png_file

from socialops.connectors.core import (
    CanPublish,
    CanReadMetrics,
    CanRefresh,
    ConnectorFailure,
    Media,
    OutgoingPost,
    new_tid,
)
from socialops.connectors.facebook import FacebookConnector

recorded = Recordings("facebook")
G = "https://graph.facebook.com/v21.0"
PAGE = "104857600012345"
POST = f"{PAGE}_122101234567890123"
LINK = "https://bomnal.example.kr/menu?utm_source=facebook"
TEXT = f"겨울 신메뉴 출시! 자세히 보기 {LINK}"


@pytest.fixture
def fb() -> FacebookConnector:
    return FacebookConnector({"page_id": PAGE}, {"access_token": "page-token"})


def failure(fb: FacebookConnector, respx_mock: respx.MockRouter, name: str) -> Any:
    respx_mock.post(f"{G}/{PAGE}/feed").mock(return_value=recorded(name))
    res = failure_of(lambda: fb.publish(OutgoingPost("안녕하세요"), new_tid()))
    assert fb.resolve(ConnectorFailure(res)) == res
    return res


def test_capabilities(fb: FacebookConnector) -> None:
    assert isinstance(fb, CanPublish) and isinstance(fb, CanReadMetrics)
    assert not isinstance(fb, CanRefresh)  # Meta gives no refresh token


def test_check_reads_the_page_and_its_permissions(
    fb: FacebookConnector, respx_mock: respx.MockRouter
) -> None:
    me = respx_mock.get(f"{G}/me").mock(return_value=recorded("me"))
    perms = respx_mock.get(f"{G}/me/permissions").mock(return_value=recorded("permissions"))
    got = fb.check()
    assert (got.account_id, got.handle) == (PAGE, "봄날 카페")
    assert {"pages_manage_posts", "pages_read_engagement"} <= set(got.permissions)
    assert me.calls[0].request.headers["authorization"] == "Bearer page-token"
    perms.mock(return_value=recorded("permissions_declined"))
    res = failure_of(lambda: fb.check())
    assert (res.action, res.code, res.detail) == ("disconnect", "permission", "pages_manage_posts")
    # a Page token that cannot list permissions: checked by what it can do later
    perms.mock(return_value=recorded("nonexisting_field"))
    assert fb.check().account_id == PAGE


def test_check_refuses_a_token_of_another_page(respx_mock: respx.MockRouter) -> None:
    respx_mock.get(f"{G}/me").mock(return_value=recorded("me"))
    res = failure_of(lambda: FacebookConnector({"page_id": "999"}, {"access_token": "t"}).check())
    assert res.action == "disconnect"


def test_publish_korean_text_with_a_link(
    fb: FacebookConnector, respx_mock: respx.MockRouter
) -> None:
    route = respx_mock.post(f"{G}/{PAGE}/feed").mock(return_value=recorded("feed_post"))
    got = fb.publish(OutgoingPost(TEXT), new_tid())
    assert got.remote_id == POST
    assert got.url == f"https://www.facebook.com/{PAGE}/posts/122101234567890123"
    assert form(route) == {"message": TEXT, "link": LINK}


def test_publish_a_photo_with_alt_text(
    fb: FacebookConnector, respx_mock: respx.MockRouter, tmp_path: Path
) -> None:
    image, alt = png_file(tmp_path), ALT
    photos = respx_mock.post(f"{G}/{PAGE}/photos").mock(return_value=recorded("photo_unpublished"))
    feed = respx_mock.post(f"{G}/{PAGE}/feed").mock(return_value=recorded("feed_post_with_photo"))
    got = fb.publish(OutgoingPost("오늘의 라떼 아트", (Media(str(image), alt, "image/png"),)), "k")
    assert got.remote_id == f"{PAGE}_122101234567890777"
    upload = photos.calls[0].request
    body = upload.content
    assert upload.headers["content-type"].startswith("multipart/form-data")
    assert PNG in body and alt.encode() in body and b'name="published"' in body
    sent = form(feed)
    assert json.loads(sent["attached_media[0]"]) == {"media_fbid": "122101234567890555"}
    assert sent["message"] == "오늘의 라떼 아트" and "link" not in sent


def test_a_timeout_is_reconciled_without_a_second_post(
    fb: FacebookConnector, respx_mock: respx.MockRouter
) -> None:
    made = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
    key = new_tid(int(made.timestamp() * 1_000_000))
    create = respx_mock.post(f"{G}/{PAGE}/feed").mock(side_effect=httpx.ConnectTimeout("x"))
    res = failure_of(lambda: fb.publish(OutgoingPost(TEXT), key))
    assert (res.action, res.code) == ("retry", "network")
    posts = respx_mock.get(f"{G}/{PAGE}/posts").mock(return_value=recorded("page_posts"))
    found = fb.find(key)  # remembered from publish
    assert found is not None and found.remote_id == POST
    assert posts.calls[0].request.url.params["since"] == str(int(made.timestamp()) - 300)
    assert create.call_count == 1
    assert fb.find(key, OutgoingPost("보낸 적 없는 글")) is None


def test_rate_limits(fb: FacebookConnector, respx_mock: respx.MockRouter) -> None:
    page = failure(fb, respx_mock, "page_rate_limited")
    assert (page.action, page.retry_after) == ("rate_limited", 12 * 60.0)  # BUC: minutes
    app = failure(fb, respx_mock, "app_rate_limited")
    assert (app.action, app.retry_after) == ("rate_limited", 600.0)  # no time given
    told = failure(fb, respx_mock, "too_many_requests")
    assert (told.action, told.retry_after) == ("rate_limited", 300.0)


def test_server_errors_are_retried(fb: FacebookConnector, respx_mock: respx.MockRouter) -> None:
    for name in ("unknown_error", "service_unavailable"):
        res = failure(fb, respx_mock, name)
        assert (res.action, res.code) == ("retry", "server")


def test_token_errors_disconnect(fb: FacebookConnector, respx_mock: respx.MockRouter) -> None:
    res = failure(fb, respx_mock, "token_invalidated")
    assert (res.action, res.code) == ("disconnect", "auth")
    assert "changed their password" in res.detail
    res = failure(fb, respx_mock, "token_expired")
    assert (res.action, res.code) == ("disconnect", "token_expired")


def test_a_policy_block_fails_with_the_reason(
    fb: FacebookConnector, respx_mock: respx.MockRouter
) -> None:
    res = failure(fb, respx_mock, "policy_blocked")
    assert (res.action, res.code) == ("fail", "policy")
    assert "deemed abusive" in res.detail


def test_metrics(fb: FacebookConnector, respx_mock: respx.MockRouter) -> None:
    respx_mock.get(f"{G}/{POST}").mock(return_value=recorded("post_fields"))
    insights = respx_mock.get(f"{G}/{POST}/insights").mock(return_value=recorded("post_insights"))
    respx_mock.get(f"{G}/{PAGE}_1").mock(return_value=recorded("post_missing"))
    got = fb.metrics([POST, f"{PAGE}_1"])
    assert list(got) == [POST]
    m = got[POST]
    assert (m.likes, m.replies, m.reposts, m.views) == (42, 7, 3, 2048)
    assert insights.calls[0].request.url.params["metric"] == "post_impressions"
    # insights the token may not read: the figure is unknown, not 0
    insights.mock(return_value=recorded("nonexisting_field"))
    assert fb.metrics([POST])[POST].views is None


def test_limits() -> None:
    limits = FacebookConnector.limits
    assert limits.measure("가" * 10) == 10
    assert not limits.validate(OutgoingPost(TEXT))
