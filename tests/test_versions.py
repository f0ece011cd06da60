"""Text versions (`openletter.versions`): the words change the version, the formatting does not."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import openletter
from openletter.cli import EXIT_LETTER, EXIT_OK, main
from openletter.versions import canonical_bytes, canonical_text, markdown_lines, text_version

from .conftest import DATA, EXAMPLE

EXAMPLE_VERSION = "v1-a05fbb5142ef2ef1"
"""The example's version, pinned: a change to the canonical text or the hash is a new scheme
(``v2-``), made on purpose, never a silent change of every signature's version."""

LETTER = """\
---
title: Open Letter on the  River
subtitle: From the fishing villages
subject: The dam on the upper river
language: en
salutation: Dear Minister,
closing: Yours faithfully,
sections:
- id: intro
- id: impact
demands:
- id: halt
  text: Halt the *construction* of the dam.
- id: consult
  text: |-
    Consult the villages:

    - before any permit;
    - in their language.
signatories:
- organisations:
  - name: River Network
---

We write about the dam[^report], which *will* flood the forest. See [the map](https://example.org/map)
and <https://example.org/report>.

## Impact on **the villages**

1. Fish catches fell by half.
2. Wells are muddy.

> The river is our life,
> said a fisher.

### What the data say

Ten villages, *three thousand* families.

[^report]: The river survey, 2024.
"""

REFORMATTED = {
    "re-wrapped": (
        "We write about the dam[^report], which *will* flood the forest. See [the map](https://example.org/map)\n",
        "We write about\nthe dam[^report], which *will*\nflood the forest. See\n[the map](https://example.org/map)\n",
    ),
    "extra spaces": ("which *will* flood the forest.", "which   *will*  flood   the forest."),
    "extra blank lines": ("## Impact on **the villages**\n\n1.", "## Impact on **the villages**\n\n\n\n1."),
    "emphasis with _": ("Ten villages, *three thousand* families.", "Ten villages, _three thousand_ families."),
    "strong with __": ("## Impact on **the villages**", "## Impact on __the villages__"),
    "setext section heading": ("## Impact on **the villages**\n", "Impact on **the villages**\n--------------\n"),
    "closed ATX heading": ("### What the data say\n", "### What the data say ###\n"),
    "bullets with *": ("    - before any permit;\n    - in", "    * before any permit;\n    * in"),
    "bullets with +": ("    - before any permit;\n    - in", "    + before any permit;\n    + in"),
    "ordered list with )": ("1. Fish catches fell by half.\n2.", "1) Fish catches fell by half.\n2)"),
    "loose list": ("1. Fish catches fell by half.\n2.", "1. Fish catches fell by half.\n\n2."),
    "hard line break": ("> The river is our life,\n", "> The river is our life,\\\n"),
    "lazy quote line": ("> said a fisher.", "said a fisher."),
    "autolink as a link": ("<https://example.org/report>", "[https://example.org/report](https://example.org/report)"),
    "entity": ("Halt the *construction*", "Halt&#32;the *construction*"),
    "note label": ("[^report]", "[^survey]"),
}


def _load(text: str) -> openletter.Letter:
    return openletter.loads(text, "markdown")


def _replace(old: str, new: str, text: str = LETTER) -> str:
    assert text.count(old) >= 1, old
    return text.replace(old, new)


def test_the_example_s_version_is_pinned(example_letter: openletter.Letter) -> None:
    assert text_version(example_letter) == EXAMPLE_VERSION


def test_a_version_is_v1_and_16_hex_digits_of_the_sha256_of_the_canonical_bytes() -> None:
    import hashlib

    letter = _load(LETTER)
    digest = hashlib.sha256(canonical_bytes(canonical_text(letter))).hexdigest()
    assert re.fullmatch(r"v1-[0-9a-f]{16}", text_version(letter))
    assert text_version(letter) == f"v1-{digest[:16]}"
    assert canonical_bytes(canonical_text(letter)).startswith(b'{"parts":[["title","Open Letter on the River"]')


@pytest.mark.parametrize(("old", "new"), list(REFORMATTED.values()), ids=list(REFORMATTED))
def test_reformatting_keeps_the_version(old: str, new: str) -> None:
    assert text_version(_load(_replace(old, new))) == text_version(_load(LETTER))


def test_a_decomposed_accent_is_the_same_text_as_a_composed_one() -> None:
    composed = _load(_replace("Dear Minister,", "Dear Ministr\u00e9,"))
    decomposed = _load(_replace("Dear Minister,", "Dear Ministre\u0301,"))
    assert text_version(composed) == text_version(decomposed)


EDITS = {
    "a word of the body": ("which *will* flood", "which *may* flood"),
    "a link's address": ("https://example.org/map", "https://example.org/other-map"),
    "an autolink's address": ("<https://example.org/report>", "<https://example.org/report2>"),
    "the title": ("title: Open Letter on the  River", "title: Open Letter on the Dam"),
    "the subtitle": ("From the fishing villages", "From the fishing towns"),
    "the subject": ("subject: The dam on", "subject: A dam on"),
    "the salutation": ("Dear Minister,", "Dear Ministers,"),
    "the closing": ("Yours faithfully,", "Yours sincerely,"),
    "a section heading": ("## Impact on **the villages**", "## Impact on **the towns**"),
    "a heading's level": ("### What the data say", "#### What the data say"),
    "a listed demand": ("Halt the *construction* of the dam.", "Halt the *planning* of the dam."),
    "a list item of a demand": ("- in their language.", "- in our language."),
    "a number": ("Ten villages", "Nine villages"),
    "a list into paragraphs": ("1. Fish catches fell by half.\n2. Wells", "Fish catches fell by half.\n\nWells"),
    "a quotation into the letter's own words": ("> The river is our life,\n> said", "The river is our life,\nsaid"),
    "an endnote": ("The river survey, 2024.", "The river survey, 2025."),
    "punctuation": ("fell by half.", "fell by half!"),
    "a paragraph split in two": ("Ten villages, *three thousand*", "Ten villages,\n\n*three thousand*"),
}


@pytest.mark.parametrize(("old", "new"), list(EDITS.values()), ids=list(EDITS))
def test_editing_the_text_changes_the_version(old: str, new: str) -> None:
    assert text_version(_load(_replace(old, new))) != text_version(_load(LETTER))


def test_editing_a_sentence_of_the_example_changes_its_version(example_letter: openletter.Letter) -> None:
    section = example_letter.sections[0]
    edited = section.text.replace("grave concerns", "deep concerns")
    assert edited != section.text
    letter = attrs.evolve(example_letter, sections=(attrs.evolve(section, text=edited),))
    assert text_version(letter) != EXAMPLE_VERSION


OUTSIDE = {
    "the signatories": ("- name: River Network", "- name: River Network\n  - name: Delta Fishers"),
    "the date": ("language: en\n", "language: en\ndate: 2024-05-01\n"),
    "a demand's status": ("- id: halt\n", "- id: halt\n  status: met\n"),
    "a demand's deadline": ("- id: halt\n", "- id: halt\n  deadline: 2024-09-01\n"),
    "the ids of sections and demands": ("- id: intro\n- id: impact\n", "- id: opening\n- id: effects\n"),
    "the notes after the signatures": ("language: en\n", "language: en\nnotes: Signatures are still collected.\n"),
    "the postscript": ("language: en\n", "language: en\npostscript: A copy went to the Governor.\n"),
    "the addressees": ("language: en\n", "language: en\naddressees:\n- name: The Minister of Energy\n"),
    "the labels": ("language: en\n", "language: en\nlabels:\n  demands: We ask\n"),
    "a thematic break": ("### What the data say", "---\n\n### What the data say"),
}


@pytest.mark.parametrize(("old", "new"), list(OUTSIDE.values()), ids=list(OUTSIDE))
def test_what_is_not_the_text_does_not_change_the_version(old: str, new: str) -> None:
    assert text_version(_load(_replace(old, new))) == text_version(_load(LETTER))


def test_which_passage_is_a_demand_is_part_of_the_text(example_letter: openletter.Letter) -> None:
    """An anchored demand counts by its quote (the passage marked as a demand), not by its summary,
    which is never printed."""
    demand = example_letter.demands[0]
    summary = attrs.evolve(
        example_letter, demands=(attrs.evolve(demand, text="Free them."), *example_letter.demands[1:])
    )
    assert text_version(summary) == EXAMPLE_VERSION
    listed = attrs.evolve(example_letter, demands=(attrs.evolve(demand, quote=None), *example_letter.demands[1:]))
    assert text_version(listed) != EXAMPLE_VERSION


def test_canonical_markdown_is_the_words_one_block_a_line() -> None:
    text = (
        "Some *emphasis*, a [link](https://example.org/a) and <https://example.org/b>\n"
        "over two lines.[^n]\n\n"
        "> a quote\n>\n> - in a list\n\n"
        "3) three\n4) four\n\n"
        "### Heading ###\n\n"
        "    code   block\n\n"
        "![a map](https://example.org/map.png) &amp; \\*stars\\*"
    )
    assert markdown_lines(text, ["n"]) == [
        "Some emphasis, a link <https://example.org/a> and https://example.org/b over two lines.[1]",
        "> a quote",
        "> - in a list",
        "3. three",
        "4. four",
        "### Heading",
        "code block",
        "a map <https://example.org/map.png> & *stars*",
    ]


def test_the_example_s_parts_are_title_salutation_body_demands_closing(example_letter: openletter.Letter) -> None:
    parts = canonical_text(example_letter)
    assert [p.kind for p in parts] == ["title", "salutation", "section", *["marked-demand"] * 5, "closing"]
    assert [p.key for p in parts][:3] == ["title", "salutation", "sections[0]"]
    assert parts[2].text.count("\n") == 12  # 13 paragraphs, one a line
    assert all(line == " ".join(line.split()) for part in parts for line in part.text.split("\n"))


_PARAGRAPHS = EXAMPLE.read_text(encoding="utf-8").split("\n---\n", 1)[1].strip().split("\n\n")


@given(st.data())
def test_randomly_re_wrapping_the_example_keeps_its_version(
    example_letter: openletter.Letter, data: st.DataObject
) -> None:
    """Any paragraph of the example, its words joined by one or more spaces or a line break (not
    before a word that could start a block, such as ``-``), is the same text."""
    paragraphs = []
    for paragraph in _PARAGRAPHS:
        words = paragraph.split()
        out = words[0]
        for word in words[1:]:
            gaps = [" ", "  ", "   "] + (["\n"] if word[0].isalpha() else [])
            out += data.draw(st.sampled_from(gaps)) + word
        paragraphs.append(out)
    blank = data.draw(st.sampled_from(["\n\n", "\n\n\n"]))
    section = attrs.evolve(example_letter.sections[0], text=blank.join(paragraphs))
    letter = attrs.evolve(example_letter, sections=(section,))
    assert text_version(letter) == EXAMPLE_VERSION


# --------------------------------------------------------------------------- translations


@pytest.fixture
def translated(tmp_path: Path) -> Path:
    folder = tmp_path / "letter"
    shutil.copytree(DATA / "translations", folder)
    return folder / "letter.md"


def test_a_translation_has_the_version_of_its_own_words_and_leaves_the_original_s_alone(translated: Path) -> None:
    original = text_version(openletter.load(translated))
    khmer = text_version(openletter.load(translated, language="km"))
    assert khmer != original
    km = translated.with_name("letter.km.md")
    km.write_text(km.read_text(encoding="utf-8").replace("closing: ដោយក្តីគោរព", "closing: ដោយគោរព"), encoding="utf-8")
    assert text_version(openletter.load(translated, language="km")) != khmer
    assert text_version(openletter.load(translated)) == original


# --------------------------------------------------------------------------- openletter version


def test_version_command_prints_the_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["version", str(EXAMPLE)]) == EXIT_OK
    assert capsys.readouterr().out == f"{EXAMPLE_VERSION}\n"


def test_version_command_reports_a_bad_letter_with_its_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "letter.md"
    bad.write_text(LETTER.replace("title: Open Letter on the  River\n", ""), encoding="utf-8")
    assert main(["version", str(bad)]) == EXIT_LETTER
    err = capsys.readouterr().err
    assert f"{bad}:2: title: required field is missing" in err
    assert "Traceback" not in err
