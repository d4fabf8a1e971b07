"""``socialops measure abtest`` (a promotion or creative test from a file) and ``socialops
measure power`` (how many users and days a test needs)."""

from __future__ import annotations

from pathlib import Path

import typer

from socialops.cli import common
from socialops.cli.measure import measure_app
from socialops.errors import SettingsError
from socialops.i18n import default_lang, render, t

__all__ = ["abtest_cmd", "power_cmd"]


def _split(value: str | None) -> list[float] | None:
    if not value:
        return None
    try:
        return [float(x) for x in value.replace("/", ",").split(",") if x.strip()]
    except ValueError:
        raise SettingsError(code="abtest.split_size", given=value[:40], groups="?") from None


@measure_app.command("abtest")
def abtest_cmd(
    file: Path = typer.Argument(..., help="CSV/TSV (UTF-8 or CP949), XLSX, JSONL or Parquet."),
    group_col: str = typer.Option(..., "--group-col", help="The variant column (A, B, ...)."),
    metric_col: str = typer.Option(
        ..., "--metric-col", help="The metric: a number per user, or 0/1 (yes/no) for a rate."
    ),
    kind: str = typer.Option(None, "--kind", help="mean | rate (default: rate for 0/1 values)."),
    time_col: str = typer.Option(
        None, "--time-col", help="A date per row: checks what peeking would have done."
    ),
    looks: int = typer.Option(None, "--looks", help="How often the result was checked."),
    split: str = typer.Option(
        None, "--split", help="Planned split in group-name order, e.g. 50,50 (default equal)."
    ),
    control: str = typer.Option(None, "--control", help="The control group (diff = variant − it)."),
    method: str = typer.Option(
        "auto", "--method", help="auto | welch | bootstrap (means); auto | wilson | exact (rates)."
    ),
    alpha: float = typer.Option(0.05, "--alpha", help="Significance level."),
    lower_better: bool = typer.Option(
        False, "--lower-is-better", help="A smaller value wins (cost, time)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Compare two or more variants on a mean or a rate: intervals, Holm-adjusted pairwise
    tests, the sample-ratio check and a plain verdict."""
    from socialops.measure.abtest import abtest_file

    lang = default_lang()
    result = abtest_file(
        file,
        group_col=group_col,
        metric_col=metric_col,
        kind=kind,
        time_col=time_col,
        looks=looks,
        expected_split=_split(split),
        control=control,
        method=method,
        alpha=alpha,
        higher_is_better=not lower_better,
    )
    data = result.to_dict(lang)
    if as_json:
        common.print_json(data)
        return
    rate = data["kind"] == "rate"

    def num(x: float, signed: bool = False) -> str:
        return (f"{100 * x:+.2f}" if signed else f"{100 * x:.2f}") if rate else f"{x:,.4g}"

    for g in data["groups"]:
        common.console.print(
            render(
                "abtest.cli.group_rate" if rate else "abtest.cli.group_mean",
                lang,
                {
                    "group": g["group"],
                    "n": g["n"],
                    "value": num(g["value"]),
                    "low": num(g["ci_low"]),
                    "high": num(g["ci_high"]),
                },
            ),
            highlight=False,
            markup=False,
        )
    for c in data["comparisons"]:
        common.console.print(
            render(
                "abtest.cli.comparison_rate" if rate else "abtest.cli.comparison_mean",
                lang,
                {
                    "mark": "*" if c["significant"] else " ",
                    "a": c["a"],
                    "b": c["b"],
                    "diff": num(c["diff"], signed=True) if rate else f"{c['diff']:+,.4g}",
                    "low": num(c["ci_low"], signed=True) if rate else f"{c['ci_low']:+,.4g}",
                    "high": num(c["ci_high"], signed=True) if rate else f"{c['ci_high']:+,.4g}",
                    "p": f"{c['p_adj']:.3g}",
                    "sig": t(
                        "abtest.cli.significant"
                        if c["significant"]
                        else "abtest.cli.not_significant",
                        lang,
                    ),
                },
            ),
            highlight=False,
            markup=False,
        )
    for w in data["warnings"]:
        common.warn([w["text"]])
    common.console.print(data["verdict"]["text"], highlight=False, markup=False)


@measure_app.command("power")
def power_cmd(
    baseline: float = typer.Option(
        ..., "--baseline", help="Today's rate (0.05 = 5 %) or mean per user."
    ),
    mde: float = typer.Option(..., "--mde", help="The smallest difference worth detecting."),
    kind: str = typer.Option("rate", "--kind", help="rate | mean."),
    sd: float = typer.Option(None, "--sd", help="Means: the per-user standard deviation."),
    relative: bool = typer.Option(False, "--relative", help="--mde as a share of the baseline."),
    groups: int = typer.Option(2, "--groups", help="How many variants, control included."),
    alpha: float = typer.Option(0.05, "--alpha", help="Significance level."),
    power: float = typer.Option(0.8, "--power", help="Chance of detecting the difference."),
    daily_traffic: float = typer.Option(
        None, "--daily-traffic", help="Users a day into the test, all groups together."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """How many users per group, and days, a test needs to detect a given lift."""
    from socialops.measure.power import plan_sample_size, power_text

    plan = plan_sample_size(
        baseline,
        mde,
        kind=kind,
        sd=sd,
        alpha=alpha,
        power=power,
        groups=groups,
        daily_traffic=daily_traffic,
        relative=relative,
    )
    plan["text"] = power_text(plan, default_lang())
    if as_json:
        common.print_json(plan)
        return
    common.console.print(plan["text"], highlight=False, markup=False)
