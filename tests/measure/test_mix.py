"""The marketing mix (socialops.measure.mix): a simulated data set's true contributions inside
the 95 % intervals, the result's shape, the caveats, the chart, and every refusal."""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from socialops.errors import DataError, InputFileError
from socialops.measure.mix import caveat_texts, fit_mix, mix_file, mix_svg, verdict_text
from socialops.measure.mix_model import adstock, hill

START = date(2023, 1, 2)  # a Monday


def simulate(
    seed: int = 0, weeks: int = 156, correlated: bool = False
) -> tuple[list[date], list[float], dict[str, list[float]], dict[str, float]]:
    """Weekly sales from three channels with known adstock and saturation (sales ~ 100,000)."""
    rng = np.random.default_rng(seed)
    tt = np.arange(weeks)
    sales = 80_000 + 4_000 * np.sin(2 * np.pi * tt / 52.18) + 3_000 * tt / weeks
    shared = rng.gamma(4.0, 0.25, weeks)
    off = rng.random(weeks) < 0.15  # weeks off, for every channel when budgets move together
    spend: dict[str, list[float]] = {}
    truth: dict[str, float] = {}
    for name, scale, decay, half, slope, peak in (
        ("tv", 20_000.0, 0.6, 1.2, 2.0, 25_000.0),
        ("search", 5_000.0, 0.1, 0.7, 1.0, 15_000.0),
        ("social", 8_000.0, 0.3, 1.0, 1.5, 8_000.0),
    ):
        own = rng.gamma(2.0, 0.5, weeks)
        x = scale * (0.8 * shared + 0.2 * own if correlated else own)
        x[off if correlated else rng.random(weeks) < 0.15] = 0.0
        effect = peak * hill(adstock(x, decay), half * x.mean(), slope)
        sales = sales + effect
        spend[name] = [float(v) for v in x]
        truth[name] = float(effect.sum())
    sales = sales + rng.normal(0, 2_500, weeks)
    dates = [START + timedelta(weeks=i) for i in range(weeks)]
    return dates, [float(v) for v in sales], spend, truth


@pytest.fixture(scope="module")
def fitted() -> tuple[object, dict[str, float], dict[str, list[float]]]:
    dates, sales, spend, truth = simulate()
    return fit_mix(dates, sales, spend, bootstrap=60, seed=1), truth, spend


def test_true_contributions_inside_the_intervals(fitted) -> None:  # type: ignore[no-untyped-def]
    result, truth, spend = fitted
    d = result.to_dict()
    assert [c["channel"] for c in d["channels"]] == ["tv", "search", "social"]
    for c in d["channels"]:
        t = truth[c["channel"]]
        assert c["contribution_low"] <= t <= c["contribution_high"], (c["channel"], t, c)
        assert c["contribution_low"] <= c["contribution"] <= c["contribution_high"]
        # ROI is contribution per unit of spend, intervals included
        assert c["spend"] == pytest.approx(sum(spend[c["channel"]]), rel=1e-6)
        assert c["roi"] == pytest.approx(c["contribution"] / c["spend"], rel=1e-4)
        assert c["roi_low"] == pytest.approx(c["contribution_low"] / c["spend"], rel=1e-4)
        assert 0.0 <= c["adstock"] <= 0.9 and c["half_saturation"] > 0
        assert 0.0 <= c["p_best"] <= 1.0
        assert len(c["curve"]) > 10 and c["curve"][0] == [0.0, 0.0]
    # the true shares of effect, too
    total = sum(truth.values())
    for c in d["channels"]:
        assert c["share_low"] <= truth[c["channel"]] / total <= c["share_high"]
    assert sum(c["share"] for c in d["channels"]) == pytest.approx(1.0, abs=1e-4)
    assert sum(c["p_best"] for c in d["channels"]) == pytest.approx(1.0)
    # baseline + media = what the model says the sales were; a good fit on this data
    assert d["fit"]["r2"] > 0.8 and d["fit"]["mape"] < 0.05
    assert d["weeks"] == 156 and d["first"] == "2023-01-02"
    assert d["baseline"]["share_of_sales"] + d["baseline"]["media_share_of_sales"] == (
        pytest.approx(1.0, abs=0.02)
    )
    codes = [c["code"] for c in d["caveats"]]
    assert codes[-1] == "mix.caveat.observational"
    assert "mix.caveat.correlated" not in codes and "mix.caveat.short_history" not in codes


def test_words_in_both_languages(fitted) -> None:  # type: ignore[no-untyped-def]
    result = fitted[0]
    ko, en = verdict_text(result, "ko"), verdict_text(result, "en")
    assert ko != en and "{" not in ko + en
    assert any("\uac00" <= ch <= "\ud7a3" for ch in ko)
    texts = caveat_texts(result, "en")
    assert texts and all("{" not in x for x in texts)


def test_svg_chart(fitted) -> None:  # type: ignore[no-untyped-def]
    result = fitted[0]
    svg_ko, svg_en = mix_svg(result, "ko"), mix_svg(result, "en")
    root = ET.fromstring(svg_en)  # well-formed XML
    assert root.tag.endswith("svg")
    assert "<script" not in svg_en
    for name in ("tv", "search", "social"):
        assert name in svg_en
    assert svg_en.count("<polyline") == 3  # one response curve per channel
    assert "채널별 기여 매출" in svg_ko and "Contribution by channel" in svg_en


def test_correlated_spend_and_short_history_are_caveats() -> None:
    dates, sales, spend, _ = simulate(seed=3, weeks=60, correlated=True)
    result = fit_mix(dates, sales, spend, bootstrap=20)
    cav = {c["code"]: c["params"] for c in result.to_dict()["caveats"]}
    assert cav["mix.caveat.short_history"] == {"weeks": 60}
    pair = cav["mix.caveat.correlated"]
    r = float(np.corrcoef(spend[pair["a"]], spend[pair["b"]])[0, 1])
    assert pair["r"] == pytest.approx(r, abs=0.01) and r >= 0.7


def test_flat_spend_is_a_caveat_and_daily_rows_are_summed_to_weeks() -> None:
    rng = np.random.default_rng(5)
    days = 7 * 60 + 3
    first = date(2023, 1, 4)  # a Wednesday: 5 days before the first Monday are left out
    dates = [first + timedelta(days=i) for i in range(days)]
    varied = rng.gamma(2.0, 50.0, days)
    flat = np.full(days, 300.0) + rng.normal(0, 3, days)
    sales = 10_000 + 5 * varied + 0.5 * flat + rng.normal(0, 200, days)
    result = fit_mix(dates, list(sales), {"varied": list(varied), "flat": list(flat)}, bootstrap=20)
    d = result.to_dict()
    assert d["first"] == "2023-01-09" and d["weeks"] == 59
    cav = {c["code"]: c["params"] for c in d["caveats"]}
    assert cav["mix.caveat.daily_summed"] == {"days": days, "weeks": 59, "dropped_days": 10}
    assert cav["mix.caveat.flat_spend"]["channel"] == "flat"
    # the weekly sums are the daily sums
    assert d["channels"][0]["spend"] == pytest.approx(float(varied[5 : 5 + 59 * 7].sum()))
    assert d["sales"] == pytest.approx(float(sales[5 : 5 + 59 * 7].sum()))


def _weeks(n: int) -> list[date]:
    return [START + timedelta(weeks=i) for i in range(n)]


def _refused(code: str, dates: list[date], sales: list[float], spend, **kw) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DataError) as exc:
        fit_mix(dates, sales, spend, bootstrap=20, **kw)
    assert exc.value.code == code
    assert "\n" not in exc.value.text("en") and "{" not in exc.value.text("ko")


def test_refusals() -> None:
    dates, sales, spend, _ = simulate(seed=2, weeks=60)
    _refused("mix.too_few_weeks", dates[:20], sales[:20], {k: v[:20] for k, v in spend.items()})
    bad = {k: list(v) for k, v in spend.items()}
    bad["tv"][7] = -5.0
    _refused("mix.negative_spend", dates, sales, bad)
    _refused("mix.constant_sales", dates, [100.0] * 60, spend)
    monthly = [date(2020 + i // 12, i % 12 + 1, 1) for i in range(60)]
    _refused("mix.not_weekly", monthly, sales, spend)
    gap = dates[:30] + [d + timedelta(weeks=1) for d in dates[30:]]
    _refused("mix.gap", gap, sales, spend)
    _refused("mix.duplicate_date", [*dates[:59], dates[0]], sales, spend)
    holes = list(sales)
    holes[3] = float("nan")
    _refused("mix.missing", dates, holes, spend)
    _refused("mix.no_spend", dates, sales, {**spend, "radio": [0.0] * 60})
    _refused("mix.constant_control", dates, sales, spend, controls={"price": [9.9] * 60})
    many = {f"c{i}": spend["tv"] for i in range(8)}
    _refused("mix.too_many_inputs", dates, sales, many)
    _refused("mix.length", dates, sales[:-1], spend)
    _refused("mix.no_channels", dates, sales, {})


def _csv(path: Path, rows: list[list[object]], encoding: str = "cp949") -> Path:
    with open(path, "w", encoding=encoding, newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def test_mix_file_reads_a_cp949_csv_with_korean_headers(tmp_path: Path) -> None:
    dates, sales, spend, _ = simulate(seed=4, weeks=104)
    rows: list[list[object]] = [["주", "매출", "TV", "검색", "소셜"]]
    for i, day in enumerate(dates):
        cells: list[object] = [day.isoformat().replace("-", "."), f"{sales[i]:,.0f}"]
        rows.append(cells + [f"{spend[c][i]:.0f}" for c in ("tv", "search", "social")])
    path = _csv(tmp_path / "mix.csv", rows)
    result = mix_file(
        path, date_col="주", value_col="매출", spend_cols=["TV", "검색", "소셜"], bootstrap=20
    )
    d = result.to_dict()
    assert [c["channel"] for c in d["channels"]] == ["TV", "검색", "소셜"]
    assert d["weeks"] == 104
    assert d["sales"] == pytest.approx(sum(round(s) for s in sales), rel=1e-9)

    with pytest.raises(InputFileError) as exc:
        mix_file(path, date_col="주", value_col="매출", spend_cols=["라디오"])
    assert exc.value.code == "mix.unknown_column" and "라디오" in exc.value.text("ko")
    rows[5][2] = "많음"
    with pytest.raises(InputFileError) as exc:
        mix_file(_csv(tmp_path / "bad.csv", rows), date_col="주", value_col="매출",
                 spend_cols=["TV"])  # fmt: skip
    assert exc.value.code == "mix.not_number" and exc.value.params["row"] == 5


def test_one_channel_under_a_year() -> None:
    dates, sales, spend, _ = simulate(seed=6, weeks=30)
    result = fit_mix(dates, sales, {"tv": spend["tv"], "search": spend["search"]}, bootstrap=20)
    codes = [c["code"] for c in result.to_dict()["caveats"]]
    assert "mix.caveat.no_season" in codes and result.fit["seasonality"] is False
    one = fit_mix(dates, sales, {"search": spend["search"]}, bootstrap=20)
    assert one.verdict["code"] == "mix.verdict.single"
    assert one.verdict["params"]["channel"] == "search"
    assert "search" in verdict_text(one, "ko")


def test_mix_file_reads_xlsx_dates(tmp_path: Path) -> None:
    from openpyxl import Workbook

    dates, sales, spend, _ = simulate(seed=8, weeks=40)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["date", "sales", "search"])
    for i, day in enumerate(dates):
        ws.append([datetime(day.year, day.month, day.day), sales[i], spend["search"][i]])
    path = tmp_path / "weekly.xlsx"
    wb.save(path)
    result = mix_file(path, date_col="date", value_col="sales", spend_cols=["search"], bootstrap=20)
    assert result.weeks == 40 and result.first == dates[0]
    assert result.channels[0].spend == pytest.approx(sum(spend["search"]))
