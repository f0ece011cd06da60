"""Where each field of a source document was written: field path -> (file, line)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Sequence

import attrs

from ..errors import FieldPath, Problem

Lines = dict[FieldPath, tuple[str, int]]


@attrs.define
class SourceMap:
    """Maps field paths to the file and line they came from.

    The map for a whole document can be built lazily (`builder` runs on the first lookup), since it
    is only needed when something is wrong. A path that is not in the map is located at its
    closest ancestor that is (a missing field is reported where its parent starts).
    """

    file: str
    lines: Lines = attrs.Factory(dict)
    hints: dict[FieldPath, str] = attrs.Factory(dict)
    builder: Callable[[], Lines] | None = None
    also_read: list[str] = attrs.Factory(list)
    """Other files the letter was read from (CSV signatory lists)."""
    rows: dict[FieldPath, tuple[str, Sequence[int]]] = attrs.Factory(dict)
    """Lists read from another file one entry a line (CSV signatory lists): the list's path ->
    the file and each entry's line. A long list's lines cost a few bytes an entry this way."""

    def _ensure(self) -> None:
        if self.builder is not None:
            built, self.builder = self.builder(), None
            for path, where in built.items():
                self.lines.setdefault(path, where)

    def where(self, path: FieldPath) -> tuple[str, int]:
        """The (file, line) of `path`, or of its nearest located ancestor."""
        self._ensure()
        for end in range(len(path), -1, -1):
            found = self.lines.get(path[:end])
            if found is None and self.rows and end:
                found = self._row(path[: end - 1], path[end - 1])
            if found is not None:
                return found
        return (self.file, 1)

    def _row(self, path: FieldPath, index: str | int) -> tuple[str, int] | None:
        """The (file, line) of entry `index` of the list at `path`, if `rows` has it."""
        table = self.rows.get(path)
        if table is None or not isinstance(index, int) or not 0 <= index < len(table[1]):
            return None
        return table[0], table[1][index]

    def locate(self, problem: Problem) -> Problem:
        """Return `problem` with file and line filled in (and any hint for its path appended)."""
        if problem.line is not None:
            return problem
        file, line = self.where(problem.path)
        message = problem.message
        hint = self.hints.get(problem.path)
        if hint:
            message = f"{message}; {hint}"
        return attrs.evolve(problem, file=problem.file or file, line=line, message=message)

    def locate_all(self, problems: Iterable[Problem]) -> list[Problem]:
        """Locate every problem."""
        return [self.locate(p) for p in problems]


def line_starts(text: str) -> list[int]:
    """Offsets at which each line of `text` starts (for offset -> line lookups with bisect)."""
    starts = [0]
    index = text.find("\n")
    while index != -1:
        starts.append(index + 1)
        index = text.find("\n", index + 1)
    return starts


def too_many_digits(text: str) -> bool:
    """Whether Python refuses to read the whole number `text` (its digits, with an optional sign).

    Python reads at most ``sys.get_int_max_str_digits()`` (4,300) decimal digits, a guard against
    numbers that take quadratic time to convert.
    """
    limit = sys.get_int_max_str_digits()
    return limit > 0 and sum(c.isdigit() for c in text) > limit


def long_number(file: str, line: int, path: FieldPath = ()) -> Problem:
    """The problem of a number too long to read (see `too_many_digits`), at `line`."""
    return Problem(
        file=file,
        line=line,
        path=path,
        message=f"a number with more than {sys.get_int_max_str_digits():,} digits is too long to read",
        expected='text (put it in quotes: "...")',
    )
