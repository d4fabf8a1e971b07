"""``socialops stats``: descriptive statistics of the enriched posts, on DuckDB or Spark."""

from __future__ import annotations

from typing import Any

import typer
from rich.table import Table

from socialops import settings
from socialops.cli import common
from socialops.store.workspace import Workspace

__all__ = ["register", "render_summary", "stats"]


def _pct(share: float | None) -> str:
    return "–" if share is None else f"{share * 100:.1f}%"


def _net(value: float | None) -> str:
    return "–" if value is None else f"{value:+.3f}"


def _counts(title: str, column: str, rows: list[dict[str, Any]], total: int) -> Table:
    t = Table(title=title, title_justify="left")
    t.add_column(column)
    t.add_column("posts", justify="right")
    t.add_column("share", justify="right")
    for r in rows:
        t.add_row(str(r[column]), f"{r['posts']:,}", _pct(r["posts"] / total if total else None))
    return t


def _sentiment_table(s: dict[str, Any], by_lang: list[dict[str, Any]]) -> Table:
    t = Table(title="Sentiment", title_justify="left")
    for col in ("lang", "posts", "negative", "neutral", "positive", "net", "mean score"):
        t.add_column(col, justify="left" if col == "lang" else "right")
    for label, row in [("all", s), *((r["lang"], r) for r in by_lang)]:
        t.add_row(
            label,
            f"{row['posts']:,}",
            *(
                f"{row[k]:,} ({_pct(row['shares'][k])})"
                for k in ("negative", "neutral", "positive")
            ),
            _net(row["net"]),
            _net(row["mean_score"]),
        )
    return t


def render_summary(s: dict[str, Any], *, max_days: int = 31) -> None:
    """Print a :func:`socialops.listen.stats.summary` dict as Rich tables."""
    out = common.console
    tot = s["totals"]
    span = f"{tot['first_day']} … {tot['last_day']}" if tot["first_day"] else "no dated posts"
    out.print(
        f"[bold]{tot['posts']:,}[/bold] posts by {tot['authors']:,} authors; "
        f"dated {tot['dated']:,}, undated {tot['undated']:,}; {span}",
        highlight=False,
    )
    out.print(_counts("Platforms", "platform", s["platforms"], tot["posts"]))
    out.print(_counts("Languages", "lang", s["languages"], tot["posts"]))
    out.print(_sentiment_table(s["sentiment"], s["sentiment_by_lang"]))
    days = s["days"]
    shown = days[-max_days:]
    title = "Posts by day" + (
        f" (last {len(shown)} of {len(days)})" if len(days) > len(shown) else ""
    )
    out.print(_counts(title, "day", shown, tot["dated"]))
    kw = Table(title="Top keywords", title_justify="left")
    kw.add_column("#", justify="right")
    kw.add_column("keyword")
    kw.add_column("posts", justify="right")
    for i, r in enumerate(s["top_keywords"], 1):
        kw.add_row(str(i), r["keyword"], f"{r['posts']:,}")
    out.print(kw)


def stats(
    engine: str | None = typer.Option(
        None,
        "--engine",
        "-e",
        help="duckdb, spark or spark://HOST:PORT (default: $SOCIALOPS_ENGINE, else duckdb).",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
    top: int = typer.Option(20, "--top", min=0, help="How many top keywords to show."),
) -> None:
    """Totals, platforms, languages, days, sentiment and top keywords of the enriched posts."""
    # lazy: CLI start-up time (every command module loads when the CLI starts)
    from socialops.listen.stats import summary
    from socialops.store.analytics import open_store

    ws = Workspace.open(common.state.workspace, create=False)
    with open_store(ws, settings.get("engine", engine)) as store:
        result = summary(store.posts(), top=top, keyword_counts=store.keyword_counts())
    if as_json:
        common.print_json(result)
    else:
        render_summary(result)


def register(app: typer.Typer) -> None:
    app.command("stats")(stats)
