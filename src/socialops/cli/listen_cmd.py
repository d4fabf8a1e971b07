"""``socialops topic ...`` and ``socialops listen ANALYSIS``: tracked topics and analyses."""

from __future__ import annotations

from typing import Any

import typer
from rich.table import Table

from socialops import i18n, settings
from socialops.cli import common
from socialops.errors import SettingsError
from socialops.store.workspace import Workspace

__all__ = ["register", "render_tables"]

topic_app = typer.Typer(help="Tracked topics: brands, competitors, products, campaigns.")

MAX_SHOWN = 40


def _ws(create: bool = False) -> Any:
    return Workspace.open(common.state.workspace, create=create)


def _kind_set(t: Any) -> str:
    return f"{t.kind}, set {t.competitive_set}" if t.competitive_set else str(t.kind)


@topic_app.command("add")
def topic_add(
    name: str = typer.Argument(..., help="Topic name, e.g. 대한항공."),
    query: str = typer.Option(..., "--query", "-q", help="Boolean query (see docs/listening.md)."),
    kind: str = typer.Option(
        "brand", "--kind", "-k", help="brand | competitor | product | campaign"
    ),
    competitive_set: str = typer.Option(
        "",
        "--set",
        "-s",
        help="Competitive set (our brand and its competitors, e.g. 항공사): share of voice is "
        "computed within each set.",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the topic as JSON."),
) -> None:
    """Add a tracked topic."""
    # lazy: CLI start-up time (every command module loads when the CLI starts)
    from socialops.listen.topics import add_topic

    t = add_topic(_ws(create=True), name, query, kind, competitive_set)
    if as_json:
        common.print_json(t.to_dict())
    else:
        common.console.print(
            f"added topic [bold]{t.name}[/bold] ({_kind_set(t)}): {t.query}", highlight=False
        )


@topic_app.command("list")
def topic_list(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """List the tracked topics."""
    # lazy: CLI start-up time (every command module loads when the CLI starts)
    from socialops.listen.topics import list_topics

    topics = list_topics(_ws())
    if as_json:
        common.print_json([t.to_dict() for t in topics])
        return
    if not topics:
        common.console.print("no topics yet: `socialops topic add NAME --query '...'`")
        return
    table = Table(title="Topics", title_justify="left")
    for col in ("name", "kind", "set", "query"):
        table.add_column(col)
    for t in topics:
        table.add_row(t.name, t.kind, t.competitive_set or "–", t.query)
    common.console.print(table)


@topic_app.command("edit")
def topic_edit(
    name: str = typer.Argument(..., help="The topic to change."),
    query: str | None = typer.Option(None, "--query", "-q", help="New query."),
    kind: str | None = typer.Option(None, "--kind", "-k", help="New kind."),
    rename: str | None = typer.Option(None, "--rename", help="New name."),
    competitive_set: str | None = typer.Option(
        None, "--set", "-s", help="New competitive set ('' takes the topic out of its set)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the topic as JSON."),
) -> None:
    """Change a topic's query, kind, name or competitive set."""
    # lazy: CLI start-up time (every command module loads when the CLI starts)
    from socialops.listen.topics import edit_topic

    t = edit_topic(
        _ws(), name, query=query, kind=kind, new_name=rename, competitive_set=competitive_set
    )
    if as_json:
        common.print_json(t.to_dict())
    else:
        common.console.print(
            f"changed topic [bold]{t.name}[/bold] ({_kind_set(t)}): {t.query}", highlight=False
        )


@topic_app.command("remove")
def topic_remove(
    name: str = typer.Argument(..., help="The topic to remove."),
    as_json: bool = typer.Option(False, "--json", help="Print the removed topic as JSON."),
) -> None:
    """Remove a topic (the posts stay)."""
    # lazy: CLI start-up time (every command module loads when the CLI starts)
    from socialops.listen.topics import remove_topic

    t = remove_topic(_ws(), name)
    if as_json:
        common.print_json(t.to_dict())
    else:
        common.console.print(f"removed topic [bold]{t.name}[/bold]", highlight=False)


def _fmt(v: Any) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:,.4g}" if abs(v) < 1 else f"{v:,.2f}"
    if isinstance(v, int):
        return f"{v:,}"
    if isinstance(v, list):
        return ", ".join(_fmt(x) for x in v[:8]) + (" …" if len(v) > 8 else "")
    text = str(v).replace("\n", " ")
    return text if len(text) <= 80 else text[:79] + "…"


def render_tables(tables: list[Any], max_rows: int = MAX_SHOWN) -> None:
    """Print result tables; long ones are cut with a note (``--json`` has everything)."""
    from socialops.listen.report import localized  # the report's stack: only when printing

    for rt in tables:
        # title, column headings and coded values (spike kinds, …) in SOCIALOPS_LANG
        rt = localized(rt, i18n.default_lang())
        table = Table(title=rt.title, title_justify="left")
        for c in rt.columns:
            table.add_column(str(c))
        for row in rt.rows[:max_rows]:
            table.add_row(*(_fmt(v) for v in row))
        common.console.print(table)
        if len(rt.rows) > max_rows:
            more = i18n.t("cli.more_rows", i18n.default_lang(), n=f"{len(rt.rows) - max_rows:,}")
            common.console.print(more, style="dim", highlight=False)


def listen(
    analysis: str = typer.Argument(
        ..., help="volume | sov | sentiment | assoc | spikes | issues | influencers | themes"
    ),
    topic: list[str] = typer.Option(
        [], "--topic", "-t", help="Topic name (repeat for several; default: every topic)."
    ),
    competitive_set: str | None = typer.Option(
        None, "--set", "-s", help="Only the topics of this competitive set."
    ),
    date_from: str | None = typer.Option(None, "--from", help="First local day, YYYY-MM-DD."),
    date_to: str | None = typer.Option(None, "--to", help="Last local day, YYYY-MM-DD."),
    every: str = typer.Option("day", "--every", help="hour | day | week"),
    platform: list[str] = typer.Option([], "--platform", help="Only these platforms."),
    lang: list[str] = typer.Option([], "--lang", help="Only these languages (ko, en, other)."),
    engine: str = typer.Option(
        None, "--engine", help="duckdb (default), spark or spark://HOST:PORT."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Run one listening analysis over the tracked topics."""
    # lazy: CLI start-up time (every command module loads when the CLI starts)
    from socialops.listen.analyses import ANALYSES, check_matches, run_analysis, tables_of
    from socialops.listen.scope import Scope, resolve
    from socialops.listen.topics import in_set, resolve_topics
    from socialops.store.analytics import open_store

    if analysis not in ANALYSES:
        raise SettingsError(code="analysis.unknown", name=analysis, choices=list(ANALYSES))
    ws = _ws()
    topics = resolve_topics(ws, topic)
    if competitive_set is not None:
        topics = in_set(ws, topics, competitive_set)
    scope = Scope.from_flags(date_from, date_to, every, platform, lang)
    with open_store(ws, settings.get("engine", engine)) as store:
        scope = resolve(store, scope)
        _, warnings = check_matches(store, scope, topics)
        common.warn(warnings)
        result = run_analysis(analysis, store, scope, topics)
    result["warnings"] = warnings
    if as_json:
        common.print_json(result)
    else:
        render_tables(tables_of(analysis, result))


def register(app: typer.Typer) -> None:
    app.add_typer(topic_app, name="topic")
    app.command("listen")(listen)
