"""Bidirectional isolation of the letter's values among the words the layer prints around them.

A printed line is often made of the letter's values (a name, a role, a country, a place, a web
address) and words `openletter.printed` writes around them (a label, the letter's comma,
brackets). When a value's direction differs from its line's, as a Latin name in an Arabic letter,
Unicode's bidirectional algorithm lets the neighbouring punctuation join the value: the line
"Jane Doe، مديرة (UK)" can show its brackets and commas on the wrong side. An isolated value
(HTML's ``<bdi>``; in plain text, Unicode's isolates, FSI or LRI ... PDI) is ordered within itself
and stands as one unit in its line, whose punctuation then follows the line's direction.

A value is isolated only when it needs to be, so that a letter whose values are all in its own
direction prints exactly as it would without this module:

* in a right-to-left line: a value with a left-to-right letter (isolated with the direction of its
  first strong character, ``auto``), and a value with digits and no letter (a number, a telephone
  number: ``ltr``, numbers being written left to right in every script);
* in a left-to-right line: a value with a right-to-left letter (``auto``);
* web and email addresses, with ``address=True``: left to right (``ltr``) in a right-to-left line.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from typing import Literal

__all__ = ["Isolation", "balance", "isolate", "isolate_pieces", "isolation"]

Isolation = Literal["auto", "ltr"]
"""How a value is isolated: in its own first strong direction (``auto``) or left to right."""

FSI = "\u2068"
"""FIRST STRONG ISOLATE: what follows, up to its PDI, takes the direction of its first letter."""
LRI = "\u2066"
"""LEFT-TO-RIGHT ISOLATE."""
PDI = "\u2069"
"""POP DIRECTIONAL ISOLATE: the end of an isolate."""

_OPENERS = frozenset("\u2066\u2067\u2068")
_RTL = frozenset({"R", "AL"})
_DIGITS = frozenset({"EN", "AN"})


def isolation(value: str, direction: str, *, address: bool = False) -> Isolation | None:
    """How `value`, printed in a line of `direction` (``ltr`` or ``rtl``), is isolated; None when
    it needs no isolation (see the module's docstring). `address` says the value is a web or
    email address."""
    if direction == "rtl":
        if address:
            return "ltr"
        kinds = _kinds(value)
        if "L" in kinds:
            return "auto"
        return "ltr" if kinds & _DIGITS and not kinds & _RTL else None
    return "auto" if not value.isascii() and _kinds(value) & _RTL else None


@lru_cache(maxsize=4096)  # roles, countries and the like come back on every line of a long list
def _kinds(value: str) -> frozenset[str]:
    """The bidirectional types of the characters of `value` that decide its isolation."""
    if value.isascii():  # most names: Latin letters (L), digits (EN) and punctuation
        return frozenset(("L",) * bool(_ASCII_LETTER.search(value)) + ("EN",) * bool(_ASCII_DIGIT.search(value)))
    return frozenset(map(unicodedata.bidirectional, value))


_ASCII_LETTER = re.compile("[A-Za-z]")
_ASCII_DIGIT = re.compile("[0-9]")


def isolate(value: str, direction: str, *, address: bool = False) -> str:
    """`value` as plain text in a line of `direction`: between FSI (or LRI) and PDI when it
    needs isolation, else unchanged."""
    how = isolation(value, direction, address=address)
    if how is None:
        return value
    return (FSI if how == "auto" else LRI) + value + PDI


def isolate_pieces(pieces: Sequence[str], direction: str, *, address: bool = False) -> str:
    """A line given in pieces (the layer's words at even positions, the letter's values at odd
    ones, as `openletter.printed` gives them) as plain text, each value isolated as it needs."""
    if len(pieces) == 1:
        return pieces[0]
    if direction != "rtl" and all(piece.isascii() for piece in pieces[1::2]):
        return "".join(pieces)  # (the common case, at once)
    return "".join(isolate(piece, direction, address=address) if n % 2 else piece for n, piece in enumerate(pieces))


def balance(lines: Sequence[str]) -> list[str]:
    """Lines of one wrapped text, each closing the isolates it opens and opening again those the
    line before left open: every line of plain text is a paragraph of its own for the
    bidirectional algorithm, which ends an isolate where its paragraph ends."""
    out: list[str] = []
    carried: list[str] = []
    for line in lines:
        if not line:
            out.append(line)
            continue
        opened = list(carried)
        for char in line:
            if char in _OPENERS:
                opened.append(char)
            elif char == PDI and opened:
                opened.pop()
        out.append("".join(carried) + line + PDI * len(opened) if opened or carried else line)
        carried = opened
    return out
