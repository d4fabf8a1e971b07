"""``socialops user add``, ``socialops token create`` and ``socialops serve`` as a user runs them:
real subprocesses, a real server on a loopback port, one-line errors with exit status 2."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from cli_run import one_line_error, run
from sqlalchemy import inspect, text

from socialops.web.accounts import Accounts


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_user_add_and_token(tmp_path: Path) -> None:
    home = tmp_path / "home"
    p = run(
        ["user", "add", "Ana@Example.com", "--role", "analyst", "--password-stdin", "--json"],
        home,
        stdin="a long enough password\n",
    )
    assert p.returncode == 0, p.stderr
    assert '"email": "ana@example.com"' in p.stdout and '"role": "analyst"' in p.stdout
    # the same address again, a bad role, a short password, an unknown user: one line, exit 2
    again = run(
        ["user", "add", "ana@example.com", "--password-stdin"],
        home,
        stdin="another long password\n",
    )
    assert again.returncode == 2 and "exists already" in one_line_error(again)
    again_ko = run(
        ["user", "add", "ana@example.com", "--password-stdin"],
        home,
        stdin="another long password\n",
        SOCIALOPS_LANG="ko",
    )
    assert again_ko.returncode == 2 and "사용자가 이미 있습니다" in one_line_error(again_ko)
    bad = run(["user", "add", "bo@example.com", "--role", "boss"], home)
    assert bad.returncode == 2 and "Unknown role" in one_line_error(bad)
    # the password policy's refusals: in Korean by default, in English with SOCIALOPS_LANG=en
    short = run(
        ["user", "add", "cy@example.com", "--password-stdin"],
        home,
        stdin="short\n",
        SOCIALOPS_LANG="ko",
    )
    assert short.returncode == 2 and "너무 짧습니다" in one_line_error(short)
    for weak, says in [
        ("short", "too short"),
        ("aaaaaaaaaa", "repeated"),
        ("1234567890", "run of digits"),
        ("qwertyuiop", "keyboard"),
        ("password2024!", "most common"),
        ("cy.kim@example.com", "e-mail address or name"),
    ]:
        refused = run(
            ["user", "add", "cy.kim@example.com", "--password-stdin"],
            home,
            stdin=f"{weak}\n",
            SOCIALOPS_LANG="en",
        )
        assert refused.returncode == 2 and says in one_line_error(refused), (weak, refused.stderr)
    gen = run(["user", "add", "dee@example.com", "--role", "viewer"], home)
    assert gen.returncode == 0 and "password (shown once):" in gen.stdout
    tok = run(["token", "create", "ana@example.com"], home)
    assert tok.returncode == 0 and tok.stdout.strip().startswith("sot_")
    missing = run(["token", "create", "nobody@example.com"], home)
    assert missing.returncode == 2 and "No user" in one_line_error(missing)
    # the token works against the API, and no token or password is in the audit log
    from fastapi.testclient import TestClient

    from socialops.web.app import create_app

    with TestClient(create_app(home)) as c:
        me = c.get("/api/v1/me", headers={"Authorization": f"Bearer {tok.stdout.strip()}"})
        assert me.status_code == 200 and me.json()["workspaces"][0]["role"] == "analyst"
    stored = _stored(home)
    assert tok.stdout.strip().encode() not in stored
    assert b"a long enough password" not in stored


def _stored(home: Path) -> bytes:
    """What the accounts database holds: the file (SQLite), else every table's rows."""
    accounts = Accounts(home)
    if accounts.db.dialect == "sqlite":
        return (home / "accounts.db").read_bytes()
    with accounts.connect() as conn:
        tables = inspect(conn).get_table_names()
        rows = [conn.execute(text(f"SELECT * FROM {t}")).all() for t in tables]
    return repr(rows).encode()


def test_serve_first_start_creates_an_owner(tmp_path: Path) -> None:
    home = tmp_path / "home"
    port = _free_port()
    env = {"SOCIALOPS_HOME": str(home), "COLUMNS": "200"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "socialops", "serve", "--port", str(port)],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        t0 = time.perf_counter()
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/login", timeout=2)
                break
            except httpx.HTTPError:
                assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
                assert time.perf_counter() - t0 < 60, "the server did not start"
                time.sleep(0.3)
        assert r.status_code == 200 and 'name="password"' in r.text
        assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    finally:
        proc.terminate()
        out, _err = proc.communicate(timeout=30)
    # the start-up box, printed last: where to sign in, the password once, how to set one
    assert f"http://127.0.0.1:{port}/login" in out and out.strip().splitlines()[-1][0] == "╰"
    assert "owner@socialops.local" in out and "shown this once" in out
    assert "socialops user password owner@socialops.local" in out
    bad = run(["serve", "--port", "eighty"], home)
    assert bad.returncode == 2


def test_user_password(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert (
        run(
            ["user", "add", "eve@example.com", "--password-stdin"],
            home,
            stdin="the first password\n",
        ).returncode
        == 0
    )
    tokens = [run(["token", "create", "eve@example.com"], home).stdout.strip() for _ in "ab"]
    p = run(
        ["user", "password", "eve@example.com", "--password-stdin"],
        home,
        stdin="the second password\n",
    )
    assert p.returncode == 0 and "changed" in p.stdout
    # a password change revokes the user's API tokens too, and says so
    assert "API tokens were revoked (2)" in " ".join(p.stdout.split())
    from fastapi.testclient import TestClient

    from socialops.web.app import create_app

    with TestClient(create_app(home)) as c:
        for token in tokens:
            me = c.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
            assert me.status_code == 401, me.text

    accounts = Accounts(home)
    assert accounts.check_credentials("eve@example.com", "the second password") is not None
    assert accounts.check_credentials("eve@example.com", "the first password") is None
    short = run(
        ["user", "password", "eve@example.com", "--password-stdin"],
        home,
        stdin="short\n",
        SOCIALOPS_LANG="en",
    )
    assert short.returncode == 2 and "too short" in one_line_error(short)
    mine = run(
        ["user", "password", "eve@example.com", "--password-stdin"],
        home,
        stdin="eve@example.com\n",
        SOCIALOPS_LANG="ko",
    )
    assert mine.returncode == 2 and "이메일 주소나 이름" in one_line_error(mine)
    # a generated password passes the policy
    gen = run(["user", "password", "eve@example.com"], home)
    assert gen.returncode == 0 and "password (shown once):" in gen.stdout
    missing = run(["user", "password", "who@example.com"], home)
    assert missing.returncode == 2 and "No user" in one_line_error(missing)
