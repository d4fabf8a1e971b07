"""Targeting models in the workspace (table ``targeting_models`` of migration w0009): the whole
model — encoding, coefficients, calibration map, metrics, model card — as one JSON ``body``.
Nothing is pickled: a stored model is data, read back with :func:`json.loads` and checked."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text

from socialops.errors import DataError
from socialops.store.workspace import Workspace

__all__ = ["BODY_KEYS", "FORMAT", "get_model", "list_models", "save_model"]

FORMAT = "socialops.targeting.v1"
BODY_KEYS = ("encoding", "coefficients", "intercept", "calibration", "metrics", "target")


def save_model(ws: Workspace, body: dict[str, Any], *, actor: str = "") -> None:
    """Store ``body`` under ``body["name"]``, replacing a model of that name."""
    row = {
        "name": body["name"],
        "target": body["target"],
        "positive": body["positive"],
        "body": json.dumps(body, ensure_ascii=False, allow_nan=False),
        "auc": body["metrics"]["auc"],
        "rows": body["metrics"]["rows"],
        "by": actor,
        "at": body.get("created_at") or datetime.now(UTC).isoformat(timespec="seconds"),
    }
    with ws.begin() as tx:
        tx.execute(text("DELETE FROM targeting_models WHERE name = :name"), row)
        tx.execute(
            text(
                "INSERT INTO targeting_models (name, target, positive, body, auc, rows, "
                "created_by, created_at) VALUES (:name, :target, :positive, :body, :auc, :rows, "
                ":by, :at)"
            ),
            row,
        )


def list_models(ws: Workspace) -> list[dict[str, Any]]:
    """Every stored model, newest first: name, target, positive, auc, rows, created_by/at."""
    with ws.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT name, target, positive, auc, rows, created_by, created_at "
                "FROM targeting_models ORDER BY created_at DESC, name"
            )
        ).mappings()
        return [dict(r) for r in rows]


def get_model(ws: Workspace, name: str) -> dict[str, Any]:
    """The stored body of model ``name``; refuses an unknown name or a body this version cannot
    read (another format, missing parts)."""
    with ws.connect() as conn:
        raw = conn.execute(
            text("SELECT body FROM targeting_models WHERE name = :name"), {"name": name}
        ).scalar()
    if raw is None:
        names = [m["name"] for m in list_models(ws)]
        raise DataError(
            code="targeting.unknown_model", name=name[:80], choices=", ".join(names[:10]) or "-"
        )
    try:
        body = json.loads(raw)
        ok = body.get("format") == FORMAT and all(k in body for k in BODY_KEYS)
    except (ValueError, AttributeError):
        ok = False
    if not ok:
        raise DataError(code="targeting.bad_model", name=name[:80])
    out: dict[str, Any] = body
    return out
