"""``socialops segment rfm`` (RFM scores and named segments of a transactions file or of the
workspace's imported transactions, the movement since an earlier date, each segment saved) and
``socialops segment import-transactions`` (a transactions file into the workspace)."""

from __future__ import annotations

import getpass
from datetime import date
from pathlib import Path
from typing import Any

import typer

from socialops.cli.common import console, print_json, state
from socialops.cli.measure import segment_app
from socialops.errors import SettingsError
from socialops.i18n import default_lang, fmt_number, render, t

__all__ = ["import_transactions_cmd", "parse_day", "rfm_cmd", "transactions_table"]


def parse_day(value: str | None) -> date | None:
    """An ISO day from the command line; a coded error (one line) otherwise."""
    if value is None or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise SettingsError(code="segment_rfm.bad_date", value=value[:40]) from None


def _mapping(values: list[str]) -> dict[str, str] | None:
    out: dict[str, str] = {}
    for v in values:
        field, sep, col = v.partition("=")
        if not sep or not field.strip() or not col.strip():
            raise SettingsError(
                code="segment_rfm.bad_mapping",
                field=v[:40],
                choices="customer_id, date, amount, quantity",
            )
        out[field.strip()] = col.strip()
    return out or None


def _ws(*, create: bool = False) -> Any:
    from socialops.store.workspace import Workspace

    return Workspace.open(state.workspace, create=create)


def transactions_table(file: Path | None, preset: str | None, mapping: list[str]) -> Any:
    """The transactions of ``file`` (read with ``preset``) or, without a file, the workspace's."""
    from socialops.segment.transactions import load_transactions, read_transactions

    if file is None:
        return load_transactions(_ws())
    return read_transactions(file, preset, _mapping(mapping))


def _actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "cli"


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def _num(x: float | None, lang: str, digits: int = 1) -> str:
    return "-" if x is None else fmt_number(x, lang, digits)


def _print_result(res: Any, lang: str) -> None:
    from rich.table import Table

    console.print(
        render(
            "segment_rfm.title",
            lang,
            {
                "as_of": res.as_of.isoformat(),
                "customers": res.customers.num_rows,
                "transactions": res.transactions,
            },
        ),
        highlight=False,
    )
    table = Table(show_edge=False)
    for key in ("segment", "customers", "share", "revenue_share", "recency", "frequency"):
        table.add_column(t(f"segment_rfm.col.{key}", lang))
    table.add_column(t("segment_rfm.col.monetary", lang))
    for row in res.summary:
        table.add_row(
            row["name_ko"] if lang == "ko" else row["name_en"],
            fmt_number(row["count"], lang),
            _pct(row["share"]),
            _pct(row["revenue_share"]),
            _num(row["mean_recency_days"], lang, 0),
            _num(row["mean_frequency"], lang, 2),
            _num(row["mean_monetary"], lang, 2),
        )
    console.print(table)
    for c in res.caveats:
        console.print(f"! {render('segment_rfm.caveat.' + c['code'], lang, c['params'])}")


@segment_app.command("rfm")
def rfm_cmd(
    file: Path = typer.Argument(
        None, help="Transactions file (default: the transactions imported into the workspace)."
    ),
    preset: str = typer.Option(
        "transactions", "--preset", help="cdnow | transactions (Korean/English headers)."
    ),
    as_of: str = typer.Option(
        None, "--as-of", help="Score as of this day (default: the day after the last purchase)."
    ),
    compare_to: str = typer.Option(
        None, "--compare-to", help="An earlier day: how customers moved between the two."
    ),
    save: str = typer.Option(None, "--save", help="Save each segment as PREFIX/<segment>."),
    engine: str = typer.Option("duckdb", "--engine", help="duckdb | spark | spark://HOST:PORT."),
    map_: list[str] = typer.Option(
        [], "--map", help="FIELD=COLUMN for a column the preset does not know (repeatable)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """RFM scores (quintiles of recency, frequency and spend) and named segments."""
    from socialops.segment.rfm import rfm, rfm_movement, save_rfm_segments

    lang = default_lang()
    when, before_day = parse_day(as_of), parse_day(compare_to)
    table = transactions_table(file, preset, map_)
    res = rfm(table, as_of=when, engine=engine)
    if before_day is not None and before_day >= res.as_of:
        raise SettingsError(
            code="segment_rfm.compare_after",
            compare=before_day.isoformat(),
            as_of=res.as_of.isoformat(),
        )
    movement = None
    if before_day is not None:
        movement = rfm_movement(rfm(table, as_of=before_day, engine=engine), res)
    saved = None
    if save:
        saved = save_rfm_segments(_ws(create=True), res, save, created_by=_actor())
    if as_json:
        out = res.to_dict()
        if movement is not None:
            out["movement"] = movement
        if saved is not None:
            out["saved"] = [s["name"] for s in saved]
        print_json(out)
        return
    _print_result(res, lang)
    if movement is not None:
        console.print(render("segment_rfm.movement_title", lang, movement), highlight=False)
    if saved is not None:
        console.print(
            render("segment_rfm.saved", lang, {"count": len(saved), "prefix": save.rstrip("/")}),
            highlight=False,
        )


@segment_app.command("import-transactions")
def import_transactions_cmd(
    file: Path = typer.Argument(..., help="Transactions file: CDNOW text, CSV, XLSX, JSONL…"),
    preset: str = typer.Option(
        "transactions", "--preset", help="cdnow | transactions (Korean/English headers)."
    ),
    map_: list[str] = typer.Option(
        [], "--map", help="FIELD=COLUMN for a column the preset does not know (repeatable)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Import transactions into the workspace (bad rows quarantined; a file imported before
    counts as duplicates)."""
    from socialops.sources.streams.transactions import import_transactions

    res = import_transactions(_ws(create=True), file, preset, mapping=_mapping(map_))
    if as_json:
        print_json(res.to_dict())
        return
    console.print(
        render(
            "segment_rfm.imported",
            default_lang(),
            {
                "file": res.file,
                "rows": res.rows_read,
                "imported": res.imported,
                "duplicates": res.duplicates,
                "quarantined": res.quarantined,
                "customers": res.customers,
                "first": res.first_date or "-",
                "last": res.last_date or "-",
            },
        ),
        highlight=False,
        soft_wrap=True,
    )
