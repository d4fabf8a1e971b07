"""The listening report's labels (:mod:`socialops.listen.report`): section titles, table
headings and notes, ``report.<key>``; :data:`REPORT_LABELS` is the table by its short keys."""

from __future__ import annotations

REPORT_LABELS: dict[str, tuple[str, str]] = {
    "title": ("소셜 리스닝 리포트", "Social listening report"),
    "summary": ("요약", "Summary"),
    "volume": ("언급량 추이", "Mention volume over time"),
    "sov": ("점유율 (Share of Voice)", "Share of voice"),
    "sentiment": ("감성 추이와 순감성", "Sentiment over time and net sentiment"),
    "assoc": ("연관어와 감성 연관어", "Association words and sentiment words"),
    "spikes": ("급증 구간", "Spikes"),
    "issues": ("반복 이슈", "Recurring issues"),
    "influencers": ("영향력 있는 작성자", "Influential authors"),
    "themes": ("테마와 불만 사유", "Themes and complaint reasons"),
    "topics": ("주제", "Topics"),
    "range": ("기간", "Range"),
    "every": ("집계 단위", "Granularity"),
    "zone": ("시간대", "Time zone"),
    "generated": ("작성 시각", "Generated"),
    "all_posts": ("범위 내 전체 게시물", "All posts in range"),
    "mentions": ("언급량", "Mentions"),
    "share": ("점유율", "Share"),
    "net": ("순감성", "Net sentiment"),
    "positive": ("긍정", "positive"),
    "neutral": ("중립", "neutral"),
    "negative": ("부정", "negative"),
    "total": ("전체", "Total"),
    "topic": ("주제", "Topic"),
    "kind": ("종류", "Kind"),
    "unavailable": ("이 분석은 아직 사용할 수 없습니다", "This analysis is not available yet"),
    "failed": ("이 분석을 실행하지 못했습니다", "This analysis could not run"),
    "no_chart": ("그릴 데이터가 없습니다.", "Nothing to draw."),
    "no_rows": ("결과가 없습니다.", "No results."),
    "more_rows": (
        "외 {n}행은 XLSX/CSV 내보내기에 있습니다.",
        "{n} more rows are in the XLSX/CSV export.",
    ),
    "examples": ("예시 게시물", "Example posts"),
    "words": ("연관어", "Association words"),
    "positive_words": ("긍정 연관어", "Positive association words"),
    "negative_words": ("부정 연관어", "Negative association words"),
    "coverage": ("수집 범위 변화 (급증 아님)", "Coverage changes (not spikes)"),
    "no_spikes": ("이 기간에 급증 구간이 없습니다.", "No spikes in this range."),
    "spike_words": ("급증을 이끈 단어", "Words that drove it"),
    "score": ("점수", "score"),
    "warnings": ("주의", "Warnings"),
    "sov_chart": ("전체 점유율", "Share of voice, whole range"),
    "sov_period": ("기간별 점유율 (%)", "Share of voice by period (%)"),
    "net_period": ("기간별 순감성 (−1 … +1)", "Net sentiment by period (−1 … +1)"),
    "share_chart": ("감성 비율", "Sentiment shares"),
    "hour": ("시간", "hour"),
    "day": ("일", "day"),
    "week": ("주", "week"),
    "net_formula": (
        "순감성 = (긍정 − 부정) / (긍정 + 부정)",
        "net sentiment = (positive − negative) / (positive + negative)",
    ),
    "sov_formula": (
        "점유율 = 주제 언급량 / 추적 중인 모든 주제의 언급량 × 100",
        "share of voice = topic mentions / all tracked topics' mentions × 100",
    ),
}

# the result tables' titles (``ResultTable.name`` → ``report.table.<name>``); the English is
# the analysis's own title
TABLE_TITLES: dict[str, tuple[str, str]] = {
    "summary": ("요약", "Summary"),
    "volume": ("기간별 언급량", "Mention volume"),
    "sov": ("점유율", "Share of voice"),
    "sov_by_period": ("기간별 점유율 (%)", "Share of voice by period (%)"),
    "sentiment": ("감성", "Sentiment"),
    "sentiment_by_period": ("기간별 감성", "Sentiment by period"),
    "assoc": ("연관어", "Association words"),
    "assoc_positive": ("긍정 연관어", "Positive association words"),
    "assoc_negative": ("부정 연관어", "Negative association words"),
    "spikes": ("급증 구간과 수집 범위 변화", "Spikes and coverage changes"),
    "spikes_posts": ("급증을 이끈 게시물", "Posts that drove each spike"),
    "issues": ("반복 이슈", "Recurring issues"),
    "issues_timeline": ("불만 주제 추이", "Complaint themes over time"),
    "influencers_engagement": ("참여도 기준 영향력 작성자", "Influential authors by engagement"),
    "influencers_network": (
        "네트워크 기준 영향력 작성자 (답글·멘션·공유 PageRank)",
        "Influential authors by network (PageRank over replies, mentions, reposts)",
    ),
    "themes": ("테마", "Themes"),
    "complaints": ("불만 사유", "Complaint reasons"),
}

MESSAGES: dict[str, tuple[str, str]] = {
    **{f"report.{k}": v for k, v in REPORT_LABELS.items()},
    **{f"report.table.{k}": v for k, v in TABLE_TITLES.items()},
}
