"""Scheduled reports in the web (``/w/{ws}/reports/schedules`` and the API): the page's words,
its notices, the "run now" answer and the audit log's words for the changes."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "schedule.busy": (
        "예약 보고서 '{schedule_id}'가 지금 실행 중입니다: 몇 분 뒤에 다시 시도해 주세요.",
        "Scheduled report '{schedule_id}' is running now: try again in a few minutes.",
    ),
    "schedweb.bad_ref": (
        "보고서 대상(계획 또는 토픽)을 골라 주세요.",
        "Choose what the report is about (a plan or a topic).",
    ),
    "schedweb.too_many": (
        "받는 사람은 {max}명까지 고를 수 있습니다.",
        "Choose at most {max} recipients.",
    ),
    "schedweb.title": ("정기 보고서", "Scheduled reports"),
    "schedweb.link": ("정기 보고서 관리", "Scheduled reports"),
    "schedweb.help": (
        "계획이나 토픽의 보고서를 매일 또는 매주 정한 시각(한국 시간)에 만들어 보고서 목록에 "
        "올리고, 고른 멤버에게 각자의 언어로 메일로 보냅니다.",
        "A plan's or a topic's report, made every day or every week at the hour you choose "
        "(Korea time), added to the reports list and e-mailed to the members you choose, each in "
        "their own language.",
    ),
    "schedweb.new": ("정기 보고서 추가", "Add a scheduled report"),
    "schedweb.about": ("보고서 대상", "Report on"),
    "schedweb.plan": ("계획", "Plan"),
    "schedweb.topic": ("토픽", "Topic"),
    "schedweb.cadence": ("주기", "How often"),
    "schedweb.cadence.daily": ("매일", "Daily"),
    "schedweb.cadence.weekly": ("매주", "Weekly"),
    "schedweb.weekday": ("요일 (매주일 때)", "Day (weekly)"),
    "schedweb.hour": ("시각 (한국 시간)", "Hour (Korea time)"),
    "schedweb.hour_value": ("{hour}시", "{hour}:00"),
    "schedweb.recipients": ("받는 사람 (워크스페이스 멤버)", "Recipients (workspace members)"),
    "schedweb.add": ("추가", "Add"),
    "schedweb.none": ("정기 보고서가 없습니다.", "No scheduled reports yet."),
    "schedweb.nothing_to_report": (
        "보고서를 만들 계획이나 토픽이 아직 없습니다.",
        "There is no plan or topic to report on yet.",
    ),
    "schedweb.list": ("정기 보고서 목록", "Scheduled reports"),
    "schedweb.col.state": ("상태", "State"),
    "schedweb.col.report": ("지난 보고서", "Last report"),
    "schedweb.col.actions": ("관리", "Manage"),
    "schedweb.enabled": ("켜짐", "On"),
    "schedweb.disabled": ("꺼짐", "Off"),
    "schedweb.enable": ("켜기", "Turn on"),
    "schedweb.disable": ("끄기", "Turn off"),
    "schedweb.remove": ("지우기", "Remove"),
    "schedweb.run": ("지금 실행", "Run now"),
    "schedweb.open_report": ("보기", "Open"),
    "schedweb.back": ("보고서 목록으로", "Back to the reports"),
    "schedweb.done.added": ("정기 보고서를 추가했습니다.", "Scheduled report added."),
    "schedweb.done.changed": ("정기 보고서를 바꿨습니다.", "Scheduled report changed."),
    "schedweb.done.removed": ("정기 보고서를 지웠습니다.", "Scheduled report removed."),
    "schedweb.done.ran": (
        "보고서를 만들었습니다 (보낸 메일 {sent}통, 실패 {failed}통).",
        "Report written ({sent} e-mails sent, {failed} failed).",
    ),
    "schedweb.done.run_failed": (
        "보고서를 만들지 못했습니다: 계획이나 토픽이 아직 있는지 확인해 주세요.",
        "The report could not be written: check that its plan or topic still exists.",
    ),
    "schedweb.failed": ("정기 보고서를 저장하지 못했습니다: {detail}", "Not saved: {detail}"),
    # the audit log
    "audit.action.schedule.add": ("정기 보고서 추가", "Scheduled report added"),
    "audit.action.schedule.change": ("정기 보고서 변경", "Scheduled report changed"),
    "audit.action.schedule.remove": ("정기 보고서 삭제", "Scheduled report removed"),
    "audit.action.schedule.run": ("정기 보고서 바로 실행", "Scheduled report run now"),
}
