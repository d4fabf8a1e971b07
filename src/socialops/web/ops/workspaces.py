"""The workspaces a server answers for, as the health check and the metrics go over them."""

from __future__ import annotations

from socialops.store.workspace import Workspace
from socialops.web.services import Services

__all__ = ["served_workspaces"]


def served_workspaces(services: Services) -> list[tuple[str, Workspace]]:
    """``(id, workspace)`` of every workspace of the home whose folder exists (opened once
    per process, through the services' cache)."""
    out = []
    for slug in services.accounts.slugs():
        if Workspace(services.accounts.workspace_dir(slug)).exists():
            out.append((slug, services.workspace(slug)))
    return out
