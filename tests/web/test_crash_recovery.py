"""After a crash (issue 12): a server killed during an upload's import leaves its upload in
``uploads/`` and the import marked ``running``; the next server start removes the upload and
marks the import ``interrupted`` — in the ledger, the API, the data page — and a reader such as
``socialops imports`` does the same for an import whose process was killed. Real processes,
real ``kill -9``."""

from __future__ import annotations

import csv
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import inspect, text

from socialops.store.workspace import Workspace
from socialops.web.accounts import Accounts
from socialops.web.app import create_app

PASSWORD = "correct-horse-battery"
ROWS = 400_000  # an import of this many rows lasts long enough to be killed in the middle


def big_csv(path: Path) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "text", "created_at", "author"])
        for i in range(ROWS):
            w.writerow([f"p{i}", f"post number {i} about flights", "2015-02-20 10:00:00", "me"])
    return path


def statuses(home: Path) -> list[str]:
    """The imports' statuses as the ledger holds them, in the order they were recorded."""
    ws = Workspace(home)
    if not ws.exists():
        return []
    with ws.connect() as con:
        if not inspect(con).has_table("imports"):  # the schema is not there yet
            return []
        return [r[0] for r in con.execute(text("SELECT status FROM imports ORDER BY seq"))]


def kill_when_running(proc: subprocess.Popen[bytes], home: Path, timeout: float = 120) -> None:
    """``kill -9`` ``proc`` as soon as the ledger shows an import running."""
    deadline = time.monotonic() + timeout
    while "running" not in statuses(home):
        assert proc.poll() is None, "the process ended before its import started"
        assert time.monotonic() < deadline, "no import started"
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)  # reaped: not a zombie that still looks alive


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_server_start_cleans_up_after_a_crash_mid_upload(tmp_path: Path) -> None:
    home = tmp_path / "home"
    accounts = Accounts(home)
    user = accounts.add_user("analyst@example.com", PASSWORD, role="analyst")
    token = accounts.create_token(user.id, "tests")
    source = big_csv(tmp_path / "tweets.csv")
    port = free_port()
    env = {**os.environ, "SOCIALOPS_HOME": str(home), "SOCIALOPS_WEB_WARM": "0"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "socialops", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{url}/login", timeout=2)
                break
            except httpx.HTTPError:
                assert proc.poll() is None and time.monotonic() < deadline, "no server"
                time.sleep(0.2)

        def upload() -> None:
            try:
                with source.open("rb") as fh:
                    httpx.post(
                        f"{url}/api/v1/workspaces/main/imports",
                        headers={"Authorization": f"Bearer {token}"},
                        files={"file": ("tweets.csv", fh, "text/csv")},
                        timeout=120,
                    )
            except httpx.HTTPError:
                pass  # the server is killed under it

        sender = threading.Thread(target=upload, daemon=True)
        sender.start()
        kill_when_running(proc, home)
        sender.join(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    # what the crash left: the upload, and an import marked running
    left = list((home / "uploads").iterdir())
    assert [p.name.endswith("-tweets.csv") for p in left] == [True]
    assert statuses(home) == ["running"]

    app = create_app(home)  # what `socialops serve` does on start
    assert not list((home / "uploads").iterdir()), "the crashed server's upload is still there"
    assert statuses(home) == ["interrupted"]
    with TestClient(app) as client:
        rows = client.get(
            "/api/v1/workspaces/main/imports", headers={"Authorization": f"Bearer {token}"}
        ).json()
        assert [r["status"] for r in rows] == ["interrupted"]
        assert rows[0]["source_path"] == "tweets.csv"  # the name it was sent with, no path
        page = client.get("/w/main/data", headers={"Authorization": f"Bearer {token}"})
        assert page.status_code == 200, page.text[:300]
        assert 'data-status="interrupted"' in page.text and "중단됨" in page.text


@pytest.mark.slow
def test_imports_lists_a_killed_import_as_interrupted(tmp_path: Path) -> None:
    """``socialops import`` killed mid-import: ``socialops imports`` (a reader, no next write)
    says interrupted at once; an import in flight in a live process stays running."""
    home = tmp_path / "home"
    source = big_csv(tmp_path / "tweets.csv")
    env = {**os.environ, "SOCIALOPS_HOME": str(home), "COLUMNS": "200"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "socialops", "import", str(source), "--preset", "generic"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        kill_when_running(proc, home)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert statuses(home) == ["running"]
    listed = subprocess.run(
        [sys.executable, "-m", "socialops", "imports", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert listed.returncode == 0, listed.stderr
    assert [r["status"] for r in json.loads(listed.stdout)] == ["interrupted"]
    assert statuses(home) == ["interrupted"]

    # a live holder of the writer lock: its running import is left alone
    ws = Workspace.open(home)
    with ws.lock("the test"):
        with ws.begin() as con:
            con.execute(text("UPDATE imports SET status = 'running'"))
        assert ws.lock_holder() == os.getpid()
        assert ws.settle_imports() == 0 and statuses(home) == ["running"]
    assert ws.lock_holder() is None
    assert ws.settle_imports() == 1 and statuses(home) == ["interrupted"]
