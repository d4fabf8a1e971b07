"""Messages of backup and restore (``socialops backup``, ``socialops restore``)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "cli.backup_not_workspace": (
        "{root}에는 백업할 워크스페이스가 없습니다 (workspace.db, accounts.db 또는 database.id가 "
        "없음). --workspace 또는 SOCIALOPS_HOME으로 워크스페이스 폴더를 지정해 주세요.",
        "There is no workspace to back up at {root} (no workspace.db, accounts.db or "
        "database.id): point --workspace or SOCIALOPS_HOME at a workspace folder.",
    ),
    "backup.out_inside": (
        "백업 파일 {out}이 백업할 폴더 {root} 안에 있습니다. 폴더 밖의 경로(가능하면 다른 "
        "디스크)를 지정해 주세요.",
        "The backup file {out} is inside the folder being backed up ({root}): write it outside "
        "the folder, on another disk if you can.",
    ),
    "cli.backup_out_exists": (
        "{out} 파일이 이미 있습니다. 다른 이름을 쓰거나 --overwrite로 덮어써 주세요.",
        "{out} already exists: choose another name, or replace it with --overwrite.",
    ),
    "backup.out_dir": (
        "백업을 쓸 폴더 {out}이 없습니다. 먼저 폴더를 만들어 주세요.",
        "The folder {out} to write the backup into does not exist: create it first.",
    ),
    "backup.out_unwritable": (
        "폴더 {out}에 쓸 수 없습니다. 권한을 확인하거나 다른 위치를 지정해 주세요.",
        "Cannot write into the folder {out}: check its permissions or choose another place.",
    ),
    "backup.bad_suffix": (
        "백업 파일 이름 {name}은 .tar.zst, .tar.gz, .tgz 또는 .tar로 끝나야 합니다.",
        "The backup file's name {name} must end in .tar.zst, .tar.gz, .tgz or .tar.",
    ),
    "backup.no_zstd": (
        ".tar.zst 백업에는 zstandard 패키지가 필요합니다. 설치하거나 .tar.gz 이름을 써 주세요.",
        "A .tar.zst backup needs the zstandard package: install it, or name the file .tar.gz.",
    ),
    "backup.no_pg_tool": (
        "PostgreSQL 백업과 복원에는 {tool} 명령이 필요합니다. PostgreSQL 클라이언트 도구를 "
        "설치해 주세요 (Debian: postgresql-client).",
        "Backing up and restoring PostgreSQL needs the {tool} command: install the PostgreSQL "
        "client tools (Debian: postgresql-client).",
    ),
    "backup.pg_failed": (
        "{tool} 실행이 실패했습니다: {detail}. 아무것도 바뀌지 않았습니다.",
        "{tool} failed: {detail}. Nothing was changed.",
    ),
    "backup.store_missing": (
        "워크스페이스 장부에 있는 파일 {file}이 디스크에 없어 (여러 번 다시 시도해도) 일관된 "
        "백업을 만들 수 없습니다. 파일을 되살리거나, 쓰기 작업이 끝난 뒤 다시 시도해 주세요.",
        "The workspace's ledger lists {file}, which is not on disk (after several tries), so "
        "no consistent backup can be taken: bring the file back, or try again when the writes "
        "in progress are done.",
    ),
    "backup.no_file": (
        "백업 파일 {path}이 없습니다. 경로를 확인해 주세요.",
        "There is no backup file at {path}: check the path.",
    ),
    "backup.not_archive": (
        "{path}은 읽을 수 있는 socialops 백업이 아닙니다 (손상되었거나 다른 형식).",
        "{path} cannot be read as a backup of socialops (damaged, or another format).",
    ),
    "backup.member_type": (
        "백업에 일반 파일이 아닌 항목 {member}이 있어 복원하지 않았습니다 (링크나 장치 파일은 "
        "받지 않습니다).",
        "The backup holds {member}, which is not a plain file (links and devices are refused): "
        "nothing was restored.",
    ),
    "backup.member_name": (
        "백업에 허용되지 않는 경로 {member}이 있어 복원하지 않았습니다.",
        "The backup holds a member with a path that is not allowed ({member}): nothing was "
        "restored.",
    ),
    "backup.member_duplicate": (
        "백업에 {member}이 두 번 들어 있어 복원하지 않았습니다.",
        "The backup holds {member} twice: nothing was restored.",
    ),
    "backup.member_unlisted": (
        "백업의 {member}이 목록(manifest.json)에 없어 복원하지 않았습니다.",
        "{member} in the backup is not in its manifest: nothing was restored.",
    ),
    "backup.member_size": (
        "백업의 {member}이 너무 커서 복원하지 않았습니다.",
        "{member} in the backup is too large: nothing was restored.",
    ),
    "backup.bad_manifest": (
        "{path}의 목록(manifest.json)이 없거나 읽을 수 없어 복원하지 않았습니다.",
        "The manifest of {path} is missing or unreadable: nothing was restored.",
    ),
    "backup.newer_format": (
        "이 백업은 더 새로운 형식({format})입니다. socialops를 업데이트한 뒤 복원해 주세요.",
        "This backup is in a newer format ({format}): update socialops, then restore it.",
    ),
    "backup.newer_release": (
        "이 백업의 데이터베이스는 더 새로운 버전의 스키마({revision})입니다. socialops를 "
        "업데이트한 뒤 복원해 주세요.",
        "This backup's database has a schema from a newer release ({revision}): update "
        "socialops, then restore it.",
    ),
    "backup.checksum": (
        "백업의 {member} 체크섬이 목록과 다릅니다 (손상되었거나 변조됨). 복원하지 않았습니다.",
        "The checksum of {member} does not match the manifest (damaged or tampered with): "
        "nothing was restored.",
    ),
    "backup.missing_member": (
        "목록에 있는 {member}이 백업에 없습니다 (잘린 파일일 수 있음). 복원하지 않았습니다.",
        "{member}, listed in the manifest, is missing from the backup (a truncated file?): "
        "nothing was restored.",
    ),
    "cli.backup_target_not_empty": (
        "복원할 곳 {into}이 비어 있지 않습니다. 비어 있거나 없는 폴더를 --into로 지정해 주세요.",
        "The place to restore into, {into}, is not empty: give an empty or new folder with --into.",
    ),
    "backup.target_unwritable": (
        "{into}에 복원할 수 없습니다 (폴더를 만들거나 쓸 수 없음). 권한을 확인해 주세요.",
        "Cannot restore into {into} (the folder cannot be made or written): check the permissions.",
    ),
    "backup.needs_postgres": (
        "이 백업은 PostgreSQL 워크스페이스의 것입니다. SOCIALOPS_DATABASE_URL에 복원할 "
        "PostgreSQL 데이터베이스를 지정해 주세요.",
        "This backup is of a workspace on PostgreSQL: set SOCIALOPS_DATABASE_URL to the "
        "PostgreSQL database to restore it into.",
    ),
    "backup.schema_taken": (
        "PostgreSQL 스키마 {schema}가 이미 있습니다. 아무것도 복원하지 않았습니다.",
        "The PostgreSQL schema {schema} exists already: nothing was restored.",
    ),
    # what the commands print
    "backup.done": (
        "{out}: 파일 {files}개, {size}, {seconds}초 — 모든 체크섬 확인",
        "{out}: {files} files, {size}, {seconds} s — every checksum verified",
    ),
    "backup.done_unverified": (
        "{out}: 파일 {files}개, {size}, {seconds}초 (다시 읽어 확인하지 않음)",
        "{out}: {files} files, {size}, {seconds} s (not read back to check)",
    ),
    "backup.db_line": (
        "  {kind} {folder} ({engine}, 스키마 {revision}): 표 {tables}개, {rows}행",
        "  {kind} {folder} ({engine}, schema {revision}): {tables} tables, {rows} rows",
    ),
    "cli.backup_key_excluded": (
        "비밀 키 파일(secret.key)은 넣지 않았습니다: 복원한 곳에서 연결된 계정의 비밀 정보를 "
        "쓰려면 키 파일을 따로 안전하게 보관해 주세요 (--include-key로 함께 넣을 수 있음).",
        "The secret key file (secret.key) is NOT in the backup: keep it safe separately, the "
        "restored profiles' secrets need it (--include-key puts it in).",
    ),
    "backup.key_included": (
        "비밀 키 파일(secret.key)이 백업에 들어 있습니다: 이 백업 파일을 비밀 정보처럼 "
        "보관해 주세요.",
        "The secret key file (secret.key) IS in the backup: guard the backup like a secret.",
    ),
    "backup.skipped": (
        "백업 중에 사라진 파일 {count}개는 넣지 않았습니다 (예: {example}).",
        "{count} files vanished while the backup ran and are not in it (e.g. {example}).",
    ),
    "restore.done": (
        "{into}: 파일 {files}개 복원, 모든 체크섬 확인, {seconds}초",
        "{into}: {files} files restored, every checksum verified, {seconds} s",
    ),
    "restore.migrated": (
        "  {kind} {folder}: {revisions} 적용 (이전 버전의 백업)",
        "  {kind} {folder}: applied {revisions} (a backup from an older release)",
    ),
    "restore.key_missing": (
        "백업에 비밀 키 파일이 없습니다: 원래 서버의 secret.key를 각 워크스페이스 폴더에 "
        "복사하거나 SOCIALOPS_SECRET_KEY를 설정해야 연결된 계정으로 게시할 수 있습니다.",
        "The backup has no secret key file: copy the original server's secret.key into each "
        "workspace folder (or set SOCIALOPS_SECRET_KEY) before publishing through its profiles.",
    ),
}
