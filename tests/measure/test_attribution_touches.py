"""Touch-level attribution: last touch and position-based (40/20/40) credit from a touches
file (CSV, CP949 Korean headers), windows, unattributed conversions, bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from socialops.errors import DataError, InputFileError, SettingsError
from socialops.measure.attribution import attribution
from socialops.measure.attribution_touches import credit, read_touches, touch_attribution
from socialops.store.workspace import Workspace

TOUCHES = """고객ID,일시,채널,캠페인,이벤트,매출
u1,2026-11-01 09:00,instagram,winter,노출,
u1,2026-11-02 10:00,naver,winter,클릭,
u1,2026-11-02 12:00,kakao,winter,클릭,
u1,2026-11-03 08:00,instagram,winter,클릭,
u1,2026-11-03 09:00,,winter,구매,100000
u2,2026-11-05 09:00,naver,winter,클릭,
u2,2026-11-05 10:00,,winter,구매,50000
u3,2026-11-05 10:00,,winter,구매,30000
u4,2026-09-01 10:00,instagram,winter,클릭,
u4,2026-11-06 10:00,,winter,구매,20000
u1,2026-11-10 10:00,kakao,winter,클릭,
u1,2026-11-10 11:00,naver,winter,클릭,
u1,2026-11-11 11:00,,winter,구매,10000
"""


@pytest.fixture
def touches(tmp_path: Path) -> Path:
    p = tmp_path / "touches.csv"
    p.write_bytes(TOUCHES.encode("cp949"))
    return p


def test_credit_shares() -> None:
    assert credit(1, "position") == [1.0]
    assert credit(2, "position") == [0.5, 0.5]
    assert credit(4, "position") == pytest.approx([0.4, 0.1, 0.1, 0.4])
    assert credit(3, "last") == [0.0, 0.0, 1.0]
    assert sum(credit(7, "position")) == pytest.approx(1.0)
    with pytest.raises(SettingsError):
        credit(2, "linear")


def test_last_touch(touches: Path) -> None:
    frame = read_touches(touches)
    assert frame["is_conversion"].sum() == 5
    res = touch_attribution(frame, model="last")
    assert res["conversions"] == 5 and res["value"] == 210000
    ch = {r["channel"]: r for r in res["by_channel"]}
    # u1's first purchase: instagram (last touch); u2: naver; u1's second: naver (after the
    # first purchase only); u3 no touch; u4's touch is 66 days old (outside 30 days)
    assert ch["instagram"]["conversions"] == 1 and ch["instagram"]["revenue"] == 100000
    assert ch["naver"]["conversions"] == 2 and ch["naver"]["revenue"] == 60000
    assert "kakao" not in ch
    assert res["unattributed"] == 2 and ch["(none)"]["revenue"] == 50000


def test_position_based(touches: Path) -> None:
    res = touch_attribution(read_touches(touches), model="position")
    ch = {r["channel"]: r for r in res["by_channel"]}
    # u1 purchase 1: instagram 0.4 + 0.4 (first and last), naver 0.1, kakao 0.1
    # u2: naver 1; u1 purchase 2: kakao 0.5, naver 0.5
    assert ch["instagram"]["conversions"] == pytest.approx(0.8)
    assert ch["naver"]["conversions"] == pytest.approx(1.6)
    assert ch["kakao"]["conversions"] == pytest.approx(0.6)
    assert ch["instagram"]["revenue"] == pytest.approx(80000)
    assert ch["kakao"]["revenue"] == pytest.approx(10000 + 5000)
    total = sum(r["conversions"] for r in res["by_channel"])
    assert total == pytest.approx(res["conversions"])  # credit adds up to the conversions


def test_date_range_and_via_workspace(touches: Path, workspace: Workspace) -> None:
    res = touch_attribution(read_touches(touches), date_from="2026-11-04", date_to="2026-11-06")
    assert res["conversions"] == 3
    out = attribution(workspace, model="position", touches_path=touches)
    assert out["touches"]["model"] == "position" and out["touches"]["conversions"] == 5
    assert out["utm"]["conversions"] == 0  # no conversions imported in this workspace


def test_value_column_marks_conversions(tmp_path: Path) -> None:
    p = tmp_path / "t.csv"
    p.write_text(
        "user_id,timestamp,utm_source,value\n"
        "a,2026-11-01T10:00:00,google,\na,2026-11-01T11:00:00,meta,\n"
        "a,2026-11-01T12:00:00,,5000\n",
        encoding="utf-8",
    )
    res = touch_attribution(read_touches(p), model="position")
    assert {r["channel"]: r["conversions"] for r in res["by_channel"]} == {
        "google": 0.5,
        "meta": 0.5,
    }


def test_bad_touch_files(tmp_path: Path) -> None:
    p = tmp_path / "t.csv"
    p.write_text("who,when,channel\na,2026-11-01,x\n", encoding="utf-8")
    with pytest.raises(InputFileError) as e:
        read_touches(p)
    assert e.value.code == "attribution.touch_column" and "customer" in e.value.text("en")
    q = tmp_path / "q.csv"
    q.write_text("customer_id,time,channel,value\na,soon,x,1\nb,later,y,\n", encoding="utf-8")
    with pytest.raises(DataError) as d:
        read_touches(q)
    assert d.value.code == "attribution.no_times"
