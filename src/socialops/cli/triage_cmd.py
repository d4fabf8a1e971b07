"""``socialops triage FILE`` (intent, speech act, urgency, category and sentiment of every row)
and ``socialops train triage`` (retrain the triage models from the shared data)."""

from __future__ import annotations

import csv
import os
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer

from socialops import settings
from socialops.cli.common import console, print_json
from socialops.cli.nlp_cmd import train_app
from socialops.cli.progress import progress_bar
from socialops.errors import InputFileError, SettingsError
from socialops.i18n import default_lang, render

__all__ = ["OUTPUT_COLUMNS", "register", "triage_file"]

OUTPUT_COLUMNS = (
    "intent",
    "speech_act",
    "needs_reply",
    "urgency",
    "category",
    "sentiment",
    "sentiment_score",
)


def triage_file(
    path: Path,
    *,
    text_column: str,
    out: Path,
    lang: str = "auto",
    taxonomy: str = "general",
    encoding: str | None = None,
    delimiter: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    batch_rows: int = 2000,
) -> dict[str, Any]:
    """Read ``path`` (any format the importer reads), write its columns + the triage columns
    to ``out`` (CSV, UTF-8 with BOM; written under a temporary name, renamed when complete).
    A row without text gets empty triage cells; no row is dropped."""
    # lazy: CLI start-up time (the readers and the models load only when the command runs)
    from socialops.nlp.triage import TAXONOMIES, triage_texts
    from socialops.sources.readers import open_source
    from socialops.store.exportcells import csv_cell

    if lang not in ("ko", "en", "auto"):
        raise SettingsError(code="cli.bad_lang", value=lang, choices="ko, en, auto")
    if taxonomy not in TAXONOMIES:
        raise SettingsError(
            code="triage.unknown_taxonomy", value=taxonomy, choices=", ".join(TAXONOMIES)
        )
    out = Path(out)
    if out.exists() and out.is_dir():
        raise InputFileError(code="cli.out_is_folder", path=out)
    if not out.parent.exists():
        raise InputFileError(code="cli.out_no_folder", path=out.parent)
    counts: Counter[str] = Counter()
    rows = 0
    tmp = out.with_name(f".{out.name}.partial")
    with open_source(path, encoding=encoding, delimiter=delimiter) as src:
        if text_column not in src.columns:
            raise InputFileError(
                code="cli.no_text_column",
                column=text_column,
                file=path,
                columns=list(src.columns[:30]),
            )
        try:
            with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
                w = csv.writer(fh)
                w.writerow([csv_cell(c) for c in [*src.columns, *OUTPUT_COLUMNS]])
                for records in src.batches(batch_rows):
                    texts = [
                        "" if (v := (r.values or {}).get(text_column)) is None else str(v)
                        for r in records
                    ]
                    result = triage_texts(texts, lang=lang, taxonomy=taxonomy)
                    for r, text, t in zip(records, texts, result, strict=True):
                        vals = r.values or {}
                        cells: list[Any] = [""] * len(OUTPUT_COLUMNS)
                        if text.strip():
                            counts[t.intent] += 1
                            counts["needs_reply"] += int(t.needs_reply)
                            counts["urgent"] += int(t.urgency == "urgent")
                            cells = [
                                t.intent,
                                t.speech_act,
                                "true" if t.needs_reply else "false",
                                t.urgency,
                                t.category,
                                t.sentiment,
                                t.sentiment_score,
                            ]
                        w.writerow(
                            [*(csv_cell(vals.get(c)) for c in src.columns)]
                            + [csv_cell(c) for c in cells]
                        )
                    rows += len(records)
                    if progress:
                        done, total = src.position()
                        progress(done, total)
            os.replace(tmp, out)
        finally:
            tmp.unlink(missing_ok=True)
    return {
        "file": str(path),
        "out": str(out),
        "rows": rows,
        "encoding": src.encoding,
        "taxonomy": taxonomy,
        "counts": {k: counts[k] for k in (*_INTENTS, "needs_reply", "urgent")},
    }


_INTENTS = ("inquiry", "complaint", "praise", "suggestion", "spam", "other")


def triage(
    file: Path = typer.Argument(..., help="CSV, TSV, XLSX, JSONL or Parquet file."),
    text_column: str = typer.Option(..., "--text-column", help="Column that holds the text."),
    out: Path = typer.Option(..., "--out", help="Output CSV (UTF-8 with BOM)."),
    lang: str = typer.Option("auto", "--lang", help="ko, en or auto (detect per row)."),
    taxonomy: str = typer.Option(
        "general", "--taxonomy", help="general, banking, airline, commerce or public."
    ),
    encoding: str = typer.Option(None, "--encoding", help="Override the detected encoding."),
    delimiter: str = typer.Option(None, "--delimiter", help="Override the detected delimiter."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Triage every row of a file: intent, speech act, needs_reply, urgency, category, sentiment."""
    with progress_bar("triage", enabled=not as_json) as update:
        summary = triage_file(
            file,
            text_column=text_column,
            out=out,
            lang=lang,
            taxonomy=taxonomy,
            encoding=encoding,
            delimiter=delimiter,
            progress=update,
        )
    if as_json:
        print_json(summary)
        return
    params = {"rows": summary["rows"], "out": summary["out"], **summary["counts"]}
    console.print(render("triage.done", default_lang(), params), highlight=False)


def train_triage(
    data_dir: Path = typer.Option(None, "--data-dir", help="Sample data (default: setting)."),
    out: Path = typer.Option(
        None, "--out", help="Model folder (default: the one shipped inside the package)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the held-out metrics as JSON."),
) -> None:
    """Train the triage models on 80 % of the shared data and score them on the other 20 %."""
    d = settings.data_dir(data_dir)
    if not d.is_dir():
        raise SettingsError(code="cli.no_sample_data", path=d)
    from socialops.train.triage import train  # lazy: scikit-learn, CLI start-up time

    metrics = train(d, out, progress=not as_json)
    if as_json:
        print_json(metrics)
    else:
        for k, v in metrics.items():
            console.print(f"{k}: {v}", highlight=False)


def register(app: typer.Typer) -> None:
    app.command("triage")(triage)
    train_app.command("triage")(train_triage)
