"""Reading a CSV export as spreadsheet programs and web platforms write them.

An export is decoded from UTF-8 (with or without a byte-order mark), UTF-16 with a byte-order mark
(Excel's "Unicode text", which is tab-separated), or another encoding the mapping names. Excel's
``sep=;`` first line chooses the delimiter; otherwise it is the one given, or the one of ``,``,
``;`` and tab that the header row uses most. Rows are read with their line numbers; blank rows
(every cell empty), wherever they are, are skipped. Cells are trimmed and keep their text
exactly otherwise: ``=HYPERLINK(...)`` stays those characters.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import attrs

from ..errors import LetterError, Problem

EXPORT_MAX_BYTES = 512 * 1024 * 1024
"""The largest export read (512 MiB): a few million rows, and a wrong file refused unread."""

DELIMITERS = (",", ";", "\t")
_SEP_LINE = re.compile(r"\A\s*sep=(.)\s*\Z", re.IGNORECASE)


@attrs.frozen
class Row:
    """One row of an export: the line it starts on and its cells (trimmed)."""

    line: int
    cells: tuple[str, ...]


@attrs.frozen
class ExportFile:
    """An export read into memory: its header and rows (blank rows left out)."""

    name: str
    """The file as messages name it."""
    header: tuple[str, ...]
    header_line: int
    rows: tuple[Row, ...]
    delimiter: str


def _fail(file: str, line: int, message: str, expected: str | None = None) -> LetterError:
    return LetterError([Problem(file=file, line=line, message=message, expected=expected)])


def decode_export(data: bytes, file: str, encoding: str | None = None) -> str:
    """The text of an export: UTF-16 or UTF-8 by its byte-order mark, else `encoding` (UTF-8)."""
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise _fail(file, 1, "the file is UTF-32 encoded", "UTF-8 or UTF-16 text")
    try:
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return data.decode("utf-16")
        if encoding is None or encoding.lower().replace("_", "-") in ("utf-8", "utf8"):
            text = data.decode("utf-8")
            return text.removeprefix("\ufeff")
        return data.decode(encoding).removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise _fail(
            file,
            line,
            f"the file is not valid {error.encoding.upper()}: byte 0x{data[error.start]:02X} "
            "(it may be Latin-1 or Windows-1252)",
            'UTF-8 text (Excel: Save as CSV UTF-8), or the file\'s encoding in the mapping (encoding = "cp1252")',
        ) from None
    except LookupError:
        raise _fail(file, 1, f"unknown encoding {encoding!r}", "an encoding such as utf-8, cp1252 or latin-1") from None


def sniff_delimiter(header_line: str) -> str:
    """The delimiter of the header line: the one of `DELIMITERS` found most outside quotes."""
    outside = re.sub(r'"[^"]*"', "", header_line)
    counts = [(outside.count(d), -i, d) for i, d in enumerate(DELIMITERS)]
    best = max(counts)
    return best[2] if best[0] else ","


def _lines(text: str) -> Iterator[str]:
    yield from io.StringIO(text, newline="")


def read_export(path: Path, *, encoding: str | None = None, delimiter: str | None = None) -> ExportFile:
    """Read the export at `path`; raise `LetterError` (located) when it cannot be read at all."""
    shown = str(path)
    try:
        if not path.is_file():
            raise _fail(shown, 1, "no such file" if not path.exists() else "not a regular file", "a CSV export")
        if path.stat().st_size > EXPORT_MAX_BYTES:
            raise _fail(shown, 1, "the file is larger than 512 MiB", "a CSV export of at most 512 MiB")
        data = path.read_bytes()
    except OSError as error:
        raise _fail(shown, 1, f"cannot read the file: {error.strerror or error}") from None
    if b"\x00" in data[:65536] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _fail(
            shown, 1, "this is a binary file (or UTF-16 without a byte-order mark), not CSV text", "a CSV export"
        )
    text = decode_export(data, shown, encoding)
    del data
    lines = _lines(text)
    first_line = 1
    head = text[: text.find("\n") + 1 or len(text)]
    found = _SEP_LINE.match(head.rstrip("\r\n"))
    if found:  # Excel's "sep=;" line
        next(lines)
        first_line = 2
        delimiter = delimiter or found.group(1)
    delimiter = delimiter or sniff_delimiter(head)
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    line = first_line
    header: tuple[str, ...] | None = None
    rows: list[Row] = []
    try:
        for cells in reader:
            stripped = tuple(cell.replace("\r\n", "\n").replace("\r", "\n").strip() for cell in cells)
            if any(stripped):
                if header is None:
                    header = stripped
                    header_line = line
                else:
                    rows.append(Row(line, stripped))
            line = reader.line_num + first_line
    except csv.Error as error:
        raise _fail(shown, reader.line_num + first_line - 1, f"this is not valid CSV: {error}") from None
    if header is None:
        raise _fail(shown, 1, "the file is empty", "a header row, then one row per signature")
    return ExportFile(name=shown, header=header, header_line=header_line, rows=tuple(rows), delimiter=delimiter)
