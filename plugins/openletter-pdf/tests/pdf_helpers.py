"""Helpers for the pdf format's tests: letters to render, rendering (cached), and poppler-utils.

(Not a conftest.py: the repository runs every test suite in one pytest session, and two
conftest.py files or two ``tests`` packages would clash. Test modules import from here.)
"""

from __future__ import annotations

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
from openletter import Letter, Organisation, OrganisationGroup, Person, PersonGroup, Section

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


# ------------------------------------------------------------------------------------ text checks

_BIDI_CONTROLS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
_HYPHENS = dict.fromkeys(map(ord, "-\u2010\u2011\u00ad"))


def normalise(value: str) -> str:
    """Text for comparison: NFC, no whitespace, no hyphens, no bidi controls that extractors add."""
    value = unicodedata.normalize("NFC", value).translate(_BIDI_CONTROLS).translate(_HYPHENS)
    return re.sub(r"\s+", "", value)


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
