"""The first start: ``socialops serve --sample-data`` answers at once while ``socialops
sample-data`` prepares the real sample data in stages in the background, recording progress;
the start-up box comes last; the preparation resumes without importing anything twice. On a
small cut of each real sample file (the first rows of each), so the whole preparation takes
seconds."""

from __future__ import annotations

import csv
import gzip
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from cli_run import run

from socialops.cli.demo_cmd import DEMO_FILES
from socialops.listen.samples import FILM_TOPICS
from socialops.store.sample_progress import read_progress

ROWS = 400  # of each file; the Naver reviews get more, so the slice is a real slice of them
REVIEWS = 3_000
FILM_REVIEWS = 60  # of each demo film, so the film report has its topics


def _cut_csv(src: Path, dest: Path, rows: int, delimiter: str) -> None:
    with src.open(encoding="utf-8", newline="") as fh, dest.open("w", newline="") as out:
        writer = csv.writer(out, delimiter=delimiter)
        for k, row in enumerate(csv.reader(fh, delimiter=delimiter)):
            if k > rows:
                break
            writer.writerow(row)


@pytest.fixture(scope="module")
def tiny_data(tmp_path_factory: pytest.TempPathFactory, shared_file: Callable[[str], Path]) -> Path:
    """The demo's files, each cut to its first rows (real data, a few seconds to prepare)."""
    d = tmp_path_factory.mktemp("tiny-data")
    for rel, _preset, _topic in DEMO_FILES:
        src, dest = shared_file(rel), d / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        if rel.endswith(".gz"):  # the first reviews, and some that name each demo film
            films = {name: 0 for name in FILM_TOPICS}
            with gzip.open(src, "rt", encoding="utf-8") as fh, gzip.open(dest, "wt") as out:
                for k, line in enumerate(fh):
                    named = [f for f in films if f in line and films[f] < FILM_REVIEWS]
                    for f in named:
                        films[f] += 1
                    if k <= REVIEWS or named:
                        out.write(line)
        elif rel.endswith(".tsv"):
            lines = src.read_text(encoding="utf-8").splitlines(keepends=True)[:ROWS]
            dest.write_text("".join(lines), encoding="utf-8")
        else:
            _cut_csv(src, dest, ROWS, ";" if "facebook" in rel else ",")
    return d


def test_a_missing_data_folder_is_one_line(tmp_path: Path) -> None:
    p = run(["sample-data", "--data-dir", str(tmp_path / "nowhere")], tmp_path / "ws")
    assert p.returncode == 2 and "Traceback" not in p.stderr
    assert len(p.stderr.strip().splitlines()) == 1 and "nowhere" in p.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_serve_answers_while_the_sample_data_is_prepared(tmp_path: Path, tiny_data: Path) -> None:
    home, port = tmp_path / "home", _free_port()
    env = {
        **os.environ,
        "SOCIALOPS_HOME": str(home),
        "SOCIALOPS_DATA_DIR": str(tiny_data),
        "COLUMNS": "200",
        # the preparation at the server's priority: beside the other test worker a lower one
        # would only slow this test down (its priority is not what it checks)
        "SOCIALOPS_SAMPLE_NICE": "0",
    }
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "socialops", "serve", "--sample-data", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/login", timeout=2)
                break
            except httpx.HTTPError:
                assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
                assert time.perf_counter() - t0 < 60, "the server did not start"
                time.sleep(0.2)
        first_page = time.perf_counter() - t0
        assert r.status_code == 200
        token = run(["token", "create", "owner@socialops.local"], home).stdout.strip()
        api = f"http://127.0.0.1:{port}/api/v1/workspaces/main/sample-data"
        while True:  # the API says how far it is; it ends finished
            body = httpx.get(api, headers={"Authorization": f"Bearer {token}"}).json()
            assert body is not None and body["error"] is None, body
            if body["finished"]:
                break
            assert time.perf_counter() - t0 < 300, body
            time.sleep(0.5)
        progress = read_progress(home)
        assert progress is not None and progress.finished and progress.posts > 0
        assert progress.stages == ["sample", "all", "reports"] and progress.usable
        log = (home / "sample-data.log").read_text(encoding="utf-8")
        assert "sample ready" in log and "sample data ready" in log
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=30)
    _prepared_in_stages_and_resumes(home, tiny_data, progress.posts)
    # the page answered before the data was there (the preparation takes longer than that)
    assert first_page < 30, first_page
    # the box is the last thing printed, with where to sign in, the password and how to set one
    box = out.strip().splitlines()
    assert box[-1].startswith("╰") and "owner@socialops.local" in out, out
    assert f"http://127.0.0.1:{port}/login" in out and "shown this once" in out
    assert "socialops user password owner@socialops.local" in out
    assert f"http://127.0.0.1:{port}/w/main/sample-data" in out
    assert "Traceback" not in err


def _prepared_in_stages_and_resumes(ws: Path, tiny_data: Path, posts: int) -> None:
    """What the preparation left (the server's, above): the slice first, then the whole file,
    counts adding up; ``socialops sample-data`` run again imports nothing twice and ends
    finished. (One preparation for both checks: it is this module's slow part.)"""
    imports = json.loads(run(["imports", "--json"], ws).stdout)
    by_file = {Path(i["source_path"]).name: i for i in imports}
    cut, full = by_file["nsmc-reviews-sample.tsv.gz"], by_file["reviews.tsv.gz"]
    # the slice first, then the whole file: its rows come back as duplicates, counts add up
    assert 0 < cut["imported"] < full["rows_read"]
    assert full["duplicates"] >= cut["imported"]
    assert full["rows_read"] == full["imported"] + full["duplicates"] + full["quarantined"]
    in_posts = [i for i in imports if i["stream"] == "posts"]  # the demo plans add post metrics
    assert posts == sum(i["imported"] for i in in_posts)
    assert (ws / "reports" / "movies.html").is_file()
    # run again: nothing is imported twice, and it ends finished
    again = run(["sample-data", "--data-dir", str(tiny_data), "--json"], ws)
    assert again.returncode == 0, again.stderr
    out = json.loads(again.stdout)
    assert out["finished"] and out["usable"] and out["error"] is None
    assert out["stages"] == ["sample", "all", "reports"]
    assert len(json.loads(run(["imports", "--json"], ws).stdout)) == len(imports)
    assert out["posts"] == posts


def test_the_preparation_runs_below_the_servers_priority(
    tmp_path: Path, tiny_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from socialops.cli.sample_cmd import start_in_background
    from socialops.store.workspace import Workspace

    monkeypatch.setenv("SOCIALOPS_DATA_DIR", str(tiny_data))
    monkeypatch.setenv("SOCIALOPS_SAMPLE_NICE", "7")
    Workspace.open(tmp_path / "ws")
    child = start_in_background(tmp_path / "ws", small=True)
    try:
        ours = os.getpriority(os.PRIO_PROCESS, 0)
        assert os.getpriority(os.PRIO_PROCESS, child.pid) == min(19, ours + 7)
    finally:
        child.terminate()
        child.wait(timeout=60)
