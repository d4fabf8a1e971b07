"""Workspaces (one per brand or client): created by an owner of main, who owns the new one;
members, isolation from other workspaces, deletion with its data; main cannot be deleted."""

from __future__ import annotations

from typing import Any

from socialops.store.workspace import Workspace


def test_workspace_lifecycle(web: Any) -> None:
    created = web.call(
        "owner", "POST", "/api/v1/workspaces", json={"slug": "acme-bank", "name": "ACME 은행"}
    )
    assert created.status_code == 201, created.text
    assert created.json() == {"slug": "acme-bank", "name": "ACME 은행", "role": "owner"}
    folder = web.accounts.workspace_dir("acme-bank")
    assert Workspace(folder).exists()  # its ledger: the file, or its schema's id on PostgreSQL
    slugs = [w["slug"] for w in web.call("owner", "GET", "/api/v1/workspaces").json()]
    assert slugs == ["acme-bank", "main"]
    # a new workspace is empty and its own: main's topics are not in it
    info = web.call("owner", "GET", "/api/v1/workspaces/acme-bank").json()
    assert info["posts"] == 0 and info["role"] == "owner"
    assert web.call("owner", "GET", "/api/v1/workspaces/acme-bank/topics").json() == []
    # an analyst of main is not a member of it: 404, not 403
    r = web.call("analyst", "GET", "/api/v1/workspaces/acme-bank/topics")
    assert r.status_code == 404 and r.json()["error"]["code"] == "unknown_workspace"
    # members: invite the analyst as a viewer there, who accepts; the role is per workspace
    r = web.call(
        "owner",
        "POST",
        "/api/v1/workspaces/acme-bank/members",
        json={"email": web.email("analyst"), "role": "viewer"},
    )
    assert r.status_code == 202
    accepted = web.call("analyst", "POST", f"/api/v1/invitations/{r.json()['token']}/accept")
    assert accepted.status_code == 200 and accepted.json()["role"] == "viewer"
    r = web.call(
        "analyst",
        "POST",
        "/api/v1/workspaces/acme-bank/topics",
        json={"name": "ACME", "query": "acme"},
    )
    assert r.status_code == 403  # a viewer there, though an analyst in main
    # bad input: a taken id, a malformed id, deleting main
    again = web.call("owner", "POST", "/api/v1/workspaces", json={"slug": "acme-bank", "name": "x"})
    said = again.json()["error"]["message"]  # in the owner's language
    assert again.status_code == 400 and "acme-bank" in said
    assert "exists already" in said or "이미 있습니다" in said
    bad = web.call("owner", "POST", "/api/v1/workspaces", json={"slug": "ACME Bank", "name": "x"})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid"
    main = web.call("owner", "DELETE", "/api/v1/workspaces/main")
    assert main.status_code == 400 and Workspace(web.accounts.home).exists()
    # deletion: data and members gone, recorded in the audit log
    assert web.call("owner", "DELETE", "/api/v1/workspaces/acme-bank").status_code == 200
    assert not folder.exists()
    r = web.call("owner", "GET", "/api/v1/workspaces/acme-bank")
    assert r.status_code == 404
    _, log = web.accounts.audit_log("acme-bank", limit=20)
    actions = [e["action"] for e in log if e["workspace"] == "acme-bank"]
    assert "workspace.create" in actions and "workspace.delete" in actions


def _csrf(page: str) -> str:
    import re

    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, "no csrf field"
    return found.group(1)


def test_settings_page(web: Any) -> None:
    """The settings page: rename (settings.edit), create a workspace (owners of main) and
    delete it (its owner); a viewer sees the page but may not change it; main stays."""
    owner = web.signed_in("owner")
    page = owner.get("/w/main/settings")
    assert page.status_code == 200 and "워크스페이스 설정" in page.text
    assert "America/Los_Angeles" in page.text  # the zone the posts were enriched in
    csrf = _csrf(page.text)
    r = owner.post(
        "/w/main/settings", data={"name": "본사 브랜드", "csrf": csrf}, follow_redirects=False
    )
    assert r.status_code == 303 and web.accounts.workspace_name("main") == "본사 브랜드"
    viewer = web.signed_in("viewer")
    vpage = viewer.get("/w/main/settings")
    assert vpage.status_code == 200 and 'id="new-workspace"' not in vpage.text
    r = viewer.post("/w/main/settings", data={"name": "x", "csrf": _csrf(vpage.text)})
    assert r.status_code == 403
    r = owner.post(
        "/w/main/settings/new",
        data={"slug": "client-b", "name": "고객사 B", "csrf": csrf},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/w/client-b"
    assert owner.get("/w/client-b").status_code == 200
    bad = owner.post("/w/main/settings/new", data={"slug": "Client B", "name": "x", "csrf": csrf})
    said = bad.text  # in the owner's language
    assert bad.status_code == 400 and "Client B" in said
    assert "대시로 1–40자" in said or "Workspace id" in said
    r = owner.post("/w/client-b/settings/delete", data={"csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303 and web.accounts.workspace_name("client-b") is None
    r = owner.post("/w/main/settings/delete", data={"csrf": csrf})
    assert r.status_code == 400 and web.accounts.workspace_name("main") is not None
    missing_csrf = owner.post("/w/main/settings", data={"name": "y"})
    assert missing_csrf.status_code == 403


def test_change_password_on_the_account_page(web: Any) -> None:
    """The current password is asked again; the new one works, the old one no longer; other
    sign-ins end, this browser stays signed in; a short or wrong one is refused with nothing
    changed."""
    email = "pw-change@example.com"
    web.accounts.add_user(email, web.password, role="viewer")
    here = web.browser()
    assert web.sign_in(here, email).status_code == 303
    elsewhere = web.browser()
    assert web.sign_in(elsewhere, email).status_code == 303
    page = here.get("/account")
    csrf = _csrf(page.text)
    wrong = here.post(
        "/account/password", data={"current": "nope-nope-nope", "new": "x" * 12, "csrf": csrf}
    )
    assert wrong.status_code == 400 and "현재 비밀번호가 올바르지 않습니다" in wrong.text
    short = here.post(
        "/account/password", data={"current": web.password, "new": "short", "csrf": csrf}
    )
    assert short.status_code == 400
    assert web.accounts.check_credentials(email, web.password) is not None  # unchanged
    done = here.post(
        "/account/password",
        data={"current": web.password, "new": "a new long password", "csrf": csrf},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == "/account?ok=password_changed"
    assert here.get("/account").status_code == 200  # still signed in here
    assert elsewhere.get("/account", follow_redirects=False).status_code in (303, 401)
    assert web.accounts.check_credentials(email, "a new long password") is not None
    assert web.accounts.check_credentials(email, web.password) is None


def test_oversized_body_refused_before_reading(web: Any) -> None:
    """A body declared over the limit gets 413 at once (JSON for the API), in the caller's
    language; nothing is imported."""
    before = web.call("owner", "GET", "/api/v1/workspaces/main/imports").json()
    r = web.call(
        "owner",
        "POST",
        "/api/v1/workspaces/main/imports",
        content=b"x" * 16,
        headers={"Content-Length": str(60 * 2**20), "Content-Type": "multipart/form-data"},
    )
    assert r.status_code == 413 and r.json()["error"]["code"] == "too_large"
    assert "50 MB" in r.json()["error"]["message"]
    assert web.call("owner", "GET", "/api/v1/workspaces/main/imports").json() == before
