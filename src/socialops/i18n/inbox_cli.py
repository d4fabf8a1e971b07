"""The inbox's import and command-line words: ``socialops inbox …``, the ``inbox_messages``
import stream (its quarantine reasons) and the demo inbox."""

from __future__ import annotations

_STATUS = {
    "new": ("신규", "new"),
    "open": ("진행 중", "open"),
    "waiting": ("고객 응답 대기", "waiting on customer"),
    "resolved": ("해결됨", "resolved"),
    "closed": ("종료", "closed"),
}
_INTENT = {
    "inquiry": ("문의", "inquiry"),
    "complaint": ("불만", "complaint"),
    "praise": ("칭찬", "praise"),
    "suggestion": ("제안", "suggestion"),
    "spam": ("스팸·욕설", "spam or abuse"),
    "other": ("기타", "other"),
}
_URGENCY = {
    "low": ("낮음", "low"),
    "normal": ("보통", "normal"),
    "high": ("높음", "high"),
    "urgent": ("긴급", "urgent"),
}
_REPLY = {
    "pending_approval": ("승인 대기", "waiting for approval"),
    "queued": ("발송 대기", "queued"),
    "sending": ("발송 중", "sending"),
    "sent": ("발송됨", "sent"),
    "failed": ("실패", "failed"),
    "unknown": ("확인 필요", "unknown: check on the platform"),
    "rejected": ("반려됨", "rejected"),
}
_COLUMNS = {
    "id": ("대화", "conversation"),
    "profile": ("프로필", "profile"),
    "customer": ("고객", "customer"),
    "status": ("상태", "status"),
    "intent": ("의도", "intent"),
    "urgency": ("긴급도", "urgency"),
    "last": ("마지막 메시지", "last message"),
    "updated": ("업데이트", "updated"),
    "measure": ("지표", "measure"),
    "value": ("값", "value"),
}

MESSAGES: dict[str, tuple[str, str]] = {
    **{f"inbox.cli.status.{k}": v for k, v in _STATUS.items()},
    **{f"inbox.cli.intent.{k}": v for k, v in _INTENT.items()},
    **{f"inbox.cli.urgency.{k}": v for k, v in _URGENCY.items()},
    **{f"inbox.cli.reply.{k}": v for k, v in _REPLY.items()},
    **{f"inbox.cli.col.{k}": v for k, v in _COLUMNS.items()},
    # the import
    "inbox.import_columns": (
        "'{file}'은(는) '{preset}' 형식의 대화 파일이 아닙니다. 필요한 열이 없습니다: {missing} "
        "(파일의 열: {found}).",
        "{file} is not a '{preset}' conversations file: it lacks {missing} (its columns: {found}).",
    ),
    "quarantine.reason.missing_thread": ("대화 ID 없음", "No conversation id"),
    "quarantine.reason.bad_turns": (
        "고객·상담원 발화 표시가 맞지 않는 대화",
        "Turns not marked as customer or agent",
    ),
    "quarantine.reason.empty_turns": (
        "고객의 첫 메시지에 글이 없는 대화(멘션만 있음)",
        "The customer's first message has no text (a bare mention)",
    ),
    "inbox.cli.importing": ("{file} 대화 가져오는 중", "importing conversations of {file}"),
    "inbox.cli.imported_rows": (
        "{file}: 읽은 행 {rows} = 대화 {conversations} + 중복 {duplicates} + 건너뜀 "
        "{skipped}{reasons}",
        "{file}: rows read {rows} = conversations {conversations} + duplicates {duplicates} + "
        "skipped {skipped}{reasons}",
    ),
    "inbox.cli.imported_messages": (
        "메시지 {messages} = 새로 받음 {received} + 이미 있음 {already} "
        "({seconds}초, 초당 {rate}건, 분류 포함)",
        "messages {messages} = received {received} + already stored {already} "
        "({seconds} s, {rate} messages/s with triage)",
    ),
    "inbox.cli.simulated_note": (
        "이 대화들의 도착 시간은 모의로 정한 것입니다(원본 파일에 시간이 없음). 실제 리포트에는 "
        "포함되지 않습니다.",
        "These conversations' arrival times are simulated (the file has none); real reports "
        "leave them out.",
    ),
    "inbox.cli.simulated_mark": (" (모의)", " (simulated)"),
    # list, show, changes
    "inbox.cli.empty": ("조건에 맞는 대화가 없습니다.", "No conversations match."),
    "inbox.cli.nobody": ("미배정", "unassigned"),
    "inbox.cli.show_head": (
        "대화 {id} · {profile} ({channel}) · 고객 {customer} · {status} · 담당 {assignee} · "
        "팀 {team}",
        "conversation {id} · {profile} ({channel}) · customer {customer} · {status} · "
        "assignee {assignee} · team {team}",
    ),
    "inbox.cli.msg_in": (
        "{at}  ← {author}: {text}  [{intent}]",
        "{at}  ← {author}: {text}  [{intent}]",
    ),
    "inbox.cli.msg_out": ("{at}  → {author}: {text}", "{at}  → {author}: {text}"),
    "inbox.cli.msg_note": ("{at}  (메모) {author}: {text}", "{at}  (note) {author}: {text}"),
    "inbox.cli.assigned": (
        "케이스 #{case}: 담당 {assignee}, 팀 {team}.",
        "Case #{case}: assignee {assignee}, team {team}.",
    ),
    "inbox.cli.resolved": (
        "케이스 #{case}을(를) 해결됨으로 표시했습니다.",
        "Case #{case} resolved.",
    ),
    "inbox.cli.replied": ("답장 {id}: {state}.", "Reply {id}: {state}."),
    "inbox.cli.report_head": ("팀 리포트 {start} ~ {end}", "Team report {start} to {end}"),
    "inbox.cli.report_simulated": (
        "도착 시간이 모의인 대화 {count}건은 세지 않았습니다(데모 데이터).",
        "{count} conversations with simulated arrival times were left out (demo data).",
    ),
    # errors
    "inbox.cli_no_case": (
        "대화 {conversation}에는 열린 케이스가 없습니다.",
        "The conversation {conversation} has no case.",
    ),
    "inbox.cli_bad_date": (
        "{flag} 날짜 '{value}'을(를) 읽을 수 없습니다. YYYY-MM-DD 형식으로 적어 주세요.",
        "Cannot read the {flag} date '{value}': write YYYY-MM-DD.",
    ),
}
