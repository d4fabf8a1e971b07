"""Mastodon metrics against a real local Mastodon API (``mastodon-mock``, started by
``tests/platform_servers.py``): a status that other accounts favourited, replied to and boosted
through the API
reports those counts; a status the instance no longer has is left out; an instance without the
batch endpoint is asked one status at a time; a server error is a ``retry``."""

from __future__ import annotations

from typing import Protocol

import httpx
import pytest

from socialops.connectors.core import (
    CanReadMetrics,
    ConnectorFailure,
    OutgoingPost,
    PostMetrics,
    new_tid,
)
from socialops.connectors.mastodon import MastodonConnector

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("mastodon_mock")]


class MastodonMock(Protocol):
    base_url: str
    tokens: dict[str, str]

    def fault(self, rule: dict[str, object]) -> None: ...

    def clear_faults(self) -> None: ...


@pytest.fixture
def mm(mastodon_mock: MastodonMock) -> MastodonMock:
    mastodon_mock.clear_faults()
    return mastodon_mock


def _as(mm: MastodonMock, user: str, path: str, **data: str) -> dict[str, object]:
    """A POST to the mock as ``user`` (another account acting on the post)."""
    response = httpx.post(
        f"{mm.base_url}{path}",
        headers={"Authorization": f"Bearer {mm.tokens[user]}"},
        data=data,
        timeout=10,
    )
    response.raise_for_status()
    body: dict[str, object] = response.json()
    return body


def _connector(mm: MastodonMock, user: str) -> MastodonConnector:
    return MastodonConnector({"instance": mm.base_url}, {"access_token": mm.tokens[user]})


def test_metrics_count_what_other_accounts_did(mm: MastodonMock) -> None:
    sora = _connector(mm, "sora")
    assert isinstance(sora, CanReadMetrics)
    liked = sora.publish(OutgoingPost("좋아요와 답글을 받을 글 🌸"), new_tid())
    quiet = sora.publish(OutgoingPost("아무 반응 없는 글"), new_tid())
    gone = sora.publish(OutgoingPost("지울 글"), new_tid())
    sora.delete(gone.remote_id)
    for user in ("minji", "jun"):
        _as(mm, user, f"/api/v1/statuses/{liked.remote_id}/favourite")
    _as(mm, "minji", "/api/v1/statuses", status="축하해요!", in_reply_to_id=liked.remote_id)
    _as(mm, "jun", f"/api/v1/statuses/{liked.remote_id}/reblog")

    got = _connector(mm, "sora").metrics([liked.remote_id, quiet.remote_id, gone.remote_id])

    assert got == {
        liked.remote_id: PostMetrics(likes=2, replies=1, reposts=1, views=None),
        quiet.remote_id: PostMetrics(likes=0, replies=0, reposts=0, views=None),
    }


def test_metrics_of_many_statuses_are_read_in_batches(mm: MastodonMock) -> None:
    jun = _connector(mm, "jun")
    posts = [jun.publish(OutgoingPost(f"묶음으로 읽는 글 {i}"), new_tid()) for i in range(23)]
    _as(mm, "sora", f"/api/v1/statuses/{posts[-1].remote_id}/favourite")
    got = jun.metrics([p.remote_id for p in posts])
    assert set(got) == {p.remote_id for p in posts}
    assert got[posts[-1].remote_id].likes == 1
    assert got[posts[0].remote_id].likes == 0


def test_an_instance_without_the_batch_endpoint_is_asked_one_by_one(mm: MastodonMock) -> None:
    minji = _connector(mm, "minji")
    post = minji.publish(OutgoingPost("오래된 인스턴스에서 읽는 글"), new_tid())
    _as(mm, "sora", f"/api/v1/statuses/{post.remote_id}/favourite")
    mm.fault(
        {
            "match": {"methods": ["GET"], "path": "/api/v1/statuses"},
            "effect": {"type": "status", "status": 404},
            "count": 1,
        }
    )
    got = _connector(mm, "minji").metrics([post.remote_id, "999999999999"])
    assert got == {post.remote_id: PostMetrics(likes=1, replies=0, reposts=0)}


def test_a_server_error_is_a_retry(mm: MastodonMock) -> None:
    sora = _connector(mm, "sora")
    post = sora.publish(OutgoingPost("서버 오류 중에 읽는 글"), new_tid())
    mm.fault(
        {
            "match": {"methods": ["GET"], "path": "/api/v1/statuses"},
            "effect": {"type": "status", "status": 503},
            "count": 1,
        }
    )
    with pytest.raises(ConnectorFailure) as failed:
        _connector(mm, "sora").metrics([post.remote_id])
    assert (failed.value.resolution.action, failed.value.resolution.code) == ("retry", "server")
    assert _connector(mm, "sora").metrics([post.remote_id])[post.remote_id].likes == 0
