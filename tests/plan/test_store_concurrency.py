"""Optimistic plan versions with two writers in two OS processes, on SQLite and PostgreSQL (two
``serve`` processes on one database): of two saves based on the same version exactly one wins and
the other is refused as ``plan.stale``; writers that retry on ``plan.stale`` lose no update."""

from __future__ import annotations

import multiprocessing
from pathlib import Path
from typing import Any

import pytest
from plan_writers import save_many, save_once
from sqlalchemy import text
from test_model import make_plan

from socialops.domain.plan import Plan
from socialops.errors import PlanError
from socialops.plan.store import PlanStore
from socialops.store.workspace import Workspace

WRITERS = ("kim", "lee")


@pytest.fixture()
def store(database: str, tmp_path: Path) -> PlanStore:
    return PlanStore(Workspace.open(tmp_path / "ws"))


def _new(store: PlanStore) -> Plan:
    plan = make_plan()
    plan.plan_id = ""
    plan.kpis = [k for k in plan.kpis if k.kpi != "mentions"]  # no listening topic here
    plan.topics = []
    return store.create(plan, actor="kim@example.kr")


def _run(target: Any, *args: Any) -> dict[str, Any]:
    """Run ``target(root, plan_id, who, *args, barrier, queue)`` in one spawned process per
    writer; their reports by writer."""
    ctx = multiprocessing.get_context("spawn")
    barrier, out = ctx.Barrier(len(WRITERS)), ctx.Queue()
    procs = [
        ctx.Process(target=target, args=(*args[:2], who, *args[2:], barrier, out))
        for who in WRITERS
    ]
    for p in procs:
        p.start()
    try:
        reports = dict(out.get(timeout=240) for _ in procs)
    finally:
        for p in procs:
            p.join(timeout=60)
            if p.is_alive():
                p.kill()
    crashed = {w: r for w, r in reports.items() if str(r).startswith("crash")}
    assert not crashed, crashed
    return reports


def test_two_processes_save_the_same_version(store: PlanStore, database: str) -> None:
    plan = _new(store)
    reports = _run(save_once, str(store.ws.root), plan.plan_id)
    assert sorted(reports.values()) == ["plan.stale", "saved"], reports
    winner = next(w for w, r in reports.items() if r == "saved")
    stored = store.get(plan.plan_id)
    assert stored.version == 2 and stored.name == f"{winner}의 계획"
    assert [(e.actor, e.action) for e in stored.history[1:]] == [(winner, "edit")]


def test_writers_that_retry_lose_no_update(store: PlanStore, database: str) -> None:
    plan = _new(store)
    saves = 6
    reports = _run(save_many, str(store.ws.root), plan.plan_id, saves)
    stored = store.get(plan.plan_id)
    # every save landed once: the version counts them and the history names each writer's
    assert stored.version == 1 + saves * len(WRITERS)
    edits = [e.actor for e in stored.history if e.action == "edit"]
    assert sorted(edits) == sorted(WRITERS * saves)
    assert all(isinstance(r, int) for r in reports.values()), reports


def test_update_is_conditional_on_the_base_version(store: PlanStore) -> None:
    """A row replaced between the check and the UPDATE (which the serialised transaction
    prevents; here done by hand on the same connection) is not overwritten: ``plan.stale``."""
    plan = _new(store)
    mine = store.get(plan.plan_id)
    mine.name = "내 변경"
    real_begin = store.ws.begin

    class Sneaky:
        """The workspace's write transaction, with another writer's save landing inside it
        just before the UPDATE runs."""

        def __init__(self) -> None:
            self.cm = real_begin()

        def __enter__(self) -> Any:
            conn = self.cm.__enter__()
            real_execute = conn.execute

            def execute(statement: Any, *args: Any, **kw: Any) -> Any:
                if str(statement).startswith("UPDATE plans"):
                    real_execute(text("UPDATE plans SET version = version + 1, name = 'other'"))
                return real_execute(statement, *args, **kw)

            conn.execute = execute
            return conn

        def __exit__(self, *exc: Any) -> Any:
            return self.cm.__exit__(*exc)

    store.ws.begin = Sneaky  # type: ignore[method-assign]
    try:
        with pytest.raises(PlanError) as err:
            store.save(mine, base_version=1, actor="lee")
    finally:
        del store.ws.begin
    assert err.value.code == "plan.stale" and err.value.params == {"current": 2}
    assert mine.version == 1  # the caller's plan is not touched by a refused save
    stored = store.get(plan.plan_id)
    assert stored.name != "내 변경"
