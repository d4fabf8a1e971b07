"""``socialops inbox …``: the customer-care inbox from the command line — import past
conversations from a file, list and show conversations, assign, reply, resolve, and the team
report. Every command prints JSON with ``--json`` (what scripts read) and Korean or English
text otherwise (``SOCIALOPS_LANG``)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from socialops.cli import common
from socialops.cli.progress import progress_bar
from socialops.cli.publish_common import JSON, actor, open_ws, say, when
from socialops.errors import EngageError
from socialops.i18n import default_lang, t

__all__ = ["inbox_app", "list_json", "register"]

inbox_app = typer.Typer(
    help="The customer-care inbox: import, list, show, assign, reply, resolve, report.",
    no_args_is_help=True,
)

#: the keys of a conversation in ``inbox list --json`` (the interface scripts read)
LIST_KEYS = (
    "conversation_id",
    "profile",
    "customer",
    "status",
    "intent",
    "urgency",
    "last_message",
    "updated_at",
)


def _word(kind: str, value: str) -> str:
    """A status, intent or urgency in the reader's language (as stored when unknown)."""
    from socialops.i18n import has

    key = f"inbox.cli.{kind}.{value}"
    return t(key, default_lang()) if value and has(key) else value


def list_json(row: Any) -> dict[str, Any]:
    """A conversation as ``inbox list --json`` prints it: the interface's keys first, then the
    rest of the row (channel, assignee, team, case, simulated …)."""
    d: dict[str, Any] = row.to_dict()
    out = {k: d.get(k, "") for k in LIST_KEYS}
    out.update({k: v for k, v in d.items() if k not in out})
    return out


@inbox_app.command("import")
def import_cmd(
    file: Path = typer.Argument(..., help="The file of conversations."),
    preset: str = typer.Option("airline-care", "--preset", help="How the file is laid out."),
    limit: int | None = typer.Option(None, "--limit", min=1, help="At most this many."),
    every: int = typer.Option(1, "--every", min=1, help="Every n-th conversation only."),
    as_json: bool = JSON,
) -> None:
    """Import past conversations (customer turns and the brand's replies) into the inbox; a
    file imported again stores nothing twice."""
    from socialops.engage.importer import import_conversations

    ws = open_ws()
    lang = default_lang()
    with progress_bar(t("inbox.cli.importing", lang, file=file.name), not as_json) as update:
        res = import_conversations(ws, file, preset, limit=limit, every=every, progress=update)
    if as_json:
        common.print_json(res.to_dict())
        return
    reasons = ", ".join(f"{k} {v:,}" for k, v in res.reasons.items())
    say(
        "inbox.cli.imported_rows",
        file=res.file,
        rows=f"{res.rows_read:,}",
        conversations=f"{res.conversations:,}",
        duplicates=f"{res.duplicates:,}",
        skipped=f"{res.skipped:,}",
        reasons=f" ({reasons})" if reasons else "",
    )
    rate = res.messages / res.elapsed_s if res.elapsed_s > 0 else 0.0
    say(
        "inbox.cli.imported_messages",
        messages=f"{res.messages:,}",
        received=f"{res.received:,}",
        already=f"{res.already:,}",
        seconds=f"{res.elapsed_s:.1f}",
        rate=f"{rate:,.0f}",
    )
    if res.simulated:
        say("inbox.cli.simulated_note")


@inbox_app.command("list")
def list_cmd(
    status: str | None = typer.Option(None, "--status", help="new, open, waiting, resolved …"),
    assignee: str | None = typer.Option(None, "--assignee", help="Assigned to this user."),
    team: str | None = typer.Option(None, "--team", help="Of this team."),
    channel: str | None = typer.Option(None, "--channel", help="On this channel."),
    intent: str | None = typer.Option(None, "--intent", help="inquiry, complaint, praise …"),
    q: str | None = typer.Option(None, "--q", help="Words in the conversation."),
    limit: int = typer.Option(50, "--limit", min=1, max=1000, help="At most this many."),
    as_json: bool = JSON,
) -> None:
    """The conversations, the latest first."""
    from socialops.engage.conversations import list_conversations

    rows = list_conversations(
        open_ws(),
        status=status,
        assignee=assignee,
        team=team,
        channel=channel,
        intent=intent,
        q=q,
        limit=limit,
    )
    if as_json:
        common.print_json([list_json(r) for r in rows])
        return
    if not rows:
        say("inbox.cli.empty")
        return
    lang = default_lang()
    table = Table(show_lines=False)
    for key in ("id", "profile", "customer", "status", "intent", "urgency", "last", "updated"):
        table.add_column(t(f"inbox.cli.col.{key}", lang), overflow="fold")
    for r in rows:
        last = r.last_message if len(r.last_message) <= 60 else r.last_message[:59] + "…"
        mark = t("inbox.cli.simulated_mark", lang) if r.simulated else ""
        table.add_row(
            r.conversation_id,
            r.profile,
            r.customer,
            _word("status", r.status),
            _word("intent", r.intent),
            _word("urgency", r.urgency),
            last,
            when(r.updated_at) + mark,
        )
    common.console.print(table)


def _detail_json(detail: Any) -> dict[str, Any]:
    case = detail.case
    return {
        "conversation": list_json(detail.row),
        "messages": list(detail.messages),
        "case": case.to_dict() if case is not None else None,
        "contact": detail.contact,
        "replies": list(detail.replies),
    }


@inbox_app.command("show")
def show_cmd(
    conversation_id: str = typer.Argument(..., help="The conversation."),
    as_json: bool = JSON,
) -> None:
    """One conversation: its messages (personal data masked), case and customer."""
    from socialops.engage.conversations import get_conversation

    detail = get_conversation(open_ws(), conversation_id)
    if as_json:
        common.print_json(_detail_json(detail))
        return
    row, lang = detail.row, default_lang()
    say(
        "inbox.cli.show_head",
        id=row.conversation_id,
        profile=row.profile,
        channel=row.channel,
        customer=row.customer,
        status=_word("status", row.status),
        assignee=row.assignee or t("inbox.cli.nobody", lang),
        team=row.team or "-",
    )
    if row.simulated:
        say("inbox.cli.simulated_note")
    for m in detail.messages:
        key = "inbox.cli.msg_in" if m.get("direction") == "in" else "inbox.cli.msg_out"
        if m.get("direction") == "note":
            key = "inbox.cli.msg_note"
        say(
            key,
            at=when(m.get("created_at")),
            author=m.get("author", ""),
            text=m.get("text", ""),
            intent=_word("intent", str(m.get("intent") or "")),
        )


def _case_out(case: Any, key: str, as_json: bool, **params: Any) -> None:
    if as_json:
        common.print_json(case.to_dict())
    else:
        say(key, case=case.case_id, **params)


@inbox_app.command("assign")
def assign_cmd(
    conversation_id: str = typer.Argument(..., help="The conversation."),
    to: str | None = typer.Option(None, "--to", help="The agent (e-mail); empty: nobody."),
    team: str | None = typer.Option(None, "--team", help="The team."),
    as_json: bool = JSON,
) -> None:
    """Assign a conversation's case to an agent and/or a team."""
    from socialops.engage.cases import assign

    case = assign(open_ws(), conversation_id, assignee=to, team=team, by=actor())
    lang = default_lang()
    _case_out(
        case,
        "inbox.cli.assigned",
        as_json,
        assignee=case.assignee or t("inbox.cli.nobody", lang),
        team=case.team or "-",
    )


@inbox_app.command("resolve")
def resolve_cmd(
    conversation_id: str = typer.Argument(..., help="The conversation."),
    as_json: bool = JSON,
) -> None:
    """Mark the conversation's case resolved (it reopens when the customer writes again)."""
    from socialops.engage.cases import set_status
    from socialops.engage.conversations import get_conversation

    ws = open_ws()
    row = get_conversation(ws, conversation_id).row
    if row.case_id is None:
        raise EngageError("inbox.cli_no_case", conversation=conversation_id)
    case = set_status(ws, row.case_id, "resolved", user=actor())
    _case_out(case, "inbox.cli.resolved", as_json)


@inbox_app.command("reply")
def reply_cmd(
    conversation_id: str = typer.Argument(..., help="The conversation."),
    text: str = typer.Argument(..., help="The reply."),
    as_json: bool = JSON,
) -> None:
    """Reply to the customer: the reply waits for approval where the policy asks for it, else
    it is queued and sent through the profile (never twice)."""
    from socialops.engage.replies import draft_reply

    reply = draft_reply(open_ws(), conversation_id, text, author=actor(), role="owner")
    d: dict[str, Any] = reply.to_dict(default_lang())
    if as_json:
        common.print_json(d)
        return
    state = str(d.get("state", ""))
    say("inbox.cli.replied", id=d.get("reply_id", ""), state=_word("reply", state))


def _day(value: str | None, flag: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise EngageError("inbox.cli_bad_date", flag=flag, value=value[:40]) from None


@inbox_app.command("report")
def report_cmd(
    start: str | None = typer.Option(None, "--from", help="First day (YYYY-MM-DD)."),
    end: str | None = typer.Option(None, "--to", help="Last day (YYYY-MM-DD)."),
    include_simulated: bool = typer.Option(
        False, "--include-simulated", help="Count the demo's simulated conversations too."
    ),
    as_json: bool = JSON,
) -> None:
    """The team report: first response time, response and resolution rates, SLA attainment,
    backlog, volume by category and sentiment, per agent, team, channel and day (days in the
    ``timezone`` setting; the last 30 days by default)."""
    from socialops.measure.inbox_report import team_report

    first, last = _day(start, "--from"), _day(end, "--to")
    report = team_report(open_ws(), first, last, include_simulated=include_simulated)
    d = report.to_dict()
    if as_json:
        common.print_json(d)
        return
    lang = default_lang()
    say("inbox.cli.report_head", start=d["period"]["from"], end=d["period"]["to"])
    table = Table(show_header=True)
    table.add_column(t("inbox.cli.col.measure", lang))
    table.add_column(t("inbox.cli.col.value", lang), justify="right")
    for key, value in d["totals"].items():
        if isinstance(value, bool) or not isinstance(value, int | float | str | None):
            continue
        if isinstance(value, float):
            shown = f"{value:,.2f}"
        elif isinstance(value, int):
            shown = f"{value:,}"
        else:
            shown = "-" if value is None else str(value)
        table.add_row(t(f"inbox_report.m.{key}", lang), shown)
    common.console.print(table)
    if d["simulated_excluded"]:
        say("inbox.cli.report_simulated", count=f"{d['simulated_excluded']:,}")


def register(app: typer.Typer) -> None:
    app.add_typer(inbox_app, name="inbox")
