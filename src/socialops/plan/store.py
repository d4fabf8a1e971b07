"""Campaign plans in the workspace database (table ``plans``; SQLite or PostgreSQL), one JSON
document per plan.

Every save validates the whole plan first and writes it in one transaction, with optimistic
concurrency: a save names the version it was based on and is refused when someone saved since
(:class:`PlanError` ``plan.stale``). So a plan is never half-saved and never silently overwritten,
also with several processes (two ``serve`` on one PostgreSQL database): the write transaction is
serialised and the UPDATE is conditional on the base version.
"""

from __future__ import annotations

import copy
import json
import secrets
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from socialops.domain.channels import load_channels
from socialops.domain.kpis import LIBRARY
from socialops.domain.plan import Plan, StateEvent, validate_plan
from socialops.errors import PlanError
from socialops.measure.kpis import check_measurable
from socialops.plan.target_segments import check_saved_segments
from socialops.store.workspace import Workspace

__all__ = ["PlanStore", "new_plan_id", "now_utc"]


def now_utc() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def new_plan_id() -> str:
    return "p" + secrets.token_hex(4)


class PlanStore:
    """Plans of one workspace."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws  # the ``plans`` table comes from the workspace migrations (w0001)

    # -- reading -----------------------------------------------------------------------------

    def list(self) -> list[dict[str, Any]]:
        """Summaries, newest first: id, name, state, period, version, updated_at."""
        with self.ws.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT plan_id, name, state, start_date, end_date, version, created_at, "
                    "updated_at FROM plans ORDER BY updated_at DESC, plan_id"
                )
            ).mappings()
            return [dict(r) for r in rows]

    def get(self, plan_id: str) -> Plan:
        with self.ws.connect() as conn:
            doc = conn.execute(
                text("SELECT doc FROM plans WHERE plan_id = :id"), {"id": plan_id}
            ).scalar_one_or_none()
        if doc is None:
            raise PlanError("plan.not_found", plan_id=plan_id[:40])
        return Plan.from_dict(json.loads(doc))

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
        try:
            with self.ws.begin() as conn:
                exists = conn.execute(
                    text("SELECT 1 FROM plans WHERE plan_id = :id"), {"id": plan.plan_id}
                ).first()
                if exists:
                    raise PlanError("plan.duplicate", field="plan_id", value=plan.plan_id)
                conn.execute(
                    text(
                        "INSERT INTO plans (plan_id, name, state, start_date, end_date, version, "
                        "doc, created_at, updated_at) VALUES (:plan_id, :name, :state, :start, "
                        ":end, :version, :doc, :created_at, :updated_at)"
                    ),
                    {**self._values(plan), "created_at": plan.created_at},
                )
        except IntegrityError:  # the primary key, should another writer slip past the check
            raise PlanError("plan.duplicate", field="plan_id", value=plan.plan_id) from None
        return plan

    def save(
        self, plan: Plan, *, base_version: int, actor: str, event: StateEvent | None = None
    ) -> Plan:
        """Replace the stored plan if it is still at ``base_version``; bump the version.

        Race-free on both databases: the read and the write are one write transaction
        (serialised with every other writer of the workspace), and the UPDATE itself is
        conditional on the version (``WHERE version = :base``), so a save based on a version
        someone else replaced changes nothing and is refused as ``plan.stale``."""
        self._validate(plan)
        stamp = now_utc()
        with self.ws.begin() as conn:
            row = conn.execute(
                text("SELECT version, doc FROM plans WHERE plan_id = :id"), {"id": plan.plan_id}
            ).first()
            if row is None:
                raise PlanError("plan.not_found", plan_id=plan.plan_id)
            if int(row.version) != base_version:
                raise PlanError("plan.stale", current=int(row.version))
            stored = json.loads(row.doc)
            created_at = stored["created_at"]
            history = [StateEvent(**h) for h in stored.get("history", [])]
            history.append(event or StateEvent(stamp, actor, "edit", plan.state, plan.state))
            saved = copy.copy(plan)
            saved.created_at = created_at
            saved.history = history
            saved.version = base_version + 1
            saved.updated_at = stamp
            done = conn.execute(
                text(
                    "UPDATE plans SET name = :name, state = :state, start_date = :start, "
                    "end_date = :end, version = :version, doc = :doc, updated_at = :updated_at "
                    "WHERE plan_id = :plan_id AND version = :base"
                ),
                {**self._values(saved), "base": base_version},
            )
            if done.rowcount != 1:  # replaced since the read: never overwrite it
                current = conn.execute(
                    text("SELECT version FROM plans WHERE plan_id = :id"), {"id": plan.plan_id}
                ).scalar_one_or_none()
                if current is None:
                    raise PlanError("plan.not_found", plan_id=plan.plan_id)
                raise PlanError("plan.stale", current=int(current))
        # only a committed save changes the caller's plan
        plan.created_at, plan.history = saved.created_at, saved.history
        plan.version, plan.updated_at = saved.version, saved.updated_at
        return plan

    def delete(self, plan_id: str) -> None:
        with self.ws.connect() as conn:
            done = conn.execute(text("DELETE FROM plans WHERE plan_id = :id"), {"id": plan_id})
            if done.rowcount == 0:
                raise PlanError("plan.not_found", plan_id=plan_id[:40])

    # -- internals ---------------------------------------------------------------------------

    def _validate(self, plan: Plan) -> None:
        channels = load_channels(self.ws)
        validate_plan(plan, known_channels=set(channels), known_kpis=set(LIBRARY))
        for target in plan.kpis:
            check_measurable(plan, target, channels)
        check_saved_segments(self.ws, plan)  # a linked saved segment must exist

    @staticmethod
    def _values(plan: Plan) -> dict[str, Any]:
        """The columns of ``plan``'s row (the whole document in ``doc``)."""
        return {
            "plan_id": plan.plan_id,
            "name": plan.name,
            "state": plan.state,
            "start": plan.start.isoformat(),
            "end": plan.end.isoformat(),
            "version": plan.version,
            "doc": json.dumps(plan.to_dict(), ensure_ascii=False),
            "updated_at": plan.updated_at,
        }
