"""``socialops measure mix FILE``: the JSON contract, the human table in Korean and English,
the chart file, and a refusal as one line with the data error's exit status. The commands run in
this process through the CLI's own ``main`` (a subprocess costs seconds each)."""

from __future__ import annotations

import csv
import json
from datetime import date, timedelta
from pathlib import Path

import numpy as np
from tests.cli.cli_inproc import run_main as run
from tests.cli.cli_run import one_line_error


def _write(path: Path, weeks: int = 80, flat_sales: bool = False) -> Path:
    rng = np.random.default_rng(7)
    search = rng.gamma(2.0, 500.0, weeks)
    social = rng.gamma(2.0, 300.0, weeks)
    price = 10 + rng.normal(0, 0.5, weeks)
    sales = 50_000 + 3 * search + 2 * social - 800 * (price - 10) + rng.normal(0, 500, weeks)
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["주차", "매출", "검색광고", "소셜광고", "가격"])
        for i in range(weeks):
            w.writerow(
                [
                    (date(2024, 1, 1) + timedelta(weeks=i)).isoformat(),
                    "1000" if flat_sales else f"{sales[i]:.0f}",
                    f"{search[i]:.0f}",
                    f"{social[i]:.0f}",
                    f"{price[i]:.2f}",
                ]
            )
    return path


ARGS = ["--date-col", "주차", "--value-col", "매출", "--spend-col", "검색광고"]
ARGS += ["--spend-col", "소셜광고", "--control-col", "가격", "--bootstrap", "30"]


def test_json_and_chart(tmp_path: Path) -> None:
    f = _write(tmp_path / "weekly.csv")
    svg = tmp_path / "mix.svg"
    p = run(["measure", "mix", str(f), *ARGS, "--json", "--svg", str(svg)], tmp_path)
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    assert [c["channel"] for c in d["channels"]] == ["검색광고", "소셜광고"]
    for c in d["channels"]:
        for key in ("spend", "contribution", "contribution_low", "contribution_high", "share"):
            assert isinstance(c[key], float | int)
        assert c["contribution_low"] <= c["contribution"] <= c["contribution_high"]
        assert c["roi_low"] <= c["roi"] <= c["roi_high"]
        assert {"adstock", "half_saturation", "hill_slope", "mroi", "p_best"} <= set(c)
    assert d["fit"]["controls"] == "가격" and d["fit"]["bootstrap"] == 30
    assert {"r2", "mape"} <= set(d["fit"]) and {"total", "total_low"} <= set(d["baseline"])
    assert {"code", "params"} == set(d["verdict"])
    assert any(c["code"] == "mix.caveat.short_history" for c in d["caveats"])
    assert svg.read_text(encoding="utf-8").startswith("<svg")
    assert not list(tmp_path.glob(".*.partial"))


def test_human_output_in_both_languages(tmp_path: Path) -> None:
    f = _write(tmp_path / "weekly.csv")
    ko = run(["measure", "mix", str(f), *ARGS], tmp_path, SOCIALOPS_LANG="ko")
    en = run(["measure", "mix", str(f), *ARGS], tmp_path, SOCIALOPS_LANG="en")
    assert ko.returncode == 0 and en.returncode == 0, ko.stderr + en.stderr
    assert "채널 기여도" in ko.stdout and "주의할 점" in ko.stdout and "검색광고" in ko.stdout
    assert "Channel contribution" in en.stdout and "Caveats" in en.stdout
    assert "--" not in ko.stdout + en.stdout  # no flags in what a client reads


def test_refusals_are_one_line(tmp_path: Path) -> None:
    flat = _write(tmp_path / "flat.csv", flat_sales=True)
    p = run(["measure", "mix", str(flat), *ARGS], tmp_path)
    assert p.returncode == 3  # a DataError
    assert "same every week" in one_line_error(p)
    short = _write(tmp_path / "short.csv", weeks=20)
    p = run(["measure", "mix", str(short), *ARGS], tmp_path, SOCIALOPS_LANG="ko")
    assert p.returncode == 3 and "20주" in one_line_error(p)
