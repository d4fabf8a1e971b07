"""``socialops measure effect FILE``: what a campaign (or anything from ``--start`` to
``--end``) did to a KPI, against the counterfactual from the pre-period and control series.

Without FILE, ``--metric M [--dimension D] [--control-dimension D]…`` reads the workspace's
stored outcome series instead; ``--control-topic NAME`` (either form, repeatable) adds a tracked
topic's daily mention volume as a control (socialops.measure.effect_topics)."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from socialops.cli import common
from socialops.cli.measure import measure_app
from socialops.i18n import default_lang, render

__all__ = ["effect_cmd"]


def _pct(v: float | None) -> str:
    return "–" if v is None else f"{v * 100:.1f}%"


@measure_app.command("effect")
def effect_cmd(
    file: Path = typer.Argument(
        None, help="CSV/TSV (UTF-8 or CP949), XLSX, JSONL or Parquet (or --metric instead)."
    ),
    date_col: str = typer.Option(None, "--date-col", help="The date column (daily or weekly)."),
    value_col: str = typer.Option(None, "--value-col", help="The KPI column (sales, orders...)."),
    start: str = typer.Option(..., "--start", help="First day of the campaign (YYYY-MM-DD)."),
    end: str = typer.Option(..., "--end", help="Last day of the campaign (YYYY-MM-DD)."),
    control_col: list[str] = typer.Option(
        None,
        "--control-col",
        help="A control series the campaign did not move (other regions, products); repeatable.",
    ),
    pre_start: str = typer.Option(
        None, "--pre-start", help="First day of the pre-period (default: the series' first)."
    ),
    metric: str = typer.Option(
        None, "--metric", help="A stored outcome series (instead of FILE), e.g. sales."
    ),
    dimension: str = typer.Option(
        "", "--dimension", help="The stored series' dimension, e.g. region:서울 (default: total)."
    ),
    control_dimension: list[str] = typer.Option(
        None, "--control-dimension", help="Another stored dimension as a control; repeatable."
    ),
    control_topic: list[str] = typer.Option(
        None,
        "--control-topic",
        help="A tracked topic whose daily mention volume is a control; repeatable.",
    ),
    seed: int = typer.Option(0, "--seed", help="Seed of the simulation (same seed, same result)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    svg: Path = typer.Option(None, "--svg", help="Write the chart (SVG) to this file."),
) -> None:
    """Estimate the campaign's effect on a KPI: pointwise, cumulative and relative lift with 95 %
    intervals, the probability of an effect, the pre-period fit and a plain verdict."""
    from socialops.cli.measure._effect_source import run_effect
    from socialops.listen.charts import standalone_svg
    from socialops.measure.effect import effect_svg, verdict_text

    lang = default_lang()
    result = run_effect(
        file,
        date_col=date_col,
        value_col=value_col,
        metric=metric,
        dimension=dimension,
        control_cols=tuple(control_col or ()),
        control_dimensions=tuple(control_dimension or ()),
        control_topics=tuple(control_topic or ()),
        start=start,
        end=end,
        pre_start=pre_start,
        seed=seed,
    )
    if svg is not None:
        tmp = svg.with_name(f".{svg.name}.tmp")
        tmp.write_text(standalone_svg(effect_svg(result, lang)), encoding="utf-8")
        os.replace(tmp, svg)
    if as_json:
        common.print_json(result.to_dict())
        return
    common.console.print(verdict_text(result, lang), highlight=False, markup=False)
    fit = result.pre_fit
    common.console.print(
        render(
            "effect.cli.fit",
            lang,
            {
                "mape": _pct(fit.get("mape")),
                "r2": "–" if fit.get("r2") is None else f"{fit['r2']:.2f}",
                "coverage": _pct(fit.get("coverage")),
            },
        ),
        highlight=False,
        markup=False,
    )
    if svg is not None:
        common.console.print(
            render("effect.cli.svg_written", lang, {"file": str(svg)}, paths=True),
            highlight=False,
            markup=False,
        )
