"""What every listening analysis shares: the scope (time range, granularity, filters), the
topic filters compiled to Ibis, periods, and result tables.

Time: ``day`` and ``hour`` are the post's local day and hour in the workspace zone (set at
enrichment, Asia/Seoul by default). Engines aggregate by day (and hour) only; periods (hour, day,
ISO week starting Monday) are built from those in Python, so both engines give the same periods
and every empty period is present with zero.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal
from zoneinfo import ZoneInfo

from socialops.errors import DataError, SettingsError
from socialops.nlp import query as q
from socialops.store.analytics import fetch_arrow

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from socialops.listen.topics import Topic
    from socialops.store.analytics import AnalyticsStore

__all__ = [
    "EVERY",
    "ResultTable",
    "Scope",
    "all_periods",
    "count_rows",
    "data_extent",
    "default_scope",
    "latest_activity",
    "months_between",
    "parse_day",
    "period_of",
    "scoped_posts",
    "topic_filter",
    "topic_posts",
    "undated_counts",
]

Every = Literal["hour", "day", "week"]
EVERY: tuple[str, ...] = ("hour", "day", "week")
SENTIMENTS = ("positive", "neutral", "negative")


def parse_day(value: str | None, flag: str) -> date | None:
    """``YYYY-MM-DD`` (or ``YYYY-MM-DDTHH:MM...``: the day is taken) → date."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise SettingsError(code="scope.bad_date", flag=flag, value=value) from None


@dataclass(frozen=True)
class Scope:
    """The slice of posts an analysis looks at. ``start``/``end`` are inclusive local days;
    ``None`` means the data's first/last day (see :func:`resolve`)."""

    start: date | None = None
    end: date | None = None
    every: str = "day"
    platforms: tuple[str, ...] = ()
    langs: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.every not in EVERY:
            raise SettingsError(code="scope.bad_every", value=self.every)
        if self.start and self.end and self.start > self.end:
            raise SettingsError(code="scope.order", start=self.start, end=self.end)

    @classmethod
    def from_flags(
        cls,
        date_from: str | None,
        date_to: str | None,
        every: str = "day",
        platforms: Iterable[str] = (),
        langs: Iterable[str] = (),
    ) -> Scope:
        """The scope the CLI flags ``--from --to --every --platform --lang`` describe."""
        return cls(
            parse_day(date_from, "--from"),
            parse_day(date_to, "--to"),
            every.strip().lower(),
            tuple(platforms),
            tuple(x.strip().lower() for x in langs),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "from": self.start.isoformat() if self.start else None,
            "to": self.end.isoformat() if self.end else None,
            "every": self.every,
            "platforms": list(self.platforms),
            "langs": list(self.langs),
        }


def _filtered(
    store: AnalyticsStore, scope: Scope, t: ir.Table | None = None, *, dated: bool = True
) -> ir.Table:
    """Dated posts (``dated=False``: undated ones, whatever the range) in ``scope``."""
    t = store.posts() if t is None else t
    if not dated:
        cond = [t.day.isnull()]
        if scope.platforms:
            cond.append(t.platform.isin(list(scope.platforms)))
        if scope.langs:
            cond.append(t.lang.isin(list(scope.langs)))
        return t.filter(cond)
    cond = [t.day.notnull()]
    if scope.start:
        cond.append(t.day >= scope.start)
        cond.append(t.month >= scope.start.strftime("%Y-%m"))  # prunes month= folders
    if scope.end:
        cond.append(t.day <= scope.end)
        cond.append(t.month <= scope.end.strftime("%Y-%m"))
    if scope.platforms:
        cond.append(t.platform.isin(list(scope.platforms)))
    if scope.langs:
        cond.append(t.lang.isin(list(scope.langs)))
    return t.filter(cond)


def data_extent(store: AnalyticsStore, scope: Scope) -> tuple[date, date] | None:
    """First and last local day with posts in the scope's filters (ignoring its range)."""
    t = _filtered(store, Scope(platforms=scope.platforms, langs=scope.langs))
    row = fetch_arrow(t.aggregate(lo=t.day.min(), hi=t.day.max())).to_pylist()[0]
    if row["lo"] is None:
        return None
    return row["lo"], row["hi"]


def resolve(store: AnalyticsStore, scope: Scope) -> Scope:
    """The scope with an open range closed to the data's extent; a clear error when the range
    holds no posts at all."""
    extent = data_extent(store, scope)
    filters: dict[str, str] = {}
    if scope.platforms or scope.langs:
        filters = {
            "platforms": ", ".join(scope.platforms) or "*",
            "langs": ", ".join(scope.langs) or "*",
        }
    suffix = "_filtered" if filters else ""
    if extent is None:
        raise DataError(code=f"scope.no_dated{suffix}", **filters)
    lo, hi = extent
    start, end = scope.start or lo, scope.end or hi
    if start > hi or end < lo or start > end:
        raise DataError(
            code=f"scope.outside{suffix}", start=start, end=end, lo=lo, hi=hi, **filters
        )
    return Scope(start, end, scope.every, scope.platforms, scope.langs)


# How many days the default range shows at most, and at least, by granularity (see
# :func:`latest_activity`).
DEFAULT_DAYS = {"hour": 7, "day": 30, "week": 84}
MIN_DAYS = {"hour": 1, "day": 7, "week": 28}


def latest_activity(
    store: AnalyticsStore, scope: Scope, topics: Sequence[Topic]
) -> tuple[date, date] | None:
    """The default range of a dashboard, topic page or report (docs/listening.md "The default
    range"): up to :data:`DEFAULT_DAYS` days (by ``scope.every``) ending on the last day on
    which one of ``topics`` is mentioned, starting on the first day with a mention inside that
    window (so that the chart is the activity, not empty days before it) but showing at least
    :data:`MIN_DAYS`. Days after tomorrow (in the workspace zone) are not taken as the last
    day: a mistyped future date does not hide the real activity, and one old post does not
    stretch the range. ``None`` when the topics match no dated post in the scope's filters."""
    if not topics:
        return None
    zone = ZoneInfo(store.ws.zone() or "Asia/Seoul")
    tomorrow = datetime.now(zone).date() + timedelta(days=1)
    base = Scope(platforms=scope.platforms, langs=scope.langs)
    tables = [t.filter(t.day <= tomorrow) for t in topic_posts(store, base, topics)]
    last = [fetch_arrow(t.aggregate(hi=t.day.max())).to_pylist()[0]["hi"] for t in tables]
    if not any(last):
        return None
    hi: date = max(d for d in last if d)
    window = hi - timedelta(days=DEFAULT_DAYS.get(scope.every, 30) - 1)
    firsts = []
    for t in tables:
        t = t.filter(t.day >= window)
        lo = fetch_arrow(t.aggregate(lo=t.day.min())).to_pylist()[0]["lo"]
        if lo is not None:
            firsts.append(lo)
    start = min([*firsts, hi - timedelta(days=MIN_DAYS.get(scope.every, 7) - 1)])
    return max(start, window), hi


def default_scope(store: AnalyticsStore, scope: Scope, topics: Sequence[Topic]) -> Scope:
    """``scope`` with no range given → the topics' latest activity (:func:`latest_activity`);
    a range given (either end) is kept as it is."""
    if scope.start or scope.end:
        return scope
    found = latest_activity(store, scope, topics)
    if found is None:
        return scope
    return Scope(found[0], found[1], scope.every, scope.platforms, scope.langs)


def undated_counts(store: AnalyticsStore, scope: Scope, topics: Sequence[Topic]) -> dict[str, Any]:
    """Posts without a date in the scope's platform and language filters (a range cannot hold
    them): ``{"all": n, "topics": {name: n}}``. Analyses by period leave them out; pages and
    reports say how many there are, never a silent zero."""
    out: dict[str, Any] = {"topics": {}}
    t = _filtered(store, scope, dated=False)
    out["all"] = int(fetch_arrow(t.aggregate(n=t.count())).column("n")[0].as_py() or 0)
    tables = store.topic_posts([(tp.query, tp.tree) for tp in topics]) if topics else []
    for tp, tt in zip(topics, tables, strict=True):
        u = _filtered(store, scope, tt, dated=False)
        n = fetch_arrow(u.aggregate(n=u.count())).column("n")[0].as_py()
        out["topics"][tp.name] = int(n or 0)
    return out


def scoped_posts(store: AnalyticsStore, scope: Scope) -> ir.Table:
    """Dated posts in the scope's range and filters."""
    return _filtered(store, scope)


def topic_filter(t: ir.Table, topic: Topic) -> ir.BooleanValue:
    """The topic's query as a filter over ``t`` (a posts table with ``match_text``). Analyses
    use :func:`topic_posts`, which reads the store's cached matches instead of scanning."""
    return q.compile_query(topic.tree, t.match_text)


def topic_posts(store: AnalyticsStore, scope: Scope, topics: Sequence[Topic]) -> list[ir.Table]:
    """For each topic, its matching posts in the scope (columns
    :data:`~socialops.store.analytics.TOPIC_COLUMNS` and ``sample_key``), from the store's
    topic-match cache."""
    tables = store.topic_posts([(tp.query, tp.tree) for tp in topics])
    return [_filtered(store, scope, t) for t in tables]


# -- periods -----------------------------------------------------------------------------------
def period_of(day: date, hour: int | None, every: str) -> str:
    """The period key of a local day/hour: ``2015-02-22``, ``2015-02-22T13:00`` or the Monday
    of the ISO week (``2015-02-16``)."""
    if every == "hour":
        return f"{day.isoformat()}T{(hour or 0):02d}:00"
    if every == "week":
        return (day - timedelta(days=day.weekday())).isoformat()
    return day.isoformat()


def months_between(start: date, end: date) -> list[tuple[str, date, date]]:
    """(``YYYY-MM``, first day, last day) of every month the range ``start..end`` touches."""
    out = []
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        last = calendar.monthrange(y, m)[1]
        out.append((f"{y:04d}-{m:02d}", date(y, m, 1), date(y, m, last)))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def all_periods(start: date, end: date, every: str) -> list[str]:
    """Every period key from ``start`` to ``end`` inclusive, in order."""
    out: list[str] = []
    if every == "week":
        d = start - timedelta(days=start.weekday())
        while d <= end:
            out.append(d.isoformat())
            d += timedelta(days=7)
        return out
    d = start
    while d <= end:
        if every == "hour":
            out.extend(f"{d.isoformat()}T{h:02d}:00" for h in range(24))
        else:
            out.append(d.isoformat())
        d += timedelta(days=1)
    return out


def period_start(key: str) -> datetime:
    """The local start of a period key."""
    return datetime.fromisoformat(key if "T" in key else f"{key}T00:00")


def period_end(key: str, every: str) -> datetime:
    """The local end (exclusive) of a period key."""
    step = {"hour": timedelta(hours=1), "day": timedelta(days=1), "week": timedelta(days=7)}
    return period_start(key) + step[every]


@dataclass
class CountRows:
    """Post counts by (period, sentiment): ``all`` posts and each topic's matches."""

    periods: list[str]
    topics: list[str]
    # (period, sentiment) -> [all, topic0, topic1, ...]
    cells: dict[tuple[str, str], list[int]] = field(default_factory=dict)

    def series(self, column: int, sentiment: str | None = None) -> list[int]:
        """Counts per period of ``column`` (0 = all posts, 1.. = topics), optionally for one
        sentiment only."""
        zero = [0] * (len(self.topics) + 1)
        wanted = (*SENTIMENTS, "none") if sentiment is None else (sentiment,)
        return [sum(self.cells.get((p, s), zero)[column] for s in wanted) for p in self.periods]

    def total(self, column: int, sentiment: str | None = None) -> int:
        return sum(self.series(column, sentiment))


def count_rows(store: AnalyticsStore, scope: Scope, topics: Sequence[Topic]) -> CountRows:
    """One scan: posts per day (and hour) and sentiment, in all and for each topic."""
    assert scope.start and scope.end, "resolve() the scope first"
    keys = ["day", "hour"] if scope.every == "hour" else ["day"]
    rows = CountRows(all_periods(scope.start, scope.end, scope.every), [x.name for x in topics])
    width = len(topics) + 1
    tables = [scoped_posts(store, scope), *topic_posts(store, scope, topics)]
    for col, t in enumerate(tables):
        t = t.mutate(sentiment=t.sentiment.fill_null("none"))
        expr = t.group_by([*keys, "sentiment"]).aggregate(n=t.count())
        for r in fetch_arrow(expr).to_pylist():
            key = (period_of(r["day"], r.get("hour"), scope.every), r["sentiment"])
            rows.cells.setdefault(key, [0] * width)[col] += int(r["n"])
    return rows


# -- result tables (CLI display, CSV/XLSX export) ---------------------------------------------
@dataclass
class ResultTable:
    """A flat table of an analysis result: shown by the CLI, exported by the report."""

    name: str  # short, file-name safe, e.g. "volume", "assoc_positive"
    title: str
    columns: list[str]
    rows: list[list[Any]]

    @classmethod
    def of(
        cls, name: str, title: str, records: Iterable[dict[str, Any]], columns: list[str]
    ) -> ResultTable:
        return cls(name, title, columns, [[r.get(c) for c in columns] for r in records])
