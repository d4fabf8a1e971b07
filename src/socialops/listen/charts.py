"""Charts as inline SVG strings for the self-contained HTML report: no scripts, no fonts, no
external resources, every label escaped.

- :func:`line_chart`: several series over periods (volume, net sentiment), with optional
  markers (spikes);
- :func:`stacked_bars`: horizontal 100 % stacked bars (sentiment shares, share of voice);
- :func:`hbar_chart`: horizontal bars of labelled values (association words).

A chart with nothing to draw returns ``""``: the report shows a message instead.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

__all__ = ["PALETTE", "SENTIMENT_COLORS", "hbar_chart", "line_chart", "nice_ticks", "stacked_bars"]

PALETTE = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)
SENTIMENT_COLORS = {"positive": "#2ca02c", "neutral": "#b0b0b0", "negative": "#d62728"}
_FONT = 'font-size="11"'  # the page's font (Korean-capable stack in the report CSS)


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _num(v: float) -> str:
    """Tick label: thousands separators, at most two decimals."""
    if abs(v - round(v)) < 1e-9:
        return f"{round(v):,}"
    return f"{v:,.2f}".rstrip("0").rstrip(".")


def nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """About ``n`` round tick values covering ``lo``..``hi``."""
    if hi <= lo:
        hi = lo + 1.0
    raw = (hi - lo) / max(n, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    start = math.floor(lo / step) * step
    ticks: list[float] = []
    v = start
    while v < hi + step * 0.999:
        ticks.append(round(v, 10))
        v += step
    return ticks


def _svg_open(width: int, height: int, title: str) -> list[str]:
    return [
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{_e(title)}">',
        f"<title>{_e(title)}</title>",
    ]


def _legend(names: Sequence[str], colors: Sequence[str], x: int, y: int, width: int) -> list[str]:
    out: list[str] = []
    cx, cy = x, y
    for name, color in zip(names, colors, strict=True):
        label = name if len(name) <= 24 else name[:23] + "…"
        w = 18 + 7 * len(label) + 16
        if cx + w > x + width and cx > x:
            cx, cy = x, cy + 16
        out.append(f'<rect x="{cx}" y="{cy - 9}" width="12" height="10" fill="{color}"/>')
        out.append(f'<text x="{cx + 16}" y="{cy}" {_FONT}>{_e(label)}</text>')
        cx += w
    return out


def _legend_height(names: Sequence[str], width: int) -> int:
    rows, cx = 1, 0
    for name in names:
        w = 18 + 7 * min(len(name), 24) + 16
        if cx + w > width and cx > 0:
            rows, cx = rows + 1, 0
        cx += w
    return rows * 16


def line_chart(
    periods: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    title: str,
    width: int = 760,
    height: int = 280,
    y_min: float | None = None,
    y_max: float | None = None,
    markers: Sequence[tuple[int, int, str]] = (),
    colors: Sequence[str] | None = None,
) -> str:
    """A line per series over ``periods``; ``None`` values leave a gap. ``markers`` are
    ``(series index, period index, tooltip)`` drawn as red rings (spikes)."""
    values = [float(v) for _, s in series for v in s if v is not None]
    if not periods or not series or not values:
        return ""
    colors = list(colors or [PALETTE[i % len(PALETTE)] for i in range(len(series))])
    lo = min(values) if y_min is None else y_min
    hi = max(values) if y_max is None else y_max
    lo = min(lo, 0.0) if y_min is None else lo
    ticks = nice_ticks(lo, hi if hi > lo else lo + 1)
    lo, hi = ticks[0], ticks[-1]
    legend_h = _legend_height([n for n, _ in series], width - 80)
    left, right, top, bottom = 64, 16, 12 + legend_h + 8, 40
    pw, ph = width - left - right, height - top - bottom
    n = len(periods)

    def x(i: int) -> float:
        return left + (pw * i / (n - 1) if n > 1 else pw / 2)

    def y(v: float) -> float:
        return top + ph - (v - lo) / (hi - lo) * ph

    out = _svg_open(width, height, title)
    out += _legend([n for n, _ in series], colors, left, 12 + 9, pw)
    for t in ticks:
        yy = y(t)
        out.append(
            f'<line x1="{left}" x2="{left + pw}" y1="{yy:.1f}" y2="{yy:.1f}" stroke="#e5e5e5"/>'
        )
        out.append(
            f'<text x="{left - 6}" y="{yy + 4:.1f}" text-anchor="end" {_FONT}>{_num(t)}</text>'
        )
    step = max(1, math.ceil(n / 8))
    for i in range(0, n, step):
        out.append(
            f'<text x="{x(i):.1f}" y="{top + ph + 16}" text-anchor="middle" {_FONT}>'
            f"{_e(periods[i])}</text>"
        )
    out.append(
        f'<line x1="{left}" x2="{left + pw}" y1="{top + ph}" y2="{top + ph}" stroke="#999"/>'
    )
    for (_, s), color in zip(series, colors, strict=True):
        run: list[str] = []
        runs: list[list[str]] = []
        for i, v in enumerate(s):
            if v is None:
                if run:
                    runs.append(run)
                run = []
            else:
                run.append(f"{x(i):.1f},{y(float(v)):.1f}")
        if run:
            runs.append(run)
        for r in runs:
            if len(r) == 1:
                cx, cy = r[0].split(",")
                out.append(f'<circle cx="{cx}" cy="{cy}" r="2.5" fill="{color}"/>')
            else:
                out.append(
                    f'<polyline fill="none" stroke="{color}" stroke-width="1.6" '
                    f'points="{" ".join(r)}"/>'
                )
    for si, pi, tip in markers:
        if 0 <= si < len(series) and 0 <= pi < n:
            v = series[si][1][pi]
            if v is None:
                continue
            out.append(
                f'<circle cx="{x(pi):.1f}" cy="{y(float(v)):.1f}" r="6" fill="none" '
                f'stroke="#d62728" stroke-width="2"><title>{_e(tip)}</title></circle>'
            )
    out.append("</svg>")
    return "\n".join(out)


def stacked_bars(
    categories: Sequence[str],
    segments: Sequence[tuple[str, Sequence[float]]],
    *,
    title: str,
    width: int = 760,
    colors: Sequence[str] | None = None,
) -> str:
    """One horizontal bar per category, its segments stacked to 100 % (each segment's share of
    the category's total; the label shows the percentage)."""
    totals = [sum(float(s[1][i] or 0) for s in segments) for i in range(len(categories))]
    if not categories or not segments or not any(totals):
        return ""
    colors = list(colors or [PALETTE[i % len(PALETTE)] for i in range(len(segments))])
    legend_h = _legend_height([n for n, _ in segments], width - 160)
    left, right, top, bar_h, gap = 140, 16, 12 + legend_h + 8, 22, 8
    pw = width - left - right
    height = top + len(categories) * (bar_h + gap) + 8
    out = _svg_open(width, height, title)
    out += _legend([n for n, _ in segments], colors, left, 12 + 9, pw)
    for ci, cat in enumerate(categories):
        yy = top + ci * (bar_h + gap)
        label = cat if len(cat) <= 18 else cat[:17] + "…"
        out.append(
            f'<text x="{left - 6}" y="{yy + bar_h / 2 + 4:.1f}" text-anchor="end" {_FONT}>'
            f"{_e(label)}</text>"
        )
        total = totals[ci]
        if not total:
            continue
        cx = float(left)
        for (name, vals), color in zip(segments, colors, strict=True):
            v = float(vals[ci] or 0)
            w = pw * v / total
            if w <= 0:
                continue
            pct = 100 * v / total
            out.append(
                f'<rect x="{cx:.1f}" y="{yy}" width="{w:.1f}" height="{bar_h}" fill="{color}">'
                f"<title>{_e(cat)} · {_e(name)}: {_num(v)} ({pct:.1f}%)</title></rect>"
            )
            if w > 34:
                out.append(
                    f'<text x="{cx + w / 2:.1f}" y="{yy + bar_h / 2 + 4:.1f}" '
                    f'text-anchor="middle" fill="#fff" {_FONT}>{pct:.0f}%</text>'
                )
            cx += w
    out.append("</svg>")
    return "\n".join(out)


def hbar_chart(
    items: Sequence[tuple[str, float]],
    *,
    title: str,
    width: int = 360,
    color: str = PALETTE[0],
    value_label: str = "",
) -> str:
    """Horizontal bars, one per ``(label, value)``, longest first as given."""
    items = [(str(k), float(v)) for k, v in items if v is not None]
    if not items:
        return ""
    top_v = max(abs(v) for _, v in items) or 1.0
    left, right, top, bar_h, gap = 110, 56, 20, 16, 4
    pw = width - left - right
    height = top + len(items) * (bar_h + gap) + 6
    out = _svg_open(width, height, title)
    out.append(f'<text x="{left}" y="13" {_FONT} fill="#555">{_e(value_label)}</text>')
    for i, (label, v) in enumerate(items):
        yy = top + i * (bar_h + gap)
        w = max(1.0, pw * abs(v) / top_v)
        short = label if len(label) <= 14 else label[:13] + "…"
        out.append(
            f'<text x="{left - 6}" y="{yy + bar_h - 4}" text-anchor="end" {_FONT}>'
            f"{_e(short)}</text>"
        )
        out.append(
            f'<rect x="{left}" y="{yy}" width="{w:.1f}" height="{bar_h}" fill="{color}">'
            f"<title>{_e(label)}: {_num(v)}</title></rect>"
        )
        out.append(f'<text x="{left + w + 4:.1f}" y="{yy + bar_h - 4}" {_FONT}>{_num(v)}</text>')
    out.append("</svg>")
    return "\n".join(out)
