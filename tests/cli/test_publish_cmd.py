"""``socialops profiles …`` and ``socialops post …`` in process: the composer's flags, reviews,
bulk import, slots, and the generic OAuth connect's errors (never echoing a secret)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from socialops.cli.main import main
from socialops.publish import queue
from socialops.store.workspace import Workspace


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as stop:
        main(args)
    out = capsys.readouterr()
    return int(stop.value.code or 0), out.out, out.err


def _manual(capsys: pytest.CaptureFixture[str], name: str, platform: str) -> None:
    code, _, err = _run(
        ["profiles", "connect", "manual", "--name", name, "--platform", platform], capsys
    )
    assert code == 0, err


def test_connect_x_asks_for_credentials_on_stdin_and_names_the_missing_ones(
    workspace: Workspace, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = _run(["profiles", "connect", "x", "--name", "brand"], capsys)
    assert code == 2 and "KEY=VALUE" in err
    monkeypatch.setattr("sys.stdin", io.StringIO("refresh_token=sekret-value-123\n"))
    code, out, err = _run(
        ["profiles", "connect", "x", "--name", "brand", "--secrets-stdin"], capsys
    )
    assert code == 2 and "access_token" in err
    assert "sekret-value-123" not in out + err
    monkeypatch.setattr("sys.stdin", io.StringIO("this line has no equals sign sekret\n"))
    code, out, err = _run(
        ["profiles", "connect", "x", "--name", "brand", "--secrets-stdin"], capsys
    )
    assert code == 2 and "sekret" not in out + err


def test_post_new_with_a_variant_and_a_tracked_link(
    workspace: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    _manual(capsys, "블로그", "naver-blog")
    _manual(capsys, "카카오", "kakaotalk")
    code, out, err = _run(
        [
            "post", "new", "--profile", "블로그", "--profile", "카카오",
            "--text", "겨울 신메뉴 출시", "--variant", "카카오=카카오 친구에게만: 신메뉴",
            "--link", "https://example.com/menu", "--at", "2099-01-01T09:00", "--json",
        ],
        capsys,
    )  # fmt: skip
    assert code == 0, err
    made = json.loads(out)
    assert [p["profile"] for p in made["posts"]] == ["블로그", "카카오"]
    posts = {p.profile: p for p in queue.list_posts(workspace)}
    assert posts["카카오"].text.startswith("카카오 친구에게만")
    for p in posts.values():
        assert p.link_code and f"/l/{p.link_code}" in p.text and p.state == "scheduled"
    assert posts["블로그"].link_code != posts["카카오"].link_code


def test_a_draft_is_scheduled_later_and_a_bad_variant_is_one_line(
    workspace: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    _manual(capsys, "블로그", "naver-blog")
    code, out, _ = _run(
        ["post", "new", "--profile", "블로그", "--text", "초안", "--draft", "--json"], capsys
    )
    post_id = json.loads(out)["posts"][0]["post_id"]
    assert json.loads(out)["posts"][0]["state"] == "draft"
    code, out, err = _run(
        ["post", "schedule", post_id, "--at", "2099-02-01T10:00", "--json"], capsys
    )
    assert code == 0, err
    assert json.loads(out)["state"] == "scheduled"
    code, _, err = _run(
        ["post", "new", "--profile", "블로그", "--text", "x", "--variant", "no-equals"], capsys
    )
    assert code == 2 and "no-equals" in err and len(err.strip().splitlines()) == 1


def test_bulk_import_counts_add_up(
    workspace: Workspace, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _manual(capsys, "블로그", "naver-blog")
    sheet = tmp_path / "posts.csv"
    sheet.write_text(
        "프로필,시간,내용\n블로그,2099-03-01 09:00,봄 인사\n없는프로필,2099-03-01 09:00,x\n",
        encoding="cp949",
    )
    code, out, err = _run(["post", "import", str(sheet), "--json"], capsys)
    assert code == 0, err
    result = json.loads(out)
    assert result["rows"] == 2 and result["scheduled"] == 1 and result["quarantined"] == 1


def test_slots_are_validated_and_the_next_free_one_shown(
    workspace: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    _manual(capsys, "블로그", "naver-blog")
    code, out, err = _run(
        ["profiles", "slots", "블로그", "--slot", "화 12:30", "--slot", "thu 09:00", "--json"],
        capsys,
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["slots"] == ["tue 12:30", "thu 09:00"] and data["next_slot"]
    code, _, err = _run(["profiles", "slots", "블로그", "--slot", "someday"], capsys)
    assert code == 2 and "someday" in err


def test_pause_and_resume_one_or_all_with_json(
    workspace: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    _manual(capsys, "블로그", "naver-blog")
    code, out, _ = _run(["profiles", "pause", "블로그", "--json"], capsys)
    assert code == 0 and json.loads(out) == {"name": "블로그", "paused": True}
    code, out, _ = _run(["profiles", "pause", "--all", "--json"], capsys)
    assert code == 0 and json.loads(out) == {"paused_all": True}
    code, out, _ = _run(["profiles", "list", "--json"], capsys)
    listed = json.loads(out)
    assert listed["paused_all"] and listed["profiles"][0]["paused"]
    code, out, _ = _run(["profiles", "resume", "--all", "--json"], capsys)
    assert json.loads(out) == {"paused_all": False}
    code, _, err = _run(["profiles", "resume"], capsys)  # neither a name nor --all
    assert code == 2 and "--all" in err
