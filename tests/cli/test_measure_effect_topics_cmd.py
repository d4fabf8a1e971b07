"""``socialops measure effect`` on stored outcomes (no FILE: ``--metric``) and with a tracked
topic's mention volume as a control (``--control-topic``), on the small real import of
tests/effect_topic_posts.py; both forms or neither, an option of the other form, an unknown
topic and a window beyond the posts are one line in the user's language. The FILE form's own
contract is tests/cli/test_measure_effect_cmd.py's."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_inproc import run_main as run
from cli_run import one_line_error

from effect_topic_posts import CAMPAIGN_START, POSTS_FIRST, POSTS_LAST, build
from socialops.store.workspace import Workspace

PERIOD = ["--start", CAMPAIGN_START.isoformat(), "--end", POSTS_LAST.isoformat()]


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory, shared_file: Callable[[str], Path]) -> Path:
    root = tmp_path_factory.mktemp("effect-topics-cli")
    build(Workspace.open(root / "ws"), root, shared_file)
    return root


def test_the_stored_form_with_a_topic_control(home: Path) -> None:
    args = ["measure", "effect", "--metric", "sales", *PERIOD]
    args += ["--pre-start", POSTS_FIRST.isoformat(), "--control-topic", "united", "--json"]
    p = run(args, home / "ws")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert {"lift_abs", "lift_rel", "ci_low", "ci_high", "p_effect"} <= set(out)
    assert out["model"]["controls"] == ["United"]
    assert out["period"]["pre_start"] == POSTS_FIRST.isoformat()
    assert out["ci_low"] <= 0.3 <= out["ci_high"]
    # without a topic the stored form runs on the whole stored series
    p = run(["measure", "effect", "--metric", "sales", *PERIOD], home / "ws", SOCIALOPS_LANG="ko")
    assert p.returncode == 0, p.stderr
    assert "캠페인 전 적합도" in p.stdout


def test_a_file_with_a_topic_control(home: Path) -> None:
    args = ["measure", "effect", str(home / "sales.csv"), "--date-col", "일자"]
    args += ["--value-col", "매출", *PERIOD, "--pre-start", POSTS_FIRST.isoformat()]
    p = run([*args, "--control-topic", "United", "--json"], home / "ws")
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["model"]["controls"] == ["United"]


def test_refusals_are_one_line(home: Path) -> None:
    ws = home / "ws"
    f = str(home / "sales.csv")
    cols = ["--date-col", "일자", "--value-col", "매출"]
    stored = ["measure", "effect", "--metric", "sales"]
    cases = [  # (args, language, words of the line, exit status: 2 settings/topic, 3 data)
        (["measure", "effect", *PERIOD], "ko", "하나만", 2),  # neither
        (["measure", "effect", f, *cols, "--metric", "sales", *PERIOD], "en", "not both", 2),
        (["measure", "effect", f, *PERIOD], "en", "--date-col and --value-col", 2),
        (["measure", "effect", f, *cols, "--dimension", "region:서울", *PERIOD], "en", "file", 2),
        ([*stored, *cols, *PERIOD], "en", "'--date-col'", 2),
        # the unknown topic's error names the known ones
        ([*stored, "--control-topic", "Delta", *PERIOD], "en", "United", 2),
        # the default pre-period starts two weeks before the posts: refused, not zero-filled
        ([*stored, "--control-topic", "United", *PERIOD], "ko", "0으로 채우지 않습니다", 3),
    ]
    for args, lang, words, status in cases:
        p = run(args, ws, SOCIALOPS_LANG=lang)
        assert p.returncode == status, (args, p.stdout, p.stderr)
        assert words in one_line_error(p), (args, p.stderr)
