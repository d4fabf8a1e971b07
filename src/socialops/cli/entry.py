"""The ``socialops`` console script: starts the enrichment pool early, then runs the CLI.

``socialops enrich`` spends about a second importing the CLI (every command's module) before
its own code runs. When the command line is a local enrichment with a pool, the pool's fork
server is started first (:func:`socialops.sources.enrich_pool.prestart`), so that it loads Kiwi
during that second; and the command ends without tearing its interpreter down. Anything this
quick look at the arguments does not understand starts
nothing: the CLI then parses them and reports what is wrong, as always."""

from __future__ import annotations

import atexit
import contextlib
import os
import sys

__all__ = ["enrich_pool_workers", "main"]


def enrich_pool_workers(args: list[str], engine_setting: str = "duckdb") -> int | None:
    """The ``--workers`` value (0: the setting) of a local ``enrich`` command line, ``None``
    when ``args`` is anything else (another command, help, another engine, a bad number).
    Without ``--engine`` the engine is ``engine_setting``."""
    i = 0
    while i < len(args) and args[i].startswith("-"):
        i += 2 if args[i] in ("--workspace", "-w") else 1
    if i >= len(args) or args[i] != "enrich":
        return None
    rest = args[i + 1 :]
    if "--help" in rest:
        return None
    workers = 0
    if engine_setting.strip().lower() not in ("", "duckdb") and not any(
        a.partition("=")[0] == "--engine" for a in rest
    ):
        return None
    for k, arg in enumerate(rest):
        name, eq, value = arg.partition("=")
        if name not in ("--engine", "--workers"):
            continue
        if not eq:
            value = rest[k + 1] if k + 1 < len(rest) else ""
        if name == "--engine" and value.strip().lower() != "duckdb":
            return None
        if name == "--workers":
            if not value.isdigit():
                return None
            workers = int(value)
    return workers


def _prestart_enrich_pool(args: list[str]) -> bool:
    """Start the pool's fork server when ``args`` is a pooled local enrichment; says whether
    it is one."""
    from socialops import settings
    from socialops.errors import SocialopsError
    from socialops.sources.enrich_pool import prestart

    workers = enrich_pool_workers(args, settings.get("engine"))
    if workers is None:
        return False
    try:
        n = settings.workers(workers or None)
    except SocialopsError:  # a bad workers setting: the command itself reports it
        return False
    prestart(n)
    return n > 1


def main() -> None:
    pooled = "enrich" in sys.argv and _prestart_enrich_pool(sys.argv[1:])
    from socialops.cli.main import main as run

    if not pooled:
        run()
        return
    try:
        run()
        code: int = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    # an enrichment is done here: its pool joined, its files committed, its output printed.
    # Skip tearing the interpreter down (a third of a second for every module and the heap
    # it loaded); the exit handlers still run, and the streams are flushed.
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)
