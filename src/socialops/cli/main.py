"""The ``socialops`` command."""

from __future__ import annotations

import os
import sys

import typer

from socialops import __version__, settings
from socialops.cli import common
from socialops.errors import SocialopsError, disk_full_error

app = typer.Typer(
    name="socialops",
    help="socialops: social media marketing planning and operations, Korean first, offline.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
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


def _register() -> None:
    # Command groups live in their own modules; each adds itself to `app`.
    from socialops.cli import (
        alerts_cmd,
        analytics_cmd,
        demo_cmd,
        ingest_cmd,
        listen_cmd,
        metrics_cmd,
        nlp_cmd,
        plan_cmd,
        report_cmd,
        web_cmd,
    )

    for mod in (
        ingest_cmd,
        nlp_cmd,
        analytics_cmd,
        listen_cmd,
        report_cmd,
        alerts_cmd,
        demo_cmd,
        web_cmd,
        plan_cmd,
        metrics_cmd,
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
            common.err_console.print(f"[red]error:[/red] {exc.message}", highlight=False)
            sys.exit(exc.exit_code)
        # a bug or an environment problem: one line, not a traceback
        if os.environ.get("SOCIALOPS_DEBUG"):
            raise
        common.err_console.print(
            f"[red]error:[/red] unexpected {type(exc).__name__}: {exc}. The workspace is "
            "consistent; rerun with SOCIALOPS_DEBUG=1 to see the traceback and report it.",
            highlight=False,
        )
        sys.exit(70)
    except SystemExit as stop:
        if stop.code == 130:  # Typer turns Ctrl-C into exit status 130
            common.err_console.print(
                "interrupted: the workspace is consistent; run the same command again to finish."
            )
        raise
