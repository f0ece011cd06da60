"""Helpers for the pdf format's tests: letters to render, rendering (cached), and poppler-utils.

(Not a conftest.py: the repository runs every test suite in one pytest session, and two
conftest.py files or two ``tests`` packages would clash. Test modules import from here.)
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import unicodedata
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import openletter
import pytest
from openletter import (
    Addressee,
    Demand,
    Letter,
    Organisation,
    OrganisationGroup,
    Person,
    PersonGroup,
    Reference,
    Section,
)
from openletter.model import Archive, Labels, LetterheadLine, Role, Sender, SignatoryCount

from openletter_pdf import render

REPO = Path(__file__).resolve().parents[3]
"""The openletter repository (plugins/openletter-pdf/tests/ is three folders down)."""


def example_path() -> Path:
    """The worked example: inside the installed package (wheel), else in the repository."""
    installed = Path(openletter.__file__).parent / "examples" / "aphr_cambodia" / "letter.md"
    return installed if installed.exists() else REPO / "examples" / "aphr_cambodia" / "letter.md"


@cache
def example() -> Letter:
    return openletter.load(example_path())


@cache
def data_letter(name: str) -> Letter:
    """A letter from the repository's test data: ``thai_forest`` (with a logo) or ``arabic_water``."""
    return openletter.load(REPO / "tests" / "data" / "letters" / name / "letter.md")


def make_letter(**fields: Any) -> Letter:
    """A small valid letter; `fields` replace or add to its fields."""
    base: dict[str, Any] = {
        "title": "An open letter",
        "language": "en",
        "sections": (Section(text="We write to you."),),
        "signatories": (OrganisationGroup(organisations=(Organisation(name="Signing Organisation"),)),),
    }
    base.update(fields)
    return Letter(**base)


def features_letter(**fields: Any) -> Letter:
    """A letter that uses every printed part the layer has (`openletter.printed`): a sender with a
    letterhead in two languages, printed and unprinted addressees, an anchored demand, listed
    demands with statuses, a section in French, signatory groups with notes and numbers that run
    on, endnotes between the groups, a count note, notes, a postscript, an archive note, the
    letter's own labels and the date before the signatures; `fields` replace or add to its fields."""
    base: dict[str, Any] = {
        "title": "An open letter on the rivers",
        "subtitle": "Clean water for every village",
        "language": "en",
        "date": dt.date(2024, 5, 3),
        "place": "Geneva",
        "date_position": "before-signatures",
        "sender": Sender(
            organisations=(Organisation(name="Rivers Watch", url="https://rivers.example"),),
            letterhead=(LetterheadLine(text="Rivers Watch"), LetterheadLine(text="Veille des rivières", lang="fr")),
        ),
        "addressees": (
            Addressee(
                id="minister",
                name="Jane Roe",
                honorific="Hon.",
                role="Minister of Water",
                organisation="Ministry of Water",
            ),
            Addressee(id="chair", name="John Poe", role="Chair", organisation="Water Committee", kind="cc"),
            Addressee(name="Unprinted Person", kind="cc", printed=False),
        ),
        "subject": "Protecting the rivers",
        "salutation": "Dear Minister,",
        "sections": (
            Section(text="We ask you to publish the water tests every month.[^law] The rivers are well-known."),
            Section(heading="Une enquête", text="Nous demandons une enquête publique.", lang="fr"),
        ),
        "demands": (
            Demand(
                id="publish", quote="publish the water tests every month", status="partly-met", targets=("minister",)
            ),
            Demand(
                id="hearing",
                text="Hold a public hearing before the summer.",
                targets=("chair",),
                deadline=dt.date(2024, 6, 1),
                status="not-met",
            ),
            Demand(text="Fund independent laboratories."),
        ),
        "closing": "Yours sincerely,",
        "signatories": (
            OrganisationGroup(
                heading="Organisations",
                note_before="Signed on behalf of their members:",
                organisations=(
                    Organisation(
                        name="River Friends",
                        short_name="RF",
                        country="France",
                        description="River Friends protects [rivers](https://friends.example/rivers).",
                    ),
                    Organisation(name="Water Now", url="https://water.example"),
                ),
            ),
            PersonGroup(
                heading="Individuals",
                note_after="Affiliations are for identification only.",
                endnotes_before=True,
                people=(
                    Person(
                        name="Ana García",
                        honorific="Dr",
                        honorific_suffix="PhD",
                        country="Switzerland",
                        roles=(
                            Role(title="Professor", affiliation="University of Geneva"),
                            Role(title="Member", affiliation="Water Board"),
                        ),
                    ),
                    Person(name="Sok Chan", title="Farmer"),
                ),
            ),
        ),
        "signatory_numbering": "continuous",
        "signatory_count_note": SignatoryCount(text="4 signatures as of 3 May 2024"),
        "notes": "This list is partial.",
        "postscript": "Please reply before June.",
        "references": (Reference(id="law", text="The Water Act of 2019, [online](https://law.example/water)."),),
        "labels": Labels(to="For", signatories="Signed by"),
        "archive": Archive(url="https://archive.example/letter", excerpt=True, retrieved=dt.date(2024, 6, 1)),
    }
    base.update(fields)
    return Letter(**base)


def people(count: int) -> Letter:
    """A letter signed by `count` people, each with a title and an affiliation."""
    members = tuple(
        Person(name=f"Signatory {n:04d}", title="Member of Parliament", affiliation=f"Province {n % 17}")
        for n in range(1, count + 1)
    )
    return make_letter(
        signatories=(
            OrganisationGroup(organisations=(Organisation(name="Coalition Secretariat"),)),
            PersonGroup(heading="Members of Parliament", people=members),
        )
    )


@cache
def pdf(letter: Letter, paper: str | None = None) -> bytes:
    """The letter rendered (once per letter and paper in a test session)."""
    return render(letter, {} if paper is None else {"paper": paper})


# ------------------------------------------------------------------------------------ poppler-utils


def tool(name: str) -> str:
    """The path of a poppler-utils program; skip when it is missing, except under CI where it fails."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed (Debian package poppler-utils)"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; CI must have it")
        pytest.skip(message)
    return path


def run(program: str, *args: str, data: bytes) -> str:
    """Run a poppler program on PDF bytes given on standard input; its standard output."""
    result = subprocess.run(
        [tool(program), *args, "-", *(["-"] if program == "pdftotext" else [])],
        input=data,
        capture_output=True,
        check=True,
        timeout=60,
    )
    return result.stdout.decode("utf-8")


def text(data: bytes, *args: str) -> str:
    """``pdftotext`` output (UTF-8), with any extra arguments such as ``-layout``."""
    return run("pdftotext", "-enc", "UTF-8", *args, data=data)


def pages(data: bytes, *args: str) -> list[str]:
    """``pdftotext`` output, page by page."""
    return text(data, *args).split("\f")[:-1]


def body_text(data: bytes, *args: str) -> str:
    """``pdftotext`` output without the page footers ("2 / 3"), which would split sentences."""
    pages = []
    for page in text(data, *args).split("\f"):
        lines = page.rstrip().splitlines()
        if lines and re.fullmatch(r"\s*\d+\s*/\s*\d+\s*", lines[-1]):
            lines.pop()
        pages.append("\n".join(lines))
    return "\n".join(pages)


def info(data: bytes) -> dict[str, str]:
    """``pdfinfo`` fields (``Pages``, ``Page size``, ``Title``...)."""
    fields = {}
    for line in run("pdfinfo", data=data).splitlines():
        key, sep, value = line.partition(":")
        if sep:
            fields[key.strip()] = value.strip()
    return fields


def fonts(data: bytes) -> list[dict[str, str]]:
    """``pdffonts`` rows: name, emb, sub, uni."""
    lines = run("pdffonts", data=data).splitlines()[2:]
    rows = []
    for line in lines:
        parts = line.split()
        # name type... encoding emb sub uni object-id generation: count from the end
        rows.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4], "uni": parts[-3]})
    return rows


def images(data: bytes) -> list[str]:
    """``pdfimages -list`` rows, one a line."""
    return run("pdfimages", "-list", data=data).splitlines()[2:]


def destinations(data: bytes) -> dict[str, int]:
    """The PDF's named destinations (``pdfinfo -dests``): name and page, by name."""
    found = {}
    for line in run("pdfinfo", "-dests", data=data).splitlines()[1:]:
        match = re.match(r'\s*(\d+)\s+\[.*\]\s+"(.*)"\s*$', line)
        if match:
            found[match.group(2)] = int(match.group(1))
    return found


def outline(data: bytes) -> list[tuple[int, str, int]]:
    """The PDF's outline (bookmarks) in order, as (depth, title, page), from ``pdftohtml -xml``."""
    import tempfile
    import xml.etree.ElementTree as ET

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "letter.pdf"
        path.write_bytes(data)
        result = subprocess.run(
            [tool("pdftohtml"), "-xml", "-stdout", "-i", "-q", str(path)], capture_output=True, check=True, timeout=60
        )
    root = ET.fromstring(result.stdout)
    found: list[tuple[int, str, int]] = []

    def walk(element: ET.Element, depth: int) -> None:
        for child in element:
            if child.tag == "item":
                found.append((depth, "".join(child.itertext()), int(child.get("page", "0"))))
            elif child.tag == "outline":
                walk(child, depth + 1)

    for top in root.findall("outline"):
        walk(top, 0)
    return found


def outline_titles(data: bytes) -> list[str]:
    """The titles of the PDF's bookmarks, in order."""
    return [title for _, title, _ in outline(data)]


# ------------------------------------------------------------------------------------ text checks

_HYPHENS = dict.fromkeys(map(ord, "-\u2010\u2011\u00ad"))


def normalise(value: str) -> str:
    """Text for comparison: NFC, no whitespace, no hyphens, no invisible format characters (the bidi
    controls extractors add, the word joiners that keep a hyphen and the next word together)."""
    value = unicodedata.normalize("NFC", value).translate(_HYPHENS)
    return "".join(c for c in value if not c.isspace() and unicodedata.category(c) != "Cf")


def assert_in_order(haystack: str, needles: Iterable[str]) -> None:
    """Every needle occurs in `haystack`, each after the previous one (compared normalised)."""
    text_ = normalise(haystack)
    position = 0
    for needle in needles:
        found = text_.find(normalise(needle), position)
        assert found >= 0, f"not found after position {position}: {needle!r}"
        position = found + len(normalise(needle))


def sentences(markdown: str, count: int) -> Sequence[str]:
    """The first `count` sentences of each paragraph of plain Markdown text."""
    out: list[str] = []
    for paragraph in markdown.split("\n\n"):
        out += [s for s in re.split(r"(?<=[.!?])\s+", paragraph.replace("\n", " ")) if s][:count]
    return out
