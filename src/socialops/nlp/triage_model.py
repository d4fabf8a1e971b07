"""The linear text classifiers behind triage: hashed word and character n-grams, one weight
row per class, stored as plain arrays (``.npz`` read with ``allow_pickle=False``) + JSON.

Features come from :func:`socialops.nlp.sentiment_ko.featurize` (stable hashes, the same in
every process): *word* n-grams of a light tokenisation (lower-cased words and the ``?``/``!``
marks: Korean eojeols or English words, no morphological analyser, so scoring stays fast), the
last words again as "tail" features (a Korean sentence's ending decides whether it asks or
tells), and character n-grams of the text with and without its spaces. Each row is
L2-normalised (every active feature weighs ``1/sqrt(active)``).

A Korean model may add Kiwi morpheme features (:class:`MorphConfig`, ``morph_features`` in its
JSON): ``form/TAG`` morpheme uni- and bigrams, the last morphemes again as tail features, and
three sentence-final cues (the last final ending ``EF`` such as 까/나요/죠/잖아, the final
punctuation ``SF``, and the tag pattern of the last three morphemes). Runtime triage already
runs Kiwi on every Korean message for sentiment, so these cost one more hashing pass; the
features are hashed into the same buckets (with their own seeds/prefixes) and normalised with
the rest.

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

__all__ = ["LinearTextModel", "MorphConfig", "feature_matrix", "kiwi_tokens", "words_of"]

_WORD_RE = re.compile(r"[^\W_]+(?:'[^\W_]+)?|[?!]", re.UNICODE)


def words_of(text: str) -> list[str]:
    """Lower-cased words and ``?``/``!`` marks of ``text`` (the word features' tokens)."""
    return _WORD_RE.findall(text.lower())


@dataclass(frozen=True)
class MorphConfig:
    """Which Kiwi morpheme features a model adds (see the module docstring)."""

    ngrams: int = 2  # morpheme n-grams, 1..ngrams
    tail: int = 3  # the last morphemes again, marked (0: none)
    endings: bool = True  # the last EF, the final SF, the last three tags

    def to_json(self) -> dict[str, Any]:
        return {"ngrams": self.ngrams, "tail": self.tail, "endings": self.endings}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> MorphConfig:
        return cls(int(d["ngrams"]), int(d["tail"]), bool(d["endings"]))


def kiwi_tokens(texts: Sequence[str]) -> list[list[str]]:
    """Kiwi's ``form/TAG`` morphemes of each text (as the sentiment model reads them)."""
    from socialops.nlp import ko  # lazy: Kiwi loads only for a model that needs it

    return [[t.tagged_form for t in toks] for toks in ko.tokenize_each(texts)]


def _tag(token: str) -> str:
    return token.rpartition("/")[2]


def _endings(row: Sequence[str]) -> list[str]:
    """The sentence-final cues of one text's morphemes (marked so no word hashes alike)."""
    ef = next((t for t in reversed(row) if _tag(t).startswith("EF")), "")
    sf = row[-1] if row and row[-1].endswith("/SF") else ""
    tags = "+".join(_tag(t) for t in row[-3:])
    return ["^ef " + ef, "^sf " + sf, "^tags " + tags]


_ROW = np.uint64(32)
_LOW = np.uint64(0xFFFFFFFF)


def _union(parts: list[tuple[np.ndarray, np.ndarray]], n: int) -> tuple[np.ndarray, np.ndarray]:
    """Row-wise union of several CSR index sets (sorted, unique indices per row)."""
    keys = [
        (np.repeat(np.arange(n, dtype=np.uint64), np.diff(indptr)) << _ROW)
        | indices.astype(np.uint64)
        for indptr, indices in parts
    ]
    allk = np.concatenate(keys)
    # each part is sorted already: a stable sort (timsort) merges the runs in linear time
    allk.sort(kind="stable")
    first = np.empty(len(allk), dtype=bool)
    first[:1] = True
    np.not_equal(allk[1:], allk[:-1], out=first[1:])
    allk = allk[first]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount((allk >> _ROW).astype(np.int64), minlength=n), out=indptr[1:])
    return indptr, (allk & _LOW).astype(np.int32)


def _features(
    low: Sequence[str],
    words: Sequence[Sequence[str]],
    config: FeatureConfig,
    morph: MorphConfig | None,
    tokens: Sequence[Sequence[str]] | None,
) -> tuple[np.ndarray, np.ndarray]:
    """CSR parts of the word/character features, plus the morpheme features when ``morph``
    is set and ``tokens`` (Kiwi ``form/TAG`` per text) are given."""
    base = featurize(words, low, config)
    if morph is None or tokens is None:
        return base
    n = len(low)
    blank = [""] * n
    mcfg = FeatureConfig(
        hash_bits=config.hash_bits,
        token_ngrams=morph.ngrams,
        char_ngrams=(0, 0),
        tail_tokens=morph.tail,
    )
    parts = [base, featurize([[t.lower() for t in row] for row in tokens], blank, mcfg)]
    if morph.endings:
        ecfg = FeatureConfig(hash_bits=config.hash_bits, token_ngrams=1, char_ngrams=(0, 0))
        parts.append(featurize([_endings(row) for row in tokens], blank, ecfg))
    return _union(parts, n)


def feature_matrix(
    texts: Sequence[str],
    config: FeatureConfig,
    morph: MorphConfig | None = None,
    tokens: Sequence[Sequence[str]] | None = None,
) -> sp.csr_matrix:
    """The hashed feature rows of ``texts`` over all ``2**hash_bits`` buckets (training);
    with ``morph``, ``tokens`` are the texts' Kiwi morphemes (computed when not given)."""
    if morph is not None and tokens is None:
        tokens = kiwi_tokens(texts)
    texts = [t.lower() for t in texts]
    indptr, indices = _features(texts, [words_of(t) for t in texts], config, morph, tokens)
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
    morph: MorphConfig | None = None
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
        morph: MorphConfig | None = None,
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
            morph=morph,
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
        if self.morph is not None:
            meta["morph_features"] = self.morph.to_json()
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
            morph=MorphConfig.from_json(meta["morph_features"])
            if "morph_features" in meta
            else None,
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

    def _rows(
        self,
        texts: Sequence[str],
        words: Sequence[Sequence[str]],
        tokens: Sequence[Sequence[str]] | None = None,
    ) -> sp.csr_matrix:
        lookup, w = self._prepared()
        indptr, indices = _features(texts, words, self.config, self.morph, tokens)
        scale = row_scale(indptr, self.config)
        data = np.repeat(scale, np.diff(indptr))
        return sp.csr_matrix((data, lookup[indices], indptr), shape=(len(texts), w.shape[0]))

    def logits(
        self, texts: Sequence[str], tokens: Sequence[Sequence[str]] | None = None
    ) -> np.ndarray:
        """``X @ W + b`` for a batch (float64, shape ``(len(texts), len(labels))``).

        ``tokens``: the texts' Kiwi ``form/TAG`` morphemes, for a model with morpheme features
        (Kiwi runs here when they are not given; other models ignore them)."""
        low = [t.lower() for t in texts]
        if not low:
            return np.zeros((0, len(self.labels)))
        if self.morph is not None and tokens is None:
            tokens = kiwi_tokens(texts)
        _, w = self._prepared()
        x = self._rows(low, [words_of(t) for t in low], tokens)
        z: np.ndarray = np.asarray(x @ w.astype(np.float64)) + self.bias
        return z

    def proba(
        self, texts: Sequence[str], tokens: Sequence[Sequence[str]] | None = None
    ) -> np.ndarray:
        z = self.logits(texts, tokens)
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
