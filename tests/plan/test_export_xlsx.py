"""The XLSX workbook, read back with openpyxl: sheets, typed cells, budget total, no formulas
from untrusted text."""

from __future__ import annotations

import io
from datetime import date, datetime, time

from export_samples import FORMULA, NAME, sample_plan
from openpyxl import Workbook, load_workbook

from socialops.plan.calendar import occurrences
from socialops.plan.export import export_plan
from socialops.plan.export_xlsx import set_text
from socialops.store.workspace import Workspace

TODAY = date(2026, 3, 15)


def _book(ws: Workspace, lang: str = "ko", hostile: bool = True) -> Workbook:
    data = export_plan(ws, sample_plan(hostile=hostile), "xlsx", lang, today=TODAY)
    return load_workbook(io.BytesIO(data))


def test_sheet_names_follow_the_language(workspace: Workspace) -> None:
    assert _book(workspace, "ko").sheetnames == ["계획", "캘린더", "KPI", "예산", "정책"]
    en = _book(workspace, "en")
    assert en.sheetnames == ["Plan", "Calendar", "KPI", "Budget", "Policy"]
    assert en["Calendar"]["A1"].value == "Date" and en["Budget"]["C1"].value == "Amount (KRW)"


def test_calendar_has_one_row_per_occurrence_with_real_dates(workspace: Workspace) -> None:
    plan = sample_plan(hostile=True)
    sheet = _book(workspace)["캘린더"]
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["날짜", "시간", "시간대", "채널"] and "추적 링크" in header
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(occurrences(plan)) > len(plan.calendar)
    assert sheet.freeze_panes == "A2"
    first = rows[0]
    assert isinstance(first[0], datetime) and first[0].date() == date(2026, 3, 1)
    assert first[1] == time(9, 0) and first[2] == "Asia/Seoul" and first[3] == "인스타그램"
    assert sheet["A2"].number_format == "yyyy-mm-dd"
    dates = [r[0] for r in rows]
    assert dates == sorted(dates)
    assert "삼일절" in first[13] and "삼일절" in first[12]  # special day and its warning
    link = header.index("추적 링크")
    assert "utm_campaign=spring-launch-2026" in rows[0][link]


def test_formula_like_text_stays_text(workspace: Workspace) -> None:
    sheet = _book(workspace)["캘린더"]
    copy_col = [c.value for c in sheet[1]].index("카피") + 1
    owner_col = [c.value for c in sheet[1]].index("담당자") + 1
    cells = [sheet.cell(row=r, column=copy_col) for r in range(2, sheet.max_row + 1)]
    hostile = [c for c in cells if c.value == FORMULA]
    assert len(hostile) == 1
    assert hostile[0].data_type == "s" and hostile[0].quotePrefix
    owner = sheet.cell(row=hostile[0].row, column=owner_col)
    assert owner.value == "+82 10" and owner.data_type == "s" and owner.quotePrefix
    plain = [c for c in cells if c.value and not c.value.startswith("=")]
    assert plain and not any(c.quotePrefix for c in plain)
    # no formula anywhere in the calendar sheet
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_set_text_never_stores_a_formula() -> None:
    wb = Workbook()
    sheet = wb.active
    assert sheet is not None
    for i, value in enumerate(["=1+1", "@SUM(A1)", "-2+3", "+1", "\t=x", "정상 텍스트"], 1):
        set_text(sheet.cell(row=i, column=1), value)
    buf = io.BytesIO()
    wb.save(buf)
    back = load_workbook(io.BytesIO(buf.getvalue())).active
    assert back is not None
    values = [back.cell(row=i, column=1) for i in range(1, 7)]
    assert [c.value for c in values] == ["=1+1", "@SUM(A1)", "-2+3", "+1", "\t=x", "정상 텍스트"]
    assert all(c.data_type == "s" for c in values)
    assert [bool(c.quotePrefix) for c in values] == [True] * 5 + [False]


def test_budget_total_is_a_sum_formula_that_adds_up(workspace: Workspace) -> None:
    plan = sample_plan()
    sheet = _book(workspace, hostile=False)["예산"]
    lines = list(sheet.iter_rows(min_row=2, max_row=1 + len(plan.budget), values_only=True))
    assert [(r[1], r[2]) for r in lines] == [
        ("유료" if b.kind == "paid" else "오가닉", b.amount_krw) for b in plan.budget
    ]
    assert all(isinstance(r[2], int) for r in lines)
    total_row = 2 + len(plan.budget)
    assert sheet.cell(row=total_row, column=1).value == "합계"
    assert sheet.cell(row=total_row, column=3).value == f"=SUM(C2:C{total_row - 1})"
    assert sheet.cell(row=total_row, column=5).value == sum(r[2] for r in lines)
    assert sheet.cell(row=total_row + 1, column=3).value == plan.budget_total_krw
    assert sum(r[2] for r in lines) == plan.budget_total_krw
    assert sheet.cell(row=total_row + 2, column=5).value == "OK"
    assert sheet.cell(row=2, column=3).number_format == "#,##0"
    # paid / organic by channel beside the lines
    by = {r[6]: r[7:10] for r in sheet.iter_rows(min_row=2, values_only=True) if r[6]}
    assert by["인스타그램"] == (12_000_000, 3_000_000, 15_000_000)


def test_kpi_and_plan_sheets(workspace: Workspace) -> None:
    plan = sample_plan()
    book = _book(workspace, hostile=False)
    kpi = book["KPI"]
    assert [c.value for c in kpi[1]][:6] == ["KPI", "산식", "채널", "토픽", "기준값", "목표"]
    rows = list(kpi.iter_rows(min_row=2, max_row=1 + len(plan.kpis), values_only=True))
    assert [r[5] for r in rows] == [k.target for k in plan.kpis]
    assert rows[0][0] == "도달" and rows[0][4] == 210_000 and rows[0][9] == "데이터 없음"
    assert rows[2][3] == "our-brand"
    fields = {r[0]: r[1] for r in book["계획"].iter_rows(min_row=2, values_only=True)}
    assert fields["계획 이름"] == NAME
    assert fields["시작일"] == datetime(2026, 3, 1) and fields["총예산"] == 30_000_000
    policy = [r[0] for r in book["정책"].iter_rows(min_row=2, values_only=True)]
    assert "톤앤매너" in policy and any(str(p).startswith("단계 2") for p in policy)
