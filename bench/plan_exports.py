"""Benchmark: campaign plans — plan vs actual and every export, on the demo workspace's example
plans (real listening data and post metrics) and on a large plan of 300 calendar items.

The workspace must hold plans, e.g. one made by ``socialops demo`` (``--small`` is enough for
the Facebook and airline plans; the full demo adds the 명량 plan over 662k reviews):

    SOCIALOPS_HOME=/tmp/demo-ws .venv/bin/socialops demo --small
    .venv/bin/python bench/plan_exports.py --workspace /tmp/demo-ws [--runs 3]

Prints the best of ``--runs`` warm runs per step (the first, cold run is printed apart), then
the server time (``Server-Timing``) of the plan pages — overview with the KPI table, month
calendar, week calendar, edit form — for a signed-in user of the real app (in-process client;
a benchmark user is added to the home's accounts and removed after).
"""

from __future__ import annotations

import argparse
import functools
import re
import secrets
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import text

from _common import machine
from socialops.domain.plan import CalendarItem, Plan
from socialops.plan.export import export_plan
from socialops.plan.service import plan_summary
from socialops.plan.store import PlanStore
from socialops.plan.templates import plan_from_template
from socialops.store.workspace import Workspace

FORMATS = ("html", "pdf", "ics", "xlsx", "json")


def _time(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    t0 = time.perf_counter()
    fn()
    cold = time.perf_counter() - t0
    best = float("inf")
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return cold, best


def big_plan(ws: Workspace, items: int) -> Plan:
    """The product-launch template over one quarter with ``items`` calendar items in all."""
    plan = plan_from_template(
        "product-launch",
        plan_name="대형 캘린더 벤치마크",
        start=date(2026, 1, 1),
        end=date(2026, 3, 31),
        ws=ws,
        budget_krw=100_000_000,
    )
    plan.plan_id = "pbench"
    channels = plan.channel_keys()
    n = len(plan.calendar)
    for i in range(max(items - n, 0)):
        day = plan.start + timedelta(days=i % 90)
        plan.calendar.append(
            CalendarItem(
                item_id=f"b{i:04d}",
                title=f"콘텐츠 {i + 1}",
                start=datetime(day.year, day.month, day.day, 8 + i % 12, 0),
                channel=channels[i % len(channels)],
                copy="봄 한정 에디션을 만나 보세요. 지금 예약하면 10% 할인! " * 3,
                link=f"https://brand.example.kr/p/{i}",
                status="draft",
            )
        )
    return plan


def web_pages(home: Path, plans: list[Plan], runs: int) -> None:
    """Server time of every plan page of ``plans`` (stored ones), first and best of ``runs``."""
    from fastapi.testclient import TestClient

    from socialops.web.accounts import Accounts
    from socialops.web.app import create_app

    acc = Accounts(home)
    email, password = f"bench-{secrets.token_hex(3)}@example.com", secrets.token_urlsafe(16)
    user = acc.add_user(email, password, name="Bench", role="owner")
    try:
        with TestClient(create_app(home), base_url="http://testserver") as client:
            form = client.get("/login")
            token = re.search(r'name="csrf" value="([^"]+)"', form.text)
            assert token, "no login CSRF field on /login"
            data = {"email": email, "password": password, "csrf": token.group(1)}
            r = client.post("/login", data=data, follow_redirects=False)
            assert r.status_code == 303, f"sign-in failed: {r.status_code}"
            print("\nweb pages (server time from Server-Timing, first / best of runs):")
            for plan in plans:
                base = f"/w/main/plans/{plan.plan_id}"
                month = plan.start.isoformat()
                pages = {
                    "overview": base,
                    "calendar month": f"{base}/calendar?view=month&date={month}",
                    "calendar week": f"{base}/calendar?view=week&date={month}",
                    "edit form": f"{base}/edit",
                }
                print(f"  {plan.name} ({plan.plan_id}, {plan.state}):")
                for label, url in pages.items():
                    times: list[float] = []
                    for _ in range(runs + 1):
                        r = client.get(url)
                        if r.status_code != 200:
                            times = []
                            break
                        dur = re.search(r"dur=([0-9.]+)", r.headers.get("server-timing", ""))
                        times.append(float(dur.group(1)) if dur else float("nan"))
                    if not times:
                        print(f"    {label:<15} {r.status_code} (not for this plan's state)")
                        continue
                    print(f"    {label:<15} first {times[0]:.0f} ms, best {min(times[1:]):.0f} ms")
    finally:
        with acc.begin() as con:
            for table in ("members", "sessions", "api_tokens"):
                con.execute(text(f"DELETE FROM {table} WHERE user_id = :id"), {"id": user.id})
            con.execute(text("DELETE FROM users WHERE id = :id"), {"id": user.id})


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workspace", required=True, type=Path)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--items", type=int, default=300)
    ap.add_argument("--no-web", action="store_true", help="skip the web page timings")
    args = ap.parse_args()
    ws = Workspace.open(args.workspace, create=False)
    print(f"machine: {machine()}")
    stored = [PlanStore(ws).get(p["plan_id"]) for p in PlanStore(ws).list()]
    plans = [*stored, big_plan(ws, args.items)]
    for plan in plans:
        print(
            f"\n{plan.name} ({plan.plan_id}): {len(plan.kpis)} KPI targets, "
            f"{len(plan.calendar)} calendar items"
        )
        cold, best = _time(functools.partial(plan_summary, ws, plan), args.runs)
        print(f"  plan vs actual + warnings + recommendation: cold {cold:.2f} s, warm {best:.2f} s")
        for fmt in FORMATS:
            cold, best = _time(functools.partial(export_plan, ws, plan, fmt, "ko"), args.runs)
            size = len(export_plan(ws, plan, fmt, "ko"))
            print(f"  export {fmt:<5} cold {cold:.2f} s, warm {best:.2f} s, {size / 1024:,.0f} KiB")
    if not args.no_web:
        web_pages(args.workspace, stored, args.runs)


if __name__ == "__main__":
    main()
