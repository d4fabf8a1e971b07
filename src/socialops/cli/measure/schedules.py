"""``socialops schedule add|list|remove|run-due``: scheduled reports (a plan's or a listening
topic's report, daily or weekly, written to the reports list and e-mailed to members in their
language), and :func:`start_background`, the loop ``socialops serve`` runs them in.

Recipients must be members of the workspace when the server has accounts; each gets the report
in the language of their account (Korean when unknown)."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from socialops import settings
from socialops.cli.common import console, print_json, state
from socialops.i18n import default_lang, fmt_time, t
from socialops.store.workspace import Workspace

if TYPE_CHECKING:
    from socialops.plan.schedules import BackgroundSchedules, Schedule
    from socialops.web.accounts import Accounts

__all__ = ["member_langs", "register", "schedule_app", "start_background"]

schedule_app = typer.Typer(
    help="Scheduled reports: a plan's or a topic's report, daily or weekly, by e-mail.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return a == b


def member_langs(accounts: Accounts) -> Callable[[Workspace], dict[str, str]]:
    """``ws -> {member e-mail: language}`` from the server's accounts (each workspace's
    members)."""

    def langs(ws: Workspace) -> dict[str, str]:
        for slug in accounts.slugs():
            if _same(accounts.workspace_dir(slug), ws.root):
                return {m.user.email.lower(): m.user.lang for m in accounts.members(slug)}
        return {}

    return langs


def _members(ws: Workspace) -> dict[str, str] | None:
    """The workspace's members and their languages; ``None`` on an install without accounts
    (nobody signed up: the CLI alone), where any address is taken."""
    # lazy: CLI start-up time (every command module loads when the CLI starts)
    from socialops.web.accounts import Accounts

    accounts = Accounts(settings.workspace_dir(state.workspace))
    if not accounts.has_users():
        return None
    return member_langs(accounts)(ws) or {}


def start_background(
    roots: Callable[[], list[Workspace]], accounts: Accounts
) -> BackgroundSchedules | None:
    """The scheduled reports' thread of ``socialops serve``, started; ``None`` when
    ``SOCIALOPS_SCHEDULES_IN_SERVE`` turns it off (0/false/no/off)."""
    if os.environ.get("SOCIALOPS_SCHEDULES_IN_SERVE", "1").strip() in ("0", "false", "no", "off"):
        return None
    # lazy: CLI start-up time
    from socialops.plan.schedules import BackgroundSchedules

    loop = BackgroundSchedules(roots, langs=member_langs(accounts))
    loop.start()
    return loop


def _ws() -> Workspace:
    return Workspace.open(state.workspace, create=False)


def _when(s: Schedule, lang: str) -> str:
    if s.cadence == "daily":
        return t("schedule.daily", lang, hour=s.hour)
    return t("schedule.weekly", lang, weekday=t(f"schedule.wd.{s.weekday}", lang), hour=s.hour)


def _last(s: Schedule, lang: str) -> str:
    state_ = str(s.last_status.get("state") or "")
    if not state_:
        return "–"
    word = t(f"schedule.status.{state_}", lang)
    return f"{word} ({s.last_status.get('to', '')})" if s.last_status.get("to") else word


@schedule_app.command("add")
def add(
    plan: Annotated[str | None, typer.Option("--plan", help="The plan's id.")] = None,
    topic: Annotated[str | None, typer.Option("--topic", help="A listening topic's name.")] = None,
    cadence: Annotated[str, typer.Option("--cadence", help="daily or weekly.")] = "weekly",
    weekday: Annotated[str, typer.Option("--weekday", help="mon … sun (weekly).")] = "mon",
    hour: Annotated[int, typer.Option("--hour", help="Local hour, 0-23.")] = 9,
    zone: Annotated[str, typer.Option("--zone", help="Time zone.")] = "Asia/Seoul",
    to: Annotated[
        list[str] | None, typer.Option("--to", help="A member's e-mail (repeat for more).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Schedule a plan's or a topic's report."""
    from socialops.errors import PlanError
    from socialops.plan.schedules import add_schedule

    if (plan is None) == (topic is None):
        raise PlanError("schedule.bad_kind")
    ws = _ws()
    s = add_schedule(
        ws,
        kind="plan" if plan is not None else "topic",
        ref=str(plan if plan is not None else topic),
        cadence=cadence.strip().lower(),
        weekday=weekday,
        hour=hour,
        zone=zone,
        recipients=to or [],
        members=_members(ws),
        created_by="cli",
    )
    if as_json:
        print_json(s.to_dict())
        return
    lang = default_lang()
    nxt = fmt_time(s.next_run_at, s.zone, lang)
    console.print(t("schedule.added", lang, schedule_id=s.schedule_id, next_run=nxt))


@schedule_app.command("list")
def list_(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """The scheduled reports."""
    from socialops.plan.schedules import list_schedules

    rows = list_schedules(_ws())
    if as_json:
        print_json([s.to_dict() for s in rows])
        return
    lang = default_lang()
    if not rows:
        console.print(t("schedule.none", lang))
        return
    table = Table(show_lines=False)
    for key in ("id", "what", "when", "to", "next", "last"):
        table.add_column(t(f"schedule.col.{key}", lang), overflow="fold")
    for s in rows:
        table.add_row(
            s.schedule_id,
            f"{t('schedule.kind.' + s.kind, lang)}: {s.ref}",
            _when(s, lang),
            ", ".join(s.recipients),
            fmt_time(s.next_run_at, s.zone, lang) if s.enabled else "–",
            _last(s, lang),
        )
    console.print(table)


@schedule_app.command("remove")
def remove(schedule_id: Annotated[str, typer.Argument(help="The schedule's id.")]) -> None:
    """Remove a scheduled report."""
    from socialops.plan.schedules import remove_schedule

    remove_schedule(_ws(), schedule_id)
    console.print(t("schedule.removed", default_lang(), schedule_id=schedule_id))


@schedule_app.command("run-due")
def run_due_cmd(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Run the scheduled reports that are due now (serve does it every minute)."""
    from socialops.plan.schedules import run_due

    ws = _ws()
    langs: Mapping[str, str] = _members(ws) or {}
    out = run_due(ws, langs=langs)
    if as_json:
        print_json(out.to_dict())
        return
    console.print(
        t("schedule.ran", default_lang(), reports=out.reports, sent=out.sent, failed=out.failed)
    )


def register(app: typer.Typer) -> None:
    app.add_typer(schedule_app, name="schedule")
