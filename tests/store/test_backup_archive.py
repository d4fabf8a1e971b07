"""Backup archives (socialops.store.backup): a round trip on both databases (SQLite through its
backup API, PostgreSQL through pg_dump/psql into new schemas), a backup from release 0.1 that the
restore migrates, and hostile or damaged archives refused with nothing written."""

from __future__ import annotations

import io
import json
import sqlite3
import tarfile
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy import MetaData, func, select, text

from databases import require_postgres, use_postgres
from socialops.errors import SettingsError, WorkspaceError
from socialops.sources.streams.posts import import_file
from socialops.store.backup import MANIFEST, backup, restore, rewrite_schemas
from socialops.store.db import Database
from socialops.store.migrate import HEADS
from socialops.store.workspace import Workspace

HERE = Path(__file__).parent


def _counts(db: Database) -> dict[str, int]:
    with db.connect() as conn:
        meta = MetaData()
        meta.reflect(bind=conn)
        return {
            name: int(conn.execute(select(func.count()).select_from(t)).scalar_one())
            for name, t in meta.tables.items()
        }


@pytest.fixture(scope="module")
def kote_slice(
    shared_file: Callable[[str], Path], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """About 300 KOTE comments (a real file, small enough to import in a second)."""
    src = shared_file("kote/val.tsv").read_text(encoding="utf-8").splitlines(keepends=True)
    out = tmp_path_factory.mktemp("kote") / "kote300.tsv"
    out.write_text("".join(src[:301]), encoding="utf-8")
    return out


def test_round_trip_on_each_database(database: str, tmp_path: Path, kote_slice: Path) -> None:
    ws = Workspace.open(tmp_path / "ws")
    import_file(ws, kote_slice, preset="kote")
    (ws.root / "uploads").mkdir()
    (ws.root / "uploads" / "note.csv").write_text("a,b\n1,2\n")
    (ws.root / "cache").mkdir(exist_ok=True)
    (ws.root / "cache" / "big.parquet").write_bytes(b"x" * 1000)  # a cache: left out
    (ws.root / "secret.key").write_bytes(b"k" * 44)  # left out by default
    before = _counts(ws.db)

    done = backup(ws.root, tmp_path / "b.tar.gz")
    names = {f["path"] for f in json.loads(_member(done.out, MANIFEST))["files"]}
    assert "files/uploads/note.csv" in names
    assert not any("cache/" in n or n.endswith("secret.key") for n in names)
    assert done.key == "excluded"
    on_pg = database == "postgresql"
    assert ("postgres.sql" in names) == on_pg
    assert ("files/workspace.db" in names) == (not on_pg)

    back = restore(done.out, tmp_path / "restored")
    restored = Workspace.open(back.into, create=False)
    assert _counts(restored.db) == before
    assert restored.committed_raw_parts() == ws.committed_raw_parts()
    rows = sum(
        pq.read_metadata(restored.raw_path(p)).num_rows for p in restored.committed_raw_parts()
    )
    with ws.connect() as conn:
        assert rows == conn.execute(text("SELECT SUM(rows) FROM raw_parts")).scalar_one() > 250
    assert not (back.into / "secret.key").exists()
    assert (back.into / "uploads" / "note.csv").read_text() == "a,b\n1,2\n"
    if database == "postgresql":  # its own schema: the original is untouched beside it
        assert restored.db.schema != ws.db.schema
        assert (back.into / "database.id").read_text() != (ws.root / "database.id").read_text()
        assert _counts(ws.db) == before


def _member(archive: Path, name: str) -> bytes:
    with tarfile.open(archive) as tar:
        fh = tar.extractfile(name)
        assert fh is not None
        return fh.read()


def _legacy_home(root: Path) -> None:
    """A home folder as release 0.1 left it: its two SQLite databases made by 0.1's schema (no
    migration table), and the Parquet files its ledger names."""
    root.mkdir(parents=True)
    con = sqlite3.connect(root / "workspace.db")
    con.executescript((HERE / "schema_0_1_workspace.sql").read_text())
    con.executescript(
        """
        INSERT INTO imports VALUES ('i1', '/x/posts.csv', 'abc', 'generic', 'csv', 'utf-8', ',',
            'Asia/Seoul', '[]', '2026-01-01T00:00:00+00:00', '2026-01-01T00:01:00+00:00', 'done',
            3, 2, 0, 1);
        INSERT INTO raw_parts VALUES ('r1', 'i1', 0, 2, '2026-01-01T00:01:00+00:00');
        INSERT INTO post_keys VALUES ('x', '1', 'r1'), ('x', '2', 'r1');
        INSERT INTO enrich_runs VALUES ('e1', 'normalize@1', 'duckdb',
            '["month=2026-01/e1_0.parquet"]', 2, '2026-01-01T00:02:00+00:00',
            '2026-01-01T00:03:00+00:00', 'Asia/Seoul');
        INSERT INTO enriched_parts VALUES ('r1', 'e1', 2);
        """
    )
    con.commit()
    con.close()
    con = sqlite3.connect(root / "accounts.db")
    con.executescript((HERE / "schema_0_1_accounts.sql").read_text())
    con.execute(
        "INSERT INTO users VALUES (1, 'owner@example.com', '소유자', 'argon2-hash', 'ko', "
        "'Asia/Seoul', '2026-01-01T00:00:00+00:00')"
    )
    con.commit()
    con.close()
    two = pa.table({"post_id": ["1", "2"]})
    (root / "raw").mkdir()
    pq.write_table(two, root / "raw" / "r1.parquet")
    (root / "enriched" / "month=2026-01").mkdir(parents=True)
    pq.write_table(two, root / "enriched" / "month=2026-01" / "e1_0.parquet")
    (root / "raw" / "orphan.parquet").write_bytes(b"half-written")  # not in the ledger


def test_a_backup_from_an_older_release_is_migrated_on_restore(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOCIALOPS_DATABASE_URL", raising=False)
    _legacy_home(tmp_path / "old")
    done = backup(tmp_path / "old", tmp_path / "old.tar")
    assert {d["kind"]: d["revision"] for d in done.databases} == {
        "accounts": None,
        "workspace": None,
    }
    manifest = json.loads(_member(done.out, MANIFEST))
    assert "files/raw/orphan.parquet" not in {f["path"] for f in manifest["files"]}
    assert {f["path"]: f.get("rows") for f in manifest["files"] if "rows" in f} == {
        "files/raw/r1.parquet": 2,
        "files/enriched/month=2026-01/e1_0.parquet": 2,
    }

    back = restore(done.out, tmp_path / "new")
    migrated = {d["kind"]: d["migrated"] for d in back.databases}
    assert migrated["workspace"][0] == "w0001" and migrated["workspace"][-1] == HEADS["workspace"]
    assert migrated["accounts"][-1] == HEADS["accounts"]
    ws = Workspace.open(back.into, create=False)
    assert ws.db.revision() == HEADS["workspace"]
    assert Database.open(back.into, "accounts").revision() == HEADS["accounts"]
    with ws.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM post_keys")).scalar_one() == 2
    assert [p.name for p in ws.enriched_files()] == ["e1_0.parquet"]


# -- hostile and damaged archives ----------------------------------------------------------------
@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory, kote_slice: Path) -> Path:
    """A real backup (uncompressed tar, so members can be rewritten) of a small workspace."""
    root = tmp_path_factory.mktemp("good")
    mp = pytest.MonkeyPatch()
    mp.delenv("SOCIALOPS_DATABASE_URL", raising=False)
    try:
        ws = Workspace.open(root / "ws")
        import_file(ws, kote_slice, preset="kote")
        return backup(ws.root, root / "good.tar").out
    finally:
        mp.undo()


def _rewrite(
    src: Path,
    dest: Path,
    change: Callable[[tarfile.TarInfo, bytes], list[tuple[tarfile.TarInfo, bytes]]],
) -> Path:
    with tarfile.open(src) as tin, tarfile.open(dest, "w") as tout:
        for info in tin.getmembers():
            fh = tin.extractfile(info)
            data = fh.read() if fh else b""
            for new, body in change(info, data):
                tout.addfile(new, io.BytesIO(body) if new.isreg() else None)
    return dest


def _extra(
    name: str, kind: bytes = tarfile.REGTYPE, body: bytes = b"evil", link: str = ""
) -> Callable[[tarfile.TarInfo, bytes], list[tuple[tarfile.TarInfo, bytes]]]:
    """A change that slips ``name`` in before the manifest."""

    def change(info: tarfile.TarInfo, data: bytes) -> list[tuple[tarfile.TarInfo, bytes]]:
        if info.name != MANIFEST:
            return [(info, data)]
        bad = tarfile.TarInfo(name)
        bad.type = kind
        bad.linkname = link
        bad.size = len(body) if kind == tarfile.REGTYPE else 0
        return [(bad, body), (info, data)]

    return change


@pytest.mark.parametrize(
    ("name", "kind", "link", "code"),
    [
        ("files/../../escaped.txt", tarfile.REGTYPE, "", "backup.member_name"),
        ("../escaped.txt", tarfile.REGTYPE, "", "backup.member_name"),
        ("/tmp/escaped.txt", tarfile.REGTYPE, "", "backup.member_name"),
        ("files/uploads/link", tarfile.SYMTYPE, "/etc/passwd", "backup.member_type"),
        ("files/uploads/hard", tarfile.LNKTYPE, "files/workspace.db", "backup.member_type"),
        ("files/uploads/extra.csv", tarfile.REGTYPE, "", "backup.member_unlisted"),
    ],
)
def test_hostile_members_are_refused_and_nothing_is_written(
    good: Path, tmp_path: Path, name: str, kind: bytes, link: str, code: str
) -> None:
    bad = _rewrite(good, tmp_path / "bad.tar", _extra(name, kind, link=link))
    into = tmp_path / "place" / "into"
    with pytest.raises(WorkspaceError) as err:
        restore(bad, into)
    assert err.value.code == code
    assert not into.exists()
    assert list((tmp_path / "place").iterdir()) == []  # no staging folder left behind
    assert not (tmp_path / "escaped.txt").exists() and not Path("/tmp/escaped.txt").exists()


def test_a_tampered_file_or_a_truncated_archive_is_refused(good: Path, tmp_path: Path) -> None:
    def tamper(info: tarfile.TarInfo, data: bytes) -> list[tuple[tarfile.TarInfo, bytes]]:
        if info.name.startswith("files/raw/"):
            data = data[:-1] + bytes([data[-1] ^ 1])  # one bit, same size
        return [(info, data)]

    with pytest.raises(WorkspaceError) as err:
        restore(_rewrite(good, tmp_path / "t.tar", tamper), tmp_path / "a")
    assert err.value.code == "backup.checksum"
    assert not (tmp_path / "a").exists()

    cut = tmp_path / "cut.tar"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises((WorkspaceError, SettingsError)) as err2:
        restore(cut, tmp_path / "b")
    assert err2.value.code in ("backup.not_archive", "backup.bad_manifest")
    assert not (tmp_path / "b").exists()


@pytest.mark.parametrize(
    "field", [{"folder": "../outside"}, {"member": "files/../../x.db"}, {"kind": "other"}]
)
def test_a_manifest_pointing_outside_the_archive_is_refused(
    good: Path, tmp_path: Path, field: dict[str, str]
) -> None:
    def lie(info: tarfile.TarInfo, data: bytes) -> list[tuple[tarfile.TarInfo, bytes]]:
        if info.name == MANIFEST:
            manifest = json.loads(data)
            manifest["databases"][0].update(field)
            data = json.dumps(manifest).encode()
            info.size = len(data)
        return [(info, data)]

    with pytest.raises(WorkspaceError) as err:
        restore(_rewrite(good, tmp_path / "lie.tar", lie), tmp_path / "r")
    assert err.value.code == "backup.bad_manifest"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lie.tar"]


def test_a_non_empty_target_is_refused(good: Path, tmp_path: Path) -> None:
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "keep.txt").write_text("mine")
    with pytest.raises(SettingsError) as err:
        restore(good, tmp_path / "busy")
    assert err.value.code == "cli.backup_target_not_empty"
    assert [p.name for p in (tmp_path / "busy").iterdir()] == ["keep.txt"]
    (tmp_path / "empty").mkdir()
    assert restore(good, tmp_path / "empty").into == tmp_path / "empty"


def test_a_sqlite_backup_restored_on_postgresql_lands_in_its_schemas(
    good: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    require_postgres()
    manifest = json.loads(_member(good, MANIFEST))
    use_postgres(monkeypatch)
    back = restore(good, tmp_path / "on-pg")
    assert not (back.into / "workspace.db").exists()
    ws = Workspace.open(back.into, create=False)
    assert ws.db.schema is not None
    counts = _counts(ws.db)
    snapshot = manifest["databases"][0]["tables"]  # SQLite's also has its full-text tables
    assert {name: snapshot[name] for name in counts} == counts
    assert counts["post_keys"] > 250


def test_schema_renames_leave_copied_rows_alone() -> None:
    dump = [
        "CREATE SCHEMA so_old1;\n",
        "CREATE TABLE so_old1.posts (id integer, body text);\n",
        "COPY so_old1.posts (id, body) FROM stdin;\n",
        "1\tso_old1 is a word in a post\n",
        "\\.\n",
        "SELECT pg_catalog.setval('so_old1.posts_id_seq', 5, true);\n",
    ]
    out = list(rewrite_schemas(iter(dump), {"so_old1": "so_new2"}))
    assert out[0] == "CREATE SCHEMA so_new2;\n"
    assert out[2].startswith("COPY so_new2.posts")
    assert out[3] == "1\tso_old1 is a word in a post\n"
    assert out[5] == "SELECT pg_catalog.setval('so_new2.posts_id_seq', 5, true);\n"
