"""The publish queue and its worker with manual profiles (no platform needed): states, limits,
tasks, pause all, profile secrets that never leave the database in clear; variants per profile,
drafts and scheduling, approval means review, and the queue's filters on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from socialops.connectors import profiles as prof
from socialops.connectors.core import Media
from socialops.errors import PublishError
from socialops.publish import queue
from socialops.publish.worker import run_worker
from socialops.store.secrets import decrypt, encrypt
from socialops.store.workspace import Workspace


def _manual(ws: Workspace, name: str = "블로그", platform: str = "naver-blog") -> prof.Profile:
    return prof.connect(
        ws, name=name, platform="manual", settings={"platform": platform}, secrets={}
    )


def test_a_due_manual_post_becomes_a_task_then_published_when_confirmed(
    workspace: Workspace,
) -> None:
    _manual(workspace)
    group, [post] = queue.new_posts(workspace, profiles=["블로그"], text_="겨울 신메뉴 #신메뉴")
    assert post.state == "scheduled" and post.group_id == group
    _later, [future] = queue.new_posts(
        workspace, profiles=["블로그"], text_="내일 글", at="2099-01-01T09:00"
    )
    result = run_worker(workspace, until_idle=True)
    assert (result.tasks, result.published, result.failed) == (1, 0, 0)
    assert queue.get_post(workspace, post.post_id).state == "task"
    assert queue.get_post(workspace, future.post_id).state == "scheduled"  # not due: untouched
    # 09:00 without an offset is in the profile's zone (Asia/Seoul): 00:00 UTC
    assert future.due_at.startswith("2099-01-01T00:00:00")
    with pytest.raises(PublishError) as bad:
        queue.confirm_task(workspace, post.post_id, "not a url")
    assert bad.value.code == "publish.bad_url"
    done = queue.confirm_task(workspace, post.post_id, "https://blog.naver.com/a/1")
    assert (done.state, done.url) == ("published", "https://blog.naver.com/a/1")
    assert [a["action"] for a in queue.attempts(workspace, post.post_id)] == ["task"]
    with pytest.raises(PublishError) as twice:
        queue.cancel(workspace, post.post_id)
    assert twice.value.code == "publish.bad_state" and twice.value.http_status == 409


def test_limits_refuse_the_whole_group_with_the_counted_length(workspace: Workspace) -> None:
    _manual(workspace, "카톡", "kakaotalk")
    _manual(workspace, "인스타", "instagram")
    with pytest.raises(PublishError) as long:
        queue.new_posts(workspace, profiles=["카톡"], text_="가" * 1001)
    assert long.value.code == "publish.too_long"
    assert long.value.params["count"] == 1001 and long.value.exit_code == 2
    with pytest.raises(PublishError) as no_image:
        queue.new_posts(workspace, profiles=["카톡", "인스타"], text_="사진 없는 글")
    assert no_image.value.code == "publish.media_required"
    assert queue.list_posts(workspace) == []  # nothing of the group was queued
    with pytest.raises(PublishError) as alt:
        queue.new_posts(
            workspace, profiles=["인스타"], text_="사진", media=[Media("/tmp/a.jpg", "")]
        )
    assert alt.value.code == "publish.alt_required"


def test_pause_all_stops_the_worker_and_resume_lets_it_go(workspace: Workspace) -> None:
    _manual(workspace)
    queue.new_posts(workspace, profiles=["블로그"], text_="글")
    prof.pause_all(workspace, True, "tester")
    result = run_worker(workspace, until_idle=True)
    assert result.paused and result.rounds == 0
    assert [p.state for p in queue.list_posts(workspace)] == ["scheduled"]
    prof.pause_all(workspace, False)
    assert run_worker(workspace, until_idle=True).tasks == 1


def test_a_paused_profile_keeps_its_posts_and_cannot_be_removed_with_them(
    workspace: Workspace,
) -> None:
    _manual(workspace)
    [post] = queue.new_posts(workspace, profiles=["블로그"], text_="글")[1]
    prof.set_paused(workspace, "블로그", True)
    assert run_worker(workspace, until_idle=True).rounds == 0
    with pytest.raises(PublishError) as busy:
        prof.remove(workspace, "블로그")
    assert busy.value.code == "profile.has_posts"
    queue.cancel(workspace, post.post_id)
    prof.remove(workspace, "블로그")
    assert prof.list_profiles(workspace) == []


def test_secrets_are_encrypted_at_rest_and_a_wrong_key_says_so(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    token = encrypt(workspace.root, {"app_password": "hunter2-비밀"})
    assert "hunter2" not in token
    assert decrypt(workspace.root, token) == {"app_password": "hunter2-비밀"}
    key_file = workspace.root / "secret.key"
    assert key_file.stat().st_mode & 0o077 == 0
    from cryptography.fernet import Fernet

    monkeypatch.setenv("SOCIALOPS_SECRET_KEY", Fernet.generate_key().decode())
    with pytest.raises(PublishError) as wrong:
        decrypt(workspace.root, token)
    assert wrong.value.code == "profile.secret_key"


def test_cli_post_new_refuses_an_unknown_profile_with_exit_2(workspace: Workspace) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "socialops", "post", "new", "--profile", "없음", "--text", "x"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 2
    assert "없음" in out.stderr


def test_cli_profiles_list_json_never_shows_secrets(workspace: Workspace) -> None:
    _manual(workspace)
    with workspace.begin() as conn:  # as if a platform's credentials were stored
        conn.execute(
            text("UPDATE profiles SET secret = :s"),
            {"s": encrypt(workspace.root, {"app_password": "hunter2"})},
        )
    out = subprocess.run(
        [sys.executable, "-m", "socialops", "profiles", "list", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    data = json.loads(out.stdout)
    assert data["profiles"][0]["name"] == "블로그"
    assert "hunter2" not in out.stdout and "secret" not in data["profiles"][0]


def test_cli_post_list_shows_times_in_the_seoul_zone(workspace: Workspace) -> None:
    _manual(workspace)
    queue.new_posts(workspace, profiles=["블로그"], text_="새해 인사", at="2099-01-01T09:00")
    out = subprocess.run(
        [sys.executable, "-m", "socialops", "post", "list"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "SOCIALOPS_LANG": "ko"},
    )
    assert "2099년 1월 1일 09:00" in out.stdout  # stored as 00:00 UTC
    assert "예약됨" in out.stdout


def test_variants_are_checked_each_against_its_own_profile(workspace: Workspace) -> None:
    _manual(workspace, "카톡", "kakaotalk")
    _manual(workspace)
    long = "가" * 1500
    with pytest.raises(PublishError) as err:  # the long text would go to 카톡 too
        queue.new_posts(workspace, profiles=["카톡", "블로그"], text_=long)
    assert err.value.params["profile"] == "카톡"
    group, posts = queue.new_posts(
        workspace, profiles=["카톡", "블로그"], text_=long, variants={"카톡": "짧은 카톡 글"}
    )
    assert {p.profile: p.text for p in posts} == {"카톡": "짧은 카톡 글", "블로그": long}
    assert all(p.group_id == group and p.link_code == "" for p in posts)


def test_drafts_skip_limits_until_scheduled_and_approval_means_review(
    workspace: Workspace,
) -> None:
    _manual(workspace, "인스타", "instagram")
    _manual(workspace)
    [draft] = queue.new_posts(workspace, profiles=["인스타"], text_="사진은 나중에", draft=True)[1]
    assert (draft.state, draft.plan_item_id, draft.approvals_needed) == ("draft", None, 0)
    with pytest.raises(PublishError) as no_image:
        queue.schedule(workspace, draft.post_id, "2099-05-01T12:00")
    assert no_image.value.code == "publish.media_required"
    assert queue.get_post(workspace, draft.post_id).state == "draft"
    [review] = queue.new_posts(
        workspace, profiles=["블로그"], text_="검토 필요", approvals_needed=2, plan_item_id="i1"
    )[1]
    assert (review.state, review.approvals_needed, review.plan_item_id) == ("in_review", 2, "i1")
    assert run_worker(workspace, until_idle=True).tasks == 0  # in review: never sent
    [later] = queue.new_posts(
        workspace, profiles=["블로그"], text_="초안", draft=True, approvals_needed=1
    )[1]
    assert queue.publish_now(workspace, later.post_id).state == "in_review"
    [plain] = queue.new_posts(workspace, profiles=["블로그"], text_="초안", draft=True)[1]
    moved = queue.schedule(workspace, plain.post_id, "2099-05-01T12:00")
    assert moved.state == "scheduled" and moved.due_at.startswith("2099-05-01T03:00:00")
    kept = queue.schedule(workspace, plain.post_id, None)  # None keeps the time it has
    assert kept.due_at == moved.due_at
    assert queue.schedule(workspace, plain.post_id, "2099-06-01T09:00+00:00").due_at.startswith(
        "2099-06-01T09:00:00"
    )
    queue.cancel(workspace, plain.post_id)
    with pytest.raises(PublishError) as gone:
        queue.schedule(workspace, plain.post_id, None)
    assert gone.value.code == "publish.bad_state"


def test_list_posts_filters_on_both_databases(
    database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOCIALOPS_HOME", str(tmp_path / "ws"))
    ws = Workspace.open(tmp_path / "ws")
    _manual(ws)
    _manual(ws, "카톡", "kakaotalk")
    queue.new_posts(ws, profiles=["블로그"], text_="3월", at="2099-03-01T09:00", plan_id="p1")
    queue.new_posts(ws, profiles=["카톡"], text_="4월", at="2099-04-01T09:00", plan_id="p1")
    queue.new_posts(ws, profiles=["블로그"], text_="5월", at="2099-05-01T09:00", draft=True)

    def texts(**filters: object) -> list[str]:
        return [p.text for p in queue.list_posts(ws, **filters)]  # type: ignore[arg-type]

    assert texts() == ["3월", "4월", "5월"]
    assert texts(plan_id="p1") == ["3월", "4월"]
    assert texts(profile="블로그") == ["3월", "5월"]
    assert texts(state="draft") == ["5월"]
    # bounds without an offset are in Asia/Seoul; since inclusive, until exclusive
    assert texts(since="2099-04-01T09:00") == ["4월", "5월"]
    assert texts(until="2099-04-01T09:00") == ["3월"]
    assert texts(since="2099-03-15", until="2099-04-15", profile="카톡") == ["4월"]
    assert texts(since=datetime(2099, 4, 1, 0, 0, tzinfo=UTC)) == ["4월", "5월"]
