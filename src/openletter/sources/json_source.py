"""JSON documents, with a lazily built map of the line where every field was written."""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections.abc import Iterator
from json.decoder import scanstring  # type: ignore[attr-defined]
from typing import Any

from ..errors import FieldPath, LetterError, Problem
from .locate import Lines, SourceMap, line_starts, long_number

_WS = re.compile(r"[ \t\n\r]*")


def parse(text: str, file: str) -> tuple[Any, SourceMap]:
    """Parse JSON; raise `LetterError` with the line and column of a syntax error."""
    duplicated = long = False

    def number(digits: str) -> int | _LongNumber:
        nonlocal long
        value = _int(digits)
        long = long or isinstance(value, _LongNumber)  # reported at its field below
        return value

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal duplicated
        obj = dict(items)
        duplicated = duplicated or len(obj) != len(items)
        return obj

    try:
        data = json.loads(text, object_pairs_hook=pairs, parse_int=number)
    except json.JSONDecodeError as error:
        line, message = error.lineno, f"{error.msg} at column {error.colno}"
        comma = len(text[: error.pos].rstrip()) - 1
        if text[error.pos : error.pos + 1] in ("]", "}") and comma >= 0 and text[comma] == ",":
            # json reports the bracket after a trailing comma; the comma is what to remove
            line, column = text.count("\n", 0, comma) + 1, comma - text.rfind("\n", 0, comma)
            message = f"a comma after the last item at column {column}"
        raise LetterError(
            [Problem(file=file, line=line, message=f"this is not valid JSON: {message}", expected="valid JSON")]
        ) from None
    if duplicated:  # json.loads keeps the last value silently, as YAML parsers do: refuse it the same way
        problems: list[Problem] = []
        locate(text, file, problems)
        raise LetterError(problems)
    source = SourceMap(file, builder=lambda: locate(text, file))
    if long:
        raise LetterError([long_number(file, source.where(path)[1], path) for path in _long_numbers(data, ())])
    return data, source


class _LongNumber(str):
    """A number with more digits than Python reads (see `long_number`), kept as its text."""

    __slots__ = ()


def _int(digits: str) -> int | _LongNumber:
    try:
        return int(digits)
    except ValueError:
        return _LongNumber(digits)


def _long_numbers(data: Any, path: FieldPath) -> Iterator[FieldPath]:
    if isinstance(data, _LongNumber):
        yield path
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _long_numbers(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _long_numbers(value, (*path, index))


def locate(text: str, file: str, duplicates: list[Problem] | None = None) -> Lines:
    """Map every field path of a valid JSON document to the line its value starts on.

    Keys given twice in one object are reported in `duplicates`, when it is given.
    """
    starts = line_starts(text)
    decoder = json.JSONDecoder(parse_int=_int)
    lines: Lines = {}

    def line_of(index: int) -> tuple[str, int]:
        return (file, bisect_right(starts, index))

    def value(index: int, path: FieldPath) -> int:
        index = _WS.match(text, index).end()  # type: ignore[union-attr]
        lines.setdefault(path, line_of(index))
        char = text[index]
        if char == "{":
            index = _WS.match(text, index + 1).end()  # type: ignore[union-attr]
            if text[index] == "}":
                return index + 1
            while True:
                key, after = scanstring(text, index + 1)
                first = lines.get((*path, key))
                if first is not None and duplicates is not None:
                    duplicates.append(
                        Problem(
                            file=file,
                            line=line_of(index)[1],
                            path=(*path, key),
                            message=f"the field {key!r} is given twice (first on line {first[1]})",
                            expected="each field once",
                        )
                    )
                lines.setdefault((*path, key), line_of(index))
                index = _WS.match(text, after).end() + 1  # type: ignore[union-attr]  # skip ':'
                index = _WS.match(text, value(index, (*path, key))).end()  # type: ignore[union-attr]
                if text[index] == "}":
                    return index + 1
                index = _WS.match(text, index + 1).end()  # type: ignore[union-attr]  # skip ','
        if char == "[":
            index = _WS.match(text, index + 1).end()  # type: ignore[union-attr]
            if text[index] == "]":
                return index + 1
            position = 0
            while True:
                index = _WS.match(text, value(index, (*path, position))).end()  # type: ignore[union-attr]
                position += 1
                if text[index] == "]":
                    return index + 1
                index += 1  # skip ','
        _, end = decoder.raw_decode(text, index)
        return int(end)

    value(0, ())
    return lines


def dump(data: Any) -> str:
    """Dump plain data as indented UTF-8 JSON (dates as ISO strings), ending in a newline."""
    return json.dumps(data, ensure_ascii=False, indent=2, default=_default) + "\n"


def _default(value: object) -> str:
    isoformat = getattr(value, "isoformat", None)
    if isoformat is None:
        raise TypeError(f"cannot write {type(value).__name__} as JSON")
    return str(isoformat())
