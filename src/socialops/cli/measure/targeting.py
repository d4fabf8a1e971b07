"""``socialops segment attributes|model|score|models|import-customers``: attribute segments of a
customer table, the targeting model (train, score a file, list), and customer tables into the
workspace."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Any

import typer

from socialops.cli.common import print_json, state
from socialops.cli.measure import segment_app
from socialops.cli.publish_common import when
from socialops.errors import SettingsError
from socialops.i18n import default_lang, fmt_number, render, t
from socialops.i18n.targeting import LABELS

__all__ = ["attributes_cmd", "import_customers_cmd", "model_cmd", "models_cmd", "score_cmd"]


def _ws(*, create: bool = False) -> Any:
    """The workspace; the commands that store something (a model, customers) create it."""
    from socialops.store.workspace import Workspace

    return Workspace.open(state.workspace, create=create)


def _actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "cli"


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.1f}%"


def _caveats(items: list[dict[str, Any]], lang: str) -> list[str]:
    return [f"! {render(c['code'], lang, c['params'])}" for c in items]


def _bins(values: list[str]) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {}
    for v in values:
        col, _, edges = v.partition("=")
        try:
            out[col.strip()] = [float(e) for e in edges.split(",") if e.strip()]
        except ValueError:
            raise SettingsError(code="targeting.bad_bins", value=v[:60]) from None
        if not col.strip() or not out[col.strip()]:
            raise SettingsError(code="targeting.bad_bins", value=v[:60])
    return out


@segment_app.command("attributes")
def attributes_cmd(
    file: Path = typer.Argument(..., help="Customer table: CSV, XLSX, JSONL or Parquet."),
    target: str = typer.Option(..., "--target", help="The response column (yes/no, 1/0, …)."),
    positive: str = typer.Option(None, "--positive", help="The value that means a response."),
    column: list[str] = typer.Option(
        [], "--column", help="An attribute column (repeatable; default: every attribute)."
    ),
    bins: list[str] = typer.Option(
        [], "--bins", help="Bands of a numeric column: COLUMN=EDGE,EDGE,… (repeatable)."
    ),
    min_n: int = typer.Option(30, "--min-n", help="Fewer customers in a group: no verdict."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Response rate, lift and 95 % interval of each age band, job, region, balance band…"""
    from socialops.segment.attributes import attribute_segments

    lang = default_lang()
    res = attribute_segments(
        file,
        target=target,
        positive=positive,
        columns=column or None,
        bins=_bins(bins),
        min_n=max(1, min_n),
    )
    if as_json:
        print_json(res)
        return
    lines = [
        render(
            "targeting.attributes_head",
            lang,
            {
                **res,
                "rate": _pct(res["rate"]),
                "ci_low": _pct(res["ci_low"]),
                "ci_high": _pct(res["ci_high"]),
            },
        )
    ]
    cols = ("group", "n", "rate", "interval", "lift", "note")
    head = [t(f"targeting.col.{k}", lang) for k in cols]
    for attr in res["attributes"]:
        ko, en = _labels(attr["column"])
        lines += ["", f"[{ko if lang == 'ko' else en}]", "  " + " | ".join(head)]
        for g in attr["groups"]:
            label = g["label_ko"] if lang == "ko" else g["label_en"]
            lift = "-" if g["lift"] is None else f"{g['lift']:.2f}"
            note = t(f"targeting.note.{g['note']}", lang)
            lines.append(
                f"  {label} | {fmt_number(g['n'], lang)} | {_pct(g['rate'])} | "
                f"{_pct(g['ci_low'])}–{_pct(g['ci_high'])} | {lift} | {note}"
            )
    typer.echo("\n".join(lines + _caveats(res["caveats"], lang)))


def _labels(column: str) -> tuple[str, str]:
    return LABELS.get(column, (column, column))


@segment_app.command("model")
def model_cmd(
    file: Path = typer.Argument(..., help="Customer table with a response column."),
    target: str = typer.Option(..., "--target", help="The response column (yes/no, 1/0, …)."),
    positive: str = typer.Option(None, "--positive", help="The value that means a response."),
    name: str = typer.Option(None, "--name", help="The model's name (default: file-target)."),
    column: list[str] = typer.Option(
        [], "--column", help="An attribute to use (repeatable; default: every attribute)."
    ),
    include: list[str] = typer.Option(
        [], "--include", help="Use a column left out as leakage (e.g. duration)."
    ),
    seed: int = typer.Option(0, "--seed", help="Seed of the held-out split."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Train the targeting model (propensity to respond): held-out AUC, calibration, drivers."""
    from socialops.segment.targeting import train_model

    lang = default_lang()
    ws = _ws(create=True)
    res = train_model(
        ws,
        file,
        target=target,
        positive=positive,
        name=name,
        actor=_actor(),
        columns=column or None,
        include=include or None,
        seed=seed,
    )
    if as_json:
        print_json(res)
        return
    lines = [render("targeting.model_done", lang, {**res, "rate": _pct(res["rate"])}), ""]
    lines.append(f"{t('targeting.col.attribute', lang)} | {t('targeting.col.importance', lang)}")
    for a in res["top_attributes"]:
        lines.append(f"  {a['label_' + lang]} | {a['importance']:.4f}")
    lines += ["", t("targeting.calibration_head", lang)]
    for r in res["calibration"]:
        lines.append(f"  {r['decile']:>2} | {_pct(r['predicted'])} | {_pct(r['observed'])}")
    typer.echo("\n".join(lines + _caveats(res["caveats"], lang)))


@segment_app.command("score")
def score_cmd(
    file: Path = typer.Argument(..., help="Customer table to score: CSV, XLSX, JSONL, Parquet."),
    model: str = typer.Option(..., "--model", help="The targeting model's name."),
    out: Path = typer.Option(..., "--out", help="Output CSV (UTF-8 with BOM)."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Write the file's rows with ``score``: each customer's calibrated probability."""
    from socialops.segment.targeting import score_file

    res = score_file(_ws(), file, model=model, out=out)
    if as_json:
        print_json(res)
        return
    mean = "-" if res["mean_score"] is None else _pct(res["mean_score"])
    typer.echo(render("targeting.score_done", default_lang(), {**res, "mean": mean}))


@segment_app.command("models")
def models_cmd(
    as_json: bool = typer.Option(False, "--json", help="Print the list as JSON."),
) -> None:
    """The stored targeting models: name, response, held-out AUC, customers, when."""
    from socialops.segment.targeting import list_models

    lang = default_lang()
    rows = list_models(_ws())
    if as_json:
        print_json(rows)
        return
    if not rows:
        typer.echo(t("targeting.no_models", lang))
        return
    keys = ("name", "target", "auc", "rows", "created")
    lines = [" | ".join(t(f"targeting.col.{k}", lang) for k in keys)]
    for r in rows:
        auc = "-" if r["auc"] is None else f"{r['auc']:.3f}"
        target = f"{r['target']}={r['positive']}"
        rows_n = fmt_number(r["rows"], lang)
        lines.append(f"{r['name']} | {target} | {auc} | {rows_n} | {when(r['created_at'])}")
    typer.echo("\n".join(lines))


@segment_app.command("import-customers")
def import_customers_cmd(
    file: Path = typer.Argument(..., help="Customer table: CSV, XLSX, JSONL or Parquet."),
    preset: str = typer.Option(
        "customers", "--preset", "-p", help="customers (CRM export) or bank-marketing."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Import customers into the workspace (update by id; bad rows to quarantine; e-mail and
    phone stored encrypted)."""
    from socialops.sources.streams.customers import import_customers

    lang = default_lang()
    res = import_customers(_ws(create=True), file, preset).to_dict()
    if as_json:
        print_json(res)
        return
    lines = [render("targeting.import_done", lang, res)]
    if res["private"]:
        lines.append(render("targeting.import_private", lang, {"kinds": ", ".join(res["private"])}))
    typer.echo("\n".join(lines))
