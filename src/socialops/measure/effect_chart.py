"""The campaign-effect chart as one inline SVG (no scripts, fonts or external resources; every
label escaped), in the style of the listening charts (:mod:`socialops.listen.charts`: their
tick rules, time axis and colours): three panels on one time axis —

1. observed KPI vs the counterfactual (pre-period: one-step-ahead predictions) with its 95 %
   band;
2. the effect per period (observed − predicted) with its band;
3. the cumulative effect over the campaign with its band.

A dashed line marks the campaign's start. A chart with nothing to draw is ``""``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from socialops.i18n import t
from socialops.listen.charts import PALETTE, nice_ticks, x_ticks

__all__ = ["effect_svg"]

_FONT = 'font-size="11"'
_OBS, _PRED = "#222222", PALETTE[0]
_BAND = PALETTE[0]
_W, _PANEL, _LEFT, _RIGHT, _GAP = 760, 170, 72, 16, 34


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _num(v: float) -> str:
    if abs(v) >= 100 or abs(v - round(v)) < 1e-9:
        return f"{round(v):,}"
    return f"{v:,.2f}".rstrip("0").rstrip(".")


def _path(xs: Sequence[float], ys: Sequence[float | None]) -> list[str]:
    runs: list[list[str]] = [[]]
    for x, y in zip(xs, ys, strict=True):
        if y is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append(f"{x:.1f},{y:.1f}")
    return [" ".join(r) for r in runs if r]


class _Panel:
    def __init__(self, top: float, n: int, values: list[float]) -> None:
        lo, hi = (min(values), max(values)) if values else (0.0, 1.0)
        lo, hi = min(lo, 0.0), max(hi, 0.0)
        self.ticks = nice_ticks(lo, hi if hi > lo else lo + 1, 4)
        self.lo, self.hi = self.ticks[0], self.ticks[-1]
        self.top, self.n = top, n
        self.pw = _W - _LEFT - _RIGHT

    def x(self, i: int) -> float:
        return _LEFT + (self.pw * i / (self.n - 1) if self.n > 1 else self.pw / 2)

    def y(self, v: float | None) -> float | None:
        if v is None:
            return None
        return self.top + _PANEL - (v - self.lo) / (self.hi - self.lo) * _PANEL

    def frame(self, title: str) -> list[str]:
        out = [
            f'<text x="{_LEFT}" y="{self.top - 6:.1f}" {_FONT} font-weight="bold">'
            f"{_e(title)}</text>"
        ]
        for tk in self.ticks:
            yy = self.y(tk) or 0.0
            out.append(
                f'<line x1="{_LEFT}" x2="{_LEFT + self.pw}" y1="{yy:.1f}" y2="{yy:.1f}" '
                f'stroke="{"#999" if tk == 0 else "#e5e5e5"}"/>'
            )
            out.append(
                f'<text x="{_LEFT - 6}" y="{yy + 4:.1f}" text-anchor="end" {_FONT}>'
                f"{_num(tk)}</text>"
            )
        return out

    def band(self, low: Sequence[float | None], high: Sequence[float | None], first: int) -> str:
        idx = [i for i in range(first, self.n) if low[i] is not None and high[i] is not None]
        if not idx:
            return ""
        up = [f"{self.x(i):.1f},{self.y(high[i]):.1f}" for i in idx]
        down = [f"{self.x(i):.1f},{self.y(low[i]):.1f}" for i in reversed(idx)]
        return (
            f'<polygon fill="{_BAND}" fill-opacity="0.18" stroke="none" '
            f'points="{" ".join(up + down)}"/>'
        )

    def line(self, values: Sequence[float | None], color: str, dash: str = "") -> list[str]:
        xs = [self.x(i) for i in range(self.n)]
        ys = [self.y(v) for v in values]
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        return [
            f'<polyline fill="none" stroke="{color}" stroke-width="1.4"{dashed} points="{p}"/>'
            for p in _path(xs, ys)
        ]


def effect_svg(result: Any, lang: str) -> str:
    """The chart of an :class:`~socialops.measure.effect.EffectResult` (or its ``to_dict()``)
    with its labels in ``lang``."""
    data: Mapping[str, Any] = result if isinstance(result, Mapping) else result.to_dict()
    rows = list(data.get("pre_period", [])) + list(data.get("pointwise", []))
    if len(rows) < 2:
        return ""
    n, n_pre = len(rows), len(data.get("pre_period", []))
    dates = [r["date"] for r in rows]
    obs = [r["observed"] for r in rows]
    pred = [r["predicted"] for r in rows]
    low = [r["predicted_low"] for r in rows]
    high = [r["predicted_high"] for r in rows]
    eff = [None if o is None or p is None else o - p for o, p in zip(obs, pred, strict=True)]
    eff_lo = [None if o is None or h is None else o - h for o, h in zip(obs, high, strict=True)]
    eff_hi = [None if o is None or lo is None else o - lo for o, lo in zip(obs, low, strict=True)]
    cum: list[float | None] = [None] * n_pre
    cum_lo: list[float | None] = [None] * n_pre
    cum_hi: list[float | None] = [None] * n_pre
    for c in data.get("cumulative", []):
        cum.append(c["effect"])
        cum_lo.append(c["effect_low"])
        cum_hi.append(c["effect_high"])

    def vals(*series: Sequence[float | None]) -> list[float]:
        return [float(v) for s in series for v in s if v is not None]

    legend_h = 24
    tops = [legend_h + 24 + k * (_PANEL + _GAP + 18) for k in range(3)]
    height = int(tops[2] + _PANEL + 44)
    title = t("effect.chart.title", lang)
    out = [
        f'<svg class="chart" viewBox="0 0 {_W} {height}" width="{_W}" height="{height}" '
        f'role="img" aria-label="{_e(title)}">',
        f"<title>{_e(title)}</title>",
    ]
    x = _LEFT
    for label, color, dash in (
        (t("effect.chart.observed", lang), _OBS, ""),
        (t("effect.chart.predicted", lang), _PRED, "5 3"),
    ):
        out.append(
            f'<line x1="{x}" x2="{x + 18}" y1="14" y2="14" stroke="{color}" stroke-width="2" '
            f'stroke-dasharray="{dash}"/>'
        )
        out.append(f'<text x="{x + 22}" y="18" {_FONT}>{_e(label)}</text>')
        x += 40 + int(sum(11 if ord(c) >= 0x1100 else 6.6 for c in label))
    out.append(
        f'<rect x="{x}" y="8" width="18" height="12" fill="{_BAND}" fill-opacity="0.18"/>'
        f'<text x="{x + 22}" y="18" {_FONT}>{_e(t("effect.chart.band", lang))}</text>'
    )
    panels = [
        (_Panel(tops[0], n, vals(obs, low, high)), "", obs, pred, low, high),
        (
            _Panel(tops[1], n, vals(eff_lo, eff_hi)),
            "effect.chart.pointwise",
            None,
            eff,
            eff_lo,
            eff_hi,
        ),
        (
            _Panel(tops[2], n, vals(cum_lo, cum_hi)),
            "effect.chart.cumulative",
            None,
            cum,
            cum_lo,
            cum_hi,
        ),
    ]
    for panel, key, observed, mid, lo, hi in panels:
        out += panel.frame(t(key, lang) if key else "")
        out.append(panel.band(lo, hi, 0))
        if observed is not None:
            out += panel.line(observed, _OBS)
        out += panel.line(mid, _PRED, "5 3")
        xs = panel.x(n_pre) if n_pre < n else panel.x(n - 1)
        out.append(
            f'<line x1="{xs:.1f}" x2="{xs:.1f}" y1="{panel.top}" y2="{panel.top + _PANEL}" '
            f'stroke="#888" stroke-dasharray="3 3"><title>{_e(t("effect.chart.start", lang))} '
            f"{_e(dates[min(n_pre, n - 1)])}</title></line>"
        )
    base = tops[2] + _PANEL
    pw = _W - _LEFT - _RIGHT
    for i, label, line2 in x_ticks(dates, pw, lang):
        xx = panels[2][0].x(i)
        out.append(f'<line x1="{xx:.1f}" x2="{xx:.1f}" y1="{base}" y2="{base + 4}" stroke="#999"/>')
        out.append(
            f'<text x="{xx:.1f}" y="{base + 16}" text-anchor="middle" {_FONT}>{_e(label)}</text>'
        )
        if line2:
            out.append(
                f'<text x="{xx:.1f}" y="{base + 30}" text-anchor="middle" {_FONT} fill="#555">'
                f"{_e(line2)}</text>"
            )
    out.append("</svg>")
    return "\n".join(o for o in out if o)
