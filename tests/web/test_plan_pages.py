"""The campaign-plan pages, driven like a browser (TestClient with the session cookie): every page
for every role, the forms with their CSRF tokens exactly as the page renders them (a small HTML
form reader submits what a browser would), refusals shown on the page in the user's language
with nothing saved, and the downloads."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from socialops.domain.permissions import ROLES
from socialops.plan.store import PlanStore

MARCH = ("2026-03-01", "2026-03-31")


class FormReader(HTMLParser):
    """The fields a browser would submit for the form with ``id`` (``None``: the first form
    whose action ends with ``action``)."""

    def __init__(self, form_id: str | None = None, action: str | None = None) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id, self.action_end = form_id, action
        self.inside = False
        self.done = False
        self.fields: list[tuple[str, str]] = []
        self.action = ""
        self._select: tuple[str, bool] | None = None
        self._options: list[tuple[str, bool]] = []
        self._textarea: str | None = None
        self._text = ""
        self._disabled = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "form" and not self.done and not self.inside:
            if (self.form_id and a.get("id") == self.form_id) or (
                self.action_end and a.get("action", "").endswith(self.action_end)
            ):
                self.inside, self.action = True, a.get("action", "")
            return
        if not self.inside:
            return
        if tag == "fieldset" and "disabled" in a:
            self._disabled += 1
        name = a.get("name")
        if tag == "input" and name and not self._disabled:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields.append((name, a.get("value", "on")))
            elif kind not in ("submit", "button", "file"):
                self.fields.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self._select, self._options = (name, "multiple" in a), []
        elif tag == "option" and self._select is not None:
            self._options.append((a.get("value", ""), "selected" in a))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if not self.inside:
            return
        if tag == "form":
            self.inside, self.done = False, True
        elif tag == "fieldset" and self._disabled:
            self._disabled -= 1
        elif tag == "select" and self._select is not None:
            name, multiple = self._select
            chosen = [v for v, sel in self._options if sel]
            if not chosen and not multiple and self._options:
                chosen = [self._options[0][0]]
            if not self._disabled:
                self.fields.extend((name, v) for v in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            if not self._disabled:
                self.fields.append((self._textarea, self._text.removeprefix("\n")))
            self._textarea = None


def form_of(
    html: str, form_id: str | None = None, action: str | None = None
) -> list[tuple[str, str]]:
    reader = FormReader(form_id, action)
    reader.feed(html)
    assert reader.done, f"no form {form_id or action} on the page"
    return reader.fields


def setting(
    fields: list[tuple[str, str]], name: str, value: str, nth: int = 0
) -> list[tuple[str, str]]:
    """``fields`` with the ``nth`` field called ``name`` set to ``value``."""
    out, seen = [], 0
    for k, v in fields:
        if k == name:
            if seen == nth:
                v = value
            seen += 1
        out.append((k, v))
    assert seen > nth, f"no field {name} #{nth}"
    return out


def alert(html: str) -> str:
    found = re.search(r'role="alert"[^>]*>\s*(?:<p>)?(.*?)</', html, re.S)
    assert found, "no error on the page"
    return found.group(1).strip()


def post(client: TestClient, url: str, fields: list[tuple[str, str]]) -> httpx.Response:
    body = "&".join(f"{httpx.QueryParams({k: v})}" for k, v in fields)
    return client.post(
        url,
        content=body.encode(),
        headers={"content-type": "application/x-www-form-urlencoded"},
        follow_redirects=False,
    )


@pytest.fixture(scope="module")
def clients(web: Any) -> dict[str, TestClient]:
    return {who: web.signed_in(who) for who in (*ROLES, "outsider")}


@pytest.fixture(scope="module")
def store(web: Any) -> PlanStore:
    return PlanStore(web.app.state.services.workspace("main"))


def create(
    client: TestClient,
    name: str = "봄 신제품 출시",
    start: str = MARCH[0],
    end: str = MARCH[1],
    **extra: str,
) -> httpx.Response:
    page = client.get("/w/main/plans")
    fields = form_of(page.text, "new-plan-form")
    fields = setting(fields, "name", name)
    fields = setting(fields, "start", start)
    fields = setting(fields, "end", end)
    fields = [(k, v) for k, v in fields if k != "template"] + [
        ("template", extra.pop("template", "product-launch"))
    ]
    for k, v in extra.items():
        fields = [(a, b) for a, b in fields if a != k] + [(k, v)]
    return post(client, "/w/main/plans", fields)


def plan_id_of(r: httpx.Response) -> str:
    assert r.status_code == 303, r.text[:500]
    m = re.match(r"^/w/main/plans/([^/?]+)\?ok=created$", r.headers["location"])
    assert m, r.headers["location"]
    return m.group(1)


@pytest.fixture(scope="module")
def plan_id(clients: dict[str, TestClient]) -> str:
    return plan_id_of(create(clients["manager"], topics="United"))


# -- the list and the new-plan form -------------------------------------------------------------
@pytest.mark.parametrize("who", ROLES)
def test_list_for_every_role(clients: dict[str, TestClient], plan_id: str, who: str) -> None:
    r = clients[who].get("/w/main/plans")
    assert r.status_code == 200, r.text[:300]
    assert "<h1>캠페인 계획</h1>" in r.text and 'id="nav-plans"' in r.text
    assert f"/w/main/plans/{plan_id}" in r.text and "초안" in r.text
    may_edit = who in ("owner", "manager")
    assert ('id="new-plan-form"' in r.text) == may_edit
    if may_edit:
        assert 'value="product-launch"' in r.text and 'value="bank-customer-care"' in r.text
        assert 'value="United"' in r.text  # the workspace's topics to pick


def test_list_for_outsiders(web: Any, clients: dict[str, TestClient]) -> None:
    assert clients["outsider"].get("/w/main/plans").status_code == 404
    anon = web.browser().get("/w/main/plans", follow_redirects=False)
    assert anon.status_code == 303 and anon.headers["location"] == "/login"


def test_create_needs_csrf_and_the_right(clients: dict[str, TestClient], store: PlanStore) -> None:
    before = len(store.list())
    body = {"template": "product-launch", "name": "x", "start": MARCH[0], "end": MARCH[1]}
    assert (
        clients["manager"].post("/w/main/plans", data=body, follow_redirects=False).status_code
        == 403
    )
    assert (
        clients["manager"].post("/w/main/plans", data={**body, "csrf": "wrong"}).status_code == 403
    )
    analyst = clients["analyst"]
    csrf = re.search(r'name="csrf" value="([^"]+)"', analyst.get("/w/main").text)
    assert csrf
    r = analyst.post("/w/main/plans", data={**body, "csrf": csrf.group(1)})
    assert r.status_code == 403 and "권한" in r.text
    assert len(store.list()) == before


def test_create_refused_shows_the_form_again(
    clients: dict[str, TestClient], store: PlanStore
) -> None:
    before = len(store.list())
    r = create(clients["owner"], name="거꾸로 된 기간", start="2026-03-31", end="2026-03-01")
    assert r.status_code == 400
    msg = alert(r.text)
    assert "종료일" in msg and "2026-03-01" in msg
    assert 'value="거꾸로 된 기간"' in r.text  # what was typed stays
    r = create(clients["owner"], name="예산", budget="삼천만원")
    assert r.status_code == 400 and "budget" in alert(r.text)
    assert len(store.list()) == before


# -- the overview -------------------------------------------------------------------------------
@pytest.mark.parametrize("who", ROLES)
def test_overview_for_every_role(clients: dict[str, TestClient], plan_id: str, who: str) -> None:
    r = clients[who].get(f"/w/main/plans/{plan_id}")
    assert r.status_code == 200, r.text[:300]
    for section in (
        "objectives",
        "segments",
        "mix",
        "recommendation",
        "budget",
        "utm",
        "kpis",
        "policy",
        "history",
        "exports",
    ):
        assert f'id="{section}"' in r.text, section
    assert "판매 촉진" in r.text and "채널 추천" in r.text
    assert ('id="kpi-table"' in r.text and "<meter" in r.text) or "데이터 없음" in r.text
    assert ('id="do-submit"' in r.text) == (who in ("owner", "manager"))
    assert ('class="stack add-channel"' in r.text) == (who in ("owner", "manager"))
    for fmt in ("html", "pdf", "ics", "xlsx", "json"):
        assert f"/w/main/plans/{plan_id}/export.{fmt}" in r.text


def test_kpi_table_against_real_listening_data(
    clients: dict[str, TestClient], store: PlanStore
) -> None:
    """A plan over the week of the airline tweets (February 2015) about United: the listening
    KPIs have actuals, a pacing bar and a status in words; the formulas are on the page."""
    from socialops.domain.kpis import LIBRARY
    from socialops.web.plan_page_common import kpi_library as _kpi_library

    pid = plan_id_of(
        create(
            clients["manager"],
            name="유나이티드 2월",
            start="2015-02-16",
            end="2015-02-24",
            topics="United",
        )
    )
    plan = store.get(pid)
    listening = [k for k in plan.kpis if LIBRARY[k.kpi].source == "listening"]
    assert listening, "the template gave no listening KPI for the topic"
    page = clients["viewer"].get(f"/w/main/plans/{pid}").text
    table = re.search(r'<table id="kpi-table">(.*?)</table>', page, re.S)
    assert table
    rows = re.findall(r'<tr class="kpi-row kpi-row-(\w+)">(.*?)</tr>', table.group(1), re.S)
    assert len(rows) == len(plan.kpis)
    words = {"순항", "초과 달성 중", "미달 경고", "데이터 없음", "시작 전"}
    measured = 0
    for (status, row), target in zip(rows, plan.kpis, strict=True):
        badge = re.search(r'class="badge kpi-\w+">([^<]+)<', row)
        assert badge and badge.group(1) in words
        kpi = _kpi_library()[target.kpi]
        assert f'title="{kpi.formula_ko}"' in row.replace("&#39;", "'").replace("&quot;", '"')
        if LIBRARY[target.kpi].source == "listening":
            assert status != "no_data", row
            assert "<meter" in row
            measured += 1
    assert measured == len(listening)
    assert 'id="kpi-legend"' in page


def test_unknown_plan_is_404(clients: dict[str, TestClient]) -> None:
    r = clients["viewer"].get("/w/main/plans/pnothere")
    assert r.status_code == 404 and "pnothere" in r.text and "찾을 수 없습니다" in r.text
    assert clients["viewer"].get("/w/main/plans/bad%20id").status_code == 404


def test_link_builder(clients: dict[str, TestClient], store: PlanStore, plan_id: str) -> None:
    plan = store.get(plan_id)
    channel = plan.channels[0].channel
    r = clients["viewer"].get(
        f"/w/main/plans/{plan_id}",
        params={"link_url": "https://shop.example.com/spring?ref=a", "link_channel": channel},
    )
    assert r.status_code == 200
    link = re.search(r'id="tracked-link">([^<]+)<', r.text)
    assert link, "no tracked link"
    url = link.group(1).replace("&amp;", "&")
    assert url.startswith("https://shop.example.com/spring?ref=a&")
    assert f"utm_campaign={plan.utm.campaign}" in url and "utm_source=" in url
    r = clients["viewer"].get(
        f"/w/main/plans/{plan_id}",
        params={"link_url": "javascript:alert(1)", "link_channel": channel},
    )
    assert r.status_code == 400 and "javascript" in alert(r.text)


def test_channel_mix_override_needs_a_reason(
    clients: dict[str, TestClient], store: PlanStore
) -> None:
    pid = plan_id_of(create(clients["owner"], name="채널 믹스"))
    page = clients["owner"].get(f"/w/main/plans/{pid}").text
    rows = re.findall(
        r'<tr( class="recommended")?>\s*<td class="n">\d+</td>.*?name="channel" value="([^"]+)"',
        page,
        re.S,
    )
    outside = [ch for rec, ch in rows if not rec]
    assert outside, "every channel is recommended or chosen"
    channel = outside[-1]
    fields = form_of(page, action=f"/w/main/plans/{pid}/channels")
    fields = [(k, v) for k, v in fields if k not in ("channel", "op", "reason")]
    fields += [("op", "add"), ("channel", channel), ("reason", "")]
    version = store.get(pid).version
    r = post(clients["owner"], f"/w/main/plans/{pid}/channels", fields)
    assert r.status_code == 400 and "이유" in alert(r.text) and channel in alert(r.text)
    assert store.get(pid).version == version
    fields = setting(fields, "reason", "브랜드 커뮤니티 실험")
    r = post(clients["owner"], f"/w/main/plans/{pid}/channels", fields)
    assert r.status_code == 303, r.text[:400]
    plan = store.get(pid)
    added = next(c for c in plan.channels if c.channel == channel)
    assert added.override_reason == "브랜드 커뮤니티 실험"
    assert plan.history[-1].note == f"add {channel}: 브랜드 커뮤니티 실험"
    # the same form again is stale
    r = post(clients["owner"], f"/w/main/plans/{pid}/channels", fields)
    assert r.status_code == 409 and "다른 사용자" in alert(r.text)
    # removing it again: not recommended, no reason needed
    fields = setting(setting(fields, "op", "remove"), "reason", "")
    fields = setting(fields, "version", str(plan.version))
    assert post(clients["owner"], f"/w/main/plans/{pid}/channels", fields).status_code == 303
    assert channel not in store.get(pid).channel_keys()


def test_review_buttons(clients: dict[str, TestClient], store: PlanStore) -> None:
    pid = plan_id_of(create(clients["owner"], name="검토 흐름"))
    page = clients["owner"].get(f"/w/main/plans/{pid}").text
    fields = [*form_of(page, "transition-form"), ("action", "submit")]
    assert post(clients["owner"], f"/w/main/plans/{pid}/transition", fields).status_code == 303
    assert store.get(pid).state == "in_review"
    # an agent sees no approve button and is refused when posting it anyway
    page = clients["agent"].get(f"/w/main/plans/{pid}").text
    assert 'id="do-approve"' not in page
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)
    assert csrf
    r = clients["agent"].post(
        f"/w/main/plans/{pid}/transition",
        data={"csrf": csrf.group(1), "action": "approve", "version": "2"},
    )
    assert r.status_code == 403 and store.get(pid).state == "in_review"
    # a reject needs a note: the page says so
    page = clients["manager"].get(f"/w/main/plans/{pid}").text
    assert 'id="do-approve"' in page and 'id="do-reject"' in page
    fields = form_of(page, "transition-form")
    r = post(clients["manager"], f"/w/main/plans/{pid}/transition", [*fields, ("action", "reject")])
    assert r.status_code == 400 and "note" in alert(r.text)
    r = post(
        clients["manager"], f"/w/main/plans/{pid}/transition", [*fields, ("action", "approve")]
    )
    assert r.status_code == 303 and store.get(pid).state == "approved"
    page = clients["manager"].get(f"/w/main/plans/{pid}?ok=moved").text
    assert "계획 상태를 바꿨습니다" in page and 'id="do-start"' in page


# -- the edit form ------------------------------------------------------------------------------
def test_edit_form_round_trip_changes_nothing(
    clients: dict[str, TestClient], store: PlanStore
) -> None:
    pid = plan_id_of(create(clients["manager"], name="왕복", topics="United"))
    before = store.get(pid)
    page = clients["manager"].get(f"/w/main/plans/{pid}/edit")
    assert page.status_code == 200
    for section in (
        "edit-basics",
        "edit-objectives",
        "edit-segments",
        "edit-budget",
        "edit-utm",
        "edit-kpis",
        "edit-policy",
    ):
        assert f'id="{section}"' in page.text
    r = post(clients["manager"], f"/w/main/plans/{pid}/edit", form_of(page.text, "edit-form"))
    assert r.status_code == 303, alert(r.text)
    after = store.get(pid)
    assert after.version == before.version + 1
    keep = ("version", "history", "updated_at")
    assert {k: v for k, v in after.to_dict().items() if k not in keep} == {
        k: v for k, v in before.to_dict().items() if k not in keep
    }


def test_edit_saves_and_refuses(clients: dict[str, TestClient], store: PlanStore) -> None:
    pid = plan_id_of(create(clients["owner"], name="예산 수정"))
    page = clients["owner"].get(f"/w/main/plans/{pid}/edit").text
    fields = form_of(page, "edit-form")
    channel = store.get(pid).channels[0].channel
    # the budget: a total and two lines that add up to it
    fields = setting(fields, "budget_total", "20,000,000")
    fields = [(k, v) for k, v in fields if not k.startswith("bud_")]
    fields += [
        ("bud_channel", channel),
        ("bud_kind", "paid"),
        ("bud_amount", "15,000,000"),
        ("bud_note", ""),
    ]
    fields += [
        ("bud_channel", channel),
        ("bud_kind", "organic"),
        ("bud_amount", "4000000"),
        ("bud_note", ""),
    ]
    version = store.get(pid).version
    r = post(clients["owner"], f"/w/main/plans/{pid}/edit", fields)
    assert r.status_code == 400
    msg = alert(r.text)
    assert "19,000,000원" in msg and "20,000,000원" in msg
    assert 'value="15,000,000"' in r.text  # the form as typed
    assert store.get(pid).version == version
    fields = setting(fields, "bud_amount", "5,000,000", nth=1)
    fields = setting(fields, "escalation", "민원팀 | 환불, 불만 | complaint | 30")
    fields = setting(fields, "crisis", "1 | 관심 | 부정 언급 증가 | 모니터링 강화; 보고 | 0.3 | 50")
    fields = setting(fields, "banned_words", "최고, 무조건")
    r = post(clients["owner"], f"/w/main/plans/{pid}/edit", fields)
    assert r.status_code == 303, alert(r.text)
    plan = store.get(pid)
    assert plan.budget_total_krw == 20_000_000 and [b.amount_krw for b in plan.budget] == [
        15_000_000,
        5_000_000,
    ]
    assert plan.policy.escalation[0].keywords == ["환불", "불만"]
    assert plan.policy.escalation[0].within_minutes == 30
    assert plan.policy.crisis_levels[0].actions == ["모니터링 강화", "보고"]
    assert plan.policy.crisis_levels[0].min_negative_share == 0.3
    assert plan.policy.banned_words == ["최고", "무조건"]
    # the old form again: stale, 409, nothing saved
    r = post(clients["owner"], f"/w/main/plans/{pid}/edit", fields)
    assert r.status_code == 409 and "버전" in alert(r.text)
    # a line in the mini-syntax that cannot be read; an invalid UTM value; a bad approver
    fresh = form_of(clients["owner"].get(f"/w/main/plans/{pid}/edit").text, "edit-form")
    r = post(
        clients["owner"],
        f"/w/main/plans/{pid}/edit",
        setting(fresh, "crisis", "셋째 | | x | y | z | w | v"),
    )
    assert r.status_code == 400 and "crisis" in alert(r.text)
    r = post(clients["owner"], f"/w/main/plans/{pid}/edit", setting(fresh, "kpi_target", "-5"))
    assert r.status_code == 400 and "0 이상" in alert(r.text)
    r = post(
        clients["owner"], f"/w/main/plans/{pid}/edit", setting(fresh, "utm_campaign", "Spring Sale")
    )
    assert r.status_code == 400 and "소문자" in alert(r.text)
    r = post(
        clients["owner"],
        f"/w/main/plans/{pid}/edit",
        setting(fresh, "approvers", "viewer@example.com"),
    )
    assert r.status_code == 400 and "viewer@example.com" in alert(r.text)
    r = post(
        clients["owner"], f"/w/main/plans/{pid}/edit", [(k, v) for k, v in fresh if k != "csrf"]
    )
    assert r.status_code == 403
    assert store.get(pid).version == plan.version


def test_edit_is_for_editors_and_drafts(clients: dict[str, TestClient], plan_id: str) -> None:
    assert clients["viewer"].get(f"/w/main/plans/{plan_id}/edit").status_code == 403
    assert clients["manager"].get(f"/w/main/plans/{plan_id}/edit").status_code == 200


# -- the calendar -------------------------------------------------------------------------------
def test_calendar_month_week_and_items(clients: dict[str, TestClient], store: PlanStore) -> None:
    pid = plan_id_of(create(clients["manager"], name="캘린더"))
    url = f"/w/main/plans/{pid}/calendar"
    page = clients["manager"].get(url, params={"view": "month", "date": "2026-03-01"})
    assert page.status_code == 200
    assert "2026년 3월" in page.text and "삼일절" in page.text
    assert 'data-day="2026-03-01"' in page.text
    fields = form_of(page.text, "item")
    fields = setting(fields, "title", "신제품 티저 릴스")
    fields = setting(fields, "date", "2026-03-10")
    fields = setting(fields, "time", "19:30")
    fields = setting(fields, "repeat", "weekly")
    fields = setting(fields, "count", "3")
    r = post(clients["manager"], url, fields)
    assert r.status_code == 303, alert(r.text)
    assert "ok=item_saved" in r.headers["location"] and "date=2026-03-10" in r.headers["location"]
    plan = store.get(pid)
    (item,) = [i for i in plan.calendar if i.title == "신제품 티저 릴스"]
    assert item.recurrence == "FREQ=WEEKLY;COUNT=3"
    assert item.start.isoformat() == "2026-03-10T19:30:00"
    month = clients["viewer"].get(url, params={"view": "month", "date": "2026-03-15"}).text
    assert month.count('· 신제품 티저 릴스"') == 3  # the occurrences' tooltips
    for day in ("2026-03-10", "2026-03-17", "2026-03-24"):
        cell = re.search(rf'data-day="{day}">(.*?)</td>', month, re.S)
        assert cell and "신제품 티저 릴스" in cell.group(1) and "19:30" in cell.group(1), day
    week = clients["viewer"].get(url, params={"view": "week", "date": "2026-03-17"}).text
    assert "신제품 티저 릴스" in week and "19:30" in week and "2026-03-16 ~ 2026-03-22" in week
    # outside the period: refused with the message, the form as typed, nothing saved
    fields2 = setting(setting(fields, "date", "2026-04-05"), "version", str(plan.version))
    fields2 = setting(fields2, "title", "기간 밖")
    r = post(clients["manager"], url, fields2)
    assert r.status_code == 400
    msg = alert(r.text)
    assert "기간 밖" in msg and "2026-04-05" in msg and "2026-03-31" in msg
    assert store.get(pid).calendar == plan.calendar
    # edit it (its form is on the page when asked for), then delete it
    page = clients["manager"].get(url, params={"date": "2026-03-10", "item": item.item_id}).text
    assert 'id="tracked-link"' not in page  # no landing URL yet
    edit = setting(form_of(page, "item"), "status", "ready")
    edit = setting(edit, "link", "https://brand.example.kr/spring?ref=sns")
    assert post(clients["manager"], url, edit).status_code == 303
    (changed,) = [i for i in store.get(pid).calendar if i.title == "신제품 티저 릴스"]
    assert changed.status == "ready" and changed.revision == 1 and changed.item_id == item.item_id
    page = clients["manager"].get(url, params={"date": "2026-03-10", "item": item.item_id}).text
    tracked = re.search(r'id="tracked-link">[^<]*<code class="link">([^<]+)</code>', page)
    assert tracked, "no tracked link for an item with a landing URL"
    from urllib.parse import parse_qs, urlsplit

    query = parse_qs(urlsplit(tracked.group(1).replace("&amp;", "&")).query)
    assert query["ref"] == ["sns"] and query["utm_content"] == [item.item_id]
    assert query["utm_campaign"] == [store.get(pid).utm.campaign]
    assert query["utm_source"][0] == query["utm_source"][0].lower()
    page = clients["manager"].get(url, params={"date": "2026-03-10", "item": item.item_id}).text
    delete = form_of(page, "delete-item-form")
    assert ("op", "delete") in delete and ("item_id", item.item_id) in delete
    r = post(clients["manager"], url, delete)
    assert r.status_code == 303
    assert [i for i in store.get(pid).calendar if i.item_id == item.item_id] == []
    assert len(store.get(pid).calendar) == len(plan.calendar) - 1
    # viewers read the calendar but get no form
    page = clients["viewer"].get(url).text
    assert 'id="calendar"' in page and 'id="item"' not in page


# -- downloads and language ---------------------------------------------------------------------
def test_downloads(clients: dict[str, TestClient], plan_id: str) -> None:
    import icalendar

    r = clients["viewer"].get(f"/w/main/plans/{plan_id}/export.ics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/calendar")
    assert r.headers["cache-control"] == "no-store"
    assert "filename*=UTF-8''" in r.headers["content-disposition"]
    icalendar.Calendar.from_ical(r.content)
    r = clients["viewer"].get(f"/w/main/plans/{plan_id}/export.xlsx")
    assert r.content[:2] == b"PK"
    r = clients["viewer"].get(f"/w/main/plans/{plan_id}/export.doc")
    assert r.status_code == 400 and "doc" in r.text


def test_english(web: Any, clients: dict[str, TestClient], plan_id: str) -> None:
    web.accounts.set_preferences(web.users["viewer"].id, lang="en")
    try:
        r = clients["viewer"].get(f"/w/main/plans/{plan_id}")
        assert "Channel recommendation" in r.text and "Sales promotion" in r.text
        assert re.search(r'id="nav-plans"[^>]*>Plans<', r.text)
        r = clients["viewer"].get(f"/w/main/plans/{plan_id}/calendar?date=2026-03-01")
        assert "March 2026" in r.text
    finally:
        web.accounts.set_preferences(web.users["viewer"].id, lang="ko")


# -- metrics import from the plan's page (last: the imported posts change the recommendation) ---
def metric_import_count(store: PlanStore) -> int:
    """Metric imports in the one imports ledger (revision w0002)."""
    from socialops.measure.metrics import recent_imports

    return len(recent_imports(store.ws, limit=1_000))


def test_metrics_import_form(
    clients: dict[str, TestClient], store: PlanStore, shared_file: Any
) -> None:
    """An analyst uploads the real Facebook metrics file on a 2014 plan's page: the page says
    how many rows were read, imported and rejected (they add up), lists the import, and the
    plan's Facebook reach target is measured against it. A wrong preset is refused on the page
    in Korean with nothing stored; viewers get no form and a 403."""
    from socialops.domain.plan import ChannelChoice, KpiTarget

    pid = plan_id_of(
        create(clients["manager"], name="페이스북 2014", start="2014-01-01", end="2014-12-31")
    )
    plan = store.get(pid)
    if "facebook" not in plan.channel_keys():
        plan.channels.append(ChannelChoice("facebook", "support", override_reason="실적 비교"))
    plan.kpis = [KpiTarget("reach", 5_000_000.0, channel="facebook")]
    store.save(plan, base_version=plan.version, actor="test")
    url = f"/w/main/plans/{pid}"
    data = shared_file("facebook_metrics/dataset_Facebook.csv").read_bytes()

    assert 'id="metrics-form"' not in clients["viewer"].get(url).text
    assert 'id="metrics-form"' not in clients["manager"].get(url).text  # no data.import
    page = clients["analyst"].get(url).text
    assert "아직 가져온 실적 데이터가 없습니다" in page
    no_perf = "가져온 게시물 성과 데이터가 없어 자사 성과를 반영하지 않았습니다"
    assert no_perf in page  # the recommendation says what it lacks (and is cached now)
    fields = [(k, v) for k, v in form_of(page, "metrics-form") if k != "file"]
    before = metric_import_count(store)

    def upload(client: TestClient, preset: str, body: bytes = data) -> httpx.Response:
        sent = setting(fields, "preset", preset)
        return client.post(
            f"{url}/metrics",
            data=dict(sent),
            files={"file": ("dataset_Facebook.csv", body, "text/csv")},
            follow_redirects=False,
        )

    r = upload(clients["viewer"], "facebook-metrics")
    assert r.status_code == 403
    r = upload(clients["analyst"], "conversions")  # the wrong preset for this file
    assert r.status_code == 422
    assert "conversions" in alert(r.text) and "utm_campaign" in alert(r.text)
    bad_year = setting(setting(fields, "preset", "facebook-metrics"), "year", "이천십사")
    r = clients["analyst"].post(
        f"{url}/metrics",
        data=dict(bad_year),
        files={"file": ("dataset_Facebook.csv", data, "text/csv")},
        follow_redirects=False,
    )
    assert r.status_code == 422 and "year" in alert(r.text) and "1990-2100" in alert(r.text)
    r = clients["analyst"].post(f"{url}/metrics", data=dict(fields), follow_redirects=False)
    assert r.status_code == 400 and alert(r.text) == "올릴 파일을 선택해 주세요."
    assert metric_import_count(store) == before

    r = upload(clients["analyst"], "facebook-metrics")
    assert r.status_code == 303, r.text[:400]
    assert "ok=metrics_imported&import=m" in r.headers["location"]
    page = clients["analyst"].get(r.headers["location"]).text
    done = re.search(r'id="metrics-done">([^<]+)<', page)
    assert done, page[:2000]
    counts = re.search(r"(\d+)행 읽음 — 새로 (\d+), 갱신 (\d+), 거부 (\d+)", done.group(1))
    assert counts and done.group(1).startswith("dataset_Facebook.csv")
    read, new, updated, rejected = map(int, counts.groups())
    assert read == 500 and new + updated + rejected == read and new + updated > 400
    assert metric_import_count(store) == before + 1
    assert re.search(r'<tr class="hl"><td[^>]*>[^<]*</td><td>dataset_Facebook.csv', page)
    row = re.search(r'<tr class="kpi-row kpi-row-(\w+)">', page)
    assert row and row.group(1) != "no_data"
    assert no_perf not in page  # the recommendation is made again with the imported posts
