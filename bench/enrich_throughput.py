"""Benchmark (a): enrichment throughput on real Korean reviews against bare Kiwi.

Both run in this one process on the same texts, one core each (the pipeline's Kiwi, in
single-thread mode): bare Kiwi = the public ``Kiwi.tokenize`` of each text; pipeline =
``enrich_batch`` (normalisation, language, Kiwi tokens and lemmas, sentiment, keywords, Arrow
output). CPU seconds are used so a busy machine does not flatter either side. Prints posts/s for
each, the ratio, and the CPU time of each component of the pipeline (a second pass, each
component timed; Kiwi's own share is inside ``tokens``).

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
from socialops.nlp.registry import REGISTRY


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
    for t in texts[:100]:
        kiwi.tokenize(t)

    c0, w0 = cpu(), time.perf_counter()
    ntok = 0
    for t in texts:  # single-thread mode takes one text a call
        ntok += len(kiwi.tokenize(t))
    kiwi_cpu, kiwi_wall = cpu() - c0, time.perf_counter() - w0

    c0, w0 = cpu(), time.perf_counter()
    nko = 0
    for b in table.to_batches(max_chunksize=args.batch):
        out = enrich_batch(b)
        nko += out.column("lang").to_pylist().count("ko")
    pipe_cpu, pipe_wall = cpu() - c0, time.perf_counter() - w0

    spent: dict[str, float] = {}
    for component in REGISTRY.ordered(table.schema.names):
        spent[component.name] = 0.0
        run = component.run

        def timed(work: object, _run: object = run, _name: str = component.name) -> object:
            c = cpu()
            out = _run(work)  # type: ignore[operator]
            spent[_name] += cpu() - c
            return out

        object.__setattr__(component, "run", timed)
    c0 = cpu()
    for b in table.to_batches(max_chunksize=args.batch):
        enrich_batch(b)
    second_cpu = cpu() - c0

    n = len(texts)
    print(f"machine: {machine()}")
    print(f"texts: {n:,} Korean reviews (nsmc/reviews.tsv.gz), {ntok / n:.1f} morphemes/text")
    print(f"pipeline: {pipeline_id()}")
    print(f"bare Kiwi tokenize : {n / kiwi_cpu:8,.0f} posts/s per core (wall {kiwi_wall:.1f} s)")
    print(f"full enrichment    : {n / pipe_cpu:8,.0f} posts/s per core (wall {pipe_wall:.1f} s)")
    print(f"ratio pipeline/Kiwi: {kiwi_cpu / pipe_cpu:.2f}  (goal >= 0.60)")
    print(f"detected Korean    : {nko / n:.1%}")
    print(f"CPU per text, second pass ({second_cpu / n * 1000:.3f} ms in all):")
    for name, sec in spent.items():
        print(f"  {name:<12} {sec / n * 1000:.4f} ms")
    rest = second_cpu - sum(spent.values())
    print(f"  {'(the rest)':<12} {rest / n * 1000:.4f} ms  (Arrow columns, checks)")


if __name__ == "__main__":
    main()
