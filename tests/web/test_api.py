"""The REST API (/api/v1) on a copy of the airline workspace: every endpoint's happy path and its
errors, with the one error shape ``{"error": {"status", "code", "message"}}``; sign-in through
the /login form and its throttling."""

from __future__ import annotations

import csv
import io
import math
import re
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from socialops.web.actions import data as data_actions
from socialops.web.auth import COOKIE

WS = "/api/v1/workspaces/main"
ENRICHMENT = ("tokens", "lemmas", "keywords", "sentiment", "sentiment_score", "enriched_by")


def error_of(r: httpx.Response, status: int, code: str | None = None) -> str:
    """Check ``r`` is the one error shape with ``status`` (and ``code``); its message."""
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json"), r.headers
    body = r.json()
    assert set(body) == {"error"}, body
    err = body["error"]
    assert set(err) == {"status", "code", "message"}, err
    assert err["status"] == status
    assert isinstance(err["message"], str) and err["message"].strip(), err
    assert "\n" not in err["message"] and "Traceback" not in err["message"]
    if code is not None:
        assert err["code"] == code, err
    return str(err["message"])


def tweets(path: Path, n: int, skip: int = 0) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return rows[skip : skip + n]


def generic_csv(rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["id", "text", "created_at", "author"])
    w.writerows(rows)
    return buf.getvalue().encode()


def total(web: Any, **params: Any) -> int:
    """How many posts the explorer finds."""
    r = web.call("viewer", "GET", f"{WS}/posts", params={**params, "per_page": 1})
    assert r.status_code == 200, r.text
    n: int = r.json()["total"]
    return n


def eventually(check: Callable[[], bool], seconds: float = 5.0) -> bool:
    """``check()`` turns true within ``seconds`` (for what the server may look at again only
    now and then)."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def upload(web: Any, who: str, name: str, body: bytes, **data: str) -> httpx.Response:
    files = {"file": (name, body, "text/csv")}
    r: httpx.Response = web.call(who, "POST", f"{WS}/imports", files=files, data=data)
    return r


def hangul(s: str) -> bool:
    return any("\uac00" <= ch <= "\ud7a3" for ch in s)


# -- me, preferences, tokens, sessions -------------------------------------------------------------
def test_me(web: Any) -> None:
    r = web.call("owner", "GET", "/api/v1/me")
    assert r.status_code == 200
    me = r.json()
    assert me["email"] == "owner@example.com" and me["name"] == "Owner Kim"
    assert me["lang"] == "ko" and me["tz"] == "Asia/Seoul"
    assert {"slug": "main", "name": "Main", "role": "owner"} in me["workspaces"]
    assert "password" not in r.text and "$argon2" not in r.text

    assert web.call("outsider", "GET", "/api/v1/me").json()["workspaces"] == []
    assert web.call("viewer", "GET", "/api/v1/workspaces").json() == [
        {"slug": "main", "name": "Main", "role": "viewer"}
    ]
    anon = web.call(None, "GET", "/api/v1/me")
    error_of(anon, 401, "unauthenticated")
    assert anon.headers["www-authenticate"] == "Bearer"
    # security headers on API answers too
    assert anon.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'self'" in anon.headers["content-security-policy"]
    assert anon.headers["cache-control"] == "no-store"


def test_preferences_switch_error_language(web: Any) -> None:
    who = "agent"
    ko = error_of(web.call(who, "GET", "/api/v1/workspaces/nowhere"), 404, "unknown_workspace")
    assert hangul(ko) and "nowhere" in ko
    try:
        r = web.call(who, "PATCH", "/api/v1/me", json={"lang": "en", "tz": "Europe/London"})
        assert r.status_code == 200, r.text
        assert r.json()["lang"] == "en" and r.json()["tz"] == "Europe/London"
        en = error_of(web.call(who, "GET", "/api/v1/workspaces/nowhere"), 404, "unknown_workspace")
        assert not hangul(en) and "nowhere" in en and en != ko
        assert web.call(who, "GET", "/api/v1/me").json()["lang"] == "en"
        # a bad zone: 400 with what to write; an unknown language: 422 (schema)
        msg = error_of(
            web.call(who, "PATCH", "/api/v1/me", json={"tz": "Mars/Olympus"}),
            400,
            "accounts.tz_unknown",
        )
        assert "Mars/Olympus" in msg
        error_of(web.call(who, "PATCH", "/api/v1/me", json={"lang": "fr"}), 422, "invalid")
        assert web.call(who, "GET", "/api/v1/me").json()["tz"] == "Europe/London"
    finally:
        web.call(who, "PATCH", "/api/v1/me", json={"lang": "ko", "tz": "Asia/Seoul"})
    back = error_of(web.call(who, "GET", "/api/v1/workspaces/nowhere"), 404)
    assert back == ko
    # anonymous callers: Accept-Language picks the language
    en = error_of(web.call(None, "GET", "/api/v1/me", headers={"Accept-Language": "en-US"}), 401)
    ko = error_of(web.call(None, "GET", "/api/v1/me", headers={"Accept-Language": "ko-KR"}), 401)
    assert not hangul(en) and hangul(ko)


def test_tokens_create_list_revoke(web: Any) -> None:
    made = web.call("analyst", "POST", "/api/v1/me/tokens", json={"name": "ci script"})
    assert made.status_code == 201, made.text
    body = made.json()
    token = body["token"]
    assert token.startswith("sot_") and len(token) > 30 and body["name"] == "ci script"
    mine = {"Authorization": f"Bearer {token}"}
    listed = web.call("analyst", "GET", "/api/v1/me/tokens").json()
    row = next(t for t in listed if t["id"] == body["id"])
    assert row["name"] == "ci script" and row["created_at"] and row["last_used"] is None
    assert token not in web.call("analyst", "GET", "/api/v1/me/tokens").text
    assert web.client.get("/api/v1/me", headers=mine).json()["email"] == "analyst@example.com"
    used = next(
        t for t in web.call("analyst", "GET", "/api/v1/me/tokens").json() if t["id"] == row["id"]
    )
    assert used["last_used"] is not None

    # someone else's token id is not found (nor revoked)
    error_of(web.call("viewer", "DELETE", f"/api/v1/me/tokens/{body['id']}"), 404, "not_found")
    assert web.client.get("/api/v1/me", headers=mine).status_code == 200

    assert web.call("analyst", "DELETE", f"/api/v1/me/tokens/{body['id']}").json()["ok"] is True
    error_of(web.client.get("/api/v1/me", headers=mine), 401, "unauthenticated")
    error_of(web.call("analyst", "DELETE", f"/api/v1/me/tokens/{body['id']}"), 404, "not_found")
    error_of(web.call("analyst", "DELETE", "/api/v1/me/tokens/0"), 422, "invalid")
    error_of(web.call("analyst", "POST", "/api/v1/me/tokens", json={"name": ""}), 422, "invalid")
    assert body["id"] not in [
        t["id"] for t in web.call("analyst", "GET", "/api/v1/me/tokens").json()
    ]


@pytest.mark.parametrize(
    "bearer",
    ["sot_" + "x" * 43, "not-a-token", "", "sot_"],
    ids=["unknown", "junk", "empty", "bare"],
)
def test_invalid_token_is_401(web: Any, bearer: str) -> None:
    r = web.client.get("/api/v1/me", headers={"Authorization": f"Bearer {bearer}"})
    error_of(r, 401, "unauthenticated")
    error_of(web.client.get(f"{WS}/topics", headers={"Authorization": f"Bearer {bearer}"}), 401)


def test_session_cookie_needs_csrf_for_changes(web: Any) -> None:
    browser = web.signed_in("viewer")
    assert browser.get("/api/v1/me").json()["email"] == "viewer@example.com"
    session = web.accounts.session(browser.cookies[COOKIE])
    assert session is not None
    # a change with the cookie alone is refused (cross-site request forgery)
    error_of(browser.post("/api/v1/me/tokens", json={"name": "x"}), 403, "csrf")
    error_of(
        browser.post("/api/v1/me/tokens", json={"name": "x"}, headers={"X-CSRF-Token": "nope"}),
        403,
        "csrf",
    )
    made = browser.post(
        "/api/v1/me/tokens", json={"name": "from page"}, headers={"X-CSRF-Token": session.csrf}
    )
    assert made.status_code == 201, made.text
    web.call("viewer", "DELETE", f"/api/v1/me/tokens/{made.json()['id']}")


def test_expired_and_ended_sessions_are_401(web: Any) -> None:
    user = web.users["manager"]
    token, _ = web.accounts.start_session(user.id, hours=-1)
    expired = web.browser()
    expired.cookies.set(COOKIE, token)
    error_of(expired.get("/api/v1/me"), 401, "unauthenticated")
    error_of(expired.get(f"{WS}/topics"), 401, "unauthenticated")

    browser = web.signed_in("manager")
    other = web.signed_in("manager")
    csrf = web.accounts.session(browser.cookies[COOKIE]).csrf
    r = browser.post("/api/v1/me/sign-out-everywhere", headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200 and r.json()["ok"] is True
    assert r.json()["detail"].startswith("2 ")
    for b in (browser, other):
        error_of(b.get("/api/v1/me"), 401, "unauthenticated")
    # API tokens are not sessions: they keep working
    assert web.call("manager", "GET", "/api/v1/me").status_code == 200


# -- sign-in (the /login form) --------------------------------------------------------------------
def test_sign_in_and_out_through_the_form(web: Any) -> None:
    browser = web.browser()
    form = browser.get("/login")
    assert form.status_code == 200 and "text/html" in form.headers["content-type"]
    assert 'name="csrf"' in form.text and browser.cookies.get("socialops_login_csrf")
    done = web.sign_in(browser, "Viewer@Example.com ")
    assert done.status_code == 303 and done.headers["location"] == "/w/main"
    set_cookie = done.headers["set-cookie"].lower()
    assert "httponly" in set_cookie and "samesite=lax" in set_cookie
    assert browser.get("/api/v1/me").json()["email"] == "viewer@example.com"

    # sign out: POST with the session's CSRF token
    csrf = web.accounts.session(browser.cookies[COOKIE]).csrf
    assert (
        browser.post("/logout", data={"csrf": "wrong"}, follow_redirects=False).status_code == 403
    )
    out = browser.post("/logout", data={"csrf": csrf}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"].startswith("/login")
    error_of(browser.get("/api/v1/me"), 401)


def test_sign_in_needs_the_login_csrf(web: Any) -> None:
    browser = web.browser()
    r = browser.post(
        "/login", data={"email": "owner@example.com", "password": web.password, "csrf": "forged"}
    )
    assert r.status_code == 403 and COOKIE not in browser.cookies
    browser.get("/login")
    r = browser.post(
        "/login",
        data={"email": "owner@example.com", "password": web.password, "csrf": "forged"},
        follow_redirects=False,
    )
    assert r.status_code == 403 and COOKIE not in browser.cookies


def test_wrong_password_then_throttled(web: Any) -> None:
    email = f"throttle-{uuid.uuid4().hex[:8]}@example.com"
    web.accounts.add_user(email, web.password, role="viewer")
    browser = web.browser()
    for i in range(5):
        r = web.sign_in(browser, email, "wrong-password-123")
        assert r.status_code == 401, (i, r.status_code)
        assert "text/html" in r.headers["content-type"] and COOKIE not in browser.cookies
    sixth = web.sign_in(browser, email, "wrong-password-123")
    assert sixth.status_code == 429
    # the right password does not help while throttled, for this e-mail and client
    right = web.sign_in(browser, email, web.password)
    assert right.status_code == 429 and COOKIE not in browser.cookies
    assert "15" in right.text
    # another e-mail from the same client is not throttled
    assert web.sign_in(web.browser(), "analyst@example.com").status_code == 303
    with web.accounts.connect() as con:
        found = con.execute(text("SELECT action FROM audit WHERE email = :e"), {"e": email})
        actions = list(found.scalars())
    assert actions.count("auth.sign_in_failed") == 5
    assert actions.count("auth.throttled") == 2 and "auth.sign_in" not in actions


def test_unknown_email_costs_like_a_wrong_password(web: Any) -> None:
    browser = web.browser()
    r = web.sign_in(browser, f"nobody-{uuid.uuid4().hex[:6]}@example.com", "whatever-1234")
    assert r.status_code == 401 and COOKIE not in browser.cookies


# -- workspaces and topics -----------------------------------------------------------------------
def test_workspace_overview(web: Any) -> None:
    r = web.call("viewer", "GET", WS)
    assert r.status_code == 200, r.text
    ws = r.json()
    assert ws["slug"] == "main" and ws["role"] == "viewer" and ws["zone"] == "America/Los_Angeles"
    assert ws["posts"] >= 14_485 and ws["first_day"] == "2015-02-16"
    assert sum(p["posts"] for p in ws["platforms"]) == ws["posts"]


@pytest.mark.parametrize("who", ["owner", "outsider"])
def test_unknown_workspace_is_404(web: Any, who: str) -> None:
    msg = error_of(web.call(who, "GET", "/api/v1/workspaces/elsewhere/topics"), 404)
    assert "elsewhere" in msg
    # an outsider cannot tell an existing workspace from a missing one
    if who == "outsider":
        assert error_of(web.call(who, "GET", f"{WS}/topics"), 404, "unknown_workspace")
    error_of(web.call(who, "GET", "/api/v1/workspaces/Bad_Slug!"), 422, "invalid")


def test_missing_permission_is_403(web: Any) -> None:
    body = {"name": "Nope", "query": "nope"}
    msg = error_of(web.call("viewer", "POST", f"{WS}/topics", json=body), 403, "forbidden")
    assert "viewer" in msg
    error_of(web.call("agent", "DELETE", f"{WS}/topics/United"), 403, "forbidden")
    error_of(web.call("analyst", "GET", f"{WS}/audit"), 403, "forbidden")
    error_of(
        web.call("manager", "POST", f"{WS}/members", json={"email": "x@y.z", "role": "viewer"}), 403
    )
    assert web.call("viewer", "GET", f"{WS}/topics/United").status_code == 200


def test_topics_crud(web: Any) -> None:
    listed = web.call("viewer", "GET", f"{WS}/topics").json()
    assert {t["name"] for t in listed} >= {"American", "JetBlue", "United", "Virgin America"}
    name = "Alaska"
    try:
        _topics_crud(web, name)
    finally:
        # never leave the topic behind for the other tests
        web.call("owner", "DELETE", f"{WS}/topics/{name}")


def _topics_crud(web: Any, name: str) -> None:
    made = web.call(
        "analyst",
        "POST",
        f"{WS}/topics",
        json={"name": name, "query": "alaska OR @AlaskaAir", "kind": "competitor"},
    )
    assert made.status_code == 201, made.text
    assert made.json()["name"] == name and made.json()["kind"] == "competitor"
    got = web.call("viewer", "GET", f"{WS}/topics/{name}").json()
    assert got["query"] == "alaska OR @AlaskaAir"
    assert name in [t["name"] for t in web.call("viewer", "GET", f"{WS}/topics").json()]

    # duplicate name → 400; bad query → 400 naming the position; unknown kind → 422
    dup = error_of(
        web.call("analyst", "POST", f"{WS}/topics", json={"name": name, "query": "x"}),
        400,
        "topic.exists",
    )
    assert name in dup
    bad = error_of(
        web.call(
            "analyst", "POST", f"{WS}/topics", json={"name": "Broken", "query": "(united AND"}
        ),
        400,
        "query.bad",
    )
    assert "12번째 글자" in bad  # the API answers in Korean by default
    error_of(
        web.call(
            "analyst", "POST", f"{WS}/topics", json={"name": "K", "query": "k", "kind": "enemy"}
        ),
        422,
        "invalid",
    )
    error_of(
        web.call("analyst", "POST", f"{WS}/topics", json={"name": "", "query": "k"}), 422, "invalid"
    )
    assert "Broken" not in [t["name"] for t in web.call("viewer", "GET", f"{WS}/topics").json()]

    edited = web.call(
        "manager", "PATCH", f"{WS}/topics/{name}", json={"query": "alaska", "kind": "brand"}
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["query"] == "alaska" and edited.json()["kind"] == "brand"
    msg = error_of(
        web.call("manager", "PATCH", f"{WS}/topics/{name}", json={"query": "alaska OR"}), 400
    )
    assert "번째 글자" in msg
    assert web.call("viewer", "GET", f"{WS}/topics/{name}").json()["query"] == "alaska"

    # the analyses see the new topic
    vol = web.call("viewer", "GET", f"{WS}/listen/volume", params={"topic": name}).json()
    counted = web.call("viewer", "GET", f"{WS}/posts", params={"q": "alaska", "per_page": 1}).json()
    assert vol["results"][0]["total"] == counted["total"] > 0

    assert web.call("owner", "DELETE", f"{WS}/topics/{name}").json() == {"ok": True, "detail": None}
    for method, kw in (("GET", {}), ("PATCH", {"json": {"kind": "brand"}}), ("DELETE", {})):
        error_of(web.call("owner", method, f"{WS}/topics/{name}", **kw), 404, "not_found")
    actions = [
        (e["action"], e["target"], e["email"])
        for e in web.call("owner", "GET", f"{WS}/audit").json()["items"]
    ]
    assert ("topic.add", name, "analyst@example.com") in actions
    assert ("topic.edit", name, "manager@example.com") in actions
    assert ("topic.remove", name, "owner@example.com") in actions


# -- listening -----------------------------------------------------------------------------------
def test_listen_volume_sov_sentiment(web: Any) -> None:
    vol = web.call("viewer", "GET", f"{WS}/listen/volume").json()
    sov = web.call("viewer", "GET", f"{WS}/listen/sov").json()
    sen = web.call("viewer", "GET", f"{WS}/listen/sentiment").json()
    assert (
        vol["analysis"] == "volume" and sov["analysis"] == "sov" and sen["analysis"] == "sentiment"
    )
    topics = {t["name"]: t["query"] for t in web.call("viewer", "GET", f"{WS}/topics").json()}
    assert set(sov["topics"]) == set(topics)
    assert vol["periods"][0] == "2015-02-16" and vol["periods"][-1] == "2015-02-24"
    # share of voice: each topic's mentions are the posts its query finds in the explorer
    for row in sov["results"]:
        counted = web.call(
            "viewer", "GET", f"{WS}/posts", params={"q": topics[row["topic"]], "per_page": 1}
        ).json()["total"]
        assert row["mentions"] == counted, row["topic"]
        assert sum(p["mentions"] for p in row["series"]) == row["mentions"]
    assert sov["total_mentions"] == sum(r["mentions"] for r in sov["results"])
    assert math.isclose(sum(r["share"] for r in sov["results"]), 100.0, abs_tol=0.1)
    by_topic = {r["topic"]: r for r in vol["results"]}
    for row in sen["results"]:
        n = row["positive"] + row["neutral"] + row["negative"] + row["unscored"]
        assert n == by_topic[row["topic"]]["total"], row["topic"]
    # airline tweets are mostly complaints
    assert all(
        r["negative"] > r["positive"] for r in sen["results"] if r["topic"] != "Virgin America"
    )


def test_listen_warnings_in_the_readers_language(web: Any) -> None:
    """A topic that matches nothing is a warning, in each reader's own language, from one
    cached result."""
    who, name = "analyst", "Nothing here"
    made = web.call(who, "POST", f"{WS}/topics", json={"name": name, "query": "zzqxwv"})
    assert made.status_code == 201, made.text
    params = {"topic": ["United", name]}
    try:
        ko = web.call(who, "GET", f"{WS}/listen/volume", params=params).json()["warnings"]
        assert len(ko) == 1 and name in ko[0] and hangul(ko[0]), ko
        assert web.call(who, "PATCH", "/api/v1/me", json={"lang": "en"}).status_code == 200
        en = web.call(who, "GET", f"{WS}/listen/volume", params=params).json()["warnings"]
        assert len(en) == 1 and name in en[0] and not hangul(en[0]), en
    finally:
        web.call(who, "PATCH", "/api/v1/me", json={"lang": "ko"})
        web.call(who, "DELETE", f"{WS}/topics/{name}")


def test_listen_scope_and_errors(web: Any) -> None:
    week = web.call(
        "viewer",
        "GET",
        f"{WS}/listen/volume",
        params={"topic": ["United", "JetBlue"], "from": "2015-02-18", "to": "2015-02-20"},
    ).json()
    assert week["topics"] == ["United", "JetBlue"] or sorted(week["topics"]) == [
        "JetBlue",
        "United",
    ]
    assert week["periods"] == ["2015-02-18", "2015-02-19", "2015-02-20"]
    assert week["scope"]["from"] == "2015-02-18"
    weekly = web.call("viewer", "GET", f"{WS}/listen/volume", params={"every": "week"}).json()
    assert len(weekly["periods"]) < 9
    assert (
        web.call("viewer", "GET", f"{WS}/listen/volume", params={"lang": "en"}).status_code == 200
    )

    error_of(web.call("viewer", "GET", f"{WS}/listen/horoscope"), 422, "invalid")
    error_of(web.call("viewer", "GET", f"{WS}/listen/volume", params={"from": "18.02.2015"}), 422)
    error_of(web.call("viewer", "GET", f"{WS}/listen/volume", params={"every": "year"}), 422)
    swapped = error_of(
        web.call(
            "viewer",
            "GET",
            f"{WS}/listen/volume",
            params={"from": "2015-02-20", "to": "2015-02-18"},
        ),
        400,
        "scope.order",
    )
    assert "2015-02-20" in swapped
    unknown = error_of(web.call("viewer", "GET", f"{WS}/listen/sov", params={"topic": "Nope"}), 400)
    assert "Nope" in unknown


# -- posts explorer ------------------------------------------------------------------------------
def eng(p: dict[str, Any]) -> int:
    return (p["likes"] or 0) + (p["comments"] or 0) + (p["shares"] or 0)


def test_posts_query_filters_sort_pages(web: Any) -> None:
    def posts(**params: Any) -> dict[str, Any]:
        r = web.call("viewer", "GET", f"{WS}/posts", params=params)
        assert r.status_code == 200, r.text
        out: dict[str, Any] = r.json()
        return out

    one = posts(q="@united AND (delayed OR cancelled)", per_page=50)
    assert one["total"] > 50 and one["pages"] == math.ceil(one["total"] / 50)
    assert len(one["items"]) == 50
    for p in one["items"]:
        low = p["text"].lower()
        assert "@united" in low and ("delayed" in low or "cancelled" in low), p["text"]
    two = posts(q="@united AND (delayed OR cancelled)", per_page=50, page=2)
    assert two["total"] == one["total"] and two["page"] == 2
    ids1 = {p["post_id"] for p in one["items"]}
    ids2 = {p["post_id"] for p in two["items"]}
    assert ids2 and not ids1 & ids2
    last = posts(q="@united AND (delayed OR cancelled)", per_page=50, page=one["pages"])
    assert len(last["items"]) == one["total"] - 50 * (one["pages"] - 1)
    assert (
        posts(q="@united AND (delayed OR cancelled)", per_page=50, page=one["pages"] + 1)["items"]
        == []
    )

    # sort orders
    newest = posts(q="jetblue", per_page=100)["items"]
    assert [p["created_at"] for p in newest] == sorted(
        (p["created_at"] for p in newest), reverse=True
    )
    oldest = posts(q="jetblue", sort="oldest", per_page=100)["items"]
    assert [p["created_at"] for p in oldest] == sorted(p["created_at"] for p in oldest)
    assert oldest[0]["created_at"] < newest[0]["created_at"]
    top = posts(sort="engagement", per_page=100)["items"]
    assert [eng(p) for p in top] == sorted((eng(p) for p in top), reverse=True) and eng(top[0]) > 0

    # filters
    neg = posts(q="jetblue", sentiment="negative", per_page=100)
    assert 0 < neg["total"] < posts(q="jetblue", per_page=1)["total"]
    assert {p["sentiment"] for p in neg["items"]} == {"negative"}
    day = posts(**{"from": "2015-02-20", "to": "2015-02-20", "per_page": 100})
    assert day["total"] > 0
    assert {p["lang"] for p in posts(lang="en", per_page=100)["items"]} == {"en"}
    assert posts(platform="mastodon")["total"] == 0
    total = posts(per_page=1)["total"]
    assert total >= 14_485 and posts(platform="twitter", per_page=1)["total"] <= total

    # errors
    error_of(web.call("viewer", "GET", f"{WS}/posts", params={"per_page": 101}), 422, "invalid")
    error_of(web.call("viewer", "GET", f"{WS}/posts", params={"page": 0}), 422, "invalid")
    error_of(web.call("viewer", "GET", f"{WS}/posts", params={"sort": "random"}), 422, "invalid")
    error_of(web.call("viewer", "GET", f"{WS}/posts", params={"sentiment": "angry"}), 422)
    msg = error_of(
        web.call("viewer", "GET", f"{WS}/posts", params={"q": "united AND"}), 400, "query.bad"
    )
    assert "번째 글자" in msg
    msg = error_of(
        web.call("viewer", "GET", f"{WS}/posts", params={"from": "2015-02-21", "to": "2015-02-20"}),
        400,
    )
    assert "두 날짜를 바꾸거나" in msg


def test_post_detail(web: Any) -> None:
    item = web.call(
        "viewer", "GET", f"{WS}/posts", params={"q": "@VirginAmerica", "per_page": 1}
    ).json()["items"][0]
    r = web.call("viewer", "GET", f"{WS}/posts/{item['platform']}/{item['post_id']}")
    assert r.status_code == 200, r.text
    post = r.json()
    assert post["post_id"] == item["post_id"] and post["text"] == item["text"]
    for col in ENRICHMENT:
        assert col in post, col
    assert post["tokens"] and post["lemmas"] and post["enriched_by"]
    assert post["sentiment"] in ("positive", "neutral", "negative")
    assert -1.0 <= post["sentiment_score"] <= 1.0
    assert "@virginamerica" in [m.lower() for m in post["mentions"]]
    error_of(web.call("viewer", "GET", f"{WS}/posts/twitter/0"), 404, "not_found")
    error_of(web.call("viewer", "GET", f"{WS}/posts/myspace/{item['post_id']}"), 404, "not_found")


# -- data: imports, quarantine, upload -------------------------------------------------------------
def test_imports_upload_and_quarantine(web: Any, shared_file: Any) -> None:
    before = web.call("viewer", "GET", f"{WS}/imports").json()
    assert before[0]["preset"] == "airline-tweets" and before[0]["rows_read"] == 14_640
    assert before[0]["imported"] + before[0]["duplicates"] + before[0]["quarantined"] == 14_640
    posts_before = total(web)

    real = tweets(shared_file("airline_tweets/Tweets.csv"), 12, skip=100)
    tag = uuid.uuid4().hex[:6]
    rows = [[f"up{tag}-{i}", r["text"], r["tweet_created"], r["name"]] for i, r in enumerate(real)]
    rows.append(rows[0])  # a repeated row: a duplicate
    rows.append([f"up{tag}-empty", "  ", real[0]["tweet_created"], "someone"])  # empty text
    rows.append([f"up{tag}-date", real[1]["text"], "yesterday-ish", "someone"])  # bad date
    r = web.call(
        "analyst",
        "POST",
        f"{WS}/imports",
        files={"file": ("sample tweets.csv", generic_csv(rows), "text/csv")},
        data={"preset": "generic"},
    )
    assert r.status_code == 201, r.text
    out = r.json()
    assert out["rows_read"] == len(rows) == 15
    assert (out["imported"], out["duplicates"], out["quarantined"]) == (12, 1, 2)
    assert out["imported"] + out["quarantined"] + out["duplicates"] == out["rows_read"]
    assert out["quarantine_reasons"] == {"empty_text": 1, "bad_date": 1}
    assert out["enriched"] == 12 and out["status"] == "done"

    after = web.call("viewer", "GET", f"{WS}/imports").json()
    assert len(after) == len(before) + 1
    assert out["import_id"] in [i["import_id"] for i in after]
    # the new posts are in the explorer (the generic preset's platform is "unknown")
    assert eventually(lambda: total(web) == posts_before + 12)
    assert total(web, platform="unknown") >= 12
    mine = web.call("viewer", "GET", f"{WS}/posts/unknown/up{tag}-3")
    assert mine.status_code == 200 and mine.json()["text"] == real[3]["text"]
    assert mine.json()["tokens"]

    q = web.call("viewer", "GET", f"{WS}/quarantine", params={"per_page": 1}).json()
    assert q["total"] >= 2 and len(q["items"]) == 1 and q["pages"] == q["total"]
    mine = [
        i
        for i in web.call("viewer", "GET", f"{WS}/quarantine").json()["items"]
        if i["import_id"] == out["import_id"]
    ]
    assert {i["reason"] for i in mine} == {"empty_text", "bad_date"}  # the codes as they were
    # and the words beside them, in the reader's language (Korean by default)
    assert {i["reason_text"] for i in mine} == {"본문 없음", "읽을 수 없는 날짜"}
    assert all(re.search("[가-힣]", i["detail_text"]) for i in mine), mine
    error_of(web.call("viewer", "GET", f"{WS}/quarantine", params={"per_page": 0}), 422)

    # the same rows again: nothing new (already imported)
    again = web.call(
        "owner",
        "POST",
        f"{WS}/imports",
        files={"file": ("again.csv", generic_csv(rows[:12]), "text/csv")},
    ).json()
    assert again["imported"] == 0 and again["duplicates"] == 12
    audit = web.call("owner", "GET", f"{WS}/audit").json()["items"]
    entry = next(
        e for e in audit if e["action"] == "data.import" and e["target"] == "sample tweets.csv"
    )
    assert entry["email"] == "analyst@example.com" and entry["detail"]["imported"] == 12


def test_upload_errors(web: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    body = generic_csv([["big-1", "hello there", "2015-02-20 10:00:00 -0800", "me"]])
    files = {"file": ("big.csv", body, "text/csv")}
    monkeypatch.setattr(data_actions, "UPLOAD_LIMIT", len(body) - 1)
    msg = error_of(web.call("owner", "POST", f"{WS}/imports", files=files), 413, "too_large")
    assert "MB" in msg
    assert (
        not list((web.root / "uploads").glob("*big.csv"))
        if (web.root / "uploads").exists()
        else True
    )
    monkeypatch.undo()

    error_of(web.call("viewer", "POST", f"{WS}/imports", files=files), 403, "forbidden")
    error_of(web.call("owner", "POST", f"{WS}/imports"), 422, "invalid")  # no file
    error_of(
        web.call("owner", "POST", f"{WS}/imports", files=files, data={"preset": "no-such-preset"}),
        400,
        "sources.unknown_preset",
    )
    for mapping in ("{not json", "[1, 2]"):
        msg = error_of(
            web.call("owner", "POST", f"{WS}/imports", files=files, data={"mapping": mapping}), 400
        )
        assert "매핑" in msg
    # a file of another kind entirely
    error_of(
        web.call(
            "owner",
            "POST",
            f"{WS}/imports",
            files={"file": ("x.csv", b"\x00\x01\x02" * 50, "text/csv")},
        ),
        400,
    )


# -- members and audit ---------------------------------------------------------------------------
def test_members_add_role_remove(web: Any) -> None:
    email = f"new-{uuid.uuid4().hex[:6]}@example.com"
    new = web.accounts.add_user(email, web.password)
    members = web.call("viewer", "GET", f"{WS}/members").json()
    assert {m["role"] for m in members} == {"owner", "manager", "agent", "analyst", "viewer"}
    assert email not in [m["user"]["email"] for m in members]

    # adding is inviting: the user joins when they accept the one-time link
    invited = web.call(
        "owner", "POST", f"{WS}/members", json={"email": email.upper(), "role": "viewer"}
    )
    assert invited.status_code == 202, invited.text
    assert invited.json()["email"] == email and invited.json()["state"] == "pending"
    new_token = {"Authorization": f"Bearer {web.accounts.create_token(new.id)}"}
    error_of(web.client.get(f"{WS}/topics", headers=new_token), 404, "unknown_workspace")
    accept = f"/api/v1/invitations/{invited.json()['token']}/accept"
    accepted = web.client.post(accept, headers=new_token)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["slug"] == "main" and accepted.json()["role"] == "viewer"
    assert web.client.get(f"{WS}/topics", headers=new_token).status_code == 200
    # an e-mail without an account gets the same answer (no account is revealed)
    ghost = web.call(
        "owner", "POST", f"{WS}/members", json={"email": "ghost@example.com", "role": "viewer"}
    )
    assert ghost.status_code == 202 and set(ghost.json()) == set(invited.json())
    error_of(
        web.call("owner", "POST", f"{WS}/members", json={"email": email, "role": "admin"}), 422
    )

    changed = web.call("owner", "PATCH", f"{WS}/members/{new.id}", json={"role": "analyst"})
    assert changed.status_code == 200 and changed.json()["role"] == "analyst"
    assert web.accounts.role_of(new.id, "main") == "analyst"
    error_of(web.call("owner", "PATCH", f"{WS}/members/999999", json={"role": "viewer"}), 404)
    error_of(
        web.call(
            "owner", "PATCH", f"{WS}/members/{web.users['outsider'].id}", json={"role": "viewer"}
        ),
        404,
    )

    assert web.call("owner", "DELETE", f"{WS}/members/{new.id}").json()["ok"] is True
    assert web.accounts.role_of(new.id, "main") is None
    error_of(web.call("owner", "DELETE", f"{WS}/members/{new.id}"), 404, "not_found")

    log = web.call("owner", "GET", f"{WS}/audit").json()["items"]
    got = [(e["action"], e["target"], e["detail"]) for e in log if e["target"] == email]
    inv_id = invited.json()["id"]
    assert ("invitation.create", email, {"role": "viewer", "invitation": inv_id}) in got
    assert (
        "invitation.accept",
        email,
        {"role": "viewer", "invitation": inv_id, "invited_by": "owner@example.com"},
    ) in got
    assert ("member.set", email, {"role": "analyst"}) in got
    assert ("member.remove", email, None) in got


def test_last_owner_stays(web: Any) -> None:
    owner = web.users["owner"]
    msg = error_of(
        web.call("owner", "PATCH", f"{WS}/members/{owner.id}", json={"role": "manager"}),
        400,
        "accounts.last_owner",
    )
    assert "소유자" in msg
    error_of(web.call("owner", "DELETE", f"{WS}/members/{owner.id}"), 400, "accounts.last_owner")
    assert web.accounts.role_of(owner.id, "main") == "owner"

    # with a second owner the first may step down, and the second may not then leave
    second = web.accounts.add_user(f"owner2-{uuid.uuid4().hex[:6]}@example.com", web.password)
    token2 = {"Authorization": f"Bearer {web.accounts.create_token(second.id)}"}
    invited = web.call(
        "owner", "POST", f"{WS}/members", json={"email": second.email, "role": "owner"}
    )
    assert invited.status_code == 202
    accept = f"/api/v1/invitations/{invited.json()['token']}/accept"
    assert web.client.post(accept, headers=token2).status_code == 200
    try:
        assert (
            web.call(
                "owner", "PATCH", f"{WS}/members/{owner.id}", json={"role": "manager"}
            ).status_code
            == 200
        )
        error_of(web.client.delete(f"{WS}/members/{second.id}", headers=token2), 400)
        # the first is a manager now: members are not theirs to manage
        assert web.call("owner", "GET", f"{WS}/audit", params={"per_page": 1}).status_code == 200
        error_of(
            web.call("owner", "PATCH", f"{WS}/members/{owner.id}", json={"role": "owner"}), 403
        )
        assert (
            web.client.patch(
                f"{WS}/members/{owner.id}", json={"role": "owner"}, headers=token2
            ).status_code
            == 200
        )
    finally:
        web.accounts.set_member("main", owner.id, "owner")
        web.accounts.remove_member("main", second.id)
    assert [m.user.email for m in web.accounts.members("main") if m.role == "owner"] == [
        "owner@example.com"
    ]


def test_audit_log_records_changes_and_the_account_its_sign_ins(web: Any) -> None:
    """A workspace's log: the changes made in it; a user's sign-ins are on their own account's
    activity (``/api/v1/me/activity``), not in any workspace's log (issue 12, item 4)."""
    web.signed_in("analyst")
    for n in range(2):  # enough entries for two pages of five
        name = f"Audited {n}"
        made = web.call("analyst", "POST", f"{WS}/topics", json={"name": name, "query": "x"})
        assert made.status_code == 201
        web.call("analyst", "DELETE", f"{WS}/topics/{name}")
    made = web.call("analyst", "POST", f"{WS}/topics", json={"name": "Audited", "query": "audited"})
    assert made.status_code == 201
    web.call("analyst", "DELETE", f"{WS}/topics/Audited")
    page = web.call("manager", "GET", f"{WS}/audit", params={"per_page": 5})
    assert page.status_code == 200
    log = page.json()
    assert log["per_page"] == 5 and len(log["items"]) == 5 and log["total"] >= 5
    assert log["pages"] == math.ceil(log["total"] / 5)
    first = log["items"][0]
    assert (first["action"], first["target"], first["email"]) == (
        "topic.remove",
        "Audited",
        "analyst@example.com",
    )
    assert first["at"][:2] == "20" and "T" in first["at"] and first["workspace"] == "main"
    assert first["detail"] == {"query": "audited"}
    everything = web.call("owner", "GET", f"{WS}/audit", params={"per_page": 100}).json()["items"]
    assert not [e for e in everything if e["action"].startswith("auth.")]
    activity = web.call("analyst", "GET", "/api/v1/me/activity", params={"per_page": 100})
    sign_ins = [e for e in activity.json()["items"] if e["action"] == "auth.sign_in"]
    assert sign_ins and sign_ins[0]["ip"] and sign_ins[0]["at"]
    assert {e["email"] for e in activity.json()["items"]} == {"analyst@example.com"}
    # newest first, and never a password or a token
    ats = [e["at"] for e in everything]
    assert ats == sorted(ats, reverse=True)
    text = web.call("owner", "GET", f"{WS}/audit", params={"per_page": 100}).text
    assert web.password not in text and "sot_" not in text
    page2 = web.call("owner", "GET", f"{WS}/audit", params={"per_page": 5, "page": 2}).json()
    assert page2["items"] and page2["items"][0] != log["items"][0]


def test_huge_ids_are_422_not_500(web: Any) -> None:
    """Ids beyond SQLite's INTEGER were a server error (OverflowError), found by the fuzzer."""
    huge = 2**63
    error_of(web.call("owner", "DELETE", f"/api/v1/me/tokens/{huge}"), 422, "invalid")
    error_of(web.call("owner", "DELETE", f"{WS}/members/{huge}"), 422, "invalid")
    body = {"role": "viewer"}
    error_of(web.call("owner", "PATCH", f"{WS}/members/{huge}", json=body), 422, "invalid")
    error_of(web.call("owner", "DELETE", f"{WS}/members/{huge - 1}"), 404, "not_found")


# -- changes are seen at once ---------------------------------------------------------------------
def test_new_topic_is_in_the_analyses_at_once(web: Any) -> None:
    """What a caller just changed is in its next answer (no stale cache of the data version)."""
    name = f"Fresh-{uuid.uuid4().hex[:6]}"
    before = web.call("viewer", "GET", f"{WS}/listen/sov").json()
    assert name not in before["topics"]
    try:
        made = web.call("analyst", "POST", f"{WS}/topics", json={"name": name, "query": "jetblue"})
        assert made.status_code == 201
        after = web.call("viewer", "GET", f"{WS}/listen/sov").json()
        assert name in after["topics"]
    finally:
        web.call("owner", "DELETE", f"{WS}/topics/{name}")
    assert name not in web.call("viewer", "GET", f"{WS}/listen/sov").json()["topics"]


def test_upload_is_in_the_explorer_at_once(web: Any) -> None:
    tag = uuid.uuid4().hex[:6]
    before = total(web)
    rows = [
        [f"now{tag}-{i}", f"fresh post {i}", "2015-02-20 10:00:00 -0800", "me"] for i in range(3)
    ]
    r = upload(web, "owner", "fresh.csv", generic_csv(rows), mapping='{"platform": "fresh"}')
    assert r.status_code == 201 and r.json()["imported"] == 3, r.text
    assert total(web) == before + 3
    assert total(web, platform="fresh") == 3


# -- stored XSS ------------------------------------------------------------------------------------
XSS = "<script>alert(1)</script><img src=x onerror=alert(1)>"


def test_stored_xss_is_data(web: Any) -> None:
    """Post text and author names are untrusted: the API hands them back as JSON strings, the
    explorer page shows them escaped (never as markup)."""
    tag = uuid.uuid4().hex[:6]
    rows = [[f"xss{tag}", XSS, "2015-02-21 09:00:00 -0800", XSS]]
    r = upload(web, "analyst", "xss.csv", generic_csv(rows), mapping='{"platform": "xsstest"}')
    assert r.status_code == 201 and r.json()["imported"] == 1, r.text

    detail = web.call("viewer", "GET", f"{WS}/posts/xsstest/xss{tag}")
    assert detail.status_code == 200
    assert detail.headers["content-type"] == "application/json"
    assert detail.headers["x-content-type-options"] == "nosniff"
    post = detail.json()
    assert post["text"] == XSS and post["author_handle"] == XSS
    assert eventually(lambda: total(web, platform="xsstest") == 1)
    listed = web.call("viewer", "GET", f"{WS}/posts", params={"platform": "xsstest"})
    assert listed.headers["content-type"] == "application/json"
    item = listed.json()["items"][0]
    assert item["text"] == XSS and item["author_handle"] == XSS

    # the pages: escaped, and no inline script could run anyway (CSP)
    browser = web.signed_in("viewer")
    for url in ("/w/main/posts?platform=xsstest", f"/w/main/posts/xsstest/xss{tag}"):
        page = browser.get(url)
        assert page.status_code == 200, (url, page.status_code)
        assert "text/html" in page.headers["content-type"]
        assert "script-src 'self'" in page.headers["content-security-policy"]
        html = page.text
        assert "<script>alert(1)" not in html and "<img src=x" not in html, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, url
        assert "&lt;img src=x onerror=alert(1)&gt;" in html, url


def test_audit_log_keeps_to_its_workspace(web: Any) -> None:
    """The owner of another workspace does not see who signs in to this one, or tries to."""
    other = web.accounts.add_user(f"client-{uuid.uuid4().hex[:6]}@example.com", web.password)
    slug = f"client-{uuid.uuid4().hex[:6]}"
    web.accounts.add_workspace(slug, "Client", other.id)
    token = {"Authorization": f"Bearer {web.accounts.create_token(other.id)}"}
    web.signed_in("analyst")
    web.sign_in(web.browser(), "analyst@example.com", "a-wrong-password")
    log = web.client.get(
        f"/api/v1/workspaces/{slug}/audit", params={"per_page": 100}, headers=token
    )
    assert log.status_code == 200
    emails = {e["email"] for e in log.json()["items"]}
    assert "analyst@example.com" not in emails, log.json()["items"][:3]
    # nor does main's owner: sign-ins, failed ones included, are the analyst's own to read
    main = web.call("owner", "GET", "/api/v1/workspaces/main/audit", params={"per_page": 100})
    assert {e["workspace"] for e in main.json()["items"]} == {"main"}
    mine = web.call("analyst", "GET", "/api/v1/me/activity", params={"per_page": 100})
    seen = {(e["email"], e["action"]) for e in mine.json()["items"]}
    assert ("analyst@example.com", "auth.sign_in") in seen
    assert ("analyst@example.com", "auth.sign_in_failed") in seen
