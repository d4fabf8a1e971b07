"""What the inbox end-to-end test (``test_inbox_e2e.py``) needs beside the browser: the Kakao
profile connected the way a person does it (``socialops profiles connect kakao --json`` in a
process of its own on the server's home), a Kakao skill request as Open Builder sends it, the
Bluesky side of alice and bob on the local PDS, and a browser context signed in as one user."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from browser_checks import sign_in

from socialops.connectors.bluesky import BlueskyConnector

__all__ = [
    "bluesky",
    "connect_kakao_cli",
    "posts_of",
    "signed_in_page",
    "skill_request",
]


def connect_kakao_cli(home: Path, name: str) -> dict[str, Any]:
    """``socialops profiles connect kakao --name NAME --json`` on ``home``: its JSON (``url``,
    ``header``, ``secret``, ``profile_id``)."""
    env = {**os.environ, "SOCIALOPS_HOME": str(home), "COLUMNS": "200"}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "socialops",
            "profiles",
            "connect",
            "kakao",
            "--name",
            name,
            "--json",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    got: dict[str, Any] = json.loads(done.stdout)
    return got


def skill_request(utterance: str, user: str) -> dict[str, Any]:
    """A Kakao i Open Builder skill request (v2.0) with the user's ``botUserKey``."""
    return {
        "intent": {"id": "fallback", "name": "폴백 블록"},
        "userRequest": {
            "timezone": "Asia/Seoul",
            "params": {"surface": "Kakaotalk.plusfriend"},
            "block": {"id": "fallback", "name": "폴백 블록"},
            "utterance": utterance,
            "lang": "kr",
            "user": {"id": user, "type": "botUserKey", "properties": {"plusfriendUserKey": "pf"}},
        },
        "bot": {"id": "bot-e2e", "name": "상담봇"},
        "action": {"id": "a", "name": "socialops", "params": {}, "detailParams": {}},
        "contexts": [],
    }


def bluesky(url: str, handle: str) -> BlueskyConnector:
    """A connector of ``handle`` on the local PDS (every test account's password: hunter2)."""
    return BlueskyConnector({"service": url, "handle": handle}, {"app_password": "hunter2"})


def posts_of(who: BlueskyConnector, body: str) -> list[Any]:
    """``who``'s posts on the PDS whose text is exactly ``body`` (its own repository)."""
    client = who._session()
    got = client.com.atproto.repo.list_records(
        {"repo": who._did, "collection": "app.bsky.feed.post", "limit": 100}
    )
    return [r for r in got.records if getattr(r.value, "text", "") == body]


def signed_in_page(chromium: Any, url: str, password: str, email: str) -> tuple[Any, Any]:
    """A 1440 px Korean browser context signed in as ``email`` through /login, and its page."""
    context = chromium.new_context(
        viewport={"width": 1440, "height": 900},
        locale="ko-KR",
        timezone_id="Asia/Seoul",
        bypass_csp=True,  # axe is injected as a script of its own
    )
    context.set_default_timeout(30_000)
    page = context.new_page()
    sign_in(page, url, password, email)
    return context, page
