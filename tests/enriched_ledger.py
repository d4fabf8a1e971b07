"""Enriched files written by a test, committed to the ledger as enrichment commits them: readers
read only the files the ledger lists (``Workspace.enriched_files``). Goes through the workspace
database (:meth:`Workspace.begin`), so it works on SQLite and PostgreSQL alike."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

from sqlalchemy import text

from socialops.store.workspace import Workspace


def commit_enriched(ws: Workspace) -> list[str]:
    """Record every file under ``enriched/`` the ledger does not list yet as one enrichment
    run; returns them (relative to ``enriched/``)."""
    known = set(ws.committed_enriched())
    new = sorted(
        rel
        for rel in (p.relative_to(ws.enriched_dir).as_posix() for p in ws.enriched_dir.rglob("*"))
        if rel.endswith(".parquet") and rel.startswith("month=") and rel not in known
    )
    if not new:
        return []
    now = datetime.now(UTC).isoformat(timespec="seconds")
    with ws.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO enrich_runs (run_id, pipeline, engine, files, rows, started_at, "
                "finished_at, zone) VALUES (:run_id, 'test', 'test', :files, 0, :now, :now, NULL)"
            ),
            {"run_id": f"test-{uuid.uuid4().hex[:8]}", "files": json.dumps(new), "now": now},
        )
    return new
