"""Personal-data requests and retention (issue 18 part 5, 개인정보 보호법): the errors
(``privacy.*``, ``retention.*``), the places a request looks at (``privacy.place.*``), the CLI's
lines (``privacy.cli.*``), the owners' page (``privacyweb.*``) and the audit log's words."""

from __future__ import annotations

_PLACES: dict[str, tuple[str, str]] = {
    "contacts": ("고객(연락처)", "Contacts"),
    "handles": ("채널 계정", "Channel handles"),
    "notes": ("고객 메모", "Contact notes"),
    "conversations": ("대화", "Conversations"),
    "messages": ("메시지", "Messages"),
    "cases": ("케이스", "Cases"),
    "replies": ("보낸 답변", "Replies to them"),
    "posts": ("분석 저장소 게시물", "Posts in the analytics store"),
    "raw_posts": ("가져온 원본 게시물", "Imported raw posts"),
    "quarantine": ("격리된 가져오기 행", "Quarantined import rows"),
    "customers": ("고객 테이블", "Customer table rows"),
    "transactions": ("거래", "Transactions"),
    "segment_members": ("세그먼트 멤버", "Segment memberships"),
    "audit": ("감사 기록 언급", "Audit log mentions"),
}
_KINDS: dict[str, tuple[str, str]] = {
    "inbox_messages": ("받은함 메시지 본문", "Inbox message text"),
    "closed_cases": ("종료된 케이스의 대화", "Conversations of closed cases"),
    "quarantine": ("격리된 가져오기 행", "Quarantined import rows"),
}

MESSAGES: dict[str, tuple[str, str]] = {
    # errors
    "privacy.one_subject": (
        "고객 ID 또는 채널 계정(플랫폼:계정) 중 하나만 지정해 주세요.",
        "Name one person: a contact id or a handle (platform:handle), not both.",
    ),
    "privacy.one_subject.cli": (
        "--contact ID 또는 --handle PLATFORM:HANDLE 중 하나를 주세요.",
        "Give --contact ID or --handle PLATFORM:HANDLE.",
    ),
    "privacy.bad_handle": (
        "채널 계정 '{value}'을(를) 읽을 수 없습니다. 플랫폼:계정 형식으로 써 주세요 "
        "(예: twitter:hong_gildong).",
        "Cannot read the handle '{value}': write it as platform:handle "
        "(e.g. twitter:hong_gildong).",
    ),
    "privacy.unknown_contact": (
        "고객 '{contact_id}'이(가) 이 워크스페이스에 없습니다. 받은함의 고객 화면에서 ID를 "
        "확인해 주세요.",
        "There is no contact '{contact_id}' in this workspace: check the id on the contact's "
        "page in the inbox.",
    ),
    "privacy.unknown_handle": (
        "'{handle}'에 대해 보관 중인 개인정보가 없습니다 (받은함, 게시물, 감사 기록 모두 확인함).",
        "Nothing is held about '{handle}' (the inbox, the posts and the audit log were searched).",
    ),
    "privacy.confirm_needed": (
        "삭제하려면 확인란을 선택하고 대상({subject})을 그대로 다시 입력해 주세요.",
        "To erase, tick the box and type the subject ({subject}) again exactly.",
    ),
    "retention.unknown_kind": (
        "보존 규칙 종류 '{kind}'을(를) 알 수 없습니다. 다음 중 하나를 써 주세요: {kinds}.",
        "Unknown retention kind '{kind}': use one of {kinds}.",
    ),
    "retention.bad_days": (
        "보존 기간 {days}일은 쓸 수 없습니다. 0(규칙 없음)부터 {max}일 사이로 정해 주세요.",
        "A retention of {days} days cannot be used: choose from 0 (no rule) to {max} days.",
    ),
    # the CLI
    "privacy.cli.col.place": ("보관 위치", "Place"),
    "privacy.cli.col.rows": ("행 수", "Rows"),
    "privacy.cli.total": ("합계: {total}행", "Total: {total} rows"),
    "privacy.cli.nothing": (
        "{subject}: 보관 중인 개인정보가 없습니다.",
        "{subject}: no personal data is held.",
    ),
    "privacy.cli.exported": (
        "{count}개 파일을 {folder}에 썼습니다 (JSON 1개와 위치별 CSV, {total}행).",
        "Wrote {count} files to {folder} (one JSON and a CSV per place, {total} rows).",
    ),
    "privacy.cli.confirm": (
        "{subject}의 개인정보 {total}행을 모든 곳에서 삭제(익명화)합니다. 되돌릴 수 "
        "없습니다. 계속할까요?",
        "Erase (anonymise) {total} rows of personal data about {subject} everywhere? This "
        "cannot be undone.",
    ),
    "privacy.cli.aborted": (
        "취소했습니다. 아무것도 바꾸지 않았습니다.",
        "Cancelled: nothing changed.",
    ),
    "privacy.cli.dry_run": (
        "미리 보기: 위 {total}행이 삭제(익명화)될 것입니다. 아무것도 바꾸지 않았습니다.",
        "Dry run: the {total} rows above would be erased (anonymised). Nothing changed.",
    ),
    "privacy.cli.erased": (
        "삭제(익명화) 완료: {total}행. 집계에 필요한 행은 익명화되어 남았습니다.",
        "Erased (anonymised): {total} rows. Rows that reports count stay, anonymised.",
    ),
    "retention.cli.none": (
        "보존 규칙이 없습니다. 개인정보는 직접 삭제할 때까지 보관됩니다.",
        "No retention rules: personal data is kept until erased by hand.",
    ),
    "retention.cli.rule": ("{kind}: {days}일 보관", "{kind}: kept {days} days"),
    "retention.cli.applied": ("{kind}: {count}행 처리", "{kind}: {count} rows"),
    # the owners' page
    "privacyweb.title": ("개인정보 요청", "Personal-data requests"),
    "privacyweb.link": ("개인정보 요청과 보존 규칙", "Personal-data requests and retention"),
    "privacyweb.help": (
        "고객이 자신의 개인정보 열람·사본·삭제를 요청하면(개인정보 보호법: 10일 안에 답변) "
        "고객 ID나 채널 계정으로 찾아 보관 위치별 건수를 보고, 내려받아 전달하거나, 모든 "
        "곳에서 삭제합니다. 삭제는 집계에 필요한 행을 익명화해 남기고 나머지는 지웁니다.",
        "When a person asks to see, copy or erase their personal data (PIPA: answer within 10 "
        "days), find them by contact id or channel handle, see how many rows each place holds, "
        "download a copy for them, or erase it everywhere. Erasing keeps the rows reports "
        "count, anonymised, and deletes the rest.",
    ),
    "privacyweb.search": ("찾기", "Find"),
    "privacyweb.by": ("찾는 방법", "Find by"),
    "privacyweb.by.contact": ("고객 ID", "Contact id"),
    "privacyweb.by.handle": ("채널 계정 (플랫폼:계정)", "Handle (platform:handle)"),
    "privacyweb.value": ("값", "Value"),
    "privacyweb.results": (
        "{subject}에 대해 보관 중인 개인정보",
        "Personal data held about {subject}",
    ),
    "privacyweb.col.place": ("보관 위치", "Place"),
    "privacyweb.col.rows": ("행 수", "Rows"),
    "privacyweb.total": ("합계", "Total"),
    "privacyweb.export": ("사본 내려받기 (ZIP: JSON과 CSV)", "Download a copy (ZIP: JSON and CSV)"),
    "privacyweb.erase": ("모든 곳에서 삭제", "Erase everywhere"),
    "privacyweb.erase_help": (
        "삭제는 되돌릴 수 없습니다. 예전 백업에는 백업이 만료될 때까지 남아 있습니다.",
        "Erasing cannot be undone. Older backups keep the data until they expire.",
    ),
    "privacyweb.confirm": (
        "되돌릴 수 없음을 이해했습니다",
        "I understand this cannot be undone",
    ),
    "privacyweb.confirm_subject": (
        "확인을 위해 대상을 다시 입력하세요: {subject}",
        "Type the subject again to confirm: {subject}",
    ),
    "privacyweb.dry_run": ("미리 보기만", "Dry run only"),
    "privacyweb.erased": (
        "삭제(익명화) 완료: {total}행.",
        "Erased (anonymised): {total} rows.",
    ),
    "privacyweb.would_erase": (
        "미리 보기: {total}행이 삭제(익명화)될 것입니다. 아무것도 바꾸지 않았습니다.",
        "Dry run: {total} rows would be erased (anonymised). Nothing changed.",
    ),
    "privacyweb.retention": ("보존 규칙", "Retention rules"),
    "privacyweb.retention_help": (
        "종류별로 며칠 동안 보관할지 정합니다 (0: 규칙 없음). 작업자가 한 시간에 한 번 적용합니다.",
        "How many days each kind is kept (0: no rule). The worker applies the rules once an hour.",
    ),
    "privacyweb.days": ("보관 일수", "Days kept"),
    "privacyweb.save": ("저장", "Save"),
    "privacyweb.apply": ("지금 적용", "Apply now"),
    "privacyweb.saved": ("보존 규칙을 저장했습니다.", "Retention rules saved."),
    "privacyweb.applied": (
        "보존 규칙을 적용했습니다: {count}행 처리.",
        "Retention rules applied: {count} rows.",
    ),
    "privacyweb.log": ("최근 요청과 보존 실행 기록", "Recent requests and retention runs"),
    "privacyweb.log_none": ("기록이 없습니다.", "Nothing recorded yet."),
    "privacyweb.col.at": ("시각", "When"),
    "privacyweb.col.kind": ("종류", "Kind"),
    "privacyweb.col.actor": ("누가", "Who"),
    "privacyweb.col.counts": ("건수", "Counts"),
    "privacyweb.kind.find": ("조회", "Find"),
    "privacyweb.kind.export": ("사본", "Export"),
    "privacyweb.kind.erase": ("삭제", "Erase"),
    "privacyweb.kind.retention": ("보존 규칙 적용", "Retention"),
    "privacyweb.failed": ("요청을 처리하지 못했습니다.", "The request could not be answered."),
    # the audit log's words
    "audit.action.privacy.find": ("개인정보 조회", "Personal data found"),
    "audit.action.privacy.export": ("개인정보 사본", "Personal data exported"),
    "audit.action.privacy.erase": ("개인정보 삭제", "Personal data erased"),
    "audit.action.retention.set": ("보존 규칙 변경", "Retention rule changed"),
    "audit.action.retention.apply": ("보존 규칙 적용", "Retention rules applied"),
    **{f"privacy.place.{k}": v for k, v in _PLACES.items()},
    **{f"retention.kind.{k}": v for k, v in _KINDS.items()},
}
