"""Health, metrics and logs (issue 18 part 4), in one process: /healthz and /readyz with each
check made to fail for real (no heartbeat, a stale one, a store whose tmp/ cannot be written),
/metrics behind a metrics-only token and that token refused everywhere else, the ledger's
figures against the ledger itself, route templates (never raw paths) as labels, request ids on
answers and log lines, and an unexpected error's log line masked. The served, multi-process and
log-leak checks are in test_ops_served_logs.py."""

from __future__ import annotations

import io
import json
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text

from socialops.cli.main import main
from socialops.connectors import profiles as prof
from socialops.engage.sla import check_sla
from socialops.listen.ingest import import_file
from socialops.publish import queue
from socialops.publish.watchdog import heartbeat
from socialops.store.workspace import Workspace
from socialops.web.accounts import Accounts
from socialops.web.app import create_app
from socialops.web.ops.logs import JsonFormatter, request_id_from, scrub

PASSWORD = "correct-horse-battery"
ROWS = (
    "id,text,created_at,likes,kind\n"
    "1,배송이 늦어요,2024-01-01,3,post\n"
    ",본문,2024-01-01,1,post\n"
    "3,,2024-01-01,1,post\n"
    "4,좋아요,2024-01-02,2,post\n"
)


@dataclass
class Home:
    root: Path
    ws: Workspace
    client: TestClient
    full: str
    metrics: str

    def scrape(self) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
        r = self.client.get("/metrics", headers={"Authorization": f"Bearer {self.metrics}"})
        assert r.status_code == 200, r.text
        assert r.headers["content-type"].startswith("text/plain")
        out = {}
        for fam in text_string_to_metric_families(r.text):
            for s in fam.samples:
                out[(s.name, tuple(sorted(s.labels.items())))] = s.value
        return out


def _value(samples: dict, name: str, **labels: str) -> float:
    return samples[(name, tuple(sorted(labels.items())))]


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Home]:
    root = tmp_path_factory.mktemp("ops") / "home"
    accounts = Accounts(root)
    owner = accounts.add_user("owner@example.com", PASSWORD, name="Owner", role="owner")
    ws = Workspace.open(root)
    src = root.parent / "rows.csv"
    src.write_text(ROWS, encoding="utf-8")
    done = import_file(ws, src)
    assert (done.imported, done.quarantined) == (2, 2)
    # publishing: one post due now (a manual profile), a paused profile and one to sign in again
    for name in ("블로그", "쉬는", "만료"):
        prof.connect(
            ws, name=name, platform="manual", settings={"platform": "naver-blog"}, secrets={}
        )
    by_name = {p.name: p for p in prof.list_profiles(ws)}
    prof.set_paused(ws, "쉬는", True)
    prof.set_status(ws, by_name["만료"].profile_id, "needs_reauth", "expired")
    queue.new_posts(ws, profiles=["블로그"], text_="지금 나갈 글")
    post_id = queue.list_posts(ws)[0].post_id
    with ws.begin() as conn:  # two platform answers the worker logged: retry, then rate limit
        for action in ("retry", "rate_limited"):
            conn.execute(
                text(
                    "INSERT INTO publish_attempts (post_id, at, action, code, detail, worker) "
                    "VALUES (:p, :at, :a, 'network', '', 'w')"
                ),
                {"p": post_id, "at": datetime.now(UTC).isoformat(), "a": action},
            )
    # the inbox: one open case that missed its first-response target (rows as the inbox writes
    # them; receiving a message would load the triage models, seconds this test need not pay)
    opened = datetime.now(UTC) - timedelta(days=3)
    with ws.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO conversations (conversation_id, source, channel, thread_key, "
                "contact_id, created_at, updated_at) VALUES ('c1', 'demo', 'kakao', 'u1', 'k1', "
                ":at, :at)"
            ),
            {"at": opened.isoformat()},
        )
        conn.execute(
            text(
                "INSERT INTO cases (case_id, conversation_id, status, opened_at, "
                "first_response_due, last_customer_at, updated_at) VALUES (1, 'c1', 'open', "
                ":at, :due, :at, :at)"
            ),
            {"at": opened.isoformat(), "due": (opened + timedelta(hours=1)).isoformat()},
        )
    assert check_sla(ws).breaches == 1  # the real check records the breach and its event
    full = accounts.create_token(owner.id, "script")
    metrics = accounts.create_token(owner.id, "prometheus", scope="metrics")
    with TestClient(create_app(root), raise_server_exceptions=False) as client:
        yield Home(root, ws, client, full, metrics)


def test_healthz_answers_without_anything_else(home: Home) -> None:
    r = home.client.get("/healthz")
    assert (r.status_code, r.json()) == (200, {"status": "ok"})
    assert r.headers["cache-control"] == "no-store"


def test_readyz_fails_on_no_heartbeat_a_stale_one_and_an_unwritable_store(home: Home) -> None:
    with home.ws.begin() as conn:
        conn.execute(text("DELETE FROM publish_workers"))
    r = home.client.get("/readyz")
    body = r.json()
    assert r.status_code == 503 and body["failed"] == ["worker"], body
    assert body["checks"]["worker"]["code"] == "never"
    # a profile to sign in again is reported, and is no reason to leave the rotation
    assert body["checks"]["connectors"] == {
        "ok": False,
        "needs_reauth": 1,
        "paused": 1,
        "rate_limited": 0,
    }
    # nothing that names the server's insides: no workspace, path or version
    assert "main" not in r.text and str(home.root) not in r.text and "socialops" not in r.text

    heartbeat(home.ws, "h4-worker", "worker")
    r = home.client.get("/readyz?only=database,store,worker")
    assert r.status_code == 200 and r.json()["status"] == "ready", r.text

    old = (datetime.now(UTC) - timedelta(seconds=600)).isoformat()
    with home.ws.begin() as conn:
        conn.execute(text("UPDATE publish_workers SET seen_at = :t"), {"t": old})
    r = home.client.get("/readyz?only=worker")
    assert r.status_code == 503 and r.json()["checks"]["worker"]["code"] == "stale", r.text
    assert r.json()["checks"]["worker"]["age_s"] >= 599

    heartbeat(home.ws, "h4-worker", "worker")
    tmp = home.ws.tmp_dir
    tmp.rename(tmp.with_name("tmp-away"))
    tmp.write_text("not a folder")  # every store write starts under tmp/: none can now
    try:
        r = home.client.get("/readyz?only=store,database")
        assert r.status_code == 503, r.text
        assert r.json()["failed"] == ["store"]
        assert r.json()["checks"]["store"]["code"] == "not_writable"
    finally:
        tmp.unlink()
        tmp.with_name("tmp-away").rename(tmp)
    assert home.client.get("/readyz?only=nothing").status_code == 400


def test_metrics_only_for_a_metrics_token_and_that_token_nowhere_else(home: Home) -> None:
    assert home.client.get("/metrics").status_code == 401
    full = {"Authorization": f"Bearer {home.full}"}
    r = home.client.get("/metrics", headers=full)
    assert r.status_code == 403 and "socialops_" not in r.text
    assert home.client.get("/api/v1/workspaces", headers=full).status_code == 200
    only = {"Authorization": f"Bearer {home.metrics}"}
    for method, url in (
        ("GET", "/api/v1/workspaces"),
        ("GET", "/w/main"),
        ("POST", "/api/v1/workspaces/main/topics"),
        ("GET", "/healthz"),
    ):
        r = home.client.request(method, url, headers=only, json={"name": "x", "query": "x"})
        assert r.status_code == 403, (method, url, r.status_code)
        if url.startswith("/api/"):
            assert r.json()["error"]["code"] == "token_scope"
        else:  # a page's error page, in Korean by default
            assert "지표(/metrics)를 읽는 데만" in r.text
        assert r.headers["x-frame-options"] == "DENY"  # inside the security headers
    names = [t["name"] for t in Accounts(home.root).tokens(1)]
    assert "prometheus" in names


def test_the_ledgers_figures_and_route_templates(home: Home) -> None:
    auth = {"Authorization": f"Bearer {home.full}"}
    assert home.client.get("/api/v1/workspaces/main/topics", headers=auth).status_code == 200
    assert home.client.get("/no/such/page-010-1234-5678").status_code == 404
    m = home.scrape()
    with home.ws.connect() as conn:
        imported, quarantined = conn.execute(
            text("SELECT SUM(imported), SUM(quarantined) FROM imports WHERE stream = 'posts'")
        ).one()
    rows = "socialops_import_rows_total"
    assert _value(m, rows, workspace="main", stream="posts", outcome="imported") == imported == 2
    assert _value(m, rows, workspace="main", stream="posts", outcome="quarantined") == 2
    assert quarantined == 2
    assert _value(m, "socialops_publish_due_waiting", workspace="main") == 1
    assert _value(m, "socialops_publish_lateness_seconds", workspace="main") > 0
    errors = "socialops_connector_errors_total"
    for resolution in ("retry", "rate_limited"):
        labels = {"workspace": "main", "platform": "manual", "resolution": resolution}
        assert _value(m, errors, **labels) == 1
    profiles = "socialops_connector_profiles"
    assert _value(m, profiles, workspace="main", platform="manual", state="paused") == 1
    assert _value(m, profiles, workspace="main", platform="manual", state="needs_reauth") == 1
    assert sum(v for (n, _), v in m.items() if n == "socialops_inbox_open_cases") == 1
    assert _value(m, "socialops_inbox_open_cases_breached", workspace="main") == 1
    assert _value(m, "socialops_inbox_sla_breaches_total", workspace="main") >= 1
    assert _value(m, "socialops_workspace_up", workspace="main") == 1
    # latency by route template: the workspace's id and the raw path never become labels
    routes = {
        dict(labels)["route"]
        for (name, labels) in m
        if name == "socialops_http_request_duration_seconds_count"
    }
    assert "/api/v1/workspaces/{ws}/topics" in routes, routes
    assert "(unmatched)" in routes and not any("010" in r or "/main" in r for r in routes)
    count = _value(
        m,
        "socialops_http_request_duration_seconds_count",
        method="GET",
        route="/api/v1/workspaces/{ws}/topics",
        status="200",
    )
    assert count >= 1


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield out
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def test_request_ids_and_a_masked_error_line(home: Home, captured: io.StringIO) -> None:
    secret = "sot_" + "Ab3dEfGh1jKlMn0pQrStUvWxYz12345abcDEF"

    @home.client.app.get("/test-ops-boom")  # type: ignore[attr-defined]
    def boom() -> None:
        raise ValueError(f"고객 010-1234-5678 jane.doe@example.com 토큰 {secret}")

    r = home.client.get("/test-ops-boom", headers={"X-Request-ID": "trace-42.a:b"})
    assert r.status_code == 500 and r.headers["x-request-id"] == "trace-42.a:b"
    assert secret not in r.text and "010-1234-5678" not in r.text
    r = home.client.get("/healthz", headers={"X-Request-ID": "bad id\nforged"})
    made = r.headers["x-request-id"]
    assert made != "bad id\nforged" and len(made) == 32
    assert home.client.get("/healthz").headers["x-request-id"] != made
    time.sleep(0.05)
    lines = [json.loads(x) for x in captured.getvalue().splitlines()]
    errors = [x for x in lines if x["level"] == "error"]
    assert errors and errors[0]["request_id"] == "trace-42.a:b", lines
    assert "ValueError" in errors[0]["exc"] and "010-****-5678" in errors[0]["exc"]
    everything = captured.getvalue()
    for leaked in (secret, "010-1234-5678", "jane.doe@example.com"):
        assert leaked not in everything
    access = [x for x in lines if x["logger"] == "socialops.access"]
    assert any(x.get("request_id") == made and x["route"] == "/healthz" for x in access)
    assert any(x["status"] == 500 and x["request_id"] == "trace-42.a:b" for x in access)


def test_scrub_and_request_id_rules() -> None:
    assert request_id_from("0af7651916cd43dd8448eb211c80319c") == "0af7651916cd43dd8448eb211c80319c"
    assert request_id_from("x" * 200) != "x" * 200
    masked = scrub(
        "Authorization: Bearer sot_abcdefgh12345678 password=hunter2 /invite/soi_Zz9 "
        "900101-1234567 / 4111 1111 1111 1111 / 3f2a9c1b4d5e6f708192a3b4c5d6e7f8"
    )
    for gone in ("abcdefgh12345678", "hunter2", "soi_Zz9", "1234567", "4111 1111 1111 1111"):
        assert gone not in masked, masked
    assert "3f2a9c1b4d5e6f708192a3b4c5d6e7f8" in masked  # hex ids stay readable


def _cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as stop:
        main(args)
    out = capsys.readouterr()
    return int(stop.value.code or 0), out.out, out.err


def test_token_create_with_the_metrics_scope(
    home: Home, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SOCIALOPS_HOME", str(home.root))
    monkeypatch.setenv("SOCIALOPS_LANG", "en")
    code, out, err = _cli(["token", "create", "owner@example.com", "--scope", "metrics"], capsys)
    assert code == 0, err
    token = out.strip()  # standard output: the token alone (scripts read it)
    assert token.startswith("sot_") and "metrics-only token" in err
    found = Accounts(home.root).token_access(token)
    assert found is not None and found[1] == "metrics"
    code, out, err = _cli(["token", "create", "owner@example.com", "--scope", "admin"], capsys)
    assert code != 0 and "Unknown token scope 'admin'" in err, (out, err)
