"""The PDF prints the letter's printed parts (`openletter.printed`), in order, and nothing else.

`openletter.testing.faithful` compares the text ``pdftotext`` reads out of the PDF with what the
layer says the letter prints: every unit of text in order, and nothing but navigation, link
addresses, numbers and punctuation besides. The other tests pin the layer's rules one by one, as
the PDF typesets them, and what keeps the text whole when it is laid out on pages.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

import attrs
import pytest
from openletter import Addressee, Demand, Letter, Organisation, OrganisationGroup, Person, PersonGroup, Section
from openletter.markdown import NESTING_LIMIT
from openletter.model import Labels, Logo, Sender
from openletter.testing import sample_letters
from openletter.testing.faithful import NAVIGATION, faithfulness_problems, printed_units
from openletter.testing.samples import nested_markdown

from pdf_helpers import (
    body_text,
    destinations,
    features_letter,
    info,
    make_letter,
    normalise,
    outline,
    pages,
    pdf,
    text,
)

KNOWN_EXTRACTION_FAULTS = {
    # Typst 0.15 (its PDF writer, krilla) gives every glyph of a cluster drawn with several glyphs
    # the whole cluster's text in the /ToUnicode map, so pdftotext reads such clusters twice:
    # Khmer "សូម" as "សូសូម", Thai "สิ่ง" as "สิ่สิ่ง", Arabic "سُجّلت" (with its vowel marks) with
    # the marks doubled (typst/typst#4225). In Arabic, pdftotext also puts an Arabic comma after
    # the digits that follow it ("البصرة، ٢٠ أيار" reads "البصرة ٢٠ ، أيار"), though the page
    # draws it in its place. The pages are right; only copying and searching suffer.
    "khmer": "Typst maps each glyph of a Khmer cluster to the whole cluster (typst#4225)",
    "thai_with_logo": "Typst maps each glyph of a Thai cluster to the whole cluster (typst#4225)",
    "arabic_rtl": "Typst doubles Arabic vowel marks in the text layer (typst#4225); pdftotext misplaces "
    "an Arabic comma before digits",
}


def problems(letter: Letter, *args: str) -> list[str]:
    """What is not faithful in the PDF of `letter`, as pdftotext reads it (without page footers)."""
    return faithfulness_problems(letter, body_text(pdf(letter), *args), navigation=NAVIGATION["pdf"])


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=KNOWN_EXTRACTION_FAULTS[name]))
        if name in KNOWN_EXTRACTION_FAULTS
        else name
        for name in sample_letters()
    ],
)
def test_every_sample_letter_is_faithful(name: str) -> None:
    assert problems(sample_letters()[name]) == []


def _without_marks(value: Any) -> Any:
    """`value` (a letter, or any part of one) with the combining marks taken out of its text."""
    if isinstance(value, str):
        return "".join(c for c in value if unicodedata.category(c)[0] != "M")
    if isinstance(value, tuple):
        return tuple(_without_marks(x) for x in value)
    if attrs.has(type(value)) and not isinstance(value, Logo):
        return attrs.evolve(
            value, **{f.name: _without_marks(getattr(value, f.name)) for f in attrs.fields(type(value))}
        )
    return value


def _letters(value: str) -> str:
    """Only the letters of `value`, without their marks, and each run of a repeated piece once."""
    letters = "".join(c for c in unicodedata.normalize("NFC", value) if unicodedata.category(c)[0] == "L")
    return re.sub(r"(.{1,6}?)\1+", r"\1", letters)


@pytest.mark.parametrize("name", list(KNOWN_EXTRACTION_FAULTS))
def test_letters_with_known_extraction_faults_still_print_every_unit_in_order(name: str) -> None:
    """What does hold where the text layer is known to be wrong: with its vowel marks taken out
    (the labels keep theirs), and compared by their letters alone (a repeated cluster counted
    once), every unit of the letter is there, in the layer's order."""
    letter = _without_marks(sample_letters()[name])
    shown = _letters(body_text(pdf(letter)))
    position = 0
    for unit in printed_units(letter):
        wanted = _letters(unit.text)
        found = shown.find(wanted, max(0, position - 6))  # a piece shared with the unit before: once
        assert found >= 0, f"not found in order: {unit}"
        position = found + len(wanted)


@pytest.mark.parametrize("mode", [(), ("-layout",)], ids=["reading-order", "layout"])
def test_a_letter_with_every_kind_of_part_is_faithful(mode: tuple[str, ...]) -> None:
    """``-layout`` keeps line ends as they are (no dehyphenation): a hyphenated word would show."""
    assert problems(features_letter(), *mode) == []


# ------------------------------------------------------------------------------------------------
# The sender, the labels, nothing invented


def test_the_letterhead_and_the_author_are_the_senders_only() -> None:
    letter = features_letter()
    data = pdf(letter)
    first_page = normalise(pages(data)[0])
    assert first_page.startswith(normalise("Rivers Watch Veille des rivières An open letter"))
    assert info(data)["Author"] == "Rivers Watch"
    # the signatories are not the author, and do not head the letter
    assert "River Friends" not in info(data)["Author"]


def test_without_a_sender_there_is_no_letterhead_and_no_author() -> None:
    letter = make_letter()  # signed by "Signing Organisation", sent by nobody
    data = pdf(letter)
    extracted = normalise(body_text(data))
    assert extracted.startswith(normalise("An open letter"))
    assert extracted.count(normalise("Signing Organisation")) == 1  # the signature only
    assert "Author" not in info(data)


@pytest.mark.parametrize(
    ("language", "labels", "to", "subject"),
    [
        ("en", Labels(), "To:", "Subject: Water"),
        ("fr", Labels(), "À :", "Objet : Water"),
        ("zh", Labels(), "致：", "事由：Water"),
        ("en", Labels(to="For the attention of", subject="Re"), "For the attention of:", "Re: Water"),
        ("en", Labels(to="", subject=""), "", "Water"),
    ],
    ids=["en", "fr", "zh", "own-labels", "no-labels"],
)
def test_labels_are_the_letters_with_its_languages_colon(language: str, labels: Labels, to: str, subject: str) -> None:
    letter = make_letter(language=language, labels=labels, addressees=(Addressee(name="Jane Roe"),), subject="Water")
    extracted = text(pdf(letter))
    assert normalise(f"An open letter {to} Jane Roe {subject}") in normalise(extracted)
    assert subject in " ".join(extracted.split())  # on one line, spaced as the language spaces it
    assert problems(letter) == []  # an empty label prints nothing, not even its colon


def test_nothing_is_printed_that_the_letter_does_not_print() -> None:
    """No "About" section for an organisation's description (it prints with the entry), no
    addressee or deadline line under a demand, no "Signatories" heading over one signatory."""
    letter = make_letter(
        addressees=(Addressee(id="minister", name="Jane Roe"),),
        demands=(Demand(text="Publish the tests.", targets=("minister",), deadline=dt.date(2030, 1, 2)),),
        signatories=(
            OrganisationGroup(organisations=(Organisation(name="Rivers Watch", description="Founded in 1990."),)),
        ),
    )
    extracted = body_text(pdf(letter))
    for invented in ("About", "January", "2030", "by", "Signatories"):
        assert invented not in extracted
    assert normalise("Jane Roe") in normalise(extracted)  # once, in the address block
    assert normalise(extracted).count(normalise("Jane Roe")) == 1
    assert normalise("Rivers Watch Founded in 1990.") in normalise(extracted)
    assert problems(letter) == []


# ------------------------------------------------------------------------------------------------
# Demands marked where they stand


def test_anchored_demands_are_marked_where_they_stand_with_their_status() -> None:
    letter = features_letter()
    data = pdf(letter)
    extracted = normalise(body_text(data))
    # in place, with the status word after the passage, and not again in the list
    assert normalise("publish the water tests every month (Partly met).") in extracted
    assert extracted.count(normalise("publish the water tests every month")) == 1
    # a named destination for each demand (the anchored one where its passage is), and bookmarks
    assert set(destinations(data)) == {"demand-publish", "demand-hearing", "demand-3"}
    titles = [title for _, title, _ in outline(data)]
    assert titles.index("publish the water tests every month") < titles.index("Our demands")
    assert "Hold a public hearing before the summer." in titles
    # a listed demand's status follows it
    assert normalise("Hold a public hearing before the summer. (Not met)") in extracted


def test_a_demand_anchored_in_a_heading_is_bookmarked_before_it() -> None:
    """A bookmark inside a heading would become part of the heading's own bookmark."""
    letter = make_letter(
        sections=(Section(text="We ask for this.\n\n### Free them all\n\nNow."),),
        demands=(Demand(quote="Free them all", status="met"),),
    )
    data = pdf(letter)
    assert [title for _, title, _ in outline(data)] == ["Free them all", "Free them all (Met)"]
    assert "demand-1" in destinations(data)
    assert problems(letter) == []


# ------------------------------------------------------------------------------------------------
# Addressees, dateline, signatories


def test_cc_addressees_keep_their_role_and_organisation() -> None:
    """Issue item "PDF: cc addressees lose their role and organisation"."""
    letter = make_letter(
        addressees=(
            Addressee(name="Jane Roe", role="Minister", organisation="Ministry of Water"),
            Addressee(name="John Poe", role="Chair", organisation="Water Committee", kind="cc"),
            Addressee(name="Ann Lee", kind="cc", lines=("Ann Lee", "Ombudsman", "Office of the Ombudsman")),
        )
    )
    extracted = normalise(body_text(pdf(letter)))
    assert normalise("Cc: John Poe, Chair, Water Committee Ann Lee Ombudsman Office of the Ombudsman") in extracted
    assert problems(letter) == []


@pytest.mark.parametrize("position", ["head", "before-signatures"])
def test_the_dateline_is_where_the_letter_puts_it(position: str) -> None:
    letter = make_letter(date=dt.date(2024, 5, 3), place="Geneva", date_position=position, closing="Yours,")
    extracted = normalise(body_text(pdf(letter)))
    dateline = extracted.index(normalise("Geneva, May 3, 2024"))
    if position == "head":
        assert dateline < extracted.index(normalise("We write to you."))
    else:
        assert extracted.index(normalise("Yours,")) < dateline < extracted.index(normalise("Signing Organisation"))
    assert problems(letter) == []


def test_a_field_ending_in_right_to_left_letters_does_not_reorder_the_next() -> None:
    """Each field is isolated for the bidirectional algorithm (as HTML's <bdi>): the Hebrew word
    ending the place does not carry the separator and the date's day over to its side."""
    letter = make_letter(date_text="3 May 2024", place="Jerusalem ירושלים")
    assert normalise("Jerusalem ירושלים, 3 May 2024") in normalise(body_text(pdf(letter)))
    assert problems(letter) == []


def _two_groups(numbering: str) -> Letter:
    return make_letter(
        signatories=(
            OrganisationGroup(heading="Organisations", organisations=(Organisation(name="A"), Organisation(name="B"))),
            PersonGroup(heading="People", people=(Person(name="C"), Person(name="D"))),
        ),
        signatory_numbering=numbering,
    )


@pytest.mark.parametrize(
    ("numbering", "expected"),
    [
        ("continuous", "Organisations 1. A 2. B People 3. C 4. D"),
        ("group", "Organisations 1. A 2. B People 1. C 2. D"),
        ("none", "Organisations A B People C D"),
    ],
)
def test_signatories_are_numbered_as_the_letter_says(numbering: str, expected: str) -> None:
    letter = _two_groups(numbering)
    assert normalise(expected) in normalise(body_text(pdf(letter)))
    assert problems(letter) == []


def test_group_notes_count_note_notes_and_endnotes_between_groups_in_the_layers_order() -> None:
    extracted = normalise(body_text(pdf(features_letter())))
    order = [
        "Signed by",
        "Organisations",
        "Signed on behalf of their members:",
        "1. River Friends (RF) (France)",
        "River Friends protects rivers",
        "2. Water Now",
        "Notes",  # the endnotes, before the second group (endnotes_before)
        "1. The Water Act of 2019, online",
        "Individuals",
        "3. Dr Ana García PhD, Professor, University of Geneva; Member, Water Board (Switzerland)",
        "4. Sok Chan, Farmer",
        "Affiliations are for identification only.",
        "4 signatures as of 3 May 2024",
        "This list is partial.",
        "P.S. Please reply before June.",
        "https://friends.example/rivers",  # link addresses last, with no heading of their own
        "https://law.example/water",
    ]
    positions = [extracted.find(normalise(x)) for x in order]
    assert -1 not in positions, [x for x, p in zip(order, positions, strict=True) if p < 0]
    assert positions == sorted(positions)


def test_the_closing_is_printed_on_the_signers_line() -> None:
    letter = make_letter(
        language="zh",
        closing="敬上",
        closing_position="after-signer",
        signatories=(PersonGroup(people=(Person(name="王小明"),)),),
    )
    lines = [" ".join(line.split()) for line in text(pdf(letter), "-layout").splitlines()]
    assert "王小明 敬上" in lines
    assert problems(letter) == []


# ------------------------------------------------------------------------------------------------
# Languages


def test_parts_in_another_language_carry_it() -> None:
    data = pdf(features_letter())
    # the letter is English; its French section and French letterhead line are tagged French
    assert re.findall(rb"/Lang\s*\(([^)]*)\)", data).count(b"fr") >= 2


def test_a_right_to_left_section_of_a_left_to_right_letter_starts_on_the_right() -> None:
    sentence = "نكتب إليكم للتعبير عن قلقنا العميق."
    letter = make_letter(
        sections=(Section(text="We write to you."), Section(heading="Arabic", text=sentence, lang="ar"))
    )
    bbox = text(pdf(letter), "-bbox")
    page_width = float(re.search(r'<page width="([\d.]+)"', bbox).group(1))  # type: ignore[union-attr]
    margin = 2.4 / 2.54 * 72
    right_edges = [
        float(x_max)
        for x_max, word in re.findall(r'<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)"[^>]*>([^<]*)<', bbox)
        if normalise(word) in (normalise("نكتب"), normalise("نكتب")[::-1])
    ]
    assert right_edges
    assert abs(right_edges[0] - (page_width - margin)) < 3


# ------------------------------------------------------------------------------------------------
# Pages: what is kept together, and words kept whole


def _filler(paragraphs: int) -> tuple[Section, ...]:
    return (Section(text="\n\n".join(f"Filler paragraph number {n} of the letter." for n in range(paragraphs))),)


def _pages_of(data: bytes, phrase: str) -> list[int]:
    return [number for number, page in enumerate(pages(data)) if normalise(phrase) in normalise(page)]


def test_a_demand_and_its_status_are_never_split_across_pages() -> None:
    """Issue item "PDF: a demand's text and its target/deadline line split across a page break":
    each demand is kept whole on one page, whatever comes before it."""
    words = "publish every report on the water of the rivers and the lakes " * 6
    demands = tuple(Demand(text=f"Demand {k}: {words}end {k}.", status="met") for k in range(3))
    for paragraphs in range(20, 40, 2):  # moves the demands down the first page and over to the second
        data = pdf(make_letter(sections=_filler(paragraphs), demands=demands))
        for k in range(3):
            assert _pages_of(data, f"Demand {k}:") == _pages_of(data, f"end {k}. (Met)"), (paragraphs, k)
        assert _pages_of(data, "Our demands") == _pages_of(data, "Demand 0:")


@pytest.mark.parametrize("members", [10, 20], ids=["one-column", "columns"])
def test_a_group_heading_stays_with_its_first_signatories(members: int) -> None:
    people = tuple(Person(name=f"Member {n:02d}", title="MP") for n in range(members))
    groups = (
        OrganisationGroup(organisations=(Organisation(name="Coalition Secretariat"),)),
        PersonGroup(heading="Members of Parliament", people=people),
    )
    for paragraphs in range(22, 36):
        data = pdf(make_letter(sections=_filler(paragraphs), signatories=groups))
        assert _pages_of(data, "Signatories") == _pages_of(data, "Coalition Secretariat"), paragraphs
        heading = _pages_of(data, "Members of Parliament")
        assert heading == _pages_of(data, "Member 00") == _pages_of(data, "Member 01"), paragraphs


def test_a_line_never_ends_after_a_hyphen() -> None:
    """pdftotext (and Acrobat) take a hyphen at the end of a line for a hyphenation and drop it."""
    compounds = [f"well-known-{n}" for n in range(60)] + [f"a - b{n}" for n in range(30)]
    letter = make_letter(sections=(Section(text=" ".join(compounds)),))
    extracted = normalise(text(pdf(letter)).replace("-", "~"))  # normalise() drops hyphens
    for compound in compounds:
        assert normalise(compound.replace("-", "~")) in extracted
    assert problems(letter) == []


def test_words_are_not_hyphenated() -> None:
    words = ["internationalisation", "responsibilities", "notwithstanding", "environmental", "accountability"]
    letter = make_letter(sections=(Section(text=" ".join(words * 25)),))
    extracted = text(pdf(letter), "-layout")  # -layout keeps a hyphenated line end as it is
    assert all(word in words for word in extracted.split()[4:-4] if word.isalpha())
    assert not re.search(r"[a-z]-\s*$", extracted, re.MULTILINE)


def test_every_part_of_a_sender_signed_letter_is_the_senders() -> None:
    """A letter with no signatories is signed by its sender (the layer's sender groups)."""
    letter = make_letter(
        signatories=(),
        sender=Sender(people=(Person(name="Jane Roe", title="Mayor"),)),
        closing="Yours,",
    )
    extracted = normalise(body_text(pdf(letter)))
    assert extracted.startswith(normalise("Jane Roe An open letter"))
    assert extracted.endswith(normalise("Yours, Jane Roe, Mayor"))
    assert info(pdf(letter))["Author"] == "Jane Roe"


@pytest.mark.parametrize("kinds", ["qqqqqqqq", "bbbbbbbb", "oqbqoqbq", "bobobobo"])
def test_text_nested_as_deep_as_a_letter_may_reaches_the_document_whole(kinds: str) -> None:
    assert len(kinds) == NESTING_LIMIT  # the deepest text the model accepts
    base = sample_letters()["minimal"]
    letter = attrs.evolve(base, sections=(*base.sections, Section(heading="Deep", text=nested_markdown(kinds))))
    assert problems(letter) == []
