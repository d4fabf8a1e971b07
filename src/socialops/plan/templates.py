"""Plan templates for common Korean cases: a new product launch, a bank's social customer-care
channel, an airline's social customer care, a public agency's policy PR, keeping loyal customers.

Each template (``plan/data/templates/<name>.json``) pre-fills objectives, a brief with prompts,
segments, channel candidates with roles and reasons, a budget split in percent, UTM mediums, KPI
targets, a starter content calendar relative to the start (or end) day and an operating policy.
:func:`plan_from_template` turns one into an unsaved :class:`~socialops.domain.plan.Plan` for a
given name, period and budget:

- budget lines are the template's percentages of the total, rounded by the largest remainder
  so they always add up to the total exactly (:func:`allocate`);
- ``utm_campaign`` is the template name and the start month (``product-launch-202603``);
  ``utm_source``/``utm_medium`` come from the channel knowledge base, mediums where the template
  says otherwise (``paid_social``);
- cumulative KPI targets (reach, clicks, mentions, ...) are scaled from the template's reference
  period to the plan's length; listening KPIs measure the first of ``topics`` and are left out,
  with a note, when no topics are given (share of voice needs two topics);
- calendar items fall on ``start + offset`` (``anchor: "end"``: ``end + offset``); items outside
  the period are left out, and recurring ones start on their first matching day and get a
  ``COUNT`` that keeps every occurrence inside the period;
- every channel chosen gets the recommendation's score (:mod:`socialops.plan.recommend`).

The plan is checked with :func:`~socialops.domain.plan.validate_plan` (and the KPI library's
measurability rules) before it is returned; :func:`build_from_template` also returns the notes
(what was left out or scaled, in Korean and English).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta
from fractions import Fraction
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from dateutil.rrule import rrulestr

from socialops.domain.channels import Channel, load_channels
from socialops.domain.kpis import LIBRARY
from socialops.domain.plan import CHANNEL_ROLES, OBJECTIVES, Plan, validate_plan
from socialops.i18n import MESSAGES
from socialops.measure.kpis import check_measurable
from socialops.plan.messages import PlanError
from socialops.plan.recommend import recommend

if TYPE_CHECKING:
    from socialops.store.workspace import Workspace

__all__ = [
    "TEMPLATES",
    "allocate",
    "build_from_template",
    "get_template",
    "list_templates",
    "plan_from_template",
    "reason_text",
]

TEMPLATES: tuple[str, ...] = (
    "product-launch",
    "bank-customer-care",
    "airline-customer-care",
    "public-policy-pr",
    "retention-loyalty",
)
# used when the KPI library (socialops.measure.kpis) cannot be imported
_LISTENING = frozenset({"mentions", "share_of_voice", "net_sentiment"})
_CUMULATIVE = frozenset(
    {"reach", "impressions", "engagements", "clicks", "conversions", "mentions", "posts"}
)
_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
_MAX_EXPAND = 1000


def _note(ko: str, en: str) -> dict[str, str]:
    return {"ko": ko, "en": en}


# -- reading the files -------------------------------------------------------------------------


def _fail(name: str, where: str, ko: str, en: str) -> PlanError:
    return PlanError("plan.template_file", name=name, where=where, problem_ko=ko, problem_en=en)


@cache
def get_template(name: str) -> dict[str, Any]:
    """The template's JSON data, checked; unknown name → ``plan.unknown_template``."""
    if name not in TEMPLATES:
        raise PlanError("plan.unknown_template", name=name[:60], choices=TEMPLATES)
    path = resources.files("socialops.plan") / "data" / "templates" / f"{name}.json"
    try:
        doc = json.loads(path.read_text("utf-8"))
    except json.JSONDecodeError as exc:
        raise _fail(name, f"line {exc.lineno}", "JSON 문법 오류", "invalid JSON") from None
    _check(name, doc)
    return dict(doc)


def _check(name: str, t: Any) -> None:
    """What a template must hold; the rest is checked by validate_plan on the plan it makes."""
    required = {
        "name", "title_ko", "title_en", "description_ko", "description_en", "objectives",
        "default_budget_krw", "reference_days", "brief", "brief_prompts", "segments", "channels",
        "budget", "utm", "kpis", "calendar", "policy",
    }  # fmt: skip
    if not isinstance(t, dict):
        raise _fail(name, "(top)", "JSON 객체여야 합니다", "must be a JSON object")
    missing = sorted(required - set(t))
    if missing:
        raise _fail(name, missing[0], "필수 항목이 없습니다", "is missing")
    if t["name"] != name:
        raise _fail(name, "name", "파일 이름과 같아야 합니다", "must match the file name")
    for o in t["objectives"]:
        if o not in OBJECTIVES:
            raise _fail(
                name, "objectives", f"'{o}'은(는) 목표가 아닙니다", f"'{o}' is no objective"
            )
    keys = [c["channel"] for c in t["channels"]]
    for c in t["channels"]:
        if c.get("role") not in CHANNEL_ROLES:
            raise _fail(
                name, f"channels.{c['channel']}.role", "역할이 올바르지 않습니다", "bad role"
            )
        if len(c.get("reasons_en", ())) != len(c.get("reasons", ())):
            raise _fail(
                name,
                f"channels.{c['channel']}.reasons_en",
                "이유마다 영어 문장이 하나씩 있어야 합니다",
                "every reason needs its English",
            )
    total = sum(Fraction(str(b["percent"])) for b in t["budget"])
    if total != 100:
        raise _fail(
            name,
            "budget",
            f"비율 합계가 {total}%입니다(100%여야 함)",
            f"percents add up to {total}, not 100",
        )
    for where, ch in [("budget", b["channel"]) for b in t["budget"]] + [
        ("calendar", i["channel"]) for i in t["calendar"]
    ]:
        if ch not in keys:
            raise _fail(
                name,
                where,
                f"채널 '{ch}'이(가) 템플릿 채널에 없습니다",
                f"channel '{ch}' is not one of the template's",
            )
    segments = {s["name"] for s in t["segments"]}
    for i, item in enumerate(t["calendar"]):
        w = f"calendar[{i}]"
        if item.get("anchor", "start") not in ("start", "end"):
            raise _fail(name, f"{w}.anchor", "start 또는 end여야 합니다", "must be start or end")
        if not isinstance(item.get("offset_days"), int):
            raise _fail(name, f"{w}.offset_days", "정수여야 합니다", "must be a whole number")
        if not _TIME.match(str(item.get("time", ""))):
            raise _fail(name, f"{w}.time", "HH:MM 형식이어야 합니다", "must be HH:MM")
        if item.get("segment") and item["segment"] not in segments:
            raise _fail(name, f"{w}.segment", "템플릿에 없는 세그먼트입니다", "unknown segment")
    if not isinstance(t["reference_days"], int) or t["reference_days"] < 1:
        raise _fail(
            name, "reference_days", "1 이상의 정수여야 합니다", "must be a whole number ≥ 1"
        )


# -- listing -----------------------------------------------------------------------------------


def list_templates(lang: str = "ko") -> list[dict[str, Any]]:
    """Name, title, description, objectives, channels (and more) of every template."""
    en = lang == "en"
    out = []
    for name in TEMPLATES:
        t = get_template(name)
        out.append(
            {
                "name": name,
                "title": t["title_en"] if en else t["title_ko"],
                "description": t["description_en"] if en else t["description_ko"],
                "objectives": list(t["objectives"]),
                "channels": [c["channel"] for c in t["channels"]],
                "default_budget_krw": t["default_budget_krw"],
                "reference_days": t["reference_days"],
                "segments": [s["name"] for s in t["segments"]],
                "brief_prompts": {
                    k: v["en" if en else "ko"] for k, v in t["brief_prompts"].items()
                },
            }
        )
    return out


@cache
def _reasons_en() -> dict[str, str]:
    own = {  # the reasons the product writes itself (socialops.i18n.plan_reasons)
        entry["ko"]: entry["en"]
        for key, entry in MESSAGES.items()
        if key.startswith("plan.reason.")
    }
    return own | {
        ko: en
        for name in TEMPLATES
        for c in get_template(name)["channels"]
        for ko, en in zip(c["reasons"], c["reasons_en"], strict=True)
    }


def reason_text(reason: str, lang: str) -> str:
    """A channel reason of a plan in ``lang``: a template's reason (kept in the plan in Korean)
    in the template's English for an English reader; a reason someone wrote, as written."""
    return _reasons_en().get(reason, reason) if lang == "en" else reason


# -- budget ------------------------------------------------------------------------------------


def allocate(total: int, percents: Sequence[float | int | str | Fraction]) -> list[int]:
    """Split ``total`` KRW by ``percents`` (summing to 100) into whole won that add up to
    ``total`` exactly: floor each share, then give the won left over to the largest remainders
    (ties: the earlier line)."""
    if total < 0:
        raise PlanError("plan.negative", field="budget_total_krw")
    shares = [Fraction(str(p)) * total / 100 for p in percents]
    if sum(shares) != total:
        raise PlanError("plan.budget_sum", lines=int(sum(shares)), total=total)
    amounts = [math.floor(s) for s in shares]
    left = total - sum(amounts)
    order = sorted(range(len(shares)), key=lambda i: (-(shares[i] - amounts[i]), i))
    for i in order[:left]:
        amounts[i] += 1
    return amounts


# -- calendar ----------------------------------------------------------------------------------


def _parts(rule: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in rule.split(";"):
        key, _, value = part.partition("=")
        out[key.strip().upper()] = value.strip()
    return out


def _clip(first: datetime, rule: str, end: date) -> tuple[datetime | None, str]:
    """The first occurrence on or after ``first`` and a rule whose ``COUNT`` keeps every
    occurrence on or before ``end`` (and within the template's own COUNT)."""
    parts = _parts(rule)
    wanted = int(parts.pop("COUNT", "0")) or _MAX_EXPAND
    parts.pop("UNTIL", None)
    body = ";".join(f"{k}={v}" for k, v in parts.items())
    starts: list[datetime] = []
    for occurrence in rrulestr(body, dtstart=first):
        if occurrence.date() > end or len(starts) >= min(wanted, _MAX_EXPAND):
            break
        starts.append(occurrence)
    if not starts:
        return None, ""
    if len(starts) == 1:
        return starts[0], ""
    return starts[0], f"{body};COUNT={len(starts)}"


def _calendar(t: dict[str, Any], start: date, end: date) -> tuple[list[dict[str, Any]], int]:
    items: list[dict[str, Any]] = []
    dropped = 0
    for i, it in enumerate(t["calendar"], 1):
        base = start if it.get("anchor", "start") == "start" else end
        day = base + timedelta(days=it["offset_days"])
        hh, mm = (int(x) for x in it["time"].split(":"))
        when: datetime | None = datetime.combine(day, time(hh, mm))
        rule = it.get("recurrence", "")
        if when is not None and rule and start <= day <= end:
            when, rule = _clip(when, rule, end)
        if when is None or not start <= when.date() <= end:
            dropped += 1
            continue
        items.append(
            {
                "item_id": f"c{i:02d}",
                "title": it["title"],
                "start": when.isoformat(timespec="minutes"),
                "channel": it["channel"],
                "timezone": "Asia/Seoul",
                "format": it.get("format", ""),
                "pillar": it.get("pillar", ""),
                "segment": it.get("segment", ""),
                "copy": it.get("copy", ""),
                "status": "draft",
                "recurrence": rule,
            }
        )
    return items, dropped


# -- KPIs --------------------------------------------------------------------------------------


def _library() -> Mapping[str, Any] | None:
    return LIBRARY


def _nice(value: float) -> float:
    """A target rounded to two significant digits (at least 1)."""
    if value <= 0:
        return 0
    digits = 1 - math.floor(math.log10(value))
    rounded = round(value, digits)
    return max(1, int(rounded)) if rounded >= 1 else rounded


def _kpis(
    t: dict[str, Any],
    days: int,
    topics: list[str],
    notes: list[dict[str, str]],
) -> list[dict[str, Any]]:
    library = _library()
    out: list[dict[str, Any]] = []
    no_topic: list[str] = []
    ratio = Fraction(days, t["reference_days"])
    for k in t["kpis"]:
        kpi = k["kpi"]
        info = library.get(kpi) if library is not None else None
        if library is not None and info is None:
            raise _fail(
                t["name"], f"kpis.{kpi}", "KPI 라이브러리에 없습니다", "not in the KPI library"
            )
        if info is not None and info.unit != k["unit"]:
            raise _fail(
                t["name"],
                f"kpis.{kpi}.unit",
                f"단위는 {info.unit}이어야 합니다",
                f"the unit is {info.unit}",
            )
        listening = info.source == "listening" if info is not None else kpi in _LISTENING
        cumulative = info.cumulative if info is not None else kpi in _CUMULATIVE
        topic = None
        if listening:
            if not topics:
                no_topic.append(kpi)
                continue
            if kpi == "share_of_voice" and len(topics) < 2:
                notes.append(
                    _note(
                        "점유율(SOV) 목표는 비교할 토픽(경쟁사 등)이 2개 이상일 때만 넣었습니다. "
                        "토픽을 더하고 다시 만들거나 직접 추가해 주세요.",
                        "The share-of-voice target needs two topics or more (e.g. a "
                        "competitor): add topics and add it yourself.",
                    )
                )
                continue
            topic = topics[0]
        target = float(k["target"])
        if cumulative and ratio != 1:
            target = float(_nice(target * float(ratio)))
        out.append({"kpi": kpi, "target": target, "channel": k.get("channel"), "topic": topic})
    if no_topic:
        names = ", ".join(dict.fromkeys(no_topic))
        notes.append(
            _note(
                f"리스닝 토픽이 없어 리스닝 KPI({names})를 넣지 않았습니다. --topic으로 브랜드 "
                "토픽을 주면 첫 토픽을 측정합니다.",
                f"No listening topics, so the listening KPIs ({names}) were left out; give "
                "brand topics (--topic) and the first one is measured.",
            )
        )
    if ratio != 1 and any(
        (library[k["kpi"]].cumulative if library else k["kpi"] in _CUMULATIVE) for k in t["kpis"]
    ):
        notes.append(
            _note(
                f"누적 KPI 목표(도달·클릭·전환 등)는 템플릿 기준 {t['reference_days']}일을 계획 "
                f"기간 {days}일에 맞춰 비례 조정했습니다.",
                f"Cumulative KPI targets (reach, clicks, conversions, ...) were scaled from the "
                f"template's {t['reference_days']} days to the plan's {days}.",
            )
        )
    return out


def _measurable(plan: Plan, channels: Mapping[str, Channel], notes: list[dict[str, str]]) -> None:
    """Leave out the KPI targets the plan gives no way to measure (e.g. CPA without budget)."""
    kept = []
    for target in plan.kpis:
        try:
            check_measurable(plan, target, channels)
        except PlanError as exc:
            if exc.code != "plan.kpi_unmeasurable":
                raise
            where = f" ({target.channel})" if target.channel else ""
            notes.append(
                _note(
                    f"KPI '{target.kpi}'{where}을(를) 넣지 않았습니다: {exc.text('ko')}",
                    f"KPI '{target.kpi}'{where} was left out: {exc.text('en')}",
                )
            )
            continue
        kept.append(target)
    plan.kpis = kept


# -- the plan ----------------------------------------------------------------------------------


def build_from_template(
    name: str,
    *,
    plan_name: str,
    start: date,
    end: date,
    ws: Workspace | None = None,
    budget_krw: int | None = None,
    topics: Sequence[str] | None = None,
) -> tuple[Plan, list[dict[str, str]]]:
    """The unsaved plan (``plan_id`` empty) and notes ``{"ko", "en"}`` on what was adapted."""
    t = get_template(name)
    if end < start:
        raise PlanError("plan.dates_order", start=start, end=end)
    total = t["default_budget_krw"] if budget_krw is None else budget_krw
    if isinstance(total, bool) or not isinstance(total, int) or total < 0:
        raise PlanError("plan.negative", field="budget_krw")
    names = [str(x).strip() for x in (topics or []) if str(x).strip()]
    topic_list = list(dict.fromkeys(names))
    channels = load_channels(ws)
    notes: list[dict[str, str]] = []
    keys = [c["channel"] for c in t["channels"]]

    lines = t["budget"] if total > 0 else []
    amounts = allocate(total, [b["percent"] for b in lines])
    budget = [
        {"channel": b["channel"], "kind": b["kind"], "amount_krw": a, "note": b.get("note", "")}
        for b, a in zip(lines, amounts, strict=True)
    ]
    if total == 0:
        notes.append(_note("예산이 0원이라 예산 줄을 만들지 않았습니다.", "Budget 0: no lines."))
    mediums = t["utm"].get("mediums", {})
    calendar, dropped = _calendar(t, start, end)
    if dropped:
        notes.append(
            _note(
                f"계획 기간 밖에 놓이는 캘린더 항목 {dropped}개를 빼고 만들었습니다.",
                f"{dropped} calendar items that fall outside the period were left out.",
            )
        )
    days = (end - start).days + 1
    doc: dict[str, Any] = {
        "plan_id": "",
        "name": plan_name,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "timezone": "Asia/Seoul",
        "template": name,
        "objectives": list(t["objectives"]),
        "brief_message": t["brief"]["message"],
        "brief_offer": t["brief"]["offer"],
        "brief_visual": t["brief"]["visual"],
        "segments": [dict(s) for s in t["segments"]],
        "channels": [
            {"channel": c["channel"], "role": c["role"], "reasons": list(c["reasons"])}
            for c in t["channels"]
        ],
        "budget_total_krw": total,
        "budget": budget,
        "utm": {
            "campaign": f"{name}-{start:%Y%m}",
            "sources": {k: channels[k].utm_source for k in keys if k in channels},
            "mediums": {k: mediums.get(k, channels[k].utm_medium) for k in keys if k in channels},
        },
        "kpis": _kpis(t, days, topic_list, notes),
        "topics": topic_list,
        "calendar": calendar,
        "policy": json.loads(json.dumps(t["policy"])),
    }
    plan = Plan.from_dict(doc)
    scores = {r.channel: r.score for r in recommend(plan, channels)}
    for choice in plan.channels:
        choice.score = scores.get(choice.channel)
    _measurable(plan, channels, notes)
    library = _library()
    known_kpis = set(library) if library is not None else {k.kpi for k in plan.kpis}
    validate_plan(plan, known_channels=set(channels), known_kpis=known_kpis)
    return plan, notes


def plan_from_template(
    name: str,
    *,
    plan_name: str,
    start: date,
    end: date,
    ws: Workspace | None = None,
    budget_krw: int | None = None,
    topics: Sequence[str] | None = None,
) -> Plan:
    """An unsaved plan (``plan_id`` empty) from template ``name``; see the module doc."""
    plan, _ = build_from_template(
        name,
        plan_name=plan_name,
        start=start,
        end=end,
        ws=ws,
        budget_krw=budget_krw,
        topics=topics,
    )
    return plan
