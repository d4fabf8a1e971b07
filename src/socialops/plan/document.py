"""The plan document: everything an exported plan shows, gathered once, as plain data.

:func:`plan_document` collects the plan's fields with labels in the chosen language, the
channel mix with the recommendation's scores, the budget table, the UTM scheme with a tracked
link per channel, KPI targets with their formulas and the plan vs actual, the content calendar
(recurring items expanded, special days, warnings), the operating policy and the approval
history. The document formats (HTML, PDF, XLSX: :mod:`socialops.plan.formats`) only lay it out.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo

from socialops.domain.channels import load_channels
from socialops.domain.kpis import LIBRARY
from socialops.domain.plan import Plan
from socialops.plan.actuals import plan_vs_actual
from socialops.plan.calendar import calendar_warnings, occurrences, special_days
from socialops.plan.labels import LANGS, label, labels
from socialops.plan.messages import PlanError
from socialops.plan.recommend import recommend
from socialops.plan.templates import reason_text
from socialops.plan.utm import build_link
from socialops.store.workspace import Workspace

__all__ = ["check_lang", "fmt_krw", "fmt_value", "plan_document"]

_SAFE_URL = re.compile(r"^https?://[^\s<>\"']+$")
_EXAMPLE_BASE = "https://example.invalid/"


# -- formatting ------------------------------------------------------------------------------


def fmt_krw(amount: float | None, lang: str) -> str:
    """``1,500,000원`` / ``KRW 1,500,000``; None is a dash."""
    if amount is None:
        return "—"
    n = round(amount)
    return f"KRW {n:,}" if lang == "en" else f"{n:,}원"


def fmt_value(value: float | None, unit: str, lang: str) -> str:
    """A KPI value in its unit: percent values are percentage points (3.2 → ``3.2%``)."""
    if value is None:
        return "—"
    if unit == "percent":
        return f"{value:,.1f}%"
    if unit == "ratio":
        return f"{value:,.2f}"
    if unit == "krw":
        return fmt_krw(value, lang)
    if unit == "minutes":
        return f"{value:,.0f} min" if lang == "en" else f"{value:,.0f}분"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}"


def _pct(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.1f}%"


def _join(values: list[str], lang: str) -> str:
    return ", ".join(v for v in values if v) or label("field.none", lang)


def _safe_url(url: str) -> str | None:
    """``url`` when it is a plain http(s) URL a document may link to, else None."""
    return url if url and _SAFE_URL.match(url) else None


# -- the document ----------------------------------------------------------------------------


def plan_document(
    ws: Workspace | None, plan: Plan, lang: str, today: date | None = None
) -> dict[str, Any]:
    """Everything a plan document shows, as plain data, labels in ``lang``.

    Values come twice where a writer needs both: raw (numbers, dates: the workbook) and as text
    (``*_text``: the HTML and PDF documents). ``ws`` None: no workspace data, so no actuals and
    no recommendation from listening signals.
    """
    check_lang(lang)
    zone = ZoneInfo(plan.timezone)
    as_of = today or datetime.now(zone).date()
    channels = load_channels(ws)

    def channel_name(key: str) -> str:
        ch = channels.get(key)
        if ch is None:
            return key
        return ch.name_en if lang == "en" else ch.name_ko

    warnings = calendar_warnings(plan, channels)
    occ = occurrences(plan)
    specials = special_days(plan.start, plan.end)
    doc: dict[str, Any] = {
        "lang": lang,
        "L": labels(lang),
        "as_of": as_of,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "plan": _summary(plan, lang),
        "objectives": [{"key": o, "label": label(f"objective.{o}", lang)} for o in plan.objectives],
        "brief": {
            "message": plan.brief_message,
            "offer": plan.brief_offer,
            "visual": plan.brief_visual,
        },
        "topics": list(plan.topics),
        "segments": [_segment(s, lang) for s in plan.segments],
        "channels": _channel_mix(plan, channels, channel_name, lang),
        "budget": _budget(plan, channel_name, lang),
        "utm": _utm(plan, channel_name),
        "kpis": _kpis(ws, plan, as_of, channel_name, lang),
        "calendar": _calendar(plan, occ, specials, warnings, channel_name, lang),
        "policy": _policy(plan, channel_name, lang),
        "history": [
            {
                "at": h.at,
                "actor": h.actor,
                "action": label(f"action.{h.action}", lang),
                "from_state": label(f"state.{h.from_state}", lang) if h.from_state else "",
                "to_state": label(f"state.{h.to_state}", lang),
                "note": h.note,
            }
            for h in plan.history
        ],
    }
    return doc


def check_lang(lang: str) -> None:
    if lang not in LANGS:
        raise PlanError("plan.export_lang", value=str(lang)[:20])


def _summary(plan: Plan, lang: str) -> dict[str, Any]:
    return {
        "plan_id": plan.plan_id,
        "name": plan.name,
        "start": plan.start,
        "end": plan.end,
        "days": (plan.end - plan.start).days + 1,
        "period_text": f"{plan.start.isoformat()} ~ {plan.end.isoformat()}",
        "timezone": plan.timezone,
        "template": plan.template,
        "state": plan.state,
        "state_label": label(f"state.{plan.state}", lang),
        "owner": plan.owner,
        "approvers": list(plan.approvers),
        "approvals": list(plan.approvals),
        "version": plan.version,
        "created_at": plan.created_at,
        "updated_at": plan.updated_at,
        "budget_total": plan.budget_total_krw,
        "budget_total_text": fmt_krw(plan.budget_total_krw, lang),
        "objectives_text": _join([label(f"objective.{o}", lang) for o in plan.objectives], lang),
    }


def _segment(s: Any, lang: str) -> dict[str, Any]:
    return {
        "name": s.name,
        "age_bands": _join(s.age_bands, lang),
        "genders": _join([label(f"gender.{g}", lang) for g in s.genders], lang)
        if s.genders
        else label("customer.any", lang),
        "regions": _join(s.regions, lang),
        "interests": _join(s.interests, lang),
        "customer": label(f"customer.{s.customer}", lang),
        "purchase_history": s.purchase_history,
        "size_estimate": s.size_estimate,
        "size_text": "—" if s.size_estimate is None else f"{s.size_estimate:,}",
    }


def _channel_mix(
    plan: Plan, channels: dict[str, Any], channel_name: Callable[[str], str], lang: str
) -> dict[str, Any]:
    """The chosen channels with their role, reasons and the recommendation's score today."""
    recs = {r.channel: r for r in recommend(plan, channels)} if channels else {}
    rows = []
    for c in plan.channels:
        rec = recs.get(c.channel)
        rec_reasons = [str(r.get(lang) or r.get("ko") or "") for r in rec.reasons] if rec else []
        score = rec.score if rec is not None else c.score
        rows.append(
            {
                "channel": c.channel,
                "name": channel_name(c.channel),
                "role": label(f"role.{c.role}", lang),
                "score": score,
                "score_text": "—" if score is None else f"{score:.0f}",
                "breakdown": dict(rec.breakdown) if rec else {},
                "breakdown_text": ", ".join(
                    f"{label(f'component.{k}', lang)} {v:.0f}" for k, v in rec.breakdown.items()
                )
                if rec
                else "",
                "reasons": [reason_text(r, lang) for r in c.reasons if r] or rec_reasons,
                "override_reason": reason_text(c.override_reason, lang),
            }
        )
    chosen = set(plan.channel_keys())
    others = [
        {"channel": r.channel, "name": channel_name(r.channel), "score_text": f"{r.score:.0f}"}
        for r in sorted(recs.values(), key=lambda r: -r.score)
        if r.channel not in chosen
    ][:3]
    return {"rows": rows, "not_chosen": others}


def _budget(plan: Plan, channel_name: Callable[[str], str], lang: str) -> dict[str, Any]:
    total = sum(b.amount_krw for b in plan.budget)
    rows = [
        {
            "channel": b.channel,
            "name": channel_name(b.channel),
            "kind": b.kind,
            "kind_label": label(f"budget.{b.kind}", lang),
            "amount": b.amount_krw,
            "amount_text": fmt_krw(b.amount_krw, lang),
            "share": b.amount_krw / total if total else None,
            "share_text": _pct(b.amount_krw / total if total else None),
            "note": b.note,
        }
        for b in plan.budget
    ]
    by_channel = []
    for key in dict.fromkeys([*plan.channel_keys(), *(b.channel for b in plan.budget)]):
        paid = sum(b.amount_krw for b in plan.budget if b.channel == key and b.kind == "paid")
        organic = sum(b.amount_krw for b in plan.budget if b.channel == key and b.kind == "organic")
        both = paid + organic
        by_channel.append(
            {
                "channel": key,
                "name": channel_name(key),
                "paid": paid,
                "organic": organic,
                "total": both,
                "paid_text": fmt_krw(paid, lang),
                "organic_text": fmt_krw(organic, lang),
                "total_text": fmt_krw(both, lang),
                "share": both / total if total else None,
                "share_text": _pct(both / total if total else None),
            }
        )
    paid_total = sum(b.amount_krw for b in plan.budget if b.kind == "paid")
    organic_total = total - paid_total
    return {
        "rows": rows,
        "by_channel": by_channel,
        "paid_total": paid_total,
        "organic_total": organic_total,
        "total": total,
        "plan_total": plan.budget_total_krw,
        "paid_total_text": fmt_krw(paid_total, lang),
        "organic_total_text": fmt_krw(organic_total, lang),
        "total_text": fmt_krw(total, lang),
        "plan_total_text": fmt_krw(plan.budget_total_krw, lang),
        "paid_share_text": _pct(paid_total / total if total else None),
        "organic_share_text": _pct(organic_total / total if total else None),
        "matches": not plan.budget or total == plan.budget_total_krw,
    }


def _utm(plan: Plan, channel_name: Callable[[str], str]) -> dict[str, Any]:
    """The UTM scheme and, per channel, a tracked link built on one of the plan's own links.

    Source and medium are the values the link builder puts in the link (defaults included).

    A channel without a link of its own borrows the plan's first link; a plan without any link
    shows the query string alone (no made-up address in the document).
    """
    links = {i.channel: i.link for i in reversed(plan.calendar) if i.link}
    first = next((i.link for i in plan.calendar if i.link), "")
    rows = []
    for key in plan.channel_keys():
        base = links.get(key) or first
        url = build_link(base or _EXAMPLE_BASE, plan, key)
        example = url if base else "?" + url.split("?", 1)[-1]
        query = dict(parse_qsl(urlsplit(url).query))
        rows.append(
            {
                "channel": key,
                "name": channel_name(key),
                "source": query.get("utm_source", ""),
                "medium": query.get("utm_medium", ""),
                "example": example,
                "href": _safe_url(example),
            }
        )
    return {"campaign": plan.utm.campaign, "rows": rows}


def _kpis(
    ws: Workspace | None,
    plan: Plan,
    as_of: date,
    channel_name: Callable[[str], str],
    lang: str,
) -> dict[str, Any]:
    actual_rows: dict[tuple[str, str | None, str | None], Any] = {}
    elapsed: float | None = None
    measured_as_of: date | None = None
    if ws is not None:
        pva = plan_vs_actual(ws, plan, today=as_of)
        elapsed = pva.elapsed
        measured_as_of = pva.as_of
        for r in pva.rows:
            actual_rows.setdefault((r.kpi, r.channel, r.topic), r)
    rows = []
    for k in plan.kpis:
        spec = LIBRARY.get(k.kpi)
        unit = spec.unit if spec is not None else "count"
        act = actual_rows.get((k.kpi, k.channel, k.topic))
        status = act.status if act is not None else "no_data"
        actual = act.actual if act is not None else None
        expected = act.expected_to_date if act is not None else None
        pacing = act.pacing if act is not None else None
        note = ""
        if act is not None:
            note = act.note_en if lang == "en" else act.note_ko
        rows.append(
            {
                "kpi": k.kpi,
                "name": (spec.name_en if lang == "en" else spec.name_ko) if spec else k.kpi,
                "formula": (spec.formula_en if lang == "en" else spec.formula_ko) if spec else "",
                "unit": unit,
                "better": spec.better if spec else "higher",
                "source": spec.source if spec else "",
                "channel": k.channel or "",
                "channel_name": channel_name(k.channel)
                if k.channel
                else label("field.total", lang),
                "topic": k.topic or "",
                "baseline": k.baseline,
                "baseline_note": k.baseline_note,
                "target": k.target,
                "actual": actual,
                "expected": expected,
                "pacing": pacing,
                "status": status,
                "status_label": label(f"kpi_status.{status}", lang),
                "baseline_text": fmt_value(k.baseline, unit, lang),
                "target_text": fmt_value(k.target, unit, lang),
                "actual_text": fmt_value(actual, unit, lang),
                "expected_text": fmt_value(expected, unit, lang),
                "pacing_text": _pct(pacing),
                "note": note,
            }
        )
    return {
        "measured": ws is not None,
        "as_of": measured_as_of or as_of,
        "elapsed": elapsed,
        "elapsed_text": _pct(elapsed),
        "rows": rows,
        "off_track": sum(1 for r in rows if r["status"] == "off_track"),
    }


def _calendar(
    plan: Plan,
    occ: list[Any],
    specials: list[Any],
    warnings: list[Any],
    channel_name: Callable[[str], str],
    lang: str,
) -> dict[str, Any]:
    """One row per occurrence (date order), and the same rows grouped by day with special days."""
    special_by_day: dict[date, list[str]] = {}
    for s in specials:
        special_by_day.setdefault(s.day, []).append(s.name_en if lang == "en" else s.name_ko)
    by_item: dict[str, list[Any]] = {}
    for w in warnings:
        by_item.setdefault(w.item_id, []).append(w)
    rows = []
    for o in sorted(occ, key=lambda o: (o.start_utc, o.item.item_id, o.n)):
        item = o.item
        local = o.start_local
        day = local.date()
        texts = [
            (w.en if lang == "en" else w.ko)
            for w in by_item.get(item.item_id, [])
            if w.day is None or w.day == day
        ]
        tracked = build_link(item.link, plan, item.channel, item.item_id) if item.link else ""
        rows.append(
            {
                "item_id": item.item_id,
                "n": o.n,
                "date": day,
                "date_text": day.isoformat(),
                "weekday": label(f"weekday.{day.weekday()}", lang),
                "time": local.time().replace(second=0, microsecond=0),
                "time_text": local.strftime("%H:%M"),
                "zone": item.timezone,
                "channel": item.channel,
                "channel_name": channel_name(item.channel),
                "format": item.format,
                "pillar": item.pillar,
                "segment": item.segment,
                "title": item.title,
                "copy": item.copy,
                "owner": item.owner,
                "status": item.status,
                "status_label": label(f"status.{item.status}", lang),
                "link": item.link,
                "tracked_link": tracked,
                "href": _safe_url(tracked),
                "assets": list(item.assets),
                "recurrence": item.recurrence,
                "warnings": texts,
                "special": special_by_day.get(day, []),
            }
        )
    days: dict[date, dict[str, Any]] = {}
    for s in specials:
        days.setdefault(s.day, _day(s.day, special_by_day, lang))
    for r in rows:
        days.setdefault(r["date"], _day(r["date"], special_by_day, lang))["items"].append(r)
    return {
        "rows": rows,
        "days": [days[d] for d in sorted(days)],
        "special_days": [
            {
                "day": s.day,
                "day_text": _span(s.day, getattr(s, "end", None)),
                "name": s.name_en if lang == "en" else s.name_ko,
                "kind": label(f"special.{s.kind}", lang),
            }
            for s in specials
        ],
        "warnings": [
            {
                "kind": w.kind,
                "kind_label": label(f"warning.{w.kind}", lang),
                "item_id": w.item_id,
                "day": w.day,
                "day_text": w.day.isoformat() if w.day else "",
                "text": w.en if lang == "en" else w.ko,
            }
            for w in warnings
        ],
        "items": len(plan.calendar),
    }


def _span(day: date, end: date | None) -> str:
    """``2026-11-01`` or, for a period, ``2026-11-01 ~ 2026-11-15``."""
    return f"{day.isoformat()} ~ {end.isoformat()}" if end and end != day else day.isoformat()


def _day(day: date, special_by_day: dict[date, list[str]], lang: str) -> dict[str, Any]:
    return {
        "date": day,
        "date_text": day.isoformat(),
        "weekday": label(f"weekday.{day.weekday()}", lang),
        "special": special_by_day.get(day, []),
        "items": [],
    }


def _policy(plan: Plan, channel_name: Callable[[str], str], lang: str) -> dict[str, Any]:
    p = plan.policy
    return {
        "tone": p.tone,
        "business_hours": p.business_hours,
        "response": [
            {"channel": k, "name": channel_name(k), "minutes": v}
            for k, v in p.response_minutes.items()
        ],
        "escalation": [
            {
                "team": e.team,
                "keywords": _join(e.keywords, lang),
                "categories": _join(e.categories, lang),
                "within_minutes": e.within_minutes,
                "within_text": "—" if e.within_minutes is None else f"{e.within_minutes:,}",
            }
            for e in p.escalation
        ],
        "crisis_levels": [
            {
                "level": c.level,
                "name": c.name,
                "trigger": c.trigger,
                "actions": list(c.actions),
                "actions_text": "; ".join(c.actions),
                "min_negative_share": c.min_negative_share,
                "min_mentions_per_hour": c.min_mentions_per_hour,
                "structured_text": _crisis_rule(
                    c.min_negative_share, c.min_mentions_per_hour, lang
                ),
            }
            for c in sorted(p.crisis_levels, key=lambda c: c.level)
        ],
        "approval_rules": list(p.approval_rules),
        "banned_words": list(p.banned_words),
        "banned_text": _join(p.banned_words, lang),
        "notes": p.notes,
    }


def _crisis_rule(share: float | None, per_hour: int | None, lang: str) -> str:
    parts = []
    if share is not None:
        parts.append(f"{label('field.min_negative_share', lang)} {share * 100:.0f}%")
    if per_hour is not None:
        parts.append(f"{label('field.min_mentions_per_hour', lang)} {per_hour:,}")
    return ", ".join(parts)
