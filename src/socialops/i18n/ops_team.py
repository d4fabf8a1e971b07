"""The team server's messages: ``socialops serve --processes N`` and the signals between its
processes."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "cli.team_bad_processes": (
        "--processes '{value}'은(는) 1에서 {max} 사이의 수여야 합니다. 예: --processes 4.",
        "--processes '{value}' must be a number from 1 to {max}: use e.g. --processes 4.",
    ),
    "cli.team_needs_postgres": (
        "웹 프로세스 {n}개는 PostgreSQL에서만 실행할 수 있습니다. SQLite 파일 하나에 여러 "
        "프로세스가 쓰면 모든 쓰기가 한 줄로 기다립니다. SOCIALOPS_DATABASE_URL="
        "postgresql://USER@HOST/DB 를 설정하거나 --processes 1 로 실행해 주세요.",
        "{n} web processes need PostgreSQL (on one SQLite file every write of every process "
        "waits in one line): set SOCIALOPS_DATABASE_URL=postgresql://USER@HOST/DB, or run "
        "with --processes 1.",
    ),
    "team.bad_redis_url": (
        "SOCIALOPS_REDIS_URL '{value}'은(는) Redis 주소가 아닙니다. 예: redis://127.0.0.1:6379/0.",
        "SOCIALOPS_REDIS_URL '{value}' is not a Redis address: use e.g. redis://127.0.0.1:6379/0.",
    ),
    "cli.serve.processes": ("웹 프로세스", "Web processes"),
    "cli.serve.processes_how": (
        "{n}개 (PostgreSQL, 프로세스 사이 신호: {bus})",
        "{n} (PostgreSQL; signals between processes: {bus})",
    ),
    "cli.serve.bus_local": (
        "없음 — SOCIALOPS_REDIS_URL을 설정하면 실시간 알림이 즉시 전달됩니다",
        "none — set SOCIALOPS_REDIS_URL for instant live updates",
    ),
}
