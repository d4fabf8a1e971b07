"""Post texts by post, for the example posts analyses show.

Analyses carry post ids and show a few texts; reading them back from the enriched Parquet means
decoding the text column of nearly every row group (a handful of posts spread over months touch
them all: about a second over 10 million posts). This index keeps each enriched post's text in
a SQLite file in the workspace cache (``cache/post_texts.sqlite``), keyed by its
:func:`~socialops.store.sample_key.sample_keys` value, so a lookup of a few hundred posts is a few
index probes. It follows the enriched files: the posts of a new (or rewritten) file are added on
first use — the cold cost, about 3 s per million posts — and those of a file that is gone are
dropped. It is a cache: deleting it is safe.

It stays a plain SQLite file (``sqlite3``, not :mod:`socialops.store.db`) even when the workspace
database is on PostgreSQL: like the Parquet files and the other caches it belongs to the
workspace folder and is rebuilt from the enriched files, so nothing in it needs to be shared
between servers or migrated (issue 13 allows it).
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from socialops.store.analytics import cache_file_name
from socialops.store.private import private_db, private_dir
from socialops.store.sample_key import sample_keys
from socialops.store.workspace import Workspace

__all__ = ["INDEX_FILE", "files_changed", "post_texts"]

INDEX_FILE = "post_texts.sqlite"
_SCHEMA_VERSION = 2
_BATCH = 900  # keys per lookup statement (SQLite's default limit is 32766 variables)
SYNC_TTL = 1.0  # seconds: a process looks at the enriched files at most this often
_SYNCED: dict[str, float] = {}  # workspace folder -> when this process last synced it
_SYNCING = threading.Lock()  # one thread of a process syncs at a time; the others read on


def _connect(path: Path) -> sqlite3.Connection:
    con = sqlite3.connect(path, timeout=60, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    version = con.execute("PRAGMA user_version").fetchone()[0]
    if version != _SCHEMA_VERSION:
        con.execute("BEGIN IMMEDIATE")
        con.execute("DROP TABLE IF EXISTS texts")
        con.execute("DROP TABLE IF EXISTS files")
        con.execute(
            "CREATE TABLE files (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, "
            "posts INTEGER NOT NULL)"
        )
        con.execute(
            "CREATE TABLE texts (key INTEGER NOT NULL, file INTEGER NOT NULL, platform TEXT, "
            "post_id TEXT, text TEXT)"
        )
        con.execute("CREATE INDEX texts_key ON texts (key)")
        con.execute(f"PRAGMA user_version = {_SCHEMA_VERSION}")
        con.execute("COMMIT")
    return con


def _sync(ws: Workspace, con: sqlite3.Connection) -> None:
    """Add the posts of enriched files not indexed yet, then drop those of files that are gone."""
    wanted = {cache_file_name(ws, f, "tx"): f for f in ws.enriched_files()}
    have = dict(con.execute("SELECT name, id FROM files").fetchall())
    for name in sorted(wanted.keys() - have):
        t = pq.read_table(wanted[name], columns=["platform", "post_id", "text"])
        keys = sample_keys(t["platform"], t["post_id"]).to_numpy()
        order = pa.array(np.argsort(keys, kind="stable"))  # index pages fill in key order
        con.execute("BEGIN IMMEDIATE")
        try:
            if con.execute("SELECT 1 FROM files WHERE name = ?", (name,)).fetchone() is None:
                cur = con.execute(
                    "INSERT INTO files (name, posts) VALUES (?, ?)", (name, t.num_rows)
                )
                rows = zip(
                    keys[order.to_numpy()].tolist(),
                    [cur.lastrowid] * t.num_rows,
                    t["platform"].take(order).to_pylist(),
                    t["post_id"].take(order).to_pylist(),
                    t["text"].take(order).to_pylist(),
                    strict=True,
                )
                con.executemany("INSERT INTO texts VALUES (?, ?, ?, ?, ?)", rows)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    # the files that are gone last: a compaction's merged file is indexed before the files it
    # replaced leave, so a lookup meanwhile finds every post (twice at most, the same text)
    for name in sorted(have.keys() - wanted.keys()):
        con.execute("BEGIN IMMEDIATE")
        con.execute("DELETE FROM texts WHERE file = ?", (have[name],))
        con.execute("DELETE FROM files WHERE id = ?", (have[name],))
        con.execute("COMMIT")


def files_changed(ws: Workspace) -> None:
    """Say that ``ws``'s enriched files just changed (enrichment calls it): the next lookup
    in this process syncs the index first."""
    _SYNCED.pop(str(ws.root.resolve()), None)


def post_texts(ws: Workspace, posts: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """The text of each ``(platform, post id)`` found among the enriched posts (``""`` when a
    post has none); posts not found are left out."""
    wanted = sorted(set(posts))
    if not wanted:
        return {}
    cache = ws.root / "cache"
    private_dir(cache)
    con = _connect(private_db(cache / INDEX_FILE))
    try:
        now = time.monotonic()
        key = str(ws.root.resolve())
        if key not in _SYNCED:  # the first lookup of this process: the index must be synced
            with _SYNCING:
                if key not in _SYNCED:
                    _sync(ws, con)
                    _SYNCED[key] = now
        elif now - _SYNCED[key] >= SYNC_TTL and _SYNCING.acquire(blocking=False):
            # a periodic look: one thread does it, the concurrent ones read the index as it is
            try:
                _sync(ws, con)
                _SYNCED[key] = now
            finally:
                _SYNCING.release()
        keys = sample_keys(
            pa.array([p for p, _ in wanted], pa.string()),
            pa.array([i for _, i in wanted], pa.string()),
        ).to_pylist()
        want = set(wanted)
        out: dict[tuple[str, str], str] = {}
        unique = sorted(set(keys))
        for start in range(0, len(unique), _BATCH):
            batch = unique[start : start + _BATCH]
            marks = ",".join("?" * len(batch))
            sql = f"SELECT platform, post_id, text FROM texts WHERE key IN ({marks})"
            for platform, post_id, text in con.execute(sql, batch):
                if (platform, post_id) in want:
                    out[(platform, post_id)] = text or ""
        return out
    finally:
        con.close()
