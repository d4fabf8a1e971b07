"""Messages of listening: tracked topics (:mod:`socialops.listen.topics`), alerts
(:mod:`socialops.listen.alerts`) and the enrichment runner (:mod:`socialops.sources.enrich`).

Topic messages are read in the web too: they name no command or flag. Alerts and the
enrichment's zone and worker messages are the CLI's only, and may name its commands."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # topics (the CLI and the web's topic pages)
    "topic.kind_unknown": (
        "'{kind}'은(는) 알 수 없는 토픽 종류입니다: {allowed} 중에서 고르세요.",
        "Unknown topic kind '{kind}': use one of {allowed}.",
    ),
    "topic.name_missing": (
        "토픽 이름이 비어 있습니다: 브랜드나 캠페인 이름 같은 이름을 정하세요 (예: 대한항공).",
        "A topic needs a name, e.g. the brand or campaign it tracks (대한항공).",
    ),
    "topic.name_too_long": (
        "토픽 이름은 인쇄 가능한 문자 {max}자 이하여야 합니다: 더 짧은 이름을 정하세요.",
        "Topic names are at most {max} printable characters: choose a shorter name.",
    ),
    "topic.not_found": (
        "'{name}' 토픽이 없습니다 (있는 토픽: {known}): 이름을 확인하거나 먼저 토픽을 추가하세요.",
        "No topic named '{name}' (topics: {known}): check the name, or add the topic first.",
    ),
    "topic.not_found_none": (
        "'{name}' 토픽이 없습니다 (아직 토픽이 하나도 없습니다): 먼저 토픽을 추가하세요.",
        "No topic named '{name}' (there are no topics yet): add the topic first.",
    ),
    "topic.none_yet": (
        "이 워크스페이스에는 아직 토픽이 없습니다: 추적할 브랜드나 경쟁사를 토픽으로 먼저 "
        "추가하세요.",
        "This workspace has no topics yet: add the brand or competitor to track as a topic first.",
    ),
    "topic.exists": (
        "'{name}' 토픽이 이미 있습니다: 그 토픽을 고치거나 다른 이름을 정하세요.",
        "A topic named '{name}' exists: change that topic, or choose another name.",
    ),
    # what to run next, after those messages in the CLI only (socialops.cli.common.error_line)
    "topic.not_found.cli": (
        "(`socialops topic list`로 이름을 확인하거나 `socialops topic add NAME --query '...'`로 "
        "추가하세요)",
        "(see `socialops topic list`, or add it with `socialops topic add NAME --query '...'`)",
    ),
    "topic.not_found_none.cli": (
        "(`socialops topic add NAME --query '...' --kind brand`)",
        "(add one with `socialops topic add NAME --query '...' --kind brand`)",
    ),
    "topic.none_yet.cli": (
        "(`socialops topic add NAME --query '...' --kind brand`)",
        "(add one with `socialops topic add NAME --query '...' --kind brand`)",
    ),
    "topic.exists.cli": (
        "(`socialops topic edit`로 고치세요)",
        "(change it with `socialops topic edit`)",
    ),
    # alerts (`socialops alerts`, the CLI only)
    "alert.every": (
        "알림 주기 '{every}'은(는) 쓸 수 없습니다: 시간별(hour) 또는 일별(day)을 쓰세요.",
        "Alert period '{every}': alerts use hour or day.",
    ),
    "alert.z_not_number": (
        "SOCIALOPS_ALERT_Z 값은 숫자여야 합니다 ('{value}'은(는) 숫자가 아닙니다).",
        "SOCIALOPS_ALERT_Z must be a number, not '{value}'.",
    ),
    "alert.min_posts_not_number": (
        "SOCIALOPS_ALERT_MIN_POSTS 값은 정수여야 합니다 ('{value}'은(는) 정수가 아닙니다).",
        "SOCIALOPS_ALERT_MIN_POSTS must be a whole number, not '{value}'.",
    ),
    "alert.thresholds_range": (
        "알림 기준이 맞지 않습니다: 기준 점수는 0보다 크고 최소 게시물 수는 1 이상이어야 합니다.",
        "Alert thresholds: z must be above 0 and min posts at least 1.",
    ),
    "alert.no_dated_posts": (
        "날짜가 있는 게시물이 없습니다: 알림을 확인하기 전에 데이터를 가져오고 정제하세요.",
        "No dated posts: import and enrich data before running alerts.",
    ),
    "alert.since_after": (
        "시작일 {since}은(는) 게시물이 있는 마지막 날({last}) 이후입니다: 아직 확인할 것이 "
        "없습니다.",
        "The start {since} is after the last day with posts ({last}): nothing to check yet.",
    ),
    # enrichment (socialops.sources.enrich)
    "enrich.nothing": (
        "정제할 게시물이 없습니다: 이 워크스페이스에 가져온 게시물이 없으니 먼저 게시물 "
        "파일을 가져오세요.",
        "Nothing to enrich: the workspace has no imported posts; import a file of posts first.",
    ),
    "enrich.nothing.cli": (
        "(`socialops import FILE --preset NAME`)",
        "(run `socialops import FILE --preset NAME` first)",
    ),
    "enrich.worker_died": (
        "정제 작업 프로세스가 갑자기 멈췄습니다 (메모리 부족이거나 설치에서 모델 파일이 "
        "빠졌을 수 있습니다). 아무것도 저장되지 않았습니다: 관리자에게 알려 주세요.",
        "An enrichment worker process stopped unexpectedly (out of memory, or a model file "
        "missing from the installation). Nothing was saved: tell the administrator.",
    ),
    "enrich.zone_mismatch": (
        "이 워크스페이스의 게시물은 {have} 시간대로 정제되었습니다. {zone} 시간대로 더 "
        "정제하면 현지 날짜가 섞입니다: {have} 시간대를 쓰거나 모든 게시물을 새 시간대로 다시 "
        "정제하세요.",
        "This workspace's posts were enriched in {have}; enriching more in {zone} would mix "
        "local days: keep {have}, or redo every post in the new zone.",
    ),
}
