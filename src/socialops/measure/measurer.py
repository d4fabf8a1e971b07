"""Measuring one KPI target of a plan over a window of local days: the value, what it was
computed from (``detail``), notes in Korean and English, and for cumulative KPIs the amount per
local day (for timelines). Used by :mod:`socialops.plan.actuals` for actuals and baselines.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from socialops.measure import sources as src
from socialops.measure.kpis import LIBRARY, Kpi
from socialops.plan.model import KpiTarget, Plan

if TYPE_CHECKING:
    from socialops.listen.topics import Topic
    from socialops.store.analytics import AnalyticsStore
    from socialops.store.workspace import Workspace

__all__ = ["Measured", "Measurer"]


@dataclass
class Measured:
    value: float | None
    detail: dict[str, Any]
    ko: list[str] = field(default_factory=list)
    en: list[str] = field(default_factory=list)
    series: dict[date, float] = field(default_factory=dict)  # local day -> amount (cumulative)
    has_data: bool = False  # the source had records in the window

    def note(self, ko: str, en: str) -> None:
        self.ko.append(ko)
        self.en.append(en)


class Measurer:
    """Measures KPI targets of one plan; opens the listening store once, when first needed."""

    def __init__(self, ws: Workspace, plan: Plan) -> None:
        self.ws = ws
        self.plan = plan
        self.days = (plan.end - plan.start).days + 1
        self._stack = contextlib.ExitStack()
        self._store: AnalyticsStore | None = None
        self._opened = False
        self._topics: dict[str, Topic] | None = None
        self._facts: dict[tuple[Any, ...], src.ListeningFacts] = {}

    def close(self) -> None:
        self._stack.close()

    # listening
    def store(self) -> AnalyticsStore | None:
        if not self._opened:
            self._opened = True
            self._store = self._stack.enter_context(src.listening_store(self.ws))
        return self._store

    def platforms(self, channel: str) -> tuple[str, ...]:
        """Listening ``platform`` values of a plan channel (the knowledge base's)."""
        from socialops.plan.channels import load_channels
        from socialops.plan.messages import PlanError

        try:
            info = load_channels(self.ws).get(channel)
        except PlanError:
            info = None
        if info is not None and info.platforms:
            return tuple(info.platforms)
        return src.PLATFORMS.get(channel, (channel,))

    def topics(self) -> dict[str, Topic]:
        if self._topics is None:
            from socialops.listen.topics import list_topics

            known = {t.name.lower(): t for t in list_topics(self.ws)}
            self._topics = {n: known[n.lower()] for n in self.plan.topics if n.lower() in known}
        return self._topics

    def listening(self, kpi: Kpi, target: KpiTarget, window: src.Window) -> Measured:
        m = Measured(None, {"window": window.to_dict()})
        tracked = self.topics()
        missing = [n for n in self.plan.topics if n not in tracked]
        if missing:
            m.note(
                f"워크스페이스에 없는 토픽: {', '.join(missing)}.",
                f"Topics not in the workspace: {', '.join(missing)}.",
            )
        store = self.store()
        if store is None:
            m.note(
                "리스닝 데이터가 없습니다. 게시물을 가져오고 분석(enrich)해 주세요.",
                "No listening data: import and enrich posts first.",
            )
            return m
        if not tracked or (target.topic is not None and target.topic not in tracked):
            return m
        platforms = self.platforms(target.channel) if target.channel else ()
        key = (window, platforms)
        if key not in self._facts:
            self._facts[key] = src.listening_facts(store, list(tracked.values()), window, platforms)
        facts = self._facts[key]
        plan_topics = list(tracked)
        m.value, detail = src.listening_value(kpi.id, facts, target.topic, plan_topics)
        m.detail.update(detail)
        m.has_data = facts.all_posts > 0
        names = [target.topic] if target.topic else plan_topics
        for n in names:
            for day, c in zip(facts.days, facts.daily[n], strict=True):
                if c:
                    d = date.fromisoformat(day)
                    m.series[d] = m.series.get(d, 0) + c
        where = f" ({', '.join(platforms)})" if platforms else ""
        m.note(
            f"토픽 {', '.join(names)}{where}: 기간 중 게시물 {facts.all_posts:,}개 중 언급 "
            f"{detail['mentions']:,}건.",
            f"Topics {', '.join(names)}{where}: {detail['mentions']:,} mentions among "
            f"{facts.all_posts:,} posts in the window.",
        )
        if facts.zone and facts.zone != window.zone:
            m.note(
                f"리스닝 일자는 워크스페이스 시간대({facts.zone}) 기준입니다.",
                f"Listening days are in the workspace's zone ({facts.zone}).",
            )
        return m

    # spend
    def spend(self, target: KpiTarget, window: src.Window, m: Measured) -> float | None:
        rows = src.conversions_in(self.ws, self.plan.utm.campaign, self.utm_sources(target), window)
        cost = src.imported_cost(rows)
        if cost is not None:
            m.detail["spend_source"] = "imported"
            m.note(
                f"비용: 가져온 전환 데이터의 비용 {cost:,.0f}원.",
                f"Spend: the imported cost, KRW {cost:,.0f}.",
            )
            return cost
        if window.start < self.plan.start:  # a baseline window: the plan's budget is not spent
            m.note("기간 이전의 비용 데이터가 없습니다.", "No imported cost before the plan.")
            return None
        budget = sum(b.amount_krw for b in self.plan.budget if b.channel == target.channel)
        if target.channel is None:
            budget = self.plan.budget_total_krw or sum(b.amount_krw for b in self.plan.budget)
        share = window.days / self.days
        spend = budget * share
        m.detail["spend_source"] = "budget"
        m.note(
            f"비용: 가져온 비용이 없어 계획 예산 {budget:,}원 × 경과 {share:.0%} = "
            f"{spend:,.0f}원으로 계산했습니다.",
            f"Spend: no imported cost, so the planned budget KRW {budget:,} × {share:.0%} "
            f"elapsed = KRW {spend:,.0f}.",
        )
        return spend

    def utm_sources(self, target: KpiTarget) -> list[str] | None:
        if target.channel is None:
            return None
        return [self.plan.utm.sources.get(target.channel, target.channel)]

    # post metrics and conversions
    def posts(self, kpi: Kpi, target: KpiTarget, window: src.Window) -> Measured:
        channels = [target.channel] if target.channel else self.plan.channel_keys()
        rows = src.posts_in(self.ws, channels, window)
        m = Measured(None, {"window": window.to_dict(), "channels": channels})
        spend = self.spend(target, window, m) if kpi.id in ("cpc", "cost_per_engagement") else None
        m.value, detail = src.post_value(kpi.id, rows, spend)
        m.detail.update(detail)
        m.has_data = bool(rows)
        if kpi.cumulative:
            for r in rows:
                amount = 1.0 if kpi.id == "posts" else r[kpi.id]
                if amount is not None:
                    m.series[r["period_day"]] = m.series.get(r["period_day"], 0) + amount
        if not rows:
            m.note(
                f"기간 중 {', '.join(channels)} 게시물 성과 데이터가 없습니다 "
                "(`socialops metrics import`).",
                f"No post metrics of {', '.join(channels)} in the window "
                "(`socialops metrics import`).",
            )
            return m
        month = detail["month_dated"]
        m.note(
            f"{', '.join(channels)} 게시물 {len(rows):,}개"
            + (f"(그중 {month:,}개는 월 단위 날짜: 달이 기간과 겹치면 포함)" if month else "")
            + ".",
            f"{len(rows):,} posts of {', '.join(channels)}"
            + (
                f" ({month:,} dated by month only, counted when the month overlaps)"
                if month
                else ""
            )
            + ".",
        )
        return m

    def conversions(self, kpi: Kpi, target: KpiTarget, window: src.Window) -> Measured:
        sources = self.utm_sources(target)
        rows = src.conversions_in(self.ws, self.plan.utm.campaign, sources, window)
        m = Measured(None, {"window": window.to_dict(), "utm_campaign": self.plan.utm.campaign})
        spend = self.spend(target, window, m) if kpi.id == "cpa" else None
        m.value, detail = src.conversion_value(kpi.id, rows, spend)
        m.detail.update(detail)
        m.has_data = bool(rows)
        if kpi.cumulative:
            col = "conversions" if kpi.id == "conversions" else "revenue_krw"
            for r in rows:
                if r[col] is not None:
                    d = date.fromisoformat(r["date"])
                    m.series[d] = m.series.get(d, 0) + r[col]
        where = f"utm_campaign={self.plan.utm.campaign}"
        if sources is not None and target.channel is not None:
            m.detail["utm_source"] = sources[0]
            where += f", utm_source={sources[0]}"
            if target.channel not in self.plan.utm.sources:
                m.note(
                    f"UTM 체계에 '{target.channel}'의 소스가 없어 채널 키를 utm_source로 씁니다.",
                    f"The UTM scheme has no source for '{target.channel}': the channel key is "
                    "used as utm_source.",
                )
        m.note(
            f"{where}: 전환 데이터 {len(rows):,}행.",
            f"{where}: {len(rows):,} conversions rows.",
        )
        return m

    def measure(self, target: KpiTarget, window: src.Window) -> Measured:
        kpi = LIBRARY[target.kpi]
        if kpi.source == "listening":
            return self.listening(kpi, target, window)
        if kpi.source == "post_metrics":
            return self.posts(kpi, target, window)
        if kpi.source == "conversions":
            return self.conversions(kpi, target, window)
        m = Measured(None, {"window": window.to_dict()})
        m.note(
            "인박스(고객 응대) 데이터로 측정합니다. 인박스 데이터가 아직 없습니다.",
            "Measured from the inbox (customer care), which has no data yet.",
        )
        return m
