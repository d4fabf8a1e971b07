"""``socialops inbox …`` end to end as a user runs it (real subprocesses on a real workspace):
import a conversations file, list, show, assign, reply, resolve, report; --json for scripts,
Korean and English words, errors as one line."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.cli_run import one_line_error, run

FILE = (
    "first_tweet_id,first_utterance,context\n"
    '21.0,"<cust__  __company__  my flight was cancelled and nobody tells me why! __cust>",'
    '"<rep__  __cust__  We are so sorry. Please DM your confirmation number. *AB __rep>"\n'
    '22.0,"<cust__  __company__  can I bring my guitar as a carry-on? __cust>",""\n'
    '22.0,"<cust__  __company__  can I bring my guitar as a carry-on? __cust>",""\n'
)
LIST_KEYS = {
    "conversation_id",
    "profile",
    "customer",
    "status",
    "intent",
    "urgency",
    "last_message",
    "updated_at",
}


def _json(args: list[str], home: Path) -> object:
    p = run([*args, "--json"], home)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def test_inbox_commands(tmp_path: Path) -> None:
    home = tmp_path / "home"
    src = tmp_path / "care.csv"
    src.write_text(FILE, encoding="utf-8")
    res = _json(["inbox", "import", str(src), "--preset", "airline-care"], home)
    assert isinstance(res, dict)
    assert (res["rows_read"], res["conversations"], res["duplicates"]) == (3, 2, 1)
    assert (res["received"], res["already"]) == (3, 0)

    p = run(["inbox", "import", str(src), "--preset", "airline-care"], home, SOCIALOPS_LANG="ko")
    assert p.returncode == 0, p.stderr
    assert "읽은 행 3 = 대화 0 + 중복 3 + 건너뜀 0" in p.stdout
    assert "이미 있음 3" in p.stdout and "모의" in p.stdout

    rows = _json(["inbox", "list"], home)
    assert isinstance(rows, list) and len(rows) == 2
    assert all(set(r) >= LIST_KEYS for r in rows)
    assert list(rows[0])[: len(LIST_KEYS)] == [
        "conversation_id",
        "profile",
        "customer",
        "status",
        "intent",
        "urgency",
        "last_message",
        "updated_at",
    ]
    guitar = next(r for r in rows if "guitar" in r["last_message"])
    cancelled = next(r for r in rows if r is not guitar)
    assert guitar["profile"] == "airline-care"
    assert guitar["intent"] == "inquiry"

    text = run(["inbox", "list"], home, SOCIALOPS_LANG="en")
    assert text.returncode == 0 and "guitar" in text.stdout and "(simulated)" in text.stdout

    shown = _json(["inbox", "show", cancelled["conversation_id"]], home)
    assert isinstance(shown, dict)
    assert [m["direction"] for m in shown["messages"]] == ["in", "out"]
    assert (
        shown["case"] is not None
        and shown["conversation"]["conversation_id"] == (cancelled["conversation_id"])
    )
    p = run(["inbox", "show", cancelled["conversation_id"]], home, SOCIALOPS_LANG="ko")
    assert p.returncode == 0 and "← " in p.stdout and "cust21" in p.stdout and "→ " in p.stdout
    assert "[불만]" in p.stdout  # the customer message's intent, in Korean

    case = _json(
        ["inbox", "assign", guitar["conversation_id"], "--to", "mina@example.kr", "--team", "T1"],
        home,
    )
    assert isinstance(case, dict)
    assert (case["assignee"], case["team"]) == ("mina@example.kr", "T1")
    open_rows = _json(["inbox", "list", "--assignee", "mina@example.kr"], home)
    assert isinstance(open_rows, list) and len(open_rows) == 1

    reply = _json(["inbox", "reply", guitar["conversation_id"], "Yes, up to 10 kg."], home)
    assert isinstance(reply, dict) and reply["state"] in ("queued", "pending_approval")

    resolved = _json(["inbox", "resolve", cancelled["conversation_id"]], home)
    assert isinstance(resolved, dict) and resolved["status"] == "resolved"
    only = _json(["inbox", "list", "--status", "resolved"], home)
    assert isinstance(only, list)
    assert [r["conversation_id"] for r in only] == [cancelled["conversation_id"]]

    report = _json(["inbox", "report", "--include-simulated"], home)
    assert isinstance(report, dict) and report["include_simulated"] is True
    real = _json(["inbox", "report"], home)
    assert isinstance(real, dict) and real["simulated_excluded"] >= 2
    shown = run(["inbox", "report", "--include-simulated"], home)
    assert shown.returncode == 0, shown.stderr
    # the measures in the reader's words, never the JSON keys
    assert "응답률" in shown.stdout or "Response rate" in shown.stdout
    assert "response_rate" not in shown.stdout


def test_inbox_errors(tmp_path: Path) -> None:
    home = tmp_path / "home"
    bad = tmp_path / "posts.csv"
    bad.write_text("id,text\n1,hello\n", encoding="utf-8")
    p = run(["inbox", "import", str(bad), "--preset", "airline-care"], home, SOCIALOPS_LANG="en")
    assert p.returncode == 2
    assert "first_tweet_id" in one_line_error(p)
    p = run(["inbox", "import", str(bad), "--preset", "nope"], home, SOCIALOPS_LANG="en")
    assert p.returncode == 2 and "airline-care" in one_line_error(p)
    p = run(["inbox", "show", "nope"], home, SOCIALOPS_LANG="ko")
    assert p.returncode == 2 and one_line_error(p).startswith("error:")
    p = run(["inbox", "report", "--from", "2026-13-01"], home, SOCIALOPS_LANG="en")
    assert p.returncode == 2 and "YYYY-MM-DD" in one_line_error(p)
    p = run(["inbox", "list"], home, SOCIALOPS_LANG="ko")
    assert p.returncode == 0 and "조건에 맞는 대화가 없습니다" in p.stdout
