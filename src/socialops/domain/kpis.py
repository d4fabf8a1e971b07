"""The KPI library: every KPI a plan can target, with its formula (../shared/PRODUCT.md "Metric
definitions"), unit, data source and direction, and the plain rules a KPI source uses to tell
whether a target can be measured (pure: the measuring is :mod:`socialops.measure`'s, and whether
a target of a plan can be measured is :func:`socialops.measure.kpis.check_measurable`).

Sources:

- ``listening``: the workspace's enriched posts matched by the plan's topics
  (:mod:`socialops.listen.volume`);
- ``post_metrics``: imported per-post figures of the brand's own channels
  (:mod:`socialops.measure.metrics`);
- ``conversions``: imported web-analytics rows by UTM campaign and source;
- ``inbox``: customer-care conversations (a later issue; until inbox data exists these KPIs are
  measurable in principle and show "no data").

``cumulative`` KPIs add up over the period (reach, mentions, conversions...): their pacing
compares the actual with the target × the elapsed share of the period. The others are rates and
averages: the actual is compared with the target directly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from socialops.domain.channels import load_channels
from socialops.domain.plan import KpiTarget, Plan
from socialops.errors import PlanError

__all__ = [
    "LIBRARY",
    "METRIC_FIELDS",
    "SOURCES",
    "SPEND_KPIS",
    "UNITS",
    "Kpi",
    "KpiUnmeasurable",
    "builtin_channels",
    "channel_metric_gaps",
    "check_spend",
    "kpi_list",
    "pct",
    "ratio",
]

UNITS: tuple[str, ...] = ("count", "percent", "ratio", "krw", "minutes")
SOURCES: tuple[str, ...] = ("listening", "post_metrics", "conversions", "inbox")


@dataclass(frozen=True)
class Kpi:
    id: str
    name_ko: str
    name_en: str
    formula_ko: str
    formula_en: str
    unit: str  # count | percent | ratio | krw | minutes
    source: str  # listening | post_metrics | conversions | inbox
    better: str = "higher"  # higher | lower
    cumulative: bool = False
    needs: tuple[str, ...] = ()  # post-metric fields the KPI is computed from

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["needs"] = list(self.needs)
        return d


# the formulas below are those of ../shared/PRODUCT.md "Metric definitions" (a client's document
# states them without naming the file)

_KPIS: tuple[Kpi, ...] = (
    Kpi(
        "reach", "도달", "Reach",
        "게시물별 도달(본 사람 수)의 합. 게시물 사이의 중복 사용자는 빼지 않습니다.",
        "Sum of each post's reach (people who saw it); people reached by several posts are "
        "counted once per post.",
        "count", "post_metrics", cumulative=True, needs=("reach",),
    ),
    Kpi(
        "impressions", "노출", "Impressions",
        "게시물별 노출(표시된 횟수)의 합.",
        "Sum of each post's impressions (times it was shown).",
        "count", "post_metrics", cumulative=True, needs=("impressions",),
    ),
    Kpi(
        "engagements", "참여", "Engagements",
        "게시물별 참여(댓글 + 좋아요 + 공유 등 반응 수)의 합.",
        "Sum of each post's engagements (comments + likes + shares and other interactions).",
        "count", "post_metrics", cumulative=True, needs=("engagements",),
    ),
    Kpi(
        "engagement_rate", "참여율(도달 기준)", "Engagement rate (by reach)",
        "참여율 = 참여 / 도달 × 100 (도달 기준). 두 값이 모두 있는 게시물만 셉니다.",
        "Engagement rate = engagements / reach × 100 (by reach), over posts that "
        "report both.",
        "percent", "post_metrics", needs=("engagements", "reach"),
    ),
    Kpi(
        "engagement_rate_impressions", "참여율(노출 기준)", "Engagement rate (by impressions)",
        "참여율 = 참여 / 노출 × 100 (노출 기준). 두 값이 모두 있는 게시물만 셉니다.",
        "Engagement rate = engagements / impressions × 100 (by impressions), over posts "
        "that report both.",
        "percent", "post_metrics", needs=("engagements", "impressions"),
    ),
    Kpi(
        "conversation_rate", "대화율", "Conversation rate",
        "대화율 = 댓글 / 게시물 수.",
        "Conversation rate = comments / posts.",
        "ratio", "post_metrics", needs=("comments",),
    ),
    Kpi(
        "amplification_rate", "확산율", "Amplification rate",
        "확산율 = 공유 / 게시물 수.",
        "Amplification rate = shares / posts.",
        "ratio", "post_metrics", needs=("shares",),
    ),
    Kpi(
        "applause_rate", "호응률", "Applause rate",
        "호응률 = 좋아요 / 게시물 수.",
        "Applause rate = likes / posts.",
        "ratio", "post_metrics", needs=("likes",),
    ),
    Kpi(
        "virality_rate", "바이럴율", "Virality rate",
        "바이럴율 = 공유 / 노출 × 100.",
        "Virality rate = shares / impressions × 100.",
        "percent", "post_metrics", needs=("shares", "impressions"),
    ),
    Kpi(
        "posts", "게시물 수", "Posts",
        "기간 중 계획 채널에 게시된 게시물 수(성과 데이터 기준).",
        "Number of posts published on the plan's channels in the period (from post metrics).",
        "count", "post_metrics", cumulative=True,
    ),
    Kpi(
        "mentions", "언급량", "Mentions",
        "기간 중 계획 토픽과 일치하는 게시물 수(소셜 리스닝). 토픽을 지정하지 않으면 모든 계획 "
        "토픽의 언급량 합계입니다.",
        "Posts matching the plan's topic in the period (social listening); without a topic, "
        "the sum over all the plan's topics.",
        "count", "listening", cumulative=True,
    ),
    Kpi(
        "share_of_voice", "점유율(SOV)", "Share of voice",
        "점유율 = 토픽 언급량 / 계획의 모든 토픽 언급량 × 100.",
        "Share of voice = the topic's mentions / all the plan's topics' mentions × 100.",
        "percent", "listening",
    ),
    Kpi(
        "net_sentiment", "순감성", "Net sentiment",
        "순감성 = (긍정 − 부정) / (긍정 + 부정), -1~1.",
        "Net sentiment = (positive − negative) / (positive + negative), -1..1.",
        "ratio", "listening",
    ),
    Kpi(
        "clicks", "클릭", "Clicks",
        "게시물별 클릭 수의 합.",
        "Sum of each post's clicks.",
        "count", "post_metrics", cumulative=True, needs=("clicks",),
    ),
    Kpi(
        "ctr", "클릭률(CTR)", "Click-through rate (CTR)",
        "CTR = 클릭 / 노출 × 100.",
        "CTR = clicks / impressions × 100.",
        "percent", "post_metrics", needs=("clicks", "impressions"),
    ),
    Kpi(
        "conversions", "전환", "Conversions",
        "UTM 캠페인(채널별이면 UTM 소스)이 계획과 같은 전환 수의 합(웹 분석 데이터).",
        "Sum of conversions whose utm_campaign (and, per channel, utm_source) is the plan's "
        "(web analytics).",
        "count", "conversions", cumulative=True,
    ),
    Kpi(
        "revenue", "매출", "Revenue",
        "계획 UTM 캠페인의 전환 매출 합계(원).",
        "Sum of the revenue of the plan's UTM campaign (KRW).",
        "krw", "conversions", cumulative=True,
    ),
    Kpi(
        "cpc", "클릭당 비용(CPC)", "Cost per click (CPC)",
        "CPC = 비용 / 클릭. 비용은 가져온 광고비, 없으면 계획 예산 × 경과 비율.",
        "CPC = spend / clicks; spend is the imported cost, else the planned budget × "
        "the elapsed share of the period.",
        "krw", "post_metrics", better="lower", needs=("clicks",),
    ),
    Kpi(
        "cpa", "전환당 비용(CPA)", "Cost per acquisition (CPA)",
        "CPA = 비용 / 전환. 비용은 가져온 광고비, 없으면 계획 예산 × 경과 비율.",
        "CPA = spend / conversions; spend is the imported cost, else the planned budget "
        "× the elapsed share of the period.",
        "krw", "conversions", better="lower",
    ),
    Kpi(
        "cost_per_engagement", "참여당 비용", "Cost per engagement",
        "참여당 비용 = 비용 / 참여.",
        "Cost per engagement = spend / engagements.",
        "krw", "post_metrics", better="lower", needs=("engagements",),
    ),
    Kpi(
        "first_response_time", "첫 응답 시간", "First response time",
        "고객 문의에 첫 응답까지 걸린 시간의 중앙값(분). 인박스 데이터가 필요합니다.",
        "Median minutes from a customer's message to the first reply; needs inbox "
        "data.",
        "minutes", "inbox", better="lower",
    ),
    Kpi(
        "resolution_rate", "해결률", "Resolution rate",
        "해결된 문의 / 전체 문의 × 100. 인박스 데이터가 필요합니다.",
        "Resolved conversations / all conversations × 100; needs inbox data.",
        "percent", "inbox",
    ),
    Kpi(
        "response_rate", "응답률", "Response rate",
        "응답한 문의 / 전체 문의 × 100. 인박스 데이터가 필요합니다.",
        "Conversations answered / all conversations × 100; needs inbox data.",
        "percent", "inbox",
    ),
)  # fmt: skip

LIBRARY: dict[str, Kpi] = {k.id: k for k in _KPIS}
SPEND_KPIS: frozenset[str] = frozenset({"cpc", "cpa", "cost_per_engagement"})
LISTENING_KPIS: frozenset[str] = frozenset(k.id for k in _KPIS if k.source == "listening")

# Post metrics a platform's own analytics do not report, by channel key, for channels that the
# knowledge base (socialops.domain.channels, whose ``metrics`` list of what a channel reports wins)
# does not describe.
_GAPS: dict[str, tuple[frozenset[str], str, str]] = {
    "x": (
        frozenset({"reach"}),
        "X 애널리틱스는 게시물 노출과 참여만 보여 주고 도달(본 사람 수)은 제공하지 않습니다",
        "X analytics reports a post's impressions and engagements, not its reach",
    ),
    "naver_blog": (
        frozenset({"reach"}),
        "네이버 블로그 통계는 게시물 조회수만 보여 주고 도달(본 사람 수)은 제공하지 않습니다",
        "Naver Blog statistics report a post's views, not its reach",
    ),
    "naver_cafe": (
        frozenset({"reach"}),
        "네이버 카페는 게시물 조회수만 보여 주고 도달(본 사람 수)은 제공하지 않습니다",
        "Naver Cafe reports a post's views, not its reach",
    ),
}
_NO_METRICS = (
    "오픈채팅은 게시물 성과 통계를 제공하지 않습니다",
    "open chat rooms have no post statistics",
)
_NO_METRICS_KEYS = frozenset({"kakaotalk_openchat", "kakao_openchat", "open_chat", "openchat"})
# the post-metric fields a platform may report
METRIC_FIELDS = frozenset(
    {"reach", "impressions", "engagements", "comments", "likes", "shares", "clicks"}
)


def channel_metric_gaps(channel: str, info: Any = None) -> tuple[frozenset[str], str, str]:
    """Post-metric fields ``channel`` cannot report, with the reason in Korean and English.

    ``info``: the channel's entry of the knowledge base; its ``metrics`` list (fields the
    platform reports) wins over the built-in table, whose reason is kept when it explains the
    same gap."""
    builtin = (METRIC_FIELDS, *_NO_METRICS) if channel in _NO_METRICS_KEYS else None
    builtin = builtin or _GAPS.get(channel, (frozenset(), "", ""))
    reported = getattr(info, "metrics", None) if info is not None else None
    if not isinstance(reported, list | tuple | set | frozenset):
        return builtin
    missing = frozenset(METRIC_FIELDS - {str(m) for m in reported})
    if missing and missing <= builtin[0]:
        return missing, builtin[1], builtin[2]
    return (
        missing,
        "채널 지식 베이스에 이 채널이 제공하는 지표로 등록되어 있지 않습니다",
        "the channel knowledge base does not list it among the channel's metrics",
    )


class KpiUnmeasurable(PlanError):
    """``plan.kpi_unmeasurable`` with its reason in both languages."""

    def __init__(self, kpi: str, reason_ko: str, reason_en: str) -> None:
        self.reasons = {"ko": reason_ko, "en": reason_en}
        super().__init__("plan.kpi_unmeasurable", kpi=kpi, reason_ko=reason_ko, reason_en=reason_en)


def _spend_budget(plan: Plan, channel: str | None) -> int:
    if channel is None:
        return max(plan.budget_total_krw, sum(b.amount_krw for b in plan.budget))
    return sum(b.amount_krw for b in plan.budget if b.channel == channel)


def builtin_channels() -> Mapping[str, Any]:
    """The built-in channel knowledge base (``{}`` if it cannot be read)."""
    try:
        return load_channels()
    except PlanError:  # pragma: no cover - the built-in file is tested by its own tests
        return {}


def check_spend(plan: Plan, target: KpiTarget) -> None:
    """A cost KPI (:data:`SPEND_KPIS`) needs a budget for its channel (or the plan)."""
    k = target.kpi
    if k in SPEND_KPIS and _spend_budget(plan, target.channel) <= 0:
        where_ko = f"채널 '{target.channel}'의" if target.channel else "계획의"
        where_en = f"channel '{target.channel}'" if target.channel else "the plan"
        raise KpiUnmeasurable(
            k,
            f"{where_ko} 예산이 없어 비용을 알 수 없습니다. 예산을 입력해 주세요",
            f"{where_en} has no budget, so the spend is unknown: enter a budget",
        )


def kpi_list(lang: str = "ko") -> list[dict[str, Any]]:
    """The library for pickers and ``--json``: id, name and formula in ``lang``, the rest."""
    en = lang == "en"
    return [
        {
            **k.to_dict(),
            "name": k.name_en if en else k.name_ko,
            "formula": k.formula_en if en else k.formula_ko,
        }
        for k in _KPIS
    ]


def ratio(num: float | None, den: float | None) -> float | None:
    """``num / den``; ``None`` when either is missing or ``den`` is 0."""
    if num is None or den is None or den == 0:
        return None
    return num / den


def pct(num: float | None, den: float | None) -> float | None:
    """``num / den × 100``; ``None`` when either is missing or ``den`` is 0."""
    r = ratio(num, den)
    return None if r is None else 100.0 * r
