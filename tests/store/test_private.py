"""Workspace files are private (issue 12): folders 0700, databases 0600 (and their -wal/-shm),
whatever the umask — for a workspace made by the real CLI and by the web application, and an
older workspace made 0644/0755 is tightened when opened."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from socialops.store.private import private_db, private_dir
from socialops.store.texts import post_texts
from socialops.store.workspace import Workspace
from socialops.web.accounts import Accounts
from socialops.web.app import create_app

PASSWORD = "correct-horse-battery"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def modes(root: Path) -> dict[str, int]:
    """The mode of ``root`` and everything under it, by relative path."""
    out = {".": mode(root)}
    for p in root.rglob("*"):
        out[str(p.relative_to(root))] = mode(p)
    return out


def private(found: dict[str, int], root: Path) -> dict[str, str]:
    """The folders and databases the group or others can use (should be none). Another file
    (a Parquet part, the lock) lies in a 0700 folder: nobody else can reach it."""
    return {
        k: oct(v) for k, v in found.items() if v & 0o077 and ((root / k).is_dir() or ".db" in k)
    }


@pytest.fixture
def loose_umask() -> Iterator[None]:
    old = os.umask(0o022)  # the usual default: files 0644, folders 0755
    try:
        yield
    finally:
        os.umask(old)


def test_a_workspace_made_by_the_cli_is_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # about the files of the embedded default (SQLite), whichever database the run is on
    monkeypatch.delenv("SOCIALOPS_DATABASE_URL", raising=False)
    home = tmp_path / "deep" / "home"
    src = tmp_path / "posts.csv"
    src.write_text("id,text,created_at\n1,hello,2024-01-01\n2,world,2024-01-02\n")
    env = {**os.environ, "SOCIALOPS_HOME": str(home), "COLUMNS": "200"}

    def cli(*args: str, stdin: str | None = None) -> None:
        p = subprocess.run(
            [sys.executable, "-m", "socialops", *args],
            env=env,
            capture_output=True,
            text=True,
            input=stdin,
            timeout=300,
            preexec_fn=lambda: os.umask(0o022),
        )
        assert p.returncode == 0, p.stderr

    cli("import", str(src), "--preset", "generic")
    cli("user", "add", "ana@example.com", "--password-stdin", stdin=f"{PASSWORD}\n")
    found = modes(home)
    assert private(found, home) == {}
    assert found["."] == 0o700 and mode(home.parent) == 0o700  # the missing parent too
    for name in ("workspace.db", "accounts.db"):
        assert found[name] == 0o600
    for d in ("raw", "enriched", "tmp"):
        assert found[d] == 0o700
    # SQLite's side files, while a connection is open, have the database's mode
    with Accounts(home).connect() as con:
        con.execute(text("INSERT INTO audit (at, action) VALUES ('now', 'test')"))
        sides = list(home.glob("accounts.db-*"))
        assert sides and all(mode(p) == 0o600 for p in sides), sides


def test_a_workspace_made_by_the_web_app_is_private(
    tmp_path: Path, loose_umask: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # about the files of the embedded default (SQLite), whichever database the run is on
    monkeypatch.delenv("SOCIALOPS_DATABASE_URL", raising=False)
    home = tmp_path / "home"
    app = create_app(home)
    accounts = Accounts(home)
    user = accounts.add_user("owner@example.com", PASSWORD, role="owner")
    auth = {"Authorization": f"Bearer {accounts.create_token(user.id, 'tests')}"}
    with TestClient(app) as client:
        made = client.post(
            "/api/v1/workspaces", json={"slug": "team", "name": "Team"}, headers=auth
        )
        assert made.status_code in (200, 201), made.text
        # a (refused) metrics upload: saved under uploads/ first
        r = client.post(
            "/api/v1/workspaces/team/metrics/imports",
            headers=auth,
            data={"preset": "no-such-preset"},
            files={"file": ("m.csv", b"a,b\n1,2\n", "text/csv")},
        )
        assert r.status_code in (400, 422), r.text
        assert client.get("/api/v1/workspaces/team/imports", headers=auth).status_code == 200
    team = home / "workspaces" / "team"
    post_texts(Workspace.open(team), [("twitter", "1")])  # the text index's cache
    found = modes(home)
    assert private(found, home) == {}
    assert found["accounts.db"] == 0o600 and found["."] == 0o700
    assert found["workspaces"] == 0o700 and found["workspaces/team"] == 0o700
    assert found["workspaces/team/workspace.db"] == 0o600
    assert found["workspaces/team/uploads"] == 0o700
    assert found["workspaces/team/cache"] == 0o700


def test_an_older_workspace_is_tightened(tmp_path: Path, loose_umask: None) -> None:
    home = tmp_path / "home"
    Accounts(home)
    Workspace.open(home)
    for p in (home, home / "raw"):
        os.chmod(p, 0o755)
    for p in home.glob("*.db*"):
        os.chmod(p, 0o644)
    Accounts(home)
    Workspace.open(home)
    assert private(modes(home), home) == {}
    # the helpers themselves: made exactly 0700/0600 whatever the umask
    os.umask(0)
    assert mode(private_dir(tmp_path / "a" / "b")) == 0o700 and mode(tmp_path / "a") == 0o700
    assert mode(private_db(tmp_path / "a" / "x.db")) == 0o600
