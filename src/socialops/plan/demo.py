"""Example plans for the demo workspace, built from the templates and the real sample data.

- 영화 '명량' 개봉 캠페인 (product-launch, July–September 2014): listening KPIs (mentions, share of
  voice against 겨울왕국, 인터스텔라 and 변호인, net sentiment) measured on the Naver movie reviews
  (movies as products, the release as the launch). Done.
- 화장품 브랜드 페이스북 하반기 운영 (retention-loyalty, July–December 2014): Facebook post KPIs
  measured on the UCI Facebook metrics file (a cosmetics brand's page, 2014), targets 10 % above
  the first half's baseline. Running.
- United 항공 소셜 고객 케어 (airline-customer-care, 16–24 Feb 2015): share of
  voice and net sentiment among six US airlines on the airline tweets. In review.

Idempotent: a plan whose name exists is left alone. Plans whose data is missing (``--small``
skips the movie reviews) are skipped and say so.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from socialops import i18n
from socialops.domain.kpis import LIBRARY
from socialops.domain.plan import BudgetLine, CalendarItem, ChannelChoice, KpiTarget, Plan
from socialops.errors import TopicError
from socialops.listen.samples import AIRLINE_TOPICS
from socialops.listen.topics import resolve_topics
from socialops.measure.metrics import import_metrics
from socialops.plan.sanity import check_target
from socialops.plan.service import create_from_template, fill_baselines
from socialops.plan.store import PlanStore
from socialops.plan.workflow import transition
from socialops.store.workspace import Workspace

__all__ = ["DEMO_ACTOR", "add_demo_plans"]

DEMO_ACTOR = "owner@socialops.local"
FACEBOOK_FILE = "facebook_metrics/dataset_Facebook.csv"


def add_demo_plans(ws: Workspace, data_dir: Path) -> list[dict[str, Any]]:
    """Add the example plans that the workspace's data supports; one line of outcome each."""
    out: list[dict[str, Any]] = []
    fb = data_dir / FACEBOOK_FILE
    if fb.exists():
        res = import_metrics(ws, fb, "facebook-metrics")
        out.append({"metrics": FACEBOOK_FILE, "rows_read": res.to_dict().get("rows_read")})
    existing = {p["name"] for p in PlanStore(ws).list()}
    for build in (_film_plan, _facebook_plan, _airline_care_plan):
        try:
            result = build(ws, existing, fb.exists())
        except TopicError as exc:
            result = {"skipped": build.__name__.strip("_"), "why": exc.message}
        out.append(result)
    return out


def _topics_exist(ws: Workspace, names: list[str]) -> None:
    resolve_topics(ws, names)


def _create(ws: Workspace, template: str, **kw: Any) -> Plan:
    return create_from_template(ws, template, actor=DEMO_ACTOR, **kw)


def _advance(ws: Workspace, plan: Plan, actions: list[str]) -> Plan:
    store = PlanStore(ws)
    for action in actions:
        plan = transition(store, plan.plan_id, action, actor=DEMO_ACTOR, role="owner")
    return plan


def _film_plan(ws: Workspace, existing: set[str], _: bool) -> dict[str, Any]:
    name = "영화 '명량' 개봉 캠페인 (예시)"
    if name in existing:
        return {"exists": name}
    topics = ["명량", "겨울왕국", "인터스텔라", "변호인"]
    _topics_exist(ws, topics)
    plan = _create(
        ws,
        "product-launch",
        name=name,
        start=date(2014, 7, 15),
        end=date(2014, 9, 14),
        budget_krw=50_000_000,
        topics=topics,
    )
    # listening targets for a film whose reviews seldom name it (the template's are for a brand)
    targets = {"mentions": 60.0, "share_of_voice": 45.0, "net_sentiment": 0.5}
    for t in plan.kpis:
        t.target = targets.get(t.kpi, t.target)
    plan = PlanStore(ws).save(plan, base_version=plan.version, actor=DEMO_ACTOR)
    plan = _advance(ws, plan, ["submit", "approve", "start", "finish"])
    return {"plan_id": plan.plan_id, "name": name, "state": plan.state}


def _facebook_plan(ws: Workspace, existing: set[str], has_metrics: bool) -> dict[str, Any]:
    name = "화장품 브랜드 페이스북 하반기 운영 (예시)"
    if name in existing:
        return {"exists": name}
    if not has_metrics:
        return {"skipped": name, "why": f"{FACEBOOK_FILE} not found"}
    plan = _create(
        ws,
        "retention-loyalty",
        name=name,
        start=date(2014, 7, 1),
        end=date(2014, 12, 31),
        budget_krw=20_000_000,
    )
    plan.channels.append(
        ChannelChoice(
            "facebook",
            role="main",
            reasons=[i18n.t("plan.reason.facebook_fans", "ko")],
            override_reason=i18n.t("plan.reason.facebook_added", "ko"),
        )
    )
    # move a fifth of the budget to the page's paid boosts; the lines still add up to the total
    moved = plan.budget_total_krw // 5
    biggest = max(plan.budget, key=lambda b: b.amount_krw)
    biggest.amount_krw -= moved
    plan.budget.append(BudgetLine("facebook", "paid", moved, "게시물 부스트(유료 도달)"))
    plan.utm.sources["facebook"] = "facebook"
    plan.utm.mediums["facebook"] = "social"
    plan.kpis += [
        KpiTarget("reach", 0, channel="facebook"),
        KpiTarget("engagement_rate", 0, channel="facebook"),
        KpiTarget("conversation_rate", 0, channel="facebook"),
        KpiTarget("amplification_rate", 0, channel="facebook"),
    ]
    tips = CalendarItem(
        item_id="fb-weekly-tips",
        title="주간 뷰티 팁 카드뉴스",
        start=datetime(2014, 7, 1, 19, 0),
        channel="facebook",
        format="card_news",
        pillar="팁·정보",
        copy="이번 주 뷰티 팁: 환절기 피부 보습 3단계. 단골 고객님만을 위한 샘플 신청은 링크에서!",
        link="https://brand.example.kr/tips",
        owner=DEMO_ACTOR,
        status="published",
        recurrence="FREQ=WEEKLY;BYDAY=TU",
    )
    plan.calendar.append(tips)
    fill_baselines(ws, plan)
    # the page's own KPIs, and every template target its history would meet already or
    # overshoot tenfold (the template's clicks of 46,000 against 374,175 in the first half):
    # 10 % above the first half of 2014
    for t in plan.kpis:
        if t.baseline is not None and (t.channel == "facebook" or check_target(t) is not None):
            t.target = _round(t.kpi, t.baseline * 1.1)
    store = PlanStore(ws)
    plan = store.save(plan, base_version=plan.version, actor=DEMO_ACTOR)
    plan = _advance(ws, plan, ["submit", "approve", "start"])
    return {"plan_id": plan.plan_id, "name": name, "state": plan.state}


def _round(kpi: str, value: float) -> float:
    return float(round(value)) if LIBRARY[kpi].cumulative else round(value, 2)


def _airline_care_plan(ws: Workspace, existing: set[str], _: bool) -> dict[str, Any]:
    name = "United 항공 소셜 고객 케어 (예시)"
    if name in existing:
        return {"exists": name}
    topics = list(AIRLINE_TOPICS)  # United first: the brand
    _topics_exist(ws, topics)
    plan = _create(
        ws,
        "airline-customer-care",
        name=name,
        start=date(2015, 2, 16),
        end=date(2015, 2, 24),
        budget_krw=5_000_000,
        topics=topics,
    )
    plan.timezone = "America/Chicago"  # United's home; the tweets carry their own offsets
    # the template's placeholder for the airline's name, filled in
    plan.brief_message = plan.brief_message.replace("[항공사명]", "United 항공")
    for item in plan.calendar:
        item.copy = item.copy.replace("[항공사명]", "United 항공")
    plan.approvers = [DEMO_ACTOR]
    # targets for a week of a big US carrier's mentions (the template's are for three months)
    for t in plan.kpis:
        if t.kpi == "mentions":
            t.target = 3000
        elif t.kpi == "net_sentiment":
            t.target = -0.3
    plan.kpis.append(KpiTarget("share_of_voice", 25.0, topic="United"))
    plan = PlanStore(ws).save(plan, base_version=plan.version, actor=DEMO_ACTOR)
    plan = _advance(ws, plan, ["submit"])
    return {"plan_id": plan.plan_id, "name": name, "state": plan.state}
