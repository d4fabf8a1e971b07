"""Campaign plans in the workspace database (``workspace.db``), one JSON document per plan.

Every save validates the whole plan first and writes it in one transaction, with optimistic
concurrency: a save names the version it was based on and is refused when someone saved since
(:class:`PlanError` ``plan.stale``). So a plan is never half-saved and never silently overwritten.
"""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime
from typing import Any

from socialops.measure.kpis import LIBRARY, check_measurable
from socialops.plan.channels import load_channels
from socialops.plan.messages import PlanError
from socialops.plan.model import Plan, StateEvent, validate_plan
from socialops.store.workspace import Workspace

__all__ = ["PlanStore", "new_plan_id", "now_utc"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS plans (
    plan_id    TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    state      TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date   TEXT NOT NULL,
    version    INTEGER NOT NULL,
    doc        TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
"""


def now_utc() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def new_plan_id() -> str:
    return "p" + secrets.token_hex(4)


class PlanStore:
    """Plans of one workspace."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        with ws.connect() as conn:
            conn.executescript(_SCHEMA)

    # -- reading -----------------------------------------------------------------------------

    def list(self) -> list[dict[str, Any]]:
        """Summaries, newest first: id, name, state, period, version, updated_at."""
        with self.ws.connect() as conn:
            rows = conn.execute(
                "SELECT plan_id, name, state, start_date, end_date, version, created_at, "
                "updated_at FROM plans ORDER BY updated_at DESC, plan_id"
            ).fetchall()
        return [dict(r) for r in rows]

    def get(self, plan_id: str) -> Plan:
        with self.ws.connect() as conn:
            row = conn.execute("SELECT doc FROM plans WHERE plan_id = ?", (plan_id,)).fetchone()
        if row is None:
            raise PlanError("plan.not_found", plan_id=plan_id[:40])
        return Plan.from_dict(json.loads(row["doc"]))

    # -- writing -----------------------------------------------------------------------------

    def create(self, plan: Plan, *, actor: str) -> Plan:
        """Save a new plan (a fresh id when it has none) in ``draft``."""
        if not plan.plan_id:
            plan.plan_id = new_plan_id()
        stamp = now_utc()
        plan.state = "draft"
        plan.version = 1
        plan.created_at = plan.updated_at = stamp
        plan.owner = plan.owner or actor
        plan.history = [StateEvent(stamp, actor, "create", None, "draft")]
        self._validate(plan)
        with self.ws.connect() as conn, self.ws.transaction(conn):
            if conn.execute("SELECT 1 FROM plans WHERE plan_id = ?", (plan.plan_id,)).fetchone():
                raise PlanError("plan.duplicate", field="plan_id", value=plan.plan_id)
            self._write(conn, plan, insert=True)
        return plan

    def save(
        self, plan: Plan, *, base_version: int, actor: str, event: StateEvent | None = None
    ) -> Plan:
        """Replace the stored plan if it is still at ``base_version``; bump the version."""
        self._validate(plan)
        stamp = now_utc()
        with self.ws.connect() as conn, self.ws.transaction(conn):
            row = conn.execute(
                "SELECT version, doc FROM plans WHERE plan_id = ?", (plan.plan_id,)
            ).fetchone()
            if row is None:
                raise PlanError("plan.not_found", plan_id=plan.plan_id)
            if int(row["version"]) != base_version:
                raise PlanError("plan.stale", current=int(row["version"]))
            stored = json.loads(row["doc"])
            plan.created_at = stored["created_at"]
            plan.history = [StateEvent(**h) for h in stored.get("history", [])]
            plan.history.append(event or StateEvent(stamp, actor, "edit", plan.state, plan.state))
            plan.version = base_version + 1
            plan.updated_at = stamp
            self._write(conn, plan, insert=False)
        return plan

    def delete(self, plan_id: str) -> None:
        with self.ws.connect() as conn, self.ws.transaction(conn):
            cur = conn.execute("DELETE FROM plans WHERE plan_id = ?", (plan_id,))
            if cur.rowcount == 0:
                raise PlanError("plan.not_found", plan_id=plan_id[:40])

    # -- internals ---------------------------------------------------------------------------

    def _validate(self, plan: Plan) -> None:
        channels = load_channels(self.ws)
        validate_plan(plan, known_channels=set(channels), known_kpis=set(LIBRARY))
        for target in plan.kpis:
            check_measurable(plan, target, channels)

    def _write(self, conn: Any, plan: Plan, *, insert: bool) -> None:
        doc = json.dumps(plan.to_dict(), ensure_ascii=False)
        values = (
            plan.name,
            plan.state,
            plan.start.isoformat(),
            plan.end.isoformat(),
            plan.version,
            doc,
            plan.updated_at,
            plan.plan_id,
        )
        if insert:
            conn.execute(
                "INSERT INTO plans (name, state, start_date, end_date, version, doc, updated_at, "
                "plan_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (*values, plan.created_at),
            )
        else:
            conn.execute(
                "UPDATE plans SET name = ?, state = ?, start_date = ?, end_date = ?, version = ?, "
                "doc = ?, updated_at = ? WHERE plan_id = ?",
                values,
            )
