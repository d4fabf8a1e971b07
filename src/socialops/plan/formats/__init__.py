"""The registry of plan export formats: one module in this package per format.

Each module registers one :class:`ExportFormat` (name, media type, file extension, the key of
its label in the catalogue, the render function) with :func:`register`; this package imports
every module beside it when it is first imported, so adding a format is adding a file here.
The CLI (``socialops plan export --format``), the API (``…/export?format=``) and the plan page's
downloads all read :func:`formats`; :func:`socialops.plan.export.export_plan` renders through it.

A format module stays cheap to import (the CLI reads the names at start-up): it imports its
renderer and the plan document inside its render function.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from socialops.plan.messages import PlanError

if TYPE_CHECKING:  # the render functions' types only; the model is imported by the renderers
    from socialops.domain.plan import Plan
    from socialops.store.workspace import Workspace

__all__ = ["ExportFormat", "Render", "format_names", "formats", "get_format", "register"]

Render = Callable[["Workspace | None", "Plan", str, "date | None"], bytes]


@dataclass(frozen=True)
class ExportFormat:
    """One way to export a plan: ``render(ws, plan, lang, today)`` gives the file's bytes."""

    name: str  # what --format, ?format= and the page's export.<name> say
    media_type: str  # the download's Content-Type
    extension: str  # the file name's extension
    label_key: str  # its label in the catalogue (socialops.i18n), Korean and English
    render: Render
    order: int = 100  # place in lists (help text, the page's downloads, error messages)


_FORMATS: dict[str, ExportFormat] = {}


def register(fmt: ExportFormat) -> ExportFormat:
    """Add ``fmt`` to the registry; a second format of the same name is a programming error."""
    if fmt.name in _FORMATS and _FORMATS[fmt.name] is not fmt:
        raise ValueError(f"export format {fmt.name!r} is registered twice")
    _FORMATS[fmt.name] = fmt
    return fmt


def formats() -> list[ExportFormat]:
    """Every registered format, in display order."""
    return sorted(_FORMATS.values(), key=lambda f: (f.order, f.name))


def format_names() -> tuple[str, ...]:
    """The names of :func:`formats`, in display order (``html pdf ics xlsx json`` built in)."""
    return tuple(f.name for f in formats())


def get_format(name: str) -> ExportFormat:
    """The format called ``name``; an unknown name is :class:`PlanError` ``plan.export_format``."""
    found = _FORMATS.get(name)
    if found is None:
        raise PlanError("plan.export_format", value=str(name)[:20], choices=list(format_names()))
    return found


def _load_builtin() -> None:
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")


_load_builtin()
