"""``socialops schedule …`` as a user runs it (in this process through the CLI's own ``main``, a
real local SMTP server): add a weekly plan report, list it (JSON and the Korean/English table),
run what is due, remove it; bad input as one line."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import text
from tests.cli.cli_inproc import run_main as run
from tests.cli.cli_run import one_line_error
from tests.plan.test_model import make_plan

from socialops.engage.settings import put_setting
from socialops.plan.schedules import list_schedules
from socialops.plan.store import PlanStore
from socialops.store.workspace import Workspace


class Sink:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture()
def smtp() -> Iterator[tuple[Sink, int]]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


def test_schedule_commands(
    tmp_path: Path, smtp: tuple[Sink, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    sink, port = smtp
    home = tmp_path / "home"
    monkeypatch.delenv("SOCIALOPS_DATABASE_URL", raising=False)
    ws = Workspace.open(home)
    plan = make_plan()
    plan.plan_id, plan.topics, plan.calendar = "p-cli", [], []
    plan.kpis = [k for k in plan.kpis if k.kpi != "mentions"]
    PlanStore(ws).create(plan, actor="kim@example.kr")
    put_setting(ws, "notify", {"email": {"host": "127.0.0.1", "port": port}})

    args = ["schedule", "add", "--plan", "p-cli", "--cadence", "weekly", "--weekday", "fri"]
    p = run([*args, "--hour", "9", "--to", "kim@example.kr", "--json"], home)
    assert p.returncode == 0, p.stderr
    added = json.loads(p.stdout)
    assert (added["kind"], added["ref"], added["weekday"], added["hour"]) == (
        "plan",
        "p-cli",
        "fri",
        9,
    )
    sid = added["schedule_id"]
    p = run(["schedule", "list"], home, SOCIALOPS_LANG="ko")
    assert p.returncode == 0 and sid in p.stdout and "매주 금요일 9시" in p.stdout

    with ws.begin() as conn:  # due a minute ago
        past = (datetime.now(UTC) - timedelta(minutes=1)).isoformat(timespec="microseconds")
        conn.execute(text("UPDATE report_schedules SET next_run_at = :p"), {"p": past})
    p = run(["schedule", "run-due", "--json"], home)
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert (out["claimed"], out["reports"], out["sent"]) == (1, 1, 1)
    assert [e.rcpt_tos for e in sink.messages] == [["kim@example.kr"]]
    assert len(list((home / "reports" / "web").glob("*.json"))) == 1

    p = run(
        ["schedule", "add", "--plan", "p-cli", "--topic", "x", "--to", "a@b.kr"],
        home,
        SOCIALOPS_LANG="en",
    )
    assert p.returncode == 2 and "one plan or one topic" in one_line_error(p)
    p = run(["schedule", "remove", sid], home, SOCIALOPS_LANG="ko")
    assert p.returncode == 0 and "지웠습니다" in p.stdout
    assert list_schedules(ws) == []
