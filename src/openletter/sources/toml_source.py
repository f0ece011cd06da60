"""TOML documents (read with the standard library's tomllib, written with tomli-w).

tomllib keeps no positions, so lines are found by a small scan of the text that follows
``[table]`` / ``[[array.of.tables]]`` headers and ``key = value`` lines. It is exact for the
shapes letters use; inside inline tables and arrays it reports the line of the enclosing key.
"""

from __future__ import annotations

import re
import tomllib
from typing import Any

from ..errors import FieldPath, LetterError, Problem
from .locate import Lines, SourceMap, long_number, too_many_digits

_KEY = r'(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|\'[^\']*\')'
_DOTTED = re.compile(rf"\s*({_KEY}(?:\s*\.\s*{_KEY})*)\s*")
_ASSIGN = re.compile(rf"\s*({_KEY}(?:\s*\.\s*{_KEY})*)\s*=")
_PART = re.compile(_KEY)


def parse(text: str, file: str) -> tuple[Any, SourceMap]:
    """Parse TOML; raise `LetterError` with the line of a syntax error."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"\(at line (\d+), column (\d+)\)", str(error))
        line = int(match.group(1)) if match else 1
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(error))
        raise LetterError(
            [Problem(file=file, line=line, message=f"this is not valid TOML: {message}", expected="valid TOML")]
        ) from None
    except ValueError:  # a number with more digits than Python reads (tomllib does not say where)
        long_line = _long_number_line(text)
        if long_line is None:
            raise
        # the field: the deepest one written last before the number (a key, or the array it is in)
        before = [(where[1], len(path), path) for path, where in locate(text, file).items() if where[1] <= long_line]
        path = max(before, key=lambda item: item[:2])[2] if before else ()
        raise LetterError([long_number(file, long_line, path)]) from None
    return data, SourceMap(file, builder=lambda: locate(text, file))


_TOKEN = re.compile(
    r"""
    \"\"\"[\s\S]*?\"\"\" | '''[\s\S]*?''' | "(?:[^"\\\n]|\\.)*" | '[^'\n]*'   # strings
    | \#[^\n]*                                                              # a comment
    | [A-Za-z_][\w-]*                                                       # a bare word
    | ([+-]?[0-9][0-9_]*)                                                   # a number
    """,
    re.VERBOSE,
)


def _long_number_line(text: str) -> int | None:
    """The line of the first number, outside strings and comments, that is too long to read."""
    for match in _TOKEN.finditer(text):
        if match.group(1) and too_many_digits(match.group(1)):
            return text.count("\n", 0, match.start()) + 1
    return None


def _keys(dotted: str) -> tuple[str, ...]:
    return tuple(part.strip("\"'") for part in _PART.findall(dotted))


def locate(text: str, file: str) -> Lines:
    """Map field paths to lines by following table headers and key assignments."""
    lines: Lines = {}
    table: FieldPath = ()
    array_index: dict[FieldPath, int] = {}
    in_multiline: str | None = None
    for number, raw in enumerate(text.split("\n"), start=1):
        if in_multiline:
            if raw.count(in_multiline) % 2 == 1:
                in_multiline = None
            continue
        stripped = raw.strip()
        if stripped.startswith("[["):
            keys = _keys(stripped[2 : stripped.find("]]")])
            base = (*_with_indexes(keys[:-1], array_index), *keys[-1:])
            array_index[base] = array_index.get(base, -1) + 1
            table = (*base, array_index[base])
            lines.setdefault(table[:-1], (file, number))
            lines.setdefault(table, (file, number))
        elif stripped.startswith("["):
            table = _with_indexes(_keys(stripped[1 : stripped.find("]")]), array_index)
            lines.setdefault(table, (file, number))
        else:
            match = _ASSIGN.match(raw)
            if match:
                lines.setdefault((*table, *_keys(match.group(1))), (file, number))
                rest = raw[match.end() :]
                for quote in ('"""', "'''"):
                    if rest.count(quote) % 2 == 1:
                        in_multiline = quote
    return lines


def _with_indexes(keys: tuple[str, ...], array_index: dict[FieldPath, int]) -> FieldPath:
    """Insert the current index after every prefix of `keys` that is an array of tables."""
    path: FieldPath = ()
    for key in keys:
        path = (*path, key)
        if path in array_index:
            path = (*path, array_index[path])
    return path


def dump(data: Any) -> str:
    """Dump plain data as TOML (multi-line text as multi-line strings)."""
    import tomli_w

    return tomli_w.dumps(data, multiline_strings=True)
