"""Invisible and unusual characters named in plain words, for messages ("a tab", "a non-breaking space").

A problem that says ``U+00A0`` leaves the author to look it up; "a non-breaking space" says what to
retype. `name` knows the characters that end up in letters by copying and pasting.
"""

from __future__ import annotations

_NAMES = {
    "\x00": "a NUL",
    "\x07": "a bell character",
    "\x08": "a backspace",
    "\t": "a tab",
    "\n": "a line break",
    "\x0b": "a vertical tab",
    "\x0c": "a form feed (page break)",
    "\r": "a carriage return",
    "\x1b": "an escape character",
    "\x7f": "a delete character",
    "\x85": "a next-line character (NEL)",
    "\xa0": "a non-breaking space",
    "\xad": "a soft hyphen",
    "\u2007": "a figure space",
    "\u200b": "a zero-width space",
    "\u2028": "a line separator",
    "\u2029": "a paragraph separator",
    "\u202f": "a narrow non-breaking space",
    "\u3000": "an ideographic space",
    "\u061c": "an Arabic letter mark",
    "\u200e": "a left-to-right mark",
    "\u200f": "a right-to-left mark",
    "\u202a": "a left-to-right embedding",
    "\u202b": "a right-to-left embedding",
    "\u202c": "a pop directional formatting",
    "\u202d": "a left-to-right override",
    "\u202e": "a right-to-left override",
    "\u2066": "a left-to-right isolate",
    "\u2067": "a right-to-left isolate",
    "\u2068": "a first-strong isolate",
    "\u2069": "a pop directional isolate",
    "\ufeff": "a byte-order mark (zero-width no-break space)",
}

ODD_SPACES = "\xa0\u2007\u202f\u3000"
"""Spaces that look like a space but are not one to YAML, Markdown or a CSV reader (text pasted
from a web page or a word processor brings them)."""


def name(char: str) -> str | None:
    """The plain name of `char` ("a tab"), or None for a character without one here."""
    known = _NAMES.get(char)
    if known is not None:
        return known
    code = ord(char)
    if code < 0x20 or 0x7F <= code <= 0x9F:
        return "a control character"
    if 0xD800 <= code <= 0xDFFF:
        return "a lone surrogate (half of a character)"
    if 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE:
        return "a Unicode noncharacter"
    return None


def describe(char: str) -> str:
    """`char` for a message: ``a tab (U+0009)``, or ``the character U+2066`` without a name."""
    known = name(char)
    code = f"U+{ord(char):04X}"
    return f"{known} ({code})" if known else f"the character {code}"
