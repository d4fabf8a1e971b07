"""``socialops alerts`` on a copy of the airline workspace: exit 1 with new alerts, then 0."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from socialops.cli.main import main
from socialops.store.workspace import Workspace
from workspace_copy import copy_workspace


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as stop:
        main(args)
    out = capsys.readouterr()
    return int(stop.value.code or 0), out.out, out.err


def test_alerts_twice_then_nothing_new(
    airline_ws: Workspace,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    home = tmp_path / "ws"
    copy_workspace(airline_ws.root, home)
    monkeypatch.setenv("SOCIALOPS_HOME", str(home))
    code, out, _ = _run(["alerts", "--since", "2015-02-21", "--json"], capsys)
    first = json.loads(out)
    assert code == 1 and first["new"] > 0 and first["since"] == "2015-02-21"
    item = next(a for a in first["alerts"] if a["key"] == "Southwest|negative|2015-02-21")
    assert item["new"] and "cancelled" in item["words"]
    code, out, _ = _run(["alerts", "--since", "2015-02-21", "--json"], capsys)
    second = json.loads(out)
    assert code == 0 and second["new"] == 0 and len(second["alerts"]) == len(first["alerts"])
    code, out, _ = _run(["alerts", "--since", "2015-02-21"], capsys)
    assert code == 0 and "0 new alert" in out
    # only the topics asked for; a stricter threshold from the environment
    monkeypatch.setenv("SOCIALOPS_ALERT_Z", "100")
    code, out, _ = _run(["alerts", "--since", "2015-02-20", "-t", "United", "--json"], capsys)
    assert code == 0 and json.loads(out)["alerts"] == []


def test_alerts_errors_have_exit_codes(
    airline_ws: Workspace,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    home = tmp_path / "ws"
    copy_workspace(airline_ws.root, home)
    monkeypatch.setenv("SOCIALOPS_HOME", str(home))
    code, _, err = _run(["alerts", "--since", "2030-01-01"], capsys)
    assert code == 3 and "after the last day" in err
    code, _, err = _run(["alerts", "--every", "week"], capsys)
    assert code == 2 and "hour or day" in err
    code, _, err = _run(["alerts", "--since", "soon"], capsys)
    assert code == 2
    code, _, err = _run(["alerts", "-t", "Nope"], capsys)
    assert code == 2
    code, _, _ = _run(["alerts", "--help"], capsys)
    assert code == 0
