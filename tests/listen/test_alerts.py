"""Alerts on the airline data: new spikes since a day, recorded so a rerun reports nothing new."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from socialops.errors import DataError, SettingsError
from socialops.listen.alerts import previous_keys, run_alerts, thresholds
from socialops.listen.topics import list_topics
from socialops.store.analytics import open_store
from socialops.store.workspace import Workspace
from workspace_copy import copy_workspace


@pytest.fixture
def ws(airline_ws: Workspace, tmp_path: Path) -> Workspace:
    copy_workspace(airline_ws.root, tmp_path / "ws")
    return Workspace.open(tmp_path / "ws", create=False)


def test_new_alerts_then_nothing_new(ws: Workspace, engine: str) -> None:
    topics = list_topics(ws)
    with open_store(ws, engine) as store:
        first = run_alerts(ws, store, topics, since=date(2015, 2, 21))
        second = run_alerts(ws, store, topics, since=date(2015, 2, 21))
    assert first["since"] == "2015-02-21" and first["new"] == len(first["alerts"]) > 0
    keys = {a["key"] for a in first["alerts"]}
    assert "Southwest|negative|2015-02-21" in keys
    assert {a["kind"] for a in first["alerts"]} <= {"volume", "negative"}
    assert all(a["end"] > "2015-02-21" for a in first["alerts"])
    # American's first appearance is a coverage note, not an alert
    assert not [a for a in first["alerts"] if a["topic"] == "American"]
    assert [c["topic"] for c in first["coverage"]] == ["American"]
    assert second["new"] == 0 and {a["key"] for a in second["alerts"]} == keys
    assert not any(a["new"] for a in second["alerts"])
    assert previous_keys(ws) == keys


def test_thresholds_from_env_and_flags(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOCIALOPS_ALERT_Z", "6")
    monkeypatch.setenv("SOCIALOPS_ALERT_MIN_POSTS", "50")
    assert thresholds() == (6.0, 50)
    assert thresholds(3.0, 7) == (3.0, 7)
    monkeypatch.setenv("SOCIALOPS_ALERT_Z", "high")
    with pytest.raises(SettingsError):
        thresholds()


def test_higher_threshold_fewer_alerts_and_bad_since(ws: Workspace, engine: str) -> None:
    topics = list_topics(ws)
    with open_store(ws, engine) as store:
        low = run_alerts(ws, store, topics, since=date(2015, 2, 21), record=False)
        high = run_alerts(ws, store, topics, since=date(2015, 2, 21), z=12, record=False)
        assert 0 < len(high["alerts"]) < len(low["alerts"])
        assert all(a["score"] >= 12 for a in high["alerts"])
        with pytest.raises(DataError):
            run_alerts(ws, store, topics, since=date(2016, 1, 1))
    assert previous_keys(ws) == set()
