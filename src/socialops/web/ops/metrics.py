"""Prometheus ``/metrics`` (prometheus-client, the text format every scraper reads).

Two kinds of figures, chosen so that several web processes (``serve --processes N``) and
separate ``socialops worker`` processes give one truthful answer whichever process is scraped:

- **Measured in the web process**: request latency, a histogram by method, *route template*
  (``/w/{ws}/topics``, never the raw path: the label set stays bounded whatever is requested)
  and status. With ``PROMETHEUS_MULTIPROC_DIR`` set (``serve`` does it for N > 1:
  :mod:`socialops.web.ops.multiproc`) each process writes its own files and the scrape sums
  them; without it, the one process's figures.
- **Read from the databases at scrape time** (:class:`LedgerCollector`): whatever any process
  did is in the ledger and the queues, so nothing is double-counted or lost when a process
  restarts — rows imported and quarantined, posts enriched, publish queue depth and lateness,
  scheduled-report lateness, inbox backlog and SLA breaches, connector errors by resolution,
  profiles by state, worker heartbeat age. One label ``workspace`` (its id) per series.

The scrape needs a metrics-only token (:func:`metrics_route`); nothing personal is exported
(counts, ids of workspaces, platform names, states).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy import text

from socialops import __version__
from socialops.domain.instants import iso_utc
from socialops.engage.sla import OPEN_STATUSES
from socialops.publish.watchdog import DUE_WHERE
from socialops.store.workspace import Workspace
from socialops.web.auth import WebError, principal
from socialops.web.ops.multiproc import ENV
from socialops.web.ops.workspaces import served_workspaces
from socialops.web.services import Services

__all__ = ["REQUEST_SECONDS", "LedgerCollector", "observe_request", "router"]

log = logging.getLogger("socialops.metrics")
router = APIRouter(include_in_schema=False)

# from a cached page (a few ms) to an analysis built on request (seconds)
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
REQUEST_SECONDS = Histogram(
    "socialops_http_request_duration_seconds",
    "Time to answer a request (to the last byte; to the headers for a live event stream), by "
    "method, route template and status.",
    ["method", "route", "status"],
    buckets=BUCKETS,
    registry=None,  # added to each scrape's registry (or read from the multi-process files)
)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
ERROR_ACTIONS = ("retry", "rate_limited", "refresh_auth", "disconnect", "fail", "unknown")


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    """Count one answered request."""
    shown = method if method in METHODS else "OTHER"
    REQUEST_SECONDS.labels(shown, route, str(status)).observe(seconds)


def _age(stamp: str | None, now: datetime) -> float:
    if not stamp:
        return 0.0
    try:
        then = datetime.fromisoformat(stamp)
    except ValueError:
        return 0.0
    if then.tzinfo is None:
        then = then.replace(tzinfo=UTC)
    return max(0.0, (now - then).total_seconds())


class LedgerCollector(Collector):
    """The figures read from every workspace's database at scrape time."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def collect(self) -> Iterable[Metric]:
        now = datetime.now(UTC)
        fam = _Families()
        started = time.perf_counter()
        for slug, ws in served_workspaces(self.services):
            try:
                _workspace(fam, slug, ws, now)
                fam.up.add_metric([slug], 1)
            except Exception:  # one workspace's trouble: said, and the others still read
                log.exception("reading the metrics of workspace %s failed", slug)
                fam.up.add_metric([slug], 0)
        fam.scrape.add_metric([], time.perf_counter() - started)
        fam.build.add_metric([__version__], 1)
        yield from fam


class _Families:
    def __init__(self) -> None:
        W = ["workspace"]
        self.up = GaugeMetricFamily(
            "socialops_workspace_up", "1 when the workspace's database was read.", labels=W
        )
        self.scrape = GaugeMetricFamily(
            "socialops_metrics_scrape_seconds", "Time the last scrape spent in the databases."
        )
        self.build = GaugeMetricFamily(
            "socialops_build_info", "The running version.", labels=["version"]
        )
        self.rows = CounterMetricFamily(
            "socialops_import_rows",
            "Rows of imported files by stream and outcome (imported, updated, duplicate, "
            "quarantined, rejected), from the import ledger.",
            labels=[*W, "stream", "outcome"],
        )
        self.imports = CounterMetricFamily(
            "socialops_imports",
            "Imports by stream and status, from the import ledger.",
            labels=[*W, "stream", "status"],
        )
        self.enriched = CounterMetricFamily(
            "socialops_posts_enriched", "Posts enriched into the analytics store.", labels=W
        )
        self.queue = GaugeMetricFamily(
            "socialops_publish_posts", "Posts of the publish queue by state.", labels=[*W, "state"]
        )
        self.due = GaugeMetricFamily(
            "socialops_publish_due_waiting",
            "Posts due now that no worker has taken yet (the queue depth that matters).",
            labels=W,
        )
        self.late = GaugeMetricFamily(
            "socialops_publish_lateness_seconds",
            "How late the oldest post due now and not yet sent is (0: none waiting).",
            labels=W,
        )
        self.reports_late = GaugeMetricFamily(
            "socialops_report_schedule_lateness_seconds",
            "How late the oldest scheduled report due and not yet run is (0: none).",
            labels=W,
        )
        self.open_cases = GaugeMetricFamily(
            "socialops_inbox_open_cases",
            "Inbox backlog: open cases (new, open, reopened, waiting) by priority.",
            labels=[*W, "priority"],
        )
        self.breached = GaugeMetricFamily(
            "socialops_inbox_open_cases_breached",
            "Open cases that have missed a service-level target.",
            labels=W,
        )
        self.breaches = CounterMetricFamily(
            "socialops_inbox_sla_breaches", "Service-level breaches recorded.", labels=W
        )
        self.replies = GaugeMetricFamily(
            "socialops_inbox_replies", "Inbox replies by state.", labels=[*W, "state"]
        )
        self.errors = CounterMetricFamily(
            "socialops_connector_errors",
            "Platform answers that did not publish a post, by platform and resolution (retry, "
            "rate_limited, refresh_auth, disconnect, fail, unknown).",
            labels=[*W, "platform", "resolution"],
        )
        self.profiles = GaugeMetricFamily(
            "socialops_connector_profiles",
            "Connected profiles by platform and state (active, paused, rate_limited, "
            "needs_reauth, ...).",
            labels=[*W, "platform", "state"],
        )
        self.heartbeat = GaugeMetricFamily(
            "socialops_worker_heartbeat_age_seconds",
            "Seconds since a publish worker of the workspace last beat (-1: never).",
            labels=W,
        )

    def __iter__(self) -> Iterator[Metric]:
        return iter(v for v in vars(self).values() if isinstance(v, Metric))


def _workspace(fam: _Families, slug: str, ws: Workspace, now: datetime) -> None:
    stamp = iso_utc(now)
    with ws.connect() as conn:
        for stream, status, n, imported, updated, dup, quar, rej in conn.execute(
            text(
                "SELECT stream, status, COUNT(*), SUM(imported), SUM(updated), SUM(duplicates), "
                "SUM(quarantined), SUM(rejected) FROM imports GROUP BY stream, status"
            )
        ):
            fam.imports.add_metric([slug, stream, status], int(n))
            for outcome, value in (
                ("imported", imported),
                ("updated", updated),
                ("duplicate", dup),
                ("quarantined", quar),
                ("rejected", rej),
            ):
                fam.rows.add_metric([slug, stream, outcome], int(value or 0))
        enriched = conn.execute(text("SELECT SUM(rows) FROM enriched_parts")).scalar()
        fam.enriched.add_metric([slug], int(enriched or 0))
        for state, n in conn.execute(
            text("SELECT state, COUNT(*) FROM publish_posts GROUP BY state")
        ):
            fam.queue.add_metric([slug, state], int(n))
        due, oldest = conn.execute(
            text(f"SELECT COUNT(*), MIN(p.due_at) {DUE_WHERE}"), {"now": stamp}
        ).one()
        paused = conn.execute(
            text("SELECT value FROM publishing_switches WHERE name = 'pause_all'")
        ).scalar()
        if paused == "1":  # "pause all": nothing is late on purpose
            due, oldest = 0, None
        fam.due.add_metric([slug], int(due or 0))
        fam.late.add_metric([slug], _age(oldest, now))
        report_due = conn.execute(
            text(
                "SELECT MIN(next_run_at) FROM report_schedules WHERE enabled = 1 "
                "AND next_run_at <= :now"
            ),
            {"now": stamp},
        ).scalar()
        fam.reports_late.add_metric([slug], _age(report_due, now))
        marks = ", ".join(f"'{s}'" for s in OPEN_STATUSES)
        breached = 0
        for priority, n, hit in conn.execute(
            text(
                "SELECT priority, COUNT(*), SUM(CASE WHEN breaches <> '[]' THEN 1 ELSE 0 END) "
                f"FROM cases WHERE simulated = 0 AND status IN ({marks}) GROUP BY priority"
            )
        ):
            fam.open_cases.add_metric([slug, priority], int(n))
            breached += int(hit or 0)
        fam.breached.add_metric([slug], breached)
        n_breaches = conn.execute(
            text("SELECT COUNT(*) FROM inbox_events WHERE kind = 'sla_breach' AND simulated = 0")
        ).scalar()
        fam.breaches.add_metric([slug], int(n_breaches or 0))
        for state, n in conn.execute(
            text("SELECT state, COUNT(*) FROM inbox_replies GROUP BY state")
        ):
            fam.replies.add_metric([slug, state], int(n))
        actions = ", ".join(f"'{a}'" for a in ERROR_ACTIONS)
        for platform, action, n in conn.execute(
            text(
                "SELECT f.platform, a.action, COUNT(*) FROM publish_attempts a "
                "JOIN publish_posts p ON p.post_id = a.post_id "
                "JOIN profiles f ON f.profile_id = p.profile_id "
                f"WHERE a.action IN ({actions}) GROUP BY f.platform, a.action"
            )
        ):
            fam.errors.add_metric([slug, platform, action], int(n))
        for platform, state, n in conn.execute(
            text(
                "SELECT platform, CASE WHEN paused <> 0 THEN 'paused' "
                "WHEN status = 'active' AND limited_until > :now THEN 'rate_limited' "
                "ELSE status END AS state, COUNT(*) FROM profiles GROUP BY 1, 2"
            ),
            {"now": stamp},
        ):
            fam.profiles.add_metric([slug, platform, state], int(n))
        seen = conn.execute(text("SELECT MAX(seen_at) FROM publish_workers")).scalar()
        fam.heartbeat.add_metric([slug], _age(seen, now) if seen else -1.0)


def registry_for(services: Services) -> CollectorRegistry:
    """A registry for one scrape: the request figures (every process's, in multi-process
    mode) and the ledger's."""
    registry = CollectorRegistry()
    if os.environ.get(ENV):
        MultiProcessCollector(registry)
    else:
        registry.register(REQUEST_SECONDS)
    registry.register(LedgerCollector(services))
    return registry


@router.get("/metrics")
def metrics_route(request: Request) -> Response:
    """The Prometheus text format, for a metrics-only token (``socialops token create EMAIL
    --scope metrics``); a session or an ordinary token is refused (403): the figures span every
    workspace of the server."""
    p = principal(request)
    if p is None:
        raise WebError(401, "unauthenticated")
    if p.scope != "metrics":
        raise WebError(403, "metrics_token")
    services: Services = request.app.state.services
    body = generate_latest(registry_for(services))
    return Response(body, media_type=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"})
