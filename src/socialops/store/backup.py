"""Backup and restore of a home or workspace folder: one archive, checked end to end.

What a backup holds (``manifest.json``, the archive's last member, lists every other member with
its size and SHA-256, the schema revision and every table's row count of each database, and the
rows of each Parquet file):

- **the databases**, each as one consistent snapshot: a SQLite file through SQLite's online
  backup API (``sqlite3.Connection.backup``, one step, so writers in WAL mode are not stopped and
  the copy is the database at one instant); on PostgreSQL one ``pg_dump`` of every schema of the
  folder (a workspace's and a home's accounts), run on a snapshot this module exported
  (``pg_export_snapshot``) so that the ledger it reads and the dump are the same instant;
- **the Parquet store** as that snapshot's ledger lists it: the raw parts and enriched files
  committed at that instant (a file is renamed into place before the ledger commits it, so every
  committed file exists then; files written after it, or orphans of an interrupted run, are
  left out). The files are opened right after the snapshot: an open file keeps its bytes even if
  a writer removes it later; if one is already gone, the snapshot is taken again;
- every other file of the folder (uploads, reports, trained models, settings files), as found
  when the backup starts; profile secrets stay encrypted in the database.

Left out: caches (``cache/``), ``tmp/``, the writer lock, the folder ids (``database.id``: a
restore makes new ones, so it never collides with the original's PostgreSQL schemas) and the
secret key file (``secret.key``) unless ``include_key``: a backup that carries the key carries
the means to decrypt the secrets beside them.

The archive is a tar (``.tar``), gzip (``.tar.gz``) or zstd (``.tar.zst``, when the
``zstandard`` package is installed) stream written to a temporary file beside the target and
renamed into place when complete and verified (read back and checked against the manifest).

A restore reads into a staging folder beside an empty target, refuses any member that is not a
plain file under an expected name (absolute paths, ``..``, links, devices, duplicates), checks
every checksum against the manifest, loads the databases (SQLite files; PostgreSQL through
``psql`` into new schemas), moves the folder into place and migrates the databases to this
release's schema (:data:`socialops.store.migrate.HEADS`).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import secrets
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any, BinaryIO

from sqlalchemy.engine import make_url

from socialops.errors import SettingsError, WorkspaceError, disk_full_error
from socialops.store.db import ID_FILE, Database, Kind, database_url, folder_id, schema_prefix
from socialops.store.private import private_dir

__all__ = [
    "FORMAT",
    "BackupResult",
    "RestoreResult",
    "backup",
    "restore",
]

FORMAT = 1  # manifest format version
MANIFEST = "manifest.json"
PG_DUMP = "postgres.sql"
FILES = "files/"
SUFFIXES = {".tar.zst": "zst", ".tar.gz": "gz", ".tgz": "gz", ".tar": "tar"}
SKIP_DIRS = {"cache", "tmp"}  # in every workspace folder: caches and half-written files
SKIP_FILES = {".lock", ID_FILE}
SQLITE_SUFFIXES = (".db", ".db-wal", ".db-shm", ".db-journal")
KEY_FILE = "secret.key"
DB_FILES: dict[Kind, str] = {"accounts": "accounts.db", "workspace": "workspace.db"}
CHUNK = 1 << 20
MAX_MANIFEST = 64 << 20
SNAPSHOT_TRIES = 5
_SAFE_PART = re.compile(r"^[^\x00/\\]+$")


# -- what a folder holds ---------------------------------------------------------------------
def workspace_folders(root: Path) -> list[Path]:
    """The workspace folders of ``root``: itself, and a home's ``workspaces/<slug>``."""
    found = [root]
    for sub in sorted((root / "workspaces").glob("*")):
        if sub.is_dir() and not sub.is_symlink() and _is_workspace(sub):
            found.append(sub)
    return found


def _is_workspace(folder: Path) -> bool:
    return (folder / DB_FILES["workspace"]).is_file() or (folder / ID_FILE).is_file()


def is_home(root: Path) -> bool:
    """Whether ``root`` holds a workspace or a home (accounts) to back up."""
    return _is_workspace(root) or (root / DB_FILES["accounts"]).is_file()


def _pg_url() -> str | None:
    url = database_url()
    if url is None or make_url(url).get_backend_name() != "postgresql":
        return None
    return url


@dataclass
class _Db:
    """One database of the folder being backed up."""

    folder: str  # relative to the root, POSIX, "" for the root
    kind: Kind
    engine: str  # sqlite | postgresql
    schema: str | None = None
    member: str | None = None  # SQLite: the archive member
    snapshot: Path | None = None  # SQLite: the snapshot file, while backing up
    revision: str | None = None
    tables: dict[str, int] = field(default_factory=dict)

    def public(self) -> dict[str, Any]:
        return {
            "folder": self.folder,
            "kind": self.kind,
            "engine": self.engine,
            "schema": self.schema,
            "member": self.member,
            "revision": self.revision,
            "tables": self.tables,
            "rows": sum(self.tables.values()),
        }


@dataclass
class _Member:
    name: str  # archive name
    open: Callable[[], BinaryIO]
    parquet: bool = False


@dataclass
class BackupResult:
    out: Path
    bytes: int
    files: int
    databases: list[dict[str, Any]]
    key: str  # included | excluded | none | environment
    seconds: float
    skipped: list[str] = field(default_factory=list)  # files gone between listing and copying

    def public(self) -> dict[str, Any]:
        return {
            "out": str(self.out),
            "bytes": self.bytes,
            "files": self.files,
            "databases": self.databases,
            "key": self.key,
            "seconds": round(self.seconds, 2),
            "skipped": self.skipped,
        }


@dataclass
class RestoreResult:
    into: Path
    files: int
    databases: list[dict[str, Any]]  # with "migrated": revisions applied
    key: str
    seconds: float

    def public(self) -> dict[str, Any]:
        return {
            "into": str(self.into),
            "files": self.files,
            "databases": self.databases,
            "key": self.key,
            "seconds": round(self.seconds, 2),
        }


# -- snapshots ---------------------------------------------------------------------------------
def _ledger_files(rows_parts: list[tuple[Any, ...]], rows_runs: list[tuple[Any, ...]]) -> list[str]:
    """The store files a ledger commits, relative to its workspace folder."""
    out = [f"raw/{part}.parquet" for (part,) in rows_parts]
    rels: set[str] = set()
    for (files,) in rows_runs:
        rels.update(json.loads(files or "[]"))
    out.extend(f"enriched/{rel}" for rel in sorted(rels))
    return out


def _query(cur: Any, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    cur.execute(sql, params)
    return list(cur.fetchall())


def _sqlite_snapshot(source: Path, target: Path) -> tuple[_Db, list[str]]:
    """Copy ``source`` into ``target`` as one snapshot; its revision, counts and store files."""
    with contextlib.closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as src:
        src.execute("PRAGMA busy_timeout=30000")
        with contextlib.closing(sqlite3.connect(target)) as dst:
            src.backup(dst)  # pages=-1: the whole database in one step, one read transaction
    db = _Db(folder="", kind="workspace", engine="sqlite")
    with contextlib.closing(sqlite3.connect(target)) as snap:
        cur = snap.cursor()
        names = [
            r[0]
            for r in _query(
                cur,
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
                "ORDER BY name",
            )
        ]
        for name in names:
            quoted = name.replace('"', '""')
            db.tables[name] = int(_query(cur, f'SELECT COUNT(*) FROM "{quoted}"')[0][0])
        if "alembic_version" in names:
            got = _query(cur, "SELECT version_num FROM alembic_version")
            db.revision = str(got[0][0]) if got else None
        store: list[str] = []
        if "raw_parts" in names and "enrich_runs" in names:
            store = _ledger_files(
                _query(cur, "SELECT part FROM raw_parts ORDER BY part"),
                _query(cur, "SELECT files FROM enrich_runs"),
            )
    return db, store


def _libpq_env(url: str) -> dict[str, str]:
    """The ``PG*`` variables that point ``pg_dump``/``psql`` at ``url`` (the password travels
    in the environment, never on a command line others can read)."""
    u = make_url(url)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    for key, value in (
        ("PGHOST", u.host),
        ("PGPORT", str(u.port) if u.port else None),
        ("PGUSER", u.username),
        ("PGPASSWORD", u.password),
        ("PGDATABASE", u.database),
    ):
        if value:
            env[key] = str(value)
    return env


def _pg_connect(url: str) -> Any:
    import psycopg

    u = make_url(url)
    return psycopg.connect(
        host=u.host or None,
        port=u.port or None,
        user=u.username or None,
        password=u.password or None,
        dbname=u.database or None,
        connect_timeout=10,
    )


def _pg_schema(folder: Path, kind: Kind) -> str | None:
    fid = folder_id(folder, create=False)
    if fid is None:
        return None
    return f"{schema_prefix()}_{fid}" + ("_accounts" if kind == "accounts" else "")


def _pg_tables(cur: Any, schema: str) -> list[str]:
    return [
        r[0]
        for r in _query(
            cur,
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s "
            "AND table_type = 'BASE TABLE' ORDER BY table_name",
            (schema,),
        )
    ]


def _pg_read(cur: Any, db: _Db) -> list[str]:
    """Fill ``db``'s revision and counts from the snapshot ``cur`` reads; its store files."""
    assert db.schema is not None
    names = _pg_tables(cur, db.schema)
    q = f'"{db.schema}"'
    for name in names:
        db.tables[name] = int(_query(cur, f'SELECT COUNT(*) FROM {q}."{name}"')[0][0])
    if "alembic_version" in names:
        got = _query(cur, f"SELECT version_num FROM {q}.alembic_version")
        db.revision = str(got[0][0]) if got else None
    if db.kind == "workspace" and "raw_parts" in names and "enrich_runs" in names:
        return _ledger_files(
            _query(cur, f"SELECT part FROM {q}.raw_parts ORDER BY part"),
            _query(cur, f"SELECT files FROM {q}.enrich_runs"),
        )
    return []


# -- backup --------------------------------------------------------------------------------------
def _rel(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def _plain_files(root: Path, include_key: bool, exclude: set[Path]) -> list[str]:
    """Every other file to keep, relative to ``root``: what the folder holds now, without the
    databases, the Parquet store (taken from the ledger), caches, locks and ids."""
    ws_folders = set(workspace_folders(root))
    out: list[str] = []
    for here, dirs, files in os.walk(root):
        folder = Path(here)
        if folder in ws_folders:
            dirs[:] = [d for d in dirs if d not in SKIP_DIRS | {"raw", "enriched"}]
        dirs[:] = sorted(d for d in dirs if not (folder / d).is_symlink())
        for name in sorted(files):
            path = folder / name
            if path in exclude or path.is_symlink() or not path.is_file():
                continue
            if name in SKIP_FILES or name.endswith(SQLITE_SUFFIXES):
                continue
            if name.startswith(f".{ID_FILE}."):
                continue
            if name == KEY_FILE and folder in ws_folders and not include_key:
                continue
            out.append(_rel(path, root))
    return out


def _key_state(root: Path, include_key: bool) -> str:
    if os.environ.get("SOCIALOPS_SECRET_KEY", "").strip():
        return "environment"
    if not any((f / KEY_FILE).is_file() for f in workspace_folders(root)):
        return "none"
    return "included" if include_key else "excluded"


class _Snapshot:
    """The databases of a folder taken at one instant each, with the store files they commit
    held open (an open file keeps its bytes whatever a writer does to its name later)."""

    def __init__(self, root: Path, work: Path) -> None:
        self.root = root
        self.work = work
        self.dbs: list[_Db] = []
        self.members: list[_Member] = []
        self.opened: dict[str, BinaryIO] = {}
        self.dump: Path | None = None
        self.missing: str | None = None  # a committed store file not on disk (last try)

    def close(self) -> None:
        for fh in self.opened.values():
            with contextlib.suppress(OSError):
                fh.close()
        self.opened.clear()

    def _open_store(self, folder: Path, files: list[str]) -> bool:
        """Open every committed store file of ``folder``; False when one is already gone."""
        prefix = _rel(folder, self.root) if folder != self.root else ""
        for rel in files:
            name = f"{prefix}/{rel}" if prefix else rel
            try:
                self.opened[name] = open(folder / rel, "rb")  # noqa: SIM115 - closed in close()
            except FileNotFoundError:
                self.missing = name
                return False
        return True

    def take(self) -> None:
        for attempt in range(SNAPSHOT_TRIES):
            self.close()
            self.dbs = []
            ok = self._take_pg() if _pg_url() else self._take_sqlite()
            if ok:
                return
            time.sleep(0.05 * (attempt + 1))
        self.close()
        raise WorkspaceError(code="backup.store_missing", file=str(self.missing))

    def _take_sqlite(self) -> bool:
        acc = self.root / DB_FILES["accounts"]
        if acc.is_file():
            db, _ = _sqlite_snapshot(acc, self.work / "accounts.db")
            db.kind, db.member = "accounts", FILES + DB_FILES["accounts"]
            db.snapshot = self.work / "accounts.db"
            self.dbs.append(db)
        for i, folder in enumerate(workspace_folders(self.root)):
            source = folder / DB_FILES["workspace"]
            if not source.is_file():
                continue
            db, store = _sqlite_snapshot(source, self.work / f"ws{i}.db")
            rel = _rel(folder, self.root) if folder != self.root else ""
            db.folder = rel
            db.member = FILES + (f"{rel}/" if rel else "") + DB_FILES["workspace"]
            db.kind = "workspace"
            db.snapshot = self.work / f"ws{i}.db"
            self.dbs.append(db)
            if not self._open_store(folder, store):
                return False
        return True

    def _take_pg(self) -> bool:
        url = _pg_url()
        assert url is not None
        wanted: list[tuple[Path, Kind]] = [(self.root, "accounts")]
        wanted += [(f, "workspace") for f in workspace_folders(self.root)]
        with contextlib.closing(_pg_connect(url)) as conn:
            conn.autocommit = False
            cur = conn.cursor()
            cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            snapshot = str(_query(cur, "SELECT pg_export_snapshot()")[0][0])
            stores: list[tuple[Path, list[str]]] = []
            for folder, kind in wanted:
                schema = _pg_schema(folder, kind)
                if schema is None or not _pg_tables(cur, schema):
                    continue
                rel = _rel(folder, self.root) if folder != self.root else ""
                db = _Db(folder=rel, kind=kind, engine="postgresql", schema=schema)
                stores.append((folder, _pg_read(cur, db)))
                self.dbs.append(db)
            for folder, files in stores:
                if not self._open_store(folder, files):
                    conn.rollback()
                    return False
            if self.dbs:
                self.dump = self.work / PG_DUMP
                _pg_dump(url, snapshot, [d.schema for d in self.dbs if d.schema], self.dump)
            conn.rollback()
        return True


def _pg_dump(url: str, snapshot: str, schemas: list[str], out: Path) -> None:
    exe = shutil.which("pg_dump")
    if exe is None:
        raise SettingsError(code="backup.no_pg_tool", tool="pg_dump")
    args = [exe, "--format=plain", "--no-owner", "--no-privileges", f"--snapshot={snapshot}"]
    for s in schemas:
        args += ["--schema", s]
    args += ["--file", str(out)]
    done = subprocess.run(args, env=_libpq_env(url), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise WorkspaceError(
            code="backup.pg_failed", tool="pg_dump", detail=_first_line(done.stderr)
        )


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:300]
    return "?"


class _Hashing(io.RawIOBase):
    """Reads ``size`` bytes of ``fh``, hashing them."""

    def __init__(self, fh: BinaryIO, size: int) -> None:
        self.fh = fh
        self.left = size
        self.sha = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        if self.left <= 0:
            return b""
        n = self.left if n < 0 else min(n, self.left)
        data = self.fh.read(n)
        self.left -= len(data)
        self.sha.update(data)
        return data


def _writer(path: Path, kind: str) -> tuple[tarfile.TarFile, Callable[[], None]]:
    """A tar stream writing to ``path`` compressed as ``kind``; and how to finish it (flushed
    and synced to disk). gzip at level 6 (tarfile's own stream mode would use 9: slow, and
    Parquet, most of a backup, is compressed already); zstd at level 3 on every core."""
    raw = open(path, "wb")  # noqa: SIM115 - closed by the finisher
    comp: Any = None
    if kind == "zst":
        comp = _zstd().ZstdCompressor(level=3, threads=-1).stream_writer(raw, closefd=False)
    elif kind == "gz":
        import gzip

        comp = gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=6, mtime=0)
    tar = tarfile.open(fileobj=comp or raw, mode="w|", format=tarfile.PAX_FORMAT)  # noqa: SIM115

    def finish() -> None:
        try:
            tar.close()
            if comp is not None:
                comp.close()
            raw.flush()
            os.fsync(raw.fileno())
        finally:
            raw.close()

    return tar, finish


def _zstd() -> Any:
    try:
        import zstandard
    except ImportError:
        raise SettingsError(code="backup.no_zstd") from None
    return zstandard


def archive_kind(path: Path) -> str:
    """``zst``, ``gz`` or ``tar`` from the name an archive is given."""
    name = path.name.lower()
    for suffix, kind in SUFFIXES.items():
        if name.endswith(suffix):
            if kind == "zst":
                _zstd()
            return kind
    raise SettingsError(code="backup.bad_suffix", name=path.name)


def _add(tar: tarfile.TarFile, name: str, fh: BinaryIO, parquet: bool) -> dict[str, Any]:
    size = os.fstat(fh.fileno()).st_size
    fh.seek(0)
    info = tarfile.TarInfo(name)
    info.size = size
    info.mode = 0o600
    info.mtime = int(time.time())
    reader = _Hashing(fh, size)
    tar.addfile(info, reader)
    entry: dict[str, Any] = {"path": name, "size": size, "sha256": reader.sha.hexdigest()}
    if parquet:
        import pyarrow.parquet as pq

        fh.seek(0)
        entry["rows"] = int(pq.read_metadata(fh).num_rows)
    return entry


def backup(
    root: Path,
    out: Path,
    *,
    include_key: bool = False,
    overwrite: bool = False,
    verify: bool = True,
    progress: Callable[[str], None] | None = None,
) -> BackupResult:
    """Back up the folder ``root`` (a workspace or a home) into the archive ``out``; a full
    disk where it is written is a :class:`~socialops.errors.DiskFullError` naming that place."""
    try:
        return _backup(root, out, include_key, overwrite, verify, progress)
    except Exception as exc:
        full = disk_full_error(exc, out.expanduser().absolute().parent)
        if full is not None:
            raise full from exc
        raise


def _backup(
    root: Path,
    out: Path,
    include_key: bool,
    overwrite: bool,
    verify: bool,
    progress: Callable[[str], None] | None,
) -> BackupResult:
    started = time.monotonic()
    root = root.resolve()
    out = out.expanduser().absolute()
    kind = archive_kind(out)
    if not root.is_dir() or not is_home(root):
        raise WorkspaceError(code="cli.backup_not_workspace", root=str(root))
    if out.resolve().is_relative_to(root):
        raise SettingsError(code="backup.out_inside", out=str(out), root=str(root))
    if out.exists() and not overwrite:
        raise SettingsError(code="cli.backup_out_exists", out=str(out))
    if not out.parent.is_dir():
        raise SettingsError(code="backup.out_dir", out=str(out.parent))
    if not os.access(out.parent, os.W_OK | os.X_OK):
        raise SettingsError(code="backup.out_unwritable", out=str(out.parent))
    key = _key_state(root, include_key)
    plain = _plain_files(root, include_key, {out})
    with tempfile.TemporaryDirectory(prefix=f".{out.name}.", dir=out.parent) as work_dir:
        work = Path(work_dir)
        partial = work / "archive"
        snap = _Snapshot(root, work)
        try:
            snap.take()
            if progress:
                progress("snapshot")
            entries: list[dict[str, Any]] = []
            skipped: list[str] = []
            tar, finish = _writer(partial, kind)
            try:
                for db in snap.dbs:  # the SQLite snapshots
                    if db.snapshot is not None and db.member:
                        with open(db.snapshot, "rb") as snap_fh:
                            entries.append(_add(tar, db.member, snap_fh, False))
                if snap.dump is not None:
                    with open(snap.dump, "rb") as dump_fh:
                        entries.append(_add(tar, PG_DUMP, dump_fh, False))
                for name, fh in sorted(snap.opened.items()):
                    entries.append(_add(tar, FILES + name, fh, True))
                snap.close()
                for rel in plain:
                    try:
                        fh = open(root / rel, "rb")  # noqa: SIM115
                    except (FileNotFoundError, IsADirectoryError):
                        skipped.append(rel)  # gone since the listing (an upload cleaned away)
                        continue
                    with fh:
                        entries.append(_add(tar, FILES + rel, fh, False))
                manifest = _manifest(snap.dbs, entries, key, skipped)
                body = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
                info = tarfile.TarInfo(MANIFEST)
                info.size = len(body)
                info.mode = 0o600
                info.mtime = int(time.time())
                tar.addfile(info, io.BytesIO(body))
            finally:
                finish()
            if verify:
                if progress:
                    progress("verify")
                check_archive(partial)
            os.chmod(partial, 0o600)
            os.replace(partial, out)
        finally:
            snap.close()
    return BackupResult(
        out=out,
        bytes=out.stat().st_size,
        files=len(entries),
        databases=[d.public() for d in snap.dbs],
        key=key,
        seconds=time.monotonic() - started,
        skipped=skipped,
    )


def _manifest(
    dbs: list[_Db], entries: list[dict[str, Any]], key: str, skipped: list[str]
) -> dict[str, Any]:
    from socialops import __version__
    from socialops.store.migrate import HEADS

    return {
        "format": FORMAT,
        "socialops": __version__,
        "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "heads": dict(HEADS),
        "engine": dbs[0].engine if dbs else "sqlite",
        "key": key,
        "databases": [d.public() for d in dbs],
        "files": entries,
        "skipped": skipped,
    }


# -- reading an archive ------------------------------------------------------------------------
@contextlib.contextmanager
def _reader(path: Path) -> Iterator[tarfile.TarFile]:
    try:
        raw = open(path, "rb")  # noqa: SIM115 - closed below
    except FileNotFoundError:
        raise SettingsError(code="backup.no_file", path=str(path)) from None
    except IsADirectoryError:
        raise SettingsError(code="backup.no_file", path=str(path)) from None
    with raw:
        magic = raw.read(4)
        raw.seek(0)
        stream: IO[bytes]
        if magic == b"\x28\xb5\x2f\xfd":
            stream = _zstd().ZstdDecompressor().stream_reader(raw)
        elif magic[:2] == b"\x1f\x8b":
            import gzip

            stream = gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[assignment]
        else:
            stream = raw
        try:
            with tarfile.open(fileobj=stream, mode="r|") as tar:
                yield tar
        except (tarfile.TarError, EOFError, OSError) as exc:
            if isinstance(exc, OSError) and exc.errno is not None:
                raise
            raise SettingsError(code="backup.not_archive", path=str(path)) from None


def _safe_name(name: str) -> bool:
    if name in (MANIFEST, PG_DUMP):
        return True
    if not name.startswith(FILES) or name.endswith("/"):
        return False
    parts = PurePosixPath(name).parts
    if not parts or parts[0] != "files" or len(parts) < 2:
        return False
    return all(p not in ("..", ".") and _SAFE_PART.match(p) for p in parts)


def _members(
    path: Path, sink: Callable[[str, _Hashing], None] | None
) -> tuple[dict[str, Any], dict[str, tuple[int, str]]]:
    """Read the archive ``path`` once: refuse any unsafe member; each member's size and hash
    (``sink`` receives it to store); and the manifest."""
    seen: dict[str, tuple[int, str]] = {}
    manifest: dict[str, Any] | None = None
    with _reader(path) as tar:
        for info in tar:
            name = info.name
            if not info.isreg():
                raise WorkspaceError(code="backup.member_type", member=name)
            if not _safe_name(name):
                raise WorkspaceError(code="backup.member_name", member=name)
            if name in seen or (name == MANIFEST and manifest is not None):
                raise WorkspaceError(code="backup.member_duplicate", member=name)
            fh = tar.extractfile(info)
            assert fh is not None
            if name == MANIFEST:
                if info.size > MAX_MANIFEST:
                    raise WorkspaceError(code="backup.member_size", member=name)
                try:
                    manifest = json.loads(fh.read())
                except ValueError:
                    raise WorkspaceError(code="backup.bad_manifest", path=str(path)) from None
                continue
            reader = _Hashing(fh, info.size)  # type: ignore[arg-type]
            if sink is not None:
                sink(name, reader)
            while reader.read(CHUNK):
                pass
            seen[name] = (info.size, reader.sha.hexdigest())
    if not isinstance(manifest, dict):
        raise WorkspaceError(code="backup.bad_manifest", path=str(path))
    _check(manifest, seen, path)
    return manifest, seen


def _check(manifest: dict[str, Any], seen: dict[str, tuple[int, str]], path: Path) -> None:
    if not isinstance(manifest.get("format"), int) or not isinstance(manifest.get("files"), list):
        raise WorkspaceError(code="backup.bad_manifest", path=str(path))
    if manifest["format"] > FORMAT:
        raise WorkspaceError(code="backup.newer_format", format=manifest["format"])
    listed: dict[str, tuple[int, str]] = {}
    for e in manifest["files"]:
        try:
            listed[str(e["path"])] = (int(e["size"]), str(e["sha256"]))
        except (KeyError, TypeError, ValueError):
            raise WorkspaceError(code="backup.bad_manifest", path=str(path)) from None
    for name, (size, sha) in seen.items():
        if name not in listed:
            raise WorkspaceError(code="backup.member_unlisted", member=name)
        if listed[name] != (size, sha):
            raise WorkspaceError(code="backup.checksum", member=name)
    missing = sorted(set(listed) - set(seen))
    if missing:
        raise WorkspaceError(code="backup.missing_member", member=missing[0])
    # what the restore acts on besides the files: only folders and members of this archive
    dbs = manifest.get("databases", [])
    if manifest.get("engine", "sqlite") not in ("sqlite", "postgresql") or not isinstance(
        dbs, list
    ):
        raise WorkspaceError(code="backup.bad_manifest", path=str(path))
    for d in dbs:
        ok = (
            isinstance(d, dict)
            and d.get("kind") in ("accounts", "workspace")
            and isinstance(d.get("folder"), str)
            and (d["folder"] == "" or _safe_name(FILES + d["folder"]))
            and (d.get("member") is None or d.get("member") in listed)
            and isinstance(d.get("tables", {}), dict)
        )
        if not ok:
            raise WorkspaceError(code="backup.bad_manifest", path=str(path))


def check_archive(path: Path) -> dict[str, Any]:
    """Read ``path`` through and check it against its manifest; the manifest."""
    manifest, _ = _members(path, None)
    return manifest


# -- restore -------------------------------------------------------------------------------------
def _empty_target(into: Path) -> None:
    if into.is_symlink() or (into.exists() and not into.is_dir()):
        raise SettingsError(code="cli.backup_target_not_empty", into=str(into))
    if into.is_dir() and any(into.iterdir()):
        raise SettingsError(code="cli.backup_target_not_empty", into=str(into))


def _known_revision(kind: Kind, revision: str) -> bool:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from socialops.store.migrate import MIGRATIONS

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS / kind))
    try:
        return ScriptDirectory.from_config(cfg).get_revision(revision) is not None
    except Exception:
        return False


def restore(
    archive: Path, into: Path, *, progress: Callable[[str], None] | None = None
) -> RestoreResult:
    """Restore the backup ``archive`` into the empty (or missing) folder ``into`` (nothing is
    left there when it fails)."""
    try:
        return _restore(archive, into, progress)
    except Exception as exc:
        full = disk_full_error(exc, into.expanduser().absolute().parent)
        if full is not None:
            raise full from exc
        raise


def _restore(archive: Path, into: Path, progress: Callable[[str], None] | None) -> RestoreResult:
    started = time.monotonic()
    archive = archive.expanduser().absolute()
    into = into.expanduser().absolute()
    _empty_target(into)
    if not archive.is_file():
        raise SettingsError(code="backup.no_file", path=str(archive))
    try:
        into.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SettingsError(code="backup.target_unwritable", into=str(into)) from exc
    if not os.access(into.parent, os.W_OK | os.X_OK):
        raise SettingsError(code="backup.target_unwritable", into=str(into))
    staging = into.parent / f".{into.name}.restore-{secrets.token_hex(4)}"
    private_dir(staging)
    made_schemas: list[str] = []
    moved = False
    url = _pg_url()
    try:

        def sink(name: str, reader: _Hashing) -> None:
            dest = staging / name  # a safe name (_safe_name): under the staging folder
            for parent in reversed(dest.relative_to(staging).parents):
                if str(parent) != ".":
                    private_dir(staging / parent)
            with open(dest, "xb") as out:
                os.fchmod(out.fileno(), 0o600)
                while chunk := reader.read(CHUNK):
                    out.write(chunk)

        manifest, _ = _members(archive, sink)
        if progress:
            progress("checked")
        dbs = [d for d in manifest.get("databases", []) if isinstance(d, dict)]
        for d in dbs:
            rev = d.get("revision")
            if rev and not _known_revision(d["kind"], str(rev)):
                raise WorkspaceError(code="backup.newer_release", revision=rev)
        files = staging / "files"
        private_dir(files)
        engine = manifest.get("engine", "sqlite")
        if engine == "postgresql" and dbs:
            if url is None:
                raise SettingsError(code="backup.needs_postgres")
            made_schemas = _pg_load(url, staging / PG_DUMP, files, dbs)
        (staging / PG_DUMP).unlink(missing_ok=True)
        if into.exists():
            into.rmdir()
        os.replace(files, into)
        moved = True
        shutil.rmtree(staging, ignore_errors=True)
        if engine == "sqlite" and url is not None and dbs:
            from socialops.store.dbcopy import copy_folder

            copy_folder(into, url)
            for d in dbs:
                member = d.get("member") or ""
                sqlite_file = into / member.removeprefix(FILES)
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{sqlite_file}{suffix}").unlink(missing_ok=True)
        out_dbs = []
        for d in dbs:
            folder = into / d["folder"] if d["folder"] else into
            db = Database.open(folder, d["kind"], upgrade=False)
            applied = db.upgrade()
            if d["kind"] == "workspace":
                _settle(folder)
            out_dbs.append({**d, "migrated": applied, "schema": db.schema})
        return RestoreResult(
            into=into,
            files=len(manifest["files"]),
            databases=out_dbs,
            key=str(manifest.get("key", "none")),
            seconds=time.monotonic() - started,
        )
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if moved:
            shutil.rmtree(into, ignore_errors=True)
        if made_schemas and url is not None:
            _pg_drop(url, made_schemas)
        raise


def _settle(folder: Path) -> None:
    """A restored workspace: no import runs in it (those running at backup time are marked
    interrupted, their committed parts kept), and its folders are there."""
    from socialops.store.workspace import Workspace

    ws = Workspace.open(folder, create=False)
    ws.recover()


# -- PostgreSQL --------------------------------------------------------------------------------
_COPY = re.compile(r"^COPY .* FROM stdin;\s*$")


def rewrite_schemas(lines: Iterator[str], names: dict[str, str]) -> Iterator[str]:
    """The lines of a plain ``pg_dump`` with each schema in ``names`` renamed, in statements
    only: the rows of a ``COPY`` block pass untouched (a post's text may hold anything)."""
    pattern = re.compile(r"\b(" + "|".join(re.escape(n) for n in names) + r")\b")
    in_copy = False
    for line in lines:
        if in_copy:
            if line.rstrip("\r\n") == "\\.":
                in_copy = False
            yield line
            continue
        new = pattern.sub(lambda m: names[m.group(1)], line)
        if _COPY.match(line):
            in_copy = True
        yield new


def _pg_load(url: str, dump: Path, files: Path, dbs: list[dict[str, Any]]) -> list[str]:
    """Load the dump into new schemas named after new folder ids; the schemas made."""
    exe = shutil.which("psql")
    if exe is None:
        raise SettingsError(code="backup.no_pg_tool", tool="psql")
    if not dump.is_file():
        raise WorkspaceError(code="backup.missing_member", member=PG_DUMP)
    names: dict[str, str] = {}
    for d in dbs:
        folder = files / d["folder"] if d["folder"] else files
        private_dir(folder)
        fid = folder_id(folder)
        new = f"{schema_prefix()}_{fid}" + ("_accounts" if d["kind"] == "accounts" else "")
        old = str(d.get("schema") or "")
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,62}", old):
            raise WorkspaceError(code="backup.bad_manifest", path=dump.name)
        names[old] = new
    with contextlib.closing(_pg_connect(url)) as conn:
        cur = conn.cursor()
        taken = _query(
            cur,
            "SELECT nspname FROM pg_namespace WHERE nspname = ANY(%s)",
            (list(names.values()),),
        )
        conn.rollback()
    if taken:
        raise WorkspaceError(code="backup.schema_taken", schema=taken[0][0])
    args = [exe, "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction", "-f", "-"]
    with tempfile.TemporaryFile("w+") as errors:
        proc = subprocess.Popen(
            args,
            env=_libpq_env(url),
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=errors,
            text=True,
            encoding="utf-8",
        )
        assert proc.stdin is not None
        try:
            with open(dump, encoding="utf-8", newline="") as src:
                for line in rewrite_schemas(iter(src), names):
                    proc.stdin.write(line)
            proc.stdin.close()
        except BrokenPipeError:
            pass
        rc = proc.wait()
        errors.seek(0)
        detail = _first_line(errors.read())
    if rc != 0:
        raise WorkspaceError(code="backup.pg_failed", tool="psql", detail=detail)
    return list(names.values())


def _pg_drop(url: str, schemas: list[str]) -> None:
    with contextlib.suppress(Exception), contextlib.closing(_pg_connect(url)) as conn:
        conn.autocommit = True
        for s in schemas:
            conn.execute(f'DROP SCHEMA IF EXISTS "{s}" CASCADE')
