"""Post-metrics and conversions imports: real Facebook metrics, CP949 and GA4-style conversions,
bad rows, wrong shapes, re-imports."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from socialops.measure.metrics import (
    PRESETS,
    channel_performance,
    conversion_rows,
    import_metrics,
    metrics_summary,
    post_rows,
)
from socialops.plan.messages import PlanError
from socialops.store.workspace import Workspace

FB = "facebook_metrics/dataset_Facebook.csv"


def _count(ws: Workspace, table: str) -> int:
    """Rows of ``table``; ``metric_imports``: the metric imports in the one imports ledger."""
    where = ""
    if table == "metric_imports":
        table, where = "imports", " WHERE stream IN ('post_metrics', 'conversions')"
    with ws.connect() as conn:
        return int(conn.execute(text(f"SELECT COUNT(*) FROM {table}{where}")).scalar_one())


def test_presets_have_descriptions() -> None:
    assert list(PRESETS) == ["post-metrics", "facebook-metrics", "conversions"]
    for p in PRESETS.values():
        assert p.description_ko and p.description_en and p.kind in ("post_metrics", "conversions")
        assert set(p.required) <= set(p.columns)
    fb = PRESETS["facebook-metrics"]
    assert fb.options["year"] == 2014 and fb.delimiter == ";"
    assert "Lifetime Post Consumptions" in fb.mapping["clicks"]["en"]


def test_facebook_metrics_real_file(
    workspace: Workspace, shared_file: Callable[[str], Path]
) -> None:
    path = shared_file(FB)
    df = pd.read_csv(path, sep=";")
    res = import_metrics(workspace, path, "facebook-metrics")
    assert res.rows_read == 500 == len(df)
    assert (res.imported, res.updated, res.rejected) == (500, 0, 0)
    assert res.rows_read == res.imported + res.updated + res.rejected
    assert res.encoding == "utf-8" and res.delimiter == ";" and res.month_dated == 500
    rows = post_rows(workspace)
    assert len(rows) == 500 and {r["channel"] for r in rows} == {"facebook"}
    stored = pd.DataFrame(rows)
    # totals equal a direct computation on the file (like/share have gaps: NULL, not 0)
    for ours, theirs in (
        ("reach", "T_Reach"),
        ("impressions", "T_Impression"),
        ("engagements", "T_Interactions"),
        ("clicks", "Consumption"),
        ("comments", "comment"),
        ("likes", "like"),
        ("shares", "share"),
        ("followers", "Page_T_Likes"),
    ):
        assert stored[ours].sum() == pytest.approx(df[theirs].sum()), ours
        assert stored[ours].isna().sum() == df[theirs].isna().sum(), ours
    by_month = stored.groupby("local_month").size()
    expected = df.groupby("Month").size()
    assert {m: int(n) for m, n in by_month.items()} == {
        f"2014-{m:02d}": int(n) for m, n in expected.items()
    }
    assert set(stored["date_precision"]) == {"month"} and stored["local_day"].isna().all()
    assert stored["post_id"].str.match(r"^fbm-\d+-[0-9a-f]{8}$").all()
    assert stored["post_id"].is_unique
    assert stored["paid"].isna().sum() == 1 and stored["paid"].sum() == df["Paid"].sum()
    # engagement rate = engagements / reach × 100 (by reach)
    perf = channel_performance(workspace)["facebook"]
    assert perf["posts"] == 500
    assert perf["engagement_rate"] == pytest.approx(
        100 * df["T_Interactions"].sum() / df["T_Reach"].sum(), abs=1e-4
    )
    # a re-import updates instead of duplicating
    again = import_metrics(workspace, path, "facebook-metrics")
    assert (again.imported, again.updated, again.rejected) == (0, 500, 0)
    assert _count(workspace, "post_metrics") == 500
    assert _count(workspace, "metric_imports") == 2
    # the year option (the file has none)
    import_metrics(workspace, path, "facebook-metrics", year=2013, channel="facebook_old")
    months = {r["local_month"][:4] for r in post_rows(workspace, ["facebook_old"])}
    assert months == {"2013"} and _count(workspace, "post_metrics") == 1000


def test_bad_options(workspace: Workspace, shared_file: Callable[[str], Path]) -> None:
    path = shared_file(FB)
    with pytest.raises(PlanError) as info:
        import_metrics(workspace, path, "facebook-metrics", year=14)
    assert info.value.code == "metrics.bad_option" and "1990-2100" in info.value.text("en")
    with pytest.raises(PlanError) as info:
        import_metrics(workspace, path, "conversions", year=2014)
    assert info.value.code == "metrics.bad_option"
    with pytest.raises(PlanError) as info:
        import_metrics(workspace, path, "instagram-insights")
    assert info.value.code == "metrics.unknown_preset"
    assert "facebook-metrics" in info.value.text("ko")
    assert _count(workspace, "metric_imports") == 0


CP949_CSV = """날짜,소스,매체,캠페인,전환수,매출,비용
2024-03-01,Instagram,Social,Spring-Launch,12,"1,200,000",￦300000
2024-03-02,instagram,social,spring-launch,7,700000,
2024.03.03,naver,cpc,spring-launch,3,250000원,90000
어제,naver,cpc,spring-launch,1,10000,0
2024-03-04,naver,cpc,,2,10000,0
2024-03-05,naver,cpc,spring-launch,-2,10000,0
2024-03-06,naver,cpc,spring-launch,many,10000,0
2024-03-01,instagram,social,spring-launch,5,1,1
2024-03-07,kakao,social
"""


def test_conversions_cp949(workspace: Workspace, tmp_path: Path) -> None:
    p = tmp_path / "전환.csv"
    p.write_bytes(CP949_CSV.encode("cp949"))
    res = import_metrics(workspace, p, "conversions")
    assert res.encoding == "cp949"
    assert (res.rows_read, res.imported, res.updated, res.rejected) == (9, 3, 0, 6)
    assert res.reasons == {
        "bad_date": 1,
        "missing_value": 1,
        "negative": 1,
        "bad_number": 1,
        "duplicate": 1,
        "column_count": 1,
    }
    lines = {r["line"]: r["reason"] for r in res.rejects}
    assert lines == {
        5: "bad_date",
        6: "missing_value",
        7: "negative",
        8: "bad_number",
        9: "duplicate",
        10: "column_count",
    }
    assert "line 2" in next(r["detail"] for r in res.rejects if r["reason"] == "duplicate")
    rows = conversion_rows(workspace, "spring-launch")
    assert [(r["date"], r["utm_source"], r["utm_medium"]) for r in rows] == [
        ("2024-03-01", "instagram", "social"),
        ("2024-03-02", "instagram", "social"),
        ("2024-03-03", "naver", "cpc"),
    ]
    assert [r["conversions"] for r in rows] == [12, 7, 3]
    assert [r["revenue_krw"] for r in rows] == [1_200_000, 700_000, 250_000]
    assert [r["cost_krw"] for r in rows] == [300_000, None, 90_000]
    assert conversion_rows(workspace, "SPRING-LAUNCH", ["naver"])[0]["conversions"] == 3
    # a re-import updates the same keys
    again = import_metrics(workspace, p, "conversions")
    assert (again.imported, again.updated, again.rejected) == (0, 3, 6)
    assert _count(workspace, "conversions") == 3
    summary = metrics_summary(workspace)
    (camp,) = summary["campaigns"]
    assert camp["campaign"] == "spring-launch" and camp["conversions"] == 22
    assert camp["sources"] == ["instagram", "naver"]
    assert [i["rejected"] for i in summary["imports"]] == [6, 6]


def test_conversions_ga4_source_medium(workspace: Workspace, tmp_path: Path) -> None:
    p = tmp_path / "ga4.csv"
    text = (
        "Date,Session source / medium,Session campaign,Key events,Total revenue\n"
        "20240301,google / cpc,spring-launch,4,40000\n"
        "20240301,(direct) / (none),(not set),9,90000\n"
        "20240302,instagram / social,spring-launch,2,\n"
    )
    p.write_bytes(text.encode("utf-8-sig"))
    res = import_metrics(workspace, p, "conversions")
    assert res.encoding == "utf-8-sig" and (res.imported, res.rejected) == (3, 0)
    rows = conversion_rows(workspace, "spring-launch")
    assert [(r["date"], r["utm_source"], r["utm_medium"], r["revenue_krw"]) for r in rows] == [
        ("2024-03-01", "google", "cpc", 40000),
        ("2024-03-02", "instagram", "social", None),
    ]
    assert conversion_rows(workspace, "(not set)")[0]["utm_medium"] == "(none)"


POSTS_CSV = """채널,게시물ID,게시일시,도달,노출,댓글,좋아요,공유,클릭,유형
인스타그램,ig-1,2024-03-01 21:30,1000,1500,10,100,5,20,reel
instagram,ig-2,2024-03-02,2000,2600,4,50,1,,photo
facebook,fb-1,2024-03,500,800,1,2,3,4,
facebook,fb-2,2024-03-04T01:00:00Z,abc,1,1,1,1,1,
facebook,,2024-03-05,1,1,1,1,1,1,
facebook,fb-3,next week,1,1,1,1,1,1,
facebook,fb-4,2024-03-05,1,1,1,1,1,1
"""


def test_generic_post_metrics_korean_headers(workspace: Workspace, tmp_path: Path) -> None:
    p = tmp_path / "posts.csv"
    p.write_text(POSTS_CSV, encoding="utf-8")
    res = import_metrics(workspace, p, "post-metrics")
    assert (res.rows_read, res.imported, res.rejected) == (7, 3, 4)
    assert {r["reason"] for r in res.rejects} == {
        "bad_number",
        "missing_value",
        "bad_date",
        "column_count",
    }
    rows = {r["post_id"]: r for r in post_rows(workspace)}
    assert set(rows) == {"ig-1", "ig-2", "fb-1"}
    ig1 = rows["ig-1"]
    assert ig1["channel"] == "instagram" and ig1["date_precision"] == "minute"
    assert ig1["published_at"] == "2024-03-01T12:30:00+00:00"  # 21:30 in Seoul
    assert ig1["local_day"] == "2024-03-01" and ig1["post_type"] == "reel"
    assert ig1["engagements"] == 115  # no engagements column: comments + likes + shares
    assert rows["ig-2"]["date_precision"] == "day" and rows["ig-2"]["clicks"] is None
    assert rows["fb-1"]["date_precision"] == "month" and rows["fb-1"]["local_day"] is None
    assert res.month_dated == 1
    perf = channel_performance(workspace)
    assert perf["instagram"]["reach"] == 3000
    assert perf["instagram"]["engagement_rate"] == pytest.approx(100 * (115 + 55) / 3000, 1e-4)


def test_channel_option_for_files_without_a_channel(workspace: Workspace, tmp_path: Path) -> None:
    p = tmp_path / "ig.csv"
    p.write_text("post_id,published_at,reach,engagements\na,2024-03-01,10,1\n", encoding="utf-8")
    with pytest.raises(PlanError) as info:
        import_metrics(workspace, p, "post-metrics")
    assert "channel" in info.value.text("en")
    res = import_metrics(workspace, p, "post-metrics", channel="Instagram")
    assert res.by_channel == {"instagram": 1}


def test_wrong_shape_fails_cleanly_and_writes_nothing(workspace: Workspace, tmp_path: Path) -> None:
    p = tmp_path / "not-metrics.csv"
    p.write_text("id,text,date\n1,hello,2024-01-01\n", encoding="utf-8")
    with pytest.raises(PlanError) as info:
        import_metrics(workspace, p, "conversions")
    err = info.value
    assert err.code == "metrics.wrong_shape"
    en = err.text("en")
    assert "utm_campaign" in en and "conversions" in en and "post-metrics" in en
    assert "facebook-metrics" in en and "id, text, date" in en
    assert "\n" not in en and "필요한 열" in err.text("ko")
    assert sum(_count(workspace, t) for t in ("metric_imports", "post_metrics", "conversions")) == 0
    # a bad file after a good import leaves the good data as it was
    good = tmp_path / "c.csv"
    good.write_text("date,campaign,conversions\n2024-03-01,a,1\n", encoding="utf-8")
    import_metrics(workspace, good, "conversions")
    with pytest.raises(PlanError):
        import_metrics(workspace, p, "post-metrics")
    assert _count(workspace, "metric_imports") == 1 and _count(workspace, "post_metrics") == 0


def test_unreadable_and_empty_files(workspace: Workspace, tmp_path: Path) -> None:
    with pytest.raises(PlanError) as info:
        import_metrics(workspace, tmp_path / "missing.csv", "conversions")
    assert info.value.code == "metrics.file"
    empty = tmp_path / "empty.csv"
    empty.write_text("\n\n", encoding="utf-8")
    with pytest.raises(PlanError) as info:
        import_metrics(workspace, empty, "conversions")
    assert info.value.code == "metrics.empty"
    binary = tmp_path / "x.csv"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    with pytest.raises(PlanError) as info:
        import_metrics(workspace, binary, "conversions")
    assert info.value.code == "metrics.file"


def test_tables_have_the_agreed_keys(workspace: Workspace, tmp_path: Path) -> None:
    p = tmp_path / "c.csv"
    p.write_text("date,campaign,conversions\n2024-03-01,a,1\n", encoding="utf-8")
    import_metrics(workspace, p, "conversions")
    with workspace.connect() as conn, pytest.raises(IntegrityError):
        conn.execute(
            text(
                "INSERT INTO conversions (date, utm_source, utm_medium, utm_campaign, "
                "conversions, import_id) VALUES ('2024-03-01', '', '', 'a', 1, 'x')"
            )
        )


def test_xlsx_workbook(workspace: Workspace, tmp_path: Path) -> None:
    from datetime import datetime

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["채널", "게시물ID", "게시일시", "도달", "노출", "참여"])
    ws.append(["instagram", "ig-1", datetime(2024, 3, 1, 21, 30), 1000, 1500.0, 120])
    ws.append(["instagram", "ig-2", datetime(2024, 3, 2), 2000, 2500, None])
    ws.append(["instagram", "ig-3", "soon", 1, 1, 1])
    p = tmp_path / "insights.xlsx"
    wb.save(p)
    res = import_metrics(workspace, p, "post-metrics")
    assert res.encoding == "xlsx" and (res.rows_read, res.imported, res.rejected) == (3, 2, 1)
    assert res.rejects == [{"line": 4, "reason": "bad_date", "detail": res.rejects[0]["detail"]}]
    rows = {r["post_id"]: r for r in post_rows(workspace)}
    assert rows["ig-1"]["date_precision"] == "minute" and rows["ig-1"]["impressions"] == 1500
    assert rows["ig-2"]["date_precision"] == "day" and rows["ig-2"]["engagements"] is None
