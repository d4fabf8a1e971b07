"""The workspace and accounts databases: migrations (0.1 files adopted in place), write
transactions that lose no update on either database, and ``db copy`` to PostgreSQL."""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from databases import require_postgres, use_postgres
from socialops.errors import WorkspaceError
from socialops.store.db import Database, dispose_all
from socialops.store.dbcopy import SQLITE_ONLY, copy_folder, databases_of
from socialops.store.migrate import HEADS, current, heads_of_scripts
from socialops.store.workspace import Workspace

HERE = Path(__file__).parent
SCHEMA_0_1 = {
    "workspace": (HERE / "schema_0_1_workspace.sql").read_text(),
    "accounts": (HERE / "schema_0_1_accounts.sql").read_text(),
}


def test_heads_name_the_newest_revision_of_the_scripts() -> None:
    for kind in ("workspace", "accounts"):
        assert heads_of_scripts(kind) == (HEADS[kind],)  # type: ignore[arg-type]


def _legacy_workspace(root: Path, *, zone: bool = True) -> None:
    """A workspace.db as release 0.1 made it, one or more rows in each table."""
    root.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(root / "workspace.db")
    schema = SCHEMA_0_1["workspace"]
    if not zone:  # a workspace made before zones were recorded
        schema = re.sub(r",\n\s*zone\s+TEXT[^\n]*", "", schema)
        assert " zone " not in schema
    con.executescript(schema)
    con.executescript(
        """
        INSERT INTO imports VALUES ('i1', '/x/posts.csv', 'abc', 'generic', 'csv', 'utf-8', ',',
            'Asia/Seoul', '[]', '2026-01-01T00:00:00+00:00', '2026-01-01T00:01:00+00:00', 'done',
            3, 2, 0, 1);
        INSERT INTO raw_parts VALUES ('r1', 'i1', 0, 2, '2026-01-01T00:01:00+00:00');
        INSERT INTO post_keys VALUES ('x', '1', 'r1'), ('x', '2', 'r1');
        INSERT INTO quarantine VALUES ('abc', 3, 'i1', 'posts.csv', 'bad_time', 'no date', 'a,b');
        INSERT INTO topics VALUES ('브랜드', '배송', 'brand', '2026-01-01T00:00:00+00:00',
            '2026-01-01T00:00:00+00:00');
        INSERT INTO alert_runs VALUES ('2026-01-02T00:00:00+00:00', NULL, '[]');
        INSERT INTO plans VALUES ('p1', '봄 캠페인', 'draft', '2026-03-01', '2026-03-31', 3,
            '{"plan_id": "p1"}', '2026-01-01T00:00:00+00:00', '2026-01-02T00:00:00+00:00');
        INSERT INTO metric_imports VALUES ('m1', 'm.csv', 'def', 'post-metrics', 'post_metrics',
            'utf-8', ',', '{}', 1, 1, 0, 0, '[]', 'done', '2026-01-01T00:00:00+00:00',
            '2026-01-01T00:00:01+00:00');
        INSERT INTO post_metrics (channel, post_id, published_at, date_precision, local_day,
            local_month, reach, import_id) VALUES ('instagram', 'a', '2026-01-01T00:00:00+00:00',
            'day', '2026-01-01', '2026-01', 120.0, 'm1');
        INSERT INTO conversions VALUES ('2026-01-01', 'naver', 'cpc', 'spring', 3, 30000, NULL,
            'm1');
        """
    )
    run = (
        "('e1', 'normalize@1', 'duckdb', '[\"month=2026-01/e1_0.parquet\"]', 2, "
        "'2026-01-01T00:02:00+00:00', '2026-01-01T00:03:00+00:00'"
    )
    con.execute("INSERT INTO enrich_runs VALUES " + run + (", 'Asia/Seoul')" if zone else ")"))
    con.execute("INSERT INTO enriched_parts VALUES ('r1', 'e1', 2)")
    con.commit()
    con.close()


def _legacy_accounts(root: Path) -> None:
    root.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(root / "accounts.db")
    con.executescript(SCHEMA_0_1["accounts"])
    con.executescript(
        """
        INSERT INTO users VALUES (1, 'owner@example.com', '소유자', 'argon2-hash', 'ko',
            'Asia/Seoul', '2026-01-01T00:00:00+00:00');
        INSERT INTO users VALUES (7, 'analyst@example.com', 'Analyst', 'argon2-hash', 'en',
            'UTC', '2026-01-01T00:00:00+00:00');
        INSERT INTO workspaces VALUES ('main', 'Main', '2026-01-01T00:00:00+00:00');
        INSERT INTO members VALUES ('main', 1, 'owner'), ('main', 7, 'analyst');
        INSERT INTO sessions VALUES ('h', 1, 'c', '2026-01-01T00:00:00+00:00',
            '2099-01-01T00:00:00+00:00');
        INSERT INTO api_tokens VALUES (3, 'th', 1, 'cron', '2026-01-01T00:00:00+00:00', NULL);
        INSERT INTO sign_in_failures VALUES ('x@example.com|127.0.0.1',
            '2026-01-01T00:00:00+00:00');
        INSERT INTO audit VALUES (5, '2026-01-01T00:00:00+00:00', 1, 'owner@example.com',
            'main', 'topic.add', '브랜드', '{}', '127.0.0.1');
        INSERT INTO invitations VALUES (2, 'ih', 'main', 'new@example.com', 'viewer', 1,
            '2026-01-01T00:00:00+00:00', '2026-01-08T00:00:00+00:00', NULL, NULL, NULL);
        """
    )
    con.commit()
    con.close()


def _rows(path: Path, tables: list[str], columns: dict[str, list[str]] | None = None):  # type: ignore[no-untyped-def]
    """Every row of ``tables`` (only ``columns`` of each when given: what 0.1 had), and the
    columns."""
    raw = sqlite3.connect(path)
    cols = columns or {t: [r[1] for r in raw.execute(f"PRAGMA table_info({t})")] for t in tables}
    rows = {
        t: raw.execute(f"SELECT {', '.join(cols[t])} FROM {t} ORDER BY 1").fetchall()
        for t in tables
    }
    raw.close()
    return rows, cols


def _all_counts(db: Database) -> dict[str, int]:
    with db.connect() as conn:
        names = inspect(conn).get_table_names()
    tables = [t for t in names if t != "alembic_version" and not t.startswith(SQLITE_ONLY)]
    return _counts(db, tables)


def _counts(db: Database, tables: list[str]) -> dict[str, int]:
    with db.connect() as conn:
        return {
            t: int(conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar_one()) for t in tables
        }


WS_TABLES = [
    "imports", "raw_parts", "post_keys", "quarantine", "enrich_runs", "topics", "alert_runs",
    "enriched_parts", "plans", "metric_imports", "post_metrics", "conversions",
]  # fmt: skip
ACC_TABLES = [
    "users", "workspaces", "members", "sessions", "api_tokens", "sign_in_failures", "audit",
    "invitations",
]  # fmt: skip
# accounts a0004 (issue 18 part 6): not in a 0.1 file, copied like the others
SIGN_IN_TABLES = [
    "two_factor", "recovery_codes", "sign_in_tickets", "password_resets", "oidc_logins",
    "sso_identities",
]  # fmt: skip


@pytest.mark.parametrize("zone", [True, False], ids=["0.1", "before-zones"])
def test_a_0_1_workspace_upgrades_in_place_with_nothing_lost(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, zone: bool
) -> None:
    monkeypatch.delenv("SOCIALOPS_DATABASE_URL", raising=False)
    root = tmp_path / "ws"
    _legacy_workspace(root, zone=zone)
    before, cols = _rows(root / "workspace.db", WS_TABLES)
    ws = Workspace.open(root, create=False)
    assert current(ws.db) == HEADS["workspace"]
    with ws.connect() as conn:
        now = set(inspect(conn).get_table_names())
    kept = [t for t in WS_TABLES if t in now]
    after, _ = _rows(root / "workspace.db", kept, cols)
    for table in kept:  # every 0.1 row, with every 0.1 column, is still there
        assert set(before[table]) <= set(after[table]), table
    for table in set(WS_TABLES) - now:  # a table a later revision merged elsewhere
        assert table == "metric_imports"  # (w0002: one imports ledger for every stream)
        with ws.connect() as conn:
            moved = conn.execute(text("SELECT COUNT(*) FROM imports")).scalar_one()
        assert moved == len(before["imports"]) + len(before["metric_imports"])
    if not zone:  # the column workspaces before 0.1 lacked, empty for the old run
        with ws.connect() as conn:
            assert conn.execute(text("SELECT zone FROM enrich_runs")).scalar_one() is None
    assert ws.zone() == ("Asia/Seoul" if zone else None)
    assert ws.committed_enriched() == ["month=2026-01/e1_0.parquet"]
    assert Database.open(root, "workspace").upgrade() == []  # a second start changes nothing


def test_a_0_1_accounts_database_upgrades_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOCIALOPS_DATABASE_URL", raising=False)
    _legacy_accounts(tmp_path)
    before, cols = _rows(tmp_path / "accounts.db", ACC_TABLES)
    db = Database.open(tmp_path, "accounts")
    assert current(db) == HEADS["accounts"]
    after, _ = _rows(tmp_path / "accounts.db", ACC_TABLES, cols)  # every 0.1 row and column kept
    assert after == before


def _bump(root: str, n: int) -> None:
    """Read a counter, then write it back plus one, ``n`` times, each in a write transaction."""
    db = Database.open(Path(root), "workspace")
    for _ in range(n):
        with db.begin() as conn:
            value = int(
                conn.execute(text("SELECT rows FROM raw_parts WHERE part = 'n'")).scalar_one()
            )
            conn.execute(text("UPDATE raw_parts SET rows = :v WHERE part = 'n'"), {"v": value + 1})
    dispose_all()


def test_write_transactions_lose_no_update_across_processes(tmp_path: Path, database: str) -> None:
    ws = Workspace.open(tmp_path / "ws")
    with ws.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO imports (import_id, source_path, source_sha256, preset, format, "
                "timezone, started_at, status) "
                "VALUES ('i', 'p', 's', 'g', 'csv', 'UTC', 't', 'done')"
            )
        )
        conn.execute(text("INSERT INTO raw_parts VALUES ('n', 'i', 0, 0, 't')"))
    dispose_all()
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_bump, args=(str(ws.root), 40)) for _ in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    with ws.connect() as conn:
        assert conn.execute(text("SELECT rows FROM raw_parts WHERE part = 'n'")).scalar_one() == 120


def test_a_failed_write_transaction_leaves_nothing(tmp_path: Path, database: str) -> None:
    ws = Workspace.open(tmp_path / "ws")
    with pytest.raises(RuntimeError), ws.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO topics (name, query, kind, created_at, updated_at) "
                "VALUES ('a', 'b', 'brand', 't', 't')"
            )
        )
        raise RuntimeError("interrupted")
    with ws.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM topics")).scalar_one() == 0


def test_postgresql_plans_each_statement_for_its_values(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """psycopg prepares a statement run five times; a generic plan for it would be blind to a
    search word's frequency (1.6-3x slower inbox searches), so every connection plans each
    execution for its values, on both kinds of connection."""
    require_postgres()
    use_postgres(monkeypatch)
    ws = Workspace.open(tmp_path / "ws")
    with ws.connect() as conn:
        assert conn.execute(text("SHOW plan_cache_mode")).scalar_one() == "force_custom_plan"
        for _ in range(7):  # past psycopg's prepare threshold
            conn.execute(text("SELECT COUNT(*) FROM topics WHERE name = :n"), {"n": "x"})
    with ws.begin() as conn:
        assert conn.execute(text("SHOW plan_cache_mode")).scalar_one() == "force_custom_plan"


def test_two_processes_starting_at_once_migrate_once(tmp_path: Path, database: str) -> None:
    env = dict(os.environ)
    code = (
        "import sys; from pathlib import Path; from socialops.store.db import Database; "
        "db = Database.open(Path(sys.argv[1]), 'workspace'); print(db.revision())"
    )
    (tmp_path / "ws").mkdir()
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(tmp_path / "ws")],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [o[1][-500:] for o in outs]
    assert {o[0].strip() for o in outs} == {HEADS["workspace"]}


def test_db_copy_moves_a_home_to_postgresql_and_checks_every_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    require_postgres()
    home = tmp_path / "home"
    _legacy_accounts(home)
    _legacy_workspace(home)
    _legacy_workspace(home / "workspaces" / "team")
    use_postgres(monkeypatch)
    url = os.environ["SOCIALOPS_DATABASE_URL"]
    monkeypatch.delenv("SOCIALOPS_DATABASE_URL")
    expected = [_all_counts(Database.open(r, k)) for r, k in databases_of(home)]
    use_postgres(monkeypatch)
    with pytest.raises(WorkspaceError) as refused:  # the data is still in the folder's files
        Workspace.open(home, create=False)
    assert refused.value.code == "db.sqlite_in_folder"
    results = copy_folder(home, url)
    assert [r.tables for r in results] == expected
    assert [(r.kind, Path(r.source).parent.name) for r in results] == [
        ("accounts", "home"),
        ("workspace", "home"),
        ("workspace", "team"),
    ]
    assert results[0].tables["users"] == 2 and results[0].tables["audit"] == 1
    assert results[1].tables["post_keys"] == 2 and results[1].tables["plans"] == 1
    # the copy is what the product then reads on PostgreSQL
    pg_accounts = Database.open(home, "accounts")
    assert pg_accounts.dialect == "postgresql"
    assert _counts(pg_accounts, ACC_TABLES + SIGN_IN_TABLES) == results[0].tables
    with pg_accounts.begin() as conn:  # ids continue after the copied ones
        new_id = conn.execute(
            text(
                "INSERT INTO users (email, name, password, created_at) "
                "VALUES ('third@example.com', 't', 'h', 't') RETURNING id"
            )
        ).scalar_one()
    assert new_id == 8
    ws = Workspace.open(home / "workspaces" / "team", create=False)
    assert ws.db.dialect == "postgresql"
    assert ws.zone() == "Asia/Seoul"
    with ws.connect() as conn:
        doc = conn.execute(text("SELECT name FROM plans WHERE plan_id = 'p1'")).scalar_one()
    assert doc == "봄 캠페인"
    # a second copy into the now filled database is refused and changes nothing
    with pytest.raises(WorkspaceError) as err:
        copy_folder(home, url)
    assert err.value.code == "db.target_not_empty"
    assert _counts(pg_accounts, ["users"]) == {"users": 3}


def test_db_copy_from_the_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    require_postgres()
    home = tmp_path / "home"
    _legacy_workspace(home)
    monkeypatch.delenv("SOCIALOPS_DATABASE_URL", raising=False)
    use_postgres(monkeypatch)
    url = os.environ.pop("SOCIALOPS_DATABASE_URL")
    monkeypatch.delenv("SOCIALOPS_DATABASE_URL", raising=False)
    env = {**os.environ, "SOCIALOPS_HOME": str(home), "SOCIALOPS_LANG": "en"}
    cli = [sys.executable, "-m", "socialops"]
    out = subprocess.run(
        [*cli, "db", "copy", "--to", url, "--json"], env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    (result,) = json.loads(out.stdout)
    expected = _all_counts(Database.open(home, "workspace", url="sqlite://"))
    assert result["kind"] == "workspace" and result["tables"] == expected
    bad = subprocess.run(
        [*cli, "db", "copy", "--to", "mysql://u@h/d"], env=env, capture_output=True, text=True
    )
    assert bad.returncode == 2
    assert bad.stderr.count("\n") == 1 and "PostgreSQL" in bad.stderr
    status = subprocess.run(
        [*cli, "db", "status", "--json"],
        env={**env, "SOCIALOPS_DATABASE_URL": url},
        capture_output=True,
        text=True,
    )
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)[0]["revision"] == HEADS["workspace"]


def test_a_replaced_sqlite_file_is_never_written_through_an_old_pooled_connection(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A workspace removed and made again at the same path: the pooled connections to the old
    (unlinked) file are dropped, so the new file gets the writes (SQLite files on any run)."""
    monkeypatch.delenv("SOCIALOPS_DATABASE_URL", raising=False)
    root = tmp_path / "ws"
    ws = Workspace.open(root)
    with ws.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO topics (name, query, kind, created_at, updated_at) "
                "VALUES ('old', 'x', 'brand', 't', 't')"
            )
        )
    with ws.connect() as conn:  # a connection is now idle in the pool
        assert conn.execute(text("SELECT count(*) FROM topics")).scalar_one() == 1
    for f in root.glob("workspace.db*"):
        f.unlink()
    again = Workspace.open(root)
    with again.begin() as conn:
        assert conn.execute(text("SELECT count(*) FROM topics")).scalar_one() == 0
        conn.execute(
            text(
                "INSERT INTO topics (name, query, kind, created_at, updated_at) "
                "VALUES ('new', 'y', 'brand', 't', 't')"
            )
        )
    con = sqlite3.connect(root / "workspace.db")  # what is really in the file now
    assert [r[0] for r in con.execute("SELECT name FROM topics")] == ["new"]
    con.close()


def _count_topics_in_child(root: str, out: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    with Database.open(Path(root), "workspace").connect() as conn:
        out.put(conn.execute(text("SELECT count(*) FROM topics")).scalar_one())


def test_a_forked_child_opens_its_own_connections(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    ws = Workspace.open(root)
    with ws.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO topics (name, query, kind, created_at, updated_at) "
                "VALUES ('a', 'x', 'brand', 't', 't')"
            )
        )
    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue()
    child = ctx.Process(target=_count_topics_in_child, args=(str(root), out))
    child.start()
    child.join(60)
    assert child.exitcode == 0 and out.get(timeout=5) == 1
    with ws.connect() as conn:  # the parent's pooled connection still works
        assert conn.execute(text("SELECT count(*) FROM topics")).scalar_one() == 1
