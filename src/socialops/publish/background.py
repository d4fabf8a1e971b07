"""The publisher inside ``socialops serve``: one daemon thread that runs worker rounds (mode
``serve``) for every workspace and fetches the metrics of published posts on their schedule.

A separate ``socialops worker`` is not needed for a single-machine install, and running one
next to ``serve`` is safe: posts are claimed under leases (row leases on PostgreSQL), so two
workers never send a post twice. An exception in one workspace is logged and does not stop the
others nor the thread; :meth:`BackgroundPublisher.stop` returns within about one poll (a
platform call in flight is awaited up to its own timeout)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from socialops.publish.metrics_back import fetch_metrics
from socialops.publish.watchdog import heartbeat
from socialops.publish.worker import run_worker, worker_name
from socialops.store.workspace import Workspace

__all__ = ["METRICS_EVERY_S", "BackgroundPublisher"]

log = logging.getLogger(__name__)
#: how often published posts' metrics are fetched back (each post at most hourly)
METRICS_EVERY_S = 900.0


class BackgroundPublisher:
    """Publishes due posts of every workspace ``roots()`` returns, every ``poll_s`` seconds."""

    def __init__(
        self,
        roots: Callable[[], list[Workspace]],
        poll_s: float = 5.0,
        *,
        metrics_every_s: float = METRICS_EVERY_S,
    ) -> None:
        self.roots = roots
        self.poll_s = poll_s
        self.metrics_every_s = metrics_every_s
        self.worker = worker_name()
        self.rounds = 0  # loops done (tests and the status page read it)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._metrics_at: dict[str, float] = {}

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if self.running:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="socialops-publisher", daemon=True)
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
                log.exception("the publisher could not list the workspaces")
                spaces = []
            for ws in spaces:
                if self._stop.is_set():
                    break
                self._one(ws)
            self.rounds += 1
            self._stop.wait(self.poll_s)

    def _one(self, ws: Workspace) -> None:
        try:
            run_worker(
                ws,
                until_idle=True,
                poll_s=self.poll_s,
                stop=self._stop.is_set,
                mode="serve",
                worker=self.worker,
            )
            heartbeat(ws, self.worker, "serve")  # seen even while "pause all" is on
            key = str(ws.root)
            if time.monotonic() - self._metrics_at.get(key, -1e18) >= self.metrics_every_s:
                self._metrics_at[key] = time.monotonic()
                fetch_metrics(ws)
        except Exception:
            log.exception("publishing in %s failed this round", ws.root)
