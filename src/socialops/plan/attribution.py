"""A plan's attribution and ROI, plan vs actual per channel: the plan's budget lines against
the conversions of its UTM campaign (:mod:`socialops.measure.attribution`).

- Window: the plan's start through ``as_of`` (the earlier of today in the plan's zone and its
  end), as :func:`socialops.plan.actuals.plan_vs_actual`.
- A budget line's channel is matched to conversions by the UTM scheme's source of that channel
  (else the channel key), in the plan's ``utm_campaign``; lines of one channel (paid and
  organic) are summed.
- Spend: the imported cost of those conversions rows, else the planned budget × ``elapsed``
  (``spend_source`` says which), as plan vs actual does for CPA.
- Engagements: the channel's posts published in the window (``post_metrics``).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from socialops.domain.plan import Plan
from socialops.measure.attribution import attribution, roi

if TYPE_CHECKING:
    from socialops.store.workspace import Workspace

__all__ = ["plan_attribution"]


def plan_attribution(
    ws: Workspace,
    plan: Plan,
    *,
    today: date | None = None,
    model: str = "last",
    touches_path: str | Path | None = None,
) -> dict[str, Any]:
    """Per channel of the plan's budget (and any other UTM source with conversions in the
    campaign): budget, budget to date, spend, conversions, revenue, engagements, ROAS, CPA and
    cost per engagement; totals; the touches' credit when a touches file is given."""
    today = today or datetime.now(ZoneInfo(plan.timezone)).date()
    as_of = min(today, plan.end)
    days = (plan.end - plan.start).days + 1
    started = as_of >= plan.start
    elapsed = ((as_of - plan.start).days + 1) / days if started else 0.0
    campaign = plan.utm.campaign.lower()
    source_of = {
        ch: (plan.utm.sources.get(ch) or ch).lower() for ch in {b.channel for b in plan.budget}
    }
    channel_of = {src: ch for ch, src in source_of.items()}
    budget: dict[str, float] = defaultdict(float)
    for b in plan.budget:
        budget[b.channel] += b.amount_krw
    result = attribution(
        ws,
        date_from=plan.start.isoformat(),
        date_to=as_of.isoformat(),
        campaign=campaign,
        model=model,
        touches_path=touches_path,
    ) if started else None  # fmt: skip
    actuals = result["utm"]["rows"] if result else []
    engagements = {
        source_of.get(ch, ch): e for ch, e in (result["engagements"] if result else {}).items()
    }
    lines = [
        {"channel": source_of[ch], "campaign": campaign, "amount": amount * elapsed}
        for ch, amount in budget.items()
    ]
    rows = roi(actuals, lines, engagements=engagements)
    for r in rows:
        src = r["channel"]
        ch = channel_of.get(src, src)
        r["utm_source"] = src
        r["channel"] = ch
        r["budget_to_date"] = r["budget"]
        r["budget"] = budget.get(ch) if ch in budget else None
    totals = _totals(rows)
    return {
        "plan_id": plan.plan_id,
        "campaign": campaign,
        "from": plan.start.isoformat(),
        "to": as_of.isoformat(),
        "elapsed": round(elapsed, 4),
        "period": "not_started" if not started else ("ended" if today > plan.end else "running"),
        "model": model,
        "rows": rows,
        "totals": totals,
        "touches": result["touches"] if result else None,
    }


def _totals(rows: list[dict[str, Any]]) -> dict[str, Any]:
    def total(key: str) -> float | None:
        vals = [r[key] for r in rows if r.get(key) is not None]
        return float(sum(vals)) if vals else None

    spend, revenue, conv = total("spend"), total("revenue"), total("conversions")
    eng = total("engagements")
    return {
        "budget": total("budget"),
        "budget_to_date": total("budget_to_date"),
        "spend": spend,
        "conversions": conv,
        "revenue": revenue,
        "engagements": eng,
        "roas": revenue / spend if revenue is not None and spend else None,
        "cpa": spend / conv if spend is not None and conv else None,
        "cost_per_engagement": spend / eng if spend is not None and eng else None,
    }
