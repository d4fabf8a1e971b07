"""The listening analyses' messages: the scope of an analysis, the analyses' options, the
report and table exports, the posts explorer (:mod:`socialops.listen`, :mod:`socialops.web.
explorer`, :mod:`socialops.web.actions.reports`)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # the scope (socialops.listen.scope)
    "scope.bad_date": (
        "'{value}'은(는) 날짜가 아닙니다. YYYY-MM-DD 형식으로 써 주세요 (예: 2015-02-21).",
        "'{value}' is not a date: write it as YYYY-MM-DD, e.g. 2015-02-21.",
    ),
    "scope.bad_every": (
        "집계 단위 '{value}'은(는) 쓸 수 없습니다. 시간(hour), 일(day), 주(week) 중 하나를 "
        "골라 주세요.",
        "every '{value}': use hour, day or week.",
    ),
    "scope.order": (
        "시작일 {start}이(가) 종료일 {end}보다 늦습니다. 두 날짜를 바꾸거나 기간을 넓혀 주세요.",
        "The start {start} is after the end {end}: swap them or widen the range.",
    ),
    "scope.no_dated": (
        "날짜가 있는 게시물이 없습니다. 먼저 데이터를 가져와 분석해 주세요.",
        "No dated posts: import and enrich data first.",
    ),
    "scope.no_dated_filtered": (
        "플랫폼 {platforms}, 언어 {langs}에 해당하는 날짜가 있는 게시물이 없습니다. 데이터를 "
        "가져와 분석하거나 필터를 빼 주세요.",
        "No dated posts for platform {platforms}, language {langs}: import and enrich data "
        "first, or drop filters.",
    ),
    "scope.outside": (
        "{start}부터 {end}까지 게시물이 없습니다. 데이터 기간은 {lo}부터 {hi}까지입니다.",
        "No posts between {start} and {end}: the data covers {lo} to {hi}.",
    ),
    "scope.outside_filtered": (
        "{start}부터 {end}까지 플랫폼 {platforms}, 언어 {langs}의 게시물이 없습니다. 데이터 "
        "기간은 {lo}부터 {hi}까지입니다.",
        "No posts between {start} and {end} for platform {platforms}, language {langs}: the "
        "data covers {lo} to {hi}.",
    ),
    "scope.outside_filtered.cli": (
        "(--from/--to를 그 안에서 골라 주세요)",
        "(choose --from/--to inside it)",
    ),
    # the analyses (socialops.listen.analyses, .influencers, .spikes, .themes)
    "analysis.unknown": (
        "분석 '{name}'을(를) 알 수 없습니다. 가능한 분석: {choices}.",
        "Unknown analysis '{name}': use one of {choices}.",
    ),
    "analysis.no_match": (
        "{start}부터 {end}까지 토픽 {names}에 맞는 게시물이 없습니다. 토픽 쿼리를 확인하거나 "
        "기간을 넓히거나 데이터를 더 가져와 주세요.",
        "No posts between {start} and {end} match topic {names}: check the topic's query, "
        "widen the range, or import more data.",
    ),
    "analysis.topic_no_match": (
        "토픽 '{name}'에 맞는 게시물이 {start}부터 {end}까지 없습니다",
        "topic '{name}' matches no posts between {start} and {end}",
    ),
    "analysis.limit": (
        "limit {limit}은(는) 너무 작습니다. 작성자를 1명 이상 요청해 주세요.",
        "limit {limit} is too small: ask for at least 1 author.",
    ),
    "analysis.damping": (
        "damping {value}이(가) (0, 1) 범위 밖입니다. 보통 0.85를 씁니다.",
        "damping {value} is outside (0, 1): 0.85 is the usual value.",
    ),
    "analysis.spike_options": (
        "급증 감지: window와 min_count는 1 이상, z는 0보다 커야 합니다.",
        "spikes: window and min_count must be ≥ 1 and z > 0.",
    ),
    # a spike's reason (the spikes table's reason column reads coverage.<reason>, as the
    # coverage changes' reasons do): the opening of a topic that first appears, scored against
    # the level after it (socialops.listen.spikes, the cold start)
    "coverage.launch": (
        "첫 등장 직후 급증 (이후 수준 대비)",
        "launch surge (against the level after it)",
    ),
    "analysis.themes_k": (
        "k = {k}: 테마는 1개에서 50개까지 요청하거나, 비워 두면 자동으로 고릅니다.",
        "k = {k}: ask for 1 to 50 themes, or leave it out to choose.",
    ),
    "analysis.themes_sample": (
        "sample = {sample}: 게시물을 100개 이상 표본으로 뽑아 주세요.",
        "sample = {sample}: sample at least 100 posts.",
    ),
    "analysis.themes_max_posts": (
        "max_posts = {max_posts}이(가) sample = {sample}보다 작습니다. 모델을 학습하는 "
        "게시물 수 이상을 읽어 주세요.",
        "max_posts = {max_posts} is below sample = {sample}: read at least the posts the model "
        "is fitted on.",
    ),
    "analysis.themes_options": (
        "factor는 0보다 크고 min_posts와 gap은 1 이상이어야 합니다.",
        "factor must be > 0, min_posts ≥ 1 and gap ≥ 1.",
    ),
    # reports and exports (socialops.listen.report, .export)
    "report.write_failed": (
        "{path}에 쓸 수 없습니다: {detail}.",
        "Cannot write {path}: {detail}.",
    ),
    "report.csv_failed": (
        "CSV 파일을 {path}에 쓸 수 없습니다: {detail}.",
        "Cannot write CSV files to {path}: {detail}.",
    ),
    # the posts explorer (socialops.web.explorer)
    "explorer.bad_sort": (
        "정렬 '{value}'은(는) 쓸 수 없습니다. 가능한 값: {choices}.",
        "sort '{value}': use one of {choices}.",
    ),
    "explorer.bad_sentiment": (
        "감성 '{value}'은(는) 쓸 수 없습니다. 가능한 값: {choices}.",
        "sentiment '{value}': use one of {choices}.",
    ),
    "explorer.bad_page": ("페이지 번호는 1부터 시작합니다.", "page starts at 1."),
    "explorer.bad_per_page": (
        "한 페이지의 게시물 수는 1에서 {max}까지입니다.",
        "per_page must be 1 to {max}.",
    ),
    "explorer.query_too_long": (
        "검색어가 너무 깁니다. 1,000자 이하로 써 주세요.",
        "The query is too long: at most 1,000 characters.",
    ),
}
