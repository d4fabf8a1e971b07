"""The plan policy's publishing fields: how many approvers a post of the plan needs and which
roles publish without review; validated, round-tripped, and defaulted for plans saved before
the fields existed."""

from __future__ import annotations

from datetime import date

import pytest

from socialops.domain.plan import DIRECT_ROLES, Plan, Policy, validate_plan
from socialops.errors import PlanError


def _plan(**policy: object) -> Plan:
    return Plan(
        plan_id="p1",
        name="겨울 프로모션",
        start=date(2026, 12, 1),
        end=date(2026, 12, 31),
        objectives=["sales_promotion"],
        policy=Policy(**policy),  # type: ignore[arg-type]
    )


def _check(plan: Plan) -> None:
    validate_plan(plan, known_channels=set(), known_kpis=set())


def test_defaults_let_owners_and_managers_publish_directly() -> None:
    p = Policy()
    assert p.publish_approvals == 0 and p.direct_roles == ["owner", "manager"]
    assert list(DIRECT_ROLES) == p.direct_roles
    assert Policy().direct_roles is not p.direct_roles  # no shared default list
    _check(_plan())


def test_an_old_plan_without_the_fields_loads_with_the_defaults() -> None:
    doc = _plan().to_dict()
    del doc["policy"]["publish_approvals"], doc["policy"]["direct_roles"]
    plan = Plan.from_dict(doc)
    assert plan.policy.publish_approvals == 0
    assert plan.policy.direct_roles == ["owner", "manager"]


def test_the_fields_round_trip() -> None:
    plan = _plan(publish_approvals=2, direct_roles=["owner"])
    again = Plan.from_dict(plan.to_dict())
    assert again == plan and again.policy.publish_approvals == 2


@pytest.mark.parametrize("bad", [-1, 3, 1.5, True, "1"])
def test_publish_approvals_is_zero_one_or_two(bad: object) -> None:
    with pytest.raises(PlanError) as err:
        _check(_plan(publish_approvals=bad))
    assert err.value.code == "plan.bad_range"
    assert err.value.params["field"] == "policy.publish_approvals"
    assert "0" in err.value.text("ko") and "2" in err.value.text("en")


@pytest.mark.parametrize("role", ["viewer", "admin", ""])
def test_direct_roles_are_roles_that_may_write_posts(role: str) -> None:
    with pytest.raises(PlanError) as err:
        _check(_plan(direct_roles=["owner", role]))
    assert err.value.code == "plan.bad_choice"
    assert "analyst" in err.value.params["choices"] and "viewer" not in err.value.params["choices"]


def test_every_writer_role_may_be_direct_and_none_is_allowed() -> None:
    _check(_plan(direct_roles=["owner", "manager", "agent", "analyst"]))
    _check(_plan(direct_roles=[], publish_approvals=1))


def test_the_plan_edit_form_reads_and_writes_the_fields() -> None:
    from socialops.web.plan_forms import edit_doc, edit_form, edit_form_of_fields

    plan = _plan(publish_approvals=2, direct_roles=["owner"])
    form = edit_form(plan)
    assert (form["publish_approvals"], form["direct_roles"]) == ("2", ["owner"])
    # as the browser sends it: the select, an empty hidden field, then the checked boxes
    fields = {"publish_approvals": ["1"], "direct_roles": ["", "manager", "agent"]}
    read = edit_form_of_fields(fields)
    assert (read["publish_approvals"], read["direct_roles"]) == ("1", ["manager", "agent"])
    doc = edit_doc(plan, {**form, "publish_approvals": "1", "direct_roles": ["manager"]})
    again = Plan.from_dict(doc)
    assert (again.policy.publish_approvals, again.policy.direct_roles) == (1, ["manager"])
    # every box cleared is no direct role; a form without the fields keeps the defaults
    assert edit_form_of_fields({"direct_roles": [""]})["direct_roles"] == []
    assert edit_form_of_fields({})["direct_roles"] == ["owner", "manager"]
    from socialops.web.plan_forms import FormError

    with pytest.raises(FormError):
        edit_doc(plan, {**form, "publish_approvals": "3"})
