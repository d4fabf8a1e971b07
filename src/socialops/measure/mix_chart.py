"""The marketing mix as one SVG (no scripts, every label escaped, the listening charts' palette
and type): horizontal bars of each channel's contribution with its 95 % interval as a whisker,
then one small response-curve panel per channel (weekly contribution by steady weekly spend,
a dot at the channel's average week).

It draws from :meth:`socialops.measure.mix.MixResult.to_dict` (a dict), so the web can draw a
stored result without refitting."""

from __future__ import annotations

import itertools
from html import escape
from typing import Any

from socialops.i18n import t
from socialops.listen.charts import PALETTE, nice_ticks

__all__ = ["mix_chart_svg"]

_FONT = 'font-size="11"'


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _num(v: float) -> str:
    """A short number: 1.2만 is not used (both languages read 12,300 / 1.2M alike)."""
    a = abs(v)
    if a >= 1e6:
        return f"{v / 1e6:,.1f}M"
    if a >= 1e4:
        return f"{v / 1e3:,.0f}k"
    if a >= 100:
        return f"{v:,.0f}"
    return f"{v:,.2f}".rstrip("0").rstrip(".")


def _bars(channels: list[dict[str, Any]], lang: str, width: int, y0: int) -> tuple[list[str], int]:
    left, right, bar_h, gap = 130, 70, 18, 8
    pw = width - left - right
    hi = max(max(c["contribution_high"], c["contribution"]) for c in channels) or 1.0
    ticks = nice_ticks(0.0, hi, 4)
    top_v = ticks[-1] or 1.0
    out = [
        f'<text x="{left}" y="{y0 + 12}" {_FONT} font-weight="bold">'
        f"{_e(t('mix.chart.title', lang))}</text>"
    ]
    top = y0 + 22
    height = len(channels) * (bar_h + gap)
    for tv in ticks:
        x = left + pw * tv / top_v
        out.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{top + height}" stroke="#ddd"/>'
            f'<text x="{x:.1f}" y="{top + height + 12}" text-anchor="middle" {_FONT} '
            f'fill="#555">{_e(_num(tv))}</text>'
        )
    for i, c in enumerate(channels):
        yy = top + i * (bar_h + gap)
        color = PALETTE[i % len(PALETTE)]
        name = str(c["channel"])
        short = name if len(name) <= 16 else name[:15] + "…"
        w = pw * max(c["contribution"], 0.0) / top_v
        lo = left + pw * max(c["contribution_low"], 0.0) / top_v
        hi_x = left + pw * c["contribution_high"] / top_v
        mid = yy + bar_h / 2
        tip = (
            f"{name}: {_num(c['contribution'])} "
            f"({_num(c['contribution_low'])}–{_num(c['contribution_high'])}) · "
            f"ROI {c['roi']:.2f}"
        )
        out += [
            f'<text x="{left - 6}" y="{mid + 4:.1f}" text-anchor="end" {_FONT}>{_e(short)}</text>',
            f'<rect x="{left}" y="{yy}" width="{max(w, 1.0):.1f}" height="{bar_h}" '
            f'fill="{color}" fill-opacity="0.8"><title>{_e(tip)}</title></rect>',
            f'<line x1="{lo:.1f}" x2="{hi_x:.1f}" y1="{mid:.1f}" y2="{mid:.1f}" stroke="#222" '
            f'stroke-width="1.5"/>',
            f'<line x1="{lo:.1f}" x2="{lo:.1f}" y1="{mid - 5:.1f}" y2="{mid + 5:.1f}" '
            f'stroke="#222"/>',
            f'<line x1="{hi_x:.1f}" x2="{hi_x:.1f}" y1="{mid - 5:.1f}" y2="{mid + 5:.1f}" '
            f'stroke="#222"/>',
            f'<text x="{max(hi_x, left + w) + 4:.1f}" y="{mid + 4:.1f}" {_FONT}>'
            f"{100 * c['share']:.0f}%</text>",
        ]
    return out, top + height + 20 - y0


def _curve_panel(
    c: dict[str, Any], color: str, x0: float, y0: float, w: float, h: float, weeks: int
) -> list[str]:
    pts = c.get("curve") or []
    if len(pts) < 2:
        return []
    xmax = max(p[0] for p in pts) or 1.0
    ymax = nice_ticks(0.0, max(p[1] for p in pts) or 1.0, 3)[-1] or 1.0
    left, bottom = 40, 16
    pw, ph = w - left - 6, h - bottom - 16

    def px(x: float) -> float:
        return x0 + left + pw * x / xmax

    def py(y: float) -> float:
        return y0 + 16 + ph * (1 - y / ymax)

    line = " ".join(f"{px(p[0]):.1f},{py(p[1]):.1f}" for p in pts)
    avg = c["spend"] / max(weeks, 1)
    # the response at the average week, read off the curve
    ax = min(avg, xmax)
    ay = next(
        (
            a[1] + (b[1] - a[1]) * (ax - a[0]) / ((b[0] - a[0]) or 1.0)
            for a, b in itertools.pairwise(pts)
            if a[0] <= ax <= b[0]
        ),
        pts[-1][1],
    )
    name = str(c["channel"])
    gx, gr = f"{x0 + left:.1f}", f"{x0 + left + pw:.1f}"  # the plot's left and right edges
    gt, gb = f"{y0 + 16:.1f}", f"{y0 + 16 + ph:.1f}"  # its top and bottom
    return [
        f'<text x="{gx}" y="{y0 + 11:.1f}" {_FONT} font-weight="bold">{_e(name[:24])}</text>',
        f'<line x1="{gx}" x2="{gx}" y1="{gt}" y2="{gb}" stroke="#999"/>',
        f'<line x1="{gx}" x2="{gr}" y1="{gb}" y2="{gb}" stroke="#999"/>',
        f'<text x="{x0 + left - 3:.1f}" y="{y0 + 20:.1f}" text-anchor="end" {_FONT} fill="#555">'
        f"{_e(_num(ymax))}</text>",
        f'<text x="{gr}" y="{y0 + 16 + ph + 12:.1f}" text-anchor="end" {_FONT} '
        f'fill="#555">{_e(_num(xmax))}</text>',
        f'<polyline points="{line}" fill="none" stroke="{color}" stroke-width="2"/>',
        f'<circle cx="{px(ax):.1f}" cy="{py(ay):.1f}" r="3.5" fill="{color}">'
        f"<title>{_e(name)}: {_e(_num(avg))} → {_e(_num(ay))}</title></circle>",
    ]


def mix_chart_svg(result: dict[str, Any], lang: str, *, width: int = 640) -> str:
    """The chart of a mix result's dict; ``""`` when there is no channel to draw."""
    channels = result.get("channels") or []
    if not channels:
        return ""
    bars, bars_h = _bars(channels, lang, width, 0)
    cols = 3
    pw_, ph_ = (width - 20) / cols, 130.0
    rows = -(-len(channels) // cols)
    cy0 = bars_h + 8
    height = int(cy0 + 18 + rows * ph_ + 16)
    title = t("mix.chart.title", lang)
    out = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{_e(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{_e(title)}</title>",
        *bars,
        f'<text x="10" y="{cy0 + 12}" {_FONT} font-weight="bold">'
        f"{_e(t('mix.chart.curves', lang))}</text>",
    ]
    for i, c in enumerate(channels):
        r, k = divmod(i, cols)
        out += _curve_panel(
            c,
            PALETTE[i % len(PALETTE)],
            10 + k * pw_,
            cy0 + 18 + r * ph_,
            pw_,
            ph_ - 8,
            int(result.get("weeks") or 1),
        )
    out.append(
        f'<text x="{width - 10}" y="{height - 4}" text-anchor="end" {_FONT} fill="#555">'
        f"{_e(t('mix.chart.spend_axis', lang))} → · ↑ {_e(t('mix.chart.response_axis', lang))}"
        "</text>"
    )
    out.append("</svg>")
    return "\n".join(out)
