"""Detect a file's format, encoding and delimiter; stream its rows in batches.

Every reader yields :class:`RawRecord` objects in batches. A record carries its 1-based data row
number, the row as a ``{column: value}`` dict (``None`` when the row could not be read) and the
raw text (for the quarantine). A row that cannot be read is not dropped: it comes back with a
``reason`` code (``encoding``, ``column_count``, ``oversized_field``, ``malformed``, ``bad_json``)
and a human ``detail``; the importer quarantines it.

Delimited text (CSV/TSV, optionally gzip-compressed) is read as bytes line by line and each line
is decoded strictly, so a line that is not valid in the file's encoding pinpoints its row.
Blank lines are not rows. Nothing is read whole into memory.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import gzip
import io
import json
import os
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from socialops.errors import InputFileError, SettingsError

__all__ = [
    "DELIMITERS",
    "MAX_FIELD_CHARS",
    "RawRecord",
    "Source",
    "detect_encoding",
    "detect_format",
    "open_source",
]

DELIMITERS = (",", "\t", ";", "|")
MAX_FIELD_CHARS = 65_536  # a field longer than this (in characters) quarantines its row
RAW_KEEP_CHARS = 2_000  # raw text kept in the quarantine per row
SAMPLE_BYTES = 256 * 1024
_CSV_HARD_LIMIT = 4 * 1024 * 1024  # csv module limit: a runaway quote stops here

_EXT_FORMAT = {
    ".csv": "csv",
    ".tsv": "csv",
    ".tab": "csv",
    ".txt": "csv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
}
_KOREAN = {"cp949", "euc_kr", "euc-kr", "uhc", "ms949", "johab", "iso2022_kr"}


@dataclass(slots=True)
class RawRecord:
    """One data row: number, values (None if unreadable), raw text, and why it is unreadable."""

    row: int
    values: dict[str, Any] | None
    raw: str | None  # None: rebuild from values when needed (see raw_text)
    reason: str | None = None
    detail: str | None = None
    line: int | None = None  # physical line where the row starts (delimited text and JSONL)

    def raw_text(self) -> str:
        if self.raw is not None:
            return _trunc(self.raw)
        return _trunc(json.dumps(self.values, ensure_ascii=False, default=str))


# -- detection -----------------------------------------------------------------------------------
def _is_gzip(path: Path) -> bool:
    with open(path, "rb") as f:
        return f.read(2) == b"\x1f\x8b"


def _open_bytes(path: Path) -> tuple[IO[bytes], IO[bytes]]:
    """(stream of the file's bytes, decompressed if gzip; the underlying raw file for position)."""
    raw = open(path, "rb")  # noqa: SIM115 - closed by the caller
    if _is_gzip(path):
        return io.BufferedReader(gzip.GzipFile(fileobj=raw), buffer_size=1 << 20), raw
    return raw, raw


def _stem_ext(path: Path) -> str:
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    return os.path.splitext(name)[1]


def detect_format(path: Path) -> str:
    """csv | xlsx | jsonl | parquet, from the extension, else from the first bytes."""
    ext = _stem_ext(path)
    if ext in _EXT_FORMAT:
        return _EXT_FORMAT[ext]
    with open(path, "rb") as f:
        head = f.read(8)
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"PAR1"):
        return "parquet"
    sample = _read_sample(path)
    if sample.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return "jsonl"
    return "csv"


def _read_sample(path: Path, size: int = SAMPLE_BYTES) -> bytes:
    stream, raw = _open_bytes(path)
    try:
        return stream.read(size)
    except (OSError, EOFError, zlib.error) as exc:
        raise InputFileError(f"Cannot read {path}: {exc}. Is it a complete, valid file?") from exc
    finally:
        stream.close()
        raw.close()


def _line_validity(lines: list[bytes], encoding: str) -> tuple[int, int]:
    """(lines with non-ASCII bytes, how many of those decode strictly)."""
    total = ok = 0
    for ln in lines:
        if ln.isascii():
            continue
        total += 1
        try:
            ln.decode(encoding)
            ok += 1
        except UnicodeDecodeError:
            pass
    return total, ok


def normalize_encoding(name: str) -> str:
    """A Python codec name for ``name``; SettingsError if there is none."""
    try:
        info = codecs.lookup(name)
    except LookupError as exc:
        raise SettingsError(
            f"Unknown encoding {name!r}: use a name such as utf-8, utf-8-sig, cp949 or euc-kr."
        ) from exc
    canon = info.name
    return {"utf-8": "utf-8", "utf_8": "utf-8", "utf-8-sig": "utf-8-sig"}.get(canon, canon)


def detect_encoding(sample: bytes, *, complete: bool = False) -> str:
    """The encoding of a sample of a text file.

    BOMs first; then UTF-8 when (nearly) every non-ASCII line decodes as UTF-8 (a few broken lines
    are left for the quarantine); then CP949 (Korean Excel exports; a superset of EUC-KR) when
    its lines decode; else charset-normalizer's best guess, accepted only if the sample decodes.
    """
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if sample.count(b"\x00") > max(2, len(sample) // 100):
        raise InputFileError(
            "The file looks binary (many NUL bytes), not text: import a CSV/TSV, XLSX, JSONL or "
            "Parquet file, or pass --encoding if it really is text."
        )
    lines = sample.split(b"\n")
    if not complete and len(lines) > 1:
        lines = lines[:-1]  # the last line of a sample may be cut mid-character
    total, ok = _line_validity(lines, "utf-8")
    if total == 0 or ok / total >= 0.5:
        return "utf-8"
    k_total, k_ok = _line_validity(lines, "cp949")
    if k_total and k_ok / k_total >= 0.5:
        return "cp949"
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    if best is not None:
        enc = normalize_encoding(best.encoding)
        if enc.replace("-", "_") in _KOREAN:
            enc = "cp949"
        t, o = _line_validity(lines, enc)
        if t == 0 or o / t >= 0.5:
            return enc
    raise InputFileError(
        "Cannot tell the file's text encoding (it may be binary, or damaged): pass --encoding "
        "(e.g. --encoding cp949), or convert it to UTF-8."
    )


def _split_fields(line: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delimiter))
    except (csv.Error, StopIteration):
        return []


def detect_delimiter(text_sample: str, *, hint_ext: str = "") -> str:
    """The delimiter among , TAB ; | that splits the sample's records most consistently."""
    lines = [ln for ln in text_sample.splitlines() if ln.strip()]
    if len(lines) > 1:
        lines = lines[:-1]  # possibly cut
    lines = lines[:200]
    if not lines:
        return "\t" if hint_ext in (".tsv", ".tab") else ","
    best: tuple[float, int, int] | None = None
    best_delim = ""
    preference = ["\t", ",", ";", "|"] if hint_ext in (".tsv", ".tab") else [",", "\t", ";", "|"]
    for rank, d in enumerate(preference):
        if not any(d in ln for ln in lines):
            continue
        try:
            rows = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=d))
        except csv.Error:
            continue
        counts = [len(r) for r in rows if r]
        if not counts:
            continue
        mode = max(set(counts), key=counts.count)
        if mode < 2:
            continue
        score = (counts.count(mode) / len(counts), -rank, mode)
        if best is None or score[:2] > best[:2]:
            best, best_delim = score, d
    if best is None:
        return "\t" if hint_ext in (".tsv", ".tab") else ","
    return best_delim


def _clean_header(names: list[Any]) -> list[str]:
    """Blank names become ``column_N``; repeated names get ``_2``, ``_3``..."""
    out: list[str] = []
    seen: dict[str, int] = {}
    for i, n in enumerate(names):
        name = "" if n is None else str(n).strip()
        if not name:
            name = f"column_{i + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name}_{seen[name]}"
        else:
            seen[name] = 1
        out.append(name)
    return out


def _trunc(s: str) -> str:
    return s if len(s) <= RAW_KEEP_CHARS else s[:RAW_KEEP_CHARS] + "…"


# -- sources -------------------------------------------------------------------------------------
ProgressFn = Callable[[], tuple[int, int]]


@dataclass
class Source:
    """An opened input: what was detected, its columns, and a batch iterator."""

    path: Path
    format: str
    encoding: str | None
    delimiter: str | None
    columns: list[str]
    header: bool
    _batches: Callable[[int], Iterator[list[RawRecord]]] = field(repr=False)
    position: Callable[[], tuple[int, int]] = field(repr=False)  # (done, total) in some unit
    _closers: list[Callable[[], None]] = field(default_factory=list, repr=False)

    def batches(self, size: int = 50_000) -> Iterator[list[RawRecord]]:
        return self._batches(size)

    def close(self) -> None:
        for c in self._closers:
            with contextlib.suppress(Exception):
                c()
        self._closers.clear()

    def __enter__(self) -> Source:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_source(
    path: str | Path,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    header: bool = True,
    names: list[str] | None = None,
    fmt: str | None = None,
) -> Source:
    """Open ``path`` for streaming. Raises InputFileError for a missing, empty or unreadable file.

    ``header=False`` means the first row is data; ``names`` then names the columns (else
    ``column_1``...). ``encoding``/``delimiter`` override detection.
    """
    p = Path(path)
    if not p.exists():
        raise InputFileError(f"No such file: {p}. Check the path and try again.")
    if p.is_dir():
        raise InputFileError(f"{p} is a folder: give the path of one file to import.")
    if not os.access(p, os.R_OK):
        raise InputFileError(f"Cannot read {p}: permission denied.")
    if p.stat().st_size == 0:
        raise InputFileError(f"{p} is empty: there is nothing to import.")
    if delimiter is not None:
        delimiter = {"\\t": "\t", "tab": "\t", "TAB": "\t"}.get(delimiter, delimiter)
        if len(delimiter) != 1:
            raise SettingsError(
                f"--delimiter must be one character (',', ';', '|' or 'tab'), not {delimiter!r}."
            )
    if encoding is not None:
        encoding = normalize_encoding(encoding)
    kind = fmt or detect_format(p)
    if kind == "xlsx":
        return _open_xlsx(p, header=header, names=names)
    if kind == "parquet":
        return _open_parquet(p)
    sample = _read_sample(p)
    if not sample.strip():
        raise InputFileError(f"{p} is empty (only blank lines): there is nothing to import.")
    complete = len(sample) < SAMPLE_BYTES
    enc = encoding or detect_encoding(sample, complete=complete)
    if kind == "jsonl":
        return _open_jsonl(p, enc)
    return _open_delimited(p, enc, sample, complete, delimiter, header, names)


_WIDE = ("utf-16", "utf_16", "utf-16-le", "utf_16_le", "utf-16-be", "utf_16_be", "utf-32", "utf_32")


def _split_cr(stream: IO[bytes]) -> Iterator[bytes]:
    """Lines of a file whose lines end with CR alone (old Mac / Excel for Mac CSV)."""
    buf = b""
    while chunk := stream.read(1 << 20):
        buf += chunk
        parts = buf.split(b"\r")
        buf = parts.pop()
        for part in parts:
            yield part + b"\r"
    if buf:
        yield buf


class _LineFeed:
    """Decoded lines of a byte stream, noting which physical lines failed strict decoding.

    Lines end with LF or CRLF; a file with CR alone (``cr_only``) is split on CR. UTF-16/32
    (Excel's "Unicode text") is decoded as a text stream; a line with an undecodable sequence
    (shown as U+FFFD) is marked bad.
    """

    def __init__(self, stream: IO[bytes], encoding: str, cr_only: bool = False) -> None:
        self.stream = stream
        self.encoding = "utf-8" if encoding == "utf-8-sig" else encoding
        self.cr_only = cr_only
        self.line_no = 0
        self.bad: dict[int, str] = {}
        self.lines: list[str] = []  # lines of the record being parsed

    def __iter__(self) -> Iterator[str]:
        enc = self.encoding
        if enc in _WIDE:
            text = io.TextIOWrapper(self.stream, encoding=enc, errors="replace", newline="")
            for s in text:
                self.line_no += 1
                if "\ufffd" in s:
                    self.bad[self.line_no] = f"line {self.line_no} is not valid {enc}"
                self.lines.append(s)
                yield s
            return
        first = True
        source: Iterator[bytes] = _split_cr(self.stream) if self.cr_only else iter(self.stream)
        for b in source:
            self.line_no += 1
            if first:
                first = False
                if b.startswith(codecs.BOM_UTF8) and enc in ("utf-8", "utf_8"):
                    b = b[3:]
            try:
                s = b.decode(enc)
            except UnicodeDecodeError as exc:
                s = b.decode(enc, errors="replace")
                self.bad[self.line_no] = (
                    f"line {self.line_no} is not valid {enc}: byte "
                    f"0x{b[exc.start]:02x} at position {exc.start}"
                )
            self.lines.append(s)
            yield s


def _byte_position(p: Path, state: dict[str, Any]) -> Callable[[], tuple[int, int]]:
    """``(bytes read, file size)`` of the raw stream a reader keeps in ``state["raw"]``."""
    total_size = p.stat().st_size

    def position() -> tuple[int, int]:
        raw = state.get("raw")
        try:
            return (raw.tell() if raw is not None and not raw.closed else total_size), total_size
        except (OSError, ValueError):
            return total_size, total_size

    return position


def _open_delimited(
    p: Path,
    enc: str,
    sample: bytes,
    complete: bool,
    delimiter: str | None,
    header: bool,
    names: list[str] | None,
) -> Source:
    text_sample = sample.decode(enc, errors="replace")
    cr_only = enc not in _WIDE and b"\r" in sample and b"\n" not in sample
    if text_sample.startswith("\ufeff"):
        text_sample = text_sample[1:]
    delim = delimiter or detect_delimiter(text_sample, hint_ext=_stem_ext(p))
    csv.field_size_limit(_CSV_HARD_LIMIT)

    # read the header (or width) from the sample
    first_lines = text_sample.splitlines(keepends=True)
    if not complete and len(first_lines) > 1:
        first_lines = first_lines[:-1]
    head_rows = [r for r in _safe_rows(first_lines, delim) if r]
    if not head_rows:
        raise InputFileError(f"{p} has no rows: there is nothing to import.")
    if header:
        columns = _clean_header(head_rows[0])
    elif names:
        columns = list(names)
    else:
        columns = [f"column_{i + 1}" for i in range(len(head_rows[0]))]
    state: dict[str, Any] = {}
    position = _byte_position(p, state)

    def batches(size: int) -> Iterator[list[RawRecord]]:
        stream, raw = _open_bytes(p)
        state["raw"] = raw
        src._closers.extend([stream.close, raw.close])
        feed = _LineFeed(stream, enc, cr_only)
        reader = csv.reader(feed, delimiter=delim)
        width = len(columns)
        batch: list[RawRecord] = []
        row_no = 0
        header_pending = header
        prev_end = 0
        while True:
            try:
                fields = next(reader)
                err: tuple[str, str] | None = None
            except StopIteration:
                break
            except csv.Error as exc:
                fields = []
                err = ("malformed", f"cannot parse the row: {exc}")
            except (OSError, EOFError, zlib.error) as exc:
                raise InputFileError(
                    f"Cannot read {p} past line {feed.line_no}: {exc}. Is the file complete?"
                ) from exc
            start, end = prev_end + 1, feed.line_no
            prev_end = end
            lines = feed.lines
            feed.lines = []
            if err is None and not fields:
                continue  # blank line
            if err is None and header_pending:
                header_pending = False
                if any(ln in feed.bad for ln in range(start, end + 1)):
                    raise InputFileError(
                        f"The header of {p} is not valid {enc}: pass --encoding "
                        "(e.g. --encoding cp949)."
                    )
                continue
            if err is None and len(fields) == 1 and not fields[0].strip() and width > 1:
                continue  # whitespace-only line
            row_no += 1
            raw_text = (lines[0] if len(lines) == 1 else "".join(lines)).rstrip("\r\n")
            bad_lines = feed.bad
            if err is None and bad_lines:
                for ln in range(start, end + 1):
                    if ln in bad_lines:
                        err = ("encoding", bad_lines.pop(ln))
                        break
            if err is None and len(fields) != width:
                err = (
                    "column_count",
                    f"expected {width} fields, found {len(fields)} (delimiter {delim!r})",
                )
            if err is None and max(map(len, fields)) > MAX_FIELD_CHARS:
                i = max(range(width), key=lambda j: len(fields[j]))
                err = (
                    "oversized_field",
                    f"field {columns[i]!r} has {len(fields[i]):,} characters "
                    f"(limit {MAX_FIELD_CHARS:,})",
                )
            if err is None:
                batch.append(
                    RawRecord(row_no, dict(zip(columns, fields, strict=True)), raw_text, line=start)
                )
            else:
                batch.append(RawRecord(row_no, None, _trunc(raw_text), err[0], err[1], line=start))
            if bad_lines:
                for ln in [k for k in bad_lines if k <= end]:
                    bad_lines.pop(ln)
            if len(batch) >= size:
                yield batch
                batch = []
        if batch:
            yield batch
        stream.close()
        raw.close()

    src = Source(p, "csv", enc, delim, columns, header, batches, position)
    return src


def _safe_rows(lines: list[str], delim: str) -> list[list[str]]:
    out: list[list[str]] = []
    reader = csv.reader(lines, delimiter=delim)
    while True:
        try:
            out.append(next(reader))
        except StopIteration:
            break
        except csv.Error:
            out.append([])
        if len(out) >= 5:
            break
    return out


def _open_jsonl(p: Path, enc: str) -> Source:
    # columns: the union of keys in the first lines (a mapping is checked against them)
    sample = _read_sample(p).decode(enc, errors="replace")
    cols: dict[str, None] = {}
    for ln in sample.splitlines()[:1000]:
        with contextlib.suppress(ValueError):
            obj = json.loads(ln.lstrip("\ufeff"))
            if isinstance(obj, dict):
                cols.update(dict.fromkeys(str(k) for k in obj))
    state: dict[str, Any] = {}
    position = _byte_position(p, state)

    def batches(size: int) -> Iterator[list[RawRecord]]:
        stream, raw = _open_bytes(p)
        state["raw"] = raw
        src._closers.extend([stream.close, raw.close])
        feed = _LineFeed(stream, enc)
        batch: list[RawRecord] = []
        row_no = 0
        try:
            for s in feed:
                feed.lines = []
                line = s.strip().lstrip("\ufeff")
                if not line:
                    continue
                row_no += 1
                ln = feed.line_no
                if ln in feed.bad:
                    batch.append(
                        RawRecord(row_no, None, _trunc(line), "encoding", feed.bad.pop(ln), ln)
                    )
                elif len(line) > MAX_FIELD_CHARS * 4:
                    batch.append(
                        RawRecord(
                            row_no,
                            None,
                            _trunc(line),
                            "oversized_field",
                            f"line has {len(line):,} characters (limit {MAX_FIELD_CHARS * 4:,})",
                            ln,
                        )
                    )
                else:
                    try:
                        obj = json.loads(line)
                    except (ValueError, RecursionError) as exc:
                        batch.append(
                            RawRecord(row_no, None, _trunc(line), "bad_json", str(exc)[:200], ln)
                        )
                    else:
                        if isinstance(obj, dict):
                            vals = {str(k): v for k, v in obj.items()}
                            batch.append(RawRecord(row_no, vals, line, line=ln))
                        else:
                            batch.append(
                                RawRecord(
                                    row_no,
                                    None,
                                    _trunc(line),
                                    "bad_json",
                                    f"a line must be a JSON object, not {type(obj).__name__}",
                                    ln,
                                )
                            )
                if len(batch) >= size:
                    yield batch
                    batch = []
        except (OSError, EOFError, zlib.error) as exc:
            raise InputFileError(
                f"Cannot read {p} past line {feed.line_no}: {exc}. Is the file complete?"
            ) from exc
        if batch:
            yield batch
        stream.close()
        raw.close()

    src = Source(p, "jsonl", enc, None, list(cols), True, batches, position)
    return src


def _open_xlsx(p: Path, *, header: bool, names: list[str] | None) -> Source:
    try:
        import openpyxl

        wb = openpyxl.load_workbook(p, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise InputFileError(
            f"Cannot open {p} as an Excel workbook ({type(exc).__name__}: {exc}); "
            "save it again as .xlsx or export it as CSV."
        ) from exc
    sheet = wb.worksheets[0]
    rows_iter = sheet.iter_rows(values_only=True)
    first: tuple[Any, ...] | None = None
    for r in rows_iter:
        if any(v is not None and str(v).strip() != "" for v in r):
            first = r
            break
    if first is None:
        wb.close()
        raise InputFileError(f"{p} has no rows in its first sheet: there is nothing to import.")
    width = len(first)
    while width and (first[width - 1] is None or str(first[width - 1]).strip() == ""):
        width -= 1
    if header:
        columns = _clean_header(list(first[:width]))
    elif names:
        columns = list(names)
        width = len(columns)
    else:
        columns = [f"column_{i + 1}" for i in range(width)]
    total = sheet.max_row or 0
    state = {"done": 0}

    def position() -> tuple[int, int]:
        return state["done"], max(total, state["done"])

    def batches(size: int) -> Iterator[list[RawRecord]]:
        batch: list[RawRecord] = []
        row_no = 0
        pending = [] if header else [first]
        try:
            for r in _chain(pending, rows_iter):
                state["done"] += 1
                if not any(v is not None and str(v).strip() != "" for v in r):
                    continue
                row_no += 1
                vals = list(r)
                extra_vals = [v for v in vals[width:] if v is not None and str(v).strip() != ""]
                raw_text = "\t".join("" if v is None else str(v) for v in vals[: width + 5])
                if extra_vals:
                    batch.append(
                        RawRecord(
                            row_no,
                            None,
                            _trunc(raw_text),
                            "column_count",
                            f"expected {width} cells, found values beyond column {width}",
                        )
                    )
                else:
                    vals = (vals + [None] * width)[:width]
                    big = [
                        columns[i]
                        for i, v in enumerate(vals)
                        if isinstance(v, str) and len(v) > MAX_FIELD_CHARS
                    ]
                    if big:
                        batch.append(
                            RawRecord(
                                row_no,
                                None,
                                _trunc(raw_text),
                                "oversized_field",
                                f"cell {big[0]!r} has more than {MAX_FIELD_CHARS:,} characters",
                            )
                        )
                    else:
                        batch.append(RawRecord(row_no, dict(zip(columns, vals, strict=True)), None))
                if len(batch) >= size:
                    yield batch
                    batch = []
        except Exception as exc:
            if isinstance(exc, InputFileError):
                raise
            raise InputFileError(f"Cannot read {p} past sheet row {state['done']}: {exc}") from exc
        if batch:
            yield batch

    src = Source(p, "xlsx", None, None, columns, header, batches, position, [wb.close])
    return src


def _chain(first: list[Any], rest: Iterator[Any]) -> Iterator[Any]:
    yield from first
    yield from rest


def _open_parquet(p: Path) -> Source:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(p)
    except Exception as exc:  # pyarrow raises several kinds for a damaged file
        raise InputFileError(f"Cannot open {p} as Parquet: {exc}") from exc
    columns = list(pf.schema_arrow.names)
    total = pf.metadata.num_rows
    state = {"done": 0}

    def position() -> tuple[int, int]:
        return state["done"], total

    def batches(size: int) -> Iterator[list[RawRecord]]:
        row_no = 0
        try:
            for rb in pf.iter_batches(batch_size=size):
                out: list[RawRecord] = []
                for vals in rb.to_pylist():
                    row_no += 1
                    big = [
                        k
                        for k, v in vals.items()
                        if isinstance(v, str) and len(v) > MAX_FIELD_CHARS
                    ]
                    if big:
                        raw_text = json.dumps(vals, ensure_ascii=False, default=str)
                        out.append(
                            RawRecord(
                                row_no,
                                None,
                                _trunc(raw_text),
                                "oversized_field",
                                f"field {big[0]!r} has more than {MAX_FIELD_CHARS:,} characters",
                            )
                        )
                    else:
                        out.append(RawRecord(row_no, vals, None))
                state["done"] = row_no
                yield out
        except (pa.ArrowException, OSError, ValueError) as exc:
            raise InputFileError(f"Cannot read {p} past row {row_no}: {exc}") from exc

    return Source(p, "parquet", None, None, columns, True, batches, position, [pf.close])
