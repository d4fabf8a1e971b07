"""The first hour's first minute: ``socialops serve --sample-data`` on a fresh home, timed as a
newcomer lives it.

    .venv/bin/python bench/first_start.py [--small] [--keep DIR]

Prints the time from the command to the first page (``/login`` answering), to a usable sample
(the progress file says ``usable``: the sample stage's posts enriched, with topics and reports)
and to all the sample data (``finished``), with the posts at each point. The server and the
background preparation are real processes on loopback; the home is a new temporary folder
(``--keep`` keeps it for bench/web_load.py).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from _common import REPO, machine


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--small", action="store_true", help="skip the 662k Naver reviews")
    ap.add_argument("--keep", type=Path, help="keep the home in this new folder")
    ap.add_argument("--timeout", type=float, default=3600.0)
    ap.add_argument("--until-usable", action="store_true", help="stop once the sample is usable")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="socialops-first-start-"))
    home = args.keep or tmp / "home"
    if home.exists():
        raise SystemExit(f"{home} exists: give a new folder to --keep")
    port = free_port()
    cmd = [str(REPO / ".venv/bin/socialops"), "serve", "--sample-data", "--port", str(port)]
    if args.small:
        cmd.append("--small")
    env = {**os.environ, "SOCIALOPS_HOME": str(home), "SOCIALOPS_LANG": "en"}
    print(f"machine : {machine()}")
    print(f"command : {' '.join(cmd[1:])}{' (small)' if args.small else ''}", flush=True)
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    marks: dict[str, tuple[float, int]] = {}
    try:
        while "page" not in marks:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/login", timeout=2).status_code == 200:
                    marks["page"] = (time.perf_counter() - t0, 0)
            except httpx.HTTPError:
                if proc.poll() is not None:
                    raise SystemExit("the server stopped") from None
                time.sleep(0.1)
        print(f"first page        {marks['page'][0]:7.1f} s", flush=True)
        progress = home / "sample-data.json"
        while "finished" not in marks:
            if time.perf_counter() - t0 > args.timeout:
                raise SystemExit("timed out")
            try:
                p = json.loads(progress.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                time.sleep(0.5)
                continue
            if p.get("error"):
                raise SystemExit(f"the preparation failed: {p['error']}")
            now = time.perf_counter() - t0
            if p.get("usable") and "usable" not in marks:
                marks["usable"] = (now, int(p.get("posts") or 0))
                print(f"usable sample     {now:7.1f} s   {marks['usable'][1]:,} posts", flush=True)
                if args.until_usable:
                    break
            if p.get("finished"):
                marks["finished"] = (now, int(p.get("posts") or 0))
                print(f"all sample data   {now:7.1f} s   {marks['finished'][1]:,} posts")
            time.sleep(0.5)
    finally:
        proc.terminate()
        proc.wait(timeout=60)
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    main()
