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
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from socialops.errors import InputFileError, SettingsError
from socialops.sources.ledger import coded_detail as coded
from socialops.sources.ledger import detail_text

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
MAX_LINE_BYTES = 16 * 2**20  # a longer line is quarantined (a longer header: refused)
MAX_SPAN_CHARS = 2 * MAX_FIELD_CHARS  # a quoted field running on over lines: at most this
_CSV_HARD_LIMIT = 4 * 1024 * 1024  # csv module limit (a field within one line)

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
        raise InputFileError(code="sources.unreadable", file=str(path), detail=str(exc)) from exc
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
        raise SettingsError(code="sources.bad_encoding", name=name[:40]) from exc
    canon = info.name
    return {"utf-8": "utf-8", "utf_8": "utf-8", "utf-8-sig": "utf-8-sig"}.get(canon, canon)


def detect_encoding(sample: bytes, *, complete: bool = False, name: str = "") -> str:
    """The encoding of a sample of a text file.

    BOMs first; then UTF-8 when (nearly) every non-ASCII line decodes as UTF-8 (a few broken lines
    are left for the quarantine); then CP949 (Korean Excel exports; a superset of EUC-KR) when
    its lines decode; else charset-normalizer's best guess, accepted only if the sample decodes.
    ``name`` (the file's) is for the messages.
    """
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if sample.count(b"\x00") > max(2, len(sample) // 100):
        raise InputFileError(code="sources.binary", file=name or "-")
    lines = sample.splitlines()  # LF, CRLF or CR alone
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
    raise InputFileError(code="sources.encoding_unknown", file=name or "-")


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
        raise InputFileError(code="sources.missing", file=str(p))
    if p.is_dir():
        raise InputFileError(code="sources.folder", file=str(p))
    if not os.access(p, os.R_OK):
        raise InputFileError(code="sources.denied", file=str(p))
    if p.stat().st_size == 0:
        raise InputFileError(code="sources.empty", file=str(p))
    if delimiter is not None:
        delimiter = {"\\t": "\t", "tab": "\t", "TAB": "\t"}.get(delimiter, delimiter)
        if len(delimiter) != 1:
            raise SettingsError(code="sources.bad_delimiter", value=delimiter[:20])
    if encoding is not None:
        encoding = normalize_encoding(encoding)
    kind = fmt or detect_format(p)
    if kind == "xlsx":
        return _open_xlsx(p, header=header, names=names)
    if kind == "parquet":
        return _open_parquet(p)
    sample = _read_sample(p)
    if not sample.strip():
        raise InputFileError(code="sources.blank", file=str(p))
    complete = len(sample) < SAMPLE_BYTES
    enc = encoding or detect_encoding(sample, complete=complete, name=str(p))
    if kind == "jsonl":
        return _open_jsonl(p, enc)
    return _open_delimited(p, enc, sample, delimiter, header, names)


_WIDE = ("utf-16", "utf_16", "utf-16-le", "utf_16_le", "utf-16-be", "utf_16_be", "utf-32", "utf_32")
_CHUNK = 1 << 20
_EOL = re.compile(rb"\r\n?|\n")
_LINE_ENDS = re.compile(r"\r\n?|\n")


class _Overlong(bytes):
    """Stands for a line longer than :data:`MAX_LINE_BYTES`: its first bytes, and its size."""

    size: int = 0


def _overlong(head: bytes, size: int) -> _Overlong:
    out = _Overlong(head[:RAW_KEEP_CHARS])
    out.size = size
    return out


def _split_lines(stream: IO[bytes], limit: int = MAX_LINE_BYTES) -> Iterator[bytes]:
    """The lines of a byte stream with their ends: LF, CRLF or CR alone, mixed as they come.

    A line longer than ``limit`` bytes is not kept: an :class:`_Overlong` (its first bytes and
    its size) stands for it, so memory stays bounded whatever the file holds.
    """
    carry = b""  # the unfinished last line of the previous chunk (or one ending with CR)
    skip_head = b""
    skip_size = -1  # >= 0: inside an overlong line, this many bytes so far
    drop_lf = False  # an overlong line ended with CR at a chunk's end: a LF next is its end
    while chunk := stream.read(_CHUNK):
        if drop_lf:
            drop_lf = False
            if chunk.startswith(b"\n"):
                chunk = chunk[1:]
                if not chunk:
                    continue
        if skip_size >= 0:
            m = _EOL.search(chunk)
            if m is None:
                skip_size += len(chunk)
                continue
            yield _overlong(skip_head, skip_size + m.end())
            drop_lf = m.group() == b"\r" and m.end() == len(chunk)
            skip_size = -1
            chunk = chunk[m.end() :]
            if not chunk:
                continue
        long_first = bool(carry)
        parts = (carry + chunk if carry else chunk).splitlines(keepends=True)
        carry = b"" if parts[-1].endswith(b"\n") else parts.pop()
        if long_first and parts and len(parts[0]) > limit:
            parts[0] = _overlong(parts[0], len(parts[0]))
        yield from parts
        if len(carry) > limit:
            if carry.endswith(b"\r"):
                yield _overlong(carry, len(carry))
                drop_lf = True
            else:
                skip_head, skip_size = carry[:RAW_KEEP_CHARS], len(carry)
            carry = b""
    if skip_size >= 0:
        yield _overlong(skip_head, skip_size)
    elif carry:
        yield _overlong(carry, len(carry)) if len(carry) > limit else carry


class _RunOn(Exception):
    """A quoted field ran on over more than :data:`MAX_SPAN_CHARS` after its first line."""


class _LineFeed:
    """Decoded lines of a byte stream for the CSV parser, noting the lines that failed strict
    decoding (``bad``) or were too long (``overlong``).

    Lines end with LF, CRLF or CR alone, mixed in one file; each line keeps its end, so a line
    break inside a quoted field stays data. UTF-16/32 (Excel's "Unicode text") is decoded as a
    text stream; a line with an undecodable sequence (shown as U+FFFD) is marked bad.

    ``lines`` are the lines of the record being parsed (the caller empties it after each one).
    A record that runs on over more than :data:`MAX_SPAN_CHARS` after its first line raises
    :class:`_RunOn`; the end of the file inside a record sets ``eof_in_record``. ``replay``
    hands lines out again (to read what a runaway quote swallowed as rows).
    """

    def __init__(self, stream: IO[bytes], encoding: str) -> None:
        self.stream = stream
        self.encoding = "utf-8" if encoding == "utf-8-sig" else encoding
        self.line_no = 0  # the number of the last line handed out
        self.bad: dict[int, str] = {}
        self.overlong: dict[int, tuple[int, str]] = {}  # line -> (bytes, its first characters)
        self.lines: list[str] = []
        self.span = 0  # characters of the current record after its first line
        self.eof_in_record = False
        self._replay: list[str] = []  # a stack: the next line is the last item
        self._next = self._decoded().__next__

    def __iter__(self) -> _LineFeed:
        return self

    def __next__(self) -> str:
        lines = self.lines
        if self._replay:
            s = self._replay.pop()
        else:
            try:
                s = self._next()
            except StopIteration:
                if lines:
                    self.eof_in_record = True
                raise
        self.line_no += 1
        if lines:
            self.span += len(s)
            lines.append(s)
            if self.span > MAX_SPAN_CHARS:
                raise _RunOn
        else:
            lines.append(s)
        return s

    def next_record(self) -> list[str]:
        """The lines of the record just parsed; the next record starts empty."""
        lines = self.lines
        self.lines = []
        self.span = 0
        self.eof_in_record = False
        return lines

    def replay(self, lines: list[str], after: int) -> None:
        """Hand ``lines`` out again, numbered from ``after + 1``."""
        self._replay.extend(reversed(lines))
        self.line_no = after

    def _decoded(self) -> Iterator[str]:
        enc = self.encoding
        if enc in _WIDE:
            text = io.TextIOWrapper(self.stream, encoding=enc, errors="replace", newline="")
            limit = MAX_LINE_BYTES // 2
            while s := text.readline(limit):
                n = self.line_no + 1
                if len(s) >= limit and not s.endswith(("\n", "\r")):
                    size = len(s)
                    while (more := text.readline(limit)) and not more.endswith(("\n", "\r")):
                        size += len(more)
                    self.overlong[n] = (size * 2 + len(more) * 2, s[:RAW_KEEP_CHARS])
                    yield "\n"
                    continue
                if "\ufffd" in s:
                    self.bad[n] = coded("bad_encoding", line=n, encoding=enc)
                yield s
            return
        first = True
        for b in _split_lines(self.stream):
            n = self.line_no + 1
            if b.__class__ is _Overlong:
                self.overlong[n] = (b.size, b.decode(enc, errors="replace"))
                first = False
                yield "\n"
                continue
            if first:
                first = False
                if b.startswith(codecs.BOM_UTF8) and enc in ("utf-8", "utf_8"):
                    b = b[3:]
            try:
                s = b.decode(enc)
            except UnicodeDecodeError as exc:
                s = b.decode(enc, errors="replace")
                self.bad[n] = coded(
                    "bad_encoding_at",
                    line=n,
                    encoding=enc,
                    byte=f"0x{b[exc.start]:02x}",
                    pos=exc.start,
                )
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


_Record = tuple[list[str], tuple[str, str] | None, int, int, list[str]]


def _records(feed: _LineFeed, delim: str, width: int | None) -> Iterator[_Record]:
    """``(fields, error, first line, last line, lines)`` of each record of ``feed`` (blank lines
    give no fields), resynchronised after a quote that is never closed.

    A quoted field may hold line breaks. When the quote opened in a row's first line runs on
    over more than :data:`MAX_SPAN_CHARS`, or to the end of the file, or (``width`` given) the
    row it makes has the wrong number of fields, the quote is taken as never closed: that first
    line alone is the damaged row (``unclosed_quote``) and the lines after it are read again as
    rows of their own, so one stray quote costs one row, not the rest of the file.
    """
    reader = csv.reader(feed, delimiter=delim)
    prev_end = 0
    while True:
        err: tuple[str, str] | None = None
        try:
            fields = next(reader)
        except StopIteration:
            break
        except _RunOn:
            fields = []
            err = ("unclosed_quote", "")
        except csv.Error as exc:
            fields = []
            err = ("malformed", coded("malformed", error=str(exc)[:200]))
        start, end = prev_end + 1, feed.line_no
        eof = feed.eof_in_record
        lines = feed.next_record()
        runaway = err is not None and err[0] == "unclosed_quote"
        if err is None and (eof or (width is not None and len(lines) > 1 and len(fields) != width)):
            runaway = True
            err = ("unclosed_quote", "")
        if runaway and err is not None:
            if end == start:
                detail = coded("unclosed_quote_eof", line=start)
            else:
                detail = coded("unclosed_quote", line=start, end=end, next=start + 1)
            err = ("unclosed_quote", detail)
            fields = []
            if end > start:
                feed.replay(lines[1:], start)
            lines = lines[:1]
            end = start
        prev_end = end
        yield fields, err, start, end, lines


def _first_fields(p: Path, enc: str, delim: str, header: bool) -> list[str]:
    """The header's fields (``header``), else the first row's: read from the file itself, so a
    header of any length (up to :data:`MAX_LINE_BYTES` a line) is read whole."""
    stream, raw = _open_bytes(p)
    try:
        feed = _LineFeed(stream, enc)
        for fields, err, start, end, _lines in _records(feed, delim, None):
            long = [ln for ln in range(start, end + 1) if ln in feed.overlong]
            if long and header:
                raise InputFileError(
                    code="sources.header_too_long",
                    file=str(p),
                    line=long[0],
                    limit=MAX_LINE_BYTES // 2**20,
                )
            if long or (err is None and not fields):
                continue  # blank line (a row too long to be a header when there is none)
            if err is not None:
                if header:
                    raise InputFileError(
                        code="sources.header_unreadable",
                        file=str(p),
                        detail=detail_text(err[1], "en"),
                    )
                continue  # quarantined when the rows are read
            if header and any(ln in feed.bad for ln in range(start, end + 1)):
                raise InputFileError(code="sources.header_encoding", file=str(p), encoding=enc)
            return fields
    except (OSError, EOFError, zlib.error) as exc:
        raise InputFileError(code="sources.unreadable", file=str(p), detail=str(exc)) from exc
    finally:
        stream.close()
        raw.close()
    raise InputFileError(code="sources.no_rows", file=str(p))


def _open_delimited(
    p: Path,
    enc: str,
    sample: bytes,
    delimiter: str | None,
    header: bool,
    names: list[str] | None,
) -> Source:
    text_sample = sample.decode(enc, errors="replace")
    if text_sample.startswith("\ufeff"):
        text_sample = text_sample[1:]
    delim = delimiter or detect_delimiter(text_sample, hint_ext=_stem_ext(p))
    csv.field_size_limit(_CSV_HARD_LIMIT)
    first = _first_fields(p, enc, delim, header)
    if header:
        columns = _clean_header(first)
    elif names:
        columns = list(names)
    else:
        columns = [f"column_{i + 1}" for i in range(len(first))]
    state: dict[str, Any] = {}
    position = _byte_position(p, state)

    def batches(size: int) -> Iterator[list[RawRecord]]:
        stream, raw = _open_bytes(p)
        state["raw"] = raw
        src._closers.extend([stream.close, raw.close])
        feed = _LineFeed(stream, enc)
        width = len(columns)
        batch: list[RawRecord] = []
        row_no = 0
        header_pending = header
        bad_lines = feed.bad
        overlong = feed.overlong
        records = _records(feed, delim, width)
        while True:
            try:
                fields, err, start, end, lines = next(records)
            except StopIteration:
                break
            except (OSError, EOFError, zlib.error) as exc:
                raise InputFileError(
                    code="sources.cut_off", file=str(p), line=feed.line_no, detail=str(exc)
                ) from exc
            if overlong and err is None:
                for ln in range(start, end + 1):
                    if ln in overlong:
                        size, head = overlong.pop(ln)
                        lines = [head]
                        err = (
                            "oversized_field",
                            coded(
                                "line_bytes", line=ln, size=f"{size:,}", limit=f"{MAX_LINE_BYTES:,}"
                            ),
                        )
                        break
            if err is None and not fields:
                continue  # blank line
            if err is None and header_pending:
                header_pending = False
                continue
            if err is None and len(fields) == 1 and not fields[0].strip() and width > 1:
                continue  # whitespace-only line
            row_no += 1
            raw_text = (lines[0] if len(lines) == 1 else "".join(lines)).rstrip("\r\n")
            if err is None and bad_lines:
                for ln in range(start, end + 1):
                    if ln in bad_lines:
                        err = ("encoding", bad_lines.pop(ln))
                        break
            if err is None and len(fields) != width:
                err = (
                    "column_count",
                    coded("column_count", width=width, found=len(fields), delimiter=repr(delim)),
                )
            if err is None and max(map(len, fields)) > MAX_FIELD_CHARS:
                i = max(range(width), key=lambda j: len(fields[j]))
                err = (
                    "oversized_field",
                    coded(
                        "field_chars",
                        column=columns[i],
                        n=f"{len(fields[i]):,}",
                        limit=f"{MAX_FIELD_CHARS:,}",
                    ),
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
            if overlong:
                for ln in [k for k in overlong if k <= end]:
                    overlong.pop(ln)
            if len(batch) >= size:
                yield batch
                batch = []
        if batch:
            yield batch
        stream.close()
        raw.close()

    src = Source(p, "csv", enc, delim, columns, header, batches, position)
    return src


MAX_JSON_DEPTH = 100  # a JSONL line nested deeper than this is quarantined


class _JsonError(str):
    """Why a JSONL line was not read (the value :func:`_json_object` returns for it)."""


def _json_object(line: str) -> Any:
    """The value of one JSONL line, or a :class:`_JsonError` saying why there is none: not
    JSON, or nested more than :data:`MAX_JSON_DEPTH` levels deep (too deep for the parser, or
    deep enough to break whatever reads the value later). Never raises."""
    try:
        obj = json.loads(line)
    except (ValueError, RecursionError, MemoryError) as exc:
        if isinstance(exc, RecursionError):
            return _JsonError(f"nested too deeply to read (limit {MAX_JSON_DEPTH} levels)")
        return _JsonError(str(exc)[:200] or type(exc).__name__)
    if line.count("[") + line.count("{") > MAX_JSON_DEPTH and _depth_over(obj, MAX_JSON_DEPTH):
        return _JsonError(f"nested more than {MAX_JSON_DEPTH} levels deep")
    return obj


def _depth_over(obj: Any, limit: int) -> bool:
    """Whether lists and objects nest more than ``limit`` deep in ``obj`` (no recursion)."""
    stack: list[tuple[Any, int]] = [(obj, 1)]
    while stack:
        o, d = stack.pop()
        if d > limit:
            return True
        if isinstance(o, dict):
            stack.extend((v, d + 1) for v in o.values() if isinstance(v, dict | list))
        elif isinstance(o, list):
            stack.extend((v, d + 1) for v in o if isinstance(v, dict | list))
    return False


def _open_jsonl(p: Path, enc: str) -> Source:
    # columns: the union of keys in the first lines (a mapping is checked against them)
    # (a line that does not parse, even one nested too deep to parse, is skipped here and
    # quarantined when the rows are read)
    sample = _read_sample(p).decode(enc, errors="replace")
    cols: dict[str, None] = {}
    for ln in _LINE_ENDS.split(sample)[:1000]:  # (str.splitlines also splits at U+2028...)
        obj = _json_object(ln.lstrip("\ufeff"))
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
                if ln in feed.overlong:
                    size, head = feed.overlong.pop(ln)
                    batch.append(
                        RawRecord(
                            row_no,
                            None,
                            _trunc(head),
                            "oversized_field",
                            coded(
                                "line_bytes", line=ln, size=f"{size:,}", limit=f"{MAX_LINE_BYTES:,}"
                            ),
                            ln,
                        )
                    )
                elif ln in feed.bad:
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
                            coded(
                                "line_chars",
                                line=ln,
                                n=f"{len(line):,}",
                                limit=f"{MAX_FIELD_CHARS * 4:,}",
                            ),
                            ln,
                        )
                    )
                else:
                    obj = _json_object(line)
                    if isinstance(obj, _JsonError):
                        batch.append(
                            RawRecord(
                                row_no,
                                None,
                                _trunc(line),
                                "bad_json",
                                coded("bad_json", error=str(obj)),
                                ln,
                            )
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
                                    coded("not_object", kind=type(obj).__name__),
                                    ln,
                                )
                            )
                if len(batch) >= size:
                    yield batch
                    batch = []
        except (OSError, EOFError, zlib.error) as exc:
            raise InputFileError(
                code="sources.cut_off", file=str(p), line=feed.line_no, detail=str(exc)
            ) from exc
        if batch:
            yield batch
        stream.close()
        raw.close()

    src = Source(p, "jsonl", enc, None, list(cols), True, batches, position)
    return src


def _open_xlsx(p: Path, *, header: bool, names: list[str] | None) -> Source:
    from socialops.sources.xlsxsafe import iter_sheet_rows, open_workbook

    wb = open_workbook(p)  # checked first: a decompression bomb is refused (UnsafeFileError)
    sheet = wb.worksheets[0]
    total = min(sheet.max_row or 0, 1_048_576)
    rows_iter = iter_sheet_rows(sheet, p)
    first: tuple[Any, ...] | None = None
    first_line = 0  # the sheet row of the first non-blank row
    try:
        for r in rows_iter:
            first_line += 1
            if any(v is not None and str(v).strip() != "" for v in r):
                first = r
                break
    except Exception as exc:
        wb.close()
        if isinstance(exc, InputFileError):
            raise
        raise InputFileError(code="sources.unreadable", file=p.name, detail=str(exc)) from exc
    if first is None:
        wb.close()
        raise InputFileError(code="sources.no_sheet_rows", file=str(p))
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
    state = {"done": 0}

    def position() -> tuple[int, int]:
        return state["done"], max(total, state["done"])

    def batches(size: int) -> Iterator[list[RawRecord]]:
        batch: list[RawRecord] = []
        row_no = 0
        pending = [] if header else [first]
        line = first_line - (0 if header else 1)
        try:
            for r in _chain(pending, rows_iter):
                state["done"] += 1
                line += 1
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
                            coded("extra_cells", width=width),
                            line,
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
                                coded("field_over", column=big[0], limit=f"{MAX_FIELD_CHARS:,}"),
                                line,
                            )
                        )
                    else:
                        values = dict(zip(columns, vals, strict=True))
                        batch.append(RawRecord(row_no, values, None, line=line))
                if len(batch) >= size:
                    yield batch
                    batch = []
        except Exception as exc:
            if isinstance(exc, InputFileError):
                raise
            raise InputFileError(
                code="sources.cut_off", file=str(p), line=state["done"], detail=str(exc)
            ) from exc
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
        raise InputFileError(
            code="sources.parquet_unreadable", file=str(p), detail=str(exc)
        ) from exc
    columns = list(pf.schema_arrow.names)
    total = pf.metadata.num_rows
    state = {"done": 0}
    binary = [
        f.name
        for f in pf.schema_arrow
        if pa.types.is_binary(f.type)
        or pa.types.is_large_binary(f.type)
        or pa.types.is_fixed_size_binary(f.type)
    ]

    def position() -> tuple[int, int]:
        return state["done"], total

    def batches(size: int) -> Iterator[list[RawRecord]]:
        row_no = 0
        try:
            for rb in pf.iter_batches(batch_size=size):
                out: list[RawRecord] = []
                rows, unreadable = _parquet_rows(rb)
                for i, vals in enumerate(rows):
                    row_no += 1
                    why = unreadable.get(i) or (_decode_binary(vals, binary) if binary else None)
                    if why is not None:
                        raw_text = json.dumps(vals, ensure_ascii=False, default=str)
                        out.append(RawRecord(row_no, None, _trunc(raw_text), why[0], why[1]))
                        continue
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
                                coded("field_over", column=big[0], limit=f"{MAX_FIELD_CHARS:,}"),
                            )
                        )
                    else:
                        out.append(RawRecord(row_no, vals, None))
                state["done"] = row_no
                yield out
        except (pa.ArrowException, OSError, ValueError) as exc:
            raise InputFileError(
                code="sources.cut_off", file=str(p), line=row_no, detail=str(exc)
            ) from exc

    return Source(p, "parquet", None, None, columns, True, batches, position, [pf.close])


_PY_ERRORS = (ArithmeticError, ValueError, TypeError)  # pyarrow's to_pylist of a bad value


def _parquet_rows(rb: Any) -> tuple[list[dict[str, Any]], dict[int, tuple[str, str]]]:
    """A record batch's rows as dicts, and ``{index: (reason, detail)}`` for the rows with a
    value Python cannot hold (a timestamp or date past year 9999): that value reads as None and
    its row is quarantined (``out_of_range``); one value never fails the batch."""
    try:
        return rb.to_pylist(), {}
    except _PY_ERRORS:
        pass
    names = rb.schema.names
    cols: list[list[Any]] = []
    bad: dict[int, tuple[str, str]] = {}
    for name, col in zip(names, rb.columns, strict=True):
        try:
            cols.append(col.to_pylist())
            continue
        except _PY_ERRORS:
            pass
        vals: list[Any] = []
        for i in range(len(col)):
            try:
                vals.append(col[i].as_py())
            except _PY_ERRORS as exc:
                vals.append(None)
                bad.setdefault(
                    i, ("out_of_range", f"column {name!r}: a value out of range ({exc})"[:200])
                )
        cols.append(vals)
    rows = [dict(zip(names, r, strict=True)) for r in zip(*cols, strict=True)]
    return rows, bad


def _decode_binary(vals: dict[str, Any], binary: list[str]) -> tuple[str, str] | None:
    """Binary columns as UTF-8 text, in place; ``("encoding", detail)`` when one is not UTF-8."""
    for name in binary:
        v = vals.get(name)
        if isinstance(v, bytes):
            try:
                vals[name] = v.decode("utf-8")
            except UnicodeDecodeError as exc:
                return "encoding", coded(
                    "binary_not_utf8", column=name, byte=f"0x{v[exc.start]:02x}", pos=exc.start
                )
    return None
