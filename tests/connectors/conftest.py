"""Fixtures for the connector tests: real local peers, started by the tests.

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
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import NoReturn

import pytest

REPO = Path(__file__).resolve().parents[2]
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
