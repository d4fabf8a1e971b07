"""Attribute segments on the real bank.csv and on tables built to know the answer: decade age
bands, value and quantile bands, given bins, Wilson intervals, lift, Holm-adjusted verdicts
(none on an attribute that has nothing to do with the response), small groups without a
verdict, and the refusals (no such column, a constant response, an unclear positive value)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from socialops.errors import DataError, InputFileError
from socialops.segment.attributes import attribute_segments


def _attr(res: dict[str, Any], column: str) -> dict[str, dict[str, Any]]:
    (a,) = [a for a in res["attributes"] if a["column"] == column]
    return {g["value"]: g for g in a["groups"]}


def test_bank_csv_age_job_and_balance(shared_file: Callable[[str], Path]) -> None:
    res = attribute_segments(
        shared_file("bank_marketing/bank.csv"),
        target="deposit",
        columns=["age", "job", "balance", "campaign"],
    )
    assert res["positive"] == "yes" and (res["rows"], res["positives"]) == (11162, 5289)
    assert res["ci_low"] < res["rate"] < res["ci_high"]
    age = _attr(res, "age")
    assert list(age) == ["10-19", "20-29", "30-39", "40-49", "50-59", "60-69", "70+"]
    assert age["60-69"]["label_ko"] == "60대" and age["20-29"]["label_en"] == "20s"
    assert sum(g["n"] for g in age.values()) == 11162
    assert age["10-19"]["n"] == 21 and age["10-19"]["note"] == "too_few"
    assert age["10-19"]["significant"] is None and age["10-19"]["p_adj"] is None
    assert age["60-69"]["note"] == "higher" and age["60-69"]["significant"] is True
    assert age["30-39"]["note"] == "lower"
    for g in age.values():
        assert g["ci_low"] <= g["rate"] <= g["ci_high"]
        assert g["lift"] == pytest.approx(g["rate"] / res["rate"])
        assert g["lift_low"] == pytest.approx(g["ci_low"] / res["rate"])
    job = _attr(res, "job")
    assert job["student"]["rate"] == pytest.approx(269 / 360) and job["student"]["note"] == "higher"
    assert _attr(res, "balance")  # quintile bands
    bands = next(a for a in res["attributes"] if a["column"] == "balance")
    assert bands["banding"] == "quantile" and 4 <= len(bands["groups"]) <= 5
    assert sum(g["n"] for g in bands["groups"]) == 11162
    assert [a["banding"] for a in res["attributes"]] == [
        "decade",
        "categorical",
        "quantile",
        "quantile",
    ]


def _table(n: int = 4000, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    region = rng.choice(["서울", "부산", "대구"], n)
    noise = rng.choice(["a", "b", "c", "d"], n)
    p = np.where(region == "서울", 0.30, 0.10)
    return pd.DataFrame(
        {
            "고객번호": [f"C{i}" for i in range(n)],
            "주문번호": [f"O{i}" for i in range(n)],
            "이메일": [f"u{i}@example.com" for i in range(n)],
            "지역": region,
            "무관": noise,
            "점수": rng.integers(0, 3, n).astype(float),
            "잔고": rng.normal(100, 30, n),
            "구매여부": np.where(rng.random(n) < p, "예", "아니오"),
        }
    )


def test_known_effects_and_no_false_verdicts() -> None:
    res = attribute_segments(_table(), target="구매여부", bins={"잔고": [80, 120]})
    assert res["positive"] == "예"
    assert {s["column"]: s["reason"] for s in res["skipped"]} == {
        "고객번호": "identifier",
        "주문번호": "too_many_values",
        "이메일": "identifier",
    }
    region = _attr(res, "지역")
    assert region["서울"]["note"] == "higher" and region["부산"]["note"] == "lower"
    assert all(g["note"] == "no_difference" for g in _attr(res, "무관").values())
    assert list(_attr(res, "점수")) == ["0", "1", "2"]  # few values: one group each
    assert list(_attr(res, "잔고")) == ["< 80", "[80, 120)", "≥ 120"]


def test_small_groups_and_refusals(tmp_path: Path) -> None:
    df = _table(200)
    res = attribute_segments(df, target="구매여부", columns=["지역"], min_n=100)
    assert all(g["note"] == "too_few" for g in _attr(res, "지역").values())
    assert res["caveats"][0]["code"] == "targeting.caveat.small_groups"
    with pytest.raises(InputFileError) as info:
        attribute_segments(df, target="반응")
    assert info.value.code == "targeting.no_column"
    with pytest.raises(DataError) as info:
        attribute_segments(df.assign(구매여부="예"), target="구매여부")
    assert info.value.code == "targeting.constant_target"
    with pytest.raises(DataError) as info:
        attribute_segments(df, target="지역")
    assert info.value.code == "targeting.need_positive"
    res = attribute_segments(df, target="지역", positive="서울", columns=["무관"])
    assert res["positive"] == "서울"
    with pytest.raises(DataError) as info:
        attribute_segments(df, target="지역", positive="제주")
    assert info.value.code == "targeting.positive_absent"
    path = tmp_path / "c.csv"
    df.to_csv(path, index=False, encoding="cp949")
    from_file = attribute_segments(path, target="구매여부", columns=["지역"])
    assert from_file["positives"] == int((df["구매여부"] == "예").sum())
