"""The ``socialops`` console script: starts the enrichment pool early, then runs the CLI.

``socialops enrich`` spends about a second importing the CLI (every command's module) before
its own code runs. When the command line is a local enrichment with a pool, the pool's fork
server is started first (:func:`socialops.sources.enrich_pool.prestart`), so that it loads Kiwi
during that second. Anything this quick look at the arguments does not understand starts
nothing: the CLI then parses them and reports what is wrong, as always."""

from __future__ import annotations

import contextlib
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


def _prestart_enrich_pool(args: list[str]) -> None:
    from socialops import settings
    from socialops.errors import SocialopsError
    from socialops.sources.enrich_pool import prestart

    workers = enrich_pool_workers(args, settings.get("engine"))
    if workers is None:
        return
    with contextlib.suppress(SocialopsError):  # a bad workers setting: the command reports it
        prestart(settings.workers(workers or None))


def main() -> None:
    if "enrich" in sys.argv:
        _prestart_enrich_pool(sys.argv[1:])
    from socialops.cli.main import main as run

    run()
