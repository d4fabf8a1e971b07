"""What the publishing command groups (``profiles``, ``post``, ``worker``) share: the workspace,
a message in the reader's language, a stored time in the reader's zone, who is acting."""

from __future__ import annotations

import getpass
from typing import Any

import typer

from socialops.cli import common
from socialops.i18n import default_lang
from socialops.store.workspace import Workspace

__all__ = ["JSON", "actor", "open_ws", "say", "when"]

JSON = typer.Option(False, "--json", help="Print JSON.")


def open_ws() -> Workspace:
    return Workspace.open(common.state.workspace)


def say(key: str, **params: Any) -> None:
    from socialops.i18n import render

    common.console.print(render(key, default_lang(), params), highlight=False)


def when(value: str | None) -> str:
    """A stored UTC time as the reader sees it: in the ``timezone`` setting (Asia/Seoul)."""
    from socialops import settings
    from socialops.i18n import fmt_time

    return fmt_time(value, settings.default_timezone().key, default_lang())


def actor() -> str:
    """Who runs the command (the login name; ``cli`` when it cannot be told)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "cli"
