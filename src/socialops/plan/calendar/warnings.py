"""Calendar warnings: clashes (two posts on one channel less than :data:`SLOT_MINUTES` apart on
the same local day), copy longer than the channel allows, items on a public holiday."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from socialops.domain.channels import Channel, copy_length, text_limit
from socialops.domain.plan import Plan
from socialops.i18n import render
from socialops.plan.calendar.recurrence import Occurrence, occurrences
from socialops.plan.calendar.special_days import public_holidays

__all__ = ["SLOT_MINUTES", "CalendarWarning", "calendar_warnings"]

SLOT_MINUTES = 60  # two posts on one channel closer than this on the same day clash


@dataclass(frozen=True)
class CalendarWarning:
    """Something to look at in the calendar; ``day`` None: about every occurrence of the item."""

    kind: str  # clash | too_long | holiday
    level: str  # warning | info
    item_id: str
    day: date | None
    ko: str
    en: str
    other_item_id: str | None = None  # a clash: the item it clashes with

    def text(self, lang: str) -> str:
        return self.en if lang == "en" else self.ko

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "level": self.level,
            "item_id": self.item_id,
            "other_item_id": self.other_item_id,
            "day": self.day.isoformat() if self.day else None,
            "ko": self.ko,
            "en": self.en,
        }


_KIND_ORDER = {"clash": 0, "too_long": 1, "holiday": 2}


def _texts(key: str, **params: Any) -> dict[str, str]:
    """The warning ``key`` of the catalogue in both languages (``ko=``, ``en=``)."""
    return {lang: render(key, lang, params, paths=True) for lang in ("ko", "en")}


def _channel_names(key: str, channels: Mapping[str, Channel]) -> tuple[str, str]:
    ch = channels.get(key)
    return (ch.name_ko, ch.name_en) if ch is not None else (key, key)


def _clashes(occ: list[Occurrence], channels: Mapping[str, Channel]) -> list[CalendarWarning]:
    slots: dict[tuple[str, date], list[Occurrence]] = {}
    for o in occ:
        slots.setdefault((o.item.channel, o.day), []).append(o)
    found: dict[tuple[str, str, date], CalendarWarning] = {}
    window = timedelta(minutes=SLOT_MINUTES)
    for (channel, day), group in slots.items():
        group.sort(key=lambda o: (o.start_utc, o.item.item_id, o.n))
        for j, later in enumerate(group):
            for earlier in group[:j]:
                if later.start_utc - earlier.start_utc >= window:
                    continue
                key = (earlier.item.item_id, later.item.item_id, day)
                if key in found:
                    continue
                name_ko, name_en = _channel_names(channel, channels)
                a, b = earlier.item.title, later.item.title
                ta, tb = earlier.start_local.strftime("%H:%M"), later.start_local.strftime("%H:%M")
                found[key] = CalendarWarning(
                    kind="clash",
                    level="warning",
                    item_id=later.item.item_id,
                    other_item_id=earlier.item.item_id,
                    day=day,
                    **_texts(
                        "calendar.clash",
                        day=day.isoformat(),
                        channel_ko=name_ko,
                        channel_en=name_en,
                        a=a,
                        ta=ta,
                        b=b,
                        tb=tb,
                        minutes=SLOT_MINUTES,
                    ),
                )
    return list(found.values())


def _too_long(plan: Plan, channels: Mapping[str, Channel]) -> list[CalendarWarning]:
    found = []
    for item in plan.calendar:
        ch = channels.get(item.channel)
        if item.status == "cancelled" or ch is None or not item.copy:
            continue
        limit = text_limit(ch, item.format or None)
        if limit is None:
            continue
        length = copy_length(ch, item.copy, item.format or None)
        if length <= limit:
            continue
        fmt = f" {item.format}" if item.format else ""
        found.append(
            CalendarWarning(
                kind="too_long",
                level="warning",
                item_id=item.item_id,
                day=None,
                **_texts(
                    "calendar.too_long",
                    title=item.title,
                    channel_ko=ch.name_ko,
                    channel_en=ch.name_en,
                    format=fmt,
                    length=length,
                    limit=limit,
                ),
            )
        )
    return found


def _on_holidays(occ: list[Occurrence], plan: Plan) -> list[CalendarWarning]:
    days = public_holidays(plan.start, plan.end)
    found = []
    for o in occ:
        names = days.get(o.day)
        if names is None:
            continue
        d = o.day.isoformat()
        found.append(
            CalendarWarning(
                kind="holiday",
                level="info",
                item_id=o.item.item_id,
                day=o.day,
                **_texts(
                    "calendar.holiday",
                    title=o.item.title,
                    holiday_ko=names[0],
                    holiday_en=names[1],
                    day=d,
                ),
            )
        )
    return found


def calendar_warnings(plan: Plan, channels: Mapping[str, Channel]) -> list[CalendarWarning]:
    """Clashes, copy too long for the channel, items on public holidays (cancelled items skipped).

    ``channels``: the channel knowledge base (``load_channels``); an item whose channel is not
    in it gets no length check.
    """
    occ = [o for o in occurrences(plan) if o.item.status != "cancelled"]
    found = [*_clashes(occ, channels), *_too_long(plan, channels), *_on_holidays(occ, plan)]
    found.sort(key=lambda w: (w.day or date.min, _KIND_ORDER[w.kind], w.item_id))
    return found
