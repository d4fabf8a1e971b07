"""Promotion and creative tests: two or more variants on a mean metric or a rate.

:func:`ab_test` takes each variant's values; :func:`abtest_file` reads them from a file
(:mod:`socialops.measure.abtest_read`). What it does, and when:

- **Means** (``kind="mean"``): each group's mean with a Student t interval; each pair's
  difference with Welch's t (no equal-variance assumption). Welch is the default (``auto``)
  even for skewed data: in ``bench/abtest.py`` a percentile bootstrap covered a known
  difference of small, very skewed groups (lognormal, n = 80) less often than Welch (90 % vs
  94 % for a nominal 95 %) and gave more false positives, so the bootstrap is an option
  (``method="bootstrap"``: 4,000 resamples, seed 0, up to 200,000 rows), not the fallback. A
  group too skewed for the t approximation by Cochran's rule (``n ≤ 25·skew²``) gets a
  warning that its intervals are approximate.
- **Rates** (``kind="rate"``, values 0/1): Wilson intervals per group (``method="exact"``:
  Clopper-Pearson); Newcombe's score interval for a difference; pooled z test (Fisher's exact
  test when an expected count is under 5).
- Every pair is compared (``diff = value(a) − value(b)``, a the later group, or the variant
  when ``control`` is named); p-values are Holm-adjusted over all pairs and ``significant``
  means ``p_adj < alpha``. Each difference's interval is at Holm's level for that comparison
  (``1 − alpha/(m − rank)``, rank 0 for the smallest p; ``ci_level`` says which), so it
  excludes 0 exactly when the comparison is significant (for rates, up to the z test and
  Newcombe's interval disagreeing at the margin); for two groups it is the plain 95 %.
- Sample-ratio mismatch: a chi-square test of the group sizes against ``expected_split``
  (default equal); ``p < 0.001`` is a mismatch and the verdict says not to trust the result.
- Peeking: given ``looks`` or the rows' days, a warning with the false-positive rate of
  stopping at the first significant look (:mod:`socialops.measure.abtest_peek`), and with days,
  the days on which the result would already have looked significant.
- Refused (:class:`DataError`): one group, a constant metric, a group under ``min_rows`` rows,
  a rate metric that is not 0/1.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np
from scipy import stats

from socialops.errors import DataError, SettingsError
from socialops.measure import abtest_stats as st
from socialops.measure.abtest_peek import early_days, obf_first_alpha, peeking_fpr
from socialops.measure.abtest_verdict import verdict_for, verdict_text, warning_text

__all__ = [
    "MIN_ROWS",
    "SRM_ALPHA",
    "ABResult",
    "ab_test",
    "abtest_file",
    "verdict_text",
]

MIN_ROWS = 10
SRM_ALPHA = 0.001
KINDS = ("mean", "rate")
METHODS = ("auto", "welch", "bootstrap", "wilson", "exact")


@dataclass
class ABResult:
    """A finished test; :meth:`to_dict` is the CLI's and the API's JSON."""

    kind: str
    method: str
    alpha: float
    groups: list[dict[str, Any]]
    comparisons: list[dict[str, Any]]
    srm: dict[str, Any]
    warnings: list[dict[str, Any]] = field(default_factory=list)
    verdict: dict[str, Any] = field(default_factory=dict)
    peeking: dict[str, Any] | None = None
    diff_ci_level: float = 0.95

    def to_dict(self, lang: str | None = None) -> dict[str, Any]:
        from socialops.i18n import default_lang

        lang = lang or default_lang()
        return {
            "kind": self.kind,
            "method": self.method,
            "alpha": self.alpha,
            "diff_ci_level": round(self.diff_ci_level, 6),
            "groups": [_clean(g) for g in self.groups],
            "comparisons": [_clean(c) for c in self.comparisons],
            "srm": _clean(self.srm),
            "peeking": _clean(self.peeking) if self.peeking else None,
            "warnings": [
                {**_clean(w), "text": warning_text(w, lang, self.kind)} for w in self.warnings
            ],
            "verdict": {**_clean(self.verdict), "text": verdict_text(self, lang)},
        }


def _clean(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_clean(v) for v in obj]
    if isinstance(obj, float | np.floating):
        f = float(obj)
        return None if math.isnan(f) or math.isinf(f) else float(f"{f:.10g}")
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.bool_):
        return bool(obj)
    return obj


# -- inputs ------------------------------------------------------------------------------------

_YES = {"1", "1.0", "yes", "y", "true", "t", "전환", "예", "네", "o", "converted", "성공"}
_NO = {"0", "0.0", "no", "n", "false", "f", "미전환", "비전환", "아니오", "아니요", "x", "실패"}


def as_binary(values: Sequence[Any]) -> np.ndarray | None:
    """0/1 floats when every value reads as yes/no (1/0, true/false, 전환/미전환 …), else None."""
    out = np.empty(len(values))
    for i, v in enumerate(values):
        if isinstance(v, bool | np.bool_):
            out[i] = float(v)
            continue
        s = str(v).strip().lower()
        if s in _YES:
            out[i] = 1.0
        elif s in _NO:
            out[i] = 0.0
        else:
            return None
    return out


def _to_array(values: Any, kind: str | None) -> np.ndarray:
    if isinstance(values, np.ndarray) and values.dtype.kind in "fiub":
        return values.astype(float, copy=False)
    vals = list(values)
    try:
        return np.asarray(vals, dtype=float)
    except (TypeError, ValueError):
        pass
    binary = as_binary(vals)
    if binary is None:
        raise DataError(code="abtest.not_numeric", kind=kind or "mean")
    return binary


def infer_kind(arrays: Sequence[np.ndarray]) -> str:
    """``rate`` when every value is 0 or 1, else ``mean``."""
    for a in arrays:
        if a.size and not np.all((a == 0) | (a == 1)):
            return "mean"
    return "rate"


# -- the test ------------------------------------------------------------------------------------


def ab_test(
    groups: Mapping[str, Any],
    *,
    kind: str | None = None,
    expected_split: Mapping[str, float] | Sequence[float] | None = None,
    alpha: float = 0.05,
    method: str = "auto",
    control: str | None = None,
    looks: int | None = None,
    days: Mapping[str, Any] | None = None,
    higher_is_better: bool = True,
    min_rows: int = MIN_ROWS,
    seed: int = 0,
) -> ABResult:
    """Compare the groups' metric (``{group: values}``); see the module docstring. ``days``:
    per group, each row's day (any sortable value aligned with the values) for the peeking check;
    ``looks``: how many times the result was looked at while the test ran."""
    if not 0 < alpha < 0.5:
        raise SettingsError(code="abtest.bad_alpha", value=alpha)
    if kind is not None and kind not in KINDS:
        raise SettingsError(code="abtest.bad_kind", value=kind, choices=", ".join(KINDS))
    if method not in METHODS:
        raise SettingsError(code="abtest.bad_method", value=method, choices=", ".join(METHODS))
    arrays: dict[str, np.ndarray] = {}
    dropped = 0
    for name, vals in groups.items():
        a = _to_array(vals, kind)
        keep = ~np.isnan(a)
        dropped += int(a.size - keep.sum())
        arrays[str(name)] = a[keep] if dropped else a
        if days is not None and dropped:
            days = {**days, name: np.asarray(days[name])[keep]}
    if len(arrays) < 2:
        raise DataError(code="abtest.one_group", groups=len(arrays))
    if control is not None and control not in arrays:
        raise SettingsError(code="abtest.unknown_control", value=control, choices=", ".join(arrays))
    for name, a in arrays.items():
        if a.size < min_rows:
            raise DataError(code="abtest.too_few", group=name, n=int(a.size), min=min_rows)
    every = np.concatenate(list(arrays.values()))
    if np.all(every == every[0]):
        raise DataError(code="abtest.constant", value=float(every[0]))
    kind = kind or infer_kind(list(arrays.values()))
    if kind == "rate" and not np.all((every == 0) | (every == 1)):
        raise DataError(code="abtest.not_binary")
    warnings: list[dict[str, Any]] = []
    if dropped:
        warnings.append({"code": "abtest.warn.dropped", "params": {"rows": dropped}})
    if kind == "mean":
        result = _mean_test(arrays, alpha, method, control, seed, warnings)
    else:
        result = _rate_test(arrays, alpha, method, control)
    result.warnings = warnings + result.warnings
    result.srm = _srm(arrays, expected_split)
    if result.srm["mismatch"]:
        result.warnings.append({"code": "abtest.warn.srm", "params": {"p": result.srm["p_value"]}})
    _peeking(result, arrays, days, looks, control)
    result.verdict = verdict_for(result, higher_is_better)
    return result


def _pairs(names: list[str], control: str | None) -> list[tuple[str, str]]:
    """(a, b) pairs: the later group against the earlier, the variant against the control."""
    out = [(b, a) for a, b in combinations(names, 2)]
    if control is not None:
        out = [(b, a) if a == control else (a, b) for a, b in out]
        out.sort(key=lambda p: p[1] != control)
    return out


def _summaries(arrays: Mapping[str, np.ndarray]) -> dict[str, tuple[int, float, float]]:
    return {
        k: (int(a.size), float(a.mean()), float(a.var(ddof=1)) if a.size > 1 else 0.0)
        for k, a in arrays.items()
    }


def _mean_test(
    arrays: dict[str, np.ndarray],
    alpha: float,
    method: str,
    control: str | None,
    seed: int,
    warnings: list[dict[str, Any]],
) -> ABResult:
    if method in ("wilson", "exact"):
        raise SettingsError(
            code="abtest.bad_method", value=method, choices="auto, welch, bootstrap"
        )
    summ = _summaries(arrays)
    if all(v == 0 for _, _, v in summ.values()):
        raise DataError(code="abtest.no_variance")
    total = sum(a.size for a in arrays.values())
    skews = {k: st.skewness(a) for k, a in arrays.items()}
    skewed = [
        (k, s, arrays[k].size) for k, s in skews.items() if not st.cochran_ok(arrays[k].size, s)
    ]
    use_boot = method == "bootstrap"
    if use_boot and total > st.BOOT_MAX_ROWS:
        use_boot = False
        warnings.append({"code": "abtest.warn.skew_big", "params": {"rows": total}})
    if skewed:
        k, s, n = skewed[0]
        warnings.append({"code": "abtest.warn.skewed", "params": {"group": k, "skew": s, "n": n}})
    names = list(arrays)
    pairs = _pairs(names, control)
    groups = []
    for i, k in enumerate(names):
        n, m, v = summ[k]
        if use_boot:
            lo, hi = st.bootstrap_mean_ci(arrays[k], alpha, seed=seed + i)
        else:
            lo, hi = st.t_interval(n, m, v, alpha) if v > 0 else (m, m)
        groups.append({"group": k, "n": n, "value": m, "ci_low": lo, "ci_high": hi, "sd": v**0.5})
    comps: list[dict[str, Any]] = []
    boots: list[np.ndarray] = []
    for j, (a, b) in enumerate(pairs):
        diff, _, _, p = st.welch(*summ[a], *summ[b], alpha)
        if use_boot:
            diffs = st.bootstrap_diffs(arrays[a], arrays[b], seed=seed + 1000 + j)
            p = st.bootstrap_p(diffs)
            boots.append(diffs)
        comps.append({"a": a, "b": b, "diff": diff, "p": p})
    levels = _adjust(comps, summ, alpha)
    for j, (c, level) in enumerate(zip(comps, levels, strict=True)):
        if use_boot:
            lo, hi = np.quantile(boots[j], [level / 2, 1 - level / 2])
        else:
            _, lo, hi, _ = st.welch(*summ[c["a"]], *summ[c["b"]], level)
        c["ci_low"], c["ci_high"], c["ci_level"] = float(lo), float(hi), 1 - level
    return ABResult(
        "mean", "bootstrap" if use_boot else "welch", alpha, groups, comps, {}, [], {},
        diff_ci_level=1 - min(levels),
    )  # fmt: skip


def _rate_test(
    arrays: dict[str, np.ndarray], alpha: float, method: str, control: str | None
) -> ABResult:
    if method in ("welch", "bootstrap"):
        raise SettingsError(code="abtest.bad_method", value=method, choices="auto, wilson, exact")
    exact = method == "exact"
    counts = {k: (int(a.size), int(a.sum())) for k, a in arrays.items()}
    names = list(arrays)
    pairs = _pairs(names, control)
    groups = []
    for k in names:
        n, x = counts[k]
        lo, hi = st.clopper_pearson(x, n, alpha) if exact else st.wilson(x, n, alpha)
        groups.append(
            {"group": k, "n": n, "value": x / n, "ci_low": lo, "ci_high": hi, "successes": x}
        )
    comps: list[dict[str, Any]] = []
    for a, b in pairs:
        (na, xa), (nb, xb) = counts[a], counts[b]
        p, test = st.rate_diff_p(xa, na, xb, nb)
        comps.append({"a": a, "b": b, "diff": xa / na - xb / nb, "p": p, "test": test})
    levels = _adjust(comps, {k: (n, x / n, 0.0) for k, (n, x) in counts.items()}, alpha)
    for c, level in zip(comps, levels, strict=True):
        (na, xa), (nb, xb) = counts[c["a"]], counts[c["b"]]
        c["ci_low"], c["ci_high"] = st.newcombe_diff(xa, na, xb, nb, level)
        c["ci_level"] = 1 - level
    name = "clopper-pearson" if exact else "wilson"
    return ABResult("rate", name, alpha, groups, comps, {}, [], {}, diff_ci_level=1 - min(levels))


def _adjust(comps: list[dict[str, Any]], summ: Mapping[str, Any], alpha: float) -> list[float]:
    """Holm-adjust the comparisons' p-values (``p_adj``, ``significant``, ``rel``) and return
    each one's interval level: ``alpha / (m − rank)`` for the comparison ranked ``rank`` by p,
    Holm's own threshold for it, so an interval excludes 0 when the comparison is significant
    (up to the z test / score interval difference for rates)."""
    m = len(comps)
    ps = [c["p"] for c in comps]
    rank = {i: r for r, i in enumerate(sorted(range(m), key=lambda i: ps[i]))}
    for c, p_adj in zip(comps, st.holm(ps), strict=True):
        c["p_adj"] = p_adj
        c["significant"] = bool(p_adj < alpha)
        base = summ[c["b"]][1]
        c["rel"] = c["diff"] / base if base else None
    return [alpha / (m - rank[i]) for i in range(m)]


def _srm(
    arrays: Mapping[str, np.ndarray], expected: Mapping[str, float] | Sequence[float] | None
) -> dict[str, Any]:
    names = list(arrays)
    observed = np.array([arrays[k].size for k in names], dtype=float)
    if expected is None:
        weights = np.ones(len(names))
    elif isinstance(expected, Mapping):
        missing = [k for k in names if k not in expected]
        if missing:
            raise SettingsError(code="abtest.split_missing", group=missing[0])
        weights = np.array([float(expected[k]) for k in names])
    else:
        weights = np.array([float(w) for w in expected])
        if weights.size != len(names):
            raise SettingsError(
                code="abtest.split_size", given=int(weights.size), groups=len(names)
            )
    if np.any(weights <= 0):
        raise SettingsError(code="abtest.split_size", given=int(weights.size), groups=len(names))
    exp = weights / weights.sum() * observed.sum()
    chi2, p = stats.chisquare(observed, exp)
    return {
        "p_value": float(p),
        "chi2": float(chi2),
        "observed": {k: int(o) for k, o in zip(names, observed, strict=True)},
        "expected": {k: float(e) for k, e in zip(names, exp, strict=True)},
        "mismatch": bool(p < SRM_ALPHA),
        "threshold": SRM_ALPHA,
    }


def _peeking(
    result: ABResult,
    arrays: Mapping[str, np.ndarray],
    days: Mapping[str, Any] | None,
    looks: int | None,
    control: str | None,
) -> None:
    early: list[str] = []
    n_days = 0
    if days is not None:
        early, n_days = early_days(
            result.kind, arrays, days, result.alpha, _pairs(list(arrays), control)
        )
    k = looks if looks is not None else n_days
    if k is None or k < 2:
        return
    fpr = peeking_fpr(k, result.alpha)
    result.peeking = {
        "looks": k,
        "days": n_days or None,
        "false_positive_rate": fpr,
        "obf_first_alpha": obf_first_alpha(k, result.alpha),
        "significant_before_end": early,
    }
    result.warnings.append(
        {"code": "abtest.warn.peeking", "params": {"looks": k, "fpr": fpr, "alpha": result.alpha,
         "first": obf_first_alpha(k, result.alpha)}}
    )  # fmt: skip
    final = any(c["significant"] for c in result.comparisons)
    if early and not final:
        result.warnings.append(
            {"code": "abtest.warn.early_flip", "params": {"first": early[0], "days": len(early)}}
        )


def abtest_file(path: Any, *, group_col: str, metric_col: str, kind: str | None = None,
                time_col: str | None = None, encoding: str | None = None,
                delimiter: str | None = None, **options: Any) -> ABResult:  # fmt: skip
    """:func:`ab_test` on a file's ``group_col`` and ``metric_col`` (CSV incl. CP949, TSV, XLSX,
    JSONL, Parquet; :func:`socialops.measure.abtest_read.read_groups`); ``time_col`` (a date or
    timestamp per row) feeds the peeking check. ``options`` go to :func:`ab_test`."""
    from socialops.measure.abtest_read import read_groups

    groups, days = read_groups(
        path,
        group_col=group_col,
        metric_col=metric_col,
        time_col=time_col,
        encoding=encoding,
        delimiter=delimiter,
    )
    return ab_test(groups, kind=kind, days=days, **options)
