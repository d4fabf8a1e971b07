"""Enriched files written by a test, committed to the ledger as enrichment commits them: readers
read only the files the ledger lists (``Workspace.enriched_files``)."""

from __future__ import annotations

import json
import uuid
from contextlib import closing
from datetime import UTC, datetime

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
    with closing(ws.connect()) as conn, ws.transaction(conn):
        conn.execute(
            "INSERT INTO enrich_runs (run_id, pipeline, engine, files, rows, started_at, "
            "finished_at, zone) VALUES (?,?,?,?,?,?,?,?)",
            (f"test-{uuid.uuid4().hex[:8]}", "test", "test", json.dumps(new), 0, now, now, None),
        )
    return new
