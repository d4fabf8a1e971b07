"""Load benchmark of the web workspace: N concurrent users on loopback against a real
``socialops serve``, with all 662k Korean reviews and the airline tweets loaded.

    .venv/bin/python bench/web_load.py --home DIR [--users 20] [--seconds 20]

``--home`` must hold a workspace with both data sets enriched and topics added (e.g. `socialops
-w DIR demo`, or the nsmc workspace of bench/report_nsmc.py plus `socialops -w DIR import
…/airline_tweets/Tweets.csv --preset airline-tweets && socialops -w DIR enrich` and the airline
topics). The benchmark adds a user, signs in through the real /login form (the session cookie the
pages use), starts the server as a subprocess and then, per scenario, keeps ``--users`` clients
busy for ``--seconds``: each request's server time is read from the ``Server-Timing`` header
(what the goal is about), its wall time on the client is shown beside it.

Scenarios: the dashboard page; the topic page of each film and airline topic; the posts explorer
at random pages (1 … last) of all posts, newest first; the explorer with a boolean query at
random pages; and the same explorer through the API with a token. Goal: p95 server time under
300 ms for each.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import httpx

from _common import REPO, machine

EXE = str(REPO / ".venv" / "bin" / "socialops")
GOAL_MS = 300.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    xs = sorted(values)
    k = max(0, min(len(xs) - 1, round(p / 100 * len(xs) + 0.5) - 1))
    return xs[k]


def sign_in(base: str, email: str, password: str) -> httpx.Cookies:
    with httpx.Client(base_url=base, follow_redirects=False, timeout=60) as c:
        form = c.get("/login")
        token = re.search(r'name="csrf" value="([^"]+)"', form.text)
        assert token, "no login CSRF field on /login"
        r = c.post("/login", data={"email": email, "password": password, "csrf": token.group(1)})
        assert r.status_code == 303, f"sign-in failed: {r.status_code}"
        return c.cookies


async def scenario(
    base: str,
    name: str,
    make_url: Callable[[random.Random], str],
    users: int,
    seconds: float,
    cookies: httpx.Cookies | None,
    headers: dict[str, str] | None,
    think: float,
) -> dict[str, float]:
    server: list[float] = []
    wall: list[float] = []
    errors = 0
    stop = time.perf_counter() + seconds

    async def user(k: int) -> None:
        nonlocal errors
        rng = random.Random(k)
        async with httpx.AsyncClient(
            base_url=base, cookies=cookies, headers=headers, timeout=60
        ) as c:
            while time.perf_counter() < stop:
                url = make_url(rng)
                t0 = time.perf_counter()
                r = await c.get(url)
                wall.append((time.perf_counter() - t0) * 1000)
                if r.status_code != 200:
                    errors += 1
                    continue
                m = re.search(r"dur=([\d.]+)", r.headers.get("server-timing", ""))
                if m:
                    server.append(float(m.group(1)))
                if think > 0:
                    await asyncio.sleep(rng.expovariate(1.0 / think))

    await asyncio.gather(*(user(k) for k in range(users)))
    return {
        "requests": len(wall),
        "errors": errors,
        "server_p50": statistics.median(server) if server else float("nan"),
        "server_p95": pct(server, 95),
        "server_p99": pct(server, 99),
        "wall_p95": pct(wall, 95),
        "rps": len(wall) / seconds,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--home", type=Path, required=True)
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--only", action="append", default=[])
    ap.add_argument(
        "--think",
        type=float,
        default=1.0,
        help="mean think time in seconds between a user's requests (exponential; 0: none)",
    )
    args = ap.parse_args()

    email, password = "bench@socialops.local", secrets.token_urlsafe(16)
    env = {**os.environ, "SOCIALOPS_HOME": str(args.home)}
    subprocess.run(
        [EXE, "user", "add", email, "--role", "viewer", "--password-stdin"],
        input=password + "\n",
        text=True,
        env=env,
        check=False,
        capture_output=True,
    )
    # the user may exist from an earlier run: set a known password through the accounts API
    sys.path.insert(0, str(REPO / "src"))
    from sqlalchemy import text

    from socialops.web.accounts import Accounts

    acc = Accounts(args.home)
    user = acc.user_by_email(email)
    if user is None:
        raise SystemExit("could not add the benchmark user")
    with acc.begin() as con:
        con.execute(
            text("UPDATE users SET password = :p WHERE id = :id"),
            {"p": acc._hasher.hash(password), "id": user.id},
        )
    token = acc.create_token(user.id, "bench")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [EXE, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        t0 = time.perf_counter()
        while True:
            try:
                httpx.get(base + "/login", timeout=2)
                break
            except httpx.HTTPError as exc:
                if server.poll() is not None:
                    err = server.stderr.read() if server.stderr else ""
                    raise SystemExit(f"server exited: {err}") from exc
                if time.perf_counter() - t0 > 60:
                    raise SystemExit("server did not start in 60 s") from exc
                time.sleep(0.3)
        cookies = sign_in(base, email, password)
        api = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=base, headers=api, timeout=120) as c:
            overview = c.get("/api/v1/workspaces/main").json()
            topics = [t["name"] for t in c.get("/api/v1/workspaces/main/topics").json()]
            per = 20
            pages_all = max(1, -(-int(overview["posts"]) // per))
            q = "연기 OR 배우"
            qn = c.get("/api/v1/workspaces/main/posts", params={"q": q, "per_page": 1}).json()
            pages_q = max(1, -(-int(qn["total"]) // per))
        plats = ", ".join(f"{p['platform']} {p['posts']:,}" for p in overview["platforms"])
        print(f"machine : {machine()}")
        print(
            f"data    : {overview['posts']:,} posts in {args.home} "
            f"({plats}); "
            f"topics: {', '.join(topics)}"
        )
        print(
            f"load    : {args.users} concurrent users, think time {args.think:g} s (mean, "
            f"exponential), {args.seconds:.0f} s per scenario, loopback; server time from "
            "Server-Timing"
        )
        scen = [
            ("dashboard", lambda r: "/w/main", cookies, None),
            ("topic page", lambda r: f"/w/main/topics/{quote(r.choice(topics))}", cookies, None),
            (
                "explorer, all posts",
                lambda r: f"/w/main/posts?page={r.randint(1, pages_all)}",
                cookies,
                None,
            ),
            (
                "explorer, query",
                lambda r: f"/w/main/posts?q={quote(q)}&page={r.randint(1, pages_q)}",
                cookies,
                None,
            ),
            (
                "API posts, all",
                lambda r: f"/api/v1/workspaces/main/posts?page={r.randint(1, pages_all)}",
                None,
                api,
            ),
        ]
        print(
            f"\n{'scenario':<22} {'requests':>8} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} "
            f"{'p99 ms':>8} {'wall p95':>9} {'req/s':>6}  goal p95 < {GOAL_MS:.0f} ms"
        )
        for name, make, ck, hd in scen:
            if args.only and name not in args.only:
                continue
            # warm: the first use of each page builds its caches (the cold cost, shown apart)
            t0 = time.perf_counter()
            with httpx.Client(base_url=base, cookies=ck, headers=hd, timeout=600) as c:
                if name == "topic page":
                    for tp in topics:
                        c.get(f"/w/main/topics/{quote(tp)}")
                else:
                    c.get(make(random.Random(0)))
            cold = time.perf_counter() - t0
            res = asyncio.run(
                scenario(base, name, make, args.users, args.seconds, ck, hd, args.think)
            )
            ok = "met" if res["server_p95"] < GOAL_MS and not res["errors"] else "NOT met"
            print(
                f"{name:<22} {res['requests']:>8} {res['errors']:>6} {res['server_p50']:>8.1f} "
                f"{res['server_p95']:>8.1f} {res['server_p99']:>8.1f} {res['wall_p95']:>9.1f} "
                f"{res['rps']:>6.1f}  {ok}   (first use {cold:.1f} s)",
                flush=True,
            )
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    main()
