"""``socialops alerts``: new spikes and negative surges, with an exit status for cron."""

from __future__ import annotations

import typer

from socialops import settings
from socialops.cli import common
from socialops.store.workspace import Workspace

__all__ = ["register"]

HELP = """List NEW volume spikes and negative surges per topic since the last run (or --since).

The baseline looks back before --since; thresholds come from --z/--min-posts, else
SOCIALOPS_ALERT_Z / SOCIALOPS_ALERT_MIN_POSTS (method: docs/spikes.md). Each run is recorded in
the workspace, so a spike is new only once.

Exit status: 0 = nothing new, 1 = new alerts, 2 = bad flag or setting, 3 = no data / workspace.
"""


def alerts(
    since: str | None = typer.Option(
        None, "--since", help="First local day to check, YYYY-MM-DD (default: the last 7 days)."
    ),
    topic: list[str] = typer.Option(
        [], "--topic", "-t", help="Topic name (repeat for several; default: every topic)."
    ),
    every: str = typer.Option("day", "--every", help="hour | day"),
    z: float | None = typer.Option(None, "--z", help="Robust z-score threshold."),
    min_posts: int | None = typer.Option(None, "--min-posts", help="Posts a spike needs."),
    engine: str = typer.Option(
        None, "--engine", help="duckdb (default), spark or spark://HOST:PORT."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    # lazy: CLI start-up time (every command module loads when the CLI starts)
    from socialops.listen.alerts import run_alerts
    from socialops.listen.scope import parse_day
    from socialops.listen.topics import resolve_topics
    from socialops.store.analytics import open_store

    ws = Workspace.open(common.state.workspace, create=False)
    topics = resolve_topics(ws, topic)
    with open_store(ws, settings.get("engine", engine)) as store:
        result = run_alerts(
            ws,
            store,
            topics,
            since=parse_day(since, "--since"),
            every=every.strip().lower(),
            z=z,
            min_posts=min_posts,
        )
    if as_json:
        common.print_json(result)
    else:
        new = [a for a in result["alerts"] if a["new"]]
        common.console.print(
            f"{result['new']} new alert(s) since {result['since']} (data to {result['to']})",
            highlight=False,
        )
        for a in new:
            words = ", ".join(a["words"][:6])
            common.console.print(
                f"  [bold]{a['topic']}[/bold] {a['kind']} {a['start']} → {a['end']}: "
                f"{a['count']:,} posts vs {a['baseline']:,.0f} expected, z {a['score']}"
                + (f" — {words}" if words else ""),
                highlight=False,
            )
        for c in result["coverage"]:
            common.console.print(
                f"  note: {c['topic']} changed level from {c['start']} (a coverage change, "
                "e.g. collection started; not an alert)",
                style="dim",
                highlight=False,
            )
    raise typer.Exit(1 if result["new"] else 0)


def register(app: typer.Typer) -> None:
    """Adds the command to ``app``."""
    app.command("alerts", help=HELP)(alerts)
