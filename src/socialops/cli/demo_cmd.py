"""``socialops demo``: the main job on the embedded default.

Imports the real sample files from the shared data folder, enriches them and prints the stats,
so a newcomer sees the whole data core work end to end with one command.
"""

from __future__ import annotations

from pathlib import Path

import typer

from socialops import settings
from socialops.cli.common import console, print_json, state
from socialops.cli.progress import progress_bar
from socialops.errors import SettingsError
from socialops.store.workspace import Workspace

# (file under the data folder, preset, topic)
DEMO_FILES: list[tuple[str, str, str]] = [
    ("airline_tweets/Tweets.csv", "airline-tweets", "airlines"),
    ("nsmc/reviews.tsv.gz", "nsmc-reviews", "movies"),
    ("kote/val.tsv", "kote", "kote"),
    ("korean_sarcasm/train.csv", "korean-sarcasm", "sarcasm"),
    ("facebook_metrics/dataset_Facebook.csv", "facebook-metrics", "facebook-page"),
]


def demo(
    data_dir: Path = typer.Option(None, "--data-dir", help="Sample data (default: setting)."),
    small: bool = typer.Option(
        False, "--small", help="Skip the 662k-review file (a quick look in under a minute)."
    ),
    engine: str = typer.Option(None, "--engine", help="duckdb (default), spark or spark://…"),
    as_json: bool = typer.Option(False, "--json", help="Print everything as JSON."),
) -> None:
    """Import, enrich and summarise the real sample data (the main job)."""
    from socialops.listen.ingest import import_file
    from socialops.listen.stats import summary
    from socialops.nlp.runner import enrich_workspace
    from socialops.store.analytics import open_store

    d = settings.data_dir(data_dir)
    if not d.is_dir():
        raise SettingsError(
            f"No sample data at {d}: pass --data-dir or set SOCIALOPS_DATA_DIR to the folder "
            "that holds airline_tweets/, nsmc/, kote/ …"
        )
    ws = Workspace.open(state.workspace)
    eng = settings.get("engine", engine)
    report: dict[str, object] = {"workspace": str(ws.root), "imports": []}
    for rel, preset, topic in DEMO_FILES:
        if small and preset == "nsmc-reviews":
            continue
        path = d / rel
        with progress_bar(f"import {rel}", enabled=not as_json) as update:
            res = import_file(ws, path, preset=preset, topics=[topic], progress=update)
        r = res.to_dict()
        report["imports"].append({"file": rel, "preset": preset, **r})  # type: ignore[attr-defined]
        if not as_json:
            console.print(
                f"{rel}: rows read {r['rows_read']:,} = imported {r['imported']:,} + "
                f"duplicates {r['duplicates']:,} + quarantined {r['quarantined']:,}",
                highlight=False,
            )
    with progress_bar("enrich", enabled=not as_json) as update:
        er = enrich_workspace(ws, engine=eng, progress=update)
    report["enrich"] = er.to_dict()
    if not as_json and er.rows:
        console.print(
            f"enriched {er.rows:,} posts in {er.elapsed_s:.1f} s ({er.rows_per_s:,.0f} posts/s)"
        )
    store = open_store(ws, eng)
    s = summary(store.posts())
    report["stats"] = s
    if as_json:
        print_json(report)
        return
    from socialops.cli.analytics_cmd import render_summary

    render_summary(s)
    console.print(f"\nworkspace: {ws.root}   next: `socialops stats`, `socialops quarantine`")


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
