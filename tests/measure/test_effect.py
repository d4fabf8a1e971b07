"""The campaign effect (counterfactual) on simulated series with a known truth: an injected
lift recovered inside its interval, no effect where there is none, a control that moved named,
every bad input refused in one coded line, the verdict in Korean and English, the chart."""

from __future__ import annotations

from datetime import date, timedelta
from xml.etree import ElementTree

import numpy as np
import pytest

from socialops.errors import DataError
from socialops.measure.effect import effect_svg, estimate_effect, verdict_text

START = date(2024, 1, 1)
WEEK = np.array([0.0, 0.05, 0.08, 0.04, 0.0, -0.1, -0.15])


def _days(n: int, step: int = 1) -> list[date]:
    return [START + timedelta(days=i * step) for i in range(n)]


def _series(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A KPI that follows a control (another region) with weekly seasonality and noise."""
    rng = np.random.default_rng(seed)
    control = 500 + np.cumsum(rng.normal(0, 5, n))
    kpi = (1.6 * control + 200) * (1 + np.tile(WEEK, n // 7 + 1)[:n]) + rng.normal(0, 15, n)
    return kpi, control


def test_an_injected_lift_is_recovered_inside_its_interval() -> None:
    kpi, control = _series(168, seed=1)
    truth = 0.15
    kpi[140:] *= 1 + truth
    days = _days(168)
    res = estimate_effect(
        days, list(kpi), start=days[140], end=days[-1], controls={"busan": list(control)}
    )
    assert res.ci_low is not None and res.ci_high is not None and res.lift_rel is not None
    assert res.ci_low <= truth <= res.ci_high
    assert abs(res.lift_rel - truth) < 0.03
    assert res.ci_high - res.ci_low < 0.1  # the control makes it precise
    assert res.p_effect > 0.99 and res.verdict["code"] == "up"
    true_abs = float(kpi[140:].sum() - (kpi[140:] / (1 + truth)).sum())
    assert res.lift_abs_low <= true_abs <= res.lift_abs_high
    assert res.pre_fit["coverage"] > 0.85 and res.pre_fit["r2"] > 0.8
    assert res.model["seasonality"] == 7 and res.model["controls"] == ["busan"]
    data = res.to_dict()
    assert {"lift_abs", "lift_rel", "ci_low", "ci_high", "p_effect"} <= set(data)
    assert len(data["pointwise"]) == 28 and len(data["cumulative"]) == 28
    assert data["cumulative"][-1]["effect"] == pytest.approx(res.lift_abs, rel=0.02)
    assert data["caveats"] == []


def test_no_effect_gives_a_low_probability_and_no_claim() -> None:
    kpi, control = _series(168, seed=2)
    days = _days(168)
    res = estimate_effect(
        days, list(kpi), start=days[140], end=days[-1], controls={"busan": list(control)}
    )
    assert res.verdict["code"] == "none"
    assert res.p_effect < 0.95
    assert res.ci_low is not None and res.ci_high is not None
    assert res.ci_low < 0 < res.ci_high


def test_the_same_seed_gives_the_same_figures() -> None:
    kpi, _ = _series(98, seed=3)
    days = _days(98)
    a = estimate_effect(days, list(kpi), start=days[84], end=days[-1], seed=7)
    b = estimate_effect(days, list(kpi), start=days[84], end=days[-1], seed=7)
    assert a.to_dict() == b.to_dict()


def test_caveats_short_pre_period_missing_values_and_a_control_that_moved() -> None:
    kpi, control = _series(50, seed=4)
    kpi[10] = np.nan
    control[36:] += 300  # the "control" jumped with the campaign
    days = _days(50)
    res = estimate_effect(
        days, list(kpi), start=days[36], end=days[-1], controls={"seoul-web": list(control)}
    )
    codes = {c["code"]: c["params"] for c in res.caveats}
    assert codes["pre_short"] == {"points": 36, "post": 14, "advised": 42}
    assert codes["missing_values"] == {"points": 1}
    assert codes["control_moved"]["control"] == "seoul-web" and codes["control_moved"]["z"] > 3
    text_en, text_ko = verdict_text(res, "en"), verdict_text(res, "ko")
    assert "seoul-web" in text_en and "seoul-web" in text_ko
    assert "{" not in text_en + text_ko
    assert len(text_ko.splitlines()) == 1 + len(res.caveats)


def test_weekly_data_and_the_verdict_in_both_languages() -> None:
    rng = np.random.default_rng(5)
    kpi = 1000 + rng.normal(0, 20, 60)
    kpi[52:] *= 1.4
    days = _days(60, step=7)
    res = estimate_effect(days, list(kpi), start=days[52], end=days[-1])
    assert res.grain == "week" and res.model["seasonality"] is None
    assert res.verdict["code"] == "up"
    assert res.ci_low is not None and res.ci_low <= 0.4 <= (res.ci_high or 0)
    assert "높았습니다" in verdict_text(res, "ko") and "above" in verdict_text(res, "en")


def test_the_chart_is_one_self_contained_svg() -> None:
    kpi, _ = _series(84, seed=6)
    days = _days(84)
    res = estimate_effect(days, list(kpi), start=days[70], end=days[-1])
    for lang, word in (("ko", "누적 효과"), ("en", "Cumulative effect")):
        svg = effect_svg(res, lang)
        root = ElementTree.fromstring(svg)
        assert root.tag.endswith("svg") and word in svg
        assert "<script" not in svg and "http" not in svg.replace("http://www.w3.org", "")
        assert len(root.findall(".//{*}polygon")) == 3  # a band per panel
    assert effect_svg({"pre_period": [], "pointwise": [], "cumulative": []}, "en") == ""


def _code(exc: pytest.ExceptionInfo[DataError]) -> str:
    assert "{" not in exc.value.text("en") and "{" not in exc.value.text("ko")
    return exc.value.code


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ("gap", "effect.gaps"),
        ("constant", "effect.constant"),
        ("short", "effect.pre_too_short"),
        ("after", "effect.end_after_data"),
        ("before", "effect.no_pre_period"),
        ("reversed", "effect.end_before_start"),
        ("missing_post", "effect.missing_post"),
        ("control_hole", "effect.control_missing"),
        ("misaligned", "effect.misaligned"),
        ("duplicate", "effect.duplicate_date"),
        ("grain", "effect.bad_grain"),
        ("bad_day", "effect.bad_day"),
    ],
)
def test_bad_input_is_refused_with_its_code(change: str, code: str) -> None:
    n = 60
    days = _days(n)
    values: list[float | None] = [float(v) for v in 100 + np.arange(n) % 7]
    controls: dict[str, list[float | None]] = {}
    start, end = days[50], days[-1]
    if change == "gap":
        days = days[:20] + days[22:]
        values = values[:20] + values[22:]
    elif change == "constant":
        values = [5.0] * n
    elif change == "short":
        start = days[10]
    elif change == "after":
        end = days[-1] + timedelta(days=1)
    elif change == "before":
        start = days[0]
    elif change == "reversed":
        start, end = days[55], days[52]
    elif change == "missing_post":
        values[55] = None
    elif change == "control_hole":
        controls = {"x": [1.0 + i for i in range(n)]}
        controls["x"][3] = None
    elif change == "misaligned":
        controls = {"x": [1.0] * (n - 1)}
    elif change == "duplicate":
        days[5] = days[4]
    elif change == "grain":
        days = [START + timedelta(days=3 * i) for i in range(n)]
        start, end = days[50], days[-1]
    elif change == "bad_day":
        start = "2024-02-31"  # type: ignore[assignment]
    with pytest.raises(DataError) as info:
        estimate_effect(days, values, start=start, end=end, controls=controls)
    assert _code(info) == code
    if code == "effect.gaps":
        assert info.value.params == {"missing": 2, "first": "2024-01-21"}
