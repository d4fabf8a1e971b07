"""Membership by invitation (issue 12, item 4: a workspace owner reached users of other
workspaces). The owner of workspace B could learn which e-mails have accounts (201 vs 404 on
``POST …/members``), add any existing user to B without their consent (which also changed that
user's landing page), and then read that user's sign-ins, with their addresses, in B's audit
log. Now: an owner invites an e-mail and gets a one-time link (the same answer whatever the
e-mail), nobody joins until they accept the link with the invited e-mail's account (or make that
account on the link's page), and a workspace's audit log holds only that workspace's events.

A real application on an empty home folder (no posts are needed): ``main`` with its owner and an
analyst (Carol, the user B's owner goes after), ``brand-b`` (sorted before ``main``: joining it
would change Carol's landing page) with its own owner, and an outsider.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text

from socialops.web.accounts import Accounts, User
from socialops.web.app import create_app
from socialops.web.auth import COOKIE

PASSWORD = "Ledger-Harbor-Quilt-42"
B = "brand-b"
API_B = f"/api/v1/workspaces/{B}"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class Home:
    root: Path
    accounts: Accounts
    app: FastAPI
    client: TestClient
    users: dict[str, User] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    def call(self, who: str | None, method: str, url: str, **kw: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.tokens[who]}"} if who else {}
        return self.client.request(method, url, headers=headers, **kw)

    def browser(self) -> TestClient:
        return TestClient(self.app, base_url="http://testserver")

    def sign_in(
        self, client: TestClient, email: str, password: str = PASSWORD, next_page: str = ""
    ) -> httpx.Response:
        """Post the /login form as a browser does (from ``/login?next=…&email=…`` when
        ``next_page`` is given, as the invitation page links to it)."""
        params = {"next": next_page, "email": email} if next_page else {}
        form = client.get("/login", params=params)
        found = CSRF.search(form.text)
        assert form.status_code == 200 and found, form.text[:300]
        data = {"email": email, "password": password, "csrf": found.group(1)}
        if next_page:
            assert f'name="next" value="{next_page}"' in form.text
            assert f'value="{email}"' in form.text
            data["next"] = next_page
        return client.post("/login", data=data, follow_redirects=False)

    def signed_in(self, who: str) -> TestClient:
        client = self.browser()
        assert self.sign_in(client, self.users[who].email).status_code == 303
        return client

    def invite(self, email: str, role: str = "viewer", who: str = "b_owner") -> dict[str, Any]:
        r = self.call(who, "POST", f"{API_B}/invitations", json={"email": email, "role": role})
        assert r.status_code == 201, r.text
        body: dict[str, Any] = r.json()
        return body


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Home]:
    root = tmp_path_factory.mktemp("invitations") / "home"
    accounts = Accounts(root)
    users = {  # English: the API's messages below are checked in English (and once in Korean)
        "owner": accounts.add_user("owner@main.test", PASSWORD, role="owner", lang="en"),
        "carol": accounts.add_user(
            "carol@main.test", PASSWORD, name="Carol", role="analyst", lang="en"
        ),
        "b_owner": accounts.add_user("boss@brand-b.test", PASSWORD, name="Boss B", lang="en"),
        "outsider": accounts.add_user("out@elsewhere.test", PASSWORD, lang="en"),
    }
    accounts.add_workspace(B, "Brand B", users["b_owner"].id)
    app = create_app(root)
    with TestClient(app, base_url="http://testserver") as client:
        h = Home(root, accounts, app, client, users)
        for who, user in users.items():
            h.tokens[who] = accounts.create_token(user.id, "tests")
        yield h


def error_of(r: httpx.Response, status: int, code: str) -> str:
    assert r.status_code == status, r.text
    err = r.json()["error"]
    assert err["code"] == code and err["status"] == status, err
    message: str = err["message"]
    return message


def shape(value: Any) -> Any:
    """The keys and value types of an answer (what must not tell two e-mails apart)."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    return type(value).__name__


def token_of(invitation: dict[str, Any]) -> str:
    token: str = invitation["token"]
    assert invitation["url"] == f"http://testserver/invite/{token}"
    return token


# -- (a) inviting does not reveal whether an account exists -------------------------------------
def test_inviting_answers_the_same_for_any_email(home: Home) -> None:
    carol = home.users["carol"]
    ghost = f"ghost-{uuid.uuid4().hex[:6]}@nowhere.test"
    answers = {}
    for email in (carol.email, ghost):
        r = home.call(
            "b_owner", "POST", f"{API_B}/members", json={"email": email, "role": "viewer"}
        )
        assert r.status_code == 202, r.text  # accepted: nobody joins until they accept
        answers[email] = r.json()
    assert shape(answers[carol.email]) == shape(answers[ghost])
    for email, body in answers.items():
        assert body["email"] == email and body["state"] == "pending" and body["role"] == "viewer"
        assert body["workspace"] == B and body["invited_by"] == "boss@brand-b.test"
        assert body["token"].startswith("soi_") and token_of(body)
    # the other route answers alike too
    again = [home.invite(e) for e in (carol.email, ghost)]
    assert shape(again[0]) == shape(again[1])
    # nobody was added, and the token is stored only as a hash
    assert home.accounts.role_of(carol.id, B) is None
    assert home.accounts.user_by_email(ghost) is None
    with home.accounts.connect() as con:
        stored = list(con.execute(text("SELECT token_hash FROM invitations")).scalars())
    assert again[0]["token"] not in stored and all(len(h) == 64 for h in stored)
    # the users page answers alike as well (no "there is no such user")
    boss = home.signed_in("b_owner")
    csrf = CSRF.search(boss.get(f"/w/{B}/members").text)
    assert csrf is not None
    pages = []
    for email in (carol.email, ghost):
        for inv in home.accounts.invitations(B):  # the same pending list under each answer
            home.accounts.revoke_invitation(B, inv.id)
        r = boss.post(
            f"/w/{B}/invitations", data={"email": email, "role": "agent", "csrf": csrf.group(1)}
        )
        assert r.status_code == 201 and 'id="invite-link"' in r.text, r.text[:500]
        pages.append(re.sub(r"soi_[\w-]+|[\w.-]+@[\w.-]+|\d", "", r.text))
    assert pages[0] == pages[1]
    for inv in home.accounts.invitations(B):  # withdraw them: the tests below invite afresh
        home.accounts.revoke_invitation(B, inv.id)


def test_inviting_a_member_or_a_non_address_is_refused(home: Home) -> None:
    r = home.call(
        "b_owner", "POST", f"{API_B}/members", json={"email": "boss@brand-b.test", "role": "viewer"}
    )
    assert "member" in error_of(r, 409, "invitation_member")  # B's own members list says it
    r = home.call("b_owner", "POST", f"{API_B}/members", json={"email": "nope", "role": "viewer"})
    said = error_of(r, 400, "accounts.email_invalid")
    assert "nope" in said and ("e-mail address" in said or "이메일 주소" in said)
    r = home.call("owner", "POST", f"{API_B}/members", json={"email": "x@y.test", "role": "viewer"})
    error_of(r, 404, "unknown_workspace")  # main's owner is nobody in B


# -- (b) the invitee is not a member, and lands where they did, until they accept ---------------
def test_invitee_is_untouched_until_they_accept(home: Home) -> None:
    carol = home.users["carol"]
    before = home.sign_in(home.browser(), carol.email).headers["location"]
    assert before == "/w/main"
    inv = home.invite(carol.email, "manager")
    browser = home.browser()
    assert home.sign_in(browser, carol.email).headers["location"] == before
    assert browser.get("/", follow_redirects=False).headers["location"] == before
    me = home.call("carol", "GET", "/api/v1/me").json()
    assert [w["slug"] for w in me["workspaces"]] == ["main"]
    error_of(home.call("carol", "GET", API_B), 404, "unknown_workspace")
    emails = [m["user"]["email"] for m in home.call("b_owner", "GET", f"{API_B}/members").json()]
    assert carol.email not in emails
    pending = home.call("b_owner", "GET", f"{API_B}/invitations").json()
    assert [(p["email"], p["role"]) for p in pending] == [(carol.email, "manager")]
    assert "token" not in pending[0] and "url" not in pending[0]

    # she accepts: now she is a manager of B, and B sorts first
    done = home.call("carol", "POST", f"/api/v1/invitations/{token_of(inv)}/accept")
    assert done.status_code == 200, done.text
    assert done.json() == {"slug": B, "name": "Brand B", "role": "manager"}
    assert home.accounts.role_of(carol.id, B) == "manager"
    assert home.call("b_owner", "GET", f"{API_B}/invitations").json() == []
    # a second use of the link is refused
    again = home.call("carol", "POST", f"/api/v1/invitations/{token_of(inv)}/accept")
    assert "once" in error_of(again, 410, "invitation_used")
    # changing her role and removing her work as before
    r = home.call("b_owner", "PATCH", f"{API_B}/members/{carol.id}", json={"role": "viewer"})
    assert r.status_code == 200 and home.accounts.role_of(carol.id, B) == "viewer"
    assert home.call("b_owner", "DELETE", f"{API_B}/members/{carol.id}").status_code == 200
    assert home.accounts.role_of(carol.id, B) is None


# -- (c) accepting: the invited e-mail only, once, in time, unless withdrawn --------------------
def test_accept_refusals_say_why(home: Home) -> None:
    carol = home.users["carol"]
    inv = home.invite(carol.email, "analyst")
    token = token_of(inv)
    # another account: refused, and the link still works for Carol
    msg = error_of(
        home.call("outsider", "POST", f"/api/v1/invitations/{token}/accept"),
        403,
        "invitation_email",
    )
    assert carol.email in msg and home.accounts.role_of(home.users["outsider"].id, B) is None
    seen = home.call("outsider", "GET", f"/api/v1/invitations/{token}").json()
    assert seen["state"] == "pending" and seen["workspace_name"] == "Brand B"
    error_of(home.call(None, "POST", f"/api/v1/invitations/{token}/accept"), 401, "unauthenticated")
    # not a link at all
    bad = home.call("carol", "POST", "/api/v1/invitations/soi_not-a-real-token/accept")
    assert "copied whole" in error_of(bad, 404, "invitation_unknown")
    # withdrawn: the link stops working; withdrawing twice is 404
    r = home.call("b_owner", "DELETE", f"{API_B}/invitations/{inv['id']}")
    assert r.status_code == 200, r.text
    error_of(home.call("b_owner", "DELETE", f"{API_B}/invitations/{inv['id']}"), 404, "not_found")
    msg = error_of(
        home.call("carol", "POST", f"/api/v1/invitations/{token}/accept"), 410, "invitation_revoked"
    )
    assert "boss@brand-b.test" in msg and "withdrawn" in msg
    # expired
    expired, _ = home.accounts.invite(B, carol.email, "viewer", home.users["b_owner"].id, days=-1)
    msg = error_of(
        home.call("carol", "POST", f"/api/v1/invitations/{expired}/accept"),
        410,
        "invitation_expired",
    )
    assert "expired" in msg
    # a newer invitation replaces the older link
    first, second = home.invite(carol.email), home.invite(carol.email, "agent")
    error_of(
        home.call("carol", "POST", f"/api/v1/invitations/{token_of(first)}/accept"),
        410,
        "invitation_revoked",
    )
    ok = home.call("carol", "POST", f"/api/v1/invitations/{token_of(second)}/accept")
    assert ok.status_code == 200 and ok.json()["role"] == "agent"
    home.accounts.remove_member(B, carol.id)
    # Korean for a Korean caller (the account's language)
    home.accounts.set_preferences(carol.id, lang="ko")
    ko = home.call("carol", "POST", f"/api/v1/invitations/{token_of(first)}/accept")
    home.accounts.set_preferences(carol.id, lang="en")
    assert "취소" in error_of(ko, 410, "invitation_revoked")
    # only those who manage members see and withdraw invitations
    home.accounts.set_member(B, home.users["outsider"].id, "manager")
    try:
        error_of(home.call("outsider", "GET", f"{API_B}/invitations"), 403, "forbidden")
        error_of(
            home.call(
                "outsider",
                "POST",
                f"{API_B}/invitations",
                json={"email": "a@b.test", "role": "viewer"},
            ),
            403,
            "forbidden",
        )
    finally:
        home.accounts.remove_member(B, home.users["outsider"].id)


def test_existing_user_accepts_on_the_page(home: Home) -> None:
    carol = home.users["carol"]
    token = token_of(home.invite(carol.email, "viewer"))
    link = f"/invite/{token}"
    # signed out: the page offers to sign in (back to the link) or to make the account
    anon = home.browser()
    page = anon.get(link)
    assert page.status_code == 200
    for shown in ("Brand B", "Boss B", carol.email, 'id="invite-sign-in"', 'id="register"'):
        assert shown in page.text, shown
    # the make-an-account form for an e-mail with an account: refused, her password unchanged
    csrf = CSRF.search(page.text)
    assert csrf is not None
    r = anon.post(
        f"{link}/register",
        data={"password": "Another-Long-Secret-9", "csrf": csrf.group(1)},
        follow_redirects=False,
    )
    assert r.status_code == 409 and 'id="invite-error"' in r.text
    assert f"{carol.email} 계정이 이미 있습니다" in r.text  # to the link's holder only
    assert home.accounts.check_credentials(carol.email, PASSWORD) is not None
    assert home.accounts.role_of(carol.id, B) is None
    # sign in through the page's link: back on the invitation
    browser = home.browser()
    signed = home.sign_in(browser, carol.email, next_page=link)
    assert signed.status_code == 303 and signed.headers["location"] == link
    page = browser.get(link)
    assert 'id="accept-invitation"' in page.text and 'id="register"' not in page.text
    assert browser.post(f"{link}/accept", data={}).status_code == 403  # no CSRF token
    csrf = CSRF.search(page.text)
    assert csrf is not None
    done = browser.post(f"{link}/accept", data={"csrf": csrf.group(1)}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == f"/w/{B}?ok=invitation_accepted"
    assert home.accounts.role_of(carol.id, B) == "viewer"
    assert browser.get(link).status_code == 410  # once
    home.accounts.remove_member(B, carol.id)


def test_wrong_user_on_the_page_is_told_whose_it_is(home: Home) -> None:
    carol = home.users["carol"]
    token = token_of(home.invite(carol.email, "viewer"))
    outsider = home.signed_in("outsider")
    page = outsider.get(f"/invite/{token}")
    assert page.status_code == 200 and 'id="wrong-user"' in page.text
    assert 'id="accept-invitation"' not in page.text
    csrf = CSRF.search(page.text)
    assert csrf is not None
    r = outsider.post(f"/invite/{token}/accept", data={"csrf": csrf.group(1)})
    assert r.status_code == 403 and carol.email in r.text
    assert home.accounts.role_of(home.users["outsider"].id, B) is None
    assert home.accounts.invitation(token) is not None
    assert home.accounts.invitation(token).state == "pending"  # type: ignore[union-attr]


def test_new_person_makes_an_account_on_the_page(home: Home) -> None:
    email = f"newbie-{uuid.uuid4().hex[:6]}@fresh.test"
    token = token_of(home.invite(email, "analyst"))
    link = f"/invite/{token}"
    browser = home.browser()
    page = browser.get(link)
    csrf = CSRF.search(page.text)
    assert page.status_code == 200 and csrf is not None
    # the password policy applies: a trivially weak one is refused, nothing is made
    weak = browser.post(
        f"{link}/register",
        data={"name": "New Bie", "password": "aaaaaaaaaa", "csrf": csrf.group(1)},
    )
    assert weak.status_code == 400 and 'role="alert"' in weak.text
    assert home.accounts.user_by_email(email) is None
    assert home.accounts.invitation(token).state == "pending"  # type: ignore[union-attr]
    # without the form's CSRF token: refused
    assert browser.post(f"{link}/register", data={"password": PASSWORD}).status_code == 403
    csrf = CSRF.search(weak.text)
    assert csrf is not None
    done = browser.post(
        f"{link}/register",
        data={"name": "New Bie", "password": "Violet-Canyon-Ferry-7", "csrf": csrf.group(1)},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    assert done.headers["location"] == f"/w/{B}?ok=invitation_accepted"
    assert COOKIE in browser.cookies  # signed in
    user = home.accounts.user_by_email(email)
    assert user is not None and user.name == "New Bie"
    assert home.accounts.role_of(user.id, B) == "analyst"
    assert home.accounts.workspaces_of(user.id) == [
        {"slug": B, "name": "Brand B", "role": "analyst"}
    ]
    welcome = browser.get(f"/w/{B}?ok=invitation_accepted")
    assert welcome.status_code == 200 and "초대를 수락했습니다" in welcome.text
    assert home.accounts.check_credentials(email, "Violet-Canyon-Ferry-7") is not None
    # the link is spent, for anyone
    again = home.browser().get(link)
    assert again.status_code == 410 and "한 번만" in again.text
    assert home.browser().get("/invite/soi_nothing-here").status_code == 404


# -- (d) a workspace's audit log holds only that workspace's events ------------------------------
def test_audit_log_keeps_to_its_workspace(home: Home) -> None:
    carol = home.users["carol"]
    # Carol signs in (and fails once) from her own address, and works in main
    home.signed_in("carol")
    home.sign_in(home.browser(), carol.email, "not-her-password-1")
    r = home.call(
        "carol", "POST", "/api/v1/workspaces/main/topics", json={"name": "Mine", "query": "mine"}
    )
    assert r.status_code == 201, r.text
    # she joins B (the worst case: a member of B) and B's owner reads B's log
    token = token_of(home.invite(carol.email, "viewer"))
    assert home.call("carol", "POST", f"/api/v1/invitations/{token}/accept").status_code == 200
    revoked = home.invite("someone@else.test")
    home.call("b_owner", "DELETE", f"{API_B}/invitations/{revoked['id']}")
    log = home.call("b_owner", "GET", f"{API_B}/audit", params={"per_page": 100}).json()
    items = log["items"]
    assert {e["workspace"] for e in items} == {B}, [e for e in items if e["workspace"] != B][:3]
    actions = {(e["action"], e["email"]) for e in items}
    assert ("invitation.create", "boss@brand-b.test") in actions
    assert ("invitation.revoke", "boss@brand-b.test") in actions
    assert ("invitation.accept", carol.email) in actions
    assert not {a for a, _ in actions} & {"auth.sign_in", "auth.sign_in_failed", "topic.add"}
    assert log["total"] == len(items)
    # main's log: main's events only, no sign-ins either
    main = home.call("owner", "GET", "/api/v1/workspaces/main/audit", params={"per_page": 100})
    assert {e["workspace"] for e in main.json()["items"]} == {"main"}
    assert ("topic.add", carol.email) in {(e["action"], e["email"]) for e in main.json()["items"]}
    # her sign-ins are hers: on her account (API and page), with the address
    mine = home.call("carol", "GET", "/api/v1/me/activity", params={"per_page": 100}).json()
    seen = {e["action"] for e in mine["items"]}
    assert {"auth.sign_in", "auth.sign_in_failed"} <= seen
    assert all(e["workspace"] is None and e["email"] == carol.email for e in mine["items"])
    assert all(e["ip"] for e in mine["items"] if e["action"].startswith("auth."))
    theirs = home.call("b_owner", "GET", "/api/v1/me/activity", params={"per_page": 100}).json()
    assert carol.email not in {e["email"] for e in theirs["items"]}
    account = home.signed_in("carol").get("/account")
    assert 'id="activity"' in account.text and "auth.sign_in_failed" in account.text
    assert home.signed_in("b_owner").get(f"/w/{B}/audit").text.count(carol.email) >= 1
    home.accounts.remove_member(B, carol.id)


def test_users_page_invites_lists_and_withdraws(home: Home) -> None:
    boss = home.signed_in("b_owner")
    page = boss.get(f"/w/{B}/members")
    csrf = CSRF.search(page.text)
    assert page.status_code == 200 and csrf is not None
    email = f"pending-{uuid.uuid4().hex[:6]}@later.test"
    made = boss.post(
        f"/w/{B}/invitations", data={"email": email, "role": "analyst", "csrf": csrf.group(1)}
    )
    assert made.status_code == 201
    link = re.search(r'id="invite-link">(http://testserver/invite/soi_[\w-]+)<', made.text)
    assert link is not None, made.text[:800]
    # the link is shown once: the page read again lists the invitation, not the link
    listed = boss.get(f"/w/{B}/members")
    assert email in listed.text and "invite-link" not in listed.text
    assert link.group(1).rsplit("/", 1)[1] not in listed.text
    inv = next(i for i in home.accounts.invitations(B) if i.email == email)
    r = boss.post(
        f"/w/{B}/invitations/revoke",
        data={"invitation_id": inv.id, "csrf": csrf.group(1)},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == f"/w/{B}/members?ok=invitation_revoked"
    assert email not in boss.get(f"/w/{B}/members").text
    assert home.browser().get(link.group(1).replace("http://testserver", "")).status_code == 410
    bad = boss.post(
        f"/w/{B}/invitations",
        data={"email": "boss@brand-b.test", "role": "viewer", "csrf": csrf.group(1)},
    )
    assert bad.status_code == 409 and 'id="members-error"' in bad.text


def test_a_link_is_used_once_even_in_parallel(home: Home) -> None:
    """Eight simultaneous acceptances of one link (real threads, one SQLite file): exactly one
    makes the account and joins; the others are refused as used (or as the account existing)."""
    from concurrent.futures import ThreadPoolExecutor

    from socialops.web.accounts import InvitationError

    email = f"racer-{uuid.uuid4().hex[:6]}@fresh.test"
    token = token_of(home.invite(email, "viewer"))

    def accept(n: int) -> str:
        try:
            home.accounts.accept_invitation_as_new_user(token, f"Quartz-Meadow-Signal-{n:02d}")
        except InvitationError as exc:
            return exc.reason
        return "joined"

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(accept, range(8)))
    assert results.count("joined") == 1, results
    assert set(results) <= {"joined", "used", "exists"}, results
    user = home.accounts.user_by_email(email)
    assert user is not None and home.accounts.role_of(user.id, B) == "viewer"
