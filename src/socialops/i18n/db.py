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
        "PostgreSQL로 복사해 주세요 (socialops db copy).",
        "This workspace's data is still in the folder's SQLite file ({file}): copy it to "
        "PostgreSQL first (socialops db copy).",
    ),
    "db.upgraded": ("{where}: {revisions} 적용", "{where}: applied {revisions}"),
    "db.current": ("{where}: 최신 ({revision})", "{where}: up to date ({revision})"),
    "db.copied": (
        "{where} → {target}: 표 {tables}개, {rows}행 복사, 표마다 행 수 확인",
        "{where} → {target}: {tables} tables, {rows} rows copied, row counts checked per table",
    ),
}
