"""A campaign plan in the Measure web: the effect shown on a plan's page (the stored outcome
series that covers the plan's period), the plans the attribution form offers, and a plan's
budget lines as the plain dicts attribution's ROI takes (measure never imports plan: the web
hands them over)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from socialops.errors import PlanError, SocialopsError
from socialops.i18n import t
from socialops.measure import effect as effect_mod
from socialops.plan.store import PlanStore
from socialops.store.workspace import Workspace
from socialops.web.actions.base import Actor
from socialops.web.actions.measure import effect_analysis, stored_outcomes

__all__ = [
    "PREFERRED_METRICS",
    "budget_lines",
    "outcomes_stamp",
    "plan_budget",
    "plan_effect",
    "plans",
]

_PLAN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")  # as the plan pages check it
PREFERRED_METRICS = ("sales", "revenue", "매출", "orders", "주문수", "signups", "가입")


def _choose_metric(stored: list[dict[str, Any]], start: date) -> dict[str, Any] | None:
    """The outcome a plan's effect is shown for: a total series (no dimension) that began
    before the plan and reaches into it, the first of :data:`PREFERRED_METRICS` found, else the
    longest."""
    fit = [
        o
        for o in stored
        if not o.get("dimension")
        and str(o.get("first", "")) < start.isoformat() <= str(o.get("last", ""))
    ]
    if not fit:
        return None
    rank = {m: i for i, m in enumerate(PREFERRED_METRICS)}
    fit.sort(key=lambda o: (rank.get(str(o["metric"]).lower(), 99), -int(o.get("days") or 0)))
    return fit[0]


def outcomes_stamp(db: Workspace) -> tuple[int, str]:
    """What a cached effect of the stored outcomes depends on: their count and last change."""
    try:
        with db.connect() as conn:
            row = conn.execute(text("SELECT COUNT(*), MAX(updated_at) FROM outcomes")).one()
    except SQLAlchemyError:
        return 0, ""
    return int(row[0] or 0), str(row[1] or "")


def plan_effect(db: Workspace, start: date, end: date, lang: str) -> dict[str, Any] | None:
    """The campaign effect for a plan's period when the workspace has outcome data that covers
    it (``None`` otherwise): ``{"analysis", "metric"}`` or ``{"error", "metric"}`` when the
    estimate was refused (too short a pre-period…), in the reader's words."""
    try:
        chosen = _choose_metric(stored_outcomes(db), start)
    except SocialopsError:
        return None  # no outcome module or table: nothing to show
    if chosen is None:
        return None
    metric = str(chosen["metric"])
    last = date.fromisoformat(str(chosen["last"])[:10])
    until = min(end, last)
    try:
        result = effect_mod.effect_from_outcomes(db, metric, start=start, end=until)
    except SocialopsError as exc:
        return {"metric": metric, "error": exc.text(lang)}
    note = t("mweb.effect.plan_note", lang, metric=metric, start=start, end=until)
    return {"metric": metric, "analysis": effect_analysis(result, lang, note)}


# -- tests, power, attribution, mix -------------------------------------------------------------
def plans(actor: Actor, ws: str) -> list[dict[str, str]]:
    """The workspace's plans (id, name), newest first: the attribution form's choice."""
    actor.access(ws, "measure.view")
    rows = PlanStore(actor.services.workspace(ws)).list()
    return [{"id": str(r["plan_id"]), "name": str(r.get("name") or r["plan_id"])} for r in rows]


def plan_budget(actor: Actor, ws: str, plan_id: str | None) -> list[dict[str, Any]] | None:
    """The budget lines of the plan ``plan_id`` (``None`` when none is named)."""
    if not plan_id:
        return None
    actor.access(ws, "measure.view")
    if not _PLAN_ID.fullmatch(plan_id):
        raise PlanError("plan.not_found", plan_id=plan_id[:40])
    return budget_lines(PlanStore(actor.services.workspace(ws)).get(plan_id))


def budget_lines(plan: Any) -> list[dict[str, Any]]:
    """A plan's budget lines as the plain dicts attribution's ROI takes (measure never imports
    plan: the web hands them over)."""
    return [
        {
            "channel": b.channel,
            "campaign": plan.utm.campaign,
            "amount": b.amount_krw,
            "kind": b.kind,
        }
        for b in plan.budget
    ]
