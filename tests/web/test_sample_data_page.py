"""The sample data being prepared at first start, as a reader sees it: the progress page (each
stage, how far, what is usable), the banner on every workspace page that says the numbers are
a sample for now, and the API; in Korean and in English; members only."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from socialops.store.sample_progress import FILE, SampleProgress

API = "/api/v1/workspaces/main/sample-data"


def _progress(root: Any, **fields: Any) -> SampleProgress:
    p = SampleProgress(root=root, stages=["sample", "all", "reports"], **fields)
    p.save(force=True)
    return p


def test_progress_page_banner_and_api(web: Any) -> None:
    assert web.call("viewer", "GET", API).json() is None  # nothing prepared here
    browser = web.signed_in("viewer")
    assert "sample-banner" not in browser.get("/w/main").text
    try:
        _progress(web.root, stage="all", step="enrich", done=250, total=1000, usable=True, posts=42)
        page = browser.get("/w/main/sample-data")
        assert page.status_code == 200
        html = page.text
        assert 'http-equiv="refresh"' in html  # it refreshes itself while running
        assert 'class="stage-done" id="stage-sample"' in html
        assert 'class="stage-running" id="stage-all"' in html
        assert 'class="stage-waiting" id="stage-reports"' in html
        assert "250" in html and "1,000" in html and "(25%)" in html
        assert "42" in html  # posts usable now
        for path in ("/w/main", "/w/main/topics", "/w/main/posts"):  # every page says so
            assert 'id="sample-banner"' in browser.get(path).text, path
        body = web.call("viewer", "GET", API).json()
        assert body["stage"] == "all" and body["percent"] == 25 and body["usable"] is True
        assert body["stopped"] is False  # this process wrote it and is alive

        # the writer is gone before the end: stopped, and it says it resumes
        _progress(web.root, stage="sample", pid=_dead_pid())
        html = browser.get("/w/main/sample-data").text
        assert 'http-equiv="refresh"' not in html
        assert web.call("viewer", "GET", API).json()["stopped"] is True

        # finished: no banner, the page says how many posts
        done = _progress(web.root, posts=99)
        done.finish()
        assert 'id="sample-banner"' not in browser.get("/w/main").text
        assert "99" in browser.get("/w/main/sample-data").text
        assert web.call("outsider", "GET", API).status_code == 404  # members only
    finally:
        (web.root / FILE).unlink(missing_ok=True)


def test_banner_speaks_the_readers_language(web: Any) -> None:
    try:
        _progress(web.root, stage="all", usable=True, posts=5)
        browser = web.signed_in("analyst")
        ko = browser.get("/w/main", headers={"Accept-Language": "ko"}).text
        assert "샘플 데이터를 준비하고 있습니다 (2/3단계)" in ko
    finally:
        (web.root / FILE).unlink(missing_ok=True)


def _dead_pid() -> int:
    """A process id that is not running now."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid
