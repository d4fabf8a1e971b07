"""The calendar item form of the plan pages: an item as its form's fields and back, with the
recurrence presets (weekly, every two weeks, monthly; any other RRULE is "custom"). Pure: no
I/O, no request."""

from __future__ import annotations

import re
import secrets
from datetime import datetime
from typing import Any

from socialops.domain.plan import CalendarItem, Plan
from socialops.web.plan_forms import MAX_COUNT, Fields, FormError, _int, _one, split_list

__all__ = [
    "REPEATS",
    "item_form",
    "item_form_of_fields",
    "item_of_form",
    "recurrence_of",
    "repeat_of",
]

REPEATS: tuple[str, ...] = ("none", "weekly", "biweekly", "monthly")
_REPEAT_RULES = {
    "weekly": "FREQ=WEEKLY;COUNT={n}",
    "biweekly": "FREQ=WEEKLY;INTERVAL=2;COUNT={n}",
    "monthly": "FREQ=MONTHLY;COUNT={n}",
}


def recurrence_of(repeat: str, count: str) -> str:
    """The RRULE of a recurrence preset (``none``: no rule)."""
    if repeat in ("", "none"):
        return ""
    if repeat not in _REPEAT_RULES:
        raise FormError("bad_repeat", value=repeat[:20])
    n = _int(count, "count", low=1, high=MAX_COUNT)
    return _REPEAT_RULES[repeat].format(n=n)


def repeat_of(rule: str) -> tuple[str, str]:
    """The preset and count of an RRULE (``("custom", "")`` for one no preset makes)."""
    if not rule:
        return "none", ""
    for name, pattern in _REPEAT_RULES.items():
        m = re.fullmatch(re.escape(pattern).replace(r"\{n\}", r"(\d+)"), rule)
        if m:
            return name, m.group(1)
    return "custom", ""


def item_form(item: CalendarItem | None, plan: Plan, day: str = "") -> dict[str, Any]:
    """The item form's values: ``item``'s, or an empty form on ``day``."""
    if item is None:
        return {
            "item_id": "",
            "title": "",
            "date": day or plan.start.isoformat(),
            "time": "10:00",
            "channel": plan.channel_keys()[0] if plan.channels else "",
            "format": "",
            "pillar": "",
            "segment": "",
            "copy": "",
            "assets": "",
            "link": "",
            "owner": "",
            "status": "idea",
            "repeat": "none",
            "count": "4",
            "recurrence": "",
        }
    repeat, count = repeat_of(item.recurrence)
    return {
        "item_id": item.item_id,
        "title": item.title,
        "date": item.start.date().isoformat(),
        "time": item.start.strftime("%H:%M"),
        "channel": item.channel,
        "format": item.format,
        "pillar": item.pillar,
        "segment": item.segment,
        "copy": item.copy,
        "assets": "\n".join(item.assets),
        "link": item.link,
        "owner": item.owner,
        "status": item.status,
        "repeat": repeat,
        "count": count or "4",
        "recurrence": item.recurrence,
    }


def item_form_of_fields(f: Fields) -> dict[str, Any]:
    keys = (
        "item_id title date time channel format pillar segment copy assets link owner status "
        "repeat count recurrence"
    ).split()
    return {k: _one(f, k) for k in keys}


def item_of_form(plan: Plan, form: dict[str, Any]) -> dict[str, Any]:
    """The calendar item of ``form`` as a document (a new id when it has none; the stored
    item's revision bumped when it is an edit). An unknown ``item_id`` is a :class:`FormError`."""
    when = f"{form['date'].strip()}T{form['time'].strip() or '00:00'}"
    try:
        start = datetime.fromisoformat(when)
    except ValueError:
        raise FormError("bad_when", value=when[:30]) from None
    old = None
    if form["item_id"]:
        old = next((i for i in plan.calendar if i.item_id == form["item_id"]), None)
        if old is None:
            raise FormError("no_item", value=form["item_id"][:40])
    if form["repeat"] == "custom":
        rule = form["recurrence"].strip()
    else:
        rule = recurrence_of(form["repeat"], form["count"])
    return {
        "item_id": old.item_id if old else "i" + secrets.token_hex(4),
        "title": form["title"].strip(),
        "start": start.isoformat(timespec="minutes"),
        "channel": form["channel"],
        "timezone": old.timezone if old else plan.timezone,
        "format": form["format"].strip(),
        "pillar": form["pillar"].strip(),
        "segment": form["segment"],
        "copy": form["copy"],
        "assets": split_list(form["assets"], "\n"),
        "link": form["link"].strip(),
        "owner": form["owner"].strip(),
        "status": form["status"] or "idea",
        "recurrence": rule,
        "revision": (old.revision + 1) if old else 0,
    }
