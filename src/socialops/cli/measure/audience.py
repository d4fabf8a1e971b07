"""``socialops audience export|exports``: a saved segment as an ad platform's customer file
(identifiers normalised and SHA-256 hashed as each platform's specification says) and the record
of every export (who, what, which format, how many rows, what was left out and why)."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Any

import typer

from socialops.cli.common import console, print_json, state
from socialops.cli.measure import audience_app
from socialops.i18n import default_lang, render, t

__all__ = ["export_cmd", "exports_cmd"]


def _ws() -> Any:
    from socialops.store.workspace import Workspace

    return Workspace.open(state.workspace, create=False)


def _actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "cli"


def _out(text: str) -> None:
    console.print(text, highlight=False, markup=False, soft_wrap=True)


def _reasons(skipped: dict[str, int], lang: str) -> str:
    return ", ".join(f"{t(f'audience.reason.{k}', lang)} {v:,}" for k, v in skipped.items())


@audience_app.command("export")
def export_cmd(
    segment: str = typer.Argument(..., help="The saved segment's name."),
    fmt: str = typer.Option(..., "--format", help="meta | google | kakao-moment | naver-gfa."),
    out: Path = typer.Option(..., "--out", help="The file to write."),
    country: str = typer.Option(
        "KR", "--country", help="Country of phone numbers written without a country code."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the export's summary as JSON."),
) -> None:
    """Write a segment as an ad platform's audience file (never the raw e-mail or phone)."""
    from socialops.segment.audience import export_audience

    got = export_audience(_ws(), segment, fmt, out, actor=_actor(), country=country)
    if as_json:
        print_json(got)
        return
    lang = default_lang()
    reasons = _reasons(got["skipped"], lang)
    _out(
        render(
            "audience.exported",
            lang,
            {
                "segment": got["segment"],
                "format": got["format"],
                "file": str(out),
                "rows": got["rows"],
                "members": got["members"],
                "skipped_total": sum(got["skipped"].values()),
                "reasons": f": {reasons}" if reasons else "",
                "sha256": got["sha256"],
            },
        )
    )
    if got["invalid"]:
        values = ", ".join(
            f"{t(f'audience.kind.{k}', lang)} {v:,}" for k, v in got["invalid"].items()
        )
        _out(render("audience.invalid_values", lang, {"values": values}))


@audience_app.command("exports")
def exports_cmd(
    segment: str = typer.Option(None, "--segment", help="Only this segment's exports."),
    as_json: bool = typer.Option(False, "--json", help="Print the record as JSON."),
) -> None:
    """Every audience file exported: when, which segment, format, rows, left out, by whom."""
    from socialops.segment.audience import audience_exports

    items = audience_exports(_ws(), segment)
    if as_json:
        print_json(items)
        return
    lang = default_lang()
    if not items:
        _out(t("audience.none", lang))
        return
    keys = (
        "audience.col_when",
        "audience.col_segment",
        "audience.col_format",
        "audience.col_rows",
        "audience.col_skipped",
        "audience.col_file",
        "audience.col_by",
    )
    head = [t(k, lang) for k in keys]
    rows = [
        [
            r["exported_at"][:16].replace("T", " "),
            r["segment"],
            r["format"],
            f"{r['rows']:,}",
            f"{sum(r['skipped'].values()):,}",
            r["file"],
            r["exported_by"] or "-",
        ]
        for r in items
    ]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    for r in [head, *rows]:
        _out("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
