"""What ends a user's access: a password change ends their other sessions and revokes every API
token (and says so); *sign out everywhere* offers both — sessions only, or sessions and tokens —
on the account page and in the API; the current-password check is throttled as sign-ins are; a
weak new password is refused in the user's language."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

from sqlalchemy import text

from socialops.web.accounts import Accounts
from socialops.web.auth import COOKIE


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no csrf field"
    return found.group(1)


def audit_of(accounts: Accounts, email: str) -> list[dict[str, Any]]:
    """The audit entries recorded for an e-mail, newest first (read from the table)."""
    with accounts.connect() as con:
        rows = (
            con.execute(
                text("SELECT action, ip, detail FROM audit WHERE email = :e ORDER BY id DESC"),
                {"e": email},
            )
            .mappings()
            .all()
        )
    return [
        {"action": r["action"], "ip": r["ip"], "detail": json.loads(r["detail"] or "null")}
        for r in rows
    ]


def _user(web: Any, lang: str = "ko") -> tuple[str, int]:
    email = f"acct-{uuid.uuid4().hex[:8]}@example.com"
    user = web.accounts.add_user(email, web.password, role="viewer", lang=lang)
    return email, user.id


def _me(web: Any, token: str) -> int:
    r = web.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    return int(r.status_code)


def test_password_change_on_the_page_revokes_api_tokens(web: Any) -> None:
    email, uid = _user(web)
    tokens = [web.accounts.create_token(uid, "script"), web.accounts.create_token(uid, "cron")]
    assert [_me(web, t) for t in tokens] == [200, 200]
    here = web.browser()
    assert web.sign_in(here, email).status_code == 303
    page = here.get("/account")
    # the form says what a change does
    assert "개인 API 토큰이 모두 폐기됩니다" in page.text
    done = here.post(
        "/account/password",
        data={"current": web.password, "new": "a new long password", "csrf": _csrf(page.text)},
    )
    assert done.status_code == 200 and "API 토큰은 모두 폐기되었습니다" in done.text
    assert [_me(web, t) for t in tokens] == [401, 401]
    assert web.accounts.tokens(uid) == []
    assert here.get("/account").status_code == 200  # this browser stays signed in
    entry = audit_of(web.accounts, email)[0]
    assert entry["action"] == "user.password" and entry["detail"] == {"sessions": 0, "tokens": 2}


def test_password_change_through_accounts_revokes_api_tokens(web: Any) -> None:
    email, uid = _user(web)
    token = web.accounts.create_token(uid)
    elsewhere = web.browser()
    assert web.sign_in(elsewhere, email).status_code == 303
    assert web.accounts.set_password(uid, "another long password") == (1, 1)
    assert _me(web, token) == 401
    assert elsewhere.get("/api/v1/me").status_code == 401


def test_weak_new_password_refused_in_the_users_language(web: Any) -> None:
    for lang, says in [("ko", "흔히 쓰이는 비밀번호"), ("en", "one of the most common")]:
        email, uid = _user(web, lang)
        token = web.accounts.create_token(uid)
        here = web.browser()
        assert web.sign_in(here, email).status_code == 303
        csrf = _csrf(here.get("/account").text)
        r = here.post(
            "/account/password", data={"current": web.password, "new": "iloveyou12", "csrf": csrf}
        )
        assert r.status_code == 400 and says in r.text, r.text
        assert web.accounts.check_credentials(email, web.password) is not None
        assert _me(web, token) == 200  # nothing changed, nothing revoked


def test_current_password_check_is_throttled(web: Any) -> None:
    """Someone holding a session cannot guess the current password at will either."""
    email, _ = _user(web)
    here = web.browser()
    assert web.sign_in(here, email).status_code == 303
    csrf = _csrf(here.get("/account").text)
    guess = {"current": "not-the-password", "new": "a new long password", "csrf": csrf}
    for _ in range(5):
        assert here.post("/account/password", data=guess).status_code == 400
    assert here.post("/account/password", data=guess).status_code == 429
    right = {**guess, "current": web.password}
    assert here.post("/account/password", data=right).status_code == 429
    assert web.accounts.check_credentials(email, web.password) is not None


def test_sign_out_everywhere_offers_both_on_the_page(web: Any) -> None:
    email, uid = _user(web)
    token = web.accounts.create_token(uid)
    here, other = web.browser(), web.browser()
    assert web.sign_in(here, email).status_code == 303
    assert web.sign_in(other, email).status_code == 303
    page = here.get("/account").text
    assert 'id="sign-out-everywhere"' in page and 'id="sign-out-everywhere-tokens"' in page
    assert "모든 기기에서 로그아웃하고 API 토큰도 모두 폐기" in page
    # the first: sessions end, tokens keep working
    r = here.post("/account/sign-out-everywhere", data={"csrf": _csrf(page)})
    assert r.status_code == 200 and "로그아웃되었습니다" in r.text
    assert other.get("/api/v1/me").status_code == 401 and _me(web, token) == 200
    # the second: tokens are revoked too
    assert web.sign_in(here, email).status_code == 303
    page = here.get("/account").text
    r = here.post("/account/sign-out-everywhere", data={"csrf": _csrf(page), "tokens": "revoke"})
    assert r.status_code == 200 and COOKIE not in here.cookies
    assert here.get("/api/v1/me").status_code == 401 and _me(web, token) == 401
    details = [
        e["detail"]
        for e in audit_of(web.accounts, email)
        if e["action"] == "auth.sign_out_everywhere"
    ]
    assert details == [{"sessions": 1, "tokens": 1}, {"sessions": 2}]


def test_sign_out_everywhere_in_the_api(web: Any) -> None:
    _, uid = _user(web)
    first, second = web.accounts.create_token(uid), web.accounts.create_token(uid)
    auth = {"Authorization": f"Bearer {first}"}
    kept = web.client.post("/api/v1/me/sign-out-everywhere", headers=auth)
    assert kept.status_code == 200 and kept.json()["detail"] == "0 sessions ended"
    assert _me(web, first) == 200 and _me(web, second) == 200
    gone = web.client.post(
        "/api/v1/me/sign-out-everywhere", headers=auth, json={"revoke_tokens": True}
    )
    assert gone.status_code == 200, gone.text
    assert gone.json()["detail"] == "0 sessions ended, 2 API tokens revoked"
    assert _me(web, first) == 401 and _me(web, second) == 401
