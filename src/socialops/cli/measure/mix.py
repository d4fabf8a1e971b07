"""``socialops measure mix FILE``: each channel's contribution to sales from weekly spend
(adstock, saturation, 95 % bootstrap intervals), with the caveats of what the data cannot say."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from socialops.cli.common import print_json
from socialops.cli.measure import measure_app
from socialops.errors import InputFileError
from socialops.i18n import default_lang, fmt_number, render, t

__all__ = ["mix_cmd"]


@measure_app.command("mix")
def mix_cmd(
    file: Path = typer.Argument(..., help="Weekly (or daily) sales and spend: CSV, XLSX, …"),
    date_col: str = typer.Option(..., "--date-col", help="The date column (week start or day)."),
    value_col: str = typer.Option(..., "--value-col", help="The sales (KPI) column."),
    spend_col: list[str] = typer.Option(..., "--spend-col", help="A channel's spend column."),
    control_col: list[str] = typer.Option(
        [], "--control-col", help="Another driver of sales (price, promotion, …)."
    ),
    bootstrap: int = typer.Option(200, "--bootstrap", help="Bootstrap refits (intervals)."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    svg: Path | None = typer.Option(None, "--svg", help="Write the chart (SVG) to this file."),
) -> None:
    """Channel contribution (marketing mix): contribution, share and ROI per channel with 95 %
    intervals, adstock and saturation, and what the data cannot say."""
    from socialops.listen.charts import standalone_svg
    from socialops.measure.mix import caveat_texts, mix_file, mix_svg, verdict_text

    lang = default_lang()
    if svg is not None and (svg.is_dir() or not svg.parent.exists()):
        raise InputFileError(code="cli.out_no_folder", path=svg if svg.is_dir() else svg.parent)
    result = mix_file(
        file,
        date_col=date_col,
        value_col=value_col,
        spend_cols=spend_col,
        control_cols=control_col,
        bootstrap=bootstrap,
    )
    if svg is not None:
        tmp = svg.with_name(f".{svg.name}.partial")
        try:
            tmp.write_text(standalone_svg(mix_svg(result, lang)), encoding="utf-8")
            os.replace(tmp, svg)
        finally:
            tmp.unlink(missing_ok=True)
    if as_json:
        print_json(result.to_dict())
        return
    d = result.to_dict()
    out = [
        render(
            "mix.head",
            lang,
            {"first": d["first"], "last": d["last"], "weeks": d["weeks"], "boot": bootstrap},
        ),
        "",
        " | ".join(
            t(f"mix.col.{k}", lang)
            for k in ("channel", "spend", "contribution", "share", "roi", "adstock", "half")
        ),
    ]
    for c in d["channels"]:
        out.append(
            " | ".join(
                [
                    str(c["channel"]),
                    fmt_number(c["spend"], lang),
                    f"{fmt_number(c['contribution'], lang)} "
                    f"({fmt_number(c['contribution_low'], lang)}–"
                    f"{fmt_number(c['contribution_high'], lang)})",
                    f"{100 * c['share']:.0f}%",
                    f"{c['roi']:.2f} ({c['roi_low']:.2f}–{c['roi_high']:.2f})",
                    f"{c['adstock']:.2f}",
                    fmt_number(c["half_saturation"], lang),
                ]
            )
        )
    b, f = d["baseline"], d["fit"]
    out += [
        "",
        render(
            "mix.baseline",
            lang,
            {
                "total": fmt_number(b["total"], lang),
                "share": f"{100 * b['share_of_sales']:.0f}",
                "media": f"{100 * b['media_share_of_sales']:.0f}",
                "r2": f"{f['r2']:.2f}",
                "mape": f"{100 * f['mape']:.1f}",
            },
        ),
        "",
        verdict_text(result, lang),
        "",
        t("mix.caveats", lang),
        *(f"- {c}" for c in caveat_texts(result, lang)),
    ]
    if svg is not None:
        out += ["", render("mix.svg_written", lang, {"path": str(svg)}, paths=True)]
    typer.echo("\n".join(out))
