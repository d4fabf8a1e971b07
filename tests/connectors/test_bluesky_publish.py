"""Publishing to a real local Bluesky PDS (``scripts/local-pds.sh``) through profiles, the queue
and the worker: posts go out once, with facets and images; a post the platform accepted before
the worker died is found again, not sent twice; bad credentials mark nothing as connected."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest
from atproto import Client
from sqlalchemy import text

from socialops.connectors import profiles as prof
from socialops.connectors.bluesky import COLLECTION, BlueskyConnector
from socialops.connectors.core import Media
from socialops.errors import PublishError
from socialops.publish import queue
from socialops.publish.worker import run_worker
from socialops.store.workspace import Workspace

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("local_pds")]


def _records(url: str, handle: str) -> list[dict[str, object]]:
    client = Client(base_url=url + "/xrpc")
    client.login(handle, "hunter2", fetch_bsky_profile=False)
    did = client._session.did if client._session else ""
    out = []
    cursor = None
    while True:
        page = client.com.atproto.repo.list_records(
            {"repo": did, "collection": COLLECTION, "limit": 100, "cursor": cursor}
        )
        out += [
            {"uri": r.uri, "value": r.value.model_dump(by_alias=True, exclude_none=True)}
            for r in page.records
        ]
        cursor = page.cursor
        if not cursor or not page.records:
            return out


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


def _connect(
    ws: Workspace, url: str, handle: str = "alice.test", pw: str = "hunter2"
) -> prof.Profile:
    return prof.connect(
        ws,
        name=handle.split(".")[0],
        platform="bluesky",
        settings={"service": url, "handle": handle},
        secrets={"app_password": pw},
    )


def test_queued_posts_go_out_once_with_facets_and_images(
    workspace: Workspace, local_pds: str, tmp_path: Path
) -> None:
    before = len(_records(local_pds, "alice.test"))
    profile = _connect(workspace, local_pds)
    assert profile.account_id.startswith("did:") and profile.status == "active"
    queue.new_posts(
        workspace, profiles=["alice"], text_="겨울 신메뉴 출시 #신메뉴 https://example.com/menu"
    )
    queue.new_posts(workspace, profiles=["alice"], text_="@bob.test 님 감사합니다")
    image = _png(tmp_path / "menu.png")
    queue.new_posts(
        workspace,
        profiles=["alice"],
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
    assert all(p.remote_id.startswith("at://") and p.idem_key in p.remote_id for p in posts)
    records = _records(local_pds, "alice.test")
    assert len(records) == before + 3
    by_text = {r["value"]["text"]: r["value"] for r in records}  # type: ignore[index]
    menu = by_text["겨울 신메뉴 출시 #신메뉴 https://example.com/menu"]
    kinds = sorted(f["features"][0]["$type"] for f in menu["facets"])  # type: ignore[index]
    assert kinds == ["app.bsky.richtext.facet#link", "app.bsky.richtext.facet#tag"]
    mention = by_text["@bob.test 님 감사합니다"]["facets"][0]["features"][0]  # type: ignore[index]
    assert mention["did"].startswith("did:")
    embed = by_text["메뉴판"]["embed"]  # type: ignore[index]
    assert embed["images"][0]["alt"] == "빨간 메뉴판 사진"
    # a second run sends nothing
    assert run_worker(workspace, until_idle=True).rounds == 0
    assert len(_records(local_pds, "alice.test")) == before + 3


def test_a_post_accepted_before_the_worker_died_is_reconciled_not_sent_again(
    workspace: Workspace, local_pds: str
) -> None:
    profile = _connect(workspace, local_pds, "bob.test")
    [post] = queue.new_posts(workspace, profiles=["bob"], text_="한 번만 나가야 하는 글")[1]
    # the platform accepts it, then the worker dies before it can write down the remote id
    connector = prof.build_connector(workspace, profile)
    assert isinstance(connector, BlueskyConnector)
    connector.publish(post.outgoing(), post.idem_key)
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
    assert (result.reconciled, result.published) == (1, 0)
    done = queue.get_post(workspace, post.post_id)
    assert done.state == "published" and done.idem_key in done.remote_id
    texts = [r["value"]["text"] for r in _records(local_pds, "bob.test")]  # type: ignore[index]
    assert texts.count("한 번만 나가야 하는 글") == 1
    assert [a["action"] for a in queue.attempts(workspace, post.post_id)] == ["reconciled"]


def test_wrong_credentials_are_refused_on_connect(workspace: Workspace, local_pds: str) -> None:
    with pytest.raises(PublishError) as bad:
        _connect(workspace, local_pds, pw="wrong-password")
    assert bad.value.code == "publish.reason.auth"
    assert prof.list_profiles(workspace) == []
    with pytest.raises(PublishError) as long:
        _connect(workspace, local_pds)
        queue.new_posts(workspace, profiles=["alice"], text_="가" * 301)
    assert long.value.code == "publish.too_long" and long.value.params["count"] == 301
