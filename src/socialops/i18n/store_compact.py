"""Messages of store compaction: ``socialops compact`` (:mod:`socialops.store.compact`)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "compact.done": (
        "작은 파일 {merged}개를 {written}개로 합쳤습니다 ({rows}행, {months}). 저장소의 파일 "
        "{before}개 → {after}개, {seconds}초.",
        "Merged {merged} small files into {written} ({rows} rows, {months}). Files in the "
        "store: {before} → {after}, in {seconds} s.",
    ),
    "compact.nothing": (
        "합칠 파일이 없습니다: 작은 파일이 {min_files}개 이상인 달이 없습니다 (저장소의 파일 "
        "{files}개).",
        "Nothing to merge: no month holds {min_files} or more small files ({files} files in "
        "the store).",
    ),
    "compact.busy": (
        "가져오기가 끝나지 않아 이번에는 합치지 못했습니다. 잠시 후 다시 실행해 주세요.",
        "An import kept the store busy, so nothing was merged this time: run it again shortly.",
    ),
    "compact.changed": (
        "합치는 동안 파일이 바뀌어 (개인정보 삭제 등) 이번에는 합치지 않았습니다. 다시 실행해 "
        "주세요.",
        "A file changed while it was being merged (a personal-data erasure, for one), so "
        "nothing was merged this time: run it again.",
    ),
    "compact.compacting": (
        "다른 프로세스가 이미 합치고 있습니다. 끝난 뒤 다시 실행해 주세요.",
        "Another process is merging this store now: run it again once it is done.",
    ),
    "compact.purged": (
        "대체된 파일 {count}개를 지웠습니다.",
        "Deleted {count} replaced files.",
    ),
    "compact.bad_min_files": (
        "합칠 최소 파일 수는 2 이상이어야 합니다 ({value}).",
        "The least number of files to merge must be 2 or more ({value}).",
    ),
    "compact.bad_setting": (
        "SOCIALOPS_COMPACT_MIN_FILES 값 '{value}'을(를) 읽을 수 없습니다: 0(합치지 않음) 또는 "
        "2 이상의 정수로 적어 주세요.",
        "Cannot read SOCIALOPS_COMPACT_MIN_FILES '{value}': write 0 (never merge) or a whole "
        "number of 2 or more.",
    ),
    "compact.merge_failed": (
        "작은 파일을 합치지 못했습니다: {detail}. 저장소는 그대로입니다. 디스크 공간을 확인한 뒤 "
        "다시 실행해 주세요.",
        "Merging the small files failed: {detail}. The store is as it was: check the disk's "
        "free space and run it again.",
    ),
}
