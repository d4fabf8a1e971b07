"""Benchmark the shipped Korean sentiment model on the fixed held-out split.

Run: ``.venv/bin/python bench/sentiment_ko.py [--limit N] [--cache-dir /tmp/...]``

Prints binary accuracy (sign of the score) on the NSMC-style, class-balanced held-out split of
``nsmc/reviews.tsv.gz`` (see ``socialops.train.sentiment_ko.holdout_split``; never trained on),
the share of texts labelled neutral, and the throughput of ``KoSentiment.score`` alone (one
process; Kiwi tokenisation is done beforehand and not timed). Figures only, not a test.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from socialops.nlp.sentiment_ko import KoSentiment
from socialops.settings import data_dir
from socialops.train.sentiment_ko import holdout_split, tokenize_texts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data-dir", type=Path, default=None)
    ap.add_argument("--limit", type=int, default=0, help="score only the first N held-out texts")
    ap.add_argument("--batch", type=int, default=1000, help="texts per score() call")
    ap.add_argument("--processes", type=int, default=1, help="Kiwi processes for tokenising")
    ap.add_argument("--cache-dir", type=Path, default=None, help="token cache (under /tmp)")
    args = ap.parse_args()

    model = KoSentiment.load()
    _, test = holdout_split(args.data_dir or data_dir())
    texts, y = test.texts, test.labels
    if args.limit:
        texts, y = texts[: args.limit], y[: args.limit]
    t0 = time.perf_counter()
    tokens = tokenize_texts(texts, processes=args.processes, cache_dir=args.cache_dir)
    t_kiwi = time.perf_counter() - t0

    model.score(tokens[:100], texts[:100])  # warm caches
    labels: list[str] = []
    scores: list[np.ndarray] = []
    t0 = time.perf_counter()
    for i in range(0, len(texts), args.batch):
        lab, sc = model.score(tokens[i : i + args.batch], texts[i : i + args.batch])
        labels.extend(lab)
        scores.append(sc)
    t_score = time.perf_counter() - t0
    s = np.concatenate(scores)
    acc = float(((s > 0) == (y == 1)).mean())
    neutral = sum(label == "neutral" for label in labels) / len(labels)
    n = len(texts)
    print(f"model           {model.VERSION} ({model.meta.get('trained', '?')})")
    print(f"held-out texts  {n:,} (positives {float(y.mean()):.1%})")
    print(f"accuracy        {acc:.4f} (binary, sign of score)")
    print(f"neutral share   {neutral:.1%} (|score| < {model.neutral_band})")
    print(
        f"score()         {n / t_score:,.0f} texts/s, {t_score / n * 1e6:.1f} us/text "
        f"(batch {args.batch}, one process)"
    )
    print(f"tokenising      {t_kiwi:.1f}s ({args.processes} process(es), cache {args.cache_dir})")


if __name__ == "__main__":
    main()
