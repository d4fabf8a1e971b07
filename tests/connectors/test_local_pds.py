"""The local Bluesky network (``scripts/local-pds.sh``) driven with the ``atproto`` SDK, as the
Bluesky connector will drive it: sessions, posts with Korean text and hashtag/link facets read
back from the repository, a reply with a mention from another account, a delete.

There is no AppView: ``login`` must not fetch the profile (``fetch_bsky_profile=False``) and
``send_post`` gets the author's DID (``profile_identify``)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from atproto import AtUri, Client, client_utils, models
from atproto.exceptions import AtProtocolError

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("local_pds")]

REPO = Path(__file__).resolve().parents[2]
PASSWORD = "hunter2"
POST = "app.bsky.feed.post"


class Account:
    def __init__(self, client: Client, did: str, handle: str) -> None:
        self.client = client
        self.did = did
        self.handle = handle

    def get_post(self, uri: str) -> models.AppBskyFeedPost.Record:
        at = AtUri.from_str(uri)
        got = self.client.com.atproto.repo.get_record(
            {"repo": at.host, "collection": at.collection, "rkey": at.rkey}
        )
        assert got.uri == uri
        assert isinstance(got.value, models.AppBskyFeedPost.Record)
        return got.value

    def post_uris(self) -> list[str]:
        page = self.client.com.atproto.repo.list_records(
            {"repo": self.did, "collection": POST, "limit": 100}
        )
        return [r.uri for r in page.records]


@pytest.fixture(scope="module")
def login(local_pds: str) -> Callable[[str], Account]:
    def log_in(handle: str) -> Account:
        client = Client(base_url=f"{local_pds}/xrpc")
        # no AppView: the profile fetch after the session would fail (502 UpstreamFailure)
        client.login(handle, PASSWORD, fetch_bsky_profile=False)
        session = client.com.atproto.server.get_session()
        assert session.handle == handle
        assert session.did.startswith("did:plc:")
        return Account(client, session.did, session.handle)

    return log_in


def facet_text(text: str, facet: models.AppBskyRichtextFacet.Main) -> str:
    """The part of ``text`` a facet covers: its indices count UTF-8 bytes, not characters."""
    return text.encode("utf-8")[facet.index.byte_start : facet.index.byte_end].decode("utf-8")


def features(record: models.AppBskyFeedPost.Record) -> dict[str, tuple[str, Any]]:
    """``{covered text: (facet feature type, feature)}`` of a post."""
    out: dict[str, tuple[str, Any]] = {}
    for facet in record.facets or []:
        for feature in facet.features:
            out[facet_text(record.text, facet)] = (feature.py_type, feature)
    return out


def test_korean_post_with_hashtag_and_link_facets(login: Callable[[str], Account]) -> None:
    alice = login("alice.test")
    text = (
        client_utils.TextBuilder()
        .text("봄 신제품 출시 소식을 전합니다 🌸 ")
        .tag("#봄맞이", "봄맞이")
        .text(" 자세히 보기: ")
        .link("example.com/봄", "https://example.com/spring?utm_source=bluesky")
    )
    sent = alice.client.send_post(text, profile_identify=alice.did, langs=["ko"])
    assert sent.uri.startswith(f"at://{alice.did}/{POST}/")

    record = alice.get_post(sent.uri)
    assert record.text == "봄 신제품 출시 소식을 전합니다 🌸 #봄맞이 자세히 보기: example.com/봄"
    assert record.langs == ["ko"]
    found = features(record)
    assert set(found) == {"#봄맞이", "example.com/봄"}
    kind, tag = found["#봄맞이"]
    assert kind == "app.bsky.richtext.facet#tag"
    assert tag.tag == "봄맞이"
    kind, link = found["example.com/봄"]
    assert kind == "app.bsky.richtext.facet#link"
    assert link.uri == "https://example.com/spring?utm_source=bluesky"

    assert sent.uri in alice.post_uris()


def test_reply_with_a_mention_from_another_account(login: Callable[[str], Account]) -> None:
    alice, bob = login("alice.test"), login("bob.test")
    assert alice.did != bob.did
    # handles resolve on the PDS (a connector resolves a mention's handle to its DID)
    resolved = bob.client.com.atproto.identity.resolve_handle({"handle": "alice.test"})
    assert resolved.did == alice.did

    root = alice.client.send_post("새 매장이 문을 열었습니다.", profile_identify=alice.did)
    ref = models.create_strong_ref(root)
    reply_text = client_utils.TextBuilder().mention("@alice.test", alice.did).text(" 축하드려요!")
    reply = bob.client.send_post(
        reply_text,
        profile_identify=bob.did,
        reply_to=models.AppBskyFeedPost.ReplyRef(root=ref, parent=ref),
    )
    assert reply.uri.startswith(f"at://{bob.did}/{POST}/")

    record = alice.get_post(reply.uri)  # anyone reads any repository
    assert record.text == "@alice.test 축하드려요!"
    assert record.reply is not None
    assert (record.reply.parent.uri, record.reply.parent.cid) == (root.uri, root.cid)
    assert record.reply.root.uri == root.uri
    kind, mention = features(record)["@alice.test"]
    assert kind == "app.bsky.richtext.facet#mention"
    assert mention.did == alice.did
    assert reply.uri in bob.post_uris()
    assert reply.uri not in alice.post_uris()


def test_delete_a_post(login: Callable[[str], Account]) -> None:
    alice = login("alice.test")
    kept = alice.client.send_post("남겨 둘 글", profile_identify=alice.did)
    gone = alice.client.send_post("지울 글", profile_identify=alice.did)
    assert {kept.uri, gone.uri} <= set(alice.post_uris())

    assert alice.client.delete_post(gone.uri)

    uris = alice.post_uris()
    assert gone.uri not in uris
    assert kept.uri in uris
    with pytest.raises(AtProtocolError):
        alice.get_post(gone.uri)
    assert alice.get_post(kept.uri).text == "남겨 둘 글"


def test_a_wrong_password_is_refused(local_pds: str) -> None:
    client = Client(base_url=f"{local_pds}/xrpc")
    with pytest.raises(AtProtocolError):
        client.login("alice.test", "not-hunter2", fetch_bsky_profile=False)


def test_start_when_running_prints_the_same_url(local_pds: str) -> None:
    port = local_pds.rsplit(":", 1)[1]
    again = subprocess.run(
        ["bash", str(REPO / "scripts" / "local-pds.sh"), "start"],
        env={**os.environ, "PDS_PORT": port},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert again.returncode == 0, again.stderr
    assert again.stdout == f"PDS_URL={local_pds}\n"
    # still the same network: alice's session works
    client = Client(base_url=f"{local_pds}/xrpc")
    client.login("alice.test", PASSWORD, fetch_bsky_profile=False)
