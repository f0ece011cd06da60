"""Signatory lists kept in CSV files that a letter names (``people: signatories.csv``).

The header row names the columns after the fields of `Person` (or `Organisation`); ``name`` is
required, the rest optional; empty cells are left out; cells are trimmed. The file must sit in the
letter's folder (or below it): a letter from an untrusted hand must not be able to pull
``/etc/passwd`` into a published page.
"""

from __future__ import annotations

import csv
import difflib
import io
from pathlib import Path
from typing import Any

import attrs

from ..errors import FieldPath, LetterError, Problem
from ..model import Organisation, Person
from .folder import SOURCE_MAX_BYTES, read_inside
from .locate import SourceMap
from .text import decode

_KEYS = {"people": Person, "organisations": Organisation}


def expand(data: Any, base_dir: Path | None, source: SourceMap) -> list[Problem]:
    """Replace CSV file names under ``signatories[*].people/organisations`` with their rows."""
    groups = data.get("signatories") if isinstance(data, dict) else None
    if not isinstance(groups, list):
        return []
    problems: list[Problem] = []
    for index, group in enumerate(groups):
        if not isinstance(group, dict):
            continue
        for key, cls in _KEYS.items():
            name = group.get(key)
            if isinstance(name, str):
                path = ("signatories", index, key)
                try:
                    group[key] = read(name, base_dir, cls, path, source)
                except LetterError as error:
                    problems.extend(source.locate_all(error.problems))
    return problems


def read(name: str, base_dir: Path | None, cls: type, path: FieldPath, source: SourceMap) -> list[dict[str, Any]]:
    """Read the rows of one CSV signatory file, recording each row's line in `source`."""
    file_path, raw = read_inside(name, base_dir, path, (".csv",), "a CSV file", limit=SOURCE_MAX_BYTES)
    shown = str(file_path)
    source.also_read.append(shown)
    noun = "people" if cls is Person else "organisations"
    try:
        text = decode(raw, shown, expected_content=f"a header row and one row per signatory ({noun})")
    except LetterError as error:
        raise LetterError([attrs.evolve(p, path=path) for p in error.problems]) from None
    fields = [a.name for a in attrs.fields(cls)]
    reader = csv.reader(io.StringIO(text), strict=True)
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
    rows: list[dict[str, Any]] = []
    switches = {a.name for a in attrs.fields(cls) if a.type in (bool, "bool")}
    line = reader.line_num + 1
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                line = reader.line_num + 1
                continue
            row_path = (*path, len(rows))
            source.lines[row_path] = (shown, line)
            if len(cells) > len(header):
                problems.append(
                    Problem(
                        file=shown,
                        line=line,
                        path=row_path,
                        message=f"this row has {len(cells)} cells but the header has {len(header)} columns",
                        expected="one cell per column (quote cells that contain commas)",
                    )
                )
            row: dict[str, Any] = {
                column: cell.strip() for column, cell in zip(header, cells, strict=False) if cell.strip()
            }
            for column in switches & row.keys():  # true/false columns (pseudonym): the words, any case
                row[column] = {"true": True, "false": False}.get(row[column].lower(), row[column])
            for column in row:
                source.lines[(*row_path, column)] = (shown, line)
            rows.append(row)
            line = reader.line_num + 1
    except csv.Error as error:
        problems.append(Problem(file=shown, line=reader.line_num, path=path, message=f"this is not valid CSV: {error}"))
    if problems:
        raise LetterError(problems)
    if not rows:
        raise LetterError([Problem(file=shown, line=1, path=path, message="the CSV file has no rows", expected=noun)])
    return rows
