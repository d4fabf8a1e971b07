"""KPI targets checked against their baselines (issue 14, item 10): a target its baseline meets
already, or one absurdly far from it, is flagged in both languages; lower-is-better KPIs the
other way round."""

from __future__ import annotations

import pytest

from socialops.domain.kpis import LIBRARY
from socialops.domain.plan import KpiTarget
from socialops.plan.sanity import FAR, check_target


@pytest.mark.parametrize(
    ("kpi", "target", "baseline", "why"),
    [
        ("clicks", 46_000, 374_175, "met_already"),  # the demo's Facebook plan: "725 % 달성"
        ("clicks", 374_175, 374_175, "met_already"),
        ("clicks", 411_593, 374_175, None),
        ("reach", FAR * 10_000 + 1, 10_000, "far_above"),
        ("reach", FAR * 10_000, 10_000, None),
        ("engagement_rate", 5.5, 5.0, None),
        ("clicks", 100, None, None),  # no baseline: nothing to compare with
        ("clicks", 100, 0, None),
    ],
)
def test_higher_is_better(kpi: str, target: float, baseline: float | None, why: str | None) -> None:
    assert LIBRARY[kpi].better == "higher"
    got = check_target(KpiTarget(kpi, target, baseline=baseline))
    assert (got or {}).get("why") == why
    if got:
        assert got["ko"] != got["en"] and LIBRARY[kpi].name_ko in got["ko"]
        assert f"{target:,.0f}" in got["en"] and f"{baseline:,.0f}" in got["en"]


def test_lower_is_better_is_the_other_way_round() -> None:
    lower = next(k for k in LIBRARY.values() if k.better == "lower")
    assert check_target(KpiTarget(lower.id, 120, baseline=100))["why"] == "met_already"  # type: ignore[index]
    assert check_target(KpiTarget(lower.id, 80, baseline=100)) is None
    assert check_target(KpiTarget(lower.id, 5, baseline=100))["why"] == "far_above"  # type: ignore[index]
