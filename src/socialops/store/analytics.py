"""The analytics store: enriched posts as Hive-partitioned Parquet, queried through Ibis.

One query code path runs on two engines:

- ``duckdb`` (default): an in-process DuckDB, all cores, Parquet footers cached between queries;
- ``spark`` (a local ``local[*]`` session) or ``spark://HOST:PORT`` (a standalone cluster whose
  workers see the workspace folder at the same path).

Usage::

    store = open_store(ws, "duckdb")
    t = store.posts()          # ibis.Table over the committed <workspace>/enriched files
    kc = store.keyword_counts()  # (keyword, posts) per enriched file, a rollup kept on disk

Topic matches: a topic's boolean query is a substring search over every post's ``match_text``,
which costs a full scan per query (about 0.3 s per million posts on 2 cores). Tracked topics are
asked about again and again, so, as listening tools do at collection time, each topic's matching
posts are kept per enriched file in ``<workspace>/cache/topics/<query key>/<file key>.parquet``
(without the heavy token columns) and analyses read those: :meth:`AnalyticsStore.topic_posts`.
A file is matched once per query (all uncached topics in one read of the file), by the same
engine; editing a query gives it a new key.

Keyword rollup: counting keywords means unnesting every post's list (10M posts hold ~100M
keywords), which no engine does in under a second on a laptop. Enriched files are immutable once
in place, so :meth:`AnalyticsStore.keyword_counts` counts each file once, through the same
engine, into ``<workspace>/cache/keyword_counts/<key>.parquet`` (``key`` from the file's path,
size and mtime) and drops rollups of files that are gone; later queries sum the small rollups.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from socialops.domain.post import ENRICHED_SCHEMA
from socialops.errors import DataError, EngineError
from socialops.nlp.match import VERSION as MATCH_VERSION
from socialops.nlp.query import compile_query
from socialops.store.private import private_dir
from socialops.store.sample_key import sample_keys
from socialops.store.spark import get_spark

if TYPE_CHECKING:
    from pathlib import Path

    import ibis.expr.types as ir

    from socialops.store.workspace import Workspace

T = TypeVar("T")

__all__ = [
    "TOPIC_COLUMNS",
    "AnalyticsStore",
    "EngineSpec",
    "cache_file_name",
    "fetch_arrow",
    "metadata_cache",
    "open_store",
    "parse_engine",
    "topic_cache_key",
]

EMPTY_STORE = "store.empty"  # the code of the error an empty store raises

_SPARK_URL = re.compile(
    r"^spark://(?P<host>[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?):(?P<port>\d+)$"
)


@dataclass(frozen=True)
class EngineSpec:
    """A parsed ``--engine`` value."""

    kind: Literal["duckdb", "spark"]
    master: str | None = None  # Spark master URL ("local[*]" or "spark://HOST:PORT")

    @property
    def label(self) -> str:
        return self.kind if self.master in (None, "local[*]") else f"spark ({self.master})"


def parse_engine(name: str) -> EngineSpec:
    """``duckdb`` | ``spark`` (local[*]) | ``spark://HOST:PORT`` → :class:`EngineSpec`."""
    raw = (name or "").strip()
    low = raw.lower()
    if low in ("", "duckdb"):
        return EngineSpec("duckdb")
    if low in ("spark", "pyspark", "spark-local"):
        return EngineSpec("spark", "local[*]")
    if low.startswith("spark://"):
        m = _SPARK_URL.match(raw)
        if not m or not 0 < int(m["port"]) < 65536:
            raise EngineError(code="engine.bad_spark_master", value=raw)
        return EngineSpec("spark", raw)
    raise EngineError(code="engine.unknown", value=raw)


@dataclass
class AnalyticsStore:
    """An Ibis connection over one workspace's enriched posts. Create with :func:`open_store`."""

    ws: Workspace
    engine: EngineSpec
    con: Any  # an Ibis backend (ibis.backends.duckdb.Backend or ibis.backends.pyspark.Backend)
    _posts: ir.Table | None = field(default=None, repr=False)
    _posts_files: list[Path] = field(default_factory=list, repr=False)
    _views: list[str] = field(default_factory=list, repr=False)
    _topics: dict[str, ir.Table] = field(default_factory=dict, repr=False)

    def posts(self) -> ir.Table:
        """The enriched posts as one table (``month`` comes from the ``month=`` folders): the
        files the ledger has committed (:meth:`Workspace.enriched_files`), looked at again on
        each call, so a long-lived store follows new enrichments."""
        files = self.ws.enriched_files()
        if not files:
            raise DataError(code=EMPTY_STORE)
        if self._posts is None or files != self._posts_files:
            if self.engine.kind == "duckdb":
                posts = self._duckdb_posts(files)
            else:
                posts = self._spark_posts(files)
            if "match_text" not in posts.columns:
                raise DataError(code="store.old_enriched")
            self._posts, self._posts_files = posts, files
        return self._posts

    def keyword_counts(self) -> ir.Table:
        """``(keyword, posts)`` rows, one per keyword per enriched file: how many of the file's
        posts list the keyword. Sum ``posts`` by ``keyword`` for the whole store. Rollups of new
        files are built on first use (this is the cold cost), stale ones are deleted."""
        files = self.ws.enriched_files()
        if not files:
            raise DataError(code=EMPTY_STORE)
        out = private_dir(self.ws.root / "cache" / "keyword_counts")
        wanted = {cache_file_name(self.ws, f, "kc"): f for f in files}
        kept = self._retired_caches("kc")
        for p in out.glob("*.parquet"):
            if p.name not in wanted and p.name not in kept:
                p.unlink(missing_ok=True)
        todo = [(f, out / name) for name, f in wanted.items() if not (out / name).exists()]
        for chunk in _batches(todo, lambda item: item[0]):
            self._write_keyword_counts(chunk)
        return self._read([out / n for n in sorted(wanted)], "socialops_keyword_counts")

    def topic_posts(self, queries: Sequence[tuple[str, Any]]) -> list[ir.Table]:
        """For each ``(query text, parsed query)``: its matching posts (every enriched file),
        with the columns in :data:`TOPIC_COLUMNS` and ``sample_key``. Missing per-file matches
        are computed first (the cold cost), stale ones deleted."""
        files = self.ws.enriched_files()
        if not files:
            raise DataError(code=EMPTY_STORE)
        root = self.ws.root / "cache" / "topics"
        keyed = [(topic_cache_key(text), node) for text, node in queries]
        wanted = {cache_file_name(self.ws, f, "tp"): f for f in files}
        missing: dict[str, list[tuple[str, Any]]] = {}
        kept = self._retired_caches("tp")
        for key, node in dict(keyed).items():
            folder = private_dir(root / key)
            for p in folder.glob("*.parquet"):
                if p.name not in wanted and p.name not in kept:
                    p.unlink(missing_ok=True)
            for name in wanted:
                if not (folder / name).exists():
                    missing.setdefault(name, []).append((key, node))
        # the files missing the same queries, matched together (a query per batch of files,
        # not per file: a few hundred small files cost a fixed overhead each)
        groups: dict[tuple[str, ...], tuple[list[tuple[str, Any]], list[str]]] = {}
        for name, todo in sorted(missing.items()):
            groups.setdefault(tuple(k for k, _ in todo), (todo, []))[1].append(name)
        for todo, names in groups.values():
            for chunk in _batches(names, lambda n: wanted[n]):
                self._write_topic_matches([(wanted[n], n) for n in chunk], todo, root)
            for key, _ in todo:
                self._topics.pop(key, None)
        for key, _ in keyed:
            if key not in self._topics:
                self._topics[key] = self._read(
                    [root / key / n for n in sorted(wanted)], "socialops_topic"
                )
        return [self._topics[key] for key, _ in keyed]

    def topic_derived(
        self, query: str, folder: str, build: Callable[[list[tuple[Path, Path]]], None]
    ) -> list[tuple[str, Path]]:
        """A per-file cache derived from a query's cached matches (call :meth:`topic_posts`
        first): ``<topic cache folder>/<folder>/<match file name>``, the missing ones made by
        ``build([(match file, target), ...])``, those of files that are gone deleted. Returns
        ``(month, path)`` for every enriched file, in file-name order."""
        month_of = {
            cache_file_name(self.ws, f, "tp"): f.parent.name.partition("=")[2]
            for f in self.ws.enriched_files()
        }
        src = self.ws.root / "cache" / "topics" / topic_cache_key(query)
        out_dir = src / folder
        out_dir.mkdir(exist_ok=True)
        kept = self._retired_caches("tp")
        for p in out_dir.glob("*.parquet"):
            if p.name not in month_of and p.name not in kept:
                p.unlink(missing_ok=True)
        names = sorted(month_of)
        todo = [(src / n, out_dir / n) for n in names if not (out_dir / n).exists()]
        if todo:
            build(todo)
        return [(month_of[n], out_dir / n) for n in names]

    def topic_keyword_counts(self, queries: Sequence[tuple[str, Any]]) -> list[ir.Table]:
        """For each ``(query text, parsed query)``: ``(keyword, s, posts, month)`` rows, one per
        keyword and sentiment (``s``; ``none`` when unscored) per enriched file: how many of the
        query's matching posts in that file list the keyword. Built with the matches (from the
        cached match file, in Arrow, so every engine reads the same rollup)."""

        def build(todo: list[tuple[Path, Path]]) -> None:
            for src, target in todo:
                _write_keyword_rollup(src, target)

        self.topic_posts(queries)
        out = []
        for text, _ in queries:
            files = self.topic_derived(text, "keywords", build)
            out.append(self._read([p for _, p in files], "socialops_topic_kw"))
        return out

    def _retired_caches(self, prefix: str) -> set[str]:
        """The cache files of the files a compaction replaced, kept while those are: a reader
        of another process that listed them just before the swap may be reading them."""
        out: set[str] = set()
        for rel in self.ws.retired_enriched():
            with contextlib.suppress(OSError):  # purged meanwhile
                out.add(cache_file_name(self.ws, self.ws.enriched_dir / rel, prefix))
        return out

    def _write_topic_matches(
        self, files: list[tuple[Path, str]], todo: list[tuple[str, Any]], root: Path
    ) -> None:
        """Match the queries ``todo`` on enriched files ``[(path, cache file name), ...]`` in one
        engine query and write each file's matches of each query to its cache file."""
        import ibis  # lazy: start-up time (about a second)

        t = self._read_indexed([src for src, _ in files], "socialops_part")
        flags = {f"_m{i}": compile_query(node, t.match_text) for i, (_, node) in enumerate(todo)}
        cond = ibis.or_(*flags.values())
        expr = t.filter(cond).select(*[c for c in TOPIC_COLUMNS if c != "month"], "_f", **flags)
        table = fetch_arrow(expr)
        self._drop(t.get_name())
        months = pa.array([src.parent.name.partition("=")[2] for src, _ in files], pa.string())
        table = table.append_column("month", pc.take(months, table.column("_f")))
        for k, (_, name) in enumerate(files):
            mine = table.filter(pc.equal(table.column("_f"), pa.scalar(k, pa.int32())))
            cols = mine.select(TOPIC_COLUMNS)
            cols = cols.append_column("sample_key", sample_keys(cols["platform"], cols["post_id"]))
            # sorted by sample key, in small row groups: a sample (``sample_key < bound``) is a
            # prefix of each file, and engines skip the rest by the row groups' min/max
            order = pc.sort_indices(cols["sample_key"])
            flag_cols = mine.select([f"_m{i}" for i in range(len(todo))]).take(order)
            cols = cols.take(order)
            for i, (key, _) in enumerate(todo):
                part = cols.filter(pc.fill_null(flag_cols.column(f"_m{i}"), False))
                target = root / key / name
                tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
                pq.write_table(part, tmp, row_group_size=TOPIC_ROW_GROUP)
                os.replace(tmp, target)

    def _write_keyword_counts(self, todo: list[tuple[Path, Path]]) -> None:
        """The ``(keyword, posts)`` rollup of each ``(enriched file, target)``, in one query."""
        import ibis  # lazy: start-up time (about a second)

        t = self._read_indexed([src for src, _ in todo], "socialops_part")
        kw = t.select("_f", keyword=t.keywords.unnest())
        expr = (
            kw.filter(kw.keyword.notnull() & (kw.keyword != ""))
            .group_by(["_f", "keyword"])
            .aggregate(posts=ibis._.count())
        )
        table = fetch_arrow(expr)
        self._drop(t.get_name())
        for k, (_, target) in enumerate(todo):
            mine = table.filter(pc.equal(table.column("_f"), pa.scalar(k, pa.int32())))
            tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            pq.write_table(mine.select(["keyword", "posts"]), tmp)
            os.replace(tmp, target)

    def _read(self, files: list[Path], prefix: str) -> ir.Table:
        """Plain (not Hive) Parquet files as a table on this engine."""
        import ibis  # lazy: start-up time (about a second)

        name = ibis.util.gen_name(prefix)
        if self.engine.kind == "duckdb":
            t: ir.Table = self.con.read_parquet([str(f) for f in files], table_name=name)
            return t
        df = self.con._session.read.parquet(*[str(f) for f in files])
        df.createOrReplaceTempView(name)
        if name not in self._views:
            self._views.append(name)
        t = self.con.table(name)
        return t

    def _read_indexed(self, files: list[Path], prefix: str) -> ir.Table:
        """Plain Parquet files as one table whose rows carry ``_f`` (int32), the index in
        ``files`` of the file they come from. One scan on DuckDB (``filename = true``); on Spark
        one union of the files' frames. Either way a single table to Ibis: an Ibis union of one
        table per file grows a graph whose rewriting took a minute for a few hundred files."""
        import ibis  # lazy: start-up time (about a second)

        name = ibis.util.gen_name(prefix)
        if self.engine.kind == "duckdb":
            paths = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
            index = ", ".join(
                "('" + str(f).replace("'", "''") + f"', {k}::INTEGER)" for k, f in enumerate(files)
            )
            self.con.raw_sql(
                f'CREATE OR REPLACE TEMP VIEW "{name}" AS SELECT p.* EXCLUDE (filename), '
                f"i._f FROM read_parquet([{paths}], filename = true, union_by_name = true, "
                f"hive_partitioning = false) AS p "
                f"JOIN (VALUES {index}) AS i(_path, _f) ON p.filename = i._path"
            )
            return self.con.table(name)
        from functools import reduce

        from pyspark.sql import functions as F

        session = self.con._session
        frames = [
            session.read.parquet(str(f)).withColumn("_f", F.lit(k).cast("int"))
            for k, f in enumerate(files)
        ]
        df = reduce(lambda a, b: a.unionByName(b, allowMissingColumns=True), frames)
        df.createOrReplaceTempView(name)
        if name not in self._views:
            self._views.append(name)
        t: ir.Table = self.con.table(name)
        return t

    def close(self) -> None:
        """Release the DuckDB connection (a Spark session is shared and stays up)."""
        if self.engine.kind == "duckdb":
            self.con.disconnect()
        else:  # temporary views of this store go; the shared session stays
            for name in self._views:
                self._drop(name)
        self._views.clear()
        self._posts = None
        self._posts_files = []
        self._topics.clear()

    def _drop(self, name: str) -> None:
        if self.engine.kind == "duckdb":
            self.con.raw_sql(f'DROP VIEW IF EXISTS "{name}"')
        else:
            self.con._session.catalog.dropTempView(name)

    def __enter__(self) -> AnalyticsStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- engines -------------------------------------------------------------------------------
    def _duckdb_posts(self, files: list[Path]) -> ir.Table:
        paths = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
        name = "socialops_posts"
        self.con.raw_sql(
            f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT * FROM read_parquet([{paths}], "
            "hive_partitioning = true, hive_types = {'month': 'VARCHAR'})"
        )
        return self.con.table(name)

    def _spark_posts(self, files: list[Path]) -> ir.Table:
        import ibis  # lazy: start-up time (about a second)

        base = str(self.ws.enriched_dir)
        name = ibis.util.gen_name("socialops_posts")
        # the listed files, with ``month`` read from their folders under ``basePath``
        df = self.con._session.read.option("basePath", base).parquet(*[str(f) for f in files])
        df.createOrReplaceTempView(name)
        if name not in self._views:
            self._views.append(name)
        t: ir.Table = self.con.table(name)
        return t


# what a topic's cached matches keep: every column analyses read, not the token columns
_NOT_IN_TOPIC_CACHE = frozenset(
    {"language", "source_file", "source_row", "topics", "extra", "import_id", "text_norm"}
    | {"urls", "emojis", "tokens", "lemmas", "match_text", "enriched_by"}
)
TOPIC_COLUMNS: list[str] = [f.name for f in ENRICHED_SCHEMA if f.name not in _NOT_IN_TOPIC_CACHE]
# cached matches also hold ``sample_key`` (socialops.store.sample_key); bump when the files change
TOPIC_CACHE_VERSION = "3"
TOPIC_ROW_GROUP = 16384  # rows per row group of a cached match file


def _write_keyword_rollup(src: Path, target: Path) -> None:
    """``(keyword, s, posts, month)`` of one cached match file (keywords are distinct per post)."""

    t = pq.read_table(src, columns=["keywords", "sentiment", "month"])
    kw = t.column("keywords").combine_chunks()
    flat = pc.list_flatten(kw)
    parents = pc.list_parent_indices(kw)
    s = pc.fill_null(t.column("sentiment").combine_chunks(), "none").take(parents)
    u = pa.table({"keyword": flat, "s": s})
    u = u.filter(pc.and_kleene(pc.is_valid(u["keyword"]), pc.not_equal(u["keyword"], "")))
    g = u.group_by(["keyword", "s"]).aggregate([("keyword", "count")])
    month = t.column("month")[0].as_py() if t.num_rows else ""
    rollup = pa.table(
        {
            "keyword": g.column("keyword").cast(pa.string()),
            "s": g.column("s").cast(pa.string()),
            "posts": g.column("keyword_count").cast(pa.int64()),
            "month": pa.array([month] * g.num_rows, pa.string()),
        }
    )
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    pq.write_table(rollup, tmp)
    os.replace(tmp, target)


def topic_cache_key(query: str) -> str:
    """The cache folder name of a query's matches (changes with the query, the match units and
    the layout of the cached files)."""
    text = f"{MATCH_VERSION}\0{TOPIC_CACHE_VERSION}\0{query.strip()}"
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def cache_file_name(ws: Workspace, f: Path, prefix: str) -> str:
    st = f.stat()
    rel = f.relative_to(ws.enriched_dir).as_posix()
    key = hashlib.sha256(f"{rel}\0{st.st_size}\0{st.st_mtime_ns}".encode()).hexdigest()
    return f"{prefix}-{key[:24]}.parquet"


BATCH_ROWS = 2_000_000  # enriched rows read by one batched cache query (bounds its memory)
BATCH_FILES = 256


def _batches(items: Sequence[T], path_of: Callable[[T], Path]) -> list[list[T]]:
    """``items`` in runs of at most :data:`BATCH_FILES` files and about :data:`BATCH_ROWS` rows
    (from the Parquet footers), in order; a file larger than the bound is a batch alone."""
    out: list[list[T]] = []
    run: list[T] = []
    rows = 0
    for item in items:
        n = pq.ParquetFile(path_of(item)).metadata.num_rows
        if run and (rows + n > BATCH_ROWS or len(run) >= BATCH_FILES):
            out.append(run)
            run, rows = [], 0
        run.append(item)
        rows += n
    if run:
        out.append(run)
    return out


def fetch_arrow(expr: ir.Table) -> pa.Table:
    """Run an Ibis table expression on its engine and return the result as an Arrow table.

    On Spark this goes straight through ``DataFrame.toArrow()``: Ibis' own ``to_pyarrow`` takes a
    detour through pandas that is slower and warns under pandas 3.
    """
    import ibis  # lazy: start-up time (about a second)

    backend = ibis.get_backend(expr)
    if backend.name == "pyspark":
        session = backend._session
        backend._run_pre_execute_hooks(expr)  # registers in-memory tables (ibis.memtable)
        table: pa.Table = session.sql(backend.compile(expr)).toArrow()
        return table.cast(expr.schema().to_pyarrow()) if table.num_columns else table
    result: pa.Table = expr.to_pyarrow()
    return result


def metadata_cache(default: bool = True) -> bool:
    """Whether a store's DuckDB connection keeps the Parquet footers it read
    (``SOCIALOPS_PARQUET_METADATA_CACHE``: ``1`` on, ``0`` off, unset ``default``): queries
    over many files are faster (600 small files: 88 ms against 149), and the connection holds
    about 85 KB for every file it read — memory that grows with every file a long-lived
    process meets. The web server's connections default to off (compaction keeps the files few,
    where the cache saves 2-6 ms a query: ``bench/compact.py``); a command's to on."""
    raw = os.environ.get("SOCIALOPS_PARQUET_METADATA_CACHE", "").strip()
    if raw == "":
        return default
    return raw != "0"


def open_store(
    ws: Workspace, engine: str | EngineSpec = "duckdb", *, long_lived: bool = False
) -> AnalyticsStore:
    """Connect ``engine`` to the workspace's analytics store (nothing is read until queried).
    ``long_lived``: a server's connection (the Parquet metadata cache off unless the setting
    turns it on: :func:`metadata_cache`)."""
    spec = engine if isinstance(engine, EngineSpec) else parse_engine(engine)
    import ibis  # lazy: start-up time (about a second)

    if spec.kind == "duckdb":
        con = ibis.duckdb.connect(threads=os.cpu_count() or 1)
        footers = metadata_cache(default=not long_lived)
        con.raw_sql(f"SET parquet_metadata_cache = {str(footers).lower()}")
        return AnalyticsStore(ws, spec, con)

    session = get_spark(spec.master or "local[*]")
    try:
        con = ibis.pyspark.connect(session)
    except Exception as exc:  # pragma: no cover - a JVM that died after start
        raise EngineError(code="engine.spark_unusable", detail=str(exc)) from exc
    return AnalyticsStore(ws, spec, con)
