"""XLSX decompression bombs for the tests, built as issue 12 says: an openpyxl workbook whose
``xl/worksheets/sheet1.xml`` (or ``xl/sharedStrings.xml``) is rewritten with zipfile. The parts
are streamed into the zip a megabyte at a time, so building a 1 GiB bomb stays small in memory;
compressed, each is about 1 MB."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import openpyxl

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
GIB = 1024**3
_SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_SST_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
_HEAD = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>'.encode()
_TAIL = b"</sheetData></worksheet>"

Part = Callable[[], Iterator[bytes]]


def _base(path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["id", "text", "created_at"])
    ws.append([1, "x", "2024-01-01"])
    wb.save(path)


def rewrite(dst: Path, parts: dict[str, Part]) -> Path:
    """A real openpyxl workbook at ``dst`` with ``parts`` (name → chunks) written in place of its
    own (a shared strings part is registered in the content types and workbook relations)."""
    src = dst.with_name(dst.name + ".base.xlsx")
    _base(src)
    sst = "xl/sharedStrings.xml" in parts
    with (
        zipfile.ZipFile(src) as zin,
        zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zout,
    ):
        for name in zin.namelist():
            if name in parts:
                continue
            data = zin.read(name)
            if sst and name == "[Content_Types].xml" and b"sharedStrings" not in data:
                over = f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_SST_TYPE}"/>'
                data = data.replace(b"</Types>", over.encode() + b"</Types>")
            if sst and name == "xl/_rels/workbook.xml.rels" and b"sharedStrings" not in data:
                rel = f'<Relationship Id="rIdS" Type="{_SST_REL}" Target="sharedStrings.xml"/>'
                data = data.replace(b"</Relationships>", rel.encode() + b"</Relationships>")
            zout.writestr(name, data)
        for name, gen in parts.items():
            with zout.open(name, "w", force_zip64=True) as f:
                for chunk in gen():
                    f.write(chunk)
    src.unlink()
    return dst


def sheet(rows: list[bytes]) -> Part:
    def gen() -> Iterator[bytes]:
        yield _HEAD
        yield from rows
        yield _TAIL

    return gen


def _header_row() -> bytes:
    cells = "".join(
        f'<c r="{col}1" t="inlineStr"><is><t>{name}</t></is></c>'
        for col, name in zip("ABC", ("id", "text", "created_at"), strict=True)
    )
    return f'<row r="1">{cells}</row>'.encode()


def inline_string_bomb(dst: Path, size: int = GIB) -> Path:
    """Row 2's text cell is one inline string (``<is><t>``) of ``size`` bytes."""

    def gen() -> Iterator[bytes]:
        yield _HEAD + _header_row()
        yield b'<row r="2"><c r="A2"><v>1</v></c><c r="B2" t="inlineStr"><is><t>'
        chunk = b"A" * (1 << 20)
        for _ in range(size // len(chunk)):
            yield chunk
        yield b'</t></is></c><c r="C2" t="inlineStr"><is><t>2024-01-01</t></is></c></row>'
        yield _TAIL

    return rewrite(dst, {"xl/worksheets/sheet1.xml": gen})


def shared_strings_bomb(dst: Path, *, count: int, each: int) -> Path:
    """``count`` shared strings of ``each`` bytes (1 GiB of them, or 30 M short ones); the sheet
    uses the first one."""

    def sst() -> Iterator[bytes]:
        yield (
            f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}" count="{count}" '
            f'uniqueCount="{count}">'
        ).encode()
        one = b"<si><t>" + b"B" * each + b"</t></si>"
        per = max(1, (1 << 20) // len(one))
        left = count
        while left > 0:
            k = min(per, left)
            yield one * k
            left -= k
        yield b"</sst>"

    row = (
        b'<row r="1">'
        + b"".join(f'<c r="{c}1" t="s"><v>0</v></c>'.encode() for c in "ABC")
        + b"</row>"
    )
    return rewrite(dst, {"xl/sharedStrings.xml": sst, "xl/worksheets/sheet1.xml": sheet([row])})


def run_measured(
    args: list[str], env: dict[str, str], timeout: float = 120
) -> tuple[subprocess.CompletedProcess[str], int]:
    """``python -m socialops ARGS`` as a user runs it, and its peak RSS in bytes (through a fresh
    wrapper process whose only child it is: ``RUSAGE_CHILDREN`` is then that command's)."""
    wrapper = (
        "import resource, subprocess, sys\n"
        "p = subprocess.run([sys.executable, '-m', 'socialops', *sys.argv[1:]])\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
        "sys.exit(p.returncode)\n"
    )
    p = subprocess.run(
        [sys.executable, "-c", wrapper, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    *lines, rss = p.stderr.strip().splitlines()
    p.stderr = "\n".join(lines)
    return p, int(rss) * 1024  # ru_maxrss is in KiB on Linux
