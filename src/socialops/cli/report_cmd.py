"""``socialops report``: the listening report as one self-contained HTML file (+ XLSX / CSV)."""

from __future__ import annotations

import typer

from socialops import settings
from socialops.cli import common
from socialops.errors import SettingsError, TopicError
from socialops.store.workspace import Workspace

__all__ = ["register", "report"]


def report(
    topic: str = typer.Option(..., "--topic", "-t", help="The topic the report is about."),
    vs: list[str] = typer.Option([], "--vs", help="A competitor topic (repeat for several)."),
    date_from: str | None = typer.Option(
        None, "--from", help="First local day, YYYY-MM-DD (default: first day with data)."
    ),
    date_to: str | None = typer.Option(
        None, "--to", help="Last local day, YYYY-MM-DD (default: last day with data)."
    ),
    every: str = typer.Option("day", "--every", help="hour | day | week"),
    lang: str = typer.Option("ko", "--lang", help="Report language: ko or en."),
    out: str = typer.Option(..., "--out", "-o", help="The HTML file to write."),
    xlsx: str | None = typer.Option(None, "--xlsx", help="Also write every table to this XLSX."),
    csv_dir: str | None = typer.Option(
        None, "--csv", help="Also write one CSV per table (UTF-8 with BOM) into this folder."
    ),
    platform: list[str] = typer.Option([], "--platform", help="Only these platforms."),
    engine: str = typer.Option(
        None, "--engine", help="duckdb (default), spark or spark://HOST:PORT."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print what was written as JSON."),
) -> None:
    """Write the listening report for a topic against its competitors."""
    # lazy: CLI start-up time (every command module loads when the CLI starts)
    from socialops.listen.report import LABELS, build_report, write_report
    from socialops.listen.scope import Scope
    from socialops.listen.topics import resolve_topics
    from socialops.store.analytics import open_store

    lang = lang.strip().lower()
    if lang not in LABELS:
        raise SettingsError(code="config.doc_lang", value=lang)
    names = [topic, *vs]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise TopicError(code="cli.topic_twice", name=dup[0])
    ws = Workspace.open(common.state.workspace, create=False)
    topics = resolve_topics(ws, names)
    scope = Scope.from_flags(date_from, date_to, every, platform)
    with open_store(ws, settings.get("engine", engine)) as store:
        data = build_report(store, scope, topics)
    common.warn(data.warnings)
    written = write_report(data, out, lang=lang, xlsx=xlsx, csv_dir=csv_dir)
    if as_json:
        common.print_json(written)
        return
    extra = []
    if xlsx:
        extra.append(f"{xlsx} ({len(written['sheets'])} sheets)")
    if csv_dir:
        extra.append(f"{len(written['csv'])} CSV files in {csv_dir}")
    common.console.print(
        f"wrote {out} ({written['tables']} tables)" + (", " + ", ".join(extra) if extra else ""),
        highlight=False,
        soft_wrap=True,
    )
    if written["unavailable"]:
        common.err_console.print(
            "[yellow]note:[/yellow] not available yet: " + ", ".join(written["unavailable"]),
            highlight=False,
        )


def register(app: typer.Typer) -> None:
    """Adds the command to ``app``."""
    app.command("report")(report)
