"""``socialops plan``: the scripted interface of the issue, run as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

import icalendar
import openpyxl
from cli_run import one_line_error, run
from pypdf import PdfReader


def _new(home: Path, *extra: str) -> str:
    p = run(
        [
            "plan",
            "new",
            "--template",
            "product-launch",
            "--name",
            "봄 신제품 출시",
            "--start",
            "2026-03-02",
            "--end",
            "2026-04-12",
            "--budget",
            "30000000",
            "--json",
            *extra,
        ],
        home,
    )
    assert p.returncode == 0, p.stderr
    return str(json.loads(p.stdout)["plan_id"])


def test_templates_new_list_show_move_export(tmp_path: Path) -> None:
    home = tmp_path / "ws"
    names = {t["name"] for t in json.loads(run(["plan", "templates", "--json"], home).stdout)}
    assert {"product-launch", "bank-customer-care", "public-policy-pr"} <= names
    pid = _new(home)
    listed = json.loads(run(["plan", "list", "--json"], home).stdout)
    assert [r["plan_id"] for r in listed] == [pid] and listed[0]["state"] == "draft"
    shown = json.loads(run(["plan", "show", pid, "--json", "--today", "2026-03-20"], home).stdout)
    assert shown["plan_id"] == pid and shown["kpis"]
    assert len(shown["actuals"]["rows"]) == len(shown["kpis"])
    assert shown["actuals"]["as_of"] == "2026-03-20"
    assert {r["channel"] for r in shown["recommendation"]} >= {"instagram", "youtube"}
    for action, state in (("submit", "in_review"), ("approve", "approved"), ("start", "running")):
        p = run(["plan", "move", pid, action, "--as", "boss@example.kr", "--json"], home)
        assert p.returncode == 0, p.stderr
        assert json.loads(p.stdout)["state"] == state
    ics = tmp_path / "plan.ics"
    assert run(["plan", "export", pid, "--format", "ics", "--out", str(ics)], home).returncode == 0
    cal = icalendar.Calendar.from_ical(ics.read_bytes())
    uids = [str(e["UID"]) for e in cal.walk("VEVENT")]
    assert uids and len(uids) == len(set(uids)) and all(u.startswith(pid) for u in uids)
    xlsx = tmp_path / "plan.xlsx"
    assert run(["plan", "export", pid, "-f", "xlsx", "-o", str(xlsx)], home).returncode == 0
    assert len(openpyxl.load_workbook(xlsx).sheetnames) >= 4
    pdf = tmp_path / "plan.pdf"
    p = run(["plan", "export", pid, "-f", "pdf", "-o", str(pdf), "--lang", "en"], home)
    assert p.returncode == 0, p.stderr
    assert "봄 신제품 출시" in PdfReader(pdf).pages[0].extract_text()


def test_edit_round_trip_and_stale_version(tmp_path: Path) -> None:
    home = tmp_path / "ws"
    pid = _new(home)
    doc = json.loads(run(["plan", "show", pid, "--json"], home).stdout)
    doc["name"] = "봄 신제품 출시 (수정)"
    f = tmp_path / "plan.json"
    f.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    p = run(["plan", "edit", pid, "--file", str(f), "--json"], home)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["version"] == 2
    # still says version 1; in Korean, the CLI's default language
    again = run(["plan", "edit", pid, "--file", str(f)], home, SOCIALOPS_LANG="ko")
    assert again.returncode == 2 and "버전 2" in one_line_error(again)


def test_bad_input_is_one_line_in_the_users_language(tmp_path: Path) -> None:
    home = tmp_path / "ws"
    p = run(
        [
            "plan",
            "new",
            "-t",
            "product-launch",
            "--name",
            "x",
            "--start",
            "2026-03-10",
            "--end",
            "2026-03-01",
        ],
        home,
        SOCIALOPS_LANG="ko",
    )
    assert p.returncode == 2 and "종료일" in one_line_error(p)
    p = run(
        [
            "plan",
            "new",
            "-t",
            "product-launch",
            "--name",
            "x",
            "--start",
            "2026-03-10",
            "--end",
            "2026-03-01",
        ],
        home,
        SOCIALOPS_LANG="en",
    )
    assert p.returncode == 2 and "before the start date" in one_line_error(p)
    p = run(
        [
            "plan",
            "new",
            "-t",
            "nope",
            "--name",
            "x",
            "--start",
            "2026-03-01",
            "--end",
            "2026-03-09",
        ],
        home,
        SOCIALOPS_LANG="en",
    )
    assert p.returncode == 2 and "product-launch" in one_line_error(p)
    pid = _new(home)
    doc = json.loads(run(["plan", "show", pid, "--json"], home).stdout)
    doc["budget"][0]["amount_krw"] += 1
    doc["utm"]["campaign"] = "Spring Sale"
    f = tmp_path / "bad.json"
    f.write_text(json.dumps(doc), encoding="utf-8")
    p = run(["plan", "edit", pid, "--file", str(f)], home, SOCIALOPS_LANG="en")
    assert p.returncode == 2 and "add up" in one_line_error(p)
    # nothing was saved: still version 1
    assert json.loads(run(["plan", "show", pid, "--json"], home).stdout)["version"] == 1
    p = run(["plan", "export", pid, "-f", "docx", "-o", str(tmp_path / "x.docx")], home)
    assert p.returncode == 2 and not (tmp_path / "x.docx").exists()
    p = run(["plan", "show", "pmissing"], home)
    assert p.returncode == 2 and "pmissing" in one_line_error(p)
