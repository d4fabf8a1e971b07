"""Peeking: what looking at a running test does to its false-positive rate.

A test checked at ``k`` points while it runs, and stopped at the first "significant" result,
claims a difference that is not there far more often than its nominal alpha (Armitage, McPherson
& Rowe 1969: five looks at alpha 0.05 give about 14 %). :func:`peeking_fpr` computes that rate
for ``k`` equally spaced looks by simulating the z statistic as a Brownian motion (seeded, so the
figure is the same every run); :func:`obf_first_alpha` is the nominal alpha an O'Brien-Fleming
alpha-spending plan (Lan & DeMets 1983) would allow at the first of ``k`` looks, for the note
on how to stop early honestly.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import numpy as np
from scipy import stats

from socialops.measure import abtest_stats as st

__all__ = ["MAX_LOOKS", "early_days", "obf_first_alpha", "peeking_fpr"]

MAX_LOOKS = 100  # more looks than this are counted as this many (the rate grows slowly there)
_PATHS = 40_000


@lru_cache(maxsize=256)
def peeking_fpr(looks: int, alpha: float = 0.05) -> float:
    """The chance that at least one of ``looks`` equally spaced two-sided z tests at ``alpha``
    is significant when there is no difference (``alpha`` itself for one look)."""
    k = max(1, min(int(looks), MAX_LOOKS))
    if k == 1:
        return alpha
    rng = np.random.default_rng(20260101 + k)
    z = float(stats.norm.ppf(1 - alpha / 2))
    hit = np.zeros(_PATHS, dtype=bool)
    walk = np.zeros(_PATHS)
    for i in range(1, k + 1):
        walk += rng.standard_normal(_PATHS)
        hit |= np.abs(walk) / math.sqrt(i) > z
    return float(hit.mean())


def obf_first_alpha(looks: int, alpha: float = 0.05) -> float:
    """Alpha spent by the first of ``looks`` equally spaced looks under the Lan-DeMets
    O'Brien-Fleming spending function ``2 − 2Φ(z_{1−α/2} / √t)``."""
    t = 1 / max(1, looks)
    z = float(stats.norm.ppf(1 - alpha / 2))
    return float(2 - 2 * stats.norm.cdf(z / math.sqrt(t)))


def early_days(
    kind: str,
    arrays: Mapping[str, np.ndarray],
    days: Mapping[str, Any],
    alpha: float,
    pairs: list[tuple[str, str]],
) -> tuple[list[str], int]:
    """The days before the last on which the cumulative data would have shown a significant
    (Holm) difference, and the number of distinct days."""
    names = list(arrays)
    keyed = {k: np.asarray(days[k]) for k in names}
    every = np.unique(np.concatenate([keyed[k] for k in names]))
    if every.size < 2:
        return [], int(every.size)
    sums: dict[str, np.ndarray] = {}
    for k in names:
        idx = np.searchsorted(every, keyed[k])
        vals = arrays[k]
        n = np.cumsum(np.bincount(idx, minlength=every.size))
        s = np.cumsum(np.bincount(idx, weights=vals, minlength=every.size))
        q = np.cumsum(np.bincount(idx, weights=vals * vals, minlength=every.size))
        sums[k] = np.stack([n, s, q])
    early = []
    for d in range(every.size - 1):
        ps = []
        for a, b in pairs:
            na, sa, qa = sums[a][:, d]
            nb, sb, qb = sums[b][:, d]
            if min(na, nb) < 2:
                break
            if kind == "rate":
                ps.append(st.rate_diff_p(int(sa), int(na), int(sb), int(nb))[0])
            else:
                va = max(0.0, (qa - sa * sa / na) / (na - 1))
                vb = max(0.0, (qb - sb * sb / nb) / (nb - 1))
                if va + vb == 0:
                    break
                ps.append(st.welch(int(na), sa / na, va, int(nb), sb / nb, vb, alpha)[3])
        else:
            if ps and min(st.holm(ps)) < alpha:
                early.append(str(every[d]))
    return early, int(every.size)
