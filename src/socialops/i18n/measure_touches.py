"""Attribution from an uploaded touches file on the web (the attribution tab's upload form and
``POST …/measure/attribution/touches``; socialops.web.actions.measure_touches)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "mwtouch.title": ("고객 접점 파일로 기여 나누기", "Credit from customers' touches"),
    "mwtouch.help": (
        "고객별 접점 파일(고객 ID, 시각, 채널, 캠페인, 전환 여부 또는 금액)을 올리면 전환마다 그 "
        "전 30일의 접점에 기여를 나눕니다. 위치 기반은 첫 접점 40%, 마지막 접점 40%, 가운데 "
        "접점들이 20%를 나눠 갖고, 마지막 접점 기준과 나란히 보여 줍니다.",
        "Upload each customer's touches (customer id, time, channel, campaign, and an event or "
        "value column): each conversion's credit goes to its touches in the 30 days before it. "
        "Position-based gives 40 % to the first touch, 40 % to the last and shares 20 % among "
        "those between, shown beside last touch.",
    ),
    "mwtouch.file": (
        "접점 파일 (CSV, XLSX, JSONL, Parquet)",
        "Touches file (CSV, XLSX, JSONL, Parquet)",
    ),
    "mwtouch.model": ("기여 모델", "Attribution model"),
    "mwtouch.model.last": ("마지막 접점", "Last touch"),
    "mwtouch.model.position": ("위치 기반 (40/20/40)", "Position-based (40/20/40)"),
    "mwtouch.value": ("전환 가치", "Conversion value"),
    "mwtouch.unattributed": ("접점 없는 전환", "Conversions with no touch"),
    "mwtouch.mean_path": ("전환당 평균 접점 수", "Touches per conversion"),
    "mwtouch.verdict": (
        "{model} 기준으로 채널·캠페인마다 받은 전환과 전환 가치입니다.",
        "Conversions and conversion value credited to each channel and campaign by {model}.",
    ),
    "mwtouch.window": (
        "전환 전 {days}일 안의 접점, 직전 전환 뒤의 접점만 셉니다.",
        "Only touches in the {days} days before a conversion, after the customer's previous "
        "conversion, are credited.",
    ),
    "mwtouch.some_unattributed": (
        "전환 {total:,}건 중 {n:,}건은 그 전에 접점이 없어 '(none)'으로 잡혔습니다.",
        "{n:,} of {total:,} conversions had no touch before them: they are counted under '(none)'.",
    ),
    "mwtouch.no_conversions": (
        "접점 파일에 전환 행이 없습니다. 이벤트 열(예: event=purchase) 또는 금액 열(value)로 "
        "전환을 표시해 주세요.",
        "The touches file has no conversion rows: mark them in an event column (e.g. "
        "event=purchase) or give them a value (value).",
    ),
    "mweb.table.touch_channel": ("채널별 기여 (접점 기준)", "Credit by channel (touches)"),
    "mweb.table.touch_campaign": ("캠페인별 기여 (접점 기준)", "Credit by campaign (touches)"),
    "mweb.col.last_conversions": ("전환 (마지막 접점)", "Conversions (last touch)"),
    "mweb.col.last_revenue": ("매출 (마지막 접점)", "Revenue (last touch)"),
}
