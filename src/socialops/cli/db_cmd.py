"""``socialops db upgrade|copy|status``: the databases' schema revision and where they live."""

from __future__ import annotations

import typer

from socialops.cli import common
from socialops.i18n import default_lang, t
from socialops.settings import workspace_dir
from socialops.store.db import Database, Kind, database_url, redacted_url
from socialops.store.dbcopy import copy_folder
from socialops.store.migrate import HEADS, current
from socialops.store.workspace import Workspace

__all__ = ["register"]

HELP = """The databases: the workspace ledger (and the accounts of a home folder).

They live in SQLite files in the folder (the default) or, when SOCIALOPS_DATABASE_URL names a
PostgreSQL database, in one schema per folder there. Migrations run at start; `db upgrade` runs
them now. `db copy --to URL` moves a folder's SQLite databases to PostgreSQL.
"""

db_app = typer.Typer(help=HELP, no_args_is_help=True)


def _kinds() -> list[tuple[Kind, Database]]:
    ws = Workspace(workspace_dir(common.state.workspace))
    if not ws.exists():
        Workspace.open(ws.root, create=False)  # says there is no workspace there, and what to do
    root = ws.root
    dbs: list[tuple[Kind, Database]] = [
        ("workspace", Database.open(root, "workspace", upgrade=False))
    ]
    if (root / "accounts.db").exists() or database_url() is not None:
        dbs.append(("accounts", Database.open(root, "accounts", upgrade=False)))
    return dbs


@db_app.command("upgrade")
def upgrade(
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Bring the workspace database (and a home's accounts database) to the newest schema."""
    lang = default_lang()
    out = []
    for kind, db in _kinds():
        applied = db.upgrade()
        out.append({"kind": kind, "where": db.where, "applied": applied, "revision": current(db)})
        if not as_json:
            key = "db.upgraded" if applied else "db.current"
            common.console.print(
                t(key, lang, where=db.where, revisions=", ".join(applied), revision=current(db)),
                highlight=False,
            )
    if as_json:
        common.print_json(out)


@db_app.command("status")
def status(as_json: bool = typer.Option(False, "--json", help="Print as JSON.")) -> None:
    """Where the databases are and which schema revision each is at."""
    out = []
    for kind, db in _kinds():
        out.append({"kind": kind, "where": db.where, "revision": current(db), "head": HEADS[kind]})
    if as_json:
        common.print_json(out)
    else:
        for row in out:
            common.console.print(
                f"{row['kind']}: {row['where']} — {row['revision'] or '-'} (head {row['head']})",
                highlight=False,
            )


@db_app.command("copy")
def copy(
    to: str = typer.Option(..., "--to", help="PostgreSQL URL: postgresql+psycopg://USER@HOST/DB"),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Copy this folder's SQLite databases to PostgreSQL and check row counts table by table."""
    root = workspace_dir(common.state.workspace)
    results = copy_folder(root, to)
    if as_json:
        common.print_json([r.public() for r in results])
        return
    lang = default_lang()
    for r in results:
        common.console.print(
            t(
                "db.copied",
                lang,
                where=r.source,
                target=r.target,
                tables=len(r.tables),
                rows=sum(r.tables.values()),
            ),
            highlight=False,
        )
    common.console.print(f"SOCIALOPS_DATABASE_URL={redacted_url(to)}", highlight=False)


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")
