"""``socialops plan``: campaign plans from the command line.

The CLI acts with the workspace owner's rights (whoever can run it can read the workspace files);
``--as`` names who acts, for the plan's history and approvals.
"""

from __future__ import annotations

import getpass
import json
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

import typer

from socialops import settings
from socialops.cli import common
from socialops.errors import InputFileError
from socialops.plan.formats import format_names
from socialops.store.workspace import Workspace

__all__ = ["register"]

plan_app = typer.Typer(
    help="Campaign plans: templates, new, list, show, edit, move through review, export.",
    no_args_is_help=True,
)

_AS = typer.Option(None, "--as", help="Who acts (default: the login name).")
_JSON = typer.Option(False, "--json", help="Print JSON.")


def _actor(value: str | None) -> str:
    if value:
        return value.strip()
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "cli"


def _ws() -> Any:
    return Workspace.open(common.state.workspace)


def _today(value: str | None) -> date | None:
    # lazy: CLI start-up time (every command module loads when the CLI starts)
    from socialops.plan.service import parse_day

    return parse_day(value, "--today") if value else None


@plan_app.command("templates")
def templates_cmd(
    lang: str = typer.Option(None, "--lang", help="ko or en (default: SOCIALOPS_LANG)."),
    as_json: bool = _JSON,
) -> None:
    """List the plan templates."""
    # lazy: CLI start-up time (every command module loads when the CLI starts)
    from socialops.plan.templates import list_templates

    items = list_templates(settings.lang(lang))
    if as_json:
        common.print_json(items)
        return
    for t in items:
        common.console.print(f"[bold]{t['name']}[/bold]  {t['title']}", highlight=False)
        common.console.print(f"  {t['description']}", highlight=False, soft_wrap=True)


@plan_app.command("channels")
def channels_cmd(as_json: bool = _JSON) -> None:
    """List the channel knowledge base (built in, plus the workspace's channels.json)."""
    # lazy: CLI start-up time (every command module loads when the CLI starts)
    from socialops.domain.channels import load_channels

    channels = load_channels(_ws())
    if as_json:
        common.print_json({k: asdict(c) for k, c in channels.items()})
        return
    for key, c in channels.items():
        api = "write API" if c.write_api else "no write API"
        common.console.print(
            f"{key:<20} {c.name_ko} / {c.name_en}  ({', '.join(c.types)}; {api})", highlight=False
        )


@plan_app.command("new")
def new_cmd(
    template: str = typer.Option(..., "--template", "-t", help="Template name."),
    name: str = typer.Option(..., "--name", help="The plan's name."),
    start: str = typer.Option(..., "--start", help="First day, YYYY-MM-DD."),
    end: str = typer.Option(..., "--end", help="Last day, YYYY-MM-DD."),
    budget: int = typer.Option(None, "--budget", help="Total budget in KRW."),
    topic: list[str] = typer.Option(
        [], "--topic", help="A tracked topic the campaign is about (repeat; first = own brand)."
    ),
    actor: str = _AS,
    as_json: bool = _JSON,
) -> None:
    """Create a draft plan from a template; prints the plan id."""
    # lazy: CLI start-up time (every command module loads when the CLI starts)
    from socialops.plan.service import create_from_template, parse_day

    notes: list[dict[str, str]] = []
    plan = create_from_template(
        _ws(),
        template,
        name=name,
        start=parse_day(start, "--start"),
        end=parse_day(end, "--end"),
        actor=_actor(actor),
        budget_krw=budget,
        topics=topic or None,
        notes=notes,
    )
    lang = settings.lang()
    if as_json:
        common.print_json(
            {
                "plan_id": plan.plan_id,
                "state": plan.state,
                "version": plan.version,
                "notes": [n[lang] for n in notes],
            }
        )
        return
    typer.echo(plan.plan_id)
    for n in notes:
        common.err_console.print(f"note: {n[lang]}", highlight=False, soft_wrap=True)


@plan_app.command("list")
def list_cmd(as_json: bool = _JSON) -> None:
    """List the workspace's plans, newest first."""
    # lazy: CLI start-up time (every command module loads when the CLI starts)
    from socialops.plan.store import PlanStore

    rows = PlanStore(_ws()).list()
    if as_json:
        common.print_json(rows)
        return
    for r in rows:
        common.console.print(
            f"{r['plan_id']}  {r['state']:<9} {r['start_date']}..{r['end_date']}  {r['name']}",
            highlight=False,
        )


@plan_app.command("show")
def show_cmd(
    plan_id: str = typer.Argument(..., help="Plan id (see `socialops plan list`)."),
    today: str = typer.Option(None, "--today", help="Measure as of this day (default: today)."),
    as_json: bool = _JSON,
) -> None:
    """Show a plan with its KPI targets, actuals, pacing and calendar warnings."""
    # lazy: CLI start-up time (every command module loads when the CLI starts)
    from socialops.plan.service import plan_summary
    from socialops.plan.store import PlanStore

    ws = _ws()
    plan = PlanStore(ws).get(plan_id)
    summary = plan_summary(ws, plan, today=_today(today))
    if as_json:
        common.print_json(summary)
        return
    common.console.print(
        f"[bold]{plan.name}[/bold]  ({plan.plan_id}, {plan.state}, v{plan.version})  "
        f"{plan.start}..{plan.end} {plan.timezone}",
        highlight=False,
    )
    common.console.print(f"objectives: {', '.join(plan.objectives)}", highlight=False)
    common.console.print(f"channels: {', '.join(plan.channel_keys())}", highlight=False)
    common.console.print(
        f"budget: {plan.budget_total_krw:,} KRW; utm_campaign={plan.utm.campaign}", highlight=False
    )
    actuals = summary["actuals"]
    common.console.print(
        f"as of {actuals['as_of']} ({actuals['elapsed'] * 100:.0f}% of the period)",
        highlight=False,
    )
    for row in actuals["rows"]:
        where = row.get("channel") or row.get("topic") or "all"
        common.console.print(
            f"  {row['kpi']:<22} {where:<18} target {_num(row['target'])}  "
            f"actual {_num(row['actual'])}  {row['status']}",
            highlight=False,
        )
    common.warn([w["en"] for w in summary["warnings"] if w.get("level") != "info"])


def _num(value: float | None) -> str:
    if value is None:
        return "-"
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.2f}"


@plan_app.command("edit")
def edit_cmd(
    plan_id: str = typer.Argument(..., help="Plan id."),
    file: Path = typer.Option(
        ..., "--file", "-f", help="The plan as JSON (the shape of `plan show --json`)."
    ),
    actor: str = _AS,
    as_json: bool = _JSON,
) -> None:
    """Replace a plan's content from a JSON file; refused whole when anything is wrong."""
    # lazy: CLI start-up time (every command module loads when the CLI starts)
    from socialops.plan.service import update_plan

    try:
        doc = json.loads(file.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputFileError(code="cli.plan_json", file=file, detail=str(exc)) from None
    if not isinstance(doc, dict):
        raise InputFileError(code="cli.plan_not_object", file=file)
    base = doc.get("version")
    if not isinstance(base, int):
        raise InputFileError(code="cli.plan_no_version", file=file)
    plan = update_plan(_ws(), plan_id, doc, base_version=base, actor=_actor(actor))
    if as_json:
        common.print_json({"plan_id": plan.plan_id, "version": plan.version})
        return
    typer.echo(f"saved {plan.plan_id} (version {plan.version})")


@plan_app.command("move")
def move_cmd(
    plan_id: str = typer.Argument(..., help="Plan id."),
    action: str = typer.Argument(
        ..., help="submit | withdraw | reject | approve | start | finish | reopen"
    ),
    note: str = typer.Option("", "--note", help="Why (required to reject)."),
    actor: str = _AS,
    as_json: bool = _JSON,
) -> None:
    """Move a plan through review: draft → in_review → approved → running → done."""
    # lazy: CLI start-up time (every command module loads when the CLI starts)
    from socialops.plan.store import PlanStore
    from socialops.plan.workflow import transition

    plan = transition(
        PlanStore(_ws()),
        plan_id,
        action.strip().lower(),
        actor=_actor(actor),
        role="owner",
        note=note,
    )
    if as_json:
        common.print_json(
            {"plan_id": plan.plan_id, "state": plan.state, "approvals": plan.approvals}
        )
        return
    typer.echo(f"{plan.plan_id}: {plan.state}")


@plan_app.command("calendar")
def calendar_cmd(
    plan_id: str = typer.Argument(..., help="Plan id."),
    as_json: bool = _JSON,
) -> None:
    """The content calendar: every occurrence (recurring items expanded), the Korean holidays
    and commerce days of the period, and clash / too-long warnings."""
    # lazy: CLI start-up time (every command module loads when the CLI starts)
    from socialops.domain.channels import load_channels
    from socialops.plan.calendar import calendar_warnings, occurrences, special_days
    from socialops.plan.store import PlanStore

    ws = _ws()
    plan = PlanStore(ws).get(plan_id)
    occ = occurrences(plan)
    days = special_days(plan.start, plan.end)
    warnings = calendar_warnings(plan, load_channels(ws))
    if as_json:
        common.print_json(
            {
                "plan_id": plan.plan_id,
                "occurrences": [o.to_dict() for o in occ],
                "special_days": [d.to_dict() for d in days],
                "warnings": [{**w.__dict__, "day": w.day} for w in warnings],
            }
        )
        return
    lang = settings.lang()
    for o in occ:
        item = o.item
        common.console.print(
            f"{o.start_local:%Y-%m-%d %a %H:%M} {item.timezone:<11} {item.channel:<18} "
            f"{item.status:<9} {item.title}",
            highlight=False,
        )
    for d in days:
        name = d.name_en if lang == "en" else d.name_ko
        common.console.print(f"{d.day}  [{d.kind}] {name}", highlight=False)
    common.warn([w.en if lang == "en" else w.ko for w in warnings if w.level != "info"])


@plan_app.command("recommend")
def recommend_cmd(
    plan_id: str = typer.Argument(..., help="Plan id."),
    as_json: bool = _JSON,
) -> None:
    """Rank the channels for the plan's objectives, segments and budget, and the workspace's
    listening and post metrics, with the score broken down and the reasons."""
    # lazy: CLI start-up time (every command module loads when the CLI starts)
    from socialops.domain.channels import load_channels
    from socialops.plan.recommend import recommend, workspace_signals
    from socialops.plan.store import PlanStore

    ws = _ws()
    plan = PlanStore(ws).get(plan_id)
    channels = load_channels(ws)
    recs = recommend(plan, channels, workspace_signals(ws, plan, channels))
    if as_json:
        common.print_json([r.to_dict() for r in recs])
        return
    lang = settings.lang()
    chosen = set(plan.channel_keys())
    for r in recs:
        parts = ", ".join(f"{k} {v:.0f}" for k, v in r.breakdown.items())
        mark = "*" if r.channel in chosen else " "
        common.console.print(f"{mark} {r.channel:<18} {r.score:5.1f}  ({parts})", highlight=False)
        for reason in r.reasons[:3]:
            common.console.print(f"      {reason[lang]}", highlight=False, soft_wrap=True)


@plan_app.command("export")
def export_cmd(
    plan_id: str = typer.Argument(..., help="Plan id."),
    fmt: str = typer.Option(..., "--format", "-f", help=" | ".join(format_names())),
    out: Path = typer.Option(..., "--out", "-o", help="The file to write."),
    lang: str = typer.Option(None, "--lang", help="ko or en (default: SOCIALOPS_LANG)."),
    today: str = typer.Option(None, "--today", help="Measure as of this day (default: today)."),
    as_json: bool = _JSON,
) -> None:
    """Write the plan as a document (HTML, PDF), calendar (ICS) or workbook (XLSX)."""
    # lazy: CLI start-up time (every command module loads when the CLI starts)
    from socialops.plan.export import export_plan
    from socialops.plan.store import PlanStore

    ws = _ws()
    plan = PlanStore(ws).get(plan_id)
    data = export_plan(
        ws, plan, fmt.strip().lower(), settings.lang(lang), out=out, today=_today(today)
    )
    if as_json:
        common.print_json({"plan_id": plan_id, "format": fmt, "out": str(out), "bytes": len(data)})
        return
    typer.echo(f"wrote {out} ({len(data):,} bytes)")


@plan_app.command("delete")
def delete_cmd(plan_id: str = typer.Argument(..., help="Plan id.")) -> None:
    """Delete a plan."""
    # lazy: CLI start-up time (every command module loads when the CLI starts)
    from socialops.plan.store import PlanStore

    PlanStore(_ws()).delete(plan_id)
    typer.echo(f"deleted {plan_id}")


def register(app: typer.Typer) -> None:
    """Adds the ``plan`` group to ``app``."""
    app.add_typer(plan_app, name="plan")
