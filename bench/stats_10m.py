"""Time every ``socialops stats`` query over 10 million enriched posts, on DuckDB or Spark.

    .venv/bin/python bench/stats_10m.py                    # DuckDB (default)
    .venv/bin/python bench/stats_10m.py --engine spark     # local Spark, same data

The data set is real posts replicated: the enriched Parquet of an existing workspace
(``--workspace``, default $SOCIALOPS_HOME or ./.socialops) or, when that has none, the airline
tweets shaped as enriched posts (lang "en", keywords = lowercase words longer than 3 characters,
without repeats; sentiment = the file's label). Each copy gets new post ids and is shifted in
time, so 10M posts spread over about two years of days and months. It is written once to
``--cache`` (one file per month, row groups of ``--row-group`` rows) and reused.

"cold" is the first run of a query after the store is opened (the OS file cache may be warm);
"warm" is the best of ``--runs`` further runs.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from _common import data_dir, machine
from socialops import settings
from socialops.domain.post import ENRICHED_SCHEMA
from socialops.listen import stats
from socialops.store.analytics import open_store, parse_engine
from socialops.store.workspace import Workspace

FILE_SCHEMA = pa.schema([f for f in ENRICHED_SCHEMA if f.name != "month"])
DAY_US = 86_400_000_000


# -- source rows ------------------------------------------------------------------------------
def workspace_source(root: Path) -> pa.Table | None:
    if not (root / "workspace.db").exists():
        return None
    files = Workspace(root).enriched_files()  # the committed ones
    if not files:
        return None
    dataset = ds.dataset([str(f) for f in files], format="parquet")
    table = dataset.to_table(columns=FILE_SCHEMA.names)
    return table.cast(FILE_SCHEMA)


def bench_workspace(root: Path) -> Workspace:
    """The replica as a workspace: its files recorded in the ledger as one enrichment run (readers
    read only the files the ledger lists)."""
    import datetime as dt

    from sqlalchemy import text

    ws = Workspace.open(root)
    known = set(ws.committed_enriched())
    files = sorted(p.relative_to(ws.enriched_dir).as_posix() for p in ws.enriched_dir.glob("*/*"))
    new = [f for f in files if f.endswith(".parquet") and f not in known]
    if new:
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        with ws.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO enrich_runs (run_id, pipeline, engine, files, rows, started_at, "
                    "finished_at) VALUES (:id, :pipeline, :engine, :files, 0, :now, :now)"
                ),
                {
                    "id": f"bench-{len(known)}",
                    "pipeline": "bench replica",
                    "engine": "bench",
                    "files": json.dumps(new),
                    "now": now,
                },
            )
    return ws


def airline_source() -> pa.Table:
    import pandas as pd

    df = pd.read_csv(data_dir() / "airline_tweets" / "Tweets.csv", dtype={"tweet_id": str})
    created = pd.to_datetime(df["tweet_created"], format="%Y-%m-%d %H:%M:%S %z", utc=True)
    seoul_day = created.dt.tz_convert("Asia/Seoul").dt.date
    texts = df["text"].fillna("").astype(str).tolist()
    words = [re.findall(r"\w+", t.lower()) for t in texts]
    score = {"negative": -1.0, "neutral": 0.0, "positive": 1.0}
    n = len(df)
    cols: dict[str, Any] = {
        "platform": ["twitter"] * n,
        "post_id": df["tweet_id"].tolist(),
        "kind": ["post"] * n,
        "author_id": df["name"].tolist(),
        "author_handle": df["name"].tolist(),
        "text": texts,
        "created_at": created.tolist(),
        "language": ["en"] * n,
        "source_file": ["Tweets.csv"] * n,
        "source_row": list(range(1, n + 1)),
        "import_id": ["bench"] * n,
        "lang": ["en"] * n,
        "text_norm": texts,
        "mentions": [re.findall(r"@\w+", t) for t in texts],
        "hashtags": [re.findall(r"#\w+", t) for t in texts],
        "tokens": words,
        "lemmas": [[w for w in ws if len(w) > 3] for ws in words],
        "sentiment": df["airline_sentiment"].tolist(),
        "sentiment_score": [score.get(s) for s in df["airline_sentiment"]],
        # no repeats within a post, as socialops.nlp.keywords writes them
        "keywords": [list(dict.fromkeys(w for w in ws if len(w) > 3)) for ws in words],
        "enriched_by": ["bench-placeholder"] * n,
        "day": seoul_day.tolist(),
    }
    return pa.table(
        {f.name: pa.array(cols.get(f.name, [None] * n), type=f.type) for f in FILE_SCHEMA},
        schema=FILE_SCHEMA,
    )


# -- replication ------------------------------------------------------------------------------
def _copies(src: pa.Table, rows: int) -> Iterator[tuple[int, pa.Table]]:
    """Copy ``k`` of the source: new post ids, days and instants shifted by ``k * step`` days."""
    n_copies = math.ceil(rows / src.num_rows)
    step = max(1, round(730 / n_copies))  # spread the copies over about two years
    day_int = src["day"].cast(pa.int32())
    ts_int = src["created_at"].cast(pa.int64())
    left = rows
    for k in range(n_copies):
        t = src if left >= src.num_rows else src.slice(0, left)
        shift = k * step
        t = t.set_column(
            t.schema.get_field_index("post_id"),
            "post_id",
            pc.binary_join_element_wise(t["post_id"], pa.scalar(f"r{k}"), "~"),
        )
        day = pc.add(day_int.slice(0, t.num_rows), pa.scalar(shift, pa.int32()))
        t = t.set_column(t.schema.get_field_index("day"), "day", day.cast(pa.date32()))
        ts = pc.add(ts_int.slice(0, t.num_rows), pa.scalar(shift * DAY_US, pa.int64()))
        t = t.set_column(
            t.schema.get_field_index("created_at"),
            "created_at",
            ts.cast(FILE_SCHEMA.field("created_at").type),
        )
        left -= t.num_rows
        yield k, pa.Table.from_arrays(t.columns, schema=FILE_SCHEMA)


def build(src: pa.Table, out: Path, rows: int, row_group: int) -> None:
    """Write ``rows`` replicated posts under ``out/enriched/month=M/part-0.parquet``."""
    enriched = out / "enriched"
    buffers: dict[str, list[pa.Table]] = {}
    writers: dict[str, pq.ParquetWriter] = {}
    sizes: dict[str, int] = {}

    def flush(month: str, final: bool) -> None:
        if not buffers.get(month):
            return
        if not final and sizes[month] < row_group:
            return
        table = pa.concat_tables(buffers.pop(month))
        sizes[month] = 0
        if month not in writers:
            folder = enriched / f"month={month}"
            folder.mkdir(parents=True, exist_ok=True)
            writers[month] = pq.ParquetWriter(folder / "part-0.parquet", FILE_SCHEMA)
        keep = table.num_rows if final else (table.num_rows // row_group) * row_group
        writers[month].write_table(table.slice(0, keep), row_group_size=row_group)
        if keep < table.num_rows:
            buffers[month] = [table.slice(keep)]
            sizes[month] = table.num_rows - keep

    t0 = time.perf_counter()
    written = 0
    for k, copy in _copies(src, rows):
        month = pc.if_else(
            pc.is_null(copy["day"]), "undated", pc.strftime(copy["day"], format="%Y-%m")
        )
        for m in pc.unique(month).to_pylist():
            part = copy.filter(pc.equal(month, m))
            buffers.setdefault(m, []).append(part)
            sizes[m] = sizes.get(m, 0) + part.num_rows
            flush(m, final=False)
        written += copy.num_rows
        # months no later copy reaches are finished: write their tail and close them
        if k % 20 == 0:
            first_day = pc.min(copy["day"]).as_py()
            if first_day is not None:
                done = [
                    m
                    for m in set(writers) | set(buffers)
                    if m != "undated" and m < first_day.strftime("%Y-%m")
                ]
                for m in done:
                    flush(m, final=True)
                    if m in writers:
                        writers.pop(m).close()
            print(f"\r  writing {written:,} / {rows:,} posts", end="", file=sys.stderr)
    for m in list(buffers):
        flush(m, final=True)
    for w in writers.values():
        w.close()
    print(f"\r  wrote {written:,} posts in {time.perf_counter() - t0:.0f} s", file=sys.stderr)


def ensure_dataset(args: argparse.Namespace) -> tuple[Path, str]:
    cache: Path = args.cache
    meta_path = cache / "dataset.json"
    if meta_path.exists() and not args.rebuild:
        meta = json.loads(meta_path.read_text())
        if meta["rows"] == args.rows:
            return cache, meta["source"]
    shutil.rmtree(cache, ignore_errors=True)
    ws_root = settings.workspace_dir(args.workspace)
    src = workspace_source(ws_root)
    source = f"workspace {ws_root} ({src.num_rows:,} enriched posts)" if src is not None else ""
    if src is None:
        src = airline_source()
        source = f"airline_tweets/Tweets.csv ({src.num_rows:,} tweets, placeholder enrichment)"
    print(f"building {args.rows:,} posts from {source} into {cache}", file=sys.stderr)
    build(src, cache, args.rows, args.row_group)
    meta_path.write_text(json.dumps({"rows": args.rows, "source": source}))
    return cache, source


# -- timing -----------------------------------------------------------------------------------
def queries(store: Any, t: Any) -> list[tuple[str, Callable[[], Any]]]:
    """What ``socialops stats`` runs, one query each; top keywords with and without the rollup.

    The first run of "keyword rollup" builds the per-file rollups (once per enriched file; the
    bench deletes them first), later runs only check that they are current."""
    return [
        ("totals", lambda: stats.totals(t)),
        ("by_platform", lambda: stats.by_platform(t)),
        ("by_lang", lambda: stats.by_lang(t)),
        ("by_day", lambda: stats.by_day(t)),
        ("sentiment", lambda: stats.sentiment(t)),
        ("sentiment_by_lang", lambda: stats.sentiment_by_lang(t)),
        ("top_keywords unnest", lambda: stats.top_keywords(t, 20)),
        ("keyword rollup", lambda: store.keyword_counts()),
        ("top_keywords rollup", lambda: stats.top_keywords(t, 20, store.keyword_counts())),
        ("stats (all, rollup)", lambda: stats.summary(t, 20, store.keyword_counts())),
    ]


def _timed(fn: Callable[[], Any]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def _brief(r: Any) -> str:
    if not isinstance(r, list | dict):
        return f"{r.count().execute():,} rollup rows"
    if isinstance(r, list):
        return f"{len(r)} rows"
    if "totals" in r:
        return f"{len(r)} sections"
    return ", ".join(f"{k}={v}" for k, v in list(r.items())[:4])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--engine", default="duckdb", help="duckdb | spark | spark://HOST:PORT")
    ap.add_argument("--workspace", default=None, help="workspace whose enriched posts to replicate")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/socialops-bench-10m"))
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--row-group", type=int, default=262_144, help="Parquet row group size")
    ap.add_argument("--runs", type=int, default=3, help="warm runs per query (best is shown)")
    ap.add_argument("--rebuild", action="store_true", help="rewrite the cached data set")
    args = ap.parse_args()
    spec = parse_engine(args.engine)

    root, source = ensure_dataset(args)
    files = sorted((root / "enriched").glob("month=*/*.parquet"))
    size = sum(p.stat().st_size for p in files)
    groups = sum(pq.ParquetFile(p).metadata.num_row_groups for p in files)

    t0 = time.perf_counter()
    store = open_store(bench_workspace(root), spec)
    t = store.posts()
    opened = time.perf_counter() - t0

    print(f"machine : {machine()}")
    print(f"engine  : {spec.label}   (open + first schema read {opened:.2f} s)")
    print(f"data    : {source}")
    print(
        f"          replicated to {args.rows:,} posts: {len(files)} files, {groups} row groups, "
        f"{size / 2**20:,.0f} MiB Parquet at {root}"
    )
    shutil.rmtree(root / "cache" / "keyword_counts", ignore_errors=True)
    print(f"\n{'query':<20} {'cold s':>8} {'warm s':>8}  result")
    for name, fn in queries(store, t):
        result: list[Any] = []
        cold = _timed(lambda fn=fn, out=result: out.append(fn()))  # type: ignore[misc]
        warm = min(_timed(fn) for _ in range(args.runs))
        brief = _brief(result[0])
        print(f"{name:<20} {cold:>8.3f} {warm:>8.3f}  {brief}", flush=True)
    store.close()


if __name__ == "__main__":
    main()
