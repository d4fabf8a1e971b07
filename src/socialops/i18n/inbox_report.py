"""The inbox team report's words: its figures, sections and sheets (web page, API downloads,
CSV/XLSX) and the notes of the plan's inbox KPIs (:mod:`socialops.measure.kpi_sources.inbox`)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "inbox_report.title": ("팀 리포트", "Team report"),
    "inbox_report.subtitle": (
        "고객 응대 인박스: 응답 속도, 응답률, 해결률, SLA 준수율과 미결 건수",
        "The customer-care inbox: response times, response and resolution rates, SLA "
        "attainment and the backlog",
    ),
    # the figures (column headers of every table, CSV and sheet)
    "inbox_report.m.cases": ("케이스", "Cases"),
    "inbox_report.m.conversations": ("대화", "Conversations"),
    "inbox_report.m.messages_in": ("받은 메시지", "Messages in"),
    "inbox_report.m.replies_sent": ("보낸 답변", "Replies sent"),
    "inbox_report.m.first_response_minutes_median": (
        "첫 응답 중앙값(분)",
        "First response, median (min)",
    ),
    "inbox_report.m.first_response_minutes_p90": ("첫 응답 90%(분)", "First response, p90 (min)"),
    "inbox_report.m.response_rate": ("응답률(%)", "Response rate (%)"),
    "inbox_report.m.resolution_rate": ("해결률(%)", "Resolution rate (%)"),
    "inbox_report.m.resolution_minutes_median": (
        "해결 시간 중앙값(분)",
        "Resolution time, median (min)",
    ),
    "inbox_report.m.sla_attainment": ("SLA 준수율(%)", "SLA attainment (%)"),
    "inbox_report.m.backlog": ("미결 건수(기말)", "Backlog (at the end)"),
    "inbox_report.m.breaches": ("SLA 위반", "SLA breaches"),
    # sections (CSV's first column) and sheets (XLSX)
    "inbox_report.col.section": ("구분", "Section"),
    "inbox_report.col.item": ("항목", "Item"),
    "inbox_report.col.value": ("값", "Value"),
    "inbox_report.section.totals": ("전체", "Total"),
    "inbox_report.section.agent": ("상담원", "Agent"),
    "inbox_report.section.team": ("팀", "Team"),
    "inbox_report.section.channel": ("채널", "Channel"),
    "inbox_report.section.day": ("날짜", "Day"),
    "inbox_report.section.category": ("분류", "Category"),
    "inbox_report.section.sentiment": ("감성", "Sentiment"),
    "inbox_report.sheet.summary": ("요약", "Summary"),
    "inbox_report.sheet.agent": ("상담원별", "By agent"),
    "inbox_report.sheet.team": ("팀별", "By team"),
    "inbox_report.sheet.channel": ("채널별", "By channel"),
    "inbox_report.sheet.day": ("일별", "By day"),
    "inbox_report.sheet.category": ("분류별", "By category"),
    "inbox_report.sheet.sentiment": ("감성별", "By sentiment"),
    # empty keys
    "inbox_report.none.agent": ("(미배정)", "(unassigned)"),
    "inbox_report.none.team": ("(팀 없음)", "(no team)"),
    "inbox_report.none.channel": ("(채널 없음)", "(no channel)"),
    "inbox_report.none.category": ("(미분류)", "(uncategorised)"),
    "inbox_report.none.sentiment": ("(미분석)", "(not analysed)"),
    "inbox_report.sentiment.negative": ("부정", "Negative"),
    "inbox_report.sentiment.neutral": ("중립", "Neutral"),
    "inbox_report.sentiment.positive": ("긍정", "Positive"),
    # the summary sheet and the page
    "inbox_report.period": ("기간", "Period"),
    "inbox_report.zone": ("시간대", "Time zone"),
    "inbox_report.from": ("시작일", "From"),
    "inbox_report.to": ("종료일", "To"),
    "inbox_report.apply": ("보기", "Show"),
    "inbox_report.include_simulated": (
        "시뮬레이션된 데모 시각 포함",
        "Include simulated demo times",
    ),
    "inbox_report.simulated_excluded": (
        "시뮬레이션된 데모 도착 시각의 케이스 {n}건은 실제 리포트에 섞지 않고 제외했습니다.",
        "{n} cases with simulated demo arrival times are left out of this real report.",
    ),
    "inbox_report.simulated_included": (
        "시뮬레이션된 데모 시각이 포함되어 있습니다. 실제 성과가 아닙니다.",
        "Simulated demo times are included: these are not real figures.",
    ),
    "inbox_report.simulated_count": ("제외한 시뮬레이션 케이스", "Simulated cases left out"),
    "inbox_report.previous": (
        "이전 기간 {start} ~ {end} 대비",
        "vs the previous period {start} – {end}",
    ),
    "inbox_report.no_change": ("이전 기간과 같음", "same as the previous period"),
    "inbox_report.download": ("내려받기", "Download"),
    "inbox_report.empty": (
        "이 기간에 열린 케이스가 없습니다.",
        "No case was opened in this period.",
    ),
    "inbox_report.too_long": (
        "기간이 너무 깁니다({days}일). 최대 {limit}일까지 볼 수 있습니다.",
        "The period is too long ({days} days): at most {limit} days.",
    ),
    "inbox_report.bad_period": (
        "기간을 YYYY-MM-DD 형식의 날짜로 입력해 주세요.",
        "Give the period as dates, YYYY-MM-DD.",
    ),
    "inbox_report.definitions": ("지표 정의", "Definitions"),
    "inbox_report.def.first_response": (
        "첫 응답 시간: 케이스가 열린 때부터 첫 답변까지의 실제 경과 시간(분)입니다.",
        "First response time: wall-clock minutes from a case's opening to its first reply.",
    ),
    "inbox_report.def.response_rate": (
        "응답률: 답변이 필요한 고객 메시지가 있는 케이스 중 답변한 케이스의 비율입니다.",
        "Response rate: of the cases with a customer message needing a reply, those answered.",
    ),
    "inbox_report.def.resolution_rate": (
        "해결률: 기간에 열린 케이스 중 해결 또는 종료된 케이스의 비율입니다.",
        "Resolution rate: of the cases opened in the period, those resolved or closed.",
    ),
    "inbox_report.def.sla": (
        "SLA 준수율: 기한이 있는 케이스 중 결과가 나온 케이스에서 기한을 지킨 비율입니다. "
        "기한이 아직 남은 케이스는 빠집니다.",
        "SLA attainment: of the cases with a due time whose outcome is known, those that kept "
        "it; cases whose due time is still ahead are left out.",
    ),
    "inbox_report.def.backlog": (
        "미결 건수: 기간이 끝날 때 해결되지 않은 케이스 수(그 전에 열린 케이스 포함)입니다.",
        "Backlog: cases not resolved when the period ends (opened earlier ones included).",
    ),
    # the plan's inbox KPIs (socialops.measure.kpi_sources.inbox)
    "measure.inbox_no_cases": (
        "{start} ~ {end}에 열린 인박스 케이스가 없습니다{where}.",
        "No inbox case was opened from {start} to {end}{where}.",
    ),
    "measure.inbox_cases": (
        "인박스 케이스 {cases:,}건({start} ~ {end}{where})으로 측정했습니다.",
        "Measured over {cases:,} inbox cases ({start} to {end}{where}).",
    ),
    "measure.inbox_channels": (" · 채널 {channels}", ", channels {channels}"),
    "measure.inbox_simulated": (
        "시뮬레이션된 데모 시각의 케이스 {n:,}건은 제외했습니다.",
        "{n:,} cases with simulated demo times are left out.",
    ),
    "measure.inbox_none_answered": (
        "이 기간의 케이스 중 답변한 케이스가 없습니다.",
        "No case of the period has been answered.",
    ),
    "measure.inbox_none_needing": (
        "이 기간의 케이스 중 답변이 필요한 고객 메시지가 있는 케이스가 없습니다.",
        "No case of the period had a customer message needing a reply.",
    ),
}
