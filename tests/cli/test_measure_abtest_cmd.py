"""``socialops measure abtest FILE`` and ``socialops measure power``: end to end as a user runs
them: the JSON keys the issue fixes, the verdict, one-line errors. The commands run in this
process through the CLI's own ``main`` (a subprocess costs seconds each)."""

from __future__ import annotations

import json
from pathlib import Path

from statsmodels.stats.proportion import proportions_ztest
from tests.cli.cli_inproc import run_main as run
from tests.cli.cli_run import one_line_error


def _file(tmp_path: Path) -> Path:
    path = tmp_path / "promo.csv"
    rows = [("쿠폰A", 1 if i < 50 else 0) for i in range(500)]
    rows += [("쿠폰B", 1 if i < 85 else 0) for i in range(500)]
    path.write_bytes(("안,구매\n" + "".join(f"{g},{v}\n" for g, v in rows)).encode("cp949"))
    return path


def test_abtest_json_contract(tmp_path: Path) -> None:
    p = run(
        ["measure", "abtest", str(_file(tmp_path)), "--group-col", "안", "--metric-col", "구매",
         "--json"],
        tmp_path / "home",
        SOCIALOPS_LANG="en",
    )  # fmt: skip
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    assert {"groups", "comparisons", "srm", "warnings", "verdict"} <= set(data)
    assert [g["group"] for g in data["groups"]] == ["쿠폰A", "쿠폰B"]
    assert set(data["groups"][0]) >= {"group", "n", "value", "ci_low", "ci_high"}
    (c,) = data["comparisons"]
    assert set(c) >= {"a", "b", "diff", "ci_low", "ci_high", "p_adj", "significant"}
    assert (c["a"], c["b"]) == ("쿠폰B", "쿠폰A")
    assert abs(c["diff"] - 0.07) < 1e-9
    assert abs(c["p_adj"] - proportions_ztest([85, 50], [500, 500])[1]) < 1e-9
    assert c["significant"] is True and c["ci_low"] > 0
    assert data["verdict"]["code"] == "abtest.verdict.winner"
    assert "쿠폰B" in data["verdict"]["text"] and "wins" in data["verdict"]["text"]


def test_abtest_text_in_korean(tmp_path: Path) -> None:
    p = run(
        ["measure", "abtest", str(_file(tmp_path)), "--group-col", "안", "--metric-col", "구매",
         "--kind", "rate"],
        tmp_path / "home",
        SOCIALOPS_LANG="ko",
    )  # fmt: skip
    assert p.returncode == 0, p.stderr
    assert "이겼습니다" in p.stdout and "쿠폰B" in p.stdout


def test_abtest_errors_one_line(tmp_path: Path) -> None:
    src = _file(tmp_path)
    p = run(["measure", "abtest", str(src), "--group-col", "x", "--metric-col", "구매"],
            tmp_path / "home", SOCIALOPS_LANG="en")  # fmt: skip
    assert p.returncode == 2
    assert "no column 'x'" in one_line_error(p)
    one = tmp_path / "one.csv"
    one.write_text("g,m\n" + "".join(f"A,{i % 2}\n" for i in range(30)))
    p = run(["measure", "abtest", str(one), "--group-col", "g", "--metric-col", "m"],
            tmp_path / "home", SOCIALOPS_LANG="en")  # fmt: skip
    assert p.returncode == 3
    assert "two or more variants" in one_line_error(p)


def test_power(tmp_path: Path) -> None:
    p = run(
        ["measure", "power", "--baseline", "0.1", "--mde", "0.02", "--daily-traffic", "1000",
         "--json"],
        tmp_path / "home",
    )  # fmt: skip
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    assert data["n_per_group"] == 3835 and data["days"] == 8
