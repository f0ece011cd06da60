"""The letter's signatory CSV file an import writes into, changed as little as possible.

Rows already in the file keep their bytes: new rows are appended; a column the import needs is
added to the header row only (a row with fewer cells than the header has columns reads as empty
cells); a row is written again only when a withdrawal is recorded on it. The file's byte-order
mark and line ends (``\\r\\n`` or ``\\n``) are kept.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator, Sequence
from pathlib import Path

import attrs

from ..errors import LetterError, Problem
from ..output import write_atomic


@attrs.define
class Record:
    """One row of the file: its line, where its text starts and ends, its cells."""

    line: int
    start: int
    end: int
    cells: list[str]
    updates: dict[str, str] = attrs.field(factory=dict)
    """Cells to set, by column, when the row is written again."""

    @property
    def changed(self) -> bool:
        """Whether the row is written again."""
        return bool(self.updates)


@attrs.define
class TargetFile:
    """A signatory CSV file read for an import (or a new one, when it does not exist yet)."""

    path: Path
    text: str = ""
    bom: bool = False
    newline: str = "\n"
    header: list[str] = attrs.field(factory=list)
    header_end: int = 0
    records: list[Record] = attrs.field(factory=list)
    added: list[dict[str, str]] = attrs.field(factory=list)
    exists: bool = False
    original_columns: int = 0
    """How many columns the header had when the file was read."""

    def column(self, name: str) -> int | None:
        """The index of the column `name`, or None."""
        return self.header.index(name) if name in self.header else None

    def cell(self, record: Record, name: str) -> str:
        """The trimmed cell of `record` in column `name` ("" when there is none)."""
        if name in record.updates:
            return record.updates[name]
        index = self.column(name)
        return record.cells[index].strip() if index is not None and index < len(record.cells) else ""

    def ensure_columns(self, names: Sequence[str]) -> None:
        """Add the columns of `names` the header does not have, after the others."""
        for name in names:
            if name not in self.header:
                self.header.append(name)

    def set_cell(self, record: Record, name: str, value: str) -> None:
        """Set the cell of `record` in column `name` (added to the header if needed)."""
        self.ensure_columns([name])
        record.updates[name] = value

    def order_columns(self, order: Sequence[str]) -> None:
        """Put the columns added to the header in the order of `order` (others last)."""
        added = self.header[self.original_columns :]
        rank = {name: index for index, name in enumerate(order)}
        self.header[self.original_columns :] = sorted(added, key=lambda name: rank.get(name, len(rank)))

    def render(self) -> bytes:
        """The file's new bytes."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator=self.newline)
        if self.exists and self._header_unchanged():
            out.write(self.text[: self.header_end])
        else:
            writer.writerow(self.header)
        position = self.header_end
        for record in self.records:
            if record.changed:
                out.write(self.text[position : record.start])
                ending = self.text[record.start : record.end]
                line = io.StringIO()
                cells = record.cells + [""] * (len(self.header) - len(record.cells))
                for name, value in record.updates.items():
                    cells[self.header.index(name)] = value
                csv.writer(line, lineterminator=self.newline if ending.endswith(("\n", "\r")) else "").writerow(cells)
                out.write(line.getvalue())
                position = record.end
        out.write(self.text[position:])
        if self.added and not out.getvalue().endswith(("\n", "\r")):
            out.write(self.newline)
        for row in self.added:
            writer.writerow([row.get(column, "") for column in self.header])
        return (codecs.BOM_UTF8 if self.bom else b"") + out.getvalue().encode("utf-8")

    def _header_unchanged(self) -> bool:
        reader = csv.reader(io.StringIO(self.text[: self.header_end], newline=""))
        return [c.strip() for c in next(reader, [])] == self.header

    def write(self) -> None:
        """Write the file atomically."""
        write_atomic(self.path, self.render())


def _tracked(text: str, position: list[int]) -> Iterator[str]:
    for line in io.StringIO(text, newline=""):
        position[0] += len(line)
        yield line


def read_target(path: Path) -> TargetFile:
    """Read the signatory CSV file at `path` (an empty `TargetFile` when it does not exist)."""
    shown = str(path)
    if not path.exists():
        return TargetFile(path=path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise LetterError([Problem(file=shown, line=1, message=f"cannot read: {error.strerror or error}")]) from None
    bom = data.startswith(codecs.BOM_UTF8)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise LetterError(
            [Problem(file=shown, line=1, message="the signatory file is not UTF-8", expected="a UTF-8 CSV file")]
        ) from None
    newline = "\r\n" if "\r\n" in text[: text.find("\n") + 1 or len(text)] else "\n"
    target = TargetFile(path=path, text=text, bom=bom, newline=newline, exists=True)
    position = [0]
    reader = csv.reader(_tracked(text, position), strict=True)
    start = 0
    line = 1
    try:
        for cells in reader:
            if not target.header and not any(c.strip() for c in cells):
                start, line = position[0], reader.line_num + 1
                continue
            if not target.header:
                target.header = [c.strip() for c in cells]
                target.header_end = position[0]
                target.original_columns = len(target.header)
            elif any(c.strip() for c in cells):
                target.records.append(Record(line=line, start=start, end=position[0], cells=list(cells)))
            start, line = position[0], reader.line_num + 1
    except csv.Error as error:
        raise LetterError(
            [Problem(file=shown, line=reader.line_num, message=f"this is not valid CSV: {error}")]
        ) from None
    if target.header and "name" not in target.header:
        raise LetterError(
            [
                Problem(
                    file=shown, line=1, message="the header row has no 'name' column", expected="a signatory CSV file"
                )
            ]
        )
    return target
