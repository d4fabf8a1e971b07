"""The Measure pages (issue 17, item 8), signed in through /login: the nav entry and the tabs in
Korean and English, what a viewer sees (no forms that run analyses), the effect run from an
uploaded file and from the stored outcomes (chart, verdict, caveats, table, CSV/XLSX downloads
that only their maker can fetch), a refused analysis shown with the form as typed, the planner,
and a plan's page showing the campaign's effect when the workspace has outcome data."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from browser_checks import check_page, check_pages, need_axe, sign_in, views
from measure_web_home import END, PASSWORD, START, Home, make_home, seed_outcomes, series_csv
from openpyxl import load_workbook
from test_e2e import chromium  # noqa: F401  (the browser fixture)

from socialops.plan.service import create_from_template


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Home]:
    found = make_home(tmp_path_factory.mktemp("measure-pages") / "home")
    home = next(found)
    seed_outcomes(home.ws())
    yield home
    next(found, None)


def test_nav_and_tabs_in_both_languages(home: Home) -> None:
    viewer = home.signed_in("viewer")
    page = viewer.get("/w/main/measure")
    assert page.status_code == 200, page.text[:300]
    assert 'id="nav-measure"' in page.text and ">성과 측정<" in page.text
    assert 'id="nav-segments"' in page.text and ">고객 세그먼트<" in page.text
    for tab in ("effect", "tests", "attribution", "mix"):
        assert f'id="tab-{tab}"' in page.text
    # the stored series are listed; a viewer gets no form that runs an analysis
    assert 'id="outcomes"' in page.text and "region:부산" in page.text
    assert 'id="effect-file"' not in page.text and 'id="effect-stored"' not in page.text
    assert 'id="abtest-form"' not in viewer.get("/w/main/measure/tests").text
    analyst = home.signed_in("analyst")  # reads English
    page = analyst.get("/w/main/measure/mix")
    assert page.status_code == 200 and ">Measure<" in page.text and 'id="mix-form"' in page.text
    assert 'aria-current="page">Channel mix<' in page.text


def test_effect_from_a_file_with_downloads(home: Home) -> None:
    analyst = home.signed_in("analyst")
    form = {"csrf": analyst.csrf, "source": "file", "date_col": "일자", "value_col": "매출",  # type: ignore[attr-defined]
            "control_cols": "부산", "start": START.isoformat(), "end": END.isoformat()}  # fmt: skip
    r = analyst.post(
        "/w/main/measure/effect", data=form, files={"file": ("매출.csv", series_csv(), "text/csv")}
    )
    assert r.status_code == 200, r.text[:500]
    page = r.text
    assert 'id="result-chart"' in page and "<svg" in page
    assert 'id="verdict"' in page and "Verdict" in page
    assert 'id="table-pointwise"' in page and "Predicted" in page
    # the form keeps what was typed
    assert 'value="일자"' in page
    href = re.search(r'id="download-csv-0" href="([^"]+)"', page)
    assert href, page[:1000]
    csv_url = href.group(1).replace("&amp;", "&")
    got = analyst.get(csv_url)
    assert got.status_code == 200 and got.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(got.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Date" and len(rows) == 22
    xlsx = re.search(r'id="download-xlsx" href="([^"]+)"', page)
    assert xlsx
    book = load_workbook(io.BytesIO(analyst.get(xlsx.group(1).replace("&amp;", "&")).content))
    assert book.sheetnames == ["pointwise", "cumulative"]
    # another member cannot fetch the analyst's result
    assert home.signed_in("manager").get(csv_url).status_code == 404


def test_effect_from_stored_outcomes_and_a_refusal(home: Home) -> None:
    manager = home.signed_in("manager")
    form = {"csrf": manager.csrf, "source": "stored", "metric": "sales",  # type: ignore[attr-defined]
            "start": START.isoformat(), "end": END.isoformat()}  # fmt: skip
    r = manager.post("/w/main/measure/effect", data=form)
    assert r.status_code == 200, r.text[:500]
    assert 'id="result-summary"' in r.text and "상대 효과" in r.text and "결론" in r.text
    r = manager.post("/w/main/measure/effect", data={**form, "metric": "없는지표"})
    assert 400 <= r.status_code < 500
    assert 'id="measure-error"' in r.text and 'value="없는지표"' in r.text
    r = manager.post("/w/main/measure/effect", data={**form, "start": "2026-13-01"})
    assert r.status_code == 400 and "YYYY-MM-DD" in r.text
    # without the session's CSRF token: refused
    r = manager.post("/w/main/measure/effect", data={**form, "csrf": "x"})
    assert r.status_code == 403


def test_a_viewer_cannot_run_an_analysis(home: Home) -> None:
    viewer = home.signed_in("viewer")
    form = {"csrf": viewer.csrf, "metric": "sales", "start": "2026-05-01", "end": "2026-05-20"}  # type: ignore[attr-defined]
    assert viewer.post("/w/main/measure/effect", data=form).status_code == 403


def test_the_planner_on_the_page(home: Home) -> None:
    viewer = home.signed_in("viewer")  # the planner reads nothing of the workspace's data
    form = {"csrf": viewer.csrf, "kind": "rate", "baseline": "0.05", "lift": "0.2", "daily": "2000"}  # type: ignore[attr-defined]
    r = viewer.post("/w/main/measure/power", data=form)
    assert r.status_code == 200, r.text[:300]
    assert "그룹당 필요한 사용자" in r.text and 'id="verdict"' in r.text
    r = viewer.post("/w/main/measure/power", data={**form, "baseline": "abc"})
    assert r.status_code == 400 and 'id="measure-error"' in r.text


def test_attribution_on_the_page(home: Home) -> None:
    viewer = home.signed_in("viewer")
    page = viewer.get("/w/main/measure/attribution")
    assert page.status_code == 200 and 'id="attribution-form"' in page.text
    assert 'id="result"' not in page.text  # nothing run until asked
    r = viewer.get("/w/main/measure/attribution", params={"run": "1", "from": "2030-01-01"})
    assert r.status_code == 200 and 'id="caveats"' in r.text
    assert "가져온 UTM 전환이 없습니다" in r.text
    r = viewer.get("/w/main/measure/attribution", params={"run": "1", "plan": "../etc"})
    assert r.status_code == 404


def test_the_plan_page_shows_the_campaign_effect(home: Home) -> None:
    ws = home.ws()
    plan = create_from_template(ws, "product-launch", name="봄 세일", start=START, end=END,
                                actor="owner@example.com")  # fmt: skip
    owner = home.signed_in("owner")
    page = owner.get(f"/w/main/plans/{plan.plan_id}")
    assert page.status_code == 200, page.text[:300]
    assert 'id="campaign-effect"' in page.text and "sales" in page.text
    assert 'id="campaign-effect-chart"' in page.text and 'id="campaign-effect-verdict"' in page.text
    # a plan before any outcome data: no effect section
    old = create_from_template(ws, "product-launch", name="옛 캠페인", start=date(2020, 3, 1),
                               end=date(2020, 3, 31), actor="owner@example.com")  # fmt: skip
    assert 'id="campaign-effect"' not in owner.get(f"/w/main/plans/{old.plan_id}").text


# -- in a real browser: a phone and a wide screen, Korean and English -----------------------------
@pytest.fixture(scope="module")
def served(home: Home) -> Iterator[str]:
    """A real uvicorn server on the module's home, on a free loopback port."""
    import threading
    import time

    import httpx
    import uvicorn
    from served import _free_port

    from socialops.web.app import create_app

    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(home.root), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, name="uvicorn-measure", daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the test server did not start"
        time.sleep(0.05)
    assert httpx.get(f"{url}/login", timeout=5).status_code == 200
    try:
        yield url
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.mark.slow
def test_the_pages_on_a_phone_and_a_wide_screen(
    home: Home,
    served: str,
    chromium: Any,  # noqa: F811  (test_e2e.py's fixture, imported above)
    tmp_path: Path,
) -> None:
    """The effect tab with a result (chart, verdict, caveats, the table that scrolls inside its
    card) and the Segments list: no sideways scrolling, a short header on a phone, Korean words
    kept whole, nothing axe-core calls serious (screenshots in $SOCIALOPS_SHOTS)."""
    need_axe()
    upload = tmp_path / "매출.csv"
    upload.write_bytes(series_csv())
    problems: list[str] = []
    for lang, width, page in views(chromium, home.accounts, home.users["owner"].id):
        sign_in(page, served, PASSWORD)
        page.goto(served + "/w/main/measure")
        page.set_input_files("#effect-file input[name=file]", str(upload))
        page.fill("#effect-file input[name=date_col]", "일자")
        page.fill("#effect-file input[name=value_col]", "매출")
        page.fill("#effect-file input[name=start]", START.isoformat())
        page.fill("#effect-file input[name=end]", END.isoformat())
        page.click("#run-effect-file")
        page.locator("#result-chart").wait_for()
        check_page(page, "measure-effect", width, lang, problems)
        check_pages(page, served, [("segments", "/w/main/segments")], width, lang, problems)
    assert not problems, "\n".join(problems)
