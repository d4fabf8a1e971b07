"""Channel-mix recommendation: a transparent score for every channel of the knowledge base.

A channel's score (0-100) is a weighted sum of components, each first scored 0..1:

``objective`` (weight :data:`WEIGHTS` 0.30)
    The mean, over the plan's objectives, of the channel's objective fit (0-5, ``channels.json``)
    / 5. For ``customer_service`` a channel without 1:1 care (``care: false``) gets only
    :data:`CARE_PENALTY` of its fit: the seed's online call center (#6) needs direct messages.
``audience`` (0.20)
    The mean, over the plan's segments that name age bands, of the share of the segment's bands
    that use the channel (``audience.shares``; a band such as ``25-34`` takes the overlapping
    decades in proportion). A segment with interests adds :data:`INTEREST_BONUS` to channels of
    the seed's interest-based SNS kind (#16). Without age bands: 0.5 (neutral).
``traits`` (0.20)
    How well the channel's seed traits (#3, #4: participation, openness, conversation,
    community, connectedness, 1-5) match what each objective needs (:data:`OBJECTIVE_TRAITS`),
    and what the segments' customers need: new customers favour openness and connectedness,
    existing ones community and conversation (:data:`CUSTOMER_TRAITS`). The mean over those
    profiles of ``sum(weight × trait / 5)``.
``budget`` (0.10)
    ``(1 − p) × organic / 5 + p × ad strength / 5`` where ``p`` is the paid share of the budget:
    the plan's paid budget lines over all lines when it has them, else by total budget: 0 → 0,
    under :data:`SMALL_BUDGET_KRW` → 0.2, under :data:`LARGE_BUDGET_KRW` → 0.5, else 0.7. Small
    budgets favour organic-strong channels; paid money needs a channel with ad products.
``listening`` (0.10, only with listening data)
    The channel's share of the plan topics' mentions (posts' ``platform`` mapped to channel
    keys, ``platforms`` in ``channels.json``) relative to the channel with the most: 1 for the
    channel the brand is most talked about on, 0 where it is not talked about.
``performance`` (0.10, only with own post metrics)
    The channel's engagement rate (``socialops.measure.metrics.channel_performance``, at least
    :data:`MIN_POSTS` posts) relative to the best channel's; a channel without own metrics gets
    0.5 (neutral).

When a signal is missing (no listening topics or data, no post metrics) its weight is shared out
over the other components in proportion, so scores stay 0-100. ``breakdown`` holds each
component's points (``100 × weight × component``, rounded to 0.01) and the score is their sum, so
the breakdown always adds up to the score. Order: score descending, then channel key.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from socialops.domain.channels import AGE_BANDS, Channel, channel_for_platform, load_channels
from socialops.domain.plan import AGE_BAND, Plan
from socialops.errors import SocialopsError
from socialops.listen.scope import Scope, topic_posts
from socialops.listen.topics import get_topic
from socialops.measure.metrics import channel_performance
from socialops.plan.labels import label
from socialops.store.analytics import fetch_arrow, open_store

if TYPE_CHECKING:
    from socialops.store.workspace import Workspace

__all__ = [
    "CARE_PENALTY",
    "CUSTOMER_TRAITS",
    "INTEREST_BONUS",
    "LARGE_BUDGET_KRW",
    "MIN_POSTS",
    "OBJECTIVE_TRAITS",
    "SMALL_BUDGET_KRW",
    "WEIGHTS",
    "Recommendation",
    "WorkspaceSignals",
    "recommend",
    "workspace_signals",
]

log = logging.getLogger(__name__)

WEIGHTS: dict[str, float] = {
    "objective": 0.30,
    "audience": 0.20,
    "traits": 0.20,
    "budget": 0.10,
    "listening": 0.10,
    "performance": 0.10,
}
# what each objective needs of the seed's traits (#3, #4); each row sums to 1
OBJECTIVE_TRAITS: dict[str, dict[str, float]] = {
    # promotions spread when people take part and pass them on (#5, #8)
    "sales_promotion": {"participation": 0.3, "openness": 0.3, "connectedness": 0.4},
    # strangers must be able to find and share it (#2 open platforms)
    "new_customers": {"openness": 0.5, "connectedness": 0.3, "participation": 0.2},
    # loyalty grows in dialogue and community (#5 "대화와 관계 유지")
    "retention": {"community": 0.4, "conversation": 0.4, "connectedness": 0.2},
    # the online call center answers in direct conversation (#6)
    "customer_service": {"conversation": 0.7, "openness": 0.1, "community": 0.2},
    # company news must be open and quick to spread (#6)
    "company_news": {"openness": 0.5, "connectedness": 0.3, "participation": 0.2},
    # policy PR reaches everyone and takes complaints back (#17)
    "public_policy": {"openness": 0.4, "conversation": 0.3, "participation": 0.3},
}
CUSTOMER_TRAITS: dict[str, dict[str, float]] = {
    "new": {"openness": 0.6, "connectedness": 0.4},
    "existing": {"community": 0.4, "conversation": 0.4, "connectedness": 0.2},
}
CARE_PENALTY = 0.5
INTEREST_BONUS = 0.1
SMALL_BUDGET_KRW = 5_000_000
LARGE_BUDGET_KRW = 30_000_000
MIN_POSTS = 5
NEUTRAL = 0.5


@dataclass
class WorkspaceSignals:
    """What the workspace knows: mentions of the plan's topics by channel, own performance."""

    mentions: dict[str, int] = field(default_factory=dict)  # channel -> posts of plan topics
    unmapped: dict[str, int] = field(default_factory=dict)  # platform value -> posts
    performance: dict[str, dict[str, Any]] = field(default_factory=dict)  # channel -> figures
    topics: list[str] = field(default_factory=list)  # the plan topics that were counted
    notes: list[dict[str, str]] = field(default_factory=list)  # {"ko", "en"}

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Recommendation:
    channel: str
    score: float  # 0-100, the sum of breakdown
    breakdown: dict[str, float]  # component -> points
    reasons: list[dict[str, str]]  # {"ko", "en"} sentences
    components: dict[str, float] = field(default_factory=dict)  # component -> 0..1
    weights: dict[str, float] = field(default_factory=dict)  # the weights used (sum 1)
    rank: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _r(ko: str, en: str) -> dict[str, str]:
    return {"ko": ko, "en": en}


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else NEUTRAL


# -- components --------------------------------------------------------------------------------


def _objective(plan: Plan, c: Channel) -> tuple[float, list[dict[str, str]]]:
    if not plan.objectives:
        return NEUTRAL, [_r("목표가 없어 목표 적합도는 중립입니다", "no objectives: neutral fit")]
    fits: list[float] = []
    reasons: list[dict[str, str]] = []
    for o in plan.objectives:
        fit = c.objectives.get(o, 0) / 5
        if o == "customer_service" and not c.care:
            fit *= CARE_PENALTY
            reasons.append(
                _r(
                    "고객 서비스 목표인데 1:1 상담(메시지) 기능이 없어 적합도를 절반으로 "
                    "낮췄습니다",
                    "customer service needs 1:1 messages, which this channel lacks: fit halved",
                )
            )
        fits.append(fit)
    best = max(plan.objectives, key=lambda o: (c.objectives.get(o, 0), o))
    why = c.objective_reasons.get(best, {"ko": "", "en": ""})
    reasons.insert(
        0,
        _r(
            f"목표 '{label('objective.' + best, 'ko')}' 적합도 {c.objectives.get(best, 0)}/5: "
            f"{why['ko']}",
            f"fits '{label('objective.' + best, 'en')}' {c.objectives.get(best, 0)}/5: {why['en']}",
        ),
    )
    return _mean(fits), reasons


def _band_share(c: Channel, band: str) -> float | None:
    m = AGE_BAND.match(band)
    if not m:
        return None
    lo, hi = int(m.group(1)), int(m.group(2))
    lo, hi = max(10, min(lo, 69)), max(10, min(hi, 69))  # outside 10-69: the nearest decade
    total = weight = 0.0
    for kb in AGE_BANDS:
        a, b = (int(x) for x in kb.split("-"))
        overlap = min(hi, b) - max(lo, a) + 1
        if overlap > 0:
            total += overlap * c.audience[kb]
            weight += overlap
    return total / weight if weight else None


def _audience(plan: Plan, c: Channel) -> tuple[float, list[dict[str, str]]]:
    per_segment: list[float] = []
    bands: list[str] = []
    for s in plan.segments:
        shares = [v for v in (_band_share(c, b) for b in s.age_bands) if v is not None]
        if shares:
            per_segment.append(_mean(shares))
            bands.extend(b for b in s.age_bands if b not in bands)
    reasons: list[dict[str, str]] = []
    if per_segment:
        value = _mean(per_segment)
        pct = round(100 * value)
        est_ko = "" if c.audience_confidence == "high" else f", 신뢰도 {c.audience_confidence}"
        est_en = "" if c.audience_confidence == "high" else f", {c.audience_confidence} confidence"
        src = next((s for s in c.sources if s["fact"] == "audience"), None)
        cite_ko = f"{src['source']} {src['year']}" if src else ""
        cite_en = f"{src['source_en']} {src['year']}" if src else ""
        reasons.append(
            _r(
                f"타깃 연령대({', '.join(bands)}) 이용률 약 {pct}% ({cite_ko}{est_ko})",
                f"about {pct}% of the target age bands ({', '.join(bands)}) use it "
                f"({cite_en}{est_en})",
            )
        )
    else:
        value = NEUTRAL
        reasons.append(
            _r(
                "세그먼트에 연령대가 없어 오디언스 적합도는 중립입니다",
                "no segment names an age band: neutral audience fit",
            )
        )
    if any(s.interests for s in plan.segments) and c.relationship == "interest":
        value = min(1.0, value + INTEREST_BONUS)
        reasons.append(
            _r(
                "관심사 타깃에 맞는 관심사형 SNS입니다",
                "an interest-based SNS for an interest-defined target",
            )
        )
    return value, reasons


def _traits(plan: Plan, c: Channel) -> tuple[float, list[dict[str, str]]]:
    profiles = [OBJECTIVE_TRAITS[o] for o in plan.objectives if o in OBJECTIVE_TRAITS]
    kinds = sorted({s.customer for s in plan.segments if s.customer in CUSTOMER_TRAITS})
    profiles.extend(CUSTOMER_TRAITS[k] for k in kinds)
    if not profiles:
        return NEUTRAL, []
    scores = [sum(w * c.traits[t] / 5 for t, w in p.items()) for p in profiles]
    need: dict[str, float] = {}
    for p in profiles:
        for t, w in p.items():
            need[t] = need.get(t, 0.0) + w
    top = max(need, key=lambda t: (need[t] * c.traits[t], t))
    why = c.trait_reasons[top]
    names = {
        "participation": ("참여성", "participation"),
        "openness": ("공개성", "openness"),
        "conversation": ("쌍방향 소통", "conversation"),
        "community": ("커뮤니티", "community"),
        "connectedness": ("연결성", "connectedness"),
    }
    ko, en = names[top]
    reason = _r(
        f"목표에 중요한 {ko} {c.traits[top]}/5: {why['ko']}",
        f"{en}, which the objectives need, {c.traits[top]}/5: {why['en']}",
    )
    return _mean(scores), [reason]


def _paid_share(plan: Plan) -> float:
    lines = [b for b in plan.budget if b.amount_krw > 0]
    if lines:
        paid = sum(b.amount_krw for b in lines if b.kind == "paid")
        return paid / sum(b.amount_krw for b in lines)
    total = plan.budget_total_krw
    if total <= 0:
        return 0.0
    if total < SMALL_BUDGET_KRW:
        return 0.2
    if total < LARGE_BUDGET_KRW:
        return 0.5
    return 0.7


def _budget(plan: Plan, c: Channel) -> tuple[float, list[dict[str, str]]]:
    p = _paid_share(plan)
    value = (1 - p) * c.organic_strength / 5 + p * c.ad_strength / 5
    pct = round(100 * p)
    if p < 0.5:
        reasons = [
            _r(
                f"유료 비중 {pct}%의 작은 예산: 오가닉 도달력 {c.organic_strength}/5가 중요합니다",
                f"a mostly organic budget ({pct}% paid): organic strength "
                f"{c.organic_strength}/5 matters",
            )
        ]
    elif c.ads:
        reasons = [
            _r(
                f"유료 비중 {pct}%: 광고 지원 {c.ad_strength}/5",
                f"{pct}% of the budget is paid: ad support {c.ad_strength}/5",
            )
        ]
    else:
        reasons = [
            _r(
                f"유료 비중 {pct}%인데 이 채널에는 광고 상품이 없습니다",
                f"{pct}% of the budget is paid, but this channel has no ad product",
            )
        ]
    return value, reasons


def _listening(
    c: Channel, signals: WorkspaceSignals, best: int
) -> tuple[float, list[dict[str, str]]]:
    n = signals.mentions.get(c.key, 0)
    total = sum(signals.mentions.values())
    if n == 0:
        return 0.0, [
            _r(
                "리스닝 데이터에서 이 채널의 계획 토픽 언급이 없습니다",
                "the listening data has no mentions of the plan's topics on this channel",
            )
        ]
    pct = round(100 * n / total, 1)
    return n / best, [
        _r(
            f"리스닝: 계획 토픽 언급의 {pct}%({n:,}건)가 이 채널에서 나왔습니다",
            f"listening: {pct}% of the plan topics' mentions ({n:,}) are on this channel",
        )
    ]


def _performance(
    c: Channel, perf: Mapping[str, dict[str, Any]], best: float
) -> tuple[float, list[dict[str, str]]]:
    row = perf.get(c.key)
    if row is None:
        return NEUTRAL, [
            _r(
                "자사 성과 데이터가 없어 성과 점수는 중립입니다",
                "no own post metrics for this channel: neutral performance",
            )
        ]
    er = float(row["engagement_rate"])
    return er / best if best > 0 else NEUTRAL, [
        _r(
            f"자사 성과: 참여율 {er:.2f}% (게시물 {int(row['posts']):,}개)",
            f"own performance: engagement rate {er:.2f}% over {int(row['posts']):,} posts",
        )
    ]


def _usable_performance(signals: WorkspaceSignals | None) -> dict[str, dict[str, Any]]:
    if signals is None:
        return {}
    return {
        k: row
        for k, row in signals.performance.items()
        if row.get("engagement_rate") is not None and int(row.get("posts") or 0) >= MIN_POSTS
    }


# -- the ranking -------------------------------------------------------------------------------


def recommend(
    plan: Plan, channels: Mapping[str, Channel], signals: WorkspaceSignals | None = None
) -> list[Recommendation]:
    """Every channel of ``channels`` scored for ``plan``, best first (see the module doc)."""
    perf = {k: v for k, v in _usable_performance(signals).items() if k in channels}
    mentions = {k: v for k, v in (signals.mentions if signals else {}).items() if k in channels}
    active = ["objective", "audience", "traits", "budget"]
    if mentions and any(mentions.values()):
        active.append("listening")
    if perf:
        active.append("performance")
    total_w = sum(WEIGHTS[k] for k in active)
    weights = {k: WEIGHTS[k] / total_w for k in active}
    best_mentions = max(mentions.values(), default=0)
    best_er = max((float(r["engagement_rate"]) for r in perf.values()), default=0.0)
    scoped = WorkspaceSignals(mentions=mentions) if signals else WorkspaceSignals()
    out: list[Recommendation] = []
    for key in sorted(channels):
        c = channels[key]
        parts: dict[str, tuple[float, list[dict[str, str]]]] = {
            "objective": _objective(plan, c),
            "audience": _audience(plan, c),
            "traits": _traits(plan, c),
            "budget": _budget(plan, c),
        }
        if "listening" in weights:
            parts["listening"] = _listening(c, scoped, best_mentions)
        if "performance" in weights:
            parts["performance"] = _performance(c, perf, best_er)
        components = {k: round(min(1.0, max(0.0, v)), 4) for k, (v, _) in parts.items()}
        breakdown = {k: round(100 * weights[k] * components[k], 2) for k in parts}
        score = round(sum(breakdown.values()), 2)
        reasons = [r for _, rs in parts.values() for r in rs]
        if not c.write_api:
            reasons.append(
                _r(
                    f"쓰기 API가 없어 수동 발행이 필요합니다: {c.write_api_note}",
                    f"no write API, so posts are published by hand: {c.write_api_note_en}",
                )
            )
        out.append(
            Recommendation(
                channel=key,
                score=score,
                breakdown=breakdown,
                reasons=reasons,
                components=components,
                weights={k: round(v, 4) for k, v in weights.items()},
            )
        )
    out.sort(key=lambda r: (-r.score, r.channel))
    for i, r in enumerate(out, 1):
        r.rank = i
    return out


# -- signals from the workspace ----------------------------------------------------------------


def workspace_signals(
    ws: Workspace, plan: Plan, channels: Mapping[str, Channel] | None = None
) -> WorkspaceSignals:
    """Mentions of the plan's topics by channel (all imported, enriched posts) and the
    workspace's own post performance by channel; what is missing is said in ``notes``."""
    chans = dict(channels) if channels is not None else load_channels(ws)
    signals = WorkspaceSignals()
    _listening_signals(ws, plan, chans, signals)
    _performance_signals(ws, chans, signals)
    return signals


def _listening_signals(
    ws: Workspace, plan: Plan, chans: dict[str, Channel], signals: WorkspaceSignals
) -> None:
    if not plan.topics:
        signals.notes.append(
            _r(
                "계획에 리스닝 토픽이 없어 언급 채널을 반영하지 않았습니다",
                "the plan has no listening topics: mentions by channel are not used",
            )
        )
        return
    topics = []
    for name in plan.topics:
        try:
            topics.append(get_topic(ws, name))
        except SocialopsError:
            signals.notes.append(
                _r(f"토픽 '{name}'이(가) 워크스페이스에 없습니다", f"no topic '{name}' here")
            )
    if not topics:
        return
    if not ws.enriched_files():
        signals.notes.append(
            _r(
                "분석된 게시물이 없어 언급 채널을 반영하지 않았습니다",
                "no enriched posts: mentions by channel are not used",
            )
        )
        return
    try:
        with open_store(ws) as store:
            for t in topic_posts(store, Scope(), topics):
                rows = fetch_arrow(t.group_by("platform").aggregate(n=t.count())).to_pylist()
                for row in rows:
                    platform, n = str(row["platform"]), int(row["n"])
                    key = channel_for_platform(platform, chans)
                    if key is None:
                        signals.unmapped[platform] = signals.unmapped.get(platform, 0) + n
                    else:
                        signals.mentions[key] = signals.mentions.get(key, 0) + n
    except SocialopsError as exc:
        log.info("listening signal unavailable: %s", exc)
        signals.notes.append(
            _r(f"리스닝 데이터를 읽지 못했습니다: {exc}", f"cannot read listening data: {exc}")
        )
        return
    signals.topics = [t.name for t in topics]
    if signals.unmapped:
        names = ", ".join(sorted(signals.unmapped))
        signals.notes.append(
            _r(
                f"채널에 대응하지 않는 플랫폼의 언급은 제외했습니다: {names}",
                f"mentions on platforms that are not channels were left out: {names}",
            )
        )


def _performance_signals(
    ws: Workspace, chans: dict[str, Channel], signals: WorkspaceSignals
) -> None:
    rows = channel_performance(ws)
    for channel, row in rows.items():
        key = channel_for_platform(channel, chans)
        if key is not None:
            signals.performance[key] = dict(row)
    if not signals.performance:
        signals.notes.append(
            _r(
                "가져온 게시물 성과 데이터가 없어 자사 성과를 반영하지 않았습니다",
                "no imported post metrics: own performance is not used",
            )
        )
