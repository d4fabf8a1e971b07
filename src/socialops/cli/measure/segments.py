"""``socialops segment save|list|show|delete``: saved segments (a targeting model's scores above
a threshold, RFM segments saved by ``segment rfm --save``), listed, shown and deleted. Customer
identifiers are never printed: ``show`` gives ids, scores and attributes only."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Any

import typer

from socialops.cli.common import console, print_json, state
from socialops.cli.measure import segment_app
from socialops.i18n import default_lang, render, t

__all__ = ["delete_cmd", "list_cmd", "save_cmd", "show_cmd"]


def _ws(*, create: bool = False) -> Any:
    from socialops.store.workspace import Workspace

    return Workspace.open(state.workspace, create=create)


def _actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "cli"


def _kind(kind: str, lang: str) -> str:
    key = f"segments.kind.{kind}"
    label = t(key, lang)
    return kind if label == key else label


def _out(text: str) -> None:
    console.print(text, highlight=False, markup=False, soft_wrap=True)


def _definition(kind: str, d: dict[str, Any], lang: str) -> str:
    """How the segment was made, in words for a scores segment, else its settings as written."""
    if kind == "scores" and {"min_score", "rows", "kept"} <= d.keys():
        row_ids = t("segments.def_row_ids", lang) if d.get("id_from_row") else ""
        params = {"min_score": d["min_score"], "rows": d["rows"], "kept": d["kept"]}
        return render("segments.def_scores", lang, {**params, "row_ids": row_ids})
    return ", ".join(f"{k}={v}" for k, v in d.items()) or "-"


@segment_app.command("save")
def save_cmd(
    name: str = typer.Argument(..., help="The segment's name (letters, digits, _ - ., / parts)."),
    from_scores: Path = typer.Option(
        ..., "--from-scores", help="A `segment score` output: the input columns plus score."
    ),
    min_score: float = typer.Option(
        ..., "--min-score", help="Keep customers whose score is at least this (0–1)."
    ),
    id_col: str = typer.Option("customer_id", "--id-col", help="The customer id column."),
    as_json: bool = typer.Option(False, "--json", help="Print the saved segment as JSON."),
) -> None:
    """Save the customers of a scores file at or above a score as a segment (replacing one of
    the same name); e-mail and phone columns are kept encrypted."""
    from socialops.segment.store import save_from_scores

    info = save_from_scores(
        _ws(create=True),
        name,
        from_scores,
        min_score=min_score,
        id_col=id_col,
        created_by=_actor(),
    )
    if as_json:
        print_json(info.to_dict())
        return
    lang = default_lang()
    kinds = [t(f"audience.kind.{k}", lang) for k in info.definition.get("identifiers", [])]
    _out(
        render(
            "segments.saved",
            lang,
            {
                "name": info.name,
                "size": info.size,
                "rows": info.definition.get("rows", info.size),
                "identifiers": ", ".join(kinds) or t("segments.no_identifiers", lang),
            },
        )
    )
    if info.definition.get("identifiers_from_customers"):
        count = info.definition["identifiers_from_customers"]
        _out(render("segments.from_customers", lang, {"count": count}))


@segment_app.command("list")
def list_cmd(
    as_json: bool = typer.Option(False, "--json", help="Print the segments as JSON."),
) -> None:
    """The saved segments: name, kind, size, last saved."""
    from socialops.segment.store import list_segments

    items = list_segments(_ws())
    if as_json:
        print_json([s.to_dict() for s in items])
        return
    lang = default_lang()
    if not items:
        _out(t("segments.none", lang))
        return
    head = [
        t(k, lang)
        for k in (
            "segments.col_name",
            "segments.col_kind",
            "segments.col_size",
            "segments.col_updated",
        )
    ]
    rows = [
        [s.name, _kind(s.kind, lang), f"{s.size:,}", s.updated_at[:16].replace("T", " ")]
        for s in items
    ]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    for r in [head, *rows]:
        _out("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())


@segment_app.command("show")
def show_cmd(
    name: str = typer.Argument(..., help="The segment's name."),
    members: int = typer.Option(10, "--members", help="How many members to show (ids only)."),
    as_json: bool = typer.Option(False, "--json", help="Print the segment as JSON."),
) -> None:
    """One segment: how it was made, its size and its first members (never their e-mail or
    phone)."""
    from itertools import islice

    from socialops.segment.store import get_segment, segment_members

    ws = _ws()
    info = get_segment(ws, name)
    first = [
        {"customer_id": m.customer_id, "score": m.score, "attributes": m.attributes}
        for m in islice(segment_members(ws, info.name), max(0, members))
    ]
    if as_json:
        print_json({**info.to_dict(), "members": first})
        return
    lang = default_lang()
    fields = [
        ("segments.col_name", info.name),
        ("segments.col_kind", _kind(info.kind, lang)),
        ("segments.col_size", f"{info.size:,}"),
        ("segments.col_description", info.description or "-"),
        ("segments.col_source", info.source or "-"),
        (
            "segments.col_definition",
            ", ".join(f"{k}={v}" for k, v in info.definition.items()) or "-",
        ),
        ("segments.col_created_by", info.created_by or "-"),
        ("segments.col_updated", info.updated_at[:19].replace("T", " ")),
    ]
    for key, value in fields:
        _out(f"{t(key, lang)}: {value}")
    for m in first:
        score = "" if m["score"] is None else f"  {m['score']:.3f}"
        _out(f"  {m['customer_id']}{score}")


@segment_app.command("delete")
def delete_cmd(name: str = typer.Argument(..., help="The segment's name.")) -> None:
    """Delete a saved segment and its members."""
    from socialops.segment.store import delete_segment

    delete_segment(_ws(), name)
    _out(render("segments.deleted", default_lang(), {"name": name.strip()}))
