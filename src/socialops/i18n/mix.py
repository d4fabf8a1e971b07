"""The marketing mix's messages (``socialops measure mix``, :mod:`socialops.measure.mix`):
errors, caveats, the verdict, the CLI's table and the chart's labels."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # errors: the data cannot support a fit
    "mix.no_channels": (
        "광고비 열을 하나 이상 지정해 주세요.",
        "Name at least one spend column.",
    ),
    "mix.length": (
        "'{column}' 값이 {n}개인데 날짜는 {dates}개입니다: 같은 길이로 맞춰 주세요.",
        "'{column}' has {n} values for {dates} dates: give them the same length.",
    ),
    "mix.too_few_weeks": (
        "주 단위 데이터가 {weeks}주뿐입니다. 채널 기여도를 추정하려면 최소 {need}주(2년 권장)가 "
        "필요합니다.",
        "Only {weeks} weeks of data: a channel mix needs at least {need} weeks (two years "
        "recommended).",
    ),
    "mix.missing": (
        "'{column}' 열의 {date} 값이 비어 있습니다: 값을 채우거나(광고비가 없으면 0) 그 주를 "
        "빼 주세요.",
        "'{column}' is empty on {date}: fill it in (0 for no spend) or leave that week out.",
    ),
    "mix.duplicate_date": (
        "날짜 {date}이(가) 두 번 이상 나옵니다: 한 주(또는 하루)에 한 행만 두어 주세요.",
        "The date {date} appears more than once: keep one row per week (or day).",
    ),
    "mix.gap": (
        "{date} 다음에 빠진 기간이 있습니다: 빠진 주(또는 날)를 채워 주세요 (광고비가 없으면 0).",
        "Weeks (or days) are missing after {date}: fill them in (0 for no spend).",
    ),
    "mix.not_weekly": (
        "날짜 간격이 주 단위도 일 단위도 아닙니다 ({date} 부근): 주별(7일 간격) 또는 일별 "
        "데이터를 주세요.",
        "The dates are neither weekly nor daily (near {date}): give weekly (7 days apart) or "
        "daily rows.",
    ),
    "mix.negative_spend": (
        "'{channel}' 채널의 {date} 광고비가 음수입니다: 환불·조정은 광고비에서 빼지 말고 "
        "0 이상으로 고쳐 주세요.",
        "'{channel}' has a negative spend on {date}: spend must be 0 or more.",
    ),
    "mix.no_spend": (
        "'{channel}' 채널은 모든 주의 광고비가 0입니다: 그 열을 빼 주세요.",
        "'{channel}' has no spend in any week: leave that column out.",
    ),
    "mix.constant_sales": (
        "매출이 모든 주에 같습니다: 변화가 없으면 채널 기여도를 추정할 수 없습니다.",
        "Sales are the same every week: with no variation no channel effect can be estimated.",
    ),
    "mix.nonpositive_sales": (
        "매출 평균이 0 이하입니다: 매출(또는 주문 수 같은 양수 지표) 열을 지정해 주세요.",
        "Sales average zero or less: name a sales column (or another positive KPI).",
    ),
    "mix.constant_control": (
        "통제 변수 '{column}'이(가) 모든 주에 같습니다: 그 열을 빼 주세요.",
        "The control column '{column}' never changes: leave it out.",
    ),
    "mix.too_many_inputs": (
        "{weeks}주 데이터에 채널·통제 변수가 {inputs}개로 너무 많습니다 (최소 {need}주 필요): "
        "채널을 묶거나 더 긴 기간을 주세요.",
        "{inputs} channels and controls are too many for {weeks} weeks (at least {need} weeks "
        "needed): merge channels or give a longer period.",
    ),
    "mix.unknown_column": (
        "{file}에 '{column}' 열이 없습니다. 있는 열: {columns}",
        "{file} has no column '{column}'. Its columns: {columns}",
    ),
    "mix.bad_row": (
        "{file}의 {row}번째 행을 읽을 수 없습니다: 파일을 확인해 주세요.",
        "Row {row} of {file} cannot be read: check the file.",
    ),
    "mix.bad_date": (
        "{row}번째 행의 날짜 '{value}'을(를) 읽을 수 없습니다: 2024-01-01 형식으로 써 주세요.",
        "Row {row}: the date '{value}' cannot be read; write it as 2024-01-01.",
    ),
    "mix.not_number": (
        "{row}번째 행의 '{column}' 값 '{value}'은(는) 숫자가 아닙니다.",
        "Row {row}: '{column}' is '{value}', not a number.",
    ),
    "mix.no_rows": ("{file}에 데이터 행이 없습니다.", "{file} has no data rows."),
    # caveats: what weekly data can and cannot say
    "mix.caveat.daily_summed": (
        "일별 데이터 {days}일을 월~일 {weeks}주로 합쳤습니다 (앞뒤의 불완전한 주 {dropped_days}일 "
        "제외).",
        "{days} daily rows were summed into {weeks} Monday-to-Sunday weeks ({dropped_days} days "
        "of partial weeks at the ends left out).",
    ),
    "mix.caveat.no_season": (
        "{weeks}주는 1년이 안 되어 계절성을 광고 효과와 구분할 수 없습니다: 계절적 매출 변화가 "
        "광고 효과로 잡혔을 수 있습니다.",
        "{weeks} weeks is under a year: seasonality cannot be told apart from media, so seasonal "
        "swings may show up as channel effects.",
    ),
    "mix.caveat.short_history": (
        "{weeks}주는 2년 미만입니다: 계절성과 이월 효과 추정이 불안정할 수 있습니다.",
        "{weeks} weeks is under two years: seasonality and carry-over estimates may be unstable.",
    ),
    "mix.caveat.correlated": (
        "'{a}'와(과) '{b}'의 주별 광고비가 함께 움직였습니다 (상관 {r}): 두 채널의 효과는 "
        "서로 구분하기 어렵고, 합은 개별 값보다 믿을 만합니다.",
        "'{a}' and '{b}' spent together week by week (correlation {r}): their effects are hard "
        "to tell apart; their sum is more reliable than either.",
    ),
    "mix.caveat.flat_spend": (
        "'{channel}'의 광고비는 주마다 거의 같았습니다 (변동계수 {cv}): 그 효과는 기준 매출과 "
        "구분되지 않아 사전 가정에 크게 의존합니다.",
        "'{channel}' spent almost the same every week (coefficient of variation {cv}): its "
        "effect cannot be told from the baseline and rests mostly on the prior.",
    ),
    "mix.caveat.wide": (
        "'{channel}'의 기여도 구간이 추정치보다 훨씬 넓습니다: 이 데이터로는 효과 크기를 "
        "말하기 어렵습니다.",
        "'{channel}''s contribution interval is much wider than the estimate: this data cannot "
        "size its effect.",
    ),
    "mix.caveat.poor_fit": (
        "모형이 주별 매출 변화의 일부만 설명합니다 (R² {r2}): 빠진 요인(가격, 프로모션, 재고)을 "
        "통제 변수로 넣어 보세요.",
        "The model explains little of the weekly sales (R² {r2}): add the missing drivers "
        "(price, promotions, stock) as control columns.",
    ),
    "mix.caveat.observational": (
        "관측 데이터의 추정일 뿐 인과의 증명은 아닙니다: 중요한 결정 전에는 지역별 또는 "
        "홀드아웃 실험으로 확인하세요.",
        "This is an estimate from observational data, not proof of cause: confirm it with a "
        "geo or holdout experiment before a large decision.",
    ),
    # the verdict
    "mix.verdict.best": (
        "광고비 대비 효과는 '{channel}'이(가) 가장 높습니다: ROI {roi} (95% 구간 {low}~{high}), "
        "부트스트랩의 {p}%에서 1위.",
        "'{channel}' returned the most per unit of spend: ROI {roi} (95% interval {low} to "
        "{high}), first in {p}% of the bootstrap refits.",
    ),
    "mix.verdict.single": (
        "'{channel}'의 광고비 1단위당 기여 매출(ROI)은 {roi}입니다 (95% 구간 {low}~{high}).",
        "'{channel}' returned {roi} in sales per unit of spend (ROI; 95% interval {low} to "
        "{high}).",
    ),
    "mix.verdict.unranked": (
        "어느 채널의 ROI가 가장 높은지 이 데이터로는 가릴 수 없습니다 (후보: {channels}): "
        "구간이 겹칩니다.",
        "This data cannot tell which channel returns the most (contenders: {channels}): their "
        "intervals overlap.",
    ),
    "mix.verdict.poor_fit": (
        "모형이 매출을 잘 설명하지 못해 (R² {r2}) 채널 기여도를 믿기 어렵습니다.",
        "The model explains sales poorly (R² {r2}): the channel contributions are not reliable.",
    ),
    # the CLI's table and the chart
    "mix.head": (
        "채널 기여도 {first} ~ {last} ({weeks}주, 부트스트랩 {boot}회)",
        "Channel contribution {first} to {last} ({weeks} weeks, {boot} bootstrap refits)",
    ),
    "mix.col.channel": ("채널", "Channel"),
    "mix.col.spend": ("광고비", "Spend"),
    "mix.col.contribution": ("기여 매출 (95% 구간)", "Contribution (95% interval)"),
    "mix.col.share": ("효과 비중", "Share of effect"),
    "mix.col.roi": ("ROI (95% 구간)", "ROI (95% interval)"),
    "mix.col.adstock": ("이월률", "Carry-over"),
    "mix.col.half": ("반포화 주간 광고비", "Half-saturation weekly spend"),
    "mix.baseline": (
        "기준 매출 {total} (매출의 {share}%), 광고 기여분은 매출의 {media}% · 적합도 R² {r2}, "
        "MAPE {mape}%",
        "Baseline {total} ({share}% of sales), media {media}% of sales · fit R² {r2}, MAPE {mape}%",
    ),
    "mix.caveats": ("주의할 점", "Caveats"),
    "mix.svg_written": ("차트를 {path}에 썼습니다.", "Chart written to {path}."),
    "mix.chart.title": ("채널별 기여 매출과 95% 구간", "Contribution by channel, 95% intervals"),
    "mix.chart.curves": (
        "주간 광고비에 따른 주간 기여 매출 (● 평균 광고비)",
        "Weekly contribution by weekly spend (● average spend)",
    ),
    "mix.chart.spend_axis": ("주간 광고비", "Weekly spend"),
    "mix.chart.response_axis": ("주간 기여 매출", "Weekly contribution"),
}
