"""``socialops measure outcomes import FILE`` and ``socialops measure outcomes list``: outcome
series (sales, orders, sign-ups… per day or week, by region, product or channel) into the
workspace through the ``outcomes`` import stream (ledger and quarantine like every stream)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from socialops.cli import common
from socialops.i18n import default_lang, render, t

if TYPE_CHECKING:
    from socialops.store.workspace import Workspace

__all__ = ["outcomes_app", "register"]

outcomes_app = typer.Typer(
    help="Outcome series (sales, orders, sign-ups...) for the campaign effect.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


def _ws(create: bool = False) -> Workspace:
    from socialops.store.workspace import Workspace

    return Workspace.open(common.state.workspace, create=create)


@outcomes_app.command("import")
def import_cmd(
    file: Path = typer.Argument(
        ..., help="CSV/TSV (UTF-8, BOM, UTF-16, CP949...), XLSX, JSONL or Parquet."
    ),
    preset: str = typer.Option("outcomes", "--preset", "-p", help="Column mapping (outcomes)."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Import daily or weekly outcomes (one column per metric, or metric and value columns);
    a re-import updates, never duplicates; bad rows go to the quarantine."""
    from socialops.sources import ledger
    from socialops.sources.streams.outcomes import get_preset, import_outcomes

    get_preset(preset)  # an unknown preset fails before the workspace is touched
    result = import_outcomes(_ws(create=True), file, preset)
    if as_json:
        common.print_json(result.to_dict())
        return
    lang = default_lang()
    params = {
        **result.to_dict(),
        "metrics": ", ".join(result.metrics) or "–",
        "grain_word": t(f"outcomes.grain.{result.grain}", lang),
    }
    common.console.print(
        render("outcomes.cli.imported", lang, params, paths=True), highlight=False, markup=False
    )
    lines = [
        render(
            "outcomes.cli.reject",
            lang,
            {
                "line": r["line"],
                "reason": ledger.reason_text(r["reason"], lang),
                "detail": ledger.detail_text(r.get("coded") or r["detail"], lang),
            },
        )
        for r in result.rejects[:10]
    ]
    if result.quarantined > 10:
        more = {"n": result.quarantined - 10, "import_id": result.import_id}
        lines.append(render("cli.outcomes_more", lang, more))
    common.warn(lines)


@outcomes_app.command("list")
def list_cmd(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """The stored outcome series: metric, dimension, grain, first and last date, values."""
    from socialops.measure.outcomes import list_outcomes

    items = list_outcomes(_ws())
    if as_json:
        common.print_json(items)
        return
    lang = default_lang()
    if not items:
        common.console.print(t("outcomes.cli.none", lang), highlight=False, markup=False)
        return
    common.console.print(t("outcomes.cli.header", lang), highlight=False, markup=False)
    for o in items:
        dim = o["dimension"] or t("outcomes.cli.total", lang)
        grain = t(f"outcomes.grain.{o['grain']}", lang)
        common.console.print(
            f"{o['metric']}\t{dim}\t{grain}\t{o['first']}\t{o['last']}\t{o['days']:,}",
            highlight=False,
            markup=False,
        )


def register(app: typer.Typer) -> None:
    """Add ``outcomes`` under ``socialops measure``."""
    from socialops.cli.measure import measure_app

    measure_app.add_typer(outcomes_app, name="outcomes")
