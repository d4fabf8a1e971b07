"""A realistic plan for the export tests (tests/plan/test_export*.py), built from the model.

Korean product launch in March 2026: five channels, two segments, a paid/organic budget that adds
up, UTM scheme, KPI targets from the library, a content calendar (one weekly recurring item),
operating policy and a review history. ``hostile=True`` puts markup and spreadsheet formulas into
the untrusted text fields.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from socialops.domain.plan import (
    BudgetLine,
    CalendarItem,
    ChannelChoice,
    CrisisLevel,
    EscalationRule,
    KpiTarget,
    Plan,
    Policy,
    Segment,
    StateEvent,
    UtmScheme,
)

NAME = "봄 신제품 출시 캠페인"
LINK = "https://brand.example.kr/spring"
SCRIPT = "<script>alert('x')</script>"
FORMULA = "=cmd|' /C calc'!A0"
CHANNELS = ("instagram", "youtube", "naver_blog", "x", "kakaotalk_channel")
_FORMATS = {
    "instagram": "reel",
    "youtube": "shorts",
    "naver_blog": "blog_post",
    "x": "post",
    "kakaotalk_channel": "message",
}


def sample_plan(items: int = 12, *, hostile: bool = False) -> Plan:
    start, end = date(2026, 3, 1), date(2026, 3, 31)
    calendar = []
    for i in range(items):
        channel = CHANNELS[i % len(CHANNELS)]
        day = start + timedelta(days=(i * 3) % 31)
        calendar.append(
            CalendarItem(
                item_id=f"i{i + 1:03d}",
                title=f"봄 신제품 티저 {i + 1}",
                start=datetime(day.year, day.month, day.day, 9 + i % 10, 30 if i % 2 else 0),
                channel=channel,
                format=_FORMATS[channel],
                pillar="제품 소개" if i % 2 else "고객 후기",
                segment="2030 여성" if i % 3 else "40대 직장인",
                copy=f"봄 한정 에디션을 만나 보세요 #{i + 1}\n지금 예약하면 10% 할인",
                link=f"{LINK}?ref={i + 1}" if i % 4 != 3 else "",
                owner="김민지" if i % 2 else "이도윤",
                status=("idea", "draft", "ready", "scheduled")[i % 4],
            )
        )
    if items:
        calendar[0].recurrence = "FREQ=WEEKLY;COUNT=4"
    if hostile and calendar:
        calendar[0].copy = f"할인 안내 {SCRIPT} 끝"
        calendar[0].title = "<b>굵게</b> & 특가"
        calendar[-1].copy = FORMULA
        calendar[-1].owner = "+82 10"
    plan = Plan(
        plan_id="p-export",
        name=NAME,
        start=start,
        end=end,
        template="product-launch",
        objectives=["sales_promotion", "new_customers"],
        brief_message="가볍고 촉촉한 봄 신제품, 첫 구매 고객에게 샘플 증정"
        + (f" {SCRIPT}" if hostile else ""),
        brief_offer="사전 예약 10% 할인, 선착순 1,000명 샘플 증정",
        brief_visual="파스텔 톤, 벚꽃 배경, 제품 클로즈업",
        segments=[
            Segment(
                name="2030 여성",
                age_bands=["20-29", "30-39"],
                genders=["female"],
                regions=["서울", "경기"],
                interests=["뷰티", "스킨케어"],
                customer="new",
                size_estimate=120_000,
            ),
            Segment(
                name="40대 직장인",
                age_bands=["40-49"],
                regions=["서울"],
                interests=["건강"],
                customer="existing",
                purchase_history="최근 6개월 구매 1회 이상",
            ),
        ],
        channels=[
            ChannelChoice("instagram", "main", 82.0, ["20~30대 여성 이용률이 높음"]),
            ChannelChoice("youtube", "main", 75.0, ["제품 시연 영상"]),
            ChannelChoice("naver_blog", "support", 70.0, ["검색 유입"]),
            ChannelChoice("x", "support", 40.0, [], override_reason="실시간 이벤트 안내"),
            ChannelChoice("kakaotalk_channel", "care", 66.0, ["기존 고객 알림"]),
        ],
        budget_total_krw=30_000_000,
        budget=[
            BudgetLine("instagram", "paid", 12_000_000, "릴스 광고"),
            BudgetLine("instagram", "organic", 3_000_000),
            BudgetLine("youtube", "paid", 8_000_000),
            BudgetLine("naver_blog", "organic", 4_000_000, "체험단"),
            BudgetLine("x", "organic", 1_000_000),
            BudgetLine("kakaotalk_channel", "paid", 2_000_000),
        ],
        utm=UtmScheme(
            campaign="spring-launch-2026",
            sources={"instagram": "instagram", "naver_blog": "naver", "youtube": "youtube"},
            mediums={"instagram": "paid_social", "naver_blog": "blog"},
        ),
        kpis=[
            KpiTarget("reach", 500_000, channel="instagram", baseline=210_000, baseline_note="2월"),
            KpiTarget("engagement_rate", 3.5, channel="instagram"),
            KpiTarget("mentions", 2_000, topic="our-brand"),
            KpiTarget("clicks", 20_000),
            KpiTarget("conversions", 1_500),
            KpiTarget("cpa", 15_000),
        ],
        topics=["our-brand"],
        calendar=calendar,
        policy=Policy(
            tone="친근하고 정중한 해요체, 과장 광고 표현 금지",
            response_minutes={"instagram": 60, "kakaotalk_channel": 30},
            escalation=[
                EscalationRule("품질관리팀", keywords=["부작용", "트러블"], within_minutes=60),
                EscalationRule("CS팀", categories=["complaint"]),
            ],
            crisis_levels=[
                CrisisLevel(1, "주의", "부정 언급 증가", ["모니터링 강화"], 0.3),
                CrisisLevel(2, "위기", "언론 보도", ["대표 승인 후 공식 입장"], 0.5, 100),
            ],
            approval_rules=["유료 광고 소재는 팀장 승인"],
            banned_words=["최고", "완치"],
            notes="주말에는 당번이 응답합니다.",
        ),
        owner="김민지",
        approvers=["박팀장"],
        approvals=["박팀장"],
        state="approved",
        history=[
            StateEvent("2026-02-20T01:00:00+00:00", "김민지", "create", None, "draft"),
            StateEvent("2026-02-21T02:00:00+00:00", "김민지", "submit", "draft", "in_review"),
            StateEvent(
                "2026-02-22T03:00:00+00:00", "박팀장", "approve", "in_review", "approved", "좋아요"
            ),
        ],
        version=3,
    )
    return plan
