"""Korean sentiment: hashed sparse features + a linear model, scored over a batch with numpy.

Features (:func:`featurize`, shared by training and scoring) are binary and hashed into
``2**hash_bits`` dimensions:

- morpheme unigrams and bigrams of the Kiwi tokens (``"form/TAG"`` strings, e.g. ``늦/VA``);
- character n-grams of the normalised text padded with one space on each side
  (``char_ngrams``, e.g. 1-4), computed for the whole batch at once from the code points.

All hashes are stable across processes and platforms (CRC-32 of the token's UTF-8 for tokens,
an FNV-style 64-bit rolling hash for characters, both finished with a 64-bit mixer), so a model
trained in one process scores the same in another.

The model is ``logit = bias + sum(weights[active features])``; ``score = 2 * p_pos - 1`` in
[-1, 1]. A text is *neutral* when it has no tokens or ``|score| < neutral_band`` (stored in
``model.json``; the default is 0.2, i.e. ``0.4 < p_pos < 0.6``), else positive or negative.

Files (``socialops/nlp/models/sentiment_ko/``): ``weights.safetensors`` (float16 ``weights``)
and ``model.json`` (config, thresholds, metrics). Loading never unpickles anything.
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

__all__ = [
    "DEFAULT_MODEL_DIR",
    "FeatureConfig",
    "KoSentiment",
    "featurize",
]

DEFAULT_MODEL_DIR = Path(__file__).resolve().parent / "models" / "sentiment_ko"

_M64 = (1 << 64) - 1
_FNV_PRIME = np.uint64(0x100000001B3)
_MIX1 = np.uint64(0xFF51AFD7ED558CCD)
_MIX2 = np.uint64(0xC4CEB9FE1A85EC53)
_S33 = np.uint64(33)
_SEED_UNI = 0x9E3779B97F4A7C15
_SEED_BI = 0xBF58476D1CE4E5B9
_SEED_CHAR = 0x94D049BB133111EB
_ROW_SHIFT = np.uint64(32)

_token_hash_cache: dict[str, int] = {}
_TOKEN_CACHE_MAX = 2_000_000


@dataclass(frozen=True)
class FeatureConfig:
    """What :func:`featurize` extracts; stored in ``model.json``."""

    hash_bits: int = 20
    token_ngrams: int = 2
    char_ngrams: tuple[int, int] = (1, 4)

    def to_json(self) -> dict[str, Any]:
        return {
            "hash_bits": self.hash_bits,
            "token_ngrams": self.token_ngrams,
            "char_ngrams": list(self.char_ngrams),
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> FeatureConfig:
        lo, hi = d["char_ngrams"]
        return cls(
            hash_bits=int(d["hash_bits"]),
            token_ngrams=int(d["token_ngrams"]),
            char_ngrams=(int(lo), int(hi)),
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
    out = np.empty(len(flat), dtype=np.uint64)
    for i, tok in enumerate(flat):
        h = cache.get(tok)
        if h is None:
            h = zlib.crc32(tok.encode("utf-8"))
            cache[tok] = h
        out[i] = h
    return out


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
    mask = np.uint64((1 << config.hash_bits) - 1)
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

    # --- character n-grams of " text " (NUL separates texts and never enters an n-gram)
    lo, hi = config.char_ngrams
    if hi >= 1 and n:
        joined = "\x00".join(f" {t} " for t in texts)
        cps = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        tlen = np.fromiter((len(t) + 2 for t in texts), dtype=np.int64, count=n)
        row_of = np.repeat(np.arange(n, dtype=np.uint64), tlen + 1)[: len(cps)]
        is_sep = np.concatenate([(cps == 0).astype(np.int64), np.zeros(hi, dtype=np.int64)])
        seps = np.concatenate([[0], np.cumsum(is_sep)])
        L = len(cps)
        h = np.full(L, np.uint64(_SEED_CHAR), dtype=np.uint64)
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
                keys.append((row_of[:m][ok] << _ROW_SHIFT) | (_mix(hk) & mask))

    if not keys:
        return np.zeros(n + 1, dtype=np.int64), np.zeros(0, dtype=np.int32)
    allk = np.unique(np.concatenate(keys))
    rows_out = (allk >> _ROW_SHIFT).astype(np.int64)
    indices = (allk & mask).astype(np.int32)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows_out, minlength=n), out=indptr[1:])
    return indptr, indices


class KoSentiment:
    """The shipped Korean sentiment model (see the module docstring)."""

    VERSION: ClassVar[str] = "ko-linear-1"
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
    ) -> None:
        if weights.shape != (1 << config.hash_bits,):
            raise ValueError("weights do not match hash_bits")
        self.weights = np.ascontiguousarray(weights, dtype=np.float32)
        self.bias = float(bias)
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
        from safetensors.numpy import load_file

        meta = json.loads((d / "model.json").read_text(encoding="utf-8"))
        arrays = load_file(str(d / meta.get("weights_file", "weights.safetensors")))
        return cls(
            arrays["weights"],
            float(meta["bias"]),
            FeatureConfig.from_json(meta["features"]),
            neutral_band=float(meta["neutral_band"]),
            meta=meta,
        )

    def save(self, d: Path, extra: dict[str, Any] | None = None) -> None:
        """Write ``weights.safetensors`` (float16) and ``model.json`` into ``d``."""
        from safetensors.numpy import save_file

        d.mkdir(parents=True, exist_ok=True)
        save_file({"weights": self.weights.astype(np.float16)}, str(d / "weights.safetensors"))
        meta = {
            "version": self.VERSION,
            "weights_file": "weights.safetensors",
            "bias": self.bias,
            "neutral_band": self.neutral_band,
            "features": self.config.to_json(),
            "labels": list(self.LABELS),
            "score": "2 * sigmoid(bias + sum(weights[features])) - 1",
            **(extra or {}),
        }
        (d / "model.json").write_text(
            json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )

    def decision(self, tokens: Sequence[Sequence[str]], texts: Sequence[str]) -> np.ndarray:
        """Raw logits of a batch (float64)."""
        indptr, indices = featurize(tokens, texts, self.config)
        n = len(tokens)
        rows = np.repeat(np.arange(n), np.diff(indptr))
        return np.bincount(rows, weights=self.weights[indices], minlength=n) + self.bias

    def score(
        self, tokens: Sequence[Sequence[str]], texts: Sequence[str]
    ) -> tuple[list[str], np.ndarray]:
        """Per text a label (negative/neutral/positive) and a score ``2 * p_pos - 1``."""
        n = len(tokens)
        if n == 0:
            return [], np.zeros(0, dtype=np.float64)
        scores = np.tanh(self.decision(tokens, texts) / 2.0)  # == 2 * sigmoid(z) - 1
        empty = np.fromiter((len(t) == 0 for t in tokens), dtype=bool, count=n)
        scores[empty] = 0.0
        cls_idx = np.where(
            empty | (np.abs(scores) < self.neutral_band), 1, np.where(scores > 0, 2, 0)
        )
        labels = self.LABELS
        return [labels[i] for i in cls_idx.tolist()], scores
