"""Outcome data (sales, orders, sign-ups… per day or week): the ``outcomes`` import stream and
``socialops measure outcomes``."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "outcomes.unknown_preset": (
        "성과 자료 프리셋 '{name}'이 없습니다. 있는 프리셋: {choices}",
        "There is no outcome preset '{name}'. Presets: {choices}",
    ),
    "outcomes.no_date": (
        "{file}에 날짜 열(일자, 날짜, date 또는 주, week)이 없습니다. 있는 열: {found}",
        "{file} has no date column (date, 일자, or week, 주). Its columns: {found}",
    ),
    "outcomes.no_metric": (
        "{file}에서 지표 열을 찾지 못했습니다 (알려진 지표: {known}; 또는 '지표'와 '값' 열). "
        "있는 열: {found}",
        "{file} has no metric column (known metrics: {known}; or 'metric' and 'value' "
        "columns). Its columns: {found}",
    ),
    "outcomes.no_rows": ("{file}에 데이터 행이 없습니다.", "{file} has no data rows."),
    "outcomes.cli.imported": (
        "{file}: {rows_read:,}행 읽음 = 새로 {imported:,} + 갱신 {updated:,} + 격리 "
        "{quarantined:,} (값 {values:,}개, 지표 {metrics}, {grain_word}, 인코딩 {encoding})",
        "{file}: {rows_read:,} rows read = {imported:,} new + {updated:,} updated + "
        "{quarantined:,} quarantined ({values:,} values, metrics {metrics}, {grain_word}, "
        "encoding {encoding})",
    ),
    "outcomes.cli.reject": (
        "{line}번째 줄: {reason} — {detail}",
        "line {line}: {reason} — {detail}",
    ),
    "cli.outcomes_more": (
        "… 격리된 행 {n:,}개가 더 있습니다 (socialops quarantine --import {import_id})",
        "… {n:,} more quarantined rows (socialops quarantine --import {import_id})",
    ),
    "outcomes.grain.day": ("일별", "daily"),
    "outcomes.grain.week": ("주별", "weekly"),
    "outcomes.cli.none": (
        "저장된 성과 자료가 없습니다: 먼저 매출·주문수 같은 성과 파일을 가져오세요.",
        "No outcome data yet: import a file of sales, orders or other outcomes first.",
    ),
    "outcomes.cli.header": (
        "지표\t구분\t단위\t처음\t마지막\t값 수",
        "metric\tdimension\tgrain\tfirst\tlast\tvalues",
    ),
    "outcomes.cli.total": ("전체", "total"),
}
