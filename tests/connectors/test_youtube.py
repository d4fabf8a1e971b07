"""The YouTube connector against recorded answers (``recordings/youtube/``, each shaped per the
YouTube Data API v3 reference page named in its ``_source``), replayed through
``googleapiclient.http.HttpMockSequence`` under the real authorised transport and the client built
from the shipped discovery document: YouTube has no local server. What YouTube would receive is
asserted (the resumable upload's metadata and bytes, the bearer token); its answers become the
right decisions."""

from __future__ import annotations

import json
import socket
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from googleapiclient.http import HttpMockSequence
from tests.connectors.recorded import Recordings, failure_of

from socialops.connectors.core import (
    CanPublish,
    CanReadMetrics,
    CanRefresh,
    Media,
    OutgoingPost,
    PostMetrics,
    Published,
)
from socialops.connectors.registry import REGISTRY
from socialops.connectors.youtube import (
    YouTubeConnector,
    _until_midnight_pacific,
    key_tag,
    video_meta,
)

RECORDED = Recordings("youtube")
_rec = RECORDED.doc
_answer = RECORDED.mock_pair
KEY = "3n3tgf67rc2n2"  # the key in the recorded video's tags
TEXT = (
    "크리스마스 케이크 만드는 법 🎄\n"
    "봄날 베이커리의 겨울 한정 케이크를 소개합니다.\n"
    "12/24까지 예약 받아요! <선착순>"
)
SECRETS = {
    "access_token": "ya29.old-token",
    "refresh_token": "1//0gOldRefresh",
    "client_id": "123-abc.apps.googleusercontent.com",
    "client_secret": "GOCSPX-secret",
    "expires_at": "2026-12-04T10:00:00+00:00",
}


class Replay(HttpMockSequence):
    """``HttpMockSequence`` whose entries may also be an exception to raise (a timeout), and
    which keeps a streamed body's bytes."""

    def request(
        self, uri: str, method: str = "GET", body: Any = None, headers: Any = None, **kw: Any
    ) -> Any:
        if hasattr(body, "read"):  # a streamed upload: keep the bytes that were sent
            body = body.read()
        if isinstance(self._iterable[0], BaseException):
            self.request_sequence.append((uri, method, body, headers))
            raise self._iterable.pop(0)
        return super().request(uri, method, body, headers, **kw)


def _connector(*answers: Any, **settings: str) -> tuple[YouTubeConnector, Replay]:
    http = Replay([_answer(a) if isinstance(a, str) else a for a in answers])
    return YouTubeConnector(settings, SECRETS, http=http), http


def _video(tmp_path: Path) -> Media:
    path = tmp_path / "cake.mp4"
    path.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"\x01" * 4096)
    return Media(str(path), "", "video/mp4")


def test_registered_with_its_capabilities_and_limits(tmp_path: Path) -> None:
    assert REGISTRY.get("youtube") is YouTubeConnector
    c, _ = _connector()
    assert isinstance(c, CanPublish) and isinstance(c, CanRefresh) and isinstance(c, CanReadMetrics)
    limits = YouTubeConnector.limits
    video = _video(tmp_path)
    assert limits.validate(OutgoingPost(TEXT, (video,))) == []
    assert [p.code for p in limits.validate(OutgoingPost("커뮤니티 글"))] == [
        "publish.video_required"
    ]
    image = Media("a.png", "alt", "image/png")
    assert [p.code for p in limits.validate(OutgoingPost("x", (image,)))] == ["publish.video_type"]
    two = limits.validate(OutgoingPost("x", (video, video)))
    assert [p.code for p in two] == ["publish.too_many_media"]
    long_title = limits.validate(OutgoingPost("가" * 101 + "\n본문", (video,)))
    assert [(p.code, dict(p.params)) for p in long_title] == [
        ("publish.title_too_long", {"count": 101, "limit": 100})
    ]
    # the description counts UTF-8 bytes: 1,667 Hangul syllables are 5,001 bytes
    [too_big] = limits.validate(OutgoingPost("제목\n" + "가" * 1667, (video,)))
    assert (too_big.code, dict(too_big.params)) == (
        "publish.too_many_bytes",
        {"count": 5001, "limit": 5000},
    )
    assert limits.validate(OutgoingPost("제목\n" + "가" * 1666, (video,))) == []


def test_title_and_description_of_a_post() -> None:
    assert video_meta(TEXT) == (
        "크리스마스 케이크 만드는 법 🎄",
        "봄날 베이커리의 겨울 한정 케이크를 소개합니다.\n12/24까지 예약 받아요! ＜선착순＞",
    )
    assert video_meta("", "cake") == ("cake", "")
    assert len(video_meta("가" * 150)[0]) == 100


def test_check_reads_the_channel_with_the_bearer_token() -> None:
    c, http = _connector("channels_mine")
    me = c.check()
    assert (me.account_id, me.handle, me.display_name) == (
        "UCl2Xv7nTfWkGbXvRZ2nIJ5Q",
        "@bomnalbakery",
        "봄날 베이커리",
    )
    [(uri, method, _, headers)] = http.request_sequence
    assert method == "GET"
    assert urlsplit(uri).path == "/youtube/v3/channels"
    assert parse_qs(urlsplit(uri).query) == {
        "part": ["snippet,contentDetails"],
        "mine": ["true"],
        "alt": ["json"],
    }
    assert headers["authorization"] == "Bearer ya29.old-token"
    c, _ = _connector("channels_none")
    res = failure_of(c.check)
    assert (res.action, res.code) == ("disconnect", "auth")


def test_publish_uploads_the_video_resumably_with_the_key_in_its_tags(tmp_path: Path) -> None:
    video = _video(tmp_path)
    c, http = _connector("upload_started", "video_inserted", privacy="unlisted")
    done = c.publish(OutgoingPost(TEXT, (video,)), KEY)
    assert done == Published("Ks-_Mh1QhMc", "https://www.youtube.com/watch?v=Ks-_Mh1QhMc")

    (start_uri, start_method, start_body, start_headers), (put_uri, put_method, put_body, _) = (
        http.request_sequence
    )
    assert start_method == "POST"
    assert urlsplit(start_uri).path == "/upload/youtube/v3/videos"
    assert parse_qs(urlsplit(start_uri).query) == {
        "part": ["snippet,status"],
        "alt": ["json"],
        "uploadType": ["resumable"],
    }
    assert start_headers["authorization"] == "Bearer ya29.old-token"
    assert start_headers["X-Upload-Content-Type"] == "video/mp4"
    assert start_headers["content-type"] == "application/json"
    assert json.loads(start_body) == {
        "snippet": {
            "title": "크리스마스 케이크 만드는 법 🎄",
            "description": "봄날 베이커리의 겨울 한정 케이크를 소개합니다.\n"
            "12/24까지 예약 받아요! ＜선착순＞",
            "tags": [key_tag(KEY)],
            "categoryId": "22",
            "defaultLanguage": "ko",
        },
        "status": {"privacyStatus": "unlisted", "selfDeclaredMadeForKids": False},
    }
    # the bytes go to the session URI YouTube answered with
    assert put_method == "PUT"
    assert put_uri == _rec("upload_started")["response"]["headers"]["location"]
    assert put_body == Path(video.path).read_bytes()


def test_a_post_without_a_video_cannot_go_out() -> None:
    c, http = _connector()
    res = failure_of(lambda: c.publish(OutgoingPost("커뮤니티 글은 API가 없습니다"), KEY))
    assert (res.action, res.code) == ("fail", "video_required")
    assert http.request_sequence == []


def test_quota_waits_until_midnight_pacific(tmp_path: Path) -> None:
    c, _ = _connector("quota_exceeded")
    res = failure_of(lambda: c.publish(OutgoingPost(TEXT, (_video(tmp_path),)), KEY))
    now = datetime.now(UTC).astimezone(ZoneInfo("America/Los_Angeles"))
    midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    assert (res.action, res.code) == ("rate_limited", "quota")
    assert abs(res.retry_after - (midnight - now).total_seconds()) < 5
    assert "quotaExceeded" in res.detail
    c, _ = _connector("rate_limit_exceeded")
    res = failure_of(lambda: c.publish(OutgoingPost(TEXT, (_video(tmp_path),)), KEY))
    assert (res.action, res.code, res.retry_after) == ("rate_limited", "rate_limited", 60.0)


def test_server_errors_and_timeouts_are_retried(tmp_path: Path) -> None:
    c, _ = _connector("backend_error")
    res = failure_of(lambda: c.publish(OutgoingPost(TEXT, (_video(tmp_path),)), KEY))
    assert (res.action, res.code) == ("retry", "server")
    c, _ = _connector("upload_started", TimeoutError("timed out"))
    res = failure_of(lambda: c.publish(OutgoingPost(TEXT, (_video(tmp_path),)), KEY))
    assert (res.action, res.code) == ("retry", "network")
    c, _ = _connector(socket.gaierror("no DNS"))
    assert failure_of(c.check).code == "network"


def test_find_reads_the_uploads_and_matches_the_key_tag() -> None:
    c, http = _connector("channels_mine", "uploads_playlist", "videos_snippet")
    assert c.find(KEY) == Published("Ks-_Mh1QhMc", "https://www.youtube.com/watch?v=Ks-_Mh1QhMc")
    _, (playlist_uri, *_), (videos_uri, *_) = http.request_sequence
    assert parse_qs(urlsplit(playlist_uri).query)["playlistId"] == ["UUl2Xv7nTfWkGbXvRZ2nIJ5Q"]
    assert parse_qs(urlsplit(videos_uri).query)["id"] == ["Ks-_Mh1QhMc,Rztest12345"]
    c, _ = _connector("channels_mine", "uploads_playlist", "videos_snippet")
    assert c.find("3n3tgf67rc2zz") is None


def test_expired_token_is_refreshed_and_a_revoked_one_disconnects() -> None:
    c, _ = _connector("unauthorized")
    res = failure_of(c.check)
    assert (res.action, res.code) == ("refresh_auth", "expired_token")

    c, http = _connector("token_refreshed", "channels_mine")
    assert c.expires_at() == "2026-12-04T10:00:00+00:00"
    before = datetime.now(UTC)
    fresh = c.refresh()
    assert fresh["access_token"] == "ya29.a0AfB_byNewToken0123456789"
    assert fresh["refresh_token"] == SECRETS["refresh_token"]
    expires = datetime.fromisoformat(fresh["expires_at"])
    assert abs((expires - before).total_seconds() - 3599) < 5
    (uri, method, body, _), *_ = http.request_sequence
    assert (uri, method) == ("https://oauth2.googleapis.com/token", "POST")
    assert parse_qs(body if isinstance(body, str) else body.decode()) == {
        "grant_type": ["refresh_token"],
        "refresh_token": ["1//0gOldRefresh"],
        "client_id": ["123-abc.apps.googleusercontent.com"],
        "client_secret": ["GOCSPX-secret"],
    }
    c.check()  # the same connector now sends the new token
    assert http.request_sequence[-1][3]["authorization"] == "Bearer ya29.a0AfB_byNewToken0123456789"

    c, _ = _connector("token_revoked")
    res = failure_of(c.refresh)
    assert (res.action, res.code) == ("disconnect", "auth")
    assert "invalid_grant" in res.detail
    c, _ = _connector("insufficient_permissions")
    res = failure_of(
        lambda: c.publish(OutgoingPost(TEXT, (Media(__file__, "", "video/mp4"),)), KEY)
    )
    assert (res.action, res.code) == ("disconnect", "permission")


def test_metrics_are_views_likes_and_comments() -> None:
    c, http = _connector("videos_statistics")
    got = c.metrics(["Ks-_Mh1QhMc", "Rztest12345", "goneVideo01"])
    assert got == {
        "Ks-_Mh1QhMc": PostMetrics(likes=87, replies=12, reposts=None, views=1520),
        "Rztest12345": PostMetrics(likes=None, replies=0, reposts=None, views=310),  # likes hidden
    }
    [(uri, *_)] = http.request_sequence
    assert parse_qs(urlsplit(uri).query) == {
        "part": ["statistics"],
        "id": ["Ks-_Mh1QhMc,Rztest12345,goneVideo01"],
        "alt": ["json"],
    }


def test_the_quota_wait_counts_a_daylight_saving_change() -> None:
    # 05:00 PDT on 1 November 2026 (the clocks go back that night) → 00:00 PST: 20 hours
    assert _until_midnight_pacific(datetime(2026, 11, 1, 12, 0, tzinfo=UTC)) == 20 * 3600
    # 16:00 PST → 00:00 PST: 8 hours
    assert _until_midnight_pacific(datetime(2026, 12, 5, 0, 0, tzinfo=UTC)) == 8 * 3600
