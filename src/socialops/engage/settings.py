"""The inbox's settings: one JSON document per key in ``inbox_settings`` (``taxonomy``,
``routing``, ``agents``, ``sla``, ``hours``, ``notify`` ...). Read with a default; written whole
(an upsert that runs on SQLite and PostgreSQL alike)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, text

from socialops.domain.instants import now_iso
from socialops.store.workspace import Workspace

__all__ = ["DEFAULTS", "get_setting", "put_setting", "settings_dict"]

DEFAULTS: dict[str, Any] = {
    "taxonomy": "general",
    "routing": {"mode": "manual"},
    "agents": [],
}


def get_setting(conn_or_ws: Connection | Workspace, key: str, default: Any = None) -> Any:
    """The value stored under ``key`` (decoded JSON), else ``default``, else :data:`DEFAULTS`."""
    if isinstance(conn_or_ws, Workspace):
        with conn_or_ws.connect() as conn:
            return get_setting(conn, key, default)
    raw = conn_or_ws.execute(
        text("SELECT value FROM inbox_settings WHERE key = :k"), {"k": key}
    ).scalar_one_or_none()
    if raw in (None, ""):
        return DEFAULTS.get(key) if default is None else default
    return json.loads(str(raw))


def put_setting(conn_or_ws: Connection | Workspace, key: str, value: Any) -> None:
    """Store ``value`` (JSON) under ``key``, replacing what was there (in the caller's
    transaction when given a connection)."""
    if isinstance(conn_or_ws, Workspace):
        with conn_or_ws.begin() as conn:
            put_setting(conn, key, value)
        return
    conn_or_ws.execute(
        text(
            "INSERT INTO inbox_settings (key, value, updated_at) VALUES (:k, :v, :at) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
            "updated_at = excluded.updated_at"
        ),
        {"k": key, "v": json.dumps(value, ensure_ascii=False, sort_keys=True), "at": now_iso()},
    )


def settings_dict(ws: Workspace) -> dict[str, Any]:
    """Every setting (the defaults filled in), for the settings page and the API."""
    out = dict(DEFAULTS)
    with ws.connect() as conn:
        for key, raw in conn.execute(text("SELECT key, value FROM inbox_settings ORDER BY key")):
            out[str(key)] = json.loads(str(raw))
    return out
