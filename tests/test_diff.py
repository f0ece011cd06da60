"""``openletter diff`` and `openletter.diff`: what changed between two versions of a letter's text."""

from __future__ import annotations

from pathlib import Path

import attrs
import html5lib
import pytest
from hypothesis import given
from hypothesis import strategies as st

import openletter
from openletter.cli import EXIT_LETTER, EXIT_OK, EXIT_USAGE, main
from openletter.diff import LetterDiff, diff_letters, tokens

from .conftest import EXAMPLE

XHTML = "{http://www.w3.org/1999/xhtml}"


def _edited(letter: openletter.Letter, old: str, new: str, section: int = 0) -> openletter.Letter:
    part = letter.sections[section]
    assert old in part.text
    sections = list(letter.sections)
    sections[section] = attrs.evolve(part, text=part.text.replace(old, new))
    return attrs.evolve(letter, sections=tuple(sections))


@pytest.fixture
def edited(example_letter: openletter.Letter) -> openletter.Letter:
    return _edited(example_letter, "our grave concerns", "our deep concerns")


def test_the_text_diff_shows_the_edited_word_and_summarises_the_rest(
    example_letter: openletter.Letter, edited: openletter.Letter
) -> None:
    shown = diff_letters(example_letter, edited).text("old.md", "new.md")
    assert "express our [-grave-]{+deep+} concerns about" in shown
    assert "== Section 1: changed ==" in shown
    assert "[... 12 unchanged paragraphs ...]" in shown
    assert "Unchanged: the title, the salutation, 5 demands, the closing." in shown
    assert shown.startswith("--- old.md (v1-a05fbb5142ef2ef1)\n+++ new.md (v1-")
    assert "Despite hollow attempts" not in shown  # an unchanged paragraph is not repeated


def test_the_html_diff_marks_the_edit_with_del_and_ins(
    example_letter: openletter.Letter, edited: openletter.Letter
) -> None:
    page = diff_letters(example_letter, edited).html()
    assert 'express our <del><span class="change-note">removed: </span>grave</del>' in page
    assert '<ins><span class="change-note">added: </span>deep</ins> concerns' in page


def test_identical_letters_say_so(example_letter: openletter.Letter) -> None:
    same = diff_letters(example_letter, example_letter)
    assert same.identical
    assert same.old_version == same.new_version == "v1-a05fbb5142ef2ef1"
    assert same.text().endswith("\nThe texts are the same.\n")
    assert "The texts are the same." in same.html()


def test_reformatting_alone_is_no_change(example_letter: openletter.Letter) -> None:
    rewrapped = _edited(example_letter, "about the state of human rights", "about the\nstate of  human *rights*")
    assert diff_letters(example_letter, rewrapped).identical


HOSTILE = '<script>alert("x")</script> <img src=x onerror=alert(1)> </p></del>&amp;'


def _elements(page: str, name: str) -> list[object]:
    document = html5lib.parse(page)
    return list(document.iter(f"{XHTML}{name}"))


def test_html_diff_escapes_hostile_letter_text(example_letter: openletter.Letter) -> None:
    hostile = attrs.evolve(
        _edited(example_letter, "our grave concerns", f"our {HOSTILE} concerns"),
        title="</title><script>alert(2)</script>",
        closing="<style>body{display:none}</style>",
    )
    page = diff_letters(example_letter, hostile).html('<b>"old"</b>', "new")
    assert "<script" not in page.lower() and "<img" not in page.lower() and "<style>body" not in page
    assert _elements(page, "script") == [] and _elements(page, "img") == [] and _elements(page, "b") == []
    assert [element.tag for element in html5lib.parse(page).iter(f"{XHTML}style")] == [f"{XHTML}style"]
    text = "".join(html5lib.parse(page).itertext())
    assert '<script>alert("x")</script> <img src=x onerror=alert(1)> </p></del>&' in text
    assert "</title><script>alert(2)</script>" in text


def test_a_changed_link_address_shows_in_the_diff() -> None:
    old = openletter.loads(_LETTER.format(language="en", body="See [the report](https://example.org/a)."), "markdown")
    new = openletter.loads(_LETTER.format(language="en", body="See [the report](https://example.org/b)."), "markdown")
    assert "See the report [-<https://example.org/a>.-]{+<https://example.org/b>.+}" in diff_letters(old, new).text()


_LETTER = """\
---
title: A letter
language: {language}
signatories:
- organisations:
  - name: Network
---

{body}
"""


@pytest.mark.parametrize(
    ("language", "old", "new", "removed", "added"),
    [
        pytest.param("th", "ฉันชอบกินข้าวผัดทุกวัน", "ฉันชอบกินข้าวมันไก่ทุกวัน", "ผัด", "มันไก่", id="thai"),
        pytest.param(
            "km",
            "យើងសូមឱ្យក្រសួងផ្អាកការផ្តល់ឡូតិ៍នេសាទថ្មី។",
            "យើងសូមឱ្យក្រសួងលុបចោលការផ្តល់ឡូតិ៍នេសាទថ្មី។",
            "ផ្អាក",
            "លុបចោល",
            id="khmer",
        ),
        pytest.param("zh", "我们要求立即停止建设大坝。", "我们要求暂时停止建设大坝。", "立即", "暂时", id="chinese"),
    ],
)
def test_scripts_without_spaces_are_compared_by_grapheme_cluster(
    language: str, old: str, new: str, removed: str, added: str
) -> None:
    """A sentence without spaces is not one word: only the changed clusters are marked, and a
    cluster (a consonant with its vowel signs, a Khmer subscript) is never cut."""
    before = openletter.loads(_LETTER.format(language=language, body=old), "markdown")
    after = openletter.loads(_LETTER.format(language=language, body=new), "markdown")
    (part,) = diff_letters(before, after).changed()
    assert "".join(p.text for p in part.pieces if p.op == "delete") == removed
    assert "".join(p.text for p in part.pieces if p.op == "insert") == added
    assert all(not piece.text[0].isspace() and not _mark(piece.text[0]) for piece in part.pieces)


def _mark(char: str) -> bool:
    import unicodedata

    return unicodedata.category(char).startswith("M") or char in "\u17d2\u1039"


def test_khmer_subscripts_stay_with_their_cluster() -> None:
    assert tokens("ក្រសួង") == ["ក្រ", "សួ", "ង"]


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Zl", "Zp", "Cc"))))
def test_tokens_join_to_the_text(text: str) -> None:
    canonical = "\n".join(" ".join(line.split()) for line in text.split("\n"))
    assert "".join(tokens(canonical)) == canonical


def _sections(*texts: str) -> openletter.Letter:
    body = "\n\n".join(texts)
    return openletter.loads(_LETTER.format(language="en", body=body), "markdown")


def test_an_inserted_section_is_one_added_part_and_the_others_are_unchanged() -> None:
    old = _sections("Intro.", "## One\n\nFirst.", "## Two\n\nSecond.")
    new = _sections("Intro.", "## New\n\nInserted.", "## One\n\nFirst.", "## Two\n\nSecond.")
    diff = diff_letters(old, new)
    assert [(p.label, p.status) for p in diff.changed()] == [("Section 2 “New”", "added")]
    assert "{+## New+}\n{+Inserted.+}" in diff.text()
    assert "Unchanged: the title, 3 sections." in diff.text()


def test_a_removed_section_is_named() -> None:
    diff = diff_letters(_sections("Intro.", "## One\n\nFirst."), _sections("Intro."))
    assert [(p.label, p.status) for p in diff.changed()] == [("Section 2 “One”", "removed")]


def test_a_demand_is_named_by_its_number_and_id(example_letter: openletter.Letter) -> None:
    demands = list(example_letter.demands)
    demands[1] = attrs.evolve(demands[1], quote=None, text="Halt all prosecutions.")
    diff = diff_letters(example_letter, attrs.evolve(example_letter, demands=tuple(demands)))
    (part,) = diff.changed()
    assert part.label == "Demand 2 (halt-harassment)"
    assert "{+Halt all prosecutions.+}" in diff.text() or "[-halt" in diff.text()


# --------------------------------------------------------------------------- openletter diff


@pytest.fixture
def versions(tmp_path: Path) -> tuple[Path, Path]:
    old = tmp_path / "previous-letter.md"
    new = tmp_path / "letter.md"
    text = EXAMPLE.read_text(encoding="utf-8")
    old.write_text(text, encoding="utf-8")
    new.write_text(text.replace("our grave concerns", "our deep concerns"), encoding="utf-8")
    return old, new


def test_diff_command_exits_1_when_the_texts_differ(
    versions: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = versions
    assert main(["diff", str(old), str(new)]) == EXIT_LETTER
    out = capsys.readouterr().out
    assert "[-grave-]{+deep+}" in out and out.startswith(f"--- {old} (v1-")


def test_diff_command_exits_0_when_the_texts_are_the_same(
    versions: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    old, _ = versions
    assert main(["diff", str(old), str(EXAMPLE)]) == EXIT_OK
    assert "The texts are the same." in capsys.readouterr().out


@pytest.mark.parametrize(
    ("name", "extra", "page"),
    [
        ("changes.html", [], True),
        ("changes.txt", [], False),
        ("changes.txt", ["--format", "html"], True),
        ("changes.html", ["--format", "text"], False),
    ],
)
def test_diff_command_writes_the_format_the_file_or_format_says(
    versions: tuple[Path, Path],
    tmp_path: Path,
    name: str,
    extra: list[str],
    page: bool,
    capsys: pytest.CaptureFixture[str],
) -> None:
    old, new = versions
    target = tmp_path / name
    assert main(["diff", str(old), str(new), "-o", str(target), *extra]) == EXIT_LETTER
    written = target.read_text(encoding="utf-8")
    assert written.startswith("<!DOCTYPE html>") is page
    assert ("<del>" in written) is page and ("[-grave-]" in written) is not page
    assert capsys.readouterr().out == f"wrote {target}\n"


def test_diff_command_never_overwrites_a_letter(
    versions: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = versions
    before = old.read_bytes()
    assert main(["diff", str(old), str(new), "-o", str(old)]) != EXIT_OK
    assert old.read_bytes() == before


def test_diff_command_reports_bad_letters_with_their_place_and_exits_2(
    versions: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, new = versions
    new.write_text(new.read_text(encoding="utf-8").replace("date: 2023-06-08", "date: 8 June 2023"), encoding="utf-8")
    missing = tmp_path / "gone.md"
    assert main(["diff", str(missing), str(new)]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert f"{missing}:1: (document): cannot read the letter: no such file" in err
    assert f"{new}:4: date: '8 June 2023' is not an ISO date" in err
    assert "Traceback" not in err


def test_letter_diff_is_exported() -> None:
    assert openletter.diff_letters is diff_letters and openletter.LetterDiff is LetterDiff


@pytest.mark.parametrize(
    ("old", "new", "shown"),
    [
        pytest.param(
            "First one.\n\nSecond one.\n\nThird.",
            "First one. Second one.\n\nThird.\n\nFourth.",
            "First one.[-¶-] Second one.\nThird.{+¶+}\n{+Fourth.+}\n",
            id="paragraphs joined and added",
        ),
        pytest.param("one two three four", "nine eight seven four", "[-one two three-]{+nine eight seven+} four\n"),
        pytest.param("We ask for this.", "We ask for that.", "We ask for [-this.-]{+that.+}\n", id="last word"),
    ],
)
def test_text_diff_marks_words_and_paragraph_breaks(old: str, new: str, shown: str) -> None:
    diff = diff_letters(_sections(old), _sections(new))
    assert f"== Section 1: changed ==\n{shown}\nUnchanged: the title.\n" in diff.text()


def test_a_space_added_between_thai_words_is_shown() -> None:
    before = openletter.loads(_LETTER.format(language="th", body="ฉันชอบกินข้าวผัด"), "markdown")
    after = openletter.loads(_LETTER.format(language="th", body="ฉันชอบ กินข้าวผัด"), "markdown")
    assert "\nฉันชอบ{+ +}กินข้าวผัด\n" in diff_letters(before, after).text()
