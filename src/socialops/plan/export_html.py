"""The plan document as one self-contained HTML file (inline CSS, no scripts, no external URLs).

The template (``plan/data/html/plan.html``) is rendered with autoescaping on and undefined names
as errors: plan text and calendar copy are untrusted input and come out as text, never markup.
Links are shown as links only when they are plain ``http(s)://`` URLs of the plan itself.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import jinja2

__all__ = ["TEMPLATE_DIR", "render_html"]

TEMPLATE_DIR = Path(__file__).resolve().parent / "data" / "html"


@cache
def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(doc: dict[str, Any]) -> str:
    """The document of :func:`socialops.plan.export.plan_document` as HTML text."""
    return _env().get_template("plan.html").render(d=doc, L=doc["L"])
