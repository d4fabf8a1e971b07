"""Soak, fault and security run of the team server: 50 simulated users on loopback against
``socialops serve`` (N web processes) and one ``socialops worker`` on a PostgreSQL of its own,
bounded in time and in requests, stopping by itself.

    .venv/bin/python bench/soak.py [--duration 600] [--users 50] [--processes 2]
                                   [--faults full|ci|none] [--json OUT]

What it sets up (in a fresh temporary folder, removed at the end unless ``--keep``):

- a PostgreSQL instance of its own (``initdb``/``pg_ctl`` from /usr/local/bin, a free port, its
  own data folder; the shared server at 127.0.0.1:5432 is never touched);
- the socialops home on a small tmpfs (so the store's disk can be made full);
- mastodon-mock (the real local Mastodon API of the publishing tests) as the publishing target;
- through the real CLI (in one process): an owner, an agent and a decoy user, an API token, two
  Mastodon profiles, 300 airline tweets imported and enriched, two topics, 60 conversations of
  ../shared/data/airline_care imported into the inbox;
- ``socialops serve --processes N`` (or, where serve has no such flag, N ``serve`` processes on one
  home) with the in-serve publisher off, and one ``socialops worker``.

The load: each user signs in through /login (pages) or uses the API token, and until the time is
up (or ``--max-requests`` is reached) picks, with a think time of 1-3 s: the dashboard, posts
explorer, topics and inbox pages; API reads; an upload of 5 new tweets (CSV cut from
../shared/data/airline_tweets/Tweets.csv); an inbox reply on an imported conversation; a post
scheduled a few seconds ahead on a Mastodon profile; and hostile input (an XLSX zip bomb, a
body over the limit, a CSV with formula cells, a CSV with rows the importer quarantines, garbage
bytes, wrong passwords against the decoy user).

Faults (``full``: all, at set moments; ``ci``: the ones that recover within seconds): the
PostgreSQL server stopped and started again, the worker killed with SIGKILL and started again,
the store's disk full (the tmpfs filled, then freed), mastodon-mock answering 429 (``ci`` and
``full``), 500 and a timeout (``full``; their retries wait 60 s and 30 s).

Report: requests and p95 per route, the 5xx outside fault windows (must be 0), what users were
told inside them (each 5xx must be a clear message, no traceback), RSS per process after the
warm-up and at the end (growth < 10 %), and the counts: rows uploaded = rows imported (the
imported count and the store's total both), replies sent = replies stored, each scheduled post
published exactly once on the Mastodon server.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import io
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _soak_env import (
    MASTODON_USERS,
    REPO,
    Mastodon,
    OwnPostgres,
    Tmpfs,
    free_port,
    memory_kinds,
    python,
    stop_proc,
    tree_rss,
    wait_http,
)

PASSWORD = "soak-시험-비밀번호-42"
OWNER, AGENT, DECOY = "owner@soak.test", "agent@soak.test", "decoy@soak.test"
WS = "main"
API = f"/api/v1/workspaces/{WS}"
INITIAL_ROWS = 100
UPLOAD_ROWS = 5
CONVERSATIONS = 60
HANGUL = re.compile(r"[\uac00-\ud7a3]")
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def data_dir() -> Path:
    env = os.environ.get("SOCIALOPS_DATA_DIR")
    d = Path(env) if env else REPO.parent / "shared" / "data"
    if not d.is_dir():
        raise SystemExit(f"sample data not found at {d}: set SOCIALOPS_DATA_DIR")
    return d


def pct(values: list[float], p: float) -> float:
    if not values:
        return -1.0
    xs = sorted(values)
    k = max(0, min(len(xs) - 1, round(p / 100 * len(xs) + 0.5) - 1))
    return xs[k]


# -- the tweets, cut into files ------------------------------------------------------------------


def _counts(rows: Any) -> dict[str, int]:
    """``(key, count)`` rows as a dict (keys as text)."""
    return {str(k): int(v) for k, v in rows}


class Tweets:
    """Rows of Tweets.csv with distinct ids, handed out once each (no two uploads share an id)."""

    def __init__(self, path: Path) -> None:
        with path.open(encoding="utf-8", newline="") as f:
            reader = csv.reader(f)
            self.header = next(reader)
            seen: set[str] = set()
            self.rows: list[list[str]] = []
            for row in reader:
                if row and row[0] not in seen and row[10].strip():
                    seen.add(row[0])
                    self.rows.append(row)
        self.next = 0

    def take(self, n: int) -> list[list[str]]:
        if self.next + n > len(self.rows):
            raise IndexError("out of distinct tweets")
        out = self.rows[self.next : self.next + n]
        self.next += n
        return out

    def csv_bytes(self, rows: list[list[str]]) -> bytes:
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(self.header)
        w.writerows(rows)
        return buf.getvalue().encode("utf-8")


def zip_bomb(path: Path, mib: int = 300) -> Path:
    """An XLSX whose sheet inflates to ``mib`` MiB (about 300 KB on disk): what the importer's
    decompression limits must refuse without inflating it."""
    import openpyxl

    base = path.with_name("base.xlsx")
    wb = openpyxl.Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.append(["tweet_id", "text", "tweet_created"])
    wb.save(base)
    row = b'<row><c t="inlineStr"><is><t>' + b"A" * 1000 + b"</t></is></c></row>"
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            if item.filename == "xl/worksheets/sheet1.xml":
                with dst.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as out:
                    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
                    out.write(f'<?xml version="1.0"?><worksheet xmlns="{ns}"><sheetData>'.encode())
                    block = row * 1024
                    for _ in range(mib):
                        out.write(block)
                    out.write(b"</sheetData></worksheet>")
            else:
                dst.writestr(item, src.read(item.filename))
    base.unlink()
    return path


# -- set-up through the real CLI, in one process -------------------------------------------------
def setup_child(work: Path) -> None:
    """Runs in a child process with the soak's environment: the CLI's commands one after the
    other (one interpreter start instead of nine), their output kept in setup.json."""
    from socialops.cli.main import main

    out: dict[str, Any] = {"steps": {}}

    def cli(name: str, *args: str, stdin: str | None = None) -> str:
        t0 = time.perf_counter()
        buf = io.StringIO()
        old_in = sys.stdin
        if stdin is not None:
            sys.stdin = io.StringIO(stdin + "\n")
        try:
            with contextlib.redirect_stdout(buf):
                main(list(args))
        except SystemExit as stop:
            if stop.code not in (0, None):
                msg = f"setup step {name} failed ({stop.code}): {buf.getvalue()}"
                raise SystemExit(msg) from None
        finally:
            sys.stdin = old_in
        out["steps"][name] = round(time.perf_counter() - t0, 2)
        return buf.getvalue()

    mm = json.loads((work / "mastodon.json").read_text())
    cli("owner", "user", "add", OWNER, "--role", "owner", "--name", "소유자", "--password-stdin",
        stdin=PASSWORD)  # fmt: skip
    cli("agent", "user", "add", AGENT, "--role", "agent", "--name", "상담원", "--password-stdin",
        stdin=PASSWORD)  # fmt: skip
    cli("decoy", "user", "add", DECOY, "--role", "viewer", "--password-stdin", stdin=PASSWORD)
    printed = cli("token", "token", "create", OWNER, "--name", "soak")
    tokens = re.findall(r"\S{30,}", printed)
    if not tokens:
        raise SystemExit(f"no token printed: {printed!r}")
    out["token"] = tokens[-1]
    for user, token in MASTODON_USERS.items():
        cli(f"profile-{user}", "profiles", "connect", "mastodon", "--name", user,
            "--instance", mm["url"], "--access-token-stdin", stdin=token)  # fmt: skip
    cli("import", "import", str(work / "initial.csv"), "--preset", "airline-tweets")
    cli("enrich", "enrich")
    cli("topic-united", "topic", "add", "United", "-q", "united", "-k", "brand")
    cli("topic-delta", "topic", "add", "Delta", "-q", "delta", "-k", "competitor")
    conv = data_dir() / "airline_care" / "conversations.csv.gz"
    cli("inbox", "inbox", "import", str(conv), "--limit", str(CONVERSATIONS))
    (work / "setup.json").write_text(json.dumps(out), encoding="utf-8")


# -- the record of every request -----------------------------------------------------------------
@dataclass
class Hit:
    at: float  # seconds since the load began
    route: str
    status: int  # 0: no answer (connection refused, timed out)
    ms: float
    clear: bool = True  # a 5xx: its body is a clear message (no traceback)
    body: str = ""


@dataclass
class Ledger:
    """What the users did that must be found again at the end."""

    rows_sent: int = 0  # rows in uploads answered 201
    rows_imported: int = 0  # what those answers said was imported
    rows_quarantined: int = 0
    good_ids: set[str] = field(default_factory=set)
    replies: Counter[str] = field(default_factory=Counter)  # conversation → replies answered 201
    posts: dict[str, str] = field(default_factory=dict)  # post id → text
    hostile: Counter[str] = field(default_factory=Counter)  # kind:status


@dataclass
class Fault:
    name: str
    start: float
    end: float = -1.0
    note: str = ""


class Run:
    def __init__(self, args: argparse.Namespace, work: Path) -> None:
        self.args = args
        self.work = work
        self.hits: list[Hit] = []
        self.ledger = Ledger()
        self.faults: list[Fault] = []
        self.t0 = 0.0
        self.stop_at = 0.0
        self.requests = 0
        self.pending_uploads: list[tuple[str, bytes, int, list[str]]] = []
        self.tweets = Tweets(data_dir() / "airline_tweets" / "Tweets.csv")
        self.conversations: list[str] = []
        self.token = ""
        self.urls: list[str] = []
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        self.rss: dict[str, dict[str, int]] = {}
        self.rss_kinds: dict[str, dict[str, dict[str, int]]] = {}
        self.read_at: dict[str, dict[str, float]] = {}  # label -> process -> s into the load
        self.timeline: dict[str, list[tuple[float, float]]] = {}  # process -> (s, MiB)
        self.logs: list[Any] = []
        self.seen_pids: set[int] = set()
        self.dead_pids: set[int] = set()
        self.warmed: set[int] = set()  # web processes that logged their warm-up done
        self.log_read: dict[Path, int] = {}  # bytes of each serve log read for that

    # -- processes ---------------------------------------------------------------------------
    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "SOCIALOPS_HOME": str(self.home),
            "SOCIALOPS_DATABASE_URL": self.pg.url,
            "SOCIALOPS_DATABASE_SCHEMA_PREFIX": "soak",
            "SOCIALOPS_PUBLISH_IN_SERVE": "0",  # the worker publishes (and is killed)
            "SOCIALOPS_LANG": "ko",
            "COLUMNS": "200",
            # info: each web process logs "warm-up done" (with its pid) once its caches and
            # models are loaded, which is when its memory is read as warm (warm_pids)
            "SOCIALOPS_LOG_LEVEL": "info",
            # as in production, whatever the caller's environment says (the tests turn it off)
            "SOCIALOPS_WEB_WARM": "1",
            "SOCIALOPS_LOG_FORMAT": "json",
        }

    def warm_pids(self) -> set[int]:
        """The web processes whose log says their warm-up is done (each log read on from
        where the last call stopped: at info level it gains a line a request)."""
        for log in self.work.glob("serve*.log"):
            with log.open("rb") as f:
                f.seek(self.log_read.get(log, 0))
                for line in f:
                    if not line.endswith(b"\n"):
                        break  # a line still being written: read it whole next time
                    self.log_read[log] = self.log_read.get(log, 0) + len(line)
                    if b'"warm-up done"' not in line:
                        continue
                    with contextlib.suppress(ValueError, KeyError, TypeError):
                        self.warmed.add(int(json.loads(line)["pid"]))
        return set(self.warmed)

    def popen(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        log = (self.work / f"{name}.log").open("ab")
        self.logs.append(log)
        proc = subprocess.Popen(
            [python(), "-m", "socialops", *args],
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=self.work,
        )
        self.procs[name] = proc
        return proc

    def start_servers(self) -> str:
        n = self.args.processes
        helps = subprocess.run(
            [python(), "-m", "socialops", "serve", "--help"],
            env=self.env(),
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        if "--processes" in helps:
            port = free_port()
            proc = self.popen("serve", "serve", "--port", str(port), "--processes", str(n))
            self.urls = [f"http://127.0.0.1:{port}"]
            wait_http(self.urls[0], proc, self.work / "serve.log")
            mode = f"serve --processes {n}"
        else:
            for i in range(n):
                port = free_port()
                proc = self.popen(f"serve{i}", "serve", "--port", str(port))
                self.urls.append(f"http://127.0.0.1:{port}")
            for i, url in enumerate(self.urls):
                wait_http(url, self.procs[f"serve{i}"], self.work / f"serve{i}.log")
            mode = f"{n} x serve (one home; serve has no --processes yet)"
        self.popen("worker", "worker", "--poll", "1")
        return mode

    def web_pids(self) -> set[int]:
        """The web processes now (``serve``'s children under --processes, else the serves)."""
        import psutil

        out: set[int] = set()
        for name, proc in self.procs.items():
            if name.startswith("serve"):
                try:
                    kids = psutil.Process(proc.pid).children()
                except psutil.Error:
                    kids = []
                for k in kids:
                    try:
                        if "resource_tracker" not in " ".join(k.cmdline()):
                            out.add(k.pid)
                    except psutil.Error:  # ended (a zombie until reaped)
                        self.dead_pids.add(k.pid)
                if not kids:
                    out.add(proc.pid)
        return out

    async def watch_task(self) -> None:
        """Every second: which web processes there are (a replaced one is a restart)."""
        while self.running():
            self.seen_pids.update(self.web_pids())
            await asyncio.sleep(1)

    def sample_rss(
        self, label: str, *, min_age_s: float = 0.0, warm: set[int] | None = None
    ) -> None:
        """RSS of every process (``min_age_s``: only of those alive that long, and not read
        already: a process started again by a fault is read once it is as warm as the rest;
        ``warm``: a web process only once its pid is among these)."""
        import psutil

        out = self.rss.setdefault(label, {})
        web = self.web_pids() if warm is not None else set()
        for name, proc in self.procs.items():
            for pid, rss in tree_rss(proc.pid).items():
                key = f"{name}:{pid}"
                if key in out:
                    continue
                if warm is not None and pid in web and pid not in warm:
                    continue  # still loading: its loading is not growth
                if min_age_s:
                    try:
                        age = time.time() - psutil.Process(pid).create_time()
                    except psutil.Error:
                        continue
                    if age < min_age_s:
                        continue
                out[key] = rss
                self.read_at.setdefault(label, {})[key] = round(self.now(), 1)
                if label in ("warm", "end"):
                    self.rss_kinds.setdefault(label, {})[key] = memory_kinds(pid)

    async def timeline_task(self) -> None:
        """RSS of every process each 30 s: whether the growth levels off."""
        while self.running():
            at = round(self.now(), 1)
            for name, proc in self.procs.items():
                for pid, rss in tree_rss(proc.pid).items():
                    self.timeline.setdefault(f"{name}:{pid}", []).append(
                        (at, round(rss / 2**20, 1))
                    )
            await asyncio.sleep(30)

    # -- set-up ------------------------------------------------------------------------------
    def setup(self) -> dict[str, Any]:
        t0 = time.perf_counter()
        self.pg = OwnPostgres(self.work / "pg")
        self.pg.init()
        self.store = Tmpfs(self.work / "home", self.args.store_mb)
        self.home = self.store.path
        self.mm = Mastodon(self.work / "mastodon")
        (self.work / "initial.csv").write_bytes(
            self.tweets.csv_bytes(self.tweets.take(INITIAL_ROWS))
        )
        self.bomb = zip_bomb(self.work / "bomb.xlsx")
        self.mm.wait()
        (self.work / "mastodon.json").write_text(json.dumps({"url": self.mm.url}))
        done = subprocess.run(
            [python(), __file__, "--setup-child", str(self.work)],
            env=self.env(),
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
        )
        if done.returncode != 0:
            raise SystemExit(f"set-up failed: {done.stdout[-2000:]}\n{done.stderr[-3000:]}")
        info = json.loads((self.work / "setup.json").read_text())
        self.token = info["token"]
        mode = self.start_servers()
        h = {"Authorization": f"Bearer {self.token}"}
        for _attempt in range(10):
            try:
                with httpx.Client(base_url=self.urls[0], timeout=60, headers=h) as c:
                    r = c.get(f"{API}/conversations", params={"per_page": 100})
                    r.raise_for_status()
                    self.conversations = [x["conversation_id"] for x in r.json()["items"]]
                    break
            except httpx.HTTPError as exc:
                print(f"setup: conversations not read yet ({exc!r}), again", file=sys.stderr)
                time.sleep(2)
        # the load starts once every web process has warmed up (caches and models loaded): a
        # busy machine can take longer than the warm-up part of the run, and loading read as
        # growth is no leak
        waited = time.perf_counter()
        while time.perf_counter() - waited < self.args.warm_wait:
            web = self.web_pids()
            if web and web <= self.warm_pids():
                break
            time.sleep(0.5)
        else:
            print(
                "setup: the web processes had not warmed up, load started anyway", file=sys.stderr
            )
        return {
            "seconds": round(time.perf_counter() - t0, 1),
            "mode": mode,
            "warm_wait_s": round(time.perf_counter() - waited, 1),
            **info["steps"],
        }

    # -- the load ----------------------------------------------------------------------------
    def now(self) -> float:
        return time.monotonic() - self.t0

    def in_fault(self, at: float, ms: float = 0.0) -> Fault | None:
        """The fault whose window the request ``[at, at + ms]`` overlaps (a slow page asked
        before the database went away and answered while it was away is the fault's)."""
        for f in self.faults:
            end = f.end if f.end >= 0 else float("inf")
            if at <= end + self.args.grace and at + ms / 1000 >= f.start - 1:
                return f
        return None

    async def call(
        self, c: httpx.AsyncClient, route: str, method: str, url: str, **kw: Any
    ) -> httpx.Response | None:
        at = self.now()
        t = time.perf_counter()
        self.requests += 1
        try:
            r = await c.request(method, url, **kw)
        except httpx.HTTPError as exc:
            self.hits.append(Hit(at, route, 0, (time.perf_counter() - t) * 1000, False, repr(exc)))
            return None
        ms = (time.perf_counter() - t) * 1000
        hit = Hit(at, route, r.status_code, ms)
        if r.status_code >= 500:
            body = r.text
            hit.body = body[:300]
            lower = body.lower()
            hit.clear = (
                "traceback" not in lower
                and "internal server error" not in lower
                and bool(HANGUL.search(body))
            )
        self.hits.append(hit)
        return r

    def running(self) -> bool:
        return time.monotonic() < self.stop_at and self.requests < self.args.max_requests

    async def sign_in(self, c: httpx.AsyncClient, email: str) -> bool:
        for _ in range(20):
            form = await self.call(c, "GET /login", "GET", "/login")
            m = CSRF.search(form.text) if form is not None else None
            if m is not None:
                r = await self.call(
                    c, "POST /login", "POST", "/login",
                    data={"email": email, "password": PASSWORD, "csrf": m.group(1)},
                )  # fmt: skip
                if r is not None and r.status_code == 303:
                    return True
            await asyncio.sleep(1)
        return False

    async def browser(self, i: int) -> None:
        """A person in the pages: dashboard, posts explorer, topics, inbox (and a topic page)."""
        url = self.urls[i % len(self.urls)]
        async with httpx.AsyncClient(base_url=url, timeout=60) as c:
            await asyncio.sleep(random.uniform(0, 5))
            if not await self.sign_in(c, AGENT if i % 3 == 0 else OWNER):
                return
            pages = [
                ("GET /w/{ws}", f"/w/{WS}"),
                ("GET /w/{ws}/posts", f"/w/{WS}/posts"),
                ("GET /w/{ws}/posts?q", f"/w/{WS}/posts?q=delay"),
                ("GET /w/{ws}/topics", f"/w/{WS}/topics"),
                ("GET /w/{ws}/topics/{name}", f"/w/{WS}/topics/United"),
                ("GET /w/{ws}/inbox", f"/w/{WS}/inbox"),
                ("GET /w/{ws}/publishing", f"/w/{WS}/publishing"),
            ]
            while self.running():
                route, path = random.choice(pages)
                await self.call(c, route, "GET", path)
                await asyncio.sleep(random.uniform(1, 3))

    async def api_user(self, i: int) -> None:
        url = self.urls[i % len(self.urls)]
        headers = {"Authorization": f"Bearer {self.token}"}
        async with httpx.AsyncClient(base_url=url, timeout=90, headers=headers) as c:
            await asyncio.sleep(random.uniform(0, 5))
            actions = [
                (self.api_reads, 8),
                (self.upload, 2),
                (self.reply, 3),
                (self.schedule, 3),
                (self.hostile, 1),
            ]
            if self.args.mix == "uploads":  # which part of the load makes memory grow
                actions = [(self.upload, 1)]
            funcs = [a for a, _ in actions]
            weights = [w for _, w in actions]
            while self.running():
                await random.choices(funcs, weights)[0](c)
                await asyncio.sleep(random.uniform(1, 3))

    async def api_reads(self, c: httpx.AsyncClient) -> None:
        reads = [
            ("GET /api/v1/…/posts", f"{API}/posts", {"per_page": 20}),
            ("GET /api/v1/…/conversations", f"{API}/conversations", {"per_page": 20}),
            ("GET /api/v1/…/publishing/posts", f"{API}/publishing/posts", {"per_page": 20}),
            ("GET /api/v1/…/topics", f"{API}/topics", {}),
            ("GET /api/v1/…/imports", f"{API}/imports", {}),
        ]
        route, path, params = random.choice(reads)
        await self.call(c, route, "GET", path, params=params)

    async def _upload(
        self, c: httpx.AsyncClient, route: str, name: str, body: bytes, good: int, ids: list[str]
    ) -> None:
        files = {"file": (name, body, "text/csv")}
        r = await self.call(
            c, route, "POST", f"{API}/imports", files=files, data={"preset": "airline-tweets"}
        )
        if r is not None and r.status_code == 201:
            got = r.json()
            self.ledger.rows_sent += good
            self.ledger.rows_imported += int(got.get("imported", 0))
            self.ledger.rows_quarantined += int(got.get("quarantined", 0))
            self.ledger.good_ids.update(ids)
        elif r is None or r.status_code >= 500 or r.status_code == 409:
            # refused while a fault lasted (or no answer): the user tries again later
            self.pending_uploads.append((name, body, good, ids))

    async def upload(self, c: httpx.AsyncClient) -> None:
        if self.pending_uploads and self.in_fault(self.now()) is None:
            name, body, good, ids = self.pending_uploads.pop(0)
            await self._upload(c, "POST /api/v1/…/imports (again)", name, body, good, ids)
            return
        rows = self.tweets.take(UPLOAD_ROWS)
        body = self.tweets.csv_bytes(rows)
        await self._upload(
            c, "POST /api/v1/…/imports", "tweets.csv", body, len(rows), [r[0] for r in rows]
        )

    async def reply(self, c: httpx.AsyncClient) -> None:
        conv = random.choice(self.conversations)
        text = f"불편을 드려 죄송합니다. 확인 후 안내드리겠습니다. ({uuid.uuid4().hex[:8]})"
        r = await self.call(
            c, "POST /api/v1/…/conversations/{id}/messages", "POST",
            f"{API}/conversations/{conv}/messages", json={"text": text},
        )  # fmt: skip
        if r is not None and r.status_code == 201:
            self.ledger.replies[conv] += 1

    async def schedule(self, c: httpx.AsyncClient) -> None:
        text = f"겨울 특가 안내 {uuid.uuid4().hex[:12]}"
        at = datetime.now(UTC) + timedelta(seconds=random.uniform(2, 15))
        r = await self.call(
            c, "POST /api/v1/…/publishing/posts", "POST", f"{API}/publishing/posts",
            json={"profiles": [random.choice(list(MASTODON_USERS))], "text": text,
                  "at": at.isoformat(timespec="seconds")},
        )  # fmt: skip
        if r is not None and r.status_code == 201:
            for p in r.json()["posts"]:
                self.ledger.posts[p["post_id"]] = text

    async def hostile(self, c: httpx.AsyncClient) -> None:
        kind = random.choice(["bomb", "big_body", "formula", "quarantine", "garbage", "password"])
        r: httpx.Response | None
        if kind == "bomb":
            r = await self.call(
                c, "POST imports (zip bomb)", "POST", f"{API}/imports",
                files={"file": ("bomb.xlsx", self.bomb.read_bytes(), "application/octet-stream")},
                data={"preset": "airline-tweets"},
            )  # fmt: skip
        elif kind == "big_body":  # 3 MB of JSON where 2 MB is the limit
            r = await self.call(
                c, "POST publishing/posts (3 MB)", "POST", f"{API}/publishing/posts",
                content=b'{"profiles":["sora"],"text":"' + b"a" * (3 * 2**20) + b'"}',
                headers={"Content-Type": "application/json"},
            )  # fmt: skip
        elif kind == "formula":  # formula cells (CSV injection): imported as text
            rows = self.tweets.take(3)
            for row in rows:
                row[10] = '=HYPERLINK("http://127.0.0.1/x","클릭") ' + row[10]
            body = self.tweets.csv_bytes(rows)
            await self._upload(
                c, "POST imports (formulas)", "formulas.csv", body, 3, [r[0] for r in rows]
            )
            self.ledger.hostile["formula:sent"] += 1
            return
        elif kind == "quarantine":  # 3 good rows, 2 the importer must quarantine
            rows = self.tweets.take(5)
            for row in rows[3:]:
                row[12] = "어제 저녁쯤"  # no date the importer can read
                row[10] = ""
            body = self.tweets.csv_bytes(rows)
            await self._upload(
                c, "POST imports (bad rows)", "bad_rows.csv", body, 3, [r[0] for r in rows[:3]]
            )
            self.ledger.hostile["quarantine:sent"] += 1
            return
        elif kind == "garbage":
            r = await self.call(
                c, "POST imports (garbage)", "POST", f"{API}/imports",
                files={"file": ("junk.csv", os.urandom(4096), "text/csv")},
                data={"preset": "airline-tweets"},
            )  # fmt: skip
        else:  # wrong passwords against the decoy, in a fresh cookie jar
            async with httpx.AsyncClient(base_url=str(c.base_url), timeout=60) as anon:
                form = await self.call(anon, "GET /login", "GET", "/login")
                m = CSRF.search(form.text) if form is not None else None
                if m is None:
                    return
                wrong = {
                    "email": DECOY,
                    "password": f"wrong-{uuid.uuid4().hex}",
                    "csrf": m.group(1),
                }
                r = await self.call(
                    anon, "POST /login (wrong password)", "POST", "/login", data=wrong
                )
        self.ledger.hostile[f"{kind}:{r.status_code if r is not None else 0}"] += 1

    # -- faults ------------------------------------------------------------------------------
    def plan(self) -> list[tuple[float, str]]:
        d = self.args.duration
        if self.args.faults == "none":
            return []
        if self.args.faults == "ci":
            return [(0.3 * d, "worker_kill"), (0.5 * d, "postgres_restart"),
                    (0.65 * d, "disk_full"), (0.75 * d, "connector_429")]  # fmt: skip
        return [(0.2 * d, "postgres_restart"), (0.35 * d, "worker_kill"),
                (0.5 * d, "disk_full"), (0.6 * d, "connector_429"),
                (0.65 * d, "connector_500"), (0.7 * d, "connector_timeout")]  # fmt: skip

    async def faults_task(self) -> None:
        for at, name in self.plan():
            await asyncio.sleep(max(0.0, at - self.now()))
            if not self.running():
                return
            f = Fault(name, self.now())
            self.faults.append(f)
            await getattr(self, f"fault_{name}")(f)
            f.end = self.now()

    async def fault_postgres_restart(self, f: Fault) -> None:
        down = 3.0 if self.args.faults == "ci" else 8.0
        await asyncio.to_thread(self.pg.stop, "fast")
        await asyncio.sleep(down)
        await asyncio.to_thread(self.pg.start)
        f.note = f"down {down:.0f} s"

    async def fault_worker_kill(self, f: Fault) -> None:
        proc = self.procs["worker"]
        proc.send_signal(signal.SIGKILL)
        await asyncio.to_thread(proc.wait)
        await asyncio.sleep(2.0)
        self.popen("worker", "worker", "--poll", "1")
        f.note = f"SIGKILL pid {proc.pid}, restarted as {self.procs['worker'].pid}"
        # a kill just after a worker claimed a post leaves it 'publishing': the restarted
        # worker must reconcile it, not send it again (checked at the end)

    async def fault_disk_full(self, f: Fault) -> None:
        if not self.store.mounted:
            f.note = "skipped: tmpfs mount not permitted here"
            return
        hold = 5.0 if self.args.faults == "ci" else 20.0
        free = await asyncio.to_thread(self.store.fill)
        await asyncio.sleep(hold)
        self.store.unfill()
        f.note = f"{free / 2**20:.0f} MiB filled for {hold:.0f} s"

    async def fault_connector_429(self, f: Fault) -> None:
        self.mm.fault({
            "match": {"methods": ["POST"], "path": "/api/v1/statuses"},
            # the reset 15 s from now (mastodon-mock's own is 300 s away; the connector reads
            # X-RateLimit-Reset, and one already past when the 429 is met means 60 s)
            "effect": {"type": "ratelimit", "headers": {
                "Retry-After": "15", "X-RateLimit-Reset": str(int(time.time()) + 15)}},
            "count": 2,
        })  # fmt: skip
        await asyncio.sleep(5)
        f.note = "2 x 429, reset 15 s after the rule"

    async def fault_connector_500(self, f: Fault) -> None:
        self.mm.fault({
            "match": {"methods": ["POST"], "path": "/api/v1/statuses"},
            "effect": {"type": "status", "status": 500}, "count": 3,
        })  # fmt: skip
        await asyncio.sleep(5)
        f.note = "3 x 500"

    async def fault_connector_timeout(self, f: Fault) -> None:
        self.mm.fault({  # answers after the client (30 s) gave up: taken, but unknown to us
            "match": {"methods": ["POST"], "path": "/api/v1/statuses"},
            "effect": {"type": "latency", "delay_ms": 35_000}, "count": 1,
        })  # fmt: skip
        await asyncio.sleep(5)
        f.note = "1 x answer after 35 s"

    async def memory_task(self) -> None:
        warm = max(10.0, self.args.duration * self.args.warmup)
        await asyncio.sleep(max(0.0, warm - self.now()))
        # a process is read "warm" once it has lived the warm-up (its models loaded): the
        # worker the fault killed and started again is read later than the rest (read at once,
        # its own loading counted as growth: +118 % in a CI run)
        while self.running():
            self.sample_rss("warm", min_age_s=warm, warm=self.warm_pids())
            await asyncio.sleep(1)

    async def load(self) -> None:
        self.t0 = time.monotonic()
        self.stop_at = self.t0 + self.args.duration
        n = self.args.users
        browsers = {"all": round(n * 0.6), "pages": n, "uploads": 0}[self.args.mix]
        tasks = [self.browser(i) for i in range(browsers)]
        tasks += [self.api_user(i) for i in range(n - browsers)]
        tasks += [self.faults_task(), self.memory_task(), self.watch_task(), self.timeline_task()]
        await asyncio.gather(*tasks)
        self.sample_rss("end")

    # -- the end -----------------------------------------------------------------------------
    def ws_schema(self) -> str:
        rows = self.pg.sql(
            "SELECT table_schema FROM information_schema.tables WHERE table_name = 'publish_posts'"
        )
        return str(rows[0][0])

    def drain(self) -> float:
        """Wait (bounded) until every scheduled post left the queue; the seconds it took."""
        t0 = time.monotonic()
        if not self.ledger.posts:
            return 0.0
        schema = self.ws_schema()
        while time.monotonic() - t0 < self.args.drain:
            rows = self.pg.sql(
                f'SELECT count(*) FROM "{schema}".publish_posts '
                "WHERE state NOT IN ('published', 'failed', 'cancelled')"
            )
            if int(rows[0][0]) == 0:  # type: ignore[call-overload]
                break
            time.sleep(1)
        return time.monotonic() - t0

    def retry_pending(self) -> None:
        """Uploads refused while a fault lasted, sent again once it was over (as a user would)."""

        async def again() -> None:
            async with httpx.AsyncClient(
                base_url=self.urls[0], timeout=90, headers={"Authorization": f"Bearer {self.token}"}
            ) as c:
                while self.pending_uploads:
                    name, body, good, ids = self.pending_uploads.pop(0)
                    await self._upload(c, "POST /api/v1/…/imports (again)", name, body, good, ids)

        for _ in range(3):
            if not self.pending_uploads:
                return
            asyncio.run(again())

    def counts(self) -> dict[str, Any]:
        schema = self.ws_schema()
        q = self.pg.sql
        by_state = _counts(
            q(f'SELECT state, count(*) FROM "{schema}".publish_posts GROUP BY state')
        )
        texts: Counter[str] = Counter()
        for user in MASTODON_USERS:
            texts.update(self.mm.texts(user))
        ours = list(self.ledger.posts.items())
        states = {
            str(k): str(v) for k, v in q(f'SELECT post_id, state FROM "{schema}".publish_posts')
        }
        on_server = [texts[t] for _, t in ours]
        attempts = (
            _counts(q(f'SELECT code, count(*) FROM "{schema}".publish_attempts GROUP BY code'))
            if self.has_table(schema, "publish_attempts")
            else {}
        )
        replies_stored = _counts(
            q(f'SELECT conversation_id, count(*) FROM "{schema}".inbox_replies '
              "GROUP BY conversation_id")
        )  # fmt: skip
        replies_ok = all(
            replies_stored.get(str(c), 0) == n for c, n in self.ledger.replies.items()
        ) and sum(replies_stored.values()) == sum(self.ledger.replies.values())
        store_total = self.store_total()
        expected_total = INITIAL_ROWS + self.ledger.rows_sent
        # the store's files: what compaction (the inbox's round, every 2 minutes) keeps down
        committed: set[str] = set()
        runs = Counter[str]()
        for pipeline, files in q(f'SELECT pipeline, files FROM "{schema}".enrich_runs'):
            committed.update(json.loads(str(files)))
            runs["compaction" if pipeline == "compaction" else "enrichment"] += 1
        retired = (
            int(str(q(f'SELECT count(*) FROM "{schema}".retired_files')[0][0]))
            if self.has_table(schema, "retired_files")
            else 0
        )
        return {
            "store_files": {
                "committed": len(committed),
                "retired": retired,
                "enrichment_runs": runs["enrichment"],
                "compaction_runs": runs["compaction"],
            },
            "uploads": {
                "rows_sent": self.ledger.rows_sent,
                "rows_imported_said": self.ledger.rows_imported,
                "rows_quarantined_said": self.ledger.rows_quarantined,
                "store_total": store_total,
                "store_expected": expected_total,
                "not_retried": len(self.pending_uploads),
                # an upload cut by a fault and sent again imports only what the first try
                # did not (the import is idempotent): the store's total is what must match
                "ok": store_total == expected_total and not self.pending_uploads,
            },
            "replies": {
                "sent": sum(self.ledger.replies.values()),
                "stored": sum(replies_stored.values()),
                "ok": replies_ok,
            },
            "posts": {
                "scheduled": len(ours),
                "published": sum(1 for p, _ in ours if states.get(p) == "published"),
                "states": by_state,
                # claimed by a worker killed mid-send: reconciled once its lease (120 s) ends
                "in_lease": sum(1 for p, _ in ours if states.get(p) == "publishing"),
                "on_server_once": sum(1 for n in on_server if n == 1),
                "on_server_twice_or_more": sum(1 for n in on_server if n > 1),
                "missing_on_server": sum(1 for n in on_server if n == 0),
                "attempt_codes": attempts,
                "ok": all(states.get(p) == "published" for p, _ in ours)
                and all(n == 1 for n in on_server),
            },
            "hostile": dict(sorted(self.ledger.hostile.items())),
        }

    def has_table(self, schema: str, table: str) -> bool:
        return bool(self.pg.sql(
            "SELECT 1 FROM information_schema.tables "
            f"WHERE table_schema = '{schema}' AND table_name = '{table}'"
        ))  # fmt: skip

    def store_total(self) -> int:
        with httpx.Client(base_url=self.urls[0], timeout=120) as c:
            r = c.get(f"{API}/posts", params={"per_page": 1},
                      headers={"Authorization": f"Bearer {self.token}"})  # fmt: skip
            r.raise_for_status()
            return int(r.json()["total"])

    def report(self, setup: dict[str, Any], drained: float) -> dict[str, Any]:
        by_route: dict[str, list[Hit]] = defaultdict(list)
        for h in self.hits:
            by_route[h.route].append(h)
        routes = {}
        for route, hits in sorted(by_route.items()):
            ok = [h.ms for h in hits if h.status and h.status < 500]
            # requests that overlapped no fault window: a page that waited out a PostgreSQL
            # restart and then answered is the fault's, not the route's everyday latency
            calm = [
                h.ms
                for h in hits
                if h.status and h.status < 500 and self.in_fault(h.at, h.ms) is None
            ]
            routes[route] = {
                "n": len(hits),
                "p50_ms": round(pct(ok, 50)),
                "p95_ms": round(pct(ok, 95)),
                "p95_outside_faults_ms": round(pct(calm, 95)) if calm else None,
                "statuses": dict(sorted(Counter(str(h.status) for h in hits).items())),
            }
        outside = [h for h in self.hits if (h.status >= 500 or h.status == 0)
                   and self.in_fault(h.at, h.ms) is None]  # fmt: skip
        inside = [h for h in self.hits if (h.status >= 500 or h.status == 0)
                  and self.in_fault(h.at, h.ms) is not None]  # fmt: skip
        faults = []
        for f in self.faults:
            mine = [h for h in inside if self.in_fault(h.at, h.ms) is f]
            faults.append({
                "name": f.name, "at_s": round(f.start, 1), "lasted_s": round(f.end - f.start, 1),
                "note": f.note,
                "errors_seen": dict(Counter(str(h.status) for h in mine)),
                "all_5xx_clear": all(h.clear for h in mine if h.status >= 500),
                "sample": next((h.body for h in mine if h.status >= 500), ""),
            })  # fmt: skip
        warm, end = self.rss.get("warm", {}), self.rss.get("end", {})
        memory: dict[str, dict[str, Any]] = {
            k: {
                "warm_mib": round(warm[k] / 2**20, 1),
                "end_mib": round(end[k] / 2**20, 1),
                "growth_pct": round(100 * (end[k] / warm[k] - 1), 1),
                "warm_at_s": self.read_at.get("warm", {}).get(k),
                "warm_kinds_mib": {
                    kind: round(v / 2**20, 1)
                    for kind, v in self.rss_kinds.get("warm", {}).get(k, {}).items()
                },
                "end_kinds_mib": {
                    kind: round(v / 2**20, 1)
                    for kind, v in self.rss_kinds.get("end", {}).get(k, {}).items()
                },
                "timeline_mib": self.timeline.get(k, []),
            }
            for k in sorted(warm)
            if k in end
        }
        return {
            "setup": setup,
            "duration_s": self.args.duration,
            "users": self.args.users,
            "requests": len(self.hits),
            "drain_s": round(drained, 1),
            "routes": routes,
            "errors_outside_faults": len(outside),
            "errors_outside_sample": [
                f"{h.route} {h.status} at {h.at:.1f} s, {h.ms:.0f} ms: {h.body[:200]}"
                for h in outside[:5]
            ],
            "faults": faults,
            "web_processes_seen": len(self.seen_pids),
            # the web processes (not the supervisor or its helpers) read warm and at the end
            "web_memory_compared": [
                k for k in memory if int(k.rsplit(":", 1)[1]) in self.seen_pids
            ],
            "web_processes_ended": len(self.dead_pids),
            "memory": memory,
            "max_growth_pct": max((m["growth_pct"] for m in memory.values()), default=0.0),
            # processes at the end that never lived the warm-up (started late): not compared
            "memory_not_compared": sorted(set(end) - set(warm)),
            "counts": self.counts(),
        }

    def close(self) -> None:
        for _name, proc in list(self.procs.items()):
            stop_proc(proc)
        for log in self.logs:
            log.close()
        with contextlib.suppress(Exception):
            self.mm.stop()
        with contextlib.suppress(Exception):
            if self.pg.running():
                self.pg.stop("fast")
        with contextlib.suppress(Exception):
            self.store.unfill()
            if not self.args.keep:  # kept: umount it by hand once looked at
                self.store.umount()


def print_report(rep: dict[str, Any]) -> None:
    print(f"setup {rep['setup']['seconds']} s ({rep['setup']['mode']}); "
          f"{rep['users']} users for {rep['duration_s']} s: {rep['requests']} requests; "
          f"drain {rep['drain_s']} s")  # fmt: skip
    print(f"{'route':52} {'n':>6} {'p50':>7} {'p95':>7} {'p95 calm':>8}  statuses")
    for route, r in rep["routes"].items():
        calm = r["p95_outside_faults_ms"]
        calm_s = "-" if calm is None else str(calm)
        print(f"{route:52} {r['n']:>6} {r['p50_ms']:>7} {r['p95_ms']:>7} {calm_s:>8}"
              f"  {r['statuses']}")  # fmt: skip
    print(f"5xx / no answer outside fault windows: {rep['errors_outside_faults']}")
    for f in rep["faults"]:
        print(f"fault {f['name']:18} at {f['at_s']:>6} s, {f['lasted_s']:>5} s ({f['note']}): "
              f"errors {f['errors_seen']}, clear messages: {f['all_5xx_clear']}")  # fmt: skip
    for k, m in rep["memory"].items():
        grew = f"{m['growth_pct']:+.1f} %"
        print(f"RSS {k:24} {m['warm_mib']:>8} MiB (at {m['warm_at_s']} s) -> "
              f"{m['end_mib']:>8} MiB ({grew})")  # fmt: skip
        print(f"    by kind {m['warm_kinds_mib']} -> {m['end_kinds_mib']}")
        print("    each 30 s: " + " ".join(f"{mib:.0f}" for _, mib in m["timeline_mib"]))
    if rep["memory_not_compared"]:
        print(f"RSS not compared (started too late): {rep['memory_not_compared']}")
    print(json.dumps(rep["counts"], ensure_ascii=False, indent=1))


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--duration", type=float, default=600.0, help="seconds of load (default 600)")
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--processes", type=int, default=2, help="web processes")
    ap.add_argument("--faults", choices=("full", "ci", "none"), default="full")
    ap.add_argument("--max-requests", type=int, default=200_000, help="stop after this many")
    ap.add_argument("--drain", type=float, default=240.0, help="most seconds to wait for posts")
    ap.add_argument("--grace", type=float, default=5.0, help="seconds after a fault still its own")
    ap.add_argument("--warmup", type=float, default=0.25, help="share of the run before RSS")
    ap.add_argument(
        "--mix",
        choices=("all", "pages", "uploads"),
        default="all",
        help="the load: all of it; only people in the pages; only API uploads (to find what "
        "makes memory grow)",
    )
    ap.add_argument("--store-mb", type=int, default=512, help="the store's tmpfs size")
    ap.add_argument("--json", type=Path, help="write the report here too")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    ap.add_argument(
        "--warm-wait",
        type=float,
        default=180.0,
        help="seconds to wait for the web processes' warm-up before the load (default 180)",
    )
    ap.add_argument("--setup-child", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.setup_child:
        setup_child(args.setup_child)
        return
    work = Path(tempfile.mkdtemp(prefix="socialops-soak-"))
    os.chmod(work, 0o755)
    run = Run(args, work)
    try:
        setup = run.setup()
        asyncio.run(run.load())
        run.retry_pending()
        drained = run.drain()
        rep = run.report(setup, drained)
    finally:
        run.close()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    rep["work"] = str(work) if args.keep else None
    print_report(rep)
    if args.json:
        args.json.write_text(json.dumps(rep, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
