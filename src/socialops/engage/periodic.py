"""A job that the workspace's workers run in turns: at most once every ``every_s`` seconds over
all of them, its last run kept in an ``inbox_settings`` key."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from socialops.domain.instants import iso_utc
from socialops.engage.settings import get_setting, put_setting
from socialops.store.workspace import Workspace

__all__ = ["record_turn", "take_turn"]


def take_turn(ws: Workspace, setting: str, every_s: float) -> datetime | None:
    """The wall time of this turn, recorded under ``setting`` before the job runs (so a failing
    one waits its turn too), or ``None`` when the last turn is under ``every_s`` seconds old."""
    wall = datetime.now(UTC)
    last = get_setting(ws, setting, {}) or {}
    try:
        at = datetime.fromisoformat(str(last.get("at") or ""))
    except ValueError:
        at = None
    if at is not None and timedelta(0) <= wall - at < timedelta(seconds=every_s):
        return None
    put_setting(ws, setting, {"at": iso_utc(wall)})
    return wall


def record_turn(ws: Workspace, setting: str, wall: datetime, counts: dict[str, Any]) -> None:
    """Keep what the turn taken at ``wall`` did."""
    put_setting(ws, setting, {"at": iso_utc(wall), "counts": counts})
