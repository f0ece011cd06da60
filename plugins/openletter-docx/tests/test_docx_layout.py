"""The document prints the letter's printed parts (`openletter.printed.layout`), nothing else.

Every sample letter is faithful (`openletter.testing.faithful`): every printed unit in order, no
text the letter lacks. The rules of the layer, one by one: the letterhead and the author are the
sender; labels are the letter's, with its language's colon; anchored demands are bookmarks where
they stand; every line of every addressee; the dateline's place; numbered signatories, notes,
the count note and endnotes between groups; the closing on the signer's line; parts in other
languages.
"""

from __future__ import annotations

import datetime as dt
import re

import attrs
import pytest
from docx_helpers import (
    W,
    document_text,
    layout_letters,
    open_docx,
    paragraphs,
    render,
    rich_letter,
    xml,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openletter_docx._render import BOOKMARK_LIMIT, bookmark_names

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
    labels,
)
from openletter.markdown import NESTING_LIMIT
from openletter.model import FieldLanguages, Labels, LetterheadLine, Sender, SignatoryCount
from openletter.printed import demand_element_ids
from openletter.testing import SAMPLE_NAMES, sample_letter
from openletter.testing.faithful import NAVIGATION, faithfulness_problems
from openletter.testing.samples import nested_markdown


def faithful(letter: Letter) -> list[str]:
    return faithfulness_problems(letter, document_text(render(letter)), navigation=NAVIGATION["docx"])


# --------------------------------------------------------------------------- faithfulness


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_every_sample_letter_is_printed_faithfully(name: str) -> None:
    assert faithful(sample_letter(name)) == []


@pytest.mark.parametrize("signatories", [3, 40], ids=["short", "columns"])
def test_the_rich_letter_is_printed_faithfully(signatories: int) -> None:
    assert faithful(rich_letter(signatories=signatories)) == []


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(letter=layout_letters())
def test_any_letter_is_printed_faithfully_with_one_bookmark_per_demand(letter: Letter) -> None:
    data = render(letter)
    assert faithfulness_problems(letter, document_text(data), navigation=NAVIGATION["docx"]) == []
    document = xml(data)
    starts = sorted(int(b.get(f"{W}id")) for b in document.iter(f"{W}bookmarkStart"))
    ends = sorted(int(b.get(f"{W}id")) for b in document.iter(f"{W}bookmarkEnd"))
    assert starts == ends == list(range(len(letter.demands)))


def test_the_faithfulness_check_sees_invented_text() -> None:
    """The check the tests above rely on fails for the words the document used to invent."""
    letter = rich_letter()
    text = document_text(render(letter))
    assert faithful(letter) == []
    about = text.replace("The Forum works", "About Forum for Rights\nThe Forum works")
    assert faithfulness_problems(letter, about, navigation=NAVIGATION["docx"])
    by = text.replace("Publish the water tests.", "Publish the water tests. (To: Minister of Water; by April 30, 2024)")
    assert faithfulness_problems(letter, by, navigation=NAVIGATION["docx"])


# --------------------------------------------------------------------------- sender


def test_no_sender_no_letterhead_and_no_author() -> None:
    letter = attrs.evolve(rich_letter(), sender=None)
    data = render(letter)
    got = paragraphs(data)
    assert got[0] == ("Title", letter.title)  # the first signatory is not a letterhead
    assert not [style for style, _ in got if style == "Letterhead"]
    assert open_docx(data).core_properties.author == ""


def test_the_letterhead_prints_the_senders_letterhead_lines_each_in_its_language() -> None:
    sender = Sender(
        organisations=(Organisation(name="Forum for Rights"),),
        letterhead=(LetterheadLine(text="Forum for Rights"), LetterheadLine(text="منتدى الحقوق", lang="ar")),
    )
    data = render(attrs.evolve(rich_letter(), sender=sender))
    assert paragraphs(data)[0] == ("Letterhead", "Forum for Rights\nمنتدى الحقوق")
    head = next(xml(data).iter(f"{W}p"))
    arabic = [r for r in head.iter(f"{W}r") if "".join(r.itertext()) == "منتدى الحقوق"]
    assert [r.find(f"{W}rPr/{W}lang").get(f"{W}val") for r in arabic] == ["ar"]
    assert open_docx(data).core_properties.author == "Forum for Rights"


# --------------------------------------------------------------------------- labels


def test_labels_take_the_languages_colon() -> None:
    letter = attrs.evolve(rich_letter(), language="fr")
    words = labels("fr")
    got = paragraphs(render(letter))
    assert ("Normal", f"{words['subject']}{words['colon']}{letter.subject}") in got
    assert ("Normal", f"{words['to']}{words['colon']}H.E. Minister of Water, Minister") in got
    assert words["colon"] != ": "
    assert not [text for _, text in got if text.startswith(f"{words['subject']}: ")]


def test_labels_are_the_letters_own_and_an_empty_label_prints_nothing() -> None:
    own = Labels(to="Attention", subject="", demands="", signatories="Signed by", notes="Sources")
    got = paragraphs(render(attrs.evolve(rich_letter(), labels=own)))
    texts = [text for _, text in got]
    assert "Attention: H.E. Minister of Water, Minister" in texts
    assert "Rights, water and the coming elections" in texts  # the subject, without a label
    assert ("Heading 1", "Signed by") in got
    assert ("Heading 1", "Sources") in got
    assert ("Heading 1", "Our demands") not in got  # no heading over the demands
    assert not [t for t in texts if "Subject" in t or "Signatories" in t or t == "Notes"]


def test_one_signatory_has_no_signatories_heading_unless_the_letter_gives_one() -> None:
    letter = sample_letter("minimal")
    assert [text for style, text in paragraphs(render(letter)) if style.startswith("Heading")] == []
    own = attrs.evolve(letter, labels=Labels(signatories="Signed"))
    assert ("Heading 1", "Signed") in paragraphs(render(own))


# --------------------------------------------------------------------------- demands


def anchored_letter(status: str = "met", demand_id: str | None = "release") -> Letter:
    return attrs.evolve(
        rich_letter(),
        sections=(Section(text="We ask you to release the prisoners now, and to publish the tests."),),
        demands=(
            Demand(id=demand_id, quote="release the prisoners", text="Release the prisoners.", status=status),
            Demand(text="Hold public hearings.", status="partly-met", deadline=dt.date(2024, 4, 30)),
        ),
    )


def test_an_anchored_demand_is_a_bookmark_around_its_passage_with_its_status_and_is_not_listed() -> None:
    data = render(anchored_letter())
    got = paragraphs(data)
    assert ("Normal", "We ask you to release the prisoners (Met) now, and to publish the tests.") in got
    assert not [text for _, text in got if "Release the prisoners." in text]
    assert ("List Number", "Hold public hearings. (Partly met)") in got  # the status only: no deadline
    paragraph = next(p for p in xml(data).iter(f"{W}p") if "".join(p.itertext()).startswith("We ask"))
    pieces = [
        ("start", child.get(f"{W}name"))
        if child.tag == f"{W}bookmarkStart"
        else ("end", child.get(f"{W}id"))
        if child.tag == f"{W}bookmarkEnd"
        else ("text", "".join(child.itertext()))
        for child in paragraph
        if child.tag != f"{W}pPr"
    ]
    assert pieces == [
        ("text", "We ask you to "),
        ("start", "demand_release"),
        ("text", "release the prisoners"),
        ("end", "0"),
        ("text", " "),
        ("text", "(Met)"),
        ("text", " now, and to publish the tests."),
    ]


def test_an_open_demand_has_no_status_word() -> None:
    got = paragraphs(render(anchored_letter(status="open")))
    assert ("Normal", "We ask you to release the prisoners now, and to publish the tests.") in got


def test_every_demand_is_a_bookmark_with_a_unique_id() -> None:
    data = render(anchored_letter(demand_id=None))
    starts = list(xml(data).iter(f"{W}bookmarkStart"))
    ends = list(xml(data).iter(f"{W}bookmarkEnd"))
    assert [(s.get(f"{W}name"), s.get(f"{W}id")) for s in starts] == [("demand_1", "0"), ("demand_2", "1")]
    assert [e.get(f"{W}id") for e in ends] == ["0", "1"]
    listed = next(p for p in xml(data).iter(f"{W}p") if "".join(p.itertext()).startswith("Hold public"))
    assert listed.find(f"{W}bookmarkStart").get(f"{W}name") == "demand_2"


BOOKMARK_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,39}\Z")


@pytest.mark.parametrize(
    ("ids", "names"),
    [
        (["demand-a.b", "demand-a_b", "demand-A-B"], ["demand_a_b", "demand_a_b_2", "demand_A_B_3"]),
        (["demand-" + "x" * 50, "demand-" + "x" * 60], ["demand_" + "x" * 33, "demand_" + "x" * 31 + "_2"]),
        (["9-lives", "_hidden"], ["d_9_lives", "d__hidden"]),
    ],
    ids=["punctuation-and-case", "long", "first-character"],
)
def test_bookmark_names_are_valid_for_word_and_unique(ids: list[str], names: list[str]) -> None:
    assert list(bookmark_names(ids).values()) == names


@given(st.lists(st.from_regex(r"demand-[A-Za-z0-9][A-Za-z0-9_.-]{0,60}", fullmatch=True), unique=True, max_size=20))
def test_any_element_ids_give_valid_distinct_bookmark_names(ids: list[str]) -> None:
    names = list(bookmark_names(ids).values())
    assert all(BOOKMARK_NAME.match(name) and len(name) <= BOOKMARK_LIMIT for name in names)
    assert len({name.lower() for name in names}) == len(names)


def test_the_sample_letters_demands_are_bookmarks_with_their_element_ids() -> None:
    letter = sample_letter("aphr_cambodia")
    names = {b.get(f"{W}name") for b in xml(render(letter)).iter(f"{W}bookmarkStart")}
    assert names == {element_id.replace("-", "_") for element_id in demand_element_ids(letter)}


# --------------------------------------------------------------------------- addressees and dateline


def test_every_line_of_every_addressee_is_printed_cc_included() -> None:
    letter = attrs.evolve(
        rich_letter(),
        demands=(),
        addressees=(
            Addressee(name="Minister", lines=("The Minister of Water", "Ministry of Water", "Bangkok")),
            Addressee(name="Hidden", printed=False),
            Addressee(name="Jane Roe", kind="cc", honorific="Dr", role="Chair", organisation="Water Committee"),
            Addressee(name="Sam Poe", kind="cc", organisation="Audit Office"),
        ),
    )
    got = paragraphs(render(letter))
    assert ("Normal", "To: The Minister of Water\nMinistry of Water\nBangkok") in got
    assert ("Normal", "Cc: Dr Jane Roe, Chair, Water Committee\nSam Poe, Audit Office") in got
    assert not [text for _, text in got if "Hidden" in text]


def test_the_dateline_stands_before_the_signatures_when_the_letter_puts_it_there() -> None:
    got = paragraphs(render(attrs.evolve(rich_letter(), date_position="before-signatures")))
    styles = [style for style, _ in got]
    date = got.index(("Date", "Bangkok, March 15, 2024"))
    assert styles.count("Date") == 1
    assert styles[date - 1] == "Closing"
    assert got[date + 1] == ("Heading 1", "Signatories")


# --------------------------------------------------------------------------- signatories


def numbering_starts(data: bytes) -> list[str | None]:
    """The first number of each signatory paragraph's list (None: not numbered), in order."""
    numbering = xml(data, "word/numbering.xml")
    starts = {
        num.get(f"{W}numId"): num.find(f"{W}lvlOverride/{W}startOverride").get(f"{W}val")
        for num in numbering.iter(f"{W}num")
        if num.find(f"{W}lvlOverride/{W}startOverride") is not None
    }
    out: list[str | None] = []
    for paragraph in xml(data).iter(f"{W}p"):
        style = paragraph.find(f"{W}pPr/{W}pStyle")
        if style is None or style.get(f"{W}val") != "Signature":
            continue
        num = paragraph.find(f"{W}pPr/{W}numPr/{W}numId")
        out.append(None if num is None else starts[num.get(f"{W}val")])
    return out


@pytest.mark.parametrize(
    ("numbering", "starts"),
    [("none", [None, None, None]), ("group", ["1", "1", "1"]), ("continuous", ["1", "2", "2"])],
)
def test_signatories_are_numbered_by_group_or_continuously(numbering: str, starts: list[str | None]) -> None:
    data = render(attrs.evolve(rich_letter(), signatory_numbering=numbering))
    # the Forum's group, then the members of parliament (one list, counting on from its start)
    assert numbering_starts(data) == starts


def test_group_notes_count_note_notes_and_endnotes_between_groups() -> None:
    base = rich_letter()
    first, second = base.signatories
    letter = attrs.evolve(
        base,
        signatories=(
            attrs.evolve(first, note_before="Signed for the organisations:", note_after="More to come."),
            attrs.evolve(second, endnotes_before=True),
        ),
        signatory_count_note=SignatoryCount(text="3 signatures as of today"),
        notes="Affiliations for identification only.",
        postscript=None,
    )
    texts = [text for _, text in paragraphs(render(letter))]
    order = [
        "Signatories",
        "Signed for the organisations:",
        "Forum for Rights (FFR) (Thailand)",
        "The Forum works for rights.",
        "More to come.",
        "Notes",
        "The Water Act, section 6.",
        "Members of Parliament",
        "Signatory Number2, Member of Parliament (Cambodia)",
        "3 signatures as of today",
        "Affiliations for identification only.",  # no "P.S." label: notes are not a postscript
    ]
    assert [texts.index(text) for text in order] == sorted(texts.index(text) for text in order)
    assert texts[-1] == "Affiliations for identification only."
    assert texts.count("Notes") == 1


def test_the_closing_is_written_on_the_signers_line() -> None:
    letter = attrs.evolve(
        rich_letter(),
        signatories=(PersonGroup(people=(Person(name="Jane Doe", honorific_suffix="AO"),)),),
        closing="敬上",
        closing_position="after-signer",
    )
    got = paragraphs(render(letter))
    assert ("Signature", "Jane Doe AO 敬上") in got
    assert not [style for style, _ in got if style == "Closing"]


def test_an_organisations_description_prints_with_its_name() -> None:
    got = paragraphs(render(rich_letter()))
    name = got.index(("Signature", "Forum for Rights (FFR) (Thailand)"))
    assert got[name + 1] == ("Normal", "The Forum works for rights.")
    assert not [text for _, text in got if text.startswith("About")]


# --------------------------------------------------------------------------- languages


def run_langs(data: bytes, text: str) -> set[str | None]:
    """The ``w:lang`` of the runs of the paragraph starting with `text`."""
    paragraph = next(p for p in xml(data).iter(f"{W}p") if "".join(p.itertext()).startswith(text))
    return {
        None if run.find(f"{W}rPr/{W}lang") is None else run.find(f"{W}rPr/{W}lang").get(f"{W}val")
        for run in paragraph.iter(f"{W}r")
        if "".join(run.itertext()).strip()
    }


def paragraph_bidi(data: bytes, text: str) -> str | None:
    """The paragraph's ``w:bidi`` (``"1"`` when set without a value), or None."""
    paragraph = next(p for p in xml(data).iter(f"{W}p") if "".join(p.itertext()).startswith(text))
    bidi = paragraph.find(f"{W}pPr/{W}bidi")
    return None if bidi is None else bidi.get(f"{W}val", "1")


def test_a_part_in_another_language_has_its_runs_tagged_with_it() -> None:
    letter = attrs.evolve(
        rich_letter(),
        sections=(Section(text="Nous écrivons *vite*.", lang="fr"), Section(heading="In English", text="We write.")),
        field_lang=FieldLanguages(title="en-GB", closing="fr"),
        closing="Salutations,",
    )
    data = render(letter)
    assert run_langs(data, "Nous écrivons") == {"fr"}
    assert run_langs(data, "We write.") == {None}
    assert run_langs(data, letter.title) == {"en-GB"}
    assert run_langs(data, "Salutations,") == {"fr"}
    assert paragraph_bidi(data, "Nous écrivons") is None


def test_a_right_to_left_part_of_a_left_to_right_letter_is_a_right_to_left_paragraph() -> None:
    letter = attrs.evolve(
        rich_letter(),
        sections=(Section(text="نكتب إليكم.", lang="ar"), Section(heading="In English", text="We write.")),
    )
    data = render(letter)
    assert paragraph_bidi(data, "نكتب") == "1"
    assert paragraph_bidi(data, "We write.") is None
    lang = next(p for p in xml(data).iter(f"{W}p") if "نكتب" in "".join(p.itertext())).find(f".//{W}lang")
    assert (lang.get(f"{W}val"), lang.get(f"{W}bidi")) == ("ar", "ar")


def test_a_left_to_right_part_of_a_right_to_left_letter_is_a_left_to_right_paragraph() -> None:
    letter = sample_letter("arabic_rtl")
    letter = attrs.evolve(
        letter, sections=(*letter.sections, Section(heading="English", text="An English paragraph.", lang="en"))
    )
    data = render(letter)
    assert paragraph_bidi(data, "An English paragraph.") == "0"
    assert run_langs(data, "An English paragraph.") == {"en"}
    assert paragraph_bidi(data, letter.title) == "1"


def test_signatories_and_groups_in_their_languages() -> None:
    letter = attrs.evolve(
        rich_letter(),
        signatories=(
            OrganisationGroup(organisations=(Organisation(name="Thai Forum", lang="th"),), lang="km"),
            PersonGroup(heading="Members", people=(Person(name="Jane"),), lang="de"),
        ),
        references=(Reference(id="law", text="Das Gesetz.", lang="de"),),
    )
    data = render(letter)
    assert run_langs(data, "Thai Forum") == {"th"}
    assert run_langs(data, "Members") == {"de"}
    assert run_langs(data, "Jane") == {"de"}
    assert run_langs(data, "Das Gesetz.") == {"de"}


@pytest.mark.parametrize("kinds", ["qqqqqqqq", "bbbbbbbb", "oqbqoqbq", "bobobobo"])
def test_text_nested_as_deep_as_a_letter_may_reaches_the_document_whole(kinds: str) -> None:
    assert len(kinds) == NESTING_LIMIT  # the deepest text the model accepts
    base = sample_letter("minimal")
    letter = attrs.evolve(base, sections=(*base.sections, Section(heading="Deep", text=nested_markdown(kinds))))
    assert faithful(letter) == []
