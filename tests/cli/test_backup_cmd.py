"""``socialops backup`` of a RUNNING home, restored elsewhere, compared table by table and file
by file; and the commands' refusals (one line, the right exit status, nothing half-written).

The home is a copy of the airline workspace with accounts. While ``socialops backup`` runs in its
own process, three threads of this process keep writing: imports of real tweets (Parquet parts
and the import ledger), the publish queue with a worker publishing a manual profile's posts (its
tasks), and the web application (saved replies in the workspace, API tokens in the accounts).

What "consistent" means, and is checked: each database in the backup is that database at one
instant (SQLite's backup API copies it in one read transaction), so the restored databases hold
exactly the row counts the manifest recorded for every table, which lie between the counts seen
before the backup started and after it ended; and the Parquet store is the one that instant's
ledger commits: every raw part and enriched file the restored ledger names is there with the rows
the ledger says, and no other.
"""

from __future__ import annotations

import json
import os
import resource
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from cli_inproc import run_main
from cli_run import one_line_error
from fastapi.testclient import TestClient
from sqlalchemy import inspect, text

from socialops.connectors.profiles import connect
from socialops.publish import queue
from socialops.publish.worker import run_worker
from socialops.sources.streams.posts import import_file
from socialops.store.db import Database, Kind
from socialops.store.workspace import Workspace
from socialops.web.accounts import Accounts
from socialops.web.app import create_app
from workspace_copy import copy_workspace

pytestmark = pytest.mark.slow


def _counts(folder: Path, kind: Kind) -> dict[str, int]:
    """Every table's row count of the ``kind`` database of ``folder`` (SQLite or PostgreSQL,
    whichever this run uses)."""
    db = Database.open(folder, kind, upgrade=False)
    with db.connect() as conn:
        return {
            name: int(conn.execute(text(f'SELECT COUNT(*) FROM "{name}"')).scalar_one())
            for name in inspect(conn).get_table_names()
        }


def _slices(src: Path, dest: Path, n: int, rows: int) -> list[Path]:
    """``n`` files of ``rows`` different tweets each (with the header)."""
    lines = src.read_text(encoding="utf-8").splitlines(keepends=True)
    header, body = lines[0], lines[1:]
    out = []
    for i in range(n):
        part = dest / f"tweets_{i}.csv"
        # whole records only: Tweets.csv has no line breaks inside its quoted fields
        part.write_text(header + "".join(body[-(i + 1) * rows : len(body) - i * rows]))
        out.append(part)
    return out


class Busy:
    """Writers of a home, each in a thread, until told to stop; how many rounds each did."""

    def __init__(self) -> None:
        self.stop = threading.Event()
        self.rounds: dict[str, int] = {}
        self.errors: list[BaseException] = []
        self.threads: list[threading.Thread] = []

    def run(self, name: str, step: Callable[[int], None]) -> None:
        def loop() -> None:
            i = 0
            try:
                while not self.stop.is_set():
                    step(i)
                    i += 1
                    self.rounds[name] = i
            except BaseException as exc:  # reported by the test
                self.errors.append(exc)

        t = threading.Thread(target=loop, name=name, daemon=True)
        self.threads.append(t)
        t.start()

    def wait_rounds(self, at_least: dict[str, int], timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while any(self.rounds.get(k, 0) < v for k, v in at_least.items()):
            assert not self.errors, self.errors
            assert time.monotonic() < deadline, self.rounds
            time.sleep(0.05)

    def finish(self) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(timeout=60)
        assert not self.errors, self.errors


@pytest.fixture
def busy_home(
    airline_ws: Workspace, tmp_path: Path, shared_file: Callable[[str], Path]
) -> Iterator[tuple[Path, Busy]]:
    home = copy_workspace(airline_ws.root, tmp_path / "home")
    accounts = Accounts(home)
    owner = accounts.add_user("owner@example.com", "correct-horse-battery", role="owner")
    token = accounts.create_token(owner.id, "tests")
    ws = Workspace.open(home)
    connect(ws, name="ops", platform="manual", settings={"platform": "naver-blog"}, secrets={})
    slices = _slices(shared_file("airline_tweets/Tweets.csv"), tmp_path, 8, 150)
    busy = Busy()

    def imports(i: int) -> None:
        import_file(ws, slices[i % len(slices)], preset="airline-tweets")

    def publishing(i: int) -> None:
        queue.new_posts(ws, profiles=["ops"], text_=f"백업 중 게시 {i}")
        run_worker(ws, until_idle=True)

    app = create_app(home)
    client = TestClient(app, base_url="http://testserver")
    auth = {"Authorization": f"Bearer {token}"}

    def web(i: int) -> None:
        got = client.get("/api/v1/workspaces/main/saved-replies", headers=auth)
        assert got.status_code == 200, got.text
        made = client.post(
            "/api/v1/workspaces/main/saved-replies",
            headers=auth,
            json={"name": f"인사 {i}", "lang": "ko", "text": "안녕하세요 {name}님"},
        )
        assert made.status_code == 201, made.text
        tok = client.post("/api/v1/me/tokens", headers=auth, json={"name": f"t{i}"})
        assert tok.status_code == 201, tok.text

    with client:
        busy.run("imports", imports)
        busy.run("publishing", publishing)
        busy.run("web", web)
        try:
            yield home, busy
        finally:
            busy.finish()


def test_a_backup_taken_while_the_home_is_busy_restores_one_consistent_snapshot(
    busy_home: tuple[Path, Busy], tmp_path: Path
) -> None:
    home, busy = busy_home
    busy.wait_rounds({"imports": 1, "publishing": 2, "web": 2})
    kinds: tuple[Kind, ...] = ("workspace", "accounts")
    before = {k: _counts(home, k) for k in kinds}
    out = tmp_path / "backups" / "home.tar.zst"
    out.parent.mkdir()
    rounds_at_start = dict(busy.rounds)
    made = run_main(["backup", "--out", str(out), "--json"], home)
    assert made.returncode == 0, made.stderr
    # the writers went on while it ran and after
    busy.wait_rounds({k: v + 1 for k, v in rounds_at_start.items()})
    busy.finish()
    after = {k: _counts(home, k) for k in kinds}
    result = json.loads(made.stdout)
    assert result["key"] == "excluded"  # the manual profile made a key file; it stayed out
    assert sorted(os.listdir(out.parent)) == ["home.tar.zst"]  # no temporary file left

    back = run_main(["restore", str(out), "--into", str(tmp_path / "restored"), "--json"], home)
    assert back.returncode == 0, back.stderr
    restored = tmp_path / "restored"
    assert sorted(db["kind"] for db in result["databases"]) == sorted(kinds)
    for db in result["databases"]:
        kind = db["kind"]
        snap = db["tables"]
        assert _counts(restored, kind) == snap  # every table as in the snapshot: none lost
        for table, n in snap.items():
            assert before[kind][table] <= n <= after[kind][table] or table in (
                "sessions",
                "sign_in_failures",
            ), (table, before[kind][table], n, after[kind][table])
        if db["engine"] == "sqlite":
            with closing(sqlite3.connect(restored / f"{kind}.db")) as con:
                assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
                assert con.execute("PRAGMA foreign_key_check").fetchall() == []

    # the Parquet store is exactly what the restored ledger commits, with its rows
    ws = Workspace.open(restored, create=False)
    with ws.connect() as conn:
        parts = {r.part: r.rows for r in conn.execute(text("SELECT part, rows FROM raw_parts"))}
        running = conn.execute(text("SELECT COUNT(*) FROM imports WHERE status='running'"))
        assert (
            running.scalar_one() == 0
        )  # an import cut by the backup's instant is marked interrupted
    assert {p.stem for p in (restored / "raw").glob("*.parquet")} == set(parts)
    for part, rows in parts.items():
        assert pq.read_metadata(ws.raw_path(part)).num_rows == rows
    listed = {
        f["path"].removeprefix("files/"): f["rows"]
        for f in json.loads(_manifest(out))["files"]
        if "rows" in f
    }
    enriched = {str(p.relative_to(restored)): p for p in ws.enriched_files()}
    assert set(enriched) == {k for k in listed if k.startswith("enriched/")}
    assert set(enriched) == {
        str(p.relative_to(restored)) for p in (restored / "enriched").rglob("*.parquet")
    }
    for rel, path in enriched.items():
        assert pq.read_metadata(path).num_rows == listed[rel]


def _manifest(archive: Path) -> str:
    import tarfile

    import zstandard

    with open(archive, "rb") as raw:
        stream = zstandard.ZstdDecompressor().stream_reader(raw)
        with tarfile.open(fileobj=stream, mode="r|") as tar:
            for info in tar:
                if info.name == "manifest.json":
                    fh = tar.extractfile(info)
                    assert fh is not None
                    return fh.read().decode()
    raise AssertionError("no manifest")


# -- refusals ------------------------------------------------------------------------------------
def test_refusals_say_what_to_do_in_one_line(tmp_path: Path, workspace: Workspace) -> None:
    empty = tmp_path / "nothing"
    empty.mkdir()
    p = run_main(["backup", "--out", str(tmp_path / "x.tar.gz")], empty)
    assert p.returncode == 3 and "no workspace to back up" in one_line_error(p)
    p = run_main(["backup", "--out", str(workspace.root / "x.tar.gz")], workspace.root)
    assert p.returncode == 2 and "inside the folder" in one_line_error(p)
    p = run_main(["backup", "--out", str(tmp_path / "x.zip")], workspace.root)
    assert p.returncode == 2 and ".tar.zst" in one_line_error(p)
    p = run_main(["backup", "--out", str(tmp_path / "no" / "x.tar")], workspace.root)
    assert p.returncode == 2 and "does not exist" in one_line_error(p)
    ok = run_main(["backup", "--out", str(tmp_path / "x.tar")], workspace.root)
    assert ok.returncode == 0, ok.stderr
    p = run_main(["backup", "--out", str(tmp_path / "x.tar")], workspace.root)
    assert p.returncode == 2 and "--overwrite" in one_line_error(p)
    p = run_main(["restore", str(tmp_path / "x.tar"), "--into", str(workspace.root)], tmp_path)
    assert p.returncode == 2 and "not empty" in one_line_error(p)
    ko = run_main(
        ["restore", str(tmp_path / "nope.tar"), "--into", str(tmp_path / "r")],
        tmp_path,
        SOCIALOPS_LANG="ko",
    )
    assert ko.returncode == 2 and "백업 파일" in one_line_error(ko)


def test_a_full_disk_leaves_no_half_written_backup(tmp_path: Path, workspace: Workspace) -> None:
    (workspace.root / "uploads").mkdir()
    (workspace.root / "uploads" / "big.bin").write_bytes(os.urandom(6_000_000))
    out = tmp_path / "out"
    out.mkdir()
    limit = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (4_000_000, limit[1]))
    try:  # writes past 4 MB fail with EFBIG (Python ignores SIGXFSZ), as on a full disk: the
        # database snapshot fits, the archive does not
        p = run_main(["backup", "--out", str(out / "b.tar")], workspace.root)
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, limit)
    assert p.returncode == 74, p.stderr
    assert str(out) in one_line_error(p)  # where space is missing: the backup's folder
    assert list(out.iterdir()) == []
