"""The document read back with python-docx: built-in Word styles, in the letter's order."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest
from docx_helpers import (
    A4,
    ARABIC,
    EXAMPLE,
    GIF,
    HYPERLINK_RELATIONSHIP,
    THAI,
    US_LETTER,
    R,
    W,
    all_text,
    body_sections,
    letters,
    open_docx,
    paragraphs,
    part,
    parts,
    png,
    render,
    rich_letter,
    xml,
)
from hypothesis import HealthCheck, given, settings
from openletter_docx._render import bookmark_names

import openletter
from openletter import Letter, Logo, Organisation, OrganisationGroup, Person, labels
from openletter.model import Sender
from openletter.printed import demand_element_ids

LETTERS = {"example": EXAMPLE, "thai": THAI, "arabic": ARABIC}


def load(name: str) -> Letter:
    return rich_letter() if name == "rich" else openletter.load(LETTERS[name])


def test_the_example_is_a_letter_in_word_styles() -> None:
    letter = openletter.load(EXAMPLE)
    [section] = letter.sections
    assert letter.sender is not None
    [organisation] = letter.sender.organisations
    expected = [
        ("Letterhead", "ASEAN Parliamentarians for Human Rights"),
        ("Title", letter.title),
        ("Date", "8 June 2023"),
        ("Normal", "To: The United States Congress"),
        ("Salutation", "Your Honors,"),
        # every demand is marked in the text: no list of demands, nothing printed twice
        *[("Normal", paragraph) for paragraph in section.text.split("\n\n")],
        ("Closing", "Yours sincerely,"),
        # the sender signs; its description comes with its name (no "About" heading)
        ("Signature", "ASEAN Parliamentarians for Human Rights (APHR)"),
        ("Normal", organisation.description),
    ]
    assert paragraphs(render(letter)) == expected


def test_every_kind_of_markdown_block_has_its_word_style() -> None:
    assert paragraphs(render(rich_letter())) == [
        ("Letterhead", "Forum for Rights"),
        ("Title", "Open Letter on Rights and Water"),
        ("Subtitle", "A subtitle under the title"),
        ("Date", "Bangkok, March 15, 2024"),
        ("Normal", "To: H.E. Minister of Water, Minister"),
        ("Normal", "Cc: Committee on Water"),
        ("Normal", "Subject: Rights, water and the coming elections"),
        ("Salutation", "Dear Minister,"),
        (
            "Normal",
            "We write with grave concern about the state of rights1, as our report shows.\n"
            "A second line after a hard break, and inline code.",
        ),
        ("Heading 2", "What we saw"),
        ("List Number", "First numbered point"),
        ("List Number", "Second numbered point"),
        ("List Bullet 2", "a nested bullet"),
        ("List Bullet 2", "another nested bullet"),
        ("List Bullet", "a bullet"),
        ("List Bullet", "another bullet"),
        ("List Number", "A list starting at three"),
        ("List Number", "and four"),
        ("Quote", "A quoted witness statement."),
        ("macro", "code line one\ncode line two"),
        ("Normal", "Mixed scripts: ភាសាខ្មែរ, ภาษาไทย, 中文, العربية."),
        ("Heading 1", "Our concerns with emphasis"),
        ("Normal", "Second section text."),
        ("Heading 1", "Our demands"),
        ("List Number", "Publish the water tests."),
        ("List Number", "Hold public hearings."),
        ("List Continue", "In every district."),
        ("Closing", "Yours sincerely,"),
        ("Heading 1", "Signatories"),
        ("Signature", "Forum for Rights (FFR) (Thailand)"),
        ("Normal", "The Forum works for rights."),
        ("Heading 2", "Members of Parliament"),
        ("Signature", "Signatory Number1, Member of Parliament (Cambodia)"),
        ("Signature", "Signatory Number2, Member of Parliament (Cambodia)"),
        ("Normal", "P.S. We are ready to meet."),
        ("Heading 1", "Notes"),
        ("List Number", "The Water Act, section 6."),
    ]


@pytest.mark.parametrize("name", ["example", "thai", "arabic", "rich"])
def test_the_letters_parts_come_in_order_with_their_styles(name: str) -> None:
    letter = load(name)
    data = render(letter)
    got = paragraphs(data)
    styles = [style for style, _ in got]
    texts = [text for _, text in got]
    title = styles.index("Title")
    assert styles[:title] in ([], ["Letterhead"])
    assert texts[title] == letter.title
    headings = [text for style, text in got if style == "Heading 1"]
    section_headings = [s.heading for s in letter.sections if s.heading]
    assert [h for h in headings if h in [plain(s) for s in section_headings]] == [plain(s) for s in section_headings]
    numbered = [text for style, text in got if style == "List Number"]
    bookmarked = {b.get(f"{W}name") for b in xml(data).iter(f"{W}bookmarkStart")}
    names = bookmark_names(demand_element_ids(letter))
    for demand, element_id in zip(letter.demands, demand_element_ids(letter), strict=True):
        if demand.quote is None:  # listed after the body
            assert demand.text is not None
            assert any(text.startswith(plain(demand.text.split("\n\n")[0])) for text in numbered)
        else:  # marked where it stands, never listed
            assert not any(text.startswith(plain(demand.text or "")) for text in numbered)
        assert names[element_id] in bookmarked
    assert ("Closing", letter.closing) in got
    body = all_text(data)
    for group in letter.signatories:
        members = group.organisations if isinstance(group, OrganisationGroup) else group.people
        for member in members:
            assert member.name in body
    closing = texts.index(letter.closing or "")
    signature = styles.index("Signature")
    assert title < closing < signature


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(letter=letters())
def test_any_letter_keeps_its_parts_in_order_and_in_their_styles(letter: Letter) -> None:
    data = render(letter)
    got = paragraphs(data)
    assert got[0] == ("Title", letter.title)
    headings = [text for style, text in got if style == "Heading 1"]
    expected = [s.heading for s in letter.sections if s.heading]
    assert [h for h in headings if h in expected] == expected
    if letter.demands:
        start = got.index(("Heading 1", labels(letter.language)["demands"])) + 1
        assert got[start : start + len(letter.demands)] == [("List Number", d.text) for d in letter.demands]
    names = [text for style, text in got if style == "Signature"]
    assert names == [person.name for group in letter.signatories for person in group.people]  # type: ignore[union-attr]
    if letter.closing:
        assert ("Closing", letter.closing) in got
        assert got.index(("Closing", letter.closing)) < [style for style, _ in got].index("Signature")
    rtl = letter.language in ("ar", "he")
    document = xml(data)
    assert {p.find(f"{W}pPr/{W}bidi") is not None for p in document.iter(f"{W}p")} == {rtl}


def plain(markdown: str) -> str:
    """Markdown inline text without its emphasis markers (enough for the test letters)."""
    return markdown.replace("**", "").replace("*", "")


def test_inline_markdown_becomes_character_styles_hyperlinks_and_superscript_markers() -> None:
    data = render(rich_letter())
    document = xml(data)
    first = next(p for p in document.iter(f"{W}p") if "grave" in "".join(p.itertext()))

    def runs_styled(style: str) -> list[str]:
        return [
            "".join(r.itertext())
            for r in first.iter(f"{W}r")
            if r.find(f"{W}rPr/{W}rStyle") is not None and r.find(f"{W}rPr/{W}rStyle").get(f"{W}val") == style
        ]

    assert runs_styled("Emphasis") == ["grave"]
    assert runs_styled("Strong") == ["the state"]
    assert runs_styled("HTMLCode") == ["inline code"]
    assert runs_styled("Hyperlink") == ["our report"]
    [marker] = [r for r in first.iter(f"{W}r") if r.find(f"{W}rPr/{W}vertAlign") is not None]
    assert "".join(marker.itertext()) == "1"
    assert marker.find(f"{W}rPr/{W}vertAlign").get(f"{W}val") == "superscript"
    assert len(list(first.iter(f"{W}br"))) == 1  # the hard line break
    [link] = first.iter(f"{W}hyperlink")
    rels = open_docx(data).part.rels
    assert rels[link.get(f"{R}id")].target_ref == "https://example.org/report"
    assert rels[link.get(f"{R}id")].reltype == HYPERLINK_RELATIONSHIP
    assert rels[link.get(f"{R}id")].is_external


def test_organisation_websites_are_links_and_addressee_emails_are_not_printed() -> None:
    data = render(rich_letter())
    targets = {rel.target_ref for rel in open_docx(data).part.rels.values() if rel.is_external}
    assert targets == {"https://example.org/report", "https://ffr.example.org/"}
    assert "minister@example.org" not in all_text(data)  # the layout prints no addressee's email


def test_numbered_lists_restart_and_keep_their_start_number() -> None:
    data = render(rich_letter())
    document = xml(data)
    numbering = xml(data, "word/numbering.xml")
    starts = {
        num.get(f"{W}numId"): num.find(f"{W}lvlOverride/{W}startOverride").get(f"{W}val")
        for num in numbering.iter(f"{W}num")
        if num.find(f"{W}lvlOverride/{W}startOverride") is not None
    }

    def num_of(text: str) -> str:
        paragraph = next(p for p in document.iter(f"{W}p") if "".join(p.itertext()).startswith(text))
        return str(paragraph.find(f"{W}pPr/{W}numPr/{W}numId").get(f"{W}val"))

    lists = [num_of("First numbered"), num_of("A list starting"), num_of("Publish the"), num_of("The Water Act")]
    assert len(set(lists)) == 4  # each list counts on its own
    assert [starts[n] for n in lists] == ["1", "3", "1", "1"]
    assert num_of("Second numbered") == lists[0]
    assert num_of("Hold public") == lists[2]


def test_page_numbers_are_a_page_field_in_the_footer() -> None:
    data = render(rich_letter())
    footer = xml(data, "word/footer1.xml")
    assert ["".join(i.itertext()) for i in footer.iter(f"{W}instrText")] == [" PAGE "]
    assert [c.get(f"{W}fldCharType") for c in footer.iter(f"{W}fldChar")] == ["begin", "separate", "end"]
    [section] = body_sections(data)
    assert section.find(f"{W}footerReference") is not None


@pytest.mark.parametrize(
    ("options", "size"),
    [({}, A4), ({"paper": "a4"}, A4), ({"paper": "us-letter"}, US_LETTER)],
    ids=["default", "a4", "us-letter"],
)
@pytest.mark.parametrize("signatories", [3, 40])
def test_page_size(options: dict[str, str], size: tuple[int, int], signatories: int) -> None:
    sections = list(body_sections(render(rich_letter(signatories=signatories), **options)))
    assert len(sections) == (1 if signatories <= 12 else 3)
    for section in sections:
        page = section.find(f"{W}pgSz")
        assert (int(page.get(f"{W}w")), int(page.get(f"{W}h"))) == size


@pytest.mark.parametrize("paper", ["A4", " a4", "US-Letter"])
def test_paper_names_are_read_in_any_case(paper: str) -> None:
    assert render(rich_letter(), paper=paper) == render(rich_letter(), paper=paper.strip().lower())


@pytest.mark.parametrize("paper", ["bogus", "letter", "a 4", ""])
def test_an_unknown_paper_size_is_an_option_error(paper: str) -> None:
    with pytest.raises(openletter.OptionError, match=r"docx\.paper"):
        render(rich_letter(), paper=paper)


def test_core_properties_describe_the_letter() -> None:
    letter = rich_letter()
    properties = open_docx(render(letter)).core_properties
    assert properties.title == letter.title
    assert properties.subject == letter.subject
    assert properties.author == "Forum for Rights"
    assert properties.last_modified_by == "Forum for Rights"
    assert properties.language == "en"
    assert properties.keywords == "rights, water"
    assert properties.revision == 1
    moment = dt.datetime(2024, 3, 15, tzinfo=dt.UTC)
    assert properties.created.replace(tzinfo=dt.UTC) == moment
    assert properties.modified.replace(tzinfo=dt.UTC) == moment
    assert "python-docx" not in part(render(letter), "docProps/core.xml")


def test_a_letter_without_a_date_is_dated_2000() -> None:
    properties = open_docx(render(attrs.evolve(rich_letter(), date=None))).core_properties
    assert properties.created.year == properties.modified.year == 2000


@pytest.mark.parametrize(
    ("sender", "author"),
    [
        (None, ""),
        (Sender(people=(Person(name="Jane Doe"),)), "Jane Doe"),
        (Sender(organisations=(Organisation(name="One"), Organisation(name="Two"))), "One; Two"),
        (
            Sender(organisations=(Organisation(name="One"),), people=(Person(name="Jane Doe"),)),
            "One; Jane Doe",
        ),
    ],
    ids=["no-sender", "person", "organisations", "both"],
)
def test_the_author_is_the_sender_never_a_signatory(sender: Sender | None, author: str) -> None:
    letter = attrs.evolve(rich_letter(), sender=sender)
    properties = open_docx(render(letter)).core_properties
    assert properties.author == properties.last_modified_by == author
    assert "Forum for Rights" not in properties.author  # the first signatory, unless it sends


def test_long_texts_are_clipped_in_the_document_properties_only() -> None:
    long = "word " * 99 + "end"
    letter = attrs.evolve(rich_letter(), title=long, subject=long, keywords=(long, long))
    data = render(letter)
    properties = open_docx(data).core_properties
    assert len(properties.title) == len(properties.subject) == len(properties.keywords) == 255
    assert properties.title == long[:254].rstrip() + "…"
    assert paragraphs(data)[1] == ("Title", long)


def test_no_thumbnail_of_an_empty_page() -> None:
    assert not [name for name in parts(render(rich_letter())) if "thumbnail" in name]


# --------------------------------------------------------------------------- languages and scripts


@pytest.mark.parametrize(
    ("language", "lang", "east_asian", "complex_script"),
    [
        ("en", {"val": "en", "eastAsia": "zh-CN", "bidi": "ar-SA"}, "Noto Sans CJK SC", "Noto Sans"),
        ("th", {"val": "th", "eastAsia": "zh-CN", "bidi": "th"}, "Noto Sans CJK SC", "Noto Sans Thai"),
        ("km", {"val": "km", "eastAsia": "zh-CN", "bidi": "km"}, "Noto Sans CJK SC", "Noto Sans Khmer"),
        ("zh-Hans", {"val": "zh-Hans", "eastAsia": "zh-Hans", "bidi": "ar-SA"}, "Noto Sans CJK SC", "Noto Sans"),
        ("zh-Hant", {"val": "zh-Hant", "eastAsia": "zh-Hant", "bidi": "ar-SA"}, "Noto Sans CJK TC", "Noto Sans"),
        ("ja", {"val": "ja", "eastAsia": "ja", "bidi": "ar-SA"}, "Noto Sans CJK JP", "Noto Sans"),
        ("ar", {"val": "ar", "eastAsia": "zh-CN", "bidi": "ar"}, "Noto Sans CJK SC", "Noto Naskh Arabic"),
        ("ur", {"val": "ur", "eastAsia": "zh-CN", "bidi": "ur"}, "Noto Sans CJK SC", "Noto Nastaliq Urdu"),
        ("he", {"val": "he", "eastAsia": "zh-CN", "bidi": "he"}, "Noto Sans CJK SC", "Noto Sans Hebrew"),
    ],
)
def test_the_document_language_and_script_fonts(
    language: str, lang: dict[str, str], east_asian: str, complex_script: str
) -> None:
    data = render(rich_letter(language=language))
    styles = xml(data, "word/styles.xml")
    defaults = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
    assert {k.removeprefix(W): v for k, v in defaults.find(f"{W}lang").attrib.items()} == lang
    fonts = defaults.find(f"{W}rFonts")
    assert (fonts.get(f"{W}eastAsia"), fonts.get(f"{W}cs")) == (east_asian, complex_script)
    for element in styles.iter(f"{W}rFonts"):  # no theme font hides the slot: headings use it too
        assert element.get(f"{W}eastAsiaTheme") is None
        assert element.get(f"{W}cstheme") is None


SCRIPTS = {
    "thai": ("ภาษาไทยในจดหมาย", "w:cs"),
    "khmer": ("ភាសាខ្មែរក្នុងលិខិត", "w:cs"),
    "chinese": ("公开信中的中文", "eastAsia"),
    "arabic": ("اللغة العربية في الرسالة", "w:rtl"),
    "hebrew": ("עברית במכתב", "w:rtl"),
}


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_text_in_every_script_survives_in_runs_marked_for_its_font_slot(script: str) -> None:
    words, mark = SCRIPTS[script]
    base = rich_letter()
    letter = attrs.evolve(
        base,
        title=f"{words} title",
        sections=(attrs.evolve(base.sections[0], text=f"Latin then {words}, and *{words}*."), *base.sections[1:]),
        demands=(attrs.evolve(base.demands[0], text=words), *base.demands[1:]),
        closing=words,
    )
    data = render(letter)
    got = paragraphs(data)
    assert got[1] == ("Title", f"{words} title")
    assert ("Normal", f"Latin then {words}, and {words}.") in got
    assert any(style == "List Number" and text.startswith(words) for style, text in got)
    assert ("Closing", words) in got
    document = xml(data)
    marked = [r for r in document.iter(f"{W}r") if "".join(r.itertext()).strip(" ,.") == words]
    assert marked
    for run in marked:
        properties = run.find(f"{W}rPr")
        if mark == "eastAsia":
            assert properties.find(f"{W}rFonts").get(f"{W}hint") == "eastAsia"
        else:
            assert properties.find(mark.replace("w:", W)) is not None
            assert properties.find(f"{W}rFonts").get(f"{W}hint") == "cs"
    latin = next(r for r in document.iter(f"{W}r") if "".join(r.itertext()) == "Latin then ")
    assert latin.find(f"{W}rPr") is None


@pytest.mark.parametrize(("path", "rtl"), [(ARABIC, True), (THAI, False), (EXAMPLE, False)])
def test_right_to_left_letters_have_right_to_left_paragraphs(path: object, rtl: bool) -> None:
    letter = openletter.load(path)  # type: ignore[arg-type]
    data = render(letter)
    document = xml(data)
    body = document.find(f"{W}body")
    paragraphs_ = list(body.iter(f"{W}p"))
    bidi = [p.find(f"{W}pPr/{W}bidi") is not None for p in paragraphs_]
    assert bidi == [rtl] * len(paragraphs_)
    assert all((s.find(f"{W}bidi") is not None) == rtl for s in body_sections(data))
    footer = xml(data, "word/footer1.xml")
    assert (footer.find(f"{W}p/{W}pPr/{W}bidi") is not None) == rtl
    runs_rtl = [r for r in document.iter(f"{W}r") if r.find(f"{W}rPr/{W}rtl") is not None]
    assert bool(runs_rtl) == rtl
    defaults = xml(data, "word/styles.xml").find(f"{W}docDefaults")
    assert (defaults.find(f"{W}pPrDefault/{W}pPr/{W}bidi") is not None) == rtl
    assert defaults.find(f"{W}rPrDefault/{W}rPr/{W}rtl") is None  # Latin runs stay left-to-right
    if rtl:
        assert letter.title in all_text(data)
        assert all(demand.text in all_text(data) for demand in letter.demands)


# --------------------------------------------------------------------------- the logo


def test_the_thai_letters_logo_is_an_inline_picture_described_by_its_alt_text() -> None:
    letter = openletter.load(THAI)
    assert letter.logo is not None
    data = render(letter)
    document = open_docx(data)
    [shape] = document.inline_shapes
    assert shape.height == int(1.8 * 360000)
    images = {name: blob for name, blob in parts(data).items() if name.startswith("word/media/")}
    assert list(images.values()) == [letter.logo.data]
    [properties] = xml(data).iter("{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr")
    assert properties.get("descr") == letter.logo.alt
    assert document.paragraphs[0].style.name == "Letterhead"
    assert letter.sender is None
    assert document.paragraphs[0].text.strip() == ""  # no sender, no name: the logo alone


@pytest.mark.parametrize(
    ("file", "data"),
    [("logo.png", png(40, 20)), ("logo.gif", GIF), ("wide.png", png(4000, 10))],
    ids=["png", "gif", "wide"],
)
def test_logos_of_each_kind_fit_the_letterhead(file: str, data: bytes) -> None:
    document = open_docx(render(rich_letter(logo=Logo(file=file, alt="FFR logo", data=data))))
    [shape] = document.inline_shapes
    assert 0 < shape.width <= 7 * 360000
    assert 0 < shape.height <= int(1.8 * 360000)


def test_a_logo_python_docx_cannot_read_leaves_its_alt_text() -> None:
    broken = Logo(file="logo.png", alt="FFR logo", data=b"\x89PNG\r\n\x1a\n" + b"\x00" * 10)
    data = render(rich_letter(logo=broken))
    document = open_docx(data)
    assert not document.inline_shapes
    assert document.paragraphs[0].text == "FFR logo\tForum for Rights"


def test_no_logo_no_picture() -> None:
    data = render(openletter.load(EXAMPLE))
    assert not open_docx(data).inline_shapes
    assert not [name for name in parts(data) if name.startswith("word/media/")]
