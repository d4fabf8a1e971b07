"""A tracked topic's mention volume as a control series of an effect estimate (issue 17, item 2:
"competitors' listening volume").

:func:`topic_controls` counts, for each named topic, its matching posts per local day (the
post's ``day``, set at enrichment in the workspace zone: Asia/Seoul by default) with the
listening layer's own volume analysis (:func:`socialops.listen.volume.volume`), and lays the
counts on the KPI series' dates: a daily series takes the day's count, a weekly one the sum of
the seven days from its date. A day without a matching post is 0 mentions only when the
workspace's posts cover it (between the first and the last day with any post); a window that
reaches beyond the posts is a coded error, never zeros. Days inside the posts' range on which
no post at all was collected (a hole in the collection, not a quiet day) are a stated caveat.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from socialops.errors import DataError
from socialops.listen.scope import Scope, data_extent
from socialops.listen.topics import get_topic
from socialops.listen.volume import volume
from socialops.measure.effect_series import check_series
from socialops.store.analytics import open_store
from socialops.store.workspace import Workspace

__all__ = ["add_topic_controls", "topic_controls", "topic_daily_counts"]


def topic_daily_counts(
    ws: Workspace, names: Sequence[str], first: date, last: date
) -> tuple[dict[str, dict[date, int]], dict[date, int]]:
    """({topic name: {local day: mentions}}, {local day: all posts}) for every day from
    ``first`` to ``last``; a coded error when the workspace's posts do not cover that range
    (an unknown topic is the listening layer's :class:`~socialops.errors.TopicError`)."""
    topics = [get_topic(ws, n) for n in names]
    with open_store(ws, "duckdb") as store:
        extent = data_extent(store, Scope())
        if extent is None:
            raise DataError(code="effect_topics.no_posts", topic=topics[0].name)
        lo, hi = extent
        if first < lo or last > hi:
            raise DataError(
                code="effect_topics.not_covered",
                topic=topics[0].name,
                first=first.isoformat(),
                last=last.isoformat(),
                lo=lo.isoformat(),
                hi=hi.isoformat(),
            )
        out = volume(store, Scope(first, last, "day"), topics)
    days = [date.fromisoformat(p) for p in out["periods"]]
    counts = {
        r["topic"]: dict(zip(days, (int(v) for v in r["series"]), strict=True))
        for r in out["results"]
    }
    posts = dict(zip(days, (int(v) for v in out["all_posts"]["series"]), strict=True))
    return counts, posts


def topic_controls(
    ws: Workspace,
    names: Sequence[str],
    dates: Sequence[date],
    grain: str,
    *,
    window: tuple[date, date],
) -> tuple[dict[str, list[float | None]], list[dict[str, Any]]]:
    """(controls, caveats): each topic's mentions on each of ``dates`` (``grain`` ``week``: the
    seven days from the date summed), keyed by the topic's name; ``None`` on dates outside
    ``window`` (the pre-period's first .. the campaign's last date, which must be covered:
    dates the estimate does not read are left empty, never zero)."""
    if not names:
        return {}, []
    span = 7 if grain == "week" else 1
    used = [d for d in dates if window[0] <= d <= window[1]]
    if not used:
        return {}, []
    first, last = used[0], used[-1] + timedelta(days=span - 1)
    counts, posts = topic_daily_counts(ws, names, first, last)
    controls: dict[str, list[float | None]] = {}
    for name, by_day in counts.items():
        controls[name] = [
            float(sum(by_day[d + timedelta(days=k)] for k in range(span)))
            if window[0] <= d <= window[1]
            else None
            for d in dates
        ]
    empty = [d for d, n in posts.items() if n == 0]
    caveats: list[dict[str, Any]] = []
    if empty:
        caveats.append(
            {
                "code": "topic_collection_gaps",
                "params": {"days": len(empty), "first": min(empty).isoformat()},
            }
        )
    return controls, caveats


def _day(value: date | str, what: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise DataError(code="effect.bad_day", what=what, value=str(value)[:40]) from None


def add_topic_controls(
    ws: Workspace,
    controls: dict[str, Any],
    names: Sequence[str],
    days: Sequence[date],
    pre_start: date | str | None,
    end: date | str,
) -> list[dict[str, Any]]:
    """Add each named topic's mention volume to ``controls`` (keyed by the topic's name) on
    ``days`` (sorted, as the estimate checks them), over the window the estimate reads
    (``pre_start`` or the first date .. ``end``); returns the caveats (:func:`topic_controls`)."""
    if not names or not days:
        return []
    grain = check_series(days)
    lo = _day(pre_start, "pre_start") if pre_start is not None else days[0]
    found, notes = topic_controls(ws, names, days, grain, window=(lo, _day(end, "end")))
    controls.update(found)
    return notes
