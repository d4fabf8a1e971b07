"""``socialops serve --processes 2`` on PostgreSQL, its logs captured whole (JSON lines of the
root logger, uvicorn's loggers and the access log, at debug level; and standard output): after a
failed and a good sign-in, a form with a phone number that makes a token, API calls with a good
and a bad token, an error answer and a metrics scrape, not one password, token, session cookie,
CSRF token, unmasked phone, resident registration or card number or e-mail address is in them;
every access line has a request id, a client's sane X-Request-ID is kept; and the request counts
of /metrics are the sum over both processes (multi-process mode), whichever process answers the
scrape."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from databases import require_postgres, use_postgres
from socialops.store.workspace import Workspace
from socialops.web.accounts import Accounts

EMAIL = "owner.kim@example.com"
PASSWORD = "correct-horse-battery-7"
WRONG = "wrong-horse-battery-9"
PHONE = "010-2345-6789"
RRN = "900101-1234567"
CARD = "4111-1111-1111-1111"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, page[:500]
    return found.group(1)


def _healthz_counts(body: str) -> float:
    total = 0.0
    for fam in text_string_to_metric_families(body):
        for s in fam.samples:
            if (
                s.name == "socialops_http_request_duration_seconds_count"
                and s.labels.get("route") == "/healthz"
                and s.labels.get("status") == "200"
            ):
                total += s.value
    return total


@pytest.mark.slow
def test_served_logs_leak_nothing_and_metrics_sum_across_processes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    require_postgres()
    use_postgres(monkeypatch)
    home = tmp_path / "home"
    accounts = Accounts(home)
    owner = accounts.add_user(EMAIL, PASSWORD, name="Owner Kim", role="owner")
    Workspace.open(home)
    full = accounts.create_token(owner.id, "script")
    metrics = accounts.create_token(owner.id, "prometheus", scope="metrics")
    port = str(_free_port())
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "SOCIALOPS_HOME": str(home),
        "SOCIALOPS_WEB_WARM": "0",
        "SOCIALOPS_LOG_FORMAT": "json",
        "SOCIALOPS_LOG_LEVEL": "debug",
        "SOCIALOPS_PUBLISH_IN_SERVE": "0",
        "SOCIALOPS_INBOX_IN_SERVE": "0",
        "SOCIALOPS_SCHEDULES_IN_SERVE": "0",
        "COLUMNS": "200",
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    err_path, out_path = tmp_path / "serve.err", tmp_path / "serve.out"
    with err_path.open("w") as err, out_path.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "socialops", "serve", "--port", port, "--processes", "2"],
            env=env,
            stdout=out,
            stderr=err,
        )
    healthz = 0  # answers of /healthz: every one is counted by some process
    try:
        deadline = time.monotonic() + 240  # two processes importing the app on a busy machine
        while True:
            try:
                if httpx.get(f"{url}/healthz", timeout=5).status_code == 200:
                    healthz += 1
                    break
            except httpx.HTTPError:
                pass
            assert proc.poll() is None, err_path.read_text()[-3000:]
            assert time.monotonic() < deadline, err_path.read_text()[-3000:]
            time.sleep(0.3)

        with httpx.Client(base_url=url, timeout=60) as browser:
            form = browser.get("/login")
            wrong = browser.post(
                "/login",
                data={"email": EMAIL, "password": WRONG, "csrf": _csrf(form.text)},
                follow_redirects=False,
            )
            assert wrong.status_code in (400, 401, 403, 200), wrong.status_code
            form = browser.get("/login")
            done = browser.post(
                "/login",
                data={"email": EMAIL, "password": PASSWORD, "csrf": _csrf(form.text)},
                follow_redirects=False,
            )
            assert done.status_code == 303, done.text[:500]
            cookie = browser.cookies.get("socialops_session")
            assert cookie
            page = browser.get("/account")
            assert page.status_code == 200
            csrf = _csrf(page.text)
            made = browser.post(  # a form with a phone number; the page shows a new token once
                "/account/tokens", data={"name": f"폰 {PHONE} {RRN}", "csrf": csrf}
            )
            assert made.status_code == 200, made.text[:500]
            shown = re.search(r'id="new-token">([^<]+)<', made.text)
            assert shown, made.text[:1000]
            web_token = shown.group(1)
            assert browser.get("/w/main").status_code == 200

        api = {"Authorization": f"Bearer {full}", "X-Request-ID": "h4-trace-1"}
        r = httpx.get(f"{url}/api/v1/workspaces", headers=api, timeout=30)
        assert r.status_code == 200 and r.headers["x-request-id"] == "h4-trace-1"
        forged = "sot_" + "Zz9" * 15
        bad = httpx.get(
            f"{url}/api/v1/workspaces", headers={"Authorization": f"Bearer {forged}"}, timeout=30
        )
        assert bad.status_code == 401
        error = httpx.post(
            f"{url}/api/v1/workspaces/main/topics",
            headers={"Authorization": f"Bearer {full}"},
            json={"name": PHONE, "query": f"{CARD} {EMAIL}", "kind": "no-such-kind"},
            timeout=30,
        )
        assert 400 <= error.status_code < 500, error.text

        for _ in range(30):  # each on a new connection: both processes get some
            assert httpx.get(f"{url}/healthz", timeout=30).status_code == 200
            healthz += 1
        only = {"Authorization": f"Bearer {metrics}"}
        scrapes = [httpx.get(f"{url}/metrics", headers=only, timeout=30) for _ in range(4)]
        assert all(s.status_code == 200 for s in scrapes)
        # whichever process answered, the sum over both
        assert {_healthz_counts(s.text) for s in scrapes} == {healthz}
        assert httpx.get(f"{url}/api/v1/workspaces", headers=only, timeout=30).status_code == 403
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)

    logged = err_path.read_text(encoding="utf-8")
    printed = out_path.read_text(encoding="utf-8")
    lines = [json.loads(x) for x in logged.splitlines() if x.startswith("{")]
    access = [x for x in lines if x.get("logger") == "socialops.access"]
    assert len(access) >= 35, logged[-3000:]
    assert all(x.get("request_id") for x in access)
    assert any(x["request_id"] == "h4-trace-1" for x in access)
    assert len({x["pid"] for x in access}) == 2  # both web processes answered and logged
    assert any(x["route"] == "/account/tokens" and x["status"] == 200 for x in access)
    # uvicorn's own access lines (the raw path, e.g. an invitation's token) are not written
    assert not [x for x in lines if x.get("logger") == "uvicorn.access"]
    for secret in (
        PASSWORD,
        WRONG,
        full,
        full[4:],
        metrics,
        metrics[4:],
        forged,
        web_token,
        cookie,
        csrf,
        PHONE,
        PHONE.replace("-", ""),
        RRN,
        CARD,
        EMAIL,
    ):
        assert secret not in logged, secret
        assert secret not in printed, secret
