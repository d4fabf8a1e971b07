"""Messages of the import path (socialops.sources: readers, streams, presets, the ledger)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "sources.missing": (
        "파일 '{file}'을(를) 찾을 수 없습니다. 경로를 확인한 뒤 다시 시도해 주세요.",
        "No such file: {file}. Check the path and try again.",
    ),
    "sources.folder": (
        "'{file}'은(는) 폴더입니다. 가져올 파일 하나를 지정해 주세요.",
        "{file} is a folder: give the path of one file to import.",
    ),
    "sources.denied": (
        "파일 '{file}'을(를) 읽을 권한이 없습니다. 파일의 권한을 확인해 주세요.",
        "Cannot read {file}: permission denied. Check the file's permissions.",
    ),
    "sources.unreadable": (
        "파일 '{file}'을(를) 읽을 수 없습니다 ({detail}). 파일이 완전하고 올바른지 확인해 주세요.",
        "Cannot read {file}: {detail}. Is it a complete, valid file?",
    ),
    "sources.empty": (
        "파일 '{file}'이(가) 비어 있습니다. 가져올 내용이 없습니다.",
        "{file} is empty: there is nothing to import.",
    ),
    "sources.blank": (
        "파일 '{file}'에 빈 줄만 있습니다. 가져올 내용이 없습니다.",
        "{file} is empty (only blank lines): there is nothing to import.",
    ),
    "sources.no_rows": (
        "파일 '{file}'에 머리글만 있고 데이터 행이 없습니다. 가져올 내용이 없어 아무것도 "
        "기록하지 않았습니다.",
        "{file} has no rows, only a header (or blank lines): there is nothing to import; "
        "nothing was recorded.",
    ),
    "sources.no_sheet_rows": (
        "엑셀 파일 '{file}'의 첫 시트에 행이 없습니다. 가져올 내용이 없습니다.",
        "{file} has no rows in its first sheet: there is nothing to import.",
    ),
    "sources.binary": (
        "파일 '{file}'은(는) 텍스트가 아닌 바이너리 파일로 보입니다. CSV, TSV, XLSX, JSONL 또는 "
        "Parquet 파일을 가져와 주세요.",
        "{file} looks binary (many NUL bytes), not text: import a CSV/TSV, XLSX, JSONL or "
        "Parquet file.",
    ),
    "sources.binary.cli": (
        "정말 텍스트라면 --encoding으로 인코딩을 지정해 주세요.",
        "If it really is text, pass --encoding.",
    ),
    "sources.encoding_unknown": (
        "파일 '{file}'의 문자 인코딩을 알 수 없습니다 (바이너리이거나 손상된 파일일 수 있습니다). "
        "UTF-8로 변환해 다시 가져와 주세요.",
        "Cannot tell the text encoding of {file} (it may be binary, or damaged): convert it to "
        "UTF-8 and import it again.",
    ),
    "sources.encoding_unknown.cli": (
        "인코딩을 알고 있다면 --encoding으로 지정해 주세요 (예: --encoding cp949).",
        "If you know the encoding, pass it (e.g. --encoding cp949).",
    ),
    "sources.bad_encoding": (
        "알 수 없는 인코딩 '{name}'입니다. utf-8, utf-8-sig, cp949, euc-kr 같은 이름을 써 주세요.",
        "Unknown encoding {name!r}: use a name such as utf-8, utf-8-sig, cp949 or euc-kr.",
    ),
    "sources.bad_delimiter": (
        "구분자는 한 글자여야 합니다 (쉼표, 세미콜론, 세로 막대 또는 탭): '{value}'은(는) 쓸 수 "
        "없습니다.",
        "The delimiter must be one character (',', ';', '|' or 'tab'), not {value!r}.",
    ),
    "sources.unknown_stream": (
        "가져오기 스트림 '{name}'이(가) 없습니다. 가능한 스트림: {choices}.",
        "No import stream '{name}': use one of {choices}.",
    ),
    "sources.unknown_preset": (
        "가져오기 프리셋 '{name}'이(가) 없습니다. 가능한 프리셋: {choices}.",
        "Unknown preset {name!r}. Known presets: {choices}.",
    ),
    "sources.unknown_preset.cli": (
        "열 대응은 --preset generic과 --mapping 파일 또는 --map 필드=열로 지정할 수 있습니다.",
        "Or use --mapping FILE / --map FIELD=COLUMN with --preset generic.",
    ),
    # column mappings of the posts stream (a mapping file, --map flags, the upload form's mapping)
    "sources.mapping_missing": (
        "열 대응 파일 '{file}'을(를) 찾을 수 없습니다. 경로를 확인해 주세요.",
        "No such mapping file: {file}. Check its path.",
    ),
    "sources.mapping_unreadable": (
        "열 대응 파일 '{file}'을(를) 읽을 수 없습니다 ({detail}). 필드와 열을 짝지은 JSON 객체여야 "
        "합니다.",
        "Cannot read the mapping file {file}: {detail}. It must be a JSON object "
        '(e.g. {{"post_id": "id", "text": "body"}}); see docs/import.md.',
    ),
    "sources.mapping_not_object": (
        "열 대응 파일 '{file}'에는 필드와 열을 짝지은 JSON 객체가 있어야 합니다.",
        "The mapping file {file} must hold a JSON object of field → column; see docs/import.md.",
    ),
    "sources.map_flag": (
        "열 대응 '{value}'을(를) 읽을 수 없습니다: 필드=열 형식으로 적어 주세요 (필드: {fields}).",
        "Cannot read the mapping {value!r}: write FIELD=COLUMN, e.g. text=body (fields: {fields}).",
    ),
    "sources.mapping_extra": (
        '열 대응의 extra 값은 "*" 또는 열 이름 목록이어야 합니다.',
        '"extra" must be "*" or a list of column names.',
    ),
    "sources.mapping_required": (
        "열 대응의 required 값은 다음 필드의 목록이어야 합니다: {fields}.",
        '"required" must be a list of fields among: {fields}.',
    ),
    "sources.mapping_names": (
        "열 대응의 names 값은 열 이름 목록이어야 합니다.",
        '"names" must be a list of column names.',
    ),
    "sources.mapping_date_format": (
        "열 대응의 date_format 값은 날짜 형식 문자열(예: %Y-%m-%d) 또는 그 목록이어야 합니다.",
        '"date_format" must be a strftime format (e.g. %Y-%m-%d) or a list of them.',
    ),
    "sources.mapping_unknown_field": (
        "열 대응에 알 수 없는 필드 '{key}'이(가) 있습니다. 필드: {fields}; 옵션: {options}.",
        "Unknown field {key!r} in the mapping. Fields: {fields}; options: {options}.",
    ),
    "sources.mapping_constant": (
        "'{key}'에는 고정값을 쓸 수 없습니다. 고정값을 쓸 수 있는 필드: {fields}.",
        "{key!r} cannot be a constant; constants are allowed for: {fields}.",
    ),
    "sources.mapping_value": (
        "'{key}'의 대응을 읽을 수 없습니다: 열 이름, "
        '`{{"column": 열}}` 또는 `{{"value": 고정값}}`으로 적어 주세요.',
        'Mapping for {key!r}: use "COLUMN", {{"column": "COLUMN"}} or {{"value": "CONSTANT"}}.',
    ),
    "sources.unknown_kind": (
        "게시물 종류 '{kind}'을(를) 알 수 없습니다. 가능한 종류: {kinds}.",
        "Unknown kind {kind!r}: use one of {kinds}.",
    ),
    "sources.constant_number": (
        "{field}의 고정값은 정수여야 합니다: '{value}'은(는) 쓸 수 없습니다.",
        "The constant for {field} must be a whole number, not {value!r}.",
    ),
    "sources.no_column": (
        "'{file}'에 {field}에 쓸 열 '{column}'이(가) 없습니다 (파일의 열: {columns}). 열 대응을 "
        "고치거나 다른 프리셋을 골라 주세요.",
        "No column {column!r} (for {field}) in {file}; its columns: {columns}. Fix the mapping "
        "or choose another preset.",
    ),
    "sources.no_column.cli": (
        "--map 필드=열 또는 다른 --preset으로 고칠 수 있습니다.",
        "Fix it with --map FIELD=COLUMN or another --preset.",
    ),
    "sources.which_column": (
        "'{file}'에서 {field}은(는) 어느 열입니까 (프리셋 '{preset}', 파일의 열: {columns})? 열 "
        "대응에서 지정해 주세요.",
        "Which column is {field} in {file} (preset {preset!r}; columns: {columns})? Say it in "
        "the mapping.",
    ),
    "sources.which_column.cli": (
        "--map 필드=열로 지정해 주세요 (--map post_id= 는 행에서 번호를 만들고, --map created_at= "
        "는 날짜가 없는 파일입니다).",
        "Say it with --map FIELD=COLUMN (--map post_id= derives ids from rows; --map "
        "created_at= for a file without dates).",
    ),
    "sources.header_too_long": (
        "'{file}'의 머리글({line}번째 줄)이 {limit} MiB보다 깁니다. CSV 또는 TSV 파일이 맞는지 "
        "확인해 주세요.",
        "The header of {file} (line {line}) is longer than {limit} MiB: is it really a CSV/TSV "
        "file? Check the file.",
    ),
    "sources.header_too_long.cli": (
        "열이 다른 문자로 나뉘어 있다면 --delimiter로 지정해 주세요.",
        "Pass --delimiter if the columns are split by another character.",
    ),
    "sources.header_unreadable": (
        "'{file}'의 머리글을 읽을 수 없습니다 ({detail}). 머리글 줄을 고치거나 파일을 CSV로 다시 "
        "저장해 주세요.",
        "Cannot read the header of {file}: {detail}. Fix the header line (or save the file "
        "again as CSV).",
    ),
    "sources.header_encoding": (
        "'{file}'의 머리글이 {encoding} 인코딩으로 읽히지 않습니다. 파일을 UTF-8로 저장해 다시 "
        "가져와 주세요.",
        "The header of {file} is not valid {encoding}: save the file as UTF-8 and import it again.",
    ),
    "sources.header_encoding.cli": (
        "인코딩을 알고 있다면 --encoding으로 지정해 주세요 (예: --encoding cp949).",
        "Or pass --encoding (e.g. --encoding cp949).",
    ),
    "sources.cut_off": (
        "'{file}'을(를) {line}번째 줄(행) 이후로 읽을 수 없습니다 ({detail}). 파일이 완전한지 "
        "확인해 주세요.",
        "Cannot read {file} past line {line}: {detail}. Is the file complete?",
    ),
    "sources.parquet_unreadable": (
        "'{file}'을(를) Parquet 파일로 열 수 없습니다 ({detail}).",
        "Cannot open {file} as Parquet: {detail}.",
    ),
    "sources.refused": (
        "'{file}' 파일을 거부했습니다: {why}. 아무것도 가져오지 않았습니다. 실제 엑셀 파일이라면 "
        "CSV(UTF-8)로 저장해 가져와 주세요.",
        "Refused {file}: {why}. Nothing was imported; if it is a real workbook, save it as CSV "
        "(UTF-8) and import that.",
    ),
    "sources.xlsx_unreadable": (
        "'{file}'을(를) 엑셀 파일로 열 수 없습니다 ({detail}). .xlsx로 다시 저장하거나 CSV로 "
        "내보내 주세요.",
        "Cannot open {file} as an Excel workbook ({detail}); save it again as .xlsx or export "
        "it as CSV.",
    ),
    "sources.no_worksheet": (
        "엑셀 파일 '{file}'에 시트가 없습니다. 가져올 내용이 없습니다.",
        "{file} has no worksheet: there is nothing to import.",
    ),
}
