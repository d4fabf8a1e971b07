"""Bulk scheduling from real files: a UTF-8 CSV with BOM and Korean headers, a CP949 CSV as Excel
saves it, an XLSX made with openpyxl. Every bad row is quarantined with its reason, the counts
add up, the ledger records the import, posts needing approval go to review, and importing the
same file again schedules nothing twice."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from helpers import manual_profiles, policy_plan
from PIL import Image

from socialops.errors import PublishError
from socialops.publish import approvals, queue
from socialops.publish.bulk import bulk_schedule
from socialops.sources.ledger import list_imports, list_quarantine
from socialops.store.workspace import Workspace


@pytest.fixture()
def ws(database: str, tmp_path: Path) -> Workspace:
    w = Workspace.open(tmp_path / "ws")
    return manual_profiles(
        w, ("블로그", "naver-blog"), ("카톡", "kakaotalk"), ("인스타", "instagram")
    )


def _image(folder: Path, name: str, color: tuple[int, int, int] = (200, 30, 30)) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (64, 48), color).save(folder / name)


def _csv(path: Path, rows: list[list[str]], encoding: str) -> Path:
    def cell(v: str) -> str:
        return '"' + v.replace('"', '""') + '"' if ("," in v or "\n" in v or '"' in v) else v

    path.write_bytes("\r\n".join(",".join(cell(v) for v in r) for r in rows).encode(encoding))
    return path


def test_a_utf8_bom_csv_schedules_good_rows_and_quarantines_each_bad_one(
    ws: Workspace, tmp_path: Path
) -> None:
    folder = tmp_path / "upload"
    _image(folder, "snow.png")
    _image(folder, "dark.png", (10, 10, 10))
    strict = policy_plan(ws, banned_words=["최고"])
    rows = [
        ["프로필", "시간", "내용", "이미지", "대체텍스트", "링크", "계획"],
        ["블로그", "2099-01-05 10:00", "겨울 신메뉴 출시", "", "", "", ""],
        ["없는프로필", "2099-01-05 10:00", "글", "", "", "", ""],
        ["카톡", "내일 아침", "글", "", "", "", ""],
        ["카톡", "2099-01-05 11:00", "가" * 1001, "", "", "", ""],
        ["인스타", "2099-01-05 12:00", "사진 글", "dark.png", "", "", ""],
        ["인스타", "2099-01-05 12:00", "눈 오는 날", "snow.png", "눈 덮인 매장 앞", "", ""],
        ["블로그", "2099-01-06 10:00", "업계 최고의 맛", "", "", "", strict],
        ["블로그", "2099-01-06T09:00+09:00", "메뉴 보기", "", "", "https://example.com/m", ""],
        ["인스타", "2099-01-05 12:00", "없는 사진", "gone.png", "대체", "", ""],
        ["블로그", "2020-01-01 10:00", "지난 글", "", "", "", ""],
        ["블로그", "2099-01-05 10:00", "겨울 신메뉴 출시", "", "", "", ""],
        ["블로그", "2099-01-07 10:00", "계획 없음", "", "", "", "p-nope"],
        ["인스타", "2099-01-05 13:00", "밖의 파일", "../secret.png", "대체", "", ""],
        ["블로그", "2099-01-07 10:00", "링크 아님", "", "", "javascript:alert(1)", ""],
    ]
    _image(tmp_path, "secret.png")  # exists, but outside the sheet's folder: never read
    path = _csv(folder / "posts.csv", rows, "utf-8-sig")
    result = bulk_schedule(ws, path, actor="kim@example.kr", role="owner")
    assert (result.rows, result.scheduled, result.quarantined, result.duplicates) == (14, 3, 11, 0)
    assert result.rows == result.scheduled + result.quarantined
    assert result.encoding.replace("-", "_").startswith("utf_8")
    assert result.in_review == 0 and len(result.group_ids) == 3
    kept = {q["row"]: q["reason"] for q in list_quarantine(ws, import_id=result.import_id)}
    assert kept == {
        2: "unknown_profile",
        3: "bad_time",
        4: "over_limit",
        5: "missing_alt",
        7: "banned_word",
        9: "bad_media",
        10: "past_time",
        11: "duplicate",
        12: "unknown_plan",
        13: "bad_media",
        14: "bad_link",
    }
    texts = {q["row"]: q for q in list_quarantine(ws, import_id=result.import_id, lang="ko")}
    assert (
        "없는프로필" in texts[2]["detail_text"] and texts[2]["reason_text"] == "알 수 없는 프로필"
    )
    assert "1001" in texts[4]["detail_text"] and "최고" in texts[7]["detail_text"]
    assert "'dark.png'" in texts[5]["detail_text"] and "대체텍스트" in texts[5]["detail_text"]
    assert texts[11]["detail"] == "Same key as line 2 (the first is imported)."
    posts = queue.list_posts(ws)
    assert [(p.profile, p.state) for p in posts] == [
        ("블로그", "scheduled"),
        ("인스타", "scheduled"),
        ("블로그", "scheduled"),
    ]
    assert posts[0].due_at.startswith("2099-01-05T01:00")  # 10:00 in Seoul
    assert posts[1].media[0]["alt"] == "눈 덮인 매장 앞" and posts[1].media[0]["media_id"]
    assert posts[2].due_at.startswith("2099-01-06T00:00") and "/l/" in posts[2].text
    assert posts[2].link_code and posts[2].text.startswith("메뉴 보기\n")
    [imp] = list_imports(ws, "publish_bulk")
    assert (imp["status"], imp["rows_read"], imp["imported"], imp["quarantined"]) == (
        "done",
        14,
        3,
        11,
    )
    # the same file again: nothing scheduled twice, the bad rows are still bad
    again = bulk_schedule(ws, path, actor="kim@example.kr", role="owner")
    assert (again.scheduled, again.duplicates, again.quarantined) == (0, 3, 11)
    assert len(queue.list_posts(ws)) == 3
    second = list_imports(ws, "publish_bulk")[-1]
    assert second["rows_read"] == second["imported"] + second["duplicates"] + second["quarantined"]


def test_a_cp949_csv_from_excel_and_review_for_roles_that_need_it(
    ws: Workspace, tmp_path: Path
) -> None:
    two = policy_plan(ws, publish_approvals=2)
    rows = [
        ["프로필", "시간", "내용", "계획"],
        ["블로그", "2099.02.01 09:30", "설날 인사 드립니다", ""],
        ["카톡", "2099-02-01 10:00", "설 연휴 영업 안내", two],
    ]
    path = _csv(tmp_path / "excel.csv", rows, "cp949")
    result = bulk_schedule(ws, path, actor="agent@example.kr", role="agent")
    assert result.encoding.replace("-", "").lower() in ("cp949", "euckr", "uhc", "ms949")
    assert (result.rows, result.scheduled, result.in_review, result.quarantined) == (2, 2, 2, 0)
    posts = queue.list_posts(ws)
    assert {(p.text, p.state, p.approvals_needed) for p in posts} == {
        ("설날 인사 드립니다", "in_review", 1),
        ("설 연휴 영업 안내", "in_review", 2),
    }
    assert posts[0].due_at.startswith("2099-02-01T00:30")
    pending = approvals.pending(ws)
    assert {p.submitted_by for p in pending} == {"agent@example.kr"}
    [notice, _other] = approvals.notifications(ws, user="kim@example.kr", role="manager")
    assert notice.kind == "approvals.notice.submitted"


def test_an_xlsx_with_english_headers_and_date_cells(ws: Workspace, tmp_path: Path) -> None:
    _image(tmp_path, "a.png")
    _image(tmp_path, "b.png", (30, 200, 30))
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Profile", "Time", "Text", "Media", "Alt"])
    sheet.append(["카톡", datetime(2099, 3, 1, 18, 0), "3월 이벤트", "", ""])
    sheet.append(["인스타", "2099-03-02T12:00:00+09:00", "두 장", "a.png; b.png", "첫째;둘째"])
    sheet.append(["인스타", datetime(2099, 3, 3, 12, 0), "대체 한 개", "a.png;b.png", "같은 설명"])
    sheet.append(["카톡", 12345, "숫자 시간", "", ""])
    path = tmp_path / "plan.xlsx"
    book.save(path)
    result = bulk_schedule(ws, path, actor="kim@example.kr")
    assert (result.rows, result.scheduled, result.quarantined) == (4, 3, 1)
    assert result.reasons == {"bad_time": 1}
    posts = queue.list_posts(ws)
    assert posts[0].due_at.startswith("2099-03-01T09:00")  # a date cell is in the zone
    assert [m["alt"] for m in posts[1].media] == ["첫째", "둘째"]
    assert [m["alt"] for m in posts[2].media] == ["같은 설명", "같은 설명"]
    assert [m["alt"] for m in queue.get_post(ws, posts[1].post_id).media] == ["첫째", "둘째"]
    # the same images were added to the library once; alt text belongs to the image
    assert len({m["media_id"] for p in posts for m in p.media}) == 2


def test_a_file_without_the_needed_columns_is_refused_whole(ws: Workspace, tmp_path: Path) -> None:
    path = _csv(tmp_path / "bad.csv", [["name", "when"], ["블로그", "2099-01-01 10:00"]], "utf-8")
    with pytest.raises(PublishError) as err:
        bulk_schedule(ws, path)
    assert err.value.code == "bulk.missing_columns" and "text" in err.value.params["missing"]
    assert "내용" in err.value.text("ko")
    empty = _csv(tmp_path / "empty.csv", [["profile", "time", "text"]], "utf-8")
    with pytest.raises(PublishError) as none:
        bulk_schedule(ws, empty)
    assert none.value.code == "bulk.no_rows"
    with pytest.raises(PublishError) as viewer:
        bulk_schedule(ws, empty, role="viewer")
    assert viewer.value.code == "approvals.cannot_write"
    assert list_imports(ws, "publish_bulk") == [] and queue.list_posts(ws) == []
