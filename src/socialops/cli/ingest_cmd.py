"""``socialops import``, ``socialops quarantine`` and ``socialops imports``."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

import typer
from rich.table import Table

from socialops import i18n
from socialops.cli import common
from socialops.cli.progress import progress_bar
from socialops.sources import ledger
from socialops.sources.presets import posts as presets
from socialops.sources.streams.posts import import_file
from socialops.store.workspace import Workspace


def import_cmd(
    path: Path = typer.Argument(..., help="CSV/TSV (also .gz), XLSX, JSONL or Parquet file."),
    preset: str = typer.Option(
        "generic",
        "--preset",
        "-p",
        help="Column mapping: generic, airline-tweets, nsmc-reviews, kote, korean-sarcasm, "
        "facebook-metrics.",
    ),
    topic: list[str] = typer.Option(
        None, "--topic", "-t", help="Tag the imported posts with a tracked topic (repeatable)."
    ),
    tz: str = typer.Option(
        None, "--tz", help="Zone for timestamps without an offset (default: setting timezone)."
    ),
    map_: list[str] = typer.Option(
        None, "--map", help="FIELD=COLUMN, e.g. --map text=body (repeatable; FIELD= for none)."
    ),
    mapping: Path = typer.Option(None, "--mapping", help="JSON mapping file (see docs/import.md)."),
    encoding: str = typer.Option(None, "--encoding", help="Override the detected encoding."),
    delimiter: str = typer.Option(
        None, "--delimiter", help="Override the detected delimiter (',', ';', '|', 'tab')."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Import posts from a file into the workspace (idempotent; bad rows go to quarantine)."""
    spec: dict[str, object] = {}
    if mapping is not None:
        spec.update(presets.load_mapping_file(mapping))
    if map_:
        spec.update(presets.parse_map_flags(map_))
    presets.get_preset(preset)  # fail on an unknown preset before touching the workspace
    ws = Workspace.open(common.state.workspace)
    with contextlib.ExitStack() as stack:
        bar: list[Callable[[int, int], None]] = []

        def update(done: int, total: int) -> None:
            # the bar starts with the first committed batch: errors found before that (file,
            # preset, mapping, lock) are printed alone, as one line
            if not bar:
                bar.append(
                    stack.enter_context(progress_bar(f"import {path.name}", enabled=not as_json))
                )
            bar[0](done, total)

        res = import_file(
            ws,
            path,
            preset=preset,
            mapping=spec or None,
            topics=topic or [],
            tz=tz,
            encoding=encoding,
            delimiter=delimiter,
            progress=update,
        )
    if as_json:
        common.print_json(res.to_dict())
        return
    c = common.console
    detected = f"format {res.format}"
    if res.encoding:
        detected += f", encoding {res.encoding}"
    if res.delimiter:
        detected += f", delimiter {res.delimiter_name}"
    c.print(f"{res.source_file}: {detected}; preset {res.preset}", highlight=False, soft_wrap=True)
    c.print(res.summary(), highlight=False, soft_wrap=True)
    if res.duplicates:
        c.print(
            f"duplicates: {res.duplicates_in_file:,} repeated in the file, "
            f"{res.already_imported:,} imported before",
            highlight=False,
            soft_wrap=True,
        )
    if res.quarantined:
        why = ", ".join(f"{k} {v:,}" for k, v in res.quarantine_reasons.items())
        c.print(
            f"quarantined: {why} (see `socialops quarantine --import {res.import_id}`)",
            highlight=False,
            soft_wrap=True,
        )
    c.print(f"import {res.import_id} in {res.elapsed_s:.1f} s", highlight=False)


def quarantine_cmd(
    limit: int = typer.Option(50, "--limit", "-n", help="Show at most N rows (0 = all)."),
    import_id: str = typer.Option(None, "--import", help="Only rows first met by this import."),
    as_json: bool = typer.Option(False, "--json", help="Print rows as JSON (with the raw row)."),
) -> None:
    """Rows that could not be imported (every stream): file, row number, reason and detail."""
    ws = Workspace.open(common.state.workspace, create=False)
    lang = i18n.default_lang()
    rows = ledger.list_quarantine(
        ws, limit=None if limit == 0 else limit, import_id=import_id, lang=lang
    )
    if as_json:
        common.print_json(rows)
        return
    if not rows:
        common.console.print(i18n.t("data.no_quarantine", lang))
        return
    t = Table(*(i18n.t(f"col.{c}", lang) for c in ("file", "row", "reason", "detail")))
    for r in rows:
        t.add_row(Path(r["file"]).name, f"{r['row']:,}", r["reason_text"], r["detail_text"])
    common.console.print(t)


def imports_cmd(
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """Past imports of every stream (posts, post metrics, conversions) with their counts."""
    ws = Workspace.open(common.state.workspace, create=False)
    rows = ledger.list_imports(ws)
    if as_json:
        common.print_json(rows)
        return
    if not rows:
        common.console.print("No imports yet: run `socialops import FILE --preset NAME`.")
        return
    t = Table(
        "import", "stream", "file", "preset", "status", "read", "imported", "dupl./upd.", "quar."
    )
    for r in rows:
        t.add_row(
            r["import_id"],
            r["stream"],
            Path(r["source_path"]).name,
            r["preset"],
            r["status"],
            f"{r['rows_read']:,}",
            f"{r['imported']:,}",
            f"{r['duplicates'] + r['updated']:,}",
            f"{r['quarantined']:,}",
        )
    common.console.print(t)


def register(app: typer.Typer) -> None:
    app.command("import")(import_cmd)
    app.command("quarantine")(quarantine_cmd)
    app.command("imports")(imports_cmd)
