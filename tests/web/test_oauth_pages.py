"""Connecting a profile through the platform's consent page, in the web: the API begins it (a
manager may, a viewer may not), the callback page connects the profile for the member who comes
back with the platform's code (X's token endpoint and users/me replayed with respx), an outsider
cannot finish another workspace's request, a refused consent is said, and no page or audit entry
holds a token."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
import respx
from test_publishing_api import PubHome, pub_home

from socialops.connectors.profiles import get_profile

REC = Path(__file__).resolve().parents[1] / "connectors" / "recordings" / "x"
WS = "/api/v1/workspaces/main"


@pytest.fixture(scope="module")
def pub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PubHome]:
    yield from pub_home(tmp_path_factory)


@pytest.fixture(autouse=True)
def x_app(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOCIALOPS_OAUTH_X_CLIENT_ID", "cid-web")
    monkeypatch.setenv("SOCIALOPS_OAUTH_X_CLIENT_SECRET", "csecret-web")


def _answer(name: str) -> httpx.Response:
    rec = json.loads((REC / f"{name}.json").read_text("utf-8"))["response"]
    return httpx.Response(rec["status"], headers=rec.get("headers", {}), json=rec["json"])


def _begin(pub: PubHome, who: str, name: str) -> httpx.Response:
    body = {"platform": "x", "name": name}
    return pub.call(who, "POST", f"{WS}/profiles/oauth", json=body)


def test_a_manager_connects_x_through_its_consent_page(pub: PubHome) -> None:
    begun = _begin(pub, "manager", "브랜드 X")
    assert begun.status_code == 200, begun.text
    out = begun.json()
    assert out["redirect_uri"].endswith("/oauth/callback")
    state = parse_qs(urlparse(out["authorize_url"]).query)["state"][0]
    assert state.startswith("main.")
    browser = pub.signed_in("manager")
    with respx.mock(assert_all_called=True) as platform:
        platform.post("https://api.x.com/2/oauth2/token").mock(
            return_value=_answer("token_from_code")
        )
        platform.get("https://api.x.com/2/users/me").mock(return_value=_answer("users_me"))
        back = browser.get(f"/oauth/callback?state={state}&code=the-code", follow_redirects=False)
    assert back.status_code == 303, back.text
    assert back.headers["location"] == "/w/main/publishing/profiles?done=connected"
    profile = get_profile(pub.db(), "브랜드 X")
    assert profile.platform == "x" and profile.status == "active"
    page = browser.get("/w/main/publishing/profiles").text
    assert "브랜드 X" in page and "VGhpc0lz" not in page
    entries = pub.audit("profile.oauth_begin") + pub.audit("profile.connect")
    assert entries and "VGhpc0lz" not in json.dumps(entries, default=str)


def test_a_viewer_may_not_begin_and_an_outsider_may_not_finish(pub: PubHome) -> None:
    assert _begin(pub, "viewer", "v").status_code == 403
    state = parse_qs(urlparse(_begin(pub, "manager", "m").json()["authorize_url"]).query)["state"][
        0
    ]
    outsider = pub.signed_in("outsider")
    refused = outsider.get(f"/oauth/callback?state={state}&code=c", follow_redirects=False)
    assert refused.status_code == 404  # the workspace is not revealed


def test_a_refused_consent_and_an_unknown_request_are_said(pub: PubHome) -> None:
    state = parse_qs(urlparse(_begin(pub, "manager", "d").json()["authorize_url"]).query)["state"][
        0
    ]
    browser = pub.signed_in("manager")
    denied = browser.get(f"/oauth/callback?state={state}&error=access_denied")
    assert denied.status_code == 400 and "access_denied" in denied.text
    unknown = browser.get("/oauth/callback?state=nothing&code=c")
    assert unknown.status_code == 400 and "연결 요청" in unknown.text
    assert pub.client.get("/oauth/callback?state=x", follow_redirects=False).status_code == 303


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, page[:300]
    return found.group(1)


def test_the_profiles_page_offers_both_ways_and_the_token_form_connects(pub: PubHome) -> None:
    browser = pub.signed_in("manager")
    page = browser.get("/w/main/publishing/profiles").text
    assert 'id="oauth-form"' in page and 'id="tokens-form"' in page
    assert "플랫폼 동의 화면으로 연결" in page and 'value="naver-cafe"' in page
    assert 'id="tokens-platform"' in page and 'value="facebook"' in page
    form = {
        "csrf": _csrf(page),
        "platform": "x",
        "name": "X 토큰",
        "secrets": "access_token=tok-abc-123\nrefresh_token=ref-456\nclient_id=cid-web",
    }
    with respx.mock(assert_all_called=True) as platform:
        platform.get("https://api.x.com/2/users/me").mock(return_value=_answer("users_me"))
        done = browser.post("/w/main/publishing/profiles/tokens", data=form, follow_redirects=False)
    assert done.status_code == 303, done.text
    assert get_profile(pub.db(), "X 토큰").status == "active"
    form["secrets"] = "this line is a secret tok-zzz"
    bad = browser.post("/w/main/publishing/profiles/tokens", data=form)
    assert bad.status_code == 400 and "tok-zzz" not in bad.text and "#1" in bad.text
    viewer = pub.signed_in("viewer")
    refused = viewer.post(
        "/w/main/publishing/profiles/tokens",
        data={**form, "csrf": _csrf(viewer.get("/w/main").text)},
    )
    assert refused.status_code == 403
