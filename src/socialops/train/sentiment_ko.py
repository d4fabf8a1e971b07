"""Train the Korean sentiment model (``socialops train sentiment --lang ko``).

Data (all read from the shared data folder, never copied into the repository):

- ``nsmc/reviews.tsv.gz`` (662k Naver movie reviews with 1-10 ratings; the NSMC test reviews
  are already removed; the NSMC train set ``nsmc/train.tsv.gz`` is a subset of it with identical
  ids and texts, so the reviews file alone is the source). NSMC recipe: rating 1-4 → negative,
  9-10 → positive, 5-8 dropped, text <= 140 characters, empty texts dropped.
- ``kote/val.tsv`` (5,000 online comments, 44 emotions, the union of five raters' labels)
  mapped to polarity: :data:`KOTE_NEGATIVE` and :data:`KOTE_POSITIVE` emotions are counted;
  a comment is negative when its negative emotions outnumber its positive ones by at least
  :data:`KOTE_MARGIN`, positive the other way round, "opinion, mixed" otherwise, and "no
  opinion" when its only label is 24 없음 (none).
- ``korean_hate_speech/train.tsv`` (entertainment-news comments): hate and offensive →
  negative; none → an opinion of unknown polarity (opinion head only).
- ``korean_sarcasm/train.csv`` (tweets): sarcastic → negative (sarcasm says the opposite of
  its words, and it is nearly always a complaint or a jab); non-sarcastic tweets are not used.
- ``3i4k/train_val.tsv`` (utterances by intention): fragments, statements, questions and
  commands (0-3) → no opinion (statements at :data:`STATEMENT_WEIGHT`: many carry an opinion);
  rhetorical questions and commands (4, 5) → opinion.

Split (fixed, independent of ``seed``): an NSMC review is held out when the first 8 bytes of
``sha1("nsmc-ko-holdout:" + review_id)`` read as a fraction fall below ``holdout`` (10%). Held-out
texts are de-duplicated by normalised text, and the evaluation set is then balanced like NSMC
(positives kept by the same id hash until they match the negatives). Every training review whose
normalised text appears among the held-out reviews is excluded from training; training texts are
de-duplicated (majority label, ties dropped). The other sources are split the same way by
``sha1("ko-sentiment-holdout:<source>:" + row key)`` (:data:`OTHER_HOLDOUT` of each); a training
row whose text is held out anywhere is dropped.

Model: hashed sparse features (:func:`socialops.nlp.sentiment_ko.featurize`: morpheme 1-3-grams
plus the last 3 morphemes as tail features and character 1-5-grams of the normalised text,
rows L2-normalised) → two L2 logistic regressions by averaged SGD with balanced classes: the
polarity head (negative vs positive: NSMC + the other sources weighted by
:data:`SOURCE_SHARE`) and the opinion head (opinion vs none), each pruned to its largest
weights. Weights are stored as float16 safetensors with a JSON config; loading never unpickles
anything.

ko-linear-3 adds, chosen on a validation slice carved from the *training* data (NSMC training
reviews by id hash plus a quarter of the KOTE training comments; the held-out splits were only
measured at the end): the characters of the text with its spaces removed as a second character
view (2-4-grams; Korean spacing is loose), 2^23 hash dimensions, NB-SVM style scaling of the
polarity features (each column times ``|log-count ratio| ** NB_POWER`` computed from the rows
being fitted, folded into the stored weights, so scoring is unchanged) and 1.5 M kept weights.
Levers tried later on the same slice (kept weights, seeds averaged, NB power, alpha, epochs, KOTE
share, threshold procedure: none moved the reviews by 0.002) are listed in MODEL_CARD.md.

ko-linear-4 (tried, never shipped) makes the polarity an ensemble of views (``views=True``):
besides the head on all features, one head on the morpheme features alone and one on the
character features alone (``split_groups`` hashing, :func:`view_matrices`), their logits added
with a mix chosen by :func:`choose_view_mix` on the calibration slice of the training reviews
plus a quarter of the KOTE training comments, both left out of the calibration fit.

ko-linear-5 adds the reviews the NSMC recipe drops, those rated 5-8, as weakly labelled polarity
rows (:data:`MID_RATING_ROWS`: 5 and 6 negative, 7 and 8 positive, each weighing less than an
NSMC row, the more so the nearer its rating is to the middle). They are the same kind of text as
the reviews the model is measured on, and the mild praise and mild complaint in them are what a
model trained on the clear-cut reviews alone confuses. Only reviews whose id hash is above the
held-out and calibration ranges are used, and none whose text is an NSMC training or held-out
text (:func:`load_mid_reviews`). Chosen on the validation slice (fitted without the calibration
slice; balanced accuracy on the training reviews with id hash in [0.125, 0.15), 10,949, with the
threshold from [0.1, 0.125); accuracy on a quarter of the KOTE training comments, 880), weights
for ratings 5/6/7/8 (label negative/negative/positive/positive): none 0.8708 / 0.8193;
0.5/0.2/0.2/0.5 0.8791 / 0.8205; 0.25/0.1/0.1/0.25 0.8788 / 0.8182; 0.5/-/-/0.5 0.8778 /
0.8193; 0.5/0.2/-/0.5 0.8793 / 0.8159; 0.5 each 0.8771 / 0.8193; **1/0.4/0.4/1 0.8831 /
0.8182** (taken: the best on the reviews); 1 each 0.8830 / 0.8239; 1.5/0.6/0.6/1.5 0.8818 /
0.8170; 1/0.2/0.2/1 0.8810 / 0.8239; 1/0.7/0.7/1 0.8776 / 0.8102 (the spread between neighbours
shows the noise of one SGD fit and threshold, about 0.003; every variant beats none by 0.6-1.2
points). Script: the validation recipe of ``train`` with the rows added (not shipped).
"""

from __future__ import annotations

import csv
import hashlib
import os
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.ipc as ipc
import scipy.sparse as sp
from sklearn.linear_model import SGDClassifier

from socialops.nlp.ko import analyse, kiwi_version
from socialops.nlp.normalize import normalize
from socialops.nlp.sentiment_ko import (
    DEFAULT_MODEL_DIR,
    GATE_MIN,
    FeatureConfig,
    KoSentiment,
    featurize,
    row_scale,
)

__all__ = [
    "HOLDOUT_SALT",
    "MIXED",
    "NEGATIVE",
    "NO_OPINION",
    "NO_OPINION_LABELS",
    "POSITIVE",
    "Dataset",
    "holdout_split",
    "kote_polarity",
    "load_mid_reviews",
    "load_reviews",
    "other_splits",
    "tokenize_texts",
    "train",
    "triage_reserved",
]

HOLDOUT_SALT = "nsmc-ko-holdout:"
OTHER_SALT = "ko-sentiment-holdout:"
MAX_CHARS = 140
MODEL_DATE = "2026-12-06"

# labels of Dataset.labels (STATEMENT: a 3i4k statement, no opinion but a weaker example of it)
NEGATIVE, POSITIVE, NO_OPINION, MIXED, STATEMENT = 0, 1, 2, 3, 4
NO_OPINION_LABELS = (NO_OPINION, STATEMENT)

# KOTE emotions (kote/labels.txt) counted as negative or positive; the rest (11 비장함,
# 15 신기함/관심, 17 부끄러움, 24 없음, 29 깨달음, 34 경악, 38 불쌍함/연민, 39 놀람) lean
# neither way
KOTE_NEGATIVE = frozenset(
    {0, 3, 5, 6, 9, 10, 12, 18, 19, 20, 21, 22, 23, 25, 26, 27, 30, 31, 33, 35, 36, 37, 41}
)
KOTE_POSITIVE = frozenset({1, 2, 4, 7, 8, 13, 14, 16, 28, 32, 40, 42, 43})
KOTE_NONE = 24
KOTE_MARGIN = 2
# share of each other source held out for evaluation (by the hash of its row key)
OTHER_HOLDOUT = {"kote": 0.2, "hate": 0.2, "sarcasm": 0.2, "3i4k": 0.1}

# chosen by held-out accuracy (see MODEL_CARD.md)
HASH_BITS = 23
TOKEN_NGRAMS = 3
CHAR_NGRAMS = (1, 5)
TAIL_TOKENS = 3  # the last morphemes also count as separate "tail" features
NOSPACE_CHAR_NGRAMS = (2, 4)  # character n-grams of the text without its spaces
# polarity columns are scaled by |log-count ratio| ** NB_POWER (NB-SVM; smoothing NB_SMOOTH)
NB_POWER = 0.5
NB_SMOOTH = 1.0
ALPHA = 5e-7  # L2 penalty of the SGD logistic regression (polarity)
OPINION_ALPHA = 2e-6  # the same for the opinion head (less data)
EPOCHS = 15
KEEP_WEIGHTS = 1_500_000  # non-zero polarity weights kept after training (file size)
# the polarity head is the average of this many SGD fits (seeds seed, seed + 1, ...) on the same
# features: the average of linear models is one linear model, so scoring is unchanged
POLARITY_SEEDS = 1
KEEP_OPINION_WEIGHTS = 200_000
# two more polarity heads, one on the morpheme features alone and one on the character
# features alone (each L2-normalised within its group), added to the full head's logit with a
# mix (times the full head's spread over each view's) chosen on the validation slice
VIEW_MIX_GRID: tuple[tuple[float, float], ...] = (
    (0.0, 0.0),
    (0.25, 0.25),
    (0.5, 0.5),
    (0.75, 0.75),
    (1.0, 1.0),
    (0.5, 0.0),
    (0.0, 0.5),
    (0.25, 0.5),
    (0.5, 0.25),
)
VIEW_COMMENT_SLACK = 0.005
KOTE_VAL = 0.25  # training comments (by key hash) left out of the calibration fit
KEEP_VIEW_WEIGHTS = 1_000_000
# tried on 2026-12-06 and not shipped (MODEL_CARD.md): `train(..., views=True)` reproduces it
VIEWS = False
# total training weight of each source's rows in the polarity head, as a share of the NSMC
# rows' (each of which weighs 1); chosen on the held-out comments (KOTE) and reviews together
SOURCE_SHARE = {"kote": 0.3, "hate": 0.0, "sarcasm": 0.0}
STATEMENT_WEIGHT = 0.3  # a 3i4k statement's weight as a "no opinion" row (many carry one)
MAX_ROW_WEIGHT = 4.0  # heavier rows are repeated (see train)
NSMC_OPINION_ROWS = 60_000  # NSMC reviews (by id hash) used as "opinion" rows
NEUTRAL_BAND = 0.2
# the opinion gate and the neutral band are picked on the held-out comments + utterances mix
OPINION_FLOOR_GRID = (0.0, 0.1, 0.2, 0.3)
OPINION_FULL_GRID = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
NEUTRAL_BAND_GRID = (0.1, 0.15, 0.2, 0.25, 0.3, 0.35)
CALIB_FRACTION = 0.05  # training reviews (by id hash) used to calibrate the threshold
# the reviews rated 5-8 (dropped by the NSMC recipe) as weakly labelled polarity rows: rating →
# (label, row weight), an NSMC row weighing 1; chosen on the validation slice (module docstring)
MID_RATING_ROWS: dict[int, tuple[int, float]] = {
    5: (NEGATIVE, 1.0),
    6: (NEGATIVE, 0.4),
    7: (POSITIVE, 0.4),
    8: (POSITIVE, 1.0),
}


@dataclass(frozen=True)
class Dataset:
    """Normalised texts with binary labels (1 positive) and the review ids they came from."""

    ids: list[int]
    texts: list[str]
    labels: np.ndarray


def _hash_fraction(review_id: int) -> float:
    digest = hashlib.sha1(f"{HOLDOUT_SALT}{review_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2.0**64


def _review_rows(data_dir: Path) -> Iterator[tuple[int | None, int | None, str | None]]:
    """``(review_id, rating, review)`` of each row of ``nsmc/reviews.tsv.gz``, in file order."""
    table = pacsv.read_csv(
        Path(data_dir) / "nsmc" / "reviews.tsv.gz",
        parse_options=pacsv.ParseOptions(delimiter="\t", quote_char=False),
        convert_options=pacsv.ConvertOptions(
            column_types={"review_id": pa.int64(), "rating": pa.int64(), "review": pa.string()},
            include_columns=["review_id", "rating", "review"],
        ),
    )
    return zip(
        table["review_id"].to_pylist(),
        table["rating"].to_pylist(),
        table["review"].to_pylist(),
        strict=True,
    )


def load_reviews(data_dir: Path) -> tuple[list[int], list[str], np.ndarray]:
    """NSMC-recipe reviews: ``(ids, normalised texts, labels)``, ratings 5-8 dropped."""
    ids: list[int] = []
    texts: list[str] = []
    labels: list[int] = []
    seen: set[int] = set()
    for rid, rating, review in _review_rows(data_dir):
        if rid is None or rating is None or not review or rid in seen:
            continue
        if 1 <= rating <= 4:
            label = 0
        elif rating >= 9:
            label = 1
        else:
            continue
        if len(review) > MAX_CHARS:
            continue
        text = normalize(review).text
        if not text:
            continue
        seen.add(rid)
        ids.append(int(rid))
        texts.append(text)
        labels.append(label)
    return ids, texts, np.asarray(labels, dtype=np.int8)


def load_mid_reviews(
    data_dir: Path, start: float, exclude: set[str], rated: Iterable[int] = MID_RATING_ROWS
) -> tuple[list[int], list[str], list[int]]:
    """The reviews rated 5-8 usable as weak polarity rows: ``(ids, normalised texts, ratings)``.

    Only reviews whose id hash (:func:`_hash_fraction`) is at least ``start`` (above the
    held-out and calibration ranges), at most :data:`MAX_CHARS` long, whose normalised text is
    not in ``exclude`` (the NSMC training and held-out texts: their labels are the clear ones);
    de-duplicated by id and by text (the first kept). Only the ratings in ``rated`` (5-8)."""
    keep = set(rated)
    ids: list[int] = []
    texts: list[str] = []
    ratings: list[int] = []
    seen_ids: set[int] = set()
    seen_texts: set[str] = set()
    for rid, rating, review in _review_rows(data_dir):
        if rid is None or rating not in keep or not review or rid in seen_ids:
            continue
        if len(review) > MAX_CHARS or _hash_fraction(rid) < start:
            continue
        text = normalize(review).text
        if not text or text in exclude or text in seen_texts:
            continue
        seen_ids.add(rid)
        seen_texts.add(text)
        ids.append(int(rid))
        texts.append(text)
        ratings.append(int(rating))
    return ids, texts, ratings


def holdout_split(data_dir: Path, holdout: float = 0.1) -> tuple[Dataset, Dataset]:
    """The fixed ``(train, test)`` split used by training, the benchmark and the tests."""
    ids, texts, labels = load_reviews(data_dir)
    frac = [_hash_fraction(i) for i in ids]
    test_idx: list[int] = []
    test_texts: set[str] = set()
    for k, f in enumerate(frac):
        if f < holdout and texts[k] not in test_texts:
            test_texts.add(texts[k])
            test_idx.append(k)
    # balance the evaluation set like NSMC: keep all negatives, positives in id-hash order
    neg = [k for k in test_idx if labels[k] == 0]
    pos = sorted((k for k in test_idx if labels[k] == 1), key=lambda k: frac[k])
    keep = sorted(neg + pos[: len(neg)])
    test = Dataset(
        ids=[ids[k] for k in keep],
        texts=[texts[k] for k in keep],
        labels=labels[np.asarray(keep, dtype=np.int64)],
    )
    # training: everything not hashed into the held-out part, minus texts seen there,
    # de-duplicated by text with the majority label (ties dropped)
    votes: dict[str, list[int]] = {}
    first_id: dict[str, int] = {}
    for k, f in enumerate(frac):
        t = texts[k]
        if f < holdout or t in test_texts:
            continue
        v = votes.get(t)
        if v is None:
            votes[t] = v = [0, 0]
            first_id[t] = ids[k]
        v[int(labels[k])] += 1
    tr_ids: list[int] = []
    tr_texts: list[str] = []
    tr_labels: list[int] = []
    for t, (n0, n1) in votes.items():
        if n0 == n1:
            continue
        tr_ids.append(first_id[t])
        tr_texts.append(t)
        tr_labels.append(1 if n1 > n0 else 0)
    train_ds = Dataset(tr_ids, tr_texts, np.asarray(tr_labels, dtype=np.int8))
    return train_ds, test


def _other_fraction(source: str, key: str) -> float:
    digest = hashlib.sha1(f"{OTHER_SALT}{source}:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2.0**64


def kote_polarity(label_ids: set[int]) -> int:
    """The polarity of a KOTE comment from its emotion ids (see the module docstring)."""
    if label_ids == {KOTE_NONE}:
        return NO_OPINION
    neg = len(label_ids & KOTE_NEGATIVE)
    pos = len(label_ids & KOTE_POSITIVE)
    if neg >= pos + KOTE_MARGIN:
        return NEGATIVE
    if pos >= neg + KOTE_MARGIN:
        return POSITIVE
    return MIXED


def _read_other(data_dir: Path) -> dict[str, list[tuple[str, str, int]]]:
    """``source → [(row key, raw text, label)]`` of the sources other than NSMC."""
    d = Path(data_dir)
    out: dict[str, list[tuple[str, str, int]]] = {}
    rows: list[tuple[str, str, int]] = []
    with open(d / "kote" / "val.tsv", encoding="utf-8", newline="") as f:
        for rec in csv.reader(f, delimiter="\t"):
            if len(rec) >= 3 and rec[1]:
                ids = {int(x) for x in rec[2].split(",") if x.strip()}
                rows.append((rec[0], rec[1], kote_polarity(ids)))
    out["kote"] = rows
    rows = []
    with open(d / "korean_hate_speech" / "train.tsv", encoding="utf-8", newline="") as f:
        reader = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(reader, None)
        for rec in reader:
            if len(rec) >= 4 and rec[0]:
                label = NEGATIVE if rec[3] in ("hate", "offensive") else MIXED
                rows.append((rec[0], rec[0], label))
    out["hate"] = rows
    rows = []
    with open(d / "korean_sarcasm" / "train.csv", encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        next(reader, None)
        for rec in reader:
            if len(rec) >= 3 and rec[1] and rec[2].strip() == "1":
                rows.append((rec[0], rec[1], NEGATIVE))
    out["sarcasm"] = rows
    rows = []
    with open(d / "3i4k" / "train_val.tsv", encoding="utf-8", newline="") as f:
        for k, rec in enumerate(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)):
            if len(rec) >= 2 and rec[1] and rec[0].strip().isdigit():
                intent = int(rec[0])
                text = rec[1]
                # 3i4k has no final punctuation while real posts do: half of the questions get
                # a "?" and half of the statements a "." (by key hash), or "?" would only ever
                # be seen in opinionated text
                if _other_fraction("3i4k-punct", f"{k}") < 0.5:
                    if intent in (2, 4):
                        text += "?"
                    elif intent == 1:
                        text += "."
                if intent == 1:
                    rows.append((f"{k}", text, STATEMENT))
                elif intent <= 3:
                    rows.append((f"{k}", text, NO_OPINION))
                elif intent <= 5:
                    rows.append((f"{k}", text, MIXED))
    out["3i4k"] = rows
    return out


def triage_reserved(data_dir: Path) -> set[str]:
    """The normalised texts of the KOTE comments the triage models hold out
    (:func:`socialops.train.triage_data.split`): never trained on here, because the complaint
    model stacks this model's logits and is measured on those comments."""
    from socialops.train.triage_data import load_kote_complaint, split_index

    ds = load_kote_complaint(Path(data_dir))
    _, test_idx = split_index(ds)
    return {t for t in (normalize(ds.texts[i]).text for i in test_idx) if t}


def other_splits(data_dir: Path) -> dict[str, tuple[Dataset, Dataset]]:
    """``source → (train, test)`` of KOTE, hate speech, sarcasm and 3i4k (fixed split).

    Texts are normalised; empty ones dropped; each test set is de-duplicated by text, and a
    training row whose text is in any source's test set is dropped. So is a comment held out by
    the triage models' split (:func:`triage_reserved`): the complaint model reads this model's
    logits, and its held-out figure must not score comments this model was trained on.
    """
    raw = _read_other(data_dir)
    parts: dict[str, tuple[list[tuple[int, str, int]], list[tuple[int, str, int]]]] = {}
    held: set[str] = triage_reserved(data_dir)
    for source, rows in raw.items():
        tr: list[tuple[int, str, int]] = []
        te: list[tuple[int, str, int]] = []
        seen: set[str] = set()
        for k, (key, text, label) in enumerate(rows):
            t = normalize(text).text
            if not t:
                continue
            if _other_fraction(source, key) < OTHER_HOLDOUT[source]:
                if t not in seen:
                    seen.add(t)
                    te.append((k, t, label))
            else:
                tr.append((k, t, label))
        held |= seen
        parts[source] = (tr, te)

    def ds(items: list[tuple[int, str, int]]) -> Dataset:
        return Dataset(
            ids=[k for k, _, _ in items],
            texts=[t for _, t, _ in items],
            labels=np.asarray([lab for _, _, lab in items], dtype=np.int8),
        )

    return {
        source: (ds([r for r in tr if r[1] not in held]), ds(te))
        for source, (tr, te) in parts.items()
    }


def _tokenize_chunk(texts: list[str]) -> list[list[str]]:
    return [[f"{form}/{tag}" for form, tag, _ in toks] for toks in analyse(texts)]


def _chunks(items: Sequence[str], size: int) -> Iterable[list[str]]:
    for i in range(0, len(items), size):
        yield list(items[i : i + size])


def tokenize_texts(
    texts: Sequence[str],
    *,
    processes: int | None = None,
    cache_dir: Path | None = None,
    progress: bool = False,
) -> list[list[str]]:
    """Kiwi tokens (``form/TAG``) of each text, in a process pool; optionally cached on disk.

    The cache (an Arrow file keyed by text, under ``cache_dir``) is only a speed-up for repeated
    runs; it is never written inside the package.
    """
    cached: dict[str, list[str]] = {}
    cache_file = None
    if cache_dir is not None:
        cache_dir.mkdir(parents=True, exist_ok=True)
        cache_file = cache_dir / f"kiwi-{kiwi_version()}-cong-tokens.arrow"
        if cache_file.exists():
            with ipc.open_file(cache_file) as reader:
                tab = reader.read_all()
            cached = dict(zip(tab["text"].to_pylist(), tab["tokens"].to_pylist(), strict=True))
    todo = sorted({t for t in texts if t not in cached})
    if todo:
        n_proc = processes or os.cpu_count() or 1
        t0 = time.monotonic()
        done = 0
        chunk_size = 2000
        results: list[list[list[str]]] = []
        if n_proc <= 1:
            mapped: Iterable[list[list[str]]] = map(_tokenize_chunk, _chunks(todo, chunk_size))
            pool = None
        else:
            pool = get_context("spawn").Pool(n_proc)
            mapped = pool.imap(_tokenize_chunk, _chunks(todo, chunk_size))
        try:
            for res in mapped:
                results.append(res)
                done += len(res)
                if progress:
                    rate = done / max(time.monotonic() - t0, 1e-9)
                    print(f"  tokenised {done:,}/{len(todo):,} ({rate:,.0f}/s)", flush=True)
        finally:
            if pool is not None:
                pool.close()
                pool.join()
        new = [tok for res in results for tok in res]
        cached.update(zip(todo, new, strict=True))
        if cache_file is not None:
            tab = pa.table(
                {
                    "text": pa.array(list(cached.keys()), pa.string()),
                    "tokens": pa.array(list(cached.values()), pa.list_(pa.string())),
                }
            )
            tmp = cache_file.with_suffix(".tmp")
            with ipc.new_file(tmp, tab.schema) as writer:
                writer.write_table(tab)
            tmp.replace(cache_file)
    return [cached[t] for t in texts]


def _design_matrix(
    tokens: Sequence[Sequence[str]], texts: Sequence[str], config: FeatureConfig
) -> Any:
    parts = []
    step = 20_000
    for i in range(0, len(texts), step):
        indptr, indices = featurize(tokens[i : i + step], texts[i : i + step], config)
        data = np.repeat(row_scale(indptr, config), np.diff(indptr)).astype(np.float32)
        parts.append(
            sp.csr_matrix((data, indices, indptr), shape=(len(indptr) - 1, 1 << config.hash_bits))
        )
    return sp.vstack(parts, format="csr")


def _best_offset(z: np.ndarray, y: np.ndarray) -> float:
    """The decision threshold (logit) with the best balanced accuracy, searched near 0."""
    best, best_t = -1.0, 0.0
    for t in np.linspace(-3.0, 3.0, 601):
        pred = z > t
        bal = 0.5 * (float(pred[y == 1].mean()) + float((~pred[y == 0]).mean()))
        if bal > best + 1e-9 or (abs(bal - best) <= 1e-9 and abs(t) < abs(best_t)):
            best, best_t = bal, float(t)
    return best_t


def _accuracy(model: KoSentiment, tokens: list[list[str]], ds: Dataset) -> tuple[float, float]:
    _, scores = model.score(tokens, ds.texts)
    acc = float(((scores > 0) == (ds.labels == 1)).mean())
    neutral = float((np.abs(scores) < model.neutral_band).mean())
    return acc, neutral


def evaluate(
    model: KoSentiment,
    nsmc: tuple[Dataset, list[list[str]]],
    others: dict[str, tuple[Dataset, list[list[str]]]],
) -> dict[str, float]:
    """Held-out figures per domain (all on data never trained on).

    - ``nsmc_accuracy``: reviews, binary accuracy by the sign of the score (balanced set);
    - ``kote_accuracy``: comments whose emotions are clearly negative or positive, by sign;
    - ``sarcasm_negative``: sarcastic tweets scored below 0;
    - ``hate_negative``: hateful or offensive comments scored below 0;
    - ``3i4k_neutral``: questions, statements, commands and fragments labelled neutral
      (``3i4k_question_neutral``: questions only).
    """
    out: dict[str, float] = {}
    ds, toks = nsmc
    acc, neutral = _accuracy(model, toks, ds)
    out["nsmc_accuracy"] = acc
    out["nsmc_neutral_share"] = neutral
    for source, (ds, toks) in others.items():
        labels, scores = model.score(toks, ds.texts)
        y = ds.labels
        if source == "kote":
            m = (y == NEGATIVE) | (y == POSITIVE)
            out["kote_accuracy"] = float(((scores[m] > 0) == (y[m] == POSITIVE)).mean())
            out["kote_neutral_share"] = float(
                np.mean([labels[i] == "neutral" for i in np.flatnonzero(m)])
            )
        elif source in ("sarcasm", "hate"):
            m = y == NEGATIVE
            out[f"{source}_negative"] = float((scores[m] < 0).mean())
        elif source == "3i4k":
            m = np.isin(y, NO_OPINION_LABELS)
            out["3i4k_neutral"] = float(
                np.mean([labels[i] == "neutral" for i in np.flatnonzero(m)])
            )
    return {k: round(v, 4) for k, v in out.items()}


def _macro_f1(gold: Sequence[int], pred: Sequence[int]) -> float:
    f1s = []
    for c in (NEGATIVE, NO_OPINION, POSITIVE):
        tp = sum(g == c and p == c for g, p in zip(gold, pred, strict=True))
        fp = sum(g != c and p == c for g, p in zip(gold, pred, strict=True))
        fn = sum(g == c and p != c for g, p in zip(gold, pred, strict=True))
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(f1s) / len(f1s)


def choose_gate(
    model: KoSentiment, tokens: list[list[str]], texts: list[str], gold: Sequence[int]
) -> tuple[float, float, float, float]:
    """``(macro-F1, opinion_floor, opinion_full, neutral_band)`` with the best 3-class macro-F1
    (ties: the first in grid order) of ``model`` on ``texts`` labelled ``gold``."""
    z, zo = model.logits(tokens, texts)
    assert zo is not None
    s = np.tanh(z / 2.0)
    p_op = 1.0 / (1.0 + np.exp(-zo))
    empty = np.fromiter((len(t) == 0 for t in tokens), dtype=bool, count=len(tokens))
    best = (-1.0, 0.0, 0.5, NEUTRAL_BAND)
    for lo in OPINION_FLOOR_GRID:
        for hi in OPINION_FULL_GRID:
            if hi <= lo:
                continue
            score = s * np.clip((p_op - lo) / (hi - lo), GATE_MIN, 1.0)
            for band in NEUTRAL_BAND_GRID:
                pred = np.where(
                    empty | (np.abs(score) < band),
                    NO_OPINION,
                    np.where(score > 0, POSITIVE, NEGATIVE),
                )
                f1 = _macro_f1(gold, pred.tolist())
                if f1 > best[0] + 1e-9:
                    best = (f1, lo, hi, band)
    return best


def _balanced_weights(y: np.ndarray, w: np.ndarray) -> np.ndarray:
    """``w`` rescaled so that both classes carry the same total weight (mean weight 1)."""
    out = w.astype(np.float64).copy()
    for c in (0, 1):
        m = y == c
        out[m] *= len(y) / (2.0 * max(float(out[m].sum()), 1e-9))
    return out


def _fit(x: Any, y: np.ndarray, w: np.ndarray, alpha: float, seed: int) -> Any:
    clf = SGDClassifier(
        loss="log_loss",
        alpha=alpha,
        max_iter=EPOCHS,
        tol=None,
        average=True,
        random_state=seed,
    )
    return clf.fit(x, y, sample_weight=w)


def nb_scale(x: Any, y: np.ndarray, w: np.ndarray) -> np.ndarray:
    """NB-SVM column scale ``|log-count ratio| ** NB_POWER`` of the binary features of ``x``.

    The ratio compares how often each feature occurs in positive vs negative rows (class-balanced
    row weights ``w``, add-``NB_SMOOTH`` smoothing); features that do not separate the classes
    get a small scale, which the L2 penalty then keeps small.
    """
    b = x.copy()
    b.data[:] = 1.0
    wb = _balanced_weights(y, w)
    p = np.asarray(b.T @ (wb * (y == 1))).ravel() + NB_SMOOTH
    q = np.asarray(b.T @ (wb * (y == 0))).ravel() + NB_SMOOTH
    r = np.abs(np.log((p / p.sum()) / (q / q.sum())))
    return np.asarray(r**NB_POWER, dtype=np.float64)


def _fit_nb(
    x: Any, y: np.ndarray, w: np.ndarray, alpha: float, seed: int
) -> tuple[Any, np.ndarray]:
    """A polarity fit on NB-scaled columns: ``(classifier, effective weights)`` (the scale is
    folded into the weights, so they apply to the unscaled features)."""
    scale = nb_scale(x, y, w)
    clf = _fit(x @ sp.diags(scale.astype(np.float32)), y, _balanced_weights(y, w), alpha, seed)
    return clf, clf.coef_.ravel() * scale


def _fit_polarity(
    x: Any, y: np.ndarray, w: np.ndarray, seed: int, n_seeds: int
) -> tuple[np.ndarray, float]:
    """``(weights, intercept)`` of the polarity head: the mean of ``n_seeds`` NB-scaled fits."""
    coef_sum = np.zeros(x.shape[1], dtype=np.float64)
    bias_sum = 0.0
    for k in range(n_seeds):
        clf, coef = _fit_nb(x, y, w, ALPHA, seed + k)
        coef_sum += coef
        bias_sum += float(clf.intercept_[0])
    return coef_sum / n_seeds, bias_sum / n_seeds


def view_matrices(x: Any, hash_bits: int) -> tuple[Any, Any]:
    """``(morphemes, characters)``: the columns of each feature group of ``x`` (built with
    ``split_groups``), each row L2-normalised within its group, as the view heads score them."""
    half = 1 << (hash_bits - 1)
    out = []
    for upper in (False, True):
        keep = (x.indices >= half) == upper
        rows = np.repeat(np.arange(x.shape[0]), np.diff(x.indptr))[keep]
        counts = np.bincount(rows, minlength=x.shape[0])
        data = (1.0 / np.sqrt(np.maximum(counts, 1)))[rows].astype(np.float32)
        out.append(sp.csr_matrix((data, (rows, x.indices[keep])), shape=x.shape))
    return out[0], out[1]


def _fit_views(
    xs: tuple[Any, Any], y: np.ndarray, w: np.ndarray, seed: int
) -> list[tuple[np.ndarray, float]]:
    """``(weights, intercept)`` of the morpheme view and the character view (NB-scaled fits)."""
    out = []
    for xv in xs:
        clf, coef = _fit_nb(xv, y, w, ALPHA, seed)
        out.append((coef, float(clf.intercept_[0])))
    return out


def _view_factors(
    z_full: np.ndarray, z_views: Sequence[np.ndarray], mix: Sequence[float]
) -> list[float]:
    """The factor on each view's logits: its ``mix`` share times the full head's spread over the
    view's (standard deviations on the same rows), so a mix does not depend on the heads'
    scales."""
    sd = float(np.std(z_full))
    return [m * sd / max(float(np.std(z)), 1e-9) for m, z in zip(mix, z_views, strict=True)]


def _balanced_accuracy(z: np.ndarray, y: np.ndarray) -> float:
    pred = z > 0
    return 0.5 * (float(pred[y == 1].mean()) + float((~pred[y == 0]).mean()))


def choose_view_mix(
    z_full: np.ndarray, z_views: Sequence[np.ndarray], y: np.ndarray, reviews: np.ndarray
) -> tuple[tuple[float, float], dict[str, list[float]]]:
    """The view mix of :data:`VIEW_MIX_GRID` with the best balanced accuracy on the validation
    reviews (``reviews`` marks them; each mix with its own best threshold there), among the
    mixes whose accuracy on the validation comments (the other rows, same threshold) is at most
    :data:`VIEW_COMMENT_SLACK` below the full head's alone; ties: the first in grid order.
    Returns the mix and ``{mix: [reviews, comments]}``."""
    table: dict[str, list[float]] = {}
    scores: list[tuple[float, float, tuple[float, float]]] = []
    for mix in VIEW_MIX_GRID:
        f = _view_factors(z_full[reviews], [z[reviews] for z in z_views], mix)
        z = z_full + sum(fi * zv for fi, zv in zip(f, z_views, strict=True))
        z = z - _best_offset(z[reviews], y[reviews])
        rev = _balanced_accuracy(z[reviews], y[reviews])
        com = float(((z[~reviews] > 0) == (y[~reviews] == 1)).mean())
        table[f"{mix[0]:g}/{mix[1]:g}"] = [round(rev, 4), round(com, 4)]
        scores.append((rev, com, mix))
    floor = scores[0][1] - VIEW_COMMENT_SLACK  # the grid starts with (0, 0): no views
    best = max((s for s in scores if s[1] >= floor), key=lambda s: s[0])
    for s in scores:  # the first in grid order among equals
        if s[1] >= floor and s[0] >= best[0] - 1e-12:
            return s[2], table
    return best[2], table


def _prune(weights: np.ndarray, keep: int) -> np.ndarray:
    weights = weights.copy()
    if int(np.count_nonzero(weights)) > keep:
        # keep the largest weights only (the rest are mostly rare, colliding n-grams)
        cut = np.argpartition(np.abs(weights), len(weights) - keep)[:-keep]
        weights[cut] = 0.0
    return weights


def train(
    data_dir: Path,
    out_dir: Path | None = None,
    *,
    holdout: float = 0.1,
    seed: int = 13,
    progress: bool = True,
    cache_dir: Path | None = None,
    nsmc_limit: int = 0,
    source_share: dict[str, float] | None = None,
    neutral_band: float = NEUTRAL_BAND,
    keep_weights: int = KEEP_WEIGHTS,
    polarity_seeds: int = POLARITY_SEEDS,
    views: bool = VIEWS,
    mid_ratings: dict[int, tuple[int, float]] | None = None,
) -> dict[str, Any]:
    """Train, evaluate on the held-out splits, write the model files; returns the metrics.

    ``cache_dir`` (optional, e.g. under /tmp) caches Kiwi tokens between runs;
    ``nsmc_limit`` (exploring only) keeps that many NSMC training reviews (by id hash);
    ``mid_ratings`` (default :data:`MID_RATING_ROWS`; ``{}``: none) the weak rows of the reviews
    rated 5-8.
    """

    def say(msg: str) -> None:
        if progress:
            print(msg, flush=True)

    t_start = time.monotonic()
    share_by_source = dict(SOURCE_SHARE if source_share is None else source_share)
    out = Path(out_dir) if out_dir is not None else DEFAULT_MODEL_DIR
    config = FeatureConfig(
        hash_bits=HASH_BITS,
        token_ngrams=TOKEN_NGRAMS,
        char_ngrams=CHAR_NGRAMS,
        tail_tokens=TAIL_TOKENS,
        l2_normalize=True,
        nospace_char_ngrams=NOSPACE_CHAR_NGRAMS,
        split_groups=views,
    )
    say(f"reading {data_dir}")
    train_ds, test_ds = holdout_split(Path(data_dir), holdout)
    if nsmc_limit and nsmc_limit < len(train_ds.texts):
        order = np.argsort([_hash_fraction(i) for i in train_ds.ids])[:nsmc_limit]
        order.sort()
        train_ds = Dataset(
            [train_ds.ids[k] for k in order],
            [train_ds.texts[k] for k in order],
            train_ds.labels[order],
        )
    others = other_splits(Path(data_dir))
    mid_rows = MID_RATING_ROWS if mid_ratings is None else mid_ratings
    held_out_texts = {t for _, b in others.values() for t in b.texts}
    _, mid_texts, mid_ratings_of = (
        load_mid_reviews(
            Path(data_dir),
            holdout + CALIB_FRACTION,
            set(train_ds.texts) | set(test_ds.texts) | held_out_texts,
            mid_rows,
        )
        if mid_rows
        else ([], [], [])
    )
    sizes = ", ".join(f"{k} {len(a.texts):,}/{len(b.texts):,}" for k, (a, b) in others.items())
    say(
        f"  nsmc {len(train_ds.texts):,}/{len(test_ds.texts):,}, {sizes} (train/held-out), "
        f"reviews rated 5-8 {len(mid_texts):,}"
    )
    say("tokenising with Kiwi")
    all_texts = test_ds.texts + train_ds.texts + mid_texts
    for a, b in others.values():
        all_texts += a.texts + b.texts
    tok_of = dict(
        zip(
            all_texts,
            tokenize_texts(all_texts, cache_dir=cache_dir, progress=progress),
            strict=True,
        )
    )
    del all_texts

    def toks(ds: Dataset) -> list[list[str]]:
        return [tok_of[t] for t in ds.texts]

    # rows of the polarity head (text, label, weight, calibration slice) and the opinion head
    pol_texts: list[str] = []
    pol_y: list[int] = []
    pol_w: list[float] = []
    pol_calib: list[bool] = []
    pol_kval: list[int] = []  # 2: a validation comment (first copy), 1: its repeats
    op_texts: list[str] = []
    op_y: list[int] = []
    op_w: list[float] = []
    nsmc_frac = np.asarray([_hash_fraction(i) for i in train_ds.ids])
    calib_nsmc = (nsmc_frac >= holdout) & (nsmc_frac < holdout + CALIB_FRACTION)
    op_cut = np.sort(nsmc_frac)[min(NSMC_OPINION_ROWS, len(nsmc_frac)) - 1]
    for k, t in enumerate(train_ds.texts):
        if not tok_of[t]:
            continue  # texts with no morphemes are always neutral at scoring time
        pol_texts.append(t)
        pol_y.append(int(train_ds.labels[k]))
        pol_w.append(1.0)
        pol_calib.append(bool(calib_nsmc[k]))
        pol_kval.append(0)
        if nsmc_frac[k] <= op_cut:
            op_texts.append(t)
            op_y.append(1)
            op_w.append(1.0)
    n_nsmc = len(pol_texts)
    # the reviews rated 5-8: weak polarity rows, never in the calibration slice (their ids are
    # above it) nor in the opinion head
    for t, rating in zip(mid_texts, mid_ratings_of, strict=True):
        if not tok_of[t]:
            continue
        label, weight = mid_rows[rating]
        pol_texts.append(t)
        pol_y.append(label)
        pol_w.append(weight)
        pol_calib.append(False)
        pol_kval.append(0)
    n_mid = len(pol_texts) - n_nsmc
    for source, (ds, _) in others.items():
        # the source's share of the weight, split evenly between its two classes (a source
        # that is mostly negative must not teach "this style of text is negative")
        n_class = {c: int((ds.labels == c).sum()) for c in (NEGATIVE, POSITIVE)}
        share = share_by_source.get(source, 0.0) * n_nsmc
        for key, t, lab in zip(ds.ids, ds.texts, ds.labels.tolist(), strict=True):
            if not tok_of[t]:
                continue
            if lab in (NEGATIVE, POSITIVE) and share > 0:
                row_w = share / (2 * n_class[lab]) if n_class[1 - lab] else share / n_class[lab]
                # a heavy row is repeated instead (SGD takes one step per row: a weight of 100
                # would be one huge step)
                reps = max(1, int(np.ceil(row_w / MAX_ROW_WEIGHT)))
                # a quarter of the training comments: left out of the calibration fit, to check
                # the view mix on comments too
                is_val = source == "kote" and _other_fraction("kote-val", f"{key}") < KOTE_VAL
                for r in range(reps):
                    pol_texts.append(t)
                    pol_y.append(lab)
                    pol_w.append(row_w / reps)
                    pol_calib.append(False)
                    pol_kval.append(2 if is_val and r == 0 else 1 if is_val else 0)
            op_texts.append(t)
            op_y.append(0 if lab in NO_OPINION_LABELS else 1)
            op_w.append(STATEMENT_WEIGHT if lab == STATEMENT else 1.0)

    say("featurising")
    x = _design_matrix([tok_of[t] for t in pol_texts], pol_texts, config)
    y = np.asarray(pol_y, dtype=np.int64)
    w = np.asarray(pol_w)
    calib = np.asarray(pol_calib)
    kval = np.asarray(pol_kval)

    xv = view_matrices(x, config.hash_bits) if views else None

    # 1) threshold calibration: fit without a calibration slice of the training reviews, pick
    #    the logit offset with the best balanced accuracy on that slice (the test is balanced);
    #    with the view heads, their factors too (from the spread of each head's logits there)
    say(f"calibrating the threshold on {int(calib.sum()):,} training reviews")
    if not views:
        kval[:] = 0  # the comments are only checked for the view mix
    fit_rows = np.flatnonzero(~calib & (kval == 0))
    ev_rows = np.flatnonzero(calib | (kval == 2))
    ev_cal = calib[ev_rows]
    coef, bias = _fit_polarity(x[fit_rows], y[fit_rows], w[fit_rows], seed, polarity_seeds)
    z_ev = x[ev_rows] @ coef + bias
    factors: list[float] = []
    validation: dict[str, list[float]] = {}
    if xv is not None:
        fits = _fit_views((xv[0][fit_rows], xv[1][fit_rows]), y[fit_rows], w[fit_rows], seed)
        z_views = [m[ev_rows] @ c + b for m, (c, b) in zip(xv, fits, strict=True)]
        mix, validation = choose_view_mix(z_ev, z_views, y[ev_rows], ev_cal)
        factors = _view_factors(z_ev[ev_cal], [z[ev_cal] for z in z_views], mix)
        z_ev = z_ev + sum(f * z for f, z in zip(factors, z_views, strict=True))
        say(f"view mix {mix} (validation: reviews balanced accuracy / comments accuracy per mix:")
        say("  " + "; ".join(f"{k} {a:.4f} / {b:.4f}" for k, (a, b) in validation.items()) + ")")
        if not any(mix):
            xv = None
    offset = _best_offset(z_ev[ev_cal], y[ev_rows][ev_cal])
    # 2) the polarity head: every training row
    say(f"fitting the polarity head on {x.shape[0]:,} rows ({x.nnz:,} nnz)")
    coef, bias = _fit_polarity(x, y, w, seed, polarity_seeds)
    pol_weights = coef.astype(np.float32)
    n_active = int(np.count_nonzero(pol_weights))
    pol_weights = _prune(pol_weights, keep_weights)
    pol_bias = bias - offset
    del x
    view_weights: np.ndarray | None = None
    if xv is not None:
        say("fitting the morpheme and character view heads")
        view_weights = np.zeros(1 << config.hash_bits, dtype=np.float32)
        for f, (cv, bv) in zip(factors, _fit_views(xv, y, w, seed), strict=True):
            view_weights += (f * cv).astype(np.float32)
            pol_bias += f * bv
        view_weights = _prune(view_weights, KEEP_VIEW_WEIGHTS)
        del xv
    # 3) the opinion head
    xo = _design_matrix([tok_of[t] for t in op_texts], op_texts, config)
    yo = np.asarray(op_y, dtype=np.int64)
    say(f"fitting the opinion head on {xo.shape[0]:,} rows ({int((yo == 0).sum()):,} no opinion)")
    clf_o = _fit(xo, yo, _balanced_weights(yo, np.asarray(op_w)), OPINION_ALPHA, seed)
    op_weights = _prune(clf_o.coef_.ravel().astype(np.float32), KEEP_OPINION_WEIGHTS)
    del xo

    model = KoSentiment(
        pol_weights,
        pol_bias,
        config,
        neutral_band=neutral_band,
        opinion=(op_weights, float(clf_o.intercept_[0])),
        view_weights=view_weights,
    )
    if model.view_weights is not None:
        model.view_weights = model.view_weights.astype(np.float16).astype(np.float32)
    # evaluate exactly what ships: float16 weights through KoSentiment.score
    model.weights = model.weights.astype(np.float16).astype(np.float32)
    assert model.opinion_weights is not None
    model.opinion_weights = model.opinion_weights.astype(np.float16).astype(np.float32)
    # the opinion factor and the neutral band: the best macro-F1 (negative / neutral / positive)
    # on held-out comments with a clear polarity plus half as many held-out no-opinion
    # utterances (about a third of each class)
    kote_te, i4k_te = others["kote"][1], others["3i4k"][1]
    mix_pol = np.flatnonzero(np.isin(kote_te.labels, (NEGATIVE, POSITIVE)))
    mix_no = np.flatnonzero(np.isin(i4k_te.labels, NO_OPINION_LABELS))[: len(mix_pol) // 2]
    mix_texts = [kote_te.texts[i] for i in mix_pol] + [i4k_te.texts[i] for i in mix_no]
    mix_gold = [int(kote_te.labels[i]) for i in mix_pol] + [NO_OPINION] * len(mix_no)
    best = choose_gate(model, [tok_of[t] for t in mix_texts], mix_texts, mix_gold)
    model.opinion_floor, model.opinion_full, model.neutral_band = best[1], best[2], best[3]
    say(
        f"opinion gate {best[1]}-{best[2]}, neutral band {best[3]} "
        f"(macro-F1 {best[0]:.4f} on the mix)"
    )
    figures = evaluate(
        model,
        (test_ds, toks(test_ds)),
        {source: (b, toks(b)) for source, (_, b) in others.items()},
    )
    metrics: dict[str, Any] = {
        "accuracy": figures["nsmc_accuracy"],
        "opinion_floor": model.opinion_floor,
        "opinion_full": model.opinion_full,
        "neutral_band": model.neutral_band,
        "mix_macro_f1": round(best[0], 4),
        "neutral_share": figures["nsmc_neutral_share"],
        "heldout": figures,
        "n_train": len(pol_texts),
        "n_train_mid_ratings": n_mid,
        "mid_ratings": {str(r): [lab, w] for r, (lab, w) in sorted(mid_rows.items())},
        "n_train_opinion": len(op_texts),
        "n_test": len(test_ds.texts),
        "n_test_other": {source: len(b.texts) for source, (_, b) in others.items()},
        "test_positive_share": round(float(test_ds.labels.mean()), 4),
        "holdout": holdout,
        "seed": seed,
        "polarity_seeds": polarity_seeds,
        "source_share": share_by_source,
        "threshold_offset": round(offset, 3),
        "weights_kept": int(np.count_nonzero(model.weights)),
        "opinion_weights_kept": int(np.count_nonzero(model.opinion_weights)),
        "weights_active": n_active,
        "view_factors": [round(f, 4) for f in factors],
        "view_validation": validation,
        "view_weights_kept": (
            int(np.count_nonzero(model.view_weights)) if model.view_weights is not None else 0
        ),
        "kiwi": kiwi_version(),
        "seconds": round(time.monotonic() - t_start, 1),
    }
    service = service_figures(model)
    if service is not None:
        metrics["service"] = service
    famous_labels, famous_scores = model.score(
        tokenize_texts([normalize(FAMOUS_COMPLAINT).text], processes=1),
        [normalize(FAMOUS_COMPLAINT).text],
    )
    metrics["famous_complaint"] = {
        "label": famous_labels[0],
        "score": round(float(famous_scores[0]), 2),
    }
    say("held-out: " + ", ".join(f"{k} {v:.4f}" for k, v in figures.items()))
    extra = {
        "trained": MODEL_DATE,
        "metrics": metrics,
        "training": {
            "data": "nsmc/reviews.tsv.gz (rating 1-4 neg, 9-10 pos, <=140 chars; 5-8 as weak "
            f"rows {dict(sorted(mid_rows.items()))} (rating: label, weight)); kote/val.tsv "
            "(emotions → polarity); korean_hate_speech (hate/offensive → neg); korean_sarcasm "
            "(sarcastic → neg); 3i4k (questions, statements, commands → no opinion)",
            "split": f"sha1('{HOLDOUT_SALT}' + review_id) < {holdout}; test deduped + balanced; "
            f"others sha1('{OTHER_SALT}<source>:' + key) < {OTHER_HOLDOUT}",
            "model": f"two L2 logistic regressions by averaged SGD ({EPOCHS} epochs, balanced "
            f"classes) on L2-normalised binary features: polarity (NB-scaled columns, power "
            f"{NB_POWER}; alpha {ALPHA}, mean of {polarity_seeds} seeds, top {keep_weights}), "
            f"opinion (alpha {OPINION_ALPHA}, top {KEEP_OPINION_WEIGHTS})"
            + (
                f"; plus a morpheme-only and a character-only polarity head (factors "
                f"{[round(f, 4) for f in factors]}, top {KEEP_VIEW_WEIGHTS} together)"
                if factors
                else ""
            ),
        },
    }
    if out_dir is not None or not nsmc_limit:
        model.save(out, extra)
        (out / "MODEL_CARD.md").write_text(_model_card(model, metrics), encoding="utf-8")
        say(f"wrote {out}")
    return metrics


SERVICE_FILE = (
    Path(__file__).resolve().parents[3] / "tests" / "nlp" / "data" / "ko_service_sentences.tsv"
)
FAMOUS_COMPLAINT = "배송이 너무 늦어요 ㅠㅠ 일주일째 기다리는 중"
# the previous model's figures, for the model card
PREVIOUS = {
    "version": "ko-linear-3",
    "nsmc_accuracy": 0.8886,
    "kote_accuracy": 0.8476,
    "sarcasm_negative": 0.5057,
    "hate_negative": 0.8634,
    "3i4k_neutral": 0.8825,
    "service": "accuracy 0.7067, macro-F1 0.7091, by sign 0.8450",
}


def service_figures(model: KoSentiment, path: Path = SERVICE_FILE) -> dict[str, Any] | None:
    """Figures on the hand-labelled service set (a source checkout only; never trained on and
    not used to choose anything): 3-class accuracy and macro-F1, binary accuracy by sign."""
    if not path.is_file():
        return None
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    texts = [normalize(r["text"]).text for r in rows]
    code = {"negative": NEGATIVE, "neutral": NO_OPINION, "positive": POSITIVE}
    gold = [r["label"] for r in rows]
    labels, scores = model.score(tokenize_texts(texts, processes=1), texts)
    polar = [i for i, g in enumerate(gold) if g != "neutral"]
    pos = "positive"
    return {
        "n": len(gold),
        "n_polar": len(polar),
        "accuracy": round(float(np.mean([p == g for p, g in zip(labels, gold, strict=True)])), 4),
        "macro_f1": round(_macro_f1([code[g] for g in gold], [code[p] for p in labels]), 4),
        "sign": round(float(np.mean([(scores[i] > 0) == (gold[i] == pos) for i in polar])), 4),
        "was": f"{PREVIOUS['version']}: {PREVIOUS['service']}",
    }


def _mid_text(m: dict[str, Any]) -> str:
    mid = m.get("mid_ratings") or {}
    if not mid:
        return "not used"
    names = {NEGATIVE: "negative", POSITIVE: "positive"}
    return ", ".join(f"{r} {names[int(v[0])]} at weight {v[1]:g}" for r, v in sorted(mid.items()))


def _service_line(m: dict[str, Any]) -> str:
    s = m.get("service")
    if not s:
        return ""
    return (
        f"Hand-labelled service set ({s['n']} sentences, measured with the benchmark below): "
        f"accuracy **{s['accuracy']:.4f}**, macro-F1 **{s['macro_f1']:.4f}** over negative / "
        f"neutral / positive, binary accuracy by sign {s['sign']:.4f} on the {s['n_polar']} "
        f"non-neutral ones ({s['was']}).\n\n"
    )


def _mix_text(m: dict[str, Any]) -> str:
    """The mix ``choose_view_mix`` took, read back from its validation table (the same rule)."""
    table: dict[str, list[float]] = m.get("view_validation") or {}
    if not table:
        return "0/0"
    floor = table["0/0"][1] - VIEW_COMMENT_SLACK
    ok = [(k, v[0]) for k, v in table.items() if v[1] >= floor]
    top = max(v for _, v in ok)
    return next(k for k, v in ok if v >= top - 1e-12)


def _validation_text(m: dict[str, Any]) -> str:
    table = m.get("view_validation") or {}
    rows = "\n".join(f"| {k} | {a:.4f} | {b:.4f} |" for k, (a, b) in table.items())
    return rows


def _views_bullet(m: dict[str, Any]) -> str:
    if not m.get("view_validation"):
        return ""
    return f"""- view heads (`split_groups`: morpheme features hash into the lower half of the
  dimensions, character features into the upper half, so an index tells its group): the same
  fit on the morpheme features alone and on the character features alone, each row L2-normalised within
  its group; their logits are added to the polarity head's with the factors
  {m.get("view_factors")} (the mix {_mix_text(m)} of the full head's spread over each view's, picked
  by `choose_view_mix` on the validation slice below); {m.get("view_weights_kept", 0):,} largest
  weights of the two kept (one array: their supports do not overlap);
"""  # noqa: E501 (card text)


def _views_intro(model: KoSentiment) -> str:
    if model.view_weights is None:
        return (
            "(same features and heads): the reviews rated 5-8, which the NSMC recipe drops,\n"
            "are added to the polarity head as weakly labelled rows (5 and 6 negative, 7 and 8\n"
            "positive, the middle ratings weighing less), chosen on a validation slice of the\n"
            "training data (reviews and comments); and the KOTE comments the triage models hold\n"
            "out are no longer trained on"
        )
    return (
        "(same data, labels and features): the polarity is now an ensemble of three views of\n"
        "the same features, the"
        "logit of a head on all of them plus those of a head on the morphemes alone and a head on\n"
        "the characters alone (each L2-normalised within its group), in a mix chosen on a\n"
        "validation slice of the training data (reviews and comments)"
    )


def _views_section(model: KoSentiment, m: dict[str, Any]) -> str:
    if not m.get("view_validation"):
        return ""
    head = f"{PREVIOUS['version']} → {model.VERSION} ({MODEL_DATE})"
    return f"""
{head}: a different model, an ensemble of views. Inside `train`, the calibration fit leaves out the calibration slice (training reviews with id hash in
[0.1, 0.15)) and a quarter of the KOTE training comments (`KOTE_VAL`); the full head and the
two view heads fitted on the rest score those rows, and `choose_view_mix` picks the mix (factor
on each view's logits / the full head's spread over that view's) with the best balanced
accuracy on those reviews, each mix with its own best threshold, among the mixes that keep the
comments within {VIEW_COMMENT_SLACK} of the full head alone (the held-out splits played no part):

| mix (morphemes / characters) | validation reviews, balanced acc. | validation comments, acc. |
| --- | --- | --- |
{_validation_text(m)}
"""  # noqa: E501 (a Markdown table)


def write_model_card(model_dir: Path = DEFAULT_MODEL_DIR) -> Path:
    """(Re)write ``MODEL_CARD.md`` of a trained model folder from its ``model.json`` metrics."""
    model = KoSentiment.load(model_dir)
    path = Path(model_dir) / "MODEL_CARD.md"
    path.write_text(_model_card(model, model.meta["metrics"]), encoding="utf-8")
    return path


def _model_card(model: KoSentiment, m: dict[str, Any]) -> str:
    cfg = model.config
    h = m["heldout"]
    n_other = m["n_test_other"]
    return f"""# Korean sentiment model `{model.VERSION}`

Date: {MODEL_DATE}. Negative / neutral / positive for Korean reviews, online comments and
customer messages. {"Two linear heads" if model.view_weights is None else "Linear heads"} on shared hashed sparse features, scored in numpy: polarity
(negative vs positive) and opinion (does the text carry an opinion at all). Replaces
`{PREVIOUS["version"]}` {_views_intro(model)}, which moved
the held-out NSMC figure from {PREVIOUS["nsmc_accuracy"]:.4f} to {h["nsmc_accuracy"]:.4f} by sign.

## Reproduce

```
socialops train sentiment --lang ko [--cache-dir /tmp/...]
```

(equivalent: `python -c "from pathlib import Path; from socialops.train.sentiment_ko import train;
train(Path('../shared/data'))"`; data folder from `SOCIALOPS_DATA_DIR`). The shipped files came
from `train` ({MODEL_DATE}): {m["seconds"]:.0f} s inside `train` on 2 cores shared with other
work, with the Kiwi tokens of the 556,000 texts read from a `cache_dir` (tokenising them takes
about 10 minutes more in two processes); the calibration fit and the polarity head on {m["n_train"]:,} rows
(KOTE rows repeated so that no row weighs more than {MAX_ROW_WEIGHT:g}) and the opinion head on
{m["n_train_opinion"]:,}. SGD runs with a fixed seed (same library versions, same weights);
`--cache-dir` (`train(..., cache_dir=...)`) caches the Kiwi tokens between runs. Kiwi {m["kiwi"]}, model type `cong`; seed {m["seed"]}.

## Data and labels

| source (under `../shared/data`) | polarity head | opinion head |
| --- | --- | --- |
| `nsmc/reviews.tsv.gz`, Naver movie reviews (CC0) | rating 1-4 negative, 9-10 positive, <= 140 characters (the NSMC recipe); the reviews rated 5-8 that the recipe drops as weak rows ({m.get("n_train_mid_ratings", 0):,}; {_mid_text(m)}) | {NSMC_OPINION_ROWS:,} reviews (by id hash) as opinion |
| `kote/val.tsv`, online comments, 44 emotions (MIT) | emotion ids → polarity (below); {m["source_share"]["kote"]:.0%} of the NSMC weight, split evenly over its two classes | every comment; only-"없음" comments as no opinion |
| `korean_hate_speech/train.tsv` (CC BY-SA 4.0) | not used (one-sided: it only taught "comment style = negative"); held out for evaluation | every comment as opinion |
| `korean_sarcasm/train.csv` (MIT) | not used (as above); held out for evaluation | sarcastic tweets as opinion |
| `3i4k/train_val.tsv` (CC BY-SA 4.0) | not used | fragments, questions, commands: no opinion; statements: no opinion at weight {STATEMENT_WEIGHT} (many carry one); rhetorical questions and commands: opinion. Half of the questions get a final "?" and half of the statements a "." (3i4k has no final punctuation; real posts do) |

**KOTE mapping** (`kote_polarity`): the val labels are the union of five raters' emotions.
Negative emotions: 불평/불만, 지긋지긋, 슬픔, 화남/분노, 우쭐댐/무시함, 안타까움/실망, 의심/불신, 공포/무서움,
절망, 한심함, 역겨움/징그러움, 짜증, 어이없음, 패배/자기혐오, 귀찮음, 힘듦/지침, 죄책감, 증오/혐오, 당황/난처,
부담/안_내킴, 서러움, 재미없음, 불안/걱정. Positive: 환영/호의, 감동/감탄, 고마움, 존경, 기대감, 뿌듯함, 편안/쾌적,
아껴주는, 즐거움/신남, 흐뭇함(귀여움/예쁨), 행복, 기쁨, 안심/신뢰. Neither way: 비장함, 신기함/관심, 부끄러움,
없음, 깨달음, 경악, 불쌍함/연민, 놀람. A comment is negative when its negative emotions outnumber its
positive ones by at least {KOTE_MARGIN}, positive the other way round, mixed otherwise (mixed ones train
only the opinion head); "없음" alone means no opinion. Rationale: with five raters a single
stray emotion is common; a margin of two keeps the comments whose raters agree on a direction.

## Split (never trained on, fixed, independent of the seed)

- NSMC: a review is held out when `sha1("{HOLDOUT_SALT}" + review_id)`, first 8 bytes as a
  fraction, is < {m["holdout"]}; held-out texts de-duplicated, then balanced (all negatives,
  as many positives in hash order); training drops any review whose text is held out and
  de-duplicates the rest (majority label). {m["n_test"]:,} held-out reviews.
- The other sources: `sha1("{OTHER_SALT}<source>:" + row key)` < {OTHER_HOLDOUT}; held-out
  texts de-duplicated, and a training row whose text is held out anywhere is dropped. Held out:
  {", ".join(f"{k} {v:,}" for k, v in n_other.items())}.
- The hand-labelled service set (`tests/nlp/data/ko_service_sentences.tsv`, 300 sentences
  written for this project: delivery, refunds, app errors, call-centre waits, bank and telecom
  service, prices, quality, praise, questions and news-like statements) is never trained on and
  was not used to choose anything.

## Model

- features (`socialops.nlp.sentiment_ko.featurize`): binary, hashed into 2^{cfg.hash_bits}
  dims: Kiwi morpheme (`form/TAG`) 1..{cfg.token_ngrams}-grams, the last {cfg.tail_tokens}
  morphemes (and their bigrams) again as "tail" features, character
  {cfg.char_ngrams[0]}..{cfg.char_ngrams[1]}-grams of the normalised text and character
  {cfg.nospace_char_ngrams[0]}..{cfg.nospace_char_ngrams[1]}-grams of it with its spaces removed
  (Korean spacing is loose); rows L2-normalised;
- polarity head: L2 logistic regression by averaged SGD (scikit-learn `SGDClassifier`, log
  loss, alpha={ALPHA}, {EPOCHS} epochs, classes balanced) on NB-SVM scaled columns (each
  feature times |log-count ratio of positive vs negative rows|^{NB_POWER}, add-{NB_SMOOTH:g}
  smoothing, computed from the rows being fitted; the scale is folded into the stored weights,
  so scoring is the plain linear form), decision threshold calibrated on a
  slice of the training reviews first ({m["threshold_offset"]:+.3f}, folded into the bias);
  {m["weights_kept"]:,} largest weights kept;
{_views_bullet(m)}- opinion head: the same with alpha={OPINION_ALPHA}, classes balanced;
  {m["opinion_weights_kept"]:,} largest weights kept;
- score = (2 p(positive) - 1) x gate, the gate rising linearly from {GATE_MIN} at p(opinion) =
  {model.opinion_floor} to 1 at p(opinion) = {model.opinion_full}; neutral when
  |score| < {model.neutral_band} or the text has no tokens. These three numbers were picked from a
  small grid (`choose_gate`) by the best 3-class macro-F1 ({m["mix_macro_f1"]:.4f}) on held-out KOTE comments
  with a clear polarity plus half as many held-out 3i4k no-opinion utterances, so the KOTE and
  3i4k neutral figures below are slightly optimistic; the sign (binary accuracy) does not
  depend on them;
- float16 weights in safetensors + `model.json`; no pickle; {m["weights_kept"] + m["opinion_weights_kept"] + m.get("view_weights_kept", 0):,}
  weights in all.

## Metrics (held-out, float16 weights as shipped)

| domain | figure |
| --- | --- |
| reviews (NSMC) | binary accuracy by sign **{h["nsmc_accuracy"]:.4f}** ({PREVIOUS["version"]}: {PREVIOUS["nsmc_accuracy"]:.4f}); neutral {h["nsmc_neutral_share"]:.1%} |
| online comments (KOTE, clear polarity) | binary accuracy by sign **{h["kote_accuracy"]:.4f}** ({PREVIOUS["version"]}: {PREVIOUS["kote_accuracy"]:.4f}) |
| sarcastic tweets (not trained on for polarity) | scored negative **{h["sarcasm_negative"]:.4f}** ({PREVIOUS["version"]}: {PREVIOUS["sarcasm_negative"]:.4f}) |
| hateful / offensive comments (not trained on for polarity) | scored negative **{h["hate_negative"]:.4f}** ({PREVIOUS["version"]}: {PREVIOUS["hate_negative"]:.4f}) |
| no opinion (3i4k questions, statements, commands, fragments) | labelled neutral **{h["3i4k_neutral"]:.4f}** ({PREVIOUS["version"]}: {PREVIOUS["3i4k_neutral"]:.4f}) |

{_service_line(m)}The service set's figures are printed by the benchmark (and floored by
`tests/nlp/test_sentiment_ko.py`):

```
.venv/bin/python bench/sentiment_ko.py [--model-dir DIR] [--cache-dir /tmp/...]
```

Anchors on the NSMC test set: TF-IDF + logistic regression about 0.87, KoELECTRA-small 0.888;
the held-out split here is stricter (no held-out text occurs in training). Choices for this
version (validation slice of the training data: NSMC training reviews with id hash in
[0.15, 0.25), a quarter of the KOTE training comments; fitted on the rest): NB scaling with power
0.5 (+0.4 points on the reviews; power 1 and smaller L2 penalties trade comments for reviews),
the space-free character view and 2^23 dimensions (+0.3), 1.5 M kept weights instead of 500,000
(pruning to 500,000 cost 0.1-0.3); word (space-separated) bigrams added nothing.

Tried on 2026-12-05 to reach 0.89 on the reviews, not shipped. On the same validation slice
(fitted on 350,155 rows without it and without the calibration slice; balanced accuracy on its
42,810 reviews / accuracy on its 880 KOTE comments; threshold calibrated as in `train`): the
shipped recipe 0.8851 / 0.8239; keeping 2,000,000 polarity weights instead of 1,500,000 0.8860 /
0.8216 (-0.0003 to +0.0007 on eight other fits, +0.0003 on average; 2,300,000 added nothing
more). At 2 M kept weights: a second seed averaged in (`train(..., polarity_seeds=2)`) 0.8857 /
0.8205; NB power 0.6 0.8855 / 0.8216, 0.75 0.8858 / 0.8170, and averages of these heads
0.8854-0.8857; alpha 3e-7 0.8869 / 0.8125 (comments -1.1 points), the same with the KOTE share
at 45% 0.8851 / 0.8034; alpha 7e-7 0.8850 / 0.8216; 25 epochs 0.8859 / 0.8227; a threshold from
a balanced log-loss or a smoothed balanced-accuracy curve instead of the best balanced accuracy:
no consistent gain. Every lever moved the validation reviews by less than 0.002. The one taken
(2 M kept weights, `train(..., keep_weights=2_000_000)`, 8.4 MiB) measured once on the held-out
splits: reviews 0.8889 (+0.0003, still short of 0.89), comments 0.8464, hate 0.8578, sarcasm
0.4966, 3i4k neutral 0.8706 (the gate re-chosen at 0.2-0.5), service 0.720 / 0.723 macro-F1 /
0.845 by sign; not worth its larger file and its neutral losses, so the 1.5 M weights stay.

Tried on 2026-12-06, a different model family on the same features, not shipped: an ensemble of
views (`train(..., views=True)`; `split_groups` hashing puts morpheme features in the lower half
of the dimensions and character features in the upper half): besides the head on all features,
a polarity head on the morpheme features alone and one on the character features alone, each
row L2-normalised within its group, their logits added with a mix (factor on each view = mix x
the full head's spread / the view's). Validation inside `train`: the calibration fit leaves out
the calibration slice (21,685 training reviews, id hash in [0.1, 0.15)) and a quarter of the
KOTE training comments; balanced accuracy on those reviews / accuracy on those comments, per mix
(morphemes/characters), each with its own best threshold: 0/0 (the full head alone) 0.8878 /
0.8250; 0.25/0.25 0.8881 / 0.8239; 0.5/0.5 0.8884 / 0.7955; 0.75/0.75 0.8883 / 0.7989; 1/1
0.8879 / 0.7966; 0.5/0 0.8881 / 0.7943; 0/0.5 0.8874 / 0.8205; 0.25/0.5 0.8878 / 0.8239;
0.5/0.25 0.8883 / 0.8000. The views add at most +0.0006 on the reviews, and every mix with a
morpheme view of 0.5 or more costs the comments 2.5-3.1 points: no gain worth a third more
weights (10.8 MB) and a second set of sums per text (`score()` 36.9 -> 42.9 us a text, CPU, one
process), so ko-linear-3 stays. `train(..., views=True)` (the 0.25/0.25 mix), measured once on
the held-out splits after that decision: reviews 0.8888 (still short of 0.89), comments 0.8532,
hate 0.8623, sarcasm 0.5305, 3i4k neutral 0.8788, service 0.713 / 0.717 macro-F1 / 0.860 by
sign; 1,806 s inside `train` on the loaded machine. Not tried for lack of time on this shared
machine: a small embedding-bag (fastText-style) model.

ko-linear-5 (2026-12-06, eleventh session): the NSMC reviews rated 5-8 (dropped by the NSMC
recipe) as weakly labelled polarity rows. Weights chosen on the validation slice (module
docstring of `socialops.train.sentiment_ko`): every weighting tried beat none by 0.6-1.2 points
of balanced accuracy on the validation reviews, the most of all with ratings 5/6/7/8 at
1/0.4/0.4/1 (0.8708 → 0.8831). Measured once on the held-out splits after that choice: reviews
0.8910 (+0.0024 over ko-linear-3, the 0.89 goal met by 0.001, which is within the noise of
18,994 reviews, about ±0.0023), comments 0.8441 (-0.0035, 4 of 1,014), hate 0.8511 (-0.012),
sarcasm 0.5373 (+0.032), 3i4k neutral 0.857 (-0.026: the gate re-chosen on the mix is 0.2-0.3
with a neutral band of 0.1, a narrower gate than ko-linear-3's), service set accuracy 0.720 and
macro-F1 0.722 (+0.013 each), by sign 0.835 (-0.010). In the same version the KOTE comments the
triage models hold out (their split of `kote/val.tsv`) are dropped from training: the complaint
model stacks this model's logits and is measured on them (ko-linear-3 had been trained on about
four in five of them, so the complaint figure it gave was optimistic).

Tried on 2026-12-06 (seventh session), not shipped: 2^24 hash dimensions and 3,000,000 kept
polarity weights (fewer collisions, more of the long tail kept), everything else as shipped,
measured once on the held-out splits: reviews 0.8891 (+0.0005, still short of 0.89), comments
0.8430 (-0.5 points), hate 0.8466, sarcasm 0.4502, 3i4k neutral 0.8619 (the gate re-chosen at
0.2-0.4): the reviews gain is within the levers' noise and every other domain loses, so
ko-linear-3 stays. The linear family on these features plateaus at about 0.889 on the reviews.
{_views_section(model, m)}
## Limits

- Sarcasm is mostly missed (about half of sarcastic tweets score positive): the words say the
  opposite of the meaning, and a linear bag of n-grams cannot see that.
- Complaints phrased as plain reports ("고객센터 전화 연결하는 데 40분 걸렸어요") can look like
  statements to the opinion head and come out neutral.
- The opinion head learned "no opinion" mostly from 3i4k's conversational utterances; long
  news-style text is rarer there.
- Movie-review words still carry weight that brand posts do not have: "배송이 너무 늦어요 ㅠㅠ
  일주일째 기다리는 중" scores {m["famous_complaint"]["score"]:+.2f} ({m["famous_complaint"]["label"]}; ko-linear-1
  +0.92 positive, ko-linear-2 -0.07 neutral): "기다리는 중" and "ㅠㅠ" are praise in movie reviews.
- Against {PREVIOUS["version"]}: comments (KOTE) by sign {h["kote_accuracy"]:.4f} vs
  {PREVIOUS["kote_accuracy"]:.4f}, sarcasm scored negative {h["sarcasm_negative"]:.4f} vs
  {PREVIOUS["sarcasm_negative"]:.4f}, hate {h["hate_negative"]:.4f} vs {PREVIOUS["hate_negative"]:.4f}.
  `score()` alone is about 30% slower (measured 2026-12-04 on the held-out reviews: 30,600 vs
  42,700 texts/s, one process, tokens given): a text has about 280 active features instead of
  about 200 and the tables are twice as large; Kiwi's tokenising (about 1,000 texts/s a
  process) still dominates the enrichment's time per post.
"""  # noqa: E501 (a Markdown table and Korean lists)
