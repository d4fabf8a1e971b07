"""English tweet sentiment: VADER features + hashed n-grams, one linear (softmax) model.

``features`` is the single path from raw text to the feature rows, used by training
(:mod:`socialops.train.sentiment_en`, through :func:`featurize`) and by scoring. Text goes through
:func:`socialops.nlp.normalize.normalize`, then URLs become ``http`` and @mentions ``@user``
(so the model learns sentiment, not which account or brand a tweet talks to).

Features, all hashed into one fixed-width sparse row (no vocabulary to ship):

- VADER (``polarity_scores``): compound, pos, neg, neu, |compound|, compound bins, and
  counts/extremes of lexicon hits (positive and negative valences);
- word unigrams and bigrams (lower-cased, hashtags split into ``#`` + word, negation scope
  marked with a ``_NEG`` suffix up to the next punctuation);
- character 2-5-grams within word boundaries.

The model: per class ``logit = X @ W.T + b + offset``; ``offset`` is tuned on held-out folds so
that classes are balanced for macro-recall. Label = argmax; score = P(positive) - P(negative),
in [-1, 1]. Weights are stored as safetensors + JSON (never pickle).

The hashing is scikit-learn's (``FeatureHasher`` for the words, ``HashingVectorizer`` with
``analyzer="char_wb"`` and L2 norm for the characters: signed MurmurHash3 of the UTF-8 feature,
index ``|h| mod n``, sign of ``h``), done here with :mod:`mmh3` so that scoring imports neither
scikit-learn nor SciPy (importing them cost about a second of CPU in every enrichment worker);
``tests/nlp/test_sentiment_en.py`` checks the two give the same rows. Only training builds a
SciPy matrix (:func:`featurize`).
"""

from __future__ import annotations

import bisect
import json
import math
import re
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import mmh3
import numpy as np
from safetensors.numpy import load_file, save_file
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from socialops.nlp.normalize import MENTION_RE, URL_RE, normalize
from socialops.nlp.normalize import VERSION as NORMALIZE_VERSION
from socialops.nlp.sentiment_versions import EN_VERSION

if TYPE_CHECKING:
    import scipy.sparse as sp

__all__ = [
    "LABELS",
    "MODEL_DIR",
    "EnSentiment",
    "FeatureConfig",
    "Features",
    "features",
    "featurize",
    "preprocess",
]

LABELS: tuple[str, str, str] = ("negative", "neutral", "positive")
MODEL_DIR = Path(__file__).parent / "models" / "sentiment_en"
WEIGHTS_FILE = "weights.safetensors"
META_FILE = "model.json"

_TOKEN_RE = re.compile(
    r"[a-z0-9][a-z0-9'’_-]*[a-z0-9]|[a-z0-9]"  # words (keeps don't, well-done)
    r"|[:;=8][-o^']?[)(\]\[dpo/\\|*]+"  # western emoticons :) ;-( :D
    r"|<3"
    r"|[!?]+"
    r"|[\U0001f000-\U0001faff\u2600-\u27bf\u2764\u2b50]"  # emoji, one per token
    r"|@user|#"
)
_NEGATOR_WORDS = (
    "not no never nor none nobody nothing neither nowhere cannot cant can't can’t "
    "dont don't don’t doesnt doesn't didnt didn't isnt isn't wasnt wasn't arent aren't "
    "werent weren't wont won't wouldnt wouldn't shouldnt shouldn't couldnt couldn't "
    "havent haven't hasnt hasn't hadnt hadn't aint ain't without"
)
_NEGATORS = frozenset(_NEGATOR_WORDS.split())
_CLAUSE_END = re.compile(r"^[.,!?;:]+$")
_COMPOUND_BINS_LIST = [-0.75, -0.5, -0.25, -0.05, 0.05, 0.25, 0.5, 0.75]

_vader_lock = threading.Lock()
_vader: SentimentIntensityAnalyzer | None = None


def _analyzer() -> SentimentIntensityAnalyzer:
    global _vader
    with _vader_lock:
        if _vader is None:
            _vader = SentimentIntensityAnalyzer()
        return _vader


@dataclass(frozen=True)
class FeatureConfig:
    """Everything that decides the feature layout; saved in model.json with the weights."""

    word_bits: int = 17
    char_bits: int = 0  # 0 = no character n-gram block (measured: +0.006 macro-recall, 2x cost)
    char_ngrams: tuple[int, int] = (2, 5)
    word_bigrams: bool = True
    negation: bool = True
    dense_scale: float = 1.0

    @property
    def n_dense(self) -> int:
        return 5 + len(_COMPOUND_BINS_LIST) + 1 + 6

    @property
    def n_features(self) -> int:
        return (1 << self.word_bits) + self.n_chars + self.n_dense

    @property
    def n_chars(self) -> int:
        return (1 << self.char_bits) if self.char_bits > 0 else 0

    def to_json(self) -> dict[str, Any]:
        return {
            "word_bits": self.word_bits,
            "char_bits": self.char_bits,
            "char_ngrams": list(self.char_ngrams),
            "word_bigrams": self.word_bigrams,
            "negation": self.negation,
            "dense_scale": self.dense_scale,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> FeatureConfig:
        lo, hi = d.get("char_ngrams", [2, 5])
        return cls(
            word_bits=int(d["word_bits"]),
            char_bits=int(d["char_bits"]),
            char_ngrams=(int(lo), int(hi)),
            word_bigrams=bool(d.get("word_bigrams", True)),
            negation=bool(d.get("negation", True)),
            dense_scale=float(d.get("dense_scale", 2.0)),
        )


# Text that ``normalize`` could change: control/zero-width characters, whitespace other than
# single spaces, leading/trailing space, a character repeated 3+ times (normalize folds 3+ of
# ``!?.~^ㅋㅎ`` and 4+ of anything), 3+ of ``ㅠㅜ`` mixed; plus text not in NFC. Text without
# these is already normal, so the fast path skips the call (same output, property-tested). The
# rules mirror normalize VERSION "1"; any other version turns the fast path off.
_MAY_CHANGE_RE = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\ufeff]|[^\S ]|  |^ | $|(.)\1\1|[ㅠㅜ]{3,}"
)

_FAST_PATH = NORMALIZE_VERSION == "1"


def _normalized(text: str | None) -> str:
    """``normalize(text).text``, skipping the call for text it would leave unchanged."""
    if not text:
        return ""
    if (
        _FAST_PATH
        and _MAY_CHANGE_RE.search(text) is None
        and unicodedata.is_normalized("NFC", text)
    ):
        return text
    return normalize(text).text


def preprocess(text: str | None) -> str:
    """Normalised text with URLs → ``http`` and @mentions → ``@user`` (TweetEval's convention)."""
    s = _normalized(text)
    if not s:
        return ""
    low = s.lower()
    if "http" in low or "www" in low:
        s = URL_RE.sub(" http ", s)
    if "@" in s:
        s = MENTION_RE.sub(" @user ", s)
    return " ".join(s.split())


def _word_features(text: str, cfg: FeatureConfig) -> list[str]:
    toks = _TOKEN_RE.findall(text.lower())
    out: list[str] = []
    negated = False
    prev = "<s>"
    for tok in toks:
        if _CLAUSE_END.match(tok):
            negated = False
            feat = tok
        elif tok in _NEGATORS:
            negated = cfg.negation
            feat = tok
        else:
            feat = tok + "_NEG" if negated else tok
        out.append(feat)
        if cfg.word_bigrams:
            out.append(prev + " " + tok)
        prev = tok
    if cfg.word_bigrams and toks:
        out.append(prev + " </s>")
    return out


def _dense_features(text: str, cfg: FeatureConfig) -> list[float]:
    """VADER scores + lexicon-hit statistics (plain Python: this runs once per tweet)."""
    v = [0.0] * cfg.n_dense
    if not text:
        v[5 + bisect.bisect_left(_COMPOUND_BINS_LIST, 0.0)] = 1.0
    else:
        vader = _analyzer()
        s = vader.polarity_scores(text)
        c = s["compound"]
        v[0] = c
        v[1] = s["pos"]
        v[2] = s["neg"]
        v[3] = s["neu"]
        v[4] = abs(c)
        v[5 + bisect.bisect_left(_COMPOUND_BINS_LIST, c)] = 1.0
        # per-token lexicon hits
        lex = vader.lexicon
        npos = nneg = 0
        pmax = nmax = psum = nsum = 0.0
        for t in text.lower().split():
            val = lex.get(t.strip("'’"))
            if val is None:
                continue
            if val > 0:
                npos += 1
                psum += val
                pmax = max(pmax, val)
            elif val < 0:
                nneg += 1
                nsum -= val
                nmax = max(nmax, -val)
        base = 5 + len(_COMPOUND_BINS_LIST) + 1
        v[base + 0] = math.log1p(npos)
        v[base + 1] = math.log1p(nneg)
        v[base + 2] = pmax / 4.0
        v[base + 3] = nmax / 4.0
        v[base + 4] = psum / 8.0
        v[base + 5] = nsum / 8.0
    if cfg.dense_scale != 1.0:
        v = [x * cfg.dense_scale for x in v]
    return v


_INT32_MIN = -(2**31)
_WHITE_SPACES = re.compile(r"\s\s+")


def _hash_into(feats: Sequence[str], n: int, indices: list[int], values: list[float]) -> None:
    """scikit-learn's ``FeatureHasher`` (strings, alternate signs) for one row: appends the
    index and the sign of each feature (duplicates are summed later)."""
    for f in feats:
        h = mmh3.hash(f, 0, signed=True)
        if h == _INT32_MIN:
            indices.append((2147483647 - (n - 1)) % n)
        else:
            indices.append(abs(h) % n)
        values.append(1.0 if h >= 0 else -1.0)


def _char_wb_ngrams(text: str, lo: int, hi: int) -> list[str]:
    """scikit-learn's ``char_wb`` analyzer (lower-cased text): n-grams of each word padded
    with one space on each side; a word shorter than ``n`` counts once."""
    out: list[str] = []
    for w in _WHITE_SPACES.sub(" ", text).split():
        w = " " + w + " "
        w_len = len(w)
        for n in range(lo, hi + 1):
            offset = 0
            out.append(w[offset : offset + n])
            while offset + n < w_len:
                offset += 1
                out.append(w[offset : offset + n])
            if offset == 0:
                break
    return out


def _block(
    rows: list[int], idx: list[int], val: list[float], n_rows: int, width: int, start: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(row, start + index, value)`` of one hashed block with duplicates summed per row and
    each row L2-normalised (what ``sum_duplicates`` and ``normalize`` do), sorted by row."""
    if not idx:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0, dtype=np.float64)
    key = np.asarray(rows, dtype=np.int64) * width + np.asarray(idx, dtype=np.int64)
    uniq, inv = np.unique(key, return_inverse=True)
    val_sum = np.bincount(inv, weights=np.asarray(val, dtype=np.float64), minlength=len(uniq))
    row = uniq // width
    norms = np.sqrt(np.bincount(row, weights=val_sum * val_sum, minlength=n_rows))
    norms[norms == 0] = 1.0
    return row, uniq % width + start, val_sum / norms[row]


@dataclass(frozen=True)
class Features:
    """Feature rows in CSR form (``indptr``, ``indices``, ``data``): plain numpy arrays."""

    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray
    n_features: int

    @property
    def rows(self) -> int:
        return len(self.indptr) - 1

    def dot(self, wt: np.ndarray) -> np.ndarray:
        """``X @ wt`` for a dense ``(n_features, k)`` matrix ``wt``."""
        out = np.zeros((self.rows, wt.shape[1]), dtype=np.float64)
        if len(self.indices):
            row_of = np.repeat(np.arange(self.rows), np.diff(self.indptr))
            np.add.at(out, row_of, wt[self.indices] * self.data[:, None])
        return out


def features(texts: Sequence[str], cfg: FeatureConfig) -> Features:
    """Raw texts → feature rows (words L2-normalised, characters L2-normalised, dense block)."""
    n_words = 1 << cfg.word_bits
    n_chars = cfg.n_chars
    lo, hi = cfg.char_ngrams
    n = len(texts)
    pre = [preprocess(t) for t in texts]
    w_rows: list[int] = []
    w_idx: list[int] = []
    w_val: list[float] = []
    c_rows: list[int] = []
    c_idx: list[int] = []
    c_val: list[float] = []
    for r, text in enumerate(pre):
        k = len(w_idx)
        _hash_into(_word_features(text, cfg), n_words, w_idx, w_val)
        w_rows.extend([r] * (len(w_idx) - k))
        if n_chars:
            k = len(c_idx)
            _hash_into(_char_wb_ngrams(text.lower(), lo, hi), n_chars, c_idx, c_val)
            c_rows.extend([r] * (len(c_idx) - k))
    dense = np.array([_dense_features(t, cfg) for t in pre], dtype=np.float64).reshape(
        n, cfg.n_dense
    )
    d_rows, d_cols = np.nonzero(dense)  # scipy keeps no zero of a dense block
    parts = [
        _block(w_rows, w_idx, w_val, n, n_words),
        _block(c_rows, c_idx, c_val, n, n_chars, n_words) if n_chars else None,
        (d_rows.astype(np.int64), d_cols + n_words + n_chars, dense[d_rows, d_cols]),
    ]
    rows = np.concatenate([p[0] for p in parts if p is not None])
    cols = np.concatenate([p[1] for p in parts if p is not None])
    vals = np.concatenate([p[2] for p in parts if p is not None])
    order = np.argsort(rows, kind="stable")
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
    return Features(
        indptr=indptr,
        indices=cols[order].astype(np.int64),
        data=vals[order],
        n_features=cfg.n_features,
    )


def featurize(texts: Sequence[str], cfg: FeatureConfig) -> sp.csr_matrix:
    """Raw texts → a SciPy CSR matrix of :func:`features` (training: the same rows)."""
    import scipy.sparse as sparse  # training only: scoring needs no SciPy

    f = features(texts, cfg)
    return sparse.csr_matrix((f.data, f.indices, f.indptr), shape=(f.rows, f.n_features))


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    out: np.ndarray = e / e.sum(axis=1, keepdims=True)
    return out


class EnSentiment:
    """English tweet sentiment. ``EnSentiment.load().score(texts)`` → (labels, scores)."""

    VERSION: str = EN_VERSION

    _default: EnSentiment | None = None
    _default_lock = threading.Lock()

    def __init__(
        self,
        weights: np.ndarray,
        bias: np.ndarray,
        offset: np.ndarray,
        cfg: FeatureConfig,
        meta: dict[str, Any] | None = None,
    ) -> None:
        if weights.shape != (len(LABELS), cfg.n_features):
            raise ValueError(
                f"weights have shape {weights.shape}, expected {(len(LABELS), cfg.n_features)}"
            )
        self.weights = np.ascontiguousarray(weights, dtype=np.float32)
        self.bias = np.asarray(bias, dtype=np.float64).reshape(len(LABELS))
        self.offset = np.asarray(offset, dtype=np.float64).reshape(len(LABELS))
        self.cfg = cfg
        self.meta = dict(meta or {})
        self._wt = self.weights.T.astype(np.float64)

    # -- persistence ----------------------------------------------------------------------
    @classmethod
    def load(cls, path: Path | None = None) -> EnSentiment:
        """Load a model folder; ``None`` gives the shipped model, loaded once and cached."""
        if path is None:
            with cls._default_lock:
                if cls._default is None:
                    cls._default = cls._load_dir(MODEL_DIR)
                return cls._default
        return cls._load_dir(Path(path))

    @classmethod
    def _load_dir(cls, folder: Path) -> EnSentiment:
        meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
        if meta.get("labels") != list(LABELS):
            raise ValueError(f"{folder / META_FILE}: labels {meta.get('labels')} != {LABELS}")
        tensors = load_file(str(folder / meta.get("weights_file", WEIGHTS_FILE)))
        cfg = FeatureConfig.from_json(meta["features"])
        return cls(
            weights=tensors["weights"].astype(np.float32),
            bias=tensors["bias"].astype(np.float64),
            offset=np.asarray(meta.get("offset", [0.0, 0.0, 0.0]), dtype=np.float64),
            cfg=cfg,
            meta=meta,
        )

    def save(self, folder: Path, extra_meta: dict[str, Any] | None = None) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        save_file(
            {
                "weights": self.weights.astype(np.float16),
                "bias": self.bias.astype(np.float32),
            },
            str(folder / WEIGHTS_FILE),
        )
        meta = {
            **self.meta,
            **(extra_meta or {}),
            "model": "socialops.nlp.sentiment_en.EnSentiment",
            "version": self.VERSION,
            "labels": list(LABELS),
            "weights_file": WEIGHTS_FILE,
            "features": self.cfg.to_json(),
            "offset": [float(x) for x in self.offset],
        }
        (folder / META_FILE).write_text(
            json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8"
        )

    # -- scoring --------------------------------------------------------------------------
    def logits(self, x: Features | sp.csr_matrix) -> np.ndarray:
        prod = x.dot(self._wt) if isinstance(x, Features) else x @ self._wt
        z: np.ndarray = np.asarray(prod) + self.bias + self.offset
        return z

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        return _softmax(self.logits(features(list(texts), self.cfg)))

    def score(self, texts: Sequence[str]) -> tuple[list[str], np.ndarray]:
        """Per text a label in negative/neutral/positive and a score P(pos) - P(neg) in [-1, 1]."""
        texts = list(texts)
        if not texts:
            return [], np.zeros(0, dtype=np.float64)
        p = self.predict_proba(texts)
        idx = p.argmax(axis=1)
        labels = [LABELS[i] for i in idx]
        score = np.clip(p[:, 2] - p[:, 0], -1.0, 1.0)
        # empty or whitespace-only text carries no sentiment
        for i, t in enumerate(texts):
            if not t or not t.strip():
                labels[i] = "neutral"
                score[i] = 0.0
        return labels, score
