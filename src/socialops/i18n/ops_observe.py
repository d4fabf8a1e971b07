"""Health, metrics and logs (issue 18 part 4): the refusals of ``/metrics`` and of a
metrics-only token, and the CLI's token-scope messages."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "ops.token_scope_unknown": (
        "알 수 없는 토큰 범위 '{scope}'입니다. 쓸 수 있는 범위는 metrics 하나입니다 "
        "(범위를 빼면 사용자의 모든 권한).",
        "Unknown token scope '{scope}': the one scope is metrics (leave it out for all the "
        "user's rights).",
    ),
    "error.token_scope": (
        "이 토큰은 모니터링 지표(/metrics)를 읽는 데만 쓸 수 있습니다. 다른 작업에는 "
        "일반 API 토큰을 쓰세요.",
        "This token may only read the monitoring metrics (/metrics): use an ordinary API token "
        "for anything else.",
    ),
    "error.metrics_token": (
        "모니터링 지표는 지표 전용 토큰으로만 읽을 수 있습니다. 서버 관리자에게 지표 전용 "
        "토큰을 받으세요.",
        "The monitoring metrics are read with a metrics-only token: ask the server's "
        "administrator for one.",
    ),
    "cli.token.created_scope": (
        "지표 전용 토큰입니다: /metrics만 읽을 수 있고 다른 요청은 모두 거절됩니다 (403).",
        "A metrics-only token: it reads /metrics and every other request is refused (403).",
    ),
    "cli.log_format_bad": (
        "로그 형식 '{value}'를 알 수 없습니다. `json`, `text`, `auto` 중 하나로 정해 주세요 "
        "(SOCIALOPS_LOG_FORMAT).",
        "Unknown log format '{value}': set SOCIALOPS_LOG_FORMAT to json, text or auto.",
    ),
    "cli.log_level_bad": (
        "로그 수준 '{value}'를 알 수 없습니다. `debug`, `info`, `warning`, `error` 중 하나로 "
        "정해 주세요 (SOCIALOPS_LOG_LEVEL).",
        "Unknown log level '{value}': set SOCIALOPS_LOG_LEVEL to debug, info, warning or error.",
    ),
}
