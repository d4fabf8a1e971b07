"""Attribution and ROI: conversions per channel and campaign, and what they cost.

- :func:`attribution` reads the workspace's ``conversions`` table (imported with UTM source,
  medium and campaign: ``socialops metrics import FILE --preset conversions``) for a date range:
  conversions, revenue and imported cost per channel (``utm_source``), per campaign, and per
  (source, medium, campaign); the engagements of the posts published in the range per channel
  (``post_metrics``); and, when a touches file is given, last-touch or position-based credit
  from each customer's touches (:mod:`socialops.measure.attribution_touches`).
- :func:`roi` puts actuals against budget lines (plain dicts ``{channel, campaign, amount}``:
  this layer never imports the plan) with the formulas of PRODUCT.md: ROAS = revenue / spend,
  CPA = spend / conversions, cost per engagement = spend / engagements. The spend is the
  imported cost of the rows when they carry one, else the budget line's amount
  (``spend_source`` says which); a ratio with a zero or missing denominator is ``None``.

The UTM table's conversions are what the web analytics tool credited (usually last click);
the touches file is the only place a customer's path is known, so position-based credit exists
only with it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import text

from socialops.errors import SettingsError
from socialops.measure.attribution_touches import MODELS, read_touches, touch_attribution

if TYPE_CHECKING:
    from socialops.store.workspace import Workspace

__all__ = ["attribution", "engagements_by_channel", "roi", "utm_actuals"]


def _check_dates(date_from: str | None, date_to: str | None) -> None:
    from datetime import date

    for name, d in (("from", date_from), ("to", date_to)):
        if d is None:
            continue
        try:
            date.fromisoformat(d)
        except ValueError:
            raise SettingsError(code="attribution.bad_date", field=name, value=d[:30]) from None
    if date_from and date_to and date_from > date_to:
        raise SettingsError(code="attribution.bad_range", start=date_from, end=date_to)


def utm_actuals(
    ws: Workspace,
    *,
    date_from: str | None = None,
    date_to: str | None = None,
    campaign: str | None = None,
) -> list[dict[str, Any]]:
    """Per (utm_source, utm_medium, utm_campaign) in the range: conversions, revenue, cost
    (``None`` when no row carries one), rows, first and last day."""
    sql = (
        "SELECT utm_source, utm_medium, utm_campaign, COUNT(*) AS n, SUM(conversions) AS conv, "
        "SUM(revenue_krw) AS revenue, SUM(cost_krw) AS cost, MIN(date) AS first, "
        'MAX(date) AS "last" FROM conversions WHERE 1 = 1'
    )
    args: dict[str, Any] = {}
    if date_from:
        sql += " AND date >= :lo"
        args["lo"] = date_from
    if date_to:
        sql += " AND date <= :hi"
        args["hi"] = date_to
    if campaign is not None:
        sql += " AND utm_campaign = :campaign"
        args["campaign"] = campaign.lower()
    sql += " GROUP BY utm_source, utm_medium, utm_campaign ORDER BY utm_campaign, utm_source"
    with ws.connect() as conn:
        rows = conn.execute(text(sql), args).mappings().all()
    return [
        {
            "channel": r["utm_source"] or "",
            "medium": r["utm_medium"] or "",
            "campaign": r["utm_campaign"],
            "conversions": float(r["conv"] or 0),
            "revenue": None if r["revenue"] is None else float(r["revenue"]),
            "cost": None if r["cost"] is None else float(r["cost"]),
            "rows": int(r["n"]),
            "first": r["first"],
            "last": r["last"],
        }
        for r in rows
    ]


def engagements_by_channel(
    ws: Workspace, *, date_from: str | None = None, date_to: str | None = None
) -> dict[str, float]:
    """Engagements of the posts published in the range (by local day), per channel; posts
    known only to the month are left out."""
    sql = (
        "SELECT channel, SUM(engagements) AS e FROM post_metrics "
        "WHERE local_day IS NOT NULL AND engagements IS NOT NULL"
    )
    args: dict[str, Any] = {}
    if date_from:
        sql += " AND local_day >= :lo"
        args["lo"] = date_from
    if date_to:
        sql += " AND local_day <= :hi"
        args["hi"] = date_to
    with ws.connect() as conn:
        rows = conn.execute(text(sql + " GROUP BY channel"), args).all()
    return {str(ch).lower(): float(e or 0) for ch, e in rows}


def _sum(rows: Iterable[Mapping[str, Any]], key: str) -> dict[str, Any]:
    out: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"conversions": 0.0, "revenue": None, "cost": None}
    )
    for r in rows:
        d = out[r[key]]
        d["conversions"] += r["conversions"]
        for f in ("revenue", "cost"):
            if r[f] is not None:
                d[f] = (d[f] or 0.0) + r[f]
    return out


def attribution(
    ws: Workspace,
    *,
    date_from: str | None = None,
    date_to: str | None = None,
    campaign: str | None = None,
    model: str = "last",
    touches_path: str | Path | None = None,
) -> dict[str, Any]:
    """Conversions by UTM per channel and campaign in the range, the channels' engagements, and
    (with ``touches_path``) ``model`` credit from the customers' touches. See the module
    docstring."""
    if model not in MODELS:
        raise SettingsError(code="attribution.bad_model", value=model, choices=", ".join(MODELS))
    _check_dates(date_from, date_to)
    rows = utm_actuals(ws, date_from=date_from, date_to=date_to, campaign=campaign)
    engagements = engagements_by_channel(ws, date_from=date_from, date_to=date_to)
    by_channel = _sum(rows, "channel")
    by_campaign = _sum(rows, "campaign")
    out: dict[str, Any] = {
        "from": date_from,
        "to": date_to,
        "campaign": campaign,
        "utm": {
            "rows": rows,
            "by_channel": [
                {"channel": k, **v, "engagements": engagements.get(k.lower())}
                for k, v in sorted(by_channel.items(), key=lambda kv: -kv[1]["conversions"])
            ],
            "by_campaign": [
                {"campaign": k, **v}
                for k, v in sorted(by_campaign.items(), key=lambda kv: -kv[1]["conversions"])
            ],
            "conversions": sum(r["conversions"] for r in rows),
        },
        "engagements": engagements,
        "touches": None,
    }
    if touches_path is not None:
        frame = read_touches(touches_path)
        out["touches"] = touch_attribution(
            frame, model=model, date_from=date_from, date_to=date_to, campaign=campaign
        )
    return out


def _ratio(num: float | None, den: float | None) -> float | None:
    if num is None or not den:
        return None
    return num / den


def roi(
    actuals: Iterable[Mapping[str, Any]],
    budget_lines: Iterable[Mapping[str, Any]],
    *,
    engagements: Mapping[str, float] | None = None,
) -> list[dict[str, Any]]:
    """One row per budget line (``{channel, campaign, amount}``; an empty campaign means every
    campaign of the channel) and per actual with no budget line: budget, spend, conversions,
    revenue, engagements, ROAS, CPA, cost per engagement. ``actuals``: rows with ``channel``,
    ``campaign``, ``conversions``, ``revenue`` and ``cost`` (``None``: not imported), e.g.
    ``attribution(...)["utm"]["rows"]``; ``engagements``: per channel (posts carry no campaign,
    so a channel split over several campaign lines gets no cost per engagement)."""
    acts = list(actuals)
    eng = {k.lower(): v for k, v in (engagements or {}).items()}
    used: set[int] = set()
    out: list[dict[str, Any]] = []

    def row(
        channel: str,
        campaign: str,
        budget: float | None,
        mine: list[Mapping[str, Any]],
        *,
        engagements_known: bool = True,
    ) -> dict[str, Any]:
        conv = sum(float(a.get("conversions") or 0) for a in mine)
        revs = [float(a["revenue"]) for a in mine if a.get("revenue") is not None]
        costs = [float(a["cost"]) for a in mine if a.get("cost") is not None]
        revenue = sum(revs) if revs else None
        if costs:
            spend, source = sum(costs), "cost"
        elif budget is not None:
            spend, source = budget, "budget"
        else:
            spend, source = None, None
        e = eng.get(channel.lower()) if engagements_known else None
        return {
            "channel": channel,
            "campaign": campaign,
            "budget": budget,
            "spend": spend,
            "spend_source": source,
            "budget_used": _ratio(spend, budget) if source == "cost" else None,
            "conversions": conv,
            "revenue": revenue,
            "engagements": e,
            "roas": _ratio(revenue, spend),
            "cpa": _ratio(spend, conv),
            "cost_per_engagement": _ratio(spend, e),
        }

    lines = list(budget_lines)
    per_channel: dict[str, int] = defaultdict(int)
    for line in lines:
        per_channel[str(line.get("channel") or "").lower()] += 1
    for line in lines:
        channel = str(line.get("channel") or "")
        camp = str(line.get("campaign") or "")
        try:
            amount = float(line["amount"])
        except (KeyError, TypeError, ValueError):
            raise SettingsError(code="attribution.bad_budget", channel=channel) from None
        if amount < 0:
            raise SettingsError(code="attribution.bad_budget", channel=channel)
        mine = []
        for i, a in enumerate(acts):
            if str(a.get("channel", "")).lower() != channel.lower():
                continue
            if camp and str(a.get("campaign", "")).lower() != camp.lower():
                continue
            mine.append(a)
            used.add(i)
        shared = bool(camp) and per_channel[channel.lower()] > 1
        out.append(row(channel, camp, amount, mine, engagements_known=not shared))
    rest: dict[tuple[str, str], list[Mapping[str, Any]]] = defaultdict(list)
    for i, a in enumerate(acts):
        if i not in used:
            rest[(str(a.get("channel", "")), str(a.get("campaign", "")))].append(a)
    for (channel, camp), mine in sorted(rest.items()):
        out.append(row(channel, camp, None, mine))
    return out
