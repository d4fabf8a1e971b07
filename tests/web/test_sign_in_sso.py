"""Single sign-on with OpenID Connect (issue 18 part 6) against a real provider on loopback
(tests/web/oidc_provider.py: discovery, JWKS, authorize, a token endpoint checking the code, the
PKCE verifier and the client secret, RS256 ID tokens): the full flow with httpx following the
redirects between a real socialops server and the provider, linking to the existing user of the
verified e-mail (or making one when allowed), and every attack refused with its Korean message —
wrong state, replayed code, another key's signature, wrong audience, expired token, nonce
mismatch, unverified e-mail, a domain not allowed, no account."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pyotp
import pytest
from oidc_provider import Provider, free_port, running_provider, serve
from signin_home import PASSWORD, SignInHome, make_home
from sqlalchemy import text

from socialops.web.auth import COOKIE
from socialops.web.oidc import SECRET_ENV

pytestmark = pytest.mark.xdist_group("test_sign_in_sso")  # one module-scoped home per run

USER = {
    "sub": "idp-0001",
    "email": "Jiwoo.Han@bank.example.kr",
    "email_verified": True,
    "name": "한지우",
}


class Sso:
    def __init__(self, home: SignInHome, provider: Provider, url: str) -> None:
        self.home, self.provider, self.url = home, provider, url

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, follow_redirects=True, timeout=20)


@pytest.fixture(scope="module")
def sso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sso]:
    home = make_home(tmp_path_factory.mktemp("sso") / "home")
    home.accounts.add_user("jiwoo.han@bank.example.kr", PASSWORD, role="analyst")
    with running_provider(dict(USER)) as provider:
        env = {
            "SOCIALOPS_OIDC_ISSUER": provider.issuer,
            "SOCIALOPS_OIDC_CLIENT_ID": provider.client_id,
            SECRET_ENV: provider.client_secret,
            "SOCIALOPS_OIDC_DOMAINS": "bank.example.kr, example.go.kr",
            "SOCIALOPS_OIDC_AUTO_CREATE": "0",
            "SOCIALOPS_WEB_WARM": "0",  # no cache warm-up competing with the flow
        }
        saved = {k: os.environ.get(k) for k in env}
        os.environ.update(env)
        try:
            port = free_port()
            with serve(home.app, port) as url:
                yield Sso(home, provider, url)
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v


def _refused(r: httpx.Response, status: int, words: str) -> None:
    assert r.status_code == status, (r.status_code, r.text[:500])
    assert words in r.text, r.text[:3000]
    assert COOKIE not in r.cookies


@pytest.fixture(autouse=True)
def _reset_provider(sso: Sso) -> Iterator[None]:
    sso.provider.tamper = ""
    sso.provider.user = dict(USER)
    yield
    sso.provider.tamper = ""


def test_full_flow_links_the_existing_user(sso: Sso) -> None:
    with sso.client() as c:
        page = c.get("/login")
        assert "회사 계정으로 로그인" in page.text and 'href="/login/sso"' in page.text
        r = c.get("/login/sso")
        # browser-less: /login/sso → provider /authorize → /login/sso/callback → /
        hops = [h.url.path for h in r.history]
        assert hops[:3] == ["/login/sso", "/authorize", "/login/sso/callback"], hops
        assert r.status_code == 200 and r.url.path.startswith("/w/main"), r.url
        assert c.cookies.get(COOKIE)
        assert c.get("/api/v1/me").json()["email"] == "jiwoo.han@bank.example.kr"
    # the PKCE verifier and client secret were checked by the provider: the call succeeded
    assert sso.provider.token_calls[-1] == "ok"
    with sso.home.accounts.connect() as conn:
        links = conn.execute(text("SELECT issuer, subject FROM sso_identities")).all()
        actions = [a for (a,) in conn.execute(text("SELECT action FROM audit"))]
    assert [tuple(x) for x in links] == [(sso.provider.issuer, "idp-0001")]
    assert "auth.sso_sign_in" in actions
    # the authorize request carried state, nonce and an S256 challenge
    r = httpx.get(f"{sso.url}/login/sso", follow_redirects=False)
    q = parse_qs(urlsplit(r.headers["location"]).query)
    assert q["code_challenge_method"] == ["S256"] and len(q["code_challenge"][0]) == 43
    assert q["state"][0] and q["nonce"][0] and q["redirect_uri"][0].endswith("/login/sso/callback")


def _callback_url(c: httpx.Client) -> str:
    """Start a sign-in and let the provider approve it; the callback URL (not yet followed)."""
    start = c.get("/login/sso", follow_redirects=False)
    at_provider = httpx.get(start.headers["location"], follow_redirects=False)
    return str(at_provider.headers["location"])


def test_wrong_state_and_replayed_code_are_refused(sso: Sso) -> None:
    with sso.client() as c:
        callback = _callback_url(c)
        parts = urlsplit(callback)
        q = parse_qs(parts.query)
        forged = f"{parts.path}?code={q['code'][0]}&state=forged-state"
        _refused(c.get(forged), 400, "로그인 요청을 확인할 수 없습니다")
    # another browser given the victim's callback (no state cookie): refused
    with sso.client() as c:
        callback = _callback_url(c)
        with sso.client() as stranger:
            _refused(
                stranger.get(urlsplit(callback).path + "?" + urlsplit(callback).query),
                400,
                "로그인 요청을 확인할 수 없습니다",
            )
    with sso.client() as c:
        callback = _callback_url(c)
        path = urlsplit(callback).path + "?" + urlsplit(callback).query
        first = c.get(path)
        assert first.status_code == 200 and c.cookies.get(COOKIE)
        # the same callback again: its state is used up
        c.cookies.clear()
        _refused(c.get(path), 400, "로그인 요청을 확인할 수 없습니다")
    # a replayed code with a fresh state: the provider refuses the code the second time
    with sso.client() as c:
        callback = _callback_url(c)
        code = parse_qs(urlsplit(callback).query)["code"][0]
        assert c.get(urlsplit(callback).path + "?" + urlsplit(callback).query).status_code == 200
        c.cookies.clear()
        again = _callback_url(c)
        state = parse_qs(urlsplit(again).query)["state"][0]
        _refused(
            c.get(f"/login/sso/callback?code={code}&state={state}"),
            400,
            "로그인 코드를 받아 주지 않았습니다",
        )
    assert "code" in sso.provider.token_calls


@pytest.mark.parametrize(
    ("tamper", "words"),
    [
        ("other_key", "서명이 맞지 않습니다"),
        ("audience", "audience 불일치"),
        ("expired", "ID 토큰이 만료되었습니다"),
        ("nonce", "nonce 불일치"),
        ("issuer", "발급자(issuer)가 설정과 다릅니다"),
    ],
)
def test_bad_id_tokens_are_refused(sso: Sso, tamper: str, words: str) -> None:
    sso.provider.tamper = tamper
    with sso.client() as c:
        _refused(c.get("/login/sso"), 400, words)
    with sso.home.accounts.connect() as conn:
        detail = conn.execute(
            text("SELECT detail FROM audit WHERE action = 'auth.sso_failed' ORDER BY id DESC")
        ).scalar()
    assert tamper.split("_")[0] in detail or "signature" in detail


@pytest.mark.parametrize(
    ("user", "status", "words"),
    [
        ({"email_verified": False}, 403, "이메일(jiwoo.han@bank.example.kr)이 확인되지 않았습니다"),
        (
            {"email": "mallory@evil.example.com", "sub": "idp-9"},
            403,
            "evil.example.com&#39; 도메인",
        ),
        ({"email": "new.person@example.go.kr", "sub": "idp-2"}, 403, "계정이 없습니다"),
    ],
)
def test_people_the_server_does_not_take(
    sso: Sso, user: dict[str, object], status: int, words: str
) -> None:
    sso.provider.user = {**USER, **user}
    with sso.client() as c:
        _refused(c.get("/login/sso"), status, words)


def test_no_email_verified_claim_is_trusted_only_when_set(sso: Sso) -> None:
    """Entra ID sends no email_verified: refused by default, taken with oidc_trust_email."""
    sso.provider.user = {k: v for k, v in USER.items() if k != "email_verified"}
    with sso.client() as c:
        _refused(c.get("/login/sso"), 403, "확인되지 않았습니다")
    os.environ["SOCIALOPS_OIDC_TRUST_EMAIL"] = "1"
    try:
        with sso.client() as c:
            assert c.get("/login/sso").url.path.startswith("/w/main")
        sso.provider.user = {**USER, "email_verified": False}  # an explicit false: still no
        with sso.client() as c:
            _refused(c.get("/login/sso"), 403, "확인되지 않았습니다")
    finally:
        os.environ.pop("SOCIALOPS_OIDC_TRUST_EMAIL", None)


def test_sso_user_with_two_factor_is_asked_for_the_code(sso: Sso) -> None:
    accounts = sso.home.accounts
    user = accounts.user_by_email("jiwoo.han@bank.example.kr")
    assert user is not None
    secret = accounts.begin_two_factor(user.id)
    assert accounts.confirm_two_factor(user.id, pyotp.TOTP(secret).now()) is not None
    try:
        with sso.client() as c:
            r = c.get("/login/sso")
            assert r.url.path == "/login/code" and not c.cookies.get(COOKIE)
            csrf = re.search(r'name="csrf" value="([^"]+)"', r.text).group(1)  # type: ignore[union-attr]
            code = pyotp.TOTP(secret).at(time.time() + 30)
            done = c.post("/login/code", data={"code": code, "csrf": csrf})
            assert done.url.path.startswith("/w/main") and c.cookies.get(COOKIE)
    finally:
        accounts.disable_two_factor(user.id)


def test_auto_create_makes_an_account_without_a_workspace(sso: Sso) -> None:
    sso.provider.user = {**USER, "email": "minji.seo@example.go.kr", "sub": "idp-3"}
    os.environ["SOCIALOPS_OIDC_AUTO_CREATE"] = "1"
    try:
        with sso.client() as c:
            r = c.get("/login/sso")
            assert r.status_code == 200 and r.url.path == "/account", r.url
    finally:
        os.environ["SOCIALOPS_OIDC_AUTO_CREATE"] = "0"
    made = sso.home.accounts.user_by_email("minji.seo@example.go.kr")
    assert made is not None and sso.home.accounts.workspaces_of(made.id) == []
    # no password signs in to it
    assert sso.home.accounts.check_credentials("minji.seo@example.go.kr", "!sso") is None
