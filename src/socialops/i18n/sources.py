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
}
