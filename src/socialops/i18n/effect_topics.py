"""A tracked topic's mention volume as a control of the campaign effect, and the stored form of
``socialops measure effect`` (socialops.measure.effect_topics, cli/measure/effect.py)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "effect_topics.no_posts": (
        "주제 '{topic}'의 언급량을 비교 시계열로 쓰려면 게시물이 필요한데, 이 작업공간에는 날짜가 "
        "있는 게시물이 없습니다: 먼저 게시물을 가져와 주세요.",
        "The topic '{topic}' cannot be a control series: this workspace has no dated posts. "
        "Import posts first.",
    ),
    "effect_topics.not_covered": (
        "주제 '{topic}'의 언급량은 {lo}~{hi}의 게시물만 있어 {first}~{last} 기간의 비교 시계열이 "
        "될 수 없습니다 (없는 날을 0으로 채우지 않습니다): 기간을 좁히거나 그 기간의 게시물을 "
        "가져와 주세요.",
        "The topic '{topic}' has posts only from {lo} to {hi}, so it cannot be a control series "
        "for {first} to {last} (days without data are never counted as 0): narrow the period or "
        "import posts for it.",
    ),
    "effect.caveat.topic_collection_gaps": (
        "게시물 수집 기간 안에 게시물이 하나도 없는 날이 {days}일 있습니다 (처음: {first}): "
        "수집이 빠진 날이라면 그날 주제 언급량 0은 실제보다 적습니다.",
        "{days} days inside the collected posts have no post at all (first: {first}): if "
        "collection missed them, the topic's 0 mentions on those days are too low.",
    ),
    "cli.effect_topics.source": (
        "파일 또는 저장된 성과 지표 중 하나만 주세요: 파일이면 날짜 열과 값 열을, 저장된 "
        "지표면 --metric을 지정합니다.",
        "Give either a file or a stored outcome, not both or neither: a file with its date and "
        "value columns, or --metric for a stored series.",
    ),
    "cli.effect_topics.columns": (
        "파일을 주면 --date-col과 --value-col도 지정해 주세요.",
        "With a file, give --date-col and --value-col too.",
    ),
    "cli.effect_topics.file_only": (
        "'{option}'은 파일에만 쓰는 설정입니다: 저장된 지표에는 --dimension과 "
        "--control-dimension을 쓰세요.",
        "'{option}' applies to a file only: for a stored series use --dimension and "
        "--control-dimension.",
    ),
    "cli.effect_topics.stored_only": (
        "'{option}'은 저장된 성과 지표에만 쓰는 설정입니다: 파일에는 --control-col을 쓰세요.",
        "'{option}' applies to a stored series only: for a file use --control-col.",
    ),
    # the web form
    "effect_topics.web.control_topics": ("비교 주제 (언급량)", "Control topics (mention volume)"),
    "effect_topics.web.control_topics_help": (
        "경쟁사나 관련 주제의 일별 언급량을 비교 시계열로 씁니다 (선택).",
        "The daily mention volume of competitors or related topics as control series (optional).",
    ),
}
