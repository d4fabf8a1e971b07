"""The command line's own messages, and the CLI-only hints (``<error code>.cli``) the CLI adds
after an error's message: what to run next, which the web never shows."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "cli.unexpected": (
        "예상하지 못한 오류 {kind}: {detail}. 워크스페이스는 온전합니다. SOCIALOPS_DEBUG=1로 "
        "다시 실행해 자세한 내용을 확인하고 알려 주세요.",
        "unexpected {kind}: {detail}. The workspace is consistent; rerun with "
        "SOCIALOPS_DEBUG=1 to see the traceback and report it.",
    ),
    "cli.interrupted": (
        "중단됨: 워크스페이스는 온전합니다. 같은 명령을 다시 실행하면 마저 끝냅니다.",
        "interrupted: the workspace is consistent; run the same command again to finish.",
    ),
    "cli.more_rows": ("… 외 {n}행 (전체는 --json)", "… {n} more rows (use --json for all)"),
    # hints after an error's message (the CLI only)
    "store.empty.cli": (
        "(`socialops import FILE` 후 `socialops enrich`)",
        "(run `socialops import ...` then `socialops enrich`)",
    ),
    "store.old_enriched.cli": (
        "(`socialops enrich --rebuild`)",
        "(run `socialops enrich --rebuild` to redo them)",
    ),
    "plan.not_found.cli": ("(`socialops plan list`)", "(see `socialops plan list`)"),
    "plan.unknown_channel.cli": (
        "(`socialops plan channels`)",
        "(see `socialops plan channels`)",
    ),
    "analysis.no_match.cli": (
        "(`socialops topic list`로 쿼리를 확인하거나 --from/--to를 넓혀 주세요)",
        "(check the query with `socialops topic list`, or widen --from/--to)",
    ),
    "db.sqlite_in_folder.cli": ("(`socialops db copy`)", "(run `socialops db copy`)"),
    "alert.every.cli": ("(--every hour 또는 --every day)", "(--every hour or --every day)"),
    "alert.since_after.cli": ("(--since를 앞당겨 주세요)", "(choose an earlier --since)"),
    "enrich.worker_died.cli": (
        "(원인을 보려면 `socialops enrich --workers 1`)",
        "(run `socialops enrich --workers 1` to see the cause)",
    ),
    "enrich.zone_mismatch.cli": (
        "(--tz {have}, 또는 `socialops enrich --rebuild --tz {zone}`)",
        "(use --tz {have}, or `socialops enrich --rebuild --tz {zone}`)",
    ),
    "scope.outside.cli": (
        "(--from/--to를 그 안에서 골라 주세요)",
        "(choose --from/--to inside it)",
    ),
    # the commands' own refusals (socialops.cli.*)
    "cli.no_sample_data": (
        "{path}에 샘플 데이터가 없습니다. --data-dir을 주거나 SOCIALOPS_DATA_DIR에 "
        "airline_tweets/, nsmc/, kote/ … 가 있는 폴더를 지정해 주세요.",
        "No sample data at {path}: pass --data-dir or set SOCIALOPS_DATA_DIR to the folder "
        "that holds airline_tweets/, nsmc/, kote/ …",
    ),
    "cli.bad_lang": (
        "--lang '{value}'은(는) 쓸 수 없습니다. {choices} 중 하나를 써 주세요.",
        "Unknown --lang '{value}': use {choices}.",
    ),
    "cli.plan_json": (
        "{file}을(를) JSON으로 읽을 수 없습니다: {detail}. 파일을 고쳐 주세요.",
        "Cannot read {file} as JSON: {detail}. Fix the file.",
    ),
    "cli.plan_not_object": (
        "{file}에는 JSON 객체(계획) 하나가 있어야 합니다.",
        "{file} must hold one JSON object (a plan).",
    ),
    "cli.plan_no_version": (
        "{file}에 정수 'version' 항목이 없습니다. `socialops plan show --json`의 출력에서 "
        "시작해 주세요.",
        "{file} has no whole-number 'version': start from `plan show --json`.",
    ),
    "cli.topic_twice": (
        "토픽 '{name}'이(가) 두 번 지정되었습니다. 토픽마다 한 번씩만 써 주세요.",
        "Topic '{name}' is named twice: give each topic once.",
    ),
    "cli.bad_port": (
        "포트 '{value}'은(는) 숫자가 아닙니다. 예: --port 8000.",
        "Port '{value}' is not a number: use e.g. --port 8000.",
    ),
    "cli.bad_proxy": (
        "--forwarded-allow-ips: '{value}'은(는) 주소나 네트워크가 아닙니다. 예: "
        "127.0.0.1,10.0.0.0/8.",
        "--forwarded-allow-ips: '{value}' is not an address or network: write e.g. "
        "127.0.0.1,10.0.0.0/8.",
    ),
    "cli.no_user": (
        "사용자 {email}이(가) 없습니다. `socialops user add {email}`로 추가해 주세요.",
        "No user {email}: add one with `socialops user add {email}`.",
    ),
    "cli.out_is_folder": (
        "--out {path}은(는) 폴더입니다. scores.csv 같은 파일 이름을 주세요.",
        "--out {path} is a folder: give a file name such as scores.csv.",
    ),
    "cli.out_no_folder": (
        "--out의 폴더가 없습니다: {path}.",
        "The folder for --out does not exist: {path}.",
    ),
    "cli.no_text_column": (
        "{file}에 '{column}' 열이 없습니다. 파일의 열: {columns}. --text-column으로 맞는 열을 "
        "지정해 주세요.",
        "No column '{column}' in {file}. Its columns are: {columns}. Pass the right one with "
        "--text-column.",
    ),
}

# a full disk: the CLI names the flag that moves the workspace (the web says nothing of it)
MESSAGES.update(
    {
        f"{code}.cli": (
            "(다른 디스크의 워크스페이스는 --workspace로 지정합니다)",
            "(--workspace names a workspace on another disk)",
        )
        for code in (
            "disk.full",
            "disk.full_free",
            "disk.full_workspace",
            "disk.file_too_large",
            "disk.file_too_large_workspace",
        )
    }
)
