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
from datetime import date
from html import escape

from socialops.i18n import t

__all__ = [
    "DASHES",
    "PALETTE",
    "SENTIMENT_COLORS",
    "hbar_chart",
    "line_chart",
    "nice_ticks",
    "period_kind",
    "period_label",
    "series_styles",
    "stacked_bars",
    "standalone_svg",
    "text_width",
    "x_ticks",
]

# 20 distinguishable colours (Tableau 10, then ten darker, lighter or browner ones). A topic's
# colour comes from its place in the workspace's topic list (:func:`series_styles`), so it keeps
# its colour whatever subset a chart shows; past 20 topics the colours repeat with a dash pattern.
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
    "#393b79",
    "#e7ba52",
    "#637939",
    "#a1caf1",
    "#7b4173",
    "#f99379",
    "#882d17",
    "#2b3d26",
    "#c2b280",
    "#222222",
)
DASHES = ("", "6 3", "2 2", "8 3 2 3")
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


def series_styles(names: Sequence[str], order: Sequence[str] = ()) -> list[tuple[str, str]]:
    """``(colour, dash pattern)`` of each series ``names``: by the name's place in ``order``
    (the workspace's topics, in the order they were added), so a topic keeps its colour in every
    chart and on every page whatever subset is shown; names not in ``order`` follow it. No two
    of the first 80 places look the same (20 colours × 4 dash patterns)."""
    pos = {n: i for i, n in enumerate(order)}
    out: list[tuple[str, str]] = []
    extra = len(order)
    for name in names:
        i = pos.get(name)
        if i is None:
            i, extra = extra, extra + 1
        out.append((PALETTE[i % len(PALETTE)], DASHES[(i // len(PALETTE)) % len(DASHES)]))
    return out


def text_width(text: str, size: float = 11.0) -> float:
    """About how wide ``text`` is drawn at ``size`` px (Hangul and CJK are about square, Latin
    letters and digits about 0.6 of the size)."""
    return sum(size if ord(c) >= 0x1100 else size * 0.6 for c in text)


def _legend(
    names: Sequence[str], styles: Sequence[tuple[str, str]], x: int, y: int, width: int
) -> list[str]:
    out: list[str] = []
    cx, cy = x, y
    for name, (color, dash) in zip(names, styles, strict=True):
        label = name if len(name) <= 24 else name[:23] + "…"
        w = 18 + 7 * len(label) + 16
        if cx + w > x + width and cx > x:
            cx, cy = x, cy + 16
        if dash:
            out.append(
                f'<line x1="{cx}" x2="{cx + 12}" y1="{cy - 4}" y2="{cy - 4}" stroke="{color}" '
                f'stroke-width="3" stroke-dasharray="{dash}"/>'
            )
        else:
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


# -- the time axis -----------------------------------------------------------------------------
_STEPS = {
    "hour": (1, 2, 3, 6, 12, 24, 48, 72, 168, 336, 720),
    "day": (1, 2, 3, 7, 14, 28, 56, 91, 182, 364, 728, 1456, 2912),
    "week": (1, 2, 4, 8, 13, 26, 52, 104, 208, 416),
}


def period_kind(periods: Sequence[str]) -> str:
    """``hour``, ``day`` or ``week`` from the period keys (``2015-02-22T13:00``; days one day
    apart; Mondays seven days apart); ``""`` when the keys are not dates."""
    try:
        days = [date.fromisoformat(p[:10]) for p in periods[:2]]
    except ValueError:
        return ""
    if not days:
        return ""
    if "T" in periods[0]:
        return "hour"
    if len(days) == 2 and (days[1] - days[0]).days == 7:
        return "week"
    return "day"


def _split(key: str) -> tuple[date, int]:
    return date.fromisoformat(key[:10]), int(key[11:13]) if "T" in key else 0


def _month(d: date, lang: str) -> str:
    return t("chart.months", lang).split()[d.month - 1]


def period_label(key: str, kind: str, lang: str) -> str:
    """A period in words, for a tooltip: ``2015년 2월 22일 13시`` / ``Feb 22, 2015 13:00``."""
    if not kind:
        return key
    d, h = _split(key)
    return t(f"chart.tip_{kind}", lang, y=d.year, mon=_month(d, lang), d=d.day, h=h)


def x_ticks(
    periods: Sequence[str], plot_width: float, lang: str = "ko"
) -> list[tuple[int, str, str]]:
    """The labelled ticks of a time axis ``plot_width`` px wide: ``(period index, label, second
    line)``, thinned to round steps (hours dividing a day, days, weeks, 4 or 13 weeks, years) so
    that no two labels overlap. The second line names the day (hourly axes) or the year (daily
    and weekly axes) where it changes, and at the first tick."""
    n = len(periods)
    if not n:
        return []
    kind = period_kind(periods)
    if not kind:  # not dates: every k-th key as it is
        widest = max(text_width(p) for p in periods) + 10
        step = max(1, math.ceil(n * widest / max(plot_width, 1.0)))
        return [(i, periods[i], "") for i in range(0, n, step)]

    def first(i: int) -> str:
        d, h = _split(periods[i])
        if kind == "hour":
            return t("chart.tick_hour", lang, h=h)
        return t("chart.tick_day", lang, mon=_month(d, lang), d=d.day)

    def second(i: int) -> str:
        d, _ = _split(periods[i])
        if kind == "hour":
            return t("chart.tick_day", lang, mon=_month(d, lang), d=d.day)
        return t("chart.tick_year", lang, y=d.year)

    widest = max(text_width(first(i)) for i in range(min(n, 48))) + 12
    fits = max(1, int(plot_width // widest))
    steps = _STEPS[kind]
    step = next((s for s in steps if math.ceil(n / s) <= fits), 0)
    if not step:  # a very long range: whole multiples of the largest step
        step = steps[-1] * math.ceil(n / (fits * steps[-1]))
    out: list[tuple[int, str, str]] = []
    last = ""
    for i in range(0, n, step):
        line2 = second(i)
        out.append((i, first(i), line2 if line2 != last else ""))
        last = line2
    return out


def _anchor(x: float, label: str, lo: float, hi: float) -> str:
    half = text_width(label) / 2
    if x - half < lo:
        return "start"
    if x + half > hi:
        return "end"
    return "middle"


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
    order: Sequence[str] = (),
    lang: str = "ko",
    unit: str = "",
) -> str:
    """A line per series over ``periods``; ``None`` values leave a gap. ``markers`` are
    ``(series index, period index, tooltip)`` drawn as red rings (spikes). Each series' colour
    and dash come from its name's place in ``order`` (:func:`series_styles`) unless ``colors``
    are given; the time axis is labelled in ``lang`` with no two labels overlapping
    (:func:`x_ticks`); hovering a period shows its values (an SVG ``<title>``), with ``unit``
    after each."""
    values = [float(v) for _, s in series for v in s if v is not None]
    if not periods or not series or not values:
        return ""
    names = [name for name, _ in series]
    styles = [(c, "") for c in colors] if colors else series_styles(names, order)
    lo = min(values) if y_min is None else y_min
    hi = max(values) if y_max is None else y_max
    lo = min(lo, 0.0) if y_min is None else lo
    ticks = nice_ticks(lo, hi if hi > lo else lo + 1)
    lo, hi = ticks[0], ticks[-1]
    legend_h = _legend_height(names, width - 80)
    left, right, top, bottom = 64, 16, 12 + legend_h + 8, 44
    pw, ph = width - left - right, height - top - bottom
    n = len(periods)
    kind = period_kind(periods)

    def x(i: int) -> float:
        return left + (pw * i / (n - 1) if n > 1 else pw / 2)

    def y(v: float) -> float:
        return top + ph - (v - lo) / (hi - lo) * ph

    out = _svg_open(width, height, title)
    out += _legend(names, styles, left, 12 + 9, pw)
    for tk in ticks:
        yy = y(tk)
        out.append(
            f'<line x1="{left}" x2="{left + pw}" y1="{yy:.1f}" y2="{yy:.1f}" stroke="#e5e5e5"/>'
        )
        out.append(
            f'<text x="{left - 6}" y="{yy + 4:.1f}" text-anchor="end" {_FONT}>{_num(tk)}</text>'
        )
    for i, label, line2 in x_ticks(periods, pw, lang):
        xx = x(i)
        out.append(
            f'<line x1="{xx:.1f}" x2="{xx:.1f}" y1="{top + ph}" y2="{top + ph + 4}" stroke="#999"/>'
        )
        anchor = _anchor(xx, label, 0, width)
        out.append(
            f'<text class="tick" x="{xx:.1f}" y="{top + ph + 16}" text-anchor="{anchor}" '
            f"{_FONT}>{_e(label)}</text>"
        )
        if line2:
            anchor = _anchor(xx, line2, 0, width)
            out.append(
                f'<text class="tick2" x="{xx:.1f}" y="{top + ph + 30}" text-anchor="{anchor}" '
                f'{_FONT} fill="#555">{_e(line2)}</text>'
            )
    out.append(
        f'<line x1="{left}" x2="{left + pw}" y1="{top + ph}" y2="{top + ph}" stroke="#999"/>'
    )
    # a band per period, under the lines, whose tooltip gives every series' value there
    half = pw / (2 * (n - 1)) if n > 1 else pw / 2
    for i, key in enumerate(periods):
        vals = " · ".join(
            f"{name} {'–' if s[i] is None else _num(float(s[i] or 0)) + unit}"
            for name, s in series
            if i < len(s)
        )
        x0 = max(float(left), x(i) - half)
        x1 = min(float(left + pw), x(i) + half)
        out.append(
            f'<rect class="hover" x="{x0:.1f}" y="{top}" width="{max(x1 - x0, 0.1):.1f}" '
            f'height="{ph}" fill="#000" fill-opacity="0">'
            f"<title>{_e(period_label(key, kind, lang))}: {_e(vals)}</title></rect>"
        )
    for (_, s), (color, dash) in zip(series, styles, strict=True):
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
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        for r in runs:
            if len(r) == 1:
                cx, cy = r[0].split(",")
                out.append(f'<circle cx="{cx}" cy="{cy}" r="2.5" fill="{color}"/>')
            else:
                out.append(
                    f'<polyline fill="none" stroke="{color}" stroke-width="1.6"{dashed} '
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
    order: Sequence[str] = (),
) -> str:
    """One horizontal bar per category, its segments stacked to 100 % (each segment's share of
    the category's total; the label shows the percentage). Segment colours as
    :func:`line_chart`'s series: ``colors``, else by the name's place in ``order``."""
    totals = [sum(float(s[1][i] or 0) for s in segments) for i in range(len(categories))]
    if not categories or not segments or not any(totals):
        return ""
    colors = list(colors or [c for c, _ in series_styles([n for n, _ in segments], order)])
    legend_h = _legend_height([n for n, _ in segments], width - 160)
    left, right, top, bar_h, gap = 140, 16, 12 + legend_h + 8, 22, 8
    pw = width - left - right
    height = top + len(categories) * (bar_h + gap) + 8
    out = _svg_open(width, height, title)
    out += _legend([n for n, _ in segments], [(c, "") for c in colors], left, 12 + 9, pw)
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


def standalone_svg(svg: str) -> str:
    """A chart as a file of its own (``--svg OUT.svg``): the same markup with the SVG namespace
    declared, which a browser or viewer needs to open it as an image (inline in a page, the
    HTML parser supplies it)."""
    if svg.startswith("<svg ") and "xmlns=" not in svg.split(">", 1)[0]:
        return '<svg xmlns="http://www.w3.org/2000/svg" ' + svg[len("<svg ") :]
    return svg
