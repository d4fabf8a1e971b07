"""The ``socialops`` command."""

from __future__ import annotations

import os
import sys

import typer

from socialops import __version__, settings
from socialops.cli import (
    alerts_cmd,
    analytics_cmd,
    backup_cmd,
    common,
    db_cmd,
    demo_cmd,
    inbox_cmd,
    ingest_cmd,
    listen_cmd,
    measure,
    metrics_cmd,
    nlp_cmd,
    plan_cmd,
    privacy_cmd,
    publish_cmd,
    report_cmd,
    sample_cmd,
    store_cmd,
    triage_cmd,
    web_cmd,
)
from socialops.errors import SocialopsError, disk_full_error
from socialops.i18n import default_lang, render, t

app = typer.Typer(
    name="socialops",
    help="socialops: social media marketing planning and operations, Korean first, offline.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    # Click's plain help: Typer's rich help draws every flag as taking a value
    # ("--version <bool>", "--help <bool>"); a flag takes none
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"socialops {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    workspace: str | None = typer.Option(
        None,
        "--workspace",
        "-w",
        help="Workspace folder (default: $SOCIALOPS_HOME or ./.socialops).",
    ),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version."
    ),
) -> None:
    common.state.workspace = workspace


_registered = False


def _register() -> None:
    # Command groups live in their own modules; each adds itself to `app` — once per process
    # (a test calls main() many times: adding the groups again each time would pile them up)
    global _registered
    if _registered:
        return
    _registered = True
    for mod in (
        ingest_cmd,
        nlp_cmd,
        analytics_cmd,
        listen_cmd,
        report_cmd,
        alerts_cmd,
        demo_cmd,
        sample_cmd,
        web_cmd,
        plan_cmd,
        metrics_cmd,
        db_cmd,
        publish_cmd,
        triage_cmd,
        inbox_cmd,
        measure,
        backup_cmd,
        privacy_cmd,
        store_cmd,
    ):
        mod.register(app)


def main(argv: list[str] | None = None) -> None:
    _register()
    try:
        app(args=argv, standalone_mode=True)
    except Exception as exc:
        # a full disk, whichever writer met it (also under a SocialopsError): what to free
        full = disk_full_error(exc, settings.workspace_dir(common.state.workspace))
        if full is not None:
            exc = full
        if isinstance(exc, SocialopsError):
            common.err_console.print(f"[red]error:[/red] {common.error_line(exc)}", highlight=False)
            sys.exit(exc.exit_code)
        # a bug or an environment problem: one line, not a traceback
        if os.environ.get("SOCIALOPS_DEBUG"):
            raise
        line = render(
            "cli.unexpected", default_lang(), {"kind": type(exc).__name__, "detail": str(exc)}
        )
        common.err_console.print(f"[red]error:[/red] {line}", highlight=False)
        sys.exit(70)
    except SystemExit as stop:
        if stop.code == 130:  # Typer turns Ctrl-C into exit status 130
            common.err_console.print(t("cli.interrupted", default_lang()), highlight=False)
        raise
