"""``socialops metrics``: import post metrics and conversions, list presets, show what is stored."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from socialops import settings
from socialops.cli import common
from socialops.measure.metrics import metrics_summary
from socialops.sources.keyed import import_metrics
from socialops.sources.presets.metrics import preset_list
from socialops.store.workspace import Workspace

__all__ = ["register"]

metrics_app = typer.Typer(
    help="Post metrics and conversions: import a CSV with a preset, list presets, summary.",
    no_args_is_help=True,
)

_JSON = typer.Option(False, "--json", help="Print JSON.")


def _ws(create: bool) -> Any:
    return Workspace.open(common.state.workspace, create=create)


def _n(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if isinstance(value, int) else f"{value:,.2f}"


@metrics_app.command("import")
def import_cmd(
    file: Path = typer.Argument(
        ..., help="CSV/TSV (also .gz; UTF-8, BOM, UTF-16, CP949...), XLSX, JSONL or Parquet."
    ),
    preset: str = typer.Option(
        ..., "--preset", "-p", help="post-metrics | facebook-metrics | conversions."
    ),
    year: int = typer.Option(None, "--year", help="facebook-metrics: the posts' year (2014)."),
    channel: str = typer.Option(
        None, "--channel", help="Post presets: the channel of rows without one (e.g. instagram)."
    ),
    tz: str = typer.Option(
        None, "--tz", help="Post presets: zone of times without an offset (default Asia/Seoul)."
    ),
    as_json: bool = _JSON,
) -> None:
    """Import post metrics or conversions (CSV or XLSX); a re-import updates, never duplicates;
    bad rows go to the quarantine (``socialops quarantine --import ID``)."""
    ws = _ws(create=True)
    options: dict[str, Any] = {"year": year, "channel": channel, "timezone": tz}
    result = import_metrics(ws, file, preset, **options)
    if as_json:
        common.print_json(result.to_dict())
        return
    ko = settings.lang() == "ko"
    line = (
        f"{result.file}: {result.rows_read:,}행 읽음 — 새로 {result.imported:,}, "
        f"갱신 {result.updated:,}, 거부 {result.rejected:,} (인코딩 {result.encoding}, "
        f"프리셋 {result.preset})"
        if ko
        else f"{result.file}: {result.rows_read:,} rows read — {result.imported:,} new, "
        f"{result.updated:,} updated, {result.rejected:,} rejected (encoding {result.encoding}, "
        f"preset {result.preset})"
    )
    common.console.print(line, highlight=False)
    if result.month_dated:
        common.console.print(
            f"  {result.month_dated:,}개 게시물은 월 단위 날짜만 있습니다."
            if ko
            else f"  {result.month_dated:,} posts are dated to the month only.",
            highlight=False,
        )
    common.warn([f"line {r['line']}: {r['reason']} — {r['detail']}" for r in result.rejects[:10]])
    if result.rejected > 10:
        common.warn(
            [
                f"... {result.rejected - 10} more rejected rows "
                f"(see `socialops quarantine --import {result.import_id}`)"
            ]
        )


@metrics_app.command("presets")
def presets_cmd(
    lang: str = typer.Option(None, "--lang", help="ko or en (default: SOCIALOPS_LANG)."),
    as_json: bool = _JSON,
) -> None:
    """List the import presets with their columns."""
    items = preset_list(settings.lang(lang))
    if as_json:
        common.print_json(items)
        return
    for p in items:
        common.console.print(f"[bold]{p['name']}[/bold] ({p['kind']})", highlight=False)
        common.console.print(f"  {p['description']}", highlight=False)
        common.console.print(f"  required: {', '.join(p['required'])}", highlight=False)
        if p["options"]:
            opts = ", ".join(f"{k}={v}" for k, v in p["options"].items())
            common.console.print(f"  options: {opts}", highlight=False)


@metrics_app.command("summary")
def summary_cmd(as_json: bool = _JSON) -> None:
    """What is stored: post metrics by channel, conversions by campaign, the latest imports."""
    out = metrics_summary(_ws(create=False))
    if as_json:
        common.print_json(out)
        return
    if not out["channels"] and not out["campaigns"]:
        common.console.print(
            "No post metrics or conversions yet: `socialops metrics import FILE --preset NAME`.",
            highlight=False,
        )
        return
    for ch, d in out["channels"].items():
        common.console.print(
            f"{ch:<14} {d['posts']:>6,} posts  {d['first_month']}..{d['last_month']}  "
            f"reach {_n(d['reach'])}  impressions {_n(d['impressions'])}  "
            f"engagements {_n(d['engagements'])}  engagement rate {_n(d['engagement_rate'])}%",
            highlight=False,
        )
    for c in out["campaigns"]:
        common.console.print(
            f"campaign {c['campaign']}: {c['rows']:,} rows {c['first']}..{c['last']}  "
            f"conversions {_n(c['conversions'])}  revenue {_n(c['revenue_krw'])} KRW  "
            f"cost {_n(c['cost_krw'])} KRW  sources {', '.join(c['sources']) or '-'}",
            highlight=False,
        )


def register(app: typer.Typer) -> None:
    """Adds the ``metrics`` command group to ``app``."""
    app.add_typer(metrics_app, name="metrics")
