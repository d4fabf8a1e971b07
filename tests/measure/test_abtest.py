"""ab_test on values: means (Welch, bootstrap), rates (Wilson, exact, Newcombe), Holm, the
sample-ratio check, peeking and each refusal, against scipy/statsmodels computed here."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
    proportions_ztest,
)

from socialops.errors import DataError, SettingsError
from socialops.measure import abtest_stats as st
from socialops.measure.abtest import ab_test, as_binary, infer_kind
from socialops.measure.abtest_peek import obf_first_alpha, peeking_fpr

# The textbook Welch example (Wikipedia, "Welch's t-test", example 2): t = -2.46, df = 24.9.
A1 = [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4]
A2 = [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4]


def test_welch_textbook_example() -> None:
    r = ab_test({"A1": A1, "A2": A2}, kind="mean", method="welch")
    (c,) = r.comparisons
    ref = stats.ttest_ind(A2, A1, equal_var=False)
    assert (c["a"], c["b"]) == ("A2", "A1")
    assert c["diff"] == pytest.approx(np.mean(A2) - np.mean(A1))
    assert c["p"] == pytest.approx(ref.pvalue, rel=1e-9)
    assert c["p"] == pytest.approx(0.021, abs=0.001)  # the textbook's figure
    ci = ref.confidence_interval(0.95)
    assert (c["ci_low"], c["ci_high"]) == pytest.approx((ci.low, ci.high), rel=1e-9)
    assert c["p_adj"] == c["p"] and c["significant"]
    g = {x["group"]: x for x in r.groups}
    lo, hi = stats.t.interval(0.95, 14, loc=np.mean(A1), scale=stats.sem(A1))
    assert (g["A1"]["ci_low"], g["A1"]["ci_high"]) == pytest.approx((lo, hi))
    assert r.verdict["code"] == "abtest.verdict.winner"
    assert r.verdict["params"]["winner"] == "A2"


def test_three_means_holm_matches_statsmodels() -> None:
    rng = np.random.default_rng(3)
    data = {"a": rng.normal(10, 2, 200), "b": rng.normal(10.2, 2, 220), "c": rng.normal(11, 3, 180)}
    r = ab_test(data, kind="mean", method="welch")
    ps = [c["p"] for c in r.comparisons]
    ref = multipletests(ps, method="holm")[1]
    assert [c["p_adj"] for c in r.comparisons] == pytest.approx(list(ref))
    for c in r.comparisons:
        p = stats.ttest_ind(data[c["a"]], data[c["b"]], equal_var=False).pvalue
        assert c["p"] == pytest.approx(p, rel=1e-9)
        # the interval excludes 0 exactly when the comparison is significant
        assert c["significant"] == (c["ci_low"] > 0 or c["ci_high"] < 0)
    assert {(c["a"], c["b"]) for c in r.comparisons} == {("b", "a"), ("c", "a"), ("c", "b")}


def test_rates_against_statsmodels() -> None:
    a = np.r_[np.ones(120), np.zeros(880)]
    b = np.r_[np.ones(160), np.zeros(840)]
    r = ab_test({"A": a, "B": b})
    assert r.kind == "rate" and r.method == "wilson"
    ga, _gb = r.groups
    assert (ga["ci_low"], ga["ci_high"]) == pytest.approx(
        proportion_confint(120, 1000, method="wilson")
    )
    (c,) = r.comparisons
    assert c["diff"] == pytest.approx(0.04)
    lo, hi = confint_proportions_2indep(160, 1000, 120, 1000, method="newcomb")
    assert (c["ci_low"], c["ci_high"]) == pytest.approx((lo, hi), rel=1e-9)
    assert c["p"] == pytest.approx(proportions_ztest([160, 120], [1000, 1000])[1], rel=1e-9)
    exact = ab_test({"A": a, "B": b}, method="exact")
    assert (exact.groups[0]["ci_low"], exact.groups[0]["ci_high"]) == pytest.approx(
        proportion_confint(120, 1000, method="beta")
    )


def test_small_counts_use_fisher() -> None:
    a = np.r_[np.ones(1), np.zeros(29)]
    b = np.r_[np.ones(8), np.zeros(22)]
    (c,) = ab_test({"a": a, "b": b}, kind="rate").comparisons
    assert c["test"] == "fisher"
    assert c["p"] == pytest.approx(stats.fisher_exact([[8, 22], [1, 29]]).pvalue)


def test_holm_function_matches_statsmodels() -> None:
    ps = [0.01, 0.04, 0.03, 0.5, 0.001]
    assert st.holm(ps) == pytest.approx(list(multipletests(ps, method="holm")[1]))


def test_skewed_small_groups_warn_and_bootstrap_on_request() -> None:
    rng = np.random.default_rng(1)
    data = {"A": rng.lognormal(0, 1.5, 60), "B": rng.lognormal(0.8, 1.5, 60)}
    welch = ab_test(data, kind="mean")
    assert welch.method == "welch"
    assert [w["code"] for w in welch.warnings] == ["abtest.warn.skewed"]
    boot = ab_test(data, kind="mean", method="bootstrap")
    assert boot.method == "bootstrap"
    assert boot.comparisons[0]["diff"] == pytest.approx(welch.comparisons[0]["diff"])
    # a different interval from Welch's, same direction; the same every run (seeded)
    assert boot.comparisons[0]["ci_low"] != pytest.approx(welch.comparisons[0]["ci_low"])
    again = ab_test(data, kind="mean", method="bootstrap")
    assert again.comparisons[0]["ci_low"] == boot.comparisons[0]["ci_low"]
    normal = ab_test({"A": rng.normal(0, 1, 60), "B": rng.normal(0, 1, 60)}, kind="mean")
    assert normal.warnings == []


def test_kind_inference_and_words() -> None:
    assert infer_kind([np.array([0.0, 1.0]), np.array([1.0])]) == "rate"
    assert infer_kind([np.array([0.0, 2.0])]) == "mean"
    b = as_binary(["전환", "미전환", "yes", "No", "TRUE", 0, 1])
    assert b is not None and list(b) == [1, 0, 1, 0, 1, 0, 1]
    assert as_binary(["maybe"]) is None
    words = {"A": ["전환"] * 5 + ["미전환"] * 15, "B": ["전환"] * 12 + ["미전환"] * 8}
    assert ab_test(words).kind == "rate"


def test_srm_detected_and_expected_split() -> None:
    rng = np.random.default_rng(0)
    data = {"A": rng.normal(0, 1, 1000), "B": rng.normal(0, 1, 1200)}
    r = ab_test(data, kind="mean")
    assert r.srm["mismatch"] and r.verdict["code"] == "abtest.verdict.srm"
    assert r.srm["p_value"] == pytest.approx(stats.chisquare([1000, 1200]).pvalue)
    ok = ab_test(data, kind="mean", expected_split={"A": 5, "B": 6})
    assert not ok.srm["mismatch"]
    with pytest.raises(SettingsError) as e:
        ab_test(data, expected_split=[1, 1, 1])
    assert e.value.code == "abtest.split_size"


def test_peeking_warning_and_rate() -> None:
    assert peeking_fpr(1) == 0.05
    # Armitage et al. (1969): 5 looks ≈ 14.2 %, 10 looks ≈ 19.3 %
    assert peeking_fpr(5) == pytest.approx(0.142, abs=0.01)
    assert peeking_fpr(10) == pytest.approx(0.193, abs=0.012)
    assert obf_first_alpha(5) < 0.001
    rng = np.random.default_rng(2)
    data = {"A": rng.normal(0, 1, 300), "B": rng.normal(0, 1, 300)}
    r = ab_test(data, kind="mean", looks=5)
    codes = [w["code"] for w in r.warnings]
    assert "abtest.warn.peeking" in codes
    assert r.peeking is not None and r.peeking["false_positive_rate"] > 0.1


def test_days_find_early_significance() -> None:
    # B is better in the first days only: significant early, not at the end
    rng = np.random.default_rng(5)
    days = np.repeat(np.arange(10), 100)
    a = rng.normal(0, 1, 1000)
    b = rng.normal(0, 1, 1000) + np.where(days < 3, 0.6, -0.25)
    r = ab_test({"A": a, "B": b}, kind="mean", days={"A": days, "B": days})
    assert r.peeking is not None and r.peeking["looks"] == 10
    assert r.peeking["significant_before_end"][:1] == ["0"]
    if not r.comparisons[0]["significant"]:
        assert any(w["code"] == "abtest.warn.early_flip" for w in r.warnings)


@pytest.mark.parametrize(
    ("groups", "kind", "code"),
    [
        ({"A": [1.0] * 20}, None, "abtest.one_group"),
        ({"A": [3.0] * 20, "B": [3.0] * 20}, None, "abtest.constant"),
        ({"A": [1.0, 2.0] * 10, "B": [1.0, 2.0] * 2}, None, "abtest.too_few"),
        ({"A": [1.0, 2.0] * 10, "B": [0.0, 1.0] * 10}, "rate", "abtest.not_binary"),
        ({"A": [1.0] * 20, "B": [2.0] * 20}, "mean", "abtest.no_variance"),
        ({"A": ["high"] * 20, "B": ["low"] * 20}, None, "abtest.not_numeric"),
    ],
)
def test_refusals(groups: dict[str, list[float]], kind: str | None, code: str) -> None:
    with pytest.raises(DataError) as e:
        ab_test(groups, kind=kind)
    assert e.value.code == code
    assert "\n" not in e.value.text("ko") and "\n" not in e.value.text("en")


def test_bad_settings() -> None:
    data = {"A": [0.0, 1.0] * 10, "B": [1.0, 1.0, 0.0] * 7}
    for kwargs, code in [
        ({"kind": "median"}, "abtest.bad_kind"),
        ({"method": "magic"}, "abtest.bad_method"),
        ({"kind": "rate", "method": "bootstrap"}, "abtest.bad_method"),
        ({"alpha": 0.7}, "abtest.bad_alpha"),
        ({"control": "Z"}, "abtest.unknown_control"),
    ]:
        with pytest.raises(SettingsError) as e:
            ab_test(data, **kwargs)
        assert e.value.code == code


def test_control_orients_diffs_and_to_dict_keys() -> None:
    rng = np.random.default_rng(9)
    data = {"B": rng.normal(1, 1, 100), "A": rng.normal(0, 1, 100), "C": rng.normal(0, 1, 100)}
    r = ab_test(data, kind="mean", control="A")
    assert [c["b"] for c in r.comparisons[:2]] == ["A", "A"]
    d = r.to_dict("en")
    assert set(d["groups"][0]) >= {"group", "n", "value", "ci_low", "ci_high"}
    assert set(d["comparisons"][0]) >= {
        "a",
        "b",
        "diff",
        "ci_low",
        "ci_high",
        "p_adj",
        "significant",
    }
    assert {"srm", "warnings", "verdict"} <= set(d)
    assert "B" in d["verdict"]["text"] and "wins" in d["verdict"]["text"]
    assert "이겼습니다" in r.to_dict("ko")["verdict"]["text"]


def test_nan_rows_dropped_with_warning() -> None:
    data = {"A": [1.0, 2.0, float("nan")] * 10, "B": [2.0, 3.0, 4.0] * 10}
    r = ab_test(data, kind="mean")
    assert r.groups[0]["n"] == 20
    assert r.warnings[0] == {"code": "abtest.warn.dropped", "params": {"rows": 10}}


def test_verdict_codes_no_winner_and_leaders() -> None:
    rng = np.random.default_rng(11)
    same = ab_test({"A": rng.normal(0, 1, 200), "B": rng.normal(0, 1, 200)}, kind="mean")
    assert same.verdict["code"] == "abtest.verdict.no_winner"
    assert "No clear winner" in same.to_dict("en")["verdict"]["text"]
    rates = {
        "A": np.r_[np.ones(300), np.zeros(700)],
        "B": np.r_[np.ones(305), np.zeros(695)],
        "C": np.r_[np.ones(150), np.zeros(850)],
    }
    r = ab_test(rates)
    assert r.verdict["code"] == "abtest.verdict.leaders"
    assert r.verdict["params"]["leaders"] == ["B", "A"] and r.verdict["params"]["rest"] == ["C"]
    lower = ab_test(rates, higher_is_better=False)
    assert lower.verdict["params"]["winner"] == "C"
    assert "%p" in r.to_dict("ko")["verdict"]["text"]
