"""The inbox's business hours, SLA and notification messages: errors in the settings
(``inbox.hours_*``, ``inbox.sla_*``, ``inbox.notify_*``), the SLA's words for the UI and the
notifications that go to people in the web, by e-mail and by webhook (``inbox.alert.*``; the
replies' own are ``inbox.notice.*``)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # business hours
    "inbox.hours_bad": (
        "업무 시간 '{value}'({where})을(를) 읽을 수 없습니다. 예: 09:00-18:00 또는 "
        "09:00-12:00,13:00-18:00.",
        "Cannot read the business hours '{value}' ({where}). Example: 09:00-18:00 or "
        "09:00-12:00,13:00-18:00.",
    ),
    "inbox.hours_overnight": (
        "업무 시간 '{value}'({where})이(가) 자정을 넘습니다. 자정 전과 후로 나누어 주세요 "
        "(예: 22:00-24:00 과 다음 날 00:00-02:00).",
        "The business hours '{value}' ({where}) cross midnight: split them at midnight "
        "(e.g. 22:00-24:00 and 00:00-02:00 on the next day).",
    ),
    "inbox.hours_overlap": (
        "업무 시간({where})의 구간이 서로 겹칩니다. 겹치지 않게 고쳐 주세요.",
        "The business hours' periods ({where}) overlap: make them separate.",
    ),
    "inbox.hours_bad_day": (
        "요일 '{day}'을(를) 알 수 없습니다. 월, 화, 수, 목, 금, 토, 일 중 하나를 써 주세요.",
        "Unknown weekday '{day}': use one of mon, tue, wed, thu, fri, sat, sun.",
    ),
    "inbox.hours_bad_zone": (
        "시간대 '{zone}'을(를) 알 수 없습니다. 예: Asia/Seoul.",
        "Unknown time zone '{zone}'. Example: Asia/Seoul.",
    ),
    "inbox.hours_bad_date": (
        "휴무일 '{value}'을(를) 날짜로 읽을 수 없습니다. 예: 2026-12-31.",
        "Cannot read the closed date '{value}'. Example: 2026-12-31.",
    ),
    "inbox.hours_bad_country": (
        "국가 '{country}'의 공휴일은 지원하지 않습니다. 예: KR.",
        "Public holidays of '{country}' are not supported. Example: KR.",
    ),
    "inbox.hours_empty": (
        "업무 시간이 하루도 없습니다. 적어도 하루의 업무 시간을 정하거나 "
        "상시(24/7)로 설정해 주세요.",
        "The business hours have no open day: give at least one day's hours, or 24/7.",
    ),
    "inbox.hours_never_open": (
        "앞으로 {days}일 동안 업무 시간이 없습니다 (휴무일 설정을 확인해 주세요).",
        "There are no business hours in the next {days} days: check the closed dates.",
    ),
    # SLA settings
    "inbox.sla_bad": (
        "SLA 설정 '{field}'이(가) 올바르지 않습니다: {value}. 분 단위의 양수를 넣어 주세요.",
        "The SLA setting '{field}' is not valid: {value}. Give a positive number of minutes.",
    ),
    "inbox.sla_bad_priority": (
        "우선순위 '{priority}'을(를) 알 수 없습니다. 긴급, 높음, 보통, 낮음 중 하나를 써 주세요.",
        "Unknown priority '{priority}': use one of urgent, high, normal, low.",
    ),
    "inbox.sla_bad_kind": (
        "SLA 종류 '{kind}'을(를) 알 수 없습니다 (첫 응답, 다음 응답, 해결 중 하나).",
        "Unknown SLA kind '{kind}' (first, next, resolution).",
    ),
    "inbox.notify_bad": (
        "알림 설정 '{field}'이(가) 올바르지 않습니다: {value}.",
        "The notification setting '{field}' is not valid: {value}.",
    ),
    # SLA words for the UI
    "inbox.sla.first_response": ("첫 응답", "First response"),
    "inbox.sla.next_response": ("다음 응답", "Next response"),
    "inbox.sla.resolution": ("해결", "Resolution"),
    "inbox.sla.due_in": ("{minutes}분 남음", "due in {minutes} min"),
    "inbox.sla.overdue": ("{minutes}분 지남", "overdue by {minutes} min"),
    "inbox.sla.met": ("기한 내 완료", "met"),
    "inbox.sla.missed": ("기한 초과 후 완료", "met late"),
    "inbox.sla.paused": ("고객 응답 대기 중 (멈춤)", "paused: waiting on the customer"),
    # notifications (web, e-mail, webhook)
    "inbox.alert.subject": ("[인박스] {title}", "[Inbox] {title}"),
    "inbox.alert.assigned": (
        "케이스 #{case}({customer}, {channel})가 {assignee}님에게 배정되었습니다.",
        "Case #{case} ({customer}, {channel}) was assigned to {assignee}.",
    ),
    "inbox.alert.sla_warning.first_response": (
        "케이스 #{case}의 첫 응답 기한이 {minutes}분 남았습니다 (기한 {due}).",
        "Case #{case}: the first response is due in {minutes} minutes (at {due}).",
    ),
    "inbox.alert.sla_warning.next_response": (
        "케이스 #{case}: 고객의 새 메시지에 답할 기한이 {minutes}분 남았습니다 (기한 {due}).",
        "Case #{case}: the answer to the customer's new message is due in {minutes} minutes "
        "(at {due}).",
    ),
    "inbox.alert.sla_warning.resolution": (
        "케이스 #{case}의 해결 기한이 {minutes}분 남았습니다 (기한 {due}).",
        "Case #{case}: the resolution is due in {minutes} minutes (at {due}).",
    ),
    "inbox.alert.sla_breach.first_response": (
        "케이스 #{case}의 첫 응답 기한({due})을 넘겼습니다.",
        "Case #{case}: the first response is overdue (it was due at {due}).",
    ),
    "inbox.alert.sla_breach.next_response": (
        "케이스 #{case}: 고객의 새 메시지에 답할 기한({due})을 넘겼습니다.",
        "Case #{case}: the answer to the customer's new message is overdue (due at {due}).",
    ),
    "inbox.alert.sla_breach.resolution": (
        "케이스 #{case}의 해결 기한({due})을 넘겼습니다.",
        "Case #{case}: the resolution is overdue (it was due at {due}).",
    ),
    "inbox.alert.crisis": (
        "위기 단계 {level}: 케이스 #{case}({channel}) — {reason}",
        "Crisis level {level}: case #{case} ({channel}) — {reason}",
    ),
    "inbox.alert.test": (
        "인박스 알림 시험입니다. 이 메시지가 보이면 설정이 맞습니다.",
        "A test of the inbox notifications: if you read this, the settings work.",
    ),
}
