"""Train the English tweet sentiment model (:class:`socialops.nlp.sentiment_en.EnSentiment`).

Data (read from the shared data folder, never copied into the repository):

- ``tweeteval/val_text.txt`` + ``val_labels.txt``: 2,000 general-domain tweets (0 neg, 1 neu,
  2 pos), the in-domain data;
- ``airline_tweets/Tweets.csv``: 14,640 US-airline tweets (``airline_sentiment``), deduplicated
  by ``tweet_id``; airline names are removed from the text (mentions already become ``@user``)
  so that the model learns sentiment words rather than brands.

Evaluation protocol (``evaluate``): stratified 5-fold CV over the 2,000 TweetEval tweets. Each
fold's model trains on all airline tweets + the other 4 folds and is scored on the held-out fold
(never seen in training or tuning). Classes are balanced within each source. VADER alone
(compound >= 0.05 positive, <= -0.05 negative) is scored on the same folds. Also reported, not
shipped: per-class offsets tuned for macro-recall by an inner 3-fold CV on the training folds.
A second check holds out 20% of the airline tweets (seeded permutation) and trains on the rest
+ all TweetEval tweets.

The final model trains on everything (airline + all 2,000 TweetEval tweets).
"""

from __future__ import annotations

import csv
import datetime as _dt
import json
import re
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
import sklearn
from sklearn.linear_model import SGDClassifier
from sklearn.model_selection import StratifiedKFold

from socialops.nlp.sentiment_en import (
    LABELS,
    MODEL_DIR,
    EnSentiment,
    FeatureConfig,
    _analyzer,
    featurize,
    preprocess,
)

__all__ = [
    "load_airline",
    "load_tweeteval",
    "macro_recall",
    "train",
    "vader_labels",
]

TWEETEVAL_WEIGHT = 3.0
C = 1.0
# Offsets tuned by nested CV scored 0.631 vs 0.635 without (per-source class balancing already
# evens the classes), so the shipped model uses none; the nested number is still reported.
TUNE_OFFSETS = False
EPOCHS = 40
MODEL_DATE = "2026-11-26"
REPRODUCE = "socialops train sentiment --lang en"

_AIRLINE_RE = re.compile(
    r"#?\b(?:virgin\s*america|virginamerica|united(?:airlines)?|jet\s*blue|jetblue|"
    r"southwest(?:air)?|us\s*airways|usairways|american\s*air(?:lines?)?|americanair|"
    r"american|delta(?:assist)?)\b",
    re.IGNORECASE,
)
_AIRLINE_LABELS = {"negative": 0, "neutral": 1, "positive": 2}


def _log(progress: bool, msg: str) -> None:
    if progress:
        print(msg, file=sys.stderr, flush=True)


def load_tweeteval(data_dir: Path) -> tuple[list[str], np.ndarray]:
    folder = Path(data_dir) / "tweeteval"
    texts = (folder / "val_text.txt").read_text(encoding="utf-8").split("\n")
    labels = (folder / "val_labels.txt").read_text(encoding="utf-8").split()
    texts = texts[: len(labels)]
    if len(texts) != len(labels):
        raise ValueError(f"{folder}: {len(texts)} texts but {len(labels)} labels")
    return [t.strip() for t in texts], np.array([int(x) for x in labels], dtype=np.int64)


def neutralise_airlines(text: str) -> str:
    """Drop airline names from airline tweets (training-data cleaning, not featurisation)."""
    return " ".join(_AIRLINE_RE.sub(" ", text).split())


def load_airline(data_dir: Path) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Airline tweets deduplicated by tweet_id → (texts, labels, tweet_ids as int64)."""
    path = Path(data_dir) / "airline_tweets" / "Tweets.csv"
    seen: set[str] = set()
    texts: list[str] = []
    labels: list[int] = []
    ids: list[int] = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            tid = row["tweet_id"]
            if tid in seen:
                continue
            seen.add(tid)
            lab = _AIRLINE_LABELS.get(row["airline_sentiment"].strip())
            if lab is None:
                continue
            texts.append(neutralise_airlines(row["text"]))
            labels.append(lab)
            ids.append(int(tid))
    return texts, np.array(labels, dtype=np.int64), np.array(ids, dtype=np.int64)


def macro_recall(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    rec = [
        float(np.mean(y_pred[y_true == k] == k)) for k in range(len(LABELS)) if (y_true == k).any()
    ]
    return float(np.mean(rec))


def per_class_recall(y_true: np.ndarray, y_pred: np.ndarray) -> dict[str, float]:
    return {
        LABELS[k]: round(float(np.mean(y_pred[y_true == k] == k)), 4)
        for k in range(len(LABELS))
        if (y_true == k).any()
    }


def vader_labels(texts: Sequence[str]) -> np.ndarray:
    """VADER alone on the same preprocessed text (standard ±0.05 compound thresholds)."""
    vader = _analyzer()
    comp = np.array([vader.polarity_scores(preprocess(t))["compound"] for t in texts])
    return np.where(comp >= 0.05, 2, np.where(comp <= -0.05, 0, 1)).astype(np.int64)


def _fit(
    x: sp.csr_matrix,
    y: np.ndarray,
    domain: np.ndarray,
    domain_weight: dict[int, float],
    *,
    seed: int,
    c: float = C,
) -> tuple[np.ndarray, np.ndarray]:
    """Averaged-SGD logistic regression (one-vs-rest), classes balanced within each domain.

    Each domain contributes ``domain_weight[d] * n_d`` in total, split equally over its
    classes, so the airline corpus's 63% negatives do not set the general-domain prior.
    """
    sw = np.zeros(len(y), dtype=np.float64)
    for d, wd in domain_weight.items():
        m = domain == d
        counts = np.bincount(y[m], minlength=len(LABELS)).astype(np.float64)
        sw[m] = wd * m.sum() / (len(LABELS) * np.maximum(counts[y[m]], 1.0))
    sw *= len(sw) / sw.sum()
    clf = SGDClassifier(
        loss="log_loss",
        alpha=1.0 / (c * len(y)),
        max_iter=EPOCHS,
        tol=None,
        average=True,
        random_state=seed,
    )
    clf.fit(x, y, sample_weight=sw)
    return clf.coef_.astype(np.float64), clf.intercept_.astype(np.float64)


AIRLINE, TWEETEVAL = 0, 1


def _fit_domains(
    x_air: sp.csr_matrix,
    y_air: np.ndarray,
    x_te: sp.csr_matrix,
    y_te: np.ndarray,
    *,
    seed: int,
    te_weight: float = TWEETEVAL_WEIGHT,
    c: float = C,
) -> tuple[np.ndarray, np.ndarray]:
    return _fit(
        sp.vstack([x_air, x_te], format="csr"),
        np.concatenate([y_air, y_te]),
        np.concatenate([np.full(len(y_air), AIRLINE), np.full(len(y_te), TWEETEVAL)]),
        {AIRLINE: 1.0, TWEETEVAL: te_weight},
        seed=seed,
        c=c,
    )


def _logits(x: sp.csr_matrix, coef: np.ndarray, intercept: np.ndarray) -> np.ndarray:
    z: np.ndarray = np.asarray(x @ coef.T) + intercept
    return z


# Candidates that nested CV chooses among (C, TweetEval weight); the shipped (C, TWEETEVAL_WEIGHT)
# is one of them. Other variants screened on the plain 5-fold CV (character 2-5-grams, VADER block
# scaled x2/x4, self-training on 60k airline_care customer turns pseudo-labelled at confidence
# 0.7-0.9 with weight 0.5-2) all landed within ±0.01 of 0.6345, i.e. inside the noise.
# Tried 2026-12-06, not shipped: lexicon scores beside VADER's as extra columns (AFINN-165 sum,
# min, max and hit counts; TextBlob's pattern polarity and subjectivity), scaled x1/3/5/10:
# 5-fold 0.6427/0.6487/0.6429/0.6195, airline-only model on TweetEval 0.6235/0.6261/0.6271/
# 0.6123 (0.601 without). The pattern lexicon alone: 0.6391 and 0.6132. The gains are within
# about one to two standard errors of 2,000 tweets; the afinn package's metadata says GPL
# (this project is Apache-2.0) and TextBlob imports NLTK (0.9 s in every enrichment worker).
GRID: tuple[tuple[float, float], ...] = ((1.0, 3.0), (3.0, 3.0), (1.0, 6.0), (3.0, 6.0))


def nested_cv(
    x_air: sp.csr_matrix,
    y_air: np.ndarray,
    x_te: sp.csr_matrix,
    y_te: np.ndarray,
    *,
    seed: int,
    folds: int = 5,
    inner_folds: int = 3,
    grid: Sequence[tuple[float, float]] = GRID,
) -> dict[str, Any]:
    """Macro-recall of the *procedure* "pick (C, TweetEval weight) by inner CV, then fit".

    Per outer fold the inner ``inner_folds``-fold CV runs on the outer training tweets only (the
    airline tweets help every inner fit), picks the candidate with the best pooled inner
    macro-recall, refits it on all outer training tweets and scores the untouched outer fold.
    """
    outer = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    pred = np.zeros(len(y_te), dtype=np.int64)
    rows: list[dict[str, Any]] = []
    for i, (tr, va) in enumerate(outer.split(np.zeros(len(y_te)), y_te)):
        inner = StratifiedKFold(n_splits=inner_folds, shuffle=True, random_state=seed + 1 + i)
        splits = list(inner.split(np.zeros(len(tr)), y_te[tr]))
        best = (-1.0, grid[0])
        for c, w in grid:
            ip = np.zeros(len(tr), dtype=np.int64)
            for itr, iva in splits:
                a, b = tr[itr], tr[iva]
                coef, icpt = _fit_domains(
                    x_air, y_air, x_te[a], y_te[a], seed=seed, te_weight=w, c=c
                )
                ip[iva] = _logits(x_te[b], coef, icpt).argmax(axis=1)
            mr = macro_recall(y_te[tr], ip)
            if mr > best[0]:
                best = (mr, (c, w))
        c, w = best[1]
        coef, icpt = _fit_domains(x_air, y_air, x_te[tr], y_te[tr], seed=seed, te_weight=w, c=c)
        pred[va] = _logits(x_te[va], coef, icpt).argmax(axis=1)
        rows.append(
            {
                "fold": i,
                "C": c,
                "tweeteval_weight": w,
                "inner_macro_recall": round(best[0], 4),
                "macro_recall": round(macro_recall(y_te[va], pred[va]), 4),
            }
        )
    mr_folds = [float(r["macro_recall"]) for r in rows]
    return {
        "macro_recall": round(macro_recall(y_te, pred), 4),
        "fold_std": round(float(np.std(mr_folds)), 4),
        "per_class_recall": per_class_recall(y_te, pred),
        "folds": rows,
    }


def leave_source_out(
    x_air: sp.csr_matrix,
    y_air: np.ndarray,
    x_te: sp.csr_matrix,
    y_te: np.ndarray,
    air_test: np.ndarray,
    *,
    seed: int,
) -> dict[str, Any]:
    """Each source scored by a model that never saw a tweet of its kind: airline tweets only →
    all 2,000 TweetEval tweets; TweetEval only → the airline held-out tweets."""
    one = np.zeros(len(y_air), dtype=np.int64)
    coef, icpt = _fit(x_air, y_air, one, {0: 1.0}, seed=seed)
    te_pred = _logits(x_te, coef, icpt).argmax(axis=1)
    coef, icpt = _fit(x_te, y_te, np.zeros(len(y_te), dtype=np.int64), {0: 1.0}, seed=seed)
    air_pred = _logits(x_air[air_test], coef, icpt).argmax(axis=1)
    return {
        "airline_to_tweeteval": round(macro_recall(y_te, te_pred), 4),
        "airline_to_tweeteval_per_class": per_class_recall(y_te, te_pred),
        "tweeteval_to_airline": round(macro_recall(y_air[air_test], air_pred), 4),
    }


def tune_offsets(z: np.ndarray, y: np.ndarray, span: float = 1.5, step: float = 0.05) -> np.ndarray:
    """Class offsets (neutral fixed at 0) that maximise macro-recall of argmax(z + offset)."""
    grid = np.arange(-span, span + 1e-9, step)
    best = (-1.0, 0.0, np.zeros(3))
    for a in grid:
        for c in grid:
            off = np.array([a, 0.0, c])
            mr = macro_recall(y, (z + off).argmax(axis=1))
            # prefer the smallest correction among ties
            key = (round(mr, 6), -(abs(a) + abs(c)))
            if key > (round(best[0], 6), best[1]):
                best = (mr, -(abs(a) + abs(c)), off)
    return best[2]


def _fit_with_offsets(
    x_air: sp.csr_matrix,
    y_air: np.ndarray,
    x_te: sp.csr_matrix,
    y_te: np.ndarray,
    *,
    seed: int,
    inner_folds: int = 3,
    te_weight: float = TWEETEVAL_WEIGHT,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fit on airline + these TweetEval tweets; tune offsets by inner CV over the TweetEval part."""
    oof = np.zeros((len(y_te), len(LABELS)))
    skf = StratifiedKFold(n_splits=inner_folds, shuffle=True, random_state=seed + 1)
    for tr, va in skf.split(np.zeros(len(y_te)), y_te):
        coef, icpt = _fit_domains(x_air, y_air, x_te[tr], y_te[tr], seed=seed, te_weight=te_weight)
        oof[va] = _logits(x_te[va], coef, icpt)
    offset = tune_offsets(oof, y_te)
    coef, icpt = _fit_domains(x_air, y_air, x_te, y_te, seed=seed, te_weight=te_weight)
    return coef, icpt, offset


def evaluate(
    data_dir: Path,
    *,
    seed: int = 13,
    folds: int = 5,
    cfg: FeatureConfig | None = None,
    te_weight: float = TWEETEVAL_WEIGHT,
    progress: bool = True,
    cache: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The evaluation protocol (module docstring). Returns metrics + out-of-fold logits."""
    cfg = cfg or FeatureConfig()
    cache = {} if cache is None else cache
    te_texts, y_te = load_tweeteval(data_dir)
    air_texts, y_air, air_ids = load_airline(data_dir)
    t0 = time.perf_counter()
    x_te = featurize(te_texts, cfg)
    x_air = featurize(air_texts, cfg)
    _log(
        progress,
        f"featurised {len(te_texts) + len(air_texts)} tweets in {time.perf_counter() - t0:.1f}s",
    )

    skf = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    oof_raw = np.zeros((len(y_te), len(LABELS)))
    pred = np.zeros(len(y_te), dtype=np.int64)
    pred_raw = np.zeros(len(y_te), dtype=np.int64)
    pred_tuned = np.zeros(len(y_te), dtype=np.int64)
    fold_id = np.zeros(len(y_te), dtype=np.int64)
    vader = vader_labels(te_texts)
    fold_rows: list[dict[str, Any]] = []
    for i, (tr, va) in enumerate(skf.split(np.zeros(len(y_te)), y_te)):
        coef, icpt, off = _fit_with_offsets(
            x_air, y_air, x_te[tr], y_te[tr], seed=seed, te_weight=te_weight
        )
        z = _logits(x_te[va], coef, icpt)
        oof_raw[va] = z
        pred_tuned[va] = (z + off).argmax(axis=1)
        pred_raw[va] = z.argmax(axis=1)
        pred[va] = pred_tuned[va] if TUNE_OFFSETS else pred_raw[va]
        fold_id[va] = i
        row = {
            "fold": i,
            "n": len(va),
            "macro_recall": round(macro_recall(y_te[va], pred[va]), 4),
            "vader_macro_recall": round(macro_recall(y_te[va], vader[va]), 4),
            "macro_recall_tuned_offsets": round(macro_recall(y_te[va], pred_tuned[va]), 4),
            "tuned_offset": [round(float(v), 3) for v in off],
        }
        fold_rows.append(row)
        _log(
            progress,
            f"fold {i}: model {row['macro_recall']:.4f}  VADER {row['vader_macro_recall']:.4f}  "
            f"(with tuned offsets {row['tuned_offset']}: {row['macro_recall_tuned_offsets']:.4f})",
        )

    # airline held-out: last 20% of a seeded permutation of deduplicated tweet ids
    rng = np.random.default_rng(seed)
    perm = rng.permutation(len(y_air))
    n_test = len(y_air) // 5
    a_te, a_tr = perm[:n_test], perm[n_test:]
    coef, icpt = _fit_domains(x_air[a_tr], y_air[a_tr], x_te, y_te, seed=seed, te_weight=te_weight)
    oof_off = tune_offsets(oof_raw, y_te) if TUNE_OFFSETS else np.zeros(len(LABELS))
    air_pred = (_logits(x_air[a_te], coef, icpt) + oof_off).argmax(axis=1)
    air_vader = vader_labels([air_texts[i] for i in a_te])

    _log(progress, "nested CV and leave-one-source-out ...")
    nested = nested_cv(x_air, y_air, x_te, y_te, seed=seed, folds=folds)
    loso = leave_source_out(x_air, y_air, x_te, y_te, a_te, seed=seed)
    _log(progress, f"nested {nested['macro_recall']:.4f}, airline->TweetEval {loso}")
    fold_mr = [float(r["macro_recall"]) for r in fold_rows]
    fold_vmr = [float(r["vader_macro_recall"]) for r in fold_rows]
    return {
        "protocol": (
            f"TweetEval val (2,000): stratified {folds}-fold CV (seed {seed}); each fold trains on "
            f"{len(y_air)} deduplicated airline tweets + the other folds (TweetEval weight "
            f"{te_weight}), classes balanced within each source, scored on the held-out fold; "
            "airline: 20% held out (seeded permutation), trained on the rest + all TweetEval"
        ),
        "macro_recall": round(macro_recall(y_te, pred), 4),
        "macro_recall_no_offset": round(macro_recall(y_te, pred_raw), 4),
        "macro_recall_tuned_offsets": round(macro_recall(y_te, pred_tuned), 4),
        "macro_recall_fold_mean": round(float(np.mean(fold_mr)), 4),
        "macro_recall_fold_std": round(float(np.std(fold_mr)), 4),
        "vader_macro_recall": round(macro_recall(y_te, vader), 4),
        "vader_macro_recall_fold_mean": round(float(np.mean(fold_vmr)), 4),
        "per_class_recall": per_class_recall(y_te, pred),
        "vader_per_class_recall": per_class_recall(y_te, vader),
        "accuracy": round(float(np.mean(pred == y_te)), 4),
        "vader_accuracy": round(float(np.mean(vader == y_te)), 4),
        "airline_heldout_n": int(n_test),
        "airline_macro_recall": round(macro_recall(y_air[a_te], air_pred), 4),
        "airline_vader_macro_recall": round(macro_recall(y_air[a_te], air_vader), 4),
        "folds": fold_rows,
        "nested_macro_recall": nested["macro_recall"],
        "nested_fold_std": nested["fold_std"],
        "nested_per_class_recall": nested["per_class_recall"],
        "nested_folds": nested["folds"],
        "loso_airline_to_tweeteval": loso["airline_to_tweeteval"],
        "loso_airline_to_tweeteval_per_class": loso["airline_to_tweeteval_per_class"],
        "loso_tweeteval_to_airline": loso["tweeteval_to_airline"],
        "n_tweeteval": len(y_te),
        "n_airline": len(y_air),
        "_oof_logits": oof_raw,
        "_x": (x_air, y_air, x_te, y_te, air_ids),
    }


def _speed(model: EnSentiment, texts: list[str], repeats: int = 3) -> dict[str, float]:
    """Best-of-``repeats`` scoring time per tweet in this process (batches of 500), and VADER's
    ``polarity_scores`` alone for scale (best-of, because the machine may be shared)."""
    vader = _analyzer()
    model.score(texts[:50])
    dt = dv = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        for i in range(0, len(texts), 500):
            model.score(texts[i : i + 500])
        dt = min(dt, time.perf_counter() - t0)
        t1 = time.perf_counter()
        for t in texts:
            vader.polarity_scores(t)
        dv = min(dv, time.perf_counter() - t1)
    return {
        "us_per_tweet": round(dt / len(texts) * 1e6, 1),
        "vader_us_per_tweet": round(dv / len(texts) * 1e6, 1),
    }


def heldout_fold_check(
    data_dir: Path, *, fold: int = 0, folds: int = 5, seed: int = 13
) -> dict[str, Any]:
    """Train as in one fold of the protocol; macro-recall of that model vs VADER on the fold."""
    cfg = FeatureConfig()
    te_texts, y_te = load_tweeteval(data_dir)
    air_texts, y_air, _ = load_airline(data_dir)
    skf = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    tr, va = list(skf.split(np.zeros(len(y_te)), y_te))[fold]
    x_te = featurize(te_texts, cfg)
    coef, icpt = _fit_domains(featurize(air_texts, cfg), y_air, x_te[tr], y_te[tr], seed=seed)
    pred = _logits(x_te[va], coef, icpt).argmax(axis=1)
    vader = vader_labels([te_texts[i] for i in va])
    return {
        "n": len(va),
        "macro_recall": macro_recall(y_te[va], pred),
        "vader_macro_recall": macro_recall(y_te[va], vader),
    }


def _model_card(metrics: dict[str, Any], meta: dict[str, Any], size_bytes: int) -> str:
    m = metrics
    feats = meta["features"]
    cb = int(feats["char_bits"])
    chars = f", character 2–5-grams within words (2^{cb} buckets)" if cb else ""

    def rec(pc: dict[str, float]) -> str:
        return " / ".join(f"{pc[k]:.3f}" for k in LABELS)

    fold_rows = "\n".join(
        f"| {r['fold']} | {r['n']} | {r['macro_recall']:.4f} | {r['vader_macro_recall']:.4f} |"
        for r in m["folds"]
    )
    nested_rows = "\n".join(
        f"| {r['fold']} | {r['C']:g} | {r['tweeteval_weight']:g} | {r['inner_macro_recall']:.4f} "
        f"| {r['macro_recall']:.4f} |"
        for r in m["nested_folds"]
    )
    rows = [
        (
            "**Honest**: TweetEval macro-recall, nested CV of the settings choice (n="
            + str(m["n_tweeteval"])
            + ")",
            f"**{m['nested_macro_recall']:.4f}** (fold sd {m['nested_fold_std']:.4f})",
            f"{m['vader_macro_recall']:.4f}",
        ),
        (
            "**Other kind of tweet**: airline-only model on all TweetEval",
            f"**{m['loso_airline_to_tweeteval']:.4f}**",
            f"{m['vader_macro_recall']:.4f}",
        ),
        (
            "TweetEval macro-recall, shipped settings (pooled out-of-fold, picked on these folds)",
            f"{m['macro_recall']:.4f}",
            f"{m['vader_macro_recall']:.4f}",
        ),
        (
            "same, with class offsets tuned by inner CV (not shipped)",
            f"{m['macro_recall_tuned_offsets']:.4f}",
            "",
        ),
        (
            "TweetEval macro-recall, mean ± sd over folds",
            f"{m['macro_recall_fold_mean']:.4f} ± {m['macro_recall_fold_std']:.4f}",
            f"{m['vader_macro_recall_fold_mean']:.4f}",
        ),
        (
            "TweetEval recall neg / neu / pos",
            rec(m["per_class_recall"]),
            rec(m["vader_per_class_recall"]),
        ),
        ("TweetEval accuracy", f"{m['accuracy']:.4f}", f"{m['vader_accuracy']:.4f}"),
        (
            f"Airline held-out macro-recall (n={m['airline_heldout_n']})",
            f"{m['airline_macro_recall']:.4f}",
            f"{m['airline_vader_macro_recall']:.4f}",
        ),
        (
            "Airline held-out macro-recall, TweetEval-only model",
            f"{m['loso_tweeteval_to_airline']:.4f}",
            f"{m['airline_vader_macro_recall']:.4f}",
        ),
    ]
    table = "\n".join(f"| {a} | {b} | {c} |" for a, b, c in rows)
    return f"""# English tweet sentiment (`EnSentiment`, v{meta["version"]})

Date: {MODEL_DATE}. Class: `socialops.nlp.sentiment_en.EnSentiment`.
Labels: negative / neutral / positive; score = P(positive) − P(negative), in [−1, 1].

## Model

Logistic regression (one-vs-rest, averaged SGD, C={C}; softmax over the three scores) over one
hashed sparse row per tweet: VADER features (compound, pos, neg, neu, |compound|, compound bins,
lexicon-hit counts and extremes), word uni- and bigrams with negation scope marking
(2^{feats["word_bits"]} buckets){chars}. Text is normalised (`socialops.nlp.normalize`), URLs →
`http`, @mentions → `@user`. Class weights balance the classes within each source, so the
airline corpus's negative skew does not set the prior. Weights: float16 safetensors + JSON
({size_bytes / 1e6:.2f} MB). No pickle.

Speed (one process, batches of 500, best of 3, measured by the training run on a shared
2-core machine, so treat it as an upper bound):
{m["us_per_tweet"]:.0f} µs per tweet, of which VADER's `polarity_scores` alone takes
{m["vader_us_per_tweet"]:.0f} µs. `python bench/sentiment_en.py --no-cv` re-measures it.

## Training data

- TweetEval sentiment **validation** split (cardiffnlp/tweeteval, 2,000 general tweets),
  weight {TWEETEVAL_WEIGHT} per tweet.
- Twitter US Airline Sentiment (Kaggle/CrowdFlower): {m["n_airline"]} tweets after dropping
  duplicate `tweet_id`s, weight 1; airline names removed from the text before training.
  Licence CC BY-NC-SA 4.0 (internal testing only): the data is read from the shared data
  folder and is not redistributed here, only weights learned from it.

## Evaluation protocol

{m["protocol"]}.
VADER alone = `polarity_scores(text)["compound"]` with the standard ±0.05 thresholds, on the
same preprocessed text and the same folds. Held out: for TweetEval, each fold (400 tweets) is
scored by a model that never saw it; for airline, 20% of the deduplicated tweets.

| metric | this model | VADER alone |
|---|---|---|
{table}

| fold | n | model | VADER |
|---|---|---|---|
{fold_rows}

Nested CV (the honest number above): per outer fold, an inner 3-fold CV on the outer training
tweets alone picks (C, TweetEval weight) among {", ".join(f"({c:g}, {w:g})" for c, w in GRID)},
refits the pick and scores the untouched outer fold. It measures the procedure, not one
setting picked by looking at all folds. The grid holds the shipped setting (C={C:g}, weight
{TWEETEVAL_WEIGHT:g}); inner CV mostly prefers weight 6, but the procedure scores within the
noise of the shipped setting's plain out-of-fold figure, so the shipped setting was kept (a
change ships only when its honest estimate gains beyond the noise). Read the two together:
choosing among these settings costs no measurable optimism, so about 0.63–0.64 is what
TweetEval-like tweets get. Leave-one-source-out trains on one source only and scores the
other: the closest estimate here of tweets of a kind not trained on (a general tweet from a
topic the 2,000 do not cover behaves more like this, 0.60, than like the CV figures).

| outer fold | C | TweetEval weight | inner macro-recall | outer macro-recall |
|---|---|---|---|---|
{nested_rows}

## Caveats

- Only 2,000 general-domain tweets exist for training and evaluation. The fold spread above is
  the noise level (pooled macro-recall over 2,000 tweets: about ±0.011 standard error). The
  plain out-of-fold figure is the one the settings were picked on, so it is optimistic; quote
  the nested one. Variants that did not beat the noise on these folds, hence not shipped:
  character 2–5-grams (0.631–0.633, and half the speed), VADER block scaled ×2/×4
  (0.636/0.625), C 0.3/3 (0.632/0.639), TweetEval weight 1.5/6/12 (0.633/0.640/0.637), and
  self-training on 60,613 unlabelled airline_care customer turns pseudo-labelled by the model
  (confidence ≥ 0–0.9, weight 0.5–2: 0.623–0.635): that text is airline customer care, the
  airline tweets' kind, and adds nothing for general tweets. The TweetEval **test** set (another
  sample, more negatives) may score lower; macro-recall does not depend on its class mix, but
  topic drift does.
- Airline tweets are most of the training rows; domain words such as *delayed*, *cancelled*,
  *flight* lean negative.
- Sarcasm and mixed sentiment are mostly beyond a linear bag-of-n-grams model.
- `score` is the softmax of one-vs-rest scores, a ranking signal rather than a calibrated
  probability.

## Reproduce

```
{REPRODUCE}
python bench/sentiment_en.py
```

Seed {meta.get("seed", 13)}, scikit-learn {meta.get("sklearn_version", "?")}; data from
`SOCIALOPS_DATA_DIR` (default `../shared/data`).
"""


def train(
    data_dir: Path,
    out_dir: Path | None = None,
    *,
    seed: int = 13,
    progress: bool = True,
) -> dict[str, Any]:
    """Evaluate (protocol above), train the final model on all data, write it to ``out_dir``."""
    out = Path(out_dir) if out_dir is not None else MODEL_DIR
    cfg = FeatureConfig()
    t0 = time.perf_counter()
    ev = evaluate(Path(data_dir), seed=seed, cfg=cfg, progress=progress)
    x_air, y_air, x_te, y_te, _ = ev.pop("_x")
    oof = ev.pop("_oof_logits")
    offset = tune_offsets(oof, y_te) if TUNE_OFFSETS else np.zeros(len(LABELS))
    _log(progress, f"final model: offsets {offset.tolist()}")
    coef, icpt = _fit_domains(x_air, y_air, x_te, y_te, seed=seed)
    model = EnSentiment(coef.astype(np.float32), icpt, offset, cfg)
    meta = {
        "date": MODEL_DATE,
        "trained_at": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "seed": seed,
        "sklearn_version": sklearn.__version__,
        "tweeteval_weight": TWEETEVAL_WEIGHT,
        "C": C,
        "n_train": {"tweeteval_val": len(y_te), "airline_dedup": len(y_air)},
        "metrics": {k: v for k, v in ev.items() if k not in ("folds", "nested_folds")},
        "reproduce": REPRODUCE,
    }
    model.save(out, meta)
    size = sum(p.stat().st_size for p in out.iterdir() if p.is_file() and p.suffix != ".md")
    # sanity: the stored (float16) model reproduces the in-memory predictions
    reloaded = EnSentiment.load(out)
    z_mem = model.logits(x_te)
    z_disk = reloaded.logits(x_te)
    agree = float(np.mean(z_mem.argmax(axis=1) == z_disk.argmax(axis=1)))
    ev["float16_agreement"] = round(agree, 4)
    ev.update(_speed(reloaded, load_tweeteval(Path(data_dir))[0]))
    ev["model_bytes"] = size
    saved = json.loads((out / "model.json").read_text(encoding="utf-8"))
    (out / "MODEL_CARD.md").write_text(_model_card(ev, saved, size), encoding="utf-8")
    ev["seconds"] = round(time.perf_counter() - t0, 1)
    ev["out_dir"] = str(out)
    _log(progress, f"wrote {out} ({size / 1e6:.2f} MB) in {ev['seconds']}s")
    return ev
