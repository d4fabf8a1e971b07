"""The inbox team report (socialops.measure.inbox_report) on SQLite and PostgreSQL, over a small
inbox written with plain SQL inserts into the w0007 tables, every figure worked out by hand:
first response median and p90, response, resolution and SLA rates, backlog at the end of the
period and of each day, per agent, team, channel and day, volume by category and sentiment; the
simulated demo times left out unless asked for; and the CSV (BOM, Korean headers) and XLSX
(Korean sheet names) exports.

The fixture (Asia/Seoul, UTC+9; the period 2026-03-02 … 03-04, "now" 2026-03-10):

====  ====  =======  ======  ======  ==========================================================
case  conv  channel  agent   team    opened (UTC) → what happened
====  ====  =======  ======  ======  ==========================================================
c1    v1    kakao    a       care    03-02 01:00, answered +10 min, resolved +120, SLA met
c2    v2    bluesky  b       care    03-02 02:00, answered +40 (due +30: breached), open
c3    v3    kakao    a       vip     03-03 00:00, never answered (due passed: breached)
c4    v4    webchat  –       –       03-03 05:00, answered +20, closed +1440, no due time
c5    v1    kakao    a       care    03-04 10:00, answered +60, resolved +120, breach recorded
c6    v6    kakao    a       care    02-20 (before), still open: backlog only
c7    v7    bluesky  b       care    02-25 (before), resolved 03-03 03:00: backlog of 03-02
c8    v5    twitter  –       –       03-02 03:00, SIMULATED, answered +5
====  ====  =======  ======  ======  ==========================================================
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from socialops.measure.inbox_report import team_report
from socialops.measure.inbox_report_export import report_csv, report_xlsx
from socialops.store.workspace import Workspace

NOW = datetime(2026, 3, 10, tzinfo=UTC)
START, END = date(2026, 3, 2), date(2026, 3, 4)
A, B = "a@bank.kr", "b@bank.kr"

CONVERSATIONS = [  # id, channel, assignee, team, simulated
    ("v1", "kakao", A, "care", 0),
    ("v2", "bluesky", B, "care", 0),
    ("v3", "kakao", A, "vip", 0),
    ("v4", "webchat", "", "", 0),
    ("v5", "twitter", "", "", 1),
    ("v6", "kakao", A, "care", 0),
    ("v7", "bluesky", B, "care", 0),
]
CASE_COLUMNS = (
    "case_id conversation_id status assignee team category opened_at first_response_due "
    "resolution_due first_response_at resolved_at closed_at breaches simulated"
).split()
CASES: list[tuple[Any, ...]] = [
    (1, "v1", "resolved", A, "care", "카드", "2026-03-02T01:00", "2026-03-02T01:30",
     "2026-03-03T01:00", "2026-03-02T01:10", "2026-03-02T03:00", None, "[]", 0),
    (2, "v2", "open", B, "care", "대출", "2026-03-02T02:00", "2026-03-02T02:30",
     "2026-03-20T00:00", "2026-03-02T02:40", None, None, "[]", 0),
    (3, "v3", "waiting", A, "vip", "카드", "2026-03-03T00:00", "2026-03-03T00:30",
     None, None, None, None, "[]", 0),
    (4, "v4", "closed", "", "", "", "2026-03-03T05:00", None,
     None, "2026-03-03T05:20", None, "2026-03-04T05:00", "[]", 0),
    (5, "v1", "resolved", A, "care", "카드", "2026-03-04T10:00", "2026-03-04T10:30",
     None, "2026-03-04T11:00", "2026-03-04T12:00", None,
     '[{"kind": "first_response", "due": "2026-03-04T10:30", "at": "2026-03-04T10:31"}]', 0),
    (6, "v6", "open", A, "care", "", "2026-02-20T00:00", None,
     None, None, None, None, "[]", 0),
    (7, "v7", "resolved", B, "care", "", "2026-02-25T00:00", None,
     None, "2026-02-25T01:00", "2026-03-03T03:00", None, "[]", 0),
    (8, "v5", "open", "", "", "", "2026-03-02T03:00", None,
     None, "2026-03-02T03:05", None, None, "[]", 1),
]  # fmt: skip
MESSAGES = [  # id, conv, direction, author, needs_reply, category, sentiment, at, simulated
    ("m1", "v1", "in", "u1", 1, "카드", "negative", "2026-03-02T01:00", 0),
    ("m2", "v1", "out", A, 0, "", "", "2026-03-02T01:10", 0),
    ("m3", "v2", "in", "u2", 1, "대출", "neutral", "2026-03-02T02:00", 0),
    ("m4", "v2", "out", B, 0, "", "", "2026-03-02T02:40", 0),
    ("m5", "v3", "in", "u3", 1, "카드", "negative", "2026-03-03T00:00", 0),
    ("m6", "v4", "in", "u4", 0, "", "positive", "2026-03-03T05:00", 0),
    ("m7", "v4", "out", A, 0, "", "", "2026-03-03T05:20", 0),
    ("m8", "v1", "in", "u1", 1, "카드", "negative", "2026-03-04T10:00", 0),  # opens c5
    ("m9", "v1", "out", A, 0, "", "", "2026-03-04T11:00", 0),
    ("m10", "v5", "in", "u5", 1, "", "negative", "2026-03-02T03:00", 1),  # simulated
    ("m11", "v6", "in", "u6", 1, "", "neutral", "2026-02-20T00:00", 0),  # before the period
    ("m12", "v2", "in", "u2", 1, "대출", "neutral", "2026-03-04T16:00", 0),  # 03-05 in Seoul
]


def _iso(local: str | None) -> str | None:
    """A fixture time (UTC, to the minute) as the inbox stores instants."""
    if local is None:
        return None
    return datetime.fromisoformat(local).replace(tzinfo=UTC).isoformat(timespec="microseconds")


def seed(ws: Workspace) -> None:
    """The inbox of the module docstring, with plain SQL."""
    stamp = _iso("2026-02-01T00:00")
    with ws.begin() as conn:
        for cid, channel, assignee, team, sim in CONVERSATIONS:
            source = "import:airline-care" if sim else "p-main"
            conn.execute(
                text(
                    "INSERT INTO conversations (conversation_id, source, channel, thread_key, "
                    "contact_id, assignee, team, simulated, created_at, updated_at) VALUES "
                    "(:c, :s, :ch, :c, 'k', :a, :t, :sim, :at, :at)"
                ),
                {"c": cid, "s": source, "ch": channel, "a": assignee, "t": team, "sim": sim,
                 "at": stamp},
            )  # fmt: skip
        for row in CASES:
            values = dict(zip(CASE_COLUMNS, row, strict=True))
            for k in ("opened_at", "first_response_due", "resolution_due", "first_response_at",
                      "resolved_at", "closed_at"):  # fmt: skip
                values[k] = _iso(values[k])
            values["updated_at"] = stamp
            cols = ", ".join(values)
            conn.execute(
                text(f"INSERT INTO cases ({cols}) VALUES ({', '.join(':' + k for k in values)})"),
                values,
            )
        for mid, conv, direction, author, needs, cat, sent, at, sim in MESSAGES:
            conn.execute(
                text(
                    "INSERT INTO messages (message_id, conversation_id, source, remote_id, "
                    "direction, author, text, needs_reply, category, sentiment, created_at, "
                    "received_at, simulated) VALUES (:m, :c, :s, :m, :d, :a, '...', :n, :cat, "
                    ":sent, :at, :at, :sim)"
                ),
                {"m": mid, "c": conv, "s": "import:airline-care" if sim else "p-main",
                 "d": direction, "a": author, "n": needs, "cat": cat, "sent": sent,
                 "at": _iso(at), "sim": sim},
            )  # fmt: skip


@pytest.fixture
def inbox(database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Workspace]:
    monkeypatch.setenv("SOCIALOPS_HOME", str(tmp_path / "ws"))
    ws = Workspace.open(tmp_path / "ws")
    seed(ws)
    yield ws


def _by(rows: list[dict[str, Any]], key: str) -> dict[str, dict[str, Any]]:
    return {r[key]: r for r in rows}


def test_totals_worked_out_by_hand(inbox: Workspace) -> None:
    r = team_report(inbox, START, END, zone="Asia/Seoul", now=NOW).to_dict()
    assert r["period"] == {"from": "2026-03-02", "to": "2026-03-04"}
    assert r["totals"] == {
        "cases": 5,  # c1…c5 (c8 is simulated, c6 and c7 opened before)
        "conversations": 4,  # v1 (twice), v2, v3, v4
        "messages_in": 5,  # m1 m3 m5 m6 m8 (m12 is 03-05 in Seoul)
        "replies_sent": 4,  # m2 m4 m7 m9
        "first_response_minutes_median": 30.0,  # 10 20 40 60
        "first_response_minutes_p90": 60.0,  # the ⌈3.6⌉ = 4th
        "response_rate": 75.0,  # needing: c1 c2 c3 c5 (m8 is c5's, not c1's); answered 3
        "resolution_rate": 60.0,  # c1 c4 c5 of 5
        "resolution_minutes_median": 120.0,  # 120 1440 120
        "sla_attainment": 25.0,  # met c1; breached c2 (late) c3 (passed) c5 (recorded)
        "backlog": 3,  # c2 c3 c6 at 03-05 00:00 Seoul
        "breaches": 3,
    }
    assert r["simulated_excluded"] == 1


def test_per_agent_team_channel_and_day(inbox: Workspace) -> None:
    r = team_report(inbox, START, END, zone="Asia/Seoul", now=NOW).to_dict()
    agents = _by(r["by_agent"], "agent")
    assert list(agents) == ["", A, B]
    a = agents[A]  # c1 c3 c5; in m1 m5 m8; wrote m2 m7 m9 (m7 on the unassigned v4)
    assert (a["cases"], a["conversations"], a["messages_in"], a["replies_sent"]) == (3, 2, 3, 3)
    assert a["first_response_minutes_median"] == 35.0 and a["first_response_minutes_p90"] == 60.0
    assert a["response_rate"] == pytest.approx(200 / 3)
    assert a["resolution_rate"] == pytest.approx(200 / 3)
    assert a["sla_attainment"] == pytest.approx(100 / 3) and a["breaches"] == 2
    assert a["backlog"] == 2  # c3 c6
    b = agents[B]
    assert (b["cases"], b["response_rate"], b["resolution_rate"], b["backlog"]) == (
        1,
        100.0,
        0.0,
        1,
    )
    assert b["resolution_minutes_median"] is None and b["sla_attainment"] == 0.0
    nobody = agents[""]  # c4: no customer message needed a reply, no due time
    assert nobody["response_rate"] is None and nobody["sla_attainment"] is None
    assert nobody["resolution_minutes_median"] == 1440.0 and nobody["replies_sent"] == 0

    teams = _by(r["by_team"], "team")
    assert {k: v["cases"] for k, v in teams.items()} == {"": 1, "care": 3, "vip": 1}
    assert teams["care"]["backlog"] == 2  # c2 c6

    channels = _by(r["by_channel"], "channel")
    assert set(channels) == {"bluesky", "kakao", "webchat"}  # twitter is the simulated one
    k = channels["kakao"]
    assert (k["cases"], k["messages_in"], k["replies_sent"], k["backlog"]) == (3, 3, 2, 2)

    days = _by(r["by_day"], "day")
    assert list(days) == ["2026-03-02", "2026-03-03", "2026-03-04"]
    d2 = days["2026-03-02"]
    assert (d2["cases"], d2["messages_in"], d2["replies_sent"]) == (2, 2, 2)
    assert d2["first_response_minutes_median"] == 25.0 and d2["sla_attainment"] == 50.0
    assert [days[d]["backlog"] for d in days] == [3, 4, 3]  # c2 c6 c7 / c2 c3 c4 c6 / c2 c3 c6

    assert r["by_category"] == [
        {"category": "", "messages_in": 1, "cases": 1},
        {"category": "대출", "messages_in": 1, "cases": 1},
        {"category": "카드", "messages_in": 3, "cases": 3},
    ]
    assert r["by_sentiment"] == [
        {"sentiment": "negative", "messages_in": 3},
        {"sentiment": "neutral", "messages_in": 1},
        {"sentiment": "positive", "messages_in": 1},
    ]


def test_simulated_times_only_when_asked(inbox: Workspace) -> None:
    r = team_report(inbox, START, END, zone="Asia/Seoul", include_simulated=True, now=NOW)
    t = r.totals
    assert (t["cases"], t["messages_in"], r.simulated_excluded) == (6, 6, 0)
    assert t["first_response_minutes_median"] == 20.0  # 5 10 20 40 60
    assert "twitter" in {c["channel"] for c in r.by_channel}
    assert t["backlog"] == 4  # c8 too


def test_a_due_time_still_ahead_is_pending(inbox: Workspace) -> None:
    early = datetime(2026, 3, 3, 0, 10, tzinfo=UTC)  # c3's first response is due at 00:30
    r = team_report(inbox, START, END, zone="Asia/Seoul", now=early)
    assert r.totals["sla_attainment"] == pytest.approx(100 / 3)  # c1 met; c2 c5 breached
    assert r.totals["breaches"] == 2


def test_an_empty_period_and_the_default_period(inbox: Workspace) -> None:
    r = team_report(inbox, date(2025, 1, 1), date(2025, 1, 31), zone="Asia/Seoul", now=NOW)
    t = r.totals
    assert t["cases"] == 0 and t["response_rate"] is None and t["backlog"] == 0
    assert len(r.by_day) == 31 and r.by_agent == []
    today = datetime.now(UTC).date()
    d = team_report(inbox)
    assert (d.end - d.start).days == 29 and abs((d.end - today).days) <= 1
    assert json.dumps(d.to_dict())  # JSON as it is


def test_csv_has_a_bom_and_korean_headers(inbox: Workspace) -> None:
    r = team_report(inbox, START, END, zone="Asia/Seoul", now=NOW)
    data = report_csv(r, "ko")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["구분", "항목", "케이스"]
    assert "첫 응답 중앙값(분)" in rows[0] and "응답률(%)" in rows[0]
    total = rows[1]
    assert total[0] == "전체" and total[rows[0].index("응답률(%)")] == "75.0"
    assert any(row[0] == "상담원" and row[1] == A for row in rows)
    assert any(row[0] == "분류" and row[1] == "카드" for row in rows)
    english = report_csv(r, "en").decode("utf-8-sig")
    assert english.splitlines()[0].startswith("Section,Item,Cases")


def test_xlsx_sheets_are_korean(inbox: Workspace) -> None:
    r = team_report(inbox, START, END, zone="Asia/Seoul", now=NOW)
    book = load_workbook(io.BytesIO(report_xlsx(r, "ko")))
    assert book.sheetnames == ["요약", "상담원별", "팀별", "채널별", "일별", "분류별", "감성별"]
    agents = book["상담원별"]
    assert agents.cell(1, 1).value == "상담원" and agents.cell(1, 2).value == "케이스"
    values = {agents.cell(i, 1).value: agents.cell(i, 2).value for i in range(2, 5)}
    assert values == {"(미배정)": 1, A: 3, B: 1}
    days = book["일별"]
    assert [days.cell(i, 1).value for i in range(2, 5)] == [
        "2026-03-02", "2026-03-03", "2026-03-04"
    ]  # fmt: skip
