"""How many users (and days) a test needs to see a given lift: the power planner.

- A rate: the two-sided z test on Cohen's arcsine effect size ``h = 2·asin√p₂ − 2·asin√p₁``
  (statsmodels ``NormalIndPower``), ``p₁`` the baseline and ``p₂ = p₁ + mde``.
- A mean: the two-sided two-sample t test on ``d = mde / sd`` (statsmodels ``TTestIndPower``);
  ``sd`` is the per-user standard deviation from past data.
- More than two groups: every pair is compared, so the alpha of each comparison is
  Bonferroni's ``alpha / m`` with ``m = groups·(groups − 1)/2`` pairs (Holm's correction, which
  the test uses, is never less powerful, so the figure is on the safe side).
- ``relative=True`` reads ``mde`` as a fraction of the baseline (0.1 = +10 %).
- Days: ``ceil(users per group × groups / daily_traffic)``.
"""

from __future__ import annotations

import math
from typing import Any

from socialops.errors import SettingsError

__all__ = ["plan_sample_size"]


def _check(field: str, value: float, ok: bool, rule: str) -> None:
    if not ok or value != value:
        raise SettingsError(code="abtest.power.bad_value", field=field, value=value, rule=rule)


def plan_sample_size(
    baseline: float,
    mde: float,
    *,
    kind: str = "rate",
    sd: float | None = None,
    alpha: float = 0.05,
    power: float = 0.8,
    groups: int = 2,
    daily_traffic: float | None = None,
    relative: bool = False,
) -> dict[str, Any]:
    """Users per group (and days at ``daily_traffic`` users a day, all groups together) to
    detect a difference of ``mde`` from ``baseline`` with probability ``power``."""
    from statsmodels.stats.power import NormalIndPower, TTestIndPower

    if kind not in ("rate", "mean"):
        raise SettingsError(code="abtest.bad_kind", value=kind, choices="mean, rate")
    _check("alpha", alpha, 0 < alpha < 0.5, "0 < alpha < 0.5")
    _check("power", power, 0.5 <= power < 1, "0.5 ≤ power < 1")
    _check("groups", groups, groups >= 2 and int(groups) == groups, "2 or more")
    if daily_traffic is not None:
        _check("daily_traffic", daily_traffic, daily_traffic > 0, "> 0")
    if mde <= 0 or mde != mde:
        raise SettingsError(code="abtest.power.bad_mde", value=mde)
    delta = mde * abs(baseline) if relative else mde
    comparisons = groups * (groups - 1) // 2
    a = alpha / comparisons
    target = baseline + delta
    if kind == "rate":
        if not (0 < baseline < 1 and 0 < target < 1):
            raise SettingsError(code="abtest.power.bad_rate", baseline=baseline, target=target)
        effect = 2 * math.asin(math.sqrt(target)) - 2 * math.asin(math.sqrt(baseline))
        n = NormalIndPower().solve_power(effect, alpha=a, power=power, ratio=1.0)
        method = "z test, arcsine effect size (Cohen's h)"
    else:
        if sd is None or sd <= 0 or sd != sd:
            raise SettingsError(code="abtest.power.need_sd")
        effect = delta / sd
        n = TTestIndPower().solve_power(effect, alpha=a, power=power, ratio=1.0)
        method = "two-sample t test, effect size d = mde / sd"
    per_group = math.ceil(float(n))
    total = per_group * groups
    days = math.ceil(total / daily_traffic) if daily_traffic else None
    return {
        "kind": kind,
        "baseline": baseline,
        "mde": delta,
        "target": target,
        "relative": relative,
        "sd": sd,
        "effect_size": effect,
        "alpha": alpha,
        "alpha_per_comparison": a,
        "comparisons": comparisons,
        "power": power,
        "groups": groups,
        "n_per_group": per_group,
        "total": total,
        "daily_traffic": daily_traffic,
        "days": days,
        "method": method,
    }


def power_text(plan: dict[str, Any], lang: str) -> str:
    """The plan in one sentence (ko/en)."""
    from socialops.i18n import render

    days_text = ""
    if plan["days"] is not None:
        days_text = render(
            "abtest.power.days", lang, {"traffic": int(plan["daily_traffic"]), "days": plan["days"]}
        )
    return render(
        "abtest.power.summary",
        lang,
        {
            "n": plan["n_per_group"],
            "total": plan["total"],
            "days_text": days_text,
            "alpha": plan["alpha"],
            "power": plan["power"],
            "comparisons": plan["comparisons"],
        },
    )
