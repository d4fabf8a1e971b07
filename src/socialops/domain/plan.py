"""The campaign plan (IMC plan) as plain data: dataclasses, JSON round trip and validation.

A :class:`Plan` is stored as one JSON document (``socialops.plan.store``), so a change is
validated as a whole and saved as a whole: nothing is ever half-saved. Everything here is pure:
no I/O, no clock except where a caller passes one.

Names used everywhere (code, UI, docs):

- *objective*: one of :data:`OBJECTIVES` (the seed, #5, #6, #16, #17)
- *segment*: a target group by customer attributes
- *channel*: a key of the channel knowledge base (``instagram``, ``naver_blog``, ...)
- *channel mix*: the chosen channels, each with a role and the reasons (and an override reason
  when the user went against the recommendation)
- *KPI target*: a KPI of the library (``socialops.measure.kpis``) with a target value
- *calendar item*: one planned piece of content in the content calendar
- *policy*: the operating policy (tone, response times, escalation, crisis levels, ...)
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from socialops.domain.permissions import ROLES, allowed
from socialops.domain.rrule import validate_recurrence
from socialops.errors import PlanError

__all__ = [
    "CHANNEL_ROLES",
    "CUSTOMER_KINDS",
    "DIRECT_ROLES",
    "GENDERS",
    "ITEM_STATUSES",
    "MAX_PUBLISH_APPROVALS",
    "OBJECTIVES",
    "STATES",
    "BudgetLine",
    "CalendarItem",
    "ChannelChoice",
    "CrisisLevel",
    "EscalationRule",
    "KpiTarget",
    "Plan",
    "Policy",
    "Segment",
    "StateEvent",
    "UtmScheme",
    "validate_plan",
    "validate_utm_value",
]

OBJECTIVES: tuple[str, ...] = (
    "sales_promotion",  # 판매 촉진 (#5)
    "new_customers",  # 신규 고객 유치 (#5)
    "retention",  # 고객 유지·로열티 (#5)
    "customer_service",  # 고객 서비스, CRM, 온라인 콜센터 (#6)
    "company_news",  # 회사 소식·홍보 (#1, #6)
    "public_policy",  # 정책 홍보·민원 (#17)
)
STATES: tuple[str, ...] = ("draft", "in_review", "approved", "running", "done")
GENDERS: tuple[str, ...] = ("female", "male")
CUSTOMER_KINDS: tuple[str, ...] = ("any", "new", "existing")
CHANNEL_ROLES: tuple[str, ...] = ("main", "support", "care", "paid")
ITEM_STATUSES: tuple[str, ...] = ("idea", "draft", "ready", "scheduled", "published", "cancelled")
BUDGET_KINDS: tuple[str, ...] = ("paid", "organic")
AGE_BAND = re.compile(r"^(\d{1,2})-(\d{1,3})$")
UTM_VALUE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")
MAX_TEXT = 20_000
SIGNED_KPIS = frozenset({"net_sentiment"})  # (positive − negative) / (positive + negative)
DIRECT_ROLES: tuple[str, ...] = ("owner", "manager")  # who publishes without review by default
MAX_PUBLISH_APPROVALS = 2


@dataclass
class Segment:
    """A target group by customer attributes (#7 "고객 속성에 맞는 맞춤형 마케팅")."""

    name: str
    age_bands: list[str] = field(default_factory=list)  # "20-29", "30-39", ...
    genders: list[str] = field(default_factory=list)  # empty = everyone
    regions: list[str] = field(default_factory=list)  # "서울", "경기", ...
    interests: list[str] = field(default_factory=list)
    customer: str = "any"  # any | new | existing
    purchase_history: str = ""  # free text, e.g. "최근 6개월 구매 없음"
    size_estimate: int | None = None
    saved: str = ""  # a saved customer segment (socialops.segment.store) this one targets


@dataclass
class BudgetLine:
    channel: str
    kind: str  # paid | organic
    amount_krw: int
    note: str = ""


@dataclass
class UtmScheme:
    """``utm_campaign`` for the whole plan, ``utm_source``/``utm_medium`` per channel."""

    campaign: str
    sources: dict[str, str] = field(default_factory=dict)  # channel -> utm_source
    mediums: dict[str, str] = field(default_factory=dict)  # channel -> utm_medium


@dataclass
class ChannelChoice:
    channel: str
    role: str = "main"  # main | support | care | paid
    score: float | None = None  # the recommendation's score when it was chosen
    reasons: list[str] = field(default_factory=list)
    override_reason: str = ""  # why the user chose against the recommendation


@dataclass
class KpiTarget:
    kpi: str  # id in socialops.measure.kpis.LIBRARY
    target: float
    channel: str | None = None  # None: all channels of the plan
    topic: str | None = None  # listening KPIs: the tracked topic measured
    baseline: float | None = None
    baseline_note: str = ""  # where the baseline came from


@dataclass
class CalendarItem:
    """One planned piece of content. ``start`` is naive local time in ``timezone``."""

    item_id: str
    title: str
    start: datetime  # local wall time in `timezone` (naive)
    channel: str
    timezone: str = "Asia/Seoul"
    format: str = ""  # e.g. reel, shorts, card_news, blog_post, live
    pillar: str = ""  # content pillar
    segment: str = ""  # a Segment.name of the plan
    copy: str = ""
    assets: list[str] = field(default_factory=list)
    link: str = ""  # landing URL; UTM tags are added by the link builder
    owner: str = ""
    status: str = "idea"
    recurrence: str = ""  # RFC 5545 RRULE without "RRULE:", e.g. FREQ=WEEKLY;BYDAY=TU;COUNT=8
    revision: int = 0  # bumped on every change (ICS SEQUENCE)


@dataclass
class EscalationRule:
    team: str
    keywords: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)  # inquiry | complaint | praise | spam ...
    within_minutes: int | None = None


@dataclass
class CrisisLevel:
    level: int
    name: str
    trigger: str  # text people read
    actions: list[str] = field(default_factory=list)
    min_negative_share: float | None = None  # structured trigger a later inbox/alerts can use
    min_mentions_per_hour: int | None = None


@dataclass
class Policy:
    tone: str = ""
    response_minutes: dict[str, int] = field(default_factory=dict)  # channel -> first response
    business_hours: str = "09:00-18:00"
    escalation: list[EscalationRule] = field(default_factory=list)
    crisis_levels: list[CrisisLevel] = field(default_factory=list)
    approval_rules: list[str] = field(default_factory=list)
    banned_words: list[str] = field(default_factory=list)
    notes: str = ""
    # publishing (socialops.publish.approvals): approvers each post of the plan needs (0: the
    # roles in ``direct_roles`` publish without review; 1: one approver; 2: two different ones)
    publish_approvals: int = 0
    direct_roles: list[str] = field(default_factory=lambda: list(DIRECT_ROLES))


@dataclass
class StateEvent:
    at: str  # ISO instant, UTC
    actor: str
    action: str  # create | edit | submit | withdraw | approve | reject | start | finish | reopen
    from_state: str | None
    to_state: str
    note: str = ""


@dataclass
class Plan:
    plan_id: str
    name: str
    start: date
    end: date
    timezone: str = "Asia/Seoul"
    template: str = ""
    objectives: list[str] = field(default_factory=list)
    brief_message: str = ""
    brief_offer: str = ""
    brief_visual: str = ""
    segments: list[Segment] = field(default_factory=list)
    channels: list[ChannelChoice] = field(default_factory=list)
    budget_total_krw: int = 0
    budget: list[BudgetLine] = field(default_factory=list)
    utm: UtmScheme = field(default_factory=lambda: UtmScheme(campaign="campaign"))
    kpis: list[KpiTarget] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)  # listening topics of the campaign
    calendar: list[CalendarItem] = field(default_factory=list)
    policy: Policy = field(default_factory=Policy)
    owner: str = ""
    approvers: list[str] = field(default_factory=list)
    approvals: list[str] = field(default_factory=list)  # approvers who approved this review
    state: str = "draft"
    history: list[StateEvent] = field(default_factory=list)
    version: int = 0
    created_at: str = ""
    updated_at: str = ""

    # -- JSON ------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["start"] = self.start.isoformat()
        d["end"] = self.end.isoformat()
        for item in d["calendar"]:
            item["start"] = item["start"].isoformat(timespec="minutes")
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Plan:
        """Build a plan from JSON data; a malformed document is a :class:`PlanError`."""
        try:
            return _plan_from_dict(d)
        except PlanError:
            raise
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise PlanError("plan.malformed", detail=_describe(exc)) from None

    def channel_keys(self) -> list[str]:
        return [c.channel for c in self.channels]


def _describe(exc: Exception) -> str:
    if isinstance(exc, KeyError):
        return f"missing field {exc.args[0]!r}"
    return str(exc).splitlines()[0][:200]


def _parse_date(value: Any, what: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise PlanError("plan.bad_date", field=what, value=str(value)[:40]) from None


def _parse_local(value: Any, what: str) -> datetime:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        raise PlanError("plan.bad_datetime", field=what, value=str(value)[:40]) from None
    return parsed.replace(tzinfo=None)


def _only(cls: Any, d: dict[str, Any]) -> dict[str, Any]:
    names = cls.__dataclass_fields__
    unknown = sorted(set(d) - set(names))
    if unknown:
        raise PlanError("plan.unknown_field", field=unknown[0], where=cls.__name__)
    return dict(d)


def _plan_from_dict(d: dict[str, Any]) -> Plan:
    d = _only(Plan, d)
    d["start"] = _parse_date(d["start"], "start")
    d["end"] = _parse_date(d["end"], "end")
    d["segments"] = [Segment(**_only(Segment, s)) for s in d.get("segments", [])]
    d["channels"] = [ChannelChoice(**_only(ChannelChoice, c)) for c in d.get("channels", [])]
    d["budget"] = [BudgetLine(**_only(BudgetLine, b)) for b in d.get("budget", [])]
    if "utm" in d:
        d["utm"] = UtmScheme(**_only(UtmScheme, d["utm"]))
    d["kpis"] = [KpiTarget(**_only(KpiTarget, k)) for k in d.get("kpis", [])]
    items = []
    for i, raw in enumerate(d.get("calendar", [])):
        raw = _only(CalendarItem, raw)
        raw["start"] = _parse_local(raw["start"], f"calendar[{i}].start")
        items.append(CalendarItem(**raw))
    d["calendar"] = items
    if "policy" in d:
        p = _only(Policy, d["policy"])
        p["escalation"] = [
            EscalationRule(**_only(EscalationRule, e)) for e in p.get("escalation", [])
        ]
        p["crisis_levels"] = [
            CrisisLevel(**_only(CrisisLevel, c)) for c in p.get("crisis_levels", [])
        ]
        d["policy"] = Policy(**p)
    d["history"] = [StateEvent(**_only(StateEvent, h)) for h in d.get("history", [])]
    return Plan(**d)


# -- validation -----------------------------------------------------------------------------


def validate_utm_value(value: str, what: str) -> None:
    """UTM values are lowercase ``a-z 0-9 . _ -``, at most 100 characters."""
    if not UTM_VALUE.match(value or ""):
        raise PlanError("plan.bad_utm", field=what, value=(value or "")[:40])


def _check_text(value: str, what: str, *, required: bool = False, limit: int = MAX_TEXT) -> None:
    if not isinstance(value, str):
        raise PlanError("plan.malformed", detail=f"{what} must be text")
    if required and not value.strip():
        raise PlanError("plan.required", field=what)
    if len(value) > limit:
        raise PlanError("plan.too_long", field=what, limit=limit)


def _check_zone(zone: str, what: str) -> None:
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise PlanError("plan.bad_zone", field=what, value=zone[:60]) from None


def validate_plan(plan: Plan, *, known_channels: set[str], known_kpis: set[str]) -> None:
    """Raise :class:`PlanError` for the first thing wrong with ``plan``.

    ``known_channels`` comes from the channel knowledge base and ``known_kpis`` from the KPI
    library; measurability of each KPI target is checked by ``socialops.measure.kpis``.
    """
    _check_text(plan.name, "name", required=True, limit=200)
    if plan.end < plan.start:
        raise PlanError("plan.dates_order", start=plan.start, end=plan.end)
    if (plan.end - plan.start).days > 3 * 366:
        raise PlanError("plan.too_long_period", start=plan.start, end=plan.end)
    _check_zone(plan.timezone, "timezone")
    if plan.state not in STATES:
        raise PlanError("plan.bad_choice", field="state", value=plan.state, choices=STATES)
    if not plan.objectives:
        raise PlanError("plan.required", field="objectives")
    for o in plan.objectives:
        if o not in OBJECTIVES:
            raise PlanError("plan.bad_choice", field="objectives", value=o, choices=OBJECTIVES)
    for what, text in (
        ("brief_message", plan.brief_message),
        ("brief_offer", plan.brief_offer),
        ("brief_visual", plan.brief_visual),
    ):
        _check_text(text, what)
    names: set[str] = set()
    for s in plan.segments:
        _check_text(s.name, "segments.name", required=True, limit=100)
        if s.name in names:
            raise PlanError("plan.duplicate", field="segments", value=s.name)
        names.add(s.name)
        for band in s.age_bands:
            m = AGE_BAND.match(band)
            if not m or int(m.group(1)) > int(m.group(2)):
                raise PlanError("plan.bad_age_band", value=band)
        for g in s.genders:
            if g not in GENDERS:
                raise PlanError(
                    "plan.bad_choice", field="segments.genders", value=g, choices=GENDERS
                )
        if s.customer not in CUSTOMER_KINDS:
            raise PlanError(
                "plan.bad_choice",
                field="segments.customer",
                value=s.customer,
                choices=CUSTOMER_KINDS,
            )
        if s.size_estimate is not None and s.size_estimate < 0:
            raise PlanError("plan.negative", field="segments.size_estimate")
        _check_text(s.saved, "segments.saved", limit=200)
    chosen: set[str] = set()
    for c in plan.channels:
        if c.channel not in known_channels:
            raise PlanError("plan.unknown_channel", value=c.channel)
        if c.channel in chosen:
            raise PlanError("plan.duplicate", field="channels", value=c.channel)
        chosen.add(c.channel)
        if c.role not in CHANNEL_ROLES:
            raise PlanError(
                "plan.bad_choice", field="channels.role", value=c.role, choices=CHANNEL_ROLES
            )
        _check_text(c.override_reason, "channels.override_reason", limit=2000)
    _validate_budget(plan, chosen)
    _validate_utm(plan, chosen)
    for k in plan.kpis:
        if k.kpi not in known_kpis:
            raise PlanError("plan.unknown_kpi", value=k.kpi)
        if k.channel is not None and k.channel not in chosen:
            raise PlanError("plan.kpi_channel", kpi=k.kpi, channel=k.channel)
        if k.topic is not None and k.topic not in plan.topics:
            raise PlanError("plan.kpi_topic", kpi=k.kpi, topic=k.topic)
        if not isinstance(k.target, int | float) or k.target != k.target:
            raise PlanError("plan.negative", field=f"kpis.{k.kpi}.target")
        if k.kpi in SIGNED_KPIS:
            if not -1 <= k.target <= 1:
                raise PlanError("plan.bad_range", field=f"kpis.{k.kpi}.target", low=-1, high=1)
        elif k.target < 0:
            raise PlanError("plan.negative", field=f"kpis.{k.kpi}.target")
    _validate_calendar(plan, chosen, names)
    _validate_policy(plan.policy, chosen)
    for who in [plan.owner, *plan.approvers]:
        _check_text(who, "approvers", limit=200)


def _validate_budget(plan: Plan, chosen: set[str]) -> None:
    if plan.budget_total_krw < 0:
        raise PlanError("plan.negative", field="budget_total_krw")
    total = 0
    for b in plan.budget:
        if b.kind not in BUDGET_KINDS:
            raise PlanError(
                "plan.bad_choice", field="budget.kind", value=b.kind, choices=BUDGET_KINDS
            )
        if not isinstance(b.amount_krw, int) or b.amount_krw < 0:
            raise PlanError("plan.negative", field=f"budget.{b.channel}")
        if b.channel not in chosen:
            raise PlanError("plan.budget_channel", channel=b.channel)
        total += b.amount_krw
    if plan.budget and total != plan.budget_total_krw:
        raise PlanError("plan.budget_sum", lines=total, total=plan.budget_total_krw)


def _validate_utm(plan: Plan, chosen: set[str]) -> None:
    validate_utm_value(plan.utm.campaign, "utm_campaign")
    for what, mapping in (("utm_source", plan.utm.sources), ("utm_medium", plan.utm.mediums)):
        for channel, value in mapping.items():
            if channel not in chosen:
                raise PlanError("plan.utm_channel", channel=channel)
            validate_utm_value(value, f"{what} ({channel})")


def _validate_calendar(plan: Plan, chosen: set[str], segments: set[str]) -> None:
    ids: set[str] = set()
    for item in plan.calendar:
        if not item.item_id or item.item_id in ids:
            raise PlanError("plan.duplicate", field="calendar.item_id", value=item.item_id)
        ids.add(item.item_id)
        _check_text(item.title, "calendar.title", required=True, limit=200)
        _check_text(item.copy, "calendar.copy", limit=MAX_TEXT)
        if item.channel not in chosen:
            raise PlanError("plan.item_channel", title=item.title, channel=item.channel)
        _check_zone(item.timezone, "calendar.timezone")
        if not plan.start <= item.start.date() <= plan.end:
            raise PlanError(
                "plan.item_outside",
                title=item.title,
                when=item.start.date(),
                start=plan.start,
                end=plan.end,
            )
        if item.segment and item.segment not in segments:
            raise PlanError("plan.item_segment", title=item.title, segment=item.segment)
        if item.status not in ITEM_STATUSES:
            raise PlanError(
                "plan.bad_choice", field="calendar.status", value=item.status, choices=ITEM_STATUSES
            )
        if item.link and not re.match(r"^https?://[^\s]+$", item.link):
            raise PlanError("plan.bad_link", title=item.title, value=item.link[:60])
        if item.recurrence:
            validate_recurrence(item.recurrence, item.title)


def _validate_policy(policy: Policy, chosen: set[str]) -> None:
    _check_text(policy.tone, "policy.tone")
    _check_text(policy.notes, "policy.notes")
    for channel, minutes in policy.response_minutes.items():
        if channel not in chosen:
            raise PlanError("plan.policy_channel", channel=channel)
        if not isinstance(minutes, int) or minutes <= 0:
            raise PlanError("plan.negative", field=f"policy.response_minutes.{channel}")
    if not re.match(r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$", policy.business_hours):
        raise PlanError("plan.bad_hours", value=policy.business_hours[:20])
    levels = [c.level for c in policy.crisis_levels]
    if len(set(levels)) != len(levels):
        raise PlanError("plan.duplicate", field="policy.crisis_levels", value=str(levels))
    for e in policy.escalation:
        _check_text(e.team, "policy.escalation.team", required=True, limit=100)
        if not e.keywords and not e.categories:
            raise PlanError("plan.escalation_empty", team=e.team)
    _validate_publishing(policy)


def _validate_publishing(policy: Policy) -> None:
    """``publish_approvals`` is 0, 1 or 2; ``direct_roles`` are roles that may write posts."""
    n = policy.publish_approvals
    if isinstance(n, bool) or not isinstance(n, int) or not 0 <= n <= MAX_PUBLISH_APPROVALS:
        raise PlanError(
            "plan.bad_range", field="policy.publish_approvals", low=0, high=MAX_PUBLISH_APPROVALS
        )
    if not isinstance(policy.direct_roles, list):
        raise PlanError("plan.malformed", detail="policy.direct_roles must be a list")
    writers = [r for r in ROLES if allowed(r, "publish.draft")]
    for role in policy.direct_roles:
        if role not in writers:
            raise PlanError(
                "plan.bad_choice",
                field="policy.direct_roles",
                value=str(role)[:40],
                choices=writers,
            )
