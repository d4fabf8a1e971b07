"""The pages of the web workspace, driven like a browser: sign in through the real /login form,
read every page in Korean and in English, use the forms (with their CSRF tokens), upload files,
generate a report. Real data: a copy of the ``airline_ws`` workspace (airline tweets, enriched,
six airline topics) as the ``main`` workspace of a temporary home folder."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from socialops.errors import QueryError
from socialops.listen.ingest import list_imports
from socialops.nlp.query import parse
from socialops.store.workspace import Workspace
from socialops.web import pages
from socialops.web.accounts import Accounts
from socialops.web.actions import data as data_actions
from socialops.web.app import create_app
from workspace_copy import copy_workspace

PASSWORD = "correct horse battery staple"
OWNER = "owner@example.com"
ENGLISH = "english@example.com"
VIEWER = "viewer@example.com"
OUTSIDER = "outsider@example.com"
SETTLER = "settler@example.com"  # changes its zone, tokens and sessions
XSS = "<script>alert(1)</script><img src=x onerror=alert(1)>"
KNOWN_POST = "/w/main/posts/twitter/569934977963573248"  # 2015-02-23T19:01:02Z
CSRF_FIELD = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory, airline_ws: Workspace) -> Path:
    root = tmp_path_factory.mktemp("pages") / "home"
    copy_workspace(airline_ws.root, root)
    accounts = Accounts(root)
    owner = accounts.add_user(OWNER, PASSWORD, name="Owner", role="owner")
    accounts.add_user(ENGLISH, PASSWORD, name="English", role="owner")
    accounts.add_user(VIEWER, PASSWORD, name="Viewer", role="viewer")
    accounts.add_user(OUTSIDER, PASSWORD, name="Outsider")
    accounts.add_user(SETTLER, PASSWORD, name="Settler", role="viewer")
    accounts.add_workspace("second", "Second", owner.id)  # the owner is its only owner
    return root


@pytest.fixture(scope="module")
def app(home: Path) -> FastAPI:
    return create_app(home)


def sign_in(app: FastAPI, email: str) -> TestClient:
    client = TestClient(app)
    form = client.get("/login")
    assert form.status_code == 200
    token = CSRF_FIELD.search(form.text)
    assert token is not None
    assert client.cookies.get(pages.LOGIN_CSRF) == token.group(1)
    done = client.post(
        "/login",
        data={"email": email, "password": PASSWORD, "csrf": token.group(1)},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    return client


@pytest.fixture(scope="module")
def owner(app: FastAPI) -> TestClient:
    return sign_in(app, OWNER)


@pytest.fixture(scope="module")
def viewer(app: FastAPI) -> TestClient:
    return sign_in(app, VIEWER)


def csrf_of(client: TestClient, url: str = "/account") -> str:
    page = client.get(url)
    found = CSRF_FIELD.search(page.text)
    assert found is not None, page.text[:500]
    return found.group(1)


def inline_code(html: str) -> list[str]:
    """What the CSP would block: inline scripts, style attributes, event-handler attributes."""
    bad = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    bad += re.findall(r"<[a-zA-Z][^>]*\sstyle=", html)
    bad += re.findall(r"<[a-zA-Z][^>]*\son[a-z]+\s*=", html)
    return bad


def workspace(home: Path) -> Workspace:
    return Workspace.open(home, create=False)


def posts_total(client: TestClient) -> int:
    r = client.get("/api/v1/workspaces/main")
    assert r.status_code == 200
    total: int = r.json()["posts"]
    return total


PAGES_KO = {
    "/w/main": ["대시보드", "언급량 추이", "점유율", "순감성", "급증 구간"],
    "/w/main/topics/United": ["토픽: United", "연관어", "긍정 연관어", "불만 사유", "영향력"],
    "/w/main/posts?q=delay": ["게시물 탐색", "검색 쿼리", "참여도순"],
    KNOWN_POST: ["분석 결과", "감성 점수", "표제어", "키워드"],
    "/w/main/data": ["가져오기 기록", "파일 올리기", "격리된 행"],
    "/w/main/topics": ["토픽 추가", "브랜드"],
    "/w/main/members": ["사용자와 역할", "초대하기", "대기 중인 초대", "소유자"],
    "/w/main/audit": ["감사 로그", "시각은"],
    "/w/main/reports": ["리스닝 리포트 만들기", "비교 대상"],
    "/account": [
        "내 계정",
        "개인 API 토큰",
        "모든 기기에서 로그아웃",
        "Asia/Seoul",
        "auth.sign_in",
    ],
}
PAGES_EN = {
    "/w/main": ["Dashboard", "Mention volume over time", "Share of voice", "Net sentiment"],
    "/w/main/topics/United": ["Topic: United", "Association words", "Complaint reasons"],
    "/w/main/posts?q=delay": ["Posts explorer", "Query", "Most engaging first"],
    KNOWN_POST: ["Enrichment", "Sentiment score", "Lemmas", "Keywords"],
    "/w/main/data": ["Imports", "Upload a file", "Quarantined rows"],
    "/w/main/topics": ["Add a topic", "brand"],
    "/w/main/members": ["Users and roles", "Invite someone", "Pending invitations", "owner"],
    "/w/main/audit": ["Audit log", "Times are in"],
    "/w/main/reports": ["Generate a listening report", "Compared with"],
    "/account": ["My account", "Personal API tokens", "Sign out everywhere", "Account activity"],
}


# -- reading -----------------------------------------------------------------------------------
def test_signed_out_pages_go_to_sign_in(app: FastAPI) -> None:
    client = TestClient(app)
    for url in ("/w/main", "/w/main/posts", "/account", "/w/main/topics/United"):
        r = client.get(url, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/login", url
    r = client.post("/w/main/topics", data={"name": "x", "query": "x"})
    assert r.status_code == 401
    assert "로그인이 필요합니다" in r.text


def test_every_page_in_korean(owner: TestClient) -> None:
    for url, texts in PAGES_KO.items():
        r = owner.get(url)
        assert r.status_code == 200, (url, r.text[:800])
        assert '<html lang="ko">' in r.text
        for text in texts:
            assert text in r.text, (url, text)
        assert "Content-Security-Policy" in r.headers
        assert inline_code(r.text) == [], url
        for nav in ("게시물 탐색", "데이터", "리포트", "사용자와 역할", "감사 로그"):
            assert nav in r.text, (url, nav)


def test_dashboard_draws_charts_and_counts(owner: TestClient) -> None:
    r = owner.get("/w/main")
    assert r.status_code == 200
    svgs = re.findall(r"<svg\b.*?</svg>", r.text, re.S)
    assert len(svgs) >= 5
    assert all(re.search(r"<(polyline|rect|circle|path)\b", s) for s in svgs)
    assert "<polyline" in r.text  # volume, share of voice and net sentiment lines
    for name in ("United", "JetBlue", "Southwest", "US Airways", "Virgin America", "American"):
        assert f'href="/w/main/topics/{name.replace(" ", "%20")}"' in r.text
    posts = re.search(r'id="kpi-posts">([\d,]+)<', r.text)
    assert posts is not None and int(posts.group(1).replace(",", "")) >= 14_485
    assert "," in posts.group(1)  # thousands separators
    assert "America/Los_Angeles" in r.text  # the periods' zone
    # another range and granularity; a bad date is a message, not a crash
    hourly = owner.get("/w/main?from=2015-02-20&to=2015-02-22&every=hour")
    assert hourly.status_code == 200 and "2015년 2월 20일 13시" in hourly.text  # a tooltip
    bad = owner.get("/w/main?from=2015-13-45")
    assert bad.status_code == 400 and "날짜가 아닙니다" in bad.text


def test_empty_workspace_says_what_to_do(owner: TestClient) -> None:
    r = owner.get("/w/second")
    assert r.status_code == 200
    assert 'id="no-data"' in r.text and 'href="/w/second/data"' in r.text
    assert 'id="no-topics"' in r.text and 'href="/w/second/topics"' in r.text
    assert "<svg" not in r.text
    # the switcher lists both workspaces and goes to the one picked
    assert '<option value="second"' in r.text and '<option value="main"' in r.text
    r = owner.get("/switch?ws=main", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/w/main"


def test_topic_page_explains_the_topic(owner: TestClient) -> None:
    r = owner.get("/w/main/topics/JetBlue")
    assert r.status_code == 200
    # spikes with the words that drove them and example posts (the "fleek" tweets)
    assert "언급량 급증" in r.text and "fleek" in r.text
    assert 'id="assoc"' in r.text and "jetblue" not in re.findall(r"<svg.*?</svg>", r.text)
    assert r.text.count("<svg") >= 4  # volume + three word charts
    assert "PageRank" in r.text
    assert "/w/main/posts?q=%40JetBlue%20OR%20jetblue" in r.text
    assert owner.get("/w/main/topics/US%20Airways").status_code == 200
    missing = owner.get("/w/main/topics/Nope")
    assert missing.status_code == 404 and "페이지를 찾을 수 없습니다" in missing.text


def test_explorer_finds_and_paginates(owner: TestClient) -> None:
    api = owner.get("/api/v1/workspaces/main/posts?q=delay&sort=engagement&page=2").json()
    assert api["total"] > 40
    r = owner.get("/w/main/posts?q=delay&sort=engagement")
    assert r.status_code == 200
    assert f"게시물 {api['total']:,}건" in r.text
    ids1 = re.findall(r'href="/w/main/posts/twitter/(\d+)"', r.text)
    assert len(ids1) == 20
    assert 'rel="next"' in r.text and "page=2" in r.text
    r2 = owner.get("/w/main/posts?q=delay&sort=engagement&page=2")
    ids2 = re.findall(r'href="/w/main/posts/twitter/(\d+)"', r2.text)
    assert ids2 == [p["post_id"] for p in api["items"]]
    assert not set(ids1) & set(ids2)
    assert 'rel="prev"' in r2.text
    # filters narrow the result
    neg = owner.get("/w/main/posts?q=delay&sentiment=negative&lang=en&from=2015-02-20")
    found = re.search(r"게시물 ([\d,]+)건", neg.text)
    assert found is not None and 0 < int(found.group(1).replace(",", "")) < api["total"]


def test_bad_query_shows_the_position(owner: TestClient) -> None:
    query = 'united AND ("late'
    with pytest.raises(QueryError) as err:
        parse(query)
    r = owner.get("/w/main/posts", params={"q": query})
    assert r.status_code == 400
    assert f"쿼리 오류 ({err.value.position}번째 글자)" in r.text
    assert "<mark>" in r.text
    assert 'value="united AND (&#34;late"' in r.text  # the query stays in the box, escaped
    r = owner.get("/w/main/posts", params={"q": "delay", "sentiment": "angry"})
    assert r.status_code == 400 and "검색 조건 오류" in r.text


def test_post_detail_shows_the_enrichment(owner: TestClient) -> None:
    r = owner.get(KNOWN_POST)
    assert r.status_code == 200
    assert "fleek" in r.text and "@JetBlue" in r.text
    assert "2015년 2월 24일 04:01" in r.text  # 19:01 UTC in the owner's zone (Asia/Seoul)
    assert "2015-02-23" in r.text  # the local day in the workspace zone
    assert owner.get("/w/main/posts/twitter/1").status_code == 404


# -- English -----------------------------------------------------------------------------------
def test_switching_to_english_changes_every_page(app: FastAPI) -> None:
    client = sign_in(app, ENGLISH)
    assert "대시보드" in client.get("/w/main").text
    token = csrf_of(client, "/w/main")
    r = client.post("/account/preferences", data={"lang": "en", "next": "/w/main", "csrf": token})
    assert r.status_code == 200 and str(r.url).endswith("/w/main")
    for url, texts in PAGES_EN.items():
        r = client.get(url)
        assert r.status_code == 200, url
        assert '<html lang="en">' in r.text
        for text in texts:
            assert text in r.text, (url, text)
        for korean in ("대시보드", "게시물 탐색", "로그아웃", "토픽", "리포트"):
            assert korean not in r.text, (url, korean)
        assert "한국어" in r.text  # the switch back
    assert "2015-02-24 04:01" in client.get(KNOWN_POST).text
    assert "Query error at character" in client.get("/w/main/posts?q=(delay").text
    missing = client.get("/w/main/topics/Nope")
    assert missing.status_code == 404 and "Not found." in missing.text


# -- permissions and CSRF --------------------------------------------------------------------------
def test_viewer_reads_but_may_not_change(viewer: TestClient, tmp_path: Path) -> None:
    page = viewer.get("/w/main")
    assert page.status_code == 200
    assert 'id="nav-members"' not in page.text and 'id="nav-audit"' not in page.text
    assert 'id="nav-data"' in page.text
    token = csrf_of(viewer, "/w/main")
    assert viewer.get("/w/main/members").status_code == 403
    assert viewer.get("/w/main/audit").status_code == 403
    assert 'action="/w/main/topics"' not in viewer.get("/w/main/topics").text
    assert 'action="/w/main/data/upload"' not in viewer.get("/w/main/data").text
    r = viewer.post("/w/main/topics", data={"name": "V", "query": "v", "csrf": token})
    assert r.status_code == 403 and "권한이 없습니다" in r.text
    r = viewer.post("/w/main/topics/edit", data={"name": "United", "query": "x", "csrf": token})
    assert r.status_code == 403
    r = viewer.post("/w/main/topics/remove", data={"name": "United", "csrf": token})
    assert r.status_code == 403
    r = viewer.post(
        "/w/main/data/upload",
        data={"preset": "generic", "csrf": token},
        files={"file": ("a.csv", b"id,text\n1,hello\n", "text/csv")},
    )
    assert r.status_code == 403
    r = viewer.post("/w/main/members", data={"email": VIEWER, "role": "owner", "csrf": token})
    assert r.status_code == 403
    r = viewer.post("/w/main/reports", data={"topic": "United", "csrf": token})
    assert r.status_code == 403
    assert viewer.get("/w/second").status_code == 404  # not a member: not revealed


def test_forms_without_csrf_are_refused(owner: TestClient, home: Path) -> None:
    before = [t["name"] for t in owner.get("/api/v1/workspaces/main/topics").json()]
    for data in ({"name": "NoCsrf", "query": "x"}, {"name": "NoCsrf", "query": "x", "csrf": "x"}):
        r = owner.post("/w/main/topics", data=data)
        assert r.status_code == 403 and "보안 토큰" in r.text
    after = [t["name"] for t in owner.get("/api/v1/workspaces/main/topics").json()]
    assert after == before
    assert owner.post("/account/tokens", data={"name": "x"}).status_code == 403
    assert owner.post("/account/sign-out-everywhere").status_code == 403
    assert owner.post("/w/main/members/remove", data={"user_id": 1}).status_code == 403
    assert owner.get("/w/main").status_code == 200  # still signed in


# -- data ----------------------------------------------------------------------------------------
def small_csv(path: Path, tweets: Path, rows: int = 5) -> Path:
    """A few airline tweets under new ids, a stored-XSS attempt and a row with a bad date."""
    with tweets.open(encoding="utf-8", newline="") as src, path.open("w", newline="") as dst:
        reader = csv.DictReader(src)
        assert reader.fieldnames is not None
        writer = csv.DictWriter(dst, fieldnames=reader.fieldnames)
        writer.writeheader()
        last: dict[str, str] = {}
        for i, row in enumerate(reader):
            if i == rows:
                break
            writer.writerow({**row, "tweet_id": f"990000000000000{i:03d}"})
            last = row
        writer.writerow(
            {
                **last,
                "tweet_id": "990000000000000999",
                "text": XSS,
                "name": "<b>mallory</b>",
                "tweet_created": "2015-02-24 11:00:00 -0800",
            }
        )
        writer.writerow({**last, "tweet_id": "990000000000000998", "tweet_created": "someday"})
    return path


def test_upload_imports_enriches_and_escapes(
    owner: TestClient, home: Path, tmp_path: Path, shared_file: Callable[[str], Path]
) -> None:
    upload = small_csv(tmp_path / "few.csv", shared_file("airline_tweets/Tweets.csv"))
    imports = len(list_imports(workspace(home)))
    total = posts_total(owner)
    token = csrf_of(owner, "/w/main/data")
    with upload.open("rb") as fh:
        r = owner.post(
            "/w/main/data/upload",
            data={"preset": "airline-tweets", "csrf": token},
            files={"file": ("few.csv", fh, "text/csv")},
        )
    assert r.status_code == 200, r.text[:1000]
    assert "imported=" in str(r.url)
    assert "가져오기 완료: 읽은 행 7, 가져온 게시물 6, 중복 0, 격리 1, 분석한 게시물 6." in r.text
    assert len(list_imports(workspace(home))) == imports + 1
    assert posts_total(owner) == total + 6
    # the quarantined row, with its reason in words (the code kept in the cell's title)
    assert 'title="bad_date">읽을 수 없는 날짜<' in r.text
    audit = owner.get("/w/main/audit").text
    assert "데이터 업로드" in audit and "few.csv" in audit  # the action in words, its code kept
    assert 'title="data.import"' in audit and ">data.import<" not in audit

    # the stored-XSS attempt is shown as text wherever it appears
    found = owner.get("/w/main/posts", params={"q": "alert", "sort": "newest"})
    detail = owner.get("/w/main/posts/twitter/990000000000000999")
    for page in (found, detail):
        assert page.status_code == 200
        # the explorer marks the query's word in the escaped text (<mark>alert</mark>)
        text = re.sub(r"</?mark>", "", page.text)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" in text
        assert "<script>alert" not in text and "<img" not in text
        assert not re.search(r"<[^>]*\sonerror\s*=", text)
        assert "&lt;b&gt;mallory&lt;/b&gt;" in text and "<b>mallory" not in text
        assert inline_code(page.text) == []


def test_malformed_upload_changes_nothing(
    owner: TestClient, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    imports = len(list_imports(workspace(home)))
    total = posts_total(owner)
    token = csrf_of(owner, "/w/main/data")
    cases = [
        ("broken.xlsx", b"this is not a spreadsheet", "generic", "", 400),
        ("other.csv", b"a,b\n1,2\n", "airline-tweets", "", 400),
        ("few.csv", b"id,text\n1,hello\n", "generic", "[1, 2]", 400),
        ("few.csv", b"id,text\n1,hello\n", "no-such-preset", "", 400),
    ]
    for name, body, preset, mapping, status in cases:
        r = owner.post(
            "/w/main/data/upload",
            data={"preset": preset, "mapping": mapping, "csrf": token},
            files={"file": (name, body, "application/octet-stream")},
        )
        assert r.status_code == status, (name, r.text[:500])
        assert 'id="import-error"' in r.text
        assert "파일을 가져오지 못했습니다" in r.text or "열 매핑" in r.text
    r = owner.post("/w/main/data/upload", data={"preset": "generic", "csrf": token})
    assert r.status_code == 400 and "올릴 파일을 선택해 주세요" in r.text
    monkeypatch.setattr(data_actions, "UPLOAD_LIMIT", 1000)
    r = owner.post(
        "/w/main/data/upload",
        data={"preset": "generic", "csrf": token},
        files={"file": ("big.csv", b"id,text\n" + b"1,hello\n" * 500, "text/csv")},
    )
    assert r.status_code == 413 and "파일이 너무 큽니다" in r.text
    assert len(list_imports(workspace(home))) == imports
    assert posts_total(owner) == total
    assert not list((home / "uploads").glob("*"))  # no upload left behind


# -- topics, members, reports, account ------------------------------------------------------------
def test_topics_add_edit_remove(owner: TestClient) -> None:
    token = csrf_of(owner, "/w/main/topics")
    r = owner.post(
        "/w/main/topics", data={"name": "Boeing", "query": "boeing OR 737", "csrf": token}
    )
    assert r.status_code == 200 and "토픽을 추가했습니다" in r.text
    assert 'href="/w/main/topics/Boeing"' in r.text
    bad = "boeing AND (737"
    with pytest.raises(QueryError) as err:
        parse(bad)
    r = owner.post("/w/main/topics", data={"name": "Bad", "query": bad, "csrf": token})
    assert r.status_code == 400
    assert f"쿼리 오류 ({err.value.position}번째 글자)" in r.text
    assert 'value="boeing AND (737"' in r.text  # the form keeps what was typed
    assert 'name="next" value="/w/main/topics"' in r.text  # the language switch comes back here
    r = owner.post(
        "/w/main/topics/edit",
        data={
            "name": "Boeing",
            "new_name": "Boeing",
            "query": "boeing",
            "kind": "product",
            "csrf": token,
        },
    )
    assert r.status_code == 200 and "토픽을 수정했습니다" in r.text
    assert "<code>boeing</code>" in r.text and "제품" in r.text
    r = owner.post("/w/main/topics/edit", data={"name": "Boeing", "query": "(", "csrf": token})
    assert r.status_code == 400 and 'id="edit-error"' in r.text and "쿼리 오류" in r.text
    r = owner.post("/w/main/topics/remove", data={"name": "Boeing", "csrf": token})
    assert r.status_code == 200 and "토픽을 삭제했습니다" in r.text
    assert "Boeing" not in r.text
    audit = owner.get("/w/main/audit").text
    for action, words in (
        ("topic.add", "토픽 추가"),
        ("topic.edit", "토픽 수정"),
        ("topic.remove", "토픽 삭제"),
    ):
        assert f'title="{action}">{words}<' in audit
    assert "검색식: boeing" in audit  # a detail's name in words


def test_members_invite_change_remove_and_keep_an_owner(owner: TestClient, app: FastAPI) -> None:
    accounts: Accounts = app.state.accounts
    outsider = accounts.user_by_email(OUTSIDER)
    me = accounts.user_by_email(OWNER)
    assert outsider is not None and me is not None
    token = csrf_of(owner, "/w/second/members")
    r = owner.post("/w/second/members", data={"email": OUTSIDER, "role": "analyst", "csrf": token})
    assert r.status_code == 201 and OUTSIDER in r.text
    link = re.search(r'id="invite-link">https?://[^/<]+(/invite/[^<]+)<', r.text)
    assert link is not None, r.text[:1000]
    assert accounts.role_of(outsider.id, "second") is None  # not before they accept
    guest = sign_in(app, OUTSIDER)
    page = guest.get(link.group(1))
    assert page.status_code == 200 and "Second" in page.text
    guest_csrf = CSRF_FIELD.search(page.text)
    assert guest_csrf is not None
    r = guest.post(f"{link.group(1)}/accept", data={"csrf": guest_csrf.group(1)})
    assert r.status_code == 200 and "초대를 수락했습니다" in r.text
    assert accounts.role_of(outsider.id, "second") == "analyst"
    r = owner.post(
        "/w/second/members/role", data={"user_id": outsider.id, "role": "viewer", "csrf": token}
    )
    assert r.status_code == 200 and accounts.role_of(outsider.id, "second") == "viewer"
    # the only owner can neither step down nor leave
    for url, data in (
        ("/w/second/members/role", {"user_id": me.id, "role": "viewer"}),
        ("/w/second/members/remove", {"user_id": me.id}),
    ):
        r = owner.post(url, data={**data, "csrf": token})
        assert r.status_code == 409
        assert "소유자가 최소 한 명 있어야 합니다" in r.text
    assert accounts.role_of(me.id, "second") == "owner"
    # an e-mail without an account is invited alike (whether it has one is not revealed)
    r = owner.post(
        "/w/second/members", data={"email": "nobody@example.com", "role": "viewer", "csrf": token}
    )
    assert r.status_code == 201 and "nobody@example.com" in r.text and 'id="invite-link"' in r.text
    r = owner.post("/w/second/members/remove", data={"user_id": outsider.id, "csrf": token})
    assert r.status_code == 200 and "멤버를 워크스페이스에서 제외했습니다" in r.text
    assert accounts.role_of(outsider.id, "second") is None
    audit = owner.get("/w/second/audit").text
    for action in ("invitation.create", "invitation.accept", "member.set", "member.remove"):
        assert f'title="{action}">' in audit and f">{action}<" not in audit


def test_reports_generate_and_download(owner: TestClient, viewer: TestClient) -> None:
    token = csrf_of(owner, "/w/main/reports")
    r = owner.post(
        "/w/main/reports",
        data={
            "topic": "United",
            "vs": ["JetBlue", "United"],
            "from": "2015-02-20",
            "to": "2015-02-22",
            "every": "day",
            "lang": "ko",
            "csrf": token,
        },
    )
    assert r.status_code == 200, r.text[:1000]
    assert "리포트를 만들었습니다" in r.text
    links = re.findall(r'href="(/w/main/reports/[^"]+\.(?:html|xlsx))"', r.text)
    assert len(links) == 2
    html = viewer.get(links[0])  # reading earlier reports needs only "view"
    assert html.status_code == 200
    assert html.headers["content-disposition"].startswith("attachment")
    assert "소셜 리스닝 리포트: United" in html.text and "JetBlue" in html.text
    assert "2015-02-20" in html.text
    xlsx = owner.get(links[1])
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert "attachment" in xlsx.headers["content-disposition"]
    listed = viewer.get("/w/main/reports").text
    assert "2015-02-20 – 2015-02-22" in listed and 'id="new-report"' not in listed
    r = owner.post("/w/main/reports", data={"topic": "Nope", "csrf": token})
    assert r.status_code == 400 and "리포트를 만들지 못했습니다" in r.text
    for bad in ("accounts.db", "..%2F..%2Faccounts.db", "20150101T000000Z-00000000.html"):
        r = owner.get(f"/w/main/reports/{bad}")
        assert r.status_code == 404 and b"SQLite" not in r.content
    assert "report.create" in owner.get("/w/main/audit").text


def test_account_zone_tokens_and_sign_out_everywhere(app: FastAPI) -> None:
    client = sign_in(app, SETTLER)
    other = sign_in(app, SETTLER)
    token = csrf_of(client)
    r = client.post("/account/preferences", data={"tz": "America/New_York", "csrf": token})
    assert r.status_code == 200 and "저장했습니다" in r.text
    assert "2015년 2월 23일 14:01" in client.get(KNOWN_POST).text  # 19:01 UTC in New York
    r = client.post("/account/preferences", data={"tz": "Mars/Base", "csrf": token})
    assert r.status_code == 400 and "Mars/Base" in r.text
    r = client.post("/account/tokens", data={"name": "script", "csrf": token})
    shown = re.search(r'id="new-token">(sot_[^<]+)<', r.text)
    assert r.status_code == 200 and shown is not None
    assert shown.group(1) not in client.get("/account").text  # shown once
    api = TestClient(app)
    bearer = {"Authorization": f"Bearer {shown.group(1)}"}
    assert api.get("/api/v1/me", headers=bearer).json()["email"] == SETTLER
    token_id = re.search(r'name="token_id" value="(\d+)"', client.get("/account").text)
    assert token_id is not None
    r = client.post("/account/tokens/revoke", data={"token_id": token_id.group(1), "csrf": token})
    assert r.status_code == 200 and "토큰을 폐기했습니다" in r.text
    assert api.get("/api/v1/me", headers=bearer).status_code == 401
    r = client.post("/account/sign-out-everywhere", data={"csrf": token})
    assert r.status_code == 200 and "로그아웃되었습니다" in r.text
    for c in (client, other):
        r = c.get("/w/main", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/login"
