"""Mail-merge recipients: a CSV file with one row per recipient, read as a stream.

Columns: ``email`` (required), and any others (``name``, ``honorific``, ``role``, ``last_name``,
``constituency``...), each usable in the letter as a ``[[column]]`` placeholder. Every cell is
one line: a carriage return, line feed or NUL anywhere is refused, naming the row and column, so
no recipient can add a header to a message.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import attrs

from ..errors import LetterError, Problem
from ..model import mailbox_problem
from ..sources.text import decode

ROLE_HONORIFICS = {
    "senator": "Senator",
    "representative": "Representative",
    "congressman": "Representative",
    "congresswoman": "Representative",
    "member of congress": "Representative",
    "delegate": "Delegate",
    "member of parliament": "Hon.",
    "mp": "Hon.",
    "minister": "Minister",
    "prime minister": "Prime Minister",
    "president": "President",
    "governor": "Governor",
    "mayor": "Mayor",
    "ambassador": "Ambassador",
    "judge": "Judge",
    "secretary": "Secretary",
}
"""How a recipient is addressed, from their role, when the CSV gives no ``honorific``: a
Representative is never greeted as "Senator"."""


_NUL = "\uffff"  # stands in for NUL bytes while the file is read (a noncharacter: never real text)


@attrs.frozen
class Recipient:
    """One row: its line in the CSV file, the address, and every column's value."""

    line: int
    email: str
    fields: dict[str, str]


def honorific_for(fields: dict[str, str]) -> str:
    """The recipient's honorific: the ``honorific`` column, else one derived from ``role``."""
    if fields.get("honorific"):
        return fields["honorific"]
    return ROLE_HONORIFICS.get(fields.get("role", "").strip().lower(), "")


def derived(fields: dict[str, str]) -> dict[str, str]:
    """Add the fields openletter derives: ``honorific`` (from ``role``) and ``honorific_name``."""
    out = dict(fields)
    out["honorific"] = honorific_for(fields)
    surname = fields.get("last_name") or fields.get("name", "")
    out["honorific_name"] = f"{out['honorific']} {surname}".strip()
    return out


def _problem(file: str, line: int, column: str, message: str, expected: str) -> Problem:
    return Problem(file=file, line=line, path=("recipients", column), message=message, expected=expected)


def columns(path: Path) -> list[str]:
    """The header row of a recipients file."""
    raw = path.read_bytes().replace(b"\x00", _NUL.encode())
    text = decode(raw, str(path), expected_content="a header row and one row per recipient")
    reader = csv.reader(io.StringIO(text))
    return [cell.strip() for cell in next(reader, [])]


def read(path: Path) -> Iterator[Recipient]:
    """Yield recipients one by one; raise `LetterError` at the first malformed row."""
    file = str(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise LetterError(
            [Problem(file=file, line=1, message=f"cannot read the recipients: {error.strerror}", expected="a CSV file")]
        ) from None
    # A NUL byte is reported at its row and column below, not as "a binary file".
    text = decode(raw.replace(b"\x00", _NUL.encode()), file, expected_content="a header row and one row per recipient")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
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
                fields[column] = cell.strip()
            problem = mailbox_problem(fields.get("email", ""))
            if problem is not None:
                raise LetterError([_problem(file, line, "email", f"row {line}: {problem}", "an email address")])
            yield Recipient(line, fields["email"], derived(fields))
            line = reader.line_num + 1
    except csv.Error as error:
        raise LetterError(
            [Problem(file=file, line=reader.line_num, path=("recipients",), message=f"this is not valid CSV: {error}")]
        ) from None
