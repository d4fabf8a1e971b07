"""Request bodies (issue 12, item 1): nothing of a body is read before its sender is known to be
allowed to send it, and never more than its route's limit, whatever ``Content-Length`` or
``Transfer-Encoding`` say — so an anonymous caller cannot fill the server's disk.

Against a real ``socialops serve`` in a subprocess with its own ``TMPDIR`` (where the form
parser spools a file part past 1 MB), with httpx streaming chunked bodies (no
``Content-Length``) from a generator that counts what the client managed to send. The server's
spooled bytes are measured by sampling its open files under that ``TMPDIR`` (a spooled part is
an unlinked file: only ``/proc/<pid>/fd`` shows it)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute

from socialops.web.accounts import Accounts
from socialops.web.app import (
    ANALYSIS_UPLOADS,
    ANON_BODY,
    ANONYMOUS,
    FORM_BODY,
    MAX_BODY,
    MEDIA_UPLOADS,
    UPLOADS,
    create_app,
)

MiB = 2**20
PASSWORD = "correct-horse-battery"
BOUNDARY = "gate-boundary"
SLACK = 40 * MiB  # what socket buffers on both sides may hold when the server stops reading


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    url: str
    home: Path
    tmpdir: Path
    proc: subprocess.Popen[bytes]
    tokens: dict[str, str] = field(default_factory=dict)

    def auth(self, who: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"} if who else {}

    def fresh(self, who: str) -> str:
        """A new token of ``who`` (a route under test may end their sessions and tokens)."""
        accounts = Accounts(self.home)
        user = accounts.user_by_email(f"{who}@example.com")
        assert user is not None
        self.tokens[f"{who}-fresh"] = accounts.create_token(user.id, "fresh")
        return f"{who}-fresh"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    base = tmp_path_factory.mktemp("gate")
    home, tmpdir = base / "home", base / "tmp"
    tmpdir.mkdir()
    accounts = Accounts(home)
    tokens = {}
    for who in ("owner", "analyst", "viewer", "outsider"):
        role = None if who == "outsider" else who
        user = accounts.add_user(f"{who}@example.com", PASSWORD, role=role)
        tokens[who] = accounts.create_token(user.id, "tests")
    port = free_port()
    env = {
        **os.environ,
        "SOCIALOPS_HOME": str(home),
        "TMPDIR": str(tmpdir),
        "SOCIALOPS_WEB_WARM": "0",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "socialops", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{url}/login", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            err = proc.communicate(timeout=10)[1].decode(errors="replace")
            pytest.fail(f"the server did not start: {err[-2000:]}")
        time.sleep(0.2)
    try:
        yield Server(url, home, tmpdir, proc, tokens)
    finally:
        proc.terminate()
        try:
            proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()


class Body:
    """A chunked body of ``size`` bytes (``block`` repeated after ``head``, then ``tail``) that
    counts what the client has handed to the connection."""

    def __init__(
        self, size: int, head: bytes = b"", tail: bytes = b"", block: bytes = b"x" * MiB
    ) -> None:
        self.size, self.head, self.tail, self.block = size, head, tail, block
        self.sent = 0

    def __iter__(self) -> Iterator[bytes]:
        self.sent += len(self.head)
        yield self.head
        left = self.size
        while left > 0:
            part = self.block[:left]
            left -= len(part)
            self.sent += len(part)
            yield part
        self.sent += len(self.tail)
        yield self.tail


FIELD = b"f=" + b"x" * (100 * 2**10 - 3) + b"&"  # form fields of 100 KB: under the parser's caps


def form(size: int) -> tuple[Body, dict[str, str]]:
    """A URL-encoded form of ``size`` bytes in 100 KB fields, streamed."""
    return Body(size, block=FIELD), {"Content-Type": "application/x-www-form-urlencoded"}


def multipart(size: int, name: str = "big.csv") -> tuple[Body, dict[str, str]]:
    """A multipart form with one file part of ``size`` bytes, streamed."""
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="preset"\r\n\r\ngeneric\r\n'
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: text/csv\r\n\r\nid,text\r\n"
    ).encode()
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()
    return Body(size, head, tail), {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}


class Spooled:
    """Samples, while it runs, how many bytes the server holds in files under its TMPDIR."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def now(self) -> int:
        total = 0
        fds = Path(f"/proc/{self.server.proc.pid}/fd")
        for fd in list(fds.iterdir()) if fds.exists() else []:
            try:
                if os.readlink(fd).startswith(str(self.server.tmpdir)):
                    total += fd.stat().st_size
            except OSError:
                continue
        for p in self.server.tmpdir.rglob("*"):
            try:
                total += p.stat().st_size if p.is_file() else 0
            except OSError:
                continue
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.now())
            time.sleep(0.005)

    def __enter__(self) -> Spooled:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def send(
    server: Server, who: str | None, method: str, path: str, body: Body, headers: dict[str, str]
) -> tuple[httpx.Response, float]:
    """``method path`` with the chunked ``body`` as ``who``; the answer and the seconds taken."""
    t0 = time.perf_counter()
    with httpx.Client(timeout=60) as client:
        r = client.request(
            method, server.url + path, content=iter(body), headers={**server.auth(who), **headers}
        )
    return r, time.perf_counter() - t0


def error_code(r: httpx.Response) -> str:
    if r.headers.get("content-type", "").startswith("application/json"):
        return str(r.json()["error"]["code"])
    return ""


def settled(server: Server) -> int:
    """What the server still holds under TMPDIR once it settles (waits up to 10 s for 0)."""
    spooled = Spooled(server)
    deadline = time.monotonic() + 10
    while (held := spooled.now()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return held


IMPORTS = "/api/v1/workspaces/main/imports"


@pytest.mark.slow
def test_anonymous_chunked_body_refused_before_reading(server: Server) -> None:
    """The issue's attack: 200 MB chunked multipart, no credentials, to the import route. The
    401 comes at once, after the client sent a small part; nothing is spooled."""
    body, headers = multipart(200 * MiB)
    with Spooled(server) as spooled:
        r, took = send(server, None, "POST", IMPORTS, body, headers)
    assert r.status_code == 401 and error_code(r) == "unauthenticated", r.text[:300]
    assert body.sent < SLACK, f"the client sent {body.sent / MiB:.0f} MiB before the answer"
    assert took < 15
    assert spooled.peak == 0, f"the server spooled {spooled.peak / MiB:.1f} MiB"
    assert not (server.home / "uploads").exists() or not any((server.home / "uploads").iterdir())


@pytest.mark.slow
def test_member_chunked_body_stops_at_the_limit(server: Server) -> None:
    """An analyst (may import) streams 200 MB with no Content-Length: 413 once the count passes
    the limit; the server never holds more than the limit, the client stops sending soon after,
    and no temporary file or upload is left."""
    before = httpx.get(server.url + IMPORTS, headers=server.auth("analyst")).json()
    body, headers = multipart(200 * MiB)
    with Spooled(server) as spooled:
        r, took = send(server, "analyst", "POST", IMPORTS, body, headers)
    assert r.status_code == 413 and error_code(r) == "too_large", r.text[:300]
    assert "50 MB" in r.json()["error"]["message"]
    assert body.sent < MAX_BODY + SLACK, f"the client sent {body.sent / MiB:.0f} MiB"
    assert spooled.peak <= MAX_BODY
    assert took < 60
    assert settled(server) == 0, "a spooled temporary file was left open"
    uploads = server.home / "uploads"
    assert not uploads.exists() or not any(uploads.iterdir())
    after = httpx.get(server.url + IMPORTS, headers=server.auth("analyst")).json()
    assert after == before


@pytest.mark.slow
def test_not_allowed_refused_before_reading(server: Server) -> None:
    """A viewer (no data.import) gets 403 and an outsider 404 before any of the body is read;
    a declared Content-Length over the limit is refused before reading too."""
    for who, status, code in (
        ("viewer", 403, "forbidden"),
        ("outsider", 404, "unknown_workspace"),
    ):
        body, headers = multipart(200 * MiB)
        with Spooled(server) as spooled:
            r, _ = send(server, who, "POST", IMPORTS, body, headers)
        assert (r.status_code, error_code(r)) == (status, code), (who, r.text[:300])
        assert body.sent < SLACK and spooled.peak == 0, (who, body.sent, spooled.peak)
    # a raw request: httpx will not send fewer bytes than it declares
    host, port = server.url.removeprefix("http://").split(":")
    head = (
        f"POST {IMPORTS} HTTP/1.1\r\nHost: {host}\r\n"
        f"Authorization: Bearer {server.tokens['analyst']}\r\n"
        f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n"
        f"Content-Length: {60 * MiB}\r\n\r\n"
    )
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(head.encode() + b"x" * 16)
        answer = b""
        while chunk := sock.recv(65536):  # the server answers and closes the connection
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 413 ") and b'"too_large"' in answer, answer[:300]


def _send_slowly(server: Server, head: bytes, body: bytes) -> bytes:
    """``head``, the first 64 KB of ``body``, a pause (the server has decided by then), the
    rest; then the whole answer. Raises ``OSError`` when the connection was reset."""
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(head + body[: 64 * 2**10])
        time.sleep(0.5)
        sock.sendall(body[64 * 2**10 :])
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer


@pytest.mark.slow  # the server's start
def test_a_refused_body_of_a_few_mb_gets_its_413_not_a_reset(server: Server) -> None:
    """A member's 3 MB body to a form route (limit 2 MB): the server reads and drops the rest
    before it answers, so a client still sending reads the 413 instead of a reset connection —
    declared with Content-Length or chunked."""
    host = server.url.removeprefix("http://")
    path = "/api/v1/workspaces/main/publishing/posts"
    body = b'{"text": "' + b"x" * (3 * MiB) + b'"}'
    auth = f"Authorization: Bearer {server.tokens['analyst']}\r\n"
    declared = (
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\n{auth}Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode()
    answer = _send_slowly(server, declared, body)
    assert answer.startswith(b"HTTP/1.1 413 ") and b'"body_too_large"' in answer, answer[:300]
    chunked_head = (
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\n{auth}Content-Type: application/json\r\n"
        "Transfer-Encoding: chunked\r\n\r\n"
    ).encode()
    blocks = [body[i : i + 2**16] for i in range(0, len(body), 2**16)]
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(b), b) for b in blocks) + b"0\r\n\r\n"
    answer = _send_slowly(server, chunked_head, chunked)
    assert answer.startswith(b"HTTP/1.1 413 ") and b'"body_too_large"' in answer, answer[:300]


@pytest.mark.slow  # the server's start
def test_small_chunked_upload_still_works(server: Server) -> None:
    """A chunked body under the limit reaches the route as before (a metrics import: read,
    checked, refused for its content — not for its framing)."""
    body, headers = multipart(1000, name="metrics.csv")
    r, _ = send(server, "owner", "POST", "/api/v1/workspaces/main/metrics/imports", body, headers)
    assert r.status_code in (400, 422), r.text[:300]
    assert error_code(r) not in ("too_large", "unauthenticated", "forbidden")


def body_routes() -> list[tuple[str, str, bool]]:
    """Every route of the application that may take a body (POST, PUT, PATCH, DELETE): method,
    path, and whether FastAPI reads a body for it (form fields, a file or JSON)."""
    with tempfile.TemporaryDirectory() as home:
        app = create_app(Path(home))
    found: set[tuple[str, str, bool]] = set()

    def walk(routes: list[Any]) -> None:
        for route in routes:
            if isinstance(route, APIRoute):
                reads = route.body_field is not None
                found.update(
                    (m, route.path, reads)
                    for m in route.methods
                    if m in ("POST", "PUT", "PATCH", "DELETE")
                )
            elif getattr(route, "original_router", None) is not None:  # an included router
                walk(route.original_router.routes)

    walk(app.routes)
    return sorted(found)


def concrete(path: str) -> str:
    """A route path with its parameters filled: the workspace ``main``, ids nobody has."""
    path = path.replace("{ws}", "main").replace("{token}", "soi_x")
    return re.sub(r"\{[^}]+\}", "999999", path)


BODY_ROUTES = body_routes()


def test_every_body_route_is_covered() -> None:
    assert len(BODY_ROUTES) > 30  # the walk found the routers' routes
    routes = {(m, p) for m, p, _ in BODY_ROUTES}
    assert ("POST", "/login") in routes
    assert ("POST", "/api/v1/workspaces/{ws}/imports") in routes
    uploads = [p for _, p, _ in BODY_ROUTES if UPLOADS.match(concrete(p))]
    assert len(uploads) == 4, uploads
    media = [p for _, p, _ in BODY_ROUTES if MEDIA_UPLOADS.match(concrete(p))]
    assert len(media) == 2, media  # the media library, in the pages and the API
    # the Measure and Segments analyses of a file (issue 17), in the pages and the API
    analyses = [p for _, p, _ in BODY_ROUTES if ANALYSIS_UPLOADS.match(concrete(p))]
    assert len(analyses) == 16, analyses


@pytest.mark.slow
@pytest.mark.parametrize(("method", "path", "reads"), BODY_ROUTES, ids=lambda v: str(v))
def test_every_body_route_is_gated(server: Server, method: str, path: str, reads: bool) -> None:
    """Every route that may take a body: an anonymous chunked body is refused before any of it
    is read (401; the routes meant for callers not signed in stop at their small limit: 413),
    and the owner's body over the route's limit gets 413 — never is more than the limit read
    or spooled (a route that reads no body answers without reading it)."""
    url = concrete(path)
    upload = any(r.match(url) for r in (UPLOADS, MEDIA_UPLOADS, ANALYSIS_UPLOADS))
    body, headers = multipart(4 * MiB) if upload else form(4 * MiB)
    with Spooled(server) as spooled:
        r, _ = send(server, None, method, url, body, headers)
    if ANONYMOUS.match(url):
        assert r.status_code == 413 or not reads, r.text[:300]
        assert body.sent < ANON_BODY + SLACK
        assert spooled.peak == 0
        return
    assert r.status_code == 401 and body.sent < SLACK, r.text[:300]
    assert spooled.peak == 0
    limit = MAX_BODY if upload else FORM_BODY
    body, headers = multipart(limit + MiB) if upload else form(limit + MiB)
    with Spooled(server) as spooled:
        r, _ = send(server, server.fresh("owner"), method, url, body, headers)
    assert r.status_code == 413 if reads else r.status_code < 500, r.text[:300]
    assert body.sent < limit + SLACK and spooled.peak <= limit
