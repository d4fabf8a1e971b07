"""The plan actions (socialops.web.actions.plans) called directly, on a real home folder: a
caller without the permission changes nothing and leaves no audit entry; each change is one
save and one audit entry with who and from where; and the plan routes (pages and API) make no
change themselves — they call these actions."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from socialops.domain.channels import load_channels
from socialops.plan.messages import PlanError
from socialops.plan.store import PlanStore
from socialops.web import plan_api, plan_calendar_pages, plan_edit_pages, plan_pages
from socialops.web.accounts import MAIN, Accounts, User
from socialops.web.actions import plans as actions
from socialops.web.actions.base import Actor
from socialops.web.auth import Principal, WebError
from socialops.web.plan_forms import FormError
from socialops.web.services import Services

IP = "203.0.113.7"
NAME, START, END = "봄 신제품 출시", date(2026, 3, 2), date(2026, 3, 29)


class Home:
    def __init__(self, root: Path) -> None:
        self.accounts = Accounts(root)
        self.services = Services(self.accounts)
        self.users: dict[str, User] = {}
        for role in ("owner", "manager", "viewer"):
            self.users[role] = self.accounts.add_user(
                f"{role}@example.com", "pw-12345678", role=role
            )
        self.users["outsider"] = self.accounts.add_user("outsider@example.com", "pw-12345678")

    def actor(self, who: str) -> Actor:
        return Actor(self.accounts, self.services, Principal(self.users[who], "token"), IP)

    def audit(self) -> list[dict[str, Any]]:
        return self.accounts.audit_log(MAIN, limit=100)[1]

    def plans(self) -> PlanStore:
        return PlanStore(self.services.workspace(MAIN))


@pytest.fixture
def home(tmp_path: Path) -> Any:
    h = Home(tmp_path / "home")
    yield h
    h.services.close()


def test_refused_without_permission_changes_nothing(home: Home) -> None:
    for who, status in (("viewer", 403), ("outsider", 404)):
        with pytest.raises(WebError) as refused:
            actions.create_from_template(
                home.actor(who), MAIN, "product-launch", name=NAME, start=START, end=END
            )
        assert refused.value.status == status
    plan = actions.create_from_template(
        home.actor("manager"), MAIN, "product-launch", name=NAME, start=START, end=END
    )
    viewer = home.actor("viewer")
    for act in (
        lambda: actions.edit_plan(viewer, MAIN, plan.plan_id, plan.to_dict(), base_version=1),
        lambda: actions.move_plan(viewer, MAIN, plan.plan_id, "submit"),
        lambda: actions.delete_plan(viewer, MAIN, plan.plan_id),
        lambda: actions.import_metrics(viewer, MAIN, "m.csv", io.BytesIO(b"x"), "post-metrics", {}),
    ):
        with pytest.raises(WebError) as exc:
            act()
        assert exc.value.status == 403
    assert home.plans().get(plan.plan_id).version == plan.version
    assert [e["action"] for e in home.audit()] == ["plan.create"]


def test_each_change_is_one_save_and_one_audit_entry(home: Home) -> None:
    manager, owner = home.actor("manager"), home.actor("owner")
    plan = actions.create_from_template(
        manager, MAIN, "product-launch", name=NAME, start=START, end=END
    )
    entry = home.audit()[0]
    assert (entry["action"], entry["target"], entry["ip"]) == ("plan.create", plan.plan_id, IP)
    assert entry["detail"] == {"name": NAME, "template": "product-launch"}

    doc = plan.to_dict()
    doc["name"] = "봄 신제품 출시 (수정)"
    saved = actions.edit_plan(manager, MAIN, plan.plan_id, doc, base_version=plan.version)
    assert home.audit()[0]["detail"] == {"version": saved.version}
    with pytest.raises(PlanError) as stale:  # the version it was read at is gone
        actions.edit_plan(manager, MAIN, plan.plan_id, doc, base_version=plan.version)
    assert stale.value.code == "plan.stale"

    doc = saved.to_dict()
    doc["calendar"] = doc["calendar"][1:]
    gone = saved.calendar[0]
    saved = actions.edit_calendar(
        manager,
        MAIN,
        plan.plan_id,
        doc,
        base_version=saved.version,
        item=gone.item_id,
        title=gone.title,
        deleted=True,
    )
    entry = home.audit()[0]
    assert entry["action"] == "plan.item_delete" and entry["detail"]["item"] == gone.item_id

    outside = next(c for c in sorted(load_channels(None)) if c not in saved.channel_keys())
    with pytest.raises(FormError):  # outside the recommendation's top: a reason is needed
        actions.change_mix(
            manager, MAIN, plan.plan_id, "add", outside, role="support", reason="",
            base_version=saved.version, lang="ko", recommendation=lambda p: [],
        )  # fmt: skip
    saved = actions.change_mix(
        manager, MAIN, plan.plan_id, "add", outside, role="support", reason=" 20대 도달 ",
        base_version=saved.version, lang="ko", recommendation=lambda p: [],
    )  # fmt: skip
    assert saved.channels[-1].override_reason == "20대 도달"
    assert home.audit()[0]["detail"] == {"channel": outside, "reason": "20대 도달"}

    moved = actions.move_plan(manager, MAIN, plan.plan_id, "submit", base_version=saved.version)
    moved = actions.move_plan(owner, MAIN, plan.plan_id, "approve", note="좋습니다")
    assert moved.state == "approved" and home.audit()[0]["action"] == "plan.approve"
    with pytest.raises(PlanError) as locked:  # approved: in use
        actions.delete_plan(manager, MAIN, plan.plan_id)
    assert locked.value.code == "plan.locked"
    actions.move_plan(owner, MAIN, plan.plan_id, "start")
    actions.move_plan(owner, MAIN, plan.plan_id, "finish")
    actions.delete_plan(manager, MAIN, plan.plan_id)
    assert home.plans().list() == []
    assert [e["action"] for e in home.audit()] == [
        "plan.delete",
        "plan.finish",
        "plan.start",
        "plan.approve",
        "plan.submit",
        "plan.channel_add",
        "plan.item_delete",
        "plan.edit",
        "plan.create",
    ]


CHANGES = re.compile(
    r"(?<![\w.])(?:\w+\.)?(audit_change|_audit|update_plan|transition|create_from_template"
    r"|run_metrics_import|save|create|delete)\("
)


@pytest.mark.parametrize(
    "module", [plan_pages, plan_edit_pages, plan_calendar_pages, plan_api], ids=lambda m: m.__name__
)
def test_plan_routes_change_nothing_themselves(module: Any) -> None:
    """A page route and its API route call the same action: no save, no transition, no audit
    entry is written by a route module."""
    source = Path(module.__file__).read_text(encoding="utf-8")
    found = [
        m.group(0)
        for m in CHANGES.finditer(source)
        if not m.group(0).startswith(("actions.", "router."))  # router.delete: a DELETE route
    ]
    assert found == []
