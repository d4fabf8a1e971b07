"""The linear text classifiers behind triage: hashed word and character n-grams, one weight
row per class, stored as plain arrays (``.npz`` read with ``allow_pickle=False``) + JSON.

Features come from :func:`socialops.nlp.sentiment_ko.featurize` (stable hashes, the same in
every process): *word* n-grams of a light tokenisation (lower-cased words and the ``?``/``!``
marks: Korean eojeols or English words, no morphological analyser, so scoring stays fast), the
last words again as "tail" features (a Korean sentence's ending decides whether it asks or
tells), and character n-grams of the text with and without its spaces. Each row is
L2-normalised (every active feature weighs ``1/sqrt(active)``).

Only the buckets that carry weight after training are stored (``columns``: sorted bucket ids;
``weights``: one float16 row of class weights per kept bucket), so a model of 77 classes stays
around a megabyte. Scores are a softmax over ``X @ W + b``; a binary model stores the two rows
``-w/2`` and ``+w/2``, so its softmax is the logistic ``sigmoid(w·x + b)``.

``explain`` scores each word of a text alone against the predicted class's weights and returns
the words that pushed hardest towards it: the words that decided.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from socialops.nlp.sentiment_ko import FeatureConfig, featurize, row_scale

__all__ = ["LinearTextModel", "feature_matrix", "words_of"]

_WORD_RE = re.compile(r"[^\W_]+(?:'[^\W_]+)?|[?!]", re.UNICODE)


def words_of(text: str) -> list[str]:
    """Lower-cased words and ``?``/``!`` marks of ``text`` (the word features' tokens)."""
    return _WORD_RE.findall(text.lower())


def feature_matrix(texts: Sequence[str], config: FeatureConfig) -> sp.csr_matrix:
    """The hashed feature rows of ``texts`` over all ``2**hash_bits`` buckets (training)."""
    texts = [t.lower() for t in texts]
    indptr, indices = featurize([words_of(t) for t in texts], texts, config)
    scale = row_scale(indptr, config)
    data = np.repeat(scale, np.diff(indptr))
    return sp.csr_matrix(
        (data, indices.astype(np.int64), indptr), shape=(len(texts), 1 << config.hash_bits)
    )


@dataclass
class LinearTextModel:
    """A softmax-linear classifier over hashed n-grams (see the module docstring)."""

    name: str
    labels: list[str]
    config: FeatureConfig
    columns: np.ndarray  # uint32, sorted: the kept buckets
    weights: np.ndarray  # float32 (len(columns), len(labels))
    bias: np.ndarray  # float64 (len(labels),)
    meta: dict[str, Any] = field(default_factory=dict)
    _lookup: np.ndarray | None = field(default=None, repr=False)
    _w: np.ndarray | None = field(default=None, repr=False)

    # -- building --------------------------------------------------------------------------
    @classmethod
    def from_dense(
        cls,
        name: str,
        labels: Sequence[str],
        config: FeatureConfig,
        coef: np.ndarray,
        intercept: np.ndarray,
        *,
        max_columns: int,
        meta: dict[str, Any] | None = None,
    ) -> LinearTextModel:
        """Keep the ``max_columns`` buckets whose largest class weight is biggest."""
        coef = np.asarray(coef, dtype=np.float64)
        intercept = np.asarray(intercept, dtype=np.float64).reshape(-1)
        if coef.shape[0] == 1 and len(labels) == 2:
            coef = np.vstack([-coef[0] / 2, coef[0] / 2])
            intercept = np.array([-intercept[0] / 2, intercept[0] / 2])
        strength = np.abs(coef).max(axis=0)
        nz = np.flatnonzero(strength)
        if len(nz) > max_columns:
            nz = nz[np.argsort(-strength[nz], kind="stable")[:max_columns]]
        nz.sort()
        return cls(
            name=name,
            labels=list(labels),
            config=config,
            columns=nz.astype(np.uint32),
            weights=coef[:, nz].T.astype(np.float32),
            bias=intercept,
            meta=dict(meta or {}),
        )

    # -- persistence -----------------------------------------------------------------------
    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(
            folder / f"{self.name}.npz",
            columns=self.columns.astype(np.uint32),
            weights=self.weights.astype(np.float16),
            bias=self.bias.astype(np.float64),
        )
        meta = {
            **self.meta,
            "name": self.name,
            "labels": self.labels,
            "features": self.config.to_json(),
            "weights_file": f"{self.name}.npz",
        }
        (folder / f"{self.name}.json").write_text(
            json.dumps(meta, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
        )

    @classmethod
    def load(cls, folder: Path, name: str) -> LinearTextModel:
        """Read ``name.json`` + ``name.npz``; never unpickles (``allow_pickle=False``)."""
        meta = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
        with np.load(folder / meta["weights_file"], allow_pickle=False) as arrays:
            columns = arrays["columns"].astype(np.uint32)
            weights = arrays["weights"].astype(np.float32)
            bias = arrays["bias"].astype(np.float64)
        labels = [str(x) for x in meta["labels"]]
        if weights.shape != (len(columns), len(labels)) or bias.shape != (len(labels),):
            raise ValueError(f"{folder / meta['weights_file']}: shapes do not match the labels")
        return cls(
            name=name,
            labels=labels,
            config=FeatureConfig.from_json(meta["features"]),
            columns=columns,
            weights=weights,
            bias=bias,
            meta=meta,
        )

    # -- scoring ---------------------------------------------------------------------------
    def _prepared(self) -> tuple[np.ndarray, np.ndarray]:
        if self._lookup is None or self._w is None:
            lookup = np.full(1 << self.config.hash_bits, len(self.columns), dtype=np.int32)
            lookup[self.columns.astype(np.int64)] = np.arange(len(self.columns), dtype=np.int32)
            # one zero row at the end stands for every bucket the model did not keep
            self._w = np.vstack([self.weights, np.zeros((1, len(self.labels)), np.float32)])
            self._lookup = lookup
        return self._lookup, self._w

    def _rows(self, texts: Sequence[str], tokens: Sequence[Sequence[str]]) -> sp.csr_matrix:
        lookup, w = self._prepared()
        indptr, indices = featurize(tokens, texts, self.config)
        scale = row_scale(indptr, self.config)
        data = np.repeat(scale, np.diff(indptr))
        return sp.csr_matrix((data, lookup[indices], indptr), shape=(len(texts), w.shape[0]))

    def logits(self, texts: Sequence[str]) -> np.ndarray:
        """``X @ W + b`` for a batch (float64, shape ``(len(texts), len(labels))``)."""
        low = [t.lower() for t in texts]
        if not low:
            return np.zeros((0, len(self.labels)))
        _, w = self._prepared()
        x = self._rows(low, [words_of(t) for t in low])
        z: np.ndarray = np.asarray(x @ w.astype(np.float64)) + self.bias
        return z

    def proba(self, texts: Sequence[str]) -> np.ndarray:
        z = self.logits(texts)
        if not len(z):
            return z
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        out: np.ndarray = e / e.sum(axis=1, keepdims=True)
        return out

    def explain(
        self, texts: Sequence[str], classes: Sequence[int], top: int = 3
    ) -> list[list[str]]:
        """Per text, up to ``top`` of its words that score highest for ``classes[i]`` alone."""
        words = [list(dict.fromkeys(w for w in words_of(t) if w not in "?!")) for t in texts]
        flat = [w for ws in words for w in ws]
        if not flat:
            return [[] for _ in texts]
        _, w = self._prepared()
        x = self._rows(flat, [[f] for f in flat])
        # contribution of each word to its text's class against the mean of the other classes
        contrib = np.asarray(x @ w.astype(np.float64))
        out: list[list[str]] = []
        k = 0
        for ws, c in zip(words, classes, strict=True):
            block = contrib[k : k + len(ws)]
            k += len(ws)
            if not ws:
                out.append([])
                continue
            margin = block[:, c] - block.mean(axis=1)
            order = np.argsort(-margin, kind="stable")[:top]
            out.append([ws[i] for i in order if margin[i] > 0])
        return out
