"""Competitive sets (share of voice within our brand and its competitors), the topic query
preview and its ambiguity warnings, the "our brand" choice of a new plan and the KPI target
sanity checks. Read in the web too: no command or flag is named."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # topics (socialops.listen.topics)
    "topic.set_too_long": (
        "경쟁 세트 이름은 인쇄 가능한 문자 {max}자 이하여야 합니다: 더 짧은 이름을 정하세요.",
        "Competitive set names are at most {max} printable characters: choose a shorter name.",
    ),
    "topic.set_unknown": (
        "'{set}' 경쟁 세트가 없습니다 (있는 세트: {known}): 세트 이름을 확인하세요.",
        "No competitive set named '{set}' (sets: {known}): check the name.",
    ),
    "report.col.set": ("경쟁 세트", "Competitive set"),
    "audit.detail.set": ("경쟁 세트", "competitive set"),
    # the topics page and the dashboard
    "topics.set": ("경쟁 세트", "Competitive set"),
    "topics.set_help": (
        "우리 브랜드와 경쟁사를 같은 세트에 넣으세요 (예: 항공사). 점유율은 세트 안에서만 "
        "계산합니다.",
        "Put our brand and its competitors in one set (e.g. Airlines): share of voice is "
        "computed within each set.",
    ),
    "topics.no_set": ("세트 없음", "No set"),
    "dash.sov_set": ("경쟁 세트: {set}", "Competitive set: {set}"),
    "dash.sov_unset": ("세트 없는 토픽", "Topics without a set"),
    "dash.sov_sets_note": (
        "점유율은 경쟁 세트 안에서 계산합니다 (세트 안 토픽 언급량 합계 대비). 세트가 없는 "
        "토픽끼리는 서로 비교합니다: 토픽 페이지에서 세트를 정하세요.",
        "Share of voice is computed within each competitive set (of the set's mentions). "
        "Topics without a set are compared with one another: set them on the Topics page.",
    ),
    "dash.sov_alone": (
        "이 세트에는 토픽이 하나뿐이라 점유율이 항상 100%입니다: 경쟁사 토픽을 같은 세트에 "
        "추가하세요.",
        "This set has a single topic, so its share is always 100 %: add competitors to the set.",
    ),
    # a spike's link to the posts of its topic and window
    "spike.all_posts": ("이 구간의 게시물 {n}건 보기", "See the {n} posts of this window"),
    # the query preview (socialops.listen.preview)
    "preview.title": ("검색식 미리보기", "Query preview"),
    "preview.button": ("미리보기", "Preview"),
    "preview.matches": (
        "전체 게시물 {all}건 중 {n}건이 일치합니다.",
        "{n} of {all} posts match.",
    ),
    "preview.range": ("날짜 범위: {first} – {last}", "Dates: {first} – {last}"),
    "preview.undated": ("날짜 없는 게시물 {n}건", "{n} posts without a date"),
    "preview.samples": ("일치하는 게시물 예시", "Sample matches"),
    "preview.forms": (
        "가장 많이 일치한 어절 (일치 게시물 {n}건 표본)",
        "Most frequent matched words (in a sample of {n} matching posts)",
    ),
    "preview.none": (
        "일치하는 게시물이 없습니다: 철자나 다른 표기(영문, 약칭)를 확인하세요.",
        "No post matches: check the spelling, or other spellings (English, short names).",
    ),
    "preview.warn.one_syllable": (
        "'{term}'은(는) 한 음절 단어입니다: 뜻이 여러 개인 흔한 단어라 (예: 배 = 선박·과일·신체) "
        '원하지 않는 글도 찾습니다. 더 긴 이름이나 "따옴표 구문"을 쓰세요.',
        "'{term}' is a single syllable: a common Korean word with several meanings (배 = ship, "
        'pear, belly), so it finds posts you do not mean. Use a longer name or a "phrase".',
    ),
    "preview.warn.inflected": (
        "'{term}'은(는) 형태소 분석에서 '{stem}'의 활용형으로 읽힙니다: '{stem}'의 모든 활용형"
        '(과거형, 관형형 등)을 찾습니다. 이름이라면 "구문"으로 다른 단어와 함께 쓰세요 '
        '(예: "{term} 감독").',
        "'{term}' is read as a form of the verb or adjective '{stem}': the query finds every "
        "form of '{stem}'. If it is a name, use it in a \"phrase\" with another word "
        '("{term} 감독").',
    ),
    "preview.warn.mostly_other": (
        "'{term}' 일치 {n}건 중 {share}%는 형태소 분석이 '{term}' 단독과 다른 단어 안에서 "
        "찾은 것입니다: 예시와 어절을 확인하세요.",
        "{share} % of the {n} matches of '{term}' are inside words analysed differently from "
        "'{term}' alone: check the samples and matched words.",
    ),
    # a new plan: our brand and its competitors (socialops.web.plan_forms)
    "plans.new.brand": ("우리 브랜드 (토픽)", "Our brand (topic)"),
    "plans.new.brand_none": ("선택 안 함", "None"),
    "plans.new.competitors": (
        "경쟁사 (토픽, 여러 개 선택 가능)",
        "Competitors (topics, any number)",
    ),
    "plans.new.competitors_help": (
        "점유율 목표는 우리 브랜드와 여기서 고른 경쟁사 사이에서 측정합니다.",
        "The share-of-voice target is measured among our brand and the competitors chosen here.",
    ),
    "plan.brand_missing": (
        "경쟁사를 골랐지만 우리 브랜드를 고르지 않았습니다: 리스닝 KPI가 측정할 우리 브랜드 "
        "토픽을 고르세요.",
        "Competitors are chosen but not our brand: choose the brand topic the listening KPIs "
        "measure.",
    ),
    # KPI targets against their baselines (socialops.plan.sanity)
    "kpi.sanity.met_already": (
        "{kpi} 목표 {target}은(는) 기준값 {baseline}으로 이미 달성된 목표입니다: 기준값보다 "
        "나아지는 목표를 정하세요.",
        "The {kpi} target {target} is met already by its baseline {baseline}: set a target "
        "that asks for progress on the baseline.",
    ),
    "kpi.sanity.far_above": (
        "{kpi} 목표 {target}이(가) 기준값 {baseline}의 {times}배입니다: 기간 안에 이룰 수 "
        "있는지 확인하세요.",
        "The {kpi} target {target} is {times} times its baseline {baseline}: check it can be "
        "reached in the plan's period.",
    ),
    "kpi.sanity.title": ("KPI 목표 점검", "KPI target check"),
}
