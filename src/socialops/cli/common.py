"""What every command shares: the workspace option, JSON output, errors as one line."""

from __future__ import annotations

import json
import sys
from typing import Any

import typer
from rich.console import Console

from socialops.errors import SocialopsError
from socialops.i18n import default_lang, has, render

__all__ = ["State", "console", "err_console", "error_line", "print_json", "state", "warn"]

console = Console()
err_console = Console(stderr=True, soft_wrap=True)


class State:
    """Global options given before the command (``socialops --workspace DIR import ...``)."""

    workspace: str | None = None


state = State()


def print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2, default=str) + "\n")


def warn(messages: list[str]) -> None:
    """One ``warning:`` line on stderr per message."""
    for m in messages:
        err_console.print(f"[yellow]warning:[/yellow] {m}", highlight=False)


def error_line(exc: SocialopsError) -> str:
    """An error as the CLI prints it: its message in ``SOCIALOPS_LANG`` with whole paths, and
    the CLI-only hint (the catalogue's ``<code>.cli``: what to run next) when it has one."""
    hint = f"{exc.code}.cli"
    if exc.coded and has(hint):
        return f"{exc.message} {render(hint, default_lang(), exc.params, paths=True)}"
    return exc.message


def fail(message: str, code: int = 2) -> typer.Exit:
    err_console.print(f"[red]error:[/red] {message}", markup=True, highlight=False)
    return typer.Exit(code)
