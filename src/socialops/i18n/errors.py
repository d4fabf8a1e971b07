"""The errors of the settings, the analytics store and engines, the disk and the topic query
language (:mod:`socialops.settings`, :mod:`socialops.store.analytics`, :mod:`socialops.store.spark`,
:func:`socialops.errors.disk_full_error`, :mod:`socialops.nlp.query`)."""

from __future__ import annotations

_AGAIN_KO = "같은 명령을 다시 실행해 주세요 (워크스페이스는 온전합니다)."
_AGAIN_EN = "then run the same command again (the workspace is consistent)."
_FREE_KO = (
    "그 디스크의 공간을 확보하거나 (예: 오래된 내보내기 파일이나 가져온 파일의 사본 삭제) "
    "워크스페이스를 더 큰 디스크로 옮긴 뒤 "
)
_FREE_EN = (
    "free space on that disk (delete files you no longer need, e.g. old exports or copies of "
    "imported files) or move the workspace to a bigger disk, "
)
_QUOTA_KO = "필요 없는 파일을 지우거나 더 큰 할당량을 요청한 뒤 "
_QUOTA_EN = "delete files you no longer need from your quota, or ask for a larger one, "
_BIG_KO = (
    "파일 크기 제한(`ulimit -f` 또는 파일 시스템의 제한)을 올리거나 워크스페이스를 다른 "
    "디스크로 옮긴 뒤 "
)
_BIG_EN = "raise the limit or move the workspace to another disk, "

MESSAGES: dict[str, tuple[str, str]] = {
    # settings (socialops.settings)
    "config.bad_zone": (
        "시간대 '{name}'을(를) 알 수 없습니다. Asia/Seoul, UTC 같은 IANA 이름을 써 주세요.",
        "Unknown time zone '{name}': use an IANA name such as Asia/Seoul or UTC.",
    ),
    "config.workers_not_number": (
        "SOCIALOPS_WORKERS 값은 정수여야 합니다 (지금 값: '{value}').",
        "SOCIALOPS_WORKERS must be a whole number, not '{value}'.",
    ),
    "config.workers_negative": (
        "SOCIALOPS_WORKERS 값은 0(코어마다 하나) 이상이어야 합니다.",
        "SOCIALOPS_WORKERS must be 0 (one per core) or more.",
    ),
    "config.bad_lang": (
        "SOCIALOPS_LANG 값은 ko 또는 en이어야 합니다 (지금 값: '{value}').",
        "SOCIALOPS_LANG must be ko or en, not '{value}'.",
    ),
    "config.doc_lang": (
        "언어 '{value}'은(는) 쓸 수 없습니다. ko 또는 en을 골라 주세요.",
        "Language '{value}': use ko or en.",
    ),
    # a full disk (socialops.errors.disk_full_error); the CLI prints these
    "disk.full": (
        f"디스크가 가득 찼습니다: {{place}}에 쓸 공간이 없습니다. {_FREE_KO}{_AGAIN_KO}",
        f"Disk full: no space left writing to {{place}}: {_FREE_EN}{_AGAIN_EN}",
    ),
    "disk.full_free": (
        f"디스크가 가득 찼습니다: {{place}}에 쓸 공간이 없습니다 (남은 공간 {{free}}). "
        f"{_FREE_KO}{_AGAIN_KO}",
        f"Disk full: no space left writing to {{place}} ({{free}} free there): {_FREE_EN}"
        f"{_AGAIN_EN}",
    ),
    "disk.full_workspace": (
        f"디스크가 가득 찼습니다: 워크스페이스 폴더에 쓸 공간이 없습니다. {_FREE_KO}{_AGAIN_KO}",
        f"Disk full: no space left writing to the workspace folder: {_FREE_EN}{_AGAIN_EN}",
    ),
    "disk.quota": (
        f"디스크가 가득 찼습니다: {{place}}에 쓰다가 디스크 할당량을 다 썼습니다. "
        f"{_QUOTA_KO}{_AGAIN_KO}",
        f"Disk full: your disk quota is used up writing to {{place}}: {_QUOTA_EN}{_AGAIN_EN}",
    ),
    "disk.quota_free": (
        f"디스크가 가득 찼습니다: {{place}}에 쓰다가 디스크 할당량을 다 썼습니다 "
        f"(남은 공간 {{free}}). {_QUOTA_KO}{_AGAIN_KO}",
        f"Disk full: your disk quota is used up writing to {{place}} ({{free}} free there): "
        f"{_QUOTA_EN}{_AGAIN_EN}",
    ),
    "disk.quota_workspace": (
        f"디스크가 가득 찼습니다: 워크스페이스 폴더에 쓰다가 디스크 할당량을 다 썼습니다. "
        f"{_QUOTA_KO}{_AGAIN_KO}",
        f"Disk full: your disk quota is used up writing to the workspace folder: {_QUOTA_EN}"
        f"{_AGAIN_EN}",
    ),
    "disk.file_too_large": (
        f"디스크가 가득 찼습니다: {{place}} 아래의 파일이 허용된 최대 크기에 이르렀습니다. "
        f"{_BIG_KO}{_AGAIN_KO}",
        f"Disk full: a file under {{place}} reached the largest size allowed (the file size "
        f"limit, `ulimit -f`, or the file system's): {_BIG_EN}{_AGAIN_EN}",
    ),
    "disk.file_too_large_workspace": (
        f"디스크가 가득 찼습니다: 워크스페이스 폴더의 파일이 허용된 최대 크기에 이르렀습니다. "
        f"{_BIG_KO}{_AGAIN_KO}",
        f"Disk full: a file under the workspace folder reached the largest size allowed (the "
        f"file size limit, `ulimit -f`, or the file system's): {_BIG_EN}{_AGAIN_EN}",
    ),
    # analytics engines (socialops.store.analytics, socialops.store.spark)
    "engine.unknown": (
        "분석 엔진 '{value}'을(를) 알 수 없습니다. duckdb, spark, spark://HOST:PORT 중 하나를 "
        "써 주세요.",
        "Unknown engine '{value}': use duckdb, spark or spark://HOST:PORT.",
    ),
    "engine.bad_spark_master": (
        "Spark 마스터 주소 '{value}'이(가) 올바르지 않습니다. spark://HOST:PORT 형식으로 써 "
        "주세요 (예: spark://node1:7077).",
        "Bad Spark master '{value}': write it as spark://HOST:PORT (e.g. spark://node1:7077).",
    ),
    "engine.spark_unusable": (
        "Spark를 쓸 수 없습니다: {detail}",
        "Spark is not usable: {detail}",
    ),
    "engine.no_pyspark": (
        "Spark 엔진에는 PySpark가 필요합니다. `pip install 'socialops[spark]'`로 설치해 주세요.",
        "The Spark engine needs PySpark: pip install 'socialops[spark]'.",
    ),
    "engine.no_java": (
        "Spark에는 Java 17 이상이 필요합니다. JRE를 설치해 주세요 (`apt-get install "
        "default-jre-headless`). PATH나 JAVA_HOME에서 java를 찾지 못했습니다.",
        "Spark needs Java 17+: install a JRE (apt-get install default-jre-headless); no `java` "
        "found on PATH or JAVA_HOME.",
    ),
    "engine.old_java": (
        "Spark에는 Java 17 이상이 필요합니다. JRE를 설치해 주세요 (`apt-get install "
        "default-jre-headless`). 지금 Java 버전: {major}.",
        "Spark needs Java 17+: install a JRE (apt-get install default-jre-headless); found "
        "Java {major}.",
    ),
    "engine.spark_start": (
        "Spark를 시작하지 못했습니다 ({master}): {detail}. Spark에는 Java 17 이상이 "
        "필요합니다 (`apt-get install default-jre-headless`). Spark 로그: {log}.",
        "Spark could not start ({master}): {detail}. Spark needs Java 17+: install a JRE "
        "(apt-get install default-jre-headless); Spark's log: {log}.",
    ),
    # the analytics store (socialops.store.analytics)
    "store.empty": (
        "아직 분석된 게시물이 없습니다. 게시물 파일을 가져와 분석한 뒤 다시 시도해 주세요.",
        "No enriched posts yet: import a file of posts and enrich it first.",
    ),
    "store.old_enriched": (
        "분석된 게시물이 이전 버전의 socialops로 만들어졌습니다. 이 버전으로 다시 분석해 주세요.",
        "The enriched posts were made by an older socialops: enrich them again with this version.",
    ),
    # the topic query language (socialops.nlp.query); why_* is one of query.why.*
    "query.bad": (
        "토픽 쿼리의 {pos}번째 글자를 읽을 수 없습니다: {why_ko}. 쿼리: {shown}",
        "Bad topic query at position {pos}: {why_en}. Query: {shown}",
    ),
    "query.too_long": (
        "쿼리가 {n}자입니다. {limit}자 미만으로 줄이거나 여러 토픽으로 나누어 주세요.",
        "The query has {n} characters; keep it under {limit}, or split it into several topics.",
    ),
    "query.why.open_phrase": (
        '구절이 닫히지 않았습니다. 닫는 "를 붙여 주세요',
        'a phrase is not closed: add the closing "',
    ),
    "query.why.empty_term": (
        "빈 검색어입니다. 단어나 구절을 써 주세요",
        "an empty term: write a word or a phrase",
    ),
    "query.why.star": (
        "'*'는 단어 끝에만 쓸 수 있습니다 (배송*)",
        "'*' is allowed only at the end of a word (배송*)",
    ),
    "query.why.nothing": (
        "{raw}에는 검색할 글자가 없습니다 (문장 부호뿐인가요?)",
        "{raw} has nothing searchable (only punctuation?)",
    ),
    "query.why.empty": (
        "쿼리가 비어 있습니다. 단어를 하나 이상 써 주세요",
        "the query is empty: write at least one word",
    ),
    "query.why.stray_close": (
        "')'에 짝이 되는 '('가 없습니다",
        "a ')' without its '('",
    ),
    "query.why.unexpected": (
        "{token}은(는) 여기에 올 수 없습니다",
        "unexpected {token}",
    ),
    "query.why.only_not": (
        "제외 조건만으로는 찾을 수 없습니다. NOT 앞에 찾을 단어를 써 주세요",
        "a query cannot only exclude: add what to look for before NOT",
    ),
    "query.why.empty_parens": ("괄호 안이 비어 있습니다", "empty parentheses"),
    "query.why.open_paren": (
        "'('가 닫히지 않았습니다. ')'를 붙여 주세요",
        "a '(' is not closed: add ')'",
    ),
    "query.why.ends": (
        "단어가 와야 할 자리에서 쿼리가 끝났습니다",
        "the query ends where a word was expected",
    ),
    "query.why.close_for_word": (
        "단어가 와야 할 자리에 ')'가 있습니다",
        "a ')' where a word was expected",
    ),
    "query.why.op_for_word": (
        "단어가 와야 할 자리에 {token}이(가) 있습니다",
        "{token} where a word was expected",
    ),
}

# enrichment components (socialops.nlp.pipeline, socialops.nlp.registry): a developer's mistake
# in a registered component, shown to whoever runs the enrichment
MESSAGES.update(
    {
        "component.assigns": (
            "분석 구성 요소 '{name}'이(가) {assigned} 열을 채웠지만 선언한 열은 {declared}입니다. "
            "둘을 맞춰 주세요.",
            "Enrichment component '{name}' assigned {assigned} but declares {declared}: make the "
            "two agree.",
        ),
        "component.no_column": (
            "'{column}' 열을 채우는 분석 구성 요소가 없습니다. 그 열을 채우는 구성 요소를 등록해 "
            "주세요.",
            "No enrichment component assigns the column '{column}': register one that does.",
        ),
        "component.duplicate": (
            "분석 구성 요소 '{name}'이(가) 두 개 있습니다. 새 구성 요소에 다른 이름을 붙여 주세요.",
            "Two enrichment components are named '{name}': give the new one another name.",
        ),
        "component.requires": (
            "분석 구성 요소 '{name}'에 필요한 {missing}을(를) 게시물도, 앞선 구성 요소도 "
            "제공하지 않습니다. 그 열을 채우는 구성 요소를 등록하거나 요구 조건을 빼 주세요.",
            "Enrichment component '{name}' requires {missing}, which neither the posts nor any "
            "component before it provides: register a component that assigns it, or remove the "
            "requirement.",
        ),
    }
)
