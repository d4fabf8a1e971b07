"""Two-factor sign-in (issue 18 part 6): enrolment on the account page (QR as inline SVG and the
key as text, confirmed by a first code, ten recovery codes shown once and kept hashed), the code
step after the password (its own CSRF token, a window of one step either side, no code taken
twice, recovery codes once, tries throttled), turning it off (password and code), the secret
encrypted at rest, and a workspace owner's rule that sends members without it to enrol (API
tokens not asked). In-process, on SQLite and (make test's second pass) PostgreSQL."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyotp
import pytest
from fastapi.testclient import TestClient
from signin_home import PASSWORD, SignInHome, csrf_of, make_home
from sqlalchemy import text

from socialops.web.auth import COOKIE

pytestmark = pytest.mark.xdist_group("test_sign_in_two_factor")  # one module-scoped home per run


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SignInHome]:
    h = make_home(tmp_path_factory.mktemp("two-factor") / "home")
    with TestClient(h.app):
        yield h


def _signed_in(home: SignInHome, email: str) -> TestClient:
    c = home.browser()
    r = home.password_step(c, email)
    assert r.status_code == 303 and c.cookies.get(COOKIE), r.text
    return c


def _enrol(home: SignInHome, c: TestClient) -> tuple[str, list[str]]:
    """Turn two-factor on as the browser ``c``: ``(secret, recovery codes)``."""
    page = c.get("/account/two-factor")
    r = c.post("/account/two-factor/begin", data={"csrf": csrf_of(page.text)})
    assert r.status_code == 200
    found = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', r.text)
    assert found, r.text[:2000]
    secret = found.group(1).replace(" ", "")
    r = c.post(
        "/account/two-factor/confirm",
        data={"code": pyotp.TOTP(secret).now(), "csrf": csrf_of(r.text)},
    )
    assert r.status_code == 200, r.text[:500]
    codes = re.findall(r"<li><code>([a-z0-9-]+)</code></li>", r.text)
    return secret, codes


def _code_step(c: TestClient, code: str) -> Any:
    page = c.get("/login/code")
    assert page.status_code == 200, page.text[:300]
    return c.post(
        "/login/code", data={"code": code, "csrf": csrf_of(page.text)}, follow_redirects=False
    )


def _audit(home: SignInHome, email: str) -> list[str]:
    with home.accounts.connect() as conn:
        rows = conn.execute(
            text("SELECT action FROM audit WHERE email = :e ORDER BY id"), {"e": email}
        ).all()
    return [r[0] for r in rows]


def test_enrol_sign_in_with_codes_and_turn_off(home: SignInHome) -> None:
    email = "kim.two@example.kr"
    user = home.user(email)
    c = _signed_in(home, email)
    page = c.get("/account/two-factor")
    assert "2단계 인증 켜기" in page.text
    r = c.post("/account/two-factor/begin", data={"csrf": csrf_of(page.text)})
    assert "<svg" in r.text and 'class="segno"' in r.text  # the QR code inline, no image URL
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', r.text).group(1).replace(" ", "")  # type: ignore[union-attr]
    # a wrong first code: not turned on, the QR still there
    bad = c.post("/account/two-factor/confirm", data={"code": "000000", "csrf": csrf_of(r.text)})
    assert bad.status_code == 400 and "인증 코드가 맞지 않습니다" in bad.text and "<svg" in bad.text
    assert not home.accounts.two_factor_enabled(user.id)
    totp = pyotp.TOTP(secret)
    r = c.post("/account/two-factor/confirm", data={"code": totp.now(), "csrf": csrf_of(r.text)})
    codes = re.findall(r"<li><code>([a-z0-9-]+)</code></li>", r.text)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert home.accounts.two_factor_enabled(user.id)
    # at rest: the secret encrypted, the recovery codes only as hashes
    with home.accounts.connect() as conn:
        stored = conn.execute(
            text("SELECT secret FROM two_factor WHERE user_id = :u"), {"u": user.id}
        ).scalar_one()
        hashes = [
            h
            for (h,) in conn.execute(
                text("SELECT code_hash FROM recovery_codes WHERE user_id = :u"), {"u": user.id}
            )
        ]
    assert secret not in stored and stored.startswith("gAAAA")  # a Fernet token
    assert len(hashes) == 10 and not set(codes) & set(hashes)
    # shown once: the page again lists no codes
    assert "<li><code>" not in c.get("/account/two-factor").text

    # sign-in: the password alone makes no session, it leads to the code step
    b = home.browser()
    r = home.password_step(b, email)
    assert r.status_code == 303 and r.headers["location"] == "/login/code"
    assert not b.cookies.get(COOKIE)
    page = b.get("/login/code")
    assert "6자리 코드" in page.text
    # the step's own CSRF token
    r = b.post("/login/code", data={"code": totp.now(), "csrf": "forged"})
    assert r.status_code == 403
    r = _code_step(b, "123456" if totp.now() != "123456" else "654321")
    assert r.status_code == 401 and "인증 코드가 맞지 않습니다" in r.text
    # the code used to confirm (this step) and the one before it: used up already
    assert _code_step(b, totp.at(time.time() - 30)).status_code == 401
    # two steps ahead: outside the window of one step either side
    assert _code_step(b, totp.at(time.time() + 60)).status_code == 401
    # the next step's code is good (window ±1) and makes the session
    earlier = totp.at(time.time() + 30)
    r = _code_step(b, earlier)
    assert r.status_code == 303 and b.cookies.get(COOKIE), r.text
    assert b.get("/account").status_code == 200
    # the same code a second time (another sign-in in its window): refused
    b2 = home.browser()
    home.password_step(b2, email)
    assert _code_step(b2, earlier).status_code == 401
    # a recovery code works once
    r = _code_step(b2, codes[0].upper())
    assert r.status_code == 303 and b2.cookies.get(COOKIE)
    b3 = home.browser()
    home.password_step(b3, email)
    assert _code_step(b3, codes[0]).status_code == 401
    assert home.accounts.recovery_codes_left(user.id) == 9

    # off: the password and a code are both needed
    page = c.get("/account/two-factor")
    assert "남은 복구 코드: 9개" in page.text
    r = c.post(
        "/account/two-factor/disable",
        data={"password": "not-the-password", "code": codes[1], "csrf": csrf_of(page.text)},
    )
    assert r.status_code == 400 and home.accounts.two_factor_enabled(user.id)
    r = c.post(
        "/account/two-factor/disable",
        data={"password": PASSWORD, "code": codes[1], "csrf": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert r.status_code == 303 and not home.accounts.two_factor_enabled(user.id)
    r = home.password_step(home.browser(), email)
    assert r.status_code == 303 and r.headers["location"] != "/login/code"
    actions = _audit(home, email)
    for want in (
        "user.two_factor_on",
        "auth.code_failed",
        "auth.recovery_code_used",
        "user.two_factor_failed",
        "user.two_factor_off",
    ):
        assert want in actions, (want, actions)


def test_code_step_is_throttled_and_needs_its_ticket(home: SignInHome) -> None:
    email = "lee.throttle@example.kr"
    home.user(email, lang="en")
    c = _signed_in(home, email)
    secret, _ = _enrol(home, c)
    b = home.browser()
    home.password_step(b, email)
    statuses = [_code_step(b, "000001").status_code for _ in range(5)]
    assert statuses == [401] * 5
    r = _code_step(b, pyotp.TOTP(secret).now())  # even the right code, once over the limit
    assert r.status_code == 429 and "로그인 시도가 너무 많습니다" in r.text
    assert "auth.code_throttled" in _audit(home, email)
    # no ticket (another browser): the code page sends to the sign-in, the form is refused
    other = home.browser()
    assert other.get("/login/code", follow_redirects=False).headers["location"] == "/login"
    r = other.post("/login/code", data={"code": "123456", "csrf": "x"})
    assert r.status_code == 401 and "다시 로그인해 주세요" in r.text


def test_workspace_owner_requires_two_factor(home: SignInHome) -> None:
    owner_email, member_email = "owner.rule@example.kr", "member.rule@example.kr"
    home.user(owner_email, role="owner")
    member = home.user(member_email, role="analyst")
    token = home.accounts.create_token(member.id, "script")
    owner = _signed_in(home, owner_email)
    settings = owner.get("/w/main/settings")
    assert 'id="require-two-factor"' in settings.text
    # a manager may not set the rule
    manager = home.user("manager.rule@example.kr", role="manager")
    mc = _signed_in(home, manager.email)
    r = mc.post(
        "/w/main/settings/two-factor",
        data={"required": "1", "csrf": csrf_of(mc.get("/account").text)},
    )
    assert r.status_code == 403 and not home.accounts.requires_two_factor("main")
    r = owner.post(
        "/w/main/settings/two-factor",
        data={"required": "1", "csrf": csrf_of(settings.text)},
        follow_redirects=False,
    )
    assert r.status_code == 303 and home.accounts.requires_two_factor("main")
    # the owner has none either: sent to enrol like everyone
    assert owner.get("/w/main/settings", follow_redirects=False).status_code == 303
    m = _signed_in(home, member_email)
    r = m.get("/w/main/settings", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/account/two-factor?required=main"
    page = m.get(r.headers["location"])
    assert "이 워크스페이스는 2단계 인증을 요구합니다" in page.text
    # the API with the session cookie: refused in the one error shape
    r = m.get("/api/v1/workspaces/main/topics")
    assert r.status_code == 403 and r.json()["error"]["code"] == "two_factor_required"
    # a form post into the workspace: refused before its body is read
    r = m.post(
        "/w/main/settings",
        data={"name": "x", "csrf": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"].startswith("/account/two-factor")
    assert home.accounts.workspaces_of(member.id)[0]["name"] != "x"
    # API tokens are not asked (documented)
    r = home.browser().get(
        "/api/v1/workspaces/main/topics", headers={"Authorization": f"Bearer {token}"}
    )
    assert r.status_code == 200, r.text
    # once enrolled the member is in
    _enrol(home, m)
    assert m.get("/w/main/settings").status_code == 200
    assert "workspace.require_two_factor" in [
        a for a in _audit(home, owner_email) if a.startswith("workspace.")
    ]
    home.accounts.set_require_two_factor("main", False)


def test_pending_secret_is_not_in_force(home: SignInHome, tmp_path: Path) -> None:
    """Enrolment begun but not confirmed: sign-in still needs only the password."""
    email = "park.pending@example.kr"
    home.user(email)
    c = _signed_in(home, email)
    page = c.get("/account/two-factor")
    c.post("/account/two-factor/begin", data={"csrf": csrf_of(page.text)})
    r = home.password_step(home.browser(), email)
    assert r.status_code == 303 and r.headers["location"] != "/login/code"
