"""export_plan: dispatch, refusals, JSON and ICS, atomic writes; plan_document's figures."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from export_samples import LINK, NAME, sample_plan
from icalendar import Calendar
from openpyxl import load_workbook

from socialops.domain.channels import load_channels
from socialops.domain.kpis import LIBRARY
from socialops.domain.plan import (
    BudgetLine,
    ChannelChoice,
    KpiTarget,
    Plan,
    UtmScheme,
    validate_plan,
)
from socialops.measure.metrics import import_metrics
from socialops.plan.calendar import occurrences
from socialops.plan.document import plan_document
from socialops.plan.export import FORMATS, export_plan, write_atomic
from socialops.plan.messages import PlanError
from socialops.store.workspace import Workspace

TODAY = date(2026, 3, 15)


def test_sample_plan_is_valid() -> None:
    plan = sample_plan(hostile=True)
    validate_plan(plan, known_channels=set(load_channels(None)), known_kpis=set(LIBRARY))


def test_document_budget_adds_up_by_channel_and_kind(workspace: Workspace) -> None:
    plan = sample_plan()
    doc = plan_document(workspace, plan, "ko", TODAY)
    b = doc["budget"]
    assert b["total"] == plan.budget_total_krw == 30_000_000
    assert b["paid_total"] == 22_000_000 and b["organic_total"] == 8_000_000
    assert sum(r["total"] for r in b["by_channel"]) == b["total"]
    insta = next(r for r in b["by_channel"] if r["channel"] == "instagram")
    assert (insta["paid"], insta["organic"], insta["total"]) == (12_000_000, 3_000_000, 15_000_000)
    assert insta["share"] == pytest.approx(0.5)
    assert sum(r["share"] for r in b["rows"]) == pytest.approx(1.0)
    assert b["matches"] is True
    assert b["total_text"] == "30,000,000원"
    assert plan_document(workspace, plan, "en", TODAY)["budget"]["total_text"] == "KRW 30,000,000"


def test_document_calendar_has_every_occurrence_in_date_order(workspace: Workspace) -> None:
    plan = sample_plan()
    doc = plan_document(workspace, plan, "ko", TODAY)
    rows = doc["calendar"]["rows"]
    expected = occurrences(plan)
    assert len(rows) == len(expected) > len(plan.calendar)  # the weekly item is expanded
    assert [(r["date"], r["time_text"]) for r in rows] == sorted(
        (r["date"], r["time_text"]) for r in rows
    )
    assert sum(len(d["items"]) for d in doc["calendar"]["days"]) == len(rows)
    first = rows[0]
    assert first["date"] == date(2026, 3, 1) and first["weekday"] == "일"
    assert "삼일절" in first["special"]  # 3월 1일, a public holiday
    assert any("삼일절" in w for w in first["warnings"])  # posting on a holiday is flagged
    linked = [r for r in rows if r["link"]]
    assert linked and all(r["tracked_link"].startswith(r["link"]) for r in linked)
    assert all("utm_campaign=spring-launch-2026" in r["tracked_link"] for r in linked)
    assert all(r["tracked_link"] == "" for r in rows if not r["link"])


def test_document_kpis_carry_formulas_and_plan_vs_actual(workspace: Workspace) -> None:
    plan = sample_plan()
    ko = plan_document(workspace, plan, "ko", TODAY)["kpis"]
    en = plan_document(workspace, plan, "en", TODAY)["kpis"]
    assert [r["kpi"] for r in ko["rows"]] == [k.kpi for k in plan.kpis]
    reach = ko["rows"][0]
    assert reach["formula"] == LIBRARY["reach"].formula_ko
    assert en["rows"][0]["formula"] == LIBRARY["reach"].formula_en
    assert reach["target_text"] == "500,000" and reach["baseline_text"] == "210,000"
    assert ko["rows"][1]["target_text"] == "3.5%"
    assert ko["rows"][5]["target_text"] == "15,000원"
    # an empty workspace: measured, but nothing to measure yet
    assert ko["measured"] and 0 < ko["elapsed"] < 1
    assert {r["status"] for r in ko["rows"]} == {"no_data"}
    assert reach["status_label"] == "데이터 없음" and en["rows"][0]["status_label"] == "No data"


def test_document_utm_examples_use_the_plans_own_links(workspace: Workspace) -> None:
    plan = sample_plan()
    rows = plan_document(workspace, plan, "ko", TODAY)["utm"]["rows"]
    assert [r["channel"] for r in rows] == plan.channel_keys()
    assert all(r["example"].startswith(LINK) for r in rows)
    yt = next(r for r in rows if r["channel"] == "youtube")
    assert (yt["source"], yt["medium"]) == ("youtube", "social")  # the builder's default medium
    for r in rows:
        assert f"utm_source={r['source']}" in r["example"]
    # no link in the plan: the query string alone, no made-up address
    plan.calendar = [i for i in plan.calendar if not i.link]
    alone = plan_document(workspace, plan, "ko", TODAY)["utm"]["rows"]
    assert all(r["example"].startswith("?utm_source=") and r["href"] is None for r in alone)


def test_unknown_format_and_language_are_refused_in_both_languages(workspace: Workspace) -> None:
    plan = sample_plan()
    with pytest.raises(PlanError) as err:
        export_plan(workspace, plan, "docx", "ko")
    assert err.value.code == "plan.export_format"
    assert "docx" in err.value.text("ko") and "지원하지 않습니다" in err.value.text("ko")
    assert "Cannot export as 'docx'" in err.value.text("en")
    with pytest.raises(PlanError) as err:
        export_plan(workspace, plan, "html", "ja")
    assert err.value.code == "plan.export_lang"
    assert "ko 또는 en" in err.value.text("ko") and "use ko or en" in err.value.text("en")


def test_json_export_is_the_plan_with_actuals_and_warnings(workspace: Workspace) -> None:
    plan = sample_plan()
    body = json.loads(export_plan(workspace, plan, "json", "ko", today=TODAY))
    assert body["name"] == NAME and body["plan_id"] == plan.plan_id
    assert len(body["calendar"]) == len(plan.calendar)
    assert body["actuals"]["as_of"] == TODAY.isoformat()
    assert [r["kpi"] for r in body["actuals"]["rows"]] == [k.kpi for k in plan.kpis]
    assert any(w["kind"] == "holiday" for w in body["warnings"])


def test_ics_export_parses_with_one_event_per_item(workspace: Workspace) -> None:
    plan = sample_plan()
    cal = Calendar.from_ical(export_plan(workspace, plan, "ics", "ko"))
    events = cal.walk("VEVENT")
    assert len(events) == len(plan.calendar)
    summaries = [str(e["SUMMARY"]) for e in events]
    assert all(any(i.title in s for s in summaries) for i in plan.calendar)


def test_out_is_written_and_equals_the_bytes(workspace: Workspace, tmp_path: Path) -> None:
    plan = sample_plan()
    for fmt in FORMATS:
        out = tmp_path / "sub" / f"plan.{fmt}"
        data = export_plan(workspace, plan, fmt, "ko", out=out, today=TODAY)
        assert out.read_bytes() == data and len(data) > 100
    assert sorted(p.name for p in (tmp_path / "sub").iterdir()) == sorted(
        f"plan.{f}" for f in FORMATS
    )  # no temporary files left behind


def test_failed_export_leaves_no_partial_file_and_the_old_file_untouched(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    out = folder / "plan.pdf"
    out.write_bytes(b"old version")
    monkeypatch.setenv("SOCIALOPS_PDF_FONT", str(tmp_path / "missing.ttf"))
    with pytest.raises(PlanError) as err:
        export_plan(workspace, sample_plan(), "pdf", "ko", out=out, today=TODAY)
    assert err.value.code == "plan.pdf_font"
    assert out.read_bytes() == b"old version"
    assert [p.name for p in folder.iterdir()] == ["plan.pdf"]
    fresh = folder / "new.pdf"
    with pytest.raises(PlanError):
        export_plan(workspace, sample_plan(), "pdf", "ko", out=fresh, today=TODAY)
    assert not fresh.exists()


def test_write_atomic_cleans_up_when_the_rename_fails(tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.mkdir()
    (target / "inside").write_text("x")  # a non-empty folder cannot be replaced by a file
    with pytest.raises(OSError):
        write_atomic(target, b"data")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]
    assert (target / "inside").read_text() == "x"


def test_export_without_a_workspace_has_no_actuals(tmp_path: Path) -> None:
    plan = sample_plan()
    doc = plan_document(None, plan, "en", TODAY)
    assert doc["kpis"]["measured"] is False
    assert {r["status"] for r in doc["kpis"]["rows"]} == {"no_data"}
    body = json.loads(export_plan(None, plan, "json", "en"))
    assert body["actuals"] is None and body["name"] == NAME


def test_document_channel_mix_with_the_recommendations_scores(workspace: Workspace) -> None:
    from socialops.plan.recommend import recommend

    plan = sample_plan()
    channels = load_channels(workspace)
    scores = {r.channel: r for r in recommend(plan, channels)}
    mix = plan_document(workspace, plan, "ko", TODAY)["channels"]
    assert [r["channel"] for r in mix["rows"]] == plan.channel_keys()
    for row in mix["rows"]:
        rec = scores[row["channel"]]
        assert row["name"] == channels[row["channel"]].name_ko
        assert row["score"] == rec.score
        assert sum(row["breakdown"].values()) == pytest.approx(rec.score, abs=0.05)
    x = next(r for r in mix["rows"] if r["channel"] == "x")
    assert x["override_reason"] == "실시간 이벤트 안내" and x["role"] == "보조"
    assert x["reasons"]  # none recorded in the plan: the recommendation's own reasons
    insta = mix["rows"][0]
    assert insta["reasons"] == ["20~30대 여성 이용률이 높음"] and insta["role"] == "주력"
    assert "목표 적합" in insta["breakdown_text"]
    best_other = max(
        (r for r in scores.values() if r.channel not in plan.channel_keys()), key=lambda r: r.score
    )
    assert mix["not_chosen"][0]["channel"] == best_other.channel


def test_exports_show_plan_vs_actual_on_real_post_metrics(
    workspace: Workspace, shared_file: Callable[[str], Path]
) -> None:
    """The UCI Facebook metrics file (2014): actuals, pacing and badges in HTML, XLSX and PDF."""
    fb_file = shared_file("facebook_metrics/dataset_Facebook.csv")
    import_metrics(workspace, fb_file, "facebook-metrics")
    fb = pd.read_csv(fb_file, sep=";")
    part = fb[(fb["Month"] >= 3) & (fb["Month"] <= 8)]
    reach = int(part["T_Reach"].sum())
    engagements = int(part["T_Interactions"].sum())
    plan = Plan(
        plan_id="p-fb",
        name="2014 페이스북 캠페인",
        start=date(2014, 3, 1),
        end=date(2014, 8, 31),
        objectives=["sales_promotion"],
        channels=[ChannelChoice("facebook")],
        budget_total_krw=6_000_000,
        budget=[BudgetLine("facebook", "paid", 6_000_000)],
        utm=UtmScheme("spring14", sources={"facebook": "fb"}),
        kpis=[
            KpiTarget("reach", reach * 2, channel="facebook"),  # half way: off track
            KpiTarget("engagements", engagements),  # exactly: on track
        ],
    )
    today = date(2014, 9, 15)
    html = export_plan(workspace, plan, "html", "ko", today=today).decode()
    assert html.count('class="badge off_track"') == 1 and html.count('class="badge on_track"') == 1
    assert f"{reach:,}" in html and f"{reach * 2:,}" in html and "50.0%" in html
    book = load_workbook(io.BytesIO(export_plan(workspace, plan, "xlsx", "en", today=today)))
    rows = list(book["KPI"].iter_rows(min_row=2, max_row=3, values_only=True))
    assert [r[6] for r in rows] == [reach, engagements]  # actuals, as numbers
    assert rows[0][8] == pytest.approx(0.5) and rows[0][9] == "Off track"
    assert rows[1][9] == "On track"
    from pypdf import PdfReader

    pdf = PdfReader(io.BytesIO(export_plan(workspace, plan, "pdf", "ko", today=today)))
    text = "\n".join(p.extract_text() for p in pdf.pages)
    assert "미달 경고" in text and "순항" in text and f"{reach:,}" in text


def test_every_template_plan_exports_in_every_format(workspace: Workspace) -> None:
    from socialops.plan.templates import TEMPLATES, plan_from_template

    for name in TEMPLATES:
        plan = plan_from_template(
            name, plan_name=f"{name} 계획", start=date(2026, 4, 1), end=date(2026, 5, 31)
        )
        doc = plan_document(workspace, plan, "ko", date(2026, 4, 20))
        assert len(doc["calendar"]["rows"]) == len(occurrences(plan)) > 0
        assert [r["kpi"] for r in doc["kpis"]["rows"]] == [k.kpi for k in plan.kpis]
        for fmt in FORMATS:
            data = export_plan(workspace, plan, fmt, "ko", today=date(2026, 4, 20))
            assert len(data) > 500, (name, fmt)
        html = export_plan(workspace, plan, "html", "en").decode()
        assert f"<h1>{name} 계획</h1>" in html
