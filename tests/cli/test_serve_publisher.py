"""``socialops serve`` publishes due posts itself (zero extra services): a real server process,
a manual profile's due post turned into a task by the publisher thread, the watchdog seeing a
``serve`` worker; ``SOCIALOPS_PUBLISH_IN_SERVE=0`` leaves publishing to ``socialops worker``."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from socialops.connectors.profiles import connect
from socialops.publish import queue
from socialops.publish.watchdog import watchdog
from socialops.store.workspace import Workspace


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(home: Path, **env: str) -> tuple[subprocess.Popen[str], int]:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "socialops", "serve", "--port", str(port)],
        env={**os.environ, "SOCIALOPS_HOME": str(home), **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    t0 = time.perf_counter()
    while True:
        try:
            httpx.get(f"http://127.0.0.1:{port}/login", timeout=2)
            return proc, port
        except httpx.HTTPError:
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            assert time.perf_counter() - t0 < 60, "the server did not start"
            time.sleep(0.3)


def _due_post(home: Path) -> tuple[Workspace, str]:
    ws = Workspace.open(home)
    connect(ws, name="블로그", platform="manual", settings={"platform": "naver-blog"}, secrets={})
    _group, [post] = queue.new_posts(ws, profiles=["블로그"], text_="서버가 보내는 글")
    return ws, post.post_id


@pytest.mark.parametrize("inside", [True, False])
def test_serve_publishes_due_posts_unless_told_not_to(tmp_path: Path, inside: bool) -> None:
    home = tmp_path / "home"
    proc, _port = _serve(home, SOCIALOPS_PUBLISH_IN_SERVE="1" if inside else "0")
    try:
        ws, post_id = _due_post(home)
        deadline = time.perf_counter() + 30
        state = queue.get_post(ws, post_id).state
        while inside and state != "task" and time.perf_counter() < deadline:
            time.sleep(0.5)
            state = queue.get_post(ws, post_id).state
        if inside:
            assert state == "task"
            status = watchdog(ws)
            assert status.ok and {w.mode for w in status.workers} == {"serve"}
        else:
            time.sleep(7)  # more than a poll: nobody claims it
            assert queue.get_post(ws, post_id).state == "scheduled"
            status = watchdog(ws)
            assert not status.workers and status.due_waiting == 1
    finally:
        proc.terminate()
        proc.communicate(timeout=30)
