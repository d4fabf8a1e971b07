"""What the CLI, the web pages and the API do with plans, in one place (views stay thin)."""

from __future__ import annotations

from dataclasses import asdict, is_dataclass
from datetime import date
from typing import Any

from socialops.domain.channels import load_channels
from socialops.domain.plan import Plan
from socialops.listen.topics import resolve_topics
from socialops.plan.actuals import baseline, plan_vs_actual
from socialops.plan.calendar import calendar_warnings
from socialops.plan.messages import PlanError
from socialops.plan.recommend import recommend, workspace_signals
from socialops.plan.sanity import target_checks
from socialops.plan.store import PlanStore
from socialops.plan.templates import build_from_template
from socialops.plan.workflow import check_edit
from socialops.store.workspace import Workspace

__all__ = [
    "create_from_template",
    "fill_baselines",
    "parse_day",
    "plan_summary",
    "update_plan",
]


# what plan_summary adds to a plan's JSON; an edit of that JSON may carry them back
SUMMARY_KEYS = ("actuals", "warnings", "recommendation", "kpi_checks")


def parse_day(value: str, what: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise PlanError("plan.bad_date", field=what, value=value[:40]) from None


def create_from_template(
    ws: Workspace,
    template: str,
    *,
    name: str,
    start: date,
    end: date,
    actor: str,
    budget_krw: int | None = None,
    topics: list[str] | None = None,
    notes: list[dict[str, str]] | None = None,
) -> Plan:
    """A new draft plan from a template, saved; refused whole when anything is wrong.

    ``notes``, when given, receives ``{"ko", "en"}`` notes on what the template adapted to the
    period, budget and topics (e.g. listening KPIs left out for want of a topic)."""
    if end < start:  # checked first so the message is about the dates, not the calendar
        raise PlanError("plan.dates_order", start=start, end=end)
    if topics:
        _check_topics(ws, topics)
    plan, adapted = build_from_template(
        template,
        plan_name=name,
        start=start,
        end=end,
        ws=ws,
        budget_krw=budget_krw,
        topics=topics,
    )
    if notes is not None:
        notes.extend(adapted)
    fill_baselines(ws, plan)
    return PlanStore(ws).create(plan, actor=actor)


def fill_baselines(ws: Workspace, plan: Plan) -> int:
    """Give every KPI target without a baseline the workspace's history for it (the same
    KPI over the window before the plan), when there is any; returns how many were filled."""
    filled = 0
    for target in plan.kpis:
        if target.baseline is not None:
            continue
        value, note = baseline(ws, plan, target)
        if value is not None:
            target.baseline, target.baseline_note = round(value, 4), note
            filled += 1
    return filled


def _check_topics(ws: Workspace, topics: list[str]) -> None:
    resolve_topics(ws, topics)  # TopicError names an unknown topic


def update_plan(
    ws: Workspace, plan_id: str, doc: dict[str, Any], *, base_version: int, actor: str
) -> Plan:
    """Replace a plan's content with ``doc`` (the JSON shape of ``Plan.to_dict``).

    What the workflow owns (state, approvals, history, version, dates of record) is kept from
    the stored plan; the edit must be allowed in the plan's state.
    """
    store = PlanStore(ws)
    old = store.get(plan_id)
    doc = {k: v for k, v in doc.items() if k not in SUMMARY_KEYS}
    for key in ("plan_id", "state", "approvals", "history", "version", "created_at", "updated_at"):
        doc[key] = old.to_dict()[key]
    new = Plan.from_dict(doc)
    check_edit(old, new)
    return store.save(new, base_version=base_version, actor=actor)


def plan_summary(ws: Workspace, plan: Plan, *, today: date | None = None) -> dict[str, Any]:
    """The plan as JSON with its plan vs actual, calendar warnings and the channel-mix
    recommendation for its objectives, segments, budget and the workspace's data."""
    channels = load_channels(ws)
    out = plan.to_dict()
    out["actuals"] = plan_vs_actual(ws, plan, today=today).to_dict()
    out["warnings"] = [_plain(w) for w in calendar_warnings(plan, channels)]
    out["kpi_checks"] = target_checks(plan)
    signals = workspace_signals(ws, plan, channels)
    out["recommendation"] = [r.to_dict() for r in recommend(plan, channels, signals)]
    return out


def _plain(obj: Any) -> Any:
    if is_dataclass(obj) and not isinstance(obj, type):
        d = asdict(obj)
        return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in d.items()}
    return obj
