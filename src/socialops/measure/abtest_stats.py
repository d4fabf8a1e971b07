"""The statistics behind :mod:`socialops.measure.abtest`, on per-group summaries.

Every function here works on sufficient statistics (n, mean, variance; or n and successes), so a
test on a million rows costs no more than one on a hundred once the groups are summed.

- Means: Student t interval per group; Welch's t for a difference (Welch-Satterthwaite degrees of
  freedom), which does not assume equal variances. A percentile bootstrap is in
  :func:`bootstrap_mean_diff` for skewed data (see :func:`cochran_ok`).
- Rates: Wilson score interval per group (or exact Clopper-Pearson); Newcombe's hybrid score
  interval for a difference (method 10 of Newcombe 1998), which keeps its coverage near 0 % and
  100 % where the Wald interval does not; the pooled two-proportion z test for its p-value, or
  Fisher's exact test when an expected cell count is below 5.
- Holm's step-down adjustment of p-values over all pairwise comparisons.

The formulas are written out rather than taken from statsmodels so that the CLI does not pay
statsmodels' import time; the tests check each against statsmodels and scipy.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy import stats

__all__ = [
    "bootstrap_diffs",
    "bootstrap_mean_ci",
    "bootstrap_p",
    "clopper_pearson",
    "cochran_ok",
    "holm",
    "newcombe_diff",
    "rate_diff_p",
    "t_interval",
    "welch",
    "wilson",
]


def t_interval(n: int, mean: float, var: float, alpha: float) -> tuple[float, float]:
    """Student t interval for one mean (``var``: the sample variance, ddof 1)."""
    half = stats.t.ppf(1 - alpha / 2, n - 1) * math.sqrt(var / n)
    return mean - half, mean + half


def welch(
    n1: int, m1: float, v1: float, n2: int, m2: float, v2: float, alpha: float
) -> tuple[float, float, float, float]:
    """Welch's t for ``m1 − m2``: (diff, ci_low, ci_high, two-sided p)."""
    a, b = v1 / n1, v2 / n2
    se = math.sqrt(a + b)
    diff = m1 - m2
    if se == 0:
        return diff, diff, diff, (1.0 if diff == 0 else 0.0)
    df = (a + b) ** 2 / (a * a / (n1 - 1) + b * b / (n2 - 1))
    t = diff / se
    p = float(2 * stats.t.sf(abs(t), df))
    half = float(stats.t.ppf(1 - alpha / 2, df)) * se
    return diff, diff - half, diff + half, p


def wilson(k: int, n: int, alpha: float) -> tuple[float, float]:
    """Wilson score interval for ``k`` successes in ``n``."""
    z = float(stats.norm.ppf(1 - alpha / 2))
    p = k / n
    den = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return max(0.0, centre - half), min(1.0, centre + half)


def clopper_pearson(k: int, n: int, alpha: float) -> tuple[float, float]:
    """Exact (Clopper-Pearson) interval for ``k`` successes in ``n``."""
    lo = 0.0 if k == 0 else float(stats.beta.ppf(alpha / 2, k, n - k + 1))
    hi = 1.0 if k == n else float(stats.beta.ppf(1 - alpha / 2, k + 1, n - k))
    return lo, hi


def newcombe_diff(k1: int, n1: int, k2: int, n2: int, alpha: float) -> tuple[float, float]:
    """Newcombe's hybrid score interval for ``k1/n1 − k2/n2`` (from the two Wilson intervals)."""
    p1, p2 = k1 / n1, k2 / n2
    l1, u1 = wilson(k1, n1, alpha)
    l2, u2 = wilson(k2, n2, alpha)
    d = p1 - p2
    lo = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    hi = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return lo, hi


def rate_diff_p(k1: int, n1: int, k2: int, n2: int) -> tuple[float, str]:
    """Two-sided p of ``p1 = p2``: pooled z test, or Fisher's exact test when an expected cell
    count is under 5 (where the normal approximation is poor). Returns (p, which)."""
    pooled = (k1 + k2) / (n1 + n2)
    expected = (n1 * pooled, n1 * (1 - pooled), n2 * pooled, n2 * (1 - pooled))
    if min(expected) < 5:
        table = [[k1, n1 - k1], [k2, n2 - k2]]
        return float(stats.fisher_exact(table).pvalue), "fisher"
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        return 1.0, "z"
    z = (k1 / n1 - k2 / n2) / se
    return float(2 * stats.norm.sf(abs(z))), "z"


def holm(pvalues: Sequence[float]) -> list[float]:
    """Holm's step-down adjusted p-values (same order as given)."""
    m = len(pvalues)
    order = sorted(range(m), key=lambda i: pvalues[i])
    adjusted = [0.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * pvalues[i]))
        adjusted[i] = running
    return adjusted


def cochran_ok(n: int, skew: float) -> bool:
    """Cochran's rule for when the mean is near enough to normal for t intervals:
    ``n > 25 · skewness²`` (Cochran 1977; also Boos & Hughes-Oliver 2000)."""
    return n > 25 * skew * skew


BOOT_MAX_ROWS = 200_000  # above this, the bootstrap is not attempted (t intervals instead)


def bootstrap_diffs(x: np.ndarray, y: np.ndarray, *, reps: int = 4000, seed: int = 0) -> np.ndarray:
    """``reps`` percentile-bootstrap replicates of ``mean(x) − mean(y)`` (each group resampled
    on its own, in chunks of at most 20 M draws)."""
    rng = np.random.default_rng(seed)
    chunk = max(1, min(reps, 20_000_000 // max(len(x), len(y), 1)))
    diffs = np.empty(reps)
    done = 0
    while done < reps:
        r = min(chunk, reps - done)
        bx = x[rng.integers(0, len(x), size=(r, len(x)))].mean(axis=1)
        by = y[rng.integers(0, len(y), size=(r, len(y)))].mean(axis=1)
        diffs[done : done + r] = bx - by
        done += r
    return diffs


def bootstrap_p(diffs: np.ndarray) -> float:
    """Two-sided bootstrap p of no difference: twice the smaller share of replicates on either
    side of 0 (at least 1/reps)."""
    p = 2 * min(float(np.mean(diffs <= 0)), float(np.mean(diffs >= 0)))
    return max(min(p, 1.0), 1 / diffs.size)


def bootstrap_mean_ci(
    x: np.ndarray, alpha: float, *, reps: int = 4000, seed: int = 0
) -> tuple[float, float]:
    """Percentile bootstrap interval of one mean."""
    rng = np.random.default_rng(seed)
    chunk = max(1, min(reps, 20_000_000 // max(len(x), 1)))
    means = np.empty(reps)
    done = 0
    while done < reps:
        r = min(chunk, reps - done)
        means[done : done + r] = x[rng.integers(0, len(x), size=(r, len(x)))].mean(axis=1)
        done += r
    lo, hi = np.quantile(means, [alpha / 2, 1 - alpha / 2])
    return float(lo), float(hi)


def skewness(x: np.ndarray) -> float:
    """Sample skewness (0 for a constant), from two dot products (fast on a million rows)."""
    d = x - x.mean()
    m2 = float(np.dot(d, d)) / x.size
    if m2 == 0:
        return 0.0
    return float(np.dot(d * d, d)) / x.size / m2**1.5
