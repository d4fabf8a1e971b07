"""``socialops demo``: the main job on the embedded default.

Imports the real sample files from the shared data folder, enriches them and prints the stats,
adds tracked topics (the six US airlines of the tweets; four films of the Naver reviews) and
writes a listening report for each, so a newcomer sees the whole loop with one command.
"""

from __future__ import annotations

import json
import shutil
import sys
from datetime import UTC, datetime
from pathlib import Path

import typer

from socialops import settings
from socialops.cli.analytics_cmd import render_summary
from socialops.cli.common import console, print_json, state
from socialops.cli.progress import progress_bar
from socialops.errors import SettingsError, TopicError
from socialops.listen.samples import AIRLINE_SET, AIRLINE_TOPICS, FILM_SET, FILM_TOPICS
from socialops.store.workspace import Workspace

# (file under the data folder, preset, topic)
DEMO_FILES: list[tuple[str, str, str]] = [
    ("airline_tweets/Tweets.csv", "airline-tweets", "airlines"),
    ("nsmc/reviews.tsv.gz", "nsmc-reviews", "movies"),
    ("kote/val.tsv", "kote", "kote"),
    ("korean_sarcasm/train.csv", "korean-sarcasm", "sarcasm"),
    ("facebook_metrics/dataset_Facebook.csv", "facebook-metrics", "facebook-page"),
]


# (report file, language, preset whose data it needs, competitive set, its topics: the first
# is the report's topic, our brand; the others are its competitors)
DEMO_REPORTS: list[tuple[str, str, str, str, dict[str, str]]] = [
    ("airlines.html", "en", "airline-tweets", AIRLINE_SET, AIRLINE_TOPICS),
    ("movies.html", "ko", "nsmc-reviews", FILM_SET, FILM_TOPICS),
]
# the first kind is our brand's: a film is a product
BRAND_KIND = {"airline-tweets": "brand", "nsmc-reviews": "product"}


def next_steps(ws: Workspace, presets: set[str]) -> str:
    """The commands to try next, each one that works on what the demo made (the report's
    command names topics it added, in the workspace it used)."""
    default = settings.workspace_dir(None).resolve()  # what a command without -w opens
    where = "" if ws.root.resolve() == default else f"-w {_arg(str(ws.root))} "
    prog = _prog()
    steps = [f"`{prog} {where}stats`", f"`{prog} {where}listen sov`"]
    for _name, _lang, preset, _set, group in DEMO_REPORTS:
        if preset in presets:
            brand, rival = list(group)[:2]
            steps.append(
                f"`{prog} {where}report --topic {_arg(brand)} --vs {_arg(rival)} --out report.html`"
            )
            break
    steps.append(f"`{prog} {where}plan list`")
    return ", ".join(steps)


def _prog() -> str:
    """``socialops`` when the shell finds it, else this installation's script (``make start``
    runs .venv/bin/socialops without the virtual environment on PATH)."""
    if shutil.which("socialops"):
        return "socialops"
    script = Path(sys.executable).with_name("socialops")
    return _arg(str(script)) if script.exists() else "socialops"


def _arg(value: str) -> str:
    return f'"{value}"' if " " in value else value


def add_demo_topics(ws: Workspace, presets: set[str]) -> None:
    """Add the demo topics of the data sets ``presets`` (once, each group a competitive set)."""
    # lazy: CLI start-up time (every command module loads when the CLI starts)
    from socialops.listen.topics import add_topic, get_topic

    for _name, _lang, preset, cset, group in DEMO_REPORTS:
        if preset not in presets:
            continue
        for n, (tname, query) in enumerate(group.items()):
            try:
                get_topic(ws, tname)
            except TopicError:
                add_topic(ws, tname, query, BRAND_KIND[preset] if n == 0 else "competitor", cset)


def _reports(ws: Workspace, eng: str, presets: set[str], quiet: bool) -> list[dict[str, object]]:
    """Add the demo topics (once, each group a competitive set) and write a report per group
    into <workspace>/reports, with its description (``<name>.json``) for the Reports page."""
    # lazy: CLI start-up time (every command module loads when the CLI starts)
    from socialops.listen.report import build_report, write_report
    from socialops.listen.scope import Scope
    from socialops.listen.topics import add_topic, get_topic
    from socialops.store.analytics import open_store

    out: list[dict[str, object]] = []
    folder = ws.root / "reports"
    folder.mkdir(exist_ok=True)
    for name, lang, preset, cset, group in DEMO_REPORTS:
        if preset not in presets:
            continue
        topics = []
        for n, (tname, query) in enumerate(group.items()):
            try:
                topics.append(get_topic(ws, tname))
            except TopicError:
                kind = BRAND_KIND[preset] if n == 0 else "competitor"
                topics.append(add_topic(ws, tname, query, kind, cset))
        with progress_bar(f"report {name}", enabled=not quiet) as update:
            update(0, 1)
            with open_store(ws, eng) as store:
                data = build_report(store, Scope(every="day"), topics)
            written = write_report(data, folder / name, lang=lang)
            update(1, 1)
        # its description beside it, as the web's reports have: the Reports page lists it
        meta = {
            "id": Path(name).stem,
            "topic": topics[0].name,
            "vs": [t.name for t in topics[1:]],
            "from": data.scope.start.isoformat() if data.scope.start else None,
            "to": data.scope.end.isoformat() if data.scope.end else None,
            "every": data.scope.every,
            "lang": lang,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "by": "socialops demo",
            "files": ["html"],
        }
        (folder / name).with_suffix(".json").write_text(
            json.dumps(meta, ensure_ascii=False), encoding="utf-8"
        )
        out.append({"report": str(folder / name), "topics": [t.name for t in topics], **written})
    return out


def demo(
    data_dir: Path | None = typer.Option(
        None, "--data-dir", help="Sample data (default: setting)."
    ),
    small: bool = typer.Option(
        False, "--small", help="Skip the 662k-review file (a quick look in under a minute)."
    ),
    engine: str | None = typer.Option(
        None, "--engine", help="duckdb (default), spark or spark://…"
    ),
    as_json: bool = typer.Option(False, "--json", help="Print everything as JSON."),
) -> None:
    """Import, enrich and summarise the real sample data (the main job)."""
    # lazy: CLI start-up time (every command module loads when the CLI starts)
    from socialops.listen.ingest import import_file
    from socialops.listen.stats import summary
    from socialops.sources.enrich import enrich_workspace
    from socialops.store.analytics import open_store

    d = settings.data_dir(data_dir)
    if not d.is_dir():
        raise SettingsError(code="cli.no_sample_data", path=d)
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
    with open_store(ws, eng) as store:
        s = summary(store.posts())
    report["stats"] = s
    presets = {p for _, p, _ in DEMO_FILES if not (small and p == "nsmc-reviews")}
    report["reports"] = _reports(ws, eng, presets, as_json)
    # lazy: CLI start-up time (every command module loads when the CLI starts)
    from socialops.plan.demo import add_demo_plans

    report["plans"] = add_demo_plans(ws, d)
    from socialops.engage.demo import add_demo_inbox

    report["inbox"] = add_demo_inbox(ws, d).to_dict()
    if as_json:
        print_json(report)
        return
    render_summary(s)
    for r in report["reports"]:  # type: ignore[attr-defined]
        console.print(f"listening report: {r['report']}  (topics: {', '.join(r['topics'])})")
    for p in report["plans"]:  # type: ignore[attr-defined]
        if "plan_id" in p:
            console.print(f"example plan: {p['plan_id']}  {p['name']}  ({p['state']})")
        elif "skipped" in p:
            console.print(f"example plan skipped: {p['skipped']} ({p['why']})")
    console.print(f"\nworkspace: {ws.root}   next: {next_steps(ws, presets)}", highlight=False)


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
