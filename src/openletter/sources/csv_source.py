"""Signatory lists kept in CSV files that a letter names (``people: signatories.csv``).

The header row names the columns after the fields of `Person` (or `Organisation`); ``name`` is
required, the rest optional; empty cells are left out; cells are trimmed. The file must sit in the
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

from ..convert import Prestructured, RecordBuilder
from ..errors import FieldPath, LetterError, Problem
from ..model import Organisation, Person
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
    fields = [a.name for a in attrs.fields(cls)]
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
    builder = RecordBuilder(cls, header)
    switches = [i for i, c in enumerate(header) if c in {a.name for a in attrs.fields(cls) if a.type in (bool, "bool")}]
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
            entry = None if problems else builder.build(stripped)
            if entry is None:  # the cells, for `structure` to report on (empty cells left out)
                entry = {column: cell for column, cell in zip(header, stripped, strict=False) if cell != ""}
            else:
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


def _too_many(file: str, line: int, path: FieldPath) -> Problem:
    return Problem(
        file=file,
        line=line,
        path=path,
        message=f"the letter has more than {MAX_SIGNATORIES:,} signatories (its lists and CSV files together)",
        expected=f"at most {MAX_SIGNATORIES:,} signatories: publish a longer list as a file of its own",
    )
