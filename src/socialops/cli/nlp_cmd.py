"""``socialops enrich``, ``socialops sentiment`` and ``socialops train sentiment``."""

from __future__ import annotations

from pathlib import Path

import typer

from socialops import settings
from socialops.cli.common import console, print_json, state
from socialops.cli.progress import progress_bar
from socialops.errors import SettingsError
from socialops.store.workspace import Workspace

train_app = typer.Typer(help="Train the models that ship with socialops.", no_args_is_help=True)


def enrich(
    engine: str = typer.Option(
        None, "--engine", help="duckdb (local processes), spark, or spark://HOST:PORT."
    ),
    workers: int = typer.Option(None, "--workers", help="Local processes (default: all cores)."),
    rebuild: bool = typer.Option(
        False, "--rebuild", help="Forget earlier enrichment and redo everything."
    ),
    tz: str = typer.Option(
        None,
        "--tz",
        help="Zone of the posts' local day and hour (default: the workspace's, else the "
        "timezone setting, Asia/Seoul).",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Enrich imported posts: language, normalisation, tokens, sentiment, keywords."""
    # lazy: CLI start-up time (every command module loads when the CLI starts)
    from socialops.sources.enrich import enrich_workspace
    from socialops.sources.enrich import rebuild as do_rebuild

    ws = Workspace.open(state.workspace, create=False)
    eng = settings.get("engine", engine)
    if rebuild:
        do_rebuild(ws)
    with progress_bar("enriching", enabled=not as_json) as update:
        result = enrich_workspace(ws, engine=eng, workers=workers, tz=tz, progress=update)
    if as_json:
        print_json(result.to_dict())
        return
    if result.rows == 0:
        console.print("Nothing new to enrich: every imported post is enriched already.")
        return
    console.print(
        f"enriched {result.rows:,} posts from {result.raw_parts} raw parts on {result.engine} "
        f"in {result.elapsed_s:.1f} s ({result.rows_per_s:,.0f} posts/s) → {result.files} files"
    )
    console.print(f"pipeline: {result.pipeline}", highlight=False)


def sentiment(
    file: Path = typer.Argument(..., help="CSV, TSV, XLSX, JSONL or Parquet file."),
    text_column: str = typer.Option(..., "--text-column", help="Column that holds the text."),
    out: Path = typer.Option(..., "--out", help="Output CSV (UTF-8 with BOM)."),
    lang: str = typer.Option("auto", "--lang", help="ko, en or auto (detect per row)."),
    encoding: str = typer.Option(None, "--encoding", help="Override the detected encoding."),
    delimiter: str = typer.Option(None, "--delimiter", help="Override the detected delimiter."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Score the sentiment of every row of a file: writes its columns plus sentiment."""
    from socialops.listen.sentiment_file import score_file  # lazy: start-up time (readers)

    if lang not in ("ko", "en", "auto"):
        raise SettingsError(code="cli.bad_lang", value=lang, choices="ko, en, auto")
    with progress_bar("scoring", enabled=not as_json) as update:
        summary = score_file(
            file,
            text_column=text_column,
            out=out,
            lang=lang,
            encoding=encoding,
            delimiter=delimiter,
            progress=update,
        )
    if as_json:
        print_json(summary)
        return
    c = summary["counts"]
    console.print(
        f"scored {summary['rows']:,} rows → {out}  (negative {c['negative']:,}, "
        f"neutral {c['neutral']:,}, positive {c['positive']:,}, no text {c['none']:,})"
    )


@train_app.command("sentiment")
def train_sentiment(
    lang: str = typer.Option("ko", "--lang", help="ko (NSMC + rated reviews) or en (tweets)."),
    data_dir: Path = typer.Option(None, "--data-dir", help="Sample data (default: setting)."),
    out: Path = typer.Option(
        None, "--out", help="Model folder (default: the one shipped inside the package)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the metrics as JSON."),
    cache_dir: Path = typer.Option(
        None, "--cache-dir", help="Korean: keep the Kiwi tokens here between runs (e.g. /tmp/...)."
    ),
) -> None:
    """Train a sentiment model from the shared sample data and write it with its model card."""
    d = settings.data_dir(data_dir)
    if not d.is_dir():
        raise SettingsError(code="cli.no_sample_data", path=d)
    if lang == "ko":
        # lazy: CLI start-up time (every command module loads when the CLI starts)
        from socialops.train.sentiment_ko import train
    elif lang == "en":
        from socialops.train.sentiment_en import train  # type: ignore[assignment]
    else:
        raise SettingsError(code="cli.bad_lang", value=lang, choices="ko, en")
    if lang == "ko":
        metrics = train(d, out, progress=not as_json, cache_dir=cache_dir)
    else:
        metrics = train(d, out, progress=not as_json)
    if as_json:
        print_json(metrics)
    else:
        for k, v in metrics.items():
            console.print(f"{k}: {v}", highlight=False)


def register(app: typer.Typer) -> None:
    app.command("enrich")(enrich)
    app.command("sentiment")(sentiment)
    app.add_typer(train_app, name="train")
