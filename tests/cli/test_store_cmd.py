"""``socialops compact``: its Korean and English lines, ``--json``, and a bad value refused."""

from __future__ import annotations

import json
from pathlib import Path

from cli_inproc import run_main

from socialops.listen.ingest import import_file
from socialops.sources import enrich as runner
from socialops.store.workspace import Workspace


def _home(tmp_path: Path, imports: int) -> Path:
    home = tmp_path / "ws"
    ws = Workspace.open(home)
    for k in range(imports):
        p = tmp_path / f"p{k}.csv"
        rows = [f"{k * 5 + i},배송이 늦어요 {i},2026-03-0{1 + i} 10:00:00" for i in range(5)]
        p.write_text("id,text,created_at\n" + "\n".join(rows) + "\n", encoding="utf-8")
        import_file(ws, p, preset="generic")
        runner.enrich_workspace(ws, workers=1)
    return home


def test_compact_says_what_it_merged_in_korean_and_english(tmp_path: Path) -> None:
    home = _home(tmp_path, 3)
    p = run_main(["compact", "--min-files", "5"], home, SOCIALOPS_LANG="ko")
    assert p.returncode == 0 and "합칠 파일이 없습니다" in p.stdout and "5개 이상" in p.stdout
    p = run_main(["compact", "--min-files", "3"], home, SOCIALOPS_LANG="ko")
    assert p.returncode == 0, p.stderr
    assert (
        "작은 파일 3개를 1개로 합쳤습니다 (15행, 2026-03)" in p.stdout and "3개 → 1개" in p.stdout
    )
    assert "--" not in p.stdout  # no flag in what a user reads
    p = run_main(["compact"], home, SOCIALOPS_LANG="en")
    assert p.returncode == 0 and "Nothing to merge: no month holds 8 or more" in p.stdout


def test_compact_json_and_purge(tmp_path: Path) -> None:
    home = _home(tmp_path, 2)
    p = run_main(["compact", "--min-files", "2", "--json"], home)
    got = json.loads(p.stdout)
    assert p.returncode == 0 and (got["merged"], got["written"], got["rows"]) == (2, 1, 10)
    assert len(Workspace.open(home).retired_enriched()) == 2
    p = run_main(["compact", "--json", "--purge"], home)
    assert json.loads(p.stdout)["purged"] == 2 and Workspace.open(home).retired_enriched() == []


def test_a_least_number_under_two_is_refused_in_one_line(tmp_path: Path) -> None:
    home = _home(tmp_path, 1)
    p = run_main(["compact", "--min-files", "1"], home, SOCIALOPS_LANG="ko")
    assert p.returncode == 2
    assert p.stderr.strip().count("\n") == 0 and "2 이상" in p.stderr


def test_compact_of_a_missing_workspace_is_a_clear_error(tmp_path: Path) -> None:
    p = run_main(["compact"], tmp_path / "nowhere", SOCIALOPS_LANG="en")
    assert p.returncode != 0 and "no workspace" in p.stderr.lower()


def test_a_setting_that_is_not_a_number_is_refused_in_one_line(tmp_path: Path) -> None:
    home = _home(tmp_path, 1)
    p = run_main(["compact"], home, SOCIALOPS_LANG="en", SOCIALOPS_COMPACT_MIN_FILES="lots")
    assert p.returncode == 2 and p.stderr.strip().count("\n") == 0
    assert "Cannot read SOCIALOPS_COMPACT_MIN_FILES 'lots'" in p.stderr
