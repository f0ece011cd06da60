"""Indented JSON text, written fast: the text of ``json.dumps(data, ensure_ascii=False, indent=2)``.

The standard library writes indented JSON with its pure-Python encoder (its C encoder knows no
indentation before Python 3.13), one generator per container and a small string per token: a
letter with 100,000 signatories, whose JSON-LD holds about six million tokens, took seconds and
hundreds of megabytes of pieces. `dumps` writes the same text, byte for byte, with one function
call per container, each string escaped by the standard library's C escaper, and the pieces
joined every few thousand so that the list of pieces never outgrows the text.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from json.encoder import encode_basestring
from typing import Any

__all__ = ["Items", "dumps"]

_JOIN_EVERY = 4096
"""Pieces joined into one string once this many have gathered (a bound on their overhead)."""


class Items:
    """A list that `dumps` writes one item at a time, each item made as it is written: a list
    of 1,000,000 signatories' nodes is never all in memory. `make` gives the items, anew on
    each iteration; `count` is how many it gives."""

    def __init__(self, count: int, make: Callable[[], Iterator[object]]) -> None:
        self.count = count
        self.make = make

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[object]:
        return self.make()


class _Unusual(Exception):
    """Data the fast writer leaves to the standard library (keys that are not strings)."""


def dumps(data: object, *, default: Callable[[Any], Any] | None = None) -> str:
    """The text of ``json.dumps(data, ensure_ascii=False, indent=2, default=default)``."""
    try:
        return _dumps(data, default)
    except _Unusual:
        return json.dumps(data, ensure_ascii=False, indent=2, default=default)


def _dumps(data: object, default: Callable[[Any], Any] | None) -> str:
    done: list[str] = []
    pieces: list[str] = []
    put = pieces.append
    escape: Callable[[str], str] = encode_basestring
    float_repr = float.__repr__
    int_repr = int.__repr__
    keys: dict[str, dict[str, str]] = {}  # by indentation and key: the text before a value

    def floating(value: float) -> str:
        if math.isnan(value):
            return "NaN"
        if value == float("inf"):
            return "Infinity"
        if value == -float("inf"):
            return "-Infinity"
        return float_repr(value)

    def other(value: object, newline: str) -> None:
        if default is None:
            raise TypeError(f"Object of type {value.__class__.__name__} is not JSON serializable")
        write(default(value), newline)

    def write(value: object, newline: str) -> None:
        cls = value.__class__
        if cls is str:
            put(escape(value))  # type: ignore[arg-type]
        elif cls is dict:
            mapping(value, newline)  # type: ignore[arg-type]
        elif cls is list:
            sequence(value, newline)  # type: ignore[arg-type]
        elif value is None:
            put("null")
        elif value is True:
            put("true")
        elif value is False:
            put("false")
        elif isinstance(value, str):
            put(escape(value))
        elif isinstance(value, int):
            put(int_repr(value))
        elif isinstance(value, float):
            put(floating(value))
        elif isinstance(value, list | tuple | Items):
            sequence(value, newline)
        elif isinstance(value, dict):
            mapping(value, newline)
        else:
            other(value, newline)

    def sequence(values: list[Any] | tuple[Any, ...] | Items, newline: str) -> None:
        if not values:
            put("[]")
            return
        inner = newline + "  "
        separator = "," + inner
        put("[" + inner)
        first = True
        for value in values:
            if first:
                first = False
            else:
                put(separator)
            if value.__class__ is str:
                put(escape(value))
            else:
                write(value, inner)
            if len(pieces) > _JOIN_EVERY:
                done.append("".join(pieces))
                pieces.clear()
        put(newline + "]")

    def mapping(values: dict[Any, Any], newline: str) -> None:
        if not values:
            put("{}")
            return
        inner = newline + "  "
        known = keys.get(inner)
        if known is None:
            known = keys[inner] = {}
        put("{" + inner)
        first = True
        for key, value in values.items():
            if first:
                if key.__class__ is not str:
                    raise _Unusual
                put(escape(key) + ": ")
                first = False
            else:
                text = known.get(key)
                if text is None:
                    if key.__class__ is not str:
                        raise _Unusual
                    text = known[key] = "," + inner + escape(key) + ": "
                put(text)
            if value.__class__ is str:
                put(escape(value))
            else:
                write(value, inner)
        put(newline + "}")

    write(data, "\n")
    done.append("".join(pieces))
    return "".join(done)
