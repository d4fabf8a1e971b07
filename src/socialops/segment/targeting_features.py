"""What attribute segments and the targeting model share: the response column as 0/1, which
columns are attributes, and the model's feature encoding as plain JSON (no pickle).

The encoding turns a customer table into a design matrix the same way at training and at
scoring: a numeric column becomes its standardised value, a missing-value flag (when it had
missing values) and one-hot quantile bins (so that a non-linear effect — ``pdays = -1``, a
balance near zero — is not forced onto a line); a text column becomes one-hot levels (levels
seen fewer than ``MIN_LEVEL`` times, and levels unseen at training, share the ``__other__``
column; a missing value is its own level)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy.special import expit

from socialops.errors import DataError, InputFileError
from socialops.segment.identifiers import column_kind
from socialops.sources.presets.metrics import norm_header
from socialops.sources.streams.customers import PRESETS, identifier_kind

__all__ = [
    "MAX_LEVELS",
    "MIN_LEVEL",
    "attribute_columns",
    "binary_target",
    "calibrate",
    "cell_texts",
    "design_matrix",
    "feature_names",
    "fit_encoding",
    "response_mask",
    "score_frame",
    "value_text",
]

MIN_LEVEL = 10  # a text level seen fewer times than this goes to __other__
MAX_LEVELS = 50  # a text column with more distinct values is not an attribute (an id, a name)
N_BINS = 6
MISSING = "__missing__"
OTHER = "__other__"

_YES = {
    "yes", "y", "true", "t", "1", "o", "positive", "responded", "converted", "buy", "bought",
    "예", "네", "있음", "응답", "구매", "가입", "전환", "반응", "성공",
}  # fmt: skip


def value_text(v: Any) -> str:
    """A cell as the text a user would type for it (``1.0`` → ``1``)."""
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def cell_texts(s: pd.Series) -> pd.Series:
    """A column's cells as text (:func:`value_text`; a missing cell is ``MISSING``), without a
    Python call per cell when the column is text already."""
    if pd.api.types.is_numeric_dtype(s):
        return s.map(lambda v: MISSING if v != v else value_text(v))
    t = s.astype(object)
    return t.where(t.notna(), MISSING).astype(str).str.strip()


def _response_texts(s: pd.Series) -> pd.Series:
    t = cell_texts(s)
    return t.where(t != MISSING, "")


def binary_target(
    df: pd.DataFrame, target: str, positive: str | None = None
) -> tuple[np.ndarray, str, int]:
    """(y as 0/1 for the rows with a response, the positive value, rows without a response).

    Without ``positive`` a two-valued column whose one value reads as a yes (yes/true/1/예/구매…)
    is taken; anything else asks for ``positive``. Refuses a missing column and a constant one."""
    if target not in df.columns:
        raise InputFileError(
            code="targeting.no_column", column=target[:60], columns=", ".join(df.columns[:20])
        )
    texts = _response_texts(df[target])
    given = texts != ""
    values = sorted(set(texts[given]))
    if len(values) < 2:
        raise DataError(
            code="targeting.constant_target", column=target, value=(values or [""])[0][:40]
        )
    if positive is None:
        yes = [v for v in values if v.lower() in _YES]
        if len(values) != 2 or len(yes) != 1:
            raise DataError(
                code="targeting.need_positive",
                column=target,
                values=", ".join(values[:8]) + (" …" if len(values) > 8 else ""),
            )
        positive = yes[0]
    positive = value_text(positive)
    if positive not in values:
        raise DataError(
            code="targeting.positive_absent",
            column=target,
            value=positive[:40],
            values=", ".join(values[:8]),
        )
    y = (texts[given] == positive).to_numpy(dtype=np.int8)
    return y, positive, int((~given).sum())


def response_mask(df: pd.DataFrame, target: str) -> np.ndarray:
    """The rows of ``df`` that have a response value (those :func:`binary_target` keeps)."""
    return np.asarray(_response_texts(df[target]) != "")


_ID_NAMES = {norm_header(a) for a in PRESETS["customers"].columns["customer_id"]}


def _is_id(column: str) -> bool:
    return norm_header(column) in _ID_NAMES


def attribute_columns(
    df: pd.DataFrame, target: str, columns: list[str] | None = None
) -> tuple[list[str], list[dict[str, str]]]:
    """(the attribute columns, skipped [{column, reason}]). Named ``columns`` must exist; by
    default every column but the target, identifiers (e-mail, phone, name), ``customer_id``
    and ids, ``private``, and text columns with more than ``MAX_LEVELS`` values."""
    if columns:
        missing = [c for c in columns if c not in df.columns]
        if missing:
            raise InputFileError(
                code="targeting.no_column",
                column=missing[0][:60],
                columns=", ".join(df.columns[:20]),
            )
        return [c for c in columns if c != target], []
    keep: list[str] = []
    skipped: list[dict[str, str]] = []
    for c in df.columns:
        if c == target:
            continue
        if c in ("customer_id", "private") or _is_id(c) or identifier_kind(c) or column_kind(c):
            skipped.append({"column": c, "reason": "identifier"})
        elif not pd.api.types.is_numeric_dtype(df[c]) and df[c].nunique() > MAX_LEVELS:
            skipped.append({"column": c, "reason": "too_many_values"})
        elif df[c].nunique(dropna=True) < 2:
            skipped.append({"column": c, "reason": "constant"})
        else:
            keep.append(c)
    return keep, skipped


def fit_encoding(df: pd.DataFrame, columns: list[str]) -> list[dict[str, Any]]:
    """The encoding of ``columns`` learned from ``df`` (JSON-ready)."""
    out: list[dict[str, Any]] = []
    for c in columns:
        s = df[c]
        if pd.api.types.is_numeric_dtype(s):
            x = s.to_numpy(dtype=float)
            ok = x[~np.isnan(x)]
            if ok.size == 0:
                continue
            qs = np.quantile(ok, np.linspace(0, 1, N_BINS + 1)[1:-1])
            edges = sorted({float(q) for q in qs})
            out.append(
                {
                    "name": c,
                    "kind": "numeric",
                    "mean": float(ok.mean()),
                    "std": float(ok.std()) or 1.0,
                    "edges": edges,
                    "missing": bool(np.isnan(x).any()),
                }
            )
        else:
            counts = cell_texts(s).value_counts()
            levels = [str(v) for v, n in counts.items() if n >= MIN_LEVEL]
            out.append({"name": c, "kind": "categorical", "levels": levels})
    return out


def feature_names(encoding: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(column, part) of every design-matrix column, in order."""
    names: list[tuple[str, str]] = []
    for e in encoding:
        if e["kind"] == "numeric":
            names.append((e["name"], "z"))
            if e["missing"]:
                names.append((e["name"], MISSING))
            names += [(e["name"], f"bin{i}") for i in range(len(e["edges"]) + 1)]
        else:
            names += [(e["name"], lv) for lv in e["levels"]] + [(e["name"], OTHER)]
    return names


def design_matrix(df: pd.DataFrame, encoding: list[dict[str, Any]]) -> np.ndarray:
    """``df`` encoded as the model's inputs (float64, one row per customer). A column the
    encoding needs and ``df`` lacks is refused; a numeric column given as text is read as
    numbers (a non-number counts as missing)."""
    missing = [e["name"] for e in encoding if e["name"] not in df.columns]
    if missing:
        raise InputFileError(
            code="targeting.score_missing_columns",
            columns=", ".join(missing[:8]),
            found=", ".join(map(str, df.columns[:12])),
        )
    blocks: list[np.ndarray] = []
    n = len(df)
    for e in encoding:
        s = df[e["name"]]
        if e["kind"] == "numeric":
            x = pd.to_numeric(s, errors="coerce").to_numpy(dtype=float)
            nan = np.isnan(x)
            z = np.where(nan, 0.0, (np.nan_to_num(x) - e["mean"]) / e["std"])
            parts = [z[:, None]]
            if e["missing"]:
                parts.append(nan[:, None].astype(float))
            k = len(e["edges"]) + 1
            idx = np.searchsorted(np.asarray(e["edges"], dtype=float), np.nan_to_num(x), "right")
            onehot = np.zeros((n, k))
            onehot[np.arange(n)[~nan], idx[~nan]] = 1.0
            parts.append(onehot)
            blocks.append(np.hstack(parts))
        else:
            levels = e["levels"]
            idx = pd.Index(levels).get_indexer(cell_texts(s)).astype(int)
            idx[idx < 0] = len(levels)
            onehot = np.zeros((n, len(levels) + 1))
            onehot[np.arange(n), idx] = 1.0
            blocks.append(onehot)
    return np.hstack(blocks) if blocks else np.zeros((n, 0))


def score_frame(body: dict[str, Any], df: pd.DataFrame) -> np.ndarray:
    """Calibrated probabilities of ``df``'s customers under a stored model body (the logit of
    the encoded attributes, then the calibration map)."""
    x = design_matrix(df, body["encoding"])
    logit = x @ np.asarray(body["coefficients"], dtype=float) + float(body["intercept"])
    return calibrate(body["calibration"], logit)


def calibrate(cal: dict[str, Any], logit: np.ndarray) -> np.ndarray:
    """A model's logits as probabilities through its stored calibration map: ``isotonic``
    (points ``x`` → ``y``, linear between them, clipped at the ends) or ``platt``
    (``1 / (1 + exp(-(a·logit + b)))``)."""
    if cal["method"] == "isotonic":
        return np.interp(logit, np.asarray(cal["x"], float), np.asarray(cal["y"], float))
    return np.asarray(expit(float(cal["a"]) * logit + float(cal["b"])))
