"""Live inbox updates over server-sent events (``/w/{ws}/inbox/events``) from a real uvicorn
server: a message received while a client listens arrives as a ``message_in`` event within a
second (the figure is printed), a reconnect with ``Last-Event-ID`` gets what it missed, another
agent typing shows as a ``presence`` event, the stream holds no database connection between
polls and ends at its ``wait``; a non-member gets 404 and no stream."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from inbox_web_helpers import seed
from test_publishing_api import PubHome, pub_home

from conftest import free_port
from socialops.engage import presence
from socialops.web.app import create_app

EVENTS = "/w/main/inbox/events"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, PubHome]]:
    import uvicorn

    for home in pub_home(tmp_path_factory):
        app = create_app(home.root)
        port = free_port()
        server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.started
        try:
            yield url, home
        finally:
            server.should_exit = True
            thread.join(10)


def _events(lines: Iterator[str], until: float) -> Iterator[tuple[str, dict[str, Any], str]]:
    """(event, data, id) of each event read from ``lines`` before ``until``."""
    kind, data, eid = "", "", ""
    for line in lines:
        if time.monotonic() > until:
            return
        if line.startswith("event: "):
            kind = line[7:]
        elif line.startswith("data: "):
            data = line[6:]
        elif line.startswith("id: "):
            eid = line[4:]
        elif line == "" and kind:
            yield kind, json.loads(data), eid
            kind, data, eid = "", "", ""


def test_a_new_message_arrives_live(served: tuple[str, PubHome]) -> None:
    url, home = served
    headers = {"Authorization": f"Bearer {home.tokens['agent']}"}
    db = home.db()
    seed(db, "sse-0", "먼저 온 문의입니다", label="먼저")  # before: not sent
    with (
        httpx.Client(base_url=url, headers=headers, timeout=10) as client,
        client.stream("GET", EVENTS, params={"wait": 8}) as stream,
    ):
        assert stream.status_code == 200
        assert stream.headers["content-type"].startswith("text/event-stream")
        lines = stream.iter_lines()
        got = _events(lines, time.monotonic() + 8)
        assert next(got)[0] == "hello"
        sent = time.monotonic()
        cid = seed(db, "sse-1", "카드가 안 돼요 급해요", label="실시간")
        for kind, data, eid in got:  # noqa: B007  (the matching event is used after)
            if kind == "message_in":
                break
        else:
            pytest.fail("no message_in event")
        took = time.monotonic() - sent
        print(f"message_in seen by the stream {took * 1000:.0f} ms after receive()")
        assert data["conversation_id"] == cid and took < 1.0 and eid.isdigit()
    # a reconnect from an older id gets what it missed, the first message included
    with (
        httpx.Client(base_url=url, headers=headers, timeout=10) as client,
        client.stream("GET", EVENTS, params={"wait": 1}, headers={"Last-Event-ID": "0"}) as s,
    ):
        kinds = [k for k, _d, _i in _events(s.iter_lines(), time.monotonic() + 5)]
    assert kinds.count("message_in") >= 2


def test_presence_and_no_connection_held(served: tuple[str, PubHome]) -> None:
    url, home = served
    db = home.db()
    cid = seed(db, "sse-p", "누가 보고 있나요", label="보는중")
    headers = {"Authorization": f"Bearer {home.tokens['manager']}"}
    pool = db.db.engine.pool
    with (
        httpx.Client(base_url=url, headers=headers, timeout=10) as client,
        client.stream("GET", EVENTS, params={"wait": 6, "c": cid}) as stream,
    ):
        got = _events(stream.iter_lines(), time.monotonic() + 6)
        assert next(got)[0] == "hello"
        presence.touch(db, cid, "agent@example.com", "typing")
        for kind, data, _eid in got:
            if kind == "presence" and data["others"]:
                break
        else:
            pytest.fail("no presence event")
        assert data["others"] == [["agent@example.com", "typing"]]
        if hasattr(pool, "checkedout"):  # between polls the stream holds no connection
            held = [pool.checkedout() for _ in range(20) if time.sleep(0.05) is None]
            assert min(held) == 0, held
    started = time.monotonic()
    with (
        httpx.Client(base_url=url, headers=headers, timeout=10) as client,
        client.stream("GET", EVENTS, params={"wait": 1}) as stream,
    ):
        list(stream.iter_lines())  # ends by itself
    assert time.monotonic() - started < 4
    outsider = {"Authorization": f"Bearer {home.tokens['outsider']}"}
    assert httpx.get(url + EVENTS, headers=outsider, timeout=10).status_code == 404
