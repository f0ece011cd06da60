"""The APHR worked example is a faithful transcription of the published letter."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import openletter
from openletter import Letter

from .conftest import DATA, EXAMPLE

SEED = DATA / "seed" / "aphr_cambodia_open_letter.txt"


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _seed_parts() -> tuple[list[str], str]:
    """The seed letter's body paragraphs, and the closing paragraph about APHR."""
    lines = [line.strip() for line in SEED.read_text(encoding="utf-8").split("\n")]
    start, end = lines.index("Your Honors,") + 1, lines.index("Yours sincerely,")
    paragraphs = [line for line in lines[start:end] if line]
    about = next(line for line in lines[end:] if line.startswith("ASEAN Parliamentarians for Human Rights (APHR) was"))
    return paragraphs, about


def _sentences(paragraph: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?”])\s+(?=[A-Z“])", paragraph) if s]


SEED_SENTENCES = [s for p in _seed_parts()[0] for s in _sentences(p)]


def _assert_in_order(sentences: list[str], text: str) -> None:
    haystack = _normalise(text)
    position = 0
    for sentence in sentences:
        found = haystack.find(_normalise(sentence), position)
        assert found >= 0, f"missing or out of order: {sentence!r}"
        position = found + len(_normalise(sentence))


def test_seed_has_the_sentences_we_expect() -> None:
    assert len(SEED_SENTENCES) >= 25
    assert "depriving those them of desperately needed medical care" in " ".join(SEED_SENTENCES)


def test_every_seed_sentence_is_in_the_loaded_letter_in_order(example_letter: Letter) -> None:
    _assert_in_order(SEED_SENTENCES, "\n\n".join(s.text for s in example_letter.sections))


def test_every_seed_sentence_is_in_the_markdown_export_in_order(example_letter: Letter) -> None:
    _assert_in_order(SEED_SENTENCES, openletter.export(example_letter, "markdown").decode("utf-8"))


def test_body_paragraphs_are_kept_as_published(example_letter: Letter) -> None:
    paragraphs, _ = _seed_parts()
    assert example_letter.sections[0].text.split("\n\n") == paragraphs


def test_published_typos_are_kept(example_letter: Letter) -> None:
    text = example_letter.sections[0].text
    for typo in ("depriving those them of", "last years’ commune elections", "the more authoritative it becomes"):
        assert typo in text


@pytest.mark.parametrize("debris", ["APHR logo", "Social Links"])
def test_web_page_debris_is_dropped(debris: str) -> None:
    assert debris not in EXAMPLE.read_text(encoding="utf-8")


def test_letter_metadata_matches_the_published_letter(example_letter: Letter) -> None:
    import datetime as dt

    assert example_letter.title == "Open Letter to the US Congress on the Cambodian Elections"
    assert example_letter.date == dt.date(2023, 6, 8)
    assert example_letter.language == "en"
    assert [a.name for a in example_letter.addressees] == ["The United States Congress"]
    assert example_letter.salutation == "Your Honors,"
    assert example_letter.closing == "Yours sincerely,"


def test_closing_paragraph_about_aphr_is_the_organisations_description(example_letter: Letter) -> None:
    _, about = _seed_parts()
    assert example_letter.signatories == ()  # APHR publishes the letter and signs it alone
    assert example_letter.sender is not None
    (aphr,) = example_letter.sender.organisations
    assert aphr.name == "ASEAN Parliamentarians for Human Rights"
    assert aphr.short_name == "APHR"
    assert _normalise(aphr.description or "") == _normalise(about)


def test_demands_are_drawn_from_the_letter_and_point_at_the_addressee(example_letter: Letter) -> None:
    ids = [d.id for d in example_letter.demands]
    assert ids == [
        "release-political-prisoners",
        "halt-harassment",
        "free-and-fair-elections",
        "targeted-sanctions",
        "refuse-legitimacy",
    ]
    assert {d.target for d in example_letter.demands} == {example_letter.addressees[0].id}
    body = " ".join(" ".join(s.text.split()) for s in example_letter.sections)
    for demand in example_letter.demands:  # each quotes the body's own words, which say it once
        assert demand.quote is not None and body.count(demand.quote) == 1, demand.id
    text = " ".join(str(d.text) for d in example_letter.demands)
    for phrase in (
        "political prisoners",
        "harassment and prosecution",
        "free and fair",
        "armed forces",
        "business tycoons",
        "judicial bodies",
        "legitimacy to the July elections",
        "hamstring",
    ):
        assert phrase in text


def test_example_checks_clean(capsys: pytest.CaptureFixture[str]) -> None:
    from openletter.cli import main
    from openletter.plugins import Registry

    others = [name for name in Registry(entry_points=False).formats if name != "mailto"]
    assert main(["check", *(a for name in others for a in ("-t", name)), str(EXAMPLE)]) == 0
    assert capsys.readouterr().out.strip() == f"{EXAMPLE}: ok"
    # A whole letter makes mailto: links too long for mail clients: the one warning.
    assert main(["check", str(EXAMPLE)]) == 0
    warning, summary = capsys.readouterr().out.strip().splitlines()
    assert "warning: the mailto: link is" in warning and "refuse links over 2,000" in warning
    assert summary == f"{EXAMPLE}: ok (1 warning)"


def test_example_folder_has_a_readme_for_ngos() -> None:
    readme = Path(EXAMPLE.parent / "README.md")
    assert readme.is_file()
