"""Plan vs actual: each KPI target of a plan against its actual value, with pacing.

- ``as_of`` = the earlier of today (in the plan's time zone) and the plan's end; ``elapsed`` =
  the share of the plan's days from its start through ``as_of`` (0 before the start: every KPI
  is ``not_started``).
- Actuals come from :mod:`socialops.measure.sources` over the plan's days through ``as_of``:
  listening (the plan's topics), post metrics (the plan's channels, or the target's channel) and
  conversions (``utm_campaign`` = the plan's, and per channel ``utm_source`` = the UTM scheme's
  source of the channel, else the channel key).
- Spend for CPC, CPA and cost per engagement: the imported cost of the campaign's conversions
  rows in the window when there is one, else the planned budget × ``elapsed`` (the note says
  which).
- Pacing: a cumulative KPI is expected at ``target × elapsed`` by now, ``pacing = actual /
  expected``; a rate is compared with its target directly (``pacing = actual / target``); for a
  lower-is-better KPI the ratio is inverted. ``off_track`` below :data:`OFF_TRACK`, ``ahead`` at
  :data:`AHEAD` or above, else ``on_track``; ``no_data`` without an actual.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from socialops.domain.kpis import LIBRARY, Kpi
from socialops.domain.plan import KpiTarget, Plan
from socialops.measure import sources as src
from socialops.measure.measurer import Measured, Measurer
from socialops.plan.messages import default_lang

if TYPE_CHECKING:
    from socialops.store.workspace import Workspace

__all__ = [
    "AHEAD",
    "BASELINE_FALLBACK_DAYS",
    "OFF_TRACK",
    "STATUSES",
    "KpiActual",
    "PlanActuals",
    "baseline",
    "plan_vs_actual",
]

OFF_TRACK = 0.9  # pacing below this is off track
AHEAD = 1.1  # pacing at or above this is ahead
BASELINE_FALLBACK_DAYS = 90
STATUSES: tuple[str, ...] = ("on_track", "off_track", "ahead", "no_data", "not_started")
_TIMELINE_DAYS = 92  # longer windows (or month-dated posts) get a monthly timeline


@dataclass
class KpiActual:
    kpi: str
    channel: str | None
    topic: str | None
    target: float
    actual: float | None
    expected_to_date: float | None
    pacing: float | None
    status: str  # one of STATUSES
    source: str
    detail: dict[str, Any] = field(default_factory=dict)
    note_ko: str = ""
    note_en: str = ""
    unit: str = ""
    better: str = "higher"
    cumulative: bool = False
    # cumulative KPIs: [{"period", "actual", "expected"}] from the start through as_of
    timeline: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return _plain(asdict(self))


@dataclass
class PlanActuals:
    plan_id: str
    today: date
    as_of: date
    elapsed: float  # 0..1
    period: str  # not_started | running | ended
    rows: list[KpiActual] = field(default_factory=list)

    @property
    def off_track(self) -> list[KpiActual]:
        return [r for r in self.rows if r.status == "off_track"]

    def to_dict(self) -> dict[str, Any]:
        return {
            "plan_id": self.plan_id,
            "today": self.today.isoformat(),
            "as_of": self.as_of.isoformat(),
            "elapsed": round(self.elapsed, 4),
            "period": self.period,
            "thresholds": {"off_track_below": OFF_TRACK, "ahead_from": AHEAD},
            "counts": {s: sum(r.status == s for r in self.rows) for s in STATUSES},
            "rows": [r.to_dict() for r in self.rows],
        }


def _plain(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_plain(v) for v in obj]
    if isinstance(obj, date):
        return obj.isoformat()
    if isinstance(obj, float):
        if obj != obj or obj in (float("inf"), float("-inf")):
            return None
        return int(obj) if obj.is_integer() and abs(obj) < 2**53 else round(obj, 4)
    return obj


# -- pacing ------------------------------------------------------------------------------------


def _pace(kpi: Kpi, target: float, actual: float, elapsed: float) -> tuple[float, float | None]:
    """(expected to date, pacing)."""
    expected = target * elapsed if kpi.cumulative else target
    if kpi.better == "lower":
        if actual == 0:
            return expected, None
        return expected, expected / actual
    if expected == 0:
        return expected, None
    return expected, actual / expected


def _status(kpi: Kpi, actual: float, expected: float, pacing: float | None) -> str:
    if pacing is None:
        if kpi.better == "lower":
            return "ahead" if actual == 0 and expected > 0 else "on_track"
        return "on_track"
    if pacing < OFF_TRACK:
        return "off_track"
    return "ahead" if pacing >= AHEAD else "on_track"


def _timeline(
    plan: Plan, target: float, series: dict[date, float], as_of: date, monthly: bool
) -> list[dict[str, Any]]:
    total = (plan.end - plan.start).days + 1
    ends: list[tuple[str, date]] = []
    d = plan.start
    while d <= as_of:
        if monthly:
            last = min(src.month_last_day(d.strftime("%Y-%m")), as_of)
            ends.append((d.strftime("%Y-%m"), last))
            d = last + timedelta(days=1)
        else:
            ends.append((d.isoformat(), d))
            d += timedelta(days=1)
    points, running, items = [], 0.0, sorted(series.items())
    i = 0
    for key, end in ends:
        while i < len(items) and items[i][0] <= end:
            running += items[i][1]
            i += 1
        expected = target * ((end - plan.start).days + 1) / total
        points.append({"period": key, "actual": running, "expected": expected})
    return points


def _row(
    target: KpiTarget,
    kpi: Kpi,
    m: Measured | None,
    elapsed: float,
    plan: Plan,
    as_of: date,
) -> KpiActual:
    row = KpiActual(
        kpi=kpi.id,
        channel=target.channel,
        topic=target.topic,
        target=target.target,
        actual=None,
        expected_to_date=None,
        pacing=None,
        status="not_started",
        source=kpi.source,
        unit=kpi.unit,
        better=kpi.better,
        cumulative=kpi.cumulative,
    )
    if m is None:
        row.note_ko = f"계획 시작일({plan.start}) 전입니다."
        row.note_en = f"The plan starts on {plan.start}."
        return row
    row.detail = m.detail
    row.note_ko, row.note_en = " ".join(m.ko), " ".join(m.en)
    if m.value is None:
        row.status = "no_data"
        return row
    row.actual = m.value
    row.expected_to_date, row.pacing = _pace(kpi, target.target, m.value, elapsed)
    row.status = _status(kpi, m.value, row.expected_to_date, row.pacing)
    if kpi.cumulative:
        monthly = (as_of - plan.start).days + 1 > _TIMELINE_DAYS or bool(
            m.detail.get("month_dated")
        )
        row.timeline = _timeline(plan, target.target, m.series, as_of, monthly)
    return row


def plan_vs_actual(ws: Workspace, plan: Plan, *, today: date | None = None) -> PlanActuals:
    """Every KPI target of ``plan`` against its actual as of ``today`` (default: today in the
    plan's time zone); see the module docstring for the rules."""
    today = today or datetime.now(ZoneInfo(plan.timezone)).date()
    as_of = min(today, plan.end)
    total = (plan.end - plan.start).days + 1
    if as_of < plan.start:
        elapsed, period = 0.0, "not_started"
    else:
        elapsed = ((as_of - plan.start).days + 1) / total
        period = "ended" if today > plan.end else "running"
    out = PlanActuals(plan.plan_id, today, as_of, elapsed, period)
    measurer = Measurer(ws, plan)
    try:
        window = src.Window(plan.start, as_of, plan.timezone)
        for target in plan.kpis:
            kpi = LIBRARY.get(target.kpi)
            if kpi is None:  # a KPI removed from the library: shown, never measured
                continue
            m = None if period == "not_started" else measurer.measure(target, window)
            out.rows.append(_row(target, kpi, m, elapsed, plan, as_of))
    finally:
        measurer.close()
    return out


# -- baseline ----------------------------------------------------------------------------------


def baseline(
    ws: Workspace, plan: Plan, target: KpiTarget, *, lang: str | None = None
) -> tuple[float | None, str]:
    """The KPI over the same number of days just before the plan starts; when that window has
    no data, over the last :data:`BASELINE_FALLBACK_DAYS` days of data before the start
    (cumulative KPIs scaled to the plan's length). ``(None, note)`` without history. The note
    (in ``lang``, default ``SOCIALOPS_LANG``) says which window was used."""
    en = (lang or default_lang()) == "en"
    kpi = LIBRARY[target.kpi]
    days = (plan.end - plan.start).days + 1
    before = plan.start - timedelta(days=1)
    measurer = Measurer(ws, plan)
    try:
        same = src.Window(plan.start - timedelta(days=days), before, plan.timezone)
        m = measurer.measure(target, same)
        if m.has_data and m.value is not None:
            return m.value, (
                f"The same {days} days just before the plan ({same.start}..{same.end})."
                if en
                else f"계획 직전 같은 길이({days}일)의 기간({same.start}~{same.end})."
            )
        last = measurer.last_data_day(kpi, target, before)
        if last is None:
            return None, (
                "No history before the plan to compare with."
                if en
                else "계획 시작 전 비교할 데이터가 없습니다."
            )
        n = BASELINE_FALLBACK_DAYS
        back = src.Window(last - timedelta(days=n - 1), last, plan.timezone)
        m = measurer.measure(target, back)
        if m.value is None:
            return None, (
                f"No usable data in the last {n} days of data before the plan "
                f"({back.start}..{back.end})."
                if en
                else f"계획 전 마지막 {n}일({back.start}~{back.end})에 쓸 수 있는 데이터가 "
                "없습니다."
            )
        if kpi.cumulative:
            value = m.value * days / n
            return value, (
                f"The last {n} days of data before the plan ({back.start}..{back.end}), scaled "
                f"to the plan's {days} days."
                if en
                else f"계획 전 마지막 {n}일({back.start}~{back.end})의 값을 계획 기간 {days}일로 "
                "환산."
            )
        return m.value, (
            f"The last {n} days of data before the plan ({back.start}..{back.end})."
            if en
            else f"계획 전 마지막 {n}일({back.start}~{back.end})."
        )
    finally:
        measurer.close()
