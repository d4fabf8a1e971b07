"""Promotion and creative tests (``socialops measure abtest``, ``socialops measure power``):
errors, warnings and the plain-language verdict."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # errors
    "abtest.one_group": (
        "비교할 그룹이 {groups}개뿐입니다. 테스트에는 두 개 이상의 그룹(안)이 필요합니다.",
        "Only {groups} group found: a test needs two or more variants to compare.",
    ),
    "abtest.too_few": (
        "그룹 '{group}'에 {n}행밖에 없습니다. 그룹마다 {min}행 이상이 있어야 결과를 말할 수 "
        "있습니다.",
        "Group '{group}' has only {n} rows: each group needs at least {min} to say anything.",
    ),
    "abtest.constant": (
        "지표 값이 모든 행에서 {value}(으)로 같습니다. 같은 값만으로는 그룹 간 차이를 비교할 수 "
        "없으니 지표 열을 확인해 주세요.",
        "The metric is {value} in every row: a constant cannot show a difference; check the "
        "metric column.",
    ),
    "abtest.no_variance": (
        "각 그룹 안에서 지표 값이 모두 같아 오차를 추정할 수 없습니다. 행 단위(사용자별) "
        "데이터를 넣어 주세요.",
        "Every group's values are all the same, so there is no spread to judge chance by: give "
        "one row per user.",
    ),
    "abtest.not_binary": (
        "비율 테스트에는 0/1(예/아니오, 전환/미전환) 값만 쓸 수 있습니다. 평균 비교라면 종류를 "
        "'평균'으로 지정해 주세요.",
        "A rate test needs 0/1 (yes/no, converted/not) values; for other numbers compare means.",
    ),
    "abtest.not_numeric": (
        "지표 열에 숫자도 예/아니오도 아닌 값이 있습니다. 숫자나 0/1 값이 든 열을 골라 주세요.",
        "The metric column holds values that are neither numbers nor yes/no: pick a numeric "
        "or 0/1 column.",
    ),
    "abtest.bad_kind": (
        "테스트 종류 '{value}'은(는) 없습니다. {choices} 중 하나를 써 주세요.",
        "Unknown test kind '{value}': use one of {choices}.",
    ),
    "abtest.bad_method": (
        "방법 '{value}'은(는) 이 테스트에 쓸 수 없습니다. {choices} 중 하나를 써 주세요.",
        "Method '{value}' does not fit this test: use one of {choices}.",
    ),
    "abtest.bad_alpha": (
        "유의수준 {value}은(는) 쓸 수 없습니다. 0과 0.5 사이(보통 0.05)로 정해 주세요.",
        "Significance level {value} is not usable: pick one between 0 and 0.5 (usually 0.05).",
    ),
    "abtest.unknown_control": (
        "대조군 '{value}'이(가) 데이터에 없습니다. 그룹: {choices}.",
        "Control group '{value}' is not in the data; the groups are {choices}.",
    ),
    "abtest.split_missing": (
        "예상 배분에 그룹 '{group}'이(가) 빠져 있습니다. 모든 그룹의 비율을 적어 주세요.",
        "The expected split has no share for group '{group}': give one for every group.",
    ),
    "abtest.split_size": (
        "예상 배분의 값 {given}개가 그룹 수 {groups}와 맞지 않거나 0 이하입니다.",
        "The expected split has {given} shares for {groups} groups, or a share of 0 or less.",
    ),
    "abtest.no_column": (
        "파일에 '{column}' 열이 없습니다. 있는 열: {columns}.",
        "The file has no column '{column}'; its columns are {columns}.",
    ),
    "abtest.bad_time": (
        "시간 열 '{column}'의 값 '{value}'을(를) 날짜로 읽을 수 없습니다 (예: 2026-11-03).",
        "Cannot read '{value}' in time column '{column}' as a date (e.g. 2026-11-03).",
    ),
    # warnings
    "abtest.warn.dropped": (
        "지표 값이 비어 있는 {rows:,}행은 빼고 계산했습니다.",
        "{rows:,} rows without a metric value were left out.",
    ),
    "abtest.warn.srm": (
        "그룹 크기가 예정된 배분과 다릅니다(표본 비율 불일치, p {p}). 배정이나 집계에 문제가 "
        "있을 수 있어 결과를 믿기 전에 원인을 확인해 주세요.",
        "The group sizes do not match the planned split (sample-ratio mismatch, p {p}): "
        "assignment or tracking may be broken, so find out why before trusting the result.",
    ),
    "abtest.warn.skewed": (
        "그룹 '{group}'의 값이 한쪽으로 크게 치우쳐 있어(왜도 {skew}, {n:,}행) 구간이 "
        "근사치입니다. 극단값 몇 개가 결과를 바꿀 수 있으니 확인하거나 표본을 더 모아 주세요.",
        "Group '{group}' is very skewed (skewness {skew}, {n:,} rows), so its intervals are "
        "approximate: a few extreme values can move the result; check them or collect more "
        "rows.",
    ),
    "abtest.warn.skew_big": (
        "행이 {rows:,}개로 많아 부트스트랩 대신 Welch t 구간을 썼습니다 (이 크기에서는 두 방법의 "
        "결과가 거의 같습니다).",
        "With {rows:,} rows, Welch's t intervals were used rather than the bootstrap (at this "
        "size the two agree closely).",
    ),
    "abtest.warn.peeking": (
        "테스트 도중 {looks}번 결과를 보고 처음 유의해진 때 멈췄다면, 차이가 없어도 '유의'라고 "
        "잘못 말할 확률이 {alpha}가 아니라 약 {fpr}입니다. 일찍 멈추려면 미리 확인 횟수를 정하고 "
        "오브라이언-플레밍 방식으로 유의수준을 나눠 쓰세요(첫 확인 기준 p < {first}).",
        "If the result was checked {looks} times while the test ran and stopped at the first "
        "significant look, the chance of a false 'significant' is about {fpr}, not {alpha}. To "
        "stop early honestly, fix the looks in advance and spend alpha O'Brien-Fleming style "
        "(first look: p < {first}).",
    ),
    "abtest.warn.early_flip": (
        "{first}까지의 데이터로는 차이가 유의해 보였지만({days}일) 끝까지 보니 유의하지 "
        "않습니다. 그때 멈췄다면 틀린 결론을 냈을 것입니다.",
        "Up to {first} the difference looked significant ({days} days of it), but over the "
        "whole test it is not: stopping then would have been a wrong call.",
    ),
    # verdicts
    "abtest.verdict.winner": (
        "'{winner}'이(가) 이겼습니다: {value_a} 대 '{other}' {value_b}, 차이 {diff}"
        "(상대 {rel}, {level} 구간 {ci_low} ~ {ci_high}). {sure} (보정 p {p_adj})",
        "'{winner}' wins: {value_a} vs {value_b} for '{other}', a difference of {diff} "
        "({rel} relative; {level} interval {ci_low} to {ci_high}). {sure} (adjusted p "
        "{p_adj})",
    ),
    "abtest.verdict.leaders": (
        "{leaders}이(가) {rest}보다 낫지만, 앞선 안들 사이에는 뚜렷한 차이가 없습니다 "
        "('{winner}' {value_a} 대 '{other}' {value_b}, 차이 {diff}, 보정 p {p_adj}).",
        "{leaders} beat {rest}, but there is no clear difference among the leaders ('{winner}' "
        "{value_a} vs '{other}' {value_b}, a difference of {diff}, adjusted p {p_adj}).",
    ),
    "abtest.verdict.no_winner": (
        "뚜렷한 승자가 없습니다: '{winner}' {value_a} 대 '{other}' {value_b}, 차이 {diff}는 "
        "우연일 수 있습니다({level} 구간 {ci_low} ~ {ci_high}, 보정 p {p_adj}). 더 많은 "
        "표본이 필요합니다.",
        "No clear winner: '{winner}' at {value_a} vs {value_b} for '{other}' ({diff}) could be "
        "chance ({level} interval {ci_low} to {ci_high}, adjusted p {p_adj}); it needs more "
        "data.",
    ),
    "abtest.verdict.srm": (
        "그룹 크기가 예정된 배분과 맞지 않아(p {p}) 이 결과를 믿을 수 없습니다. 배정과 집계를 "
        "먼저 확인해 주세요.",
        "The group sizes do not match the planned split (p {p}), so this result cannot be "
        "trusted: check assignment and tracking first.",
    ),
    "abtest.sure.high": ("매우 확실합니다.", "Very sure."),
    "abtest.sure.mid": ("확실합니다.", "Sure."),
    "abtest.sure.low": ("어느 정도 확실합니다.", "Fairly sure."),
    "abtest.sure.none": ("확실하지 않습니다.", "Not sure."),
    # power
    "abtest.power.bad_rate": (
        "기준 전환율 {baseline}과 목표 {target}은(는) 0과 1 사이여야 합니다 (예: 0.05 = 5%).",
        "The baseline rate {baseline} and the target {target} must lie between 0 and 1 (0.05 "
        "= 5 %).",
    ),
    "abtest.power.bad_mde": (
        "최소 검출 차이 {value}은(는) 0보다 커야 합니다.",
        "The smallest difference to detect ({value}) must be above 0.",
    ),
    "abtest.power.need_sd": (
        "평균 지표의 표본 크기를 구하려면 표준편차가 필요합니다 (과거 데이터의 사용자별 값에서).",
        "A mean metric needs its standard deviation (from past per-user values) to size a test.",
    ),
    "abtest.power.bad_value": (
        "{field} 값 {value}은(는) 쓸 수 없습니다 ({rule}).",
        "{field} = {value} is not usable ({rule}).",
    ),
    "abtest.power.summary": (
        "그룹마다 {n:,}명, 모두 {total:,}명이 필요합니다{days_text}. (유의수준 {alpha}, "
        "검정력 {power}, 비교 {comparisons}개)",
        "{n:,} users per group, {total:,} in all{days_text}. (alpha {alpha}, power {power}, "
        "comparisons: {comparisons})",
    ),
    "abtest.power.days": (
        ", 하루 {traffic:,}명이면 {days}일",
        "; at {traffic:,} a day, {days} days",
    ),
    "abtest.cli.group_rate": (
        "{group}: {n:,}명, 비율 {value}% (95% 구간 {low}% ~ {high}%)",
        "{group}: n = {n:,}, rate {value}% (95% interval {low}% to {high}%)",
    ),
    "abtest.cli.group_mean": (
        "{group}: {n:,}명, 평균 {value} (95% 구간 {low} ~ {high})",
        "{group}: n = {n:,}, mean {value} (95% interval {low} to {high})",
    ),
    "abtest.cli.comparison_rate": (
        "{mark} {a} − {b}: {diff}%p (95% 구간 {low}%p ~ {high}%p), 보정한 p값 {p} — {sig}",
        "{mark} {a} − {b}: {diff} points (95% interval {low} to {high}), adjusted p {p} — {sig}",
    ),
    "abtest.cli.comparison_mean": (
        "{mark} {a} − {b}: {diff} (95% 구간 {low} ~ {high}), 보정한 p값 {p} — {sig}",
        "{mark} {a} − {b}: {diff} (95% interval {low} to {high}), adjusted p {p} — {sig}",
    ),
    "abtest.cli.significant": ("유의함", "significant"),
    "abtest.cli.not_significant": ("유의하지 않음", "not significant"),
}
