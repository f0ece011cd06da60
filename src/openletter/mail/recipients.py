"""Mail-merge recipients: a CSV file with one row per recipient, read as a stream.

Columns: ``email`` (required), ``language`` (optional: the BCP 47 tag of the language the
recipient reads, which chooses the letter's translation for their message, see
`openletter.mail.languages`), and any others (``name``, ``honorific``, ``role``, ``last_name``,
``constituency``...), each usable in the letter as a ``[[column]]`` placeholder. Every cell is
one line: a carriage return, line feed, NUL or other control character anywhere is refused, naming
the row and column, so no recipient can add a header to a message; so is RFC 2047 encoded-word
syntax (``=?``), which mail programs decode, even into a line break (see
`openletter.mail.headers`). The address is one bare address (``name@example.org``), checked as the
letter's own are.
"""

from __future__ import annotations

import csv
import functools
import json
import re
import unicodedata
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path

import attrs

from ..errors import LetterError, Problem
from ..model import _BAD_IN_LINE, _BCP47, email_problem, line_problem
from ..sources.text import decode
from ..words import label_language
from .headers import ENCODED_WORD, ENCODED_WORD_EXPECTED, ENCODED_WORD_PROBLEM

HONORIFICS = "data/honorifics.json"
"""Role words and the honorific each gives, per language of the label table
(`openletter.LABEL_LANGUAGES`, keyed alike: ``zh-Hans`` and ``zh-Hant`` are Chinese in each
script), and how an honorific goes with a name in that language: ``{honorific} {name}``, or
``{name}{honorific}`` in Chinese and Japanese, ``{name} {honorific}`` in Korean. Inside the
package; read the first time a recipient needs it."""


def _key(text: str) -> str:
    """A role word as it is looked up: NFC, case-folded, single spaces."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


@functools.cache
def _tables() -> dict[str, dict[str, tuple[str, str]]]:
    """Each language's role words and honorifics, each with its (honorific, name format), in the
    order of the data file."""
    data = json.loads(resources.files("openletter").joinpath(HONORIFICS).read_text(encoding="utf-8"))
    tables: dict[str, dict[str, tuple[str, str]]] = {}
    for name, language in data.items():
        table = tables[name] = {}
        for words in language["roles"].values():
            for word, honorific in words.items():
                table.setdefault(_key(word), (honorific, language["format"]))
                table.setdefault(_key(honorific), (honorific, language["format"]))
    return tables


@functools.lru_cache(maxsize=256)  # asked for each recipient: label_language builds a dict a call
def role_table(language: str | None = None) -> dict[str, tuple[str, str]]:
    """Every role word, and every honorific, of every language: (honorific, name format).

    A Representative is never greeted as "Senator", a "Sénatrice" is greeted as "Sénatrice".
    The words of `language` (the letter's, a BCP 47 tag: its table is the one
    `openletter.label_language` names, so ``zh-TW`` reads Traditional Chinese) come first: a
    spelling two languages share with different honorifics (Urdu and Arabic "مندوب") gives the
    letter's. Any other word is found in whichever language has it, the first in the data file.
    """
    return _merged(None if language is None else label_language(language))


@functools.cache
def _merged(first: str | None) -> dict[str, tuple[str, str]]:
    """Every language's words, those of `first` (a key of the data file) before the others."""
    tables = _tables()
    table: dict[str, tuple[str, str]] = {}
    preferred = tables.get(first, {}) if first is not None else {}
    for words in (preferred, *tables.values()):
        for word, found in words.items():
            table.setdefault(word, found)
    return table


LANGUAGE = "language"
"""The column that says which language a recipient reads (a BCP 47 tag; empty: the letter's)."""

LANGUAGE_EXPECTED = "a BCP 47 language tag such as km, fr or pt-BR, or an empty cell for the letter's own language"

_NUL = "\uffff"  # stands in for NUL bytes while the file is read (a noncharacter: never real text)
_SUSPECT = re.compile(f"{_BAD_IN_LINE.pattern}|{re.escape(ENCODED_WORD)}")
"""What a cell must hold for one of `read`'s checks to fail: a line break, a NUL (its stand-in is a
noncharacter), another control character (`line_problem`), or encoded-word syntax."""


@attrs.frozen
class Recipient:
    """One row: its line in the CSV file, the address, and every column's value."""

    line: int
    email: str
    fields: dict[str, str]


def honorific_for(fields: dict[str, str], language: str | None = None) -> str:
    """The recipient's honorific: the ``honorific`` column, else the one that goes with ``role``
    (in a letter in `language`, see `role_table`)."""
    if fields.get("honorific"):
        return fields["honorific"]
    found = role_table(language).get(_key(fields.get("role", "")))
    return found[0] if found else ""


def derived(fields: dict[str, str], language: str | None = None) -> dict[str, str]:
    """Add the fields openletter derives: ``honorific`` (from ``role``) and ``honorific_name``
    (the honorific and the ``last_name``, or ``name``, in the order of the honorific's language),
    for a letter in `language` (see `role_table`)."""
    out = dict(fields)
    honorific = out["honorific"] = honorific_for(fields, language)
    surname = fields.get("last_name") or fields.get("name", "")
    if honorific and surname:
        found = role_table(language).get(_key(honorific))
        pattern = found[1] if found else "{honorific} {name}"
        out["honorific_name"] = pattern.format(honorific=honorific, name=surname)
    else:
        out["honorific_name"] = honorific or surname
    return out


def _problem(file: str, line: int, column: str, message: str, expected: str) -> Problem:
    return Problem(file=file, line=line, path=("recipients", column), message=message, expected=expected)


def _read_bytes(path: Path) -> bytes:
    """The recipients file's bytes, read like a letter's own files (no FIFO, no device, a size
    cap), or a located `LetterError` saying why not."""
    from ..sources.folder import SOURCE_MAX_BYTES, Unreadable, read_regular, size_text

    try:
        return read_regular(path, limit=SOURCE_MAX_BYTES)
    except Unreadable as refused:
        if refused.why == "open" and refused.error is not None:
            reason = "no such file" if isinstance(refused.error, FileNotFoundError) else str(refused.error)
        elif refused.why == "not-regular":
            reason = "this is not a regular file"
        else:
            reason = f"the file is {size_text(refused.size)}, more than {size_text(SOURCE_MAX_BYTES)}"
        raise LetterError(
            [
                Problem(
                    file=str(path),
                    line=1,
                    path=("recipients",),
                    message=f"cannot read the recipients file: {reason}",
                    expected="a CSV file with a header row and one row per recipient",
                )
            ]
        ) from None


_LINE = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+")


def _lines(text: str) -> Iterator[str]:
    """The lines of `text` with their line ends, as ``io.StringIO(text, newline="")`` reads them
    for `csv` (which copies the text into a buffer of four bytes a character)."""
    return (line.group() for line in _LINE.finditer(text))


def columns(path: Path) -> list[str]:
    """The header row of a recipients file."""
    raw = _read_bytes(path).replace(b"\x00", _NUL.encode())
    text = decode(raw, str(path), expected_content="a header row and one row per recipient")
    del raw
    reader = csv.reader(_lines(text))
    return [cell.strip() for cell in next(reader, [])]


def read(path: Path, language: str | None = None, *, choose: Callable[[str], str] | None = None) -> Iterator[Recipient]:
    """Yield recipients one by one; raise `LetterError` at the first malformed row.

    `language` is the letter's: its role words come first when ``honorific`` is derived from
    ``role`` (see `role_table`). With `choose`, each row's message is in the language `choose`
    gives for its ``language`` cell (``""`` when the row has none), and its honorific in that
    language too. A ``language`` cell that is not a BCP 47 tag is refused, naming the row."""
    file = str(path)
    # A NUL byte is reported at its row and column below, not as "a binary file".
    raw = _read_bytes(path).replace(b"\x00", _NUL.encode())
    text = decode(raw, file, expected_content="a header row and one row per recipient")
    del raw  # only the text is kept while the rows stream
    reader = csv.reader(_lines(text), strict=True)
    header = [cell.strip() for cell in next(reader, [])]
    if "email" not in header:
        raise LetterError(
            [_problem(file, 1, "email", "the header row has no 'email' column", "a header row with an 'email' column")]
        )
    line = reader.line_num + 1
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                line = reader.line_num + 1
                continue
            fields: dict[str, str] = {}
            for column, cell in zip(header, cells, strict=False):
                if not _SUSPECT.search(cell):  # then none of the checks below can fail
                    fields[column] = cell.strip()
                    continue
                bad = next((c for c in cell if c in "\r\n" or c == _NUL), None)
                if bad is not None:
                    raise LetterError(
                        [
                            _problem(
                                file,
                                line,
                                column,
                                f"row {line}, column {column!r} contains {'NUL' if bad == _NUL else 'a line break'}",
                                "one line of text per cell",
                            )
                        ]
                    )
                problem = line_problem(cell.strip()) if cell.strip() else None
                if problem is not None:  # a control character
                    raise LetterError(
                        [_problem(file, line, column, f"row {line}, column {column!r} {problem}", "one line of text")]
                    )
                if ENCODED_WORD in cell:  # a cell may reach the To or Subject header
                    raise LetterError(
                        [
                            _problem(
                                file,
                                line,
                                column,
                                f"row {line}, column {column!r} {ENCODED_WORD_PROBLEM}",
                                ENCODED_WORD_EXPECTED,
                            )
                        ]
                    )
                fields[column] = cell.strip()
            problem = email_problem(fields.get("email", ""))
            if problem is not None:
                raise LetterError(
                    [_problem(file, line, "email", f"row {line}: {problem}", "an address like name@example.org")]
                )
            asked = fields.get(LANGUAGE, "")
            if asked and not _BCP47.match(asked):
                raise LetterError(
                    [
                        _problem(
                            file,
                            line,
                            LANGUAGE,
                            f"row {line}, column {LANGUAGE!r}: {asked!r} is not a BCP 47 language tag",
                            LANGUAGE_EXPECTED,
                        )
                    ]
                )
            yield Recipient(line, fields["email"], derived(fields, language if choose is None else choose(asked)))
            line = reader.line_num + 1
    except csv.Error as error:
        raise LetterError(
            [Problem(file=file, line=reader.line_num, path=("recipients",), message=f"this is not valid CSV: {error}")]
        ) from None
