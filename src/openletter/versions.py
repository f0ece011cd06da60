"""Text versions: an identifier for the words of a letter, from its canonical text.

People who sign a letter agree to a text. `text_version` names that text: ``v1-`` and 16
hexadecimal digits, the start of the SHA-256 of the letter's canonical text. Editing a word
changes it; re-wrapping a paragraph, changing emphasis or a list marker does not.

**What is in the version** (the words the signers put their names under, in order): the
`title`, `subtitle`, `subject` and `salutation`; each section's heading and text; each demand
(a demand listed after the body by its `text`, a demand anchored in the body by its `quote`:
which passage is marked as a demand); the `closing`; and the endnotes (`references`), whose
markers the body cites.

**What is not**: who signs and sends (signatories, sender, the signatory count note), who it is
addressed to (addressees, email settings), when and where (dates, place), the `notes` and
`postscript` after the signatures, labels, logo, keywords, URLs and archive, languages and
``lang`` marks, ids, a demand's targets, deadline and status (a demand met after publication is
not a new text), and an anchored demand's summary (`text`, data for JSON-LD, never printed).

**Canonical text.** Each part is written as a reader reads it. A Markdown field is parsed with
the project's parser (`openletter.markdown.parser`) and written one line per block
(paragraph, heading, code block): the words, with emphasis dropped, line breaks and spacing
collapsed to one space, Unicode NFC. A block in a quote starts ``>``; the first block of a list
item starts ``-`` (any bullet) or its number and ``.`` (``1.`` or ``1)``); a heading starts with
one ``#`` per level (``###``, however it was written). A link whose words are not its address
is written ``words <address>`` (a changed address is a changed text); an image ``alt <source>``;
an endnote marker as its number, ``[1]``, as every format prints it. Thematic breaks (``---``)
are layout and are left out. One-line fields (title, salutation...) are their words, spacing
collapsed, NFC. A section's part is its heading as a line ``## HEADING`` (when it has one), then
its blocks.

**Scheme v1.** The bytes hashed are the UTF-8 of the JSON text
``{"parts":[[KIND,TEXT],...],"scheme":"openletter-text-v1"}`` (keys sorted, no spaces, non-ASCII
characters as they are), the parts in the order above, each with its kind (``title``,
``subtitle``, ``subject``, ``salutation``, ``section``, ``demand``, ``marked-demand``,
``closing``, ``endnote``); parts a letter does not have are left out. Ids are not hashed: giving
sections ids (for translations) keeps the version. A change to any of this is a new scheme
(``v2-``), never a silent change of ``v1`` identifiers.

**Translations.** A translation is the same text in another language: what signers sign is the
original's text, and its version is the one a signature records. `text_version` of a
translation's `Letter` (``openletter.load(path, language="km")``) is the version of the
translation's own words (passages it leaves untranslated count in the original's words); it
changes when the translation changes, and is not the version signers agreed to.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, Literal

import attrs

from .errors import FieldPath, Problem

if TYPE_CHECKING:
    from markdown_it.token import Token

    from .model import Letter, Organisation, Person

__all__ = [
    "SCHEME",
    "PartKind",
    "TextPart",
    "canonical_bytes",
    "canonical_text",
    "is_text_version",
    "reaffirm_recipients",
    "signed_versions",
    "text_version",
    "version_problems",
]

SCHEME = "openletter-text-v1"
"""The name of the canonicalisation scheme, hashed with the parts."""

PREFIX = "v1-"
"""How a version identifier of this scheme starts."""

DIGITS = 16
"""How many hexadecimal digits of the SHA-256 a version identifier keeps (64 bits)."""

PartKind = Literal[
    "title", "subtitle", "subject", "salutation", "section", "demand", "marked-demand", "closing", "endnote"
]


@attrs.frozen
class TextPart:
    """One part of a letter's canonical text.

    `key` names it in the letter, as a translation's passages are named: ``title``,
    ``sections[intro]`` (``sections[0]`` when the section has no id), ``demands[release]``,
    ``references[note-1]``. `kind` says what it is, `text` is its canonical text: one line
    per block, no line empty.
    """

    key: str
    kind: PartKind
    text: str


def _words(text: str) -> str:
    """`text` in NFC, its whitespace collapsed to single spaces, no leading or trailing space."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def _same_address(words: str, href: str) -> bool:
    """Whether a link's words are its address (an autolink, or a link written as its address)."""
    from .markdown import parser

    normalize = parser().normalizeLink
    return words == href or normalize(words) == href or normalize(f"mailto:{words}") == href


def _inline(children: Sequence[Token]) -> str:
    """The words of inline tokens as a reader reads them (see the module docstring)."""
    out: list[str] = []
    links: list[tuple[str, int]] = []  # open links: address, where their words start
    for child in children:
        kind = child.type
        if kind in ("text", "code_inline"):
            out.append(child.content)
        elif kind in ("softbreak", "hardbreak"):
            out.append(" ")
        elif kind == "link_open":
            links.append((str(child.attrs.get("href", "")), len(out)))
        elif kind == "link_close" and links:
            href, start = links.pop()
            if not _same_address(_words("".join(out[start:])), href):
                out.append(f" <{href}>")
        elif kind == "image":
            out.append(f"{child.content} <{child.attrs.get('src', '')}>")
        elif kind == "footnote_ref":
            out.append(f"[{child.meta['id'] + 1}]")
    return _words("".join(out))


def _env(notes: Sequence[str]) -> dict[str, Any]:
    from .markdown import footnote_env

    return footnote_env(notes)


def markdown_lines(text: str, notes: Sequence[str] = ()) -> list[str]:
    """The canonical lines of Markdown `text`: one per block (see the module docstring).
    `notes` are the letter's endnote labels, in order, which number the markers."""
    from .markdown import parser

    tokens = parser().parse(text, _env(notes))
    lines: list[str] = []
    marks: list[str] = []  # one per open container: ">", a list item's marker, or "" once it is used
    counters: list[int | None] = []  # per open list: its next number, or None for bullets
    for index, token in enumerate(tokens):
        kind = token.type
        if kind == "blockquote_open":
            marks.append(">")
        elif kind == "bullet_list_open":
            counters.append(None)
        elif kind == "ordered_list_open":
            counters.append(int(token.attrs.get("start", 1) or 1))
        elif kind in ("bullet_list_close", "ordered_list_close"):
            counters.pop()
        elif kind == "list_item_open":
            number = counters[-1]
            marks.append("-" if number is None else f"{number}.")
            if number is not None:
                counters[-1] = number + 1
        elif kind in ("blockquote_close", "list_item_close"):
            marks.pop()
        elif kind == "inline" and tokens[index - 1].type in ("paragraph_open", "heading_open"):
            opening = tokens[index - 1]
            level = "#" * int(opening.tag[1:]) if opening.type == "heading_open" else ""
            words = _inline(token.children or [])
            lines.append(_line(marks, level, words))
        elif kind in ("fence", "code_block"):
            lines.append(_line(marks, "", _words(token.content)))
    return [line for line in lines if line]


def _line(marks: list[str], level: str, words: str) -> str:
    """A block's line: its containers' marks, its heading level, its words. A list item's marker
    starts its first block only."""
    line = _words(" ".join([*marks, level, words]))
    for number, mark in enumerate(marks):
        if mark != ">":
            marks[number] = ""
    return line


def _heading(text: str, notes: Sequence[str]) -> str:
    from .markdown import parser

    tokens = parser().parseInline(text, _env(notes))
    return _words(" ".join(_inline(token.children or []) for token in tokens))


def canonical_text(letter: Letter) -> list[TextPart]:
    """The parts of `letter` that its text version covers, each as canonical text, in order."""
    notes = [reference.id for reference in letter.references]
    parts: list[TextPart] = []
    for field in ("title", "subtitle", "subject", "salutation"):
        value = getattr(letter, field)
        if value is not None:
            parts.append(TextPart(field, field, _words(value)))
    for index, section in enumerate(letter.sections):
        lines = [] if section.heading is None else [f"## {_heading(section.heading, notes)}"]
        lines += markdown_lines(section.text, notes)
        parts.append(TextPart(_key("sections", section.id, index), "section", "\n".join(lines)))
    for index, demand in enumerate(letter.demands):
        key = _key("demands", demand.id, index)
        if demand.quote is not None:
            parts.append(TextPart(key, "marked-demand", _words(demand.quote)))
        else:
            assert demand.text is not None  # (a demand has a text or a quote)
            parts.append(TextPart(key, "demand", "\n".join(markdown_lines(demand.text, notes))))
    if letter.closing is not None:
        parts.append(TextPart("closing", "closing", _words(letter.closing)))
    for reference in letter.references:
        parts.append(
            TextPart(f"references[{reference.id}]", "endnote", "\n".join(markdown_lines(reference.text, notes)))
        )
    return parts


def _key(kind: str, ident: str | None, index: int) -> str:
    return f"{kind}[{ident if ident is not None else index}]"


def canonical_bytes(parts: Sequence[TextPart]) -> bytes:
    """The bytes a version hashes: the JSON of the scheme and each part's kind and text."""
    import json

    data = {"scheme": SCHEME, "parts": [[part.kind, part.text] for part in parts]}
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def version_of(parts: Sequence[TextPart]) -> str:
    """The version identifier of canonical parts (`text_version` of the letter they come from)."""
    import hashlib  # (OpenSSL takes a few ms to load: only for those who ask for a version)

    return PREFIX + hashlib.sha256(canonical_bytes(parts)).hexdigest()[:DIGITS]


def text_version(letter: Letter) -> str:
    """The version of `letter`'s text: ``v1-`` and 16 hexadecimal digits of the SHA-256 of its
    canonical text (see the module docstring for what it covers)."""
    return version_of(canonical_text(letter))


def signed_versions(letter: Letter) -> dict[str, int]:
    """How many signatures (withdrawn ones left out) were given to each text version, by version
    (``""`` for signatures that do not say)."""
    from collections import Counter

    counts: Counter[str] = Counter()
    for _, _, entry in _signing_entries(letter):
        signature = entry.signature
        if signature is None:
            counts[""] += 1
        elif signature.withdrawal is None:
            counts[signature.version or ""] += 1
    return dict(counts)


def _signing_entries(letter: Letter) -> Iterator[tuple[int, str, Organisation | Person]]:
    """Every signatory entry, with its group's index and its list's field name."""
    from .model import OrganisationGroup

    for index, group in enumerate(letter.signatories):
        if isinstance(group, OrganisationGroup):
            yield from ((index, "organisations", entry) for entry in group.organisations)
        else:
            yield from ((index, "people", entry) for entry in group.people)


def is_text_version(text: str) -> bool:
    """Whether `text` is written as `text_version` writes a version: ``v``, the scheme's number,
    ``-`` and 16 hexadecimal digits."""
    import re

    return re.fullmatch(r"v\d+-[0-9a-f]{16}", text) is not None


def version_problems(letter: Letter) -> list[Problem]:
    """A warning when signatures were given to another text version than the letter's current
    one (`Signature.version`), with the counts by version, located at the first such signature."""
    if not any(
        entry.signature is not None and entry.signature.version is not None for _, _, entry in _signing_entries(letter)
    ):
        return []
    problems: list[Problem] = []
    positions: dict[tuple[int, str], int] = {}
    for group, field, entry in _signing_entries(letter):  # a version openletter cannot have written
        position = positions[group, field] = positions.get((group, field), -1) + 1
        version = entry.signature.version if entry.signature is not None else None
        if version is not None and not is_text_version(version):
            problems.append(
                Problem(
                    path=("signatories", group, field, position, "signature", "version"),
                    severity="warning",
                    message=f"{version!r} is not a text version",
                    expected="v1- and 16 hexadecimal digits, as openletter version prints it",
                )
            )
            break
    current = text_version(letter)
    counts = signed_versions(letter)
    earlier = {version: n for version, n in counts.items() if version and version != current}
    if not earlier:
        return problems
    first: FieldPath = ("signatories",)
    positions = {}
    for group, field, entry in _signing_entries(letter):
        position = positions[group, field] = positions.get((group, field), -1) + 1
        signature = entry.signature
        if signature is not None and signature.withdrawal is None and signature.version in earlier:
            first = ("signatories", group, field, position, "signature", "version")
            break
    total = sum(earlier.values())
    listed = ", ".join(f"{n:,} to {version}" for version, n in sorted(earlier.items(), key=lambda item: -item[1]))
    this = counts.get(current, 0)
    unknown = counts.get("", 0)
    tail = f"; {this:,} to this one ({current})" + (f"; {unknown:,} do not say" if unknown else "")
    return [
        *problems,
        Problem(
            path=first,
            severity="warning",
            message=f"{total:,} signature{'s' * (total != 1)} were given to another text: {listed}{tail}",
            expected="their signers asked to sign this text again (openletter diff shows what changed), "
            "or the earlier text kept",
        ),
    ]


REAFFIRM_COLUMNS = ("email", "name", "version", "signed")
"""The columns of the recipients file `reaffirm_recipients` writes (``openletter mail`` reads it:
``[[name]]``, ``[[version]]`` and ``[[signed]]`` may stand in the message)."""


def reaffirm_recipients(letter: Letter) -> tuple[bytes, int, int, int]:
    """The recipients CSV (UTF-8, `REAFFIRM_COLUMNS`) of every signer whose signature was given to
    another text version than the letter's current one and not withdrawn, in the letter's order,
    each once (by contact email); with the number of rows, the number of such signers who have
    no contact email (``Signature.contact.email``) and so cannot be asked, and the number of
    standing signatures that do not say which version they were given to (not in the file)."""
    import csv
    import io

    current = text_version(letter)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(REAFFIRM_COLUMNS)
    seen: set[str] = set()
    unreachable = unknown = 0
    for _, _, entry in _signing_entries(letter):
        signature = entry.signature
        if signature is not None and signature.withdrawal is not None:
            continue
        if signature is None or signature.version is None:
            unknown += 1
            continue
        if signature.version == current:
            continue
        email = signature.contact.email if signature.contact is not None else None
        if not email:
            unreachable += 1
            continue
        if email.casefold() in seen:
            continue
        seen.add(email.casefold())
        signed = signature.signed.isoformat() if signature.signed is not None else ""
        writer.writerow([email, entry.name, signature.version or "", signed])
    return buffer.getvalue().encode("utf-8"), len(seen), unreachable, unknown
