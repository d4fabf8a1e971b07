"""Customer tables, attribute segments and the targeting model (issue 17): the ``customers``
import stream, ``socialops segment attributes|model|score|models|import-customers``."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # the customers stream
    "targeting.unknown_preset": (
        "고객 프리셋 '{name}'은(는) 없습니다. {choices} 중 하나를 써 주세요.",
        "Unknown customer preset '{name}': use one of {choices}.",
    ),
    "targeting.customers_wrong_shape": (
        "{file}에 '{preset}' 프리셋에 필요한 열이 없습니다: {missing} (찾은 열: {found}).",
        "{file} lacks the columns preset '{preset}' needs: {missing} (found: {found}).",
    ),
    "targeting.customers_empty": (
        "{file}에 고객 행이 없습니다: 머리글 아래에 행이 있는 파일을 주세요.",
        "{file} has no customer rows: give a file with rows under its header.",
    ),
    "targeting.no_customers": (
        "이 워크스페이스에 가져온 고객 표가 없습니다: 먼저 고객 파일을 가져와 주세요.",
        "This workspace has no imported customer table: import a customer file first.",
    ),
    "targeting.too_many_rows": (
        "{file}의 행이 {limit:,}개를 넘습니다: 표본을 뽑아 다시 주세요.",
        "{file} has more than {limit:,} rows: give a sample of it.",
    ),
    "quarantine.reason.missing_customer_id": ("고객 ID 없음", "No customer id"),
    "quarantine.detail.customer_no_id": (
        "'{column}' 열에 고객 ID가 없습니다.",
        "Column '{column}' has no customer id.",
    ),
    "quarantine.detail.customer_not_number": (
        "'{column}' 열의 값 '{value}'은(는) 숫자가 아닙니다.",
        "Column '{column}': '{value}' is not a number.",
    ),
    # target and columns
    "targeting.no_column": (
        "파일에 '{column}' 열이 없습니다 (있는 열: {columns}).",
        "The file has no column '{column}' (columns: {columns}).",
    ),
    "targeting.constant_target": (
        "'{column}' 열의 값이 모두 같습니다('{value}'): 반응한 고객과 반응하지 않은 고객이 "
        "모두 있어야 합니다.",
        "Column '{column}' has one value only ('{value}'): it needs customers who responded "
        "and customers who did not.",
    ),
    "targeting.need_positive": (
        "'{column}' 열에서 어느 값이 '반응'인지 알 수 없습니다 (값: {values}): 반응을 뜻하는 "
        "값을 지정해 주세요.",
        "Cannot tell which value of '{column}' means a response (values: {values}): name the "
        "positive value.",
    ),
    "targeting.need_positive.cli": ("--positive 값으로 지정합니다.", "Use --positive VALUE."),
    "targeting.positive_absent": (
        "'{column}' 열에 '{value}' 값이 없습니다 (값: {values}).",
        "Column '{column}' has no value '{value}' (values: {values}).",
    ),
    "targeting.too_few_rows": (
        "응답이 있는 고객이 {rows}명뿐입니다: 최소 {minimum}명이 필요합니다.",
        "Only {rows} customers have a response: at least {minimum} are needed.",
    ),
    "targeting.too_few_positives": (
        "반응한 고객 {positives}명, 반응하지 않은 고객 {negatives}명: 모델에는 각각 최소 "
        "{minimum}명이 필요합니다.",
        "{positives} customers responded and {negatives} did not: a model needs at least "
        "{minimum} of each.",
    ),
    "targeting.no_features": (
        "모델에 쓸 고객 속성 열이 없습니다.",
        "There is no customer attribute column to model with.",
    ),
    "targeting.score_missing_columns": (
        "점수를 매길 파일에 모델이 쓰는 열이 없습니다: {columns} (찾은 열: {found}).",
        "The file to score lacks columns the model uses: {columns} (found: {found}).",
    ),
    "targeting.unknown_model": (
        "타기팅 모델 '{name}'이(가) 없습니다 (있는 모델: {choices}).",
        "There is no targeting model '{name}' (models: {choices}).",
    ),
    "targeting.unknown_model.cli": (
        "socialops segment models 로 목록을 봅니다.",
        "See them with: socialops segment models",
    ),
    "targeting.bad_model": (
        "타기팅 모델 '{name}'의 저장 형식을 읽을 수 없습니다: 모델을 다시 학습해 주세요.",
        "Targeting model '{name}' is stored in a form this version cannot read: train it again.",
    ),
    "targeting.bad_bins": (
        "구간 '{value}'을(를) 읽을 수 없습니다: 열=경계,경계,… 형식(예: balance=0,1000,5000)"
        "으로 써 주세요.",
        "Cannot read the bands '{value}': write COLUMN=EDGE,EDGE,… (e.g. balance=0,1000,5000).",
    ),
    "targeting.bad_name": (
        "모델 이름 '{name}'은(는) 쓸 수 없습니다: 1~80자의 글자, 숫자, -, _, / 만 씁니다.",
        "The model name '{name}' cannot be used: 1 to 80 letters, digits, -, _ or /.",
    ),
    # caveats and notes
    "targeting.caveat.no_response": (
        "응답 값이 빈 {rows:,}행은 뺐습니다.",
        "{rows:,} rows without a response value were left out.",
    ),
    "targeting.caveat.small_groups": (
        "{groups}개 집단은 고객이 {min_n}명 미만이라 판단하지 않았습니다.",
        "{groups} groups have fewer than {min_n} customers: no verdict on them.",
    ),
    "targeting.caveat.leakage": (
        "'{column}' 열은 통화가 끝난 뒤에야 알 수 있어(결과를 미리 아는 셈) 기본으로 뺐습니다.",
        "Column '{column}' is only known after the call (it would give the answer away): "
        "left out by default.",
    ),
    "targeting.caveat.leakage_included": (
        "'{column}' 열은 통화 뒤에야 알 수 있는 값인데 포함했습니다: 이 AUC는 실제 타기팅 "
        "성능보다 높게 나옵니다.",
        "Column '{column}' is only known after the call and was included: this AUC overstates "
        "what targeting can do.",
    ),
    "targeting.caveat.few_positives": (
        "평가용 표본의 반응 고객이 {positives}명뿐이라 AUC의 오차가 큽니다.",
        "The held-out sample has only {positives} responders: the AUC is imprecise.",
    ),
    "targeting.note.higher": ("높음 (유의)", "higher (significant)"),
    "targeting.note.lower": ("낮음 (유의)", "lower (significant)"),
    "targeting.note.no_difference": ("차이 없음", "no clear difference"),
    "targeting.note.too_few": ("고객 수 부족", "too few customers"),
    # CLI output
    "targeting.attributes_head": (
        "'{target}' = '{positive}' 반응률 {rate} ({rows:,}명 중 {positives:,}명), "
        "95% 구간 {ci_low}–{ci_high}",
        "response '{target}' = '{positive}': {rate} ({positives:,} of {rows:,}), "
        "95% interval {ci_low}–{ci_high}",
    ),
    "targeting.col.group": ("집단", "group"),
    "targeting.col.n": ("고객 수", "customers"),
    "targeting.col.rate": ("반응률", "rate"),
    "targeting.col.interval": ("95% 구간", "95% interval"),
    "targeting.col.lift": ("리프트", "lift"),
    "targeting.col.note": ("판단", "verdict"),
    "targeting.col.name": ("모델", "model"),
    "targeting.col.target": ("반응 열", "response"),
    "targeting.col.auc": ("AUC", "AUC"),
    "targeting.col.rows": ("고객 수", "customers"),
    "targeting.col.created": ("만든 때", "created"),
    "targeting.col.attribute": ("속성", "attribute"),
    "targeting.col.importance": ("중요도 (AUC 감소)", "importance (AUC drop)"),
    "targeting.model_done": (
        "모델 '{name}': 평가용 AUC {auc:.3f}, Brier {brier:.4f} (고객 {rows:,}명, 반응률 "
        "{rate}); 점수는 보정된 확률입니다.",
        "model '{name}': held-out AUC {auc:.3f}, Brier {brier:.4f} ({rows:,} customers, "
        "response rate {rate}); scores are calibrated probabilities.",
    ),
    "targeting.calibration_head": (
        "보정: 점수 10분위별 예측 반응률과 실제 반응률 (평가용 표본)",
        "calibration: predicted vs observed response per score decile (held-out sample)",
    ),
    "targeting.score_done": (
        "{rows:,}행에 점수를 매겨 {out}에 썼습니다 (평균 점수 {mean}).",
        "scored {rows:,} rows → {out} (mean score {mean}).",
    ),
    "targeting.no_models": ("저장된 타기팅 모델이 없습니다.", "No targeting model saved yet."),
    "targeting.import_done": (
        "{file}: 고객 {imported:,}명 추가, {updated:,}명 갱신, {quarantined:,}행 격리 "
        "(표에 고객 {total:,}명).",
        "{file}: {imported:,} customers added, {updated:,} updated, {quarantined:,} rows "
        "quarantined ({total:,} customers in the table).",
    ),
    "targeting.import_private": (
        "개인 식별 정보 열({kinds})은 암호화해 저장했습니다.",
        "Identifier columns ({kinds}) were stored encrypted.",
    ),
}

# attribute labels (the top attributes of a model, the attribute tables): known columns
LABELS: dict[str, tuple[str, str]] = {
    "age": ("나이", "age"),
    "job": ("직업", "job"),
    "marital": ("혼인 상태", "marital status"),
    "education": ("학력", "education"),
    "default": ("신용 불량 여부", "credit in default"),
    "balance": ("예금 잔고", "account balance"),
    "housing": ("주택 대출", "housing loan"),
    "loan": ("개인 대출", "personal loan"),
    "contact": ("연락 수단", "contact type"),
    "day": ("마지막 연락 일", "last contact day"),
    "month": ("마지막 연락 월", "last contact month"),
    "duration": ("통화 시간(초)", "call duration (s)"),
    "campaign": ("이번 캠페인 연락 횟수", "contacts this campaign"),
    "pdays": ("지난 캠페인 후 지난 일수", "days since last campaign"),
    "previous": ("이전 캠페인 연락 횟수", "contacts before this campaign"),
    "poutcome": ("이전 캠페인 결과", "previous campaign outcome"),
    "gender": ("성별", "gender"),
    "region": ("지역", "region"),
    "segment": ("고객 등급", "customer tier"),
}
MESSAGES.update({f"targeting.attr.{k}": v for k, v in LABELS.items()})
