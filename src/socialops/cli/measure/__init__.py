"""The ``socialops measure``, ``socialops segment`` and ``socialops audience`` command groups
(issue 17): what a campaign did to a KPI, promotion tests, attribution, channel contribution,
customer segments, the targeting model and audience files.

A registry like the import streams: each module of this package adds its commands to one of the
groups below when imported (``@measure_app.command("effect")``) and may define
``register(app)`` for a group of its own; :func:`register` imports them all, so adding a command
is adding a file."""

from __future__ import annotations

import importlib
import pkgutil

import typer

__all__ = ["audience_app", "measure_app", "register", "segment_app"]

measure_app = typer.Typer(
    help="What a campaign did: effect on a KPI, promotion tests, attribution, channel mix.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
segment_app = typer.Typer(
    help="Customer segments: RFM and value, attribute segments, the targeting model.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
audience_app = typer.Typer(
    help="Audience files for ad platforms (identifiers normalised and SHA-256 hashed).",
    no_args_is_help=True,
    rich_markup_mode=None,
)


def register(app: typer.Typer) -> None:
    for mod in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if mod.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{mod.name}")
        extra = getattr(module, "register", None)
        if callable(extra):
            extra(app)
    app.add_typer(measure_app, name="measure")
    app.add_typer(segment_app, name="segment")
    app.add_typer(audience_app, name="audience")
