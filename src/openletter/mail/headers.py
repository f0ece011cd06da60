"""Header safety: what may reach a message header, how headers are written, and the final check.

Three defences, used by the ``eml`` format and by the mail merge alike:

1. **Encoded-word syntax is refused.** Python's ``email`` package decodes RFC 2047 encoded words
   (``=?utf-8?q?...?=``) when it refolds a header, so a subject or a display name holding
   ``=?utf-8?q?=0D=0ABcc:_victim@example.com?=`` turned into a line break and a new ``Bcc``
   header (CPython gh-121650, CVE-2024-6923; again in the bytes generator, gh-144125,
   CVE-2026-1299; fixed only in later patch releases, and openletter supports any 3.11). Every
   text that reaches a header is refused when it contains ``=?``: the email settings by the model
   itself (they reach nothing but headers), the subject, title and addressee names by the eml
   and mailto formats' checks (`problems`: located errors from ``openletter check``, and
   `openletter.LetterError` from the exporters), the options, and every cell of a recipients
   file. Refusing is faithful: the alternative, breaking ``=?`` with an invisible character,
   changes what the reader sees and what a search finds.
2. **Address and text headers are written here, not by the email package,** whose folder drops
   the quotes around a long display name such as ``"Minister, Forests <x@evil.example>, Office"``
   and so makes a parser see ``x@evil.example`` as a recipient. `address_header` writes each
   display name as atoms, as one quoted string folded only at its own spaces, or as RFC 2047
   encoded words; `text_header` writes a subject as ASCII folded at its spaces, or as encoded
   words. Every line stays within 78 characters.
3. **Every header block is checked before it is written** (`verify`): it is parsed back with
   ``email.policy.strict``, and its header names, the addresses of each address header and the
   text of each text header must be exactly what the code set. A failure raises
   `UnsafeHeaderError`; no message is written.
"""

from __future__ import annotations

import base64
import functools
import re
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, cast

from ..errors import OpenLetterError, Problem
from ..model import ENCODED_WORD_PROBLEM, encoded_word_problem

__all__ = [
    "ENCODED_WORD",
    "ENCODED_WORD_EXPECTED",
    "ENCODED_WORD_PROBLEM",
    "Mailbox",
    "UnsafeHeaderError",
    "address_header",
    "encoded_word_problem",
    "format_mailbox",
    "header_fields",
    "parse_mailboxes",
    "problems",
    "subject_field",
    "subject_problems",
    "text_header",
    "verify",
]

if TYPE_CHECKING:
    from ..errors import FieldPath
    from ..model import Letter

Mailbox = tuple[str, str]
"""A display name (maybe empty) and an address."""

ENCODED_WORD = "=?"
"""What starts an RFC 2047 encoded word; refused in every text that reaches a header."""

ENCODED_WORD_EXPECTED = "text without '=?'"

LINE = 78
"""The length header lines are folded to (RFC 5322 asks for at most 78 characters)."""

_WORD = 75
"""The longest RFC 2047 encoded word."""

_PIECE = 60
"""The longest word written as it is (longer ones become encoded words, which can be split)."""

_ATOM = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+\Z")
_PRINTABLE = re.compile(r"[\x20-\x7e]*\Z")
_Q_SAFE = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!*+-/")
"""Bytes a "Q" encoded word may carry as they are, in a display name too (RFC 2047, 5 (3))."""


class UnsafeHeaderError(OpenLetterError):
    """A header block failed the final check: nothing was written for it.

    This means openletter's own header code let something through; please report it.
    """


# --------------------------------------------------------------------------- the letter's fields


def subject_field(letter: Letter) -> tuple[FieldPath, str]:
    """The field the email subject comes from, and its text (email.subject, subject or title)."""
    if letter.email is not None and letter.email.subject:
        return ("email", "subject"), letter.email.subject
    if letter.subject:
        return ("subject",), letter.subject
    return ("title",), letter.title


def header_fields(letter: Letter) -> Iterator[tuple[FieldPath, str]]:
    """Every field of the letter, outside its email settings, whose text reaches a header.

    (The email settings reach nothing but headers: the model refuses ``=?`` in them itself.)
    """
    yield subject_field(letter)
    for index, addressee in enumerate(letter.addressees):
        if addressee.email is not None:
            yield ("addressees", index, "name"), addressee.name
    if letter.sender is not None and letter.email is not None and sender_display_default(letter) is not None:
        for index, organisation in enumerate(letter.sender.organisations):
            yield ("sender", "organisations", index, "name"), organisation.name
        for index, person in enumerate(letter.sender.people):
            yield ("sender", "people", index, "name"), person.name


def sender_display_default(letter: Letter) -> str | None:
    """The From display name when ``email.sender`` gives none: the sender's names, or None."""
    if letter.sender is None or letter.email is None:
        return None
    found = parse_mailboxes(letter.email.sender) or [("", "")]
    if found[0][0]:
        return None
    return ", ".join(letter.sender.names)


def _problem(path: FieldPath) -> Problem:
    return Problem(path=path, message=ENCODED_WORD_PROBLEM, expected=ENCODED_WORD_EXPECTED)


def problems(letter: Letter) -> list[Problem]:
    """Errors for each field that would carry encoded-word syntax into a header."""
    return [_problem(path) for path, text in header_fields(letter) if encoded_word_problem(text)]


def subject_problems(letter: Letter) -> list[Problem]:
    """The error for a subject holding encoded-word syntax (what a ``mailto:`` link carries)."""
    path, text = subject_field(letter)
    return [_problem(path)] if encoded_word_problem(text) else []


# --------------------------------------------------------------------------- mailboxes


def parse_mailboxes(text: str) -> list[Mailbox] | None:
    """The mailboxes of an address list (``a@x.org, Name <b@y.org>``), or None when it is not one.

    Parsed by the email package's strict parser; groups, defects and empty entries are refused.
    """
    from email.errors import NonASCIILocalPartDefect
    from email.headerregistry import HeaderRegistry

    try:
        header = HeaderRegistry()("to", text)
        groups = header.groups  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 -- the parser's failures all mean "not an address list"
        return None
    if any(not isinstance(d, NonASCIILocalPartDefect) for d in header.defects):
        return None
    if any(group.display_name is not None for group in groups):
        return None
    return [(a.display_name, a.addr_spec) for group in groups for a in group.addresses]


def format_mailbox(mailbox: Mailbox) -> str:
    """One mailbox on one line, quoted as RFC 5322 asks (``"Smith, Jo" <jo@example.org>``)."""
    from email.headerregistry import Address

    display, address = mailbox
    local, _, domain = address.rpartition("@")
    return str(Address(display_name=display, username=local, domain=domain))


# --------------------------------------------------------------------------- writing headers


def _encoded_words(text: str, first: int) -> list[str]:
    """`text` as RFC 2047 encoded words (UTF-8; "Q" or "B", whichever is shorter).

    The first word is at most `first` characters long, the others at most 75; a word never
    splits a character. In a display name, a word ends after a space where it can, so that a
    parser which keeps the space between two encoded words (Python's) adds one where there
    already is one.
    """

    def q(data: bytes) -> str:
        return "".join(chr(b) if b in _Q_SAFE else "_" if b == 0x20 else f"={b:02X}" for b in data)

    def b(data: bytes) -> str:
        return base64.b64encode(data).decode("ascii")

    best: list[str] = []
    for tag, encode in (("q", q), ("b", b)):
        words: list[str] = []
        chunk = ""
        space = -1  # the end of the last space in `chunk`
        for char in text:
            limit = (first if not words else _WORD) - len("=?utf-8?x??=")
            if len(encode((chunk + char).encode("utf-8"))) > limit and chunk:
                cut = space if space > 0 else len(chunk)
                words.append(f"=?utf-8?{tag}?{encode(chunk[:cut].encode('utf-8'))}?=")
                chunk, space = chunk[cut:], -1
            chunk += char
            if char == " ":
                space = len(chunk)
        words.append(f"=?utf-8?{tag}?{encode(chunk.encode('utf-8'))}?=")
        if not best or sum(map(len, words)) < sum(map(len, best)):
            best = words
    return best


def _fold(name: str, units: Sequence[str]) -> str:
    """Join `units` with single spaces, breaking lines before a unit where a line would pass 78."""
    lines = [units[0]]
    width = len(name) + 2 + len(units[0])
    for unit in units[1:]:
        if unit and width + 1 + len(unit) > LINE:  # never a line of only white space
            lines.append(unit)
            width = 1 + len(unit)
        else:
            lines[-1] += " " + unit
            width += 1 + len(unit)
    return "\r\n ".join(lines)


def _display_name(display: str, room: int) -> list[str]:
    """A display name as units for `_fold`: atoms, one quoted string, or encoded words."""
    words = display.split(" ")
    if ENCODED_WORD not in display and all(_ATOM.match(w) and len(w) <= _PIECE for w in words):
        return words
    if ENCODED_WORD not in display and _PRINTABLE.match(display):
        quoted = '"' + display.replace("\\", "\\\\").replace('"', '\\"') + '"'
        pieces = quoted.split(" ")  # folding at a space inside the quotes keeps the space
        if all(len(p) <= _PIECE for p in pieces):
            return pieces
    return _encoded_words(display, max(room, 20))


def address_header(name: str, mailboxes: Sequence[Mailbox]) -> str:
    """The value of address header `name` (From, To...): folded at 78 columns with CRLF, each
    display name written so that folding cannot change it, addresses as they are."""
    units: list[str] = []
    for index, (display, address) in enumerate(mailboxes):
        comma = "," if index < len(mailboxes) - 1 else ""
        if not display:
            units.append(address + comma)
            continue
        room = LINE - (len(name) + 2 if not units else 1)
        units += _display_name(display, room)
        units.append(f"<{address}>{comma}")
    return _fold(name, units)


def text_header(name: str, text: str) -> str:
    """The value of unstructured header `name` (Subject): ASCII text folded at its spaces, or,
    for other text, RFC 2047 encoded words (which a parser joins back without the folds)."""
    words = text.split(" ")
    if text and ENCODED_WORD not in text and _PRINTABLE.match(text) and max(map(len, words)) <= _PIECE:
        units = [words[0]]
        for word in words[1:]:  # a fold only before a word: no line of only spaces
            if word:
                units.append(word)
            else:
                units[-1] += " "
        return _fold(name, units)
    if not text:
        return ""
    return "\r\n ".join(_encoded_words(text, LINE - len(name) - 2))


# --------------------------------------------------------------------------- the final check

Expected = Sequence[tuple[str, "str | Sequence[Mailbox] | None"]]
"""What the code set, in order: each header's name and its text, its mailboxes, or None (the
name alone is checked: headers the email package writes, such as Content-Type)."""


def _squeezed(text: str) -> str:
    return "".join(text.split())


@functools.cache
def _header_class(name: str) -> Any:
    """The class ``email.policy.strict`` parses header `name` with (made once: the registry makes
    a new class at each look-up)."""
    from email.headerregistry import HeaderRegistry
    from email.policy import strict

    return cast(HeaderRegistry, strict.header_factory)[name]


@functools.lru_cache(maxsize=256)
def _read_back(name: str, raw: str) -> tuple[str, tuple[Mailbox, ...] | None, str | None]:
    """A header as ``email.policy.strict`` reads it: its text, its mailboxes (None for a header
    that holds none, or holds a group), and its first defect, if any.

    Cached: the headers a merge repeats in every message (a subject without placeholders) are
    parsed once.
    """
    from email.errors import NonASCIILocalPartDefect

    header = _header_class(name.lower())(name, raw.replace("\r", "").replace("\n", ""))  # unfolded
    defects = [d for d in getattr(header, "defects", ()) if not isinstance(d, NonASCIILocalPartDefect)]
    groups = getattr(header, "groups", None)
    mailboxes = None
    if groups is not None and all(group.display_name is None for group in groups):
        mailboxes = tuple((a.display_name, a.addr_spec) for group in groups for a in group.addresses)
    return str(header), mailboxes, str(defects[0]) if defects else None


def verify(block: bytes, expected: Expected) -> None:
    """Parse a header block back with ``email.policy.strict`` and check it says what was meant.

    The header names must be exactly those of `expected` (no more, no fewer, none twice); each
    address header must hold exactly the expected addresses, with the expected display names
    (compared without white space: Python keeps the space between two encoded words, which RFC
    2047 drops), and no group; each text header must read back as the expected text. Lines must
    end in CRLF and hold at most 998 octets. Raise `UnsafeHeaderError` otherwise.

    A block in the plainest forms (ASCII atoms, dot-atom addresses, ASCII text: what a merge
    writes for most recipients) is read by a small grammar instead (`_reads_plainly`), checked
    to agree with the parser; anything else is parsed.
    """
    if b"\r\n\r\n" in block or not block.endswith(b"\r\n"):
        raise _failed("the header block is not one block of CRLF-terminated lines")
    lines = block[:-2].split(b"\r\n")
    if any(b"\r" in line or b"\n" in line or b"\0" in line for line in lines):
        raise _failed("a bare CR, LF or a NUL")
    if any(len(line) > 998 for line in lines):
        raise _failed("a line longer than 998 octets")
    if not _reads_plainly(block, expected):
        _parsed_reading(block, expected)


def _failed(reason: str) -> UnsafeHeaderError:
    return UnsafeHeaderError(f"the message's headers failed the final check: {reason}; nothing was written")


_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]"
_ADDR_SPEC = rf"{_ATEXT}+(?:\.{_ATEXT}+)*@{_ATEXT}+(?:\.{_ATEXT}+)*"


@functools.cache
def _plain() -> tuple[re.Pattern[bytes], re.Pattern[str], re.Pattern[str]]:
    """The grammar of `_reads_plainly` (compiled on first use: every build imports this module).

    - one header field of visible ASCII: its name, and its value without the white space after
      the colon; a fold always leads to more text, never to a line of only white space;
    - a mailbox whose display name is atoms between single spaces and whose address is two
      dot-atoms (after unfolding), then a comma and a space, or the end;
    - text: visible ASCII words between single spaces.
    """
    return (
        re.compile(rb"([!-9;-~]+):[ \t]*+([!-~](?:[ \t]*+(?:\r\n[ \t]++)?[!-~]+)*+)?\r\n"),
        re.compile(rf"(?:((?:{_ATEXT}+ )*{_ATEXT}+) <({_ADDR_SPEC})>|({_ADDR_SPEC}))(, |\Z)"),
        re.compile(r"[!-~]+(?: [!-~]+)*\Z"),
    )


def _reads_plainly(block: bytes, expected: Expected) -> bool:
    """Whether `block` (lines already checked by `verify`) is, field by field, the headers of
    `expected` in their order, written in the plainest forms of RFC 5322, that say what was meant.

    The common case of a merge (an ASCII name and address, an ASCII subject) needs no parse by
    the email package, which costs more than the rest of the message: each field must match a
    small grammar on which ``email.policy.strict`` reads exactly what the pattern reads (no
    encoded words, no quoted strings, comments, groups or obsolete syntax; single spaces), which
    tests/test_mail_scale.py checks against `_parsed_reading`. False means "not proven here": the
    block then gets the full parse, which accepts it or says what is wrong.
    """
    if not block.isascii() or ENCODED_WORD.encode() in block:
        return False
    if len({key.lower() for key, _ in expected}) != len(expected):
        return False
    plain_field, plain_mailbox, plain_text = _plain()
    position = 0
    for key, meant in expected:
        field = plain_field.match(block, position)
        if field is None or field.group(1) != key.encode("ascii"):
            return False
        position = field.end()
        if meant is None:
            continue
        value = (field.group(2) or b"").replace(b"\r\n", b"").decode("ascii")
        kind = _kind(key.lower())
        if isinstance(meant, str):
            if kind != "text" or value != meant or not plain_text.match(value):
                return False
            continue
        if kind != "mailboxes":
            return False
        found: list[Mailbox] = []
        at = 0
        while at < len(value):
            mailbox = plain_mailbox.match(value, at)
            if mailbox is None or (mailbox.group(4) == ", " and mailbox.end() == len(value)):
                return False
            found.append((mailbox.group(1) or "", mailbox.group(2) or mailbox.group(3)))
            at = mailbox.end()
        if not found or found != [(display, address) for display, address in meant]:
            return False
    return position == len(block)


@functools.cache
def _kind(name: str) -> str:
    """How ``email.policy.strict`` reads header `name`: as ``text`` (unstructured: a Subject),
    as ``mailboxes`` (an address list: To, Cc, From, Reply-To), or some ``other`` way (a Date,
    a single-address Sender, a Message-ID...), which `_reads_plainly` leaves to the parser."""
    from email.headerregistry import AddressHeader, SingleAddressHeader, UnstructuredHeader

    found = _header_class(name)
    if issubclass(found, UnstructuredHeader):
        return "text"
    if issubclass(found, AddressHeader) and not issubclass(found, SingleAddressHeader):
        return "mailboxes"
    return "other"


def _parsed_reading(block: bytes, expected: Expected) -> None:
    """The block parsed back by ``email.policy.strict``, which must read what was meant (see
    `verify`, which has checked its lines)."""
    from email.parser import Parser
    from email.policy import strict

    fail = _failed
    try:
        message = Parser(policy=strict).parsestr(block.decode("utf-8") + "\r\n", headersonly=True)
        if message.defects:
            raise fail(f"{message.defects[0]}")
        raw = dict(message.raw_items())
        if len(raw) != len(message) or sorted(k.lower() for k in raw) != sorted(k.lower() for k, _ in expected):
            raise fail(f"headers {', '.join(message.keys())}, expected {', '.join(k for k, _ in expected)}")
        values = {key.lower(): value for key, value in raw.items()}
        for key, value in expected:
            if value is None:
                continue
            text, mailboxes, defect = _read_back(key, values[key.lower()])
            if defect is not None:
                raise fail(f"{key}: {defect}")
            if isinstance(value, str):
                if text != value:
                    raise fail(f"{key} reads {text!r}, not {value!r}")
            elif mailboxes is None:
                raise fail(f"{key} holds a group")
            elif [(_squeezed(d), a) for d, a in mailboxes] != [(_squeezed(d), a) for d, a in value]:
                raise fail(f"{key} holds {[a for _, a in mailboxes]}, not {[a for _, a in value]}")
    except UnsafeHeaderError:
        raise
    except Exception as error:  # noqa: BLE001 -- whatever the parser refuses is a failure
        raise fail(f"{type(error).__name__}: {error}") from None
