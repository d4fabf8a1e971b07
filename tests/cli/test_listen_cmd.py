"""``socialops topic`` and ``socialops listen`` as a user runs them: subprocesses, exit codes,
one-line errors, JSON for scripts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_run import one_line_error, run

from socialops.store.workspace import Workspace
from workspace_copy import copy_workspace


@pytest.fixture
def home(airline_ws: Workspace, tmp_path: Path) -> Path:
    """A private copy of the airline workspace (commands here change its topics)."""
    dst = tmp_path / "ws"
    copy_workspace(airline_ws.root, dst)
    return dst


def test_topic_commands(home: Path) -> None:
    p = run(
        [
            "topic",
            "add",
            "Delta",
            "--query",
            "@delta OR delta",
            "--kind",
            "competitor",
            "--json",
        ],
        home,
    )
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["kind"] == "competitor"
    listed = json.loads(run(["topic", "list", "--json"], home).stdout)
    assert [t["name"] for t in listed][-1] == "Delta" and len(listed) == 7
    p = run(["topic", "edit", "Delta", "--kind", "brand", "--rename", "블루"], home)
    assert p.returncode == 0 and "블루" in p.stdout
    assert run(["topic", "remove", "블루"], home).returncode == 0
    assert len(json.loads(run(["topic", "list", "--json"], home).stdout)) == 6


def test_listen_sov_json(home: Path) -> None:
    p = run(["listen", "sov", "--json"], home)
    assert p.returncode == 0, p.stderr
    res = json.loads(p.stdout)
    assert res["analysis"] == "sov" and len(res["results"]) == 6
    assert sum(r["mentions"] for r in res["results"]) == res["total_mentions"]
    p = run(
        [
            "listen",
            "volume",
            "--topic",
            "United",
            "--from",
            "2015-02-20",
            "--to",
            "2015-02-21",
            "--every",
            "hour",
            "--json",
        ],
        home,
    )
    res = json.loads(p.stdout)
    assert len(res["periods"]) == 48 and res["topics"] == ["United"]
    p = run(["listen", "sentiment", "--topic", "united"], home, SOCIALOPS_LANG="ko")  # any case
    # the table's headings in the CLI's language, not the column codes
    assert p.returncode == 0 and "순감성" in p.stdout and "net_sentiment" not in p.stdout
    p = run(["listen", "sentiment", "--topic", "united"], home, SOCIALOPS_LANG="en")
    assert p.returncode == 0 and "Net sentiment" in p.stdout


@pytest.mark.parametrize(
    ("args", "code", "needle"),
    [
        (["topic", "add", "X", "--query", "cancelled AND (bag"], 2, "position 19"),
        (["listen", "volume", "--topic", "Nobody"], 2, "No topic named 'Nobody'"),
        (["listen", "volume", "--from", "2020-01-01"], 3, "the data covers 2015-02-16"),
        (["listen", "volume", "--from", "yesterday"], 2, "YYYY-MM-DD"),
        (["listen", "volume", "--every", "month"], 2, "hour, day or week"),
        (["listen", "nonsense"], 2, "Unknown analysis"),
        (["listen", "volume", "--from", "2015-02-22", "--to", "2015-02-20"], 2, "after the end"),
    ],
)
def test_bad_input_gets_one_clear_line(home: Path, args: list[str], code: int, needle: str) -> None:
    p = run(args, home)
    assert p.returncode == code, p.stderr
    assert needle in one_line_error(p)


def test_topic_without_matches(home: Path) -> None:
    assert run(["topic", "add", "Ghost", "--query", "zeppelinairways"], home).returncode == 0
    p = run(["listen", "volume", "--topic", "Ghost"], home)
    assert p.returncode == 3
    assert "match topic Ghost" in one_line_error(p)
    p = run(["listen", "volume", "--topic", "Ghost", "--topic", "United", "--json"], home)
    assert p.returncode == 0
    assert "'Ghost' matches no posts" in p.stderr
    assert json.loads(p.stdout)["warnings"]
