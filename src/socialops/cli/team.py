"""``socialops serve --processes N``: the team server's checks and start-up.

N web processes answer on one port through uvicorn's own supervisor (``workers=N`` with the
import-string factory :data:`socialops.web.served.IMPORT`): it binds the socket once, starts
each process fresh (spawn, not fork: no database connection or thread of the parent is
inherited), restarts a process that dies, and passes SIGTERM/SIGINT on for a graceful stop. The
supervisor (this process) runs the background threads of ``serve`` (publishing, inbox, scheduled
reports) once, not once per web process.

More than one process needs PostgreSQL: on SQLite every write of every process waits for the
one file lock, so more processes add waiting, not throughput."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from socialops.errors import SettingsError
from socialops.i18n import default_lang, t
from socialops.store.bus import redis_url
from socialops.store.db import database_url
from socialops.store.workspace import Workspace

__all__ = ["MAX_PROCESSES", "prepare", "processes", "start_line"]

MAX_PROCESSES = 64


def processes(raw: str) -> int:
    """The number of web processes (``--processes`` / ``SOCIALOPS_WEB_PROCESSES``), refused
    when not a number from 1 to :data:`MAX_PROCESSES`, or above 1 without PostgreSQL; and
    ``SOCIALOPS_REDIS_URL`` checked (before anything is made, not in each process)."""
    redis_url()
    value = raw.strip()
    try:
        n = int(value)
    except ValueError:
        raise SettingsError(code="cli.team_bad_processes", value=value, max=MAX_PROCESSES) from None
    if not 1 <= n <= MAX_PROCESSES:
        raise SettingsError(code="cli.team_bad_processes", value=value, max=MAX_PROCESSES)
    if n > 1:
        url = database_url()
        if url is None or not url.startswith("postgresql"):
            raise SettingsError(code="cli.team_needs_postgres", n=n)
    return n


def prepare(home: Path, workspaces: Callable[[], list[Workspace]]) -> str:
    """Before the web processes start: every workspace opened (migrated) here once, so they do
    not all migrate at the same moment, and the home folder in ``SOCIALOPS_HOME`` (what their
    factory reads: a ``--workspace`` given to this command is not theirs otherwise). Returns
    what uvicorn imports in each."""
    # lazy: the web application loads only in the processes that serve it
    from socialops.web.served import IMPORT

    workspaces()
    os.environ["SOCIALOPS_HOME"] = str(home.resolve())
    return IMPORT


def start_line(n: int) -> str:
    """What ``serve`` prints under its start box with several processes."""
    lang = default_lang()
    bus = "Redis" if redis_url() else t("cli.serve.bus_local", lang)
    return f"{t('cli.serve.processes', lang)}: {t('cli.serve.processes_how', lang, n=n, bus=bus)}"
