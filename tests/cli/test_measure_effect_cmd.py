"""``socialops measure effect`` and ``socialops measure outcomes import|list`` as a user runs
them: the JSON keys others script against, a CP949 file with Korean headers, the verdict in the
user's language, the chart written whole, and bad input as one line. The commands run in this
process through the CLI's own ``main`` (a subprocess costs seconds each)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
from cli_inproc import run_main as run
from cli_run import one_line_error


def _kpi_file(path: Path, *, gap: bool = False) -> None:
    rng = np.random.default_rng(8)
    lines = ["날짜,매출,부산 매출"]
    busan = 600 + np.cumsum(rng.normal(0, 5, 84))
    seoul = 1.5 * busan + rng.normal(0, 8, 84)
    seoul[70:] *= 1.3
    for i in range(84):
        if gap and i == 30:
            continue
        day = date(2024, 1, 1) + timedelta(i)
        lines.append(f'{day},"{seoul[i]:,.0f}",{busan[i]:.0f}')
    path.write_bytes(("\n".join(lines) + "\n").encode("cp949"))


def test_effect_json_keys_and_the_verdict_in_korean(tmp_path: Path) -> None:
    f = tmp_path / "매출.csv"
    _kpi_file(f)
    args = ["measure", "effect", str(f), "--date-col", "날짜", "--value-col", "매출"]
    args += ["--control-col", "부산 매출", "--start", "2024-03-11", "--end", "2024-03-24"]
    p = run([*args, "--json"], tmp_path / "ws")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert {"lift_abs", "lift_rel", "ci_low", "ci_high", "p_effect"} <= set(out)
    assert out["ci_low"] <= 0.3 <= out["ci_high"] and out["p_effect"] > 0.99
    assert out["lift_abs"] > 0 and out["verdict"]["code"] == "up"
    assert out["period"]["pre_start"] == "2024-01-01" and out["period"]["pre_end"] == "2024-03-10"
    assert len(out["pointwise"]) == 14 and out["model"]["controls"] == ["부산 매출"]
    svg = tmp_path / "effect.svg"
    p = run(
        [*args, "--pre-start", "2024-01-08", "--svg", str(svg)],
        tmp_path / "ws",
        SOCIALOPS_LANG="ko",
    )
    assert p.returncode == 0, p.stderr
    assert "높았습니다" in p.stdout and "95% 구간" in p.stdout  # Korean by default
    assert ElementTree.parse(svg).getroot().tag.endswith("svg")
    assert not list(tmp_path.glob(".*.tmp"))
    assert "캠페인 전 적합도" in p.stdout


def test_effect_bad_input_is_one_line(tmp_path: Path) -> None:
    f = tmp_path / "gap.csv"
    _kpi_file(f, gap=True)
    args = ["measure", "effect", str(f), "--date-col", "날짜", "--value-col", "매출"]
    p = run([*args, "--start", "2024-03-11", "--end", "2024-03-24"], tmp_path / "ws")
    assert p.returncode != 0
    assert "2024-01-31" in one_line_error(p) and "1" in one_line_error(p)
    args[6] = "revenue"
    p = run(
        [*args, "--start", "2024-03-11", "--end", "2024-03-24"],
        tmp_path / "ws",
        SOCIALOPS_LANG="en",
    )
    assert p.returncode != 0 and "no column 'revenue'" in one_line_error(p)


def test_outcomes_import_and_list(tmp_path: Path) -> None:
    f = tmp_path / "sales.csv"
    f.write_bytes(
        "일자,채널,매출,가입\n2024-01-01,인스타그램,1000,3\n2024-01-02,인스타그램,x,4\n".encode(
            "cp949"
        )
    )
    home = tmp_path / "ws"
    p = run(["measure", "outcomes", "import", str(f), "--json"], home)
    assert p.returncode == 0, p.stderr
    res = json.loads(p.stdout)
    assert (res["rows_read"], res["imported"], res["updated"], res["quarantined"]) == (2, 1, 0, 1)
    assert res["metrics"] == ["sales", "signups"] and res["encoding"] == "cp949"
    p = run(["measure", "outcomes", "import", str(f)], home, SOCIALOPS_LANG="ko")
    assert p.returncode == 0 and "갱신 1" in p.stdout and "격리 1" in p.stdout
    assert "숫자가 아닙니다" in p.stderr  # the bad row's detail in the user's language
    p = run(["measure", "outcomes", "list"], home, SOCIALOPS_LANG="en")
    assert p.returncode == 0, p.stderr
    rows = [line.split() for line in p.stdout.splitlines()[1:]]
    assert [r[:3] + r[5:] for r in rows] == [
        ["sales", "channel:인스타그램", "daily", "1"],
        ["signups", "channel:인스타그램", "daily", "1"],
    ]
