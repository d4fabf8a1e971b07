"""``socialops backup --out FILE`` and ``socialops restore FILE [--into DIR]``
(:mod:`socialops.store.backup`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from socialops.cli import common
from socialops.i18n import default_lang, render
from socialops.settings import workspace_dir
from socialops.store.backup import backup, restore

__all__ = ["register"]


def t(key: str, lang: str, **params: Any) -> str:
    """A message with whole paths (the person at the terminal owns them)."""
    return render(key, lang, params, paths=True)


def _size(n: int) -> str:
    size = float(n)
    for unit in ("B", "KiB", "MiB"):
        if size < 1024:
            return f"{size:,.0f} B" if unit == "B" else f"{size:,.1f} {unit}"
        size /= 1024
    return f"{size:,.1f} GiB"


def backup_command(
    out: Path = typer.Option(
        ...,
        "--out",
        "-o",
        help="Archive to write: .tar.zst (zstandard), .tar.gz or .tar, outside the folder.",
    ),
    include_key: bool = typer.Option(
        False,
        "--include-key",
        help="Also put the secret key file (secret.key) in: the backup then decrypts the "
        "profiles' secrets, so guard it like one.",
    ),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace the archive if it exists."),
    no_verify: bool = typer.Option(
        False, "--no-verify", help="Skip reading the archive back to check every checksum."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Back up the workspace (or home) folder, running or not: databases as one snapshot each
    (SQLite backup API or pg_dump), the Parquet store the snapshot commits, uploads, reports
    and settings files; caches and the secret key file left out."""
    root = workspace_dir(common.state.workspace)
    result = backup(root, out, include_key=include_key, overwrite=overwrite, verify=not no_verify)
    if as_json:
        common.print_json(result.public())
        return
    lang = default_lang()
    say = common.console.print
    say(
        t(
            "backup.done" if not no_verify else "backup.done_unverified",
            lang,
            out=str(result.out),
            files=result.files,
            size=_size(result.bytes),
            seconds=f"{result.seconds:.1f}",
        ),
        highlight=False,
    )
    for db in result.databases:
        say(
            t(
                "backup.db_line",
                lang,
                kind=db["kind"],
                folder=db["folder"] or ".",
                engine=db["engine"],
                revision=db["revision"] or "0.1",
                tables=len(db["tables"]),
                rows=db["rows"],
            ),
            highlight=False,
        )
    if result.skipped:
        common.warn(
            [t("backup.skipped", lang, count=len(result.skipped), example=result.skipped[0])]
        )
    if result.key == "excluded":
        common.warn([t("cli.backup_key_excluded", lang)])
    elif result.key == "included":
        common.warn([t("backup.key_included", lang)])


def restore_command(
    archive: Path = typer.Argument(..., metavar="FILE", help="A backup made by socialops backup."),
    into: Path | None = typer.Option(
        None,
        "--into",
        help="Empty or new folder to restore into (default: the workspace setting).",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Restore a backup into an empty place: every checksum checked first, the databases
    loaded (SQLite, or PostgreSQL when SOCIALOPS_DATABASE_URL is set) and migrated when the
    backup comes from an older release."""
    target = into if into is not None else workspace_dir(common.state.workspace)
    result = restore(archive, target)
    if as_json:
        common.print_json(result.public())
        return
    lang = default_lang()
    say = common.console.print
    say(
        t(
            "restore.done",
            lang,
            into=str(result.into),
            files=result.files,
            seconds=f"{result.seconds:.1f}",
        ),
        highlight=False,
    )
    for db in result.databases:
        if db["migrated"]:
            say(
                t(
                    "restore.migrated",
                    lang,
                    kind=db["kind"],
                    folder=db["folder"] or ".",
                    revisions=", ".join(db["migrated"]),
                ),
                highlight=False,
            )
    if result.key == "excluded":
        common.warn([t("restore.key_missing", lang)])


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("backup")(backup_command)
    app.command("restore")(restore_command)
