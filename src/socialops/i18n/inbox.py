"""The inbox core's messages: receiving messages, conversations, cases, assignment, teams,
contacts, saved replies and presence (raised as :class:`socialops.errors.EngageError`), and the
names of case statuses and priorities."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "inbox.unknown_conversation": (
        "대화 '{conversation_id}'을(를) 찾을 수 없습니다.",
        "There is no conversation '{conversation_id}'.",
    ),
    "inbox.unknown_case": (
        "케이스 #{case_id}을(를) 찾을 수 없습니다.",
        "There is no case #{case_id}.",
    ),
    "inbox.unknown_contact": (
        "고객 '{contact_id}'을(를) 찾을 수 없습니다.",
        "There is no contact '{contact_id}'.",
    ),
    "inbox.unknown_saved_reply": (
        "저장된 답변 '{saved_id}'을(를) 찾을 수 없습니다.",
        "There is no saved reply '{saved_id}'.",
    ),
    "inbox.unknown_team": (
        "'{name}' 팀이 없습니다. 팀 목록을 확인해 주세요.",
        "There is no team '{name}': check the list of teams.",
    ),
    "inbox.team_name_required": ("팀 이름을 입력해 주세요.", "Give the team a name."),
    "inbox.bad_status": (
        "'{status}'은(는) 케이스 상태가 아닙니다. 신규, 진행 중, 고객 응답 대기, 해결, 종료 중에서 "
        "골라 주세요.",
        "'{status}' is not a case status: choose new, open, waiting, resolved or closed.",
    ),
    "inbox.bad_state": (
        "케이스 #{case_id}은(는) 지금 '{status}' 상태라 '{to}'(으)로 바꿀 수 없습니다.",
        "Case #{case_id} is {status}: it cannot become {to}.",
    ),
    "inbox.no_open_case": (
        "이 대화에는 진행 중인 케이스가 없습니다. 고객이 다시 문의하면 새 케이스가 열립니다.",
        "This conversation has no open case: a new one opens when the customer writes again.",
    ),
    "inbox.same_contact": (
        "같은 고객끼리는 병합할 수 없습니다.",
        "A contact cannot be merged with itself.",
    ),
    "inbox.contact_note_empty": ("메모 내용을 입력해 주세요.", "Write the note first."),
    "inbox.saved_reply_empty": (
        "저장할 답변의 이름과 내용을 입력해 주세요.",
        "Give the saved reply a name and a text.",
    ),
    "inbox.bad_lang": (
        "언어 '{lang}'은(는) 쓸 수 없습니다. ko 또는 en 중에서 골라 주세요.",
        "The language '{lang}' is not available: choose ko or en.",
    ),
    "inbox.bad_presence": (
        "'{state}'은(는) 알 수 없는 상태입니다.",
        "Unknown presence state '{state}'.",
    ),
    "inbox.bad_time": (
        "메시지 시각 '{value}'을(를) 읽을 수 없습니다. 예: 2026-01-15T09:30:00+09:00.",
        "The message time '{value}' cannot be read. Example: 2026-01-15T09:30:00+09:00.",
    ),
    "inbox.bad_direction": (
        "메시지 방향 '{direction}'은(는) 알 수 없습니다. 고객(in) 또는 우리 답변(out)이어야 "
        "합니다.",
        "Unknown message direction '{direction}': a message is the customer's (in) or ours (out).",
    ),
    "inbox.bad_message": (
        "메시지 '{remote_id}'에 출처, 대화 키 또는 메시지 ID가 없습니다.",
        "The message '{remote_id}' lacks its source, thread key or id.",
    ),
    "inbox.too_long": (
        "메시지가 너무 깁니다({limit:,}자까지 받습니다).",
        "The message is too long (up to {limit:,} characters).",
    ),
    "inbox.status.new": ("신규", "New"),
    "inbox.status.open": ("진행 중", "Open"),
    "inbox.status.waiting": ("고객 응답 대기", "Waiting on customer"),
    "inbox.status.resolved": ("해결", "Resolved"),
    "inbox.status.closed": ("종료", "Closed"),
    "inbox.priority.low": ("낮음", "Low"),
    "inbox.priority.normal": ("보통", "Normal"),
    "inbox.priority.high": ("높음", "High"),
    "inbox.priority.urgent": ("긴급", "Urgent"),
    "inbox.routing.manual": ("수동 배정", "Manual"),
    "inbox.routing.round_robin": ("순환 배정", "Round-robin"),
    "inbox.routing.category": ("분류별 팀 배정", "By category"),
    "inbox.routing.load": ("업무량 기준 배정", "By load"),
    "inbox.presence.viewing": ("{user}님이 보는 중", "{user} is viewing"),
    "inbox.presence.typing": ("{user}님이 입력 중", "{user} is typing"),
}
