"""A full disk while the web workspace saves an upload (issue 12): 507 in the one error shape, in
the user's language, with no server path; a real server whose process may not write more than
512 KiB to any file (RLIMIT_FSIZE: the kernel refuses with EFBIG, as a full disk does with
ENOSPC)."""

from __future__ import annotations

import os
import resource
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

LIMIT = 512 * 1024


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cli(home: Path, *args: str, stdin: str | None = None) -> str:
    env = {**os.environ, "SOCIALOPS_HOME": str(home), "COLUMNS": "200"}
    p = subprocess.run(
        [sys.executable, "-m", "socialops", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert p.returncode == 0, p.stderr
    return p.stdout


def _limited() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # else the kernel kills the writer
    resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT, LIMIT))


@pytest.mark.slow
def test_upload_on_a_full_disk_is_507(tmp_path: Path) -> None:
    home = tmp_path / "home"
    _cli(home, "user", "add", "o@example.com", "--role", "owner", "--password-stdin",
         stdin="a long enough password\n")  # fmt: skip
    token = _cli(home, "token", "create", "o@example.com").strip().split()[-1]
    body = "id,text,created_at\n" + "".join(
        f"{i},{secrets.token_hex(30)},2024-01-01\n" for i in range(30_000)
    )
    assert len(body) > 3 * LIMIT
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "socialops", "serve", "--port", str(port)],
        env={**os.environ, "SOCIALOPS_HOME": str(home), "SOCIALOPS_WEB_WARM": "0"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_limited,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        t0 = time.perf_counter()
        while True:
            try:
                httpx.get(f"{base}/login", timeout=2)
                break
            except httpx.HTTPError:
                assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
                assert time.perf_counter() - t0 < 60, "the server did not start"
                time.sleep(0.3)
        auth = {"Authorization": f"Bearer {token}"}
        r = httpx.post(
            f"{base}/api/v1/workspaces/main/imports",
            headers=auth,
            files={"file": ("posts.csv", body.encode(), "text/csv")},
            timeout=120,
        )
        assert r.status_code == 507, r.text
        err = r.json()["error"]
        assert (err["status"], err["code"]) == (507, "disk_full")
        # the user's language (Korean by default), and no server path
        assert "디스크 공간이 부족" in err["message"] and str(home) not in err["message"]
        # the server is still up and answers
        assert httpx.get(f"{base}/login", timeout=5).status_code == 200
    finally:
        proc.terminate()
        _out, err_text = proc.communicate(timeout=30)
    assert "Disk full" in err_text  # the path and what to free: in the server's log
