"""Benchmark (issue 15): N posts due at once to a real local Bluesky PDS, through the queue and
``socialops worker``'s loop, against a bare ``atproto`` client creating the same N posts on the
same PDS in the same run.

    scripts/local-pds.sh start          # prints PDS_URL=http://127.0.0.1:2583
    .venv/bin/python bench/publish_pds.py --pds http://127.0.0.1:2583 [--n 1000]

Prints both wall times, their ratio (goal: the queue within 1.2x of the bare client), the
scheduler's own time per post (the worker's wall time minus the time inside the platform calls;
goal < 5 ms) and checks on the server that every post is there exactly once. The workspace is a
new temporary SQLite one; alice.test publishes through the queue, bob.test with the bare client.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from atproto import Client, models

from _common import machine
from socialops.connectors import profiles as prof
from socialops.connectors.bluesky import COLLECTION, BlueskyConnector
from socialops.connectors.core import new_tid
from socialops.publish import queue
from socialops.publish.worker import run_worker
from socialops.store.workspace import Workspace


def _count(url: str, handle: str, prefix: str) -> int:
    client = Client(base_url=url + "/xrpc")
    client.login(handle, "hunter2", fetch_bsky_profile=False)
    did = client._session.did if client._session else ""
    n, cursor = 0, None
    while True:
        page = client.com.atproto.repo.list_records(
            {"repo": did, "collection": COLLECTION, "limit": 100, "cursor": cursor}
        )
        n += sum(1 for r in page.records if str(r.value.text).startswith(prefix))
        cursor = page.cursor
        if not cursor or not page.records:
            return n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pds", required=True)
    ap.add_argument("--n", type=int, default=1000)
    args = ap.parse_args()
    run = new_tid()
    # bare client: bob.test creates N posts one after another
    client = Client(base_url=args.pds + "/xrpc")
    client.login("bob.test", "hunter2", fetch_bsky_profile=False)
    did = client._session.did if client._session else ""
    t0 = time.perf_counter()
    for i in range(args.n):
        client.com.atproto.repo.create_record(
            models.ComAtprotoRepoCreateRecord.Data(
                repo=did,
                collection=COLLECTION,
                rkey=new_tid(),
                record={
                    "$type": COLLECTION,
                    "text": f"bare {run} {i} 겨울 신메뉴",
                    "createdAt": client.get_current_time_iso(),
                    "langs": ["ko"],
                },
            )
        )
    bare = time.perf_counter() - t0
    with tempfile.TemporaryDirectory(prefix="socialops-publish-") as tmp:
        ws = Workspace.open(Path(tmp) / "ws")
        prof.connect(
            ws,
            name="alice",
            platform="bluesky",
            settings={"service": args.pds, "handle": "alice.test"},
            secrets={"app_password": "hunter2"},
        )
        for i in range(args.n):
            queue.new_posts(ws, profiles=["alice"], text_=f"queue {run} {i} 겨울 신메뉴")
        inside = [0.0]
        real_publish = BlueskyConnector.publish

        def timed_publish(self, post, key):  # type: ignore[no-untyped-def]
            t = time.perf_counter()
            try:
                return real_publish(self, post, key)
            finally:
                inside[0] += time.perf_counter() - t

        BlueskyConnector.publish = timed_publish  # type: ignore[method-assign]
        t0 = time.perf_counter()
        result = run_worker(ws, until_idle=True)
        worker = time.perf_counter() - t0
        BlueskyConnector.publish = real_publish  # type: ignore[method-assign]
        states = {p.state for p in queue.list_posts(ws)}
    on_server = _count(args.pds, "alice.test", f"queue {run} ")
    bare_on_server = _count(args.pds, "bob.test", f"bare {run} ")
    print(f"machine: {machine()}")
    print(f"posts: {args.n:,} due at once; PDS {args.pds}")
    print(
        f"bare atproto client : {bare:7.2f} s ({args.n / bare:,.0f} posts/s); "
        f"on the server {bare_on_server:,}"
    )
    print(
        f"queue + worker      : {worker:7.2f} s ({args.n / worker:,.0f} posts/s); published "
        f"{result.published:,}, states {sorted(states)}; on the server {on_server:,}"
    )
    print(f"ratio worker/bare   : {worker / bare:.2f} (goal <= 1.2)")
    overhead_ms = (worker - inside[0]) / args.n * 1000
    print(f"scheduler overhead  : {overhead_ms:.2f} ms per post (goal < 5 ms)")
    if on_server != args.n or result.published != args.n:
        raise SystemExit("not every post went out exactly once")


if __name__ == "__main__":
    main()
