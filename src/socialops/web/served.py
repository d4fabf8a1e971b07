"""The application of ``socialops serve --processes N`` as uvicorn imports it in each web process
(``socialops.web.served:app``, a factory): the home folder comes from ``SOCIALOPS_HOME``, which
``serve`` sets for its processes before they start."""

from __future__ import annotations

from fastapi import FastAPI

from socialops import settings
from socialops.web.app import create_app
from socialops.web.ops.logs import configure_logging

__all__ = ["IMPORT", "app"]

IMPORT = "socialops.web.served:app"


def app() -> FastAPI:
    """A web process's application (uvicorn calls it once per process)."""
    configure_logging()  # the supervisor's format and level (uvicorn leaves a child's alone)
    return create_app(settings.workspace_dir(None))
