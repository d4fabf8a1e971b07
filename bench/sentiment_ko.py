"""Benchmark the Korean sentiment model per domain, on data it was never trained on.

Run: ``.venv/bin/python bench/sentiment_ko.py [--model-dir DIR] [--cache-dir /tmp/...]``

Prints, for the shipped model (or ``--model-dir``):

- reviews: binary accuracy (sign of the score) on the NSMC-style, class-balanced held-out split
  of ``nsmc/reviews.tsv.gz`` (``socialops.train.sentiment_ko.holdout_split``) and the share
  labelled neutral;
- comments: binary accuracy on held-out KOTE comments whose emotions are clearly negative or
  positive (``other_splits``; the mapping is ``kote_polarity``);
- sarcasm / hate: the share of held-out sarcastic tweets / hateful or offensive comments
  scored negative;
- no opinion: the share of held-out 3i4k questions, statements, commands and fragments
  labelled neutral (and of questions alone);
- service: the hand-labelled commerce and customer-service sentences
  (``tests/nlp/data/ko_service_sentences.tsv``, written for this project, never trained on):
  accuracy and macro-F1 over negative / neutral / positive, and binary accuracy by sign on
  the non-neutral ones;
- the famous delivery complaint ("배송이 너무 늦어요 ㅠㅠ 일주일째 기다리는 중"): label and score;
- the size of the model's files;
- the throughput of ``KoSentiment.score`` alone (one process; Kiwi tokenisation is done
  beforehand and not timed).

Figures only, not a test.
"""

from __future__ import annotations

import argparse
import csv
import time
from pathlib import Path

import numpy as np

from socialops.nlp.normalize import normalize
from socialops.nlp.sentiment_ko import DEFAULT_MODEL_DIR, KoSentiment
from socialops.settings import data_dir
from socialops.train.sentiment_ko import (
    NEGATIVE,
    NO_OPINION_LABELS,
    POSITIVE,
    holdout_split,
    other_splits,
    tokenize_texts,
)

SERVICE_FILE = Path(__file__).resolve().parent.parent / "tests/nlp/data/ko_service_sentences.tsv"
LABELS = ("negative", "neutral", "positive")
FAMOUS_COMPLAINT = "배송이 너무 늦어요 ㅠㅠ 일주일째 기다리는 중"


def macro_f1(gold: list[str], pred: list[str]) -> float:
    f1s = []
    for c in LABELS:
        tp = sum(g == c and p == c for g, p in zip(gold, pred, strict=True))
        fp = sum(g != c and p == c for g, p in zip(gold, pred, strict=True))
        fn = sum(g == c and p != c for g, p in zip(gold, pred, strict=True))
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(f1s) / len(f1s)


def read_service(path: Path = SERVICE_FILE) -> tuple[list[str], list[str]]:
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [r["text"] for r in rows], [r["label"] for r in rows]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data-dir", type=Path, default=None)
    ap.add_argument("--model-dir", type=Path, default=None, help="default: the shipped model")
    ap.add_argument("--limit", type=int, default=0, help="score only the first N held-out reviews")
    ap.add_argument("--batch", type=int, default=1000, help="texts per score() call")
    ap.add_argument("--processes", type=int, default=1, help="Kiwi processes for tokenising")
    ap.add_argument("--cache-dir", type=Path, default=None, help="token cache (under /tmp)")
    args = ap.parse_args()

    model = KoSentiment.load(args.model_dir)
    d = args.data_dir or data_dir()
    _, test = holdout_split(d)
    others = {source: te for source, (_, te) in other_splits(d).items()}
    service_raw, service_gold = read_service()
    service = [normalize(t).text for t in service_raw]
    texts, y = test.texts, test.labels
    if args.limit:
        texts, y = texts[: args.limit], y[: args.limit]
    famous = normalize(FAMOUS_COMPLAINT).text
    every = texts + service + [famous] + [t for ds in others.values() for t in ds.texts]
    t0 = time.perf_counter()
    tok_list = tokenize_texts(every, processes=args.processes, cache_dir=args.cache_dir)
    t_kiwi = time.perf_counter() - t0
    tok = dict(zip(every, tok_list, strict=True))
    tokens = [tok[t] for t in texts]

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
    print(f"model             {model.meta.get('version', '?')} ({model.meta.get('trained', '?')})")
    print(f"reviews (NSMC)    accuracy {acc:.4f} (binary, sign of score) on {n:,} held-out")
    print(f"                  reviews ({float(y.mean()):.1%} positive); neutral {neutral:.1%}")

    def run(source: str) -> tuple[list[str], np.ndarray, np.ndarray]:
        ds = others[source]
        lab, sc = model.score([tok[t] for t in ds.texts], ds.texts)
        return lab, sc, ds.labels

    lab, sc, yk = run("kote")
    m = (yk == NEGATIVE) | (yk == POSITIVE)
    kote_acc = float(((sc[m] > 0) == (yk[m] == POSITIVE)).mean())
    kote_neg = yk == NEGATIVE
    print(
        f"comments (KOTE)   accuracy {kote_acc:.4f} (binary, sign) on {int(m.sum()):,} held-out "
        f"({float((yk[m] == POSITIVE).mean()):.1%} positive); negatives right "
        f"{float((sc[kote_neg] < 0).mean()):.4f}, positives right "
        f"{float((sc[yk == POSITIVE] > 0).mean()):.4f}"
    )
    for source, name in (("sarcasm", "sarcasm (tweets)"), ("hate", "hate/offensive")):
        lab, sc, ys = run(source)
        neg = ys == NEGATIVE
        print(
            f"{name:<17} scored negative {float((sc[neg] < 0).mean()):.4f} "
            f"of {int(neg.sum()):,} held-out"
        )
    lab, sc, yi = run("3i4k")
    no = np.flatnonzero(np.isin(yi, NO_OPINION_LABELS))
    rate = float(np.mean([lab[i] == "neutral" for i in no]))
    print(
        f"no opinion (3i4k) neutral {rate:.4f} of {len(no):,} held-out questions, statements, "
        "commands, fragments"
    )
    lab, sc = model.score([tok[t] for t in service], service)
    srv_acc = float(np.mean([p == g for p, g in zip(lab, service_gold, strict=True)]))
    polar = [i for i, g in enumerate(service_gold) if g != "neutral"]
    srv_bin = float(np.mean([(sc[i] > 0) == (service_gold[i] == "positive") for i in polar]))
    per = {
        c: float(np.mean([lab[i] == c for i, g in enumerate(service_gold) if g == c]))
        for c in LABELS
    }
    print(
        f"service (hand)    accuracy {srv_acc:.4f}, macro-F1 {macro_f1(service_gold, lab):.4f} "
        f"(3 classes) on {len(service):,}; binary by sign {srv_bin:.4f} on {len(polar)}; "
        "recall " + ", ".join(f"{c} {v:.2f}" for c, v in per.items())
    )
    lab, sc = model.score([tok[famous]], [famous])
    print(f"famous complaint  {lab[0]} ({sc[0]:+.2f}): {FAMOUS_COMPLAINT}")
    model_dir = args.model_dir or DEFAULT_MODEL_DIR
    size = sum(p.stat().st_size for p in Path(model_dir).iterdir() if p.is_file())
    print(f"model files       {size / 2**20:.1f} MiB ({model_dir})")
    print(
        f"score()           {n / t_score:,.0f} texts/s, {t_score / n * 1e6:.1f} us/text "
        f"(batch {args.batch}, one process)"
    )
    print(f"tokenising        {t_kiwi:.1f}s ({args.processes} process(es), cache {args.cache_dir})")


if __name__ == "__main__":
    main()
