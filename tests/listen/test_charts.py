"""Inline SVG charts: what they draw, gaps, empty input, escaping."""

from __future__ import annotations

import itertools
import re

import pytest

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
    assert "2월 16일" in svg  # the axis in the reader's language (Korean by default)


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


# -- issue 14, item 4: readable axes, a colour per topic, tooltips -----------------------------
def _days(n: int, first: str = "2015-02-01") -> list[str]:
    from datetime import date, timedelta

    d0 = date.fromisoformat(first)
    return [(d0 + timedelta(days=i)).isoformat() for i in range(n)]


def _no_overlap(ticks: list[tuple[int, str, str]], n: int, width: float) -> None:
    from socialops.listen.charts import text_width

    xs = [(width * i / max(n - 1, 1), text_width(label)) for i, label, _ in ticks]
    for (x0, w0), (x1, w1) in itertools.pairwise(xs):
        assert x1 - x0 >= (w0 + w1) / 2 + 4, (ticks, x0, x1)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_tick_labels_never_overlap_at_any_granularity(lang: str) -> None:
    from socialops.listen.charts import x_ticks

    hours = [f"{d}T{h:02d}:00" for d in _days(9, "2015-02-16") for h in range(24)]
    weeks = _days(200 * 7, "2003-01-06")[::7]
    for periods in (_days(9), _days(31), _days(4500, "2003-01-01"), hours, weeks):
        for width in (240, 680):
            ticks = x_ticks(periods, width, lang)
            assert ticks and ticks[0][0] == 0
            _no_overlap(ticks, len(periods), width)
    # 216 hourly periods on 240 px: whole days, each named; on 680 px, round hours (12 in
    # Korean, where "0시" is short; 24 in English), the day named where it changes
    ticks = x_ticks(hours, 680, lang)
    step = {"ko": 12, "en": 24}[lang]
    assert [i for i, _, _ in ticks][:3] == [0, step, 2 * step]
    day_of = {"ko": ("0시", "2월 16일", "2월 17일"), "en": ("00:00", "Feb 16", "Feb 17")}[lang]
    assert ticks[0][1:] == day_of[:2]
    assert [line2 for i, _, line2 in ticks if i == 24] == [day_of[2]]
    assert all(line2 == "" for i, _, line2 in ticks if i % 24)


def test_tick_labels_are_dates_in_the_readers_language() -> None:
    from socialops.listen.charts import x_ticks

    assert x_ticks(_days(3), 680, "ko")[0] == (0, "2월 1일", "2015년")
    assert x_ticks(_days(3), 680, "en")[0] == (0, "Feb 1", "2015")
    svg = line_chart(_days(9), [("United", list(range(9)))], title="v", lang="en")
    assert "Feb 1<" in svg and ">2015-02-01<" not in svg


def test_a_topic_keeps_its_colour_whatever_subset_is_shown() -> None:
    from socialops.listen.charts import PALETTE, series_styles

    assert len(set(PALETTE)) >= 20
    order = [f"topic{i}" for i in range(45)]
    styles = series_styles(order, order)
    assert len(set(styles)) == 45  # no two of 45 topics look the same
    assert series_styles(["topic7", "topic3"], order) == [styles[7], styles[3]]
    assert series_styles(order[::-1], order) == styles[::-1]
    svg_all = line_chart(_days(3), [(n, [1, 2, 3]) for n in order[:12]], title="t", order=order)
    svg_one = line_chart(_days(3), [("topic11", [1, 2, 3])], title="t", order=order)
    color = styles[11][0]
    assert f'stroke="{color}"' in svg_all and f'stroke="{color}"' in svg_one
    bars = stacked_bars(["all"], [("topic11", [3]), ("topic2", [1])], title="s", order=order)
    assert f'fill="{color}"' in bars and f'fill="{styles[2][0]}"' in bars


def test_every_period_has_a_tooltip_with_its_values() -> None:
    svg = line_chart(
        _days(3), [("United", [1, None, 1234]), ("Delta", [2, 3, 4])], title="v", lang="ko"
    )
    tips = re.findall(r'<rect class="hover"[^>]*><title>([^<]*)</title>', svg)
    assert tips == [
        "2015년 2월 1일: United 1 · Delta 2",
        "2015년 2월 2일: United – · Delta 3",
        "2015년 2월 3일: United 1,234 · Delta 4",
    ]
