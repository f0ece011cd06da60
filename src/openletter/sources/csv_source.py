"""Signatory lists kept in CSV files that a letter names (``people: signatories.csv``).

The header row names the columns after the fields of `Person` (or `Organisation`); ``name`` is
required, the rest optional; empty cells are left out; cells are trimmed. The signature record
(`openletter.Signature`) has flat columns of its own (`SIGNATURE_COLUMNS`: ``consent``,
``withdrawn``, ``contact_email``...); a file without them is read exactly as before. The file must sit in the
letter's folder (or below it): a letter from an untrusted hand must not be able to pull
``/etc/passwd`` into a published page.
"""

from __future__ import annotations

import csv
import difflib
import re
from array import array
from pathlib import Path
from typing import Any

import attrs

from ..convert import Prestructured, RecordBuilder, converter
from ..errors import FieldPath, LetterError, Problem
from ..model import Organisation, Person, Signature
from .folder import read_inside, size_text
from .locate import SourceMap
from .text import decode

_KEYS = {"people": Person, "organisations": Organisation}

CSV_MAX_BYTES = 256 * 1024 * 1024
"""The largest CSV signatory list read (256 MiB): room for a few million rows, and small enough
that a wrong file (a disk image, a database dump) is refused at once, unread."""

MAX_SIGNATORIES = 2_000_000
"""The most signatories a letter may have, its CSV files and its own lists together: twice the
million a letter is known to load within 2 GB of memory (`docs/performance.md`)."""

_SWITCH = {"true": True, "false": False}

SIGNATURE_COLUMNS: dict[str, tuple[str, ...]] = {
    "signed": ("signed",),
    "consent": ("consent",),
    "verification": ("verification", "method"),
    "verified": ("verification", "at"),
    "withdrawn": ("withdrawal", "at"),
    "withdrawal_shown": ("withdrawal", "shown"),
    "version": ("version",),
    "source": ("source",),
    "contact_email": ("contact", "email"),
    "contact_phone": ("contact", "phone"),
    "contact_address": ("contact", "address"),
}
"""The CSV columns of the signature record and the field of `openletter.Signature` each fills
(``verified`` is ``signature.verification.at``). ``withdrawn`` holds the date of the withdrawal,
or ``true`` when it is not known; ``withdrawal_shown`` is ``true`` or ``false``."""

_LINES = re.compile(".*\n|.+")
"""One line of text with its newline (the last may have none), as a text file yields them."""


@attrs.define
class Room:
    """What the limits leave for a letter's next CSV file: rows (`MAX_SIGNATORIES`) and bytes
    (`CSV_MAX_BYTES`: the files a letter names together, a file named twice counting twice)."""

    rows: int
    bytes: int


def expand(data: Any, base_dir: Path | None, source: SourceMap) -> list[Problem]:
    """Replace CSV file names under ``signatories[*].people/organisations`` with their rows."""
    groups = data.get("signatories") if isinstance(data, dict) else None
    if not isinstance(groups, list):
        return []
    problems: list[Problem] = []
    files = [
        (index, group, key, cls)
        for index, group in enumerate(groups)
        if isinstance(group, dict)
        for key, cls in _KEYS.items()
        if key in group
    ]
    own = sum(len(g[k]) for _, g, k, _ in files if isinstance(g[k], list))
    room = Room(rows=MAX_SIGNATORIES - own, bytes=CSV_MAX_BYTES)
    for index, group, key, cls in files:
        name = group[key]
        if isinstance(name, str):
            path = ("signatories", index, key)
            try:
                group[key] = read(name, base_dir, cls, path, source, room=room)
            except LetterError as error:
                problems.extend(source.locate_all(error.problems))
    return problems


def read(
    name: str, base_dir: Path | None, cls: type, path: FieldPath, source: SourceMap, *, room: Room | None = None
) -> Prestructured:
    """Read the rows of one CSV signatory file, recording each row's line in `source`.

    Each valid row becomes its `Person` or `Organisation` at once (`RecordBuilder`); a row that
    is not stays the mapping of its cells, for `structure` to report on. A file larger than what
    `room` leaves is refused, and so is the first row more than it leaves; what the file takes
    is taken from `room`.
    """
    room = room if room is not None else Room(rows=MAX_SIGNATORIES, bytes=CSV_MAX_BYTES)
    file_path, raw = read_inside(name, base_dir, path, (".csv",), "a CSV file", limit=CSV_MAX_BYTES)
    if len(raw) > room.bytes:
        limit = size_text(CSV_MAX_BYTES)
        raise LetterError(
            [
                Problem(
                    path=path,
                    message=f"with this file, the CSV files of the letter come to more than {limit}",
                    expected=f"at most {limit} of CSV files in all (a file named twice counts twice)",
                )
            ]
        )
    room.bytes -= len(raw)
    shown = str(file_path)
    source.also_read.append(shown)
    noun = "people" if cls is Person else "organisations"
    try:
        text = decode(raw, shown, expected_content=f"a header row and one row per signatory ({noun})")
    except LetterError as error:
        raise LetterError([attrs.evolve(p, path=path) for p in error.problems]) from None
    fields = [a.name for a in attrs.fields(cls) if a.name != "signature"] + list(SIGNATURE_COLUMNS)
    del raw  # a long list's bytes are not kept while its rows are read
    # The lines one by one, as a text file yields them: an io.StringIO would hold the text again,
    # at 4 bytes a character.
    reader = csv.reader(map(re.Match.group, _LINES.finditer(text)), strict=True)
    problems: list[Problem] = []
    try:
        header = [cell.strip() for cell in next(reader)]
    except (csv.Error, StopIteration) as error:
        raise LetterError([Problem(file=shown, line=1, path=path, message=f"no header row ({error})")]) from None
    if not any(header):
        raise LetterError(
            [
                Problem(
                    file=shown,
                    line=1,
                    path=path,
                    message="the header row names no column",
                    expected="a first row naming the columns: name, and optionally " + ", ".join(fields[1:]),
                )
            ]
        )
    unnamed = [number for number, column in enumerate(header, start=1) if not column]
    if unnamed:
        listed = ", ".join(map(str, unnamed[:-1])) + " and " + str(unnamed[-1]) if len(unnamed) > 1 else unnamed[0]
        problems.append(
            Problem(
                file=shown,
                line=1,
                path=path,
                message=f"the header row gives no name to column{'s' if len(unnamed) > 1 else ''} {listed}",
                expected="a name for every column (" + ", ".join(fields) + "), and no comma after the last",
            )
        )
    for column in sorted({c for c in header if c and header.count(c) > 1}):
        problems.append(
            Problem(
                file=shown,
                line=1,
                path=path,
                message=f"the column {column!r} appears twice",
                expected="each column once",
            )
        )
    for column in dict.fromkeys(header):  # each unknown name once, even if it appears twice
        if column and column not in fields:
            hint = difflib.get_close_matches(column, fields, n=1, cutoff=0.6)
            problems.append(
                Problem(
                    file=shown,
                    line=1,
                    path=path,
                    message=f"unknown column {column!r}" + (f"; did you mean {hint[0]!r}?" if hint else ""),
                    expected="columns named after the fields: " + ", ".join(fields),
                )
            )
    if "name" not in header:
        problems.append(
            Problem(
                file=shown,
                line=1,
                path=path,
                message="the header row has no 'name' column",
                expected="a header row with a 'name' column, and optionally: " + ", ".join(fields[1:]),
            )
        )
    if problems:
        raise LetterError(problems)
    rows = Prestructured()
    lines = array("I")  # each row's line, for messages (`SourceMap.rows`)
    source.rows[path] = (shown, lines)
    records = _SignatureColumns(header, path) if any(c in SIGNATURE_COLUMNS for c in header) else None
    builder = RecordBuilder(cls, header if records is None else records.entry_header)
    booleans = {a.name for a in attrs.fields(cls) if a.type in (bool, "bool")} | {"withdrawal_shown"}
    switches = [i for i, c in enumerate(header) if c in booleans]
    width = len(header)
    built = 0
    line = reader.line_num + 1
    try:
        for cells in reader:
            stripped: list[Any] = list(map(str.strip, cells))
            if not any(stripped):
                line = reader.line_num + 1
                continue
            if len(cells) > width:
                problems.append(
                    Problem(
                        file=shown,
                        line=line,
                        path=(*path, len(rows)),
                        message=f"this row has {len(cells)} cells but the header has {width} columns",
                        expected="one cell per column (quote cells that contain commas)",
                    )
                )
            for index in switches:  # true/false columns (pseudonym): the words, any case
                if index < len(stripped) and stripped[index]:
                    stripped[index] = _SWITCH.get(stripped[index].lower(), stripped[index])
            if len(rows) >= room.rows:
                raise LetterError([*problems, _too_many(shown, line, path)])
            if records is not None:
                entry = records.entry(stripped, builder, len(rows), line, shown, problems)
            else:
                entry = None if problems else builder.build(stripped)
            if entry is None:  # the cells, for `structure` to report on (empty cells left out)
                entry = {column: cell for column, cell in zip(header, stripped, strict=False) if cell != ""}
            elif type(entry) is not dict:
                built += 1
            rows.append(entry)
            lines.append(line)
            line = reader.line_num + 1
    except csv.Error as error:
        problems.append(Problem(file=shown, line=reader.line_num, path=path, message=f"this is not valid CSV: {error}"))
    if problems:
        raise LetterError(problems)
    if not rows:
        raise LetterError([Problem(file=shown, line=1, path=path, message="the CSV file has no rows", expected=noun)])
    rows.complete = built == len(rows)
    room.rows -= len(rows)
    return rows


class _SignatureColumns:
    """Reads the `SIGNATURE_COLUMNS` of a file's rows into each entry's `Signature`.

    The entry's own columns are built as in a file without them (`RecordBuilder`); the signature
    columns make the nested ``signature`` mapping, structured as in any other source. A row that
    does not build is left as its mapping (the signature nested), for `structure` to report on
    with its path (``signatories[0].people[3].signature.consent``).
    """

    def __init__(self, header: list[str], path: FieldPath) -> None:
        self.path = path
        self.entry_columns = [i for i, c in enumerate(header) if c not in SIGNATURE_COLUMNS]
        self.entry_header = [header[i] for i in self.entry_columns]
        self.signature_columns = [(i, SIGNATURE_COLUMNS[c]) for i, c in enumerate(header) if c in SIGNATURE_COLUMNS]
        self.shown_index = header.index("withdrawal_shown") if "withdrawal_shown" in header else None
        self.withdrawn_index = header.index("withdrawn") if "withdrawn" in header else None

    def entry(
        self, cells: list[Any], builder: RecordBuilder, number: int, line: int, file: str, problems: list[Problem]
    ) -> Any:
        """The entry of one row: the built object, or the mapping of its cells to report on."""
        width = len(cells)
        record: dict[str, Any] = {}
        for index, (group, *field) in self.signature_columns:
            value = cells[index] if index < width else ""
            if value == "":
                continue
            if group == "withdrawal" and field == ["at"] and isinstance(value, str):
                switch = _SWITCH.get(value.lower())
                if switch is False:
                    continue
                if switch is True:  # withdrawn, on a day not recorded
                    record.setdefault("withdrawal", {})
                    continue
            if field:
                record.setdefault(group, {})[field[0]] = value
            else:
                record[group] = value
        given = cells[self.withdrawn_index] if self.withdrawn_index is not None and self.withdrawn_index < width else ""
        withdrawn = given != "" and _SWITCH.get(str(given).lower()) is not False
        shown = cells[self.shown_index] if self.shown_index is not None and self.shown_index < width else ""
        if not withdrawn and shown is False:  # "not shown" of a signature not withdrawn says nothing
            record.pop("withdrawal", None)
        elif not withdrawn and shown != "":
            problems.append(
                Problem(
                    file=file,
                    line=line,
                    path=(*self.path, number, "signature", "withdrawal", "shown"),
                    message="'withdrawal_shown' is given for a signature that is not withdrawn",
                    expected="a 'withdrawn' date (or true) with it, or no 'withdrawal_shown'",
                )
            )
            return self._cells([cells[i] if i < width else "" for i in self.entry_columns], record)
        entry_cells = [cells[i] if i < width else "" for i in self.entry_columns]
        built = None if problems else builder.build(entry_cells)
        if built is not None and record:
            try:
                signature = converter.structure(record, Signature)
            except Exception:  # noqa: BLE001 -- `structure` reports it
                return self._cells(entry_cells, record)
            built = attrs.evolve(built, signature=signature)
        return built if built is not None else self._cells(entry_cells, record)

    def _cells(self, entry_cells: list[Any], record: dict[str, Any]) -> dict[str, Any]:
        cells = {column: cell for column, cell in zip(self.entry_header, entry_cells, strict=False) if cell != ""}
        if record:
            cells["signature"] = record
        return cells


def _too_many(file: str, line: int, path: FieldPath) -> Problem:
    return Problem(
        file=file,
        line=line,
        path=path,
        message=f"the letter has more than {MAX_SIGNATORIES:,} signatories (its lists and CSV files together)",
        expected=f"at most {MAX_SIGNATORIES:,} signatories: publish a longer list as a file of its own",
    )
