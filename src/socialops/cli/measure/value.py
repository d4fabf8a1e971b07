"""``socialops segment value``: each customer's value over a horizon (BG/NBD expected purchases
× Gamma-Gamma expected spend, discounted), with the fitted parameters and a summary."""

from __future__ import annotations

from pathlib import Path

import typer

from socialops.cli.common import console, print_json
from socialops.cli.measure import segment_app
from socialops.cli.measure.rfm import parse_day, transactions_table
from socialops.i18n import default_lang, fmt_number, render, t

__all__ = ["value_cmd"]

TOP = 10  # customers listed on screen (all of them go to --out)


@segment_app.command("value")
def value_cmd(
    file: Path = typer.Argument(
        None, help="Transactions file (default: the transactions imported into the workspace)."
    ),
    preset: str = typer.Option(
        "transactions", "--preset", help="cdnow | transactions (Korean/English headers)."
    ),
    horizon_days: int = typer.Option(365, "--horizon-days", min=1, max=3650),
    discount: float = typer.Option(0.10, "--discount", min=0.0, max=1.0, help="A year."),
    as_of: str = typer.Option(None, "--as-of", help="Fit on the purchases before this day."),
    map_: list[str] = typer.Option([], "--map", help="FIELD=COLUMN (repeatable)."),
    out: Path = typer.Option(None, "--out", help="Every customer's value as CSV."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Customer value: expected purchases, P(active), expected spend and discounted value."""
    from socialops.segment.clv import customer_value, write_value_csv

    lang = default_lang()
    table = transactions_table(file, preset, map_)
    res = customer_value(
        table, horizon_days=horizon_days, discount=discount, as_of=parse_day(as_of)
    )
    written = write_value_csv(res, out) if out is not None else None
    top = sorted(res.rows, key=lambda r: -r["clv"])[:TOP]
    if as_json:
        d = res.to_dict(rows=False)
        d["top"] = top
        if out is not None:
            d["out"] = str(out)
        print_json(d)
        return
    s = res.summary
    console.print(
        render(
            "segment_rfm.value_title",
            lang,
            {
                "horizon": horizon_days,
                "discount": f"{discount:.0%}",
                "customers": s["customers"],
                "total": fmt_number(s["total_clv"], lang, 2),
            },
        ),
        highlight=False,
    )
    console.print(
        render("segment_rfm.value_fit", lang, {**res.bgnbd.to_dict(), **res.gamma_gamma.to_dict()}),
        highlight=False,
    )
    from rich.table import Table

    tab = Table(show_edge=False)
    for key in ("customer", "purchases", "alive", "spend", "clv"):
        tab.add_column(t(f"segment_rfm.value_col.{key}", lang))
    for r in top:
        tab.add_row(
            r["customer_id"],
            fmt_number(r["expected_purchases"], lang, 2),
            f"{r['p_alive']:.0%}",
            fmt_number(r["expected_spend"], lang, 2),
            fmt_number(r["clv"], lang, 2),
        )
    console.print(tab)
    for c in res.caveats:
        console.print(f"! {render('segment_rfm.caveat.' + c['code'], lang, c['params'])}")
    if written is not None:
        console.print(
            render("segment_rfm.value_written", lang, {"rows": written, "out": str(out)}),
            highlight=False,
        )
