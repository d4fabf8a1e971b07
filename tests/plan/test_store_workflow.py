"""Plans saved whole, never half; optimistic versions; the review workflow and who may move it."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_model import make_plan

from socialops.domain.plan import Plan
from socialops.errors import PlanError
from socialops.plan.store import PlanStore
from socialops.plan.workflow import available_actions, check_edit, transition
from socialops.store.workspace import Workspace


@pytest.fixture()
def store(database: str, tmp_path: Path) -> PlanStore:
    """A plan store on each database (SQLite, PostgreSQL)."""
    return PlanStore(Workspace.open(tmp_path / "ws"))


def _new(store: PlanStore, **changes: object) -> Plan:
    plan = make_plan()
    plan.plan_id = ""
    plan.kpis = [k for k in plan.kpis if k.kpi != "mentions"]  # no listening topic here
    plan.topics = []
    for k, v in changes.items():
        setattr(plan, k, v)
    return store.create(plan, actor="kim@example.kr")


def test_create_get_list(store: PlanStore) -> None:
    plan = _new(store)
    assert plan.plan_id.startswith("p") and plan.version == 1 and plan.state == "draft"
    again = store.get(plan.plan_id)
    assert again == plan
    assert [r["plan_id"] for r in store.list()] == [plan.plan_id]
    assert plan.history[0].action == "create" and plan.owner == "kim@example.kr"


def test_bad_plan_is_not_saved(store: PlanStore) -> None:
    plan = make_plan()
    plan.plan_id = ""
    plan.end = plan.start.replace(day=1).replace(month=1)
    with pytest.raises(PlanError):
        store.create(plan, actor="kim")
    assert store.list() == []


def test_save_is_whole_or_nothing_and_versioned(store: PlanStore) -> None:
    plan = _new(store)
    plan.name = "새 이름"
    saved = store.save(plan, base_version=1, actor="kim")
    assert saved.version == 2 and store.get(plan.plan_id).name == "새 이름"
    # a stale save is refused and changes nothing
    stale = store.get(plan.plan_id)
    stale.name = "늦은 변경"
    with pytest.raises(PlanError) as err:
        store.save(stale, base_version=1, actor="lee")
    assert err.value.code == "plan.stale"
    # an invalid save is refused and changes nothing
    bad = store.get(plan.plan_id)
    bad.budget[0].amount_krw += 1
    with pytest.raises(PlanError) as err:
        store.save(bad, base_version=2, actor="lee")
    assert err.value.code == "plan.budget_sum"
    stored = store.get(plan.plan_id)
    assert stored.name == "새 이름" and stored.version == 2


def test_missing_plan(store: PlanStore) -> None:
    with pytest.raises(PlanError) as err:
        store.get("pnothere")
    assert err.value.code == "plan.not_found"


def test_workflow_with_two_approvers(store: PlanStore) -> None:
    plan = _new(store, approvers=["boss@example.kr", "legal@example.kr"])
    pid = plan.plan_id
    assert available_actions(plan, "manager", "kim") == ["submit"]
    assert available_actions(plan, "viewer", "kim") == []
    with pytest.raises(PlanError) as err:
        transition(store, pid, "approve", actor="boss@example.kr", role="manager")
    assert err.value.code == "plan.bad_transition"
    transition(store, pid, "submit", actor="kim", role="manager")
    with pytest.raises(PlanError) as err:
        transition(store, pid, "approve", actor="kim", role="analyst")
    assert err.value.code == "plan.transition_role"
    with pytest.raises(PlanError) as err:
        transition(store, pid, "approve", actor="kim", role="manager")
    assert err.value.code == "plan.not_approver"
    p = transition(store, pid, "approve", actor="boss@example.kr", role="manager")
    assert p.state == "in_review" and p.approvals == ["boss@example.kr"]
    with pytest.raises(PlanError) as err:
        transition(store, pid, "approve", actor="boss@example.kr", role="manager")
    assert err.value.code == "plan.already_approved"
    p = transition(store, pid, "approve", actor="legal@example.kr", role="owner")
    assert p.state == "approved"
    p = transition(store, pid, "start", actor="kim", role="manager")
    p = transition(store, pid, "finish", actor="kim", role="manager")
    assert p.state == "done"
    assert [h.action for h in p.history] == [
        "create",
        "submit",
        "approve",
        "approve",
        "start",
        "finish",
    ]


def test_reject_needs_a_note_and_clears_approvals(store: PlanStore) -> None:
    plan = _new(store, approvers=["boss@example.kr", "legal@example.kr"])
    pid = plan.plan_id
    transition(store, pid, "submit", actor="kim", role="owner")
    transition(store, pid, "approve", actor="boss@example.kr", role="owner")
    with pytest.raises(PlanError) as err:
        transition(store, pid, "reject", actor="legal@example.kr", role="owner")
    assert err.value.code == "plan.required"
    p = transition(store, pid, "reject", actor="legal@example.kr", role="owner", note="표현 수정")
    assert p.state == "draft" and p.approvals == [] and p.history[-1].note == "표현 수정"


def test_edits_allowed_by_state(store: PlanStore) -> None:
    plan = _new(store)
    transition(store, plan.plan_id, "submit", actor="kim", role="owner")
    in_review = store.get(plan.plan_id)
    changed = store.get(plan.plan_id)
    changed.name = "x"
    with pytest.raises(PlanError) as err:
        check_edit(in_review, changed)
    assert err.value.code == "plan.locked"
    approved = transition(store, plan.plan_id, "approve", actor="kim", role="owner")
    only_calendar = store.get(plan.plan_id)
    only_calendar.calendar[0].status = "ready"
    check_edit(approved, only_calendar)  # calendar work goes on after approval
    budget_change = store.get(plan.plan_id)
    budget_change.budget_total_krw += 1
    with pytest.raises(PlanError):
        check_edit(approved, budget_change)
