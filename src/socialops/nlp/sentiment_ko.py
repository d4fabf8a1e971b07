"""Korean sentiment: hashed sparse features + a linear model, scored over a batch with numpy.

Features (:func:`featurize`, shared by training and scoring) are binary and hashed into
``2**hash_bits`` dimensions:

- morpheme n-grams (``token_ngrams``: 1..3) of the Kiwi tokens (``"form/TAG"`` strings, e.g.
  ``늦/VA``);
- the last ``tail_tokens`` morphemes and their bigrams once more, as separate "tail" features
  (the verdict of a Korean sentence sits in its final predicate and endings);
- character n-grams of the normalised text padded with one space on each side
  (``char_ngrams``, e.g. 1-5), computed for the whole batch at once from the code points;
- optionally (``nospace_char_ngrams``, e.g. 2-4) character n-grams of the text with its spaces
  removed, hashed with their own seed (Korean spacing is loose: "배송이너무늦어요" and
  "배송이 너무 늦어요" share them).

With ``l2_normalize`` each active feature of a row has the value ``1/sqrt(active features)``
(:func:`row_scale`), so the row has unit L2 norm. With ``split_groups`` the morpheme features
(n-grams and tail) hash into the lower half of the dimensions and the character features (both
views) into the upper half, so an index tells its group.

All hashes are stable across processes and platforms (CRC-32 of the token's UTF-8 for tokens,
an FNV-style 64-bit rolling hash for characters, both finished with a 64-bit mixer), so a model
trained in one process scores the same in another.

Two linear heads share those features:

- *polarity*: ``logit = bias + row_scale * sum(weights[active features])``, ``p_pos`` its
  sigmoid (positive vs negative, trained on reviews and online comments);
- *views* (optional, ``split_groups`` only): ``view_weights``, one array holding a polarity head
  fitted on the morpheme features alone (lower half) and one on the character features alone
  (upper half), already multiplied by their mix factors; each group's sum is L2-normalised
  within the group (``1/sqrt(features of the group)``) and both are added to the polarity
  logit (an ensemble of views of the same features: ``ko-linear-4``);
- *opinion* (optional): ``p_opinion``, the same form with its own weights (does the text carry
  an opinion at all, trained on opinionated text vs questions, statements and commands).

``score = (2 * p_pos - 1) * gate`` in [-1, 1], where the gate rises linearly from
``GATE_MIN`` (0.02, so the sign stays the polarity's) at ``p_opinion = opinion_floor`` to 1 at
``p_opinion = opinion_full`` (without an opinion head the gate is 1). A text is *neutral* when
it has no tokens or ``|score| < neutral_band`` (the three numbers are stored in
``model.json``), else positive or negative. A question or a plain
statement gets a small ``p_opinion`` and so a score near 0, whatever its polarity words.

Files (``socialops/nlp/models/sentiment_ko/``): ``weights.safetensors`` (the non-zero weights
of each head after pruning, float16, with their indices; see :meth:`KoSentiment.save`) and
``model.json`` (config, thresholds, metrics). Loading never unpickles anything.
"""

from __future__ import annotations

import json
import threading
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
from safetensors.numpy import load_file, save_file

from socialops.nlp.sentiment_versions import KO_VERSION

__all__ = [
    "DEFAULT_MODEL_DIR",
    "FeatureConfig",
    "KoSentiment",
    "featurize",
    "row_scale",
]

DEFAULT_MODEL_DIR = Path(__file__).resolve().parent / "models" / "sentiment_ko"

_FNV_PRIME = np.uint64(0x100000001B3)
_MIX1 = np.uint64(0xFF51AFD7ED558CCD)
_MIX2 = np.uint64(0xC4CEB9FE1A85EC53)
_S33 = np.uint64(33)
_SEED_UNI = 0x9E3779B97F4A7C15
_SEED_BI = 0xBF58476D1CE4E5B9
_SEED_CHAR = 0x94D049BB133111EB
_SEED_TAIL = 0xD6E8FEB86659FD93
_SEED_TAIL_BI = 0xA0761D6478BD642F
_SEED_NOSPACE = 0xE7037ED1A0B428DB
_ROW_SHIFT = np.uint64(32)
# the opinion gate never reaches 0, so the sign of a score is always the polarity's sign
GATE_MIN = 0.02

_token_hash_cache: dict[str, int] = {}
_TOKEN_CACHE_MAX = 2_000_000


@dataclass(frozen=True)
class FeatureConfig:
    """What :func:`featurize` extracts; stored in ``model.json``."""

    hash_bits: int = 20
    token_ngrams: int = 2
    char_ngrams: tuple[int, int] = (1, 4)
    tail_tokens: int = 0
    l2_normalize: bool = True
    # character n-grams of the text with its spaces removed ((0, 0): none)
    nospace_char_ngrams: tuple[int, int] = (0, 0)
    # morpheme features hash into the lower half of the dimensions and character features into
    # the upper half, so a feature index tells its group (for the per-view heads)
    split_groups: bool = False

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "hash_bits": self.hash_bits,
            "token_ngrams": self.token_ngrams,
            "char_ngrams": list(self.char_ngrams),
            "tail_tokens": self.tail_tokens,
            "l2_normalize": self.l2_normalize,
        }
        if self.nospace_char_ngrams[1] >= 1:
            out["nospace_char_ngrams"] = list(self.nospace_char_ngrams)
        if self.split_groups:
            out["split_groups"] = True
        return out

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> FeatureConfig:
        lo, hi = d["char_ngrams"]
        ns_lo, ns_hi = d.get("nospace_char_ngrams", (0, 0))
        return cls(
            hash_bits=int(d["hash_bits"]),
            token_ngrams=int(d["token_ngrams"]),
            char_ngrams=(int(lo), int(hi)),
            tail_tokens=int(d.get("tail_tokens", 0)),
            l2_normalize=bool(d.get("l2_normalize", False)),
            nospace_char_ngrams=(int(ns_lo), int(ns_hi)),
            split_groups=bool(d.get("split_groups", False)),
        )


def _mix(h: np.ndarray) -> np.ndarray:
    """64-bit finaliser (MurmurHash3 fmix64) on a uint64 array, in place."""
    h ^= h >> _S33
    h *= _MIX1
    h ^= h >> _S33
    h *= _MIX2
    h ^= h >> _S33
    return h


def _token_hashes(flat: list[str]) -> np.ndarray:
    cache = _token_hash_cache
    if len(cache) > _TOKEN_CACHE_MAX:
        cache.clear()
    get = cache.get
    hs = [get(tok) for tok in flat]
    if None in hs:
        for i, h in enumerate(hs):
            if h is None:
                tok = flat[i]
                hs[i] = cache[tok] = zlib.crc32(tok.encode("utf-8"))
    return np.array(hs, dtype=np.uint64)


def _char_keys(
    texts: Sequence[str], lo: int, hi: int, seed: int, mask: np.uint64, top: np.uint64
) -> list[np.ndarray]:
    """``row << 32 | hash`` of the character ``lo..hi``-grams of each `` text `` (NUL-joined)."""
    n = len(texts)
    keys: list[np.ndarray] = []
    joined = "\x00".join(f" {t} " for t in texts)
    cps = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    tlen = np.fromiter((len(t) + 2 for t in texts), dtype=np.int64, count=n)
    row_of = np.repeat(np.arange(n, dtype=np.uint64), tlen + 1)[: len(cps)]
    is_sep = np.concatenate([(cps == 0).astype(np.int64), np.zeros(hi, dtype=np.int64)])
    seps = np.concatenate([[0], np.cumsum(is_sep)])
    L = len(cps)
    h = np.full(L, np.uint64(seed), dtype=np.uint64)
    for k in range(hi):
        m = L - k
        if m <= 0:
            break
        h = h[:m]
        h ^= cps[k:]
        h *= _FNV_PRIME
        nn = k + 1
        if nn >= lo:
            ok = (seps[nn : m + nn] - seps[:m]) == 0
            hk = h[ok] ^ np.uint64(nn)
            keys.append((row_of[:m][ok] << _ROW_SHIFT) | (_mix(hk) & mask) | top)
    return keys


def featurize(
    tokens: Sequence[Sequence[str]],
    texts: Sequence[str],
    config: FeatureConfig,
) -> tuple[np.ndarray, np.ndarray]:
    """Binary hashed features of a batch as CSR parts ``(indptr int64, indices int32)``.

    Row ``i`` holds the sorted, unique feature indices of ``tokens[i]`` / ``texts[i]``.
    """
    n = len(tokens)
    if len(texts) != n:
        raise ValueError("tokens and texts must have the same length")
    bits = config.hash_bits - 1 if config.split_groups else config.hash_bits
    mask = np.uint64((1 << bits) - 1)
    # the character features' group bit (split_groups): the upper half of the dimensions
    top = np.uint64(1 << bits) if config.split_groups else np.uint64(0)
    keys: list[np.ndarray] = []

    # --- morpheme n-grams
    lens = np.fromiter((len(t) for t in tokens), dtype=np.int64, count=n)
    total = int(lens.sum())
    if total:
        flat = [tok for toks in tokens for tok in toks]
        th = _token_hashes(flat)
        rows = np.repeat(np.arange(n, dtype=np.uint64), lens)
        h = th ^ np.uint64(_SEED_UNI)
        keys.append((rows << _ROW_SHIFT) | (_mix(h) & mask))
        if config.token_ngrams >= 2 and total > 1:
            # a bigram pairs token k with k+1 inside the same text
            same = rows[1:] == rows[:-1]
            h2 = (th[:-1] * _FNV_PRIME) ^ (th[1:] + np.uint64(_SEED_BI))
            keys.append((rows[1:][same] << _ROW_SHIFT) | (_mix(h2[same]) & mask))
        if config.tail_tokens > 0:
            # the last morphemes (the sentence-final predicate and endings) again, marked
            ends = np.cumsum(lens)
            to_end = np.repeat(ends, lens) - np.arange(total) - 1
            tail = to_end < config.tail_tokens
            ht = th[tail] ^ np.uint64(_SEED_TAIL)
            keys.append((rows[tail] << _ROW_SHIFT) | (_mix(ht) & mask))
            if config.token_ngrams >= 2 and total > 1:
                tail2 = same & tail[1:]
                h2t = h2[tail2] ^ np.uint64(_SEED_TAIL_BI)
                keys.append((rows[1:][tail2] << _ROW_SHIFT) | (_mix(h2t) & mask))

    # --- character n-grams of " text " (NUL separates texts and never enters an n-gram), and
    # optionally of the text with its spaces removed (Korean spacing is often loose)
    lo, hi = config.char_ngrams
    if hi >= 1 and n:
        keys += _char_keys(texts, lo, hi, _SEED_CHAR, mask, top)
    lo, hi = config.nospace_char_ngrams
    if hi >= 1 and n:
        keys += _char_keys([t.replace(" ", "") for t in texts], lo, hi, _SEED_NOSPACE, mask, top)

    if not keys:
        return np.zeros(n + 1, dtype=np.int64), np.zeros(0, dtype=np.int32)
    allk = np.concatenate(keys)
    allk.sort()
    first = np.empty(len(allk), dtype=bool)
    first[:1] = True
    np.not_equal(allk[1:], allk[:-1], out=first[1:])
    allk = allk[first]
    rows_out = (allk >> _ROW_SHIFT).astype(np.int64)
    indices = (allk & np.uint64((1 << config.hash_bits) - 1)).astype(np.int32)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows_out, minlength=n), out=indptr[1:])
    return indptr, indices


def row_scale(indptr: np.ndarray, config: FeatureConfig) -> np.ndarray:
    """Value of every active feature in each row: 1, or 1/sqrt(row nnz) with ``l2_normalize``."""
    nnz = np.diff(indptr)
    if not config.l2_normalize:
        return np.ones(len(nnz), dtype=np.float64)
    return 1.0 / np.sqrt(np.maximum(nnz, 1))


def _sparse_weights(weights: np.ndarray, hash_bits: int, prefix: str = "") -> dict[str, np.ndarray]:
    if hash_bits < 16:
        raise ValueError("hash_bits must be at least 16")
    nz = np.flatnonzero(weights).astype(np.int64)
    blocks = nz >> 16
    offsets = np.searchsorted(blocks, np.arange((1 << (hash_bits - 16)) + 1)).astype(np.int64)
    return {
        f"{prefix}bucket_offsets": offsets,
        f"{prefix}index_low": (nz & 0xFFFF).astype(np.uint16),
        f"{prefix}values": weights[nz].astype(np.float16),
    }


def _dense_weights(arrays: dict[str, np.ndarray], hash_bits: int, prefix: str = "") -> np.ndarray:
    offsets = arrays[f"{prefix}bucket_offsets"].astype(np.int64)
    blocks = np.repeat(np.arange(len(offsets) - 1, dtype=np.int64), np.diff(offsets))
    idx = (blocks << 16) | arrays[f"{prefix}index_low"].astype(np.int64)
    dense = np.zeros(1 << hash_bits, dtype=np.float32)
    dense[idx] = arrays[f"{prefix}values"].astype(np.float32)
    return dense


class KoSentiment:
    """The shipped Korean sentiment model (see the module docstring)."""

    VERSION: ClassVar[str] = KO_VERSION
    LABELS: ClassVar[tuple[str, str, str]] = ("negative", "neutral", "positive")

    _default: ClassVar[KoSentiment | None] = None
    _lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(
        self,
        weights: np.ndarray,
        bias: float,
        config: FeatureConfig,
        *,
        neutral_band: float = 0.2,
        meta: dict[str, Any] | None = None,
        opinion: tuple[np.ndarray, float] | None = None,
        opinion_full: float = 0.5,
        opinion_floor: float = 0.0,
        view_weights: np.ndarray | None = None,
    ) -> None:
        if weights.shape != (1 << config.hash_bits,):
            raise ValueError("weights do not match hash_bits")
        self.weights = np.ascontiguousarray(weights, dtype=np.float32)
        self.bias = float(bias)
        # the per-view polarity heads (morphemes alone, characters alone), one array: a view's
        # weights live in its group's half of the dimensions (needs split_groups)
        self.view_weights: np.ndarray | None = None
        if view_weights is not None:
            if not config.split_groups or view_weights.shape != weights.shape:
                raise ValueError("view weights need split_groups and the same hash_bits")
            self.view_weights = np.ascontiguousarray(view_weights, dtype=np.float32)
        self.opinion_weights: np.ndarray | None = None
        self.opinion_bias = 0.0
        if opinion is not None:
            if opinion[0].shape != weights.shape:
                raise ValueError("opinion weights do not match hash_bits")
            self.opinion_weights = np.ascontiguousarray(opinion[0], dtype=np.float32)
            self.opinion_bias = float(opinion[1])
        self.opinion_full = float(opinion_full)
        self.opinion_floor = float(opinion_floor)
        if not 0.0 <= self.opinion_floor < self.opinion_full <= 1.0:
            raise ValueError("need 0 <= opinion_floor < opinion_full <= 1")
        self.config = config
        self.neutral_band = float(neutral_band)
        self.meta: dict[str, Any] = dict(meta or {})

    @classmethod
    def load(cls, path: Path | None = None) -> KoSentiment:
        """Load from ``path`` (a model dir); ``None`` → the packaged model, cached per process."""
        if path is None:
            if cls._default is None:
                with cls._lock:
                    if cls._default is None:
                        cls._default = cls._load_dir(DEFAULT_MODEL_DIR)
            return cls._default
        return cls._load_dir(Path(path))

    @classmethod
    def _load_dir(cls, d: Path) -> KoSentiment:
        meta = json.loads((d / "model.json").read_text(encoding="utf-8"))
        config = FeatureConfig.from_json(meta["features"])
        arrays = load_file(str(d / meta.get("weights_file", "weights.safetensors")))
        opinion = None
        if "opinion_values" in arrays:
            opinion = (
                _dense_weights(arrays, config.hash_bits, "opinion_"),
                float(meta["opinion_bias"]),
            )
        return cls(
            _dense_weights(arrays, config.hash_bits),
            float(meta["bias"]),
            config,
            neutral_band=float(meta["neutral_band"]),
            meta=meta,
            opinion=opinion,
            opinion_full=float(meta.get("opinion_full", 0.5)),
            opinion_floor=float(meta.get("opinion_floor", 0.0)),
            view_weights=(
                _dense_weights(arrays, config.hash_bits, "view_")
                if "view_values" in arrays
                else None
            ),
        )

    def save(self, d: Path, extra: dict[str, Any] | None = None) -> None:
        """Write ``weights.safetensors`` and ``model.json`` into ``d``.

        Only the non-zero weights are stored (prune first to keep the file small): their
        indices as ``bucket_offsets`` (int64, one per 2**16 block) + ``index_low`` (uint16,
        the low 16 bits, sorted) and their values as float16 ``values``; the opinion head's
        the same with the prefix ``opinion_``.
        """
        d.mkdir(parents=True, exist_ok=True)
        arrays = _sparse_weights(self.weights, self.config.hash_bits)
        if self.opinion_weights is not None:
            arrays.update(_sparse_weights(self.opinion_weights, self.config.hash_bits, "opinion_"))
        if self.view_weights is not None:
            arrays.update(_sparse_weights(self.view_weights, self.config.hash_bits, "view_"))
        save_file(arrays, str(d / "weights.safetensors"))
        polarity = "bias + sum(weights[features]) * row_scale"
        if self.view_weights is not None:
            polarity += (
                " + sum over the two groups (morphemes: index < 2**(hash_bits-1), characters:"
                " the rest) of sum(view_weights[group features]) / sqrt(group features)"
            )
        score = f"2 * sigmoid({polarity}) - 1"
        if self.opinion_weights is not None:
            score = (
                f"({score}) * clip((p_opinion - opinion_floor) / (opinion_full - opinion_floor),"
                " 0, 1); p_opinion = sigmoid(opinion_bias + sum(opinion_weights[features])"
                " * row_scale)"
            )
        meta = {
            "version": self.VERSION,
            "weights_file": "weights.safetensors",
            "bias": self.bias,
            **(
                {
                    "opinion_bias": self.opinion_bias,
                    "opinion_floor": self.opinion_floor,
                    "opinion_full": self.opinion_full,
                }
                if self.opinion_weights is not None
                else {}
            ),
            "neutral_band": self.neutral_band,
            "features": self.config.to_json(),
            "labels": list(self.LABELS),
            "score": score,
            **(extra or {}),
        }
        (d / "model.json").write_text(
            json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )

    def logits(
        self, tokens: Sequence[Sequence[str]], texts: Sequence[str]
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """Raw logits of a batch (float64): polarity, and opinion (``None`` without that head)."""
        indptr, indices = featurize(tokens, texts, self.config)
        n = len(tokens)
        rows = np.repeat(np.arange(n), np.diff(indptr))
        scale = row_scale(indptr, self.config)
        z = np.bincount(rows, weights=self.weights[indices], minlength=n) * scale + self.bias
        if self.view_weights is not None:
            z += self._view_logits(rows, indices, n)
        if self.opinion_weights is None:
            return z, None
        zo = np.bincount(rows, weights=self.opinion_weights[indices], minlength=n)
        return z, zo * scale + self.opinion_bias

    def _view_logits(self, rows: np.ndarray, indices: np.ndarray, n: int) -> np.ndarray:
        """The per-view heads' sum: each group's features, L2-normalised within the group."""
        assert self.view_weights is not None
        slot = rows * 2 + (indices >> (self.config.hash_bits - 1))
        counts = np.bincount(slot, minlength=2 * n)
        sums = np.bincount(slot, weights=self.view_weights[indices], minlength=2 * n)
        zv = sums / np.sqrt(np.maximum(counts, 1))
        out: np.ndarray = zv.reshape(n, 2).sum(axis=1)
        return out

    def gate(self, p_opinion: np.ndarray) -> np.ndarray:
        """The factor on the polarity score for each ``p_opinion`` (see the module docstring)."""
        lo, hi = self.opinion_floor, self.opinion_full
        return np.clip((p_opinion - lo) / (hi - lo), GATE_MIN, 1.0)

    def decision(self, tokens: Sequence[Sequence[str]], texts: Sequence[str]) -> np.ndarray:
        """Raw polarity logits of a batch (float64)."""
        return self.logits(tokens, texts)[0]

    def score(
        self, tokens: Sequence[Sequence[str]], texts: Sequence[str]
    ) -> tuple[list[str], np.ndarray]:
        """Per text a label (negative/neutral/positive) and a score in [-1, 1] (module doc)."""
        n = len(tokens)
        if n == 0:
            return [], np.zeros(0, dtype=np.float64)
        z, zo = self.logits(tokens, texts)
        scores = np.tanh(z / 2.0)  # == 2 * sigmoid(z) - 1
        if zo is not None:
            scores *= self.gate(1.0 / (1.0 + np.exp(-zo)))
        empty = np.fromiter((len(t) == 0 for t in tokens), dtype=bool, count=n)
        scores[empty] = 0.0
        cls_idx = np.where(
            empty | (np.abs(scores) < self.neutral_band), 1, np.where(scores > 0, 2, 0)
        )
        labels = self.LABELS
        return [labels[i] for i in cls_idx.tolist()], scores
