"""``socialops privacy find|export|erase`` (a person's request under 개인정보 보호법: what is held
about them, a copy, erasure) and ``socialops retention list|set|apply`` (how long each kind of
personal data is kept). The work is :mod:`socialops.engage.privacy` and
:mod:`socialops.engage.retention`; each request is also written to the audit log (the accounts
database of the home folder, as the web's are), with counts only."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.table import Table

from socialops import settings
from socialops.cli import common
from socialops.i18n import default_lang, t

if TYPE_CHECKING:
    from socialops.engage.privacy import Findings, Subject
    from socialops.store.workspace import Workspace
    from socialops.web.accounts import Accounts

privacy_app = typer.Typer(
    help="A person's personal data: find it, export it, erase it (PIPA requests).",
    no_args_is_help=True,
)
retention_app = typer.Typer(
    help="Retention rules: how many days each kind of personal data is kept.",
    no_args_is_help=True,
)

CONTACT = typer.Option(None, "--contact", help="The inbox contact id.")
HANDLE = typer.Option(None, "--handle", help="PLATFORM:HANDLE, e.g. twitter:hong_gildong.")
SLUG = typer.Option("main", "--in", help="Workspace id of the home folder (default main).")
JSON = typer.Option(False, "--json", help="Print the counts as JSON.")


def _open(slug: str) -> tuple[Workspace, Accounts]:
    # lazy: CLI start-up time (every command module loads when the CLI starts)
    from socialops.store.workspace import Workspace
    from socialops.web.accounts import Accounts

    accounts = Accounts(settings.workspace_dir(common.state.workspace))
    return Workspace.open(accounts.workspace_dir(slug)), accounts


def _subject(ws: Workspace, contact: str | None, handle: str | None) -> Subject:
    from socialops.engage.privacy import resolve_subject

    return resolve_subject(ws, contact=contact, handle=handle)


def _audit(accounts: Accounts, slug: str, ws: Workspace, what: str, found: Findings) -> None:
    from socialops.engage.privacy import subject_hash

    accounts.audit(
        what,
        email="cli",
        workspace=slug,
        target=subject_hash(ws, found.subject.ref),
        detail={
            "by": "cli",
            "total": found.total,
            "counts": {k: v for k, v in found.counts.items() if v},
            **({"dry_run": True} if found.dry_run else {}),
        },
    )


def _table(found: Findings) -> None:
    from socialops.engage.privacy import PLACES

    lang = default_lang()
    if not found.total:
        common.console.print(
            t("privacy.cli.nothing", lang, subject=found.subject.ref), highlight=False
        )
        return
    table = Table(show_header=True)
    table.add_column(t("privacy.cli.col.place", lang))
    table.add_column(t("privacy.cli.col.rows", lang), justify="right")
    for place in PLACES:
        n = found.counts.get(place, 0)
        if n:
            table.add_row(t(f"privacy.place.{place}", lang), f"{n:,}")
    common.console.print(table)
    common.console.print(t("privacy.cli.total", lang, total=f"{found.total:,}"), highlight=False)


def _out(found: Findings, as_json: bool) -> None:
    if as_json:
        common.print_json(found.to_dict())
    else:
        _table(found)


@privacy_app.command("find")
def find_cmd(
    contact: str | None = CONTACT,
    handle: str | None = HANDLE,
    slug: str = SLUG,
    as_json: bool = JSON,
) -> None:
    """How many rows each place holds about one person."""
    from socialops.engage import privacy
    from socialops.web.actions.privacy import AccountsAudit

    ws, accounts = _open(slug)
    subject = _subject(ws, contact, handle)
    found = privacy.find(ws, subject, AccountsAudit(accounts, slug))
    privacy.log_request(ws, "find", subject, "cli", found.counts)
    _audit(accounts, slug, ws, "privacy.find", found)
    _out(found, as_json)


@privacy_app.command("export")
def export_cmd(
    out: Path = typer.Option(..., "--out", help="Folder to write subject.json and the CSVs to."),
    contact: str | None = CONTACT,
    handle: str | None = HANDLE,
    slug: str = SLUG,
    as_json: bool = JSON,
) -> None:
    """Write everything held about one person: subject.json and one CSV per place (UTF-8 BOM)."""
    from socialops.engage import privacy
    from socialops.web.actions.privacy import AccountsAudit

    ws, accounts = _open(slug)
    subject = _subject(ws, contact, handle)
    found = privacy.find(ws, subject, AccountsAudit(accounts, slug), rows=True)
    written = privacy.export(found, out)
    privacy.log_request(ws, "export", subject, "cli", found.counts)
    _audit(accounts, slug, ws, "privacy.export", found)
    if as_json:
        common.print_json({**found.to_dict(), "files": [str(p) for p in written]})
        return
    _table(found)
    common.console.print(
        t("privacy.cli.exported", default_lang(), count=len(written), folder=str(out),
          total=f"{found.total:,}"),
        highlight=False,
    )  # fmt: skip


@privacy_app.command("erase")
def erase_cmd(
    contact: str | None = CONTACT,
    handle: str | None = HANDLE,
    slug: str = SLUG,
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Say what would be erased; change nothing."
    ),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
    as_json: bool = JSON,
) -> None:
    """Erase (anonymise) everything held about one person, everywhere."""
    from socialops.engage import privacy
    from socialops.web.actions.privacy import AccountsAudit

    lang = default_lang()
    ws, accounts = _open(slug)
    subject = _subject(ws, contact, handle)
    audit = AccountsAudit(accounts, slug)
    if not dry_run and not yes:
        preview = privacy.find(ws, subject, audit)
        _table(preview)
        if not typer.confirm(
            t("privacy.cli.confirm", lang, subject=subject.ref, total=f"{preview.total:,}"),
            default=False,
        ):
            common.err_console.print(t("privacy.cli.aborted", lang), highlight=False)
            raise typer.Exit(1)
    found = privacy.erase(ws, subject, audit, actor="cli", dry_run=dry_run)
    _audit(accounts, slug, ws, "privacy.erase", found)
    if as_json:
        common.print_json(found.to_dict())
        return
    _table(found)
    key = "privacy.cli.dry_run" if dry_run else "privacy.cli.erased"
    common.console.print(t(key, lang, total=f"{found.total:,}"), highlight=False)


@retention_app.command("list")
def retention_list(slug: str = SLUG, as_json: bool = JSON) -> None:
    """The workspace's retention rules."""
    from socialops.engage import retention

    ws, _ = _open(slug)
    _rules(retention.rules(ws), as_json)


def _rules(rules: dict[str, int], as_json: bool) -> None:
    lang = default_lang()
    if as_json:
        common.print_json(rules)
        return
    if not rules:
        common.console.print(t("retention.cli.none", lang), highlight=False)
    for kind, days in rules.items():
        common.console.print(
            t("retention.cli.rule", lang, kind=kind, days=days), highlight=False, markup=False
        )


@retention_app.command("set")
def retention_set(
    kind: str = typer.Argument(..., help="inbox_messages | closed_cases | quarantine"),
    days: int = typer.Argument(..., help="Days to keep (0: no rule)."),
    slug: str = SLUG,
    as_json: bool = JSON,
) -> None:
    """Keep KIND for DAYS days (0 removes the rule)."""
    from socialops.engage import retention

    ws, accounts = _open(slug)
    rules = retention.set_rule(ws, kind, days, "cli")
    accounts.audit("retention.set", email="cli", workspace=slug, target=kind, detail={"days": days})
    _rules(rules, as_json)


@retention_app.command("apply")
def retention_apply(slug: str = SLUG, as_json: bool = JSON) -> None:
    """Apply the rules now (the worker does it hourly); rows changed per kind."""
    from socialops.engage import retention

    ws, accounts = _open(slug)
    out = retention.apply(ws, actor="cli")
    detail: dict[str, Any] = {"by": "cli", **out}
    accounts.audit("retention.apply", email="cli", workspace=slug, detail=detail)
    if as_json:
        common.print_json(out)
        return
    if not out:
        common.console.print(t("retention.cli.none", default_lang()), highlight=False)
    for kind, n in out.items():
        common.console.print(
            t("retention.cli.applied", default_lang(), kind=kind, count=n),
            highlight=False,
            markup=False,
        )


def register(app: typer.Typer) -> None:
    """Add ``privacy`` and ``retention`` to ``app``."""
    app.add_typer(privacy_app, name="privacy")
    app.add_typer(retention_app, name="retention")
