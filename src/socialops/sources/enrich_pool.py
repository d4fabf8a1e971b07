"""How the local enrichment pool starts its workers, importable without the pipeline (the CLI
starts the pool's fork server before it imports anything heavy).

Workers are forked by a :mod:`multiprocessing.forkserver` that has imported
:data:`PRELOAD` (which loads and prepares Kiwi once), where the platform has fork servers;
elsewhere they are spawned and each loads its own. Not a plain fork of the running process: it
may hold database connections, threads (the web app's) and state nobody checked. The fork
server is a fresh interpreter that imports only :data:`PRELOAD`; it lives until the process
that started it ends (a later pool in that process reuses it, Kiwi still loaded)."""

from __future__ import annotations

import multiprocessing
import multiprocessing.context
import multiprocessing.forkserver
import os

__all__ = ["PRELOAD", "detach_from_server", "pool_context", "prestart"]

PRELOAD = "socialops.sources.enrich_preload"


def pool_context() -> multiprocessing.context.BaseContext:
    """The start method of the pool's workers (see the module's docstring)."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload([PRELOAD])
    return ctx


def prestart(workers: int) -> None:
    """Start the fork server now (it loads Kiwi while this process does its own start-up),
    when a pool of ``workers`` > 1 will be used and the platform has fork servers.

    A command that then finds nothing to enrich has cost one Kiwi load (about 2.5 CPU
    seconds) in the background; the server ends with this process."""
    if workers > 1 and pool_context().get_start_method() == "forkserver":
        multiprocessing.forkserver.ensure_running()


def detach_from_server() -> None:
    """In a worker the fork server forked: close the worker's copy of the pipe end the server
    watches to learn that the pool's process has ended.

    multiprocessing hands that end to every child of a fork server (so that the child could ask
    the server for children of its own; a pool worker never does). While a worker holds it the
    server cannot see its parent die, and the worker, which dies with the server, would outlive
    a ``kill -9`` of the pool's process. A no-op in a spawned worker."""
    server = multiprocessing.forkserver._forkserver
    if server.get_inherited_fds() is None:
        return
    fd = getattr(server, "_forkserver_alive_fd", None)  # private: no typed accessor
    if fd is not None:
        os.close(fd)
        server._forkserver_alive_fd = None  # type: ignore[attr-defined]
