"""Kakao skill answer latency: a real uvicorn server on loopback (the socialops app on a fresh
home folder, SQLite unless SOCIALOPS_DATABASE_URL says otherwise), httpx clients as several
KakaoTalk users sending Korean messages to ``/hooks/kakao/main/{profile}``; prints p50/p95/p99
of the skill answer (Kakao waits at most 5 s; the target is p99 < 1 s).

    .venv/bin/python bench/kakao_skill.py [--requests 2000] [--users 50] [--concurrency 8]

The first request (triage models loading) is timed and reported apart, then excluded."""

from __future__ import annotations

import argparse
import socket
import statistics
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import uvicorn

from socialops.connectors.kakao import HOOK_HEADER, new_secret
from socialops.connectors.profiles import connect
from socialops.store.workspace import Workspace
from socialops.web.app import create_app

UTTERANCES = (
    "카드를 잃어버렸어요. 분실 신고는 어떻게 하나요?",
    "적금 해지하면 이자는 어떻게 되나요",
    "앱 로그인이 계속 안 됩니다 ㅠㅠ",
    "환불 언제 되나요? 벌써 일주일째예요",
    "상담원 연결 부탁드려요",
    "계좌 이체 한도를 늘리고 싶어요",
    "감사합니다 친절하게 답변해 주셔서요",
)


def _skill(user: str, words: str) -> dict[str, object]:
    return {
        "intent": {"id": "b", "name": "폴백 블록"},
        "userRequest": {
            "timezone": "Asia/Seoul",
            "utterance": words,
            "lang": "kr",
            "user": {"id": user, "type": "botUserKey", "properties": {}},
            "block": {"id": "b", "name": "폴백 블록"},
            "params": {},
        },
        "bot": {"id": "bot", "name": "상담봇"},
        "action": {"id": "a", "name": "socialops", "params": {}, "detailParams": {}},
    }


def _pct(xs: list[float], p: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, round(p / 100 * (len(s) - 1)))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--concurrency", type=int, default=8)
    args = ap.parse_args()

    home = Path(tempfile.mkdtemp(prefix="kakao-bench-")) / "home"
    app = create_app(home)
    ws = Workspace.open(home)
    secret = new_secret()
    p = connect(ws, name="카카오 벤치", platform="kakao", settings={}, secrets={"secret": secret})
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    url = f"http://127.0.0.1:{port}/hooks/kakao/main/{p.profile_id}"
    headers = {HOOK_HEADER: secret}
    local = threading.local()

    def client() -> httpx.Client:
        if not hasattr(local, "c"):
            local.c = httpx.Client(timeout=60)
        return local.c

    def one(i: int) -> float:
        body = _skill(f"user-{i % args.users}", f"{UTTERANCES[i % len(UTTERANCES)]} ({i})")
        t0 = time.perf_counter()
        r = client().post(url, json=body, headers=headers)
        took = time.perf_counter() - t0
        if r.status_code != 200 or "template" not in r.json():
            raise SystemExit(f"request {i}: {r.status_code} {r.text[:200]}")
        return took

    cold = one(-1)
    t0 = time.perf_counter()
    with ThreadPoolExecutor(args.concurrency) as pool:
        took = list(pool.map(one, range(args.requests)))
    wall = time.perf_counter() - t0
    server.should_exit = True
    thread.join(timeout=30)
    ms = [x * 1000 for x in took]
    print(
        f"kakao skill: {args.requests} requests, {args.users} users, "
        f"{args.concurrency} at a time, {wall:.1f} s ({args.requests / wall:.0f} req/s)"
    )
    print(f"first request (models loading): {cold * 1000:.0f} ms")
    print(
        f"p50 {_pct(ms, 50):.1f} ms  p95 {_pct(ms, 95):.1f} ms  p99 {_pct(ms, 99):.1f} ms  "
        f"max {max(ms):.1f} ms  mean {statistics.fmean(ms):.1f} ms"
    )


if __name__ == "__main__":
    main()
