"""Scheduled reports' words: the CLI's messages and errors, and the plan and topic report
e-mails (subject, headings, the plan-vs-actual table, the campaign effect section)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # errors
    "schedule.bad_kind": (
        "보고서 대상은 계획 하나 또는 토픽 하나입니다: 둘 중 하나만 정해 주세요.",
        "A report is about one plan or one topic: name exactly one of them.",
    ),
    "schedule.bad_cadence": (
        "주기 '{value}'는 쓸 수 없습니다: 매일(daily) 또는 매주(weekly) 중에서 골라 주세요.",
        "Cadence '{value}' is not available: choose daily or weekly.",
    ),
    "schedule.bad_weekday": (
        "요일 '{value}'를 알 수 없습니다: {choices_ko} 중 하나를 쓰세요 ({choices}도 됩니다).",
        "Unknown weekday '{value}': use one of {choices}.",
    ),
    "schedule.bad_hour": (
        "발송 시각 {value}시는 0~23 사이여야 합니다.",
        "The hour {value} must be between 0 and 23.",
    ),
    "schedule.bad_zone": (
        "시간대 '{value}'를 알 수 없습니다: Asia/Seoul 처럼 써 주세요.",
        "Unknown time zone '{value}': write it like Asia/Seoul.",
    ),
    "schedule.no_recipients": (
        "받는 사람이 없습니다: 워크스페이스 멤버의 이메일을 하나 이상 적어 주세요.",
        "No recipients: give at least one workspace member's e-mail.",
    ),
    "schedule.bad_recipient": (
        "'{value}'는 이메일 주소가 아닙니다.",
        "'{value}' is not an e-mail address.",
    ),
    "schedule.not_member": (
        "'{value}'는 이 워크스페이스의 멤버가 아닙니다: 멤버에게만 보고서를 보낼 수 있습니다.",
        "'{value}' is not a member of this workspace: reports go to members only.",
    ),
    "schedule.unknown": (
        "예약 보고서 '{schedule_id}'가 없습니다: 목록에서 번호를 확인해 주세요.",
        "There is no scheduled report '{schedule_id}': check the list for its id.",
    ),
    "schedule.unknown_topic": (
        "토픽 '{value}'가 없습니다: 먼저 토픽을 만들어 주세요.",
        "There is no topic '{value}': create it first.",
    ),
    # CLI
    "schedule.added": (
        "예약 보고서 {schedule_id}를 만들었습니다. 첫 발송: {next_run}",
        "Scheduled report {schedule_id} added. First run: {next_run}",
    ),
    "schedule.removed": (
        "예약 보고서 {schedule_id}를 지웠습니다.",
        "Removed scheduled report {schedule_id}.",
    ),
    "schedule.none": ("예약 보고서가 없습니다.", "No scheduled reports."),
    "schedule.ran": (
        "보고서 {reports}개를 만들고 이메일 {sent}통을 보냈습니다 (실패 {failed}).",
        "{reports} report(s) made, {sent} e-mail(s) sent ({failed} failed).",
    ),
    "schedule.col.id": ("번호", "Id"),
    "schedule.col.what": ("대상", "About"),
    "schedule.col.when": ("주기", "When"),
    "schedule.col.to": ("받는 사람", "To"),
    "schedule.col.next": ("다음 발송", "Next run"),
    "schedule.col.last": ("지난 결과", "Last result"),
    "schedule.kind.plan": ("계획", "Plan"),
    "schedule.kind.topic": ("토픽", "Topic"),
    "schedule.daily": ("매일 {hour}시", "Daily at {hour}:00"),
    "schedule.weekly": ("매주 {weekday} {hour}시", "Weekly, {weekday} at {hour}:00"),
    "schedule.wd.0": ("월요일", "Monday"),
    "schedule.wd.1": ("화요일", "Tuesday"),
    "schedule.wd.2": ("수요일", "Wednesday"),
    "schedule.wd.3": ("목요일", "Thursday"),
    "schedule.wd.4": ("금요일", "Friday"),
    "schedule.wd.5": ("토요일", "Saturday"),
    "schedule.wd.6": ("일요일", "Sunday"),
    "schedule.status.sent": ("보냄", "sent"),
    "schedule.status.partial": ("일부만 보냄", "partly sent"),
    "schedule.status.failed": ("실패", "failed"),
    "schedule.status.running": ("보내는 중", "running"),
    "schedule.status.retrying": ("다시 시도 예정", "will retry"),
    # the report (e-mail and the page in the reports list)
    "sched_report.plan.subject": (
        "[socialops] {name} 주간 보고서 ({start} ~ {end})",
        "[socialops] {name} report ({start} to {end})",
    ),
    "sched_report.plan.subject_daily": (
        "[socialops] {name} 일간 보고서 ({end})",
        "[socialops] {name} daily report ({end})",
    ),
    "sched_report.topic.subject": (
        "[socialops] 토픽 '{name}' 리스닝 보고서 ({start} ~ {end})",
        "[socialops] Listening report on '{name}' ({start} to {end})",
    ),
    "sched_report.period": ("기간: {start} ~ {end} ({zone})", "Period: {start} to {end} ({zone})"),
    "sched_report.kpis": (
        "계획 대비 실적 ({as_of} 기준, 캠페인 시작부터 누적)",
        "Plan vs actual (as of {as_of}, since the campaign started)",
    ),
    "sched_report.not_started": (
        "캠페인이 아직 시작되지 않았습니다 (시작일 {start}).",
        "The campaign has not started yet (it starts on {start}).",
    ),
    "sched_report.no_kpis": ("이 계획에는 KPI 목표가 없습니다.", "This plan has no KPI targets."),
    "sched_report.col.kpi": ("KPI", "KPI"),
    "sched_report.col.target": ("목표", "Target"),
    "sched_report.col.expected": ("지금까지 기대치", "Expected by now"),
    "sched_report.col.actual": ("실적", "Actual"),
    "sched_report.col.pacing": ("달성 속도", "Pacing"),
    "sched_report.col.status": ("상태", "Status"),
    "sched_report.effect": (
        "캠페인 효과: {metric} (캠페인이 없었을 때의 예상치와 비교)",
        "Campaign effect on {metric} (against what it would have been without the campaign)",
    ),
    "sched_report.effect_skipped": (
        "{metric}: 효과를 추정하지 않았습니다 — {reason}",
        "{metric}: no effect estimate — {reason}",
    ),
    "sched_report.topic.summary": (
        "토픽 '{name}'의 게시물 {posts}건을 분석했습니다. 전체 보고서는 이 메일의 HTML 본문과 "
        "보고서 목록에 있습니다.",
        "{posts} posts on '{name}' analysed. The full report is this e-mail's HTML body and is in "
        "the reports list.",
    ),
    "sched_report.footer": (
        "socialops 예약 보고서입니다. 받지 않으려면 워크스페이스 관리자에게 알려 주세요.",
        "A scheduled report from socialops. Ask the workspace's admin to stop it.",
    ),
}
