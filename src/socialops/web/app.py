"""The web workspace application (FastAPI): security headers on every answer, one error shape,
the REST API under ``/api/v1`` and the pages.

    socialops serve [--host H] [--port P]      # or: create_app(home) under any ASGI server
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from socialops import __version__, settings
from socialops.errors import DiskFullError, SocialopsError, disk_full_error
from socialops.i18n import t
from socialops.nlp.triage import triage_texts
from socialops.redact import add_root
from socialops.web import api, hooks, invite_pages, pages, plan_api, plan_pages
from socialops.web.accounts import Accounts
from socialops.web.auth import WebError, lang_of, principal
from socialops.web.ops import health as ops_health
from socialops.web.ops import metrics as ops_metrics
from socialops.web.ops.heap import freeze_heap, freezing
from socialops.web.ops.memory import IMPORTS, Trimmer, trim_every, tune_allocator
from socialops.web.ops.middleware import Observe, ScopeGate
from socialops.web.pages.dashboard import warm_dashboard
from socialops.web.pages.topics import warm_topics
from socialops.web.permissions import allowed
from socialops.web.render import mount_static
from socialops.web.responses import error_response, error_text
from socialops.web.services import Services, warming
from socialops.web.unavailable import database_unavailable, settle_principal, unavailable_response
from socialops.web.uploads import recover_workspaces

__all__ = ["create_app"]

log = logging.getLogger("socialops.web")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


class SecurityHeaders:
    """Security headers on every answer, ``Cache-Control: no-store`` on API and HTML answers,
    and ``Server-Timing: app;dur=MS`` (the time the server spent, which the load benchmark
    reads). Plain ASGI: no per-request task or body copying."""

    def __init__(self, app: ASGIApp, served: threading.Event | None = None) -> None:
        self.app = app
        self.served = served  # set once the first answer is on its way (the warm-up waits)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        t0 = time.perf_counter()
        is_api = str(scope.get("path", "")).startswith("/api/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for k, v in SECURITY_HEADERS.items():
                    headers.setdefault(k, v)
                if is_api or "text/html" in headers.get("content-type", ""):
                    headers.setdefault("Cache-Control", "no-store")
                headers["Server-Timing"] = f"app;dur={(time.perf_counter() - t0) * 1000:.1f}"
                if self.served is not None:
                    self.served.set()
            await send(message)

        await self.app(scope, receive, send_with_headers)


MAX_BODY = 51 * 2**20  # an upload: the 50 MB file and the form around it
FORM_BODY = 2 * 2**20  # any other form or JSON body (the largest plan document fits)
ANON_BODY = 64 * 2**10  # a body sent by someone not signed in (the sign-in form and the like)
LINGER_MAX = 8 * 2**20  # a refused body up to this size is read (and dropped) before the 413
LINGER_S = 5.0  # and for at most this long
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# the routes that take a file, and the action they need
UPLOADS = re.compile(
    r"^/(?:api/v1/workspaces/[^/]+/(?:imports|metrics/imports)"
    r"|w/[^/]+/data/upload|w/[^/]+/plans/[^/]+/metrics)/?$"
)
# the media library's uploads (images; videos up to the upload limit), which need publish.draft
MEDIA_UPLOADS = re.compile(r"^/(?:api/v1/workspaces/[^/]+|w/[^/]+)/publishing/media/?$")
# the Measure and Segments analyses of an uploaded file (issue 17): measure.run, segments.manage
ANALYSIS_UPLOADS = re.compile(
    r"^/(?:api/v1/workspaces/[^/]+|w/[^/]+)/(measure|segments)/"
    r"(?:effect|abtest|mix|attribution/touches|rfm|attributes|models(?:/[^/]+/score)?"
    r"|model/(?:train|score))/?$"
)
# the routes meant to take a body from someone not signed in (each checks its own CSRF cookie;
# an inbound hook its profile's shared secret or signature, socialops.web.hooks)
ANONYMOUS = re.compile(
    r"^/(?:login(?:/(?:code|forgot|reset))?|logout|invite/.*|hooks/(?:kakao|webchat)/[^/]+/[^/]+)$"
)
IN_WORKSPACE = re.compile(r"^/(?:api/v1/workspaces|w)/([^/]+)(?:/|$)")


class BodyTooLarge(Exception):
    """Raised into the application when the body it is reading passes its route's limit (the
    413 is answered already; the form parser closes its temporary files on the way out)."""


class BodyGate:
    """Nothing is read from a request body before its sender may send it, and never more than
    its route allows, whatever ``Content-Length`` or ``Transfer-Encoding`` say — so a body is
    spooled to a temporary file (the form parser does that above 1 MB) only for a member
    allowed to upload, and at most :data:`MAX_BODY` of it.

    For ``POST``/``PUT``/``PATCH``/``DELETE``, before the application runs: the caller must be
    signed in (session cookie or API token: else 401), a member of the workspace the path names
    (else 404, the workspace is not revealed) and, for an upload route, allowed
    ``data.import`` (``publish.draft`` for the media library; else 403); the routes in
    :data:`ANONYMOUS` are exempt. Then a declared length over the route's limit is refused at
    once, and the bytes are counted as they arrive: past the limit the answer is 413 and the
    application reads no more. A refusal closes the connection; the rest of a body of at most
    :data:`LINGER_MAX` is read and dropped first (:func:`_linger`). The handlers check
    everything again."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        request = Request(scope)
        if scope["method"] not in UNSAFE or ANONYMOUS.match(path):
            limit, upload = ANON_BODY, False
        else:
            upload = any(r.match(path) for r in (UPLOADS, MEDIA_UPLOADS, ANALYSIS_UPLOADS))
            refusal = await run_in_threadpool(_may_send, request, path, upload)
            if refusal is not None:
                await self._refuse(request, scope, send, refusal)
                return
            limit = MAX_BODY if upload else FORM_BODY
        too_large = WebError(413, "too_large", limit=MAX_BODY // 2**20 - 1)
        if not upload:
            shown = f"{limit // 2**20} MB" if limit >= 2**20 else f"{limit // 2**10} KB"
            too_large = WebError(413, "body_too_large", limit=shown)
        length = Headers(scope=scope).get("content-length", "")
        if length and (not length.isdigit() or int(length) > limit):
            if length.isdigit():
                await _linger(receive, int(length))
            await self._refuse(request, scope, send, too_large)
            return

        received = 0
        refused = False
        started = False

        async def counted() -> Message:
            nonlocal received, refused
            if refused:
                raise BodyTooLarge
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    refused = True
                    if not started:
                        if message.get("more_body", False):
                            await _linger(receive, None, received)
                        await self._refuse(request, scope, send, too_large)
                    raise BodyTooLarge
            return message

        async def guarded(message: Message) -> None:
            nonlocal started
            if refused:  # the 413 is the answer: what the application says after is dropped
                return
            started = True
            await send(message)

        try:
            await self.app(scope, counted, guarded)
        except BodyTooLarge:
            if not refused:
                raise

    @staticmethod
    async def _refuse(request: Request, scope: Scope, send: Send, refusal: WebError) -> None:
        """Answer ``refusal`` and close the connection (its body is left unread)."""

        def make() -> Response:
            lang = lang_of(request)
            return error_response(request, refusal.status, refusal.code, refusal.message(lang))

        response = await run_in_threadpool(make)
        response.headers["Connection"] = "close"

        async def nothing() -> Message:
            return {"type": "http.disconnect"}

        await response(scope, nothing, send)


async def _linger(receive: Receive, declared: int | None, already: int = 0) -> None:
    """Read and drop the rest of a refused body of at most :data:`LINGER_MAX` bytes (for at
    most :data:`LINGER_S` seconds) before the refusal is answered: a client still sending when
    the connection closed would see it reset instead of the 413 (what a proxy's lingering close
    does). A larger body is left unread."""
    if declared is not None and declared > LINGER_MAX:
        return

    async def drain() -> None:
        seen = already
        while seen <= LINGER_MAX:
            message = await receive()
            if message["type"] != "http.request":
                return
            seen += len(message.get("body", b""))
            if not message.get("more_body", False):
                return

    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(drain(), LINGER_S)


def _may_send(request: Request, path: str, upload: bool) -> WebError | None:
    """Why the caller may not send a body to ``path`` (``None``: they may)."""
    p = principal(request)
    if p is None:
        return WebError(401, "unauthenticated")
    found = IN_WORKSPACE.match(path)
    if found is None:
        return None
    slug = found.group(1)
    role = request.app.state.accounts.role_of(p.user.id, slug)
    if role is None:
        return WebError(404, "unknown_workspace", workspace=slug)
    if p.via == "session" and request.app.state.accounts.two_factor_missing(p.user.id, slug):
        return WebError(403, "two_factor_required", workspace=slug)  # issue 18: enrol first
    need = "publish.draft" if MEDIA_UPLOADS.match(path) else "data.import"
    analysis = ANALYSIS_UPLOADS.match(path)
    if analysis is not None:
        need = "measure.run" if analysis.group(1) == "measure" else "segments.manage"
    if upload and not allowed(role, need):
        return WebError(403, "forbidden", role=role)
    return None


WARM_STOP_WAIT = 120.0  # seconds the shutdown waits for the warm-up's current step
# seconds the warm-up waits for the first answer to be sent: loading the Korean analyser holds
# the interpreter for seconds, and the first page a newcomer opens must not wait for it
WARM_AFTER_FIRST_PAGE = 30.0
WARM_TRIAGE_AFTER = 5.0  # seconds before the inbox's models load (sooner after the first page)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Warm the caches in the background on start; on stop, let the warm-up finish its step
    (a thread killed inside the native query engine at exit aborts the process) and close the
    stores."""
    services = app.state.services
    tune_allocator()  # few heaps, large buffers in pages of their own: before threads allocate
    trimmer = Trimmer(trim_every()).start()  # freed native memory back to the system
    warm = None
    if warming():

        def load_triage() -> None:
            # the inbox's models (seconds to load): a KakaoTalk skill call must be answered
            # within Kakao's 5 s, so they are loaded soon after the start, not on the first call
            services.served.wait(WARM_TRIAGE_AFTER)
            triage_texts(["시작"], "ko")
            triage_texts(["start"], "en")
            if freezing():  # start-up's objects out of every later full collection
                freeze_heap()

        triage = threading.Thread(target=load_triage, daemon=True, name="warm-triage")

        def run() -> None:
            started = time.monotonic()
            services.served.wait(WARM_AFTER_FIRST_PAGE)
            services.warm()
            triage.join()
            if services.stopping.is_set():
                return
            if freezing():  # the warm caches join the settled heap (socialops.web.ops.heap)
                freeze_heap()
            # one line per web process (its pid is in the line): what it had to load is loaded;
            # bench/soak.py reads a process's memory as "warm" only after it
            log.info(
                "warm-up done",
                extra={"fields": {"seconds": round(time.monotonic() - started, 1)}},
            )

        warm = threading.Thread(target=run, daemon=True, name="warm")
        triage.start()
        warm.start()
    yield
    services.stopping.set()
    if warm is not None:
        await run_in_threadpool(warm.join, WARM_STOP_WAIT)
    await run_in_threadpool(IMPORTS.close)  # an upload being imported finishes first
    services.close()
    trimmer.stop()


def create_app(home: Path | None = None) -> FastAPI:
    """The application for the socialops home folder ``home`` (default: setting ``workspace``)."""
    root = settings.workspace_dir(home)
    accounts = Accounts(root)
    add_root(root)  # paths under it are the server's: messages name the file only
    # what a crashed server left: its uploads, and imports still marked running
    recover_workspaces(accounts)
    app = FastAPI(
        title="socialops",
        version=__version__,
        description="Social listening and operations workspace. Authenticate with "
        "`Authorization: Bearer <token>` (`socialops token create EMAIL`).",
        openapi_url="/openapi.json",
        docs_url=None,
        redoc_url=None,
        lifespan=_lifespan,
    )
    app.state.accounts = accounts
    app.state.services = Services(accounts)
    # the default views the warm-up (and the refresh after a change) builds
    app.state.services.warmers += [warm_dashboard, warm_topics]
    app.add_middleware(BodyGate)
    app.add_middleware(ScopeGate)  # a metrics-only token: /metrics and nothing else (403)
    app.add_middleware(SecurityHeaders, served=app.state.services.served)
    app.add_middleware(Observe)  # outermost: request id, access line, latency histogram

    @app.exception_handler(WebError)
    async def _web_error(request: Request, exc: WebError) -> Response:
        return error_response(request, exc.status, exc.code, exc.message(lang_of(request)))

    @app.exception_handler(SocialopsError)
    async def _socialops_error(request: Request, exc: SocialopsError) -> Response:
        if database_unavailable(exc):  # e.g. the store's own "cannot connect" (bench/soak.py)
            return unavailable_response(request, exc)
        full = disk_full_error(exc, root)
        if full is not None:
            return _disk_full(request, full)
        # the error's class decides the status; its own words in the user's language
        status = exc.http_status
        # its catalogue code (e.g. ``sources.encoding``), as plan errors already answer
        code = "server" if status >= 500 else (exc.code if exc.coded else "bad_request")
        return error_response(request, status, code, error_text(exc, lang_of(request)))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        parts = []
        for e in exc.errors()[:3]:
            where = ".".join(str(x) for x in e.get("loc", ()) if x not in ("body", "query"))
            parts.append(f"{where}: {e.get('msg', 'invalid')}")
        msg = t("error.invalid", lang_of(request), detail="; ".join(parts))
        return error_response(request, 422, "invalid", msg)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        full = disk_full_error(exc, root)  # e.g. the form parser spooling an upload
        if full is not None:
            return _disk_full(request, full)
        lang = lang_of(request)
        code = {401: "unauthenticated", 404: "not_found", 413: "too_large"}.get(
            exc.status_code, "bad_request"
        )
        detail = str(exc.detail) if exc.detail else ""
        msg = t(f"error.{code}", lang, detail=detail, limit=0)
        return error_response(request, exc.status_code, code, msg)

    def _disk_full(request: Request, full: DiskFullError) -> Response:
        """507 in the one error shape, whichever writer met the full disk; the path and what
        to free go to the server's log (not to the browser)."""
        log.error("%s %s: %s", request.method, request.url.path, full.message)
        return error_response(request, 507, "disk_full", t("error.disk_full", lang_of(request)))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        full = disk_full_error(exc, root)
        if full is not None:
            return _disk_full(request, full)
        if database_unavailable(exc):  # PostgreSQL restarting: 503, try again (bench/soak.py)
            return unavailable_response(request, exc)
        settle_principal(request)  # the error page must not query a failing database again
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return error_response(request, 500, "server", t("error.server", lang_of(request)))

    plan_api.install_errors(app)
    app.include_router(api.router)
    app.include_router(plan_api.router)
    app.include_router(pages.router)
    app.include_router(plan_pages.router)
    app.include_router(invite_pages.router)
    app.include_router(hooks.router)
    app.include_router(ops_health.router)
    app.include_router(ops_metrics.router)
    mount_static(app)

    return app


def html(body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(body, status_code=status)
