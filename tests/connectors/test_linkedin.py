"""The LinkedIn connector against recorded answers (``recordings/linkedin/``, each shaped per the
reference page named in its ``_source``), replayed with ``respx``: LinkedIn has no local server.
What LinkedIn would receive is asserted byte for byte: headers, the little-text commentary of a
Korean post, the image upload; its answers become the right decisions."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs

import httpx
import respx
from tests.connectors.recorded import Recordings, failure_of

from socialops.connectors.core import (
    CanPublish,
    CanReadMetrics,
    CanRefresh,
    Media,
    OutgoingPost,
    PostMetrics,
    Published,
    new_tid,
)
from socialops.connectors.linkedin import (
    API,
    DEFAULT_VERSION,
    TOKEN_URL,
    LinkedInConnector,
    little_text,
)
from socialops.connectors.registry import REGISTRY

_answer = Recordings("linkedin")
_rec = _answer.doc
ORG = "urn:li:organization:5515715"
TEXT = "봄날 베이커리 겨울 한정 메뉴 출시 (12/24까지) #크리스마스 #베이커리\n자세히: https://bomnal.example.kr/menu_winter"
SECRETS = {
    "access_token": "AQV8old-token",
    "refresh_token": "AQWold-refresh",
    "client_id": "86abcdefgh1234",
    "client_secret": "WPL_AP1.secret",
    "expires_at": "2026-12-05T00:00:00+00:00",
}


def _connector(**settings: str) -> LinkedInConnector:
    return LinkedInConnector({"author": ORG, **settings}, SECRETS)


def test_registered_with_its_capabilities_and_limits() -> None:
    assert REGISTRY.get("linkedin") is LinkedInConnector
    c = _connector()
    assert isinstance(c, CanPublish) and isinstance(c, CanRefresh) and isinstance(c, CanReadMetrics)
    limits = LinkedInConnector.limits
    assert limits.validate(OutgoingPost("가" * 3000)) == []
    [too_long] = limits.validate(OutgoingPost("가" * 3001))
    assert (too_long.code, dict(too_long.params)) == (
        "publish.too_long",
        {"count": 3001, "limit": 3000},
    )
    assert [
        p.code for p in limits.validate(OutgoingPost("x", (Media("a.webp", "alt", "image/webp"),)))
    ] == ["publish.media_type"]


def test_little_text_escapes_reserved_characters_and_tags_hashtags() -> None:
    assert little_text("할인 (50%) *오늘만* a_b @민지 [공지] <b> ~끝~ \\") == (
        "할인 \\(50%\\) \\*오늘만\\* a\\_b \\@민지 \\[공지\\] \\<b\\> \\~끝\\~ \\\\"
    )
    assert little_text("#크리스마스 선물 #gift_box") == (
        "{hashtag|\\#|크리스마스} 선물 {hashtag|\\#|gift\\_box}"
    )


@respx.mock(base_url=API, assert_all_called=True)
def test_check_reads_userinfo(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get("/v2/userinfo").mock(return_value=_answer("userinfo"))
    me = _connector().check()
    assert (me.account_id, me.handle, me.display_name) == (ORG, "김소라", "김소라")
    sent = route.calls.last.request
    assert sent.headers["Authorization"] == "Bearer AQV8old-token"
    assert sent.headers["LinkedIn-Version"] == DEFAULT_VERSION


@respx.mock(base_url=API, assert_all_called=True)
def test_publish_a_korean_post_sends_exactly_this(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.post("/rest/posts").mock(return_value=_answer("create_post"))
    done = _connector(api_version="202611").publish(OutgoingPost(TEXT), new_tid())
    assert done == Published(
        "urn:li:share:7270435718000001234",
        "https://www.linkedin.com/feed/update/urn:li:share:7270435718000001234/",
    )
    sent = route.calls.last.request
    assert sent.headers["Authorization"] == "Bearer AQV8old-token"
    assert sent.headers["LinkedIn-Version"] == "202611"
    assert sent.headers["X-Restli-Protocol-Version"] == "2.0.0"
    assert sent.headers["Content-Type"] == "application/json"
    assert json.loads(sent.content.decode("utf-8")) == {
        "author": ORG,
        "commentary": "봄날 베이커리 겨울 한정 메뉴 출시 \\(12/24까지\\) {hashtag|\\#|크리스마스} "
        "{hashtag|\\#|베이커리}\n자세히: https://bomnal.example.kr/menu\\_winter",
        "visibility": "PUBLIC",
        "distribution": {
            "feedDistribution": "MAIN_FEED",
            "targetEntities": [],
            "thirdPartyDistributionChannels": [],
        },
        "lifecycleState": "PUBLISHED",
        "isReshareDisabledByAuthor": False,
    }


@respx.mock(base_url=API, assert_all_called=True)
def test_an_image_is_uploaded_then_attached_with_its_alt_text(
    respx_mock: respx.MockRouter, tmp_path: Path
) -> None:
    image = tmp_path / "menu.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    init = respx_mock.post("/rest/images", params={"action": "initializeUpload"}).mock(
        return_value=_answer("initialize_upload")
    )
    upload_url = _rec("initialize_upload")["response"]["json"]["value"]["uploadUrl"]
    put = respx_mock.put(upload_url).mock(return_value=_answer("image_uploaded"))
    post = respx_mock.post("/rest/posts").mock(return_value=_answer("create_post_with_image"))

    done = _connector().publish(
        OutgoingPost("겨울 메뉴판", (Media(str(image), "겨울 메뉴판 사진", "image/png"),)),
        new_tid(),
    )

    assert done.remote_id == "urn:li:share:7270435718000005678"
    assert json.loads(init.calls.last.request.content) == {
        "initializeUploadRequest": {"owner": ORG}
    }
    uploaded = put.calls.last.request
    assert uploaded.content == image.read_bytes()
    assert uploaded.headers["Content-Type"] == "image/png"
    assert uploaded.headers["Authorization"] == "Bearer AQV8old-token"
    assert json.loads(post.calls.last.request.content)["content"] == {
        "media": {"id": "urn:li:image:D4E10AQFoyyAjHPMQuQ", "altText": "겨울 메뉴판 사진"}
    }


@respx.mock(base_url=API, assert_all_called=True)
def test_a_duplicate_is_found_not_sent_again(respx_mock: respx.MockRouter) -> None:
    respx_mock.post("/rest/posts").mock(return_value=_answer("duplicate"))
    finder = respx_mock.get("/rest/posts").mock(return_value=_answer("posts_by_author"))
    c = _connector()
    # the key was made a minute before the recorded post's createdAt
    key = new_tid((1796400100 - 60) * 1_000_000)
    res = failure_of(lambda: c.publish(OutgoingPost(TEXT), key))
    assert (res.action, res.code) == ("ok", "exists")
    assert c.find(key) == Published(
        "urn:li:share:7270435718000001234",
        "https://www.linkedin.com/feed/update/urn:li:share:7270435718000001234/",
    )
    sent = finder.calls.last.request
    assert sent.headers["X-RestLi-Method"] == "FINDER"
    assert b"author=urn%3Ali%3Aorganization%3A5515715&q=author" in sent.url.query  # Rest.li 2.0
    assert parse_qs(sent.url.query.decode())["author"] == [ORG]
    assert parse_qs(sent.url.query.decode())["q"] == ["author"]
    # another text, or a key made after the post: not found; unknown text: cannot tell
    assert c.find(key, OutgoingPost("보낸 적 없는 글")) is None
    assert c.find(new_tid((1796400100 + 3600) * 1_000_000), OutgoingPost(TEXT)) is None
    assert _connector().find(new_tid()) is None


@respx.mock(base_url=API, assert_all_called=True)
def test_rate_limits_wait_until_midnight_utc_or_as_told(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.post("/rest/posts").mock(return_value=_answer("too_many_requests"))
    res = failure_of(lambda: _connector().publish(OutgoingPost("한도"), new_tid()))
    now = datetime.now(UTC)
    midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    assert (res.action, res.code) == ("rate_limited", "rate_limited")
    assert res.retry_after is not None
    assert abs(res.retry_after - (midnight - now).total_seconds()) < 5
    told = _rec("too_many_requests")["response"]
    route.mock(return_value=httpx.Response(429, headers={"Retry-After": "120"}, json=told["json"]))
    res = failure_of(lambda: _connector().publish(OutgoingPost("한도"), new_tid()))
    assert (res.action, res.retry_after) == ("rate_limited", 120.0)


@respx.mock(base_url=API, assert_all_called=True)
def test_server_errors_and_timeouts_are_retried(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.post("/rest/posts").mock(return_value=_answer("service_unavailable"))
    res = failure_of(lambda: _connector().publish(OutgoingPost("서버"), new_tid()))
    assert (res.action, res.code) == ("retry", "server")
    route.mock(side_effect=httpx.ReadTimeout("timed out"))
    res = failure_of(lambda: _connector().publish(OutgoingPost("시간 초과"), new_tid()))
    assert (res.action, res.code, res.detail) == ("retry", "network", "ReadTimeout")


@respx.mock(base_url=API, assert_all_called=True)
def test_api_version_retired_fails_with_what_to_do(respx_mock: respx.MockRouter) -> None:
    respx_mock.post("/rest/posts").mock(return_value=_answer("version_gone"))
    res = failure_of(lambda: _connector(api_version="202301").publish(OutgoingPost("v"), new_tid()))
    assert (res.action, res.code) == ("fail", "api_version")


@respx.mock(assert_all_called=True)
def test_expired_token_is_refreshed_and_revoked_disconnects(respx_mock: respx.MockRouter) -> None:
    posts = respx_mock.post(f"{API}/rest/posts").mock(return_value=_answer("expired_token"))
    res = failure_of(lambda: _connector().publish(OutgoingPost("만료"), new_tid()))
    assert (res.action, res.code) == ("refresh_auth", "expired_token")

    token = respx_mock.post(TOKEN_URL).mock(return_value=_answer("token_refreshed"))
    c = _connector()
    assert c.expires_at() == "2026-12-05T00:00:00+00:00"
    before = datetime.now(UTC)
    fresh = c.refresh()
    recorded = _rec("token_refreshed")["response"]["json"]
    assert fresh["access_token"] == recorded["access_token"]
    assert fresh["refresh_token"] == recorded["refresh_token"]
    expires = datetime.fromisoformat(fresh["expires_at"])
    assert abs((expires - before).total_seconds() - 5183999) < 5
    form = parse_qs(token.calls.last.request.content.decode())
    assert form == {
        "grant_type": ["refresh_token"],
        "refresh_token": ["AQWold-refresh"],
        "client_id": ["86abcdefgh1234"],
        "client_secret": ["WPL_AP1.secret"],
    }
    assert "Authorization" not in token.calls.last.request.headers

    posts.mock(return_value=_answer("revoked_token"))
    res = failure_of(lambda: _connector().publish(OutgoingPost("철회"), new_tid()))
    assert (res.action, res.code) == ("disconnect", "auth")
    token.mock(return_value=_answer("refresh_refused"))
    res = failure_of(_connector().refresh)
    assert (res.action, res.code) == ("disconnect", "auth")


@respx.mock(base_url=API, assert_all_called=True)
def test_metrics_are_likes_and_comments(respx_mock: respx.MockRouter) -> None:
    urn = "urn:li:share:7270435718000001234"
    route = respx_mock.get(f"/rest/socialActions/{urn.replace(':', '%3A')}").mock(
        return_value=_answer("social_actions")
    )
    assert _connector().metrics([urn]) == {urn: PostMetrics(likes=12, replies=4)}
    assert (
        route.calls.last.request.url.raw_path.decode() == _rec("social_actions")["request"]["path"]
    )
