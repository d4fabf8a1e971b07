"""Inline SVG charts: what they draw, gaps, empty input, escaping."""

from __future__ import annotations

import itertools
import re

from socialops.listen.charts import hbar_chart, line_chart, nice_ticks, stacked_bars

HOSTILE = '<script>alert(1)</script>"onload="x'


def test_nice_ticks_cover_the_range_with_round_steps() -> None:
    ticks = nice_ticks(0, 937)
    assert ticks[0] <= 0 and ticks[-1] >= 937
    steps = {round(b - a, 6) for a, b in itertools.pairwise(ticks)}
    assert len(steps) == 1 and steps.pop() in (100, 200, 250)
    assert nice_ticks(-1, 1)[0] == -1 and nice_ticks(-1, 1)[-1] == 1
    assert len(nice_ticks(5, 5)) >= 2  # a flat series still gets an axis


def test_line_chart_draws_one_line_per_series_and_breaks_on_gaps() -> None:
    periods = [f"2015-02-{d:02d}" for d in range(16, 25)]
    svg = line_chart(
        periods,
        [("United", [1, 2, 3, 4, 5, 6, 7, 8, 9]), ("Delta", [1, None, 3, 4, None, 6, 7, 8, 9])],
        title="volume",
        markers=[(0, 8, "spike")],
    )
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "http" not in svg  # no xmlns or any other URL
    # United: one line; Delta: a lone point, then two runs
    assert svg.count("<polyline") == 3
    assert 'r="2.5"' in svg
    assert 'stroke="#d62728" stroke-width="2"' in svg  # the spike marker
    assert "United" in svg and "Delta" in svg
    assert "2015-02-16" in svg


def test_charts_with_nothing_to_draw_are_empty() -> None:
    assert line_chart([], [("a", [])], title="t") == ""
    assert line_chart(["p"], [("a", [None])], title="t") == ""
    assert stacked_bars(["x"], [("a", [0]), ("b", [0])], title="t") == ""
    assert hbar_chart([], title="t") == ""


def test_stacked_bars_show_each_segments_share() -> None:
    svg = stacked_bars(["전체"], [("겨울왕국", [300]), ("명량", [100])], title="SOV")
    assert "75%" in svg and "25%" in svg
    assert "겨울왕국 · 겨울왕국" not in svg
    assert "전체 · 겨울왕국: 300 (75.0%)" in svg


def test_hbar_values_use_thousands_separators() -> None:
    svg = hbar_chart([("cancelled", 12345.0), ("flight", 2.5)], title="words")
    assert "12,345" in svg and "2.5" in svg
    widths = [float(w) for w in re.findall(r'<rect x="\d+" y="\d+" width="([\d.]+)"', svg)]
    assert widths[0] > widths[1] > 0


def test_every_label_is_escaped() -> None:
    svgs = [
        line_chart(["p1", HOSTILE], [(HOSTILE, [1, 2])], title=HOSTILE),
        stacked_bars([HOSTILE], [(HOSTILE, [1])], title=HOSTILE),
        hbar_chart([(HOSTILE, 1.0)], title=HOSTILE, value_label=HOSTILE),
    ]
    for svg in svgs:
        assert "<script" not in svg
        assert '"onload=' not in svg
        assert "&lt;script&gt;" in svg
