"""Letter text is untrusted: whatever it says, it is printed, never run as Typst.

The template receives the letter as JSON and shows every string as text. These tests put Typst
code, markup characters and HTML into every kind of field and check that the words come out
literally, that nothing they ask for happened (no file read, no page setting changed, no panic).
"""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
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

from pdf_helpers import assert_in_order, body_text, info, make_letter, normalise, pdf, run, text

# One-line fields are plain text (no Markdown), so anything goes there.
HOSTILE_LINES = [
    '#eval("1 + 1")',
    '#read("/etc/passwd")',
    '#panic("boom")',
    '#set page(paper: "a5")',
    '#import "@preview/cetz:0.3.0": *',
    "] #text(red)[x] [",
    "$x^2 + y$",
    "*strong* _emph_ `raw` = heading",
    "<script>alert(1)</script>",
    "@ref <label> // comment /* block */",
    '\\ #{ "}" } \\u{1F600}',
]

# Markdown fields: strings that Markdown leaves as they are (raw HTML is off, so tags stay text).
HOSTILE_MARKDOWN = [
    '#eval("1 + 1") and #panic("boom")',
    '#read("/etc/passwd") then #set page(paper: "a5")',
    "$x^2$ @ref ] [ <script>alert(1)</script>",
    '#import "@preview/cetz:0.3.0": #{ 1 }',
]


def hostile_letter() -> Letter:
    lines = iter(HOSTILE_LINES * 3)
    return make_letter(
        title=next(lines),
        subtitle=next(lines),
        subject=next(lines),
        place=next(lines),
        date_text=next(lines),
        addressees=(Addressee(id="a", name=next(lines), role=next(lines), organisation=next(lines)),),
        salutation=next(lines),
        sections=(
            Section(text=HOSTILE_MARKDOWN[0]),
            Section(heading=next(lines), text=HOSTILE_MARKDOWN[1]),
        ),
        demands=(Demand(text=HOSTILE_MARKDOWN[2], targets=("a",)),),
        closing=next(lines),
        signatories=(
            OrganisationGroup(heading=next(lines), organisations=(Organisation(name=next(lines)),)),
            PersonGroup(people=(Person(name=next(lines), honorific=next(lines), title=next(lines)),)),
        ),
        postscript=HOSTILE_MARKDOWN[3] + "[^n]",
        references=(Reference(id="n", text=HOSTILE_MARKDOWN[0]),),
    )


def test_hostile_text_is_printed_literally() -> None:
    letter = hostile_letter()
    data = pdf(letter)
    extracted = body_text(data)
    for line in HOSTILE_LINES:
        assert normalise(line) in normalise(extracted), line
    for markdown in HOSTILE_MARKDOWN:
        assert normalise(markdown) in normalise(extracted), markdown
    assert "root:" not in extracted  # #read("/etc/passwd") was not run
    assert info(data)["Page size"].endswith("(A4)")  # #set page(paper: "a5") was not run
    assert_in_order(extracted, [HOSTILE_LINES[0], HOSTILE_LINES[1], HOSTILE_LINES[2]])


def test_hostile_text_is_the_pdf_title_as_written() -> None:
    assert info(pdf(hostile_letter()))["Title"] == HOSTILE_LINES[0]


ALPHABET = string.ascii_letters + string.digits + string.punctuation + " éßЖ—…“”«»"
lines = st.text(alphabet=ALPHABET, min_size=1, max_size=30).filter(
    lambda s: s == s.strip() and any(c.isalnum() for c in s)
)


@pytest.mark.slow
@settings(max_examples=25, deadline=None)
@given(title=lines, name=lines, closing=lines)
def test_any_one_line_text_round_trips(title: str, name: str, closing: str) -> None:
    letter = make_letter(
        title=title,
        closing=closing,
        signatories=(PersonGroup(people=(Person(name=name),)),),
    )
    extracted = text(pdf(letter))
    assert_in_order(extracted, [title, "We write to you.", closing, name])


UNSAFE_LINKS = [
    "smb://evil.example/share",
    "ms-msdt:/id%20x",
    "search-ms:query=x",
    "ms-officecmd:foo",
    "launch:calc",
    "/etc/passwd",
    "../secret.pdf",
    "\\\\evil\\share",
    "ftp://ftp.example/a",
    "tel:123",
    "https:///no-host",
]


def test_only_web_and_email_addresses_become_links() -> None:
    """A PDF reader opens whatever a link points to; only http(s) and mailto may be links."""
    words = " ".join(f"[link {n}]({url})" for n, url in enumerate(UNSAFE_LINKS))
    autolinks = " <smb://evil.example/auto> <ms-officecmd:bar>"
    good = " [ok](https://ok.example/page) [mail](mailto:team@ok.example)"
    data = pdf(make_letter(sections=(Section(text=words + autolinks + good),)))
    urls = [line.split()[-1] for line in run("pdfinfo", "-url", data=data).splitlines()[1:] if line.strip()]
    assert sorted(set(urls)) == ["https://ok.example/page", "mailto:team@ok.example"]
    shown = normalise(body_text(data))
    for number in range(len(UNSAFE_LINKS)):
        assert normalise(f"link {number}") in shown  # the words stay, as text
