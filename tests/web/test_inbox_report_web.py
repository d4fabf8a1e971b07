"""The inbox team report in the web and over the API, signed in through /login (real sessions)
and with personal tokens: the page for a manager in Korean and English (period filter, tiles
with the change against the previous period, tables per agent/team/channel/day wrapped to
scroll sideways on a phone, the simulated demo times left out with a note, the switch that
includes them), who may read it, and the API's JSON, CSV (BOM, Korean headers) and XLSX
(Korean sheets). The inbox is written with plain SQL into the w0007 tables."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import text

from socialops.store.workspace import Workspace
from socialops.web.accounts import Accounts, User
from socialops.web.app import create_app
from socialops.web.permissions import ROLES

PASSWORD = "correct-horse-battery"
PAGE = "/w/main/inbox/report"
API = "/api/v1/workspaces/main/inbox/report"
PERIOD = {"from": "2026-03-02", "to": "2026-03-04"}
AGENT = "agent@example.com"


@dataclass
class Home:
    root: Path
    accounts: Accounts
    app: FastAPI
    client: TestClient
    users: dict[str, User] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    def call(self, who: str | None, path: str, **params: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.tokens[who]}"} if who else {}
        return self.client.get(path, params=params, headers=headers)

    def signed_in(self, who: str) -> TestClient:
        client = TestClient(self.app, base_url="http://testserver")
        form = client.get("/login")
        csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
        assert csrf, form.text
        done = client.post(
            "/login",
            data={"email": f"{who}@example.com", "password": PASSWORD, "csrf": csrf.group(1)},
            follow_redirects=False,
        )
        assert done.status_code == 303, done.text
        return client


def _at(s: str) -> str:
    return datetime.fromisoformat(s).replace(tzinfo=UTC).isoformat(timespec="microseconds")


def _seed(ws: Workspace) -> None:
    """Seoul days: three real cases from 03-02 to 03-04 (two for the agent, answered after 10
    and 30 minutes, one resolved), one simulated (twitter), one case in the previous period."""
    convs = [("v1", "kakao", AGENT, 0), ("v2", "bluesky", "", 0), ("v3", "twitter", "", 1),
             ("v0", "kakao", AGENT, 0)]  # fmt: skip
    cases = [  # id, conv, status, assignee, opened, first response, resolved, simulated
        (1, "v1", "resolved", AGENT, "2026-03-02T01:00", "2026-03-02T01:10", "2026-03-02T02:00", 0),
        (2, "v1", "open", AGENT, "2026-03-03T01:00", "2026-03-03T01:30", None, 0),
        (3, "v2", "new", "", "2026-03-04T01:00", None, None, 0),
        (4, "v3", "open", "", "2026-03-02T03:00", "2026-03-02T03:01", None, 1),
        (5, "v0", "resolved", AGENT, "2026-02-27T01:00", "2026-02-27T03:00", "2026-02-27T04:00", 0),
    ]  # fmt: skip
    with ws.begin() as conn:
        for cid, channel, who, sim in convs:
            conn.execute(
                text(
                    "INSERT INTO conversations (conversation_id, source, channel, thread_key, "
                    "contact_id, assignee, simulated, created_at, updated_at) VALUES "
                    "(:c, 'p', :ch, :c, 'k', :a, :s, :t, :t)"
                ),
                {"c": cid, "ch": channel, "a": who, "s": sim, "t": _at("2026-02-01T00:00")},
            )
        for case_id, conv, status, who, opened, first, resolved, sim in cases:
            conn.execute(
                text(
                    "INSERT INTO cases (case_id, conversation_id, status, assignee, category, "
                    "opened_at, first_response_at, resolved_at, simulated, updated_at) VALUES "
                    "(:i, :c, :st, :a, '=카드', :o, :f, :r, :s, :o)"
                ),
                {"i": case_id, "c": conv, "st": status, "a": who, "o": _at(opened),
                 "f": first and _at(first), "r": resolved and _at(resolved), "s": sim},
            )  # fmt: skip
            conn.execute(
                text(
                    "INSERT INTO messages (message_id, conversation_id, source, remote_id, "
                    "direction, author, text, needs_reply, category, sentiment, created_at, "
                    "received_at, simulated) VALUES (:m, :c, 'p', :m, 'in', 'u', '...', 1, "
                    "'=카드', 'negative', :o, :o, :s)"
                ),
                {"m": f"m{case_id}", "c": conv, "o": _at(opened), "s": sim},
            )


def _tile(page: str, metric: str) -> tuple[str, ...]:
    """A tile's label, value, trend and change."""
    found = re.search(
        rf'id="tile-{metric}">([^<]*)<b>([^<]*)</b><small class="delta (\w*)">([^<]*)<', page
    )
    assert found, page
    return found.groups()


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Home]:
    root = tmp_path_factory.mktemp("inbox-report") / "home"
    accounts = Accounts(root)
    users = {
        role: accounts.add_user(
            f"{role}@example.com", PASSWORD, name=f"{role.title()} Kim", role=role
        )
        for role in ROLES
    }
    users["outsider"] = accounts.add_user("outsider@example.com", PASSWORD, name="Out Sider")
    accounts.set_preferences(users["analyst"].id, lang="en")
    app = create_app(root)
    with TestClient(app, base_url="http://testserver") as client:
        found = Home(root, accounts, app, client, users)
        for who, user in users.items():
            found.tokens[who] = accounts.create_token(user.id, "tests")
        _seed(app.state.services.workspace("main"))
        yield found


def test_the_page_for_a_manager_in_korean(home: Home) -> None:
    manager = home.signed_in("manager")
    r = manager.get(PAGE, params=PERIOD)
    assert r.status_code == 200, r.text[:500]
    page = r.text
    assert "<h1>팀 리포트</h1>" in page and 'name="from" value="2026-03-02"' in page
    for table in ("by-agent", "by-team", "by-channel", "by-day", "by-category", "by-sentiment"):
        assert f'id="{table}"' in page
    # tables scroll sideways on a phone, each a named region the keyboard can scroll
    assert page.count('<div class="table-scroll" tabindex="0" role="region"') == 6
    # 3 real cases against 1 in the previous period (02-27 … 03-01): ▲ 2
    assert _tile(page, "cases") == ("케이스", "3", "up", "▲ 2")
    # first response median 20 min (10 and 30) against 120 before: faster is good news
    assert _tile(page, "first_response_minutes_median")[1:] == ("20.0", "up", "▼ 100.0")
    assert "이전 기간 2026-02-27 ~ 2026-03-01 대비" in page
    # the simulated case is left out, and said so; twitter (its channel) is not in the tables
    assert 'id="simulated-excluded"' in page and "1건은 실제 리포트에 섞지 않고" in page
    assert "twitter" not in page and 'id="include-simulated"' in page
    assert "(미배정)" in page and AGENT in page
    assert "=카드" in page  # text as typed (escaped by the template, never run)
    assert f'href="{API}?from=2026-03-02&amp;to=2026-03-04&amp;format=csv&amp;lang=ko"' in page


def test_the_switch_includes_simulated_times(home: Home) -> None:
    page = home.signed_in("viewer").get(PAGE, params={**PERIOD, "simulated": "1"}).text
    assert 'id="simulated-included"' in page and 'id="simulated-excluded"' not in page
    assert "twitter" in page and "include_simulated=true" in page
    assert re.search(r'id="tile-cases">[^<]*<b>4</b>', page)


def test_english_an_empty_period_and_a_bad_day(home: Home) -> None:
    analyst = home.signed_in("analyst")
    page = analyst.get(PAGE, params={"from": "2025-01-01", "to": "2025-01-07"}).text
    assert "<h1>Team report</h1>" in page and "No case was opened in this period." in page
    assert "First response, median (min)" in page
    bad = analyst.get(PAGE, params={"from": "2026-02-30"})
    assert bad.status_code == 400 and "Give the period as dates" in bad.text


def test_who_may_read_the_page(home: Home) -> None:
    anonymous = TestClient(home.app, base_url="http://testserver")
    r = anonymous.get(PAGE, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"
    assert home.signed_in("outsider").get(PAGE).status_code == 404
    assert home.signed_in("agent").get(PAGE).status_code == 200


def test_api_json(home: Home) -> None:
    r = home.call("viewer", API, **PERIOD)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["period"] == PERIOD and body["simulated_excluded"] == 1
    t = body["totals"]
    assert (t["cases"], t["conversations"], t["messages_in"]) == (3, 2, 3)
    assert t["first_response_minutes_median"] == 20.0 and t["response_rate"] == pytest.approx(
        200 / 3
    )
    assert t["resolution_rate"] == pytest.approx(100 / 3) and t["backlog"] == 2
    assert [a["agent"] for a in body["by_agent"]] == ["", AGENT]
    assert [d["day"] for d in body["by_day"]] == ["2026-03-02", "2026-03-03", "2026-03-04"]
    assert body["by_category"] == [{"category": "=카드", "messages_in": 3, "cases": 3}]
    with_sim = home.call("viewer", API, include_simulated="true", **PERIOD).json()
    assert with_sim["totals"]["cases"] == 4 and with_sim["simulated_excluded"] == 0
    assert home.call("outsider", API).status_code == 404
    assert home.call(None, API).status_code == 401
    assert home.call("viewer", API, format="pdf").status_code == 422
    bad = home.call("viewer", API, **{"from": "2026-02-30"})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid"


def test_api_csv_and_xlsx(home: Home) -> None:
    r = home.call("manager", API, format="csv", **PERIOD)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert 'filename="inbox-report-2026-03-02-2026-03-04.csv"' in r.headers["content-disposition"]
    assert r.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["구분", "항목", "케이스", "대화"]
    assert rows[-2][:2] == ["분류", "'=카드"]  # a formula-like text is neutralised
    english = home.call("manager", API, format="csv", lang="en", **PERIOD).content
    assert english.decode("utf-8-sig").startswith("Section,Item,Cases")
    x = home.call("manager", API, format="xlsx", **PERIOD)
    assert x.status_code == 200 and "spreadsheetml" in x.headers["content-type"]
    book = load_workbook(io.BytesIO(x.content))
    assert book.sheetnames == ["요약", "상담원별", "팀별", "채널별", "일별", "분류별", "감성별"]
    summary = {book["요약"].cell(i, 1).value: book["요약"].cell(i, 2).value for i in range(1, 17)}
    assert summary["케이스"] == 3 and summary["제외한 시뮬레이션 케이스"] == 1
    cell = book["분류별"].cell(2, 1)
    assert cell.value == "=카드" and cell.data_type == "s"  # text, never a formula
