"""Campaign planning's messages: the errors of plans, templates, KPIs, the content calendar,
exports and the metrics imports (raised as :class:`socialops.errors.PlanError`)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "plan.malformed": (
        "계획 데이터 형식이 올바르지 않습니다: {detail}. 내보낸 JSON 형식을 확인해 주세요.",
        "The plan data is malformed: {detail}. Check it against the exported JSON shape.",
    ),
    "plan.unknown_field": (
        "알 수 없는 항목 '{field}' ({where})입니다. 철자를 확인해 주세요.",
        "Unknown field '{field}' in {where}: check the spelling.",
    ),
    "plan.bad_date": (
        "{field} 날짜 '{value}'를 읽을 수 없습니다. YYYY-MM-DD 형식으로 입력해 주세요.",
        "Cannot read the {field} date '{value}': use YYYY-MM-DD.",
    ),
    "plan.bad_datetime": (
        "{field} 일시 '{value}'를 읽을 수 없습니다. YYYY-MM-DDTHH:MM 형식으로 입력해 주세요.",
        "Cannot read the {field} time '{value}': use YYYY-MM-DDTHH:MM.",
    ),
    "plan.required": (
        "'{field}' 항목을 입력해 주세요.",
        "'{field}' is required: fill it in.",
    ),
    "plan.too_long": (
        "'{field}'이(가) 너무 깁니다 (최대 {limit}자).",
        "'{field}' is too long (at most {limit} characters).",
    ),
    "plan.dates_order": (
        "종료일({end})이 시작일({start})보다 앞섭니다. 기간을 바로잡아 주세요.",
        "The end date ({end}) is before the start date ({start}): fix the period.",
    ),
    "plan.too_long_period": (
        "기간({start}~{end})이 3년을 넘습니다. 캠페인을 나누어 계획해 주세요.",
        "The period {start}..{end} is longer than three years: split the campaign.",
    ),
    "plan.bad_zone": (
        "시간대 '{value}'({field})를 알 수 없습니다. 예: Asia/Seoul.",
        "Unknown time zone '{value}' ({field}): use a name such as Asia/Seoul.",
    ),
    "plan.bad_choice": (
        "{field} 값 '{value}'은(는) 쓸 수 없습니다. 가능한 값: {choices}.",
        "'{value}' is not a valid {field}: use one of {choices}.",
    ),
    "plan.duplicate": (
        "{field}에 '{value}'이(가) 두 번 있습니다. 하나만 남겨 주세요.",
        "'{value}' appears twice in {field}: keep one.",
    ),
    "plan.bad_age_band": (
        "연령대 '{value}'을(를) 읽을 수 없습니다. 예: 20-29.",
        "Cannot read the age band '{value}': write it like 20-29.",
    ),
    "plan.negative": (
        "'{field}' 값이 올바르지 않습니다. 0 이상의 숫자를 입력해 주세요.",
        "'{field}' must be a number of 0 or more.",
    ),
    "plan.bad_range": (
        "'{field}' 값은 {low}에서 {high} 사이여야 합니다.",
        "'{field}' must be between {low} and {high}.",
    ),
    "plan.unknown_channel": (
        "채널 '{value}'은(는) 채널 지식 베이스에 없습니다. 채널 목록에서 골라 주세요.",
        "Channel '{value}' is not in the channel knowledge base: pick one from the channel list.",
    ),
    "plan.unknown_kpi": (
        "KPI '{value}'은(는) KPI 라이브러리에 없습니다. 측정 방법이 정의된 KPI를 골라 주세요.",
        "KPI '{value}' is not in the KPI library: pick a KPI that has a way to measure it.",
    ),
    "plan.kpi_channel": (
        "KPI '{kpi}'의 채널 '{channel}'이(가) 채널 믹스에 없습니다. 먼저 채널을 추가해 주세요.",
        "KPI '{kpi}' names channel '{channel}', which is not in the channel mix: add it first.",
    ),
    "plan.kpi_topic": (
        "KPI '{kpi}'의 토픽 '{topic}'이(가) 이 계획의 토픽이 아닙니다. 계획에 토픽을 추가해 "
        "주세요.",
        "KPI '{kpi}' names topic '{topic}', which is not one of the plan's topics: add it.",
    ),
    "plan.kpi_unmeasurable": (
        "KPI '{kpi}'을(를) 측정할 방법이 없습니다: {reason_ko}",
        "KPI '{kpi}' has no way to be measured: {reason_en}",
    ),
    "plan.budget_channel": (
        "예산 채널 '{channel}'이(가) 채널 믹스에 없습니다.",
        "The budget names channel '{channel}', which is not in the channel mix.",
    ),
    "plan.budget_sum": (
        "채널별 예산 합계({lines:,}원)가 총예산({total:,}원)과 다릅니다. 금액을 맞춰 주세요.",
        "The budget lines add up to KRW {lines:,}, not the total of KRW {total:,}: make them "
        "agree.",
    ),
    "plan.bad_utm": (
        "{field} 값 '{value}'은(는) 쓸 수 없습니다. 영문 소문자, 숫자, '.', '_', '-'만 "
        "사용해 주세요.",
        "'{value}' is not a valid {field}: use lowercase letters, digits, '.', '_' and '-'.",
    ),
    "plan.utm_channel": (
        "UTM 설정의 채널 '{channel}'이(가) 채널 믹스에 없습니다.",
        "The UTM scheme names channel '{channel}', which is not in the channel mix.",
    ),
    "plan.item_channel": (
        "콘텐츠 '{title}'의 채널 '{channel}'이(가) 채널 믹스에 없습니다.",
        "Calendar item '{title}' is on channel '{channel}', which is not in the channel mix.",
    ),
    "plan.item_outside": (
        "콘텐츠 '{title}'의 날짜({when})가 계획 기간({start}~{end}) 밖입니다.",
        "Calendar item '{title}' on {when} is outside the plan period {start}..{end}.",
    ),
    "plan.item_segment": (
        "콘텐츠 '{title}'의 타깃 세그먼트 '{segment}'이(가) 계획에 없습니다.",
        "Calendar item '{title}' targets segment '{segment}', which the plan does not define.",
    ),
    "plan.bad_link": (
        "콘텐츠 '{title}'의 링크 '{value}'은(는) http:// 또는 https://로 시작해야 합니다.",
        "The link '{value}' of calendar item '{title}' must start with http:// or https://.",
    ),
    "plan.policy_channel": (
        "운영 정책의 채널 '{channel}'이(가) 채널 믹스에 없습니다.",
        "The operating policy names channel '{channel}', which is not in the channel mix.",
    ),
    "plan.bad_hours": (
        "업무 시간 '{value}'을(를) 읽을 수 없습니다. 예: 09:00-18:00.",
        "Cannot read the business hours '{value}': write them like 09:00-18:00.",
    ),
    "plan.escalation_empty": (
        "에스컬레이션 규칙(팀: {team})에 키워드나 분류가 하나 이상 필요합니다.",
        "The escalation rule for team {team} needs at least one keyword or category.",
    ),
    "plan.not_found": (
        "계획 '{plan_id}'을(를) 찾을 수 없습니다. 계획 목록에서 확인해 주세요.",
        "No plan '{plan_id}': check the list of plans.",
    ),
    "plan.unknown_template": (
        "템플릿 '{name}'이(가) 없습니다. 가능한 템플릿: {choices}.",
        "No template '{name}': use one of {choices}.",
    ),
    # channel knowledge base and templates (socialops.plan.channels, socialops.plan.templates)
    "plan.channels_file": (
        "채널 파일 '{file}'을(를) 쓸 수 없습니다: {where} — {problem_ko}. 파일을 고친 뒤 다시 "
        "시도해 주세요.",
        "Cannot use the channel file '{file}': {where}: {problem_en}. Fix the file and try again.",
    ),
    "plan.template_file": (
        "템플릿 '{name}'을(를) 쓸 수 없습니다: {where} — {problem_ko}.",
        "Cannot use the template '{name}': {where}: {problem_en}.",
    ),
    "plan.stale": (
        "다른 사용자가 먼저 이 계획을 바꿨습니다 (버전 {current}). 새로 고친 뒤 다시 저장해 "
        "주세요.",
        "Someone changed this plan first (now version {current}): reload and save again.",
    ),
    "plan.bad_transition": (
        "'{state}' 상태의 계획에는 '{action}'을(를) 할 수 없습니다.",
        "A plan that is '{state}' cannot be '{action}'.",
    ),
    "plan.transition_role": (
        "'{action}'은(는) {role} 역할로 할 수 없습니다.",
        "Your role ({role}) may not '{action}' a plan.",
    ),
    "plan.not_approver": (
        "{who}님은 이 계획의 승인자가 아닙니다. 승인자: {approvers}.",
        "{who} is not an approver of this plan; the approvers are {approvers}.",
    ),
    "plan.already_approved": (
        "{who}님은 이미 승인했습니다.",
        "{who} has already approved.",
    ),
    "plan.locked": (
        "'{state}' 상태의 계획은 고칠 수 없습니다. 고치려면 먼저 '초안으로 되돌리기'를 해 주세요.",
        "A plan that is '{state}' cannot be edited: reopen it as a draft first.",
    ),
    # exports (socialops.plan.export)
    "plan.export_format": (
        "내보내기 형식 '{value}'은(는) 지원하지 않습니다. 가능한 형식: {choices}.",
        "Cannot export as '{value}': use one of {choices}.",
    ),
    "plan.export_lang": (
        "문서 언어 '{value}'은(는) 지원하지 않습니다. ko 또는 en을 써 주세요.",
        "Cannot write the document in '{value}': use ko or en.",
    ),
    "plan.pdf_font": (
        "PDF에 쓸 한글 글꼴 '{path}'을(를) 열 수 없습니다. fonts-nanum 패키지를 설치하거나 "
        "SOCIALOPS_PDF_FONT에 한글 TrueType 글꼴(.ttf) 경로를 지정해 주세요.",
        "Cannot open the Hangul font '{path}' for the PDF: install the fonts-nanum package or "
        "set SOCIALOPS_PDF_FONT to a TrueType font (.ttf) with Hangul.",
    ),
    # metrics and conversions imports (socialops.measure.metrics)
    "metrics.file": (
        "파일 '{file}'을(를) 읽을 수 없습니다: {detail}. CSV(UTF-8 또는 CP949) 파일인지 확인해 "
        "주세요.",
        "Cannot read '{file}': {detail}. Import a CSV file (UTF-8 or CP949).",
    ),
    "metrics.empty": (
        "파일 '{file}'에 머리글과 데이터 행이 없습니다.",
        "'{file}' has no header and data rows.",
    ),
    "metrics.unknown_preset": (
        "가져오기 프리셋 '{name}'이(가) 없습니다. 가능한 프리셋: {choices}.",
        "No import preset '{name}': use one of {choices}.",
    ),
    "metrics.wrong_shape": (
        "'{file}'에 '{preset}' 프리셋에 필요한 열이 없습니다: {missing} (파일의 열: {found}). "
        "다른 프리셋: {choices}.",
        "'{file}' lacks the columns the '{preset}' preset needs: {missing} (the file has: "
        "{found}). Presets: {choices}.",
    ),
    "metrics.bad_option": (
        "'{preset}' 프리셋에는 '{option}' 옵션을 쓸 수 없거나 값 '{value}'이(가) 올바르지 "
        "않습니다{hint}.",
        "The '{preset}' preset does not take option '{option}' with value '{value}'{hint}.",
    ),
    # content calendar, ICS and UTM links (socialops.plan.calendar, .ics, .utm)
    "plan.bad_rrule": (
        "반복 규칙 '{value}'을(를) 쓸 수 없습니다: {why_ko}. 예: FREQ=WEEKLY;BYDAY=TU;COUNT=8 "
        "(매주 화요일, 8회).",
        "The recurrence rule '{value}' cannot be used: {why_en}. Example: "
        "FREQ=WEEKLY;BYDAY=TU;COUNT=8 (every Tuesday, 8 times).",
    ),
    "plan.item_rrule": (
        "콘텐츠 '{title}'의 반복 규칙 '{value}'을(를) 쓸 수 없습니다: {why_ko}. 예: "
        "FREQ=WEEKLY;BYDAY=TU;COUNT=8 (매주 화요일, 8회).",
        "The recurrence rule '{value}' of calendar item '{title}' cannot be used: {why_en}. "
        "Example: FREQ=WEEKLY;BYDAY=TU;COUNT=8 (every Tuesday, 8 times).",
    ),
    "plan.bad_url": (
        "링크 '{value}'에 UTM 태그를 붙일 수 없습니다. http:// 또는 https://로 시작하는 주소를 "
        "입력해 주세요.",
        "Cannot tag the link '{value}' with UTM parameters: use an address that starts with "
        "http:// or https://.",
    ),
    "plan.commerce_days": (
        "커머스 기념일 데이터 '{file}'이(가) 올바르지 않습니다: {detail}.",
        "The commerce days data '{file}' is malformed: {detail}.",
    ),
}

# calendar warnings (socialops.plan.calendar.warnings): CalendarWarning keeps both renderings
MESSAGES.update(
    {
        "calendar.clash": (
            "{day} {channel_ko}: '{a}'({ta})와(과) '{b}'({tb})이(가) {minutes}분 안에 "
            "겹칩니다. 같은 채널의 게시 간격을 벌려 주세요.",
            "{day} on {channel_en}: '{a}' ({ta}) and '{b}' ({tb}) are less than {minutes} "
            "minutes apart: space the posts on one channel further apart.",
        ),
        "calendar.too_long": (
            "'{title}'의 문구가 {channel_ko}{format} 허용 길이보다 깁니다 ({length}/{limit}자). "
            "줄여 주세요.",
            "The copy of '{title}' is longer than {channel_en}{format} allows "
            "({length}/{limit} characters): shorten it.",
        ),
        "calendar.holiday": (
            "'{title}'이(가) 공휴일({holiday_ko}, {day})에 예정되어 있습니다. 휴일의 반응과 "
            "운영 인력을 확인해 주세요.",
            "'{title}' is planned on a public holiday ({holiday_en}, {day}): check how the "
            "audience behaves on the holiday and who is on duty.",
        ),
    }
)

# why a KPI cannot be measured (the reason inside plan.kpi_unmeasurable; socialops.measure)
MESSAGES.update(
    {
        "kpi.no_topics": (
            "계획에 소셜 리스닝 토픽이 없습니다. 캠페인·브랜드 토픽을 계획에 추가해 주세요",
            "the plan has no listening topics: add the campaign's or brand's topics to it",
        ),
        "kpi.sov_topic": (
            "점유율은 한 토픽(브랜드)의 몫입니다. 측정할 토픽을 지정해 주세요",
            "share of voice is one topic's share: name the topic (brand) it measures",
        ),
        "kpi.sov_two_topics": (
            "점유율을 계산하려면 비교할 토픽(경쟁사 등)이 계획에 2개 이상 있어야 합니다",
            "share of voice needs at least two plan topics (e.g. a competitor) to compare",
        ),
        "kpi.channel_lacks": (
            "채널 '{channel}'은(는) {fields} 지표를 제공하지 않습니다({why_ko})",
            "channel '{channel}' does not report {fields} ({why_en})",
        ),
    }
)

# notes of a KPI measurement (socialops.measure): shown beside the KPI table
MESSAGES.update(
    {
        "measure.inbox_empty": (
            "인박스(고객 응대) 데이터로 측정합니다. 인박스 데이터가 아직 없습니다.",
            "Measured from the inbox (customer care), which has no data yet.",
        ),
        "measure.topics_missing": (
            "워크스페이스에 없는 토픽: {topics}.",
            "Topics not in the workspace: {topics}.",
        ),
        "measure.no_listening": (
            "리스닝 데이터가 없습니다. 게시물을 가져오고 분석(enrich)해 주세요.",
            "No listening data: import and enrich posts first.",
        ),
        "measure.listening_zone": (
            "리스닝 일자는 워크스페이스 시간대({zone}) 기준입니다.",
            "Listening days are in the workspace's zone ({zone}).",
        ),
        "measure.no_post_metrics": (
            "기간 중 {channels} 게시물 성과 데이터가 없습니다: 데이터 페이지에서 게시물 성과 "
            "파일을 올리면 측정됩니다.",
            "No post metrics of {channels} in the window: upload a post-metrics file on the "
            "Data page to measure them.",
        ),
        "measure.utm_source": (
            "UTM 체계에 '{channel}'의 소스가 없어 채널 키를 utm_source로 씁니다.",
            "The UTM scheme has no source for '{channel}': the channel key is used as utm_source.",
        ),
        "measure.spend_imported": (
            "비용: 가져온 전환 데이터의 비용 {cost:,.0f}원.",
            "Spend: the imported cost, KRW {cost:,.0f}.",
        ),
        "measure.no_cost_before": (
            "기간 이전의 비용 데이터가 없습니다.",
            "No imported cost before the plan.",
        ),
        "measure.spend_planned": (
            "비용: 가져온 비용이 없어 계획 예산 {budget:,}원 × 경과 {share:.0%} = "
            "{spend:,.0f}원으로 계산했습니다.",
            "Spend: no imported cost, so the planned budget KRW {budget:,} × {share:.0%} "
            "elapsed = KRW {spend:,.0f}.",
        ),
    }
)
