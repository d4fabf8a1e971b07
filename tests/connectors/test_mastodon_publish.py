"""Publishing to a real local Mastodon API (``mastodon-mock``, started by
``tests/platform_servers.py``) through
profiles, the queue and the worker: Korean statuses and images with alt text go out once; the same
idempotency key twice is one status; a 429, a 500 and a refused token make the post wait visibly
and nothing goes out twice; a text over 500 (URLs counted 23) is refused before it is queued."""

from __future__ import annotations

import io
import json
import struct
import time
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

import httpx
import pytest
from sqlalchemy import text

from socialops.connectors import profiles as prof
from socialops.connectors.core import Media, OutgoingPost, new_tid
from socialops.connectors.mastodon import MastodonConnector, plain_text
from socialops.errors import PublishError
from socialops.publish import queue
from socialops.publish.worker import run_worker
from socialops.store.workspace import Workspace

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("mastodon_mock")]

STATUSES = "/api/v1/statuses"


class MastodonMock(Protocol):
    """What the ``mastodon_mock`` fixture (``tests/platform_servers.py``) yields."""

    base_url: str
    tokens: dict[str, str]

    def fault(self, rule: dict[str, object]) -> None: ...

    def clear_faults(self) -> None: ...


def _statuses(mm: MastodonMock, user: str) -> list[dict[str, Any]]:
    """Every status of ``user`` on the server, newest first."""
    headers = {"Authorization": f"Bearer {mm.tokens[user]}"}
    me = httpx.get(
        f"{mm.base_url}/api/v1/accounts/verify_credentials", headers=headers, timeout=10
    ).json()
    out: list[dict[str, Any]] = []
    max_id = None
    while True:
        params: dict[str, Any] = {"limit": 40}
        if max_id:
            params["max_id"] = max_id
        page = httpx.get(
            f"{mm.base_url}/api/v1/accounts/{me['id']}/statuses",
            headers=headers,
            params=params,
            timeout=10,
        ).json()
        if not page:
            return out
        out += page
        max_id = page[-1]["id"]


def _texts(mm: MastodonMock, user: str) -> list[str]:
    return [plain_text(s["content"]) for s in _statuses(mm, user)]


def _png(path: Path) -> Path:
    """A real 2x2 PNG."""
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )
    return path


def _connect(ws: Workspace, mm: MastodonMock, user: str, token: str | None = None) -> prof.Profile:
    return prof.connect(
        ws,
        name=user,
        platform="mastodon",
        settings={"instance": mm.base_url},
        secrets={"access_token": token if token is not None else mm.tokens[user]},
    )


def _make_due(ws: Workspace, post_id: str) -> None:
    """Let the retry time of a waiting post, and its profile's rate-limit hold, pass (the test
    does not wait minutes)."""
    past = (datetime.now(UTC) - timedelta(seconds=1)).isoformat()
    with ws.begin() as conn:
        conn.execute(
            text("UPDATE publish_posts SET next_try_at = :t WHERE post_id = :id"),
            {"t": past, "id": post_id},
        )
        conn.execute(
            text(
                "UPDATE profiles SET limited_until = :t WHERE profile_id = "
                "(SELECT profile_id FROM publish_posts WHERE post_id = :id)"
            ),
            {"t": past, "id": post_id},
        )


@pytest.fixture
def mm(mastodon_mock: MastodonMock) -> Any:
    mastodon_mock.clear_faults()
    yield mastodon_mock
    mastodon_mock.clear_faults()


def test_korean_statuses_and_an_image_with_alt_text_go_out_once(
    workspace: Workspace, mm: MastodonMock, tmp_path: Path
) -> None:
    before = len(_statuses(mm, "sora"))
    profile = _connect(workspace, mm, "sora")
    assert (profile.handle, profile.status) == ("sora", "active") and profile.account_id
    queue.new_posts(
        workspace, profiles=["sora"], text_="겨울 신메뉴 출시 #신메뉴 https://example.com/menu"
    )
    queue.new_posts(workspace, profiles=["sora"], text_="매장 안내\n둘째 줄도 그대로")
    image = _png(tmp_path / "menu.png")
    queue.new_posts(
        workspace,
        profiles=["sora"],
        text_="메뉴판",
        media=[Media(str(image), "빨간 메뉴판 사진", "image/png")],
    )
    result = run_worker(workspace, until_idle=True)
    assert (result.published, result.failed, result.unknown) == (3, 0, 0), (
        result,
        [queue.attempts(workspace, p.post_id) for p in queue.list_posts(workspace)],
    )
    posts = queue.list_posts(workspace)
    assert {p.state for p in posts} == {"published"}
    assert all(p.remote_id and p.url.startswith(mm.base_url) for p in posts)
    statuses = _statuses(mm, "sora")
    assert len(statuses) == before + 3
    by_text = {plain_text(s["content"]): s for s in statuses}
    assert "겨울 신메뉴 출시 #신메뉴 https://example.com/menu" in by_text
    assert "매장 안내 둘째 줄도 그대로" in by_text
    menu = by_text["메뉴판"]
    assert [a["description"] for a in menu["media_attachments"]] == ["빨간 메뉴판 사진"]
    assert menu["language"] == "ko"
    assert {str(s["id"]) for s in statuses[:3]} == {p.remote_id for p in posts}
    # a second run sends nothing
    assert run_worker(workspace, until_idle=True).rounds == 0
    assert len(_statuses(mm, "sora")) == before + 3


def test_the_same_idempotency_key_twice_is_one_status_and_find_reconciles(
    mm: MastodonMock,
) -> None:
    settings = {"instance": mm.base_url}
    secrets = {"access_token": mm.tokens["minji"]}
    before = len(_statuses(mm, "minji"))
    key = new_tid()
    post = OutgoingPost("같은 키로 두 번 보내도 한 번만 📣")
    first = MastodonConnector(settings, secrets).publish(post, key)
    again = MastodonConnector(settings, secrets).publish(post, key)
    assert first == again
    assert _texts(mm, "minji").count("같은 키로 두 번 보내도 한 번만 📣") == 1
    assert len(_statuses(mm, "minji")) == before + 1
    # a fresh connector (another worker after a crash) finds it by key and text, not by guessing
    fresh = MastodonConnector(settings, secrets)
    assert fresh.find(key, post) == first
    assert fresh.find(new_tid(), OutgoingPost("보낸 적 없는 글")) is None
    assert fresh.find(key) is None  # the text is unknown to this connector: it cannot tell
    fresh.delete(first.remote_id)
    assert fresh.find(key, post) is None
    fresh.delete(first.remote_id)  # deleting twice is fine


def test_a_429_with_reset_waits_and_nothing_goes_out_twice(
    workspace: Workspace, mm: MastodonMock
) -> None:
    _connect(workspace, mm, "jun")
    [post] = queue.new_posts(workspace, profiles=["jun"], text_="요청 한도 뒤에 한 번만")[1]
    mm.fault(
        {
            "match": {"methods": ["POST"], "path": STATUSES},
            "effect": {"type": "ratelimit"},
            "count": 1,
        }
    )
    result = run_worker(workspace, until_idle=True)
    assert (result.published, result.waiting) == (0, 1)
    waiting = queue.get_post(workspace, post.post_id)
    assert (waiting.state, waiting.reason_code) == ("scheduled", "rate_limited")
    assert waiting.next_try_at is not None
    wait_s = (datetime.fromisoformat(waiting.next_try_at) - datetime.now(UTC)).total_seconds()
    assert 200 < wait_s <= 301  # the mock's X-RateLimit-Reset is 300 s ahead
    assert run_worker(workspace, until_idle=True).rounds == 0  # not before the reset
    _make_due(workspace, post.post_id)
    result = run_worker(workspace, until_idle=True)
    assert result.published + result.reconciled == 1
    done = queue.get_post(workspace, post.post_id)
    assert done.state == "published" and done.remote_id
    assert _texts(mm, "jun").count("요청 한도 뒤에 한 번만") == 1


def test_a_500_waits_then_goes_out_once(workspace: Workspace, mm: MastodonMock) -> None:
    _connect(workspace, mm, "jun")
    [post] = queue.new_posts(workspace, profiles=["jun"], text_="서버 오류 뒤에 한 번만")[1]
    mm.fault(
        {
            "match": {"methods": ["POST"], "path": STATUSES},
            "effect": {"type": "status", "status": 500},
            "count": 1,
        }
    )
    result = run_worker(workspace, until_idle=True)
    assert (result.published, result.waiting) == (0, 1)
    waiting = queue.get_post(workspace, post.post_id)
    assert (waiting.state, waiting.reason_code) == ("scheduled", "server")
    assert waiting.next_try_at is not None
    _make_due(workspace, post.post_id)
    result = run_worker(workspace, until_idle=True)
    assert result.published + result.reconciled == 1
    assert queue.get_post(workspace, post.post_id).state == "published"
    assert _texts(mm, "jun").count("서버 오류 뒤에 한 번만") == 1
    assert [a["code"] for a in queue.attempts(workspace, post.post_id)] == ["server", "ok"]


def test_a_refused_token_marks_the_profile_for_reauthorisation_and_the_post_waits(
    workspace: Workspace, mm: MastodonMock
) -> None:
    profile = _connect(workspace, mm, "minji")
    [post] = queue.new_posts(workspace, profiles=["minji"], text_="토큰이 취소된 뒤의 글")[1]
    # the instance now refuses the token (revoked): Mastodon answers 401 with this error
    mm.fault(
        {
            "match": {"path_regex": "^/api/v1/(statuses|accounts)"},
            "effect": {
                "type": "status",
                "status": 401,
                "body": {"error": "The access token was revoked"},
            },
        }
    )
    result = run_worker(workspace, until_idle=True)
    assert (result.published, result.waiting) == (0, 1)
    assert prof.get_profile(workspace, profile.profile_id).status == "needs_reauth"
    waiting = queue.get_post(workspace, post.post_id)
    assert (waiting.state, waiting.reason_code) == ("scheduled", "needs_reauth")
    assert run_worker(workspace, until_idle=True).rounds == 0  # waits for the user
    mm.clear_faults()
    assert "토큰이 취소된 뒤의 글" not in _texts(mm, "minji")
    # connecting again with a token the instance takes lets it go out, once
    assert _connect(workspace, mm, "minji").status == "active"
    _make_due(workspace, post.post_id)
    result = run_worker(workspace, until_idle=True)
    assert result.published + result.reconciled == 1
    assert queue.get_post(workspace, post.post_id).state == "published"
    assert _texts(mm, "minji").count("토큰이 취소된 뒤의 글") == 1


def test_wrong_token_and_too_long_text_are_refused(workspace: Workspace, mm: MastodonMock) -> None:
    with pytest.raises(PublishError) as bad:
        _connect(workspace, mm, "sora", token="not-a-token")
    assert bad.value.code == "publish.reason.auth"
    assert prof.list_profiles(workspace) == []
    _connect(workspace, mm, "sora")
    url = "https://example.com/" + "a" * 100  # counted 23
    fits = "가" * (500 - 24) + " " + url
    queue.new_posts(workspace, profiles=["sora"], text_=fits)
    with pytest.raises(PublishError) as long:
        queue.new_posts(workspace, profiles=["sora"], text_="가" + fits)
    assert long.value.code == "publish.too_long"
    assert (long.value.params["count"], long.value.params["limit"]) == (501, 500)


def test_cli_connects_a_mastodon_profile_with_the_token_on_stdin(
    workspace: Workspace,
    mm: MastodonMock,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from socialops.cli.main import main

    args = ["profiles", "connect", "mastodon", "--name", "소라", "--instance", mm.base_url]
    with pytest.raises(SystemExit) as no_flag:
        main(args)
    assert no_flag.value.code == 2
    capsys.readouterr()
    monkeypatch.setattr("sys.stdin", io.StringIO(mm.tokens["sora"] + "\n"))
    with pytest.raises(SystemExit) as done:
        main([*args, "--access-token-stdin", "--json"])
    assert done.value.code in (0, None)
    shown = json.loads(capsys.readouterr().out)
    assert (shown["name"], shown["platform"], shown["handle"]) == ("소라", "mastodon", "sora")
    assert shown["needs_reauth"] is False and "access_token" not in json.dumps(shown)
    assert prof.get_profile(workspace, "소라").settings == {"instance": mm.base_url}


def test_a_timeout_leaves_the_post_unknown_then_it_is_checked_and_goes_out_once(
    workspace: Workspace, mm: MastodonMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The client gives up waiting (the mock drops the request when the client goes away)."""
    monkeypatch.setattr("socialops.connectors.mastodon.REQUEST_TIMEOUT_S", 1.0)
    _connect(workspace, mm, "sora")
    body = "응답이 늦어도 한 번만 나가는 글"
    [post] = queue.new_posts(workspace, profiles=["sora"], text_=body)[1]
    mm.fault(
        {
            "match": {"methods": ["POST"], "path": STATUSES},
            "effect": {"type": "latency", "delay_ms": 2500},
            "count": 1,
        }
    )
    result = run_worker(workspace, until_idle=True)
    assert (result.published, result.waiting) == (0, 1)
    waiting = queue.get_post(workspace, post.post_id)
    assert (waiting.state, waiting.reason_code) == ("unknown", "network")
    time.sleep(3)  # past the mock's delay
    _make_due(workspace, post.post_id)
    result = run_worker(workspace, until_idle=True)
    assert result.published + result.reconciled == 1
    done = queue.get_post(workspace, post.post_id)
    assert done.state == "published"
    [status] = [s for s in _statuses(mm, "sora") if plain_text(s["content"]) == body]
    assert done.remote_id == str(status["id"])


def test_a_post_accepted_before_the_worker_died_is_not_sent_twice(
    workspace: Workspace, mm: MastodonMock
) -> None:
    """The instance took the post, the worker died before writing the id down: the next worker
    (a fresh connector, which does not know the text) sends it again under the same
    Idempotency-Key, and the instance answers with the status it already has."""
    profile = _connect(workspace, mm, "jun")
    body = "작업자가 죽기 전에 나간 글"
    [post] = queue.new_posts(workspace, profiles=["jun"], text_=body)[1]
    accepted = prof.build_connector(workspace, profile)
    assert isinstance(accepted, MastodonConnector)
    sent = accepted.publish(post.outgoing(), post.idem_key)
    with workspace.begin() as conn:
        conn.execute(
            text(
                "UPDATE publish_posts SET state = 'publishing', attempts = 1, "
                "lease_owner = 'dead', lease_until = '2000-01-01T00:00:00.000000+00:00' "
                "WHERE post_id = :id"
            ),
            {"id": post.post_id},
        )
    result = run_worker(workspace, until_idle=True)
    assert result.published + result.reconciled == 1
    done = queue.get_post(workspace, post.post_id)
    assert (done.state, done.remote_id) == ("published", sent.remote_id)
    assert _texts(mm, "jun").count(body) == 1
