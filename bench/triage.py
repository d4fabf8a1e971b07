"""Benchmark: the triage models on held-out data, and triage throughput on short messages.

    taskset -c 0 python bench/triage.py [--data-dir DIR] [--no-sentiment] [--n 4000]

What is held out: each training set is split once, 20 % held out, stratified by label, seed 13
(``socialops.train.triage_data.split``). The shipped models (``socialops train triage``) were
fitted on every row, so they are not what is scored: this bench fits each model's twin the same
way on the other 80 % only (``socialops.train.triage.train_one(..., final=False)``, a few
minutes) and scores the twin on the 20 % it never saw — the honest estimate of the shipped model,
which has a quarter more rows to learn from:
- KOTE val → complaint (불평/불만) F1 (target ≥ 0.80; TF-IDF + SVM 0.71);
- 3i4k train_val → speech act accuracy and macro-F1 (targets ≥ 0.90, ≥ 0.83);
- BANKING77 train → category accuracy (target ≥ 0.93; TF-IDF SVM 0.913);
- Korean hate speech train → abuse F1 (no target).
English tweet sentiment: the shipped ``sentiment_en`` model saw every TweetEval tweet, so its
held-out figure comes from 5 models, one per stratified TweetEval fold (seed 13), each trained
as the shipped one on the airline tweets + the other 4 folds and scored on its fold (macro-recall,
target ≥ 0.63). Throughput: ``triage_texts`` over held-out 3i4k, BANKING77 and short KOTE texts
(Korean and English mixed, batches of 500, best of 3), one thread; pin it to one core with
``taskset -c 0`` (target ≥ 2,000 messages/s per core).
"""

from __future__ import annotations

import os

# one thread: the figure is per core
for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import data_dir, machine  # noqa: E402
from socialops.nlp.triage import MODEL_DIR, triage_texts  # noqa: E402
from socialops.nlp.triage_model import LinearTextModel  # noqa: E402
from socialops.train import triage_data as td  # noqa: E402
from socialops.train.triage import SPECS, _evaluate, train_one  # noqa: E402


def _verdict(value: float, target: float) -> str:
    return "met" if value >= target else f"MISSED (target {target})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--data-dir", default=None)
    ap.add_argument("--no-sentiment", action="store_true", help="skip the 5 sentiment fits")
    ap.add_argument("--n", type=int, default=4000, help="messages for the throughput figure")
    ap.add_argument(
        "--twin-dir",
        default=None,
        help="keep the 80 %% twins in this folder and reuse them when they are there",
    )
    args = ap.parse_args()
    d = Path(args.data_dir) if args.data_dir else data_dir()
    print(f"machine: {machine()}; affinity: {sorted(os.sched_getaffinity(0))}")
    held: dict[str, td.Dataset] = {}
    twins = Path(args.twin_dir) if args.twin_dir else None
    for name, (loader, *_rest) in SPECS.items():
        _, te = td.split(loader(d))
        held[name] = te
        if twins is not None and (twins / f"{name}.npz").exists():
            twin = LinearTextModel.load(twins, name)
        else:
            twin, _m = train_one(name, d, progress=False, final=False)
            if twins is not None:
                twin.save(twins)
        m = _evaluate(name, twin, te)
        shipped = LinearTextModel.load(MODEL_DIR, name)
        print(
            f"{name} (twin fitted on n={twin.meta.get('n_train')}, "
            f"held-out n={len(te.texts)}; shipped on n={shipped.meta.get('n_train')}): {m}"
        )
        if name == "ko_complaint":
            print(f"  KOTE complaint F1 {m['f1']:.4f}: {_verdict(m['f1'], 0.80)}")
        elif name == "ko_speech_act":
            print(
                f"  3i4k accuracy {m['accuracy']:.4f}: {_verdict(m['accuracy'], 0.90)}; "
                f"macro-F1 {m['macro_f1']:.4f}: {_verdict(m['macro_f1'], 0.83)}"
            )
        elif name == "en_banking77":
            print(f"  BANKING77 accuracy {m['accuracy']:.4f}: {_verdict(m['accuracy'], 0.93)}")

    if not args.no_sentiment:
        from socialops.train.sentiment_en import heldout_fold_check

        rows = [heldout_fold_check(d, fold=f) for f in range(5)]
        mr = float(np.mean([r["macro_recall"] for r in rows]))
        vr = float(np.mean([r["vader_macro_recall"] for r in rows]))
        folds = ", ".join(f"{r['macro_recall']:.3f}" for r in rows)
        print(
            f"English tweet sentiment macro-recall on TweetEval folds not trained on: {mr:.4f} "
            f"(folds {folds}; VADER {vr:.4f}): "
            f"{_verdict(mr, 0.63)}"
        )

    msgs = (
        held["ko_speech_act"].texts[:1500]
        + held["en_banking77"].texts[:1500]
        + [t for t in held["ko_complaint"].texts if len(t) <= 40][:1000]
    )
    rng = np.random.default_rng(13)
    msgs = [msgs[i] for i in rng.permutation(len(msgs))][: args.n]
    triage_texts(msgs[:50], taxonomy="banking")  # load the models and Kiwi
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        for i in range(0, len(msgs), 500):
            triage_texts(msgs[i : i + 500], taxonomy="banking")
        best = min(best, time.perf_counter() - t0)
    rate = len(msgs) / best
    mean_len = sum(map(len, msgs)) / len(msgs)
    print(
        f"throughput: {rate:,.0f} messages/s on one thread ({len(msgs)} messages, mean "
        f"{mean_len:.0f} characters, banking taxonomy): {_verdict(rate, 2000)}"
    )


if __name__ == "__main__":
    main()
