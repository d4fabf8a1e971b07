"""The content calendar as an iCalendar file (RFC 5545) for Google Calendar, Outlook and others.

One ``VEVENT`` per calendar item; a recurring item keeps its ``RRULE`` so calendar apps show a
series, clipped to the plan end (and to ``calendar.MAX_OCCURRENCES``) exactly as
:func:`socialops.plan.calendar.occurrences` expands it. Re-importing updates instead of
duplicating: the ``UID`` is ``{plan_id}-{item_id}@socialops`` and ``SEQUENCE`` is the item's
revision. The file is deterministic: ``DTSTAMP`` comes from the plan's ``updated_at`` (else
``created_at``), time zones are written in name order, nothing depends on the clock, so the
same plan gives the same bytes.

Events are ``TRANSP:TRANSPARENT`` (a planned post does not make anyone busy) and end
:data:`DURATION_MINUTES` after they start (``DTEND``, which Outlook reads more reliably than
``DURATION``). Korean public holidays can be added as all-day events (``include_holidays``;
off by default: they would clutter the team's own calendars, which show holidays already).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, vRecur

from socialops.domain.channels import Channel, load_channels
from socialops.domain.plan import CalendarItem, Plan
from socialops.plan.calendar.recurrence import _series, _to_utc, _until_local
from socialops.plan.calendar.special_days import public_holidays
from socialops.plan.labels import label
from socialops.plan.utm import item_link

__all__ = ["DURATION_MINUTES", "PRODID", "item_uid", "plan_to_ics"]

PRODID = "-//socialops//Campaign plan calendar//KO"
DURATION_MINUTES = 30
_STATUS = {
    "idea": "TENTATIVE",
    "draft": "TENTATIVE",
    "ready": "CONFIRMED",
    "scheduled": "CONFIRMED",
    "published": "CONFIRMED",
    "cancelled": "CANCELLED",
}
_EXTRA_LABELS = {
    "assets": ("에셋", "Assets"),
    "recurrence": ("반복", "Repeats"),
    "plan": ("캠페인 계획", "Campaign plan"),
}


def item_uid(plan: Plan, item: CalendarItem) -> str:
    return f"{plan.plan_id}-{item.item_id}@socialops"


def _stamp(plan: Plan) -> datetime:
    for value in (plan.updated_at, plan.created_at):
        if not value:
            continue
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            continue
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return parsed.astimezone(UTC).replace(microsecond=0)
    return datetime.combine(plan.start, time(0), tzinfo=UTC)


def _extra(key: str, lang: str) -> str:
    ko, en = _EXTRA_LABELS[key]
    return en if lang == "en" else ko


def _description(plan: Plan, item: CalendarItem, channel_name: str, link: str, lang: str) -> str:
    lines = [f"{label('field.channel', lang)}: {channel_name} ({item.channel})"]
    for key, value in (
        ("field.format", item.format),
        ("field.pillar", item.pillar),
        ("field.segment", item.segment),
        ("field.owner", item.owner),
    ):
        if value:
            lines.append(f"{label(key, lang)}: {value}")
    lines.append(f"{label('field.item_status', lang)}: {label(f'status.{item.status}', lang)}")
    if item.recurrence:
        lines.append(f"{_extra('recurrence', lang)}: {item.recurrence}")
    if link:
        lines.append(f"{label('field.tracked_link', lang)}: {link}")
    if item.assets:
        lines.append(f"{_extra('assets', lang)}:")
        lines.extend(f"- {a}" for a in item.assets)
    if item.copy:
        lines.extend(["", f"{label('field.copy', lang)}:", item.copy])
    lines.extend(["", f"{_extra('plan', lang)}: {plan.name} ({plan.plan_id})"])
    return "\n".join(lines)


def _rrule(plan: Plan, item: CalendarItem) -> vRecur | None:
    """The item's RRULE as written, bounded so that it expands to the same occurrences as
    ``calendar.occurrences``: UNTIL in UTC (RFC 5545 wants UTC with a TZID start)."""
    series = _series(item, plan)
    rule = series.rule
    if rule is None:
        return None
    zone = ZoneInfo(item.timezone)
    parts: dict[str, Any] = {}
    for key, value in rule.parts:
        if key in ("COUNT", "UNTIL"):
            continue
        parts[key] = value
    until: datetime | None = None
    if series.capped:
        until = _to_utc(series.starts[-1], zone)
    elif series.clipped or (rule.count is None and rule.until is None):
        until = _to_utc(datetime.combine(plan.end, time(23, 59, 59)), zone)
    elif rule.until is not None:
        until = _to_utc(_until_local(rule.until, zone), zone)
    body = ";".join(f"{k}={v}" for k, v in parts.items())
    if until is not None:
        body += ";UNTIL=" + until.strftime("%Y%m%dT%H%M%SZ")
    elif rule.count is not None:
        body += f";COUNT={rule.count}"
    return vRecur.from_ical(body)


def _holiday_events(plan: Plan, stamp: datetime, lang: str) -> list[Event]:
    events = []
    for day, (name_ko, name_en) in sorted(public_holidays(plan.start, plan.end).items()):
        ev = Event()
        ev.add("uid", f"{plan.plan_id}-holiday-{day:%Y%m%d}@socialops")
        ev.add("dtstamp", stamp)
        ev.add("dtstart", day)
        ev.add("dtend", day + timedelta(days=1))
        ev.add("summary", name_en if lang == "en" else name_ko)
        ev.add("transp", "TRANSPARENT")
        ev.add("categories", [label("special.holiday", lang)])
        events.append(ev)
    return events


def plan_to_ics(
    plan: Plan,
    *,
    lang: str = "ko",
    channels: Mapping[str, Channel] | None = None,
    include_holidays: bool = False,
) -> bytes:
    """The plan's content calendar as iCalendar bytes (UTF-8, CRLF, folded lines).

    ``channels`` (the channel knowledge base) names channels in the summaries; without it the
    built-in knowledge base is used. An item's event has ``SUMMARY`` ``[channel] title``, the
    channel, format, pillar, segment, owner, status, tracked link, assets and copy in its
    ``DESCRIPTION``, the pillar as ``CATEGORIES`` and ``STATUS`` from the item's status.
    """
    if channels is None:
        channels = load_channels(None)
    stamp = _stamp(plan)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", plan.name)
    cal.add("x-wr-timezone", plan.timezone)
    for item in plan.calendar:
        if not plan.start <= item.start.date() <= plan.end:
            continue  # validate_plan refuses these; never export a post outside the plan
        zone = ZoneInfo(item.timezone)
        ch = channels.get(item.channel)
        channel_name = (ch.name_en if lang == "en" else ch.name_ko) if ch else item.channel
        link = item_link(plan, item)
        start = item.start.replace(tzinfo=zone, microsecond=0)
        ev = Event()
        ev.add("uid", item_uid(plan, item))
        ev.add("dtstamp", stamp)
        ev.add("sequence", max(0, int(item.revision)))
        ev.add("dtstart", start)
        ev.add("dtend", start + timedelta(minutes=DURATION_MINUTES))
        ev.add("summary", f"[{channel_name}] {item.title}")
        ev.add("description", _description(plan, item, channel_name, link, lang))
        if item.pillar:
            ev.add("categories", [item.pillar])
        ev.add("status", _STATUS.get(item.status, "TENTATIVE"))
        ev.add("transp", "TRANSPARENT")
        if link:
            ev.add("url", link)
        recur = _rrule(plan, item)
        if recur is not None:
            ev.add("rrule", recur)
        cal.add_component(ev)
    if include_holidays:
        for ev in _holiday_events(plan, stamp, lang):
            cal.add_component(ev)
    first = date(plan.start.year, 1, 1)
    last = date(min(plan.end.year + 1, 9998), 12, 31)
    for i, tzid in enumerate(sorted(cal.get_missing_tzids())):
        cal.subcomponents.insert(i, Timezone.from_tzid(tzid, first_date=first, last_date=last))
    return cal.to_ical()
