"""A plan's target segment linked to a saved customer segment: saved with the plan when the
segment exists, refused (nothing saved) when it does not, its size read from the segment, and a
segment deleted since shown as missing."""

from __future__ import annotations

import pytest
from test_model import make_plan

from socialops.domain.plan import Plan
from socialops.errors import PlanError
from socialops.plan.store import PlanStore
from socialops.plan.target_segments import check_saved_segments, target_segments
from socialops.segment.members import Member
from socialops.segment.store import delete_segment, save_segment
from socialops.store.workspace import Workspace


@pytest.fixture()
def ws(workspace: Workspace) -> Workspace:
    ws = workspace
    members = [Member(f"c{i}") for i in range(3)]
    save_segment(ws, "cdnow/champions", members, kind="rfm")
    return ws


def _plan(saved: str) -> Plan:
    plan = make_plan()
    plan.plan_id = ""
    plan.kpis = [k for k in plan.kpis if k.kpi != "mentions"]
    plan.topics = []
    plan.segments[0].saved = saved
    return plan


def test_a_saved_segment_is_linked_with_its_size(ws: Workspace) -> None:
    store = PlanStore(ws)
    plan = store.create(_plan("cdnow/champions"), actor="kim@example.kr")
    again = store.get(plan.plan_id)
    assert again.segments[0].saved == "cdnow/champions"  # kept in the document
    rows = target_segments(ws, again)
    assert rows[0] == {
        "name": again.segments[0].name,
        "saved": "cdnow/champions",
        "size": 3,
        "missing": False,
    }
    assert all(r["size"] is None for r in rows[1:])
    delete_segment(ws, "cdnow/champions")
    assert target_segments(ws, again)[0]["missing"] is True
    with pytest.raises(PlanError) as err:  # saving it again asks to fix the link
        check_saved_segments(ws, again)
    assert err.value.code == "plan.saved_segment_unknown"


def test_an_unknown_saved_segment_is_refused(ws: Workspace) -> None:
    store = PlanStore(ws)
    with pytest.raises(PlanError) as err:
        store.create(_plan("cdnow/nobody"), actor="kim@example.kr")
    assert err.value.code == "plan.saved_segment_unknown"
    assert "cdnow/nobody" in err.value.text("en") and "세그먼트" in err.value.text("ko")
    assert store.list() == []
