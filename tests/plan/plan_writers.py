"""Plan writers run in their own OS processes (``multiprocessing`` spawn) by
``test_store_concurrency``: two processes saving one plan, as two ``serve`` processes on one
database do. Each opens the workspace itself (the database from the environment it inherits:
``SOCIALOPS_DATABASE_URL`` for PostgreSQL) and reports on a queue."""

from __future__ import annotations

import traceback
from pathlib import Path
from typing import Any

from socialops.errors import PlanError
from socialops.plan.store import PlanStore
from socialops.store.workspace import Workspace


def _store(root: str) -> PlanStore:
    return PlanStore(Workspace.open(Path(root), create=False))


def save_once(root: str, plan_id: str, who: str, barrier: Any, out: Any) -> None:
    """Read the plan, wait until the other writer has read it too, save: ``(who, "saved")``
    or ``(who, <error code>)``."""
    try:
        store = _store(root)
        plan = store.get(plan_id)
        base = plan.version
        plan.name = f"{who}의 계획"
        barrier.wait(timeout=120)
        try:
            store.save(plan, base_version=base, actor=who)
            out.put((who, "saved"))
        except PlanError as exc:
            out.put((who, exc.code))
    except BaseException:
        out.put((who, "crash: " + traceback.format_exc()))


def save_many(root: str, plan_id: str, who: str, saves: int, barrier: Any, out: Any) -> None:
    """Make ``saves`` edits, each read-modify-save, again on ``plan.stale``:
    ``(who, stale refusals met)``."""
    try:
        store = _store(root)
        barrier.wait(timeout=120)
        done = stale = 0
        while done < saves:
            plan = store.get(plan_id)
            plan.name = f"{who} {done}"
            try:
                store.save(plan, base_version=plan.version, actor=who)
                done += 1
            except PlanError as exc:
                if exc.code != "plan.stale":
                    raise
                stale += 1
        out.put((who, stale))
    except BaseException:
        out.put((who, "crash: " + traceback.format_exc()))
