"""Time every listening analysis (``socialops listen ANALYSIS``) over 10 million posts.

    .venv/bin/python bench/listen_10m.py                         # DuckDB (default), 10M posts
    .venv/bin/python bench/listen_10m.py --engine spark          # local Spark, same data
    .venv/bin/python bench/listen_10m.py --rows 1000000          # a smaller run
    .venv/bin/python bench/listen_10m.py --topic 'United=@united OR united' --only influencers

The data set is built as in ``bench/stats_10m.py`` (whose code it reuses): the enriched Parquet
of an existing workspace (``--workspace``, default $SOCIALOPS_HOME or ./.socialops), replicated
with new post ids and shifted by whole days, so ``day``, ``hour`` and ``match_text`` come from the
real enrichment. Without a workspace it is the airline tweets, shaped as enriched English posts
(tokens, lemmas, keywords and ``match_text`` from socialops.nlp.en / keywords / match; days and
hours in Asia/Seoul; sentiment = the file's label). It is written once to ``--cache``.

Topics: ``--topic NAME=QUERY`` (repeatable); else the source workspace's own topics; else the six
airlines for English data, or four popular movies for Korean data. The scope is the whole data
range, by ``--every`` (day). Analyses whose module is not there yet are reported as
"not available"; one that fails prints its error and the bench goes on.

"cold" is the first run of an analysis after the store is opened (the OS file cache, and the
files other analyses already read, may be warm); "warm" is the best of ``--runs`` further runs.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from _common import machine
from socialops import settings
from socialops.listen.analyses import ANALYSES
from socialops.listen.samples import AIRLINE_TOPICS, FILM_TOPICS
from socialops.listen.scope import Scope, resolve
from socialops.listen.topics import Topic, list_topics
from socialops.nlp import en, keywords, match
from socialops.store.analytics import open_store, parse_engine
from socialops.store.workspace import Workspace
from stats_10m import FILE_SCHEMA, airline_source, bench_workspace, build, workspace_source

DATASET_VERSION = "listen-1"  # bump when the rows written change


# -- source rows ------------------------------------------------------------------------------
def airline_listen_source() -> pa.Table:
    """``stats_10m.airline_source`` with real English tokens, lemmas, keywords, ``match_text``
    and the local (Asia/Seoul, as its ``day``) hour."""
    src = airline_source()
    tokens, lemmas, kws, mtext = [], [], [], []
    for text, tags in zip(src["text"].to_pylist(), src["hashtags"].to_pylist(), strict=True):
        tok, lem = en.tokenize(text or "")
        tokens.append(tok)
        lemmas.append(lem)
        kws.append(keywords.keywords_en(lem, tags or []))
        mtext.append(match.match_text(tok))
    local = src["created_at"].cast(pa.timestamp("us", tz="Asia/Seoul"))
    hour = pc.hour(local).cast(pa.int8())
    strs = pa.list_(pa.string())
    new = {
        "tokens": pa.array(tokens, strs),
        "lemmas": pa.array(lemmas, strs),
        "keywords": pa.array(kws, strs),
        "match_text": pa.array(mtext, pa.string()),
        "hour": hour,
    }
    for name, col in new.items():
        src = src.set_column(src.schema.get_field_index(name), name, col)
    return src


def listen_workspace_source(root: Path) -> pa.Table | None:
    enriched = root / "enriched"
    files = sorted(enriched.glob("month=*/*.parquet"))
    if not files:
        return None
    names = set(pq.read_schema(files[0]).names)
    missing = {"match_text", "hour"} - names
    if missing:
        raise SystemExit(
            f"{root} was enriched by an older socialops (no {', '.join(sorted(missing))}): run "
            "`socialops enrich --rebuild` there, or pass --workspace with newer data."
        )
    return workspace_source(root)


def ensure_dataset(args: argparse.Namespace) -> tuple[Path, str, str, Path | None]:
    """The cached data set (built when missing or different): ``(root, source, lang, ws)``."""
    cache: Path = args.cache
    meta_path = cache / "dataset.json"
    ws_root = settings.workspace_dir(args.workspace)
    if meta_path.exists() and not args.rebuild:
        meta = json.loads(meta_path.read_text())
        if meta.get("rows") == args.rows and meta.get("version") == DATASET_VERSION:
            kept = Path(meta["workspace"]) if meta.get("workspace") else None
            return cache, meta["source"], meta["lang"], kept
    shutil.rmtree(cache, ignore_errors=True)
    src = listen_workspace_source(ws_root)
    ws: Path | None = ws_root
    if src is not None:
        source = f"workspace {ws_root} ({src.num_rows:,} enriched posts)"
    else:
        ws = None
        src = airline_listen_source()
        source = f"airline_tweets/Tweets.csv ({src.num_rows:,} tweets, placeholder sentiment)"
    langs = pc.value_counts(src["lang"].fill_null("other")).to_pylist()
    lang = max(langs, key=lambda v: (v["counts"], v["values"]))["values"]
    print(f"building {args.rows:,} posts from {source} into {cache}", file=sys.stderr)
    build(src.cast(FILE_SCHEMA), cache, args.rows, args.row_group)
    meta = {
        "rows": args.rows,
        "version": DATASET_VERSION,
        "source": source,
        "lang": lang,
        "workspace": str(ws) if ws else None,
    }
    meta_path.write_text(json.dumps(meta, ensure_ascii=False))
    return cache, source, lang, ws


def pick_topics(args: argparse.Namespace, lang: str, ws: Path | None) -> tuple[list[Topic], str]:
    if args.topic:
        out = []
        for spec in args.topic:
            name, sep, query = spec.partition("=")
            if not sep or not name.strip() or not query.strip():
                raise SystemExit(f"--topic {spec!r}: write it as NAME=QUERY")
            out.append(Topic(name.strip(), query.strip(), "brand"))
        return out, "--topic"
    if ws is not None and (ws / "workspace.db").exists():
        own = list_topics(Workspace(ws))
        if own:
            return own, f"topics of {ws}"
    if lang == "ko":
        return [Topic(n, q, "product") for n, q in FILM_TOPICS.items()], "Korean movie topics"
    return [Topic(n, q, "brand") for n, q in AIRLINE_TOPICS.items()], "airline topics"


# -- timing -----------------------------------------------------------------------------------
def _timed(fn: Callable[..., Any], *args: Any) -> float:
    t0 = time.perf_counter()
    fn(*args)
    return time.perf_counter() - t0


def _brief(result: dict[str, Any]) -> str:
    items = result.get("results")
    n = len(items) if isinstance(items, list) else 0
    return f"{n} result rows, {len(json.dumps(result, default=str)):,} bytes of JSON"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--engine", default="duckdb", help="duckdb | spark | spark://HOST:PORT")
    ap.add_argument("--workspace", default=None, help="workspace whose enriched posts to replicate")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/socialops-bench-listen-10m"))
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--row-group", type=int, default=262_144, help="Parquet row group size")
    ap.add_argument("--runs", type=int, default=3, help="warm runs per analysis (best is shown)")
    ap.add_argument("--rebuild", action="store_true", help="rewrite the cached data set")
    ap.add_argument("--topic", action="append", default=[], metavar="NAME=QUERY")
    ap.add_argument("--every", default="day", choices=("hour", "day", "week"))
    ap.add_argument("--only", action="append", default=[], choices=list(ANALYSES))
    args = ap.parse_args()
    spec = parse_engine(args.engine)

    root, source, lang, ws = ensure_dataset(args)
    topics, topics_from = pick_topics(args, lang, ws)
    files = sorted((root / "enriched").glob("month=*/*.parquet"))
    size = sum(p.stat().st_size for p in files)

    t0 = time.perf_counter()
    store = open_store(bench_workspace(root), spec)
    store.posts()
    opened = time.perf_counter() - t0
    t0 = time.perf_counter()
    scope = resolve(store, Scope(every=args.every))
    resolved = time.perf_counter() - t0

    print(f"machine : {machine()}")
    print(f"engine  : {spec.label}   (open + first schema read {opened:.2f} s)")
    print(f"data    : {source}")
    print(
        f"          replicated to {args.rows:,} posts: {len(files)} files, "
        f"{size / 2**20:,.0f} MiB Parquet at {root}"
    )
    print(f"scope   : {scope.start} to {scope.end} by {scope.every} (resolved in {resolved:.2f} s)")
    print(f"topics  : {topics_from}: " + "; ".join(f"{t.name} = {t.query}" for t in topics))
    print(f"\n{'analysis':<12} {'cold s':>8} {'warm s':>8}  result", flush=True)
    for name, analysis in ANALYSES.items():
        if args.only and name not in args.only:
            continue
        try:
            fn, _ = analysis.load()
        except (ImportError, AttributeError):
            print(f"{name:<12} {'':>8} {'':>8}  not available ({analysis.module})", flush=True)
            continue
        try:
            t0 = time.perf_counter()
            result = fn(store, scope, topics)
            cold = time.perf_counter() - t0
            warm = min(_timed(fn, store, scope, topics) for _ in range(args.runs))
        except Exception as exc:  # report and go on to the next analysis
            print(f"{name:<12} {'':>8} {'':>8}  failed: {type(exc).__name__}: {exc}", flush=True)
            continue
        print(f"{name:<12} {cold:>8.3f} {warm:>8.3f}  {_brief(result)}", flush=True)
    store.close()


if __name__ == "__main__":
    main()
