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

__all__ = ["Items", "dumps", "write"]

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


def dumps(data: object, *, default: Callable[[Any], Any] | None = None) -> str:
    """The text of ``json.dumps(data, ensure_ascii=False, indent=2, default=default)``."""
    done: list[str] = []
    write(data, done.append, default=default)
    return "".join(done)


def write(data: object, put: Callable[[str], object], *, default: Callable[[Any], Any] | None = None) -> None:
    """`dumps`'s text given to `put` in pieces of a few thousand tokens as it is written: with
    `Items`, a document is written to a file without its data or its text ever whole in memory."""
    pieces: list[str] = []
    add = pieces.append
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
        value_text(default(value), newline)

    def value_text(value: object, newline: str) -> None:
        cls = value.__class__
        if cls is str:
            add(escape(value))  # type: ignore[arg-type]
        elif cls is dict:
            mapping(value, newline)  # type: ignore[arg-type]
        elif cls is list:
            sequence(value, newline)  # type: ignore[arg-type]
        elif value is None:
            add("null")
        elif value is True:
            add("true")
        elif value is False:
            add("false")
        elif isinstance(value, str):
            add(escape(value))
        elif isinstance(value, int):
            add(int_repr(value))
        elif isinstance(value, float):
            add(floating(value))
        elif isinstance(value, list | tuple | Items):
            sequence(value, newline)
        elif isinstance(value, dict):
            mapping(value, newline)
        else:
            other(value, newline)

    def key_text(key: object) -> str:  # as json writes keys: strings, and numbers and constants as strings
        if isinstance(key, str):
            return escape(key)
        if key is True or key is False or key is None:
            return f'"{json.dumps(key)}"'
        if isinstance(key, int):
            return f'"{int_repr(key)}"'
        if isinstance(key, float):
            return f'"{floating(key)}"'
        raise TypeError(f"keys must be str, int, float, bool or None, not {key.__class__.__name__}")

    def sequence(values: list[Any] | tuple[Any, ...] | Items, newline: str) -> None:
        if not values:
            add("[]")
            return
        inner = newline + "  "
        separator = "," + inner
        add("[" + inner)
        first = True
        for value in values:
            if first:
                first = False
            else:
                add(separator)
            if value.__class__ is str:
                add(escape(value))
            else:
                value_text(value, inner)
            if len(pieces) > _JOIN_EVERY:
                put("".join(pieces))
                pieces.clear()
        add(newline + "]")

    def mapping(values: dict[Any, Any], newline: str) -> None:
        if not values:
            add("{}")
            return
        inner = newline + "  "
        known = keys.get(inner)
        if known is None:
            known = keys[inner] = {}
        add("{" + inner)
        first = True
        for key, value in values.items():
            if first:
                add((escape(key) if key.__class__ is str else key_text(key)) + ": ")
                first = False
            else:
                text = known.get(key) if key.__class__ is str else None
                if text is None:
                    text = "," + inner + key_text(key) + ": "
                    if key.__class__ is str:
                        known[key] = text
                add(text)
            if value.__class__ is str:
                add(escape(value))
            else:
                value_text(value, inner)
        add(newline + "}")

    value_text(data, "\n")
    put("".join(pieces))
