"""Open an Excel workbook (``.xlsx``) without letting it take the machine's memory or time.

An XLSX file is a zip of XML parts. A 1 MB file can declare a 1 GiB part (a decompression bomb):
one cell of 1 GiB, a gigabyte of shared strings, 30 million shared strings, a row number of a
billion (openpyxl yields every missing row), a DTD with entities. openpyxl builds each text node
whole before anyone can look at it, keeps every shared string (and a shell element per string)
and parses most parts other than the sheets whole. So the file is checked before openpyxl sees
it, and again while its rows are read:

1. the zip's central directory (Python's zipfile stops a member at its declared size, so the
   declared sizes are a real bound): at most :attr:`XlsxLimits.max_members` members, a total of
   :attr:`XlsxLimits.max_total_bytes`, no large member compressed more than
   :attr:`XlsxLimits.max_ratio` : 1, and no part larger than :attr:`XlsxLimits.max_part_bytes`
   unless it is a worksheet or the shared strings that openpyxl streams (checked against
   ``[Content_Types].xml`` and every ``.rels`` file, so no part openpyxl reads whole is large);
2. every XML part, streamed through expat in bounded chunks (nothing is kept): no DTD, no run of
   more than :attr:`XlsxLimits.max_text_bytes` without a ``<`` and no text between two tags longer
   than that (Excel's own limit is 32,767 characters per cell), at most
   :attr:`XlsxLimits.max_rows` rows with row numbers within Excel's 1,048,576, rows of at most
   :attr:`XlsxLimits.max_row_bytes`, at most :attr:`XlsxLimits.max_cells` cells, at most
   :attr:`XlsxLimits.max_shared_strings` shared strings of at most
   :attr:`XlsxLimits.max_shared_bytes` together, and few elements outside rows and strings;
3. while reading (:func:`iter_sheet_rows`): the rows and cells actually produced, padded ones
   included, against the same limits.

A file over a limit is refused with :class:`~socialops.errors.UnsafeFileError` (one line naming
the part and the limit); nothing is imported. Both importers (posts: socialops.sources.readers;
metrics: the keyed streams, through the same reader) open workbooks through :func:`open_workbook`.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.parsers import expat

from socialops.errors import InputFileError, UnsafeFileError

__all__ = [
    "DEFAULT_LIMITS",
    "XlsxLimits",
    "check_xlsx",
    "iter_sheet_rows",
    "open_workbook",
]

EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_CELL_CHARS = 32_767
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_CHUNK = 64 * 1024
_BINARY_EXT = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".emf", ".wmf", ".bin")
# relationship types whose target openpyxl streams (the others it reads whole, or not at all)
_STREAMED_RELS = ("/worksheet", "/sharedStrings")
_WHOLE_PARTS = ("[Content_Types].xml", "xl/styles.xml", "xl/theme/theme1.xml")


@dataclass(frozen=True)
class XlsxLimits:
    """What a workbook may hold; see the module docstring."""

    max_members: int = 10_000
    max_total_bytes: int = 2 * 1024**3  # declared uncompressed size of every member
    max_ratio: float = 100.0  # uncompressed : compressed, for members over ratio_min_bytes
    ratio_min_bytes: int = 8 * 1024**2
    max_part_bytes: int = 16 * 1024**2  # a part openpyxl may read whole
    max_text_bytes: int = 1024**2  # one text node or tag (Excel: 32,767 characters a cell)
    max_rows: int = EXCEL_MAX_ROWS  # rows of one sheet, and the highest row number
    max_row_bytes: int = 32 * 1024**2  # XML of one row
    max_row_elements: int = 200_000
    max_cells: int = 50_000_000  # cells of one sheet (read: padded cells included)
    max_shared_strings: int = 1_500_000
    max_shared_bytes: int = 192 * 1024**2  # XML of the shared strings together
    max_other_elements: int = 200_000  # elements of a part outside rows and shared strings


DEFAULT_LIMITS = XlsxLimits()


class _Refused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _refuse(path: Path, reason: str) -> UnsafeFileError:
    return UnsafeFileError(reason=reason, code="sources.refused", file=path.name, why=reason)


def _mb(n: int) -> str:
    return f"{n / 1024**2:,.0f} MB"


# -- 1. the zip's directory ----------------------------------------------------------------------
def _check_directory(zf: zipfile.ZipFile, lim: XlsxLimits) -> dict[str, zipfile.ZipInfo]:
    infos = zf.infolist()
    if len(infos) > lim.max_members:
        raise _Refused(f"it holds {len(infos):,} parts (limit {lim.max_members:,})")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > lim.ratio_min_bytes and info.file_size > lim.max_ratio * max(
            info.compress_size, 1
        ):
            ratio = info.file_size / max(info.compress_size, 1)
            raise _Refused(
                f"a decompression bomb: {info.filename} expands from "
                f"{info.compress_size:,} to {info.file_size:,} bytes ({ratio:,.0f}:1, "
                f"limit {lim.max_ratio:,.0f}:1)"
            )
    if total > lim.max_total_bytes:
        raise _Refused(
            f"its parts expand to {_mb(total)} (limit {_mb(lim.max_total_bytes)}): "
            "a decompression bomb, or too large for an Excel import"
        )
    return {i.filename: i for i in infos}


def _check_entry_count(path: Path, lim: XlsxLimits) -> None:
    """The member count from the zip's end record, before zipfile reads the whole directory
    (a directory of millions of entries would take gigabytes as ZipInfo objects)."""
    end_record = getattr(zipfile, "_EndRecData", None)
    if end_record is None:  # pragma: no cover - a Python without it: the directory check stays
        return
    with open(path, "rb") as f:
        rec = end_record(f)
    if rec is not None and int(rec[4]) > lim.max_members:  # zipfile._ECD_ENTRIES_TOTAL
        raise _Refused(f"it holds {int(rec[4]):,} parts (limit {lim.max_members:,})")


def _resolve(base_dir: str, target: str) -> str:
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(base_dir, target))


_ATTR = re.compile(rb'([A-Za-z_:][\w.:-]*)\s*=\s*("[^"]*"|\'[^\']*\')')
_TAG = re.compile(rb"<(?:[\w.-]+:)?(Relationship|Override)\s([^>]*)>")


def _small_tags(data: bytes) -> Iterator[tuple[str, dict[str, str]]]:
    """(tag, attributes) of the Relationship/Override elements of a small, checked XML part."""
    for m in _TAG.finditer(data):
        attrs = {
            k.decode("utf-8", "replace").split(":")[-1]: v[1:-1].decode("utf-8", "replace")
            for k, v in _ATTR.findall(m.group(2))
        }
        yield m.group(1).decode(), attrs


def _check_roles(zf: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo], lim: XlsxLimits) -> None:
    """A part larger than ``max_part_bytes`` must be one openpyxl streams: a worksheet or the
    shared strings, and nothing may point at it as a part that openpyxl reads whole."""
    large = {
        n
        for n, i in members.items()
        if i.file_size > lim.max_part_bytes and not n.lower().endswith(_BINARY_EXT)
    }
    if not large:
        return
    for name in _WHOLE_PARTS:
        if name in large:
            raise _Refused(
                f"{name} is {_mb(members[name].file_size)} (limit for it: "
                f"{_mb(lim.max_part_bytes)})"
            )
    streamed: set[str] = set()
    for name in members:
        if not name.endswith(".rels"):
            continue
        if name in large:
            raise _Refused(
                f"{name} is {_mb(members[name].file_size)} (limit {_mb(lim.max_part_bytes)})"
            )
        # a rels file describes the part in the folder above its _rels folder
        source_dir = posixpath.dirname(posixpath.dirname(name))
        for tag, attrs in _small_tags(zf.read(name)):
            if tag != "Relationship" or attrs.get("TargetMode") == "External":
                continue
            target = _resolve(source_dir, attrs.get("Target", ""))
            if target in large:
                if not attrs.get("Type", "").endswith(_STREAMED_RELS):
                    raise _Refused(
                        f"{target} is {_mb(members[target].file_size)} and is used as a part "
                        f"that is read whole (limit {_mb(lim.max_part_bytes)})"
                    )
                streamed.add(target)
    if "[Content_Types].xml" in members:
        for tag, attrs in _small_tags(zf.read("[Content_Types].xml")):
            part = attrs.get("PartName", "").lstrip("/")
            kind = attrs.get("ContentType", "")
            if (
                tag == "Override"
                and part in large
                and not (kind.endswith(".worksheet+xml") or kind.endswith(".sharedStrings+xml"))
            ):
                raise _Refused(
                    f"{part} is {_mb(members[part].file_size)} as a part that is read whole "
                    f"(limit {_mb(lim.max_part_bytes)})"
                )
    for name in sorted(large - streamed):
        if name.endswith((".xml", ".rels", ".vml")):
            raise _Refused(
                f"{name} is {_mb(members[name].file_size)} and is not a worksheet "
                f"(limit {_mb(lim.max_part_bytes)})"
            )


# -- 2. every XML part, streamed ------------------------------------------------------------------
class _PartScan:
    """Counts of one XML part, fed chunk by chunk; raises _Refused at the first limit passed."""

    def __init__(self, name: str, lim: XlsxLimits, totals: dict[str, int]) -> None:
        self.name = name
        self.lim = lim
        self.totals = totals  # shared strings across parts
        self.parser = expat.ParserCreate(namespace_separator="}")
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.parser.StartDoctypeDeclHandler = self._doctype
        self.parser.EntityDeclHandler = self._entity
        self.depth = 0
        self.row_depth = 0  # depth of the open row (0: none)
        self.si_depth = 0
        self.row_start = 0
        self.row_elements = 0
        self.si_start = 0
        self.rows = 0
        self.cells = 0
        self.other = 0
        self.last = 0  # byte index of the last element event
        self.run = 0  # bytes since the last '<' at the end of the chunks fed so far

    # handlers ------------------------------------------------------------------------------
    def _doctype(self, *args: Any) -> None:
        raise _Refused(f"{self.name} declares a DTD (<!DOCTYPE>), which Excel never writes")

    def _entity(self, *args: Any) -> None:
        raise _Refused(f"{self.name} declares XML entities, which Excel never writes")

    def _gap(self, pos: int) -> None:
        if pos - self.last > self.lim.max_text_bytes:
            raise _Refused(
                f"{self.name} holds a text of more than {self.lim.max_text_bytes:,} bytes "
                f"(Excel's limit is {EXCEL_MAX_CELL_CHARS:,} characters per cell)"
            )
        self.last = pos

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        pos = self.parser.CurrentByteIndex
        self._gap(pos)
        self.depth += 1
        lim = self.lim
        if self.row_depth:
            self.row_elements += 1
            if self.row_elements > lim.max_row_elements or pos - self.row_start > lim.max_row_bytes:
                raise _Refused(
                    f"{self.name} has a row of more than {lim.max_row_elements:,} elements or "
                    f"{_mb(lim.max_row_bytes)}"
                )
            if name == _C_TAG:
                self.cells += 1
                if self.cells > lim.max_cells:
                    raise _Refused(f"{self.name} has more than {lim.max_cells:,} cells")
            return
        if self.si_depth:
            if pos - self.si_start > lim.max_text_bytes * 4:
                raise _Refused(
                    f"{self.name} holds a shared string of more than "
                    f"{lim.max_text_bytes * 4:,} bytes"
                )
            return
        if name == _ROW_TAG:
            self.rows += 1
            number = attrs.get("r")
            if self.rows > lim.max_rows or (number is not None and not _row_ok(number, lim)):
                raise _Refused(
                    f"{self.name} has more than {lim.max_rows:,} rows, or a row numbered past it "
                    "(Excel's limit is 1,048,576 rows)"
                )
            self.row_depth = self.depth
            self.row_start = pos
            self.row_elements = 0
            return
        if name == _SI_TAG:
            n = self.totals["strings"] = self.totals["strings"] + 1
            if n > lim.max_shared_strings:
                raise _Refused(
                    f"{self.name} holds more than {lim.max_shared_strings:,} shared strings"
                )
            self.si_depth = self.depth
            self.si_start = pos
            return
        self.other += 1
        if self.other > lim.max_other_elements:
            raise _Refused(
                f"{self.name} has more than {lim.max_other_elements:,} elements outside its rows"
            )

    def _end(self, name: str) -> None:
        pos = self.parser.CurrentByteIndex
        self._gap(pos)
        if self.depth == self.row_depth:
            self.row_depth = 0
            if pos - self.row_start > self.lim.max_row_bytes:
                raise _Refused(f"{self.name} has a row of more than {_mb(self.lim.max_row_bytes)}")
        elif self.depth == self.si_depth:
            self.si_depth = 0
            size = self.totals["shared_bytes"] = self.totals["shared_bytes"] + pos - self.si_start
            if size > self.lim.max_shared_bytes:
                raise _Refused(
                    f"{self.name} holds more than {_mb(self.lim.max_shared_bytes)} of shared "
                    "strings"
                )
        self.depth -= 1

    # feeding -------------------------------------------------------------------------------
    def feed(self, chunk: bytes, final: bool = False) -> None:
        lt = chunk.rfind(b"<")
        if lt < 0:
            self.run += len(chunk)
        else:
            first = chunk.find(b"<")
            if self.run + first > self.lim.max_text_bytes:
                self._long_run()
            self.run = len(chunk) - lt - 1
        if self.run > self.lim.max_text_bytes:
            self._long_run()
        self.parser.Parse(chunk, final)

    def _long_run(self) -> None:
        raise _Refused(
            f"{self.name} holds a text or tag of more than {self.lim.max_text_bytes:,} bytes "
            f"(Excel's limit is {EXCEL_MAX_CELL_CHARS:,} characters per cell)"
        )


_ROW_TAG = f"{_MAIN_NS}}}row"
_C_TAG = f"{_MAIN_NS}}}c"
_SI_TAG = f"{_MAIN_NS}}}si"


def _row_ok(number: str, lim: XlsxLimits) -> bool:
    try:
        return 0 < float(number) <= lim.max_rows
    except ValueError:
        return True  # openpyxl refuses it itself


def _scan_part(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, lim: XlsxLimits, totals: dict[str, int]
) -> None:
    scan = _PartScan(info.filename, lim, totals)
    try:
        with zf.open(info) as f:
            first = True
            while chunk := f.read(_CHUNK):
                if first and (chunk[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in chunk[:4]):
                    # the '<' byte check needs an 8-bit encoding (in UTF-16 a '<' byte may be
                    # half of another character); Excel writes its parts in UTF-8
                    raise _Refused(f"{info.filename} is UTF-16 or UTF-32 XML, not UTF-8")
                first = False
                scan.feed(chunk)
            scan.feed(b"", True)
    except expat.ExpatError:
        return  # not well-formed: openpyxl stops at the same place with its own error


def check_xlsx(path: Path, limits: XlsxLimits = DEFAULT_LIMITS) -> None:
    """Raise UnsafeFileError if the workbook at ``path`` is over a limit (steps 1 and 2 of the
    module docstring), InputFileError if it is not a zip at all."""
    try:
        _check_entry_count(path, limits)
        with zipfile.ZipFile(path) as zf:
            members = _check_directory(zf, limits)
            _check_roles(zf, members, limits)
            totals = {"strings": 0, "shared_bytes": 0}
            for name, info in members.items():
                if info.is_dir() or name.lower().endswith(_BINARY_EXT):
                    continue
                _scan_part(zf, info, limits, totals)
    except _Refused as exc:
        raise _refuse(path, exc.reason) from None
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        OSError,
        EOFError,
        ValueError,
        NotImplementedError,
    ) as exc:
        raise InputFileError(
            code="sources.xlsx_unreadable", file=path.name, detail=f"{type(exc).__name__}: {exc}"
        ) from exc


# -- opening and reading --------------------------------------------------------------------------
def open_workbook(path: Path, limits: XlsxLimits = DEFAULT_LIMITS) -> Any:
    """The workbook, read-only, values not formulas, after :func:`check_xlsx`. InputFileError
    (UnsafeFileError: over a limit) when it cannot be opened."""
    check_xlsx(path, limits)
    try:
        import openpyxl

        wb = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise InputFileError(
            code="sources.xlsx_unreadable", file=path.name, detail=f"{type(exc).__name__}: {exc}"
        ) from exc
    if not wb.worksheets:
        wb.close()
        raise InputFileError(code="sources.no_worksheet", file=path.name)
    return wb


def iter_sheet_rows(
    sheet: Any, path: Path, limits: XlsxLimits = DEFAULT_LIMITS
) -> Iterator[tuple[Any, ...]]:
    """The sheet's rows as value tuples (a missing row is ``()``), row count and cells produced
    (padding included) bounded by ``limits``; a row never pads to the sheet's declared size."""
    sheet.reset_dimensions()  # a declared A1:XFD1048576 would pad every row to 16,384 cells
    cells = 0
    for rows, r in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells += len(r)
        if rows > limits.max_rows or cells > limits.max_cells:
            raise _refuse(
                path,
                f"its first sheet has more than {limits.max_rows:,} rows or "
                f"{limits.max_cells:,} cells",
            )
        yield r
