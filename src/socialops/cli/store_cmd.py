"""``socialops compact``: merge small enriched files (:mod:`socialops.store.compact`)."""

from __future__ import annotations

import typer

from socialops.cli import common
from socialops.errors import SettingsError
from socialops.i18n import default_lang, t
from socialops.store.workspace import Workspace

__all__ = ["register"]


def compact_command(
    min_files: int = typer.Option(
        None,
        "--min-files",
        help="Merge a month once it holds this many small files (default: the "
        "compact_min_files setting, 8; at least 2).",
    ),
    purge: bool = typer.Option(
        False,
        "--purge",
        help="Also delete at once the files earlier compactions replaced (instead of after "
        "their 10-minute grace): only when no server reads the store.",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Merge each month's small enriched files (one file per small import) into a few: fewer
    files to open, less memory in a long-running server, the same rows and answers."""
    # lazy: CLI start-up time (every command module loads when the CLI starts)
    from socialops.store.compact import GRACE_S, compact
    from socialops.store.compact import min_files as setting

    n = setting() if min_files is None else min_files
    if n < 2:
        raise SettingsError(code="compact.bad_min_files", value=n)
    ws = Workspace.open(common.state.workspace, create=False)
    result = compact(ws, min_files=n, grace_s=0 if purge else GRACE_S)
    if as_json:
        common.print_json(result.to_dict())
        if result.skipped:
            raise typer.Exit(3)
        return
    lang = default_lang()
    say = common.console.print
    if result.purged:
        say(t("compact.purged", lang, count=result.purged), highlight=False)
    if result.skipped:
        common.warn([t(f"compact.{result.skipped}", lang)])
        raise typer.Exit(3)
    if not result.merged:
        say(t("compact.nothing", lang, min_files=n, files=result.files_before), highlight=False)
        return
    say(
        t(
            "compact.done",
            lang,
            merged=result.merged,
            written=result.written,
            rows=f"{result.rows:,}",
            months=", ".join(result.months),
            before=result.files_before,
            after=result.files_after,
            seconds=f"{result.elapsed_s:.1f}",
        ),
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("compact")(compact_command)
