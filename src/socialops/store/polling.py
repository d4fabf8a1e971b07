"""A daemon thread that goes over every workspace of the server every ``poll_s`` seconds: the
loop ``socialops serve`` runs for publishing (``publish.background``) and for the inbox
(``engage.worker``). A subclass says what one workspace's round is (:meth:`one`); an exception
in one workspace is logged and does not stop the others nor the thread; :meth:`stop` returns
within about one poll (a platform call in flight is awaited up to its own timeout)."""

from __future__ import annotations

import abc
import logging
import threading
from collections.abc import Callable

from socialops.store.workspace import Workspace

__all__ = ["WorkspaceLoop"]

log = logging.getLogger(__name__)


class WorkspaceLoop(abc.ABC):
    """Runs :meth:`one` for every workspace ``roots()`` returns, every ``poll_s`` seconds."""

    #: the thread's name (ps, debuggers)
    name = "socialops-loop"

    def __init__(self, roots: Callable[[], list[Workspace]], poll_s: float = 5.0) -> None:
        self.roots = roots
        self.poll_s = poll_s
        self.rounds = 0  # loops done (tests and the status page read it)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @abc.abstractmethod
    def one(self, ws: Workspace) -> None:
        """One workspace's round (its exceptions are logged by the loop)."""

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if self.running:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()

    def stop(self, timeout: float | None = None) -> None:
        """Ask the thread to stop and wait for it (at most ``timeout``, default a poll + 30 s
        for a platform call in flight)."""
        self._stop.set()
        thread = self._thread
        if thread is not None:
            thread.join(self.poll_s + 30.0 if timeout is None else timeout)
        self._thread = None

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                spaces = self.roots()
            except Exception:
                log.exception("%s could not list the workspaces", self.name)
                spaces = []
            for ws in spaces:
                if self._stop.is_set():
                    break
                try:
                    self.one(ws)
                except Exception:
                    log.exception("%s: the round failed in %s", self.name, ws.root)
            self.rounds += 1
            self._stop.wait(self.poll_s)
