"""The publisher inside ``socialops serve``: one daemon thread that runs worker rounds (mode
``serve``) for every workspace and fetches the metrics of published posts on their schedule.

A separate ``socialops worker`` is not needed for a single-machine install, and running one
next to ``serve`` is safe: posts are claimed under leases (row leases on PostgreSQL), so two
workers never send a post twice. An exception in one workspace is logged and does not stop the
others nor the thread (:class:`~socialops.store.polling.WorkspaceLoop`)."""

from __future__ import annotations

import time
from collections.abc import Callable

from socialops.publish.metrics_back import fetch_metrics
from socialops.publish.watchdog import heartbeat
from socialops.publish.worker import run_worker, worker_name
from socialops.store.polling import WorkspaceLoop
from socialops.store.workspace import Workspace

__all__ = ["METRICS_EVERY_S", "BackgroundPublisher"]

#: how often published posts' metrics are fetched back (each post at most hourly)
METRICS_EVERY_S = 900.0


class BackgroundPublisher(WorkspaceLoop):
    """Publishes due posts of every workspace ``roots()`` returns, every ``poll_s`` seconds."""

    name = "socialops-publisher"

    def __init__(
        self,
        roots: Callable[[], list[Workspace]],
        poll_s: float = 5.0,
        *,
        metrics_every_s: float = METRICS_EVERY_S,
    ) -> None:
        super().__init__(roots, poll_s)
        self.metrics_every_s = metrics_every_s
        self.worker = worker_name()
        self._metrics_at: dict[str, float] = {}

    def one(self, ws: Workspace) -> None:
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
