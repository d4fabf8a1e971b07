"""Benchmark (a): enrichment throughput on real Korean reviews against bare Kiwi.

Both run in this one process on the same texts, one core each (Kiwi with one worker thread):
bare Kiwi = ``Kiwi.tokenize`` over the texts; pipeline = ``enrich_batch`` (normalisation,
language, Kiwi tokens and lemmas, sentiment, keywords, Arrow output). CPU seconds are used so a
busy machine does not flatter either side. Prints posts/s for each and the ratio.

    .venv/bin/python bench/enrich_throughput.py [--n 100000]
"""

from __future__ import annotations

import argparse
import gzip
import resource
import time

import pyarrow as pa

from _common import data_dir, machine
from socialops.domain.post import POST_SCHEMA
from socialops.nlp import ko
from socialops.nlp.pipeline import enrich_batch, pipeline_id


def cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--batch", type=int, default=1000)
    args = ap.parse_args()
    texts: list[str] = []
    with gzip.open(data_dir() / "nsmc" / "reviews.tsv.gz", "rt", encoding="utf-8") as f:
        next(f)
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 5 and parts[4].strip():
                texts.append(parts[4])
            if len(texts) >= args.n:
                break
    rows = [
        {
            "platform": "naver_movie",
            "post_id": str(i),
            "kind": "review",
            "text": t,
            "source_file": "bench",
            "source_row": i + 1,
            "import_id": "bench",
        }
        for i, t in enumerate(texts)
    ]
    table = pa.Table.from_pylist(rows, schema=POST_SCHEMA)
    kiwi = ko.get_kiwi()
    enrich_batch(table.slice(0, 100).to_batches()[0])  # load models outside the timing
    kiwi.tokenize(texts[:100])

    c0, w0 = cpu(), time.perf_counter()
    ntok = 0
    for toks in kiwi.tokenize(texts):
        ntok += len(toks)
    kiwi_cpu, kiwi_wall = cpu() - c0, time.perf_counter() - w0

    c0, w0 = cpu(), time.perf_counter()
    nko = 0
    for b in table.to_batches(max_chunksize=args.batch):
        out = enrich_batch(b)
        nko += out.column("lang").to_pylist().count("ko")
    pipe_cpu, pipe_wall = cpu() - c0, time.perf_counter() - w0

    n = len(texts)
    print(f"machine: {machine()}")
    print(f"texts: {n:,} Korean reviews (nsmc/reviews.tsv.gz), {ntok / n:.1f} morphemes/text")
    print(f"pipeline: {pipeline_id()}")
    print(f"bare Kiwi tokenize : {n / kiwi_cpu:8,.0f} posts/s per core (wall {kiwi_wall:.1f} s)")
    print(f"full enrichment    : {n / pipe_cpu:8,.0f} posts/s per core (wall {pipe_wall:.1f} s)")
    print(f"ratio pipeline/Kiwi: {kiwi_cpu / pipe_cpu:.2f}  (goal >= 0.60)")
    print(f"detected Korean    : {nko / n:.1%}")


if __name__ == "__main__":
    main()
