"""Benchmark (issue 15): the publish worker killed with ``kill -9`` at random moments, restarted
each time, until nothing is left: does every post go out exactly once?

    scripts/local-pds.sh start           # prints PDS_URL=http://127.0.0.1:2583 (optional)
    .venv/bin/python bench/publish_crash.py [--pds http://127.0.0.1:2583] [--posts 500]
        [--kills 20] [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/test]

``--posts`` posts are due at once, spread over three profiles: Mastodon (a real ``mastodon-mock``
server this bench starts), Bluesky (the real local PDS: ``--pds URL``, else started here with
``scripts/local-pds.sh`` on a free port; ``--no-pds`` leaves it out) and a manual profile. The
worker runs as a subprocess (this file with ``--child``: ``run_worker(until_idle=True)`` with a
short lease, so a killed worker's post is taken over in seconds, not the default two minutes)
and is killed with SIGKILL at a random moment (0-1.5 s after its first heartbeat, i.e. while it
claims, sends and records posts) ``--kills`` times, started again each time, then
left to finish. ``--postgres URL``: the workspace on PostgreSQL and TWO workers racing, one of
them killed each time. At the end the servers are asked: every post exactly once (duplicates 0),
none missing (lost 0), every state final (published; manual ones ``task``). Prints the figures;
exits 1 when any check fails."""

from __future__ import annotations

import argparse
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx
from cryptography.fernet import Fernet
from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import REPO, machine
from socialops.connectors import profiles as prof
from socialops.connectors.core import new_tid
from socialops.connectors.mastodon import plain_text
from socialops.publish import queue
from socialops.publish.worker import run_worker
from socialops.store.workspace import Workspace

MASTODON_USER, MASTODON_TOKEN = "crash", "crash_token"
FINAL = {"published", "task", "failed", "cancelled"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def mastodon_server(folder: Path) -> Iterator[str]:
    """A real mastodon-mock on a free port with the account ``crash``; its base URL."""
    port = free_port()
    config = folder / "mastodon_mock.toml"
    config.write_text(
        f'domain = "127.0.0.1:{port}"\nurl_scheme = "http"\n[database]\n'
        f'path = "{folder / "mastodon.sqlite"}"\n[server]\nhost = "127.0.0.1"\nport = {port}\n'
        f'[[seed.accounts]]\nusername = "{MASTODON_USER}"\naccess_token = "{MASTODON_TOKEN}"\n',
        encoding="utf-8",
    )
    log = (folder / "mastodon.log").open("w")
    proc = subprocess.Popen(
        [
            *(sys.executable, "-m", "mastodon_mock", "serve", "--config", str(config)),
            *("--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"),
        ],
        cwd=folder,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/api/v1/instance", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            raise SystemExit("mastodon-mock did not start: see " + str(folder / "mastodon.log"))
        yield url
    finally:
        proc.terminate()
        proc.wait(10)
        log.close()


@contextmanager
def local_pds() -> Iterator[str]:
    """The local Bluesky network on free ports (scripts/local-pds.sh), stopped afterwards."""
    env = {**os.environ, "PDS_PORT": str(free_port()), "LOCAL_PDS_WATCH_PID": str(os.getpid())}
    script = str(REPO / "scripts" / "local-pds.sh")
    done = subprocess.run(["bash", script, "start"], env=env, capture_output=True, text=True)
    m = re.search(r"PDS_URL=(\S+)", done.stdout)
    if done.returncode != 0 or m is None:
        raise SystemExit(f"the local PDS did not start: {done.stderr.strip()[-300:]}")
    try:
        yield m.group(1)
    finally:
        subprocess.run(["bash", script, "stop"], env=env, capture_output=True)


def mastodon_texts(url: str, token: str, prefix: str) -> Counter[str]:
    headers = {"Authorization": f"Bearer {token}"}
    me = httpx.get(f"{url}/api/v1/accounts/verify_credentials", headers=headers).json()
    out: Counter[str] = Counter()
    max_id = None
    while True:
        params: dict[str, Any] = {"limit": 40, **({"max_id": max_id} if max_id else {})}
        page = httpx.get(
            f"{url}/api/v1/accounts/{me['id']}/statuses", headers=headers, params=params
        ).json()
        if not page:
            return out
        for s in page:
            body = plain_text(s["content"])
            if body.startswith(prefix):
                out[body] += 1
        max_id = page[-1]["id"]


def bluesky_texts(url: str, handle: str, prefix: str) -> Counter[str]:
    from atproto import Client

    client = Client(base_url=url + "/xrpc")
    client.login(handle, "hunter2", fetch_bsky_profile=False)
    did = client._session.did if client._session else ""
    out: Counter[str] = Counter()
    cursor = None
    while True:
        page = client.com.atproto.repo.list_records(
            {"repo": did, "collection": "app.bsky.feed.post", "limit": 100, "cursor": cursor}
        )
        for r in page.records:
            body = str(r.value.text)
            if body.startswith(prefix):
                out[body] += 1
        cursor = page.cursor
        if not cursor or not page.records:
            return out


def child(lease_s: float) -> None:
    """One worker process: publish what is due, then exit (or be killed)."""
    run_worker(Workspace.open(), until_idle=True, lease_s=lease_s, poll_s=0.2)


def _started(ws: Workspace, proc: subprocess.Popen[bytes]) -> None:
    """Wait until the worker process wrote its first heartbeat (or ended)."""
    while proc.poll() is None:
        with ws.connect() as conn:
            n = conn.execute(
                text("SELECT COUNT(*) FROM publish_workers WHERE pid = :p"), {"p": proc.pid}
            ).scalar_one()
        if n:
            return
        time.sleep(0.02)


def _held_by(ws: Workspace, pid: int) -> int:
    """Posts a killed worker held in flight (claimed under its lease, not finished)."""
    with ws.connect() as conn:
        return int(
            conn.execute(
                text(
                    "SELECT COUNT(*) FROM publish_posts WHERE state = 'publishing' "
                    "AND lease_owner LIKE :w"
                ),
                {"w": f"%:{pid}:%"},
            ).scalar_one()
        )


def _unfinished(ws: Workspace) -> int:
    return sum(p.state not in FINAL for p in queue.list_posts(ws))


def run_bench(
    posts: int,
    kills: int,
    *,
    mastodon_url: str,
    mastodon_token: str = MASTODON_TOKEN,
    pds_url: str | None = None,
    pg_url: str | None = None,
    lease_s: float = 4.0,
    kill_within_s: float = 1.5,
    seed: int = 15,
    home: Path,
    max_s: float = 1800.0,
) -> dict[str, Any]:
    """Queue ``posts`` posts, run worker subprocesses killed ``kills`` times, count on the
    servers. Returns the figures (``duplicates``, ``lost``, ``unfinished`` must all be 0)."""
    rng = random.Random(seed)
    env = {**os.environ, "SOCIALOPS_HOME": str(home), "PYTHONPATH": str(REPO / "src")}
    env.setdefault("SOCIALOPS_SECRET_KEY", Fernet.generate_key().decode())
    if pg_url:
        env["SOCIALOPS_DATABASE_URL"] = pg_url
        env["SOCIALOPS_DATABASE_SCHEMA_PREFIX"] = "crashbench"
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        ws = Workspace.open(home)
        names = ["mastodon", "manual"]
        prof.connect(
            ws,
            name="mastodon",
            platform="mastodon",
            settings={"instance": mastodon_url},
            secrets={"access_token": mastodon_token},
        )
        prof.connect(
            ws, name="manual", platform="manual", settings={"platform": "naver-blog"}, secrets={}
        )
        if pds_url:
            names.append("bluesky")
            prof.connect(
                ws,
                name="bluesky",
                platform="bluesky",
                settings={"service": pds_url, "handle": "alice.test"},
                secrets={"app_password": "hunter2"},
            )
        run = new_tid()
        prefix = f"crash {run} "
        for i in range(posts):
            queue.new_posts(ws, profiles=[names[i % len(names)]], text_=f"{prefix}{i} 겨울 신메뉴")
        workers = 2 if pg_url else 1
        cmd = [sys.executable, str(Path(__file__).resolve()), "--child", "--lease", str(lease_s)]
        procs: list[subprocess.Popen[bytes]] = []
        killed = starts = mid_post = 0
        t0 = time.monotonic()
        while time.monotonic() - t0 < max_s:
            procs = [p for p in procs if p.poll() is None]
            if not procs and _unfinished(ws) == 0:
                break
            while len(procs) < workers:
                procs.append(subprocess.Popen(cmd, env=env, stderr=subprocess.DEVNULL))
                starts += 1
            if killed < kills:
                victim = rng.choice(procs)
                _started(ws, victim)  # past its start-up: its loop has begun
                time.sleep(rng.uniform(0.0, kill_within_s))  # then a random moment
                if victim.poll() is None:
                    victim.send_signal(signal.SIGKILL)
                    victim.wait()
                    killed += 1
                    mid_post += _held_by(ws, victim.pid)
            else:
                for p in procs:
                    p.wait()
                if _unfinished(ws):
                    time.sleep(lease_s)  # a killed worker's lease runs out
        seconds = time.monotonic() - t0
        for p in procs:
            p.kill()
        everything = queue.list_posts(ws)
        reconciled = sum(
            a["action"] == "reconciled" for p in everything for a in queue.attempts(ws, p.post_id)
        )
        on_server: Counter[str] = mastodon_texts(mastodon_url, mastodon_token, prefix)
        if pds_url:
            on_server += bluesky_texts(pds_url, "alice.test", prefix)
        sent = [p for p in everything if p.profile != "manual"]
        expected = {p.text for p in sent}
        figures = {
            "posts": posts,
            "profiles": len(names),
            "workers": workers,
            "database": "postgresql" if pg_url else "sqlite",
            "kills": killed,
            "starts": starts,
            "seconds": round(seconds, 1),
            "published": sum(p.state == "published" for p in sent),
            "tasks": sum(p.state == "task" for p in everything if p.profile == "manual"),
            "on_server": sum(on_server.values()),
            "duplicates": sum(n - 1 for n in on_server.values() if n > 1),
            "lost": len(expected - set(on_server)),
            "unexpected": len(set(on_server) - expected),
            "unfinished": sum(p.state not in FINAL for p in everything),
            "killed_mid_post": mid_post,
            "claimed_again": sum(p.attempts > 1 for p in everything),
            "reconciled": reconciled,
            "states": dict(Counter(p.state for p in everything)),
        }
        if pg_url:
            ws.db.drop()
        return figures
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--posts", type=int, default=500)
    ap.add_argument("--kills", type=int, default=20)
    ap.add_argument("--pds", help="a running local PDS (else one is started)")
    ap.add_argument("--no-pds", action="store_true", help="leave Bluesky out")
    ap.add_argument("--postgres", help="a PostgreSQL URL: two workers race on it")
    ap.add_argument("--lease", type=float, default=4.0)
    ap.add_argument(
        "--kill-within", type=float, default=1.5, help="kill 0..S s after the first heartbeat"
    )
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.lease)
        return
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="socialops-crash-")))
        (tmp / "mm").mkdir()
        mastodon = stack.enter_context(mastodon_server(tmp / "mm"))
        pds = None if args.no_pds else (args.pds or stack.enter_context(local_pds()))
        out = run_bench(
            args.posts,
            args.kills,
            mastodon_url=mastodon,
            pds_url=pds,
            pg_url=args.postgres,
            lease_s=args.lease,
            kill_within_s=args.kill_within,
            seed=args.seed,
            home=tmp / "ws",
        )
    print(f"machine: {machine()}")
    print(
        f"posts: {out['posts']:,} due at once over {out['profiles']} profiles "
        f"(mastodon-mock{', local PDS' if pds else ''}, manual); {out['workers']} worker(s) "
        f"on {out['database']}"
    )
    print(
        f"kill -9: {out['kills']} times (0-{args.kill_within} s after a worker's first heartbeat; "
        f"fewer when the work ran out first); worker starts {out['starts']}; {out['seconds']} s"
    )
    print(
        f"published {out['published']:,}, manual tasks {out['tasks']:,}; on the servers "
        f"{out['on_server']:,}"
    )
    print(
        f"kills that hit a post in flight {out['killed_mid_post']}; posts claimed again "
        f"{out['claimed_again']}; found on the server instead of sent again {out['reconciled']}"
    )
    print(
        f"duplicates={out['duplicates']} lost={out['lost']} unexpected={out['unexpected']} "
        f"unfinished={out['unfinished']} states={out['states']}"
    )
    if out["duplicates"] or out["lost"] or out["unfinished"] or out["unexpected"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
