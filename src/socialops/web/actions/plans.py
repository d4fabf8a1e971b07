"""Campaign plans: create (from a template or a whole document), edit (the whole plan, or one
calendar item), move through review, delete; and the post-metrics and conversions imports the
plans are measured against. Permissions: ``plans.edit``; approve and reject ``plans.approve``;
imports ``data.import``. Each change is one validated save of the whole plan (or nothing) and
one audit entry; the plan's recommendation cache is keyed on the plan's version and the latest
import, so nothing else goes stale."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, BinaryIO

from socialops.domain.channels import load_channels
from socialops.domain.plan import ChannelChoice, Plan, StateEvent
from socialops.measure.metrics import MetricsImport
from socialops.plan import service
from socialops.plan.messages import PlanError
from socialops.plan.store import PlanStore, now_utc
from socialops.plan.workflow import TRANSITIONS, transition
from socialops.web.actions.base import Actor
from socialops.web.plan_forms import FormError
from socialops.web.plan_http import run_metrics_import

__all__ = [
    "RECOMMENDED_TOP",
    "change_mix",
    "create_from_document",
    "create_from_template",
    "delete_plan",
    "edit_calendar",
    "edit_plan",
    "import_metrics",
    "move_plan",
]

EDIT = "plans.edit"
RECOMMENDED_TOP = 5  # the channels the recommendation stands for: going against it needs a reason


def create_from_template(
    actor: Actor,
    ws: str,
    template: str,
    *,
    name: str,
    start: date,
    end: date,
    budget_krw: int | None = None,
    topics: list[str] | None = None,
) -> Plan:
    """A new draft plan from ``template``, saved (refused whole when anything is wrong)."""
    access = actor.access(ws, EDIT)
    plan = service.create_from_template(
        actor.services.workspace(ws),
        template,
        name=name,
        start=start,
        end=end,
        actor=access.user.email,
        budget_krw=budget_krw,
        topics=topics,
    )
    actor.audit(access, "plan.create", plan.plan_id, name=plan.name, template=plan.template)
    return plan


def create_from_document(actor: Actor, ws: str, doc: dict[str, Any]) -> Plan:
    """A new draft plan from a whole plan document (a new id, no approvals)."""
    access = actor.access(ws, EDIT)
    made = Plan.from_dict(doc)
    made.plan_id = ""
    made.approvals = []
    plan = PlanStore(actor.services.workspace(ws)).create(made, actor=access.user.email)
    actor.audit(access, "plan.create", plan.plan_id, name=plan.name, template=plan.template)
    return plan


def edit_plan(
    actor: Actor, ws: str, plan_id: str, doc: dict[str, Any], *, base_version: int
) -> Plan:
    """Replace the plan's content with ``doc`` at ``base_version`` (409 ``plan.stale`` when it
    changed since)."""
    access = actor.access(ws, EDIT)
    saved = service.update_plan(
        actor.services.workspace(ws),
        plan_id,
        doc,
        base_version=base_version,
        actor=access.user.email,
    )
    actor.audit(access, "plan.edit", plan_id, version=saved.version)
    return saved


def edit_calendar(
    actor: Actor,
    ws: str,
    plan_id: str,
    doc: dict[str, Any],
    *,
    base_version: int,
    item: str,
    title: str,
    deleted: bool = False,
) -> Plan:
    """Save the plan whose calendar gained, changed (``item``, ``title``) or lost (``deleted``)
    one item."""
    access = actor.access(ws, EDIT)
    saved = service.update_plan(
        actor.services.workspace(ws),
        plan_id,
        doc,
        base_version=base_version,
        actor=access.user.email,
    )
    actor.audit(
        access,
        "plan.item_delete" if deleted else "plan.item_save",
        plan_id,
        item=item or "new",
        title=title,
        version=saved.version,
    )
    return saved


def move_plan(
    actor: Actor,
    ws: str,
    plan_id: str,
    action: str,
    *,
    note: str = "",
    base_version: int | None = None,
) -> Plan:
    """Submit, withdraw, reject, approve, start, finish or reopen the plan (approve and reject
    need ``plans.approve``)."""
    permission = next((t.permission for t in TRANSITIONS if t.action == action), EDIT)
    access = actor.access(ws, permission)
    moved = transition(
        PlanStore(actor.services.workspace(ws)),
        plan_id,
        action,
        actor=access.user.email,
        role=access.role,
        note=note,
        base_version=base_version,
    )
    actor.audit(access, f"plan.{action}", plan_id, state=moved.state, note=note)
    return moved


def delete_plan(actor: Actor, ws: str, plan_id: str) -> Plan:
    """Delete a plan that is a draft or done (one in review, approved or running is in use:
    409 ``plan.locked``); the plan as it was."""
    access = actor.access(ws, EDIT)
    store = PlanStore(actor.services.workspace(ws))
    found = store.get(plan_id)
    if found.state not in ("draft", "done"):
        raise PlanError("plan.locked", state=found.state)
    store.delete(plan_id)
    actor.audit(access, "plan.delete", plan_id, name=found.name)
    return found


def import_metrics(
    actor: Actor,
    ws: str,
    filename: str,
    stream: BinaryIO,
    preset: str,
    options: dict[str, Any],
) -> MetricsImport:
    """Import an uploaded post-metrics or conversions file with ``preset`` (nothing stored when
    refused)."""
    access = actor.access(ws, "data.import")
    done = run_metrics_import(actor.services.workspace(ws), filename, stream, preset, options)
    actor.audit(access, "metrics.import", filename, preset=preset, imported=done.imported)
    return done


def change_mix(
    actor: Actor,
    ws: str,
    plan_id: str,
    op: str,
    channel: str,
    *,
    role: str,
    reason: str,
    base_version: int,
    lang: str,
    recommendation: Callable[[Plan], list[dict[str, Any]]],
) -> Plan:
    """Add ``channel`` to a draft plan's mix (``op`` ``add``) or remove it (``remove``).

    Going against the recommendation (``recommendation(plan)``: rows best first) — adding a
    channel outside its top :data:`RECOMMENDED_TOP`, removing one inside it — needs a
    ``reason``, which the plan records (the choice's ``override_reason``, and the history).
    """
    access = actor.access(ws, EDIT)
    target = actor.services.workspace(ws)
    store = PlanStore(target)
    plan = store.get(plan_id)
    if plan.version != base_version:
        raise PlanError("plan.stale", current=plan.version)
    if plan.state != "draft":
        raise PlanError("plan.locked", state=plan.state)
    rec = recommendation(plan)
    top = {r["channel"] for r in rec[:RECOMMENDED_TOP]}
    by_key = {r["channel"]: r for r in rec}
    if channel not in load_channels(target):
        raise PlanError("plan.unknown_channel", value=channel[:40])
    reason = reason.strip()
    if op == "add":
        if channel in plan.channel_keys():
            raise PlanError("plan.duplicate", field="channels", value=channel)
        if channel not in top and not reason:
            raise FormError("override_needed", channel=channel)
        r = by_key.get(channel)
        plan.channels.append(
            ChannelChoice(
                channel=channel,
                role=role,
                score=round(r["score"], 1) if r else None,
                reasons=[x[lang] for x in r["reasons"]] if r else [],
                override_reason=reason if channel not in top else "",
            )
        )
    elif op == "remove":
        if channel not in plan.channel_keys():
            raise FormError("no_channel", channel=channel)
        if channel in top and not reason:
            raise FormError("override_needed", channel=channel)
        plan.channels = [c for c in plan.channels if c.channel != channel]
        # the channel's own settings go with it; budget lines, KPI targets and calendar items
        # on it must be moved or removed first (validation says which)
        plan.utm.sources.pop(channel, None)
        plan.utm.mediums.pop(channel, None)
        plan.policy.response_minutes.pop(channel, None)
    else:
        raise FormError("bad_op", value=op[:10])
    note = f"{op} {channel}" + (f": {reason}" if reason else "")
    event = StateEvent(now_utc(), access.user.email, "edit", plan.state, plan.state, note)
    saved = store.save(plan, base_version=base_version, actor=access.user.email, event=event)
    actor.audit(access, f"plan.channel_{op}", plan_id, channel=channel, reason=reason)
    return saved
