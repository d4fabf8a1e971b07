"""What every request goes through for the operator: a request id, one access log line, its
latency in the metrics (:class:`Observe`), and the fence around metrics-only tokens
(:class:`ScopeGate`). Plain ASGI, like the app's other middleware."""

from __future__ import annotations

import logging
import time
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from socialops.i18n import t
from socialops.web.auth import lang_of, principal
from socialops.web.ops.logs import REQUEST_ID, request_id_from
from socialops.web.ops.metrics import observe_request
from socialops.web.responses import error_response

__all__ = ["METRICS_PATH", "Observe", "ScopeGate", "route_of"]

access_log = logging.getLogger("socialops.access")
METRICS_PATH = "/metrics"
UNMATCHED = "(unmatched)"


def route_of(scope: Scope) -> str:
    """The template of the route that answered (``/w/{ws}/topics``), ``/static`` for a static
    file, or ``(unmatched)``: never the raw path (it may carry an invitation token, and a
    label per path would grow without bound)."""
    route = scope.get("route")
    path = getattr(route, "path_format", None) or getattr(route, "path", None)
    if isinstance(path, str) and path:
        return path
    root = scope.get("root_path") or ""
    if scope.get("app_root_path") is not None and root:
        return str(root)
    return UNMATCHED


class Observe:
    """Outermost: the request id (a sane ``X-Request-ID`` kept, else a new one) set for every
    log line of the request and returned in the answer's ``X-Request-ID``; one access line
    (``socialops.access``: method, route template, status, milliseconds, client address) and
    one latency observation per request. An exception no handler answered is handed to the
    app's own handler for ``Exception`` here, inside the request's context, so its log line and
    its 500 carry the request id too."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = request_id_from(Headers(scope=scope).get("x-request-id"))
        REQUEST_ID.set(rid)  # each request runs in its own task: its context is its own
        t0 = time.perf_counter()
        state: dict[str, Any] = {"status": 500, "started": False, "done": None}

        def finish() -> None:
            if state["done"] is None:
                state["done"] = time.perf_counter() - t0

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                state["status"] = int(message["status"])
                state["started"] = True
                headers = MutableHeaders(scope=message)
                headers["X-Request-ID"] = rid
                if headers.get("content-type", "").startswith("text/event-stream"):
                    finish()  # a live stream lasts for hours: its latency is to the headers
            elif message["type"] == "http.response.body" and not message.get("more_body"):
                finish()
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception as exc:
            handler = getattr(scope.get("app"), "exception_handlers", {}).get(Exception)
            if handler is None or state["started"]:
                raise
            response: Response = await handler(Request(scope, receive), exc)
            await response(scope, receive, send_with_id)
        finally:
            finish()
            route = route_of(scope)
            observe_request(scope["method"], route, state["status"], state["done"])
            client = scope.get("client")
            access_log.info(
                "%s %s %s %.1fms",
                scope["method"],
                route,
                state["status"],
                state["done"] * 1000,
                extra={
                    "fields": {
                        "method": scope["method"],
                        "route": route,
                        "status": state["status"],
                        "ms": round(state["done"] * 1000, 1),
                        "client": client[0] if client else None,
                    }
                },
            )


class ScopeGate:
    """A token limited to the metrics reads ``/metrics`` and nothing else: on any other route
    it is refused (403) before the application or the body gate looks at the request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") == METRICS_PATH:
            await self.app(scope, receive, send)
            return
        auth = Headers(scope=scope).get("authorization", "")
        if auth[:7].lower() != "bearer ":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        p = await run_in_threadpool(principal, request)  # remembered for the handlers
        if p is None or p.scope is None:
            await self.app(scope, receive, send)
            return

        def refusal() -> Response:
            lang = lang_of(request)
            response = error_response(request, 403, "token_scope", t("error.token_scope", lang))
            response.headers["Connection"] = "close"
            return response

        response = await run_in_threadpool(refusal)

        async def nothing() -> Message:
            return {"type": "http.disconnect"}

        await response(scope, nothing, send)
