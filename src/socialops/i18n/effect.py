"""Campaign effect on a KPI (``socialops measure effect``): errors, verdicts, caveats, chart."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # bad input (one line: what went wrong and what to do)
    "effect.too_few": (
        "시계열에 값이 {points}개뿐입니다: 캠페인 전후 기간을 모두 담은 일별 또는 주별 자료가 "
        "필요합니다.",
        "The series has only {points} values: give daily or weekly data covering the periods "
        "before and during the campaign.",
    ),
    "effect.duplicate_date": (
        "날짜 {date}가 두 번 나옵니다: 날짜마다 값 하나만 남겨 주세요.",
        "The date {date} appears twice: keep one value per date.",
    ),
    "effect.bad_grain": (
        "날짜 간격({step}일)이 일별도 주별도 아닙니다: 일별 또는 주별 자료를 주세요.",
        "The dates are {step} days apart, neither daily nor weekly: give daily or weekly data.",
    ),
    "effect.gaps": (
        "시계열에 빠진 날짜가 {missing}개 있습니다 (처음: {first}). 임의로 채우지 않으니 빠진 "
        "날짜를 넣어 주세요 (실적이 없던 날은 0).",
        "The series has {missing} missing dates (first: {first}). They are never filled in "
        "silently: add them (0 where nothing happened).",
    ),
    "effect.no_column": (
        "파일에 '{column}' 열이 없습니다. 있는 열: {found}",
        "The file has no column '{column}'. Its columns: {found}",
    ),
    "effect.bad_row": (
        "{row}번째 행을 읽을 수 없습니다: 파일을 고친 뒤 다시 시도해 주세요.",
        "Row {row} cannot be read: fix the file and try again.",
    ),
    "effect.bad_date": (
        "{row}번째 행의 날짜 '{value}'를 읽을 수 없습니다 (예: 2024-03-01).",
        "Row {row}: '{value}' is not a date (e.g. 2024-03-01).",
    ),
    "effect.bad_number": (
        "{row}번째 행의 '{column}' 값 '{value}'는 숫자가 아닙니다.",
        "Row {row}: '{value}' in '{column}' is not a number.",
    ),
    "effect.no_rows": (
        "파일 {file}에 데이터 행이 없습니다.",
        "The file {file} has no data rows.",
    ),
    "effect.misaligned": (
        "KPI와 비교 시계열의 길이가 날짜 수와 다릅니다: 같은 날짜에 맞춰 주세요.",
        "The KPI and control series do not have one value per date: align them on the dates.",
    ),
    "effect.bad_day": (
        "{what} 날짜 '{value}'를 읽을 수 없습니다 (예: 2024-03-01).",
        "The {what} date '{value}' is not a date (e.g. 2024-03-01).",
    ),
    "effect.end_before_start": (
        "종료일 {end}이 시작일 {start}보다 앞섭니다.",
        "The end {end} is before the start {start}.",
    ),
    "effect.no_pre_period": (
        "시작일 {start} 이전 자료가 없습니다 (자료 시작: {first}): 캠페인 전 기간이 필요합니다.",
        "There is no data before the start {start} (data from {first}): the period before the "
        "campaign is needed.",
    ),
    "effect.end_after_data": (
        "종료일 {end}이 자료의 마지막 날짜 {last}보다 뒤입니다: 종료일을 당기거나 자료를 "
        "보태 주세요.",
        "The end {end} is after the data's last date {last}: move the end or add the data.",
    ),
    "effect.pre_too_short": (
        "캠페인 전 기간의 값이 {points}개뿐입니다: 최소 {minimum}개가 있어야 추정합니다 "
        "(시작일 이전 자료를 보태 주세요).",
        "The period before the campaign has only {points} values: at least {minimum} are needed "
        "(add earlier data).",
    ),
    "effect.no_post_period": (
        "{start}~{end} 사이에 자료가 없습니다.",
        "There is no data from {start} to {end}.",
    ),
    "effect.missing_post": (
        "캠페인 기간의 {date} 값이 비어 있습니다: 채워 주세요 (실적이 없던 날은 0).",
        "The campaign period's value on {date} is empty: fill it in (0 where nothing happened).",
    ),
    "effect.constant": (
        "캠페인 전 KPI가 내내 {value}로 일정합니다: 변하지 않는 값으로는 효과를 추정할 수 "
        "없습니다.",
        "The KPI is constant ({value}) before the campaign: no effect can be estimated from it.",
    ),
    "effect.control_missing": (
        "비교 시계열 '{control}'에 빈 값이 있습니다: 모든 날짜의 값을 채워 주세요.",
        "The control series '{control}' has empty values: fill in every date.",
    ),
    "effect.no_outcome": (
        "저장된 성과 지표 '{metric}' ({dimension})가 없습니다: 먼저 성과 자료를 가져와 주세요.",
        "There is no stored outcome '{metric}' ({dimension}): import the outcome data first.",
    ),
    "effect.unknown_option": (
        "알 수 없는 설정 '{option}'입니다.",
        "Unknown option '{option}'.",
    ),
    # the verdict
    "effect.verdict.up": (
        "{start}~{end} 동안 KPI가 예측보다 {rel} ({abs}) 높았습니다. 95% 구간 {rel_low}~"
        "{rel_high}, 효과가 있을 확률 {prob}.",
        "From {start} to {end} the KPI was {rel} ({abs}) above what it would have been. 95 % "
        "interval {rel_low} to {rel_high}; probability of an effect {prob}.",
    ),
    "effect.verdict.down": (
        "{start}~{end} 동안 KPI가 예측보다 {rel} ({abs}) 낮았습니다. 95% 구간 {rel_low}~"
        "{rel_high}, 효과가 있을 확률 {prob}.",
        "From {start} to {end} the KPI was {rel} ({abs}) below what it would have been. 95 % "
        "interval {rel_low} to {rel_high}; probability of an effect {prob}.",
    ),
    "effect.verdict.none": (
        "{start}~{end} 동안 뚜렷한 효과가 보이지 않습니다: 추정 {rel} ({abs}), 95% 구간 "
        "{rel_low}~{rel_high}에 0이 들어 있습니다 (효과가 있을 확률 {prob}).",
        "No clear effect from {start} to {end}: estimate {rel} ({abs}), and the 95 % interval "
        "{rel_low} to {rel_high} includes zero (probability of an effect {prob}).",
    ),
    "effect.verdict.up_abs": (
        "{start}~{end} 동안 KPI가 예측보다 {abs} 높았습니다 (95% 구간 {abs_low}~{abs_high}, "
        "효과가 있을 확률 {prob}).",
        "From {start} to {end} the KPI was {abs} above what it would have been (95 % interval "
        "{abs_low} to {abs_high}; probability of an effect {prob}).",
    ),
    "effect.verdict.down_abs": (
        "{start}~{end} 동안 KPI가 예측보다 {abs} 낮았습니다 (95% 구간 {abs_low}~{abs_high}, "
        "효과가 있을 확률 {prob}).",
        "From {start} to {end} the KPI was {abs} below what it would have been (95 % interval "
        "{abs_low} to {abs_high}; probability of an effect {prob}).",
    ),
    "effect.verdict.none_abs": (
        "{start}~{end} 동안 뚜렷한 효과가 보이지 않습니다: 추정 {abs}, 95% 구간 {abs_low}~"
        "{abs_high}에 0이 들어 있습니다 (효과가 있을 확률 {prob}).",
        "No clear effect from {start} to {end}: estimate {abs}, and the 95 % interval "
        "{abs_low} to {abs_high} includes zero (probability of an effect {prob}).",
    ),
    # caveats
    "effect.caveat.pre_short": (
        "캠페인 전 기간이 짧습니다 ({points}개 값, 캠페인 기간 {post}개): {advised}개 이상이면 "
        "더 믿을 만합니다.",
        "The period before the campaign is short ({points} values for a {post}-value campaign): "
        "{advised} or more would be more reliable.",
    ),
    "effect.caveat.missing_values": (
        "캠페인 전 기간에 빈 값이 {points}개 있어 그 날은 건너뛰고 추정했습니다.",
        "{points} values before the campaign are empty: the model skipped them.",
    ),
    "effect.caveat.control_moved": (
        "비교 시계열 '{control}'도 캠페인 기간에 평소보다 크게 움직였습니다 (z = {z}): "
        "캠페인의 영향을 받았다면 효과가 작게 추정됩니다.",
        "The control series '{control}' also moved more than usual during the campaign "
        "(z = {z}): if the campaign moved it too, the effect is underestimated.",
    ),
    "effect.caveat.control_constant": (
        "비교 시계열 '{control}'은 캠페인 전에 변하지 않아 쓰지 않았습니다.",
        "The control series '{control}' does not vary before the campaign and was left out.",
    ),
    "effect.caveat.relative_undefined": (
        "예측값 합계가 0에 가까워 상대 효과(%)는 계산하지 않았습니다.",
        "The counterfactual total is near zero, so no relative lift (%) is given.",
    ),
    "effect.caveat.poor_fit": (
        "모형이 캠페인 전 기간을 잘 설명하지 못합니다 (95% 예측 구간 적중률 {coverage:.0%}): "
        "구간을 넓게 보세요.",
        "The model explains the period before the campaign poorly (only {coverage:.0%} of it "
        "inside the 95 % prediction interval): read the intervals generously.",
    ),
    "effect.caveat.summed_rows": (
        "같은 날짜의 행을 합쳤습니다 ({rows}행 → {dates}개 날짜).",
        "Rows on the same date were summed ({rows} rows into {dates} dates).",
    ),
    # the chart and the CLI
    "effect.chart.title": ("캠페인 효과", "Campaign effect"),
    "effect.chart.observed": ("실제", "Observed"),
    "effect.chart.predicted": ("캠페인이 없었다면 (예측)", "Without the campaign (predicted)"),
    "effect.chart.band": ("95% 구간", "95 % interval"),
    "effect.chart.pointwise": ("기간별 효과", "Effect per period"),
    "effect.chart.cumulative": ("누적 효과", "Cumulative effect"),
    "effect.chart.start": ("캠페인 시작", "Campaign start"),
    "effect.cli.fit": (
        "캠페인 전 적합도: MAPE {mape}, R² {r2}, 95% 구간 적중률 {coverage}",
        "Fit before the campaign: MAPE {mape}, R² {r2}, {coverage} inside the 95 % interval",
    ),
    "effect.cli.svg_written": ("차트를 저장했습니다: {file}", "Chart written: {file}"),
}
