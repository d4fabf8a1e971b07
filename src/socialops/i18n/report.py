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

# the result tables' column headings (``ResultTable.columns`` → ``report.col.<name>``) in the
# HTML report, the XLSX and the CSV exports; a column not here is a topic's name, kept as it is
COLUMNS: dict[str, tuple[str, str]] = {
    "topic": ("주제", "Topic"),
    "kind": ("종류", "Kind"),
    "mentions": ("언급량", "Mentions"),
    "share": ("점유율 (%)", "Share (%)"),
    "positive": ("긍정", "Positive"),
    "neutral": ("중립", "Neutral"),
    "negative": ("부정", "Negative"),
    "unscored": ("감성 미분석", "Not scored"),
    "pct_positive": ("긍정 비율 (%)", "Positive (%)"),
    "pct_negative": ("부정 비율 (%)", "Negative (%)"),
    "net_sentiment": ("순감성", "Net sentiment"),
    "pct_diff": ("긍정−부정 (%p)", "Positive − negative (points)"),
    "period": ("기간", "Period"),
    "all posts": ("전체 게시물", "All posts"),
    "rank": ("순위", "Rank"),
    "word": ("단어", "Word"),
    "count": ("게시물 수", "Posts"),
    "rest_count": ("비교 구간 게시물 수", "Posts elsewhere"),
    "g2": ("G² 점수", "G² score"),
    "lift": ("향상도", "Lift"),
    "example": ("예시", "Example"),
    "theme": ("테마 번호", "Theme"),
    "label": ("테마", "Label"),
    "size": ("게시물 수", "Posts"),
    "posts": ("게시물 수", "Posts"),
    "recurring": ("반복 여부", "Recurring"),
    "episodes": ("발생 구간 (게시물 수)", "Episodes (posts)"),
    "handle": ("계정", "Handle"),
    "author_id": ("작성자 ID", "Author ID"),
    "likes": ("좋아요", "Likes"),
    "comments": ("댓글", "Comments"),
    "shares": ("공유", "Shares"),
    "engagement": ("참여", "Engagement"),
    "engagement_per_post": ("게시물당 참여", "Engagement per post"),
    "reach": ("도달", "Reach"),
    "pagerank": ("페이지랭크", "PageRank"),
    "in_degree": ("받은 연결 작성자 수", "In-degree"),
    "in_links": ("받은 연결 수", "In-links"),
    "out_degree": ("보낸 연결 작성자 수", "Out-degree"),
    "start": ("시작", "Start"),
    "end": ("끝", "End"),
    "score": ("점수", "Score"),
    "baseline": ("평소 게시물 수", "Usual posts"),
    "reason": ("사유", "Reason"),
    "words": ("단어", "Words"),
    "post_id": ("게시물 ID", "Post ID"),
    "created_at": ("작성 시각", "Posted at"),
    "text": ("본문", "Text"),
}

MESSAGES.update({f"report.col.{k}": v for k, v in COLUMNS.items()})

# how each analysis was made, as the report says it (an analysis's "method"), and the notes an
# analysis leaves (``report.note.<name>``)
MESSAGES.update(
    {
        "report.method.assoc": (
            "연관어는 이 주제의 게시물에 다른 게시물보다 유난히 많이 나오는 단어입니다 (로그 우도 "
            "G², {min_count}회 이상, 주제마다 {limit}개까지).",
            "Association words are the words over-represented in the topic's posts against the "
            "other posts (log-likelihood G², at least {min_count} times, up to {limit} per topic).",
        ),
        "report.method.themes": (
            "테마는 게시물 키워드(검색어 제외)의 TF-IDF를 NMF로 묶은 것입니다. 게시물이 "
            "{max_posts}건을 넘는 주제는 약 {max_posts}건의 무작위 표본으로 추정하며, 비율마다 "
            "95% 오차 범위를 붙입니다.",
            "Themes group the posts' keywords (the query's own words left out) with NMF over "
            "TF-IDF. A topic with more than {max_posts} posts is estimated from a random sample "
            "of about {max_posts}, each share with a 95 % margin.",
        ),
        "report.method.issues": (
            "반복 이슈는 게시물이 평소보다 크게 늘어나는 기간이 되풀이되는 불만 테마입니다. 테마는 "
            "게시물 키워드의 TF-IDF를 NMF로 묶었고, 게시물이 {max_posts}건을 넘는 주제는 표본으로 "
            "추정합니다.",
            "Recurring issues are complaint themes whose posts rise well above their usual level "
            "again and again. Themes group the posts' keywords with NMF over TF-IDF; a topic with "
            "more than {max_posts} posts is estimated from a sample.",
        ),
        "report.note.no_network": (
            "이 주제의 게시물에는 작성자끼리 주고받은 답글·리포스트·@멘션이 없어 (예: 작성자 "
            "계정이 없는 리뷰) 순위를 매길 연결망이 없습니다.",
            "No replies, reposts or @mentions between identifiable authors in this topic's posts "
            "(e.g. reviews without handles): there is no network to rank.",
        ),
        "report.note.no_authors": (
            "이 주제의 게시물에는 작성자 계정이나 ID가 없습니다.",
            "The topic's posts carry no author handle or id.",
        ),
    }
)
