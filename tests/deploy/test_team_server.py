"""The team server for real: ``socialops serve --processes 2`` on PostgreSQL with Redis carrying
the signals between its processes, behind the real nginx (/usr/sbin/nginx) running the site of
``deploy/nginx/socialops.conf`` with a certificate made here.

Checked: pages over HTTPS through nginx; the client address recorded is the one nginx saw
(X-Forwarded-For believed from nginx only — a client's own header, through nginx or straight to
the server, changes nothing); a session made through one process is valid on both; a live
inbox event made by a request in one process reaches streams held by both processes (and
through nginx, unbuffered); a workspace removed and made again in one process is the new one
in both (no process keeps the old one). Which process holds a connection is read from /proc
(the socket's inode among the worker's open files), so "both processes" is seen, not assumed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import ipaddress
import json
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlalchemy import text

from databases import PG_URL, require_postgres, run_prefix
from socialops.engage.receive import Incoming, receive
from socialops.store.db import dispose_all
from socialops.store.workspace import Workspace
from socialops.web.accounts import Accounts

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
NGINX = Path("/usr/sbin/nginx")
REDIS = "redis://127.0.0.1:6379/0"
PASSWORD = "correct-horse-battery"
OWNER, AGENT = "owner@example.com", "agent@example.com"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1/localhost (its own CA for the clients)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    crt, pem = folder / "cert.pem", folder / "key.pem"
    crt.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    pem.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return crt, pem


def _nginx_conf(folder: Path, https_port: int, app_port: int, crt: Path, pem: Path) -> Path:
    """deploy/nginx/socialops.conf as shipped, with this test's ports, certificate and folders
    (the port-80 redirect left out: nothing binds 80 here)."""
    site = (REPO / "deploy/nginx/socialops.conf").read_text()
    site = site.replace("server 127.0.0.1:8000;", f"server 127.0.0.1:{app_port};")
    site = re.sub(r"server \{\s*listen 80;.*?\n\}\n", "", site, count=1, flags=re.S)
    site = site.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;")
    site = re.sub(r"\n\s*listen \[::\]:443[^\n]*", "", site)
    site = re.sub(r"ssl_certificate [^;]+;", f"ssl_certificate {crt};", site)
    site = re.sub(r"ssl_certificate_key [^;]+;", f"ssl_certificate_key {pem};", site)
    assert f"127.0.0.1:{app_port}" in site and f":{https_port} ssl" in site, site
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / sub).mkdir()
    conf = folder / "nginx.conf"
    conf.write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"daemon off;\nworker_processes 1;\npid {folder}/nginx.pid;\n"
        f"error_log {folder}/error.log warn;\n"
        "events { worker_connections 512; }\n"
        "http {\n"
        f"  access_log off;\n  client_body_temp_path {folder}/body;\n"
        f"  proxy_temp_path {folder}/proxy;\n  fastcgi_temp_path {folder}/fastcgi;\n"
        f"  uwsgi_temp_path {folder}/uwsgi;\n  scgi_temp_path {folder}/scgi;\n"
        f"{site}\n}}\n"
    )
    return conf


@dataclass
class Team:
    home: Path
    app_port: int
    https: str
    ca: ssl.SSLContext
    serve: subprocess.Popen[bytes]
    tokens: dict[str, str] = field(default_factory=dict)
    conversation: str = ""

    def workers(self) -> list[int]:
        """The web processes (the serve process's children that listen on its port)."""
        out = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            with contextlib.suppress(OSError, IndexError):
                stat = (entry / "stat").read_text()
                if int(stat.rsplit(")", 1)[1].split()[1]) == self.serve.pid:
                    out.append(int(entry.name))
        return out

    def client(self, source: str = "127.0.0.1", **kw: object) -> httpx.Client:
        """A client of nginx (HTTPS, trusting the test's certificate) from ``source``."""
        transport = httpx.HTTPTransport(local_address=source, verify=self.ca)
        return httpx.Client(base_url=self.https, transport=transport, timeout=60, **kw)  # type: ignore[arg-type]


# -- raw connections to the app port, each with the process that accepted it ---------------------
def _inode(server_port: int, client: tuple[str, int]) -> int | None:
    """The inode of the server side of the loopback connection from ``client``."""
    want_local = f"0100007F:{server_port:04X}"
    a, b, c, d = (int(x) for x in client[0].split("."))
    want_remote = f"{d:02X}{c:02X}{b:02X}{a:02X}:{client[1]:04X}"
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        cols = line.split()
        if cols[1] == want_local and cols[2] == want_remote and cols[9] != "0":
            return int(cols[9])
    return None


def _owner(team: Team, sock: socket.socket) -> int:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        inode = _inode(team.app_port, sock.getsockname())
        if inode is not None:
            target = f"socket:[{inode}]"
            for pid in team.workers():
                with contextlib.suppress(OSError):
                    for fd in os.listdir(f"/proc/{pid}/fd"):
                        with contextlib.suppress(OSError):
                            if os.readlink(f"/proc/{pid}/fd/{fd}") == target:
                                return pid
        time.sleep(0.05)
    raise AssertionError("no web process accepted the connection")


def _connect(team: Team, source: str = "127.0.0.1") -> tuple[socket.socket, int]:
    sock = socket.create_connection(("127.0.0.1", team.app_port), timeout=60)
    if source != "127.0.0.1":
        sock.close()
        sock = socket.socket()
        sock.settimeout(60)
        sock.bind((source, 0))
        sock.connect(("127.0.0.1", team.app_port))
    return sock, _owner(team, sock)


def _request(
    sock: socket.socket, method: str, path: str, headers: dict[str, str], body: bytes = b""
) -> tuple[int, bytes]:
    """One HTTP/1.1 request on ``sock`` (closed after): the status and the body."""
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    head += f"Content-Length: {len(body)}\r\n\r\n"
    sock.sendall(head.encode() + body)
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    sock.close()
    top, _, rest = data.partition(b"\r\n\r\n")
    if b"transfer-encoding: chunked" in top.lower():
        out = b""
        while rest:
            size, _, rest = rest.partition(b"\r\n")
            n = int(size, 16)
            if n == 0:
                break
            out, rest = out + rest[:n], rest[n + 2 :]
        rest = out
    return int(top.split(b" ", 2)[1]), rest


def _spread(team: Team, make: int = 40) -> Iterator[tuple[socket.socket, int]]:
    """Connections until both web processes have at least one (at most ``make``)."""
    seen: set[int] = set()
    for i in range(make):
        sock, pid = _connect(team)
        seen.add(pid)
        yield sock, pid
        if len(seen) == 2 and i >= 5:
            return
    raise AssertionError(f"{make} connections all went to {seen}")


# -- the server ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Team]:
    require_postgres()
    import redis

    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=2).ping()
    except redis.RedisError:
        pytest.fail("Redis is not running at 127.0.0.1:6379 (the team server's signals)")
    if not NGINX.exists():
        pytest.fail("nginx is not installed at /usr/sbin/nginx (Debian: nginx)")
    folder = tmp_path_factory.mktemp("team")
    home = folder / "home"
    env = {
        "SOCIALOPS_DATABASE_URL": PG_URL,
        "SOCIALOPS_DATABASE_SCHEMA_PREFIX": run_prefix(),
        "SOCIALOPS_REDIS_URL": REDIS,
        "SOCIALOPS_HOME": str(home),
    }
    mp = pytest.MonkeyPatch()
    for k, v in env.items():
        mp.setenv(k, v)
    accounts = Accounts(home)
    owner = accounts.add_user(OWNER, PASSWORD, name="Owner", role="owner")
    agent = accounts.add_user(AGENT, PASSWORD, name="Agent", role="agent")
    tokens = {"owner": accounts.create_token(owner.id), "agent": accounts.create_token(agent.id)}
    app_port, https_port = _free_port(), _free_port()
    child_env = {
        **os.environ,
        **env,
        "SOCIALOPS_WEB_WARM": "0",
        "SOCIALOPS_PUBLISH_IN_SERVE": "0",
        "SOCIALOPS_INBOX_IN_SERVE": "0",
        "SOCIALOPS_SCHEDULES_IN_SERVE": "0",
        "COLUMNS": "200",
    }
    child_env.pop("SOCIALOPS_FORWARDED_ALLOW_IPS", None)
    child_env.pop("FORWARDED_ALLOW_IPS", None)
    args = ["serve", "--processes", "2", "--port", str(app_port)]
    serve = subprocess.Popen(
        [sys.executable, "-m", "socialops", *args, "--forwarded-allow-ips", "127.0.0.1"],
        env=child_env,
        stdout=subprocess.DEVNULL,
        stderr=open(folder / "serve.err", "wb"),  # noqa: SIM115  (closed with the process)
        start_new_session=True,
    )
    crt, pem = _certificate(folder)
    conf = _nginx_conf(folder, https_port, app_port, crt, pem)
    nginx = subprocess.Popen(
        [str(NGINX), "-p", str(folder), "-c", str(conf), "-e", str(folder / "error.log")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,  # its error log is -e
        start_new_session=True,
    )
    try:
        yield from _started(folder, home, app_port, https_port, crt, serve, nginx, tokens)
    finally:
        for proc in (nginx, serve):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=40)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(timeout=10)
        dispose_all()
        mp.undo()


def _started(
    folder: Path,
    home: Path,
    app_port: int,
    https_port: int,
    crt: Path,
    serve: subprocess.Popen[bytes],
    nginx: subprocess.Popen[bytes],
    tokens: dict[str, str],
) -> Iterator[Team]:
    # the conversation, made while the server starts (migrations wait for each other)
    got = receive(
        Workspace.open(home),
        Incoming(
            source="demo",
            channel="kakao",
            thread_key="team-1",
            remote_id="team-1-a",
            author_handle="team-1",
            author_label="Kim",
            text="my card does not work",
            lang="en",
        ),
    )
    ca = ssl.create_default_context(cafile=str(crt))
    t = Team(home, app_port, f"https://127.0.0.1:{https_port}", ca, serve, tokens)
    t.conversation = got.conversation_id
    deadline = time.monotonic() + 240  # two processes importing the app on a busy machine
    answering: set[int] = set()  # the web processes seen answering
    while True:
        with contextlib.suppress(httpx.HTTPError, OSError, AssertionError), t.client() as c:
            if c.get("/login").status_code == 200:
                sock, pid = _connect(t)
                if _request(sock, "GET", "/login", {})[0] == 200:
                    answering.add(pid)
        if len(answering) == 2:
            break
        if serve.poll() is not None or nginx.poll() is not None:
            pytest.fail(
                f"did not start: serve {serve.returncode} "
                f"{(folder / 'serve.err').read_text()[-2000:]} nginx {nginx.returncode}"
            )
        if time.monotonic() > deadline:
            pytest.fail(f"serve --processes 2 behind nginx: {len(answering)} answering in 240 s")
        time.sleep(0.1)
    yield t


def _audit_ips(home: Path, email: str) -> list[tuple[str, str]]:
    with Accounts(home).connect() as con:
        rows = con.execute(
            text("SELECT action, ip FROM audit WHERE email = :e ORDER BY id"), {"e": email}
        ).all()
    return [(str(a), str(ip)) for a, ip in rows]


def _sign_in(client: httpx.Client, email: str, password: str) -> httpx.Response:
    form = client.get("/login")
    token = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert form.status_code == 200 and token, form.text[:500]
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf": token.group(1)},
        follow_redirects=False,
    )


# -- the tests -----------------------------------------------------------------------------------
def test_https_and_the_client_address_through_nginx(team: Team) -> None:
    """Signed in through nginx from 127.0.0.7 with a forged X-Forwarded-For: the address
    recorded is 127.0.0.7 (nginx replaces the header, the server believes nginx); the cookie
    is Secure (X-Forwarded-Proto: https believed). Straight to the server from 127.0.0.9 with a
    forged header: 127.0.0.9 is recorded (not a trusted proxy)."""
    forged = {"X-Forwarded-For": "203.0.113.50"}
    with team.client("127.0.0.7", headers=forged) as c:
        r = _sign_in(c, AGENT, PASSWORD)
        assert r.status_code == 303, r.text[:300]
        assert "secure" in r.headers["set-cookie"].lower()
        assert c.get("/account").status_code == 200
    sock, _pid = _connect(team, "127.0.0.9")
    body = f"email={OWNER}&password=wrong-horse-battery&csrf=x".encode()
    status, _ = _request(
        sock,
        "POST",
        "/login",
        {**forged, "Content-Type": "application/x-www-form-urlencoded"},
        body,
    )
    assert status in (400, 401, 403), status
    agent_ips = {ip for action, ip in _audit_ips(team.home, AGENT) if action == "auth.sign_in"}
    assert agent_ips == {"127.0.0.7"}, agent_ips
    owner_ips = {ip for _a, ip in _audit_ips(team.home, OWNER)}
    assert "203.0.113.50" not in owner_ips, owner_ips


def test_a_session_from_one_process_is_valid_on_both(team: Team) -> None:
    with team.client() as c:
        assert _sign_in(c, OWNER, PASSWORD).status_code == 303
        cookie = "; ".join(f"{k}={v}" for k, v in c.cookies.items())
    served: dict[int, list[int]] = {}
    for sock, pid in _spread(team):
        status, _ = _request(sock, "GET", "/account", {"Cookie": cookie})
        served.setdefault(pid, []).append(status)
    assert len(served) == 2, served
    assert all(s == 200 for statuses in served.values() for s in statuses), served
    # and through nginx, many requests (spread over the processes by the kernel)
    with team.client() as c:
        c.cookies.update(dict(kv.split("=", 1) for kv in cookie.split("; ")))
        statuses = [c.get("/account").status_code for _ in range(30)]
    assert statuses == [200] * 30, statuses


class _Stream(threading.Thread):
    """One live inbox stream on a raw connection: the events it reads, with when."""

    def __init__(self, sock: socket.socket, token: str) -> None:
        super().__init__(daemon=True)
        self.sock = sock
        self.events: list[tuple[float, str]] = []
        self.ready = threading.Event()
        head = (
            "GET /w/main/inbox/events?wait=60 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Authorization: Bearer {token}\r\nAccept: text/event-stream\r\n\r\n"
        )
        sock.sendall(head.encode())

    def run(self) -> None:
        buf = b""
        with contextlib.suppress(OSError):
            while chunk := self.sock.recv(65536):
                buf += chunk
                for kind in re.findall(rb"event: (\w+)\n", buf):
                    if kind == b"hello":
                        self.ready.set()
                    else:
                        self.events.append((time.monotonic(), kind.decode()))
                buf = buf[buf.rfind(b"\n") + 1 :]


def test_a_live_event_reaches_streams_on_both_processes(team: Team) -> None:
    """Streams held by both processes (and one through nginx); an assignment made by a request
    reaches every one of them — at least one is on the other process than the request's."""
    streams: list[tuple[int, _Stream]] = []
    for sock, pid in _spread(team, make=30):
        s = _Stream(sock, team.tokens["agent"])
        s.start()
        streams.append((pid, s))
    assert len({pid for pid, _ in streams}) == 2
    for _pid, s in streams:
        assert s.ready.wait(30), "a stream did not start"
    via_nginx: list[tuple[float, str]] = []
    nginx_ready = threading.Event()

    def through_nginx() -> None:
        with (
            team.client() as c,
            c.stream(
                "GET",
                "/w/main/inbox/events",
                params={"wait": 30},
                headers={"Authorization": f"Bearer {team.tokens['agent']}"},
            ) as r,
        ):
            for line in r.iter_lines():
                if line == "event: hello":
                    nginx_ready.set()
                elif line.startswith("event: "):
                    via_nginx.append((time.monotonic(), line[7:]))
                    return

    threading.Thread(target=through_nginx, daemon=True).start()
    assert nginx_ready.wait(30)
    sent = time.monotonic()
    with team.client(headers={"Authorization": f"Bearer {team.tokens['agent']}"}) as c:
        r = c.post(
            f"/api/v1/workspaces/main/conversations/{team.conversation}/assign", json={"me": True}
        )
    assert r.status_code == 200, r.text
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if all(any(k == "assigned" for _t, k in s.events) for _p, s in streams) and via_nginx:
            break
        time.sleep(0.05)
    took = {
        pid: min(t for t, k in s.events if k == "assigned") - sent
        for pid, s in streams
        if any(k == "assigned" for _t, k in s.events)
    }
    missing = [pid for pid, s in streams if not any(k == "assigned" for _t, k in s.events)]
    assert not missing, f"streams on {missing} never got the event"
    assert via_nginx and via_nginx[0][1] == "assigned", via_nginx
    late = max(t for _p, s in streams for t, k in s.events if k == "assigned") - sent
    print(f"assigned seen by {len(streams)} streams, the last {late * 1000:.0f} ms after")
    # by the signal, not the 3-second fallback read
    assert late < 2.5, took
    for _pid, s in streams:
        with contextlib.suppress(OSError):
            s.sock.shutdown(socket.SHUT_RDWR)


def test_a_workspace_made_again_is_the_new_one_in_both_processes(team: Team) -> None:
    """Removed and made again (same id) through one process: no process keeps the old one."""
    bearer = {"Authorization": f"Bearer {team.tokens['owner']}"}
    api = "/api/v1/workspaces"
    with team.client(headers=bearer) as c:
        assert c.post(api, json={"slug": "brand2", "name": "Brand 2"}).status_code == 201
        topic = {"name": "old", "query": "old", "kind": "brand"}
        assert c.post(f"{api}/brand2/topics", json=topic).status_code == 201
    for sock, _pid in _spread(team):  # both processes open (and keep) the workspace
        status, body = _request(sock, "GET", f"{api}/brand2/topics", bearer)
        assert status == 200 and b'"old"' in body, (status, body[:300])
    with team.client(headers=bearer) as c:
        assert c.delete(f"{api}/brand2").status_code == 200
        assert c.post(api, json={"slug": "brand2", "name": "Brand 2"}).status_code == 201
        topic = {"name": "new", "query": "new", "kind": "brand"}
        assert c.post(f"{api}/brand2/topics", json=topic).status_code == 201
    answers: dict[int, list[tuple[int, list[str]]]] = {}
    for sock, pid in _spread(team):
        status, body = _request(sock, "GET", f"{api}/brand2/topics", bearer)
        names = [t["name"] for t in json.loads(body)] if status == 200 else [body.decode()[:200]]
        answers.setdefault(pid, []).append((status, names))
    assert len(answers) == 2
    for pid, got in answers.items():
        assert all(a == (200, ["new"]) for a in got), (pid, got)
