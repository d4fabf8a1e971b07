"""The plain-language result of a test: which variant wins, by how much, how sure.

:func:`verdict_for` decides (a code and raw numbers, stable for scripts); :func:`verdict_text`
and :func:`warning_text` say it in Korean or English from the ``abtest.*`` catalogue
(:mod:`socialops.i18n.abtest`). A rate is shown in per cent and a difference of rates in
percentage points (%p); how sure follows the Holm-adjusted p-value.
"""

from __future__ import annotations

from typing import Any

from socialops.i18n import render, t

# ``result`` below is a socialops.measure.abtest.ABResult (not imported: abtest imports this)
ABResult = Any

__all__ = ["verdict_for", "verdict_text", "warning_text"]


def verdict_for(result: ABResult, higher_is_better: bool = True) -> dict[str, Any]:
    """``{code, params}``: ``srm`` (the split is off: do not trust), ``winner`` (one variant
    beats every other significantly), ``leaders`` (some variants beat the rest but not each
    other) or ``no_winner``."""
    if result.srm.get("mismatch"):
        return {"code": "abtest.verdict.srm", "params": {"p": result.srm["p_value"]}}
    sign = 1 if higher_is_better else -1
    ranked = sorted(result.groups, key=lambda g: -sign * g["value"])
    best = ranked[0]["group"]

    def cmp(x: str, y: str) -> dict[str, Any]:
        """The comparison of x and y oriented as x − y."""
        for c in result.comparisons:
            if (c["a"], c["b"]) == (x, y):
                return c
            if (c["a"], c["b"]) == (y, x):
                return {
                    **c,
                    "a": x,
                    "b": y,
                    "diff": -c["diff"],
                    "ci_low": -c["ci_high"],
                    "ci_high": -c["ci_low"],
                    "rel": (-c["diff"] / _value(result, x)) if _value(result, x) else None,
                }
        raise KeyError((x, y))  # pragma: no cover - every pair is compared  # fmt: skip

    def beats(x: str, y: str) -> bool:
        c = cmp(x, y)
        return bool(c["significant"]) and sign * c["diff"] > 0

    second = ranked[1]["group"]
    c = cmp(best, second)
    params = {
        "winner": best,
        "other": second,
        "value_a": _value(result, best),
        "value_b": _value(result, second),
        "diff": c["diff"],
        "ci_low": c["ci_low"],
        "ci_high": c["ci_high"],
        "rel": c["rel"],
        "p_adj": c["p_adj"],
        "ci_level": c.get("ci_level", 1 - result.alpha),
    }
    others = [g["group"] for g in ranked[1:]]
    if all(beats(best, o) for o in others):
        return {"code": "abtest.verdict.winner", "params": params}
    leaders = [
        g["group"]
        for g in ranked
        if not any(beats(h["group"], g["group"]) for h in ranked if h is not g)
    ]
    rest = [g["group"] for g in ranked if g["group"] not in leaders]
    if rest:
        return {
            "code": "abtest.verdict.leaders",
            "params": {**params, "leaders": leaders, "rest": rest},
        }
    return {"code": "abtest.verdict.no_winner", "params": params}


def _value(result: ABResult, group: str) -> float:
    return next(float(g["value"]) for g in result.groups if g["group"] == group)


def _pct(x: float | None, digits: int = 1) -> str:
    return "–" if x is None else f"{100 * x:.{digits}f}%"


def _num(x: float) -> str:
    a = abs(x)
    if a >= 1000:
        return f"{x:,.0f}"
    if a >= 10:
        return f"{x:,.1f}"
    if a >= 1:
        return f"{x:.2f}"
    return f"{x:.3g}"


def _diff(x: float, kind: str, lang: str) -> str:
    if kind == "rate":
        return f"{100 * x:+.2f}%p" if lang == "ko" else f"{100 * x:+.2f} pp"
    return ("+" if x >= 0 else "") + _num(x)


def _p(p: float) -> str:
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def _sure(p: float, alpha: float, lang: str) -> str:
    if p < 0.001:
        return t("abtest.sure.high", lang)
    if p < 0.01:
        return t("abtest.sure.mid", lang)
    if p < alpha:
        return t("abtest.sure.low", lang)
    return t("abtest.sure.none", lang)


def verdict_text(result: ABResult, lang: str) -> str:
    """The verdict in ``lang`` (one or two sentences)."""
    v = result.verdict
    p = v.get("params", {})
    if v["code"] == "abtest.verdict.srm":
        return render(v["code"], lang, {"p": _p(p["p"])})
    value = _pct if result.kind == "rate" else _num
    fmt = {
        "winner": p["winner"],
        "other": p["other"],
        "value_a": value(p["value_a"]),
        "value_b": value(p["value_b"]),
        "diff": _diff(p["diff"], result.kind, lang),
        "ci_low": _diff(p["ci_low"], result.kind, lang),
        "ci_high": _diff(p["ci_high"], result.kind, lang),
        "rel": _pct(p["rel"]) if p.get("rel") is not None else "–",
        "p_adj": _p(p["p_adj"]),
        "sure": _sure(p["p_adj"], result.alpha, lang),
        "level": f"{100 * p.get('ci_level', 1 - result.alpha):.4g}%",
        "leaders": ", ".join(p.get("leaders", [])),
        "rest": ", ".join(p.get("rest", [])),
    }
    return render(v["code"], lang, fmt)


def warning_text(w: dict[str, Any], lang: str, kind: str) -> str:
    """One warning in ``lang``."""
    p = dict(w.get("params", {}))
    for key in ("fpr", "alpha", "first"):
        if key in p:
            p[key] = _pct(p[key], 1 if key != "first" else 3)
    if "p" in p:
        p["p"] = _p(p["p"])
    if "skew" in p:
        p["skew"] = f"{p['skew']:.1f}"
    return render(w["code"], lang, p)
