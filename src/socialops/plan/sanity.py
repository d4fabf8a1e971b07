"""KPI targets checked against their baselines: a target that is met before the plan starts (at
or below its baseline, for a KPI where higher is better; at or above it where lower is better),
or one absurdly far from it, is worth a warning before anyone reports "725 % 초과 달성".

Rule: with a baseline ``b > 0`` and a target ``t``, for a KPI where higher is better, ``t <= b``
is ``met_already`` and ``t > FAR × b`` is ``far_above``; where lower is better (CPA, response
time) the same with the roles swapped (``t >= b``, ``t < b / FAR``). Cumulative KPIs (reach,
clicks, conversions) compare totals over windows of the same length, as the baselines are
measured (:func:`socialops.plan.service.fill_baselines`).
"""

from __future__ import annotations

from typing import Any

from socialops.domain.kpis import LIBRARY
from socialops.domain.plan import KpiTarget, Plan
from socialops.i18n import both

__all__ = ["FAR", "check_target", "target_checks"]

FAR = 10.0  # a target more than ten times its baseline (or a tenth, lower-is-better) is absurd


def _fmt(v: float) -> str:
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:,.4g}"


def check_target(target: KpiTarget) -> dict[str, Any] | None:
    """The warning for one target (``None``: fine, or no baseline to compare with)."""
    b, t = target.baseline, target.target
    if b is None or b <= 0 or t is None:
        return None
    kpi = LIBRARY.get(target.kpi)
    lower = kpi is not None and kpi.better == "lower"
    if lower:
        why = "met_already" if t >= b else ("far_above" if t * FAR < b else None)
    else:
        why = "met_already" if t <= b else ("far_above" if t > FAR * b else None)
    if why is None:
        return None
    name_ko = kpi.name_ko if kpi else target.kpi
    name_en = kpi.name_en if kpi else target.kpi
    times = f"{(t / b if not lower else b / t):,.1f}" if t else "∞"
    params = {"target": _fmt(t), "baseline": _fmt(b), "times": times}
    ko, _ = both(f"kpi.sanity.{why}", kpi=name_ko, **params)
    _, en = both(f"kpi.sanity.{why}", kpi=name_en, **params)
    return {
        "kpi": target.kpi,
        "channel": target.channel,
        "topic": target.topic,
        "target": t,
        "baseline": b,
        "why": why,
        "ko": ko,
        "en": en,
    }


def target_checks(plan: Plan) -> list[dict[str, Any]]:
    """The warnings for every KPI target of ``plan`` (see the module's rule)."""
    return [w for w in (check_target(k) for k in plan.kpis) if w is not None]
