"""Issue 14, items 2 and 10, in the web: competitive sets on the topics page and the API, the
query preview (page and API, one action), share of voice per set and every topic kind on the
dashboard, a spike's links to its posts, an explicit "our brand" in a new plan, KPI targets
checked against their baselines and the sample data's reports on the Reports page."""

from __future__ import annotations

import re
from datetime import date, timedelta
from html import unescape
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from socialops.cli.demo_cmd import _reports
from socialops.domain.plan import KpiTarget
from socialops.plan.store import PlanStore
from socialops.store.workspace import Workspace

# The tests build on one another (a set made, then shown; a plan made, then checked): one worker
# runs them all, in order.
pytestmark = pytest.mark.xdist_group("competition_pages")

WS = "/api/v1/workspaces/main"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def _csrf(client: object, url: str) -> str:
    page = client.get(url)  # type: ignore[attr-defined]
    found = CSRF.search(page.text)
    assert found is not None, page.text[:300]
    return found.group(1)


def _ws(web: Any) -> Workspace:
    return Workspace.open(web.accounts.workspace_dir("main"))


def test_topics_get_a_competitive_set_through_the_api_and_the_page(web: Any) -> None:
    made = web.call(
        "manager",
        "POST",
        f"{WS}/topics",
        json={
            "name": "Delta",
            "query": "@delta OR delta",
            "kind": "product",
            "competitive_set": "항공사",
        },
    )
    assert made.status_code == 201, made.text
    assert made.json()["competitive_set"] == "항공사"
    r = web.call("manager", "PATCH", f"{WS}/topics/United", json={"competitive_set": "항공사"})
    assert r.status_code == 200 and r.json()["competitive_set"] == "항공사"
    assert r.json()["query"] == "@united OR united"  # the rest is kept
    browser = web.signed_in("manager")
    token = _csrf(browser, "/w/main/topics")
    r = browser.post(
        "/w/main/topics/edit",
        data={"name": "American", "competitive_set": "항공사", "set_field": "1", "csrf": token},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    sets = {
        t["name"]: t["competitive_set"] for t in web.call("viewer", "GET", f"{WS}/topics").json()
    }
    assert sets["United"] == sets["American"] == sets["Delta"] == "항공사"
    assert sets["Southwest"] == ""
    page = browser.get("/w/main/topics").text
    assert 'list="topic-sets"' in page and '<option value="항공사">' in page
    # share of voice: within the set, and the topics without a set among themselves
    sov = web.call("viewer", "GET", f"{WS}/listen/sov").json()
    by = {r["topic"]: r for r in sov["results"]}
    groups = {s["set"]: s for s in sov["sets"]}
    assert set(groups["항공사"]["topics"]) == {"United", "American", "Delta"}
    for s in groups.values():
        assert sum(by[n]["share"] for n in s["topics"]) == pytest.approx(100, abs=0.05)
    assert by["Delta"]["kind"] == "product"


def test_the_dashboard_shows_every_kind_and_a_share_chart_per_set(web: Any) -> None:
    web.call("manager", "PATCH", f"{WS}/topics/Southwest", json={"kind": "campaign"})
    page = unescape(web.signed_in("viewer").get("/w/main?range=all").text)
    summary = page[page.index("<tbody>") : page.index("</tbody>")]
    for name in ("United", "Delta", "Southwest"):  # brand, product, campaign: all there
        assert f">{name}</a>" in summary
    assert re.search(r'<div class="sov-set" data-set="항공사">\s*<figure', page)
    assert 'data-set=""' in page  # the topics without a set: a chart of their own


def test_a_spike_links_to_the_posts_of_its_topic_and_window(web: Any) -> None:
    viewer = web.signed_in("viewer")
    page = viewer.get("/w/main?range=all").text
    links = re.findall(r'<a class="spike-posts" href="([^"]+)"', page)
    assert links, "no spike with a link to its posts"
    url = unescape(links[0])
    params = parse_qs(urlsplit(url).query)
    assert urlsplit(url).path == "/w/main/posts"
    assert params["q"] and params["from"] and params["to"]
    assert viewer.get(url).status_code == 200
    # the same filter through the API: the topic's posts of that window (local days, so a UTC
    # time may be a day off)
    api = web.call(
        "viewer", "GET", f"{WS}/posts", params={k: v[0] for k, v in params.items()}
    ).json()
    assert api["total"] > 0
    lo = (date.fromisoformat(params["from"][0]) - timedelta(days=1)).isoformat()
    hi = (date.fromisoformat(params["to"][0]) + timedelta(days=1)).isoformat()
    assert all(lo <= str(p["created_at"])[:10] <= hi for p in api["items"])
    words = re.findall(r'<a class="chip" href="(/w/main/posts\?[^"]+)"', page)
    assert words and viewer.get(unescape(words[0])).status_code == 200


def test_query_preview_page_and_api_are_one_action(web: Any) -> None:
    api = web.call("analyst", "POST", f"{WS}/topics/preview", json={"query": "@JetBlue OR jetblue"})
    assert api.status_code == 200, api.text
    p = api.json()
    assert 2000 < p["matches"] < 2300 and p["first_day"] and p["last_day"]
    assert p["forms"][0]["form"] == "@JetBlue" and len(p["samples"]) == 5
    assert p["warnings"] == []
    one = web.call("analyst", "POST", f"{WS}/topics/preview", json={"query": "배 OR 놀란"}).json()
    assert [w["why"] for w in one["warnings"]] == ["one_syllable", "inflected"]
    assert all(w["message"] for w in one["warnings"])
    bad = web.call("analyst", "POST", f"{WS}/topics/preview", json={"query": "(united"})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "query.bad"
    browser = web.signed_in("manager")
    before = len(web.call("viewer", "GET", f"{WS}/topics").json())
    token = _csrf(browser, "/w/main/topics")
    r = browser.post(
        "/w/main/topics/preview",
        data={"name": "JetBlue", "query": "@JetBlue OR jetblue", "kind": "brand", "csrf": token},
    )
    assert r.status_code == 200
    text = unescape(r.text)
    assert 'id="query-preview"' in text and f"{p['matches']:,}" in text
    assert 'value="@JetBlue OR jetblue"' in text  # the form keeps what was typed
    assert len(web.call("viewer", "GET", f"{WS}/topics").json()) == before  # nothing saved


def test_a_new_plan_takes_our_brand_from_its_own_field(web: Any) -> None:
    browser = web.signed_in("manager")
    token = _csrf(browser, "/w/main/plans")
    form = {
        "template": "product-launch",
        "name": "브랜드 선택 확인",
        "start": "2015-02-16",
        "end": "2015-02-24",
        "budget": "1000000",
        "brand": "Virgin America",
        # competitors chosen with a multiple choice come in list order, before the brand
        "competitors": ["United", "American", "Virgin America"],
        "csrf": token,
    }
    r = browser.post("/w/main/plans", data=form, follow_redirects=False)
    assert r.status_code == 303, r.text
    plan = next(p for p in PlanStore(_ws(web)).list() if p["name"] == "브랜드 선택 확인")
    full = PlanStore(_ws(web)).get(plan["plan_id"])
    assert full.topics == ["Virgin America", "United", "American"]
    listening = [k for k in full.kpis if k.topic]
    assert listening and all(k.topic == "Virgin America" for k in listening)
    r = browser.post("/w/main/plans", data={**form, "brand": "", "name": "no brand"})
    assert r.status_code == 400 and "우리 브랜드" in unescape(r.text)


def test_kpi_targets_below_or_far_above_their_baseline_are_flagged(web: Any) -> None:
    ws = _ws(web)
    store = PlanStore(ws)
    plan_id = next(p["plan_id"] for p in store.list() if p["name"] == "브랜드 선택 확인")
    plan = store.get(plan_id)
    plan.kpis += [
        KpiTarget("clicks", 46_000, baseline=374_175),  # the demo's old Facebook plan
        KpiTarget("reach", 5_000_000, baseline=10_000),  # 500 times the baseline
        KpiTarget("engagement_rate", 5.5, baseline=5.0),  # fine
    ]
    store.save(plan, base_version=plan.version, actor="manager@example.com")
    page = unescape(web.signed_in("viewer").get(f"/w/main/plans/{plan_id}").text)
    flagged = re.findall(r'class="warn kpi-check" data-kpi="([a-z_]+)" data-why="([a-z_]+)"', page)
    assert ("clicks", "met_already") in flagged and ("reach", "far_above") in flagged
    assert "engagement_rate" not in {k for k, _ in flagged}


def test_the_reports_page_lists_the_sample_data_reports(web: Any) -> None:
    ws = _ws(web)
    made = _reports(ws, "duckdb", {"airline-tweets"}, True)
    assert made and (ws.root / "reports" / "airlines.json").is_file()
    viewer = web.signed_in("viewer")
    page = viewer.get("/w/main/reports").text
    assert 'href="/w/main/reports/airlines.html"' in page
    got = viewer.get("/w/main/reports/airlines.html")
    assert got.status_code == 200 and "<html" in got.text.lower()
    assert viewer.get("/w/main/reports/airlines.json").status_code == 404
    assert viewer.get("/w/main/reports/..%2Fworkspace.db").status_code == 404
