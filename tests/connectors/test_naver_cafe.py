"""The Naver Cafe connector against recorded answers (``recordings/naver-cafe/``, each shaped per
the Naver developer page named in its ``_source``), replayed with ``respx``: Naver has no local
server. The bytes Naver would receive are asserted: the UTF-8 percent-encoded fields encoded once
more in a form body (what the reference's Java sample sends), or carried as is in multipart with
images; Naver's answers and error codes become the right decisions, and an ambiguous send is
never retried blind."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote
from zoneinfo import ZoneInfo

import httpx
import respx
from tests.connectors.recorded import Recordings, failure_of

from socialops.connectors.core import (
    CanPublish,
    CanRefresh,
    Media,
    OutgoingPost,
    Published,
    new_tid,
)
from socialops.connectors.manual import MANUAL_PLATFORMS, ManualConnector
from socialops.connectors.naver_cafe import (
    TOKEN_URL,
    NaverCafeConnector,
    content_html,
    field,
    title_of,
)
from socialops.connectors.registry import REGISTRY

_answer = Recordings("naver-cafe")
_rec = _answer.doc
API = "https://openapi.naver.com"
ARTICLES = "/v1/cafe/28339939/menu/3/articles"
TEXT = "겨울 한정 50% 할인 + 무료 배송 & 선물\n12/24까지 <봄날 베이커리>에서 만나요"
SECRETS = {
    "access_token": "AAAAold-token",
    "refresh_token": "c8ceMEJisO4Se7uGCEYKK1p52L93bHXLn",
    "client_id": "jyvqXeaVOVmV",
    "client_secret": "527300A0_COq1_XV33cf",
}


def _connector() -> NaverCafeConnector:
    return NaverCafeConnector({"club_id": "28339939", "menu_id": "3"}, SECRETS)


def test_registered_beside_the_manual_naver_cafe_profile() -> None:
    assert REGISTRY.get("naver-cafe") is NaverCafeConnector
    assert REGISTRY.get("manual") is ManualConnector
    assert "naver-cafe" in MANUAL_PLATFORMS  # a manual profile for a cafe still exists
    c = _connector()
    assert isinstance(c, CanPublish) and isinstance(c, CanRefresh)
    assert NaverCafeConnector.settings_keys == ("club_id", "menu_id")
    limits = NaverCafeConnector.limits
    assert limits.validate(OutgoingPost("가" * 20_000)) == []  # no length limit
    webp = Media("a.webp", "", "image/webp")
    assert [p.code for p in limits.validate(OutgoingPost("x", (webp,)))] == ["publish.media_type"]


def test_title_and_html_content() -> None:
    assert title_of("\n  첫 줄 제목  \n본문") == "첫 줄 제목"
    assert len(title_of("가" * 300)) == 100
    assert content_html("a & b\n<c>", images=2) == (
        "a &amp; b<br>&lt;c&gt;<br><img src='#0' /><br><img src='#1' />"
    )


def test_fields_are_utf8_percent_encoded_then_form_encoded_like_the_java_sample() -> None:
    # URLEncoder.encode(URLEncoder.encode("카페 가입 인사", "UTF-8"), "MS949") in the reference
    assert field("카페 가입 인사") == "%EC%B9%B4%ED%8E%98%20%EA%B0%80%EC%9E%85%20%EC%9D%B8%EC%82%AC"
    # the MS949 pass only sees ASCII: it turns every % into %25
    assert quote(field("카페"), safe="") == "%25EC%25B9%25B4%25ED%258E%2598"


@respx.mock(base_url=API, assert_all_called=True)
def test_check_reads_the_naver_profile(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get("/v1/nid/me").mock(return_value=_answer("nid_me"))
    me = _connector().check()
    assert (me.account_id, me.handle, me.display_name) == ("32742776", "봄날베이커리", "김소라")
    assert route.calls.last.request.headers["Authorization"] == "Bearer AAAAold-token"


@respx.mock(base_url=API, assert_all_called=True)
def test_publish_a_korean_article_sends_exactly_these_bytes(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.post(ARTICLES).mock(return_value=_answer("article_created"))
    c = _connector()
    key = new_tid()
    done = c.publish(OutgoingPost(TEXT), key)
    assert done == Published("4", "https://cafe.naver.com/bomnalbakery/4")

    sent = route.calls.last.request
    assert sent.headers["Authorization"] == "Bearer AAAAold-token"
    assert sent.headers["Content-Type"] == "application/x-www-form-urlencoded"
    body = sent.content.decode("ascii")
    title = "겨울 한정 50% 할인 + 무료 배송 & 선물"
    html = "겨울 한정 50% 할인 + 무료 배송 &amp; 선물<br>12/24까지 &lt;봄날 베이커리&gt;에서 만나요"
    assert body == (
        "subject="
        + quote(quote(title, safe=""), safe="")
        + "&content="
        + quote(quote(html, safe=""), safe="")
    )
    assert body.startswith("subject=%25EA%25B2%25A8%25EC%259A%25B8%2520")  # 겨울 + space
    assert re.fullmatch(r"[A-Za-z0-9%=&._~-]+", body)  # plain ASCII, no raw Korean bytes
    # Naver form-decodes, then percent-decodes once more: the text comes back whole, % and + too
    form = parse_qs(body)
    assert unquote(form["subject"][0]) == title
    assert unquote(form["content"][0]) == html
    # find answers from what this object remembers; a fresh one cannot look articles up
    assert c.find(key) == done
    assert _connector().find(key, OutgoingPost(TEXT)) is None


@respx.mock(base_url=API, assert_all_called=True)
def test_images_go_as_multipart_image_parts(respx_mock: respx.MockRouter, tmp_path: Path) -> None:
    first, second = tmp_path / "a.jpg", tmp_path / "b.png"
    first.write_bytes(b"\xff\xd8\xff\xe0JPEGDATA")
    second.write_bytes(b"\x89PNG\r\n\x1a\nPNGDATA")
    route = respx_mock.post(ARTICLES).mock(return_value=_answer("article_created_with_images"))
    media = (Media(str(first), "", "image/jpeg"), Media(str(second), "", "image/png"))
    done = _connector().publish(OutgoingPost("신메뉴 사진\n크리스마스 케이크", media), new_tid())
    assert done.remote_id == "5"

    sent = route.calls.last.request
    kind, _, boundary = sent.headers["Content-Type"].partition("; boundary=")
    assert kind == "multipart/form-data"
    parts = sent.content.split(f"--{boundary}".encode())
    fields = [p for p in parts if b'name="subject"' in p or b'name="content"' in p]
    assert fields[0].endswith(b"\r\n\r\n" + field("신메뉴 사진").encode() + b"\r\n")
    content = "신메뉴 사진<br>크리스마스 케이크<br><img src='#0' /><br><img src='#1' />"
    assert fields[1].endswith(b"\r\n\r\n" + field(content).encode() + b"\r\n")
    images = [p for p in parts if b'name="image"' in p]
    assert len(images) == 2
    assert (
        b'filename="image0.jpg"\r\nContent-Type: image/jpeg\r\n\r\n\xff\xd8\xff\xe0JPEGDATA\r\n'
        in images[0]
    )
    assert (
        b'filename="image1.png"\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n\x1a\nPNGDATA\r\n'
        in images[1]
    )


@respx.mock(base_url=API, assert_all_called=True)
def test_a_lost_answer_is_not_retried_blind_but_a_refused_connection_is(
    respx_mock: respx.MockRouter,
) -> None:
    route = respx_mock.post(ARTICLES).mock(side_effect=httpx.ReadTimeout("timed out"))
    res = failure_of(lambda: _connector().publish(OutgoingPost(TEXT), new_tid()))
    assert (res.action, res.code, res.detail) == ("fail", "unconfirmed", "ReadTimeout")
    route.mock(side_effect=httpx.RemoteProtocolError("peer closed"))
    assert (
        failure_of(lambda: _connector().publish(OutgoingPost(TEXT), new_tid())).code
        == "unconfirmed"
    )
    route.mock(side_effect=httpx.ConnectError("refused"))
    res = failure_of(lambda: _connector().publish(OutgoingPost(TEXT), new_tid()))
    assert (res.action, res.code) == ("retry", "network")
    route.mock(side_effect=httpx.ConnectTimeout("no route"))
    assert failure_of(lambda: _connector().publish(OutgoingPost(TEXT), new_tid())).action == "retry"


@respx.mock(base_url=API, assert_all_called=True)
def test_naver_error_codes_become_decisions(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.post(ARTICLES)

    def publish(name: str) -> Any:
        route.mock(return_value=_answer(name))
        return failure_of(lambda: _connector().publish(OutgoingPost(TEXT), new_tid()))

    res = publish("rate_limited")
    assert (res.action, res.code, res.retry_after) == ("rate_limited", "rate_limited", 60.0)
    res = publish("quota_exceeded")
    now = datetime.now(UTC).astimezone(ZoneInfo("Asia/Seoul"))
    midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    assert (res.action, res.code) == ("rate_limited", "quota")
    assert abs(res.retry_after - (midnight - now).total_seconds()) < 5
    res = publish("server_error")
    assert (res.action, res.code) == ("retry", "server")
    assert "999" in res.detail
    res = publish("board_denied")
    assert (res.action, res.code) == ("fail", "cafe_denied")
    assert "AP003" in res.detail and "등급" in res.detail
    res = publish("spam_filtered")
    assert (res.action, res.code) == ("fail", "cafe_spam")


@respx.mock(assert_all_called=True)
def test_auth_failure_asks_for_a_refresh_and_a_refused_refresh_disconnects(
    respx_mock: respx.MockRouter,
) -> None:
    respx_mock.post(f"{API}{ARTICLES}").mock(return_value=_answer("auth_failed"))
    res = failure_of(lambda: _connector().publish(OutgoingPost(TEXT), new_tid()))
    assert (res.action, res.code) == ("refresh_auth", "expired_token")
    assert "024" in res.detail

    token = respx_mock.post(TOKEN_URL).mock(return_value=_answer("token_refreshed"))
    before = datetime.now(UTC)
    fresh = _connector().refresh()
    assert fresh["access_token"] == _rec("token_refreshed")["response"]["json"]["access_token"]
    assert fresh["refresh_token"] == SECRETS["refresh_token"]  # Naver keeps the refresh token
    expires = datetime.fromisoformat(fresh["expires_at"])
    assert abs((expires - before).total_seconds() - 3600) < 5
    assert parse_qs(token.calls.last.request.content.decode()) == {
        "grant_type": ["refresh_token"],
        "client_id": ["jyvqXeaVOVmV"],
        "client_secret": ["527300A0_COq1_XV33cf"],
        "refresh_token": ["c8ceMEJisO4Se7uGCEYKK1p52L93bHXLn"],
    }
    # Naver refuses with HTTP 200 and an error field
    token.mock(return_value=_answer("token_refresh_refused"))
    res = failure_of(_connector().refresh)
    assert (res.action, res.code) == ("disconnect", "auth")
    assert res.detail == "no valid data in session"
    token.mock(side_effect=httpx.ConnectError("down"))
    assert failure_of(_connector().refresh).action == "retry"
