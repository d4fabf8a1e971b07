"""Damaged input and a full disk through the real command (issue 12): a stray quote, mixed line
ends, a huge line, deep JSON, a header without rows, no space left. Real subprocesses and files;
the counts always add up (rows read = imported + duplicates + quarantined)."""

from __future__ import annotations

import json
import os
import resource
import secrets
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cli_run import one_line_error, run


def _import(home: Path, path: Path) -> dict[str, Any]:
    p = run(["import", str(path), "--json"], home)
    assert p.returncode == 0, p.stderr
    res: dict[str, Any] = json.loads(p.stdout)
    assert res["rows_read"] == res["imported"] + res["duplicates"] + res["quarantined"]
    return res


def test_unclosed_quote_loses_one_row_not_the_rest(tmp_path: Path) -> None:
    # one quote that never closes used to swallow every following row into one quarantined row
    lines = ["id,text,created_at"] + [f"{i},post {i},2024-01-01 10:00" for i in range(1, 40_001)]
    lines[958] = '958,"never closed,2024-01-01 10:00'
    f = tmp_path / "stray.csv"
    f.write_text("\r".join(lines[:500]) + "\r\n" + "\n".join(lines[500:]) + "\n", "utf-8")
    home = tmp_path / "ws"
    res = _import(home, f)
    assert (res["rows_read"], res["imported"], res["quarantined"]) == (40_000, 39_999, 1)
    assert res["quarantine_reasons"] == {"unclosed_quote": 1}
    q = run(["quarantine", "--json"], home)
    rows = json.loads(q.stdout)
    assert [(r["row"], r["reason"]) for r in rows] == [(958, "unclosed_quote")]
    assert "line 959" in rows[0]["detail"] and "read again as rows" in rows[0]["detail"]
    again = _import(home, f)  # a rerun adds nothing and counts the same rows
    assert (again["rows_read"], again["imported"]) == (40_000, 0)


def test_deeply_nested_jsonl_first_line(tmp_path: Path) -> None:
    # 100,000 levels in a line read for column detection: was RecursionError, exit 70
    f = tmp_path / "deep.jsonl"
    deep = "[" * 100_000 + "]" * 100_000
    f.write_text(
        f'{{"id": "1", "text": "a", "created_at": "2024-01-01", "x": {deep}}}\n'
        '{"id": "2", "text": "b", "created_at": "2024-01-01"}\n',
        encoding="utf-8",
    )
    res = _import(tmp_path / "ws", f)
    assert (res["rows_read"], res["imported"], res["quarantine_reasons"]) == (2, 1, {"bad_json": 1})


def test_header_only_file_says_no_rows(tmp_path: Path) -> None:
    # a header and no rows exited 0 with an import recorded as done
    f = tmp_path / "header.csv"
    f.write_text("id,text,created_at\r\n", encoding="utf-8")
    home = tmp_path / "ws"
    p = run(["import", str(f)], home)
    assert p.returncode == 2
    assert "has no rows, only a header" in one_line_error(p)
    listed = run(["imports", "--json"], home)
    assert listed.returncode == 0 and json.loads(listed.stdout) == []


def _peak_rss_kib(home: Path, args: list[str]) -> tuple[int, subprocess.CompletedProcess[str]]:
    """The command's exit and its peak RSS, measured by a fresh parent that has no other child."""
    code = (
        "import resource, subprocess, sys\n"
        "p = subprocess.run(sys.argv[1:])\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, p.returncode)\n"
    )
    env = {**os.environ, "SOCIALOPS_HOME": str(home), "COLUMNS": "200"}
    p = subprocess.run(
        [sys.executable, "-c", code, sys.executable, "-m", "socialops", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    last = p.stdout.strip().splitlines()[-1].split()
    return int(last[0]), subprocess.CompletedProcess(args, int(last[1]), p.stdout, p.stderr)


@pytest.mark.slow
def test_a_200_mib_line_is_quarantined_in_bounded_memory(tmp_path: Path) -> None:
    small = tmp_path / "small.csv"
    small.write_text("id,text,created_at\n1,a,2024-01-01\n", encoding="utf-8")
    base, p = _peak_rss_kib(tmp_path / "ws1", ["import", str(small)])
    assert p.returncode == 0, p.stderr
    f = tmp_path / "long.csv"
    with f.open("wb") as fh:
        fh.write(b"id,text,created_at\n1,a,2024-01-01\n2,")
        block = b"z" * (1 << 20)
        for _ in range(200):
            fh.write(block)
        fh.write(b",2024-01-01\n3,c,2024-01-01\n")
    peak, p = _peak_rss_kib(tmp_path / "ws2", ["import", str(f), "--json"])
    assert p.returncode == 0, p.stderr
    res = json.loads(p.stdout[: p.stdout.rindex("}") + 1])
    assert (res["rows_read"], res["imported"]) == (3, 2)
    assert res["quarantine_reasons"] == {"oversized_field": 1}
    # the line is never held whole (it was: 750 MB peak against 175 MB for a tiny file)
    assert peak - base < 100 * 1024, (base, peak)


# -- a full disk -------------------------------------------------------------------------------
def _posts_file(path: Path, n: int) -> Path:
    with path.open("w", encoding="utf-8") as f:  # random text: the Parquet part stays big
        f.write("id,text,created_at\n")
        for i in range(n):
            f.write(f"{i},{secrets.token_hex(24)} post,2024-01-01 10:00\n")
    return path


def _file_size_limit(limit: int) -> None:
    # the kernel refuses writes past `limit` bytes in any file (EFBIG); without SIG_IGN it
    # would kill the process with SIGXFSZ instead
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def test_file_size_limit_says_disk_full_and_a_rerun_finishes(tmp_path: Path) -> None:
    # a real refusal from the kernel: RLIMIT_FSIZE in the child (EFBIG when the first Parquet
    # part grows past 512 KiB); it said "unexpected OSError", exit 70
    f = _posts_file(tmp_path / "posts.csv", 60_000)
    home = tmp_path / "ws"
    first = tmp_path / "first.csv"
    first.write_text("id,text,created_at\nx1,first,2024-01-01\n", encoding="utf-8")
    assert _import(home, first)["imported"] == 1  # the workspace, made without a limit
    env = {**os.environ, "SOCIALOPS_HOME": str(home), "COLUMNS": "200"}
    p = subprocess.run(
        [sys.executable, "-m", "socialops", "import", str(f)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=lambda: _file_size_limit(512 * 1024),
    )
    assert p.returncode == 74, p.stderr
    line = one_line_error(p)
    assert "Disk full" in line and str(home) in line and "ulimit -f" in line
    assert "unexpected" not in line
    res = _import(home, f)  # with room again, the same command finishes the job
    assert (res["rows_read"], res["imported"], res["duplicates"]) == (60_000, 60_000, 0)


@pytest.mark.skipif(  # CI runs as root on Debian: there it must run, never skip
    (shutil.which("unshare") is None or os.geteuid() != 0) and os.environ.get("CI") != "true",
    reason="needs unshare and root (a private tmpfs mount)",
)
def test_no_space_left_on_a_full_tmpfs(tmp_path: Path) -> None:
    # a really full disk (ENOSPC): the workspace on a 1 MiB tmpfs mounted in a private mount
    # namespace (it vanishes with the process: nothing to clean up)
    f = _posts_file(tmp_path / "posts.csv", 60_000)
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    home = mnt / "ws"
    script = (
        f'mount -t tmpfs -o size=1m tmpfs "{mnt}" || exit 99; '
        f'exec "{sys.executable}" -m socialops import "{f}"'
    )
    env = {**os.environ, "SOCIALOPS_HOME": str(home), "COLUMNS": "200"}
    p = subprocess.run(
        ["unshare", "--mount", "sh", "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if p.returncode == 99 or "unshare:" in p.stderr:
        why = f"cannot mount a tmpfs here: {p.stderr.strip()[:200]}"
        if os.environ.get("CI") == "true":
            pytest.fail(why)
        pytest.skip(why)
    assert p.returncode == 74, p.stderr
    line = one_line_error(p)
    assert "Disk full: no space left" in line and str(home) in line and "free there" in line
