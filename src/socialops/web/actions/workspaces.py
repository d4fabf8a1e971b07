"""Workspaces: create (owners of ``main``), rename (``settings.edit``), delete
(``workspace.delete``; never ``main``)."""

from __future__ import annotations

from socialops.errors import AccountError
from socialops.store.workspace import Workspace
from socialops.web.accounts import MAIN
from socialops.web.actions.base import Actor

__all__ = ["create_workspace", "delete_workspace", "rename_workspace"]


def create_workspace(actor: Actor, slug: str, name: str) -> None:
    """A new workspace (one per brand or client) with the caller as its owner; its folder is
    made at once."""
    creator = actor.access(MAIN, "members.manage")
    actor.accounts.add_workspace(slug, name, actor.user.id)
    Workspace.open(actor.accounts.workspace_dir(slug))
    actor.accounts.audit(
        "workspace.create",
        user=creator.user,
        workspace=slug,
        target=slug,
        detail={"name": name},
        ip=actor.ip,
    )


def rename_workspace(actor: Actor, ws: str, name: str) -> None:
    access = actor.access(ws, "settings.edit")
    actor.accounts.rename_workspace(ws, name)
    actor.audit(access, "workspace.rename", ws, name=name.strip())


def delete_workspace(actor: Actor, ws: str) -> None:
    """Delete a workspace with its data; ``main`` (the CLI's workspace) stays."""
    access = actor.access(ws, "workspace.delete")
    if ws == MAIN:
        raise AccountError(code="settings.main_kept")
    actor.services.forget(ws)
    actor.accounts.remove_workspace(ws)
    # again once it is gone: a request in between (here, or in another process of a team
    # server) may have opened it again
    actor.services.forget(ws)
    actor.accounts.audit("workspace.delete", user=access.user, workspace=ws, target=ws, ip=actor.ip)
