"""Turning a source file's bytes into text, with clear errors for files that are not UTF-8 text."""

from __future__ import annotations

import codecs

from ..errors import LetterError, Problem


def _fail(file: str, line: int, message: str, expected: str) -> LetterError:
    return LetterError([Problem(file=file, line=line, message=message, expected=expected)])


def decode(data: bytes, file: str, *, expected_content: str) -> str:
    """Decode UTF-8 (a BOM is allowed), normalise line ends to ``\\n``; refuse what is not text."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise _fail(file, 1, "the file is UTF-16 or UTF-32 encoded", "UTF-8 text: save the file as UTF-8")
    if b"\x00" in data[:65536]:
        raise _fail(file, 1, "this is a binary file, not text", f"a text file holding {expected_content}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise _fail(
            file,
            line,
            f"the file is not valid UTF-8: byte 0x{data[error.start]:02X} at column {column} "
            "(it may be Latin-1 or Windows-1252)",
            "UTF-8 text: open the file in your editor and save it as UTF-8",
        ) from None
    text = text.removeprefix("\ufeff")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise _fail(file, 1, "the file is empty", expected_content)
    return text
