"""Messages of charts and of the listening pages' range, KPI tiles and folded lists
(:mod:`socialops.listen.charts`, the dashboard, topic pages and the report): axis labels and
tooltips in the reader's language, the range a page shows, undated posts."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # the time axis (socialops.listen.charts.x_ticks) and tooltips (period_label)
    "chart.months": (
        "1월 2월 3월 4월 5월 6월 7월 8월 9월 10월 11월 12월",
        "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec",
    ),
    "chart.tick_day": ("{mon} {d}일", "{mon} {d}"),
    "chart.tick_hour": ("{h}시", "{h:02d}:00"),
    "chart.tick_year": ("{y}년", "{y}"),
    "chart.tip_day": ("{y}년 {mon} {d}일", "{mon} {d}, {y}"),
    "chart.tip_hour": ("{y}년 {mon} {d}일 {h}시", "{mon} {d}, {y}, {h:02d}:00"),
    "chart.tip_week": ("{y}년 {mon} {d}일부터 한 주", "Week of {mon} {d}, {y}"),
    # the range a page shows (socialops.listen.scope.default_scope)
    "range.latest": (
        "최근 활동 기간: {start} – {end} (토픽이 마지막으로 언급된 날까지 최대 {days}일)",
        "Latest activity: {start} – {end} (up to {days} days until the last day a topic was "
        "mentioned)",
    ),
    "range.latest_short": (
        "최근 활동 기간 (토픽이 마지막으로 언급된 날까지 최대 {days}일)",
        "the latest activity (up to {days} days until the last day a topic was mentioned)",
    ),
    "range.chosen": ("선택한 기간: {start} – {end}", "Selected range: {start} – {end}"),
    "range.all": ("전체 데이터 기간: {start} – {end}", "All data: {start} – {end}"),
    "range.show_all": ("전체 기간 보기", "Show all data"),
    "range.show_latest": ("최근 활동 기간 보기", "Show the latest activity"),
    # KPI tiles (the dashboard)
    "kpi.mentions": ("토픽 언급량", "Topic mentions"),
    "kpi.posts": ("기간 내 게시물", "Posts in range"),
    "kpi.net": ("순감성", "Net sentiment"),
    "kpi.negative": ("부정 비율", "Negative share"),
    "kpi.vs_prev": (
        "직전 {days}일({start} – {end}) 대비",
        "vs the previous {days} days ({start} – {end})",
    ),
    "kpi.pp": ("%p", " pp"),
    "kpi.no_prev": ("직전 기간에는 데이터가 없습니다", "No data in the previous period"),
    # long lists folded
    "fold.more": ("더 보기 ({n}개 더)", "Show more ({n} more)"),
    "fold.rows": ("나머지 {n}행 보기", "Show the other {n} rows"),
    "fold.tables": ("표 {n}개 더 보기", "Show {n} more tables"),
    "fold.examples": ("예시 게시물 보기", "Show example posts"),
    # undated posts (never a silent zero)
    "undated.note": (
        "날짜가 없는 게시물 {n}건은 기간별 집계와 차트에 들어가지 않습니다{detail}.",
        "{n} posts without a date are not in the counts and charts by period{detail}.",
    ),
    "undated.detail": (" (토픽별: {items})", " (by topic: {items})"),
    "undated.only": (
        "'{name}'은(는) 날짜가 없는 게시물에서만 {n}건 언급됩니다: 기간별 집계에는 0건으로 "
        "나옵니다.",
        "'{name}' is mentioned {n} times, all in posts without a date: by period it shows 0.",
    ),
}
