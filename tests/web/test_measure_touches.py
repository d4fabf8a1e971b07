"""Attribution from an uploaded touches file on the web and the API (issue 17 item 4): a small
touches file whose position-based credit is worked out by hand below, in Korean and English
headers; last touch beside it; CSV/XLSX downloads; a viewer refused as for the other analyses
of a file; and hostile files (junk bytes, a missing column, no conversions, a formula in a
channel name) answered in the one error shape or neutralised.

The file, four customers (value in 원):

- c1: instagram/spring (11-01), naver/spring (11-02), kakao/fall (11-03), purchase 100 (11-04).
  Position: instagram 0.4 (40), naver 0.2 (20), kakao 0.4 (40). Last: kakao 1 (100).
- c2: instagram/spring (11-01), naver/spring (11-05), purchase 50 (11-06).
  Position: instagram 0.5 (25), naver 0.5 (25). Last: naver 1 (50).
- c3: purchase 30 (11-05), no touch: (none) 1 (30).
- c4: instagram (09-01, outside the 30-day window), purchase 20 (11-10): (none) 1 (20).

Position totals: instagram 0.9 / 65, naver 0.7 / 45, kakao 0.4 / 40, (none) 2 / 50.
Last-touch totals: kakao 1 / 100, naver 1 / 50, instagram 0 / 0, (none) 2 / 50."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

import pytest
from measure_web_home import API, Home, error_of, make_home
from openpyxl import load_workbook

ROWS = [
    ("c1", "2026-11-01 10:00", "instagram", "spring", "click", ""),
    ("c1", "2026-11-02 10:00", "naver", "spring", "click", ""),
    ("c1", "2026-11-03 10:00", "kakao", "fall", "click", ""),
    ("c1", "2026-11-04 10:00", "instagram", "", "purchase", "100"),
    ("c2", "2026-11-01 09:00", "instagram", "spring", "click", ""),
    ("c2", "2026-11-05 09:00", "naver", "spring", "click", ""),
    ("c2", "2026-11-06 09:00", "", "", "purchase", "50"),
    ("c3", "2026-11-05 12:00", "", "", "purchase", "30"),
    ("c4", "2026-09-01 12:00", "instagram", "spring", "click", ""),
    ("c4", "2026-11-10 12:00", "", "", "purchase", "20"),
]
POSITION = {"instagram": (0.9, 65.0), "naver": (0.7, 45.0), "kakao": (0.4, 40.0),
            "(none)": (2.0, 50.0)}  # fmt: skip
LAST = {"kakao": (1.0, 100.0), "naver": (1.0, 50.0), "(none)": (2.0, 50.0)}


def touches_csv(korean: bool = False) -> bytes:
    head = ("고객ID,일시,채널,캠페인,이벤트,금액" if korean
            else "customer_id,timestamp,channel,utm_campaign,event,value")  # fmt: skip
    ko = {"click": "클릭", "purchase": "구매"}
    lines = [head] + [
        ",".join([c, t, ch, camp, ko[ev] if korean else ev, v]) for c, t, ch, camp, ev, v in ROWS
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Home]:
    found = make_home(tmp_path_factory.mktemp("measure-touches") / "home")
    home = next(found)
    yield home
    next(found, None)


URL = f"{API}/measure/attribution/touches"


def post(home: Home, who: str, data: bytes, name: str = "touches.csv", **kw: object):  # type: ignore[no-untyped-def]
    params = kw.pop("params", None)
    return home.call(
        who,
        "POST",
        URL,
        files={"file": (name, data, "text/csv")},
        data={"model": kw.pop("model", "position")},
        params=params,
    )


def by(rows: list[dict[str, object]], key: str = "channel") -> dict[str, tuple[float, float]]:
    return {str(r[key]): (float(r["conversions"]), float(r["revenue"])) for r in rows}  # type: ignore[arg-type]


def close(got: dict[str, tuple[float, float]], want: dict[str, tuple[float, float]]) -> None:
    nonzero = {k: v for k, v in got.items() if v != (0.0, 0.0)}
    assert set(nonzero) == set(want), got
    for k, (c, v) in want.items():
        assert got[k][0] == pytest.approx(c) and got[k][1] == pytest.approx(v), (k, got[k])


@pytest.mark.parametrize("korean", [False, True])
def test_position_credit_by_hand_beside_last_touch(home: Home, korean: bool) -> None:
    r = post(home, "analyst", touches_csv(korean), name="접점.csv" if korean else "touches.csv")
    assert r.status_code == 200, r.text[:500]
    body = r.json()
    assert body["model"] == "position" and body["conversions"] == 4
    assert body["value"] == pytest.approx(200.0) and body["unattributed"] == 2
    close(by(body["by_channel"]), POSITION)
    close(by(body["last_touch"]["by_channel"]), LAST)
    camp = {(r["channel"], r["campaign"]): r["conversions"] for r in body["by_campaign"]}
    assert camp[("instagram", "spring")] == pytest.approx(0.9)
    assert camp[("kakao", "fall")] == pytest.approx(0.4)
    # the analyst reads English
    assert "Position-based" in body["text"]["verdict"]
    assert any("2 of 4" in c for c in body["text"]["caveats"])


def test_last_touch_model_and_korean_words(home: Home) -> None:
    r = post(home, "owner", touches_csv(True), model="last")
    assert r.status_code == 200, r.text[:500]
    body = r.json()
    close(by(body["by_channel"]), LAST)
    assert "last_touch" not in body
    assert "마지막 접점" in body["text"]["verdict"]
    assert any("4건 중 2건" in c for c in body["text"]["caveats"])


def test_csv_and_xlsx_downloads(home: Home) -> None:
    r = post(home, "owner", touches_csv(), params={"format": "csv"})
    assert r.status_code == 200 and r.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0] == ["채널", "전환", "매출", "전환 (마지막 접점)", "매출 (마지막 접점)"]
    got = {row[0]: row[1:] for row in rows[1:]}
    assert float(got["instagram"][0]) == pytest.approx(0.9)
    assert float(got["instagram"][2]) == 0.0  # last touch gives instagram nothing
    assert float(got["kakao"][3]) == pytest.approx(100.0)
    r = post(home, "analyst", touches_csv(), params={"format": "xlsx"})
    assert r.status_code == 200
    book = load_workbook(io.BytesIO(r.content))
    assert book.sheetnames == ["touch_channel", "touch_campaign"]
    sheet = book["touch_campaign"]
    assert [c.value for c in sheet[1]][:3] == ["Channel", "Campaign", "Conversions"]


def test_a_viewer_may_not_run_it(home: Home) -> None:
    r = post(home, "viewer", touches_csv())
    assert r.status_code == 403 and error_of(r)["code"] == "forbidden"
    viewer = home.signed_in("viewer")
    page = viewer.get("/w/main/measure/attribution")
    assert page.status_code == 200 and 'id="touches-form"' not in page.text
    form = {"csrf": viewer.csrf, "model": "position"}  # type: ignore[attr-defined]
    files = {"file": ("t.csv", touches_csv(), "text/csv")}
    assert (
        viewer.post("/w/main/measure/attribution/touches", data=form, files=files).status_code
        == 403
    )
    assert post(home, "outsider", touches_csv()).status_code == 404


def test_hostile_files(home: Home) -> None:
    r = post(home, "analyst", b"\x00\xff\xfe" * 400, name="junk.csv")
    assert r.status_code == 400, r.text[:300]
    assert error_of(r)["message"].isascii()
    r = post(home, "owner", b"who,when\nc1,2026-11-01\n")
    err = error_of(r)
    assert r.status_code == 400 and err["code"] == "attribution.touch_column"
    assert "고객" in err["message"] or "열" in err["message"]
    r = post(home, "analyst", b"customer_id,timestamp,channel,event\nc1,2026-11-01,naver,click\n")
    assert r.status_code == 422 and error_of(r)["code"] == "mwtouch.no_conversions"
    r = post(home, "analyst", touches_csv(), model="first")
    assert r.status_code == 422 and "error" in r.json()
    r = home.call("analyst", "POST", URL, data={"model": "last"})
    assert 400 <= r.status_code < 500 and "error" in r.json()
    # a formula in a channel name comes back as text in the CSV, never a formula
    evil = (b"customer_id,timestamp,channel,event,value\n"
            b"c1,2026-11-01,\"=HYPERLINK(\"\"http://x\"\")\",click,\n"
            b"c1,2026-11-02,,purchase,10\n")  # fmt: skip
    r = post(home, "owner", evil, params={"format": "csv"})
    assert r.status_code == 200, r.text[:300]
    cells = [row[0] for row in csv.reader(io.StringIO(r.content.decode("utf-8-sig")))]
    assert any("hyperlink" in c.lower() for c in cells)
    assert not any(c.startswith("=") for c in cells)


def test_on_the_attribution_page_with_downloads(home: Home) -> None:
    analyst = home.signed_in("analyst")
    page = analyst.get("/w/main/measure/attribution")
    assert 'id="touches-form"' in page.text and "Position-based (40/20/40)" in page.text
    form = {"csrf": analyst.csrf, "model": "position"}  # type: ignore[attr-defined]
    files = {"file": ("touches.csv", touches_csv(), "text/csv")}
    r = analyst.post("/w/main/measure/attribution/touches", data=form, files=files)
    assert r.status_code == 200, r.text[:500]
    assert 'id="table-touch_channel"' in r.text and "Conversions (last touch)" in r.text
    assert 'id="verdict"' in r.text and 'id="caveats"' in r.text
    href = re.search(r'id="download-csv-0" href="([^"]+)"', r.text)
    assert href, r.text[:1000]
    got = analyst.get(href.group(1).replace("&amp;", "&"))
    assert got.status_code == 200 and got.content.startswith(b"\xef\xbb\xbf")
    assert "Conversions (last touch)" in got.content.decode("utf-8-sig")
    xlsx = re.search(r'id="download-xlsx" href="([^"]+)"', r.text)
    assert xlsx and analyst.get(xlsx.group(1).replace("&amp;", "&")).status_code == 200
    # another member cannot fetch the analyst's result
    assert home.signed_in("owner").get(href.group(1).replace("&amp;", "&")).status_code == 404
    # a bad file: the form again with the reason in the reader's language
    owner = home.signed_in("owner")
    form = {"csrf": owner.csrf, "model": "last"}  # type: ignore[attr-defined]
    files = {"file": ("x.csv", b"a,b\n1,2\n", "text/csv")}
    r = owner.post("/w/main/measure/attribution/touches", data=form, files=files)
    assert r.status_code == 400 and 'id="measure-error"' in r.text and "접점 파일" in r.text
    assert 'id="touches-form"' in r.text
