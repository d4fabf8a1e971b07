"""What a user reads while the server's database is unreachable (a PostgreSQL restart or
failover, found by the soak's fault runs, bench/soak.py): a 503 in their language instead of a
bare "Internal Server Error"."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "error.db_unavailable": (
        "데이터베이스에 잠시 연결할 수 없습니다. 저장된 내용은 안전합니다. 몇 초 뒤 다시 "
        "시도해 주세요. 계속되면 관리자에게 알려 주세요.",
        "The database cannot be reached for a moment. Nothing saved is lost: try again in a few "
        "seconds, and tell the administrator if it goes on.",
    ),
}
