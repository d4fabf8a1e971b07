"""plan_sample_size: against the textbook formulas and statsmodels, days, refusals."""

from __future__ import annotations

import math

import pytest
from scipy import stats

from socialops.errors import SettingsError
from socialops.measure.power import plan_sample_size, power_text


def test_rate_matches_arcsine_formula() -> None:
    plan = plan_sample_size(0.10, 0.02, kind="rate", daily_traffic=1000)
    h = 2 * math.asin(math.sqrt(0.12)) - 2 * math.asin(math.sqrt(0.10))
    z = stats.norm.ppf(0.975) + stats.norm.ppf(0.8)
    assert plan["n_per_group"] == math.ceil(2 * (z / h) ** 2)  # 3,835
    assert plan["n_per_group"] == 3835
    assert plan["total"] == 7670 and plan["days"] == 8
    # the classic pooled-variance formula (Fleiss) agrees within 1 %
    p1, p2 = 0.10, 0.12
    pbar = (p1 + p2) / 2
    n_fleiss = (
        stats.norm.ppf(0.975) * math.sqrt(2 * pbar * (1 - pbar))
        + stats.norm.ppf(0.8) * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    ) ** 2 / (p2 - p1) ** 2
    assert plan["n_per_group"] == pytest.approx(n_fleiss, rel=0.01)


def test_mean_matches_t_test_power() -> None:
    plan = plan_sample_size(50.0, 5.0, kind="mean", sd=10.0)
    assert plan["n_per_group"] == 64  # d = 0.5: the textbook 64 per group
    n = plan["n_per_group"]
    df = 2 * n - 2
    nc = 0.5 * math.sqrt(n / 2)
    achieved = 1 - stats.nct.cdf(stats.t.ppf(0.975, df), df, nc)
    assert achieved >= 0.8


def test_more_groups_and_relative() -> None:
    two = plan_sample_size(0.05, 0.1, relative=True)
    assert two["mde"] == pytest.approx(0.005) and two["target"] == pytest.approx(0.055)
    three = plan_sample_size(0.05, 0.1, relative=True, groups=3)
    assert three["comparisons"] == 3
    assert three["alpha_per_comparison"] == pytest.approx(0.05 / 3)
    assert three["n_per_group"] > two["n_per_group"]
    assert "명" in power_text(three, "ko") and "users per group" in power_text(three, "en")


@pytest.mark.parametrize(
    ("args", "kwargs", "code"),
    [
        ((0.1, 0.0), {}, "abtest.power.bad_mde"),
        ((0.95, 0.1), {}, "abtest.power.bad_rate"),
        ((10.0, 1.0), {"kind": "mean"}, "abtest.power.need_sd"),
        ((0.1, 0.01), {"kind": "ratio"}, "abtest.bad_kind"),
        ((0.1, 0.01), {"power": 1.2}, "abtest.power.bad_value"),
        ((0.1, 0.01), {"groups": 1}, "abtest.power.bad_value"),
    ],
)
def test_refusals(args: tuple[float, float], kwargs: dict[str, object], code: str) -> None:
    with pytest.raises(SettingsError) as e:
        plan_sample_size(*args, **kwargs)  # type: ignore[arg-type]
    assert e.value.code == code
