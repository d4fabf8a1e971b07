"""The real local platform servers the tests publish to, as session fixtures (made available to
every test by ``tests/conftest.py``): one of each per test session (per xdist worker).

``local_pds``: the local Bluesky network (``scripts/local-pds.sh``: a PLC directory and a PDS from
``@atproto/dev-env``, with the accounts ``alice.test`` and ``bob.test``, password ``hunter2``) on
free ports, once per test session (per xdist worker: test modules that use it name the xdist group
``local_pds``). The first use installs it into ``.local-pds/`` (a few minutes). It skips on a
developer machine where it cannot start, and FAILS when ``CI=true``.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import httpx
import pytest

REPO = Path(__file__).resolve().parents[1]
LOCAL_PDS = REPO / "scripts" / "local-pds.sh"
PDS_URL_LINE = re.compile(r"PDS_URL=(http://127\.0\.0\.1:(\d+))")
# the first start installs the network (about 2-4 minutes); later starts take seconds
START_TIMEOUT_S = 900


def free_ports(n: int) -> list[int]:
    """``n`` distinct TCP ports free on 127.0.0.1 right now (held together while chosen)."""
    with ExitStack() as stack:
        socks = [stack.enter_context(socket.socket()) for _ in range(n)]
        for s in socks:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in socks]


def local_pds_env(pds_port: int, plc_port: int | None = None) -> dict[str, str]:
    env = {**os.environ, "PDS_PORT": str(pds_port)}
    if plc_port is not None:
        env["PLC_PORT"] = str(plc_port)
    # the network ends with this test process even when it is killed before the fixture's stop
    env["LOCAL_PDS_WATCH_PID"] = str(os.getpid())
    return env


def run_local_pds(
    command: str, env: dict[str, str], timeout: float = START_TIMEOUT_S
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(LOCAL_PDS), command],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def parse_pds_url(stdout: str) -> str | None:
    """The URL of ``start``'s output, which must be exactly one ``PDS_URL=...`` line."""
    lines = stdout.splitlines()
    if len(lines) != 1:
        return None
    m = PDS_URL_LINE.fullmatch(lines[0])
    return m.group(1) if m else None


def _unavailable(msg: str) -> NoReturn:
    if os.environ.get("CI") == "true":
        pytest.fail(msg)
    pytest.skip(msg)


@pytest.fixture(scope="session")
def local_pds() -> Iterator[str]:
    """The URL of a running local PDS (``http://127.0.0.1:PORT``), stopped at the session's end."""
    pds_port, plc_port = free_ports(2)
    env = local_pds_env(pds_port, plc_port)
    try:
        done = run_local_pds("start", env)
    except subprocess.TimeoutExpired as exc:
        run_local_pds("stop", env, timeout=60)
        _unavailable(f"the local Bluesky network did not start: {exc}")
    except OSError as exc:
        _unavailable(f"the local Bluesky network did not start: {exc}")
    url = parse_pds_url(done.stdout)
    if done.returncode != 0 or url is None:
        # a failed start stops what it started and keeps its log (named in the reason)
        errors = [line for line in done.stderr.splitlines() if line.strip()]
        reason = errors[-1] if errors else f"exit status {done.returncode}"
        if done.returncode == 0:
            run_local_pds("stop", env, timeout=60)
        _unavailable(
            f"the local Bluesky network did not start ({reason}); stdout was {done.stdout!r}"
        )
    try:
        yield url
    finally:
        run_local_pds("stop", env, timeout=60)


# -- mastodon-mock ---------------------------------------------------------------------------------
# ``mastodon_mock``: a real local Mastodon API server (PyPI ``mastodon-mock``: FastAPI + SQLite,
# fault injection at ``/api/v1/_mock/faults``) started as its own process
# (``python -m mastodon_mock serve``) on a free port, once per test session (test modules that use
# it name the xdist group ``mastodon_mock``). Seeded accounts and their access tokens are
# :data:`MASTODON_ACCOUNTS`. It skips on a developer machine where it cannot start, and FAILS
# when ``CI=true``.
MASTODON_ACCOUNTS = {"sora": "sora_token", "minji": "minji_token", "jun": "jun_token"}
MASTODON_START_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class MastodonMock:
    base_url: str
    tokens: dict[str, str]  # username → access token

    def fault(self, rule: dict[str, object]) -> None:
        """Add a fault-injection rule (``{"match": ..., "effect": ..., "count": n}``)."""
        httpx.post(f"{self.base_url}/api/v1/_mock/faults", json=rule, timeout=10).raise_for_status()

    def clear_faults(self) -> None:
        httpx.delete(f"{self.base_url}/api/v1/_mock/faults", timeout=10).raise_for_status()


def _mastodon_config(folder: Path, port: int) -> Path:
    lines = [
        f'domain = "127.0.0.1:{port}"',
        'url_scheme = "http"',
        "[database]",
        f'path = "{folder / "mastodon.sqlite"}"',
        f'[server]\nhost = "127.0.0.1"\nport = {port}',
    ]
    for user, token in MASTODON_ACCOUNTS.items():
        lines += ["[[seed.accounts]]", f'username = "{user}"', f'access_token = "{token}"']
    path = folder / "mastodon_mock.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def mastodon_mock(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MastodonMock]:
    """A running ``mastodon-mock`` server, stopped at the session's end."""
    folder = tmp_path_factory.mktemp("mastodon_mock")
    [port] = free_ports(1)
    config = _mastodon_config(folder, port)
    log = (folder / "server.log").open("w", encoding="utf-8")
    try:
        proc = subprocess.Popen(
            [
                *(sys.executable, "-m", "mastodon_mock", "serve", "--config", str(config)),
                *("--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"),
            ],
            cwd=folder,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    except OSError as exc:
        log.close()
        _unavailable(f"mastodon-mock did not start: {exc}")
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + MASTODON_START_TIMEOUT_S
    up = False
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            up = httpx.get(f"{base_url}/api/v1/instance", timeout=2).status_code == 200
        except httpx.HTTPError:
            up = False
        if up:
            break
        time.sleep(0.2)
    try:
        if not up:
            proc.kill()
            proc.wait(timeout=10)
            log.close()
            tail = (folder / "server.log").read_text(encoding="utf-8")[-500:]
            _unavailable(f"mastodon-mock did not start (exit {proc.returncode}): {tail}")
        yield MastodonMock(base_url, dict(MASTODON_ACCOUNTS))
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        log.close()
