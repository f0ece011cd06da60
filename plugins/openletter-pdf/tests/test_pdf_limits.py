"""A letter with more text than the pdf format typesets gets no PDF: a warning says where it goes
past the limit, before Typst lays anything out (a 10 MB paragraph would take Typst over 3 GB of
memory), and the other formats are made."""

from __future__ import annotations

from pathlib import Path

import openletter
import pytest
from openletter import Section
from openletter.cli import main
from openletter.plugins import Registry

import openletter_pdf
from pdf_helpers import make_letter

LETTER = """---
title: Long
language: en
sender:
  organisations:
  - name: Scale Watch
---

A short first paragraph.

## The long part

{long}.

## After it

A last word.
"""


@pytest.fixture
def small_limit(monkeypatch: pytest.MonkeyPatch) -> int:
    """A limit small enough for a test letter to go past it (the real one is 1,000,000)."""
    monkeypatch.setattr(openletter_pdf, "TEXT_LIMIT", 500)
    return 500


def test_a_letter_within_the_limit_has_no_problem(small_limit: int) -> None:
    letter = make_letter(sections=(Section(text="x" * (small_limit // 2)),))
    assert openletter_pdf.text_limit_problem(letter) is None


def test_a_letter_past_the_limit_is_refused_at_the_field_that_goes_past_it(small_limit: int) -> None:
    letter = make_letter(sections=(Section(text="Short."), Section(heading="Long", text="x" * small_limit)))
    problem = openletter_pdf.text_limit_problem(letter)
    assert problem is not None
    assert problem.path == ("sections", 1, "text")
    assert problem.severity == "warning"
    assert problem.message.startswith("the letter's text goes past 500 characters here, ")
    assert problem.message.endswith("more than the pdf format typesets: no PDF will be made")
    assert "at most 500 characters of text for a PDF" in (problem.expected or "")
    with pytest.raises(
        openletter_pdf.TextLimitError, match="more than the 500 characters of text the pdf format typesets"
    ):
        openletter_pdf.render(letter, {})


def test_check_and_build_say_where_the_letter_goes_past_the_limit_and_make_the_other_formats(
    small_limit: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "letter.md"
    path.write_text(LETTER.format(long=" ".join(["word"] * 200)), encoding="utf-8")
    line = path.read_text(encoding="utf-8").split("\n").index(" ".join(["word"] * 200) + ".") + 1
    expected = f"{path}:{line}: sections[1].text: warning: the letter's text goes past 500 characters here"
    assert main(["check", "-t", "pdf", str(path)]) == 0
    assert expected in capsys.readouterr().out
    assert main(["check", "--strict", "-t", "pdf", str(path)]) == 1
    capsys.readouterr()
    assert main(["build", "-t", "pdf", "-t", "html", "-o", str(tmp_path / "out"), str(path)]) == 3
    err = capsys.readouterr().err
    assert expected in err
    assert "(format 'pdf'): rendering failed: TextLimitError: the letter has " in err
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["letter.html"]


def test_the_limit_is_only_checked_when_the_pdf_format_is(small_limit: int) -> None:
    letter = make_letter(sections=(Section(text="x" * (small_limit + 1)),))
    assert openletter_pdf.openletter_lint(letter, ["html"]) == []
    assert len(openletter_pdf.openletter_lint(letter, ["html", "pdf"])) == 1
    assert any(p.path == ("sections", 0, "text") for p in Registry().lint(letter, ["pdf"]))


def test_the_documented_limit_is_the_one_enforced() -> None:
    docs = Path(openletter.__file__).parents[2] / "docs" / "pdf.md"
    if not docs.exists():
        pytest.skip("the docs are not beside this openletter")
    assert f"**{openletter_pdf.TEXT_LIMIT:,} characters**" in docs.read_text(encoding="utf-8")
