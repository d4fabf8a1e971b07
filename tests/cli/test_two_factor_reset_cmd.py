"""``socialops user 2fa-reset EMAIL`` (issue 18 part 6): an administrator turns off the
two-factor sign-in of a user who lost their phone and recovery codes; their sessions end, the
reset is in the audit log, and a user without it is told nothing changed."""

from __future__ import annotations

from pathlib import Path

import pyotp
from cli_inproc import run_main
from sqlalchemy import text

from socialops.web.accounts import Accounts


def test_two_factor_reset(tmp_path: Path) -> None:
    accounts = Accounts(tmp_path)
    user = accounts.add_user("lost.phone@example.kr", "correct-horse-battery", role="viewer")
    secret = accounts.begin_two_factor(user.id)
    assert accounts.confirm_two_factor(user.id, pyotp.TOTP(secret).now()) is not None
    accounts.start_session(user.id, 1)
    done = run_main(["user", "2fa-reset", "lost.phone@example.kr"], tmp_path, SOCIALOPS_LANG="ko")
    assert done.returncode == 0, done.stderr
    assert "2단계 인증을 해제했습니다" in done.stdout and "세션 1개" in done.stdout
    assert not accounts.two_factor_enabled(user.id) and accounts.recovery_codes_left(user.id) == 0
    with accounts.connect() as conn:
        sessions = conn.execute(text("SELECT COUNT(*) FROM sessions")).scalar_one()
        actions = [a for (a,) in conn.execute(text("SELECT action FROM audit"))]
    assert sessions == 0 and "user.two_factor_reset" in actions
    again = run_main(["user", "2fa-reset", "lost.phone@example.kr"], tmp_path)
    assert again.returncode == 0 and "nothing changed" in again.stdout
    missing = run_main(["user", "2fa-reset", "nobody@example.kr"], tmp_path)
    assert missing.returncode != 0 and len(missing.stderr.strip().splitlines()) == 1
