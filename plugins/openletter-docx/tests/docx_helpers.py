"""Shared helpers for the docx plugin's tests: letters to render, reading the output back, tools.

(No conftest.py on purpose: the repository runs every plugin's tests in one pytest session, where
plugin conftest files would clash. Tests import what they need from here.)
"""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import docx
import openletter_docx
import pytest
from docx.table import Table
from hypothesis import strategies as st
from lxml import etree

import openletter
from openletter import (
    Addressee,
    Demand,
    Letter,
    Logo,
    Organisation,
    OrganisationGroup,
    Person,
    PersonGroup,
    Reference,
    Section,
)
from openletter.model import (
    DATE_POSITIONS,
    DEMAND_STATUSES,
    SIGNATORY_NUMBERINGS,
    Archive,
    FieldLanguages,
    Labels,
    LetterheadLine,
    Role,
    Sender,
    SignatoryCount,
)

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "examples" / "aphr_cambodia" / "letter.md"
THAI = ROOT / "tests" / "data" / "letters" / "thai_forest" / "letter.md"
ARABIC = ROOT / "tests" / "data" / "letters" / "arabic_water" / "letter.md"

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
HYPERLINK_RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"

A4 = (11906, 16838)
US_LETTER = (12240, 15840)


def render(letter: Letter, **options: str) -> bytes:
    """The letter as .docx bytes, through the plugin's render function."""
    return openletter_docx.render(letter, options)


def open_docx(data: bytes) -> Any:
    """The document, read back with python-docx."""
    return docx.Document(io.BytesIO(data))


def paragraphs(data: bytes) -> list[tuple[str, str]]:
    """(style name, text) of every non-empty body paragraph, in order."""
    return [(p.style.name, p.text) for p in open_docx(data).paragraphs if p.text.strip()]


def document_text(data: bytes) -> str:
    """The document's text as a reader sees it: every paragraph of the body in order, the
    paragraphs of a table's cells where the table stands (for `faithfulness_problems`)."""
    lines: list[str] = []

    def add(container: Any) -> None:
        for block in container.iter_inner_content():
            if isinstance(block, Table):
                for row in block.rows:
                    for cell in row.cells:
                        add(cell)
            else:
                lines.append(block.text)

    add(open_docx(data))
    return "\n".join(lines)


def all_text(data: bytes) -> str:
    """Every paragraph's text (body, tables, footers), one per line."""
    document = open_docx(data)
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.extend(cell.text for cell in row.cells)
    return "\n".join(lines)


def part(data: bytes, name: str) -> str:
    """One part of the package as text, such as ``word/document.xml``."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return package.read(name).decode("utf-8")


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {name: package.read(name) for name in package.namelist()}


def xml(data: bytes, name: str = "word/document.xml") -> Any:
    """One XML part, parsed with lxml."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return etree.fromstring(package.read(name))


def letters_only(text: str) -> str:
    """Letters and digits of `text`, NFKC-normalised: what survives any PDF text extraction.

    (pdftotext splits Thai tone marks from their consonants, inserts bidi controls around
    Arabic and moves its punctuation; the letters themselves come out in order.)
    """
    return "".join(c for c in unicodedata.normalize("NFKC", text) if unicodedata.category(c)[0] in "LN")


def require_tool(name: str) -> str:
    """The path of a program the test needs: skipped when absent, but a failure under CI=true."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed (Debian: libreoffice-writer-nogui, poppler-utils)"
        if os.environ.get("CI", "").lower() not in ("", "0", "false", "no"):
            pytest.fail(f"{message}; CI must have it")
        pytest.skip(message)
    return path


def png(width: int = 4, height: int = 2) -> bytes:
    """A small valid PNG image (grey pixels)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


GIF = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b")
"""A 1x1 GIF image."""

# --------------------------------------------------------------------------- letters

RICH_SECTION = """\
We write with *grave* concern about **the state** of rights[^law], as [our report](https://example.org/report)
shows.\\
A second line after a hard break, and `inline code`.

### What we saw

1. First numbered point
2. Second numbered point
   - a nested bullet
   - another nested bullet

- a bullet
- another bullet

3. A list starting at three
4. and four

> A quoted witness statement.

```
code line one
code line two
```

---

Mixed scripts: ភាសាខ្មែរ, ภาษาไทย, 中文, العربية."""


def person(number: int) -> Person:
    return Person(name=f"Signatory Number{number}", title="Member of Parliament", country="Cambodia")


def rich_letter(*, signatories: int = 3, logo: Logo | None = None, language: str = "en") -> Letter:
    """A letter with every part and every kind of Markdown block the plugin writes, sent by the
    Forum for Rights, which signs first."""
    people = tuple(person(n) for n in range(1, signatories))
    forum = Organisation(
        name="Forum for Rights",
        short_name="FFR",
        country="Thailand",
        url="https://ffr.example.org/",
        description="The *Forum* works for rights.",
    )
    groups: tuple[OrganisationGroup | PersonGroup, ...] = (OrganisationGroup(organisations=(forum,)),)
    if people:
        groups += (PersonGroup(heading="Members of Parliament", people=people),)
    return Letter(
        title="Open Letter on Rights and Water",
        subtitle="A subtitle under the title",
        subject="Rights, water and the coming elections",
        language=language,
        date=dt.date(2024, 3, 15),
        place="Bangkok",
        sender=Sender(organisations=(forum,)),
        logo=logo,
        keywords=("rights", "water"),
        addressees=(
            Addressee(
                id="minister", honorific="H.E.", name="Minister of Water", role="Minister", email="minister@example.org"
            ),
            Addressee(id="committee", name="Committee on Water", kind="cc"),
        ),
        salutation="Dear Minister,",
        sections=(
            Section(text=RICH_SECTION),
            Section(heading="Our concerns with **emphasis**", text="Second section text."),
        ),
        demands=(
            Demand(
                id="publish", targets=("minister",), text="Publish the *water tests*.", deadline=dt.date(2024, 4, 30)
            ),
            Demand(text="Hold public hearings.\n\nIn every district."),
        ),
        closing="Yours sincerely,",
        signatories=groups,
        postscript="We are ready to meet.",
        references=(Reference(id="law", text="The Water Act, section 6."),),
    )


def many_signatories(count: int) -> Letter:
    return rich_letter(signatories=count + 1)


# --------------------------------------------------------------------------- hypothesis strategies

SCRIPTS = {
    "latin": "abcdefghijklmnopqrstuvwxyzéñüß",
    "khmer": "កខគឃងចឆជញដណតថទធនបផពភមយរលវសហអាិីុូេែោ",
    "thai": "กขคงจฉชซญดตถทนบปผพฟภมยรลวศษสหอะาำิีึืุูเแโใไ่้",
    "chinese": "的一是不了人我在有他这中大来上国个到说们为子和你地",
    "arabic": "ابتثجحخدذرزسشصضطظعغفقكلمنهوي",
    "hebrew": "אבגדהוזחטיכלמנסעפצקרשת",
}
WORD_CHARS = "".join(SCRIPTS.values())


def words(min_size: int = 1, max_size: int = 5) -> st.SearchStrategy[str]:
    """Space-separated words in any of the scripts (no Markdown syntax)."""
    return st.lists(st.text(WORD_CHARS, min_size=1, max_size=8), min_size=min_size, max_size=max_size).map(" ".join)


def inline_markdown() -> st.SearchStrategy[str]:
    piece = st.one_of(
        words(),
        words(1, 2).map(lambda w: f"*{w}*"),
        words(1, 2).map(lambda w: f"**{w}**"),
        words(1, 2).map(lambda w: f"[{w}](https://example.org/x)"),
    )
    return st.lists(piece, min_size=1, max_size=4).map(" ".join)


def section_text() -> st.SearchStrategy[str]:
    block = st.one_of(
        inline_markdown(),
        st.lists(words(), min_size=1, max_size=3).map(lambda items: "\n".join(f"- {i}" for i in items)),
        st.lists(words(), min_size=1, max_size=3).map(lambda items: "\n".join(f"1. {i}" for i in items)),
        words().map(lambda w: f"> {w}"),
        words().map(lambda w: f"### {w}"),
    )
    return st.lists(block, min_size=1, max_size=4).map("\n\n".join)


@st.composite
def letters(draw: st.DrawFn) -> Letter:
    """Valid letters in mixed scripts: sections, demands, signatories, optional parts."""
    language = draw(st.sampled_from(["en", "th", "km", "zh-Hans", "ar", "he", "fr"]))
    headings = draw(st.lists(words(1, 3), min_size=0, max_size=3, unique=True))
    sections = [Section(text=draw(section_text()))]
    sections += [Section(heading=heading, text=draw(section_text())) for heading in headings]
    people = draw(st.lists(words(1, 3), min_size=1, max_size=15))
    return Letter(
        title=draw(words(1, 6)),
        language=language,
        subtitle=draw(st.none() | words()),
        date=draw(st.none() | st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2090, 1, 1))),
        place=draw(st.none() | words(1, 2)),
        salutation=draw(st.none() | words()),
        sections=tuple(sections),
        demands=tuple(Demand(text=text) for text in draw(st.lists(words(), max_size=4))),
        closing=draw(st.none() | words()),
        signatories=(PersonGroup(people=tuple(Person(name=name) for name in people)),),
        postscript=draw(st.none() | words()),
    )


def example() -> Letter:
    return openletter.load(EXAMPLE)


def body_sections(data: bytes) -> Iterator[Any]:
    """Every w:sectPr of the body (one per section), in order."""
    yield from xml(data).iter(f"{W}sectPr")


LANGUAGES = ["en", "fr", "th", "km", "zh-Hans", "ar", "he"]


@st.composite
def layout_letters(draw: st.DrawFn) -> Letter:
    """Letters with the parts the printed layout decides: sender and letterhead lines, addressees
    with their own lines (some not printed), demands marked in the body and listed, statuses,
    signatory groups with notes and numbering, count note, notes, endnotes between groups, the
    letter's own labels, parts in other languages, the dateline's and the closing's places."""
    maybe_lang = st.none() | st.sampled_from(LANGUAGES)
    optional = st.none() | words()
    references = tuple(Reference(id=f"n{n}", text=draw(words())) for n in range(draw(st.integers(0, 2))))
    markers = "".join(f"[^{r.id}]" for r in references)
    sections = [Section(text=draw(section_text()) + markers, lang=draw(maybe_lang))]
    sections += [
        Section(heading=draw(words(1, 3)), text=draw(section_text()), lang=draw(maybe_lang))
        for _ in range(draw(st.integers(0, 2)))
    ]
    demands = []
    for number in range(draw(st.integers(0, 4))):
        quote = None
        if draw(st.booleans()):
            quote = f"Demand number {number} asks {draw(words(1, 3))}"
            sections[-1] = attrs.evolve(sections[-1], text=f"{sections[-1].text}\n\n{quote} here.")
        text = draw(inline_markdown()) if quote is None or draw(st.booleans()) else None
        status = draw(st.sampled_from(DEMAND_STATUSES))
        demands.append(Demand(id=f"d-{number}.x", text=text, quote=quote, status=status, lang=draw(maybe_lang)))
    addressees = tuple(
        Addressee(
            name=draw(words(1, 3)),
            honorific=draw(optional),
            role=draw(optional),
            organisation=draw(optional),
            kind=draw(st.sampled_from(["to", "cc"])),
            lines=tuple(draw(st.lists(words(), max_size=3))),
            printed=draw(st.booleans()),
            lang=draw(maybe_lang),
        )
        for _ in range(draw(st.integers(0, 3)))
    )
    person = {"name": words(1, 3), "honorific": optional, "honorific_suffix": optional, "country": optional}
    people = st.builds(Person, title=optional, affiliation=optional, lang=maybe_lang, **person) | st.builds(
        Person,
        roles=st.lists(st.builds(Role, title=words(), affiliation=optional), min_size=1, max_size=2).map(tuple),
        lang=maybe_lang,
        **person,
    )
    organisations = st.builds(
        Organisation,
        name=words(1, 3),
        short_name=optional,
        country=optional,
        url=st.none() | st.just("https://example.org/org"),
        description=optional,
        lang=maybe_lang,
    )
    common = {
        "heading": optional,
        "note_before": optional,
        "note_after": optional,
        "endnotes_before": st.booleans(),
        "lang": maybe_lang,
    }
    group = st.one_of(
        st.builds(PersonGroup, people=st.lists(people, min_size=1, max_size=4).map(tuple), **common),
        st.builds(
            OrganisationGroup, organisations=st.lists(organisations, min_size=1, max_size=4).map(tuple), **common
        ),
    )
    sender = draw(
        st.none()
        | st.builds(
            Sender,
            organisations=st.lists(organisations, min_size=1, max_size=2).map(tuple),
            letterhead=st.lists(st.builds(LetterheadLine, text=words(), lang=maybe_lang), max_size=2).map(tuple),
        )
    )
    groups = tuple(draw(st.lists(group, min_size=0 if sender else 1, max_size=3)))
    closing = draw(optional)
    signers = sum(len(g.organisations) if isinstance(g, OrganisationGroup) else len(g.people) for g in groups)
    if not groups and sender is not None:
        signers = len(sender.organisations) + len(sender.people)
    label = st.none() | st.just("") | words(1, 2)
    date = draw(st.none() | st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2090, 1, 1)))
    return Letter(
        title=draw(words(1, 6)),
        language=draw(st.sampled_from(LANGUAGES)),
        subtitle=draw(optional),
        subject=draw(optional),
        date=date,
        date_text=draw(optional) if date else None,
        place=draw(optional),
        date_position=draw(st.sampled_from(DATE_POSITIONS)),
        sender=sender,
        addressees=addressees,
        salutation=draw(optional),
        sections=tuple(sections),
        demands=tuple(demands),
        closing=closing,
        closing_position="after-signer" if closing and signers == 1 and draw(st.booleans()) else "own-line",
        signatories=groups,
        signatory_numbering=draw(st.sampled_from(SIGNATORY_NUMBERINGS)) if groups else "none",
        signatory_count_note=draw(st.none() | st.builds(SignatoryCount, text=words(), lang=maybe_lang)),
        notes=draw(optional),
        postscript=draw(optional),
        references=references,
        labels=draw(
            st.builds(Labels, to=label, cc=label, subject=label, demands=label, signatories=label, notes=label)
        ),
        field_lang=draw(st.builds(FieldLanguages, title=maybe_lang, closing=maybe_lang, notes=maybe_lang)),
        archive=draw(
            st.none() | st.builds(Archive, url=st.none() | st.just("https://example.org/source"), excerpt=st.booleans())
        ),
    )
