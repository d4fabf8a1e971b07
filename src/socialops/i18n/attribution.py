"""Attribution and ROI (``socialops measure attribution``; the plan's attribution view)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "attribution.bad_model": (
        "기여 모델 '{value}'은(는) 없습니다. {choices} 중 하나를 써 주세요.",
        "Unknown attribution model '{value}': use one of {choices}.",
    ),
    "attribution.bad_date": (
        "{field} 날짜 '{value}'을(를) 읽을 수 없습니다. 2026-11-03처럼 써 주세요.",
        "Cannot read the {field} date '{value}': write it as 2026-11-03.",
    ),
    "attribution.bad_range": (
        "시작일 {start}이(가) 종료일 {end}보다 늦습니다.",
        "The start {start} is after the end {end}.",
    ),
    "attribution.bad_budget": (
        "채널 '{channel}'의 예산 금액이 없거나 0보다 작습니다.",
        "The budget line of channel '{channel}' has no amount, or a negative one.",
    ),
    "attribution.touch_column": (
        "접점 파일에서 '{need}' 열을 찾지 못했습니다. 고객 ID(customer_id), 시각(timestamp), "
        "채널(channel 또는 utm_source), 이벤트(event) 또는 값(value) 열이 필요합니다. 있는 열: "
        "{columns}.",
        "The touches file has no '{need}' column: it needs a customer id (customer_id), a time "
        "(timestamp), a channel (channel or utm_source) and an event (event) or value (value) "
        "column; its columns are {columns}.",
    ),
    "attribution.no_times": (
        "접점 파일의 '{column}' 열에서 날짜·시각을 하나도 읽지 못했습니다 (예: 2026-11-03 14:05).",
        "No value of column '{column}' of the touches file reads as a time (e.g. 2026-11-03 "
        "14:05).",
    ),
    "attribution.no_data": (
        "이 기간({start} ~ {end})에 가져온 전환 데이터가 없습니다.",
        "No imported conversions in this period ({start} to {end}).",
    ),
    "attribution.no_data.cli": (
        "`socialops metrics import FILE --preset conversions`로 먼저 가져오세요.",
        "Import them first: `socialops metrics import FILE --preset conversions`.",
    ),
    "attribution.head.channel": ("채널", "Channel"),
    "attribution.head.campaign": ("캠페인", "Campaign"),
    "attribution.head.conversions": ("전환", "Conversions"),
    "attribution.head.revenue": ("매출", "Revenue"),
    "attribution.head.spend": ("비용", "Spend"),
    "attribution.head.budget": ("예산", "Budget"),
    "attribution.head.roas": ("ROAS", "ROAS"),
    "attribution.head.cpa": ("CPA", "CPA"),
    "attribution.head.cpe": ("참여당 비용", "Cost/engagement"),
    "attribution.utm_title": (
        "UTM 기준 전환 (웹 분석 도구가 기록한 대로, 보통 마지막 클릭)",
        "Conversions by UTM (as the web analytics tool credited them, usually last click)",
    ),
    "attribution.touch_title": (
        "고객 접점 기준 기여 ({model}, 최근 {days}일 접점): 전환 {conversions:,}건, 접점 없음 "
        "{unattributed:,}건",
        "Credit from customers' touches ({model}, touches in the last {days} days): "
        "{conversions:,} conversions, {unattributed:,} with no touch",
    ),
    "attribution.model.last": ("마지막 접점", "last touch"),
    "attribution.model.position": ("위치 기반 40/20/40", "position-based 40/20/40"),
    "attribution.spend_from_budget": (
        "비용을 가져오지 않은 채널은 예산 금액을 비용으로 썼습니다.",
        "Where no cost was imported, the budget amount stands for the spend.",
    ),
}
