"""``socialops measure attribution``: conversions by UTM per channel and campaign, credit from
customers' touches (last touch or position-based), and with ``--plan`` the plan's budget lines
against them (ROAS, CPA, cost per engagement: plan vs actual)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from socialops.cli import common
from socialops.cli.measure import measure_app
from socialops.i18n import default_lang, t
from socialops.store.workspace import Workspace

__all__ = ["attribution_cmd"]


def _n(v: Any, digits: int = 0) -> str:
    if v is None:
        return "–"
    return f"{v:,.{digits}f}"


@measure_app.command("attribution")
def attribution_cmd(
    date_from: str = typer.Option(None, "--from", help="First day (2026-11-01)."),
    date_to: str = typer.Option(None, "--to", help="Last day (2026-11-30)."),
    campaign: str = typer.Option(None, "--campaign", help="One UTM campaign."),
    touches: Path = typer.Option(
        None, "--touches", help="Customers' touches: customer id, time, channel, event/value."
    ),
    model: str = typer.Option("last", "--model", help="last | position (40/20/40)."),
    plan_id: str = typer.Option(
        None, "--plan", help="A plan: its budget lines against its campaign (plan vs actual)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Conversions per channel and campaign; touch-level credit; ROI against a plan's budget."""
    from socialops.measure.attribution import attribution

    ws = Workspace.open(common.state.workspace, create=False)
    lang = default_lang()
    if plan_id:
        from socialops.plan.attribution import plan_attribution
        from socialops.plan.store import PlanStore

        plan = PlanStore(ws).get(plan_id)
        data = plan_attribution(ws, plan, model=model, touches_path=touches)
        if as_json:
            common.print_json(data)
            return
        _print_plan(data, lang)
        return
    data = attribution(
        ws,
        date_from=date_from,
        date_to=date_to,
        campaign=campaign,
        model=model,
        touches_path=touches,
    )
    if as_json:
        common.print_json(data)
        return
    out = common.console.print
    if not data["utm"]["rows"] and not data["touches"]:
        hint = t("attribution.no_data.cli", lang)
        text_ = t("attribution.no_data", lang, start=date_from or "…", end=date_to or "…")
        out(f"{text_} {hint}", highlight=False, markup=False)
        return
    out(t("attribution.utm_title", lang), highlight=False, markup=False)
    heads = ("channel", "conversions", "revenue", "spend")
    out("  ".join(t(f"attribution.head.{h}", lang) for h in heads), highlight=False, markup=False)
    for r in data["utm"]["by_channel"]:
        out(
            f"{r['channel'] or '-'}  {_n(r['conversions'])}  {_n(r['revenue'])}  {_n(r['cost'])}",
            highlight=False,
            markup=False,
        )
    tr = data["touches"]
    if tr:
        out("")
        out(
            t(
                "attribution.touch_title",
                lang,
                model=t(f"attribution.model.{tr['model']}", lang),
                days=tr["lookback_days"],
                conversions=tr["conversions"],
                unattributed=tr["unattributed"],
            ),
            highlight=False,
            markup=False,
        )
        for r in tr["by_channel"]:
            out(f"{r['channel']}  {_n(r['conversions'], 2)}  {_n(r['revenue'])}", markup=False)


def _print_plan(data: dict[str, Any], lang: str) -> None:
    out = common.console.print
    heads = ("channel", "budget", "spend", "conversions", "revenue", "roas", "cpa", "cpe")
    out("  ".join(t(f"attribution.head.{h}", lang) for h in heads), highlight=False, markup=False)
    for r in [*data["rows"], {"channel": "Σ", **data["totals"]}]:
        out(
            f"{r['channel']}  {_n(r['budget'])}  {_n(r['spend'])}  {_n(r['conversions'])}  "
            f"{_n(r['revenue'])}  {_n(r['roas'], 2)}  {_n(r['cpa'])}  "
            f"{_n(r['cost_per_engagement'])}",
            highlight=False,
            markup=False,
        )
    if any(r.get("spend_source") == "budget" for r in data["rows"]):
        out(t("attribution.spend_from_budget", lang), highlight=False, markup=False)
