"""YAML syntax errors in plain words: what went wrong, where it starts, and what to write instead.

PyYAML (and libyaml) describe errors in parser terms ("mapping values are not allowed in this
context"). Authors of letters need to know what to do: put the value in quotes, indent with
spaces, close the bracket. `explain` recognises the mistakes people make and says so, pointing at
the line and column where the problem starts (for an unclosed ``[``, the line that opens it); any
other error keeps the parser's words, with its column.
"""

from __future__ import annotations

import re

import yaml

from .. import characters
from ..errors import Problem

_KEY = re.compile(r"\s*(?:-\s+)*([^\s#'\"][^:#]*?|\"[^\"]*\"|'[^']*'):[ \t]+")
"""The start of a ``key: value`` line (after any ``- `` list markers): group 1 is the key."""


def quoted(value: str) -> str:
    """`value` in YAML quotes: double quotes, or single quotes when it contains a double quote."""
    if '"' not in value and "\\" not in value:
        return f'"{value}"'
    return "'" + value.replace("'", "''") + "'"


def _suggestion(line: str) -> str | None:
    """``key: "value"`` for a ``key: value`` line, or None if the line is not one."""
    match = _KEY.match(line)
    if match is None:
        return None
    value = line[match.end() :].strip()
    if not value:
        return None
    return f"{line[: match.end()].strip()} {quoted(value)}"


def odd_indent(line: str) -> str | None:
    """The space that is not a space (a non-breaking space...) in `line`'s indentation, if any."""
    for char in line:
        if char in characters.ODD_SPACES:
            return char
        if char not in " \t":
            return None
    return None


def odd_indent_problem(file: str, line: int, char: str) -> Problem:
    """The problem of a line indented with a non-breaking space (or another space YAML does not take)."""
    return Problem(
        file=file,
        line=line,
        message=f"this line is indented with {characters.describe(char)}, which YAML does not read as indentation",
        expected="indentation with ordinary spaces: delete the spaces at the start of the line and type them again",
    )


def explain(error: yaml.MarkedYAMLError, text: str, file: str, offset: int) -> Problem:
    """The problem to report for a YAML syntax error in `text` (whose line 1 is line `offset` + 1)."""
    lines = text.split("\n")
    problem = error.problem or ""
    context = error.context or ""
    at = error.problem_mark or error.context_mark
    opened = error.context_mark
    row, column = (at.line, at.column) if at else (0, 0)

    def located(line: int, message: str, expected: str) -> Problem:
        return Problem(file=file, line=line + 1 + offset, message=message, expected=expected)

    # A space that is not a space, indenting the line at fault or the one it continues.
    first = min(row, opened.line if opened else row, max(row - 1, 0))
    for number in range(first, min(row, len(lines) - 1) + 1):
        char = odd_indent(lines[number])
        if char is not None:
            return odd_indent_problem(file, number + 1 + offset, char)

    line_text = lines[row] if row < len(lines) else ""
    char = line_text[column] if column < len(line_text) else ""
    if opened is not None and ("flow sequence" in context or "flow mapping" in context):
        bracket, closing = ("[", "]") if "sequence" in context else ("{", "}")
        return located(
            opened.line,
            f'the "{bracket}" at column {opened.column + 1} opens a {"list" if bracket == "[" else "mapping"} '
            f'that is never closed with "{closing}"',
            f'"{closing}" after its last item, and a comma between items; or the whole value in quotes '
            f'if the "{bracket}" is part of the text',
        )
    if opened is not None and "quoted scalar" in context and "end of stream" in problem:
        mark = "double" if lines[opened.line][opened.column : opened.column + 1] == '"' else "single"
        return located(
            opened.line,
            f"the {mark} quote at column {opened.column + 1} is never closed",
            f"a closing {mark} quote at the end of the value",
        )
    if "mapping values are not allowed" in problem:
        key, suggestion = _KEY.match(line_text), _suggestion(line_text)
        if key is not None and key.end() <= column and suggestion is not None:
            return located(
                row,
                f'the value contains ": " at column {column + 1}, which YAML reads as the start of another field',
                f"the value in quotes: {suggestion}",
            )
        return located(
            row,
            "this line is indented more than the field above it, so YAML reads it as more of that "
            f'field\'s value, and the ": " at column {column + 1} as the start of a field',
            "the field in the same column as the one above it; if the line does continue that value, "
            "the whole value in quotes",
        )
    if char == "\t" or "tab character" in problem:
        return located(
            row,
            f"a tab at column {column + 1}: YAML indents with spaces only",
            "indentation with spaces: replace the tab with spaces",
        )
    if "cannot start any token" in problem and char:
        suggestion = _suggestion(line_text)
        return located(
            row,
            f"a value cannot start with {char!r} (column {column + 1}) unless it is in quotes",
            f"the value in quotes: {suggestion}" if suggestion else "the value in quotes",
        )
    if "did not find expected key" in problem:
        before = line_text[:column].rstrip()
        if before.endswith(('"', "'")):
            apostrophe = " (inside '...', write an apostrophe as '')" if before.endswith("'") else ""
            return located(
                row,
                f"text after the closing quote (column {column + 1})",
                f"the whole value inside the quotes{apostrophe}, or nothing after the closing quote",
            )
        if line_text[column:].startswith("-"):
            return located(
                row,
                "a list item ('- ') where a field ('name: value') is expected",
                "list items only under a field that holds a list, in the same column as the other items",
            )
    if "could not find expected ':'" in problem and opened is not None:
        return located(
            opened.line,
            "this line has no ': ' after a field name",
            "name: value; a line that continues a value must be indented more than its field",
        )
    what = " ".join(filter(None, [context, problem]))
    return located(row, f"this is not valid YAML at column {column + 1}: {what}", "valid YAML")
