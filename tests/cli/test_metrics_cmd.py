"""``socialops metrics import|presets|summary`` as a user runs them."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from cli_run import one_line_error, run


def test_import_facebook_metrics_then_summary(
    tmp_path: Path, shared_file: Callable[[str], Path]
) -> None:
    home = tmp_path / "ws"
    path = str(shared_file("facebook_metrics/dataset_Facebook.csv"))
    p = run(["metrics", "import", path, "--preset", "facebook-metrics", "--json"], home)
    assert p.returncode == 0, p.stderr
    res = json.loads(p.stdout)
    assert (res["rows_read"], res["imported"], res["updated"], res["rejected"]) == (500, 500, 0, 0)
    assert res["options"]["year"] == 2014 and res["encoding"] == "utf-8"
    again = ["metrics", "import", path, "--preset", "facebook-metrics", "--year", "2014"]
    p = run(again, home, SOCIALOPS_LANG="ko")
    assert p.returncode == 0, p.stderr
    assert "500행 읽음" in p.stdout and "갱신 500" in p.stdout  # Korean by default
    p = run(["metrics", "summary", "--json"], home)
    assert p.returncode == 0, p.stderr
    summary = json.loads(p.stdout)
    fb = summary["channels"]["facebook"]
    assert fb["posts"] == 500 and fb["reach"] == 6_951_680
    assert (fb["first_month"], fb["last_month"]) == ("2014-01", "2014-12")
    assert [i["updated"] for i in summary["imports"]] == [500, 0]
    p = run(["metrics", "summary"], home, SOCIALOPS_LANG="en")
    assert p.returncode == 0 and "facebook" in p.stdout and "6,951,680" in p.stdout


def test_conversions_with_rejections_and_presets(tmp_path: Path) -> None:
    home = tmp_path / "ws"
    f = tmp_path / "ga.csv"
    f.write_bytes(
        "날짜,소스,매체,캠페인,전환수,매출,비용\n"
        "2024-03-01,naver,cpc,spring,3,30000,9000\n"
        "2024-03-02,naver,cpc,spring,x,1,1\n".encode("cp949")
    )
    p = run(["metrics", "import", str(f), "--preset", "conversions"], home, SOCIALOPS_LANG="en")
    assert p.returncode == 0, p.stderr
    assert "2 rows read — 1 new, 0 updated, 1 rejected (encoding cp949" in p.stdout
    assert "warning:" in p.stderr and "line 3: bad_number" in p.stderr
    p = run(["metrics", "summary", "--json"], home)
    (camp,) = json.loads(p.stdout)["campaigns"]
    assert camp["campaign"] == "spring" and camp["conversions"] == 3
    p = run(["metrics", "presets", "--json", "--lang", "en"], home)
    names = [x["name"] for x in json.loads(p.stdout)]
    assert names == ["post-metrics", "facebook-metrics", "conversions"]
    p = run(["metrics", "presets"], home, SOCIALOPS_LANG="ko")
    assert p.returncode == 0 and "facebook-metrics" in p.stdout and "게시물" in p.stdout


def test_bad_input_is_one_line_exit_2(tmp_path: Path) -> None:
    home = tmp_path / "ws"
    f = tmp_path / "posts.csv"
    f.write_text("body,author\nhello,kim\n", encoding="utf-8")
    p = run(["metrics", "import", str(f), "--preset", "post-metrics"], home, SOCIALOPS_LANG="en")
    assert p.returncode == 2
    line = one_line_error(p)
    assert "lacks the columns" in line and "post_id" in line and "conversions" in line
    p = run(["metrics", "import", str(f), "--preset", "tiktok"], home, SOCIALOPS_LANG="ko")
    assert p.returncode == 2 and "프리셋" in one_line_error(p)
    p = run(["metrics", "import", str(tmp_path / "nope.csv"), "--preset", "conversions"], home)
    assert p.returncode == 2 and "nope.csv" in one_line_error(p)
    p = run(["metrics", "summary", "--json"], home)
    summary = json.loads(p.stdout)
    assert summary == {"channels": {}, "campaigns": [], "imports": []}
