"""Bluesky metrics through ``app.bsky.feed.getPosts`` (the AppView, which the PDS proxies to on
the network): recorded answers shaped as the lexicon's PostView; a quote counts as a repost,
there are no views; a PDS without an AppView makes the fetch wait, not fail."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from socialops.connectors.bluesky import BlueskyConnector
from socialops.connectors.core import CanReadMetrics, ConnectorFailure

REC = Path(__file__).parent / "recordings" / "bluesky"
SERVICE = "https://pds.example.com"
URI = "at://did:plc:alice/app.bsky.feed.post/3kbenefitsa2"


def _answer(name: str) -> httpx.Response:
    rec: dict[str, Any] = json.loads((REC / f"{name}.json").read_text("utf-8"))["response"]
    return httpx.Response(rec["status"], headers=rec["headers"], json=rec["json"])


def _connector() -> BlueskyConnector:
    settings = {"service": SERVICE, "handle": "alice.example.com"}
    return BlueskyConnector(settings, {"app_password": "app-pass"})


@respx.mock
def test_likes_replies_and_reposts_with_quotes() -> None:
    respx.post(f"{SERVICE}/xrpc/com.atproto.server.createSession").mock(
        return_value=_answer("create_session")
    )
    route = respx.get(f"{SERVICE}/xrpc/app.bsky.feed.getPosts").mock(
        return_value=_answer("get_posts")
    )
    bsky = _connector()
    assert isinstance(bsky, CanReadMetrics)
    gone = "at://did:plc:alice/app.bsky.feed.post/3deleted"
    got = bsky.metrics([URI, gone])
    assert set(got) == {URI}  # a post the AppView no longer has is left out
    m = got[URI]
    assert (m.likes, m.replies, m.reposts, m.views) == (42, 3, 6, None)
    sent = route.calls.last.request.url.params.get_list("uris")
    assert sent == [URI, gone]


@respx.mock
def test_many_posts_go_in_batches_of_25() -> None:
    respx.post(f"{SERVICE}/xrpc/com.atproto.server.createSession").mock(
        return_value=_answer("create_session")
    )
    route = respx.get(f"{SERVICE}/xrpc/app.bsky.feed.getPosts").mock(
        return_value=_answer("get_posts")
    )
    _connector().metrics([f"{URI}{i}" for i in range(60)])
    assert [len(c.request.url.params.get_list("uris")) for c in route.calls] == [25, 25, 10]


@respx.mock
def test_a_pds_without_an_appview_makes_it_wait() -> None:
    respx.post(f"{SERVICE}/xrpc/com.atproto.server.createSession").mock(
        return_value=_answer("create_session")
    )
    respx.get(f"{SERVICE}/xrpc/app.bsky.feed.getPosts").mock(
        return_value=_answer("get_posts_no_appview")
    )
    with pytest.raises(ConnectorFailure) as failed:
        _connector().metrics([URI])
    assert failed.value.resolution.action == "retry"
