"""How a plan moves: draft → in review → approved → running → done, and who may move it.

=========  ===========  ==========  ===============================================
action     from         to          who (``socialops.domain.permissions``)
=========  ===========  ==========  ===============================================
submit     draft        in_review   plans.edit
withdraw   in_review    draft       plans.edit
reject     in_review    draft       plans.approve (a note saying why is required)
approve    in_review    approved    plans.approve; when the plan names approvers, the
                                    actor must be one of them and the plan is approved
                                    once every approver has approved
start      approved     running     plans.edit
finish     running      done        plans.edit
reopen     approved     draft       plans.edit (approvals are cleared)
=========  ===========  ==========  ===============================================

Edits: a draft may change in everything; an approved or running plan only in its content
calendar (statuses, copy, assets), so what was approved stays what was approved; a plan in
review or done cannot change.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from socialops.domain.permissions import allowed
from socialops.domain.plan import Plan, StateEvent
from socialops.plan.messages import PlanError
from socialops.plan.store import PlanStore, now_utc

__all__ = ["TRANSITIONS", "Transition", "available_actions", "check_edit", "transition"]


@dataclass(frozen=True)
class Transition:
    action: str
    from_state: str
    to_state: str
    permission: str


TRANSITIONS: tuple[Transition, ...] = (
    Transition("submit", "draft", "in_review", "plans.edit"),
    Transition("withdraw", "in_review", "draft", "plans.edit"),
    Transition("reject", "in_review", "draft", "plans.approve"),
    Transition("approve", "in_review", "approved", "plans.approve"),
    Transition("start", "approved", "running", "plans.edit"),
    Transition("finish", "running", "done", "plans.edit"),
    Transition("reopen", "approved", "draft", "plans.edit"),
)
_BY_ACTION = {t.action: t for t in TRANSITIONS}


def available_actions(plan: Plan, role: str | None, actor: str) -> list[str]:
    """The actions ``actor`` with ``role`` may take on ``plan`` now (for buttons)."""
    out = []
    for t in TRANSITIONS:
        if t.from_state != plan.state or not allowed(role, t.permission):
            continue
        if (
            t.action == "approve"
            and plan.approvers
            and (actor not in plan.approvers or actor in plan.approvals)
        ):
            continue
        out.append(t.action)
    return out


def check_edit(old: Plan, new: Plan) -> None:
    """Refuse an edit that the plan's state does not allow (see the module text)."""
    if old.state == "draft":
        return
    if old.state in ("approved", "running"):
        same_but_calendar = replace(new, calendar=old.calendar) == replace(
            old, calendar=old.calendar
        )
        if same_but_calendar:
            return
    raise PlanError("plan.locked", state=old.state)


def transition(
    store: PlanStore,
    plan_id: str,
    action: str,
    *,
    actor: str,
    role: str | None,
    note: str = "",
    base_version: int | None = None,
) -> Plan:
    """Apply ``action`` to the stored plan and save it; returns the saved plan."""
    plan = store.get(plan_id)
    t = _BY_ACTION.get(action)
    if t is None:
        raise PlanError(
            "plan.bad_choice", field="action", value=action[:40], choices=list(_BY_ACTION)
        )
    if plan.state != t.from_state:
        raise PlanError("plan.bad_transition", state=plan.state, action=action)
    if not allowed(role, t.permission):
        raise PlanError("plan.transition_role", action=action, role=role or "-")
    if action == "reject" and not note.strip():
        raise PlanError("plan.required", field="note")
    version = plan.version if base_version is None else base_version
    to_state = t.to_state
    if action == "approve":
        if plan.approvers:
            if actor not in plan.approvers:
                raise PlanError("plan.not_approver", who=actor, approvers=", ".join(plan.approvers))
            if actor in plan.approvals:
                raise PlanError("plan.already_approved", who=actor)
            plan.approvals.append(actor)
            if set(plan.approvers) - set(plan.approvals):
                to_state = plan.state  # waits for the other approvers
        else:
            plan.approvals = [actor]
    if action in ("withdraw", "reject", "reopen", "submit"):
        plan.approvals = []
    event = StateEvent(now_utc(), actor, action, plan.state, to_state, note[:2000])
    plan.state = to_state
    return store.save(plan, base_version=version, actor=actor, event=event)
