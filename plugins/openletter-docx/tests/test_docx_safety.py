"""Untrusted letter text stays text: no fields, macros, embedded or external content but safe hyperlinks."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import attrs
import pytest
from docx_helpers import HYPERLINK_RELATIONSHIP, W, all_text, letters, parts, render, rich_letter, xml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from openletter import Demand, Letter, Organisation, OrganisationGroup, Person, PersonGroup, Section
from openletter.markdown import parser
from openletter.testing import sample_letter

HOSTILE_LINES = [
    '{ DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe "/k calc.exe" }',
    '{ INCLUDETEXT "C:\\\\secret.txt" }',
    '{ HYPERLINK "javascript:alert(1)" }',
    '<w:fldSimple w:instr="PAGE"/>',
    "</w:t></w:r><w:r><w:instrText>DDE</w:instrText></w:r>",
    "]]><!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>&e;",
    "=cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "&amp; &lt; &#0; &#x1F; &#12; &#x0B; &#x7;",  # entities of characters XML cannot hold
    "<script>alert(1)</script>",
    "\u202etxt.exe",
    "{{ 7*7 }} {% raw %}",
]
"""One-line text that tries to become markup, a field, an entity or a formula."""

HOSTILE_LINKS = [
    ("[click](javascript:alert(1))", None),
    ("[click](JAVASCRIPT:alert(1))", None),
    ("[vb](vbscript:msgbox(1))", None),
    ("[local](file:///etc/passwd)", None),
    ("[data](data:text/html;base64,PHNjcmlwdD4=)", None),
    ("[ftp](ftp://files.example.org/x)", None),
    ("[relative](../../secret.docx)", None),
    ("[unc](\\\\server\\share\\x.docx)", None),
    ("[scheme-relative](//evil.example/x)", None),
    ("[smb](smb://evil.example/share)", None),
    ("[follina](ms-msdt:/id%20x)", None),
    ("<search-ms:query=x>", None),
    ("[tel](tel:123)", None),
    ("<ftp://files.example.org/auto>", None),
    ("![tracking pixel](https://evil.example/pixel.png)", None),
    ("[fine](https://example.org/ok)", "https://example.org/ok"),
    ("[mail](mailto:someone@example.org)", "mailto:someone@example.org"),
    ('[quotes](https://example.org/"><w:fldSimple>)', "https://example.org/%22%3E%3Cw:fldSimple%3E"),
]
"""Markdown links: only http(s) and mailto become hyperlinks (with the address they become)."""

SAFE_SCHEMES = {"http", "https", "mailto"}


def hostile_letter(text: str) -> Letter:
    """The rich letter with `text` in every one-line field and every Markdown field."""
    base = rich_letter()
    return attrs.evolve(
        base,
        title=f"Title {text}",
        subtitle=text,
        subject=text,
        place=text,
        date_text=text,
        salutation=text,
        closing=text,
        sections=(
            Section(text=f"Before {text} after."),
            Section(heading=text, text=f"- item {text}\n\n> quote {text}"),
        ),
        demands=(Demand(text=f"Demand {text}"),),
        signatories=(
            OrganisationGroup(heading=text, organisations=(Organisation(name=text, short_name=text, country=text),)),
            PersonGroup(people=(Person(name=text, honorific=text, title=text, affiliation=text, country=text),)),
        ),
        postscript=f"P.S. {text}",
    )


def markdown_text(text: str) -> str:
    """What Markdown makes of `text` as words (entities decoded, backslash escapes applied), with
    the characters XML cannot hold (``&#12;`` decodes to a form feed) as U+FFFD."""
    [inline] = parser().parseInline(text, {})
    words = "".join(child.content for child in inline.children or [] if child.type in ("text", "code_inline"))
    return re.sub("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]", "\ufffd", words)


def assert_inert(data: bytes) -> None:
    """No field but the footer's page number, no embedded objects, no external content but
    hyperlinks to http(s)/mailto addresses, no macros, no external template."""
    package = parts(data)
    for name, blob in package.items():
        if not name.endswith((".xml", ".rels")):
            continue
        root = etree.fromstring(blob)
        for tag in ("fldSimple", "object", "altChunk", "embed", "control", "subDoc", "attachedTemplate", "oleObj"):
            assert not list(root.iter(f"{W}{tag}")), (name, tag)
        instructions = ["".join(e.itertext()) for e in root.iter(f"{W}instrText")]
        assert instructions == ([" PAGE "] if name == "word/footer1.xml" else []), name
        if name.endswith(".rels"):
            for rel in root:
                if rel.get("TargetMode") == "External":
                    assert rel.get("Type") == HYPERLINK_RELATIONSHIP, rel.attrib
                    assert urlsplit(rel.get("Target")).scheme in SAFE_SCHEMES, rel.attrib
    assert not [name for name in package if re.search(r"vba|activeX|embeddings|oleObject", name, re.I)]
    content_types = package["[Content_Types].xml"].decode()
    assert "macroEnabled" not in content_types
    assert "vbaProject" not in content_types


@pytest.mark.parametrize("text", HOSTILE_LINES)
def test_hostile_text_is_written_literally_and_stays_inert(text: str) -> None:
    letter = hostile_letter(text)
    data = render(letter)
    assert_inert(data)
    body = all_text(data).split("\n")
    for line in (f"Title {text}", text, f"{text}, {text}"):  # title, subtitle, subject...; place and date
        assert line in body
    assert f"Demand {markdown_text(text)}" in body
    assert f"Before {markdown_text(text)} after." in body
    document = xml(data)
    title = next(p for p in document.iter(f"{W}p") if p.find(f"{W}pPr/{W}pStyle").get(f"{W}val") == "Title")
    assert "".join(t.text or "" for t in title.iter(f"{W}t")) == f"Title {text}"


@pytest.mark.parametrize(("markdown", "target"), HOSTILE_LINKS)
def test_only_http_https_and_mailto_links_become_hyperlinks(markdown: str, target: str | None) -> None:
    def external(text: str) -> set[str]:
        data = render(attrs.evolve(rich_letter(), sections=(Section(text=text),)))
        rels = etree.fromstring(parts(data)["word/_rels/document.xml.rels"])
        return {str(rel.get("Target")) for rel in rels if rel.get("TargetMode") == "External"}

    targets = external(f"See {markdown} now.") - external("See now.")
    data = render(attrs.evolve(rich_letter(), sections=(Section(text=f"See {markdown} now."),)))
    assert_inert(data)
    assert targets == ({target} if target else set())
    paragraph = next(p for p in xml(data).iter(f"{W}p") if "".join(p.itertext()).startswith("See "))
    assert bool(list(paragraph.iter(f"{W}hyperlink"))) == (target is not None)
    assert not list(paragraph.iter(f"{W}drawing"))  # an image link is never fetched nor embedded


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(letter=letters(), text=st.sampled_from(HOSTILE_LINES + [link for link, _ in HOSTILE_LINKS]))
def test_any_letter_with_hostile_text_stays_inert(letter: Letter, text: str) -> None:
    first = letter.sections[0]
    letter = attrs.evolve(
        letter,
        title=f"{letter.title} {text}",
        sections=(attrs.evolve(first, text=f"{first.text}\n\n{text}"), *letter.sections[1:]),
    )
    data = render(letter)
    assert_inert(data)
    assert letter.title in all_text(data)


def test_the_hostile_sample_stays_inert_in_every_printed_part() -> None:
    """Hostile text in the sender's letterhead lines, the letter's own labels, group notes, the
    count note, notes, the archive's address and a demand marked in the body: all text, no field,
    and the bookmark a demand becomes is named from its element id only."""
    letter = sample_letter("hostile")
    data = render(letter)
    assert_inert(data)
    names = [b.get(f"{W}name") for b in xml(data).iter(f"{W}bookmarkStart")]
    assert names == ["demand_3", "demand_1", "demand_2"]
    assert all(re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,39}", name) for name in names)
