"""Messages of the databases: migrations and ``socialops db``."""

MESSAGES: dict[str, tuple[str, str]] = {
    "db.bad_url": (
        "데이터베이스 주소를 읽을 수 없습니다: "
        "postgresql+psycopg://사용자@호스트:5432/데이터베이스 형식으로 적어 주세요.",
        "Cannot read the database URL: write it as postgresql+psycopg://USER@HOST:5432/DATABASE.",
    ),
    "db.not_postgres": (
        "복사 대상은 PostgreSQL 데이터베이스여야 합니다 ({url}).",
        "The copy's target must be a PostgreSQL database ({url}).",
    ),
    "db.unreachable": (
        "데이터베이스 {where}에 연결할 수 없습니다: {detail}. 주소와 서버가 켜져 있는지 확인해 "
        "주세요.",
        "Cannot connect to the database {where}: {detail}. Check the URL and that the server runs.",
    ),
    "db.no_source": (
        "{root}에 복사할 SQLite 데이터베이스가 없습니다 (workspace.db, accounts.db).",
        "There is no SQLite database to copy in {root} (workspace.db, accounts.db).",
    ),
    "db.target_not_empty": (
        "대상 {where}의 표 {table}에 이미 {rows}행이 있습니다. 아무것도 복사하지 않았습니다: "
        "빈 데이터베이스로 복사해 주세요.",
        "The target {where} already holds {rows} rows in {table}; nothing was copied: copy "
        "into an empty database.",
    ),
    "db.count_mismatch": (
        "표 {table}의 행 수가 맞지 않습니다 (원본 {source}, 대상 {target}). 복사를 취소했습니다.",
        "Row counts of {table} differ (source {source}, target {target}); the copy was rolled "
        "back.",
    ),
    "db.sqlite_in_folder": (
        "이 워크스페이스의 데이터는 아직 폴더의 SQLite 파일({file})에 있습니다. 먼저 "
        "PostgreSQL로 복사해 주세요.",
        "This workspace's data is still in the folder's SQLite file ({file}): copy it to "
        "PostgreSQL first.",
    ),
    "db.upgraded": ("{where}: {revisions} 적용", "{where}: applied {revisions}"),
    "db.current": ("{where}: 최신 ({revision})", "{where}: up to date ({revision})"),
    "db.copied": (
        "{where} → {target}: 표 {tables}개, {rows}행 복사, 표마다 행 수 확인",
        "{where} → {target}: {tables} tables, {rows} rows copied, row counts checked per table",
    ),
    "workspace.missing": (
        "{root}에 워크스페이스가 없습니다. 먼저 데이터를 가져와 주세요.",
        "There is no workspace at {root}: import data into it first.",
    ),
    "workspace.missing.cli": (
        "socialops import 명령으로 파일을 가져오거나, 기존 워크스페이스 폴더를 --workspace "
        "또는 SOCIALOPS_HOME으로 지정해 주세요.",
        "Run `socialops import FILE --preset NAME` first, or point --workspace / SOCIALOPS_HOME "
        "at an existing one.",
    ),
    "workspace.cannot_create": (
        "워크스페이스 폴더 {root}를 만들 수 없습니다: {detail}. 폴더 권한과 디스크를 확인해 "
        "주세요.",
        "Cannot create the workspace folder {root}: {detail}. Check the folder's permissions and "
        "the disk.",
    ),
    "workspace.busy": (
        "워크스페이스에서 다른 가져오기나 분석 준비 작업이 진행 중입니다. 끝난 뒤 다시 시도해 "
        "주세요.",
        "The workspace is busy with another import or enrichment: wait for it to finish, then "
        "try again.",
    ),
    "db.bad_prefix": (
        "스키마 접두어 '{value}'는 쓸 수 없습니다: 영문 소문자로 시작하고 소문자·숫자·_만 "
        "쓰는 21자 이하로 정해 주세요.",
        "The schema prefix '{value}' cannot be used: start with a lower-case letter, then "
        "lower-case letters, digits or _ (at most 21).",
    ),
    "db.unsupported": (
        "{backend} 데이터베이스는 지원하지 않습니다: SQLite(설정하지 않음) 또는 PostgreSQL "
        "주소를 써 주세요.",
        "The {backend} database is not supported: use SQLite (leave the database URL unset) "
        "or a PostgreSQL URL.",
    ),
}
