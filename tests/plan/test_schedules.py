"""Scheduled reports: when they run (Seoul, and a zone with daylight saving), claimed under a
lease so two workers never send one report twice, resumed after a crash without a second
e-mail, retried after a temporary SMTP failure, written to the reports list and delivered to a
real local SMTP server (aiosmtpd) in each recipient's language. On SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import text
from test_model import make_plan

from socialops.engage.settings import put_setting
from socialops.errors import PlanError
from socialops.plan import schedules as sch
from socialops.plan.scheduled_report import reports_folder
from socialops.plan.store import PlanStore
from socialops.store.mail import send_mail
from socialops.store.workspace import Workspace
from socialops.web.pages.reports import _reports
from workspace_copy import copy_workspace

SEOUL = ZoneInfo("Asia/Seoul")
NY = ZoneInfo("America/New_York")


class Sink:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        msg = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(msg, EmailMessage)
        self.messages.append(msg)
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture()
def smtp() -> Iterator[tuple[Sink, int]]:
    sink, port = Sink(), free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


@pytest.fixture()
def ws(database: str, tmp_path: Path) -> Workspace:
    """On SQLite and PostgreSQL: the claims and leases."""
    return Workspace.open(tmp_path / "ws")


@pytest.fixture()
def lite(workspace: Workspace) -> Workspace:
    """On the run's database only (the rest: the same SQL, kept fast)."""
    return workspace


def _plan(ws: Workspace) -> str:
    plan = make_plan()
    plan.plan_id = "p-sched"
    plan.kpis = [k for k in plan.kpis if k.kpi != "mentions"]
    plan.topics = []
    plan.calendar = []
    plan.start, plan.end = date(2026, 11, 1), date(2026, 12, 31)
    PlanStore(ws).create(plan, actor="kim@example.kr")
    return plan.plan_id


def _mail(ws: Workspace, port: int) -> None:
    put_setting(ws, "notify", {"email": {"host": "127.0.0.1", "port": port, "from": "r@so.kr"}})


NOW = datetime(2026, 12, 6, 1, 0, tzinfo=UTC)  # Sunday 10:00 in Seoul
LANGS = {"kim@example.kr": "ko", "lee@example.kr": "en"}


def _weekly(ws: Workspace, **kw: Any) -> sch.Schedule:
    args: dict[str, Any] = {
        "kind": "plan",
        "ref": _plan(ws),
        "cadence": "weekly",
        "weekday": "mon",
        "hour": 9,
        "recipients": ["kim@example.kr", "Lee@example.kr"],
        "members": LANGS,
        "now": NOW,
    }
    args.update(kw)
    return sch.add_schedule(ws, **args)


def _due(s: sch.Schedule) -> datetime:
    return datetime.fromisoformat(s.next_run_at)


# -- when --------------------------------------------------------------------------------------


def test_next_run_in_seoul() -> None:
    weekly = sch.next_run("weekly", 0, 9, "Asia/Seoul", NOW)
    assert weekly.astimezone(SEOUL) == datetime(2026, 12, 7, 9, tzinfo=SEOUL)
    assert weekly == datetime(2026, 12, 7, 0, tzinfo=UTC)
    # strictly after: a run due now is followed by the next week's
    assert sch.next_run("weekly", 0, 9, "Asia/Seoul", weekly) == weekly + timedelta(days=7)
    daily = sch.next_run("daily", 0, 9, "Asia/Seoul", NOW)  # 10:00 already: tomorrow
    assert daily == datetime(2026, 12, 7, 0, tzinfo=UTC)
    assert sch.next_run("daily", 0, 23, "Asia/Seoul", NOW) == datetime(2026, 12, 6, 14, tzinfo=UTC)
    assert sch.period_of("weekly", weekly, "Asia/Seoul") == (date(2026, 11, 30), date(2026, 12, 6))
    assert sch.period_of("daily", weekly, "Asia/Seoul") == (date(2026, 12, 6), date(2026, 12, 6))


@pytest.mark.parametrize("hour", [2, 9, 1])
def test_one_run_a_local_day_across_daylight_saving(hour: int) -> None:
    """New York: 2026-03-08 02:00 does not exist, 2026-11-01 01:00 happens twice."""
    for first in (datetime(2026, 3, 5, tzinfo=UTC), datetime(2026, 10, 29, tzinfo=UTC)):
        runs, at = [], first
        for _ in range(7):
            at = sch.next_run("daily", 0, hour, "America/New_York", at)
            runs.append(at)
        days = [r.astimezone(NY).date() for r in runs]
        assert days == [days[0] + timedelta(days=i) for i in range(7)]  # none skipped, none twice
        assert all(b - a >= timedelta(hours=23) for a, b in itertools.pairwise(runs))
        for r in runs:
            local = r.astimezone(NY)
            # the skipped 02:00 runs at 03:00 (the first real instant after the gap)
            assert local.hour == (3 if (hour, local.date()) == (2, date(2026, 3, 8)) else hour)
    spring = sch.next_run("daily", 0, 9, "America/New_York", datetime(2026, 3, 8, tzinfo=UTC))
    assert spring == datetime(2026, 3, 8, 13, tzinfo=UTC)  # EDT (UTC-4) from that morning
    fall = sch.next_run("daily", 0, 1, "America/New_York", datetime(2026, 11, 1, 4, tzinfo=UTC))
    assert fall == datetime(2026, 11, 1, 5, tzinfo=UTC)  # the first 01:00 (EDT), once
    again = sch.next_run("daily", 0, 1, "America/New_York", fall)
    assert again.astimezone(NY).date() == date(2026, 11, 2)


def test_bad_schedules_are_refused(lite: Workspace) -> None:
    pid = _plan(lite)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"cadence": "monthly"}, "schedule.bad_cadence"),
        ({"weekday": "someday"}, "schedule.bad_weekday"),
        ({"hour": 24}, "schedule.bad_hour"),
        ({"zone": "Mars/Base"}, "schedule.bad_zone"),
        ({"recipients": ["not-an-address"]}, "schedule.bad_recipient"),
        ({"recipients": ["stranger@example.kr"]}, "schedule.not_member"),
        ({"recipients": []}, "schedule.no_recipients"),
        ({"ref": "p-none"}, "plan.not_found"),
        ({"kind": "topic", "ref": "없는토픽"}, "schedule.unknown_topic"),
        ({"kind": "post"}, "schedule.bad_kind"),
    ]
    for change, code in cases:
        args: dict[str, Any] = {"kind": "plan", "ref": pid, "recipients": ["kim@example.kr"]}
        args.update(change)
        with pytest.raises(PlanError) as err:
            sch.add_schedule(lite, members=LANGS, **args)
        assert err.value.code == code, change
    assert sch.list_schedules(lite) == []
    with pytest.raises(PlanError) as err:
        sch.remove_schedule(lite, "s-nope")
    assert err.value.code == "schedule.unknown"


# -- running -----------------------------------------------------------------------------------


def test_due_report_is_written_and_mailed_in_each_language(
    ws: Workspace, smtp: tuple[Sink, int]
) -> None:
    sink, port = smtp
    _mail(ws, port)
    s = _weekly(ws)
    assert s.recipients == ["kim@example.kr", "lee@example.kr"]
    due = _due(s)
    assert sch.run_due(ws, due - timedelta(seconds=1), langs=LANGS).claimed == 0  # not yet
    out = sch.run_due(ws, due, langs=LANGS)
    assert (out.claimed, out.reports, out.sent, out.failed) == (1, 1, 2, 0)
    ko, en = sink.to("kim@example.kr"), sink.to("lee@example.kr")
    assert len(ko) == len(en) == 1
    assert "주간 보고서" in ko[0]["Subject"] and "2026-11-30" in ko[0]["Subject"]
    assert (
        en[0]["Subject"].startswith("[socialops]")
        and " report (2026-11-30 to 2026-12-06)" in (en[0]["Subject"])
    )
    ko_text = ko[0].get_body(("plain",))
    en_html = en[0].get_body(("html",))
    assert ko_text is not None and en_html is not None
    assert "계획 대비 실적" in ko_text.get_content()
    assert "Plan vs actual" in en_html.get_content() and "<table>" in en_html.get_content()
    # the reports list (the web's own reader) shows it
    listed = _reports(reports_folder(ws))
    assert [m["schedule"] for m in listed] == [s.schedule_id]
    assert (listed[0]["from"], listed[0]["to"]) == ("2026-11-30", "2026-12-06")
    assert (reports_folder(ws) / f"{listed[0]['id']}.html").is_file()
    after = sch.get_schedule(ws, s.schedule_id)
    assert after.last_status["state"] == "sent" and after.last_report == listed[0]["id"]
    assert _due(after) == due + timedelta(days=7)
    # run again at the same instant, or a bit later: nothing more
    for later in (due, due + timedelta(hours=1)):
        assert sch.run_due(ws, later, langs=LANGS).claimed == 0
    assert len(sink.messages) == 2


def test_two_workers_at_once_send_each_report_once(ws: Workspace, smtp: tuple[Sink, int]) -> None:
    sink, port = smtp
    _mail(ws, port)
    s = _weekly(ws)
    due = _due(s)
    outs: list[sch.RunSummary] = []

    def slow_send(*args: Any, **kw: Any) -> None:
        time.sleep(0.05)
        send_mail(*args, **kw)

    def work(name: str) -> None:
        outs.append(sch.run_due(ws, due, langs=LANGS, owner=name, send=slow_send))

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(3)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(30)
    assert sum(o.claimed for o in outs) == 1
    assert sorted(m["To"] for m in sink.messages) == ["kim@example.kr", "lee@example.kr"]


class Crash(BaseException):
    """The worker's process dying in the middle of a run."""


def test_a_run_taken_over_after_a_crash_never_mails_twice(
    ws: Workspace, smtp: tuple[Sink, int]
) -> None:
    sink, port = smtp
    _mail(ws, port)
    s = _weekly(ws, recipients=["kim@example.kr", "lee@example.kr"])
    due = _due(s)
    calls: list[str] = []

    def dies_on_second(cfg: Any, to: str, *args: Any, **kw: Any) -> None:
        calls.append(to)
        if len(calls) == 2:
            raise Crash
        send_mail(cfg, to, *args, **kw)

    with pytest.raises(Crash):
        sch.run_due(ws, due, langs=LANGS, owner="a", send=dies_on_second)
    assert [m["To"] for m in sink.messages] == ["kim@example.kr"]
    # the lease holds: another worker leaves it alone until it expires
    assert sch.run_due(ws, due + timedelta(minutes=5), owner="b").claimed == 0
    late = due + sch.LEASE + timedelta(seconds=1)
    out = sch.run_due(ws, late, langs=LANGS, owner="b")
    assert out.claimed == 1 and out.reports == 0  # the same report, not a second one
    # lee was being sent to when the worker died: recorded as unknown, never sent twice
    assert [m["To"] for m in sink.messages] == ["kim@example.kr"]
    st = sch.get_schedule(ws, s.schedule_id)
    assert st.last_status["sent"] == ["kim@example.kr"]
    assert st.last_status["unknown"] == ["lee@example.kr"]
    assert st.last_status["state"] == "partial"
    assert _due(st) == due + timedelta(days=7)
    assert len(list(reports_folder(ws).glob("*.json"))) == 1


def test_temporary_smtp_failure_is_retried_in_the_same_period(
    lite: Workspace, smtp: tuple[Sink, int]
) -> None:
    sink, port = smtp
    _mail(lite, free_port())  # nobody listens there: connection refused (temporary)
    s = _weekly(lite, recipients=["kim@example.kr"])
    due = _due(s)
    out = sch.run_due(lite, due, langs=LANGS)
    assert (out.sent, out.failed) == (0, 0)
    st = sch.get_schedule(lite, s.schedule_id)
    assert st.last_status["state"] == "retrying" and st.next_run_at == s.next_run_at
    assert "ConnectionRefusedError" in st.last_status["retry"]["kim@example.kr"]
    assert sch.run_due(lite, due + timedelta(minutes=1)).claimed == 0  # waits RETRY_AFTER
    _mail(lite, port)
    out = sch.run_due(lite, due + sch.RETRY_AFTER, langs=LANGS)
    assert out.sent == 1 and len(sink.messages) == 1
    assert sch.get_schedule(lite, s.schedule_id).last_status["state"] == "sent"


def test_a_recipient_who_left_the_workspace_gets_nothing(
    lite: Workspace, smtp: tuple[Sink, int]
) -> None:
    sink, port = smtp
    _mail(lite, port)
    s = _weekly(lite)
    out = sch.run_due(lite, _due(s), langs={"kim@example.kr": "ko"})  # lee was removed
    assert (out.sent, out.failed) == (1, 1)
    assert [m["To"] for m in sink.messages] == ["kim@example.kr"]
    st = sch.get_schedule(lite, s.schedule_id).last_status
    assert st["state"] == "partial" and "not a member" in st["failed"]["lee@example.kr"]


def test_permanent_failure_is_recorded_and_the_period_moves_on(lite: Workspace) -> None:
    s = _weekly(lite, recipients=["kim@example.kr"])  # no SMTP settings at all
    out = sch.run_due(lite, _due(s), langs=LANGS)
    assert out.failed == 1
    st = sch.get_schedule(lite, s.schedule_id)
    assert st.last_status["state"] == "failed"
    assert "not set up" in st.last_status["failed"]["kim@example.kr"]
    assert _due(st) == _due(s) + timedelta(days=7)


def test_update_disable_and_missed_runs(lite: Workspace) -> None:
    s = _weekly(lite)
    s2 = sch.update_schedule(lite, s.schedule_id, cadence="daily", hour=8, now=NOW)
    assert _due(s2) == datetime(2026, 12, 6, 23, tzinfo=UTC)  # 08:00 Monday in Seoul
    sch.update_schedule(lite, s.schedule_id, enabled=False)
    assert sch.run_due(lite, NOW + timedelta(days=30)).claimed == 0
    # enabled again weeks later: the next run is from then, not a backlog of missed days
    s3 = sch.update_schedule(lite, s.schedule_id, enabled=True, now=NOW + timedelta(days=30))
    assert _due(s3) > NOW + timedelta(days=30)
    sch.remove_schedule(lite, s.schedule_id)
    assert sch.list_schedules(lite) == []


def test_serve_loop_runs_due_schedules(lite: Workspace, smtp: tuple[Sink, int]) -> None:
    sink, port = smtp
    _mail(lite, port)
    s = _weekly(lite, recipients=["lee@example.kr"])
    with lite.begin() as conn:  # due an hour ago
        past = (datetime.now(UTC) - timedelta(hours=1)).isoformat(timespec="microseconds")
        conn.execute(text("UPDATE report_schedules SET next_run_at = :p"), {"p": past})
    loop = sch.BackgroundSchedules(lambda: [lite], poll_s=0.1, langs=lambda _ws: LANGS)
    loop.start()
    try:
        deadline = time.monotonic() + 20
        while not sink.messages and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        loop.stop()
    assert [m["To"] for m in sink.messages] == ["lee@example.kr"]
    assert "report" in sink.messages[0]["Subject"]  # English: lee reads English
    assert sch.get_schedule(lite, s.schedule_id).last_status["state"] == "sent"


@pytest.mark.slow  # the airline workspace (shared with the listening tests) takes ~30 s alone
def test_topic_report_on_real_tweets(
    airline_ws: Workspace, smtp: tuple[Sink, int], tmp_path: Path
) -> None:
    """A weekly listening report on United (the airline tweets of February 2015): written to the
    reports list with its XLSX, mailed in Korean and English. On a private copy of the session's
    airline workspace: a report left in the shared one shows up in other modules' report lists."""
    sink, port = smtp
    copy_workspace(airline_ws.root, tmp_path / "ws")
    ws = Workspace.open(tmp_path / "ws", create=False)
    _mail(ws, port)
    s = sch.add_schedule(
        ws,
        kind="topic",
        ref="United",
        cadence="weekly",
        weekday="mon",
        hour=9,
        zone="America/Los_Angeles",
        recipients=["kim@example.kr", "lee@example.kr"],
        now=datetime(2015, 2, 20, tzinfo=UTC),
    )
    due = _due(s)
    assert due.astimezone(ZoneInfo("America/Los_Angeles")) == datetime(
        2015, 2, 23, 9, tzinfo=ZoneInfo("America/Los_Angeles")
    )
    try:
        out = sch.run_due(ws, due, langs=LANGS)
        assert (out.reports, out.sent, out.failed) == (1, 2, 0), out.runs
        ko, en = sink.to("kim@example.kr")[0], sink.to("lee@example.kr")[0]
        assert "리스닝 보고서" in ko["Subject"] and "(2015-02-16 ~ 2015-02-22)" in ko["Subject"]
        assert en["Subject"].startswith("[socialops] Listening report on 'United'")
        text_part = en.get_body(("plain",))
        assert text_part is not None and "posts on 'United' analysed" in text_part.get_content()
        [meta] = [m for m in _reports(reports_folder(ws)) if m.get("schedule") == s.schedule_id]
        assert meta["files"] == ["html", "xlsx"] and meta["topic"] == "United"
        assert (reports_folder(ws) / f"{meta['id']}.xlsx").stat().st_size > 1000
    finally:
        sch.remove_schedule(ws, s.schedule_id)


def test_plan_report_carries_the_campaign_effect_when_outcomes_exist(
    lite: Workspace, smtp: tuple[Sink, int]
) -> None:
    """Daily sales from July, +30 % from the plan's start (November): the report says what the
    campaign did, with its chart, in each reader's language."""
    import numpy as np

    sink, port = smtp
    _mail(lite, port)
    rng = np.random.default_rng(7)
    days = [date(2026, 7, 1) + timedelta(days=i) for i in range(159)]  # through 2026-12-06
    rows = []
    for i, d in enumerate(days):
        base = 1000 + 80 * np.sin(2 * np.pi * i / 7) + rng.normal(0, 25)
        lift = 1.3 if d >= date(2026, 11, 1) else 1.0
        rows.append({"m": "sales", "d": d.isoformat(), "v": float(base * lift)})
    with lite.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO outcomes (metric, dimension, date, grain, value, import_id, "
                "updated_at) VALUES (:m, '', :d, 'day', :v, 't', '2026-12-06')"
            ),
            rows,
        )
    s = _weekly(lite)
    out = sch.run_due(lite, _due(s), langs=LANGS)
    assert out.sent == 2, out.runs
    ko = sink.to("kim@example.kr")[0].get_body(("plain",))
    en_html = sink.to("lee@example.kr")[0].get_body(("html",))
    assert ko is not None and en_html is not None
    assert "캠페인 효과: sales" in ko.get_content()
    html = en_html.get_content()
    assert "Campaign effect on sales" in html and "<svg" in html
