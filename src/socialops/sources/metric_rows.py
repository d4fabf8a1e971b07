"""One file row → one post-metrics or conversions record, or a rejection with its reason.

Reasons (``Reject.reason``): ``encoding`` (the line did not decode), ``column_count`` (more or
fewer fields than the header), ``missing_value`` (a required value is empty), ``bad_number``,
``negative``, ``out_of_range`` (a number over :data:`COUNT_MAX`, a date outside 1900..2199),
``bad_date``, ``bad_month``, ``bad_channel``, ``duplicate`` (a key seen earlier in the same file;
set by the importer).
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

from socialops.sources.ledger import coded_detail as coded
from socialops.sources.timeparse import TimeParser

__all__ = [
    "CHANNEL_ALIASES",
    "ConversionRecord",
    "PostRecord",
    "Reject",
    "RowError",
    "conversion_record",
    "fb_record",
    "parse_count",
    "post_record",
]

_EMPTY = {"", "-", "n/a", "na", "nan", "null", "none", "#n/a"}
_NUM_JUNK = re.compile(r"[,\s₩￦원]|krw", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})\s*[-./]\s*(\d{1,2})\.?$")
_DAY = re.compile(r"^(\d{4})\s*[-./]\s*(\d{1,2})\s*[-./]\s*(\d{1,2})\.?$")
_DAY_PREFIX = re.compile(r"^(\d{4})\s*[-./]\s*(\d{1,2})\s*[-./]\s*(\d{1,2})\.?(?:[ T].*)?$")
_CHANNEL = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,59}$")
CHANNEL_ALIASES: dict[str, str] = {
    "인스타그램": "instagram",
    "페이스북": "facebook",
    "유튜브": "youtube",
    "네이버블로그": "naver_blog",
    "네이버_블로그": "naver_blog",
    "네이버카페": "naver_cafe",
    "네이버_카페": "naver_cafe",
    "밴드": "naver_band",
    "네이버밴드": "naver_band",
    "카카오톡채널": "kakaotalk_channel",
    "카카오톡_채널": "kakaotalk_channel",
    "카카오채널": "kakaotalk_channel",
    "카카오톡": "kakaotalk_channel",
    "트위터": "x",
    "twitter": "x",
    "엑스": "x",
    "스레드": "threads",
    "틱톡": "tiktok",
    "링크드인": "linkedin",
}
COUNT_MAX = 2**53 - 1  # larger counts are not exact as numbers (and overflow SQLite integers)
YEAR_MIN, YEAR_MAX = 1900, 2199  # dates the product handles (as for imported posts)
METRIC_FIELDS = ("reach", "impressions", "engagements", "comments", "likes", "shares", "clicks")


class RowError(ValueError):
    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


@dataclass
class Reject:
    line: int
    reason: str
    detail: str

    def to_dict(self) -> dict[str, Any]:
        return {"line": self.line, "reason": self.reason, "detail": self.detail}


@dataclass
class PostRecord:
    channel: str
    post_id: str
    published_at: str  # UTC ISO of the first instant the precision allows
    date_precision: str  # minute | day | month
    local_day: str | None  # YYYY-MM-DD in the import zone; None for month precision
    local_month: str  # YYYY-MM
    post_type: str | None = None
    paid: int | None = None
    reach: float | None = None
    impressions: float | None = None
    engagements: float | None = None
    comments: float | None = None
    likes: float | None = None
    shares: float | None = None
    clicks: float | None = None
    followers: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str]:
        return (self.channel, self.post_id)


@dataclass
class ConversionRecord:
    date: str  # local YYYY-MM-DD
    utm_source: str
    utm_medium: str
    utm_campaign: str
    conversions: float
    revenue_krw: float | None = None
    cost_krw: float | None = None

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.date, self.utm_source, self.utm_medium, self.utm_campaign)


# -- values ------------------------------------------------------------------------------------


def _cell(fields: list[str], col: dict[str, int], name: str) -> str:
    i = col.get(name)
    return fields[i].strip() if i is not None and i < len(fields) else ""


def parse_count(text: str, what: str) -> float | None:
    """A non-negative number (thousands separators, ₩, ￦ and 원 allowed); ``None`` when empty."""
    s = text.strip()
    if s.lower() in _EMPTY:
        return None
    try:
        v = float(_NUM_JUNK.sub("", s))
    except ValueError:
        raise RowError("bad_number", coded("not_number", field=what, value=s[:40])) from None
    if not math.isfinite(v):
        raise RowError("bad_number", coded("not_number", field=what, value=s[:40]))
    if v < 0:
        raise RowError("negative", coded("negative", field=what, value=s[:40]))
    if v > COUNT_MAX:
        raise RowError(
            "out_of_range", coded("too_large", field=what, value=s[:40], limit=f"{COUNT_MAX:,}")
        )
    return int(v) if v.is_integer() else v


def _required(text: str, what: str) -> str:
    if text.strip().lower() in _EMPTY:
        raise RowError("missing_value", coded("empty", field=what))
    return text.strip()


def _channel(text: str) -> str:
    raw = _required(text, "channel")
    key = "_".join(raw.lower().split())
    key = CHANNEL_ALIASES.get(key, key)
    if not _CHANNEL.match(key):
        raise RowError("bad_channel", coded("bad_channel", value=raw[:40]))
    return key


def _paid(text: str) -> int | None:
    s = text.strip().lower()
    if s in _EMPTY:
        return None
    if s in ("1", "1.0", "yes", "y", "true", "paid", "유료", "광고", "o"):
        return 1
    if s in ("0", "0.0", "no", "n", "false", "organic", "무료", "오가닉", "x"):
        return 0
    raise RowError("bad_number", coded("bad_paid", value=text[:40]))


def _in_range(when: datetime, text: str) -> datetime:
    if not YEAR_MIN <= when.year <= YEAR_MAX:
        raise RowError(
            "out_of_range",
            coded("year_range", field="published_at", value=text[:40], low=YEAR_MIN, high=YEAR_MAX),
        )
    return when


def _utc_iso(local: datetime, tz: tzinfo) -> str:
    return local.replace(tzinfo=tz).astimezone(UTC).isoformat(timespec="seconds")


def _when(text: str, tz: tzinfo, parser: TimeParser) -> tuple[str, str, str | None, str]:
    """(published_at UTC ISO, precision, local day, local month) of a published_at value."""
    s = _required(text, "published_at")
    try:
        m = _MONTH.match(s)
        if m:
            first = _in_range(datetime(int(m.group(1)), int(m.group(2)), 1), s)
            return _utc_iso(first, tz), "month", None, first.strftime("%Y-%m")
        d = _DAY.match(s)
        if d or (s.isdigit() and len(s) == 8):
            day = (
                datetime(int(d.group(1)), int(d.group(2)), int(d.group(3)))
                if d
                else datetime.strptime(s, "%Y%m%d")
            )
            day = _in_range(day, s)
            return _utc_iso(day, tz), "day", day.date().isoformat(), day.strftime("%Y-%m")
        us = parser.to_us(s)
    except RowError:
        raise
    except (ValueError, OverflowError):
        raise RowError("bad_date", coded("not_date", field="published_at", value=s[:40])) from None
    if us is None:  # pragma: no cover - _required refused empty values
        raise RowError("missing_value", coded("empty", field="published_at"))
    at = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=us)
    _in_range(at, s)  # e.g. an epoch number far from now
    local = at.astimezone(tz)
    return (
        at.isoformat(timespec="seconds"),
        "minute",
        local.date().isoformat(),
        local.strftime("%Y-%m"),
    )


def _metrics(fields: list[str], col: dict[str, int], rec: PostRecord) -> None:
    for name in (*METRIC_FIELDS, "followers"):
        setattr(rec, name, parse_count(_cell(fields, col, name), name))


# -- records -----------------------------------------------------------------------------------


def post_record(
    fields: list[str],
    col: dict[str, int],
    *,
    tz: tzinfo,
    parser: TimeParser,
    channel: str | None,
) -> PostRecord:
    """A row of the generic ``post-metrics`` preset."""
    ch = _channel(channel if channel and "channel" not in col else _cell(fields, col, "channel"))
    post_id = _required(_cell(fields, col, "post_id"), "post_id")[:200]
    at, precision, day, month = _when(_cell(fields, col, "published_at"), tz, parser)
    rec = PostRecord(ch, post_id, at, precision, day, month)
    kind = _cell(fields, col, "post_type")
    rec.post_type = kind.lower()[:40] if kind else None
    rec.paid = _paid(_cell(fields, col, "paid"))
    _metrics(fields, col, rec)
    if "engagements" not in col and any(
        getattr(rec, f) is not None for f in ("comments", "likes", "shares")
    ):
        rec.engagements = sum(getattr(rec, f) or 0 for f in ("comments", "likes", "shares"))
        rec.extra["engagements_from"] = "comments+likes+shares"
    return rec


_FB_ID_FIELDS = ("followers", "post_type", "category", "month", "weekday", "hour", "paid")
_FB_EXTRA = (
    "category",
    "weekday",
    "hour",
    "engaged_users",
    "consumers",
    "lp_impressions",
    "lp_reach",
    "lp_engaged",
)


def fb_record(
    fields: list[str],
    col: dict[str, int],
    *,
    n: int,
    year: int,
    tz: tzinfo,
    channel: str,
) -> PostRecord:
    """A row of the UCI Facebook metrics file; ``n`` is its data row number (1 = first)."""
    month_text = _required(_cell(fields, col, "month"), "month")
    try:
        month = int(float(month_text))
    except (ValueError, OverflowError):  # "1e999" is infinite: OverflowError
        raise RowError("bad_month", coded("bad_month", value=month_text[:20])) from None
    if not 1 <= month <= 12:
        raise RowError("bad_month", coded("bad_month", value=str(month)))
    first = datetime(year, month, 1)
    ident = "|".join(_cell(fields, col, f) for f in _FB_ID_FIELDS)
    digest = hashlib.sha1(ident.encode("utf-8"), usedforsecurity=False).hexdigest()[:8]
    rec = PostRecord(
        _channel(channel),
        f"fbm-{n}-{digest}",
        _utc_iso(first, tz),
        "month",
        None,
        first.strftime("%Y-%m"),
    )
    kind = _cell(fields, col, "post_type")
    rec.post_type = kind.lower()[:40] if kind else None
    rec.paid = _paid(_cell(fields, col, "paid"))
    _metrics(fields, col, rec)
    for name in ("reach", "impressions", "engagements"):
        if getattr(rec, name) is None:
            raise RowError("missing_value", coded("empty", field=name))
    for name in _FB_EXTRA:
        rec.extra[name] = parse_count(_cell(fields, col, name), name)
    return rec


def _day(text: str) -> str:
    s = _required(text, "date")
    if s.isdigit() and len(s) == 8:
        try:
            return datetime.strptime(s, "%Y%m%d").date().isoformat()
        except ValueError:
            raise RowError("bad_date", coded("not_date", field="date", value=s[:40])) from None
    m = _DAY_PREFIX.match(s)
    if not m:
        raise RowError("bad_date", coded("not_date", field="date", value=s[:40]))
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        raise RowError("bad_date", coded("not_date", field="date", value=s[:40])) from None


def _utm(text: str) -> str:
    return " ".join(text.strip().lower().split())[:200]


def conversion_record(fields: list[str], col: dict[str, int]) -> ConversionRecord:
    """A row of the ``conversions`` preset (UTM values lowercased)."""
    day = _day(_cell(fields, col, "date"))
    source, medium = _cell(fields, col, "utm_source"), _cell(fields, col, "utm_medium")
    combined = _cell(fields, col, "source_medium")
    if combined and not (source or medium):
        left, _, right = combined.partition("/")
        source, medium = left.strip(), right.strip()
    campaign = _required(_cell(fields, col, "utm_campaign"), "utm_campaign")
    conv = parse_count(_cell(fields, col, "conversions"), "conversions")
    if conv is None:
        raise RowError("missing_value", coded("empty", field="conversions"))
    return ConversionRecord(
        day,
        _utm(source),
        _utm(medium),
        _utm(campaign),
        conv,
        parse_count(_cell(fields, col, "revenue"), "revenue"),
        parse_count(_cell(fields, col, "cost"), "cost"),
    )
