"""The campaign effect on real data: cdnow daily revenue with placebo campaigns (nothing
happened there: no effect may be claimed) and a known injected lift covered by its interval;
and the effect on a stored outcome series with another region as the control (both
databases)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest

from socialops.errors import DataError
from socialops.measure.effect import effect_from_outcomes, estimate_effect
from socialops.sources.streams.outcomes import import_outcomes
from socialops.store.workspace import Workspace


def _cdnow_daily(path: Path) -> tuple[list[date], np.ndarray]:
    sums: dict[date, float] = defaultdict(float)
    for line in path.read_text(encoding="ascii").splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[1].isdigit():
            d = parts[1]
            sums[date(int(d[:4]), int(d[4:6]), int(d[6:]))] += float(parts[3])
    first = date(1997, 4, 1)  # the cohort's acquisition quarter is left out (see the bench)
    days = [first + timedelta(i) for i in range((max(sums) - first).days + 1)]
    return days, np.array([sums.get(d, 0.0) for d in days])


def test_cdnow_placebo_campaigns_claim_nothing_and_a_lift_is_covered(
    shared_file: Callable[[str], Path],
) -> None:
    days, revenue = _cdnow_daily(shared_file("cdnow/CDNOW_master.txt"))
    assert len(days) == 456 and 1500 < revenue.mean() < 3500
    placebo = [
        estimate_effect(days, list(revenue), start=days[s], end=days[s + 27])
        for s in (150, 250, 350)
    ]
    assert sum(r.verdict["code"] == "none" for r in placebo) >= 2
    assert all(r.lift_abs_low < r.lift_abs_high for r in placebo)
    lifted = revenue.copy()
    lifted[300:328] *= 1.5
    res = estimate_effect(days, list(lifted), start=days[300], end=days[327])
    assert res.ci_low is not None and res.ci_high is not None
    assert res.ci_low <= 0.5 <= res.ci_high


@pytest.fixture
def ws(database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Workspace]:
    root = tmp_path / "ws"
    monkeypatch.setenv("SOCIALOPS_HOME", str(root))
    yield Workspace.open(root)


def test_the_effect_on_a_stored_series_with_a_region_as_control(
    ws: Workspace, tmp_path: Path
) -> None:
    rng = np.random.default_rng(11)
    lines = ["일자,지역,매출"]
    start = date(2024, 1, 1)
    busan = 600 + np.cumsum(rng.normal(0, 6, 98))
    seoul = 1.5 * busan + rng.normal(0, 10, 98)
    seoul[84:] *= 1.25
    for i in range(98):
        d = (start + timedelta(i)).isoformat()
        if i != 40:  # 부산 misses one day: as a control it must be refused, not filled
            lines.append(f"{d},부산,{busan[i]:.1f}")
        lines.append(f"{d},서울,{seoul[i]:.1f}")
    p = tmp_path / "sales.csv"
    p.write_bytes(("\n".join(lines) + "\n").encode("cp949"))
    import_outcomes(ws, p)
    res = effect_from_outcomes(
        ws, "sales", dimension="region:서울", start="2024-03-25", end="2024-04-07"
    )
    assert res.ci_low is not None and res.ci_low <= 0.25 <= (res.ci_high or 0)
    with pytest.raises(DataError) as info:
        effect_from_outcomes(
            ws,
            "sales",
            dimension="region:서울",
            control_dimensions=("region:부산",),
            start="2024-03-25",
            end="2024-04-07",
        )
    assert info.value.code == "effect.control_missing"
    with pytest.raises(DataError) as info:
        effect_from_outcomes(ws, "orders", start="2024-03-25", end="2024-04-07")
    assert info.value.code == "effect.no_outcome"
