"""The demo workspace's publishing: a plan whose calendar is on its way out.

``add_demo_publishing`` adds the plan "봄 신제품 출시 소셜 캠페인 (예시)" around today (a week
back, three weeks ahead, Asia/Seoul) with two manual profiles (네이버 블로그, 인스타그램 — the
Korean channels without a posting API) and, when a local Bluesky network answers at once
(``scripts/local-pds.sh start``; ``PDS_URL`` or 127.0.0.1:2583), a Bluesky profile on it
(``alice.test``). Its calendar items become posts in every state a team sees: published (an
Instagram post confirmed by hand with its URL — or sent to the local PDS when it runs),
scheduled, waiting in review (the plan asks one approver), and a Naver Blog manual task that is
due. Nothing here waits for a network: the PDS check gives up after half a second.

Idempotent: a workspace that has the plan is left alone."""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from socialops.connectors.profiles import connect, list_profiles
from socialops.domain.plan import CalendarItem
from socialops.errors import PublishError
from socialops.plan.service import create_from_template
from socialops.plan.store import PlanStore
from socialops.plan.workflow import transition
from socialops.publish import approvals, plan_drafts, queue
from socialops.publish.composer import compose
from socialops.publish.media import add_media
from socialops.publish.worker import run_worker
from socialops.store.workspace import Workspace

__all__ = ["DEMO_PLAN", "add_demo_publishing", "local_pds_url"]

DEMO_PLAN = "봄 신제품 출시 소셜 캠페인 (예시)"
_ACTOR = "owner@socialops.local"
_SEOUL = ZoneInfo("Asia/Seoul")
_LANDING = "https://brand.example.kr/spring"


def local_pds_url(timeout_s: float = 0.5) -> str | None:
    """The local Bluesky PDS when one answers now (``PDS_URL``, else 127.0.0.1:2583)."""
    url = os.environ.get("PDS_URL") or f"http://127.0.0.1:{os.environ.get('PDS_PORT', '2583')}"
    try:
        ok = httpx.get(f"{url.rstrip('/')}/xrpc/_health", timeout=timeout_s).status_code == 200
    except httpx.HTTPError:
        return None
    return url if ok else None


def _profiles(ws: Workspace, pds: str | None) -> dict[str, list[str]]:
    """channel key → the demo profiles that publish it."""
    have = {p.name for p in list_profiles(ws)}
    out = {"naver_blog": ["네이버 블로그 (예시)"], "instagram": ["인스타그램 (예시)"]}
    for name, platform in (
        ("네이버 블로그 (예시)", "naver-blog"),
        ("인스타그램 (예시)", "instagram"),
    ):
        if name not in have:
            connect(ws, name=name, platform="manual", settings={"platform": platform}, secrets={})
    if pds is not None:
        name = "Bluesky 로컬 (예시)"
        try:
            if name not in have:
                connect(
                    ws,
                    name=name,
                    platform="bluesky",
                    settings={"service": pds, "handle": "alice.test"},
                    secrets={"app_password": "hunter2"},
                )
            out["instagram"].append(name)  # Instagram's posts also go to Bluesky here
        except PublishError:
            pass  # the PDS answered but not as the dev network: leave Bluesky out
    return out


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute)


def _start(item_id: str, today: date, offset: int, hour: int, real: bool) -> datetime:
    """An item's local start; the Naver Blog task is due half an hour ago on a real start (a
    task waiting for its person, not one already late)."""
    if item_id == "launch-blog" and real:
        now = datetime.now(_SEOUL).replace(tzinfo=None, second=0, microsecond=0)
        return now - timedelta(minutes=30)
    return _at(today + timedelta(days=offset), hour)


def add_demo_publishing(ws: Workspace, *, today: date | None = None) -> dict[str, Any]:
    """Add the demo plan and its posts; what was added (or that it exists)."""
    store = PlanStore(ws)
    found = [p["plan_id"] for p in store.list() if p["name"] == DEMO_PLAN]
    if found and any(plan_drafts.plan_publishing(ws, found[0]).values()):
        return {"exists": DEMO_PLAN}
    real = today is None
    today = today or datetime.now(_SEOUL).date()
    pds = local_pds_url()
    by_channel = _profiles(ws, pds)
    if found:  # an earlier run stopped after the plan was saved: finish it
        plan = store.get(found[0])
    else:
        plan = create_from_template(
            ws,
            "product-launch",
            name=DEMO_PLAN,
            start=today - timedelta(days=7),
            end=today + timedelta(days=21),
            actor=_ACTOR,
            budget_krw=10_000_000,
        )
    plan.policy.publish_approvals = 0
    plan.policy.banned_words = sorted({*plan.policy.banned_words, "최저가 보장", "무조건"})
    items = [
        (
            "launch-teaser",
            -3,
            12,
            "instagram",
            "신제품 티저: 봄을 닮은 새 컬러 3종, 곧 공개합니다. #봄신상",
        ),
        (
            "launch-blog",
            -1,
            10,
            "naver_blog",
            "봄 신제품 출시 후기 이벤트 안내: 사용 후기를 남겨 주시면 추첨으로 샘플을 드립니다.",
        ),
        ("launch-day", 2, 12, "instagram", "드디어 출시! 봄 신제품을 가장 먼저 만나 보세요."),
        ("launch-review", 5, 19, "instagram", "고객님들이 고른 봄 컬러 1위는? 투표해 주세요!"),
    ]
    plan.calendar = [
        CalendarItem(
            item_id=item_id,
            title=text.split(":")[0][:40],
            start=_start(item_id, today, offset, hour, real),
            channel=channel,
            copy=text,
            link=_LANDING,
            owner=_ACTOR,
            status="scheduled",
        )
        for item_id, offset, hour, channel, text in items
    ]
    plan = store.save(plan, base_version=plan.version, actor=_ACTOR)
    for action in ("submit", "approve", "start"):  # the campaign is running
        if plan.state != "running":
            plan = transition(store, plan.plan_id, action, actor=_ACTOR, role="owner")
    image = _card(ws)
    posts: list[queue.QueuedPost] = []
    for item_id, _offset, _hour, channel, copy in items:
        if channel == "instagram":  # Instagram takes no post without an image: compose one
            item = next(i for i in plan.calendar if i.item_id == item_id)
            _group, made = compose(
                ws,
                profiles=by_channel["instagram"],
                text=copy,
                at=item.start.isoformat(),
                media_ids=[image],
                link=_LANDING,
                plan_id=plan.plan_id,
                plan_item_id=item_id,
                draft=True,
                actor=_ACTOR,
            )
            posts += made
        else:
            posts += plan_drafts.drafts_from_calendar(
                ws, plan.plan_id, [item_id], by_channel, actor=_ACTOR
            )
    by_item: dict[str | None, list[queue.QueuedPost]] = {}
    for p in posts:
        by_item.setdefault(p.plan_item_id, []).append(p)
    for p in by_item.get("launch-teaser", []) + by_item.get("launch-blog", []):
        queue.schedule(ws, p.post_id, None)
    for p in by_item.get("launch-day", []):
        queue.schedule(ws, p.post_id, None)
    groups = {p.group_id for p in by_item.get("launch-review", [])}
    for group in groups:
        approvals.submit(ws, group, actor=_ACTOR)
    run_worker(ws, until_idle=True)  # the due ones: sent, or tasks for a person
    for p in by_item.get("launch-teaser", []):
        if queue.get_post(ws, p.post_id).state == "task":
            queue.confirm_task(ws, p.post_id, "https://www.instagram.com/p/DEMO-spring-teaser/")
    states = [queue.get_post(ws, p.post_id).state for p in posts]
    return {
        "plan_id": plan.plan_id,
        "name": DEMO_PLAN,
        "posts": len(posts),
        "states": {s: states.count(s) for s in sorted(set(states))},
        "bluesky": pds is not None,
    }


def _card(ws: Workspace) -> str:
    """The campaign's image (a spring-coloured card drawn here: no file to ship), in the media
    library with its alt text."""
    from io import BytesIO

    from PIL import Image, ImageDraw

    img = Image.new("RGB", (1080, 1080), (255, 228, 236))
    draw = ImageDraw.Draw(img)
    for i, colour in enumerate(((244, 143, 177), (255, 204, 128), (174, 213, 129))):
        draw.ellipse((140 + i * 280, 390, 380 + i * 280, 630), fill=colour)
    buf = BytesIO()
    img.save(buf, "PNG")
    asset = add_media(
        ws,
        "spring-colours.png",
        buf.getvalue(),
        alt="봄 신제품 컬러 3종: 핑크, 살구, 연두",
        actor=_ACTOR,
    )
    return asset.media_id
