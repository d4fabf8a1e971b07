"""``socialops serve --processes N``: more than one process is refused on SQLite, and a bad
count, with one line each (exit status 2), in Korean by default and in English."""

from __future__ import annotations

from pathlib import Path

from cli_inproc import run_main as run
from cli_run import one_line_error


def test_processes_need_postgresql(tmp_path: Path) -> None:
    p = run(["serve", "--processes", "2"], tmp_path / "home", SOCIALOPS_DATABASE_URL="")
    assert p.returncode == 2
    line = one_line_error(p)
    assert "PostgreSQL" in line and "SOCIALOPS_DATABASE_URL" in line and "--processes 1" in line
    ko = run(
        ["serve", "--processes", "3"],
        tmp_path / "home",
        SOCIALOPS_DATABASE_URL="",
        SOCIALOPS_LANG="ko",
    )
    assert ko.returncode == 2 and "웹 프로세스 3개는 PostgreSQL에서만" in one_line_error(ko)


def test_a_bad_process_count_is_one_line(tmp_path: Path) -> None:
    p = run(["serve"], tmp_path / "home", SOCIALOPS_WEB_PROCESSES="0")
    assert p.returncode == 2
    line = one_line_error(p)
    assert "'0'" in line and "1" in line and "64" in line
    assert not (tmp_path / "home" / "accounts.db").exists()  # refused before anything is made


def test_a_bad_redis_url_is_one_line_without_its_password(tmp_path: Path) -> None:
    p = run(["serve"], tmp_path / "home", SOCIALOPS_REDIS_URL="http://user:s3cret@cache:6379")
    assert p.returncode == 2
    line = one_line_error(p)
    assert "redis://127.0.0.1:6379/0" in line and "s3cret" not in line
    assert not (tmp_path / "home" / "accounts.db").exists()
