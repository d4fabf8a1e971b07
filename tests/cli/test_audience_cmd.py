"""``socialops segment save|list|show|delete`` and ``socialops audience export|exports``: the
JSON keys, Korean and English lines, files that carry only hashes, and refusals as one line with
the data error's exit status. The commands run in this process through the CLI's own ``main``
(a subprocess costs seconds each); one refusal runs as a real subprocess."""

from __future__ import annotations

import csv
import hashlib
import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.cli.cli_run import one_line_error
from tests.cli.cli_run import run as run_process

from socialops.cli import common
from socialops.cli.main import main


@pytest.fixture
def run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[..., subprocess.CompletedProcess[str]]:
    """``socialops ARGS`` in this process, with ``SOCIALOPS_HOME=home`` and any extra env."""
    monkeypatch.setattr(common.state, "workspace", None)
    monkeypatch.setenv("COLUMNS", "200")

    def go(args: list[str], home: Path, **env: str) -> subprocess.CompletedProcess[str]:
        monkeypatch.setenv("SOCIALOPS_HOME", str(home))
        monkeypatch.delenv("SOCIALOPS_LANG", raising=False)
        for k, v in env.items():
            monkeypatch.setenv(k, v)
        code: int = 0
        try:
            main(args)
        except SystemExit as stop:
            code = int(stop.code or 0)
        out = capsys.readouterr()
        return subprocess.CompletedProcess(args, code, out.out, out.err)

    return go


def _scores(path: Path, n: int = 150) -> Path:
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["customer_id", "이메일", "휴대폰", "나이", "score"])
        for i in range(n):
            w.writerow(
                [
                    f"c{i:03d}",
                    f"Person{i}@Mail.example.com",
                    f"010-3{i:03d}-{i:04d}",
                    20 + i % 50,
                    f"{i / n:.4f}",
                ]
            )
    return path


def test_save_list_show_export_delete(tmp_path: Path, run: Callable[..., Any]) -> None:
    home = tmp_path / "home"
    scores = _scores(tmp_path / "scores.csv")
    p = run(
        ["segment", "save", "봄/vip", "--from-scores", str(scores), "--min-score", "0.2", "--json"],
        home,
    )
    assert p.returncode == 0, p.stderr
    saved = json.loads(p.stdout)
    assert saved["name"] == "봄/vip" and saved["size"] == 120 and saved["kind"] == "scores"

    p = run(["segment", "list", "--json"], home)
    assert [s["name"] for s in json.loads(p.stdout)] == ["봄/vip"]
    p = run(["segment", "list"], home, SOCIALOPS_LANG="en")
    assert "봄/vip" in p.stdout and "model scores" in p.stdout and "120" in p.stdout

    p = run(["segment", "show", "봄/vip", "--members", "3"], home, SOCIALOPS_LANG="ko")
    assert p.returncode == 0 and "고객 수: 120" in p.stdout and "c030" in p.stdout
    assert "@" not in p.stdout and "010-" not in p.stdout

    out = tmp_path / "google.csv"
    p = run(
        ["audience", "export", "봄/vip", "--format", "google", "--out", str(out)],
        home,
        SOCIALOPS_LANG="ko",
    )
    assert p.returncode == 0, p.stderr
    assert "120행" in p.stdout and "google" in p.stdout
    rows = list(csv.reader(out.read_text(encoding="utf-8").splitlines()))
    assert rows[0] == ["Email", "Phone"] and len(rows) == 121
    expect = hashlib.sha256(b"+821030300030").hexdigest()  # c030: 010-3030-0030
    assert rows[1][1] == expect
    assert b"@" not in out.read_bytes()

    p = run(
        [
            "audience",
            "export",
            "봄/vip",
            "--format",
            "kakao-moment",
            "--out",
            str(tmp_path / "k.txt"),
        ],
        home,
        SOCIALOPS_LANG="en",
    )
    assert p.returncode == 3
    line = one_line_error(p)
    assert "100" in line and "no file was written" in line
    assert not (tmp_path / "k.txt").exists()

    p = run(["audience", "exports", "--json"], home)
    (record,) = json.loads(p.stdout)
    assert record["format"] == "google" and record["rows"] == 120 and record["segment"] == "봄/vip"
    assert record["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    p = run(["audience", "exports"], home, SOCIALOPS_LANG="en")
    assert "google.csv" in p.stdout and "exported at" in p.stdout

    p = run(["segment", "delete", "봄/vip"], home, SOCIALOPS_LANG="en")
    assert p.returncode == 0 and "deleted segment '봄/vip'" in p.stdout
    p = run(["segment", "show", "봄/vip"], home, SOCIALOPS_LANG="en")
    assert p.returncode == 3 and "socialops segment list" in one_line_error(p)


def test_bad_input_one_line(tmp_path: Path, run: Callable[..., Any]) -> None:
    home = tmp_path / "home"
    scores = _scores(tmp_path / "scores.csv", n=20)
    p = run(
        ["segment", "save", "a b", "--from-scores", str(scores), "--min-score", "0.5"],
        home,
        SOCIALOPS_LANG="en",
    )
    assert p.returncode == 2 and "cannot be used" in one_line_error(p)
    p = run(
        [
            "segment",
            "save",
            "x",
            "--from-scores",
            str(scores),
            "--min-score",
            "0.5",
            "--id-col",
            "고객",
        ],
        home,
        SOCIALOPS_LANG="ko",
    )
    assert p.returncode == 2 and "--id-col" in one_line_error(p)
    p = run_process(
        ["audience", "export", "x", "--format", "tiktok", "--out", "o.csv"],
        home,
        SOCIALOPS_LANG="en",
    )
    assert p.returncode == 2 and "meta" in one_line_error(p)
