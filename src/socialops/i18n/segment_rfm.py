"""RFM and customer value's messages: the transactions import, ``socialops segment rfm``,
``segment value`` and ``segment import-transactions``; the RFM segments' names."""

from __future__ import annotations

SEGMENT_NAMES: dict[str, tuple[str, str]] = {
    "champions": ("최우수 고객", "Champions"),
    "loyal": ("충성 고객", "Loyal"),
    "potential_loyalists": ("잠재 충성 고객", "Potential loyalists"),
    "new_customers": ("신규 고객", "New customers"),
    "promising": ("유망 고객", "Promising"),
    "need_attention": ("관심 필요 고객", "Need attention"),
    "about_to_sleep": ("휴면 직전 고객", "About to sleep"),
    "at_risk": ("이탈 위험", "At risk"),
    "cannot_lose": ("놓치면 안 되는 고객", "Cannot lose them"),
    "hibernating": ("휴면 고객", "Hibernating"),
    "lost": ("이탈 고객", "Lost"),
}

MESSAGES: dict[str, tuple[str, str]] = {
    **{f"segment_rfm.segment.{k}": v for k, v in SEGMENT_NAMES.items()},
    "segment_rfm.unknown_preset": (
        "거래 파일 형식 '{name}'은(는) 없습니다. {choices} 중 하나를 써 주세요.",
        "Unknown transactions preset '{name}': use one of {choices}.",
    ),
    "segment_rfm.bad_mapping": (
        "열 지정의 '{field}'은(는) 거래 항목이 아닙니다. {choices} 중 하나를 써 주세요.",
        "'{field}' is not a transaction field: map one of {choices}.",
    ),
    "segment_rfm.no_column": (
        "파일에 '{column}' 열이 없습니다 (있는 열: {found}).",
        "The file has no column '{column}' (it has: {found}).",
    ),
    "segment_rfm.wrong_shape": (
        "'{preset}' 형식에 필요한 열이 없습니다: {missing}. 파일의 열: {found}. 열 이름을 "
        "고치거나 다른 형식을 골라 주세요.",
        "The file lacks columns the '{preset}' preset needs: {missing}. It has: {found}. "
        "Rename the columns or pick another preset.",
    ),
    "segment_rfm.no_transactions": (
        "분석할 거래가 없습니다{when}. 거래 파일과 기준일을 확인해 주세요.",
        "No transactions to analyse{when}: check the file and the as-of date.",
    ),
    "segment_rfm.bad_date": (
        "'{value}'은(는) 날짜가 아닙니다. 2026-03-31처럼 써 주세요.",
        "'{value}' is not a date: write it as 2026-03-31.",
    ),
    "segment_rfm.compare_after": (
        "비교 기준일({compare})은 기준일({as_of})보다 앞서야 합니다.",
        "The date to compare to ({compare}) must come before the as-of date ({as_of}).",
    ),
    "segment_rfm.bad_engine": (
        "분석 엔진 '{value}'은(는) 쓸 수 없습니다. duckdb 또는 spark를 써 주세요.",
        "Unknown engine '{value}': use duckdb or spark.",
    ),
    "segment_rfm.caveat.few_customers": (
        "고객이 {customers}명뿐이라 5분위 점수가 거칩니다 (고객 {minimum}명 이상 권장).",
        "Only {customers} customers: the quintile scores are coarse (at least {minimum} advised).",
    ),
    "segment_rfm.caveat.frequency_ties": (
        "고객의 {share}가 한 번만 구매해 구매 빈도(F) 점수가 {scores}만 나옵니다.",
        "{share} of customers bought once, so the frequency (F) scores are only {scores}.",
    ),
    "segment_rfm.title": (
        "RFM 세그먼트 — 기준일 {as_of}, 고객 {customers:,}명, 거래 {transactions:,}건 "
        "(최근성·구매 횟수·구매액은 세그먼트 평균)",
        "RFM segments — as of {as_of}, {customers:,} customers, {transactions:,} transactions "
        "(recency, frequency and spend: segment means)",
    ),
    "segment_rfm.col.segment": ("세그먼트", "Segment"),
    "segment_rfm.col.customers": ("고객", "Customers"),
    "segment_rfm.col.share": ("비중", "Share"),
    "segment_rfm.col.revenue_share": ("매출 비중", "Revenue share"),
    "segment_rfm.col.recency": ("최근성(일)", "Recency (days)"),
    "segment_rfm.col.frequency": ("구매 횟수", "Frequency"),
    "segment_rfm.col.monetary": ("구매액", "Spend"),
    "segment_rfm.movement_title": (
        "{before}에서 {after}까지 이동: 상승 {up:,}명, 하락 {down:,}명, 유지 {same:,}명, "
        "신규 {new:,}명",
        "Movement from {before} to {after}: {up:,} up, {down:,} down, {same:,} unchanged, "
        "{new:,} new",
    ),
    "segment_rfm.saved": (
        "세그먼트 {count}개를 '{prefix}/…' 이름으로 저장했습니다.",
        "Saved {count} segments as '{prefix}/…'.",
    ),
    "segment_rfm.imported": (
        "{file}: {rows:,}행 읽음 — 가져옴 {imported:,}, 중복 {duplicates:,}, 격리 {quarantined:,} "
        "(고객 {customers:,}명, {first} ~ {last}).",
        "{file}: {rows:,} rows read — {imported:,} imported, {duplicates:,} duplicates, "
        "{quarantined:,} quarantined ({customers:,} customers, {first} to {last}).",
    ),
    "segment_rfm.skipped_rows": (
        "읽을 수 없는 행 {count:,}개를 건너뛰었습니다 ({reasons}).",
        "Skipped {count:,} unreadable rows ({reasons}).",
    ),
    # customer value (BG/NBD + Gamma-Gamma)
    "segment_rfm.value_title": (
        "고객 가치 — 앞으로 {horizon}일, 할인율 연 {discount}: 고객 {customers:,}명, "
        "예상 합계 {total}",
        "Customer value — next {horizon} days, {discount} a year discount: {customers:,} "
        "customers, expected total {total}",
    ),
    "segment_rfm.value_fit": (
        "구매 모형(BG/NBD) r={r:.3f}, α={alpha:.3f}, a={a:.3f}, b={b:.3f}; "
        "금액 모형(Gamma-Gamma) p={p:.3f}, q={q:.3f}, γ={gamma:.3f}",
        "Purchase model (BG/NBD) r={r:.3f}, α={alpha:.3f}, a={a:.3f}, b={b:.3f}; "
        "spend model (Gamma-Gamma) p={p:.3f}, q={q:.3f}, γ={gamma:.3f}",
    ),
    "segment_rfm.value_col.customer": ("고객", "Customer"),
    "segment_rfm.value_col.purchases": ("예상 구매", "Expected purchases"),
    "segment_rfm.value_col.alive": ("활동 확률", "P(active)"),
    "segment_rfm.value_col.spend": ("예상 객단가", "Expected spend"),
    "segment_rfm.value_col.clv": ("고객 가치", "Customer value"),
    "segment_rfm.value_written": (
        "고객 {rows:,}명의 가치를 {out}에 썼습니다.",
        "Wrote {rows:,} customers' value to {out}.",
    ),
    "segment_rfm.too_few_repeat": (
        "재구매 고객이 {count}명뿐이라 구매·금액 모형을 맞출 수 없습니다 (최소 {minimum}명).",
        "Only {count} customers bought more than once: too few to fit the purchase and spend "
        "models (at least {minimum}).",
    ),
    "segment_rfm.fit_failed": (
        "구매 모형이 수렴하지 않았습니다 ({model}). 더 긴 기간의 거래로 다시 시도해 주세요.",
        "The {model} model did not converge: try again with a longer span of transactions.",
    ),
    "segment_rfm.caveat.spend_correlated": (
        "구매 횟수와 객단가의 상관이 {corr}로, 금액 모형의 독립 가정이 약합니다.",
        "Purchase count and average spend correlate at {corr}: the spend model assumes they "
        "are independent.",
    ),
    "segment_rfm.caveat.short_history": (
        "거래 기간이 {days}일뿐이라 {horizon}일 예측은 불확실합니다.",
        "Only {days} days of transactions: a {horizon}-day forecast is uncertain.",
    ),
}
