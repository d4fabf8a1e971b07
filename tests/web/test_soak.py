"""The soak's 60-second version (bench/soak.py, the same harness as the 10-minute run): 50
simulated users against ``socialops serve --processes 2`` and one ``socialops worker`` on a
PostgreSQL instance of the run's own (initdb/pg_ctl on a free port; the shared server is never
touched), with the faults that recover within seconds — the worker killed and started again,
PostgreSQL stopped and started again, the store's disk (a tmpfs) full, the Mastodon server
answering 429 — and hostile files and bodies mixed into the load. Nothing is lost or
duplicated, no 5xx outside a fault, and what users saw during a fault was a clear message."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
# one worker runs the whole module: its module fixture is the soak itself (under --dist
# loadgroup, tests without a group are spread over the workers and each would run it again)
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("soak")]


def _needs(what: str, ok: bool) -> None:
    if ok:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"the soak needs {what}")
    pytest.skip(f"the soak needs {what}")


@pytest.fixture(scope="module")
def report(
    tmp_path_factory: pytest.TempPathFactory, shared_file: Callable[[str], Path]
) -> dict[str, Any]:
    shared_file("airline_tweets/Tweets.csv")
    shared_file("airline_care/conversations.csv.gz")
    _needs("initdb and pg_ctl in /usr/local/bin", Path("/usr/local/bin/initdb").exists())
    _needs("runuser (PostgreSQL refuses root)", os.geteuid() != 0 or bool(shutil.which("runuser")))
    out = tmp_path_factory.mktemp("soak") / "soak.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOCIALOPS_DATABASE")}
    env["SOCIALOPS_DATA_DIR"] = str(shared_file("airline_tweets/Tweets.csv").parents[1])
    # memory is read 30 s and 60 s into the load: with the servers' 60 s between two returns
    # of freed memory (socialops.web.ops.memory) a trim falls before the first reading and none
    # before the second, which counts freed memory as growth; every 10 s, both readings are of
    # a recently trimmed process
    env["SOCIALOPS_TRIM_EVERY_S"] = "10"
    done = subprocess.run(
        [
            sys.executable,
            str(REPO / "bench" / "soak.py"),
            "--duration",
            "60",
            "--faults",
            "ci",
            "--drain",
            "40",
            "--warmup",  # memory read after 30 s, and a web process's once it logs its
            # warm-up done (on a slow, busy machine it may still be loading at 30 s)
            "0.5",
            "--json",
            str(out),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0 and out.exists(), (done.stdout[-3000:], done.stderr[-3000:])
    rep: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    print(done.stdout)  # the figures, shown with -s or on failure
    return rep


def test_no_server_error_outside_the_faults(report: dict[str, Any]) -> None:
    assert report["requests"] > 500, report["requests"]
    assert report["errors_outside_faults"] == 0, report["errors_outside_sample"]
    assert report["web_processes_ended"] == 0  # no web process died or was replaced


def test_every_fault_was_met_recovered_from_and_told_clearly(report: dict[str, Any]) -> None:
    names = [f["name"] for f in report["faults"]]
    assert names == ["worker_kill", "postgres_restart", "disk_full", "connector_429"], names
    for f in report["faults"]:
        assert f["all_5xx_clear"], f  # Korean words, never a traceback
    disk = next(f for f in report["faults"] if f["name"] == "disk_full")
    assert "skipped" not in disk["note"], disk
    codes = report["counts"]["posts"]["attempt_codes"]
    assert codes.get("rate_limited", 0) >= 1, codes  # the 429 reached a post, which waited


def test_nothing_lost_or_duplicated(report: dict[str, Any]) -> None:
    c = report["counts"]
    assert c["uploads"]["rows_sent"] > 0 and c["uploads"]["ok"], c["uploads"]
    assert c["replies"]["sent"] > 0 and c["replies"]["ok"], c["replies"]
    posts = c["posts"]
    assert posts["scheduled"] > 0 and posts["on_server_twice_or_more"] == 0, posts
    # a post claimed mid-send when the worker was killed, or when PostgreSQL went away under
    # it, waits out its 120 s lease, then is reconciled (the 10-minute run sees it through):
    # at most one per such fault; every other one went out exactly once
    assert posts["in_lease"] <= 2, posts
    assert posts["published"] + posts["in_lease"] == posts["scheduled"], posts
    assert posts["missing_on_server"] <= posts["in_lease"], posts


def test_hostile_input_refused_without_harm(report: dict[str, Any]) -> None:
    hostile = report["counts"]["hostile"]
    seen = {k.split(":")[0] for k in hostile}
    assert {"bomb", "big_body", "garbage", "password"} & seen, hostile
    for key in hostile:
        kind, status = key.split(":")
        if status == "sent":
            continue
        code = int(status)
        if code in (503, 507):  # met a fault (the database away, the disk full): told so
            continue
        if kind == "big_body":
            assert code == 413, key
        elif kind == "password":
            assert code in (200, 400, 401, 429), key  # the form again, or throttled
        else:
            assert 400 <= code < 500, key


def test_memory_bounded(report: dict[str, Any]) -> None:
    assert report["memory"], "no process measured"
    # both web processes were read warm and at the end (a process the faults started again is
    # read once it lived the warm-up, and is left out when that came too late)
    web = [k for k in report["memory"] if k.startswith("serve")]
    assert len(web) >= 2, (web, report["memory_not_compared"])
    # the two web processes themselves, not only the supervisor and its helpers: the load
    # started once they had warmed up
    compared = report["web_memory_compared"]
    assert len(compared) >= 2, (compared, report["memory_not_compared"], report["setup"])
    assert report["max_growth_pct"] < 10, report["memory"]
