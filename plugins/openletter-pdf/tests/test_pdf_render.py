"""The pdf format end to end: the example's words in order, paper, fonts, metadata, determinism."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import attrs
import openletter
import pytest
from openletter import Demand, OptionError, Reference, Section

from pdf_helpers import (
    assert_in_order,
    body_text,
    data_letter,
    destinations,
    example,
    example_path,
    fonts,
    images,
    info,
    make_letter,
    normalise,
    outline_titles,
    pdf,
    people,
    sentences,
    text,
)


def test_the_format_is_registered_through_the_entry_point() -> None:
    info_ = openletter.default_registry().format("pdf")
    assert info_.exporter.suffix == ".pdf"
    assert info_.exporter.media_type == "application/pdf"
    assert set(info_.exporter.options) == {"paper"}
    assert info_.plugin.distribution == "openletter-pdf"


def test_the_output_is_a_pdf() -> None:
    data = pdf(example())
    assert data.startswith(b"%PDF-")
    assert data.rstrip().endswith(b"%%EOF")


@pytest.mark.parametrize("layout", [(), ("-layout",)], ids=["reading-order", "layout"])
def test_the_example_reads_in_order(layout: tuple[str, ...]) -> None:
    letter = example()
    assert letter.sender is not None
    sender = letter.sender.names[0]
    expected = [
        sender,  # the letterhead: the sender, and only the sender
        letter.title,
        letter.date_text or "",
        *(a.name for a in letter.recipients),
        letter.salutation or "",
        *(sentence for section in letter.sections for sentence in sentences(section.text, 2)),
        letter.closing or "",
        sender,  # the signature: a letter with no signatories is signed by its sender
    ]
    assert_in_order(body_text(pdf(letter), *layout), expected)


def test_the_examples_demands_are_marked_where_they_stand_and_printed_once() -> None:
    """The example's demands are all anchored (``quote``): bookmarks and named destinations mark
    the passages, and the demands are not printed again in a list after the body."""
    letter = example()
    data = pdf(letter)
    extracted = normalise(body_text(data))
    assert letter.demands and all(d.quote is not None for d in letter.demands)
    for demand in letter.demands:
        assert demand.quote is not None and demand.text is not None
        assert extracted.count(normalise(demand.quote)) == 1
        assert normalise(demand.text) not in extracted  # the demand's own words: not printed again
    assert normalise("Our demands") not in extracted
    assert sorted(destinations(data)) == sorted(f"demand-{d.id}" for d in letter.demands)
    titles = outline_titles(data)
    assert all(" ".join(d.quote.split()) in titles for d in letter.demands if d.quote)


@pytest.mark.parametrize(
    ("paper", "size"),
    [(None, "595.276 x 841.89 pts (A4)"), ("a4", "595.276 x 841.89 pts (A4)"), ("us-letter", "612 x 792 pts (letter)")],
)
def test_paper(paper: str | None, size: str) -> None:
    assert info(pdf(example(), paper))["Page size"] == size


@pytest.mark.parametrize("value", ["bogus", "A5", "", "letter "])
def test_an_unknown_paper_is_an_option_error(value: str) -> None:
    with pytest.raises(OptionError, match=r"pdf\.paper must be one of a4, us-letter"):
        openletter.export(example(), "pdf", {"paper": value})


def test_paper_names_are_case_insensitive() -> None:
    assert openletter.export(example(), "pdf", {"paper": "US-Letter"}) == pdf(example(), "us-letter")


@pytest.mark.parametrize("letter", ["example", "thai_forest", "arabic_water"])
def test_every_font_is_embedded_as_a_subset_with_unicode_map(letter: str) -> None:
    rows = fonts(pdf(example() if letter == "example" else data_letter(letter)))
    assert rows
    for row in rows:
        assert (row["emb"], row["sub"], row["uni"]) == ("yes", "yes", "yes"), row


@pytest.mark.parametrize(("letter", "language"), [("example", "en"), ("thai_forest", "th"), ("arabic_water", "ar")])
def test_title_author_date_and_language_metadata(letter: str, language: str) -> None:
    source = example() if letter == "example" else data_letter(letter)
    data = pdf(source)
    fields = info(data)
    assert fields["Title"] == source.title
    # The author is the sender (never the signatories); a letter without one has no author.
    if source.sender is not None:
        assert fields["Author"] == ", ".join(source.sender.names)
    else:
        assert "Author" not in fields
    assert source.date is not None
    assert fields["CreationDate"].endswith(source.date.strftime("%d 00:00:00 %Y UTC").lstrip("0"))
    assert re.findall(rb"/Lang\s*\(([^)]*)\)", data) == [language.encode()]


def test_an_undated_letter_has_no_date_in_its_metadata() -> None:
    data = pdf(make_letter())
    assert "1970" not in text(data)
    assert "CreationDate" not in info(data)
    assert "ModDate" not in info(data)


def test_the_same_letter_gives_the_same_bytes() -> None:
    letter = data_letter("thai_forest")
    assert openletter.export(letter, "pdf") == openletter.export(letter, "pdf")


@pytest.mark.slow
def test_the_same_letter_gives_the_same_bytes_in_another_process() -> None:
    code = (
        "import sys, hashlib, openletter\n"
        "letter = openletter.load(sys.argv[1])\n"
        "print(hashlib.sha256(openletter.export(letter, 'pdf')).hexdigest())\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(example_path())], capture_output=True, text=True, check=True, timeout=120
    )
    import hashlib

    assert result.stdout.strip() == hashlib.sha256(pdf(example())).hexdigest()


def test_a_different_date_gives_a_different_creation_date() -> None:
    letter = make_letter(date=dt.date(2024, 2, 29))
    assert "Feb 29" in info(pdf(letter))["CreationDate"]


@pytest.mark.parametrize(("letter", "count"), [("thai_forest", 1), ("arabic_water", 0)])
def test_the_logo_is_in_the_letterhead(letter: str, count: int) -> None:
    source = data_letter(letter)
    assert (source.logo is not None) == bool(count)
    rows = images(pdf(source))
    assert len(rows) == count, rows
    if count:
        width, height = rows[0].split()[3:5]
        assert (int(width), int(height)) == (160, 48)  # the logo file's own pixels, not resampled


def test_rendering_writes_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    openletter.export(data_letter("thai_forest"), "pdf")
    assert list(tmp_path.iterdir()) == []


def test_openletter_build_writes_letter_pdf(tmp_path: Path) -> None:
    out = tmp_path / "out"
    subprocess.run(
        [sys.executable, "-m", "openletter", "build", str(example_path()), "-o", str(out), "-t", "pdf"],
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert (out / "letter.pdf").read_bytes() == pdf(example())


def test_notes_links_and_postscript() -> None:
    letter = make_letter(
        sections=(
            Section(
                text="See [the report](https://example.org/report) and the law.[^law] Also <https://example.org/a>."
            ),
            Section(heading="Details *now*", text="1. first\n2. second\n\n> quoted words\n\n    code = 1"),
        ),
        demands=(Demand(text="Publish [the data](https://example.org/data).", deadline=dt.date(2030, 1, 2)),),
        postscript="Thank you for reading.",
        references=(Reference(id="law", text="The law of 2019, [online](https://example.org/law)."),),
    )
    extracted = text(pdf(letter))
    assert_in_order(
        extracted,
        [
            "See the report2 and the law.1",  # the link's number comes after the note's
            "Also https://example.org/a.",  # an address written as itself is not numbered
            "Details now",
            "first",
            "second",
            "quoted words",
            "code = 1",
            "Our demands",
            "Publish the data3",
            "P.S. Thank you for reading.",
            "Notes",
            "1. The law of 2019, online4.",
            "2. https://example.org/report",
            "3. https://example.org/data",
            "4. https://example.org/law",
        ],
    )


@pytest.mark.slow
def test_two_thousand_signatories_in_columns_with_page_numbers() -> None:
    letter = people(2000)
    data = pdf(letter)
    pages = int(info(data)["Pages"])
    assert 10 < pages < 60
    last = text(data, "-f", str(pages), "-l", str(pages))
    assert re.search(rf"\b{pages}\s*/\s*{pages}\b", last), last[-200:]
    middle = pages // 2
    assert re.search(rf"\b{middle}\s*/\s*{pages}\b", text(data, "-f", str(middle), "-l", str(middle)))
    layout = text(data, "-layout", "-f", "3", "-l", "3")
    side_by_side = [line for line in layout.splitlines() if len(re.findall(r"Signatory \d{4}", line)) >= 2]
    assert side_by_side, "no line holds two names: the signatories are not set in columns"
    flat = text(data)
    assert_in_order(flat, ["Signatory 0001", "Signatory 1000", "Signatory 2000"])


def test_a_short_signatory_list_is_one_column() -> None:
    layout = text(pdf(people(5)), "-layout")
    assert not [line for line in layout.splitlines() if len(re.findall(r"Signatory \d{4}", line)) >= 2]


def test_without_the_noto_fonts_the_letter_still_renders() -> None:
    """Fonts missing: Typst falls back to the fonts it carries (the Thai comes out as boxes)."""
    import typst

    from openletter_pdf._render import render_pdf

    data = render_pdf(data_letter("thai_forest"), {}, fonts=typst.Fonts(include_system_fonts=False))
    names = [row["name"] for row in fonts(data)]
    assert names
    assert not [name for name in names if "Noto" in name]
    assert int(info(data)["Pages"]) >= 1


def test_a_logo_that_cannot_be_decoded_is_left_out_and_the_letter_still_prints() -> None:
    letter = data_letter("thai_forest")
    assert letter.logo is not None
    damaged = attrs.evolve(letter, logo=attrs.evolve(letter.logo, data=letter.logo.data[:40] + b"garbage" * 10))
    data = pdf(damaged)
    assert images(data) == []
    assert images(pdf(letter)) != []
